/*
 * inspections: the inspection lifecycle routes (docs/inspection.md):
 * registering one beforehand or recording an emergency, entering and
 * leaving the site, back-filling, closing, gaps in the footage, the legal
 * review (never by one of the inspection's officers) and the enterprise's
 * feedback.  The decision and credit repair are in decisions.c, evidence
 * links and documents in links.c, the reads and the records of exports
 * and views in reports.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "custos/calendar.h"
#include "custos/err.h"
#include "custos/registry.h"
#include "custos/rfc3339.h"
#include "custos/uscc.h"
#include "daemon/station.h"
#include "daemon/summary.h"
#include "chain.h"
#include "inspections.h"
#include "reply.h"

/*
 * Checks enterprise and officers of a new inspection: the enterprise a
 * valid, registered USCC; at least two distinct known officers whose
 * credentials are valid on date.  Returns 0 or the refusal in *body.
 */
static int
check_people(struct station *st, json_t *obj, const char *date,
    const char **ent, json_t **officers, json_t **body)
{
	struct registry_enterprise *e;
	json_t *arr = json_object_get(obj, "officers"), *v;
	const char *id;
	char why[128];
	size_t i, k;
	int code, rc;

	if ((code = reply_text(obj, "enterprise", 0, ent, body)) != 0)
		return code;
	if (uscc_check(*ent, why, sizeof(why)) != 0)
		return reply_refuse(body, 400, "uscc_invalid",
		    "invalid USCC %s: %s", *ent, why);
	if ((rc = registry_enterprise(st->registry, *ent, &e)) ==
	    CUSTOS_ERR_NOTFOUND)
		return reply_refuse(body, 400, "enterprise_unknown",
		    "unknown enterprise %s", *ent);
	registry_enterprise_free(e);
	if (rc != 0)
		return reply_failed(body, rc, "cannot read the registry");
	if (!json_is_array(arr))
		return reply_refuse(body, 400, "officers_field",
		    "field \"officers\" must be an array of officer IDs");
	if (json_array_size(arr) < 2)
		return reply_refuse(body, 400, "two_officers",
		    "an inspection needs at least two officers, got %zu",
		    json_array_size(arr));
	json_array_foreach(arr, i, v) {
		if ((id = json_string_value(v)) == NULL)
			return reply_refuse(body, 400, "officers_field",
			    "field \"officers\" must be an array of officer "
			    "IDs");
		for (k = 0; k < i; k++)
			if (strcmp(id, json_string_value(json_array_get(arr,
			    k))) == 0)
				return reply_refuse(body, 400,
				    "officers_distinct", "officer %s is named "
				    "twice: two different officers are needed",
				    id);
		rc = registry_officer_valid_on(st->registry, id, date);
		if (rc == CUSTOS_ERR_NOTFOUND)
			return reply_refuse(body, 400, "officer_unknown",
			    "unknown officer %s", id);
		if (rc == CUSTOS_ERR_RANGE)
			return reply_refuse(body, 400, "credential_valid",
			    "officer %s's credential is not valid on %s", id,
			    date);
		if (rc != 0)
			return reply_failed(body, rc,
			    "cannot read the registry");
	}
	*officers = arr;
	return 0;
}

/* 400 unless method (may be NULL: "onsite") is known; sets *out. */
static int
check_method(const char *method, const char **out, json_t **body)
{
	*out = method != NULL ? method : "onsite";
	if (strcmp(*out, "onsite") != 0 && strcmp(*out, "offsite") != 0 &&
	    strcmp(*out, "drone") != 0)
		return reply_refuse(body, 400, "method_unknown",
		    "unknown method \"%s\" (onsite, offsite or drone)", *out);
	return 0;
}

/* A new inspection ID for the Beijing date of ms into id. */
static int
new_id(struct station *st, int64_t ms, char *id, size_t len, json_t **body)
{
	char date[16], prefix[24];
	uint64_t n;
	int rc;

	chain_beijing_date(ms, date, sizeof(date));
	snprintf(prefix, sizeof(prefix), "INS-%.4s%.2s%.2s-", date, date + 5,
	    date + 8);
	if ((rc = registry_inspections_on(st->registry, prefix, &n)) != 0)
		return reply_failed(body, rc, "cannot read the registry");
	if (n >= 9999)
		return reply_refuse(body, 409, "inspection_numbers",
		    "no inspection number left for %s", date);
	snprintf(id, len, "%s%04" PRIu64, prefix, n + 1);
	return 0;
}

/*
 * The first entry of a new inspection, numbered for the Beijing date of
 * ms, once check_people() passed on date: sets *p to {"inspection",
 * "enterprise", "officers"} (a new reference; the caller adds the rest)
 * and id.  Returns 0 or the refusal.
 */
static int
first_entry(struct station *st, json_t *obj, const char *date, int64_t ms,
    char *id, size_t len, json_t **p, json_t **body)
{
	const char *ent = NULL;
	json_t *officers = NULL;
	int code;

	if ((code = check_people(st, obj, date, &ent, &officers, body)) != 0 ||
	    (code = new_id(st, ms, id, len, body)) != 0)
		return code;
	if ((*p = json_pack("{s:s, s:s, s:O}", "inspection", id,
	    "enterprise", ent, "officers", officers)) == NULL)
		return reply_error(body, 500, "out of memory");
	return 0;
}

/*
 * Appends the first entry (step) of a new inspection, its first_entry()
 * for obj, date and ms followed by the members of more (NULL: memory ran
 * out); 201 {"index", "inspection"} or the refusal.
 */
static int
create(struct station *st, enum lifecycle_step step, json_t *obj,
    const char *date, int64_t ms, json_t *more, json_t **body)
{
	const struct lifecycle none = { LIFECYCLE_NONE, 0, 0, 0, 0 };
	struct lifecycle to;
	enum lifecycle_refusal why;
	char id[32];
	json_t *p;
	uint64_t index;
	int code;

	if ((code = first_entry(st, obj, date, ms, id, sizeof(id), &p,
	    body)) != 0)
		return code;
	if (more == NULL || json_object_update(p, more) != 0)
		code = reply_error(body, 500, "out of memory");
	/* A new number, so no inspection yet: the lifecycle's first step. */
	else if (lifecycle_step(&none, step, &to, &why) != 0)
		code = reply_refuse(body, 409, lifecycle_refusal_rule(why),
		    "inspection %s %s", id, lifecycle_refusal_text(why));
	else if ((code = chain_append(st, lifecycle_step_type(step), p,
	    &index, body)) == 201)
		json_object_set_new(*body, "inspection", json_string(id));
	json_decref(p);
	return code;
}

int
inspection_register(const struct route_env *env,
    const struct api_request *req, const char *param, json_t **body)
{
	static const char *const keys[] = { "enterprise", "officers",
	    "basis", "content", "planned", "method", NULL };
	struct station *st = env->st;
	const char *basis, *content, *planned, *method;
	char date[16];
	json_t *obj, *more;
	int64_t now;
	int code;

	(void)param;
	if ((code = reply_parse_body(req, keys, &obj, body)) != 0)
		return code;
	if ((code = reply_text(obj, "basis", 0, &basis, body)) != 0 ||
	    (code = reply_text(obj, "content", 0, &content, body)) != 0 ||
	    (code = reply_text(obj, "planned", 1, &planned, body)) != 0 ||
	    (code = reply_text(obj, "method", 1, &method, body)) != 0 ||
	    (code = check_method(method, &method, body)) != 0)
		goto done;
	if (planned != NULL && registry_check_date(planned) != 0) {
		code = reply_refuse(body, 400, "date_format",
		    "planned \"%s\" is not a date YYYY-MM-DD", planned);
		goto done;
	}
	now = summary_now_ms();
	chain_beijing_date(now, date, sizeof(date));
	more = json_pack("{s:s, s:s, s:s*, s:s}", "basis", basis, "content",
	    content, "planned", planned, "method", method);
	code = create(st, LIFECYCLE_REGISTER, obj, planned != NULL ? planned :
	    date, now, more, body);
	json_decref(more);
done:
	json_decref(obj);
	return code;
}

/*
 * Sets backfill_due (or backfill_due_unknown) on p: 24:00 Beijing of the
 * first working day after the Beijing day of at.
 */
static void
set_backfill_due(struct station *st, int64_t at, json_t *p)
{
	struct cal_date day;
	const char *key;
	char buf[64];
	int64_t end;

	calendar_beijing_date(at / 1000, &day);
	key = summary_deadline(st->calendar, &day, 1, &end, buf,
	    sizeof(buf)) == 0 ? "backfill_due" : "backfill_due_unknown";
	json_object_set_new(p, key, json_string(buf));
}

int
inspection_emergency(const struct route_env *env,
    const struct api_request *req, const char *param, json_t **body)
{
	static const char *const keys[] = { "enterprise", "officers", "at",
	    "method", NULL };
	struct station *st = env->st;
	const char *method;
	char date[16], at[RFC3339_LEN];
	json_t *obj, *more;
	int64_t ms;
	int code;

	(void)param;
	if ((code = reply_parse_body(req, keys, &obj, body)) != 0)
		return code;
	if ((code = reply_text(obj, "method", 1, &method, body)) != 0 ||
	    (code = check_method(method, &method, body)) != 0 ||
	    (code = reply_time(obj, "at", at, sizeof(at), &ms, body)) != 0 ||
	    (code = chain_check_time(st, CHAIN_TIME_CLOCK, "emergency", "at",
	    at, ms, NULL, body)) != 0)
		goto done;
	chain_beijing_date(ms, date, sizeof(date));
	if ((more = json_pack("{s:s, s:s}", "method", method, "at", at)) !=
	    NULL)
		set_backfill_due(st, ms, more);
	code = create(st, LIFECYCLE_EMERGENCY, obj, date, ms, more, body);
	json_decref(more);
done:
	json_decref(obj);
	return code;
}

/*
 * inspection.entered or inspection.left (step) at the body's "at":
 * entering not before the registration, leaving not before entering.
 */
static int
at_step(struct station *st, const struct registry_inspection *i,
    json_t *obj, enum lifecycle_step step, json_t **body)
{
	char at[RFC3339_LEN], reg[RFC3339_LEN];
	const char *bound = i->entered_at;
	int64_t ms;
	int code, rc;

	if ((code = chain_allows(i, step, body)) != 0 ||
	    (code = reply_time(obj, "at", at, sizeof(at), &ms, body)) != 0)
		return code;
	if (step == LIFECYCLE_ENTER) {
		/* The lifecycle enters only a registered inspection, whose
		 * first entry is its registration. */
		if ((rc = chain_entry_str(st, i->index, "time", reg,
		    sizeof(reg))) != 0)
			return reply_failed(body, rc,
			    "cannot read the registration");
		bound = reg;
	}
	if ((code = chain_check_time(st, step == LIFECYCLE_ENTER ?
	    CHAIN_TIME_REGISTERED : CHAIN_TIME_ENTERED, i->id, "at", at, ms,
	    bound, body)) != 0)
		return code;
	return chain_step(st, i, step, json_pack("{s:s}", "at", at), body);
}

static int
do_enter(struct station *st, const struct registry_inspection *i,
    json_t *obj, const struct api_request *req, json_t **body)
{
	(void)req;
	return at_step(st, i, obj, LIFECYCLE_ENTER, body);
}

static int
do_leave(struct station *st, const struct registry_inspection *i,
    json_t *obj, const struct api_request *req, json_t **body)
{
	(void)req;
	return at_step(st, i, obj, LIFECYCLE_LEAVE, body);
}

static int
do_backfill(struct station *st, const struct registry_inspection *i,
    json_t *obj, const struct api_request *req, json_t **body)
{
	const char *basis, *content;
	char now[RFC3339_LEN];
	int code, late;

	(void)req;
	if ((code = chain_allows(i, LIFECYCLE_BACKFILL, body)) != 0 ||
	    (code = reply_text(obj, "basis", 0, &basis, body)) != 0 ||
	    (code = reply_text(obj, "content", 0, &content, body)) != 0)
		return code;
	rfc3339_format(summary_now_ms(), now, sizeof(now));
	late = i->backfill_due != NULL && strcmp(now, i->backfill_due) > 0;
	return chain_step(st, i, LIFECYCLE_BACKFILL,
	    json_pack("{s:s, s:s, s:b}", "basis", basis, "content", content,
	    "late", late), body);
}

static int
do_close(struct station *st, const struct registry_inspection *i,
    json_t *obj, const struct api_request *req, json_t **body)
{
	const char *result, *deadline;
	json_t *p;
	int code;

	(void)req;
	if ((code = reply_text(obj, "result", 0, &result, body)) != 0 ||
	    (code = reply_text(obj, "deadline", 1, &deadline, body)) != 0)
		return code;
	if (deadline != NULL && registry_check_date(deadline) != 0)
		return reply_refuse(body, 400, "date_format",
		    "deadline \"%s\" is not a date YYYY-MM-DD", deadline);
	if ((p = json_pack("{s:s}", "result", result)) != NULL &&
	    deadline != NULL)
		json_object_set_new(p, "deadline", json_string(deadline));
	return chain_step(st, i, LIFECYCLE_CLOSE, p, body);
}

/* inspection.gap_reason: why footage is missing from..to. */
static int
do_gap(struct station *st, const struct registry_inspection *i,
    json_t *obj, const struct api_request *req, json_t **body)
{
	const char *f, *t, *reason;
	char fb[RFC3339_LEN], tb[RFC3339_LEN];
	int64_t fm, tm;
	int code;

	(void)req;
	if ((code = reply_text(obj, "from", 0, &f, body)) != 0 ||
	    (code = reply_text(obj, "to", 0, &t, body)) != 0 ||
	    (code = reply_text(obj, "reason", 0, &reason, body)) != 0)
		return code;
	if (rfc3339_parse(f, &fm) != 0 || rfc3339_parse(t, &tm) != 0)
		return reply_refuse(body, 400, "time_format", "from and to "
		    "must be RFC 3339 times such as 2026-11-26T10:00:00+08:00");
	if (tm < fm)
		return reply_refuse(body, 400, "gap_order",
		    "gap ends (%s) before it starts (%s)", t, f);
	rfc3339_format(fm, fb, sizeof(fb));
	rfc3339_format(tm, tb, sizeof(tb));
	if ((code = chain_check_time(st, CHAIN_TIME_CLOCK, i->id, "from", fb,
	    fm, NULL, body)) != 0 || (code = chain_check_time(st,
	    CHAIN_TIME_CLOCK, i->id, "to", tb, tm, NULL, body)) != 0)
		return code;
	return chain_step(st, i, LIFECYCLE_GAP_REASON,
	    json_pack("{s:s, s:s, s:s}", "from", fb, "to", tb, "reason",
	    reason), body);
}

/*
 * 0 unless reviewer is one of inspection i's officers: the legal review
 * is made by someone other than the officers who inspected (行政处罚法
 * Art. 58), else a 409.
 */
static int
not_officer(const struct registry_inspection *i, const char *reviewer,
    json_t **body)
{
	json_t *arr, *v;
	size_t k;
	int found = 0;

	if ((arr = json_loads(i->officers, 0, NULL)) == NULL)
		return reply_error(body, 500, "out of memory");
	json_array_foreach(arr, k, v)
		if (json_is_string(v) && strcmp(json_string_value(v),
		    reviewer) == 0)
			found = 1;
	json_decref(arr);
	if (!found)
		return 0;
	return reply_refuse(body, 409, "reviewer_not_officer", "reviewer %s "
	    "is one of the officers of inspection %s: the legal review "
	    "(法制审核) is made by someone other than the inspecting officers "
	    "(行政处罚法 Art. 58)", reviewer, i->id);
}

/* review.recorded: the legal review (法制审核) result. */
static int
do_review(struct station *st, const struct registry_inspection *i,
    json_t *obj, const struct api_request *req, json_t **body)
{
	const char *reviewer, *result, *note;
	json_t *p;
	int code;

	(void)req;
	if ((code = reply_text(obj, "reviewer", 0, &reviewer, body)) != 0 ||
	    (code = reply_text(obj, "result", 0, &result, body)) != 0 ||
	    (code = reply_text(obj, "note", 1, &note, body)) != 0)
		return code;
	if (strcmp(result, "approved") != 0 && strcmp(result, "returned") != 0)
		return reply_refuse(body, 400, "review_result",
		    "unknown review result \"%s\" (approved or returned)",
		    result);
	if ((code = chain_known_officer(st, reviewer, body)) != 0 ||
	    (code = not_officer(i, reviewer, body)) != 0)
		return code;
	if ((p = json_pack("{s:s, s:s}", "reviewer", reviewer, "result",
	    result)) != NULL && note != NULL)
		json_object_set_new(p, "note", json_string(note));
	return chain_step(st, i, LIFECYCLE_REVIEW, p, body);
}

/* enterprise.feedback: what the inspected enterprise said. */
static int
do_feedback(struct station *st, const struct registry_inspection *i,
    json_t *obj, const struct api_request *req, json_t **body)
{
	const char *text;
	int code;

	(void)req;
	if ((code = reply_text(obj, "text", 0, &text, body)) != 0)
		return code;
	return chain_step(st, i, LIFECYCLE_FEEDBACK, json_pack("{s:s}",
	    "text", text), body);
}

static const char *const k_at[] = { "at", NULL };
static const char *const k_backfill[] = { "basis", "content", NULL };
static const char *const k_close[] = { "result", "deadline", NULL };
static const char *const k_gap[] = { "from", "to", "reason", NULL };
static const char *const k_review[] = { "reviewer", "result", "note", NULL };
static const char *const k_feedback[] = { "text", NULL };

const struct chain_step inspection_enter = { k_at, LIFECYCLE_ENTER, do_enter };
const struct chain_step inspection_leave = { k_at, LIFECYCLE_LEAVE, do_leave };
const struct chain_step inspection_backfill = { k_backfill,
    LIFECYCLE_BACKFILL, do_backfill };
const struct chain_step inspection_close = { k_close, LIFECYCLE_CLOSE,
    do_close };
const struct chain_step inspection_gap = { k_gap, LIFECYCLE_GAP_REASON,
    do_gap };
/* The lifecycle lets review and feedback come after the decision closed
 * the inspection: the case file is reviewed after closing. */
const struct chain_step inspection_review = { k_review, LIFECYCLE_REVIEW,
    do_review };
const struct chain_step inspection_feedback = { k_feedback,
    LIFECYCLE_FEEDBACK, do_feedback };
