/*
 * inspect_api: devices, camera assignments and the inspection lifecycle.
 * Every entry of an inspection carries "inspection" and, after its first,
 * "inspection_prev": the leaf hash of its previous entry, which the
 * registry keeps as the inspection's last_leaf.
 */
#include <sys/types.h>

#include <ctype.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <http_parser.h>
#include <jansson.h>

#include "custos/calendar.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/log.h"
#include "custos/registry.h"
#include "custos/rfc3339.h"
#include "custos/store.h"
#include "custos/uscc.h"
#include "inspect_api.h"
#include "daemon/journal.h"
#include "registry_api.h"
#include "daemon/station.h"

#define refuse		registry_api_refuse
#define failed		registry_api_failed
#define parse_body	registry_api_parse_body
#define text_field	registry_api_text_field
#define allowed		registry_api_allowed

#define TIME_LEN	32	/* "YYYY-MM-DDTHH:MM:SS.mmmZ" and a NUL */

/* Writes the UTC time ms (Unix milliseconds) as entries write times. */
#define format_ms	rfc3339_format
#define parse_time	rfc3339_parse

static int64_t
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
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

/* inspection.gap_reason: why footage is missing from..to. */
static int
do_gap(struct station *st, const struct registry_inspection *i,
    json_t *obj, json_t **body)
{
	const char *f, *t, *reason;
	char fb[TIME_LEN], tb[TIME_LEN];
	int64_t fm, tm;
	int code;

	if ((code = text_field(obj, "from", 0, &f, body)) != 0 ||
	    (code = text_field(obj, "to", 0, &t, body)) != 0 ||
	    (code = text_field(obj, "reason", 0, &reason, body)) != 0)
		return code;
	if (parse_time(f, &fm) != 0 || parse_time(t, &tm) != 0)
		return refuse(body, 400, "from and to must be RFC 3339 times "
		    "such as 2026-11-26T10:00:00+08:00");
	if (tm < fm)
		return refuse(body, 400, "gap ends (%s) before it starts (%s)",
		    t, f);
	format_ms(fm, fb, sizeof(fb));
	format_ms(tm, tb, sizeof(tb));
	return step(st, i, "inspection.gap_reason", json_pack("{s:s, s:s, "
	    "s:s}", "from", fb, "to", tb, "reason", reason), body);
}

/* review.recorded: the legal review (法制审核) result. */
static int
do_review(struct station *st, const struct registry_inspection *i,
    json_t *obj, json_t **body)
{
	const char *reviewer, *result, *note;
	json_t *p;
	int code;

	if ((code = text_field(obj, "reviewer", 0, &reviewer, body)) != 0 ||
	    (code = text_field(obj, "result", 0, &result, body)) != 0 ||
	    (code = text_field(obj, "note", 1, &note, body)) != 0)
		return code;
	if (strcmp(result, "approved") != 0 && strcmp(result, "returned") != 0)
		return refuse(body, 400, "unknown review result \"%s\" "
		    "(approved or returned)", result);
	if ((code = known_officer(st, reviewer, body)) != 0)
		return code;
	if ((p = json_pack("{s:s, s:s}", "reviewer", reviewer, "result",
	    result)) != NULL && note != NULL)
		json_object_set_new(p, "note", json_string(note));
	return step(st, i, "review.recorded", p, body);
}

/* enterprise.feedback: what the inspected enterprise said. */
static int
do_feedback(struct station *st, const struct registry_inspection *i,
    json_t *obj, json_t **body)
{
	const char *text;
	int code;

	if ((code = text_field(obj, "text", 0, &text, body)) != 0)
		return code;
	return step(st, i, "enterprise.feedback", json_pack("{s:s}", "text",
	    text), body);
}

/* A non-negative integer member key into *out; 0 or a 400. */
static int
count_field(json_t *obj, const char *key, uint64_t *out, json_t **body)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return refuse(body, 400, "field \"%s\" must be a non-negative "
		    "integer", key);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* Adds "by" (the user name, when known) and "uid" of the peer to p. */
static void
peer_fields(json_t *p, uid_t uid)
{
	struct passwd pw, *pwp = NULL;
	char pwbuf[1024];

	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &pwp) == 0 &&
	    pwp != NULL)
		json_object_set_new(p, "by", json_string(pw.pw_name));
	json_object_set_new(p, "uid", json_integer((json_int_t)uid));
}

/*
 * bundle.exported (docs/bundle.md): an evidence bundle of the inspection
 * was written.  Who exported it is the peer's user as the kernel names it
 * (SO_PEERCRED), not anything the client says, so the entry cannot be
 * made to name someone else.
 */
static int
do_exported(struct station *st, const struct registry_inspection *i,
    json_t *obj, uid_t uid, json_t **body)
{
	const char *manifest, *format, *purpose;
	uint64_t size, files, bytes;
	char *note;
	size_t len;
	json_t *p;
	int code;

	if ((code = count_field(obj, "checkpoint_size", &size, body)) != 0 ||
	    (code = count_field(obj, "files", &files, body)) != 0 ||
	    (code = count_field(obj, "bytes", &bytes, body)) != 0 ||
	    (code = text_field(obj, "manifest", 0, &manifest, body)) != 0 ||
	    (code = text_field(obj, "format", 0, &format, body)) != 0 ||
	    (code = text_field(obj, "purpose", 1, &purpose, body)) != 0)
		return code;
	if (strncmp(manifest, "sha256:", 7) != 0 || strlen(manifest) != 71 ||
	    strspn(manifest + 7, "0123456789abcdef") != 64)
		return refuse(body, 400, "manifest must be sha256:<64 lower-case "
		    "hex digits>");
	if (strcmp(format, "dir") != 0 && strcmp(format, "tar") != 0)
		return refuse(body, 400, "unknown format \"%s\" (dir or tar)",
		    format);
	if (log_checkpoint_get(st->log, size, &note, &len) != 0)
		return refuse(body, 400, "no checkpoint of tree size %" PRIu64
		    " is stored: a bundle refers to a stored checkpoint", size);
	free(note);
	if ((p = json_pack("{s:I, s:s, s:I, s:I, s:s}", "checkpoint_size",
	    (json_int_t)size, "manifest", manifest, "files",
	    (json_int_t)files, "bytes", (json_int_t)bytes, "format",
	    format)) == NULL)
		return refuse(body, 500, "out of memory");
	if (purpose != NULL)
		json_object_set_new(p, "purpose", json_string(purpose));
	peer_fields(p, uid);
	return step(st, i, "bundle.exported", p, body);
}

/*
 * inspection.viewed: somebody replayed the inspection or played its
 * footage at the station (118号: viewing is authorised and registered).
 * As for exports, who it was comes from the kernel, not the client.
 */
static int
do_viewed(struct station *st, const struct registry_inspection *i,
    json_t *obj, uid_t uid, json_t **body)
{
	const char *what;
	json_t *p;
	int code;

	if ((code = text_field(obj, "what", 0, &what, body)) != 0)
		return code;
	if (strcmp(what, "replay") != 0 && strcmp(what, "playlist") != 0)
		return refuse(body, 400, "unknown view \"%s\" (replay or "
		    "playlist)", what);
	if ((p = json_pack("{s:s}", "what", what)) == NULL)
		return refuse(body, 500, "out of memory");
	peer_fields(p, uid);
	return step(st, i, "inspection.viewed", p, body);
}

static int	query_value(const char *, const char *, char *, size_t);
static int	query_only(const char *, const char *const *);

#define NAME_MAX_LEN	255	/* bytes of a document's file name */

/* Decodes %XX escapes of s in place; -1 for a malformed escape. */
static int
percent_decode(char *s)
{
	char *w = s, hex[3] = "";

	for (; *s != '\0'; s++) {
		if (*s != '%') {
			*w++ = *s;
			continue;
		}
		if (!isxdigit((unsigned char)s[1]) ||
		    !isxdigit((unsigned char)s[2]))
			return -1;
		hex[0] = s[1];
		hex[1] = s[2];
		*w++ = (char)strtoul(hex, NULL, 16);
		s += 2;
	}
	*w = '\0';
	return 0;
}

/*
 * Whether s (len bytes) is a file name we seal: valid UTF-8 (no overlong
 * forms, surrogates or code points past U+10FFFF), no '/', no C0 or C1
 * control characters, no DEL, not "." or "..".
 */
static int
name_ok(const unsigned char *s, size_t len)
{
	uint32_t cp;
	size_t i = 0, n, k;

	if (len == 0 || len > NAME_MAX_LEN || strcmp((const char *)s,
	    ".") == 0 || strcmp((const char *)s, "..") == 0)
		return 0;
	while (i < len) {
		if (s[i] < 0x80) {
			if (s[i] < 0x20 || s[i] == 0x7f || s[i] == '/')
				return 0;
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			n = 1;
			cp = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 3;
			cp = s[i] & 0x07;
		} else
			return 0;
		if (n > len - i - 1)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp < 0xa0)
			return 0;
		i += n + 1;
	}
	return 1;
}

/*
 * Writes the request body into the store, verifies the stored copy and
 * formats its name into object.  Returns 0 or a 500.
 */
static int
store_body(struct station *st, const struct api_request *req,
    char *object, size_t len, uint64_t *size, json_t **body)
{
	struct store_writer *w;
	uint8_t hash[DIGEST_LEN];
	int rc, existed;

	if ((rc = store_writer_new(st->store, &w)) != 0)
		return failed(body, rc, "cannot store the document");
	if ((rc = store_writer_write(w, req->body, req->bodylen)) != 0) {
		store_writer_abort(w);
		return failed(body, rc, "cannot store the document");
	}
	if ((rc = store_writer_commit(w, hash, size, &existed)) != 0)
		return failed(body, rc, "cannot store the document");
	/* Read it back from the disk: an entry names only checked bytes. */
	if ((rc = store_verify(st->store, hash, *size)) != 0)
		return failed(body, rc, "the stored document does not verify");
	if ((rc = digest_format(st->cfg->digest_alg, hash, object, len)) != 0)
		return failed(body, rc, "cannot name the document");
	return 0;
}

/*
 * POST /v1/inspections/<ID>/document?kind=K&name=N with the file as the
 * body: stores it, then appends "document.sealed".
 */
static int
inspection_document(struct station *st, const char *id,
    const struct api_request *req, json_t **body)
{
	static const char *const keys[] = { "kind", "name", NULL };
	static const char *const kinds[] = { "record", "refusal", "notice",
	    "photo", "other", NULL };
	char kind[16], name[1024], object[DIGEST_STRLEN];
	struct registry_inspection *i;
	uint64_t size;
	json_t *p;
	size_t k;
	int code, rc;

	if ((code = allowed(req, HTTP_POST, body)) != 0)
		return code;
	if (!query_only(req->query, keys))
		return refuse(body, 400, "the query takes only kind and name");
	if (!query_value(req->query, "kind", kind, sizeof(kind)))
		kind[0] = '\0';
	for (k = 0; kinds[k] != NULL && strcmp(kind, kinds[k]) != 0; k++)
		;
	if (kinds[k] == NULL)
		return refuse(body, 400, "kind must be record, refusal, notice, "
		    "photo or other");
	if (!query_value(req->query, "name", name, sizeof(name)) ||
	    name[0] == '\0')
		return refuse(body, 400, "the document needs a name");
	if (percent_decode(name) != 0 || !name_ok((const unsigned char *)name,
	    strlen(name)))
		return refuse(body, 400, "the name must be a file name: UTF-8, "
		    "at most %d bytes, without '/' or control characters",
		    NAME_MAX_LEN);
	if (req->bodylen == 0)
		return refuse(body, 400, "the document is empty");
	if ((rc = registry_inspection(st->registry, id, &i)) ==
	    CUSTOS_ERR_NOTFOUND)
		return refuse(body, 404, "no inspection %s", id);
	/* A back-fill deadline the calendar now covers (station.h). */
	if (rc == 0 && (rc = station_backfill_due(st, i)) != 0)
		registry_inspection_free(i);
	if (rc != 0)
		return failed(body, rc, "cannot read the registry");
	if (strcmp(i->state, "closed") == 0)
		code = refuse(body, 409, "inspection %s is closed", id);
	else if ((code = store_body(st, req, object, sizeof(object), &size,
	    body)) == 0) {
		p = json_pack("{s:s, s:I, s:s, s:s}", "object", object,
		    "size", (json_int_t)size, "kind", kind, "name", name);
		if ((code = step(st, i, "document.sealed", p, body)) == 201)
			json_object_set_new(*body, "object",
			    json_string(object));
	}
	registry_inspection_free(i);
	return code;
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
	static const char *const k_gap[] = { "from", "to", "reason", NULL };
	static const char *const k_review[] = { "reviewer", "result", "note",
	    NULL };
	static const char *const k_feedback[] = { "text", NULL };
	static const char *const k_exported[] = { "checkpoint_size",
	    "manifest", "files", "bytes", "format", "purpose", NULL };
	static const char *const k_viewed[] = { "what", NULL };
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
	else if (strcmp(action, "gap") == 0)
		keys = k_gap;
	else if (strcmp(action, "review") == 0)
		keys = k_review;
	else if (strcmp(action, "feedback") == 0)
		keys = k_feedback;
	else if (strcmp(action, "exported") == 0)
		keys = k_exported;
	else if (strcmp(action, "viewed") == 0)
		keys = k_viewed;
	else if (strcmp(action, "document") == 0)
		return inspection_document(st, id, req, body);
	else
		return refuse(body, 404, "no such resource");
	if ((code = allowed(req, HTTP_POST, body)) != 0)
		return code;
	if ((rc = registry_inspection(st->registry, id, &i)) ==
	    CUSTOS_ERR_NOTFOUND)
		return refuse(body, 404, "no inspection %s", id);
	/* A back-fill deadline the calendar now covers (station.h). */
	if (rc == 0 && (rc = station_backfill_due(st, i)) != 0)
		registry_inspection_free(i);
	if (rc != 0)
		return failed(body, rc, "cannot read the registry");
	/*
	 * Review, feedback, exports and views may come after the decision
	 * closed it: the case file is reviewed and handed over after
	 * closing.
	 */
	if (strcmp(i->state, "closed") == 0 && keys != k_review &&
	    keys != k_feedback && keys != k_exported && keys != k_viewed)
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
		else if (keys == k_gap)
			code = do_gap(st, i, obj, body);
		else if (keys == k_review)
			code = do_review(st, i, obj, body);
		else if (keys == k_feedback)
			code = do_feedback(st, i, obj, body);
		else if (keys == k_exported)
			code = do_exported(st, i, obj, req->uid, body);
		else if (keys == k_viewed)
			code = do_viewed(st, i, obj, req->uid, body);
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

/* The segment.sealed entry of ev with log index idx, or NULL. */
static json_t *
segment_json(const struct evidence *ev, uint64_t idx)
{
	const struct evidence_entry *e = evidence_find(ev, idx);

	return e != NULL && e->role == EVIDENCE_SEGMENT ? e->json : NULL;
}

/*
 * Gathers i's entries (lib/evidence/evidence.c, shared with custos export) into
 * *ev and evaluates its findings now.  Returns the findings, or NULL
 * (logged) when that fails; *ev is filled as far as it could be and must
 * be freed with evidence_free() either way.
 */
static json_t *
findings(struct station *st, const struct registry_inspection *i,
    struct evidence *ev)
{
	json_t *f = NULL;
	int rc;

	/*
	 * No catalog: the findings need no dock sessions, assignments or
	 * station starts, and a dock.session entry may be large.
	 */
	if ((rc = evidence_gather(st->log, st->registry, NULL, i->id,
	    ev)) == 0)
		rc = evidence_findings(ev, st->calendar, now_ms(), &f);
	if (rc != 0)
		log_warnx("inspection %s: cannot compute findings: %s", i->id,
		    custos_strerror(rc));
	return f;
}


/*
 * The Beijing date an inspection counts under in the ledger: that of
 * its first entry's "at" (emergency: when they entered) or "time"
 * (registration).  0 or CUSTOS_ERR_FORMAT.
 */
static int
ledger_date(const json_t *first, char *buf, size_t len)
{
	const char *s = json_string_value(json_object_get(first, "at"));
	int64_t ms;

	if (s == NULL)
		s = json_string_value(json_object_get(first, "time"));
	if (rfc3339_parse(s, &ms) != 0)
		return CUSTOS_ERR_FORMAT;
	beijing_date(ms, buf, len);
	return 0;
}

/*
 * The segments linked to the inspection now (linked and not unlinked
 * since): their number and summed media.duration_ms (unknown durations
 * count 0).
 */
static void
footage(const struct evidence *g, json_int_t *count, json_int_t *dur_ms)
{
	json_int_t *seen;
	const char *type;
	json_t *e, *d;
	size_t k, m, n = 0;
	json_int_t s;

	*count = *dur_ms = 0;
	if ((seen = calloc(g->n[EVIDENCE_CHAIN] + 1, sizeof(*seen))) == NULL)
		return;
	for (k = 0; k < g->n[EVIDENCE_CHAIN]; k++) {
		e = g->e[EVIDENCE_CHAIN][k].json;
		type = json_string_value(json_object_get(e, "type"));
		s = json_integer_value(json_object_get(e, "segment"));
		if (type == NULL || !json_is_integer(json_object_get(e,
		    "segment")))
			continue;
		for (m = 0; m < n && seen[m] != s; m++)
			;
		if (strcmp(type, "evidence.linked") == 0 && m == n)
			seen[n++] = s;
		else if (strcmp(type, "evidence.unlinked") == 0 && m < n)
			seen[m] = seen[--n];
	}
	for (m = 0; m < n; m++) {
		(*count)++;
		e = segment_json(g, (uint64_t)seen[m]);
		d = json_object_get(json_object_get(e, "media"),
		    "duration_ms");
		if (json_integer_value(d) > 0)
			*dur_ms += json_integer_value(d);
	}
	free(seen);
}

/* One ledger row of i (gathered in g, findings f borrowed). */
static json_t *
ledger_row(struct station *st, const struct registry_inspection *i,
    const struct evidence *g, const json_t *f, const char *date)
{
	struct registry_enterprise *ent;
	struct registry_officer *o;
	json_t *row, *offs, *arr, *names, *v;
	json_int_t count, dur;
	size_t k;

	if ((row = json_pack("{s:s, s:s, s:s}", "id", i->id, "date", date,
	    "enterprise", i->enterprise)) == NULL)
		return NULL;
	if (registry_enterprise(st->registry, i->enterprise, &ent) == 0) {
		set_str(row, "enterprise_name", ent->name);
		registry_enterprise_free(ent);
	}
	offs = json_loads(i->officers, 0, NULL);
	arr = json_array();
	json_array_foreach(offs, k, v) {
		if (json_string_value(v) == NULL)
			continue;
		if (registry_officer(st->registry, json_string_value(v),
		    &o) == 0) {
			json_array_append_new(arr, json_pack("{s:s, s:s}",
			    "id", o->id, "name", o->name));
			registry_officer_free(o);
		} else
			json_array_append_new(arr, json_pack("{s:O}", "id",
			    v));
	}
	json_decref(offs);
	json_object_set_new(row, "officers", arr);
	set_str(row, "method", i->method);
	set_str(row, "basis", i->basis);
	set_str(row, "content", i->content);
	json_object_set_new(row, "emergency", json_boolean(i->emergency));
	set_str(row, "state", i->state);
	set_str(row, "entered_at", i->entered_at);
	set_str(row, "left_at", i->left_at);
	set_str(row, "result", i->result);
	set_str(row, "deadline", i->deadline);
	footage(g, &count, &dur);
	json_object_set_new(row, "footage_count", json_integer(count));
	json_object_set_new(row, "footage_duration_ms", json_integer(dur));
	names = json_array();
	json_array_foreach(f, k, v)
		json_array_append(names, json_object_get(v, "rule"));
	json_object_set_new(row, "findings", names);
	return row;
}

/* Reads "key=VALUE" from an &-separated query into buf; 1 if found. */
static int
query_value(const char *query, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key), vl;
	const char *p = query;

	while (*p != '\0') {
		vl = strcspn(p, "&");
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			snprintf(buf, len, "%.*s", (int)(vl - kl - 1),
			    p + kl + 1);
			return 1;
		}
		p += vl;
		if (*p == '&')
			p++;
	}
	return 0;
}

/* Whether every &-separated member of query is one of keys. */
static int
query_only(const char *query, const char *const *keys)
{
	const char *p = query;
	size_t vl, kl, k;

	while (*p != '\0') {
		vl = strcspn(p, "&");
		for (k = 0; keys[k] != NULL; k++) {
			kl = strlen(keys[k]);
			if (vl > kl && strncmp(p, keys[k], kl) == 0 &&
			    p[kl] == '=')
				break;
		}
		if (keys[k] == NULL)
			return 0;
		p += vl;
		if (*p == '&')
			p++;
	}
	return 1;
}

/* GET /v1/ledger?from=DATE&to=DATE: one row per inspection in range. */
static int
ledger(struct station *st, const char *query, json_t **body)
{
	static const char *const keys[] = { "from", "to", NULL };
	struct registry_inspection *i;
	struct evidence g;
	char from[16] = "", to[16] = "", date[16];
	json_t *arr, *f;
	size_t k, n;
	int rc;

	if (!query_only(query, keys))
		return refuse(body, 400, "unknown query \"%s\" (from=DATE, "
		    "to=DATE)", query);
	if ((query_value(query, "from", from, sizeof(from)) &&
	    registry_check_date(from) != 0) || (query_value(query, "to", to,
	    sizeof(to)) && registry_check_date(to) != 0))
		return refuse(body, 400, "from and to must be dates "
		    "YYYY-MM-DD");
	if ((rc = registry_inspections(st->registry, &i, &n)) != 0)
		return failed(body, rc, "cannot read the registry");
	if ((arr = json_array()) == NULL) {
		registry_inspections_free(i, n);
		return refuse(body, 500, "out of memory");
	}
	for (k = 0; k < n; k++) {
		f = findings(st, &i[k], &g);
		if (g.n[EVIDENCE_CHAIN] == 0 || ledger_date(
		    g.e[EVIDENCE_CHAIN][0].json, date, sizeof(date)) != 0 ||
		    (from[0] != '\0' && strcmp(date, from) < 0) ||
		    (to[0] != '\0' && strcmp(date, to) > 0)) {
			evidence_free(&g);
			json_decref(f);
			continue;
		}
		json_array_append_new(arr, ledger_row(st, &i[k], &g, f, date));
		evidence_free(&g);
		json_decref(f);
	}
	registry_inspections_free(i, n);
	*body = json_pack("{s:o}", "rows", arr);
	return 200;
}

static int
inspection_get(struct station *st, const char *id, json_t **body)
{
	struct evidence ev = { 0 };
	struct registry_inspection *i;
	struct registry_chain_entry *c;
	char now[TIME_LEN];
	json_t *arr, *f;
	size_t k, n;
	int rc;

	if ((rc = registry_inspection(st->registry, id, &i)) ==
	    CUSTOS_ERR_NOTFOUND)
		return refuse(body, 404, "no inspection %s", id);
	/* A back-fill deadline the calendar now covers (station.h). */
	if (rc == 0 && (rc = station_backfill_due(st, i)) != 0)
		registry_inspection_free(i);
	if (rc != 0)
		return failed(body, rc, "cannot read the registry");
	format_ms(now_ms(), now, sizeof(now));
	if ((*body = inspection_json(i, now)) != NULL &&
	    (f = findings(st, i, &ev)) != NULL)
		json_object_set_new(*body, "findings", f);
	evidence_free(&ev);
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
	static const char *const keys[] = { "open", "overdue", "findings",
	    NULL };
	struct evidence ev = { 0 };
	struct registry_inspection *i;
	char now[TIME_LEN], v[8];
	json_t *arr, *j, *f;
	size_t k, n;
	int rc, open, over, fnd;

	if (!query_only(query, keys))
		return refuse(body, 400, "unknown query \"%s\" (open=1, "
		    "overdue=1, findings=1)", query);
	open = query_value(query, "open", v, sizeof(v)) && strcmp(v, "1") == 0;
	over = query_value(query, "overdue", v, sizeof(v)) &&
	    strcmp(v, "1") == 0;
	fnd = query_value(query, "findings", v, sizeof(v)) &&
	    strcmp(v, "1") == 0;
	if ((rc = registry_inspections(st->registry, &i, &n)) != 0)
		return failed(body, rc, "cannot read the registry");
	for (k = 0; k < n && rc == 0; k++)
		rc = station_backfill_due(st, &i[k]);
	if (rc != 0) {
		registry_inspections_free(i, n);
		return failed(body, rc, "cannot read the registry");
	}
	format_ms(now_ms(), now, sizeof(now));
	if ((arr = json_array()) != NULL)
		for (k = 0; k < n; k++) {
			if ((open && strcmp(i[k].state, "closed") == 0) ||
			    (over && !overdue(&i[k], now)))
				continue;
			j = inspection_json(&i[k], now);
			/*
			 * Findings read every entry of the inspection from
			 * the log, so the list computes them only on request.
			 */
			if (fnd && j != NULL && (f = findings(st, &i[k],
			    &ev)) != NULL)
				json_object_set_new(j, "findings", f);
			evidence_free(&ev);
			json_array_append_new(arr, j);
		}
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
	if (strcmp(req->path, "/v1/ledger") == 0) {
		if ((code = allowed(req, HTTP_GET, body)) != 0)
			return code;
		return ledger(st, req->query, body);
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
	if (strcmp(req->path, "/v1/ledger") == 0) {
		if ((code = allowed(req, HTTP_GET, body)) != 0)
			return code;
		return ledger(st, req->query, body);
	}
	if (strcmp(req->path, "/v1/inspections") == 0 ||
	    strncmp(req->path, "/v1/inspections/", 16) == 0)
		return route_inspections(st, req, body);
	return refuse(body, 404, "no such resource");
}
