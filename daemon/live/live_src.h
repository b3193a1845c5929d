/*
 * live_src.h: the parent's state of its live sources, shared by live.c
 * (the children: spawned, read, restarted; start, status, stop) and
 * live_queue.c (each source's queue of seals and live.gap entries, the
 * spool swept and recovered), and by no one else.  The loop owns it all.
 */
#ifndef CUSTOSD_LIVE_SRC_H
#define CUSTOSD_LIVE_SRC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <uv.h>

#include "live.h"

struct config_live;
struct sealer;
struct station;

enum state {
	ST_STARTING = 0,
	ST_LISTENING,
	ST_RECEIVING,
	ST_RECONNECTING,
	ST_STOPPED,
};

enum item_kind {
	IT_SEGMENT,
	IT_GAP,
};

/* A queued seal or gap entry. */
struct item {
	struct item	*next;
	enum item_kind	 kind;
	char		 session[LIVE_SESSION_LEN];
	uint32_t	 seq;
	int		 how;		/* ITEM_* below */
	struct timespec	 start, end;	/* realtime; SEGMENT with times */
	uint64_t	 packets;
	uint64_t	 dropped[LIVE_DROP_NREASONS];	/* reported SEGMENT */
	uint64_t	 dropped_bytes;
	json_t		*gap;		/* GAP: the payload */
};

#define ITEM_REPORTED	0	/* the child reported it closed */
#define ITEM_UNREPORTED	1	/* found after its child ended */
#define ITEM_RECOVERED	2	/* found at start: a previous run's */

struct source {
	struct live		*l;
	const struct config_live *cfg;
	char			*spool;		/* path, for messages */
	int			 spoolfd;
	enum state		 state;
	/* The child of the current run. */
	uv_process_t		 proc;
	uv_pipe_t		 in, out;
	uv_timer_t		 timer;		/* backoff, stop grace */
	int			 running;	/* proc not yet closed */
	int			 exited, eof, connected;
	struct live_req		 req;
	union {
		struct live_msg	 m;
		unsigned char	 b[sizeof(struct live_msg)];
	}			 msg;
	size_t			 got;
	char			 reason[160];	/* why the child ended */
	/* The session. */
	char			 session[LIVE_SESSION_LEN];
	uint32_t		 next_seq;
	struct timespec		 seg_start;	/* realtime */
	unsigned		 backoff_ms;
	/* What the child's END said was dropped with no segment to count
	 * it in. */
	uint64_t		 end_dropped[LIVE_DROP_NREASONS];
	uint64_t		 end_dropped_bytes;
	/* A drop not yet closed by a resumed stream. */
	int			 gap_open;
	char			 gap_session[LIVE_SESSION_LEN];
	struct timespec		 gap_from;
	uint64_t		 gap_dropped[LIVE_DROP_NREASONS];
	uint64_t		 gap_dropped_bytes;
	int			 had_session;	/* this run of custosd */
	/* Counters for status. */
	uint64_t		 segments, gaps;
	struct timespec		 last_segment_at;
	/* The seal queue. */
	struct item		*head, *tail;
	int			 sealing;
	int			 done;		/* stopped and drained */
};

struct live {
	uv_loop_t	*loop;
	struct station	*st;
	struct sealer	*sealer;
	char		*self;
	struct source	*src;
	size_t		 nsrc;
	int		 handles;
	int		 stopping;
	void		(*idle)(struct live *);	/* a queue fell idle
						   while stopping */
	void		(*stop_cb)(void *);
	void		*stop_arg;
};

/* live_queue.c: the queue. */

/* A new item of kind (all else zero), or NULL when out of memory. */
struct item	*live_item_new(enum item_kind kind);

/* Appends it to s's queue, which owns it from now on. */
void	 live_enqueue(struct source *s, struct item *it);

/*
 * Works s's queue one item at a time: seals the next segment (the seal's
 * callback goes on), or appends the next live.gap entry.  Once nothing
 * is sealing while the live side stops, calls l->idle.
 */
void	 live_pump(struct source *s);

/*
 * Queues a live.gap entry for the drop that began at s->gap_from:
 * resumed at *to by session next, or, with to NULL, open because the
 * station stopped.  Carries and clears s->gap_dropped.  Errors are
 * logged.
 */
void	 live_queue_gap(struct source *s, const struct timespec *to,
	    const char *next);

/*
 * Appends now, outside the queue (which must be empty), a live.gap entry
 * for s's drop, open because the station stopped.  Errors are logged.
 */
void	 live_close_gap(struct source *s);

/*
 * Queues the files of s's session from s->next_seq on that its child
 * wrote but did not report, and moves s->next_seq past them.
 */
void	 live_sweep_session(struct source *s);

/*
 * Queues, in order, the segments a previous run left in s's spool.
 * Returns 0, CUSTOS_ERR_NOMEM or CUSTOS_ERR_SYSTEM.
 */
int	 live_recover(struct source *s);

/* The packets of the drop counts n (LIVE_DROP_NREASONS of them). */
uint64_t live_drop_total(const uint64_t *n);

#endif
