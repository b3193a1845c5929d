/*
 * holds: POST /v1/holds, POST /v1/holds/{id}/release and GET /v1/holds
 * (docs/retention.md).  A hold is a hold.placed entry; hold.released
 * ends it.  Neither is an inspection step.  The holds and the stored
 * objects are read from the log with the retention module each time
 * (one pass): holds are rare and this keeps no second index to trust.
 * Every check runs before the append, so a refused request appends
 * nothing.
 */
#include <sys/types.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/registry.h"
#include "custos/retention.h"
#include "daemon/station.h"
#include "chain.h"
#include "holds.h"
#include "reply.h"

/* The retention state of the whole log (through the view) into *r.
 * Returns 0 or a 500 in *body. */
static int
load(struct station *st, struct retention **r, json_t **body)
{
	uint64_t bad;
	int rc;

	if ((rc = retention_view_load(st->retention, st->log, r,
	    &bad)) != 0)
		return reply_failed(body, rc, "cannot read the log");
	return 0;
}

static int
target_exists(struct station *st, struct retention *r, const char *scope,
    const char *target)
{
	struct registry_enterprise *e = NULL;
	struct registry_device *d = NULL;

	if (strcmp(scope, "enterprise") == 0 &&
	    registry_enterprise(st->registry, target, &e) == 0) {
		registry_enterprise_free(e);
		return 1;
	}
	if (strcmp(scope, "camera") == 0 &&
	    registry_device(st->registry, target, &d) == 0) {
		registry_device_free(d);
		return 1;
	}
	return retention_known(r, scope, target);
}

int
hold_place(const struct route_env *env, const struct api_request *req,
    const char *param, json_t **body)
{
	static const char *const keys[] = { "scope", "target", "reason",
	    "reference", NULL };
	struct retention *r = NULL;
	const char *v[4];
	json_t *obj, *p;
	uint64_t index;
	int code;

	(void)param;
	if ((code = reply_parse_texts(req, keys, 4, &obj, v, body)) != 0)
		return code;
	if (strcmp(v[0], "inspection") != 0 && strcmp(v[0], "enterprise") !=
	    0 && strcmp(v[0], "camera") != 0 && strcmp(v[0], "object") != 0) {
		code = reply_refuse(body, 400, "hold_scope", "scope must be "
		    "inspection, enterprise, camera or object");
		goto done;
	}
	if ((code = load(env->st, &r, body)) != 0)
		goto done;
	if (!target_exists(env->st, r, v[0], v[1])) {
		code = reply_refuse(body, 404, "hold_target_unknown",
		    "no %s %s in the log", v[0], v[1]);
		goto done;
	}
	if ((p = json_pack("{s:s, s:s, s:s, s:s}", "scope", v[0], "target",
	    v[1], "reason", v[2], "reference", v[3])) == NULL) {
		code = reply_error(body, 500, "out of memory");
		goto done;
	}
	chain_peer(p, req->uid);
	code = chain_append(env->st, ENTRY_HOLD_PLACED, p, &index, body);
	json_decref(p);
done:
	retention_free(r);
	json_decref(obj);
	return code;
}

int
hold_release(const struct route_env *env, const struct api_request *req,
    const char *param, json_t **body)
{
	static const char *const keys[] = { "reason", NULL };
	const struct retention_hold *holds;
	struct retention *r = NULL;
	unsigned long long hold;
	const char *reason;
	json_t *obj, *p;
	uint64_t index;
	size_t i, n;
	char *end;
	int code;

	hold = strtoull(param, &end, 10);
	if (*end != '\0' || param[0] < '0' || param[0] > '9')
		return reply_refuse(body, 404, "hold_unknown",
		    "no hold %s", param);
	if ((code = reply_parse_texts(req, keys, 1, &obj, &reason,
	    body)) != 0)
		return code;
	if ((code = load(env->st, &r, body)) != 0)
		goto done;
	retention_holds(r, &holds, &n);
	for (i = 0; i < n && holds[i].index != hold; i++)
		;
	if (i == n) {
		code = reply_refuse(body, 404, "hold_unknown",
		    "entry %llu is not a hold.placed", hold);
		goto done;
	}
	if (holds[i].released != RETENTION_NONE) {
		code = reply_refuse(body, 409, "hold_released",
		    "hold %llu was released by entry %" PRIu64, hold,
		    holds[i].released);
		goto done;
	}
	if ((p = json_pack("{s:I, s:s}", "hold", (json_int_t)hold,
	    "reason", reason)) == NULL) {
		code = reply_error(body, 500, "out of memory");
		goto done;
	}
	chain_peer(p, req->uid);
	code = chain_append(env->st, ENTRY_HOLD_RELEASED, p, &index, body);
	json_decref(p);
done:
	retention_free(r);
	json_decref(obj);
	return code;
}

int
holds_list(const struct route_env *env, const struct api_request *req,
    const char *param, json_t **body)
{
	const struct retention_hold *holds;
	struct retention *r = NULL;
	json_t *list, *h;
	size_t i, n;
	int code;

	(void)req;
	(void)param;
	if ((code = load(env->st, &r, body)) != 0)
		return code;
	retention_holds(r, &holds, &n);
	if ((list = json_array()) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		if ((h = json_pack("{s:I, s:s, s:s}", "index",
		    (json_int_t)holds[i].index, "scope", holds[i].scope,
		    "target", holds[i].target)) == NULL)
			goto nomem;
		reply_set_opt(h, "reason", holds[i].reason);
		reply_set_opt(h, "reference", holds[i].reference);
		reply_set_opt(h, "by", holds[i].by);
		reply_set_opt(h, "time", holds[i].time);
		if (holds[i].released != RETENTION_NONE)
			json_object_set_new(h, "released", json_integer(
			    (json_int_t)holds[i].released));
		json_array_append_new(list, h);
	}
	retention_free(r);
	if ((*body = json_pack("{s:o}", "holds", list)) == NULL)
		return reply_error(body, 500, "out of memory");
	return 200;
nomem:
	json_decref(list);
	retention_free(r);
	return reply_error(body, 500, "out of memory");
}
