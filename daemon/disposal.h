/*
 * disposal: the bytes of disposed objects (docs/retention.md,
 * "Disposal").  An object.deleted entry is appended and durable before
 * its object's bytes are removed from the store, so a crash in between
 * leaves an entry whose bytes remain; disposal_finish() removes them.
 * custosd calls it at the start and the dispose route before each
 * disposal: removing what is already gone is a no-op.
 */
#ifndef CUSTOSD_DISPOSAL_H
#define CUSTOSD_DISPOSAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <uv.h>

#include "custos/retention.h"

struct config;
struct disposal_schedule;
struct station;

/*
 * Reads the log and removes from the store every object whose latest
 * entry of its own is an object.deleted (one sealed again after its
 * disposal is stored anew and stays).  Sets *removed (may be NULL) to how
 * many were removed.  Returns 0, or the log's or the store's error (the
 * rest stay for the next call).
 */
int	 disposal_finish(struct station *st, uint64_t *removed);

/*
 * Whether object ("sha256:<hex>") may lose its station copy as far as
 * replication goes: 1 without [replica] (the station disposes of its
 * only copy, by rule and approval) or when the replication queue has it
 * confirmed off-station; else 0 and *why says why not ("not yet
 * confirmed off-station").
 */
int	 disposal_confirmed(struct station *st, const char *object,
	    const char **why);

/* Writes "unlinked = 6 months", class c's key and period, into buf. */
void	 disposal_rule(const struct config *cfg, enum retention_class c,
	    char *buf, size_t len);

/*
 * Disposes of the plan item it (the caller has checked that it may go):
 * appends its object.deleted {object, size, class, rule, at, then the
 * fields of extra (borrowed): approver and the rest}, and once that
 * entry is durable removes the bytes.  Sets *index to the entry's index
 * and *removed to 1 when the bytes are gone (0: they stay for
 * disposal_finish()).  Returns 0, or the append's error (nothing was
 * removed then); a failed removal is logged here and is not an error.
 */
int	 disposal_one(struct station *st, const struct retention_item *it,
	    const char *at, json_t *extra, uint64_t *index,
	    int *removed);

/*
 * "[retention] schedule = daily HH:MM": arms a timer on loop that, each
 * day at HH:MM Beijing time by the wall clock (never at the start),
 * disposes of every object the plan of that day lists as disposable
 * through disposal_one(), approver "schedule", with the fields schedule
 * ("daily HH:MM") and config (the config's digest, as station.started
 * records it).  Sets *out (NULL when the schedule is off; stop it with
 * disposal_schedule_stop()).  Returns 0 or CUSTOS_ERR_NOMEM.
 */
int	 disposal_schedule_start(uv_loop_t *loop, struct station *st,
	    struct disposal_schedule **out);

/* Stops and closes the timer; the memory goes in its close callback.
 * NULL is allowed. */
void	 disposal_schedule_stop(struct disposal_schedule *s);

#endif
