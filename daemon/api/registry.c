/*
 * registry: the registry routes (docs/api.md): officers and enterprises,
 * read from st->registry and written as log entries through
 * station_append(), and the devices and camera assignments.  Every check
 * runs before station_append(), so a refused request appends nothing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/registry.h"
#include "custos/rfc3339.h"
#include "custos/uscc.h"
#include "daemon/journal.h"
#include "daemon/station.h"
#include "chain.h"
#include "registry.h"
#include "reply.h"

static json_t *
officer_json(const struct registry_officer *o)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "id", o->id,
	    "name", o->name, "unit", o->unit, "credential", o->credential,
	    "valid_until", o->valid_until, "index", (json_int_t)o->index);
}

static json_t *
enterprise_json(const struct registry_enterprise *e)
{
	json_t *j;

	/* json_pack() cannot skip NULLs: the optional members follow. */
	j = json_pack("{s:s, s:s}", "uscc", e->uscc, "name", e->name);
	reply_set_opt(j, "address", e->address);
	reply_set_opt(j, "industry", e->industry);
	reply_set_opt(j, "risk", e->risk);
	if (j != NULL)
		json_object_set_new(j, "index", json_integer(
		    (json_int_t)e->index));
	return j;
}

/*
 * The answer to a registry read that returned rc: 0 when it succeeded;
 * else a 404 naming what and id when it found nothing (what not NULL),
 * or a 500.
 */
static int
read_failed(int rc, const char *what, const char *id, json_t **body)
{
	if (rc == 0)
		return 0;
	if (rc == CUSTOS_ERR_NOTFOUND && what != NULL)
		return reply_error(body, 404, "no %s %s", what, id);
	return reply_failed(body, rc, "cannot read the registry");
}

/*
 * The answer to a list read that returned rc: on success 200 with
 * {key: [item(each of the n elements of size sz at a)]} (without the
 * array when memory runs out), else a 500.
 */
static int
list_reply(int rc, const char *key, const void *a, size_t n, size_t sz,
    json_t *(*item)(const void *), json_t **body)
{
	json_t *arr;
	size_t i;

	if (rc != 0)
		return read_failed(rc, NULL, NULL, body);
	if ((arr = json_array()) != NULL)
		for (i = 0; i < n; i++)
			json_array_append_new(arr, item((const char *)a +
			    i * sz));
	*body = json_pack("{s:o*}", key, arr);
	return 200;
}

static json_t *
officer_item(const void *o)
{
	return officer_json(o);
}

static json_t *
enterprise_item(const void *e)
{
	return enterprise_json(e);
}

int
officer_get(const struct route_env *env, const struct api_request *req,
    const char *id, json_t **body)
{
	struct registry_officer *o;
	int rc;

	(void)req;
	if ((rc = read_failed(registry_officer(env->st->registry, id, &o),
	    "officer", id, body)) != 0)
		return rc;
	*body = officer_json(o);
	registry_officer_free(o);
	return 200;
}

int
officers_list(const struct route_env *env, const struct api_request *req,
    const char *param, json_t **body)
{
	struct registry_officer *o;
	size_t n;
	int rc, code;

	(void)req;
	(void)param;
	rc = registry_officers(env->st->registry, &o, &n);
	code = list_reply(rc, "officers", o, n, sizeof(*o), officer_item, body);
	if (rc == 0)
		registry_officers_free(o, n);
	return code;
}

/* Appends type with payload and answers 201 {"index": N, key: ...}. */
static int
append(struct station *st, const char *type, json_t *payload, json_t **body,
    uint64_t *index)
{
	int rc;

	if ((rc = station_append(st, type, payload, index, NULL)) != 0)
		return reply_failed(body, rc, "cannot append the entry");
	log_info("registry type=%s index=%llu", type,
	    (unsigned long long)*index);
	return 201;
}

/* 1 if officer id is in the registry (or cannot be looked up). */
static int
officer_exists(struct station *st, const char *id)
{
	struct registry_officer *o;
	int rc;

	rc = registry_officer(st->registry, id, &o);
	registry_officer_free(o);
	return rc != CUSTOS_ERR_NOTFOUND;
}

int
officer_add(const struct route_env *env, const struct api_request *req,
    const char *param, json_t **body)
{
	static const char *const keys[] = { "officer", "name", "unit",
	    "credential", "valid_until", NULL };
	struct station *st = env->st;
	const char *v[5];
	json_t *obj, *p;
	uint64_t index;
	int code;

	(void)param;
	if ((code = reply_parse_texts(req, keys, 5, &obj, v, body)) != 0)
		return code;
	code = 400;
	if (registry_check_officer_id(v[0]) != 0)
		reply_error(body, 400,
		    "officer ID \"%s\" must be 1 to 32 letters, digits or '-'",
		    v[0]);
	else if (registry_check_date(v[4]) != 0)
		reply_error(body, 400, "valid_until \"%s\" is not a date "
		    "YYYY-MM-DD", v[4]);
	else if (officer_exists(st, v[0]))
		code = reply_error(body, 409, "officer %s exists", v[0]);
	else if ((p = json_pack("{s:s, s:s, s:s, s:s, s:s}", "officer", v[0],
	    "name", v[1], "unit", v[2], "credential", v[3], "valid_until",
	    v[4])) == NULL)
		code = 500;
	else {
		code = append(st, ENTRY_OFFICER_ADDED, p, body, &index);
		json_decref(p);
		if (code == 201 && officer_get(env, req, v[0], &p) == 200)
			*body = json_pack("{s:I, s:o}", "index",
			    (json_int_t)index, "officer", p);
	}
	json_decref(obj);
	return code;
}

int
enterprise_get(const struct route_env *env, const struct api_request *req,
    const char *uscc, json_t **body)
{
	struct station *st = env->st;
	struct registry_enterprise *e;
	struct registry_risk *h;
	json_t *arr;
	size_t i, n;
	int rc;

	(void)req;
	if ((rc = read_failed(registry_enterprise(st->registry, uscc, &e),
	    "enterprise", uscc, body)) != 0)
		return rc;
	*body = enterprise_json(e);
	registry_enterprise_free(e);
	if ((rc = read_failed(registry_risk_history(st->registry, uscc, &h,
	    &n), NULL, NULL, body)) != 0)
		return rc;
	if ((arr = json_array()) != NULL)
		for (i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:I}",
			    "risk", h[i].risk, "since", h[i].since, "index",
			    (json_int_t)h[i].index));
	registry_risks_free(h, n);
	reply_set_new(*body, "risk_history", arr);
	return 200;
}

int
enterprises_list(const struct route_env *env, const struct api_request *req,
    const char *param, json_t **body)
{
	struct registry_enterprise *e;
	size_t n;
	int rc, code;

	(void)req;
	(void)param;
	rc = registry_enterprises(env->st->registry, &e, &n);
	code = list_reply(rc, "enterprises", e, n, sizeof(*e), enterprise_item,
	    body);
	if (rc == 0)
		registry_enterprises_free(e, n);
	return code;
}

/* 400 with the reason unless uscc is a valid code. */
static int
check_uscc(const char *uscc, json_t **body)
{
	char why[128];

	if (uscc_check(uscc, why, sizeof(why)) != 0)
		return reply_error(body, 400, "invalid USCC %s: %s", uscc, why);
	return 0;
}

static int
check_risk(const char *risk, json_t **body)
{
	if (registry_check_risk(risk) != 0)
		return reply_error(body, 400,
		    "unknown risk colour \"%s\" (red, yellow, blue or green)",
		    risk);
	return 0;
}

/* Appends type with obj's members and answers with the enterprise. */
static int
enterprise_append(const struct route_env *env, const char *type, json_t *p,
    const char *uscc, json_t **body)
{
	uint64_t index;
	json_t *e;
	int code;

	if ((code = append(env->st, type, p, body, &index)) != 201)
		return code;
	if (enterprise_get(env, NULL, uscc, &e) == 200)
		*body = json_pack("{s:I, s:o}", "index", (json_int_t)index,
		    "enterprise", e);
	return 201;
}

int
enterprise_add(const struct route_env *env, const struct api_request *req,
    const char *param, json_t **body)
{
	static const char *const keys[] = { "enterprise", "name", "address",
	    "industry", "risk", NULL };
	struct station *st = env->st;
	struct registry_enterprise *e;
	const char *v[5];
	json_t *obj, *p;
	int i, code;

	(void)param;
	if ((code = reply_parse_texts(req, keys, 2, &obj, v, body)) != 0)
		return code;
	if ((code = check_uscc(v[0], body)) != 0 ||
	    (v[4] != NULL && (code = check_risk(v[4], body)) != 0))
		goto done;
	if (registry_enterprise(st->registry, v[0], &e) != CUSTOS_ERR_NOTFOUND)
	    {
		registry_enterprise_free(e);
		code = reply_error(body, 409, "enterprise %s exists", v[0]);
		goto done;
	}
	/* The entry carries the fields in a fixed order, optional ones only
	 * when given. */
	code = 500;
	if ((p = json_pack("{s:s, s:s}", "enterprise", v[0], "name", v[1])) ==
	    NULL)
		goto done;
	for (i = 2; i < 5; i++)
		reply_set_opt(p, keys[i], v[i]);
	code = enterprise_append(env, ENTRY_ENTERPRISE_ADDED, p, v[0], body);
	json_decref(p);
done:
	json_decref(obj);
	return code;
}

int
enterprise_risk(const struct route_env *env, const struct api_request *req,
    const char *uscc, json_t **body)
{
	static const char *const keys[] = { "risk", NULL };
	struct station *st = env->st;
	struct registry_enterprise *e;
	const char *risk;
	json_t *obj, *p;
	int code;

	if ((code = reply_parse_body(req, keys, &obj, body)) != 0)
		return code;
	if ((code = reply_text(obj, "risk", 0, &risk, body)) != 0 ||
	    (code = check_risk(risk, body)) != 0)
		goto done;
	if (registry_enterprise(st->registry, uscc, &e) != 0) {
		code = reply_error(body, 404, "no enterprise %s", uscc);
		goto done;
	}
	registry_enterprise_free(e);
	code = 500;
	if ((p = json_pack("{s:s, s:s}", "enterprise", uscc, "risk", risk)) !=
	    NULL) {
		code = enterprise_append(env, ENTRY_ENTERPRISE_RISK, p, uscc,
		    body);
		json_decref(p);
	}
done:
	json_decref(obj);
	return code;
}

/* A serial: 1-64 of [A-Za-z0-9._-], starting with a letter or digit. */
static int
check_serial(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 64 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789._-") != n || s[0] == '.' ||
	    s[0] == '_' || s[0] == '-')
		return -1;
	return 0;
}

int
device_add(const struct route_env *env, const struct api_request *req,
    const char *param, json_t **body)
{
	static const char *const keys[] = { "camera", "kind", "model",
	    "review", NULL };
	struct station *st = env->st;
	struct registry_device *d;
	const char *v[4];
	json_t *obj, *p;
	uint64_t index;
	int code;

	(void)param;
	if ((code = reply_parse_texts(req, keys, 2, &obj, v, body)) != 0)
		return code;
	if (check_serial(v[0]) != 0)
		code = reply_error(body, 400, "invalid camera serial \"%s\"",
		    v[0]);
	else if (strcmp(v[1], "body") != 0 && strcmp(v[1], "drone") != 0 &&
	    strcmp(v[1], "fixed") != 0)
		code = reply_error(body, 400,
		    "unknown kind \"%s\" (body, drone or fixed)", v[1]);
	else if (registry_device(st->registry, v[0], &d) !=
	    CUSTOS_ERR_NOTFOUND) {
		registry_device_free(d);
		code = reply_error(body, 409, "device %s exists", v[0]);
	} else if ((p = json_pack("{s:s, s:s}", "camera", v[0], "kind",
	    v[1])) == NULL)
		code = reply_error(body, 500, "out of memory");
	else {
		reply_set_opt(p, "model", v[2]);
		reply_set_opt(p, "review", v[3]);
		code = chain_append(st, ENTRY_DEVICE_REGISTERED, p, &index,
		    body);
		json_decref(p);
	}
	json_decref(obj);
	return code;
}

int
camera_assign(const struct route_env *env, const struct api_request *req,
    const char *serial, json_t **body)
{
	static const char *const keys[] = { "officer", "from", NULL };
	struct station *st = env->st;
	char from[RFC3339_LEN];
	const char *officer;
	json_t *obj, *p;
	uint64_t index;
	int64_t ms;
	int code;

	if ((code = reply_parse_body(req, keys, &obj, body)) != 0)
		return code;
	if (check_serial(serial) != 0)
		code = reply_error(body, 400, "invalid camera serial \"%s\"",
		    serial);
	else if ((code = reply_text(obj, "officer", 0, &officer, body)) == 0 &&
	    (code = reply_time(obj, "from", from, sizeof(from), &ms, body)) ==
	    0 && (code = chain_known_officer(st, officer, body)) == 0 &&
	    /* A "from" left out is now, after every token: only one the
	     * client gives can claim a past the tokens have proven. */
	    (json_object_get(obj, "from") == NULL || (code =
	    chain_check_time(st, CHAIN_TIME_TOKEN, serial, "from", from, ms,
	    NULL, body)) == 0)) {
		if ((p = json_pack("{s:s, s:s, s:s}", "camera", serial,
		    "officer", officer, "from", from)) == NULL)
			code = reply_error(body, 500, "out of memory");
		else {
			code = chain_append(st, ENTRY_CAMERA_ASSIGNED, p,
			    &index, body);
			json_decref(p);
		}
	}
	json_decref(obj);
	return code;
}

