/*
 * timeline_clock: the camera's clock in the timeline (timeline_int.h), and
 * Beijing time (timeline.h).
 *
 * When a camera is docked, its dock.session measures the camera's clock
 * against the station's (docs/dock.md, "Clock drift"): clock_drift.drift_ms
 * is camera minus station.  The segments sealed in that session were timed
 * by that clock, so their corrected time is the recorded time minus
 * drift_ms.  The correction is shown beside the recorded time and never
 * written back: the entries keep what the camera said, and the coverage's
 * from and to, the gaps and the findings stay on the recorded times, as
 * the log holds them, so a reader can redo every step from the entries.
 *
 * Only the session that lists the segment as "sealed", from the segment's
 * own camera, applies: a later session that finds the same bytes again
 * measured the clock on another day.  Uploads and live segments have no
 * dock session and so no drift.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/rfc3339.h"
#include "custos/timeline.h"
#include "timeline_int.h"

#define BEIJING_MS	(INT64_C(8) * 3600 * 1000)
/* A drift beyond a century is not a clock reading. */
#define MAX_DRIFT_MS	(INT64_C(100) * 366 * 24 * 3600 * 1000)

void
timeline_beijing(int64_t ms, char *buf, size_t len)
{
	char t[RFC3339_LEN];

	/* China keeps UTC+8 all year, so a fixed offset is exact. */
	rfc3339_format(ms + BEIJING_MS, t, sizeof(t));
	t[10] = ' ';
	t[19] = '\0';
	snprintf(buf, len, "%s", t);
}

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Whether item of a session's inventory says it sealed segment. */
static int
sealed_item(const json_t *item, uint64_t segment)
{
	const json_t *v = json_object_get(item, "index");
	const char *status = str(item, "status");

	return json_is_integer(v) && json_integer_value(v) >= 0 &&
	    (uint64_t)json_integer_value(v) == segment && status != NULL &&
	    strcmp(status, "sealed") == 0;
}

/* The dock.session of ev in which camera sealed segment, or NULL. */
static const struct evidence_entry *
session_of(const struct evidence *ev, uint64_t segment, const char *camera)
{
	const struct evidence_entry *s;
	const json_t *item;
	size_t k, i;

	if (camera == NULL)
		return NULL;
	for (k = 0; k < ev->n[EVIDENCE_SESSION]; k++) {
		s = &ev->e[EVIDENCE_SESSION][k];
		if (str(s->json, "camera") == NULL ||
		    strcmp(str(s->json, "camera"), camera) != 0)
			continue;
		json_array_foreach(json_object_get(s->json, "inventory"), i,
		    item)
			if (sealed_item(item, segment))
				return s;
	}
	return NULL;
}

static int
set(json_t *o, const char *key, json_t *v)
{
	return v == NULL || json_object_set_new(o, key, v) != 0 ?
	    CUSTOS_ERR_NOMEM : 0;
}

static json_t *
jtime(int64_t ms)
{
	char t[RFC3339_LEN];

	rfc3339_format(ms, t, sizeof(t));
	return json_string(t);
}

/*
 * The session's drift: 0 and *drift_ms, or CUSTOS_ERR_NOTFOUND with *why
 * saying why there is none.
 */
static int
session_drift(const json_t *session, int64_t *drift_ms, const char **why)
{
	const json_t *cd = json_object_get(session, "clock_drift");
	const json_t *d = json_object_get(cd, "drift_ms");

	*why = "the session measured no drift";
	if (!json_is_object(cd))
		return CUSTOS_ERR_NOTFOUND;
	if (!json_is_true(json_object_get(cd, "measured"))) {
		if (str(cd, "reason") != NULL)
			*why = str(cd, "reason");
		return CUSTOS_ERR_NOTFOUND;
	}
	if (!json_is_integer(d) || json_integer_value(d) > MAX_DRIFT_MS ||
	    json_integer_value(d) < -MAX_DRIFT_MS) {
		*why = "the session's drift_ms is not a clock reading";
		return CUSTOS_ERR_NOTFOUND;
	}
	*drift_ms = json_integer_value(d);
	return 0;
}

int
timeline_clock_note(const struct evidence *ev,
    const struct evidence_entry *seg, int64_t from, int64_t to,
    json_t *event, json_t *cover)
{
	const struct evidence_entry *s;
	const char *why;
	int64_t drift;
	int rc;

	if ((rc = set(event, "recorded_time", jtime(from))) != 0)
		return rc;
	s = session_of(ev, seg->index, str(seg->json, "camera"));
	if (s == NULL)
		return 0;
	if ((rc = set(event, "drift_session", json_integer((json_int_t)
	    s->index))) != 0)
		return rc;
	if (session_drift(s->json, &drift, &why) != 0)
		return set(event, "drift_unknown", json_string(why));
	if ((rc = set(event, "drift_ms", json_integer(drift))) != 0 ||
	    (rc = set(event, "corrected_time", jtime(from - drift))) != 0 ||
	    (rc = set(cover, "drift_ms", json_integer(drift))) != 0 ||
	    (rc = set(cover, "corrected_from", jtime(from - drift))) != 0)
		return rc;
	return set(cover, "corrected_to", jtime(to - drift));
}

char *
timeline_clock_line(const json_t *event)
{
	const json_t *d = json_object_get(event, "drift_ms");
	long long session = (long long)json_integer_value(
	    json_object_get(event, "drift_session"));
	int64_t ms, abs_ms;
	char bj[32], *s;
	int n;

	if (json_object_get(event, "drift_session") == NULL)
		return NULL;
	if (!json_is_integer(d) ||
	    rfc3339_parse(str(event, "corrected_time"), &ms) != 0) {
		n = asprintf(&s, "camera clock: not checked at docking "
		    "(dock.session #%lld: %s); recorded time as the camera "
		    "gave it", session, str(event, "drift_unknown") != NULL ?
		    str(event, "drift_unknown") : "no drift");
		return n < 0 ? NULL : s;
	}
	timeline_beijing(ms, bj, sizeof(bj));
	abs_ms = json_integer_value(d) < 0 ? -json_integer_value(d) :
	    json_integer_value(d);
	n = asprintf(&s, "camera clock %c%lld.%03lld s %s the station's "
	    "(dock.session #%lld): recorded %s, corrected %s [北京 %s]",
	    json_integer_value(d) < 0 ? '-' : '+', (long long)(abs_ms / 1000),
	    (long long)(abs_ms % 1000), json_integer_value(d) < 0 ?
	    "behind" : "ahead of", session, str(event, "recorded_time") !=
	    NULL ? str(event, "recorded_time") : "?",
	    str(event, "corrected_time"), bj);
	return n < 0 ? NULL : s;
}
