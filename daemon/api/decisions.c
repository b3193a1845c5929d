/*
 * decisions: the penalty decision and credit repair of an inspection.
 * The seed policy serves the decision and the credit-repair notice
 * together, and answers a credit-repair application within 3 working
 * days; the entries record what happened and when, and the findings
 * (lib/inspection/rules.c) judge it.
 */
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "custos/calendar.h"
#include "custos/err.h"
#include "custos/registry.h"
#include "custos/rfc3339.h"
#include "daemon/station.h"
#include "daemon/summary.h"
#include "chain.h"
#include "decisions.h"
#include "reply.h"

/* Working days a credit-repair application is answered within. */
#define CREDIT_REPAIR_DAYS	3

/*
 * The deadline of an application received at ms: 24:00 Beijing of the
 * CREDIT_REPAIR_DAYS-th working day after its Beijing date.  Returns 0
 * with it in buf, or CUSTOS_ERR_RANGE with "calendar does not cover
 * DATE" in buf (64 bytes).
 */
static int
credit_due(struct station *st, int64_t ms, char *buf, size_t len)
{
	struct cal_date day;
	int64_t end;

	calendar_beijing_date(ms / 1000, &day);
	return summary_deadline(st->calendar, &day, CREDIT_REPAIR_DAYS, &end,
	    buf, len);
}

/* decision.served: the penalty decision, with its credit-repair notice. */
static int
do_decision(struct station *st, const struct registry_inspection *i,
    json_t *obj, const struct api_request *req, json_t **body)
{
	const char *number, *penalty, *notice;
	char at[RFC3339_LEN];
	json_t *p;
	int64_t ms;
	int code;

	(void)req;
	if ((code = chain_allows(i, LIFECYCLE_DECISION, body)) != 0 ||
	    (code = reply_text(obj, "number", 0, &number, body)) != 0 ||
	    (code = reply_text(obj, "penalty", 0, &penalty, body)) != 0 ||
	    (code = reply_text(obj, "credit_notice", 1, &notice, body)) != 0 ||
	    (code = reply_time(obj, "at", at, sizeof(at), &ms, body)) != 0 ||
	    (code = chain_check_time(st, CHAIN_TIME_DECIDED_ENTERED, i->id,
	    "at", at, ms, i->entered_at, body)) != 0)
		return code;
	if ((p = json_pack("{s:s, s:s, s:s}", "number", number, "penalty",
	    penalty, "at", at)) != NULL)
		reply_set_opt(p, "credit_notice", notice);
	return chain_step(st, i, LIFECYCLE_DECISION, p, body);
}

/* credit_repair.applied: the enterprise asks for credit repair. */
static int
do_apply(struct station *st, const struct registry_inspection *i,
    json_t *obj, const struct api_request *req, json_t **body)
{
	struct registry_decision *d = NULL;
	const char *text;
	char at[RFC3339_LEN], due[64];
	json_t *p;
	int64_t ms;
	int code, rc;

	(void)req;
	if ((code = chain_allows(i, LIFECYCLE_CREDIT_APPLY, body)) != 0 ||
	    (code = reply_text(obj, "text", 0, &text, body)) != 0 ||
	    (code = reply_time(obj, "at", at, sizeof(at), &ms, body)) != 0)
		return code;
	if ((rc = registry_decision(st->registry, i->id, &d)) != 0 &&
	    rc != CUSTOS_ERR_NOTFOUND)
		return reply_failed(body, rc, "cannot read the registry");
	code = chain_check_time(st, CHAIN_TIME_DECISION, i->id, "at", at, ms,
	    d != NULL ? d->at : NULL, body);
	registry_decision_free(d);
	if (code != 0)
		return code;
	rc = credit_due(st, ms, due, sizeof(due));
	if ((p = json_pack("{s:s, s:s}", "at", at, "text", text)) != NULL)
		reply_set_opt(p, rc == 0 ? "due" : "due_unknown", due);
	return chain_step(st, i, LIFECYCLE_CREDIT_APPLY, p, body);
}

/*
 * The application an answer is for: the one at log index want (want < 0:
 * the oldest not answered) among i's n applications c.  Sets *out to it
 * (borrowed from c) or refuses.
 */
static int
pick_application(const struct registry_inspection *i,
    struct registry_credit_repair *c, size_t n, json_int_t want,
    struct registry_credit_repair **out, json_t **body)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (want < 0 ? !c[k].answered : c[k].index == (uint64_t)want)
			break;
	if (k == n && want < 0)
		return reply_refuse(body, 409,
		    lifecycle_refusal_rule(LIFECYCLE_NO_APPLICATION),
		    "inspection %s %s", i->id,
		    lifecycle_refusal_text(LIFECYCLE_NO_APPLICATION));
	if (k == n)
		return reply_refuse(body, 409, "application_unknown",
		    "entry %" JSON_INTEGER_FORMAT " is not a credit-repair "
		    "application of inspection %s", want, i->id);
	if (c[k].answered)
		return reply_refuse(body, 409, "answer_once", "the "
		    "credit-repair application (entry %" PRIu64 ") of "
		    "inspection %s is answered already (entry %" PRIu64 ")",
		    c[k].index, i->id, c[k].answer_index);
	*out = &c[k];
	return 0;
}

/*
 * Whether an answer now is late for application a: after its due, or
 * when the application's entry had none (the calendar did not cover it),
 * after the one the calendar in use gives; not late when it still does
 * not.
 */
static int
answer_late(struct station *st, const struct registry_credit_repair *a)
{
	char now[RFC3339_LEN], due[64];
	int64_t ms;

	rfc3339_format(summary_now_ms(), now, sizeof(now));
	if (a->due != NULL)
		return strcmp(now, a->due) > 0;
	if (rfc3339_parse(a->at, &ms) != 0 || credit_due(st, ms, due,
	    sizeof(due)) != 0)
		return 0;
	return strcmp(now, due) > 0;
}

/* Builds and takes the answer step once the application a is picked. */
static int
answer(struct station *st, const struct registry_inspection *i,
    const struct registry_credit_repair *a, const char *result,
    const char *note, const char *at, int64_t ms, json_t **body)
{
	json_t *p;
	int code;

	if ((code = chain_check_time(st, CHAIN_TIME_APPLICATION, i->id, "at",
	    at, ms, a->at, body)) != 0)
		return code;
	if ((p = json_pack("{s:I, s:s}", "application", (json_int_t)a->index,
	    "result", result)) != NULL) {
		reply_set_opt(p, "note", note);
		reply_set_opt(p, "at", at);
		reply_set_new(p, "late", json_boolean(answer_late(st, a)));
	}
	return chain_step(st, i, LIFECYCLE_CREDIT_ANSWER, p, body);
}

/* credit_repair.answered: the bureau grants or refuses an application. */
static int
do_answer(struct station *st, const struct registry_inspection *i,
    json_t *obj, const struct api_request *req, json_t **body)
{
	struct registry_credit_repair *c = NULL, *a = NULL;
	const char *result, *note;
	char at[RFC3339_LEN];
	json_t *app = json_object_get(obj, "application");
	json_int_t want = -1;
	int64_t ms;
	size_t n = 0;
	int code, rc;

	(void)req;
	if ((code = chain_allows(i, LIFECYCLE_CREDIT_ANSWER, body)) != 0 ||
	    (code = reply_text(obj, "result", 0, &result, body)) != 0 ||
	    (code = reply_text(obj, "note", 1, &note, body)) != 0 ||
	    (code = reply_time(obj, "at", at, sizeof(at), &ms, body)) != 0)
		return code;
	if (strcmp(result, "granted") != 0 && strcmp(result, "refused") != 0)
		return reply_refuse(body, 400, "credit_repair_result",
		    "unknown credit-repair result \"%s\" (granted or refused)",
		    result);
	if (app != NULL && (!json_is_integer(app) ||
	    (want = json_integer_value(app)) < 0))
		return reply_refuse(body, 400, "field_type", "field "
		    "\"application\" must be a log index");
	if ((rc = registry_credit_repairs(st->registry, i->id, &c, &n)) != 0)
		return reply_failed(body, rc, "cannot read the registry");
	if ((code = pick_application(i, c, n, want, &a, body)) == 0)
		code = answer(st, i, a, result, note, at, ms, body);
	registry_credit_repairs_free(c, n);
	return code;
}

static const char *const k_decision[] = { "number", "penalty", "at",
    "credit_notice", NULL };
static const char *const k_apply[] = { "text", "at", NULL };
static const char *const k_answer[] = { "result", "note", "at",
    "application", NULL };

/* The lifecycle lets these follow closing: the decision is made and
 * served once the visit's case file is complete. */
const struct chain_step inspection_decision = { k_decision,
    LIFECYCLE_DECISION, do_decision };
const struct chain_step inspection_credit_apply = { k_apply,
    LIFECYCLE_CREDIT_APPLY, do_apply };
const struct chain_step inspection_credit_answer = { k_answer,
    LIFECYCLE_CREDIT_ANSWER, do_answer };
