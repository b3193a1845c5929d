/*
 * disk: the room left on the store's file system, against the [disk]
 * thresholds (warn, stop_ingest), and how many camera-hours of footage
 * that room holds at the recent rate (docs/dock.md, "Disk pressure").
 *
 * The recent rate is the bytes of footage per camera-hour of the
 * segment.sealed entries appended in the last DISK_WINDOW_H hours: their
 * sizes summed, divided by their media durations summed (a segment the
 * probe found no duration for counts in neither).  With less than
 * DISK_MIN_MS of footage in the window the rate is not known and every
 * report says so instead of guessing.  The window is read back from the
 * log at the start and kept up to date by disk_segment().
 *
 * The state (ok, warn, stop) is computed at every check; a change is
 * logged once, with the room and the camera-hours, never a check that
 * finds the same state.  At stop the ingest doors refuse new copies
 * (the dock pauses, uploads get 507); nothing is ever deleted to make
 * room.  The loop owns the structure.
 */
#ifndef CUSTOSD_DISK_H
#define CUSTOSD_DISK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#define DISK_WINDOW_H	168		/* the rate's window: 7 days */
#define DISK_MIN_MS	(3600 * 1000)	/* footage needed for a rate */
#define DISK_RETRY_S	30		/* Retry-After of a 507 */

struct config;
struct log;

enum disk_level {
	DISK_OK = 0,
	DISK_WARN,
	DISK_STOP,
};

struct disk_hour {
	int64_t		 hour;		/* hours since the epoch */
	uint64_t	 bytes;		/* of segments with a duration */
	uint64_t	 ms;		/* their durations */
};

struct disk {
	const struct config *cfg;	/* borrowed */
	char		*path;		/* the store directory */
	enum disk_level	 level;		/* as last logged */
	int		 known;		/* a check has succeeded */
	int		 err;		/* errno of the last failed check */
	uint64_t	 avail, total;	/* bytes free (to the daemon), size */
	uint64_t	 warn, stop;	/* the thresholds in bytes */
	struct disk_hour hours[DISK_WINDOW_H];
};

/*
 * Sets d up for the store directory store_dir (copied) under cfg
 * (borrowed) and reads the rate's window back from l: the segment.sealed
 * entries from the end of the log back to the first older than the
 * window (at most a bounded number of entries).  Does not check the
 * room yet.  Returns 0 or CUSTOS_ERR_NOMEM; an entry that cannot be read
 * only ends the look back.
 */
int	 disk_init(struct disk *d, const struct config *cfg,
	    const char *store_dir, struct log *l);

/* Frees what disk_init() allocated; d may be zeroed. */
void	 disk_free(struct disk *d);

/*
 * Counts a segment.sealed payload (borrowed) appended at when into the
 * rate's window.  Other payloads and a segment without a duration are
 * ignored.
 */
void	 disk_segment(struct disk *d, const json_t *payload, time_t when);

/*
 * Measures the room now (statvfs), computes the state and logs a change
 * of state.  Returns the state; a file system that cannot be measured
 * keeps the last state (logged once).
 */
enum disk_level disk_check(struct disk *d);

/*
 * For an ingest door, before it copies a file: disk_check(), then 0 if
 * ingest may go on, or CUSTOS_ERR_NOSPACE at the stop_ingest floor with
 * why (whylen bytes) saying so, e.g. "free space 3.0 MiB below
 * stop_ingest 5.0 MiB".
 */
int	 disk_admit(struct disk *d, char *why, size_t whylen);

/*
 * One line for the service's STATUS and the log: "disk: 1.2 GiB free,
 * about 3.5 camera-hours at 2.0 GiB/camera-hour" (or "... camera-hours
 * unknown: not enough footage in the last 7 days"), with the state when
 * it is not ok.
 */
void	 disk_line(const struct disk *d, char *buf, size_t len);

/*
 * The "disk" member of the status answer (docs/api.md): a new reference,
 * or NULL on allocation failure.
 */
json_t	*disk_status(const struct disk *d);

#endif
