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

struct station {
	const struct config	*cfg;		/* borrowed */
	struct log		*log;
	struct catalog		*catalog;	/* derived from log, kept
						   in sync by station_append */
	struct registry		*registry;	/* derived from log, synced
						   after the catalog */
	struct store		*store;
	struct calendar		*calendar;	/* working days, from
						   [station] calendar_dir */
	struct note_signer	*signer;
	struct note_verifier	*verifier;
	char			*vkey;		/* verifier key string */
	int			 lockfd;
	struct timespec		 started;	/* monotonic */
	uint64_t		 started_index;
	uint64_t		 checkpoint_size;
	struct tsa		*tsa;		/* timestamps (daemon/tsa.h),
						   or NULL */
	/* Called by station_checkpoint() after it stored a new checkpoint
	 * of tree size, or NULL. */
	void			(*checkpointed)(void *arg, uint64_t size);
	void			*checkpointed_arg;
};

/*
 * Takes the state directory: creates it, locks it (a second daemon gets
 * CUSTOS_ERR_BUSY and *holder, the pid in the lock file, before anything
 * is written), loads or creates the station key, opens and checks the log,
 * opens the store and loads the calendar (a calendar_dir that does not
 * exist gives an empty calendar: every deadline is then "not covered").  On error err holds one line saying what failed.
 */
int	 priv_station_open(struct station *st, const struct config *cfg,
	    long *holder, char *err, size_t errlen);

/*
 * Appends one entry of type with payload (borrowed, may be NULL); on
 * success the entry is durable, the catalog and the registry have applied
 * it, *index (may be NULL) is its index and leaf (may be NULL) its leaf
 * hash.  An error after the append (a derived table) is returned too: the
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

/* Releases everything, the lock last. */
void	 station_close(struct station *st);

#endif
