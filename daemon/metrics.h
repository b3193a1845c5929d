/*
 * metrics: the daemon's counters for Prometheus (docs/console.md,
 * "Metrics").  One struct metrics lives in struct station (station.h), so
 * every module that holds the station can count, and the web console's
 * /metrics page (daemon/web/web_metrics.c) reads it.  Counting is a plain
 * integer update on the loop thread: every function here must be called
 * there, never from a thread-pool job.  Every function accepts m == NULL
 * and then does nothing (a module under test without a station).
 *
 * Counters only grow; gauges (queue depths, live sources connected, the
 * checkpoint's time) are kept up to date by the module that owns the
 * state.  Values the page can read from the station itself at render time
 * (the disk's free bytes, the checkpoint's size, the replication queue)
 * are not copied here.
 */
#ifndef CUSTOSD_METRICS_H
#define CUSTOSD_METRICS_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* Where a sealed file came from: the label source="dock|upload|live". */
enum metrics_source {
	METRICS_DOCK = 0,
	METRICS_UPLOAD,
	METRICS_LIVE,
	METRICS_NSOURCES
};

/*
 * Why a file was refused (never sealed because of what it is or how it
 * was sent, as opposed to a failure of the station): the label
 * reason="...", a fixed vocabulary so that the series stay few.
 */
enum metrics_refusal {
	/* dock: entries of a camera volume that are not regular files */
	METRICS_REF_SYMLINK = 0,	/* "symlink" */
	METRICS_REF_FIFO,		/* "fifo" */
	METRICS_REF_DEVICE,		/* "device" */
	METRICS_REF_SOCKET,		/* "socket" */
	METRICS_REF_NOT_REGULAR,	/* "not_regular_file" */
	METRICS_REF_MOUNT,		/* "mount_inside_volume" */
	METRICS_REF_TOO_DEEP,		/* "directory_too_deep" */
	/* upload: a PUT or PATCH of a file answered with a refusal */
	METRICS_REF_BAD_REQUEST,	/* "bad_request": 400, 411, 413, 415 */
	METRICS_REF_NOT_ALLOWED,	/* "not_allowed": 401, 403 */
	METRICS_REF_NOT_FOUND,		/* "not_found": 404 */
	METRICS_REF_TIMEOUT,		/* "timeout": 408 */
	METRICS_REF_CONFLICT,		/* "conflict": 409, 412 */
	METRICS_REF_BUSY,		/* "busy": 503 */
	METRICS_REF_NO_SPACE,		/* "no_space": 507 */
	/* live: what a live child handed over that is not ours */
	METRICS_REF_MALFORMED,		/* "malformed_message" */
	METRICS_REF_NOT_SEGMENT,	/* "not_a_segment" */
	METRICS_NREFUSALS
};

/* The seal latency histogram's upper bounds in seconds (and +Inf). */
#define METRICS_SEAL_BOUNDS	0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, \
				60, 120, 300
#define METRICS_NBOUNDS		12

/* HTTP status codes counted one by one: 100 to 599. */
#define METRICS_CODE_MIN	100
#define METRICS_CODE_MAX	599

struct metrics {
	uint64_t	 sealed_files[METRICS_NSOURCES];
	uint64_t	 sealed_bytes[METRICS_NSOURCES];
	/* Seals per bucket (not cumulative): bucket i holds durations
	 * above bound i-1 up to bound i; the last one, above the last
	 * bound. */
	uint64_t	 seal_buckets[METRICS_NBOUNDS + 1];
	uint64_t	 seal_count;
	double		 seal_sum;	/* seconds */
	uint64_t	 refused[METRICS_NREFUSALS];
	uint64_t	 tsa_failures;
	/* Gauges of the seal pipeline (daemon/seal): jobs before the
	 * probe (stat, copy, re-read, waiting for the same object) and
	 * jobs whose media child runs. */
	uint64_t	 seal_queue;
	uint64_t	 probe_queue;
	uint64_t	 live_connected;
	/* Wall clock of the latest checkpoint this daemon signed, 0 when
	 * none yet. */
	time_t		 checkpoint_at;
	uint64_t	 web_requests[METRICS_CODE_MAX - METRICS_CODE_MIN + 1];
	uint64_t	 web_requests_other;	/* a code outside 100-599 */
};

/* The label values, for the page: "dock", "upload", "live". */
const char *metrics_source_name(enum metrics_source s);
/* "symlink", "fifo", ... as listed above. */
const char *metrics_refusal_name(enum metrics_refusal r);
/* The histogram's upper bound i (0 <= i < METRICS_NBOUNDS), seconds. */
double	 metrics_seal_bound(int i);

/*
 * The source of a seal request's source text (struct seal_req: "usb",
 * "upload", "live"): METRICS_NSOURCES for any other.
 */
enum metrics_source metrics_source_of(const char *source);

/* A file of bytes bytes sealed (a new entry) from source. */
void	 metrics_sealed(struct metrics *m, enum metrics_source source,
	    uint64_t bytes);

/*
 * The time a new entry took, from the request's start (its first byte
 * read) to the entry durable, into the histogram.
 */
void	 metrics_seal_time(struct metrics *m, double seconds);

/* One file refused for reason. */
void	 metrics_refused(struct metrics *m, enum metrics_refusal reason);

/*
 * The dock's reason text for an entry of a volume it refuses (walk.c:
 * "symlink", "fifo", "device", "socket", "unknown file type", "another
 * file system mounted inside the volume", "directory too deep", "became
 * a directory", "not a regular file"): counts it as its refusal, any
 * other text as "not_regular_file".
 */
void	 metrics_refused_dock(struct metrics *m, const char *why);

/*
 * An upload's answer status to a PUT or PATCH of a file: counts a
 * refusal (see the upload reasons above) and ignores every other status
 * (2xx, 5xx other than 503 and 507: a success or the station's own
 * failure).
 */
void	 metrics_refused_upload(struct metrics *m, int status);

/* One request to the TSA failed. */
void	 metrics_tsa_failure(struct metrics *m);

/* The seal pipeline's gauges now. */
void	 metrics_seal_queues(struct metrics *m, uint64_t seal,
	    uint64_t probe);

/* A live source's stream connected (delta 1) or ended (delta -1). */
void	 metrics_live_connected(struct metrics *m, int delta);

/* A checkpoint signed at when. */
void	 metrics_checkpoint(struct metrics *m, time_t when);

/* The web console answered a request with status code. */
void	 metrics_web_request(struct metrics *m, int code);

/*
 * What /metrics shows beside the counters, read from the station when the
 * page is asked for (metrics_text.c).
 */
struct metrics_values {
	time_t		 now;		/* wall clock */
	uint64_t	 checkpoint_size; /* tree size of the latest */
	int		 disk_known;	/* a disk check has succeeded */
	uint64_t	 disk_free;	/* bytes free to the daemon */
	int		 replica;	/* [replica] is configured */
	uint64_t	 replica_behind; /* objects not yet confirmed */
};

/*
 * Writes the Prometheus text exposition (format 0.0.4) of m and v to f:
 * a HELP and a TYPE line for every metric, the label values escaped.
 * The checkpoint's age is left out while no checkpoint was signed, the
 * disk's free bytes while no check succeeded, the replication metrics
 * without [replica].  Returns 0 or CUSTOS_ERR_SYSTEM (a write failed,
 * errno set).
 */
int	 metrics_write(FILE *f, const struct metrics *m,
	    const struct metrics_values *v);

/*
 * Writes s to f escaped as a label value (\, \" and \n for a
 * backslash, a double quote and a line feed).  Returns 0 or
 * CUSTOS_ERR_SYSTEM.
 */
int	 metrics_write_label(FILE *f, const char *s);

#endif
