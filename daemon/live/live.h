/*
 * live: live streams sealed segment by segment (docs/live.md).
 *
 * For each [live NAME] source the parent runs one long-lived live child,
 * custosd started again with -L, which alone touches the stream with
 * libavformat.  The child cuts the stream at keyframes into MPEG-TS files
 * in state_dir/live/NAME/ (its spool, the only directory it may write)
 * and reports each closed file with one fixed-layout struct live_msg on
 * its stdout.  The parent checks each message's exact size and fields,
 * seals the named file through the seal pipeline (source "live"), deletes
 * it once sealed, and restarts the child with backoff when the stream
 * ends.  A resumed stream appends a live.gap entry for the time between.
 *
 * The child gets its one request, a struct live_req, on its stdin; the
 * spool directory is its fd 3.
 */
#ifndef CUSTOSD_LIVE_H
#define CUSTOSD_LIVE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <uv.h>

#define LIVE_REQ_MAGIC		0x434c5131u	/* "CLQ1" */
#define LIVE_MSG_MAGIC		0x434c4d31u	/* "CLM1" */
#define LIVE_SESSION_LEN	40
#define LIVE_URL_LEN		1024
#define LIVE_SPOOL_FD		3

enum live_mode {
	LIVE_PULL = 1,		/* url: connect to the camera */
	LIVE_LISTEN_TCP = 2,	/* tcp://host:port, the camera connects */
	LIVE_LISTEN_TLS = 3,	/* tls://host:port with client certificates */
	LIVE_LISTEN_SRT = 4,	/* srt://host:port with a passphrase */
};

/* The parent's one request, fixed layout, on the child's stdin. */
struct live_req {
	uint32_t	 magic;
	uint32_t	 size;		/* sizeof(struct live_req) */
	uint32_t	 mode;		/* enum live_mode */
	uint32_t	 segment_seconds;
	char		 session[LIVE_SESSION_LEN];	/* file name prefix */
	char		 url[LIVE_URL_LEN];
	char		 passphrase[80];	/* srt */
	char		 cert[PATH_MAX];	/* tls: station certificate */
	char		 key[PATH_MAX];		/* tls: its key */
	char		 ca[PATH_MAX];		/* tls: camera CA */
	char		 crl[PATH_MAX];		/* tls: its CRL, or "" */
	char		 camera[64];		/* tls: the serial the client
						   certificate must name */
};

enum live_msg_type {
	LIVE_MSG_LISTENING = 1,	/* about to wait for the camera / connect */
	LIVE_MSG_CONNECTED = 2,	/* the stream is open */
	LIVE_MSG_SEGMENT = 3,	/* file <session>.<seq>.ts is closed */
	LIVE_MSG_END = 4,	/* the stream ended or failed; error says
				   why; the child exits next */
};

/*
 * Why the child left a packet out of the segment file (docs/live.md,
 * "Complete packets only").
 */
enum live_drop {
	LIVE_DROP_CORRUPT = 0,	/* flagged corrupt by the demuxer, or the
				   packet of its stream just after one */
	LIVE_DROP_TRUNCATED,	/* still arriving when the stream ended, or
				   could not be written whole */
	LIVE_DROP_BEFORE_KEYFRAME, /* video that needs a keyframe the file
				   lacks: before its stream's first one, or
				   after a dropped packet */
	LIVE_DROP_NREASONS
};

/* One message of the child, fixed layout, written with one write(2). */
struct live_msg {
	uint32_t	 magic;
	uint32_t	 size;		/* sizeof(struct live_msg) */
	uint32_t	 type;		/* enum live_msg_type */
	uint32_t	 seq;		/* SEGMENT: 0, 1, 2, ... per session */
	uint64_t	 packets;	/* SEGMENT: packets written */
	uint64_t	 bytes;		/* SEGMENT: file size */
	int64_t		 first_ms;	/* SEGMENT: first and last packet
					   time from the stream's clock,
					   ms; -1 unknown */
	int64_t		 last_ms;
	uint64_t	 dropped[LIVE_DROP_NREASONS]; /* SEGMENT: packets
					   left out of the file, by reason;
					   END: those of a session that
					   wrote no segment */
	uint64_t	 dropped_bytes;	/* SEGMENT, END: their size */
	char		 error[128];	/* END: why; printable ASCII */
};

/*
 * Checks one message as read from the child: exact size, magic, type,
 * for SEGMENT that seq is next_seq, that it holds a packet and the times
 * are -1 or ordered, drop counts only in SEGMENT and END, their sum and
 * their bytes each within INT64_MAX; the error text must be NUL-terminated and is
 * cleaned to printable ASCII.
 * Returns 0 or CUSTOS_ERR_FORMAT.  Exposed for the fuzz target.
 */
int	 live_msg_check(struct live_msg *m, size_t len, uint32_t next_seq);

/* The spool file name of segment seq of session: "<session>.<seq>.ts". */
int	 live_spool_name(const char *session, uint32_t seq, char *buf,
	    size_t bufsz);

/*
 * The child's entry point (custosd -L): reads the request, opens the
 * source, restricts itself and writes segments until the stream ends or
 * SIGTERM comes.  Never returns.
 */
void	 live_child_main(void) __attribute__((noreturn));

struct live;
struct station;
struct sealer;

/*
 * Starts a child per [live] section of st's config (none: *out is still a
 * valid struct live that does nothing), after sealing what a previous run
 * left in the spools.  self is custosd's path.  Returns 0 and *out, or an
 * error (a spool directory that cannot be made).
 */
int	 live_start(uv_loop_t *loop, struct station *st,
	    struct sealer *sealer, const char *self, struct live **out);

/* The "live" array of the status JSON (new reference), or NULL. */
json_t	*live_status(struct live *l);

/*
 * Stops every child (each closes and reports its current segment), seals
 * what is spooled, appends an open live.gap for every source that is
 * down, then calls cb(arg) once on the loop and frees l.  l NULL: cb is
 * called at once.
 */
void	 live_stop(struct live *l, void (*cb)(void *), void *arg);

#endif
