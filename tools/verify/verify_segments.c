/*
 * verify_segments: the bundle verifier's integrity checks of the
 * inspection (verify_int.h, docs/bundle.md): which inspection the bundle
 * is of, its hash chain, every sealed media file and the segments linked
 * to it, MANIFEST's items, and the evidence built from the proven
 * entries.  The checks of the log itself (layout, key, checkpoint,
 * timestamp, entries) are in verify_checks.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/bundle.h"
#include "custos/ckpt.h"
#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/merkle.h"
#include "custos/note.h"
#include "custos/probe.h"
#include "custos/rfc3339.h"
#include "custos/timeline.h"
#include "custos/tsa.h"

#include "verify_bundle.h"
#include "verify_int.h"
#include "verify_util.h"

/*
 * The inspection and its chain.
 */

/* The inspection: MANIFEST's, else the one a chain start names. */
int
vb_find_inspection(struct vb *v)
{
	const char *id = NULL, *t;
	size_t i;

	if (v->manifest != NULL)
		id = json_string_value(json_object_get(v->manifest,
		    "inspection"));
	for (i = 0; id == NULL && i < v->nents; i++) {
		if (v->ents[i].j == NULL)
			continue;
		t = v->ents[i].type;
		if (strcmp(t, ENTRY_INSPECTION_REGISTERED) == 0 ||
		    strcmp(t, ENTRY_INSPECTION_EMERGENCY) == 0)
			id = json_string_value(json_object_get(v->ents[i].j,
			    "inspection"));
	}
	if (id == NULL)
		id = "";
	if ((v->inspection = strdup(id)) == NULL)
		return CUSTOS_ERR_NOMEM;
	return 0;
}

/* One link: e's inspection_prev must be prev's leaf. */
static int
chain_link(struct vb *v, const struct ent *prev, const struct ent *e)
{
	const char *want = sget(e->j, "inspection_prev");
	char have[DIGEST_STRLEN];

	if (prev == NULL) {
		if (!is_start(e->type) || want[0] != '\0') {
			vb_check(v, "chain.link", 0, (int64_t)e->index,
			    e->file->name, tr(v, VT_CH_FIRST), e->index,
			    e->type);
			return 0;
		}
		return 1;
	}
	verify_hash_str(v->alg, prev->leaf, have, sizeof(have));
	if (strcmp(want, have) != 0) {
		vb_check(v, "chain.link", 0, (int64_t)e->index, e->file->name,
		    tr(v, VT_CH_LINK), e->index, e->type, want[0] ? want :
		    tr(v, VT_W_NOTHING), prev->index,
		    prev->type, have);
		return 0;
	}
	return 1;
}

void
vb_check_chain(struct vb *v)
{
	const struct ent *prev = NULL, *first = NULL, *e;
	json_t *mchain = NULL, *it;
	int64_t last_listed = -1, idx;
	size_t i, n = 0;
	int ok = 1, closed = 0;

	for (i = 0; i < v->nents; i++) {
		e = &v->ents[i];
		if (e->j == NULL || strcmp(sget(e->j, "inspection"),
		    v->inspection) != 0)
			continue;
		if (!chain_link(v, prev, e))
			ok = 0;
		if (first == NULL)
			first = e;
		closed |= strcmp(e->type, ENTRY_INSPECTION_CLOSED) == 0;
		prev = e;
		n++;
	}
	v->chain_len = n;
	if (v->manifest != NULL)
		mchain = json_object_get(v->manifest, "chain");
	json_array_foreach(mchain, i, it) {
		if ((idx = json_is_integer(it) ? json_integer_value(it) : -1) <
		    0)
			continue;
		last_listed = idx;
		if ((e = vb_ent_find(v, (uint64_t)idx)) == NULL) {
			vb_check(v, "chain.complete", 0, idx, NULL,
			    tr(v, VT_CH_MISSING), (long long)idx,
			    bundle_kind_name(BUNDLE_MANIFEST));
			ok = 0;
		} else if (e->j != NULL && strcmp(sget(e->j, "inspection"),
		    v->inspection) != 0) {
			vb_check(v, "chain.complete", 0, idx, e->file->name,
			    tr(v, VT_CH_NOT_OURS), (long long)idx,
			    bundle_kind_name(BUNDLE_MANIFEST), v->inspection);
			ok = 0;
		}
	}
	if (n == 0) {
		vb_check(v, "chain.complete", 0, -1, NULL, tr(v, VT_CH_NONE),
		    v->inspection);
		v->chain_ok = 0;
		return;
	}
	if (last_listed >= 0 && (uint64_t)last_listed != prev->index) {
		vb_check(v, "chain.complete", 0, (int64_t)prev->index, NULL,
		    tr(v, VT_CH_ENDS), prev->index,
		    bundle_kind_name(BUNDLE_MANIFEST), (long long)last_listed);
		ok = 0;
	}
	v->chain_ok = ok;
	v->chain_closed = closed;
	v->chain_first = first->type;
	v->chain_last = prev->type;
	if (ok)
		vb_check(v, "chain.complete", 1, -1, NULL, tr(v, VT_CH_OK), n,
		    v->inspection, verify_text_type_name(v->lang, first->type),
		    first->index, verify_text_type_name(v->lang, prev->type),
		    prev->index, closed ? "" : tr(v, VT_CH_NOT_CLOSED));
}

/*
 * Media.
 */

/*
 * Disposed objects (docs/retention.md): an object whose bytes a station
 * removed under its retention rules is named by an object.deleted entry.
 * Only a proven one counts; one that is not proven leaves the object
 * missing.
 */

/* The first proven object.deleted after e that names e's object, or NULL. */
static const struct ent *
disposal_of(struct vb *v, const struct ent *e)
{
	const struct ent *d;
	const char *obj = sget(e->j, "object");
	size_t i;

	for (i = 0; i < v->nents; i++) {
		d = &v->ents[i];
		if (d->j != NULL && d->proven && d->index_ok &&
		    d->index > e->index && strcmp(d->type,
		    ENTRY_OBJECT_DELETED) == 0 && obj[0] != '\0' &&
		    strcmp(sget(d->j, "object"), obj) == 0)
			return d;
	}
	return NULL;
}

/*
 * The rule of a disposal as the report's language writes it: the config
 * key and its period ("no_penalty = 1 months"), else the text as it is.
 */
static void
rule_text(struct vb *v, const char *rule, char *buf, size_t len)
{
	static const char *const units[] = { "days", "months", "years" };
	char key[64], unit[16], period[64];
	unsigned n;
	size_t u;

	if (sscanf(rule, "%63[a-z_] = %u %15[a-z]", key, &n, unit) == 3)
		for (u = 0; u < 3; u++)
			if (strcmp(unit, units[u]) == 0) {
				snprintf(period, sizeof(period),
				    tr(v, VT_RULE_DAYS + u), n);
				snprintf(buf, len, tr(v, VT_RULE), key, period);
				return;
			}
	snprintf(buf, len, "%s", rule);
}

/* The Beijing date (YYYY-MM-DD) of disposal d, as the report shows dates. */
static void
disposal_date(const struct ent *d, char *buf, size_t len)
{
	char bj[32];
	int64_t ms;

	if (rfc3339_parse(sget(d->j, "time"), &ms) != 0) {
		snprintf(buf, len, "%s", sget(d->j, "time"));
		return;
	}
	timeline_beijing(ms, bj, sizeof(bj));
	snprintf(buf, len, "%.10s", bj);
}

/*
 * Checks one sealed object against the media file of its hash.  Returns
 * 1 if the file is there and is the sealed one, 0 if its bytes, size or
 * packet root differ from the sealed ones (altered), 2 if that could not
 * be decided (no object of this profile, a file not read to its end, a
 * packet root not recomputed), -1 if missing, 3 if missing and disposed
 * of by a proven object.deleted; why gets the reason.
 */
static int
media_one(struct vb *v, const struct ent *e, char *why, size_t whysz,
    const char **path)
{
	const struct bundle_media *m;
	const struct ent *d;
	const char *obj = sget(e->j, "object"), *want_root;
	char date[32], rule[160];
	enum digest_alg alg;
	uint8_t h[DIGEST_LEN], root[DIGEST_LEN];
	char have[DIGEST_STRLEN], rootstr[DIGEST_STRLEN];
	json_t *media = json_object_get(e->j, "media");
	int64_t size = iget(e->j, "size");

	*path = NULL;
	if (digest_parse(obj, &alg, h) != 0 || alg != v->alg) {
		snprintf(why, whysz, tr(v, VT_MD_NO_OBJECT), e->index);
		vb_check(v, "media.hash", 0, (int64_t)e->index, NULL, "%s",
		    why);
		return 2;
	}
	if ((m = bundle_media_find(v->b, h)) == NULL &&
	    (d = disposal_of(v, e)) != NULL) {
		disposal_date(d, date, sizeof(date));
		rule_text(v, sget(d->j, "rule"), rule, sizeof(rule));
		snprintf(why, whysz, tr(v, VT_SG_DISPOSED), d->index, date,
		    rule);
		vb_check(v, "media.disposed", 1, (int64_t)e->index, NULL,
		    tr(v, VT_MD_DISPOSED), e->index, e->type, obj, d->index,
		    date, rule);
		return 3;
	}
	if (m == NULL) {
		snprintf(why, whysz, tr(v, VT_MD_MISSING_WHY),
		    bundle_kind_name(BUNDLE_MEDIA), obj + 7);
		vb_check(v, "media.present", 0, (int64_t)e->index, NULL,
		    tr(v, VT_MD_MISSING), e->index, e->type, obj);
		return -1;
	}
	*path = m->name;
	v->media_checked++;
	verify_hash_str(v->alg, m->hash, have, sizeof(have));
	if (!m->complete) {
		snprintf(why, whysz, tr(v, VT_MD_INCOMPLETE), m->name);
		vb_check(v, "media.hash", 0, (int64_t)e->index, m->name, "%s",
		    why);
		return 2;
	}
	if (memcmp(m->hash, h, DIGEST_LEN) != 0) {
		snprintf(why, whysz, tr(v, VT_MD_HASH_WHY), m->name, have, obj);
		vb_check(v, "media.hash", 0, (int64_t)e->index, m->name,
		    tr(v, VT_MD_HASH), m->name, have, e->index, obj);
		return 0;
	}
	if (size < 0 || (uint64_t)size != m->size) {
		snprintf(why, whysz, tr(v, VT_MD_SIZE), m->name, m->size,
		    (long long)size);
		vb_check(v, "media.hash", 0, (int64_t)e->index, m->name, "%s",
		    why);
		return 0;
	}
	vb_check(v, "media.hash", 1, (int64_t)e->index, m->name,
	    tr(v, VT_MD_OK), m->name, m->size, obj, e->index);
	v->media_ok++;
	want_root = json_string_value(json_object_get(media, "packet_root"));
	if (want_root == NULL || !v->o->probed)
		return 1;
	v->roots_checked++;
	if (!m->probed || (m->probe.status != PROBE_OK &&
	    m->probe.status != PROBE_DAMAGED)) {
		snprintf(why, whysz, tr(v, VT_MD_ROOT_NOT), m->name,
		    m->probed ? probe_status_name(m->probe.status) :
		    tr(v, VT_W_DID_NOT_RUN), m->probed ? ": " : "",
		    m->probed ? m->probe.error : "");
		vb_check(v, "media.packet_root", 0, (int64_t)e->index, m->name,
		    "%s", why);
		return 2;
	}
	memcpy(root, m->probe.packet_root, DIGEST_LEN);
	verify_hash_str(v->alg, root, rootstr, sizeof(rootstr));
	if (strcmp(rootstr, want_root) != 0) {
		snprintf(why, whysz, tr(v, VT_MD_ROOT_WHY), m->name, rootstr,
		    want_root);
		vb_check(v, "media.packet_root", 0, (int64_t)e->index, m->name,
		    tr(v, VT_MD_ROOT_BAD), m->name, rootstr, m->probe.packets,
		    want_root);
		return 0;
	}
	vb_check(v, "media.packet_root", 1, (int64_t)e->index, m->name,
	    tr(v, VT_MD_ROOT_OK), m->name, rootstr, m->probe.packets);
	v->roots_ok++;
	return 1;
}

static int
seals_object(const struct ent *e)
{
	return e->j != NULL && (strcmp(e->type, ENTRY_SEGMENT_SEALED) == 0 ||
	    strcmp(e->type, ENTRY_DOCUMENT_SEALED) == 0);
}

/* Media files no entry seals. */
static void
media_foreign(struct vb *v)
{
	const struct bundle_media *m;
	enum digest_alg alg;
	uint8_t h[DIGEST_LEN];
	size_t i, k;

	for (k = 0; k < v->b->nmedia; k++) {
		m = &v->b->media[k];
		for (i = 0; i < v->nents; i++)
			if (seals_object(&v->ents[i]) &&
			    digest_parse(sget(v->ents[i].j, "object"), &alg,
			    h) == 0 && memcmp(h, m->name_hash, DIGEST_LEN) == 0)
				break;
		if (i == v->nents)
			vb_check(v, "media.foreign", 0, -1, m->name,
			    tr(v, VT_MD_FOREIGN), m->name);
	}
}

/*
 * MANIFEST.json's items: informative, but where they disagree with the
 * bundle or the signed entries, the reviewer is told.
 */
static void
manifest_items(struct vb *v)
{
	json_t *items = json_object_get(v->manifest, "items"), *it;
	const char *path, *obj;
	struct ent *e;
	size_t i, k;
	int64_t idx;

	json_array_foreach(items, i, it) {
		path = sget(it, "path");
		obj = sget(it, "object");
		/* A disposed object's item has no file: its segment's
		 * verdict says whether the disposal is proven. */
		if (json_object_get(it, "path") == NULL &&
		    json_is_object(json_object_get(it, "disposed")))
			continue;
		for (k = 0; k < v->b->nmedia &&
		    strcmp(v->b->media[k].name, path) != 0; k++)
			;
		if (k == v->b->nmedia) {
			vb_check(v, "bundle.manifest", 0, iget(it, "entry"),
			    path, tr(v, VT_MF_ITEM_ABSENT),
			    bundle_kind_name(BUNDLE_MANIFEST),
			    path[0] ? path : tr(v, VT_W_ITEM_NO_PATH));
			continue;
		}
		idx = iget(it, "entry");
		if (idx < 0 || (e = vb_ent_find(v, (uint64_t)idx)) == NULL ||
		    e->j == NULL)
			continue;	/* reported with the entries */
		if (strcmp(sget(e->j, "object"), obj) != 0 ||
		    strncmp(obj + (strchr(obj, ':') ? strchr(obj, ':') - obj +
		    1 : 0), path + 6, 2 * DIGEST_LEN) != 0)
			vb_check(v, "bundle.manifest", 0, idx, path,
			    tr(v, VT_MF_ITEM_OBJECT),
			    bundle_kind_name(BUNDLE_MANIFEST), path,
			    obj, (long long)idx, sget(e->j, "object"));
	}
}

/*
 * Segments: what the inspection's evidence.linked entries name.
 */

struct seg {
	uint64_t	 index;
	int		 linked;
	const char	*object;	/* from the link when no entry */
};

static int
collect_segs(struct vb *v, struct seg **out, size_t *nout)
{
	struct seg *s = NULL, *ns;
	size_t i, k, n = 0;
	int64_t idx;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < v->nents; i++) {
		const struct ent *e = &v->ents[i];
		int link = strcmp(e->type, ENTRY_EVIDENCE_LINKED) == 0;

		if (e->j == NULL || (!link && strcmp(e->type,
		    ENTRY_EVIDENCE_UNLINKED) != 0) ||
		    strcmp(sget(e->j, "inspection"), v->inspection) != 0 ||
		    (idx = iget(e->j, "segment")) < 0)
			continue;
		for (k = 0; k < n && s[k].index != (uint64_t)idx; k++)
			;
		if (k == n) {
			if ((ns = reallocarray(s, n + 1, sizeof(*s))) ==
			    NULL) {
				free(s);
				return CUSTOS_ERR_NOMEM;
			}
			s = ns;
			s[n].index = (uint64_t)idx;
			s[n].object = sget(e->j, "object");
			n++;
		}
		s[k].linked = link;
	}
	*out = s;
	*nout = n;
	return 0;
}

/*
 * The officer who carried the segment's camera when it recorded: the
 * segment's own "officer", else the latest camera.assigned of its camera
 * from at or before its start (docs/inspection.md).  Only entries that
 * are in the bundle count; "" if none.
 */
static const char *
segment_officer(struct vb *v, const json_t *seg, const char *start)
{
	const char *best = "", *cam = sget(seg, "camera");
	int64_t t, from, best_from = INT64_MIN;
	size_t i;

	if (json_object_get(seg, "officer") != NULL)
		return sget(seg, "officer");
	if (rfc3339_parse(start, &t) != 0)
		return "";
	for (i = 0; i < v->nents; i++) {
		const json_t *j = v->ents[i].j;

		if (j == NULL || strcmp(v->ents[i].type,
		    ENTRY_CAMERA_ASSIGNED) != 0 || strcmp(sget(j, "camera"),
		    cam) != 0 || rfc3339_parse(sget(j, "from"), &from) != 0 ||
		    from > t || from < best_from)
			continue;
		best_from = from;
		best = sget(j, "officer");
	}
	return best;
}

/* The report's "disposed" of a disposed segment e. */
static void
disposed_json(struct vb *v, const struct ent *e, json_t *o)
{
	const struct ent *d = disposal_of(v, e);

	if (d == NULL)
		return;
	setk(v, o, "disposed", json_pack("{s:I, s:o, s:o, s:o, s:o}",
	    "entry", (json_int_t)d->index, "at", jstr(sget(d->j, "time")),
	    "rule", jstr(sget(d->j, "rule")), "class", jstr(sget(d->j,
	    "class")), "approver", jstr(sget(d->j, "approver"))));
}

static void
segment_json(struct vb *v, const struct seg *s, json_t *segs,
    size_t *found, size_t *okc, size_t *disposed, size_t *notincl)
{
	struct ent *e = vb_ent_find(v, s->index);
	const char *verdict = "ok", *path = NULL, *start, *officer;
	char why[512];
	json_t *o, *media;
	int r;

	why[0] = '\0';
	if ((o = json_object()) == NULL) {
		v->nomem = 1;
		return;
	}
	setk(v, o, "index", json_integer((json_int_t)s->index));
	if (e == NULL || e->j == NULL) {
		verdict = "missing";
		snprintf(why, sizeof(why), tr(v, e == NULL ?
		    VT_SG_ENTRY_MISSING : VT_SG_ENTRY_UNREADABLE), s->index);
		vb_check(v, "segments.present", 0, (int64_t)s->index, NULL,
		    tr(v, VT_SG_ENTRY_CHECK), s->index, v->inspection);
		setk(v, o, "object", jstr(s->object));
	} else {
		setk(v, o, "object", jstr(sget(e->j, "object")));
		/* A clip bundle proves its clip, not the other footage. */
		if (!vb_is_clip(v))
			r = media_one(v, e, why, sizeof(why), &path);
		else if ((int64_t)s->index == vb_clip_segment(v))
			r = vb_clip_check(v, e, why, sizeof(why), &path);
		else
			r = 4;
		/*
		 * "altered" only for bytes, size or packet root that differ
		 * from what the entry sealed; an entry that is not proven
		 * (no checkpoint, a proof that fails, a wrong index or
		 * type) leaves the segment "unproven": nothing shows its
		 * bytes differ, but nothing proves them either.
		 */
		if (r < 0)
			verdict = "missing";
		else if (r == 0)
			verdict = "altered";
		else if (r == 2 || !e->proven || !e->index_ok ||
		    strcmp(e->type, ENTRY_SEGMENT_SEALED) != 0) {
			verdict = "unproven";
			if (r != 2 && (!e->proven || !e->index_ok))
				snprintf(why, sizeof(why),
				    tr(v, VT_SG_UNPROVEN), e->index);
			else if (r != 2)
				snprintf(why, sizeof(why),
				    tr(v, VT_SG_NOT_SEGMENT), e->index,
				    e->type);
		} else if (r == 4) {
			verdict = "not_included";
			snprintf(why, sizeof(why), "%s",
			    tr(v, VT_SG_NOT_INCLUDED));
			(*notincl)++;
		} else if (r == 3) {
			/* Not found, not a failure: the log says why. */
			verdict = "disposed";
			disposed_json(v, e, o);
			(*disposed)++;
		}
		(*found) += r >= 0 && r != 3 && r != 4;
		media = json_object_get(e->j, "media");
		/* The container's start, else the file's mtime, as the
		 * timeline and the footage_gap rule read it. */
		start = json_object_get(media, "recorded_start") != NULL ?
		    sget(media, "recorded_start") : sget(e->j, "mtime");
		setk(v, o, "camera", jstr(sget(e->j, "camera")));
		officer = segment_officer(v, e->j, start);
		if (officer[0] != '\0')
			setk(v, o, "officer", jstr(officer));
		if (start[0] != '\0') {
			setk(v, o, "recorded_start", jstr(start));
			setk(v, o, "start_source", json_string(
			    json_object_get(media, "recorded_start") != NULL ?
			    "recorded_start" : "mtime"));
		}
		if (iget(media, "duration_ms") >= 0)
			setk(v, o, "duration_ms",
			    json_integer(iget(media, "duration_ms")));
		setk(v, o, "source", jstr(sget(e->j, "source")));
	}
	if (path != NULL)
		setk(v, o, "path", jstr(path));
	setk(v, o, "verdict", json_string(verdict));
	setk(v, o, "linked", json_boolean(s->linked));
	if (why[0] != '\0')
		setk(v, o, "why", jstr(why));
	(*okc) += strcmp(verdict, "ok") == 0;
	push(v, segs, o);
}

int
vb_check_media_and_segments(struct vb *v)
{
	struct seg *s;
	json_t *segs, *counts;
	size_t n, i, found = 0, okc = 0, mexp = 0, mfound = 0, ndisp = 0;
	size_t nnot = 0;
	int clip = vb_is_clip(v);
	const char *path;
	enum digest_alg alg;
	uint8_t h[DIGEST_LEN];
	char why[512];
	int rc;

	if ((rc = collect_segs(v, &s, &n)) != 0)
		return rc;
	if ((segs = json_array()) == NULL) {
		free(s);
		return CUSTOS_ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		segment_json(v, &s[i], segs, &found, &okc, &ndisp, &nnot);
	/* Objects sealed by entries that are not linked segments:
	 * documents, and segments named only by a dock session. */
	for (i = 0; i < v->nents; i++) {
		size_t k;

		/* A clip bundle carries no media/ files at all. */
		if (!seals_object(&v->ents[i]) || clip)
			continue;
		if (digest_parse(sget(v->ents[i].j, "object"), &alg, h) == 0 &&
		    bundle_media_find(v->b, h) != NULL)
			mfound++;
		else if (disposal_of(v, &v->ents[i]) != NULL)
			continue;	/* disposed of: not expected */
		mexp++;
		for (k = 0; k < n && s[k].index != v->ents[i].index; k++)
			;
		if (k == n)
			(void)media_one(v, &v->ents[i], why, sizeof(why),
			    &path);
	}
	if (clip && okc == 1 && okc + nnot == n)
		vb_check(v, "segments.present", 1, -1, NULL,
		    tr(v, VT_SG_CLIP), (uint64_t)vb_clip_segment(v), nnot);
	else if (n == 0)
		vb_check(v, "segments.present", 1, -1, NULL,
		    tr(v, VT_SG_NONE), v->inspection);
	else if (okc == n)
		vb_check(v, "segments.present", 1, -1, NULL,
		    tr(v, VT_SG_ALL), n);
	else if (okc + ndisp == n)
		vb_check(v, "segments.present", 1, -1, NULL,
		    tr(v, VT_SG_ALL_DISPOSED), n, okc, ndisp);
	else
		vb_check(v, "segments.present", 0, -1, NULL,
		    tr(v, VT_SG_SOME), okc, n, found);
	media_foreign(v);
	if (!clip)
		manifest_items(v);
	setk(v, v->report, "segments", segs);
	if ((counts = json_object()) == NULL) {
		free(s);
		return CUSTOS_ERR_NOMEM;
	}
	setk(v, counts, "segments_expected", json_integer((json_int_t)n));
	setk(v, counts, "segments_found", json_integer((json_int_t)found));
	setk(v, counts, "segments_ok", json_integer((json_int_t)okc));
	setk(v, counts, "segments_disposed", json_integer((json_int_t)ndisp));
	setk(v, counts, "segments_not_included",
	    json_integer((json_int_t)nnot));
	setk(v, counts, "entries_expected", json_integer((json_int_t)
	    (v->manifest != NULL && json_is_array(json_object_get(
	    v->manifest, "entries")) ? json_array_size(json_object_get(
	    v->manifest, "entries")) : v->nents)));
	setk(v, counts, "entries_found", json_integer((json_int_t)v->nents));
	setk(v, counts, "media_expected", json_integer((json_int_t)mexp));
	setk(v, counts, "media_found", json_integer((json_int_t)mfound));
	setk(v, v->report, "counts", counts);
	free(s);
	return 0;
}

/*
 * Evidence: from the proven entries only.
 */

int
vb_build_evidence(struct vb *v, int proven_only)
{
	const uint8_t **bytes = NULL;
	uint64_t *idx = NULL;
	size_t *len = NULL, n = 0, i, foreign;
	int rc = CUSTOS_ERR_NOMEM;

	if (v->nents > 0 && ((bytes = calloc(v->nents, sizeof(*bytes))) ==
	    NULL || (idx = calloc(v->nents, sizeof(*idx))) == NULL ||
	    (len = calloc(v->nents, sizeof(*len))) == NULL))
		goto out;
	for (i = 0; i < v->nents; i++) {
		if (v->ents[i].j == NULL || !v->ents[i].index_ok ||
		    (proven_only && !v->ents[i].proven))
			continue;
		bytes[n] = v->ents[i].file->data;
		len[n] = v->ents[i].file->len;
		idx[n++] = v->ents[i].index;
	}
	rc = evidence_from_entries(v->inspection, idx, bytes, len, n, &v->ev,
	    &foreign);
	if (rc == 0)
		v->have_ev = 1;
	else if (rc == CUSTOS_ERR_FORMAT)
		rc = 0;
	if (rc != 0 || !proven_only)
		goto out;
	/* Proven entries that serve no role: another inspection's. */
	for (i = 0; i < v->nents; i++)
		if (v->ents[i].proven && v->ents[i].index_ok &&
		    v->ents[i].j != NULL &&
		    evidence_find(&v->ev, v->ents[i].index) == NULL)
			vb_check(v, "entry.foreign", 0,
			    (int64_t)v->ents[i].index,
			    v->ents[i].file->name, tr(v, VT_EN_FOREIGN_ROLE),
			    v->ents[i].index, v->ents[i].type,
			    json_object_get(v->ents[i].j, "inspection") ?
			    tr(v, VT_W_COMMA_INSPECTION) : "",
			    sget(v->ents[i].j,
			    "inspection"), v->inspection);
out:
	free(bytes);
	free(idx);
	free(len);
	return rc;
}

