/*
 * media_int: what the media child's jobs share (lib/media only; not a
 * contract outside it).  probe.c owns the demux core and the parent's
 * spawn and wait machinery; clip*.c build the clip child's jobs on them,
 * so a clip's leaves are exactly the leaves of packet_root.
 */
#ifndef CUSTOS_MEDIA_INT_H
#define CUSTOS_MEDIA_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <libavformat/avformat.h>

#include "custos/digest.h"
#include "custos/probe.h"

/*
 * The clip child's answer stream (native byte order; the parent is the
 * same program on the same machine): the leaves job sends one struct
 * wire_leaf per packet, in demux order, then one struct wire_result
 * tagged WIRE_TAG_RESULT.  The cut job sends, when it made the clip, the
 * clip's leaves the same way, and then always one struct wire_result
 * tagged WIRE_TAG_CUT.  The expected leaves the parent gives the cut job
 * (its fd 5) are COUNT struct wire_leaf, nothing else.
 */
#define WIRE_TAG_LEAF	0x43504c31u	/* "CPL1" */
#define WIRE_TAG_RESULT	0x43505231u	/* "CPR1" */
#define WIRE_TAG_CUT	0x43504331u	/* "CPC1" */

struct wire_leaf {
	uint32_t	 tag;
	uint32_t	 stream;
	uint32_t	 flags;
	uint32_t	 zero;
	int64_t		 time_ms;
	uint8_t		 leaf[DIGEST_LEN];
};

struct wire_result {
	uint32_t	 tag;
	uint32_t	 refused;	/* cut: the status is PROBE_FAILED */
	struct probe_result res;
};

/* A buffered writer of that stream (clip_wire.c). */
#define MEDIA_WOUT_BUFSZ	65536
struct media_wout {
	int		 fd;
	size_t		 len;
	unsigned char	*buf;
	AVFormatContext	*ctx;		/* the file whose leaves go out */
	int64_t		 start;		/* ctx->start_time, or 0 */
};

/*
 * init: a writer on fd for ctx's packets (CUSTOS_ERR_NOMEM); free it
 * with media_wout_free().  leaf is a media_packet_fn (arg the writer).
 * result puts the final record and flushes.  All return 0 or a
 * CUSTOS_ERR_* code (SYSTEM with errno set).
 */
int	 media_wout_init(struct media_wout *w, int fd, AVFormatContext *ctx);
void	 media_wout_free(struct media_wout *w);
int	 media_wout_put(struct media_wout *w, const void *p, size_t n);
int	 media_wout_flush(struct media_wout *w);
int	 media_wout_leaf(void *arg, uint64_t pos, const AVPacket *pkt,
	    const uint8_t leaf[DIGEST_LEN]);
int	 media_wout_result(struct media_wout *w, uint32_t tag,
	    uint32_t refused, const struct probe_result *res);

/*
 * The end of a job of the media child (clip_wire.c): res, whose status
 * PROBE_FAILED becomes a refusal (FAILED is the parent's word), checked
 * and sent on stdout as the record tag; then _exit(0).  A failure dies
 * naming what.
 */
void	 media_child_answer(uint32_t tag, struct probe_result *res,
	    const char *what) __attribute__((noreturn));

/*
 * The file a job writes (a clip, a remux) as an AVIOContext's opaque:
 * media_fout_write() is its write callback, writing every byte at pos
 * with pwrite; size is the furthest end written, err the errno of the
 * first failed write.
 */
struct media_fout {
	int		 fd;
	int64_t		 pos;
	int64_t		 size;
	int		 err;
};

int	 media_fout_write(void *opaque, uint8_t *buf, int n);

/* The custom AVIO context's state on one descriptor. */
struct mediaio {
	int		 fd;
	int		 seekable;
	int64_t		 size;		/* -1 if unknown */
	int64_t		 pos;		/* pread offset when seekable */
};

/* An opened input: the demuxer on our AVIO context. */
struct media_in {
	struct mediaio	 m;
	AVIOContext	*avio;
	AVFormatContext	*ctx;		/* NULL unless opened */
};

/* A running child, for the synchronous parents. */
struct probe_child {
	pid_t		 pid;
	int		 rfd;		/* the child's stdout */
	struct timespec	 start;
};

/*
 * Called for every packet media_demux() reads, in demux order, with its
 * leaf; pos is its position.  A non-zero return stops the demux and is
 * returned by it.
 */
typedef int media_packet_fn(void *arg, uint64_t pos, const AVPacket *pkt,
    const uint8_t leaf[DIGEST_LEN]);

/*
 * Installs the av_log callback that keeps libavformat's last error line
 * for media_set_error() (and off stderr), and forgets the last line.
 */
void	 media_avlog_install(void);
void	 media_avlog_clear(void);

/* res->error = "what: <averr text> (<last av_log line>)", cut to fit. */
void	 media_set_error(struct probe_result *res, const char *what,
	    int averr);

/* Copies src (NULL is "") into dst of size, cut short, NUL-terminated. */
void	 media_copy_str(char *dst, size_t size, const char *src);

/*
 * Initialises *res as the probe answers (magic, size, -1 times,
 * NOT_MEDIA) and opens fd exactly as probe_demux_fd() does: our AVIO
 * context (pread from 0), no other file, scan_all_pmts, the probesize and
 * analyse bounds, avformat_find_stream_info(); then describes the file
 * into res.  Returns 0 with in->ctx set, or 0 with in->ctx NULL when the
 * input could not be opened (res says why: NOT_MEDIA or DAMAGED), or
 * CUSTOS_ERR_NOMEM.  Call media_close() in every case.
 */
int	 media_open(int fd, struct media_in *in, struct probe_result *res);
void	 media_close(struct media_in *in);

/*
 * The probe's packet loop: reads every packet of in->ctx, hashes it into
 * res->packet_root with alg, sets res->packets and res->status (OK or
 * DAMAGED, error saying why), and calls each (if not NULL) per packet.
 * Returns 0, our own error, or each's non-zero return.
 */
int	 media_demux(AVFormatContext *ctx, enum digest_alg alg,
	    struct probe_result *res, media_packet_fn *each, void *arg);

/*
 * Starts "self argv[1..]" (argv[0] is self) as probe_spawn() does, with
 * in_fd as its fd 3 and, when out_fd >= 0, out_fd as its fd 4.  Returns
 * as probe_spawn().
 */
int	 media_spawn(const char *self, char *const argv[], int in_fd,
	    int out_fd, struct probe_child **out);
/* As media_spawn(), and aux_fd (when >= 0; needs out_fd) as its fd 5. */
int	 media_spawn_aux(const char *self, char *const argv[], int in_fd,
	    int out_fd, int aux_fd, struct probe_child **out);

/*
 * Reads c's stdout to its end into *buf (malloc'd, the caller frees it;
 * NULL when nothing was read), at most max bytes, until timeout_ms after
 * the start.  Returns the byte count, or MEDIA_READ_ERROR (errno set),
 * MEDIA_READ_TIMEOUT, MEDIA_READ_TOOLONG (more than max) or
 * MEDIA_READ_NOMEM.
 */
#define MEDIA_READ_ERROR	(-1)
#define MEDIA_READ_TIMEOUT	(-2)
#define MEDIA_READ_TOOLONG	(-3)
#define MEDIA_READ_NOMEM	(-4)
ssize_t	 media_read_all(struct probe_child *c, unsigned timeout_ms,
	    size_t max, unsigned char **buf);

/*
 * Ends c after media_read_all() returned got (e: its errno), kills it
 * unless it ended its answer, reaps and frees it.  Returns 1 when the
 * child exited 0 after a whole answer (the caller checks the bytes), 0
 * when *res was made the failure (CRASHED with the signal or status,
 * TIMEOUT, FAILED), or CUSTOS_ERR_SYSTEM / CUSTOS_ERR_NOMEM (errno set;
 * *res is FAILED too).
 */
int	 media_reap(struct probe_child *c, ssize_t got, int e,
	    unsigned timeout_ms, struct probe_result *res);

/*
 * The steps of a media child before it reads a byte (probe.h): die with
 * the parent, load what loads lazily (digest alg too), check that fd 3
 * (and fd 4 when out is set) is open, drop groups, default signals.
 * Dies with a line on stderr on failure.  The caller then restricts
 * itself (sandbox.h).
 */
void	 media_child_prepare(enum digest_alg alg, int out);

/* The child's one reporting path: "media: step: why" on stderr, exit 1. */
void	 media_child_die(const char *step, int rc, int err_no)
	    __attribute__((noreturn));

#endif
