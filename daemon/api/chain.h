/*
 * chain: the entries the inspection routes append, and the inspection a
 * step is for.  Every entry of an inspection carries "inspection" and,
 * after its first, "inspection_prev": the leaf hash of its previous
 * entry, which the registry keeps as the inspection's last_leaf.  Every
 * check runs before station_append(), so a refused request appends
 * nothing.  The checks of hand-entered times are here too, in one place
 * (chain_check_time()).  Shared by the handlers of registry.c (devices
 * and cameras), inspections.c, decisions.c, links.c and reports.c; it
 * calls none of them.
 */
#ifndef CUSTOSD_CHAIN_H
#define CUSTOSD_CHAIN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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
 * else 409 with the refusal's words and rule (lifecycle_refusal_rule())
 * in *body.
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

/*
 * Times entered by hand (docs/inspection.md, "Times entered by hand"):
 * every "at", "from" and "to" a client sends is checked by
 * chain_check_time() against the station's clock and against the time
 * the log already proves it cannot precede.  A time more than this many
 * milliseconds after the station's clock is refused (time_in_future).
 */
#define CHAIN_CLOCK_TOLERANCE_MS	60000

/* What a hand-entered time may not come before, each a rule of its own. */
enum chain_time_rule {
	CHAIN_TIME_CLOCK,	/* only the clock (emergency, gap) */
	CHAIN_TIME_REGISTERED,	/* entering: not before the registration
				   (entered_before_registration) */
	CHAIN_TIME_ENTERED,	/* leaving: not before entering
				   (left_before_entering) */
	CHAIN_TIME_DECIDED_ENTERED, /* the decision: not before entering
				   (decision_before_entering) */
	CHAIN_TIME_DECISION,	/* an application: not before the decision
				   (application_before_decision) */
	CHAIN_TIME_APPLICATION,	/* an answer: not before its application
				   (answer_before_application) */
	CHAIN_TIME_TOKEN,	/* a camera assignment: not before the
				   station's latest RFC 3161 token
				   (assignment_before_token) */
	CHAIN_TIME_NRULES
};

/*
 * Checks the time key (at, in UTC as entries write it, ms Unix
 * milliseconds) that a request about subject (an inspection ID or a
 * camera serial) gives: a 400 time_in_future when it is more than
 * CHAIN_CLOCK_TOLERANCE_MS after the station's clock; else a 409 under
 * rule when it is before bound (a UTC time written alike; NULL: the log
 * proves none).  For CHAIN_TIME_TOKEN, bound is ignored: it is the
 * genTime of the station's latest stored timestamp token, if any.  Each
 * refusal names both times and its rule.  Returns 0, the refusal, or a
 * 500.
 */
int	 chain_check_time(struct station *st, enum chain_time_rule rule,
	    const char *subject, const char *key, const char *at, int64_t ms,
	    const char *bound, json_t **body);

/*
 * The string member key of entry index of the log into buf (len bytes):
 * 0, or CUSTOS_ERR_NOTFOUND when the entry has none, or an error.
 */
int	 chain_entry_str(struct station *st, uint64_t index, const char *key,
	    char *buf, size_t len);

/* 0 if officer id is registered, else a 400 "unknown officer" or a 500. */
int	 chain_known_officer(struct station *st, const char *id,
	    json_t **body);

/*
 * Adds "by" (the peer's user name, when the system knows it) and "uid"
 * to the payload p: who made a request, as the kernel names the peer
 * (SO_PEERCRED), never a name the client sends.
 */
void	 chain_peer(json_t *p, uid_t uid);

/* The Beijing date of ms (Unix milliseconds) as "YYYY-MM-DD" into buf. */
void	 chain_beijing_date(int64_t ms, char *buf, size_t len);

#endif
