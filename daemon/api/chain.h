/*
 * chain: the entries the inspection routes append, and the inspection a
 * step is for.  Every entry of an inspection carries "inspection" and,
 * after its first, "inspection_prev": the leaf hash of its previous
 * entry, which the registry keeps as the inspection's last_leaf.  Every
 * check runs before station_append(), so a refused request appends
 * nothing.  Shared by the handlers of registry.c (devices and cameras),
 * inspections.c, links.c and reports.c; it calls none of them.
 */
#ifndef CUSTOSD_CHAIN_H
#define CUSTOSD_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "custos/lifecycle.h"
#include "api.h"

struct registry_inspection;
struct station;

/* Whether a step may be taken on a closed inspection. */
enum chain_closed {
	CHAIN_OPEN_ONLY,	/* 409 "inspection ... is closed" */
	CHAIN_ALSO_CLOSED,	/* reads, review, feedback, exports, views */
};

/*
 * Appends type with payload (borrowed) and answers 201 {"index": N} in
 * *body; sets *index.  Returns 201 or a 500.
 */
int	 chain_append(struct station *st, const char *type, json_t *payload,
	    uint64_t *index, json_t **body);

/*
 * Appends a step of inspection i: p (consumed; NULL is a 500) gets
 * "inspection" and "inspection_prev" in front of its own members.
 * Answers 201 {"index": N, "inspection": ID}.
 */
int	 chain_step(struct station *st, const struct registry_inspection *i,
	    const char *type, json_t *p, json_t **body);

/*
 * Reads inspection id with its back-fill deadline completed on today's
 * calendar (station_backfill_due()) into *i, which the caller frees with
 * registry_inspection_free().  Returns 0, or a 404 for no such
 * inspection, a 500, or with CHAIN_OPEN_ONLY a 409 for a closed one (*i
 * is then NULL).
 */
int	 chain_load(struct station *st, const char *id, enum chain_closed when,
	    struct registry_inspection **i, json_t **body);

/*
 * Does one step on inspection id: loads it (chain_load()), reads the
 * body (keys allowed, NULL-terminated) and calls fn with both.
 */
/*
 * 0 if the lifecycle (custos/lifecycle.h) allows step on inspection i,
 * else 409 with the refusal's words in *body.
 */
int	 chain_allows(const struct registry_inspection *i,
	    enum lifecycle_step step, json_t **body);

int	 chain_action(struct station *st, const struct api_request *req,
	    const char *id, const char *const *keys, enum chain_closed when,
	    int (*fn)(struct station *, const struct registry_inspection *,
	    json_t *, const struct api_request *, json_t **), json_t **body);

/* 0 if officer id is registered, else a 400 "unknown officer" or a 500. */
int	 chain_known_officer(struct station *st, const char *id,
	    json_t **body);

/* The Beijing date of ms (Unix milliseconds) as "YYYY-MM-DD" into buf. */
void	 chain_beijing_date(int64_t ms, char *buf, size_t len);

#endif
