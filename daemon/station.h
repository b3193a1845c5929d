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
	struct store		*store;
	struct note_signer	*signer;
	struct note_verifier	*verifier;
	char			*vkey;		/* verifier key string */
	int			 lockfd;
	struct timespec		 started;	/* monotonic */
	uint64_t		 started_index;
	uint64_t		 checkpoint_size;
};

/*
 * Takes the state directory: creates it, locks it (a second daemon gets
 * CUSTOS_ERR_BUSY and *holder, the pid in the lock file, before anything
 * is written), loads or creates the station key, opens and checks the log
 * and opens the store.  On error err holds one line saying what failed.
 */
int	 priv_station_open(struct station *st, const struct config *cfg,
	    long *holder, char *err, size_t errlen);

/*
 * Appends one entry of type with payload (borrowed, may be NULL); on
 * success the entry is durable and *index (may be NULL) is its index.
 */
int	 station_append(struct station *st, const char *type, json_t *payload,
	    uint64_t *index);

/*
 * Signs and stores a checkpoint for the current tree size, unless one
 * exists for that size.  Returns 0 or an error.
 */
int	 station_checkpoint(struct station *st);

/* Releases everything, the lock last. */
void	 station_close(struct station *st);

#endif
