/*
 * chain: appending the inspection routes' entries and loading the
 * inspection a step is for.
 */
#include <inttypes.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/calendar.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/registry.h"
#include "custos/rfc3339.h"
#include "custos/tsa.h"
#include "daemon/journal.h"
#include "daemon/station.h"
#include "daemon/summary.h"
#include "chain.h"
#include "reply.h"

int
chain_append(struct station *st, const char *type, json_t *payload,
    uint64_t *index, json_t **body)
{
	int rc;

	if ((rc = station_append(st, type, payload, index, NULL)) != 0)
		return reply_failed(body, rc, "cannot append the entry");
	log_info("inspection type=%s index=%" PRIu64, type, *index);
	*body = json_pack("{s:I}", "index", (json_int_t)*index);
	return 201;
}

int
chain_step(struct station *st, const struct registry_inspection *i,
    enum lifecycle_step step, json_t *p, json_t **body)
{
	uint64_t index;
	json_t *e;
	int code;

	if ((code = chain_allows(i, step, body)) != 0) {
		json_decref(p);
		return code;
	}
	if (p == NULL || (e = json_pack("{s:s, s:s}", "inspection", i->id,
	    "inspection_prev", i->last_leaf)) == NULL) {
		json_decref(p);
		return reply_error(body, 500, "out of memory");
	}
	json_object_update(e, p);
	json_decref(p);
	code = chain_append(st, lifecycle_step_type(step), e, &index, body);
	json_decref(e);
	if (code == 201)
		json_object_set_new(*body, "inspection", json_string(i->id));
	return code;
}

int
chain_load(struct station *st, const char *id, enum lifecycle_step step,
    struct registry_inspection **i, json_t **body)
{
	int code, rc;

	if ((rc = registry_inspection(st->registry, id, i)) ==
	    CUSTOS_ERR_NOTFOUND)
		return reply_refuse(body, 404, "inspection_unknown",
		    "no inspection %s", id);
	/* A back-fill deadline the calendar now covers (station.h). */
	if (rc == 0 && (rc = station_backfill_due(st, *i)) != 0)
		registry_inspection_free(*i);
	if (rc != 0) {
		*i = NULL;
		return reply_failed(body, rc, "cannot read the registry");
	}
	if ((*i)->lifecycle.state == LIFECYCLE_CLOSED &&
	    (code = chain_allows(*i, step, body)) != 0) {
		registry_inspection_free(*i);
		*i = NULL;
		return code;
	}
	return 0;
}

int
chain_allows(const struct registry_inspection *i, enum lifecycle_step step,
    json_t **body)
{
	struct lifecycle to;
	enum lifecycle_refusal why;

	if (lifecycle_step(&i->lifecycle, step, &to, &why) == 0)
		return 0;
	return reply_refuse(body, 409, lifecycle_refusal_rule(why),
	    "inspection %s %s", i->id, lifecycle_refusal_text(why));
}

int
chain_action(struct station *st, const struct api_request *req,
    const char *id, const struct chain_step *step, json_t **body)
{
	struct registry_inspection *i;
	json_t *obj;
	int code;

	if ((code = chain_load(st, id, step->step, &i, body)) != 0)
		return code;
	if ((code = reply_parse_body(req, step->keys, &obj, body)) == 0) {
		code = step->fn(st, i, obj, req, body);
		json_decref(obj);
	}
	registry_inspection_free(i);
	return code;
}

int
chain_known_officer(struct station *st, const char *id, json_t **body)
{
	struct registry_officer *o;
	int rc;

	if ((rc = registry_officer(st->registry, id, &o)) ==
	    CUSTOS_ERR_NOTFOUND)
		return reply_refuse(body, 400, "officer_unknown",
		    "unknown officer %s", id);
	registry_officer_free(o);
	return rc == 0 ? 0 : reply_failed(body, rc, "cannot read the registry");
}

void
chain_beijing_date(int64_t ms, char *buf, size_t len)
{
	struct cal_date d;

	calendar_beijing_date(ms / 1000, &d);
	calendar_date_format(&d, buf, len);
}

int
chain_entry_str(struct station *st, uint64_t index, const char *key,
    char *buf, size_t len)
{
	const char *v;
	uint8_t *data;
	size_t n;
	json_t *e;
	int rc;

	if ((rc = log_entry(st->log, index, &data, &n)) != 0)
		return rc;
	e = json_loadb((const char *)data, n, 0, NULL);
	free(data);
	if (e == NULL)
		return CUSTOS_ERR_CORRUPT;
	if ((v = json_string_value(json_object_get(e, key))) == NULL)
		rc = CUSTOS_ERR_NOTFOUND;
	else
		snprintf(buf, len, "%s", v);
	json_decref(e);
	return rc;
}

/*
 * The genTime of the station's latest stored RFC 3161 token, as entries
 * write times, into buf: 0, CUSTOS_ERR_NOTFOUND when there is none, or
 * an error.  Tokens are verified before they are stored, so reading what
 * one claims is enough here.
 */
static int
token_time(struct station *st, char *buf, size_t len)
{
	struct tsa_info info;
	uint64_t size;
	uint8_t *tsr;
	size_t n;
	int rc;

	if ((rc = log_timestamp_latest(st->log, &size)) != 0 ||
	    (rc = log_timestamp_get(st->log, size, &tsr, &n)) != 0)
		return rc;
	rc = tsa_parse(tsr, n, &info);
	free(tsr);
	if (rc == 0)
		rfc3339_format(info.time_ms, buf, len);
	return rc;
}

/*
 * Each rule after the clock's: its name and its refusal, whose format
 * takes the subject, the time given and the time it may not precede.
 */
static const struct {
	const char	*rule;
	const char	*fmt;
} time_rules[CHAIN_TIME_NRULES] = {
	[CHAIN_TIME_REGISTERED] = { "entered_before_registration",
	    "inspection %s cannot enter at %s, before it was registered at "
	    "%s: an inspection entered before its registration is an "
	    "emergency one" },
	[CHAIN_TIME_ENTERED] = { "left_before_entering",
	    "inspection %s cannot leave at %s before entering at %s" },
	[CHAIN_TIME_DECIDED_ENTERED] = { "decision_before_entering",
	    "inspection %s cannot have its penalty decision served at %s, "
	    "before entering at %s" },
	[CHAIN_TIME_DECISION] = { "application_before_decision",
	    "inspection %s cannot have a credit-repair application at %s, "
	    "before its penalty decision was served at %s" },
	[CHAIN_TIME_APPLICATION] = { "answer_before_application",
	    "inspection %s cannot answer at %s a credit-repair application "
	    "received at %s, before it came in" },
	[CHAIN_TIME_TOKEN] = { "assignment_before_token",
	    "camera %s cannot be assigned from %s, before the station's "
	    "latest RFC 3161 timestamp token (%s): the token proves the log "
	    "held no such assignment then; link footage sealed since by "
	    "hand, with a reason" },
};

int
chain_check_time(struct station *st, enum chain_time_rule rule,
    const char *subject, const char *key, const char *at, int64_t ms,
    const char *bound, json_t **body)
{
	char now[RFC3339_LEN], tok[RFC3339_LEN], msg[512];
	int64_t clock = summary_now_ms();
	int rc;

	if (ms - clock > CHAIN_CLOCK_TOLERANCE_MS) {
		rfc3339_format(clock, now, sizeof(now));
		return reply_refuse(body, 400, "time_in_future", "%s %s is %"
		    PRId64 " s after the station's clock (%s): a time entered "
		    "by hand may be at most %d s ahead", key, at,
		    (ms - clock) / 1000, now, CHAIN_CLOCK_TOLERANCE_MS / 1000);
	}
	if ((unsigned)rule >= CHAIN_TIME_NRULES || rule == CHAIN_TIME_CLOCK)
		return 0;
	if (rule == CHAIN_TIME_TOKEN) {
		if ((rc = token_time(st, tok, sizeof(tok))) ==
		    CUSTOS_ERR_NOTFOUND)
			return 0;
		if (rc != 0)
			return reply_failed(body, rc,
			    "cannot read the latest timestamp token");
		bound = tok;
	}
	/* Both are UTC times written alike, so they compare as strings. */
	if (bound == NULL || strcmp(at, bound) >= 0)
		return 0;
	snprintf(msg, sizeof(msg), time_rules[rule].fmt, subject, at, bound);
	return reply_refuse(body, 409, time_rules[rule].rule, "%s", msg);
}

void
chain_peer(json_t *p, uid_t uid)
{
	struct passwd pw, *pwp = NULL;
	char pwbuf[1024];

	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &pwp) == 0 &&
	    pwp != NULL)
		json_object_set_new(p, "by", json_string(pw.pw_name));
	json_object_set_new(p, "uid", json_integer((json_int_t)uid));
}
