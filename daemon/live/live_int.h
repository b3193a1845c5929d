/*
 * live_int.h: the live child's state, shared by live_child.c (the
 * request, the source, the restriction, the read loop), live_seg.c (the
 * stream cut into segments), live_msg.c (the messages, the stop) and
 * live_tls.c (the tls:// listener), and by no one else.  The child is one
 * process with one struct child; nothing here is used by the parent.
 */
#ifndef CUSTOSD_LIVE_INT_H
#define CUSTOSD_LIVE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <libavformat/avformat.h>

#include "live.h"

#define AVIO_BUFSZ		65536

/* Packets left out of a segment file, by reason (enum live_drop). */
struct drops {
	uint64_t	 n[LIVE_DROP_NREASONS];
	uint64_t	 bytes;
};

/*
 * One input stream that is copied.  Its last packet read is held until
 * the next packet of the stream arrives: only then is it known to have
 * ended (a demuxer hands out what it holds when the input stops, whole
 * or not).
 */
struct track {
	AVPacket	*held;
	int		 holding;	/* held has a packet */
	int		 video;
	int		 need_key;	/* video: drop until a keyframe */
	int		 suspect;	/* the packet after a corrupt one */
	int64_t		 last_dts;	/* of the last packet written, in the
					   stream's time base, or
					   AV_NOPTS_VALUE */
	const uint8_t	*ps;		/* H.264: the stream's parameter sets
					   (a copy of its extradata, Annex
					   B), put before a keyframe without
					   an SPS; NULL: none */
	int		 ps_len;
};

struct segment {
	AVFormatContext	*oc;
	AVIOContext	*pb;
	int		 fd;
	uint32_t	 seq;
	uint64_t	 packets;
	uint64_t	 bytes;
	int		 werr;		/* errno of a failed write */
	int64_t		 first_ms, last_ms;
	int64_t		 start_us;	/* stream time of its first packet of
					   the reference stream */
	struct timespec	 opened;	/* monotonic */
	struct drops	 dropped;
};

struct child {
	struct live_req	 req;
	AVFormatContext	*ic;
	AVIOContext	*in;		/* the protocol, for all but rtsp */
	int		*map;		/* input stream -> output or -1 */
	struct track	*track;		/* per input stream */
	unsigned	 nmap;
	int		 ref;		/* the stream cut at keyframes */
	AVPacket	*out;		/* the packet being written */
	struct segment	 seg;		/* seg.oc NULL: none open */
	struct drops	 pending;	/* drops before the first segment */
	uint32_t	 next_seq;
	char		 avlog[96];
};

/* live_msg.c: the messages and the stop. */

/*
 * The last message: why the stream ended (fmt), followed by the last
 * libavformat error if c is not NULL and one was logged, and the drops
 * of a session that opened no segment.  Then the child exits.
 */
void	 live_child_end(struct child *c, const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 2, 3)));

/*
 * Sends m (its magic and size filled in here) with one write on stdout,
 * after the check the parent will make; a message that fails it, or a
 * write that fails, ends the child.
 */
void	 live_child_send(struct live_msg *m);

/* Sends a message of type (LISTENING, CONNECTED) with no content. */
void	 live_child_send_simple(uint32_t type);

/*
 * Makes c the child whose END carries the unattributed drops, and keeps
 * libavformat's last error in c->avlog (its messages go nowhere else).
 */
void	 live_child_log_to(struct child *c);

/* The SIGTERM and SIGINT handler: the child is to stop. */
void	 live_child_on_stop(int sig);

/* Whether SIGTERM or SIGINT came: the child is to stop. */
int	 live_child_stopping(void);

/* libavformat's text for averr in buf (len bytes). */
void	 live_child_averr(int averr, char *buf, size_t len);

/* live_seg.c: the segments. */

/*
 * Sets up the hold-back of every mapped input stream of c (c->map filled
 * in): a held packet each, video waiting for its first keyframe, the
 * H.264 parameter sets from the extradata.  Ends the child when out of
 * memory.
 */
void	 live_seg_tracks(struct child *c);

/*
 * Takes one packet read from the stream (pkt is blank on return): the
 * packet of its stream held before it is written, into the open segment
 * or a new one; pkt is held, or left out and counted.  A segment that
 * cannot be written ends the child.
 */
void	 live_seg_take(struct child *c, AVPacket *pkt);

/*
 * The stream has ended: what is still held is counted truncated, and the
 * open segment is closed and reported.
 */
void	 live_seg_finish(struct child *c);

/* live_tls.c: the tls:// listener. */

/*
 * Opens c's tls:// listener (live_tls.c): binds c->req.url, says
 * LISTENING, waits for the camera's connection with a client certificate
 * that names it, and sets c->in and c->ic->pb to read it.  On failure it
 * ends the child with the reason (live_child_end()).
 */
void	 live_tls_open(struct child *c);

#endif
