/*
 * clip: excerpts of a sealed recording that can be proven, packet by
 * packet, to come from it (docs/bundle.md, "Clips").  Two jobs run in
 * the sandboxed media child, never in the caller:
 *
 *  - leaves: demux a file and answer, for every packet av_read_frame()
 *    returns, in demux order, its stream index, its time and its leaf
 *    H(0x00 || be32(stream) || data), exactly the leaves of packet_root
 *    (docs/segment.md);
 *  - cut: copy the packets [first, first + count) of the original's demux
 *    order, unchanged (stream copy, no re-encoding), into a new file of the
 *    same container family, written through a descriptor the parent opened.
 *
 * The parent side runs each child synchronously (like probe_run_sync()).
 * clip_plan() picks the packet range for an asked span; it is pure.
 */
#ifndef CUSTOS_CLIP_H
#define CUSTOS_CLIP_H

#include <stddef.h>
#include <stdint.h>

#include "custos/digest.h"
#include "custos/probe.h"

/* The role flag of the clip child, for every program that has one. */
#define CLIP_CHILD		"--clip-child"

/* A packet's time is unknown (no pts and no dts). */
#define CLIP_NO_TIME		INT64_MIN

/* Flags of a leaf. */
#define CLIP_KEY		0x1u	/* AV_PKT_FLAG_KEY */

/* A leaf's stream index is below this (the parent refuses others). */
#define CLIP_MAX_STREAMS	1024

/* The most leaves a parent accepts from one child. */
#define CLIP_MAX_LEAVES		((uint64_t)1 << 26)

/* One packet, as the leaves child reports it. */
struct clip_leaf {
	uint32_t	 stream;	/* AVPacket.stream_index */
	uint32_t	 flags;		/* CLIP_KEY */
	int64_t		 time_ms;	/* pts (else dts) in ms, relative to
					   the file's start (AVFormatContext
					   .start_time), or CLIP_NO_TIME */
	uint8_t		 leaf[DIGEST_LEN];
};

/* Every packet of one file, and the child's answer about the file. */
struct clip_leaves {
	struct clip_leaf	*v;
	size_t			 n;
	struct probe_result	 res;	/* status, container, streams,
					   packets (== n), packet_root */
};

/*
 * Runs the leaves child ("SELF --clip-child leaves sha256|sm3") on fd (the
 * caller keeps it), waits at most timeout_ms, and fills *out.  out->res is
 * the child's answer as probe_wait() would give it; when its status is
 * not PROBE_OK or PROBE_DAMAGED, out->v is NULL and out->n 0.  More than
 * max_leaves packets is PROBE_FAILED ("more than N packets").  Returns 0,
 * CUSTOS_ERR_INVALID, CUSTOS_ERR_NOMEM or CUSTOS_ERR_SYSTEM (errno set).
 */
int	 clip_leaves_run(const char *self, int fd, enum digest_alg alg,
	    unsigned timeout_ms, uint64_t max_leaves, struct clip_leaves *out);

/* Frees out->v; out may be reused after.  NULL is allowed. */
void	 clip_leaves_free(struct clip_leaves *out);

/*
 * Runs the cut child ("SELF --clip-child cut sha256|sm3 FIRST COUNT LIMIT")
 * with in_fd as the original (read with pread from 0), out_fd as the clip
 * (an empty regular file opened for reading and writing; the child writes
 * and seeks in it and never grows it past limit bytes) and want the
 * count leaves (alg) the packets [first, first + count) of the original
 * have, from its stored or demuxed leaves (given to the child on its fd
 * 5).  The child seeks to the first packet (it reads from the start when
 * the container cannot seek), copies the range checking every packet
 * against want (a packet that differs is PROBE_FAILED "packet P of the
 * original is not the one sealed").  The muxer is chosen from the
 * original's demuxer: mov/mp4 family "mp4" (or "mov" when the original
 * is a QuickTime file), "mpegts", "matroska"; any other container is
 * PROBE_FAILED with "clips of <container> are not supported".
 * Timestamps are shifted so that the clip starts at 0; packet data and
 * side data are copied unchanged.  res says PROBE_OK or why not (error).
 * The child then demuxes the clip it wrote and compares every packet's
 * leaf with want, per stream in order: a muxer that would change packet
 * data (the MPEG-TS muxer adds an access unit delimiter to H.264 and HEVC
 * packets that have none) gives PROBE_FAILED, "the <muxer> muxer would
 * change packet data of stream S"; so do a clip larger than limit ("...
 * larger than its limit") and a range past the original's end.  On
 * PROBE_OK, res describes the original's streams, with packets = count
 * and container the muxer's name, and *clip holds the clip's leaves
 * (alg) as clip_leaves_run() would give them for out_fd (free with
 * clip_leaves_free(); empty otherwise).
 * Returns 0, CUSTOS_ERR_INVALID, CUSTOS_ERR_NOMEM or CUSTOS_ERR_SYSTEM.
 */
int	 clip_cut_run(const char *self, int in_fd, int out_fd,
	    enum digest_alg alg, const struct clip_leaf *want, uint64_t first,
	    uint64_t count, uint64_t limit, unsigned timeout_ms,
	    struct probe_result *res, struct clip_leaves *clip);

/*
 * The child's entry point, called by main() when argv[1] is CLIP_CHILD:
 * argv[2] "leaves" with argv[3] the digest name, or "cut" with argv[3]
 * the digest name, argv[4] FIRST, argv[5] COUNT and argv[6] LIMIT (the
 * most bytes it may write, its RLIMIT_FSIZE); the cut reads the COUNT
 * expected leaves from fd 5 before it restricts itself.  Restricts itself (sandbox.h) before it reads
 * a byte of media, as probe_child_main() does.  Never returns.
 */
void	 clip_child_main(int argc, char *argv[]) __attribute__((noreturn));

/*
 * The cores without fork or sandbox (the children run them; the fuzz
 * target and unit tests call them directly).  clip_leaves_fd() writes the
 * child's answer stream to out_fd (the wire format in clip.c); it and
 * clip_leaves_parse() are inverse.  clip_cut_fd() runs the cut job
 * (struct clip_cut_job): writes the clip to out_fd (pwrite at its own offsets, then pread to check it: out_fd must
 * be an empty regular file open for reading and writing).  Return 0 or
 * a CUSTOS_ERR_* code; *res is the answer (clip_cut_fd() sets
 * PROBE_FAILED itself for the refusals above).
 */
int	 clip_leaves_fd(int fd, enum digest_alg alg, int out_fd,
	    struct probe_result *res);
int	 clip_leaves_parse(const void *buf, size_t len, uint64_t max_leaves,
	    struct clip_leaves *out);
/*
 * The leaves child's answer, parsed as it comes (a multi-hour recording's
 * records are never held whole): clip_stream_feed() takes any split of
 * the stream, checks each record's framing (tag, zero padding, flags,
 * stream below CLIP_MAX_STREAMS, at most max_leaves leaves) and passes
 * each leaf, with its raw record bytes, to fn (NULL: only counted); fn's
 * non-zero return stops the stream and is returned.  Bytes after the
 * result, an unknown tag or a bad record are CUSTOS_ERR_FORMAT, and every
 * later call fails.  clip_stream_end() checks that the stream ended
 * right after a result that passes probe_result_check() and counts the
 * leaves seen (none unless PROBE_OK or PROBE_DAMAGED), and copies it to
 * *res: 0 or CUSTOS_ERR_FORMAT.  clip_leaves_parse() is the one-buffer
 * form; clip_leaves_read() reads a stored answer (store_leaves_open())
 * from offset 0 of fd with pread.  Both fill *out (free with
 * clip_leaves_free(), also on error it is left empty) and return 0,
 * CUSTOS_ERR_FORMAT, CUSTOS_ERR_NOMEM or (read) CUSTOS_ERR_SYSTEM.
 */
typedef int	 clip_leaf_fn(void *arg, const struct clip_leaf *l,
		    const void *rec, size_t len);

struct clip_stream {
	clip_leaf_fn	*fn;
	void		*arg;
	uint64_t	 max_leaves;
	uint64_t	 n;		/* leaves seen */
	size_t		 have;		/* bytes of the record in part */
	int		 done;		/* the result came */
	int		 bad;
	struct probe_result res;
	unsigned char	 part[8 + sizeof(struct probe_result)];
};

void	 clip_stream_init(struct clip_stream *cs, uint64_t max_leaves,
	    clip_leaf_fn *fn, void *arg);
int	 clip_stream_feed(struct clip_stream *cs, const void *buf,
	    size_t len);
int	 clip_stream_end(struct clip_stream *cs, struct probe_result *res);
int	 clip_leaves_read(int fd, uint64_t max_leaves,
	    struct clip_leaves *out);

/*
 * The cut job.  want: count leaves (alg) of packets first.. of the
 * original.  from_start: never seek (the result is the same; tests).
 * leaves_fd: -1, or where the clip's leaves go (the leaves child's
 * stream; then one more result record follows, the cut's).  seeked
 * (out): the range was found by seeking.
 */
struct clip_cut_job {
	uint64_t		 first;
	uint64_t		 count;
	const struct clip_leaf	*want;
	enum digest_alg		 alg;
	int			 from_start;
	int			 leaves_fd;
	int			 seeked;
};

int	 clip_cut_fd(int in_fd, int out_fd, struct clip_cut_job *job,
	    struct probe_result *res);

/*
 * Chooses the packets for the asked span [from_ms, to_ms] (times as in
 * struct clip_leaf, from_ms < to_ms): first is the last video key packet
 * (CLIP_KEY on a stream whose first packet is a key packet: the video
 * stream with the most packets, else any stream) at or before from_ms,
 * else the first packet; the range ends after the last packet, in demux
 * order, whose time is at or before to_ms.  Sets *first, *count and the
 * actual span (*act_from: time of the first chosen packet of that stream,
 * *act_to: the latest end time, time + its duration estimated from the
 * next packet of its stream, among the chosen packets).  Returns 0,
 * CUSTOS_ERR_INVALID (bad span, no leaves) or CUSTOS_ERR_NOTFOUND (no
 * packet inside the span: from_ms past the end).
 */
int	 clip_plan(const struct clip_leaves *orig, int64_t from_ms,
	    int64_t to_ms, uint64_t *first, uint64_t *count, int64_t *act_from,
	    int64_t *act_to);

#endif
