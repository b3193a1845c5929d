/*
 * verify_court: what a court asks of audio-video evidence, added to the
 * bundle verifier's report from the proven entries (verify_int.h,
 * docs/bundle.md): the enterprise and the export's purpose, each
 * segment's device (kind, model, review), the camera's clock drift at
 * docking and the corrected recorded time, the maker (the officer who
 * carried the camera, and the station), and the procedure verdict: the
 * findings that limit the use of the evidence.  The renderers answer
 * 最高人民法院《关于行政诉讼证据若干问题的规定》Art. 12 (method, time,
 * maker, purpose) from these members.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "custos/bundle.h"
#include "custos/entry_type.h"
#include "custos/evidence.h"
#include "custos/rfc3339.h"

#include "verify_bundle.h"
#include "verify_int.h"

static const struct evidence_entry *
entries_of(struct vb *v, enum evidence_role r, size_t *n)
{
	*n = v->have_ev ? v->ev.n[r] : 0;
	return v->have_ev ? v->ev.e[r] : NULL;
}

/*
 * The latest context entry of type whose field key is val, before index
 * before (UINT64_MAX: any), or NULL.
 */
static const json_t *
context(struct vb *v, const char *type, const char *key, const char *val,
    uint64_t before)
{
	const struct evidence_entry *c;
	const json_t *best = NULL;
	size_t n, i;

	c = entries_of(v, EVIDENCE_CONTEXT, &n);
	for (i = 0; i < n && c[i].index < before; i++)
		if (strcmp(sget(c[i].json, "type"), type) == 0 &&
		    strcmp(sget(c[i].json, key), val) == 0)
			best = c[i].json;
	return best;
}

/* The enterprise the inspection's first entry names, with its name. */
static void
enterprise(struct vb *v)
{
	const struct evidence_entry *c;
	const json_t *added;
	const char *code;
	json_t *o;
	size_t n;

	c = entries_of(v, EVIDENCE_CHAIN, &n);
	if (n == 0 || (code = json_string_value(json_object_get(c[0].json,
	    "enterprise"))) == NULL)
		return;
	if ((o = json_object()) == NULL) {
		v->nomem = 1;
		return;
	}
	setk(v, o, "code", jstr(code));
	added = context(v, ENTRY_ENTERPRISE_ADDED, "enterprise", code,
	    UINT64_MAX);
	if (added != NULL)
		setk(v, o, "name", jstr(sget(added, "name")));
	setk(v, v->report, "enterprise", o);
}

/*
 * The export's purpose (证明对象), from MANIFEST.json's items: it is not
 * in any signed entry, so the report says where it comes from.  The first
 * item's; items that state another purpose are rare (one export, one
 * --purpose) and each is shown with its segment.
 */
static const char *
purpose_of(struct vb *v, const char *path)
{
	const json_t *it;
	size_t i;

	json_array_foreach(json_object_get(v->manifest, "items"), i, it)
		if (path == NULL || strcmp(sget(it, "path"), path) == 0)
			if (json_string_value(json_object_get(it, "purpose")))
				return sget(it, "purpose");
	return NULL;
}

/* Whether transcripts/ holds a file for object "alg:hex"; its name. */
static const char *
transcript_of(struct vb *v, const char *object)
{
	const char *hex = strchr(object, ':');
	size_t i, len;

	if (hex == NULL || (len = strlen(++hex)) == 0)
		return NULL;
	for (i = 0; i < v->b->ntranscripts; i++) {
		const char *t = strchr(v->b->transcripts[i], '/');

		if (t != NULL && strncmp(t + 1, hex, len) == 0 &&
		    t[1 + len] == '.')
			return v->b->transcripts[i];
	}
	return NULL;
}

/*
 * The camera's clock drift in the dock session that sealed the segment:
 * camera minus station, in ms.  Returns 1 with *drift, 0 when the session
 * is not there or measured none.
 */
static int
drift_of(const json_t *session, int64_t *drift)
{
	const json_t *cd = json_object_get(session, "clock_drift");
	const json_t *d = json_object_get(cd, "drift_ms");

	if (!json_is_true(json_object_get(cd, "measured")) ||
	    !json_is_integer(d))
		return 0;
	*drift = json_integer_value(d);
	return 1;
}

/* Adds to the report's segment s what its proven entries say. */
static void
segment_court(struct vb *v, json_t *s)
{
	const struct evidence_entry *e, *sess;
	const json_t *dev, *off;
	const char *cam = sget(s, "camera"), *start, *p;
	char corr[RFC3339_LEN];
	int64_t idx = iget(s, "index"), drift, t;

	if (idx < 0 || !v->have_ev ||
	    (e = evidence_find(&v->ev, (uint64_t)idx)) == NULL)
		return;
	dev = context(v, ENTRY_DEVICE_REGISTERED, "camera", cam,
	    (uint64_t)idx);
	setk(v, s, "device_registered", json_boolean(dev != NULL));
	setk(v, s, "device_kind", json_string(dev != NULL &&
	    json_string_value(json_object_get(dev, "kind")) != NULL ?
	    sget(dev, "kind") : "body"));
	if (json_string_value(json_object_get(dev, "model")) != NULL)
		setk(v, s, "model", jstr(sget(dev, "model")));
	if (json_string_value(json_object_get(dev, "review")) != NULL)
		setk(v, s, "review", jstr(sget(dev, "review")));
	if ((p = json_string_value(json_object_get(e->json, "firmware"))) !=
	    NULL)
		setk(v, s, "firmware", jstr(p));
	setk(v, s, "sealed", jstr(sget(e->json, "time")));
	if ((off = context(v, ENTRY_OFFICER_ADDED, "officer",
	    sget(s, "officer"), UINT64_MAX)) != NULL)
		setk(v, s, "officer_name", jstr(sget(off, "name")));
	if ((p = purpose_of(v, json_string_value(json_object_get(s,
	    "path")))) != NULL)
		setk(v, s, "purpose", jstr(p));
	if ((p = transcript_of(v, sget(s, "object"))) != NULL)
		setk(v, s, "transcript", jstr(p));
	if ((sess = vb_session_of(v, (uint64_t)idx)) == NULL)
		return;
	setk(v, s, "session", json_integer((json_int_t)sess->index));
	if (!drift_of(sess->json, &drift))
		return;
	setk(v, s, "clock_drift_ms", json_integer(drift));
	start = sget(s, "recorded_start");
	if (rfc3339_parse(start, &t) == 0) {
		rfc3339_format(t - drift, corr, sizeof(corr));
		setk(v, s, "corrected_start", json_string(corr));
	}
}

/*
 * The procedure verdict: "clean" when the findings were computed and
 * there are none, "limited" when any finding limits the use of the
 * evidence (every finding does: each is a rule of the procedure the
 * footage documents), "not_assessed" when they could not be computed.
 */
static void
procedure(struct vb *v)
{
	const json_t *fi = json_object_get(v->report, "findings"), *f;
	json_t *p, *lim, *x;
	char text[512];
	size_t i, n = json_array_size(fi);

	if ((p = json_object()) == NULL || (lim = json_array()) == NULL) {
		json_decref(p);
		v->nomem = 1;
		return;
	}
	json_array_foreach(fi, i, f) {
		if ((x = json_object()) == NULL) {
			v->nomem = 1;
			break;
		}
		setk(v, x, "rule", jstr(sget(f, "rule")));
		setk(v, x, "label", jstr(verify_text_rule(v->lang,
		    sget(f, "rule"))));
		if (json_object_get(f, "entries") != NULL)
			setk(v, x, "entries", json_deep_copy(
			    json_object_get(f, "entries")));
		push(v, lim, x);
	}
	if (!v->findings_ok) {
		setk(v, p, "verdict", json_string("not_assessed"));
		snprintf(text, sizeof(text), tr(v, VT_VP_UNKNOWN),
		    tr(v, VT_NOTE_NO_START));
	} else if (n > 0) {
		setk(v, p, "verdict", json_string("limited"));
		snprintf(text, sizeof(text), tr(v, VT_VP_LIMITED), n);
	} else {
		setk(v, p, "verdict", json_string("clean"));
		snprintf(text, sizeof(text), "%s", tr(v, VT_VP_CLEAN));
	}
	setk(v, p, "text", jstr(text));
	setk(v, p, "limits", lim);
	setk(v, v->report, "procedure", p);
}

void
vb_court(struct vb *v)
{
	json_t *s;
	const char *p;
	size_t i;

	enterprise(v);
	if ((p = purpose_of(v, NULL)) != NULL)
		setk(v, v->report, "purpose", jstr(p));
	json_array_foreach(json_object_get(v->report, "segments"), i, s)
		segment_court(v, s);
	procedure(v);
}
