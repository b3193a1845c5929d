/*
 * dispose: POST /v1/retention/dispose {"approver": USER, "at": DATE?,
 * "objects": ["sha256:<hex>", ...]?} (docs/retention.md, "Disposal").
 *
 * The daemon computes the plan itself, from the log, at DATE (default
 * today in Beijing) with the retention module; the client's view counts
 * for nothing.  Every check runs before the first append, so a refused
 * request appends nothing: the approver is a user other than the peer
 * who holds the admin role (the mapping the router uses, api.h), and
 * each object named is DISPOSABLE (else 409 with the rule); without
 * objects every DISPOSABLE one is taken.  With [replica], an object not
 * yet confirmed off-station is never taken: named, a 409
 * "object_not_replicated"; else it is listed in the reply's "skipped"
 * with its reason.  Then, object by object,
 * disposal_one() (daemon/disposal.c, also the schedule's path) appends
 * the object.deleted entry (durable when station_append() returns) and
 * only then removes the bytes.  Bytes left by a failed
 * removal or a crash are removed by disposal_finish() at the start and
 * before each disposal.
 */
#include <sys/types.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "custos/config.h"
#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/retention.h"
#include "custos/store.h"
#include "daemon/disposal.h"
#include "daemon/journal.h"
#include "daemon/station.h"
#include "chain.h"
#include "dispose.h"
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

/* 0 if it may be disposed of, else the 409 that says why. */
static int
refusal(const struct config *cfg, const struct retention_item *it,
    json_t **body)
{
	char due[11], rule[64];

	disposal_rule(cfg, it->cls, rule, sizeof(rule));
	switch (it->state) {
	case RETENTION_DISPOSABLE:
		return 0;
	case RETENTION_HELD:
		return reply_refuse(body, 409, "object_held", "%s is held by "
		    "hold %" PRIu64, it->object, it->hold);
	case RETENTION_DISPOSED:
		return reply_refuse(body, 409, "object_disposed", "%s is "
		    "disposed of already", it->object);
	default:
		break;
	}
	if (it->cls == RETENTION_OPEN)
		return reply_refuse(body, 409, "object_open", "%s is linked "
		    "to an open inspection", it->object);
	if (it->due == RETENTION_NEVER)
		return reply_refuse(body, 409, "retention_permanent", "%s is "
		    "kept permanently (%s)", it->object, rule);
	retention_day_format(it->due, due);
	return reply_refuse(body, 409, "retention_not_due", "%s is kept "
	    "until %s (%s)", it->object, due, rule);
}

/* Checks the approver.  0, or a 400/409 in *body. */
static int
check_approver(const struct api_request *req, const char *approver,
    json_t **body)
{
	unsigned roles;
	uid_t uid;

	if (approver == NULL)
		return reply_refuse(body, 400, "approver_required", "a "
		    "disposal needs an approver (a second admin)");
	if (api_user_roles(req->server, approver, &uid, &roles) != 0)
		return reply_refuse(body, 409, "approver_unknown", "no user "
		    "%s", approver);
	if (uid == req->uid)
		return reply_refuse(body, 409, "approver_same", "the approver "
		    "%s is the requesting user: a second user must approve",
		    approver);
	if ((roles & (1u << CONFIG_ROLE_ADMIN)) == 0)
		return reply_refuse(body, 409, "approver_not_admin", "the "
		    "approver %s does not hold the role admin", approver);
	return 0;
}

/*
 * Marks in pick (n) the items to dispose of: those objects names, or
 * every DISPOSABLE one, less those that wait for their replica
 * (disposal_confirmed()): named, a 409; else listed in skipped with the
 * reason.  0 or a 400/404/409 in *body.
 */
static int
choose(struct station *st, json_t *objects,
    const struct retention_item *items, size_t n, char *pick,
    json_t *skipped, json_t **body)
{
	const struct config *cfg = st->cfg;
	const char *obj, *why;
	json_t *v;
	size_t i, k;
	int code;

	if (objects == NULL) {
		for (i = 0; i < n; i++) {
			pick[i] = items[i].state == RETENTION_DISPOSABLE;
			if (pick[i] && !disposal_confirmed(st,
			    items[i].object, &why)) {
				pick[i] = 0;
				json_array_append_new(skipped, json_pack(
				    "{s:s, s:s}", "object", items[i].object,
				    "reason", why));
			}
		}
		return 0;
	}
	if (!json_is_array(objects) || json_array_size(objects) == 0)
		return reply_error(body, 400, "objects must be a non-empty "
		    "array of sha256:<hex>");
	json_array_foreach(objects, k, v) {
		if ((obj = json_string_value(v)) == NULL)
			return reply_error(body, 400, "objects must be a "
			    "non-empty array of sha256:<hex>");
		for (i = 0; i < n && strcmp(items[i].object, obj) != 0; i++)
			;
		if (i == n)
			return reply_refuse(body, 404, "object_unknown", "no "
			    "stored object %s in the log", obj);
		if ((code = refusal(cfg, &items[i], body)) != 0)
			return code;
		if (!disposal_confirmed(st, obj, &why))
			return reply_refuse(body, 409, "object_not_replicated",
			    "%s is %s", obj, why);
		pick[i] = 1;
	}
	return 0;
}

/*
 * Disposes of it through disposal_one() with the approver and the
 * requesting peer, and adds the outcome to done.  Returns 0, or the
 * append's error (nothing more is done then).
 */
static int
dispose_one(struct station *st, const struct api_request *req,
    const struct retention_item *it, const char *approver, const char *at,
    json_t *done)
{
	char rule[64];
	uint64_t index;
	json_t *extra;
	int rc, removed;

	if ((extra = json_pack("{s:s}", "approver", approver)) == NULL)
		return CUSTOS_ERR_NOMEM;
	chain_peer(extra, req->uid);
	rc = disposal_one(st, it, at, extra, &index, &removed);
	json_decref(extra);
	if (rc != 0)
		return rc;
	disposal_rule(st->cfg, it->cls, rule, sizeof(rule));
	json_array_append_new(done, json_pack("{s:s, s:I, s:I, s:s, s:s, "
	    "s:b}", "object", it->object, "index", (json_int_t)index, "size",
	    (json_int_t)it->size, "class", retention_class_name(it->cls),
	    "rule", rule, "removed", removed));
	return 0;
}

int
retention_dispose(const struct route_env *env, const struct api_request *req,
    const char *param, json_t **body)
{
	static const char *const keys[] = { "approver", "at", "objects",
	    NULL };
	const struct retention_item *items;
	struct retention *r = NULL;
	const char *approver, *at_s;
	char at[11], *pick = NULL;
	json_t *obj, *done = NULL, *skipped = NULL;
	int64_t day;
	size_t i, n;
	int code, rc = 0;

	(void)param;
	if ((code = reply_parse_body(req, keys, &obj, body)) != 0)
		return code;
	approver = json_string_value(json_object_get(obj, "approver"));
	at_s = json_string_value(json_object_get(obj, "at"));
	if ((code = check_approver(req, approver, body)) != 0)
		goto out;
	day = retention_day_of((int64_t)time(NULL) * 1000);
	if (json_object_get(obj, "at") != NULL && (at_s == NULL ||
	    retention_day_parse(at_s, &day) != 0)) {
		code = reply_error(body, 400, "at must be a date YYYY-MM-DD");
		goto out;
	}
	retention_day_format(day, at);
	(void)disposal_finish(env->st, NULL);
	if ((code = load(env->st, &r, body)) != 0)
		goto out;
	if ((rc = retention_plan(r, env->st->cfg, day, &items, &n)) != 0 ||
	    (pick = calloc(n + 1, 1)) == NULL ||
	    (done = json_array()) == NULL ||
	    (skipped = json_array()) == NULL) {
		code = reply_failed(body, rc != 0 ? rc : CUSTOS_ERR_NOMEM,
		    "cannot compute the plan");
		goto out;
	}
	if ((code = choose(env->st, json_object_get(obj, "objects"),
	    items, n, pick, skipped, body)) != 0)
		goto out;
	for (i = 0; i < n && rc == 0; i++)
		if (pick[i])
			rc = dispose_one(env->st, req, &items[i], approver, at,
			    done);
	if (rc != 0) {
		code = reply_failed(body, rc, "cannot append object.deleted");
		goto out;
	}
	*body = json_pack("{s:s, s:s, s:O, s:O}", "at", at, "approver",
	    approver, "disposed", done, "skipped", skipped);
	code = *body == NULL ? reply_error(body, 500, "out of memory") : 200;
out:
	json_decref(done);
	json_decref(skipped);
	free(pick);
	retention_free(r);
	json_decref(obj);
	return code;
}
