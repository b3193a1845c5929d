/*
 * inspect_api: devices, camera assignments and the inspection lifecycle.
 * Every entry of an inspection carries "inspection" and, after its first,
 * "inspection_prev": the leaf hash of its previous entry, which the
 * registry keeps as the inspection's last_leaf.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <http_parser.h>
#include <jansson.h>

#include "custos/calendar.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/registry.h"
#include "custos/uscc.h"
#include "inspect_api.h"
#include "log.h"
#include "registry_api.h"
#include "station.h"

#define refuse		registry_api_refuse
#define failed		registry_api_failed
#define parse_body	registry_api_parse_body
#define text_field	registry_api_text_field
#define allowed		registry_api_allowed

#define TIME_LEN	32	/* "YYYY-MM-DDTHH:MM:SS.mmmZ" and a NUL */

/* Writes the UTC time ms (Unix milliseconds) as entries write times. */
static void
format_ms(int64_t ms, char *buf, size_t len)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	char d[24];

	gmtime_r(&s, &tm);
	strftime(d, sizeof(d), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%.19s.%03dZ", d, (int)(ms % 1000));
}

static int64_t
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Reads exactly n digits at s into *v; 0 or -1. */
static int
digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/*
 * Parses an RFC 3339 time, "YYYY-MM-DDTHH:MM:SS[.fff...](Z|+HH:MM|-HH:MM)"
 * ('t' and 'z' too), into Unix milliseconds.  Returns 0 or -1.
 */
static int
parse_time(const char *s, int64_t *ms)
{
	struct cal_date d;
	char date[11];
	int h, mi, sec, oh, om, frac = 0, k;
	int64_t off = 0;

	if (strlen(s) < 20 || (s[10] != 'T' && s[10] != 't') ||
	    s[13] != ':' || s[16] != ':')
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (calendar_date_parse(date, &d) != 0 || digits(s + 11, 2, &h) ||
	    digits(s + 14, 2, &mi) || digits(s + 17, 2, &sec) || h > 23 ||
	    mi > 59 || sec > 59)
		return -1;
	s += 19;
	if (*s == '.') {
		for (k = 0, s++; *s >= '0' && *s <= '9'; s++, k++)
			if (k < 3)
				frac = frac * 10 + (*s - '0');
		if (k == 0)
			return -1;
		for (; k < 3; k++)
			frac *= 10;
	}
	if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
		off = 0;
	else if ((*s == '+' || *s == '-') && strlen(s) == 6 && s[3] == ':' &&
	    digits(s + 1, 2, &oh) == 0 && digits(s + 4, 2, &om) == 0 &&
	    oh <= 23 && om <= 59)
		off = (*s == '-' ? -1 : 1) * ((int64_t)oh * 3600 + om * 60);
	else
		return -1;
	*ms = ((calendar_days(d.year, d.month, d.day) * 86400 + h * 3600 +
	    mi * 60 + sec - off) * 1000) + frac;
	return 0;
}

/* The Beijing date of ms as "YYYY-MM-DD". */
static void
beijing_date(int64_t ms, char *buf, size_t len)
{
	struct cal_date d;

	calendar_beijing_date(ms / 1000, &d);
	calendar_date_format(&d, buf, len);
}

/*
 * The optional time member key: sets buf to it in UTC, or to now when
 * absent.  Returns 0 or a 400.
 */
static int
time_field(json_t *obj, const char *key, char *buf, size_t len,
    int64_t *ms, json_t **body)
{
	const char *s;
	int code;

	if ((code = text_field(obj, key, 1, &s, body)) != 0)
		return code;
	if (s == NULL)
		*ms = now_ms();
	else if (parse_time(s, ms) != 0)
		return refuse(body, 400, "%s \"%s\" is not an RFC 3339 time "
		    "such as 2026-11-26T10:00:00+08:00", key, s);
	format_ms(*ms, buf, len);
	return 0;
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

/* Appends type with payload; 201 {"index": N} plus extra members. */
static int
append(struct station *st, const char *type, json_t *payload,
    uint64_t *index, json_t **body)
{
	int rc;

	if ((rc = station_append(st, type, payload, index, NULL)) != 0)
		return failed(body, rc, "cannot append the entry");
	log_info("inspection type=%s index=%" PRIu64, type, *index);
	*body = json_pack("{s:I}", "index", (json_int_t)*index);
	return 201;
}

static int
device_add(struct station *st, const struct api_request *req, json_t **body)
{
	static const char *const keys[] = { "camera", "kind", "model",
	    "review", NULL };
	struct registry_device *d;
	const char *v[4];
	json_t *obj, *p;
	uint64_t index;
	int i, code;

	if ((code = parse_body(req, keys, &obj, body)) != 0)
		return code;
	for (i = 0; i < 4; i++)
		if ((code = text_field(obj, keys[i], i >= 2, &v[i], body)) != 0)
			goto done;
	if (check_serial(v[0]) != 0)
		code = refuse(body, 400, "invalid camera serial \"%s\"", v[0]);
	else if (strcmp(v[1], "body") != 0 && strcmp(v[1], "drone") != 0 &&
	    strcmp(v[1], "fixed") != 0)
		code = refuse(body, 400, "unknown kind \"%s\" (body, drone or "
		    "fixed)", v[1]);
	else if (registry_device(st->registry, v[0], &d) !=
	    CUSTOS_ERR_NOTFOUND) {
		registry_device_free(d);
		code = refuse(body, 409, "device %s exists", v[0]);
	} else if ((p = json_pack("{s:s, s:s}", "camera", v[0], "kind",
	    v[1])) == NULL)
		code = refuse(body, 500, "out of memory");
	else {
		if (v[2] != NULL)
			json_object_set_new(p, "model", json_string(v[2]));
		if (v[3] != NULL)
			json_object_set_new(p, "review", json_string(v[3]));
		code = append(st, "device.registered", p, &index, body);
		json_decref(p);
	}
done:
	json_decref(obj);
	return code;
}

/* 400 unless officer id exists; 0 if it does. */
static int
known_officer(struct station *st, const char *id, json_t **body)
{
	struct registry_officer *o;
	int rc;

	if ((rc = registry_officer(st->registry, id, &o)) ==
	    CUSTOS_ERR_NOTFOUND)
		return refuse(body, 400, "unknown officer %s", id);
	registry_officer_free(o);
	return rc == 0 ? 0 : failed(body, rc, "cannot read the registry");
}

static int
camera_assign(struct station *st, const char *serial,
    const struct api_request *req, json_t **body)
{
	static const char *const keys[] = { "officer", "from", NULL };
	char from[TIME_LEN];
	const char *officer;
	json_t *obj, *p;
	uint64_t index;
	int64_t ms;
	int code;

	if ((code = parse_body(req, keys, &obj, body)) != 0)
		return code;
	if (check_serial(serial) != 0)
		code = refuse(body, 400, "invalid camera serial \"%s\"",
		    serial);
	else if ((code = text_field(obj, "officer", 0, &officer, body)) ==
	    0 && (code = time_field(obj, "from", from, sizeof(from), &ms,
	    body)) == 0 && (code = known_officer(st, officer, body)) == 0) {
		if ((p = json_pack("{s:s, s:s, s:s}", "camera", serial,
		    "officer", officer, "from", from)) == NULL)
			code = refuse(body, 500, "out of memory");
		else {
			code = append(st, "camera.assigned", p, &index, body);
			json_decref(p);
		}
	}
	json_decref(obj);
	return code;
}

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

	if ((code = text_field(obj, "enterprise", 0, ent, body)) != 0)
		return code;
	if (uscc_check(*ent, why, sizeof(why)) != 0)
		return refuse(body, 400, "invalid USCC %s: %s", *ent, why);
	if ((rc = registry_enterprise(st->registry, *ent, &e)) ==
	    CUSTOS_ERR_NOTFOUND)
		return refuse(body, 400, "unknown enterprise %s", *ent);
	registry_enterprise_free(e);
	if (rc != 0)
		return failed(body, rc, "cannot read the registry");
	if (!json_is_array(arr))
		return refuse(body, 400, "field \"officers\" must be an array "
		    "of officer IDs");
	if (json_array_size(arr) < 2)
		return refuse(body, 400, "an inspection needs at least two "
		    "officers, got %zu", json_array_size(arr));
	json_array_foreach(arr, i, v) {
		if ((id = json_string_value(v)) == NULL)
			return refuse(body, 400, "field \"officers\" must be "
			    "an array of officer IDs");
		for (k = 0; k < i; k++)
			if (strcmp(id, json_string_value(json_array_get(arr,
			    k))) == 0)
				return refuse(body, 400, "officer %s is named "
				    "twice: two different officers are "
				    "needed", id);
		rc = registry_officer_valid_on(st->registry, id, date);
		if (rc == CUSTOS_ERR_NOTFOUND)
			return refuse(body, 400, "unknown officer %s", id);
		if (rc == CUSTOS_ERR_RANGE)
			return refuse(body, 400, "officer %s's credential is "
			    "not valid on %s", id, date);
		if (rc != 0)
			return failed(body, rc, "cannot read the registry");
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
		return refuse(body, 400, "unknown method \"%s\" (onsite, "
		    "offsite or drone)", *out);
	return 0;
}

/* A new inspection ID for the Beijing date of ms into id. */
static int
new_id(struct station *st, int64_t ms, char *id, size_t len, json_t **body)
{
	char date[16], prefix[24];
	uint64_t n;
	int rc;

	beijing_date(ms, date, sizeof(date));
	snprintf(prefix, sizeof(prefix), "INS-%.4s%.2s%.2s-", date, date + 5,
	    date + 8);
	if ((rc = registry_inspections_on(st->registry, prefix, &n)) != 0)
		return failed(body, rc, "cannot read the registry");
	if (n >= 9999)
		return refuse(body, 409, "no inspection number left for %s",
		    date);
	snprintf(id, len, "%s%04" PRIu64, prefix, n + 1);
	return 0;
}

/* Appends the first entry of inspection id; 201 {"inspection", "index"}. */
static int
create(struct station *st, const char *type, const char *id, json_t *p,
    json_t **body)
{
	uint64_t index;
	int code;

	if ((code = append(st, type, p, &index, body)) == 201)
		json_object_set_new(*body, "inspection", json_string(id));
	return code;
}

static int
inspection_register(struct station *st, const struct api_request *req,
    json_t **body)
{
	static const char *const keys[] = { "enterprise", "officers",
	    "basis", "content", "planned", "method", NULL };
	const char *ent, *basis, *content, *planned, *method;
	char id[32], date[16];
	json_t *obj, *officers, *p;
	int code;

	if ((code = parse_body(req, keys, &obj, body)) != 0)
		return code;
	if ((code = text_field(obj, "basis", 0, &basis, body)) != 0 ||
	    (code = text_field(obj, "content", 0, &content, body)) != 0 ||
	    (code = text_field(obj, "planned", 1, &planned, body)) != 0 ||
	    (code = text_field(obj, "method", 1, &method, body)) != 0 ||
	    (code = check_method(method, &method, body)) != 0)
		goto done;
	if (planned != NULL && registry_check_date(planned) != 0) {
		code = refuse(body, 400, "planned \"%s\" is not a date "
		    "YYYY-MM-DD", planned);
		goto done;
	}
	beijing_date(now_ms(), date, sizeof(date));
	if ((code = check_people(st, obj, planned != NULL ? planned : date,
	    &ent, &officers, body)) != 0 ||
	    (code = new_id(st, now_ms(), id, sizeof(id), body)) != 0)
		goto done;
	if ((p = json_pack("{s:s, s:s, s:O, s:s, s:s}", "inspection", id,
	    "enterprise", ent, "officers", officers, "basis", basis,
	    "content", content)) == NULL) {
		code = refuse(body, 500, "out of memory");
		goto done;
	}
	if (planned != NULL)
		json_object_set_new(p, "planned", json_string(planned));
	json_object_set_new(p, "method", json_string(method));
	code = create(st, "inspection.registered", id, p, body);
	json_decref(p);
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
	struct cal_date day, due, unc;
	char buf[TIME_LEN], why[64];

	calendar_beijing_date(at / 1000, &day);
	if (calendar_add_workdays(st->calendar, &day, 1, &due, &unc) == 0) {
		format_ms(calendar_end_of_day(&due) * 1000, buf, sizeof(buf));
		json_object_set_new(p, "backfill_due", json_string(buf));
		return;
	}
	calendar_date_format(&unc, buf, sizeof(buf));
	snprintf(why, sizeof(why), "calendar does not cover %s", buf);
	json_object_set_new(p, "backfill_due_unknown", json_string(why));
}

static int
inspection_emergency(struct station *st, const struct api_request *req,
    json_t **body)
{
	static const char *const keys[] = { "enterprise", "officers", "at",
	    "method", NULL };
	const char *ent, *method;
	char id[32], date[16], at[TIME_LEN];
	json_t *obj, *officers, *p;
	int64_t ms;
	int code;

	if ((code = parse_body(req, keys, &obj, body)) != 0)
		return code;
	if ((code = text_field(obj, "method", 1, &method, body)) != 0 ||
	    (code = check_method(method, &method, body)) != 0 ||
	    (code = time_field(obj, "at", at, sizeof(at), &ms, body)) != 0)
		goto done;
	beijing_date(ms, date, sizeof(date));
	if ((code = check_people(st, obj, date, &ent, &officers, body)) != 0 ||
	    (code = new_id(st, ms, id, sizeof(id), body)) != 0)
		goto done;
	if ((p = json_pack("{s:s, s:s, s:O, s:s, s:s}", "inspection", id,
	    "enterprise", ent, "officers", officers, "method", method, "at",
	    at)) == NULL) {
		code = refuse(body, 500, "out of memory");
		goto done;
	}
	set_backfill_due(st, ms, p);
	code = create(st, "inspection.emergency", id, p, body);
	json_decref(p);
done:
	json_decref(obj);
	return code;
}

/*
 * Appends a step of inspection i: p (consumed) gets "inspection" and
 * "inspection_prev" in front of its own members.
 */
static int
step(struct station *st, const struct registry_inspection *i,
    const char *type, json_t *p, json_t **body)
{
	uint64_t index;
	json_t *e;
	int code;

	if (p == NULL || (e = json_pack("{s:s, s:s}", "inspection", i->id,
	    "inspection_prev", i->last_leaf)) == NULL) {
		json_decref(p);
		return refuse(body, 500, "out of memory");
	}
	json_object_update(e, p);
	json_decref(p);
	code = append(st, type, e, &index, body);
	json_decref(e);
	if (code == 201)
		json_object_set_new(*body, "inspection", json_string(i->id));
	return code;
}

static int
do_enter(struct station *st, const struct registry_inspection *i,
    json_t *obj, json_t **body)
{
	char at[TIME_LEN];
	int64_t ms;
	int code;

	if (strcmp(i->state, "registered") != 0)
		return refuse(body, 409, "inspection %s has entered the site "
		    "already", i->id);
	if ((code = time_field(obj, "at", at, sizeof(at), &ms, body)) != 0)
		return code;
	return step(st, i, "inspection.entered", json_pack("{s:s}", "at", at),
	    body);
}

static int
do_leave(struct station *st, const struct registry_inspection *i,
    json_t *obj, json_t **body)
{
	char at[TIME_LEN];
	int64_t ms;
	int code;

	if (strcmp(i->state, "registered") == 0)
		return refuse(body, 409, "inspection %s has not entered the "
		    "site", i->id);
	if (strcmp(i->state, "left") == 0)
		return refuse(body, 409, "inspection %s has left the site "
		    "already", i->id);
	if ((code = time_field(obj, "at", at, sizeof(at), &ms, body)) != 0)
		return code;
	/* Both are UTC times written alike, so they compare as strings. */
	if (strcmp(at, i->entered_at) < 0)
		return refuse(body, 409, "inspection %s cannot leave at %s "
		    "before entering at %s", i->id, at, i->entered_at);
	return step(st, i, "inspection.left", json_pack("{s:s}", "at", at),
	    body);
}

static int
do_backfill(struct station *st, const struct registry_inspection *i,
    json_t *obj, json_t **body)
{
	const char *basis, *content;
	char now[TIME_LEN];
	int code, late;

	if (!i->emergency)
		return refuse(body, 409, "inspection %s was registered, not "
		    "an emergency: nothing to back-fill", i->id);
	if (i->backfilled)
		return refuse(body, 409, "inspection %s is back-filled "
		    "already", i->id);
	if ((code = text_field(obj, "basis", 0, &basis, body)) != 0 ||
	    (code = text_field(obj, "content", 0, &content, body)) != 0)
		return code;
	format_ms(now_ms(), now, sizeof(now));
	late = i->backfill_due != NULL && strcmp(now, i->backfill_due) > 0;
	return step(st, i, "inspection.backfilled", json_pack("{s:s, s:s, "
	    "s:b}", "basis", basis, "content", content, "late", late), body);
}

/*
 * Reads entry index from the log: it must be a segment.sealed; sets
 * *seg to it (a new reference).
 */
static int
sealed_segment(struct station *st, json_t *obj, json_t **seg,
    uint64_t *index, json_t **body)
{
	json_t *v = json_object_get(obj, "segment"), *e;
	uint8_t *data;
	size_t len;
	int rc;

	*seg = NULL;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return refuse(body, 400, "field \"segment\" must be a log "
		    "index");
	*index = (uint64_t)json_integer_value(v);
	if (*index >= log_size(st->log))
		return refuse(body, 400, "no entry %" PRIu64 " in the log",
		    *index);
	if ((rc = log_entry(st->log, *index, &data, &len)) != 0)
		return failed(body, rc, "cannot read the log");
	e = json_loadb((const char *)data, len, 0, NULL);
	free(data);
	if (!json_is_object(e) || !json_is_string(json_object_get(e,
	    "type")) || strcmp(json_string_value(json_object_get(e, "type")),
	    "segment.sealed") != 0 || !json_is_string(json_object_get(e,
	    "object"))) {
		json_decref(e);
		return refuse(body, 400, "entry %" PRIu64 " is not a "
		    "segment.sealed", *index);
	}
	*seg = e;
	return 0;
}

static int
do_link(struct station *st, const struct registry_inspection *i,
    json_t *obj, int link, json_t **body)
{
	const char *reason;
	uint64_t index = 0;
	json_t *seg, *p;
	int code;

	if ((code = text_field(obj, "reason", 0, &reason, body)) != 0 ||
	    (code = sealed_segment(st, obj, &seg, &index, body)) != 0)
		return code;
	if (!link)
		p = json_pack("{s:I, s:s}", "segment", (json_int_t)index,
		    "reason", reason);
	else if ((p = json_pack("{s:I, s:O}", "segment", (json_int_t)index,
	    "object", json_object_get(seg, "object"))) != NULL) {
		if (json_is_string(json_object_get(seg, "camera")))
			json_object_set(p, "camera", json_object_get(seg,
			    "camera"));
		json_object_set_new(p, "by", json_string("operator"));
		json_object_set_new(p, "reason", json_string(reason));
	}
	json_decref(seg);
	return step(st, i, link ? "evidence.linked" : "evidence.unlinked", p,
	    body);
}

static int
do_close(struct station *st, const struct registry_inspection *i,
    json_t *obj, json_t **body)
{
	const char *result, *deadline;
	json_t *p;
	int code;

	if ((code = text_field(obj, "result", 0, &result, body)) != 0 ||
	    (code = text_field(obj, "deadline", 1, &deadline, body)) != 0)
		return code;
	if (deadline != NULL && registry_check_date(deadline) != 0)
		return refuse(body, 400, "deadline \"%s\" is not a date "
		    "YYYY-MM-DD", deadline);
	if ((p = json_pack("{s:s}", "result", result)) != NULL &&
	    deadline != NULL)
		json_object_set_new(p, "deadline", json_string(deadline));
	return step(st, i, "inspection.closed", p, body);
}

/* POST /v1/inspections/<ID>/<action>. */
static int
inspection_action(struct station *st, const char *id, const char *action,
    const struct api_request *req, json_t **body)
{
	static const char *const k_at[] = { "at", NULL };
	static const char *const k_fill[] = { "basis", "content", NULL };
	static const char *const k_link[] = { "segment", "reason", NULL };
	static const char *const k_close[] = { "result", "deadline", NULL };
	const char *const *keys;
	struct registry_inspection *i;
	json_t *obj;
	int code, rc;

	if (strcmp(action, "enter") == 0 || strcmp(action, "leave") == 0)
		keys = k_at;
	else if (strcmp(action, "backfill") == 0)
		keys = k_fill;
	else if (strcmp(action, "link") == 0 || strcmp(action, "unlink") == 0)
		keys = k_link;
	else if (strcmp(action, "close") == 0)
		keys = k_close;
	else
		return refuse(body, 404, "no such resource");
	if ((code = allowed(req, HTTP_POST, body)) != 0)
		return code;
	if ((rc = registry_inspection(st->registry, id, &i)) ==
	    CUSTOS_ERR_NOTFOUND)
		return refuse(body, 404, "no inspection %s", id);
	if (rc != 0)
		return failed(body, rc, "cannot read the registry");
	if (strcmp(i->state, "closed") == 0)
		code = refuse(body, 409, "inspection %s is closed", id);
	else if ((code = parse_body(req, keys, &obj, body)) == 0) {
		if (keys == k_at && action[0] == 'e')
			code = do_enter(st, i, obj, body);
		else if (keys == k_at)
			code = do_leave(st, i, obj, body);
		else if (keys == k_fill)
			code = do_backfill(st, i, obj, body);
		else if (keys == k_link)
			code = do_link(st, i, obj, action[0] == 'l', body);
		else
			code = do_close(st, i, obj, body);
		json_decref(obj);
	}
	registry_inspection_free(i);
	return code;
}

/* Whether i is overdue at now: emergency, not back-filled, due passed. */
static int
overdue(const struct registry_inspection *i, const char *now)
{
	return i->emergency && !i->backfilled && i->backfill_due != NULL &&
	    strcmp(now, i->backfill_due) > 0;
}

static void
set_str(json_t *j, const char *key, const char *s)
{
	if (s != NULL)
		json_object_set_new(j, key, json_string(s));
}

static json_t *
inspection_json(const struct registry_inspection *i, const char *now)
{
	json_t *j, *off;

	off = json_loads(i->officers, 0, NULL);
	if ((j = json_pack("{s:s, s:s, s:o*}", "id", i->id, "enterprise",
	    i->enterprise, "officers", off)) == NULL)
		return NULL;
	set_str(j, "basis", i->basis);
	set_str(j, "content", i->content);
	set_str(j, "planned", i->planned);
	set_str(j, "method", i->method);
	json_object_set_new(j, "emergency", json_boolean(i->emergency));
	set_str(j, "state", i->state);
	set_str(j, "entered_at", i->entered_at);
	set_str(j, "left_at", i->left_at);
	set_str(j, "closed_at", i->closed_at);
	set_str(j, "result", i->result);
	set_str(j, "deadline", i->deadline);
	if (i->emergency) {
		set_str(j, "backfill_due", i->backfill_due);
		set_str(j, "backfill_due_unknown", i->backfill_due_unknown);
		json_object_set_new(j, "backfilled",
		    json_boolean(i->backfilled));
		json_object_set_new(j, "backfill_late",
		    json_boolean(i->backfill_late));
		json_object_set_new(j, "overdue", json_boolean(overdue(i,
		    now)));
	}
	json_object_set_new(j, "index", json_integer((json_int_t)i->index));
	json_object_set_new(j, "last_index",
	    json_integer((json_int_t)i->last_index));
	set_str(j, "last_leaf", i->last_leaf);
	return j;
}

static int
inspection_get(struct station *st, const char *id, json_t **body)
{
	struct registry_inspection *i;
	struct registry_chain_entry *c;
	char now[TIME_LEN];
	json_t *arr;
	size_t k, n;
	int rc;

	if ((rc = registry_inspection(st->registry, id, &i)) ==
	    CUSTOS_ERR_NOTFOUND)
		return refuse(body, 404, "no inspection %s", id);
	if (rc != 0)
		return failed(body, rc, "cannot read the registry");
	format_ms(now_ms(), now, sizeof(now));
	*body = inspection_json(i, now);
	registry_inspection_free(i);
	if ((rc = registry_inspection_chain(st->registry, id, &c, &n)) != 0)
		return failed(body, rc, "cannot read the registry");
	if ((arr = json_array()) != NULL)
		for (k = 0; k < n; k++)
			json_array_append_new(arr, json_pack("{s:I, s:s}",
			    "index", (json_int_t)c[k].index, "type",
			    c[k].type));
	registry_chain_free(c, n);
	if (*body != NULL)
		json_object_set_new(*body, "chain", arr);
	else
		json_decref(arr);
	return 200;
}

static int
inspections_list(struct station *st, const char *query, json_t **body)
{
	struct registry_inspection *i;
	char now[TIME_LEN];
	json_t *arr;
	size_t k, n;
	int rc, open = 0, over = 0;

	if (strcmp(query, "open=1") == 0)
		open = 1;
	else if (strcmp(query, "overdue=1") == 0)
		over = 1;
	else if (query[0] != '\0')
		return refuse(body, 400, "unknown query \"%s\" (open=1 or "
		    "overdue=1)", query);
	if ((rc = registry_inspections(st->registry, &i, &n)) != 0)
		return failed(body, rc, "cannot read the registry");
	format_ms(now_ms(), now, sizeof(now));
	if ((arr = json_array()) != NULL)
		for (k = 0; k < n; k++)
			if ((!open || strcmp(i[k].state, "closed") != 0) &&
			    (!over || overdue(&i[k], now)))
				json_array_append_new(arr,
				    inspection_json(&i[k], now));
	registry_inspections_free(i, n);
	*body = json_pack("{s:o*}", "inspections", arr);
	return 200;
}

static int
route_inspections(struct station *st, const struct api_request *req,
    json_t **body)
{
	char id[64];
	const char *rest;
	int code;

	if (strcmp(req->path, "/v1/inspections") == 0) {
		if (req->method == HTTP_GET)
			return inspections_list(st, req->query, body);
		if ((code = allowed(req, HTTP_POST, body)) != 0)
			return code;
		return inspection_register(st, req, body);
	}
	if (strcmp(req->path, "/v1/inspections/emergency") == 0) {
		if ((code = allowed(req, HTTP_POST, body)) != 0)
			return code;
		return inspection_emergency(st, req, body);
	}
	if ((rest = registry_api_segment(req->path, "/v1/inspections/", id,
	    sizeof(id))) == NULL)
		return refuse(body, 404, "no such resource");
	if (*rest == '\0') {
		if ((code = allowed(req, HTTP_GET, body)) != 0)
			return code;
		return inspection_get(st, id, body);
	}
	if (strchr(rest + 1, '/') != NULL)
		return refuse(body, 404, "no such resource");
	return inspection_action(st, id, rest + 1, req, body);
}

int
inspect_api_handle(struct station *st, const struct api_request *req,
    json_t **body)
{
	char serial[80];
	const char *rest;
	int code;

	if (strcmp(req->path, "/v1/devices") == 0) {
		if ((code = allowed(req, HTTP_POST, body)) != 0)
			return code;
		return device_add(st, req, body);
	}
	if ((rest = registry_api_segment(req->path, "/v1/cameras/", serial,
	    sizeof(serial))) != NULL) {
		if (strcmp(rest, "/assign") != 0)
			return refuse(body, 404, "no such resource");
		if ((code = allowed(req, HTTP_POST, body)) != 0)
			return code;
		return camera_assign(st, serial, req, body);
	}
	if (strcmp(req->path, "/v1/inspections") == 0 ||
	    strncmp(req->path, "/v1/inspections/", 16) == 0)
		return route_inspections(st, req, body);
	return refuse(body, 404, "no such resource");
}
