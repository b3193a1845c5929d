/*
 * numbering_reason: POST /v1/cameras/{serial}/numbering-reason (docs/api.md).
 * A dock.session records the holes in a camera's file numbering
 * ("numbering_gaps", docs/dock.md); this route lets an operator explain
 * one (the camera was formatted, a test recording was deleted on order)
 * with a camera.numbering_reason entry.  The hole must be one the session
 * recorded, exactly: an explanation of a hole nobody saw would prove
 * nothing.  Every check runs before the append, so a refused request
 * appends nothing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/log.h"
#include "daemon/station.h"
#include "chain.h"
#include "numbering_reason.h"
#include "reply.h"

/* The hole a request names: the session's index and the numbers. */
struct hole {
	uint64_t	 session;
	json_int_t	 from, to;
	const char	*series;	/* NULL: the only one with from..to */
};

/* The non-negative integer member key of obj into *v, or a 400. */
static int
index_member(json_t *obj, const char *key, json_int_t *v, json_t **body)
{
	json_t *m = json_object_get(obj, key);

	if (m == NULL)
		return reply_refuse(body, 400, "field_missing",
		    "field \"%s\" is missing", key);
	if (!json_is_integer(m) || json_integer_value(m) < 0)
		return reply_refuse(body, 400, "field_type",
		    "field \"%s\" must be a non-negative integer", key);
	*v = json_integer_value(m);
	return 0;
}

/*
 * Reads entry h->session: it must be a dock.session of camera serial.
 * Sets *e (a new reference), or answers 409 session_not_dock_session or
 * session_other_camera, or a 500.
 */
static int
load_session(struct station *st, const char *serial, const struct hole *h,
    json_t **e, json_t **body)
{
	const char *type, *cam;
	uint8_t *data;
	size_t len;
	int rc;

	*e = NULL;
	if (h->session >= log_size(st->log))
		return reply_refuse(body, 409, "session_not_dock_session",
		    "no entry %" PRIu64 " in the log", h->session);
	if ((rc = log_entry(st->log, h->session, &data, &len)) != 0)
		return reply_failed(body, rc, "cannot read the log");
	*e = json_loadb((const char *)data, len, 0, NULL);
	free(data);
	type = json_string_value(json_object_get(*e, "type"));
	cam = json_string_value(json_object_get(*e, "camera"));
	if (type == NULL || strcmp(type, ENTRY_DOCK_SESSION) != 0) {
		json_decref(*e);
		*e = NULL;
		return reply_refuse(body, 409, "session_not_dock_session",
		    "entry %" PRIu64 " is not a " ENTRY_DOCK_SESSION,
		    h->session);
	}
	if (cam == NULL || strcmp(cam, serial) != 0) {
		rc = reply_refuse(body, 409, "session_other_camera",
		    "dock session %" PRIu64 " is of camera %s, not %s",
		    h->session, cam != NULL ? cam : "(none)", serial);
		json_decref(*e);
		*e = NULL;
		return rc;
	}
	return 0;
}

/*
 * The hole of session e that h names, its series into *series (borrowed
 * from e): 0, or 409 numbering_gap_unknown when the session recorded no
 * such hole, numbering_gap_ambiguous when h gives no series and several
 * series have that hole.
 */
static int
find_hole(json_t *e, const struct hole *h, const char **series,
    json_t **body)
{
	const char *s;
	json_t *g;
	size_t i, n = 0;

	json_array_foreach(json_object_get(e, "numbering_gaps"), i, g) {
		s = json_string_value(json_object_get(g, "series"));
		if (s == NULL || json_integer_value(json_object_get(g,
		    "missing_from")) != h->from || json_integer_value(
		    json_object_get(g, "missing_to")) != h->to ||
		    (h->series != NULL && strcmp(s, h->series) != 0))
			continue;
		*series = s;
		n++;
	}
	if (n == 0)
		return reply_refuse(body, 409, "numbering_gap_unknown",
		    "dock session %" PRIu64 " recorded no hole %lld..%lld%s%s",
		    h->session, (long long)h->from, (long long)h->to,
		    h->series != NULL ? " in series " : "",
		    h->series != NULL ? h->series : "");
	if (n > 1)
		return reply_refuse(body, 409, "numbering_gap_ambiguous",
		    "dock session %" PRIu64 " recorded the hole %lld..%lld in "
		    "%zu series: name the series", h->session,
		    (long long)h->from, (long long)h->to, n);
	return 0;
}

/* Reads the request's hole and reason from obj, or answers a 400. */
static int
read_request(json_t *obj, struct hole *h, const char **reason,
    json_t **body)
{
	json_int_t session;
	int code;

	if ((code = index_member(obj, "session", &session, body)) != 0 ||
	    (code = index_member(obj, "missing_from", &h->from, body)) != 0 ||
	    (code = index_member(obj, "missing_to", &h->to, body)) != 0 ||
	    (code = reply_text(obj, "series", 1, &h->series, body)) != 0 ||
	    (code = reply_text(obj, "reason", 0, reason, body)) != 0)
		return code;
	h->session = (uint64_t)session;
	if (h->to < h->from)
		return reply_refuse(body, 400, "field_type",
		    "missing_to %lld is before missing_from %lld",
		    (long long)h->to, (long long)h->from);
	return 0;
}

int
camera_numbering_reason(const struct route_env *env,
    const struct api_request *req, const char *serial, json_t **body)
{
	static const char *const keys[] = { "session", "series",
	    "missing_from", "missing_to", "reason", NULL };
	struct station *st = env->st;
	const char *reason, *series = NULL;
	struct hole h;
	json_t *obj, *e = NULL, *p;
	uint64_t index;
	int code;

	if ((code = reply_parse_body(req, keys, &obj, body)) != 0)
		return code;
	memset(&h, 0, sizeof(h));
	if ((code = read_request(obj, &h, &reason, body)) != 0 ||
	    (code = load_session(st, serial, &h, &e, body)) != 0 ||
	    (code = find_hole(e, &h, &series, body)) != 0)
		goto done;
	if ((p = json_pack("{s:s, s:I, s:s, s:I, s:I, s:s}", "camera", serial,
	    "session", (json_int_t)h.session, "series", series,
	    "missing_from", h.from, "missing_to", h.to, "reason",
	    reason)) == NULL)
		code = reply_error(body, 500, "out of memory");
	else {
		code = chain_append(st, ENTRY_CAMERA_NUMBERING_REASON, p,
		    &index, body);
		json_decref(p);
	}
done:
	json_decref(e);
	json_decref(obj);
	return code;
}
