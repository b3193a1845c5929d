/*
 * dock_int.h: the dock's state, shared by dock.c (dock.root watched, the
 * cameras docked and walked, stop), session.c (a camera's files sealed
 * and its dock.session entry), gaps.c (its numbering checked) and
 * dock_state.c (status, a camera taken off, the end), and by no one
 * else.  The loop owns every structure here.
 */
#ifndef CUSTOSD_DOCK_INT_H
#define CUSTOSD_DOCK_INT_H

#include <sys/stat.h>
#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <uv.h>

#include "walk.h"

#define SERIAL_MAX		64
#define IGNORED_MAX		256	/* names remembered as logged */

enum cam_state {
	CAM_SCANNING = 0,	/* walking the volume */
	CAM_SEALING,
	CAM_DONE,		/* session entry appended, still docked */
	CAM_UNREADABLE,		/* the directory cannot be opened */
};

struct dock;
struct sealer;
struct station;

/* A docked camera: one directory of dock.root, one session. */
struct camera {
	struct dock	*d;
	struct camera	*next;
	char		 name[SERIAL_MAX + 1];
	dev_t		 dev;
	ino_t		 ino;
	enum cam_state	 state;
	int		 busy;		/* one operation in flight */
	int		 gone;		/* undocked: end the session */
	int		 waiting;	/* held back by a full store */
	uint64_t	 pauses;	/* times ingest paused on it */
	uint64_t	 pause_no;	/* the dock's pause it last counted */
	char		 pause_why[160];	/* the last pause's reason */
	const char	*end_pending;	/* the dock.session append found
					   the disk full: the "ended" to
					   retry it with, or NULL */
	int		 volfd;		/* the volume root, -1 if closed */
	struct item	*items;
	size_t		 nitems;
	size_t		 cur;		/* next item to look at */
	int		 truncated;	/* the walk hit a limit */
	struct timespec	 start_rt, start_mono, end_mono;
	uint64_t	 files_total, files_done, bytes_total, bytes_done;
	uint64_t	 errors, refused;
	struct walk_clock clock;	/* found by the walk */
	json_t		*gaps;		/* the session's numbering holes
					   (gaps.h), or NULL before the
					   check; kept for the status */
	size_t		 gaps_omitted;	/* holes left out of gaps */
	/* The file being sealed. */
	int		 fd, parentfd;
	struct stat	 sb;
};

/* The dock: dock.root watched and its cameras. */
struct dock {
	uv_loop_t	*loop;
	struct station	*st;
	struct sealer	*sealer;
	char		*root;
	uv_fs_event_t	 watch;
	uv_timer_t	 rescan;
	uv_timer_t	 retry;
	int		 watching;
	int		 handles;	/* open handles to close at stop */
	int		 scan_busy, scan_again;
	struct camera	*cams;
	/* The disk-full state: a store write or a log append failed for
	 * want of space (CUSTOS_ERR_NOSPACE).  Logged once on entering and
	 * once on leaving; the status shows since when, why and how many
	 * retries failed since. */
	int		 store_full;
	int		 full_floor;	/* entered at the [disk] stop_ingest
					   floor (disk.h), not on ENOSPC */
	uint64_t	 pause_no;	/* pauses entered so far */
	struct timespec	 full_since;	/* realtime */
	uint64_t	 full_retries;
	char		 full_why[160];
	struct camera	*prober;	/* the camera that may try while full */
	char		*ignored[IGNORED_MAX];
	size_t		 nignored;
	int		 stopping;
	void		(*stopped)(void *);
	void		*stopped_arg;
	char		 notified[640];
};

/* dock_state.c */

/*
 * Takes c off its dock's list and frees it (closing its volume and
 * freeing its items).  c is invalid afterwards.
 */
void	 dock_cam_unlink(struct camera *c);

/*
 * Tells systemd the dock's state in one STATUS= line (cameras docked,
 * ingesting, files done of total, store full), if it changed since the
 * last one sent.
 */
void	 dock_notify(struct dock *d);

/*
 * Once the dock is stopping and nothing is in flight any more (no scan,
 * no open handle, no camera busy or sealing), frees every camera and d,
 * then calls the dock_stop() callback.  d is invalid afterwards if that
 * happened.  Does nothing otherwise.
 */
void	 dock_maybe_stopped(struct dock *d);

#endif
