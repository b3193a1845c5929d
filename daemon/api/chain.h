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

/*
 * Appends type with payload (borrowed) and answers 201 {"index": N} in
 * *body; sets *index.  Returns 201 or a 500.
 */
int	 chain_append(struct station *st, const char *type, json_t *payload,
	    uint64_t *index, json_t **body);

/*
 * Takes step on inspection i, if the lifecycle allows it (else a 409 with
 * the lifecycle's words): appends the step's entry type with payload p
 * (consumed; NULL is a 500), which gets "inspection" and
 * "inspection_prev" in front of its own members.  Answers 201 {"index":
 * N, "inspection": ID}.  Every step of an existing inspection is
 * appended here, so every one passes lifecycle_step().
 */
int	 chain_step(struct station *st, const struct registry_inspection *i,
	    enum lifecycle_step step, json_t *p, json_t **body);

/*
 * Reads inspection id, for step, with its back-fill deadline completed
 * on today's calendar (station_backfill_due()) into *i, which the caller
 * frees with registry_inspection_free().  Returns 0, or a 404 for no
 * such inspection, a 500, or a 409 when the inspection is closed and the
 * lifecycle takes step only while it is open (*i is then NULL).  That
 * refusal comes before the body is read; the others, when the step is
 * taken (chain_step()).
 */
int	 chain_load(struct station *st, const char *id, enum lifecycle_step step,
	    struct registry_inspection **i, json_t **body);

/*
 * 0 if the lifecycle (custos/lifecycle.h) allows step on inspection i,
 * else 409 with the refusal's words in *body.
 */
int	 chain_allows(const struct registry_inspection *i,
	    enum lifecycle_step step, json_t **body);

/*
 * A route that takes one step on the inspection its path names: the body
 * members it allows, the lifecycle step, and what it does, given the
 * inspection (borrowed) and the body's object (borrowed); fn answers as
 * a route_fn does and takes the step with chain_step().  The router runs
 * it with chain_action().
 */
struct chain_step {
	const char *const *keys;	/* NULL-terminated */
	enum lifecycle_step step;
	int		 (*fn)(struct station *st,
			    const struct registry_inspection *i, json_t *obj,
			    const struct api_request *req, json_t **body);
};

/*
 * Does step on inspection id: loads it (chain_load()), reads the body
 * (reply_parse_body()) and calls step->fn with both.  Returns the HTTP
 * status with the answer in *body.
 */
int	 chain_action(struct station *st, const struct api_request *req,
	    const char *id, const struct chain_step *step, json_t **body);

/* 0 if officer id is registered, else a 400 "unknown officer" or a 500. */
int	 chain_known_officer(struct station *st, const char *id,
	    json_t **body);

/* The Beijing date of ms (Unix milliseconds) as "YYYY-MM-DD" into buf. */
void	 chain_beijing_date(int64_t ms, char *buf, size_t len);

#endif
