/*
 * reports: what the inspection routes read, and the records of reading:
 * one inspection or the list with their findings (docs/inspection.md,
 * "Findings"), the ledger (台账), and the bundle.exported,
 * clip.exported, inspection.viewed and evidence.accessed entries that
 * record an export, a viewing or a copy of a segment.
 */
#include <sys/types.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/calendar.h"
#include "custos/catalog.h"
#include "custos/config.h"
#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/log.h"
#include "custos/registry.h"
#include "custos/rfc3339.h"
#include "daemon/journal.h"
#include "daemon/station.h"
#include "daemon/summary.h"
#include "chain.h"
#include "procedure.h"
#include "reply.h"
#include "reports.h"

/* A non-negative integer member key into *out; 0 or a 400. */
static int
count_field(json_t *obj, const char *key, uint64_t *out, json_t **body)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return reply_error(body, 400,
		    "field \"%s\" must be a non-negative integer", key);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/*
 * bundle.exported (docs/bundle.md): an evidence bundle of the inspection
 * was written.  Who exported it is the peer's user as the kernel names it
 * (SO_PEERCRED), not anything the client says, so the entry cannot be
 * made to name someone else.
 */
static int
do_exported(struct station *st, const struct registry_inspection *i,
    json_t *obj, const struct api_request *req, json_t **body)
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
	    (code = reply_text(obj, "manifest", 0, &manifest, body)) != 0 ||
	    (code = reply_text(obj, "format", 0, &format, body)) != 0 ||
	    (code = reply_text(obj, "purpose", 1, &purpose, body)) != 0)
		return code;
	if (strncmp(manifest, "sha256:", 7) != 0 || strlen(manifest) != 71 ||
	    strspn(manifest + 7, "0123456789abcdef") != 64)
		return reply_error(body, 400,
		    "manifest must be sha256:<64 lower-case hex digits>");
	if (strcmp(format, "dir") != 0 && strcmp(format, "tar") != 0)
		return reply_error(body, 400,
		    "unknown format \"%s\" (dir or tar)", format);
	if (log_checkpoint_get(st->log, size, &note, &len) != 0)
		return reply_error(body, 400, "no checkpoint of tree size %"
		    PRIu64 " is stored: a bundle refers to a stored checkpoint",
		    size);
	free(note);
	if ((p = json_pack("{s:I, s:s, s:I, s:I, s:s}", "checkpoint_size",
	    (json_int_t)size, "manifest", manifest, "files",
	    (json_int_t)files, "bytes", (json_int_t)bytes, "format",
	    format)) == NULL)
		return reply_error(body, 500, "out of memory");
	if (purpose != NULL)
		json_object_set_new(p, "purpose", json_string(purpose));
	chain_peer(p, req->uid);
	return chain_step(st, i, LIFECYCLE_EXPORT, p, body);
}

/* A member key that is "sha256:<hex>" (MANIFEST.json's) or, when alg is
 * set, a digest of the station's profile; 0 or a 400. */
static int
digest_field(json_t *obj, const char *key, const struct station *st,
    const char **out, json_t **body)
{
	uint8_t hash[DIGEST_LEN];
	enum digest_alg alg;
	int code;

	if ((code = reply_text(obj, key, 0, out, body)) != 0)
		return code;
	if (digest_parse(*out, &alg, hash) != 0 || (st != NULL ?
	    alg != st->cfg->digest_alg : alg != DIGEST_SHA256))
		return reply_error(body, 400, "field \"%s\" must be a digest "
		    "%s", key, st != NULL ? "of the station's profile" :
		    "sha256:<64 lower-case hex digits>");
	return 0;
}

/*
 * clip.exported (docs/bundle.md, "Clips"): a clip bundle of one of the
 * inspection's segments was written.  Like bundle.exported it is a step
 * of the case file, allowed after closing, and names the peer's user;
 * the purpose is required, since a clip is made for one use.
 */
static int
do_clip_exported(struct station *st, const struct registry_inspection *i,
    json_t *obj, const struct api_request *req, json_t **body)
{
	static const char *const counts[] = { "segment", "clip_size",
	    "first", "count" };
	const char *manifest, *object, *clip, *from, *to, *purpose;
	uint64_t v[4];
	json_t *p, *fm = json_object_get(obj, "from_ms"),
	    *tm = json_object_get(obj, "to_ms");
	size_t k;
	int code;

	for (k = 0; k < 4; k++)
		if ((code = count_field(obj, counts[k], &v[k], body)) != 0)
			return code;
	if ((code = digest_field(obj, "manifest", NULL, &manifest,
	    body)) != 0 ||
	    (code = digest_field(obj, "object", st, &object, body)) != 0 ||
	    (code = digest_field(obj, "clip", st, &clip, body)) != 0 ||
	    (code = reply_text(obj, "asked_from", 0, &from, body)) != 0 ||
	    (code = reply_text(obj, "asked_to", 0, &to, body)) != 0 ||
	    (code = reply_text(obj, "purpose", 0, &purpose, body)) != 0)
		return code;
	if (!json_is_integer(fm) || !json_is_integer(tm) ||
	    json_integer_value(fm) >= json_integer_value(tm) || v[3] == 0)
		return reply_error(body, 400, "from_ms and to_ms must be "
		    "integers, from_ms before to_ms, and count at least 1");
	if ((p = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:O, s:O, s:s, "
	    "s:s, s:s, s:s}", "segment", (json_int_t)v[0], "object", object,
	    "clip", clip, "clip_size", (json_int_t)v[1], "first",
	    (json_int_t)v[2], "count", (json_int_t)v[3], "from_ms", fm,
	    "to_ms", tm, "asked_from", from, "asked_to", to, "manifest",
	    manifest, "purpose", purpose)) == NULL)
		return reply_error(body, 500, "out of memory");
	chain_peer(p, req->uid);
	return chain_step(st, i, LIFECYCLE_CLIP_EXPORT, p, body);
}

/*
 * inspection.viewed: somebody replayed the inspection or played its
 * footage at the station (118号: viewing is authorised and registered).
 * As for exports, who it was comes from the kernel, not the client.
 */
static int
do_viewed(struct station *st, const struct registry_inspection *i,
    json_t *obj, const struct api_request *req, json_t **body)
{
	const char *what;
	json_t *p;
	int code;

	if ((code = reply_text(obj, "what", 0, &what, body)) != 0)
		return code;
	if (strcmp(what, "replay") != 0 && strcmp(what, "playlist") != 0 &&
	    strcmp(what, "console") != 0)
		return reply_error(body, 400, "unknown view \"%s\" (replay, "
		    "playlist or console)", what);
	if ((p = json_pack("{s:s}", "what", what)) == NULL)
		return reply_error(body, 500, "out of memory");
	chain_peer(p, req->uid);
	return chain_step(st, i, LIFECYCLE_VIEW, p, body);
}

static const char *const k_exported[] = { "checkpoint_size", "manifest",
    "files", "bytes", "format", "purpose", NULL };
static const char *const k_viewed[] = { "what", NULL };
static const char *const k_clip[] = { "segment", "object", "clip",
    "clip_size", "first", "count", "from_ms", "to_ms", "asked_from",
    "asked_to", "manifest", "purpose", NULL };

/* Exports and views may come after the decision closed the inspection:
 * the case file is handed over after closing. */
const struct chain_step inspection_exported = { k_exported,
    LIFECYCLE_EXPORT, do_exported };
const struct chain_step inspection_viewed = { k_viewed, LIFECYCLE_VIEW,
    do_viewed };
const struct chain_step inspection_clip_exported = { k_clip,
    LIFECYCLE_CLIP_EXPORT, do_clip_exported };

/* The entry index as a log index: decimal, no leading zeros.  0 or -1. */
static int
parse_index(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* Entry index of the log as a JSON object into *e (a new reference);
 * 0, or an error. */
static int
read_entry(struct station *st, uint64_t index, json_t **e)
{
	uint8_t *data;
	size_t len;
	int rc;

	if ((rc = log_entry(st->log, index, &data, &len)) != 0)
		return rc;
	*e = json_loadb((const char *)data, len, 0, NULL);
	free(data);
	return json_is_object(*e) ? 0 : CUSTOS_ERR_CORRUPT;
}

/*
 * Whether the chain c (n entries) links segment now: its last
 * evidence.linked or evidence.unlinked naming segment is a link.
 */
static int
links_now(struct station *st, const struct registry_chain_entry *c,
    size_t n, uint64_t segment)
{
	json_t *e, *s;
	size_t k;
	int link, linked = 0;

	for (k = 0; k < n; k++) {
		link = strcmp(c[k].type, ENTRY_EVIDENCE_LINKED) == 0;
		if ((!link && strcmp(c[k].type, ENTRY_EVIDENCE_UNLINKED) != 0) ||
		    read_entry(st, c[k].index, &e) != 0)
			continue;
		s = json_object_get(e, "segment");
		if (json_is_integer(s) && json_integer_value(s) ==
		    (json_int_t)segment)
			linked = link;
		json_decref(e);
	}
	return linked;
}

/*
 * The IDs of the inspections segment is linked to now, as a new array
 * (empty when none), or NULL when the registry cannot be read.
 */
static json_t *
linked_inspections(struct station *st, uint64_t segment)
{
	struct registry_inspection *i;
	struct registry_chain_entry *c;
	size_t n, nc, k;
	json_t *arr;

	if (registry_inspections(st->registry, &i, &n) != 0)
		return NULL;
	if ((arr = json_array()) != NULL)
		for (k = 0; k < n; k++) {
			if (registry_inspection_chain(st->registry, i[k].id,
			    &c, &nc) != 0)
				continue;
			if (links_now(st, c, nc, segment))
				json_array_append_new(arr,
				    json_string(i[k].id));
			registry_chain_free(c, nc);
		}
	registry_inspections_free(i, n);
	return arr;
}

/*
 * The segment.sealed entry index into *seg (a new reference), checked
 * against the object the client read: 0, or the refusal.  A disposed
 * object has no bytes to have been read (docs/retention.md).
 */
static int
accessed_segment(struct station *st, const char *param, const char *object,
    json_t **seg, uint64_t *index, json_t **body)
{
	uint8_t hash[DIGEST_LEN];
	enum digest_alg alg;
	const char *type, *sealed;
	uint64_t del;
	int rc;

	*seg = NULL;
	if (parse_index(param, index) != 0 || *index >= log_size(st->log))
		return reply_refuse(body, 404, "segment_unknown", "no entry %s "
		    "in the log", param);
	if ((rc = read_entry(st, *index, seg)) != 0)
		return reply_failed(body, rc, "cannot read the log");
	type = json_string_value(json_object_get(*seg, "type"));
	sealed = json_string_value(json_object_get(*seg, "object"));
	if (type == NULL || strcmp(type, ENTRY_SEGMENT_SEALED) != 0 ||
	    sealed == NULL)
		return reply_refuse(body, 404, "segment_unknown", "entry %"
		    PRIu64 " is not a " ENTRY_SEGMENT_SEALED, *index);
	if (strcmp(sealed, object) != 0)
		return reply_refuse(body, 409, "object_mismatch", "segment %"
		    PRIu64 " seals %s, not %s", *index, sealed, object);
	if (digest_parse(sealed, &alg, hash) != 0)
		return reply_failed(body, CUSTOS_ERR_CORRUPT,
		    "cannot read the segment's object");
	if ((rc = catalog_deleted(st->catalog, hash, &del)) == 0)
		return reply_refuse(body, 409, "object_disposed", "segment %"
		    PRIu64 "'s object %s was disposed of by entry %" PRIu64
		    " (" ENTRY_OBJECT_DELETED ")", *index, sealed, del);
	if (rc != CUSTOS_ERR_NOTFOUND)
		return reply_failed(body, rc, "cannot read the catalog");
	return 0;
}

/*
 * POST /v1/segments/{index}/accessed: evidence.accessed, a segment's
 * bytes were read (custos segment get).  The entry names the inspections
 * the segment is linked to now as "linked_inspections", not
 * "inspection": an entry naming an inspection joins its chain, and a
 * copy of footage is a read of the station's store, not a step of the
 * case file.  Who read it comes from the kernel, as for exports.
 */
int
segment_accessed(const struct route_env *env, const struct api_request *req,
    const char *param, json_t **body)
{
	static const char *const keys[] = { "object", "purpose", NULL };
	struct station *st = env->st;
	const char *object, *purpose;
	uint64_t index = 0, logged;
	json_t *obj, *seg = NULL, *p = NULL, *linked;
	int code;

	if ((code = reply_parse_body(req, keys, &obj, body)) != 0)
		return code;
	if ((code = digest_field(obj, "object", st, &object, body)) != 0 ||
	    (code = reply_text(obj, "purpose", 0, &purpose, body)) != 0 ||
	    (code = accessed_segment(st, param, object, &seg, &index,
	    body)) != 0)
		goto out;
	if ((linked = linked_inspections(st, index)) == NULL) {
		code = reply_failed(body, CUSTOS_ERR_DB, "cannot read the "
		    "registry");
		goto out;
	}
	if ((p = json_pack("{s:s, s:I, s:s, s:s}", "what", "segment",
	    "segment", (json_int_t)index, "object", object, "purpose",
	    purpose)) == NULL) {
		json_decref(linked);
		code = reply_error(body, 500, "out of memory");
		goto out;
	}
	if (json_array_size(linked) > 0)
		json_object_set(p, "linked_inspections", linked);
	json_decref(linked);
	chain_peer(p, req->uid);
	code = chain_append(st, ENTRY_EVIDENCE_ACCESSED, p, &logged, body);
out:
	json_decref(p);
	json_decref(seg);
	json_decref(obj);
	return code;
}

/*
 * The members of i's course that an inspection and its ledger row both
 * show, closed_at only when asked.
 */
static void
course_json(json_t *j, const struct registry_inspection *i, int closed)
{
	json_object_set_new(j, "emergency", json_boolean(i->emergency));
	reply_set_opt(j, "state", i->state);
	reply_set_opt(j, "entered_at", i->entered_at);
	reply_set_opt(j, "left_at", i->left_at);
	if (closed)
		reply_set_opt(j, "closed_at", i->closed_at);
	reply_set_opt(j, "result", i->result);
	reply_set_opt(j, "deadline", i->deadline);
}

static json_t *
inspection_json(const struct registry_inspection *i, const char *now)
{
	json_t *j, *off;

	off = json_loads(i->officers, 0, NULL);
	if ((j = json_pack("{s:s, s:s, s:o*}", "id", i->id, "enterprise",
	    i->enterprise, "officers", off)) == NULL)
		return NULL;
	reply_set_opt(j, "basis", i->basis);
	reply_set_opt(j, "content", i->content);
	reply_set_opt(j, "planned", i->planned);
	reply_set_opt(j, "method", i->method);
	course_json(j, i, 1);
	if (i->emergency) {
		reply_set_opt(j, "backfill_due", i->backfill_due);
		reply_set_opt(j, "backfill_due_unknown", i->backfill_due_unknown);
		json_object_set_new(j, "backfilled",
		    json_boolean(i->backfilled));
		json_object_set_new(j, "backfill_late",
		    json_boolean(i->backfill_late));
		json_object_set_new(j, "overdue",
		    json_boolean(summary_overdue(i, now)));
	}
	json_object_set_new(j, "index", json_integer((json_int_t)i->index));
	json_object_set_new(j, "last_index",
	    json_integer((json_int_t)i->last_index));
	reply_set_opt(j, "last_leaf", i->last_leaf);
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
		rc = evidence_findings(ev, st->calendar, summary_now_ms(), &f);
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
	chain_beijing_date(ms, buf, len);
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
		if (strcmp(type, ENTRY_EVIDENCE_LINKED) == 0 && m == n)
			seen[n++] = s;
		else if (strcmp(type, ENTRY_EVIDENCE_UNLINKED) == 0 && m < n)
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

/*
 * Marks each of the row's credit_repairs (procedure_json()) "overdue"
 * when the findings f have a credit_repair_overdue that cites it.
 */
static void
credit_overdue(json_t *row, const json_t *f)
{
	json_t *c, *x, *v;
	json_int_t idx;
	const char *rule;
	size_t k, m, n;
	int over;

	json_array_foreach(json_object_get(row, "credit_repairs"), k, c) {
		idx = json_integer_value(json_object_get(c, "index"));
		over = 0;
		json_array_foreach(f, m, x) {
			rule = json_string_value(json_object_get(x, "rule"));
			if (rule == NULL ||
			    strcmp(rule, "credit_repair_overdue") != 0)
				continue;
			json_array_foreach(json_object_get(x, "entries"), n, v)
				over |= json_integer_value(v) == idx;
		}
		json_object_set_new(c, "overdue", json_boolean(over));
	}
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
	int rc;

	if ((row = json_pack("{s:s, s:s, s:s}", "id", i->id, "date", date,
	    "enterprise", i->enterprise)) == NULL)
		return NULL;
	if (registry_enterprise(st->registry, i->enterprise, &ent) == 0) {
		reply_set_opt(row, "enterprise_name", ent->name);
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
	reply_set_opt(row, "method", i->method);
	reply_set_opt(row, "basis", i->basis);
	reply_set_opt(row, "content", i->content);
	course_json(row, i, 0);
	footage(g, &count, &dur);
	json_object_set_new(row, "footage_count", json_integer(count));
	json_object_set_new(row, "footage_duration_ms", json_integer(dur));
	/*
	 * The steps after the visit, as the inspection's own answer shows
	 * them; a row without them (the registry failing) still counts.
	 */
	if ((rc = procedure_json(st, i->id, row)) != 0)
		log_warnx_r(rc, "inspection %s: cannot read its procedure",
		    i->id);
	else
		credit_overdue(row, f);
	names = json_array();
	json_array_foreach(f, k, v)
		json_array_append(names, json_object_get(v, "rule"));
	json_object_set_new(row, "findings", names);
	return row;
}

/* GET /v1/ledger?from=DATE&to=DATE: one row per inspection in range. */
int
ledger_get(const struct route_env *env, const struct api_request *req,
    const char *param, json_t **body)
{
	static const char *const keys[] = { "from", "to", NULL };
	struct station *st = env->st;
	const char *query = req->query;
	struct registry_inspection *i;
	struct evidence g;
	char from[16] = "", to[16] = "", date[16];
	json_t *arr, *f;
	size_t k, n;
	int rc;

	(void)param;
	if (!reply_query_only(query, keys))
		return reply_error(body, 400,
		    "unknown query \"%s\" (from=DATE, to=DATE)", query);
	if ((reply_query_value(query, "from", from, sizeof(from)) &&
	    registry_check_date(from) != 0) || (reply_query_value(query, "to",
	    to, sizeof(to)) && registry_check_date(to) != 0))
		return reply_error(body, 400, "from and to must be dates "
		    "YYYY-MM-DD");
	if ((rc = registry_inspections(st->registry, &i, &n)) != 0)
		return reply_failed(body, rc, "cannot read the registry");
	if ((arr = json_array()) == NULL) {
		registry_inspections_free(i, n);
		return reply_error(body, 500, "out of memory");
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

int
inspection_get(const struct route_env *env, const struct api_request *req,
    const char *id, json_t **body)
{
	struct station *st = env->st;
	struct evidence ev = { 0 };
	struct registry_inspection *i;
	struct registry_chain_entry *c;
	char now[RFC3339_LEN];
	json_t *arr, *f;
	size_t k, n;
	int rc;

	(void)req;
	if ((rc = chain_load(st, id, LIFECYCLE_VIEW, &i, body)) != 0)
		return rc;
	rfc3339_format(summary_now_ms(), now, sizeof(now));
	if ((*body = inspection_json(i, now)) != NULL &&
	    (f = findings(st, i, &ev)) != NULL)
		json_object_set_new(*body, "findings", f);
	if ((rc = procedure_json(st, id, *body)) != 0)
		log_warnx_r(rc, "inspection %s: cannot read its procedure", id);
	evidence_free(&ev);
	registry_inspection_free(i);
	if ((rc = registry_inspection_chain(st->registry, id, &c, &n)) != 0)
		return reply_failed(body, rc, "cannot read the registry");
	if ((arr = json_array()) != NULL)
		for (k = 0; k < n; k++)
			json_array_append_new(arr, json_pack("{s:I, s:s}",
			    "index", (json_int_t)c[k].index, "type",
			    c[k].type));
	registry_chain_free(c, n);
	reply_set_new(*body, "chain", arr);
	return 200;
}

int
inspections_list(const struct route_env *env, const struct api_request *req,
    const char *param, json_t **body)
{
	static const char *const keys[] = { "open", "overdue", "findings",
	    NULL };
	struct station *st = env->st;
	const char *query = req->query;
	struct evidence ev = { 0 };
	struct registry_inspection *i;
	char now[RFC3339_LEN], v[8];
	json_t *arr, *j, *f;
	size_t k, n;
	int rc, open, over, fnd;

	(void)param;
	if (!reply_query_only(query, keys))
		return reply_error(body, 400, "unknown query \"%s\" (open=1, "
		    "overdue=1, findings=1)", query);
	open = reply_query_value(query, "open", v, sizeof(v)) && strcmp(v,
	    "1") == 0;
	over = reply_query_value(query, "overdue", v, sizeof(v)) &&
	    strcmp(v, "1") == 0;
	fnd = reply_query_value(query, "findings", v, sizeof(v)) &&
	    strcmp(v, "1") == 0;
	if ((rc = registry_inspections(st->registry, &i, &n)) != 0)
		return reply_failed(body, rc, "cannot read the registry");
	for (k = 0; k < n && rc == 0; k++)
		rc = station_backfill_due(st, &i[k]);
	if (rc != 0) {
		registry_inspections_free(i, n);
		return reply_failed(body, rc, "cannot read the registry");
	}
	rfc3339_format(summary_now_ms(), now, sizeof(now));
	if ((arr = json_array()) != NULL)
		for (k = 0; k < n; k++) {
			if ((open && i[k].lifecycle.state == LIFECYCLE_CLOSED) ||
			    (over && !summary_overdue(&i[k], now)))
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

