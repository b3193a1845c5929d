/*
 * chain: appending the inspection routes' entries and loading the
 * inspection a step is for.
 */
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "custos/calendar.h"
#include "custos/err.h"
#include "custos/registry.h"
#include "daemon/journal.h"
#include "daemon/station.h"
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
		return reply_error(body, 404, "no inspection %s", id);
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
	return reply_error(body, 409, "inspection %s %s", i->id,
	    lifecycle_refusal_text(why));
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
		return reply_error(body, 400, "unknown officer %s", id);
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
