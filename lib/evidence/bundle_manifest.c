/*
 * bundle_manifest: what a bundle carries besides the entries (bundle.h):
 * the objects that the gathered evidence seals, each named by the
 * layout, and MANIFEST.json (docs/bundle.md), which describes each item
 * as 行政诉讼证据规定 Art. 12 asks: how, when and by whom it was made
 * and what it is meant to prove.  Everything here is read from the
 * evidence's entries; nothing is looked up elsewhere.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "custos/bundle.h"
#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/rfc3339.h"
#include "bundle_int.h"
#include "evidence_int.h"

/* A string member, or NULL. */
static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int
is_type(const json_t *e, const char *type)
{
	return strcmp(evidence_type(e), type) == 0;
}

/* The proof-carrying object.deleted of ev that names hash, or NULL. */
static const struct evidence_entry *
disposal_of(const struct evidence *ev, const uint8_t hash[DIGEST_LEN])
{
	const struct evidence_entry *d;
	uint8_t h[DIGEST_LEN];
	enum digest_alg alg;
	size_t k;

	for (k = 0; k < ev->n[EVIDENCE_DISPOSAL]; k++) {
		d = &ev->e[EVIDENCE_DISPOSAL][k];
		if (str(d->json, "object") != NULL && digest_parse(str(d->json,
		    "object"), &alg, h) == 0 && memcmp(h, hash,
		    DIGEST_LEN) == 0)
			return d;
	}
	return NULL;
}

/*
 * Adds the object an entry seals to w->media, once per object; one that
 * was disposed of is listed with its object.deleted and not carried.
 */
static int
add_object(struct bundle_writer *w, const struct evidence_entry *e)
{
	const char *obj = str(e->json, "object");
	json_t *sz = json_object_get(e->json, "size");
	struct bundle_object *m;
	enum digest_alg alg;
	uint8_t hash[DIGEST_LEN];
	char ext[16];
	size_t k;
	int doc = is_type(e->json, ENTRY_DOCUMENT_SEALED);

	if (obj == NULL || digest_parse(obj, &alg, hash) != 0 ||
	    alg != w->alg || !json_is_integer(sz) ||
	    json_integer_value(sz) < 0)
		return bundle_writer_fail(w, CUSTOS_ERR_FORMAT, 0, "entry %"
		    PRIu64 " names no object of this station's profile with "
		    "a size", e->index);
	for (k = 0; k < w->nmedia; k++)
		if (memcmp(w->media[k].hash, hash, DIGEST_LEN) == 0)
			return 0;
	if ((m = reallocarray(w->media, w->nmedia + 1, sizeof(*m))) == NULL)
		return bundle_writer_fail(w, CUSTOS_ERR_NOMEM, 0,
		    "out of memory");
	w->media = m;
	m = &w->media[w->nmedia];
	memcpy(m->hash, hash, DIGEST_LEN);
	if (bundle_name_media(hash, bundle_media_ext(str(json_object_get(
	    e->json, "media"), "container"), str(e->json, doc ? "name" :
	    "path"), ext, sizeof(ext)), m->name, sizeof(m->name)) != 0)
		return bundle_writer_fail(w, CUSTOS_ERR_FORMAT, 0, "entry %"
		    PRIu64 ": its object has no name in the bundle layout",
		    e->index);
	m->size = (uint64_t)json_integer_value(sz);
	m->entry = e;
	m->disposal = disposal_of(w->ev, hash);
	w->nmedia++;
	return 0;
}

int
bundle_writer_collect(struct bundle_writer *w, const struct evidence *ev)
{
	size_t k;
	int rc;

	w->ev = ev;
	for (k = 0; k < ev->n[EVIDENCE_SEGMENT]; k++)
		if ((rc = add_object(w, &ev->e[EVIDENCE_SEGMENT][k])) != 0)
			return rc;
	for (k = 0; k < ev->n[EVIDENCE_CHAIN]; k++)
		if (is_type(ev->e[EVIDENCE_CHAIN][k].json,
		    ENTRY_DOCUMENT_SEALED) && (rc = add_object(w,
		    &ev->e[EVIDENCE_CHAIN][k])) != 0)
			return rc;
	return 0;
}

/* The latest context entry of type whose key is value, before index. */
static const json_t *
context(const struct evidence *ev, const char *type, const char *key,
    const char *value, uint64_t before)
{
	const json_t *found = NULL;
	size_t k;

	if (value == NULL)
		return NULL;
	for (k = 0; k < ev->n[EVIDENCE_CONTEXT]; k++) {
		const struct evidence_entry *e = &ev->e[EVIDENCE_CONTEXT][k];

		if (e->index < before && is_type(e->json, type) &&
		    str(e->json, key) != NULL &&
		    strcmp(str(e->json, key), value) == 0)
			found = e->json;
	}
	return found;
}

/* The dock.session that lists segment as sealed (else at all), or -1. */
static json_int_t
session_of(const struct evidence *ev, uint64_t segment)
{
	json_int_t any = -1;
	json_t *inv, *item;
	size_t k, i;

	for (k = 0; k < ev->n[EVIDENCE_SESSION]; k++) {
		inv = json_object_get(ev->e[EVIDENCE_SESSION][k].json,
		    "inventory");
		json_array_foreach(inv, i, item) {
			if (json_integer_value(json_object_get(item,
			    "index")) != (json_int_t)segment ||
			    !json_is_integer(json_object_get(item, "index")))
				continue;
			if (str(item, "status") != NULL &&
			    strcmp(str(item, "status"), "sealed") == 0)
				return (json_int_t)ev->e[EVIDENCE_SESSION][k].
				    index;
			if (any < 0)
				any = (json_int_t)ev->e[EVIDENCE_SESSION][k].
				    index;
		}
	}
	return any;
}

/* Whether segment is linked now: links and unlinks in chain order. */
static int
linked_now(const struct evidence *ev, uint64_t segment)
{
	const json_t *e;
	size_t k;
	int linked = 0;

	for (k = 0; k < ev->n[EVIDENCE_CHAIN]; k++) {
		e = ev->e[EVIDENCE_CHAIN][k].json;
		if (json_integer_value(json_object_get(e, "segment")) !=
		    (json_int_t)segment)
			continue;
		if (is_type(e, ENTRY_EVIDENCE_LINKED))
			linked = 1;
		else if (is_type(e, ENTRY_EVIDENCE_UNLINKED))
			linked = 0;
	}
	return linked;
}

static void
set_str(json_t *o, const char *key, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, key, json_string(v));
}

/* What kind of item a segment is, from its streams. */
static const char *
segment_kind(const json_t *e, const char *name)
{
	json_t *streams = json_object_get(json_object_get(e, "media"),
	    "streams"), *s;
	size_t k;
	int video = 0, audio = 0;
	const char *dot = strrchr(name, '.');

	if (dot != NULL && (strcmp(dot, ".jpg") == 0 || strcmp(dot,
	    ".png") == 0))
		return "image";
	json_array_foreach(streams, k, s) {
		video |= str(s, "kind") != NULL && strcmp(str(s, "kind"),
		    "video") == 0;
		audio |= str(s, "kind") != NULL && strcmp(str(s, "kind"),
		    "audio") == 0;
	}
	return video ? "video" : audio ? "audio" : "other";
}

/* made, time and maker of a segment item, from its entry and context. */
static void
segment_item(const struct evidence *ev, const struct evidence_entry *se,
    json_t *made, json_t *tm, json_t *maker)
{
	const json_t *e = se->json, *dev, *as, *off;
	json_t *media = json_object_get(e, "media");
	const char *officer, *cam = str(e, "camera");
	json_int_t s;

	set_str(made, "method", str(e, "source"));
	set_str(made, "device", cam);
	if ((dev = context(ev, ENTRY_DEVICE_REGISTERED, "camera", cam,
	    se->index)) != NULL) {
		set_str(made, "device_kind", str(dev, "kind"));
		set_str(made, "model", str(dev, "model"));
		set_str(made, "review", str(dev, "review"));
	}
	set_str(made, "original_name", str(e, "path"));
	set_str(made, "container", str(media, "container"));
	if ((s = session_of(ev, se->index)) >= 0)
		json_object_set_new(made, "session", json_integer(s));
	set_str(tm, "recorded_start", str(media, "recorded_start"));
	if (json_is_integer(json_object_get(media, "duration_ms")))
		json_object_set(tm, "duration_ms", json_object_get(media,
		    "duration_ms"));
	set_str(tm, "mtime", str(e, "mtime"));
	/* Who carried the camera: the sealer's note, else the assignment. */
	officer = str(e, "officer");
	as = context(ev, ENTRY_CAMERA_ASSIGNED, "camera", cam, se->index);
	if (officer == NULL && as != NULL)
		officer = str(as, "officer");
	if (officer == NULL)
		return;
	set_str(maker, "officer", officer);
	if ((off = context(ev, ENTRY_OFFICER_ADDED, "officer", officer,
	    UINT64_MAX)) != NULL)
		set_str(maker, "name", str(off, "name"));
}

/* One item of MANIFEST.json, or NULL when out of memory. */
static json_t *
manifest_item(const struct evidence *ev, const struct bundle_object *m,
    const char *purpose)
{
	const json_t *e = m->entry->json;
	json_t *it, *made, *tm, *maker;
	int doc = is_type(e, ENTRY_DOCUMENT_SEALED);

	it = json_pack("{s:s, s:s, s:I, s:I}", "path", m->name, "object",
	    str(e, "object"), "size", (json_int_t)m->size, "entry",
	    (json_int_t)m->entry->index);
	/* A disposed object is not in the bundle: no path, its disposal. */
	if (it != NULL && m->disposal != NULL) {
		json_object_del(it, "path");
		json_object_set_new(it, "disposed", json_pack("{s:I, s:s?, "
		    "s:s?}", "entry", (json_int_t)m->disposal->index, "at",
		    str(m->disposal->json, "time"), "rule",
		    str(m->disposal->json, "rule")));
	}
	made = json_object();
	tm = json_object();
	maker = json_object();
	if (it == NULL || made == NULL || tm == NULL || maker == NULL) {
		json_decref(it);
		json_decref(made);
		json_decref(tm);
		json_decref(maker);
		return NULL;
	}
	if (doc) {
		set_str(it, "kind", str(e, "kind") != NULL &&
		    strcmp(str(e, "kind"), "photo") == 0 ? "image" :
		    "document");
		set_str(made, "method", "document");
		set_str(made, "document_kind", str(e, "kind"));
		set_str(made, "name", str(e, "name"));
	} else {
		set_str(it, "kind", segment_kind(e, m->name));
		segment_item(ev, m->entry, made, tm, maker);
	}
	set_str(tm, "sealed", str(e, "time"));
	json_object_set_new(it, "made", made);
	json_object_set_new(it, "time", tm);
	if (json_object_size(maker) > 0)
		json_object_set_new(it, "maker", maker);
	else
		json_decref(maker);
	set_str(it, "purpose", purpose);
	json_object_set_new(it, "linked", json_boolean(doc ||
	    linked_now(ev, m->entry->index)));
	json_object_set_new(it, "transcript", json_null());
	return it;
}

static const char *const role_names[EVIDENCE_NROLES] = {
	"chain", "segment", "session", "context", "station", "disposal"
};

/* The manifest's head: format, station, checkpoint and the export. */
static json_t *
manifest_head(const struct bundle_input *in)
{
	json_t *m, *ts;
	char when[32];

	rfc3339_format(in->exported_at, when, sizeof(when));
	m = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "format",
	    BUNDLE_FORMAT, "profile", in->profile, "station", in->station,
	    "key_id", in->key_id, "inspection", in->inspection,
	    "checkpoint_size", (json_int_t)in->size);
	if (m == NULL)
		return NULL;
	if (in->tsr != NULL) {
		ts = json_pack("{s:s}", "time", in->tsr_time);
		if (ts != NULL && in->tsa_url != NULL)
			set_str(ts, "tsa", in->tsa_url);
		json_object_set_new(m, "timestamp", ts);
	} else
		set_str(m, "untimestamped", in->untimestamped != NULL ?
		    in->untimestamped : "no timestamp");
	set_str(m, "exported_at", when);
	set_str(m, "exported_by", in->exported_by);
	return m;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Sorts the calendar file names of in by name into w->calendars, so that
 * the manifest and the members list them the same way whatever order
 * the directory gave them in.
 */
static int
sort_calendars(struct bundle_writer *w, const struct bundle_input *in)
{
	size_t k;

	free(w->calendars);
	w->calendars = NULL;
	if (in->ncalendars == 0)
		return 0;
	if ((w->calendars = reallocarray(NULL, in->ncalendars,
	    sizeof(*w->calendars))) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (k = 0; k < in->ncalendars; k++)
		w->calendars[k] = in->calendars[k];
	qsort(w->calendars, in->ncalendars, sizeof(*w->calendars), cmp_name);
	return 0;
}

/*
 * A clip bundle's one item (the clipped segment's, with the clip's path
 * and size) and its "clip" object (docs/bundle.md, "Clips").
 */
static int
clip_lists(struct bundle_writer *w, json_t *m, json_t *items,
    const char *purpose)
{
	const struct bundle_object *o = &w->media[w->clip_obj];
	const struct bundle_clip *c = &w->clip;
	json_t *it, *cl;

	if ((it = manifest_item(w->ev, o, purpose)) == NULL ||
	    json_array_append_new(items, it) != 0)
		return CUSTOS_ERR_NOMEM;
	set_str(it, "path", w->clip_name);
	json_object_set_new(it, "size", json_integer((json_int_t)
	    w->clip_size));
	cl = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:s, s:s}", "segment", (json_int_t)c->segment, "path",
	    w->clip_name, "proof", w->clip_proof_name, "object",
	    str(o->entry->json, "object"), "clip", w->clip_digest, "size",
	    (json_int_t)w->clip_size, "first", (json_int_t)c->first, "count",
	    (json_int_t)c->count, "packets", (json_int_t)c->packets,
	    "from_ms", (json_int_t)c->from_ms, "to_ms", (json_int_t)c->to_ms,
	    "asked_from", c->asked_from, "asked_to", c->asked_to);
	if (cl == NULL || json_object_set_new(m, "clip", cl) != 0)
		return CUSTOS_ERR_NOMEM;
	return 0;
}

/* Hashes the clip on c->fd from its start into w. */
static int
hash_clip(struct bundle_writer *w, int fd)
{
	struct digest *d = NULL;
	uint8_t *buf;
	ssize_t n;
	off_t off = 0;
	int rc = 0;

	if ((buf = malloc(1 << 20)) == NULL || digest_new(w->alg, &d) != 0) {
		free(buf);
		return bundle_writer_fail(w, CUSTOS_ERR_NOMEM, 0,
		    "out of memory");
	}
	while ((n = pread(fd, buf, 1 << 20, off)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			rc = bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, errno,
			    "cannot read the clip");
			break;
		}
		if ((rc = digest_update(d, buf, (size_t)n)) != 0)
			break;
		off += n;
	}
	if (rc == 0)
		rc = digest_final(d, w->clip_hash);
	digest_free(d);
	free(buf);
	if (rc != 0 && w->why[0] == '\0')
		return bundle_writer_fail(w, rc, 0, "cannot hash the clip: %s",
		    custos_strerror(rc));
	w->clip_size = (uint64_t)off;
	return rc;
}

int
bundle_writer_clip(struct bundle_writer *w, const struct bundle_clip *c)
{
	const char *ext;
	size_t k;
	int rc;

	w->why[0] = '\0';
	if (w->ev == NULL || w->manifest != NULL)
		return bundle_writer_fail(w, CUSTOS_ERR_INVALID, 0,
		    "bundle_writer_clip: no evidence, or a manifest already");
	for (k = 0; k < w->nmedia; k++)
		if (w->media[k].entry->index == c->segment &&
		    !is_type(w->media[k].entry->json, ENTRY_DOCUMENT_SEALED))
			break;
	if (k == w->nmedia)
		return bundle_writer_fail(w, CUSTOS_ERR_NOTFOUND, 0, "segment %"
		    PRIu64 " is not among the inspection's evidence", c->segment);
	if (c->prooflen > BUNDLE_MAX_CLIP_PROOF)
		return bundle_writer_fail(w, CUSTOS_ERR_TOOBIG, 0, "the packet "
		    "proof of the clip has %zu bytes, over the %d the layout "
		    "allows: ask for a shorter span", c->prooflen,
		    BUNDLE_MAX_CLIP_PROOF);
	ext = strrchr(w->media[k].name, '.') + 1;
	if (bundle_name_clip(c->segment, ext, w->clip_name,
	    sizeof(w->clip_name)) != 0 || bundle_name_index(BUNDLE_CLIP_PROOF,
	    c->segment, w->clip_proof_name, sizeof(w->clip_proof_name)) != 0)
		return bundle_writer_fail(w, CUSTOS_ERR_FORMAT, 0, "segment %"
		    PRIu64 ": its clip has no name in the bundle layout",
		    c->segment);
	if ((rc = hash_clip(w, c->fd)) != 0)
		return rc;
	digest_format(w->alg, w->clip_hash, w->clip_digest,
	    sizeof(w->clip_digest));
	w->clip = *c;
	w->clip_obj = k;
	w->is_clip = 1;
	return 0;
}

const char *
bundle_writer_clip_digest(const struct bundle_writer *w)
{
	return w->clip_digest;
}

uint64_t
bundle_writer_clip_size(const struct bundle_writer *w)
{
	return w->clip_size;
}

/* chain, entries, items and calendars, added to m. */
static int
manifest_lists(struct bundle_writer *w, json_t *m, const char *purpose)
{
	const struct evidence *ev = w->ev;
	const struct bundle_input *in = w->in;
	json_t *chain = json_array(), *ents = json_array(),
	    *items = json_array(), *cals;
	char name[64];
	size_t r, k;

	json_object_set_new(m, "chain", chain);
	json_object_set_new(m, "entries", ents);
	json_object_set_new(m, "items", items);
	if (chain == NULL || ents == NULL || items == NULL)
		return CUSTOS_ERR_NOMEM;
	for (k = 0; k < ev->n[EVIDENCE_CHAIN]; k++)
		json_array_append_new(chain, json_integer(
		    (json_int_t)ev->e[EVIDENCE_CHAIN][k].index));
	for (r = 0; r < EVIDENCE_NROLES; r++)
		for (k = 0; k < ev->n[r]; k++)
			json_array_append_new(ents, json_pack("{s:I, s:s, s:s}",
			    "index", (json_int_t)ev->e[r][k].index, "type",
			    evidence_type(ev->e[r][k].json), "role",
			    role_names[r]));
	if (w->is_clip && clip_lists(w, m, items, purpose) != 0)
		return CUSTOS_ERR_NOMEM;
	for (k = 0; k < w->nmedia && !w->is_clip; k++)
		if (json_array_append_new(items, manifest_item(ev,
		    &w->media[k], purpose)) != 0)
			return CUSTOS_ERR_NOMEM;
	if (in->ncalendars == 0)
		return 0;
	if ((cals = json_array()) == NULL)
		return CUSTOS_ERR_NOMEM;
	json_object_set_new(m, "calendars", cals);
	for (k = 0; k < in->ncalendars; k++) {
		if (bundle_name_calendar(w->calendars[k], name,
		    sizeof(name)) != 0)
			return bundle_writer_fail(w, CUSTOS_ERR_FORMAT, 0,
			    "%s: not a calendar file name of the bundle "
			    "layout", w->calendars[k]);
		json_array_append_new(cals, json_string(name));
	}
	return 0;
}

/* m as text, indented, with the newline any text file ends with. */
static int
manifest_text(struct bundle_writer *w, const json_t *m)
{
	char *s;
	size_t len;

	if ((s = json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) == NULL)
		return CUSTOS_ERR_NOMEM;
	len = strlen(s);
	if ((w->manifest = realloc(s, len + 2)) == NULL) {
		free(s);
		return CUSTOS_ERR_NOMEM;
	}
	w->manifest[len++] = '\n';
	w->manifest[len] = '\0';
	w->manifestlen = len;
	return 0;
}

int
bundle_writer_manifest(struct bundle_writer *w, const struct bundle_input *in)
{
	char *purpose = NULL;
	json_t *m;
	int rc;

	if (w->ev == NULL || w->manifest != NULL)
		return bundle_writer_fail(w, CUSTOS_ERR_INVALID, 0,
		    "bundle_writer_manifest: no evidence, or made already");
	w->in = in;
	if (sort_calendars(w, in) != 0 ||
	    (in->purpose == NULL && asprintf(&purpose, "the conduct of "
	    "inspection %s", in->inspection) == -1))
		return bundle_writer_fail(w, CUSTOS_ERR_NOMEM, 0,
		    "out of memory");
	if ((m = manifest_head(in)) == NULL)
		rc = CUSTOS_ERR_NOMEM;
	else if ((rc = manifest_lists(w, m, in->purpose != NULL ?
	    in->purpose : purpose)) == 0)
		rc = manifest_text(w, m);
	json_decref(m);
	free(purpose);
	if (rc == CUSTOS_ERR_NOMEM)
		return bundle_writer_fail(w, rc, 0, "out of memory");
	if (rc != 0)
		return rc;
	if ((rc = bundle_manifest_digest(w->manifest, w->manifestlen,
	    w->manifest_digest)) != 0)
		return bundle_writer_fail(w, rc, 0, "cannot hash the "
		    "manifest: %s", custos_strerror(rc));
	return 0;
}
