/*
 * verify_factors: what the bundle verifier's report says from the proven
 * entries once the checks are done (verify_int.h, docs/bundle.md):
 * procedure findings and timeline, the authenticity factors, the
 * third-party anchor and the sentence of what is proven.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "custos/bundle.h"
#include "custos/calendar.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/note.h"
#include "custos/rfc3339.h"
#include "custos/timeline.h"

#include "verify_bundle.h"
#include "verify_int.h"
#include "verify_timeline.h"

/*
 * Findings and timeline: from the proven entries only.
 */

/* The calendar files of the bundle (they only feed findings). */
static int
load_calendar(struct vb *v, struct calendar **out, json_t *notes)
{
	const struct bundle_file *f;
	char err[256];
	size_t i;
	int rc;

	if ((rc = calendar_new(out)) != 0)
		return rc;
	for (i = 0; i < v->b->nfiles; i++) {
		f = &v->b->files[i];
		if (f->kind != BUNDLE_CALENDAR)
			continue;
		if ((rc = calendar_load(*out, (const char *)f->data, f->len,
		    f->name, err, sizeof(err))) == CUSTOS_ERR_NOMEM)
			return rc;
		if (rc != 0)
			push(v, notes, jstr(err));
	}
	return 0;
}

/* The evaluation time: the TSA's, else the latest entry's own time. */
static int64_t
findings_now(struct vb *v)
{
	int64_t now = 0, t;
	size_t i;

	if (v->ts_ok)
		return v->tsa.time_ms;
	for (i = 0; i < v->nents; i++)
		if (v->ents[i].proven && rfc3339_parse(sget(v->ents[i].j,
		    "time"), &t) == 0 && t > now)
			now = t;
	return now;
}

int
vb_findings_and_timeline(struct vb *v)
{
	struct calendar *cal = NULL;
	json_t *findings = NULL, *tl = NULL, *notes;
	int rc;

	if ((notes = json_array()) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = load_calendar(v, &cal, notes)) != 0)
		goto out;
	if (v->have_ev && v->ev.n[EVIDENCE_CHAIN] > 0 &&
	    is_start(sget(v->ev.e[EVIDENCE_CHAIN][0].json, "type"))) {
		if ((rc = evidence_findings(&v->ev, cal, findings_now(v),
		    &findings)) == CUSTOS_ERR_NOMEM)
			goto out;
		v->findings_ok = rc == 0;
		if (rc != 0)
			vb_say(v, notes, tr(v, VT_NOTE_FINDINGS),
			    custos_strerror(rc));
		if ((rc = timeline_build(&v->ev, findings, &tl)) ==
		    CUSTOS_ERR_NOMEM || (rc == 0 &&
		    (rc = verify_timeline_lang(tl, v->lang)) != 0))
			goto out;
		if (rc != 0)
			vb_say(v, notes, tr(v, VT_NOTE_TIMELINE),
			    custos_strerror(rc));
	} else
		vb_say(v, notes, "%s", tr(v, VT_NOTE_NO_START));
	rc = 0;
	setk(v, v->report, "findings", findings != NULL ? findings :
	    json_array());
	findings = NULL;
	setk(v, v->report, "timeline", tl != NULL ? tl : json_object());
	tl = NULL;
	if (json_array_size(notes) > 0)
		setk(v, v->report, "notes", json_incref(notes));
out:
	json_decref(notes);
	json_decref(findings);
	json_decref(tl);
	calendar_free(cal);
	return rc;
}

/*
 * The authenticity factors (REGULATION.md; 最高人民法院《关于民事诉讼证据的若干
 * 规定》Art. 93), each with the evidence behind it.
 */

static json_t *
factor(struct vb *v, const char *id, const char *title, int ok,
    json_t *evidence)
{
	json_t *f;

	if ((f = json_object()) == NULL || evidence == NULL) {
		json_decref(f);
		json_decref(evidence);
		v->nomem = 1;
		return NULL;
	}
	setk(v, f, "id", json_string(id));
	setk(v, f, "title", json_string(title));
	setk(v, f, "ok", json_boolean(ok));
	setk(v, f, "evidence", evidence);
	return f;
}

void
vb_say(struct vb *v, json_t *a, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	push(v, a, jstr(buf));
}

static const struct evidence_entry *
role_entries(struct vb *v, enum evidence_role r, size_t *n)
{
	*n = v->have_ev ? v->ev.n[r] : 0;
	return v->have_ev ? v->ev.e[r] : NULL;
}

static json_t *
factor_system(struct vb *v, const char *signer_id)
{
	const struct evidence_entry *st;
	json_t *ev = json_array();
	size_t n, i;
	int ok = 1;

	st = role_entries(v, EVIDENCE_STATION, &n);
	for (i = 0; i < n && ev != NULL; i++) {
		const json_t *j = st[i].json;

		vb_say(v, ev, tr(v, VT_F1_STARTED), sget(j, "version"),
		    sget(j, "time"), st[i].index, sget(j, "config"),
		    sget(j, "key_id"), verify_text_profile(v->lang,
		    sget(j, "profile")));
		if (signer_id != NULL && strcmp(sget(j, "key_id"),
		    signer_id) != 0) {
			vb_say(v, ev, tr(v, VT_F1_KEY_DIFF), sget(j, "key_id"),
			    signer_id);
			ok = 0;
		}
	}
	if (n == 0) {
		vb_say(v, ev, "%s", tr(v, VT_F1_NONE));
		ok = 0;
	}
	return factor(v, "system_reliable", tr(v, VT_F1_TITLE),
	    ok && v->sig_ok, ev);
}

static json_t *
factor_running(struct vb *v)
{
	const struct evidence_entry *st, *seg;
	const json_t *gaps;
	json_t *ev = json_array(), *g;
	size_t n, i, unexplained = 0;
	int ok = 1;

	st = role_entries(v, EVIDENCE_STATION, &n);
	for (i = 0; i < n && ev != NULL; i++) {
		const char *prev = sget(st[i].json, "previous_stop");

		if (strcmp(prev, "unclean") == 0) {
			vb_say(v, ev, tr(v, VT_F2_UNCLEAN), st[i].index,
			    sget(st[i].json, "time"));
			ok = 0;
		} else
			vb_say(v, ev, tr(v, strcmp(prev, "none") == 0 ?
			    VT_F2_FIRST : VT_F2_CLEAN), st[i].index);
	}
	seg = role_entries(v, EVIDENCE_SEGMENT, &n);
	for (i = 0; i < n; i++)
		if (json_is_false(json_object_get(seg[i].json, "decodable")))
			vb_say(v, ev, tr(v, VT_F2_UNDECODABLE), seg[i].index,
			    verify_text_probe(v->lang, sget(json_object_get(
			    seg[i].json, "probe"), "status")));
	gaps = json_object_get(json_object_get(v->report, "timeline"),
	    "gaps");
	json_array_foreach(gaps, i, g)
		unexplained += !json_is_true(json_object_get(g, "explained"));
	if (json_array_size(gaps) > 0)
		vb_say(v, ev, tr(v, VT_F2_GAPS), json_array_size(gaps),
		    unexplained);
	else
		vb_say(v, ev, "%s", tr(v, VT_F2_NO_GAP));
	return factor(v, "ran_normally", tr(v, VT_F2_TITLE), ok, ev);
}

static json_t *
factor_errors(struct vb *v)
{
	json_t *ev = json_array();

	vb_say(v, ev, tr(v, VT_F3_MEDIA), v->media_ok, v->media_checked);
	if (v->o->probed)
		vb_say(v, ev, tr(v, VT_F3_ROOTS), v->roots_ok, v->roots_checked);
	vb_say(v, ev, tr(v, VT_F3_PROOFS), v->proofs_ok, v->nents);
	vb_say(v, ev, "%s", tr(v, v->chain_ok ? VT_F3_CHAIN_OK :
	    VT_F3_CHAIN_BAD));
	vb_say(v, ev, "%s", tr(v, VT_F3_VAC));
	return factor(v, "error_detection", tr(v, VT_F3_TITLE), !v->failed,
	    ev);
}

const struct evidence_entry *
vb_session_of(struct vb *v, uint64_t index)
{
	const struct evidence_entry *s;
	json_t *it;
	size_t n, i, k;

	s = role_entries(v, EVIDENCE_SESSION, &n);
	for (i = 0; i < n; i++)
		json_array_foreach(json_object_get(s[i].json, "inventory"), k,
		    it)
			if (iget(it, "index") == (int64_t)index)
				return &s[i];
	return NULL;
}

static json_t *
factor_custody(struct vb *v)
{
	const struct evidence_entry *sess, *e;
	json_t *ev = json_array(), *s;
	size_t i;
	int ok = 1;

	json_array_foreach(json_object_get(v->report, "segments"), i, s) {
		int64_t idx = iget(s, "index");
		const char *src = sget(s, "source");

		e = evidence_find(&v->ev, (uint64_t)idx);
		sess = v->have_ev ? vb_session_of(v, (uint64_t)idx) : NULL;
		if (strcmp(sget(s, "verdict"), "ok") != 0)
			ok = 0;
		if (sess != NULL)
			vb_say(v, ev, tr(v, VT_F4_SESSION), (long long)idx,
			    sget(s, "camera"), verify_text_source(v->lang, src),
			    sess->index, sget(sess->json,
			    "session_start"), sget(sess->json, "session_end"),
			    verify_text_session_end(v->lang,
			    sget(sess->json, "ended")), e ? sget(e->json,
			    "time") : "?", verify_text_verdict(v->lang,
			    sget(s, "verdict")));
		else {
			vb_say(v, ev, tr(v, VT_F4_NOSESSION), (long long)idx,
			    sget(s, "camera"), src[0] ?
			    verify_text_source(v->lang, src) : "?",
			    e ? sget(e->json, "time") : "?",
			    verify_text_verdict(v->lang, sget(s, "verdict")),
			    strcmp(src, "usb") == 0 ?
			    tr(v, VT_F4_NO_SESSION_USB) : "");
			if (strcmp(src, "usb") == 0)
				ok = 0;
		}
	}
	if (json_array_size(json_object_get(v->report, "segments")) == 0)
		vb_say(v, ev, "%s", tr(v, VT_F4_NONE));
	return factor(v, "keeping_transfer", tr(v, VT_F4_TITLE),
	    ok && !v->failed, ev);
}

static json_t *
factor_routine(struct vb *v)
{
	const struct evidence_entry *c;
	json_t *ev = json_array();
	size_t n, i, autol = 0, manual = 0;

	c = role_entries(v, EVIDENCE_CHAIN, &n);
	for (i = 0; i < n; i++) {
		if (strcmp(sget(c[i].json, "type"), ENTRY_EVIDENCE_LINKED) != 0)
			continue;
		if (strcmp(sget(c[i].json, "by"), "auto") == 0)
			autol++;
		else {
			manual++;
			vb_say(v, ev, tr(v, VT_F5_MANUAL), (long long)iget(c[i].json,
			    "segment"), c[i].index, sget(c[i].json, "reason"));
		}
	}
	vb_say(v, ev, tr(v, VT_F5_COUNT), autol, manual);
	vb_say(v, ev, "%s", tr(v, VT_F5_LOG));
	return factor(v, "normal_activity", tr(v, VT_F5_TITLE),
	    autol + manual > 0, ev);
}

static json_t *
officers_json(struct vb *v)
{
	const struct evidence_entry *c, *ctx;
	json_t *out = json_array(), *ids, *id, *o;
	size_t n, nc, i, k;

	c = role_entries(v, EVIDENCE_CHAIN, &n);
	if (out == NULL || n == 0)
		return out;
	ids = json_object_get(c[0].json, "officers");
	ctx = role_entries(v, EVIDENCE_CONTEXT, &nc);
	json_array_foreach(ids, i, id) {
		const char *name = "";

		for (k = 0; k < nc; k++)
			if (strcmp(sget(ctx[k].json, "type"),
			    ENTRY_OFFICER_ADDED) == 0 &&
			    strcmp(sget(ctx[k].json, "officer"),
			    json_string_value(id) ?
			    json_string_value(id) : "") == 0)
				name = sget(ctx[k].json, "name");
		if ((o = json_object()) == NULL) {
			v->nomem = 1;
			break;
		}
		setk(v, o, "id", jstr(json_string_value(id)));
		setk(v, o, "name", jstr(name));
		push(v, out, o);
	}
	return out;
}

static json_t *
factor_custodian(struct vb *v, const json_t *officers)
{
	json_t *ev = json_array(), *o;
	char key[NOTE_MAX_NAME + 16];
	size_t i;

	snprintf(key, sizeof(key), "%s+%08" PRIx32, note_verifier_name(v->v),
	    note_verifier_keyid(v->v));
	vb_say(v, ev, tr(v, VT_F6_KEPT), note_verifier_name(v->v), key,
	    v->sig_ok ? "" : tr(v, VT_F6_NOT_SIGNED));
	json_array_foreach(officers, i, o)
		vb_say(v, ev, tr(v, VT_F6_OFFICER), sget(o, "id"),
		    sget(o, "name"));
	return factor(v, "custodian", tr(v, VT_F6_TITLE), v->sig_ok, ev);
}

static const char *
anchor_text(struct vb *v, char *buf, size_t bufsz)
{
	if (v->ts_ok)
		snprintf(buf, bufsz, tr(v, VT_ANCHOR_OK), v->tsa.tsa[0] ?
		    v->tsa.tsa : "TSA", v->tsa.time);
	else
		snprintf(buf, bufsz, "%s", tr(v, v->ts_present ?
		    VT_ANCHOR_UNVERIFIED : VT_ANCHOR_NONE));
	return buf;
}

static json_t *
factor_other(struct vb *v, const char *anchor)
{
	json_t *ev = json_array();

	vb_say(v, ev, "%s", anchor);
	vb_say(v, ev, tr(v, VT_F7_FINDINGS), json_array_size(
	    json_object_get(v->report, "findings")));
	return factor(v, "other", tr(v, VT_F7_TITLE), v->ts_ok, ev);
}

void
vb_factors(struct vb *v)
{
	json_t *f = json_array(), *officers = officers_json(v), *k;
	const char *signer_id;
	char anchor[1024];

	k = json_object_get(v->report, "key");
	signer_id = json_string_value(json_object_get(k, "signer_key_id"));
	anchor_text(v, anchor, sizeof(anchor));
	if (f == NULL || officers == NULL) {
		json_decref(f);
		json_decref(officers);
		v->nomem = 1;
		return;
	}
	push(v, f, factor_system(v, signer_id));
	push(v, f, factor_running(v));
	push(v, f, factor_errors(v));
	push(v, f, factor_custody(v));
	push(v, f, factor_routine(v));
	push(v, f, factor_custodian(v, officers));
	push(v, f, factor_other(v, anchor));
	setk(v, v->report, "officers", officers);
	setk(v, v->report, "factors", f);
	setk(v, v->report, "anchor", jstr(anchor));
}

/*
 * What is proven, in one sentence.
 */

void
vb_proven_sentence(struct vb *v)
{
	const json_t *c, *counts = json_object_get(v->report, "counts");
	char buf[2048], when[512];
	size_t i, nfail = 0;
	json_int_t nmedia, ndisp;
	const char *first = NULL;

	json_array_foreach(json_object_get(v->report, "checks"), i, c)
		if (!json_is_true(json_object_get(c, "ok"))) {
			if (first == NULL)
				first = sget(c, "text");
			nfail++;
		}
	if (nfail == 0) {
		if (v->ts_ok)
			snprintf(when, sizeof(when), tr(v, VT_PROVEN_WHEN_TSA),
			    v->tsa.time, v->tsa.tsa[0] ? v->tsa.tsa :
			    tr(v, VT_W_THE_TSA));
		else
			snprintf(when, sizeof(when), "%s",
			    tr(v, VT_PROVEN_WHEN_OWN));
		/* Footage can be linked only before closing: without an
		 * inspection.closed, later links cannot be excluded. */
		nmedia = json_integer_value(json_object_get(counts,
		    "media_found"));
		if (vb_is_clip(v))
			vb_clip_proven(v, when, buf, sizeof(buf));
		else
			snprintf(buf, sizeof(buf), tr(v, nmedia == 1 ?
			    VT_PROVEN_ONE : VT_PROVEN_MANY), (long long)nmedia,
			    when, v->inspection, v->chain_closed ? "" :
			    tr(v, VT_PROVEN_NOT_CLOSED), v->chain_len,
			    v->chain_first ? verify_text_type_name(v->lang,
			    v->chain_first) : "?", v->chain_last ?
			    verify_text_type_name(v->lang, v->chain_last) :
			    "?", (long long)json_integer_value(
			    json_object_get(counts, "segments_ok")));
		/* Disposed segments are accounted for, not present. */
		if ((ndisp = json_integer_value(json_object_get(counts,
		    "segments_disposed"))) > 0)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
			    tr(v, VT_PROVEN_DISPOSED), (long long)ndisp);
	} else
		snprintf(buf, sizeof(buf), tr(v, VT_PROVEN_NO), nfail, first,
		    v->inspection[0] ? v->inspection : tr(v, VT_W_UNKNOWN));
	setk(v, v->report, "proven", jstr(buf));
}
