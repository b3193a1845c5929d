/*
 * witness: the station's side of witnessing ([witness NAME] in the
 * config, c2sp.org/tlog-witness).  After each new checkpoint the daemon
 * POSTs to each witness's URL/add-checkpoint the old size (the size that
 * witness last cosigned for this station, from the log's cosignatures
 * table), the consistency proof from it and the latest checkpoint note, in
 * the libuv thread pool with libcurl, one request per witness at a time.
 * A 200 reply's cosignature lines are checked with lib/log/cosig.c against
 * the configured witness key and stored with log_cosig_put().  A 409 names
 * the size the witness holds: one of ours (not above our checkpoint) is
 * retried at once with a proof from it; a larger one means the witness saw
 * a log this station does not extend, and so does a 422 (the proof does
 * not verify): a fork or a rewound station, logged as such.  Other
 * failures are retried with backoff (1 s doubling to 5 min), logged when
 * the state changes.
 */
#ifndef CUSTOSD_WITNESS_H
#define CUSTOSD_WITNESS_H

#include <uv.h>

#include <jansson.h>

#include "station.h"

struct witnesses;

/*
 * Starts cosigning st's checkpoints on loop with the witnesses of
 * st->cfg; without any, sets *out to NULL and does nothing.  Reads and
 * checks each witness's key file (a cosignature/v1 verifier key named as
 * its section), hooks itself into st (st->witnesses and the cosign
 * callback) and requests cosignatures of the latest checkpoint where they
 * are missing.  Returns 0; on error err (errlen bytes) says which witness
 * and what: CUSTOS_ERR_SYSTEM (errno set) for an unreadable key file,
 * CUSTOS_ERR_FORMAT / CUSTOS_ERR_UNSUPPORTED for a file that is not a
 * cosignature/v1 verifier key, CUSTOS_ERR_CONFIG for a key whose name is
 * not the section's, CUSTOS_ERR_NOMEM, CUSTOS_ERR_DB.
 */
int	 witnesses_start(uv_loop_t *loop, struct station *st,
	    struct witnesses **out, char *err, size_t errlen);

/*
 * Requests cosignatures of the latest checkpoint now from every witness
 * that lacks one, forgetting any backoff; a request under way is followed
 * by another.  ws may be NULL.
 */
void	 witnesses_kick(struct witnesses *ws);

/*
 * Whether every witness has cosigned the checkpoint of tree size: 1 yes,
 * 0 no.  ws NULL (no witnesses): -1.
 */
int	 witnesses_cosigned(struct witnesses *ws, uint64_t size);

/*
 * Unhooks from the station, aborts the requests under way and frees ws
 * once libuv has closed its handles and the thread pool has given every
 * request back.  ws may be NULL.
 */
void	 witnesses_stop(struct witnesses *ws);

/*
 * The "witnesses" member of the status document (a new reference, or
 * NULL without witnesses): an array with, per witness, name, url, state
 * ("ok", "failing" or "conflict": the witness holds a tree this station
 * does not extend), cosigned_size (the largest tree size it cosigned, 0
 * if none), cosigned_time (that cosignature's time, RFC 3339, or null),
 * checkpoint_size, last_error (or null) and next_retry_s (or null).
 */
json_t	*witnesses_status(struct witnesses *ws);

#endif
