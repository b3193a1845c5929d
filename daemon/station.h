/*
 * station: the daemon's evidence state: the state directory and its lock,
 * the station key, the log and the store.  Only the daemon writes the log,
 * and only through station_append().
 */
#ifndef CUSTOSD_STATION_H
#define CUSTOSD_STATION_H

#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "custos/config.h"
#include "disk.h"
#include "metrics.h"

struct registry_inspection;

struct station {
	const struct config	*cfg;		/* borrowed */
	struct log		*log;
	struct catalog		*catalog;	/* derived from log, kept
						   in sync by station_append */
	struct registry		*registry;	/* derived from log, synced
						   after the catalog */
	struct retention_view	*retention;	/* derived from log, synced
						   after the registry */
	struct replica_queue	*replica;	/* the replication queue
						   (include/custos/replica.h),
						   derived from log, synced
						   last */
	struct store		*store;
	struct calendar		*calendar;	/* working days, from the
						   resolved calendar_dir
						   (daemon/workdays.h); never
						   NULL, empty with "none";
						   replaced by a reload */
	struct note_signer	*signer;
	struct note_verifier	*verifier;
	char			*vkey;		/* verifier key string */
	int			 lockfd;
	struct timespec		 started;	/* monotonic */
	uint64_t		 started_index;
	int			 start_pending;	/* no space for
						   station.started yet:
						   station_append() refuses
						   every other type with
						   CUSTOS_ERR_NOSPACE */
	uint64_t		 checkpoint_size;
	struct tsa		*tsa;		/* timestamps (daemon/tsa.h),
						   or NULL */
	/* A short warning that every sd_notify STATUS= line of the daemon
	 * ends with (the calendar running out: main.c), or "". */
	char			 status_note[96];
	/* Room on the store's file system and the recent rate: checked by
	 * the ingest doors before each copy and on the daemon's timer. */
	struct disk		 disk;
	/* Called by station_checkpoint() after it stored a new checkpoint
	 * of tree size, or NULL. */
	void			(*checkpointed)(void *arg, uint64_t size);
	void			*checkpointed_arg;
	/* Called by station_append() after a segment.sealed or
	 * document.sealed entry entered the replication queue, or NULL. */
	void			(*sealed)(void *arg);
	void			*sealed_arg;
	/* [replica] is configured (set by the uploader's start): an
	 * object not confirmed off-station is never disposed of
	 * (disposal_confirmed()). */
	int			 replica_required;
	/* The same for the witnesses (daemon/witness.h), or NULL. */
	struct witnesses	*witnesses;
	void			(*cosign)(void *arg, uint64_t size);
	void			*cosign_arg;
	/* The counters the modules keep for /metrics (metrics.h). */
	struct metrics		 metrics;
};

/*
 * Takes the state directory: creates it, locks it (a second daemon gets
 * CUSTOS_ERR_BUSY and *holder, the pid in the lock file, before anything
 * is written), loads or creates the station key, opens and checks the log,
 * opens the store and loads the calendar (workdays_load(): a
 * calendar directory that does not exist or holds no year stops the
 * start; "calendar_dir = none" gives an empty calendar, every deadline
 * then "not covered").  On error err holds one line saying what failed.
 */
int	 station_open(struct station *st, const struct config *cfg,
	    long *holder, char *err, size_t errlen);

/*
 * Appends one entry of type with payload (borrowed, may be NULL); on
 * success the entry is durable, the catalog, the registry, the
 * retention view and the replication queue have applied it (a sealing
 * entry then calls st->sealed), *index (may be NULL) is its index and
 * leaf (may be NULL) its leaf hash.  An error after the append (a derived table) is returned too: the
 * entry then stays, and the next station_append() or sync applies it.
 */
int	 station_append(struct station *st, const char *type, json_t *payload,
	    uint64_t *index, uint8_t *leaf);

/*
 * Signs a checkpoint if the latest one is older than the log.  For the
 * checkpoint timer and session ends.  Same returns as
 * station_checkpoint().
 */

int	 station_checkpoint(struct station *st);

/*
 * Loads the calendar again from the directory resolved at the start (a
 * new year's file added): on success the new calendar replaces the old
 * one, whose pointer is then invalid; on error the calendar in use stays
 * and err says why.  Returns 0, workdays_load()'s errors, or
 * CUSTOS_ERR_CONFIG with "calendar_dir = none".
 */
int	 station_calendar_reload(struct station *st, char *err,
	    size_t errlen);

/*
 * Completes the back-fill deadline of i, read from the registry: an
 * emergency inspection whose entry has no backfill_due (the calendar did
 * not cover the day after entering when it was registered) gets one
 * computed now from the calendar in use, the same count the entry's would
 * have had (1 working day after the Beijing date of entering, ending
 * 24:00 Beijing), and backfill_due_unknown cleared; still not covered, it
 * keeps backfill_due NULL and backfill_due_unknown names the first date
 * missing now.  The log is never rewritten: a year's file added later
 * gives the deadline on the next read.  Returns 0 or CUSTOS_ERR_NOMEM (i
 * unchanged).
 */
int	 station_backfill_due(const struct station *st,
	    struct registry_inspection *i);

/* Where the web console keeps its remuxes, under state_dir. */
#define STATION_REMUX_DIR	"console/remux"

/*
 * The web console's copy of object hex remuxed to fragmented MP4
 * (daemon/web/web_footage.c), state_dir/console/remux/HEX.mp4, into buf
 * (len bytes).  A copy of the footage like the object itself: disposing
 * of the object removes it too (station_drop_remux()).
 */
void	 station_remux_path(const struct station *st, const char *hex,
	    char *buf, size_t len);

/*
 * Removes the console's remux of the object hash, if one was kept.
 * Returns 0 (also when there was none) or CUSTOS_ERR_SYSTEM (logged).
 */
int	 station_drop_remux(const struct station *st,
	    const uint8_t hash[DIGEST_LEN]);

/* Releases everything, the lock last. */
void	 station_close(struct station *st);

#endif
