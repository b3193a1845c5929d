/*
 * verify_clip: the checks of a clip bundle (verify_int.h, docs/bundle.md
 * "Clips"): the packet proof clips/<index>.packets against the proven
 * segment entry (clip.proof), and every packet of the clip, demuxed by
 * the sandboxed leaves child, against it (clip.packets); the report's
 * "clip" object.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "custos/bundle.h"
#include "custos/clip.h"
#include "custos/clip_proof.h"
#include "custos/digest.h"
#include "custos/probe.h"

#include "verify_bundle.h"
#include "verify_int.h"
#include "verify_util.h"

int
vb_is_clip(const struct vb *v)
{
	size_t i;

	if (json_is_object(json_object_get(v->manifest, "clip")) ||
	    v->b->nclips > 0)
		return 1;
	for (i = 0; i < v->b->nfiles; i++)
		if (v->b->files[i].kind == BUNDLE_CLIP_PROOF)
			return 1;
	return 0;
}

int64_t
vb_clip_segment(const struct vb *v)
{
	int64_t idx = iget(json_object_get(v->manifest, "clip"), "segment");

	if (idx >= 0)
		return idx;
	return v->b->nclips > 0 ? (int64_t)v->b->clips[0].index : -1;
}

/* A time of the clip as seconds with three decimals. */
static const char *
secs(int64_t ms, char *buf, size_t len, const char *none)
{
	int64_t a = ms < 0 ? -ms : ms;

	if (ms == CLIP_NO_TIME)
		snprintf(buf, len, "%s", none);
	else
		snprintf(buf, len, "%s%" PRId64 ".%03" PRId64, ms < 0 ? "-" :
		    "", a / 1000, a % 1000);
	return buf;
}

static const char *
posstr(uint64_t p, char *buf, size_t len)
{
	if (p == UINT64_MAX)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%" PRIu64, p);
	return buf;
}

static void
fault_check(struct vb *v, const struct clip_proof_report *rep,
    const char *name, uint64_t seg, uint64_t packets)
{
	static const char *const field[] = { "", "", "", "", "object",
	    "packet_root", "packets" };

	switch (rep->fault) {
	case CLIP_FAULT_NONE:
		vb_check(v, "clip.proof", 1, (int64_t)seg, name,
		    tr(v, VT_CL_PROOF_OK), name, seg, packets);
		break;
	case CLIP_FAULT_JSON:
		vb_check(v, "clip.proof", 0, (int64_t)seg, name,
		    tr(v, VT_CL_JSON), name);
		break;
	case CLIP_FAULT_FORMAT:
		vb_check(v, "clip.proof", 0, (int64_t)seg, name,
		    tr(v, VT_CL_FORMAT), name);
		break;
	case CLIP_FAULT_SEGMENT:
		vb_check(v, "clip.proof", 0, (int64_t)seg, name,
		    tr(v, VT_CL_SEGMENT), name, seg);
		break;
	case CLIP_FAULT_OBJECT:
	case CLIP_FAULT_ROOT:
	case CLIP_FAULT_PACKETS:
		vb_check(v, "clip.proof", 0, (int64_t)seg, name,
		    tr(v, VT_CL_DISAGREE), name, field[rep->fault], seg);
		break;
	case CLIP_FAULT_RANGE:
		vb_check(v, "clip.proof", 0, (int64_t)seg, name,
		    tr(v, VT_CL_RANGE), name, packets, seg);
		break;
	}
}

/* One failure as a check line. */
static void
failure_check(struct vb *v, const struct clip_failure *f, const char *path,
    uint64_t seg, const char *range)
{
	char t[32], n[32], p[32];

	secs(f->time_ms, t, sizeof(t), "?");
	posstr(f->position, p, sizeof(p));
	switch (f->why) {
	case CLIP_WHY_ALTERED:
		vb_check(v, "clip.packets", 0, (int64_t)seg, path,
		    tr(v, VT_CL_ALTERED), t, p);
		break;
	case CLIP_WHY_OUTSIDE:
		vb_check(v, "clip.packets", 0, (int64_t)seg, path,
		    tr(v, VT_CL_OUTSIDE), t, p, range);
		break;
	case CLIP_WHY_TWICE:
		vb_check(v, "clip.packets", 0, (int64_t)seg, path,
		    tr(v, VT_CL_TWICE), t, p);
		break;
	case CLIP_WHY_ORDER:
		vb_check(v, "clip.packets", 0, (int64_t)seg, path,
		    tr(v, VT_CL_ORDER), t, p);
		break;
	case CLIP_WHY_MISSING:
		secs(f->time_ms, t, sizeof(t), tr(v, VT_W_CLIP_START));
		secs(f->next_ms, n, sizeof(n), tr(v, VT_W_CLIP_END));
		vb_check(v, "clip.packets", 0, (int64_t)seg, path,
		    tr(v, VT_CL_MISSING), p, t, n);
		break;
	case CLIP_WHY_NOPROOF:
		vb_check(v, "clip.packets", 0, (int64_t)seg, path,
		    tr(v, VT_CL_NOPROOF), t);
		break;
	case CLIP_WHY_NOPACKET:
		vb_check(v, "clip.packets", 0, (int64_t)seg, path,
		    tr(v, VT_CL_NOPACKET), p);
		break;
	case CLIP_WHY_BADPROOF:
		vb_check(v, "clip.packets", 0, (int64_t)seg, path,
		    tr(v, VT_CL_BADPROOF), t, p);
		break;
	}
}

/* The report's "clip". */
static void
clip_json(struct vb *v, uint64_t seg, const char *path,
    const struct clip_proof_report *rep)
{
	const struct clip_failure *f;
	json_t *o, *fl;
	size_t i;

	if ((o = json_object()) == NULL || (fl = json_array()) == NULL) {
		json_decref(o);
		v->nomem = 1;
		return;
	}
	setk(v, o, "segment", json_integer((json_int_t)seg));
	setk(v, o, "path", jstr(path));
	setk(v, o, "packets", json_integer((json_int_t)rep->packets));
	setk(v, o, "first", json_integer((json_int_t)rep->first));
	setk(v, o, "count", json_integer((json_int_t)rep->count));
	setk(v, o, "from_ms", json_integer((json_int_t)rep->from_ms));
	setk(v, o, "to_ms", json_integer((json_int_t)rep->to_ms));
	setk(v, o, "ok", json_boolean(rep->ok));
	for (i = 0; i < rep->nkept; i++) {
		f = &rep->failures[i];
		push(v, fl, json_pack("{s:o, s:o, s:s}", "time_ms",
		    f->time_ms == CLIP_NO_TIME ? json_null() :
		    json_integer((json_int_t)f->time_ms), "position",
		    f->position == UINT64_MAX ? json_null() :
		    json_integer((json_int_t)f->position), "why",
		    clip_why_name(f->why)));
		/* A hole is named by the clip packets on either side. */
		if (f->why == CLIP_WHY_MISSING)
			setk(v, json_array_get(fl, json_array_size(fl) - 1),
			    "next_ms", f->next_ms == CLIP_NO_TIME ?
			    json_null() : json_integer((json_int_t)f->next_ms));
	}
	setk(v, o, "failures", fl);
	setk(v, o, "failures_total", json_integer((json_int_t)rep->nfailures));
	setk(v, v->report, "clip", o);
}

/* MANIFEST's "clip" against the clip's bytes. */
static void
manifest_clip(struct vb *v, const struct bundle_clip_file *c)
{
	json_t *mc = json_object_get(v->manifest, "clip");
	char have[DIGEST_STRLEN], size[32];
	int64_t msize = iget(mc, "size");

	if (!json_is_object(mc) || !c->complete)
		return;
	verify_hash_str(v->alg, c->hash, have, sizeof(have));
	if (strcmp(sget(mc, "clip"), have) != 0 || msize < 0 ||
	    (uint64_t)msize != c->size) {
		snprintf(size, sizeof(size), "%lld", (long long)msize);
		vb_check(v, "bundle.manifest", 0, iget(mc, "segment"),
		    c->name, tr(v, VT_CL_MANIFEST_CLIP),
		    bundle_kind_name(BUNDLE_MANIFEST), c->name,
		    sget(mc, "clip"), size, have, c->size);
	}
}

int
vb_clip_check(struct vb *v, const struct ent *e, char *why, size_t whysz,
    const char **path)
{
	const struct bundle_clip_file *c;
	const struct bundle_file *pf;
	struct clip_proof_report rep;
	struct clip_proof_entry ce;
	json_t *media = json_object_get(e->j, "media");
	char pname[BUNDLE_MAX_NAME + 1], range[64], a[32], b[32];
	uint8_t root[DIGEST_LEN];
	enum digest_alg alg;
	int64_t packets = iget(media, "packets");
	size_t i;
	int rc, altered = 0;

	*path = NULL;
	if (!json_is_object(json_object_get(v->manifest, "clip")))
		vb_check(v, "clip.proof", 0, (int64_t)e->index, NULL,
		    tr(v, VT_CL_NO_MANIFEST), bundle_kind_name(
		    BUNDLE_MANIFEST), bundle_kind_name(BUNDLE_CLIP));
	if ((c = bundle_clip_find(v->b, e->index)) == NULL) {
		snprintf(why, whysz, tr(v, VT_CL_NO_CLIP), e->index);
		vb_check(v, "clip.packets", 0, (int64_t)e->index, NULL, "%s",
		    why);
		return -1;
	}
	*path = c->name;
	manifest_clip(v, c);
	if (bundle_name_index(BUNDLE_CLIP_PROOF, e->index, pname,
	    sizeof(pname)) != 0 || (pf = bundle_file(v->b, pname)) == NULL) {
		snprintf(why, whysz, tr(v, VT_CL_NO_PROOF), pname);
		vb_check(v, "clip.proof", 0, (int64_t)e->index, pname, "%s",
		    why);
		return 2;
	}
	if (digest_parse(sget(media, "packet_root"), &alg, root) != 0 ||
	    alg != v->alg || packets < 0) {
		snprintf(why, whysz, tr(v, VT_CL_NO_ROOT), e->index);
		vb_check(v, "clip.proof", 0, (int64_t)e->index, pname, "%s",
		    why);
		return 2;
	}
	if (!c->complete || !c->demuxed || (c->leaves.res.status !=
	    PROBE_OK && c->leaves.res.status != PROBE_DAMAGED)) {
		snprintf(why, whysz, tr(v, VT_CL_NOT_DEMUXED), c->name,
		    c->demuxed ? probe_status_name(c->leaves.res.status) :
		    tr(v, VT_W_DID_NOT_RUN), c->demuxed ? ": " : "",
		    c->demuxed ? c->leaves.res.error : "");
		vb_check(v, "clip.packets", 0, (int64_t)e->index, c->name,
		    "%s", why);
		return 2;
	}
	ce.alg = v->alg;
	ce.segment = e->index;
	ce.object = sget(e->j, "object");
	ce.packet_root = root;
	ce.packets = (uint64_t)packets;
	if ((rc = clip_proof_check((const char *)pf->data, pf->len,
	    &c->leaves, &ce, &rep)) != 0) {
		v->nomem = 1;
		return 2;
	}
	fault_check(v, &rep, pname, e->index, (uint64_t)packets);
	snprintf(range, sizeof(range), "%" PRIu64 "..%" PRIu64, rep.first,
	    rep.first + (rep.count > 0 ? rep.count - 1 : 0));
	for (i = 0; i < rep.nkept; i++) {
		failure_check(v, &rep.failures[i], c->name, e->index, range);
		altered |= rep.failures[i].why != CLIP_WHY_BADPROOF;
	}
	if (rep.nfailures > rep.nkept)
		vb_check(v, "clip.packets", 0, (int64_t)e->index, c->name,
		    tr(v, VT_CL_MORE), rep.nfailures, rep.nkept);
	clip_json(v, e->index, c->name, &rep);
	if (rep.ok) {
		vb_check(v, "clip.packets", 1, (int64_t)e->index, c->name,
		    tr(v, VT_CL_PACKETS_OK), rep.count, c->name,
		    secs(rep.from_ms, a, sizeof(a), "?"),
		    secs(rep.to_ms, b, sizeof(b), "?"), range, e->index);
		return 1;
	}
	if (rep.nkept > 0)
		snprintf(why, whysz, "%s", sget(json_array_get(v->checks,
		    json_array_size(v->checks) - 1), "text"));
	return altered || rep.fault == CLIP_FAULT_OBJECT || rep.fault ==
	    CLIP_FAULT_ROOT || rep.fault == CLIP_FAULT_PACKETS ? 0 : 2;
}

void
vb_clip_proven(struct vb *v, const char *when, char *buf, size_t len)
{
	json_t *c = json_object_get(v->report, "clip");
	int64_t seg = vb_clip_segment(v), first = iget(c, "first"),
	    count = iget(c, "count");
	const struct ent *e = seg >= 0 ? vb_ent_find(v, (uint64_t)seg) : NULL;
	char a[32], b[32], range[64];

	snprintf(range, sizeof(range), "%lld..%lld", (long long)first,
	    (long long)(first + count - 1));
	snprintf(buf, len, tr(v, VT_PROVEN_CLIP), (uint64_t)count,
	    secs(json_integer_value(json_object_get(c, "from_ms")), a,
	    sizeof(a), "?"), secs(json_integer_value(json_object_get(c,
	    "to_ms")), b, sizeof(b), "?"), (uint64_t)seg,
	    e != NULL ? sget(e->j, "camera") : "?",
	    e != NULL ? sget(e->j, "time") : "?", range, when,
	    v->inspection, v->chain_len, v->chain_first ?
	    verify_text_type_name(v->lang, v->chain_first) : "?",
	    v->chain_last ? verify_text_type_name(v->lang, v->chain_last) :
	    "?");
}
