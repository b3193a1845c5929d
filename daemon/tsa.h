/*
 * tsa: RFC 3161 timestamps of the station's checkpoints ([tsa] in the
 * config).  After each new checkpoint the daemon asks the TSA for a
 * token over the exact note bytes of the latest checkpoint only (one
 * token covers every entry of that tree), in the libuv thread pool with
 * libcurl, verifies the reply with lib/log/tsa.c against [tsa] ca and stores
 * it with log_timestamp_put().  While the TSA fails, requests are retried
 * with exponential backoff (1 s doubling to 5 min) and ingest goes on.
 */
#ifndef CUSTOSD_TSA_H
#define CUSTOSD_TSA_H

#include <uv.h>

#include <jansson.h>

#include "station.h"

struct tsa;

/*
 * Starts timestamping st's checkpoints on loop when st->cfg->tsa_url is
 * set, else sets *out to NULL and does nothing.  Hooks itself into st
 * (st->tsa and the checkpoint callback) and requests a token for the
 * latest checkpoint if it has none.  Returns 0; CUSTOS_ERR_SYSTEM (errno
 * set) when [tsa] ca cannot be read; CUSTOS_ERR_NOMEM.
 */
int	 tsa_start(uv_loop_t *loop, struct station *st, struct tsa **out);

/*
 * Requests a token for the latest checkpoint now, forgetting any backoff;
 * a request already under way is followed by another if it was for an
 * older checkpoint.  t may be NULL.
 */
void	 tsa_kick(struct tsa *t);

/*
 * Unhooks from the station, aborts a request under way and frees t once
 * libuv has closed its handles and the thread pool has given the request
 * back.  t may be NULL.
 */
void	 tsa_stop(struct tsa *t);

/*
 * The "tsa" member of the status document (a new reference, or NULL):
 * url, state (ok, failing or off), timestamped_size (the largest tree
 * size with a stored token), checkpoint_size, lag_entries (log entries
 * no token covers yet), lag_seconds (since the oldest checkpoint without
 * a token was signed in this run, or since the start when the previous
 * run left one; 0 when nothing lags), last_error (or null once a request
 * succeeds), next_retry_s (or null when no retry is scheduled).  t may be
 * NULL (no [tsa], or stopping): state "off".
 */
json_t	*tsa_status(struct tsa *t, struct station *st);

#endif
