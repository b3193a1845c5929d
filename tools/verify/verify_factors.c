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
		if (rc != 0)
			push(v, notes, json_sprintf("findings not computed: %s",
			    custos_strerror(rc)));
		if ((rc = timeline_build(&v->ev, findings, &tl)) ==
		    CUSTOS_ERR_NOMEM)
			goto out;
		if (rc != 0)
			push(v, notes, json_sprintf("timeline not built: %s",
			    custos_strerror(rc)));
	} else
		push(v, notes, json_string("findings and timeline need the "
		    "inspection's proven first entry"));
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

static void
say(struct vb *v, json_t *a, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(struct vb *v, json_t *a, const char *fmt, ...)
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

		say(v, ev, "custosd %s started %s (entry %" PRIu64 "): "
		    "configuration %s, key %s, profile %s", sget(j, "version"),
		    sget(j, "time"), st[i].index, sget(j, "config"),
		    sget(j, "key_id"), sget(j, "profile"));
		if (signer_id != NULL && strcmp(sget(j, "key_id"),
		    signer_id) != 0) {
			say(v, ev, "that run's key %s is not the key that "
			    "signed the checkpoint (%s)", sget(j, "key_id"),
			    signer_id);
			ok = 0;
		}
	}
	if (n == 0) {
		say(v, ev, "no station.started entry is in the bundle: the "
		    "software version and configuration in effect are not "
		    "shown");
		ok = 0;
	}
	return factor(v, "system_reliable", "(1) 系统完整可靠 The system is "
	    "complete and reliable", ok && v->sig_ok, ev);
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
			say(v, ev, "fault record: the run before entry %"
			    PRIu64 " (%s) ended without a clean stop (crash, "
			    "kill or power loss); footage sealed after it was "
			    "sealed by the new run", st[i].index,
			    sget(st[i].json, "time"));
			ok = 0;
		} else
			say(v, ev, "entry %" PRIu64 ": the run before it "
			    "stopped %s", st[i].index, strcmp(prev, "none") ==
			    0 ? "— none, it was the first start" : "cleanly");
	}
	seg = role_entries(v, EVIDENCE_SEGMENT, &n);
	for (i = 0; i < n; i++)
		if (json_is_false(json_object_get(seg[i].json, "decodable")))
			say(v, ev, "segment %" PRIu64 " was sealed as not "
			    "decodable (probe: %s)", seg[i].index,
			    sget(json_object_get(seg[i].json, "probe"),
			    "status"));
	gaps = json_object_get(json_object_get(v->report, "timeline"),
	    "gaps");
	json_array_foreach(gaps, i, g)
		unexplained += !json_is_true(json_object_get(g, "explained"));
	if (json_array_size(gaps) > 0)
		say(v, ev, "%zu footage gap%s between entering and leaving, "
		    "%zu without a logged reason", json_array_size(gaps),
		    json_array_size(gaps) == 1 ? "" : "s", unexplained);
	else
		say(v, ev, "no footage gap between entering and leaving");
	return factor(v, "ran_normally", "(2) 系统正常运行或故障不影响 It ran "
	    "normally, or a fault did not matter", ok, ev);
}

static json_t *
factor_errors(struct vb *v)
{
	json_t *ev = json_array();

	say(v, ev, "every media file re-hashed here: %zu of %zu match the "
	    "hash and size their entry sealed", v->media_ok,
	    v->media_checked);
	if (v->o->probed)
		say(v, ev, "packet roots recomputed in a sandboxed media "
		    "child: %zu of %zu match", v->roots_ok, v->roots_checked);
	say(v, ev, "inclusion proofs: %zu of %zu entries lead to the signed "
	    "root", v->proofs_ok, v->nents);
	say(v, ev, "the inspection's hash chain: %s", v->chain_ok ? "every "
	    "link intact" : "broken (see the checks)");
	say(v, ev, "the station seals a file only after it re-read the "
	    "stored copy and matched its hash (verify-after-copy)");
	return factor(v, "error_detection", "(3) 具备有效防止出错的监测、核查手段 "
	    "It detects errors", !v->failed, ev);
}

/* The dock.session whose inventory lists segment index, or NULL. */
static const struct evidence_entry *
session_of(struct vb *v, uint64_t index)
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
		sess = v->have_ev ? session_of(v, (uint64_t)idx) : NULL;
		if (strcmp(sget(s, "verdict"), "ok") != 0)
			ok = 0;
		if (sess != NULL)
			say(v, ev, "segment %lld: camera %s → %s dock session "
			    "%" PRIu64 " (%s to %s, %s) → sealed %s → this "
			    "bundle: %s", (long long)idx, sget(s, "camera"),
			    src, sess->index, sget(sess->json,
			    "session_start"), sget(sess->json, "session_end"),
			    sget(sess->json, "ended"), e ? sget(e->json,
			    "time") : "?", sget(s, "verdict"));
		else {
			say(v, ev, "segment %lld: camera %s → %s → sealed %s → "
			    "this bundle: %s%s", (long long)idx,
			    sget(s, "camera"), src[0] ? src : "?",
			    e ? sget(e->json, "time") : "?",
			    sget(s, "verdict"), strcmp(src, "usb") == 0 ?
			    " (its dock session is not in the bundle)" : "");
			if (strcmp(src, "usb") == 0)
				ok = 0;
		}
	}
	if (json_array_size(json_object_get(v->report, "segments")) == 0)
		say(v, ev, "no linked footage to follow");
	return factor(v, "keeping_transfer", "(4) 保存、传输、提取完整可靠 "
	    "Keeping, transfer and extraction were complete and reliable",
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
			say(v, ev, "segment %lld linked by an operator (entry %"
			    PRIu64 "): %s", (long long)iget(c[i].json,
			    "segment"), c[i].index, sget(c[i].json, "reason"));
		}
	}
	say(v, ev, "%zu segment link%s made by the station itself as the "
	    "footage was sealed (camera assigned to an officer of the "
	    "inspection, recorded during the visit), %zu by an operator",
	    autol, autol == 1 ? "" : "s", manual);
	say(v, ev, "every step is an entry of the station's log, written "
	    "as it happened, in the order of the log");
	return factor(v, "normal_activity", "(5) 在正常往来活动中形成和存储 "
	    "Formed in normal activity", autol + manual > 0, ev);
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
	size_t i;

	say(v, ev, "kept by station \"%s\", whose log is signed with key "
	    "%s+%08" PRIx32 "%s", note_verifier_name(v->v),
	    note_verifier_name(v->v), note_verifier_keyid(v->v), v->sig_ok ?
	    "" : " — but the checkpoint is not signed by it");
	json_array_foreach(officers, i, o)
		say(v, ev, "officer %s %s, named in the inspection's first "
		    "entry", sget(o, "id"), sget(o, "name"));
	return factor(v, "custodian", "(6) 由适当主体保存 Kept by the proper "
	    "custodian", v->sig_ok, ev);
}

static const char *
anchor_text(struct vb *v, char *buf, size_t bufsz)
{
	if (v->ts_ok)
		snprintf(buf, bufsz, "The outside time-stamping authority "
		    "(%s), not the station's own log, is the third-party "
		    "anchor: it saw this checkpoint no later than %s.  The "
		    "entries' times are the station's own clock; they are "
		    "bounded from outside only by that time.", v->tsa.tsa[0] ?
		    v->tsa.tsa : "TSA", v->tsa.time);
	else if (v->ts_present)
		snprintf(buf, bufsz, "The timestamp token was not verified, "
		    "so there is no third-party anchor: everything here rests "
		    "on the station's own log and clock, which are not "
		    "neutral.");
	else
		snprintf(buf, bufsz, "There is no timestamp token: no "
		    "third-party anchor.  Everything here rests on the "
		    "station's own log and clock, which are not neutral.");
	return buf;
}

static json_t *
factor_other(struct vb *v, const char *anchor)
{
	json_t *ev = json_array();

	say(v, ev, "%s", anchor);
	say(v, ev, "%zu procedure finding%s (reported apart from integrity)",
	    json_array_size(json_object_get(v->report, "findings")),
	    json_array_size(json_object_get(v->report, "findings")) == 1 ?
	    "" : "s");
	return factor(v, "other", "(7) 其他 Other factors: third-party "
	    "anchor", v->ts_ok, ev);
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
	json_int_t nmedia;
	const char *first = NULL;

	json_array_foreach(json_object_get(v->report, "checks"), i, c)
		if (!json_is_true(json_object_get(c, "ok"))) {
			if (first == NULL)
				first = sget(c, "text");
			nfail++;
		}
	if (nfail == 0) {
		if (v->ts_ok)
			snprintf(when, sizeof(when), "no later than %s "
			    "(time-stamped by %s)", v->tsa.time,
			    v->tsa.tsa[0] ? v->tsa.tsa : "the TSA");
		else
			snprintf(when, sizeof(when), "when the station signed "
			    "its checkpoint (its own clock: there is no "
			    "third-party time)");
		/* Footage can be linked only before closing: without an
		 * inspection.closed, later links cannot be excluded. */
		nmedia = json_integer_value(json_object_get(counts,
		    "media_found"));
		snprintf(buf, sizeof(buf), "Proven: %s %lld file%s existed, "
		    "unaltered, %s, and %s all of inspection %s's recorded "
		    "evidence%s: its chain of %zu entries from %s to %s has "
		    "no link missing, and its %lld linked segment%s %s "
		    "present and unaltered.", nmedia == 1 ? "this" : "these",
		    (long long)nmedia, nmedia == 1 ? "" : "s", when,
		    nmedia == 1 ? "is" : "are",
		    v->inspection, v->chain_closed ? "" : " up to its last "
		    "step in the bundle (it was not closed at export, so "
		    "later steps cannot be excluded)", v->chain_len,
		    v->chain_first ? v->chain_first : "?", v->chain_last ?
		    v->chain_last : "?", (long long)json_integer_value(
		    json_object_get(counts, "segments_ok")),
		    json_integer_value(json_object_get(counts,
		    "segments_ok")) == 1 ? "" : "s",
		    json_integer_value(json_object_get(counts,
		    "segments_ok")) == 1 ? "is" : "are");
	} else
		snprintf(buf, sizeof(buf), "NOT proven: %zu check%s failed, "
		    "the first: %s.  Nothing in this bundle may be taken as "
		    "inspection %s's complete, unaltered evidence until that "
		    "is explained.", nfail, nfail == 1 ? "" : "s", first,
		    v->inspection[0] ? v->inspection : "(unknown)");
	setk(v, v->report, "proven", jstr(buf));
}
