/*
 * registry_api: routes registry requests and answers them.  Every check
 * runs before station_append(), so a refused request appends nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <http_parser.h>
#include <jansson.h>

#include "custos/err.h"
#include "custos/registry.h"
#include "custos/uscc.h"
#include "daemon/journal.h"
#include "inspect_api.h"
#include "registry_api.h"
#include "daemon/station.h"
#include "daemon/tsa.h"

/* This file's short names for the helpers registry_api.h exports. */
#define refuse		registry_api_refuse
#define failed		registry_api_failed
#define parse_body	registry_api_parse_body
#define text_field	registry_api_text_field
#define segment		registry_api_segment
#define allowed		registry_api_allowed

/* Sets *body to {"error": msg} and returns code. */
int
refuse(json_t **body, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	*body = json_pack("{s:s}", "error", msg);
	return code;
}

/* An internal failure, logged here where the policy is decided. */
int
failed(json_t **body, int rc, const char *what)
{
	log_warnx_r(rc, "control: %s", what);
	return refuse(body, 500, "%s: %s", what, custos_strerror(rc));
}

/*
 * Parses the request body as a JSON object whose members are all in
 * allowed (NULL-terminated).  Returns 0 or the 400 already in *body.
 */
int
parse_body(const struct api_request *req, const char *const *allowed,
    json_t **obj, json_t **body)
{
	json_error_t e;
	const char *key;
	json_t *v;
	size_t i;

	*obj = NULL;
	if (req->body == NULL)
		return refuse(body, 400, "request body must be a JSON object");
	*obj = json_loadb(req->body, req->bodylen, JSON_REJECT_DUPLICATES, &e);
	if (!json_is_object(*obj)) {
		json_decref(*obj);
		*obj = NULL;
		return refuse(body, 400, "request body is not a JSON object: "
		    "%s", e.text);
	}
	json_object_foreach(*obj, key, v) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL) {
			json_decref(*obj);
			*obj = NULL;
			return refuse(body, 400, "unknown field \"%s\"", key);
		}
	}
	return 0;
}

/*
 * A text member: required unless optional, a string of 1 to TEXT_MAX
 * bytes without control characters.  Returns 0 (*out NULL when an
 * optional one is absent) or a 400 in *body.
 */
int
text_field(json_t *obj, const char *key, int optional, const char **out,
    json_t **body)
{
	json_t *v = json_object_get(obj, key);
	const unsigned char *s;
	size_t n;

	*out = NULL;
	if (v == NULL && optional)
		return 0;
	if (v == NULL)
		return refuse(body, 400, "missing field \"%s\"", key);
	if (!json_is_string(v))
		return refuse(body, 400, "field \"%s\" must be a string", key);
	n = json_string_length(v);
	if (n == 0 || n > TEXT_MAX)
		return refuse(body, 400, "field \"%s\" must have 1 to %d bytes",
		    key, TEXT_MAX);
	for (s = (const unsigned char *)json_string_value(v); *s; s++)
		if (*s < 0x20 || *s == 0x7f)
			return refuse(body, 400, "field \"%s\" contains a "
			    "control character", key);
	*out = json_string_value(v);
	return 0;
}

static json_t *
officer_json(const struct registry_officer *o)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "id", o->id,
	    "name", o->name, "unit", o->unit, "credential", o->credential,
	    "valid_until", o->valid_until, "index", (json_int_t)o->index);
}

/* Sets key to s when s is not NULL; the pack above cannot skip NULLs. */
static void
set_opt(json_t *j, const char *key, const char *s)
{
	if (j != NULL && s != NULL)
		json_object_set_new(j, key, json_string(s));
}

static json_t *
enterprise_json(const struct registry_enterprise *e)
{
	json_t *j;

	j = json_pack("{s:s, s:s}", "uscc", e->uscc, "name", e->name);
	set_opt(j, "address", e->address);
	set_opt(j, "industry", e->industry);
	set_opt(j, "risk", e->risk);
	if (j != NULL)
		json_object_set_new(j, "index", json_integer(
		    (json_int_t)e->index));
	return j;
}

static int
officer_get(struct station *st, const char *id, json_t **body)
{
	struct registry_officer *o;
	int rc;

	if ((rc = registry_officer(st->registry, id, &o)) ==
	    CUSTOS_ERR_NOTFOUND)
		return refuse(body, 404, "no officer %s", id);
	if (rc != 0)
		return failed(body, rc, "cannot read the registry");
	*body = officer_json(o);
	registry_officer_free(o);
	return 200;
}

static int
officers_list(struct station *st, json_t **body)
{
	struct registry_officer *o;
	json_t *arr;
	size_t i, n;
	int rc;

	if ((rc = registry_officers(st->registry, &o, &n)) != 0)
		return failed(body, rc, "cannot read the registry");
	if ((arr = json_array()) != NULL)
		for (i = 0; i < n; i++)
			json_array_append_new(arr, officer_json(&o[i]));
	registry_officers_free(o, n);
	*body = json_pack("{s:o*}", "officers", arr);
	return 200;
}

/* Appends type with payload and answers 201 {"index": N, key: ...}. */
static int
append(struct station *st, const char *type, json_t *payload, json_t **body,
    uint64_t *index)
{
	int rc;

	if ((rc = station_append(st, type, payload, index, NULL)) != 0)
		return failed(body, rc, "cannot append the entry");
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

static int
officer_add(struct station *st, const struct api_request *req,
    json_t **body)
{
	static const char *const keys[] = { "officer", "name", "unit",
	    "credential", "valid_until", NULL };
	const char *v[5];
	json_t *obj, *p;
	uint64_t index;
	int i, code;

	if ((code = parse_body(req, keys, &obj, body)) != 0)
		return code;
	for (i = 0; i < 5; i++)
		if ((code = text_field(obj, keys[i], 0, &v[i], body)) != 0)
			goto done;
	code = 400;
	if (registry_check_officer_id(v[0]) != 0)
		refuse(body, 400, "officer ID \"%s\" must be 1 to 32 letters, "
		    "digits or '-'", v[0]);
	else if (registry_check_date(v[4]) != 0)
		refuse(body, 400, "valid_until \"%s\" is not a date "
		    "YYYY-MM-DD", v[4]);
	else if (officer_exists(st, v[0]))
		code = refuse(body, 409, "officer %s exists", v[0]);
	else if ((p = json_pack("{s:s, s:s, s:s, s:s, s:s}", "officer", v[0],
	    "name", v[1], "unit", v[2], "credential", v[3], "valid_until",
	    v[4])) == NULL)
		code = 500;
	else {
		code = append(st, "officer.added", p, body, &index);
		json_decref(p);
		if (code == 201 && officer_get(st, v[0], &p) == 200)
			*body = json_pack("{s:I, s:o}", "index",
			    (json_int_t)index, "officer", p);
	}
done:
	json_decref(obj);
	return code;
}

static int
enterprise_get(struct station *st, const char *uscc, json_t **body)
{
	struct registry_enterprise *e;
	struct registry_risk *h;
	json_t *arr;
	size_t i, n;
	int rc;

	if ((rc = registry_enterprise(st->registry, uscc, &e)) ==
	    CUSTOS_ERR_NOTFOUND)
		return refuse(body, 404, "no enterprise %s", uscc);
	if (rc != 0)
		return failed(body, rc, "cannot read the registry");
	*body = enterprise_json(e);
	registry_enterprise_free(e);
	if ((rc = registry_risk_history(st->registry, uscc, &h, &n)) != 0)
		return failed(body, rc, "cannot read the registry");
	if ((arr = json_array()) != NULL)
		for (i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:I}",
			    "risk", h[i].risk, "since", h[i].since, "index",
			    (json_int_t)h[i].index));
	registry_risks_free(h, n);
	if (*body != NULL)
		json_object_set_new(*body, "risk_history", arr);
	else
		json_decref(arr);
	return 200;
}

static int
enterprises_list(struct station *st, json_t **body)
{
	struct registry_enterprise *e;
	json_t *arr;
	size_t i, n;
	int rc;

	if ((rc = registry_enterprises(st->registry, &e, &n)) != 0)
		return failed(body, rc, "cannot read the registry");
	if ((arr = json_array()) != NULL)
		for (i = 0; i < n; i++)
			json_array_append_new(arr, enterprise_json(&e[i]));
	registry_enterprises_free(e, n);
	*body = json_pack("{s:o*}", "enterprises", arr);
	return 200;
}

/* 400 with the reason unless uscc is a valid code. */
static int
check_uscc(const char *uscc, json_t **body)
{
	char why[128];

	if (uscc_check(uscc, why, sizeof(why)) != 0)
		return refuse(body, 400, "invalid USCC %s: %s", uscc, why);
	return 0;
}

static int
check_risk(const char *risk, json_t **body)
{
	if (registry_check_risk(risk) != 0)
		return refuse(body, 400, "unknown risk colour \"%s\" (red, "
		    "yellow, blue or green)", risk);
	return 0;
}

/* Appends type with obj's members and answers with the enterprise. */
static int
enterprise_append(struct station *st, const char *type, json_t *p,
    const char *uscc, json_t **body)
{
	uint64_t index;
	json_t *e;
	int code;

	if ((code = append(st, type, p, body, &index)) != 201)
		return code;
	if (enterprise_get(st, uscc, &e) == 200)
		*body = json_pack("{s:I, s:o}", "index", (json_int_t)index,
		    "enterprise", e);
	return 201;
}

static int
enterprise_add(struct station *st, const struct api_request *req,
    json_t **body)
{
	static const char *const keys[] = { "enterprise", "name", "address",
	    "industry", "risk", NULL };
	struct registry_enterprise *e;
	const char *v[5];
	json_t *obj, *p;
	int i, code;

	if ((code = parse_body(req, keys, &obj, body)) != 0)
		return code;
	for (i = 0; i < 5; i++)
		if ((code = text_field(obj, keys[i], i >= 2, &v[i], body)) != 0)
			goto done;
	if ((code = check_uscc(v[0], body)) != 0 ||
	    (v[4] != NULL && (code = check_risk(v[4], body)) != 0))
		goto done;
	if (registry_enterprise(st->registry, v[0], &e) != CUSTOS_ERR_NOTFOUND) {
		registry_enterprise_free(e);
		code = refuse(body, 409, "enterprise %s exists", v[0]);
		goto done;
	}
	/* The entry carries the fields in a fixed order, optional ones only
	 * when given. */
	code = 500;
	if ((p = json_pack("{s:s, s:s}", "enterprise", v[0], "name", v[1])) ==
	    NULL)
		goto done;
	for (i = 2; i < 5; i++)
		set_opt(p, keys[i], v[i]);
	code = enterprise_append(st, "enterprise.added", p, v[0], body);
	json_decref(p);
done:
	json_decref(obj);
	return code;
}

static int
enterprise_risk(struct station *st, const char *uscc,
    const struct api_request *req, json_t **body)
{
	static const char *const keys[] = { "risk", NULL };
	struct registry_enterprise *e;
	const char *risk;
	json_t *obj, *p;
	int code;

	if ((code = parse_body(req, keys, &obj, body)) != 0)
		return code;
	if ((code = text_field(obj, "risk", 0, &risk, body)) != 0 ||
	    (code = check_risk(risk, body)) != 0)
		goto done;
	if (registry_enterprise(st->registry, uscc, &e) != 0) {
		code = refuse(body, 404, "no enterprise %s", uscc);
		goto done;
	}
	registry_enterprise_free(e);
	code = 500;
	if ((p = json_pack("{s:s, s:s}", "enterprise", uscc, "risk", risk)) !=
	    NULL) {
		code = enterprise_append(st, "enterprise.risk", p, uscc, body);
		json_decref(p);
	}
done:
	json_decref(obj);
	return code;
}

/*
 * The path's segment after prefix: copies it to seg and returns the rest
 * ("" or "/risk" ...), or NULL if path does not start with prefix or the
 * segment is empty or too long.
 */
const char *
segment(const char *path, const char *prefix, char *seg, size_t len)
{
	size_t n = strlen(prefix), k;

	if (strncmp(path, prefix, n) != 0)
		return NULL;
	path += n;
	if ((k = strcspn(path, "/")) == 0 || k >= len)
		return NULL;
	memcpy(seg, path, k);
	seg[k] = '\0';
	return path + k;
}

/* 405 unless the method is want; a write also needs authorisation. */
int
allowed(const struct api_request *req, int want, json_t **body)
{
	if (req->method != want)
		return refuse(body, 405, "use %s", http_method_str(want));
	if (want == HTTP_POST && !req->authorised)
		return refuse(body, 403, "uid %ld may not write: it must be "
		    "root, the daemon's user or in the [control] group",
		    (long)req->uid);
	return 0;
}

static int
route_officers(struct station *st, const struct api_request *req,
    json_t **body)
{
	char id[64];
	const char *rest;
	int code;

	if (strcmp(req->path, "/v1/officers") == 0) {
		if (req->method == HTTP_GET)
			return officers_list(st, body);
		if ((code = allowed(req, HTTP_POST, body)) != 0)
			return code;
		return officer_add(st, req, body);
	}
	if ((rest = segment(req->path, "/v1/officers/", id, sizeof(id))) ==
	    NULL || *rest != '\0')
		return refuse(body, 404, "no such resource");
	if ((code = allowed(req, HTTP_GET, body)) != 0)
		return code;
	return officer_get(st, id, body);
}

static int
route_enterprises(struct station *st, const struct api_request *req,
    json_t **body)
{
	char uscc[64];
	const char *rest;
	int code;

	if (strcmp(req->path, "/v1/enterprises") == 0) {
		if (req->method == HTTP_GET)
			return enterprises_list(st, body);
		if ((code = allowed(req, HTTP_POST, body)) != 0)
			return code;
		return enterprise_add(st, req, body);
	}
	rest = segment(req->path, "/v1/enterprises/", uscc, sizeof(uscc));
	if (rest != NULL && *rest == '\0') {
		if ((code = allowed(req, HTTP_GET, body)) != 0)
			return code;
		return enterprise_get(st, uscc, body);
	}
	if (rest == NULL || strcmp(rest, "/risk") != 0)
		return refuse(body, 404, "no such resource");
	if ((code = allowed(req, HTTP_POST, body)) != 0)
		return code;
	return enterprise_risk(st, uscc, req, body);
}

int
registry_api_handle(void *arg, const struct api_request *req, json_t **body)
{
	struct station *st = arg;

	*body = NULL;
	if (strncmp(req->path, "/v1/officers", 12) == 0 &&
	    (req->path[12] == '\0' || req->path[12] == '/'))
		return route_officers(st, req, body);
	if (strncmp(req->path, "/v1/enterprises", 15) == 0 &&
	    (req->path[15] == '\0' || req->path[15] == '/'))
		return route_enterprises(st, req, body);
	if (strncmp(req->path, "/v1/devices", 11) == 0 ||
	    strncmp(req->path, "/v1/cameras/", 12) == 0 ||
	    strncmp(req->path, "/v1/inspections", 15) == 0 ||
	    strcmp(req->path, "/v1/ledger") == 0)
		return inspect_api_handle(st, req, body);
	if (strcmp(req->path, "/v1/checkpoint") == 0)
		return tsa_api_checkpoint(st, req, body);
	return refuse(body, 404, "no such resource");
}
