/*
 * cli_audit: custos audit [--json] [--no-objects].
 *
 * Replays the whole log and checks, in six parts (docs/audit.md):
 *
 *	log		log_verify_all(): every leaf re-hashed, the tree
 *			recomputed, every checkpoint's signature, root and
 *			consistency; and each entry a JSON object whose
 *			"index" is its position and "station" this station
 *	timestamps	every stored RFC 3161 token against [tsa] ca
 *	objects		every object a segment.sealed or document.sealed
 *			names is in the store with its size and hash, unless
 *			an object.deleted disposed of it later
 *	cameras		camera_prev chains; dock.session inventories agree
 *			with the segments they name; files the station saw
 *			go missing from a camera unsealed are listed
 *	inspections	inspection_prev chains, each starting with a
 *			registration; every evidence.linked names a sealed
 *			segment with its object
 *	findings	every inspection's procedure findings (rules.h)
 *			and every hole in a camera's file numbering that a
 *			dock.session recorded (numbering_gap), explained by
 *			a camera.numbering_reason or not: reported, not
 *			integrity failures
 *
 * One pass over the entries feeds parts 3 to 5; the maps it keeps are
 * jansson objects keyed by object hash, camera, inspection or index, so
 * memory grows with the number of objects and chains, not with bytes.
 * Every failure is kept with the entry (or tree size) it concerns, and
 * nothing stops at the first one: an auditor wants the whole list.  The
 * report is printed by cli_audit_report.c (cli_audit_int.h).
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "custos/config.h"
#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "custos/note.h"
#include "custos/registry.h"
#include "custos/tsa.h"
#include "custos/util.h"
#include "cli_audit.h"
#include "cli_audit_central.h"
#include "cli_audit_int.h"
#include "cli_log.h"
#include "cli_replay.h"
#include "tools/cli_util.h"

#define CHUNK		(1024 * 1024)
#define BAR_WIDTH	30
#define NO_ENTRY	UINT64_MAX

static int
usage(void)
{
	cli_audit_usage(stderr);
	return CLI_EXIT_USAGE;
}

void
cli_audit_usage(FILE *f)
{
	fprintf(f, "usage: custos [-c CONF] audit [--json] [--no-objects]\n"
	    "       custos [-c CONF] audit --replica --key VKEY "
	    "[--key VKEY]... [--witness VKEY]...\n"
	    "           [--quorum K] [--sample RATE] [--state FILE] "
	    "[--json]\n");
}

/*
 * Records one integrity failure of part p about entry (NO_ENTRY when it
 * concerns no single entry).  extra, when not NULL, is merged into the
 * failure's JSON object (consumed).
 */
static void fail(struct audit *, enum part, uint64_t, json_t *,
    const char *, ...) __attribute__((format(printf, 5, 6)));

static void
fail(struct audit *a, enum part p, uint64_t entry, json_t *extra,
    const char *fmt, ...)
{
	json_t *f, *list, *js;
	char msg[1024];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One line each: names from cameras may hold control characters. */
	for (i = 0; msg[i] != '\0'; i++)
		if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
			msg[i] = '?';
	f = extra != NULL ? extra : json_object();
	if (entry != NO_ENTRY)
		json_object_set_new(f, "entry",
		    json_integer((json_int_t)entry));
	/* A message cut short may end inside a UTF-8 sequence. */
	while ((js = json_string(msg)) == NULL && i > 0)
		msg[--i] = '\0';
	json_object_set_new(f, "problem", js);
	list = json_object_get(a->part[p], "failures");
	json_array_append_new(list, f);
	a->failures[p]++;
}

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Draws a progress bar on stderr, at most once a second and at the end. */
static void
bar(struct audit *a, const char *what, uint64_t done, uint64_t total)
{
	char b[BAR_WIDTH + 1];
	unsigned pct, fill, i;
	time_t now;

	if (!a->tty)
		return;
	now = time(NULL);
	if (done < total && now == a->drawn)
		return;
	a->drawn = now;
	pct = total == 0 ? 100 : (unsigned)(done * 100 / total);
	fill = pct * BAR_WIDTH / 100;
	for (i = 0; i < BAR_WIDTH; i++)
		b[i] = i < fill ? '#' : '.';
	b[BAR_WIDTH] = '\0';
	fprintf(stderr, "\r%-12s [%s] %3u%% %llu/%llu", what, b, pct,
	    (unsigned long long)done, (unsigned long long)total);
	if (done >= total)
		fputs("\r\033[K", stderr);
}

static void
log_progress(void *arg, uint64_t done, uint64_t total)
{
	bar(arg, "log", done, total);
}

/* Part 1: the tree, the checkpoints and their consistency. */
static int
check_log(struct audit *a)
{
	struct log_verify_result res;
	char root[DIGEST_STRLEN] = "";
	uint8_t r[DIGEST_LEN];
	int rc;

	if (cli_log_verify(a->s.cfg, a->s.log, NULL, log_progress, a, &res,
	    &rc) != 0)
		return CLI_EXIT_USAGE;
	bar(a, "log", a->size, a->size);
	if (a->size > 0 && log_root(a->s.log, a->size, r) == 0)
		digest_format(a->s.cfg->digest_alg, r, root, sizeof(root));
	json_object_set_new(a->part[P_LOG], "entries",
	    json_integer((json_int_t)res.entries));
	json_object_set_new(a->part[P_LOG], "checkpoints",
	    json_integer((json_int_t)res.checkpoints));
	json_object_set_new(a->part[P_LOG], "root", json_string(root));
	/* The text names the entry, node or checkpoint that failed. */
	if (rc != 0)
		fail(a, P_LOG, NO_ENTRY, json_pack("{s:I}", "at",
		    (json_int_t)res.bad_index), "%s", res.what[0] ? res.what :
		    custos_strerror(rc));
	return 0;
}

/* Part 2: the stored timestamp tsr of the checkpoint of tree size. */
static void
check_timestamp(struct audit *a, uint64_t size, const uint8_t *tsr,
    size_t len, json_t *times)
{
	struct tsa_info info;
	char *note = NULL, why[256] = "";
	size_t nlen;
	int rc;

	if ((rc = log_checkpoint_get(a->s.log, size, &note, &nlen)) != 0) {
		fail(a, P_TIMESTAMPS, NO_ENTRY, json_pack("{s:I}", "tree_size",
		    (json_int_t)size), "tree size %llu: a timestamp but no "
		    "checkpoint: %s", (unsigned long long)size,
		    custos_strerror(rc));
		return;
	}
	memset(&info, 0, sizeof(info));
	rc = tsa_verify(tsr, len, note, nlen, a->s.cfg->tsa_ca, NULL, &info,
	    why, sizeof(why));
	free(note);
	if (rc == 0)
		json_array_append_new(times, json_pack("{s:I, s:s, s:s}",
		    "tree_size", (json_int_t)size, "time", info.time,
		    "tsa", info.tsa));
	else if (rc == CUSTOS_ERR_SYSTEM) {
		warn("[tsa] ca %s", a->s.cfg->tsa_ca);
		a->unreadable = 1;
	} else
		fail(a, P_TIMESTAMPS, NO_ENTRY, json_pack("{s:I, s:s}",
		    "tree_size", (json_int_t)size, "time", info.time),
		    "checkpoint of tree size %llu: timestamp%s%s: %s",
		    (unsigned long long)size, info.time[0] ? " of " : "",
		    info.time, why[0] ? why : custos_strerror(rc));
}

/*
 * Part 2: every stored timestamp.  The log keeps them by tree size and
 * has no list of them, so every size is looked up: one indexed read
 * each.
 */
static void
check_timestamps(struct audit *a)
{
	json_t *p = a->part[P_TIMESTAMPS], *times = json_array();
	uint64_t size, stored = 0;
	uint8_t *tsr;
	size_t len;
	int rc;

	for (size = 1; size <= a->size; size++) {
		bar(a, "timestamps", size, a->size);
		if ((rc = log_timestamp_get(a->s.log, size, &tsr,
		    &len)) == CUSTOS_ERR_NOTFOUND)
			continue;
		if (rc != 0) {
			fail(a, P_TIMESTAMPS, NO_ENTRY, json_pack("{s:I}",
			    "tree_size", (json_int_t)size), "tree size %llu: "
			    "timestamp unreadable: %s",
			    (unsigned long long)size, custos_strerror(rc));
			continue;
		}
		stored++;
		if (a->s.cfg->tsa_ca != NULL)
			check_timestamp(a, size, tsr, len, times);
		free(tsr);
	}
	json_object_set_new(p, "stored", json_integer((json_int_t)stored));
	if (a->s.cfg->tsa_ca != NULL)
		json_object_set_new(p, "ca", json_string(a->s.cfg->tsa_ca));
	else if (stored > 0)
		json_object_set_new(p, "not_checked",
		    json_string("no [tsa] ca in the configuration"));
	json_object_set_new(p, "verified", json_integer((json_int_t)
	    json_array_size(times)));
	json_object_set_new(p, "timestamps", times);
}

/* A hash member of e, checked to be one of this station's. */
static const char *
hash_field(struct audit *a, const json_t *e, const char *key)
{
	uint8_t h[DIGEST_LEN];
	enum digest_alg alg;
	const char *s = str(e, key);

	if (s == NULL || digest_parse(s, &alg, h) != 0 ||
	    alg != a->s.cfg->digest_alg)
		return NULL;
	return s;
}

/* Notes an object that entry index seals (parts 3 and 4). */
static void
pass_object(struct audit *a, uint64_t index, const json_t *e,
    const char *type)
{
	const char *obj = hash_field(a, e, "object");
	json_t *size = json_object_get(e, "size"), *o, *del;
	char key[32];

	if (obj == NULL || !json_is_integer(size) ||
	    json_integer_value(size) < 0) {
		fail(a, P_OBJECTS, index, NULL, "%s without a valid object "
		    "hash and size", type);
		return;
	}
	if (strcmp(type, ENTRY_SEGMENT_SEALED) == 0) {
		snprintf(key, sizeof(key), "%llu", (unsigned long long)index);
		json_object_set_new(a->segments, key, json_string(obj));
	}
	if ((o = json_object_get(a->objects, obj)) == NULL)
		json_object_set_new(a->objects, obj, json_pack(
		    "{s:I, s:O, s:s}", "entry", (json_int_t)index, "size",
		    size, "type", type));
	else if ((del = json_object_get(a->deleted, obj)) != NULL &&
	    json_integer_value(json_object_get(del, "entry")) >
	    json_integer_value(json_object_get(o, "entry")))
		/* Sealed again after its disposal: stored anew. */
		json_object_set_new(o, "entry", json_integer(
		    (json_int_t)index));
}

/* Part 4: the segment's camera_prev is its camera's previous leaf. */
static void
pass_camera(struct audit *a, uint64_t index, const json_t *e,
    const char *leaf)
{
	const char *cam = str(e, "camera"), *prev = str(e, "camera_prev");
	json_t *last;

	a->nsegments++;
	if (cam == NULL)
		return;
	last = json_object_get(a->cameras, cam);
	if (last == NULL && prev != NULL)
		fail(a, P_CAMERAS, index, json_pack("{s:s}", "camera", cam),
		    "segment of %s: camera_prev %s names no earlier segment "
		    "of the camera (missing file)", cam, prev);
	else if (last != NULL && prev == NULL)
		fail(a, P_CAMERAS, index, json_pack("{s:s}", "camera", cam),
		    "segment of %s has no camera_prev, but entry %lld is the "
		    "camera's previous segment", cam, (long long)
		    json_integer_value(json_object_get(last, "index")));
	else if (last != NULL && strcmp(prev, str(last, "leaf")) != 0)
		fail(a, P_CAMERAS, index, json_pack("{s:s}", "camera", cam),
		    "segment of %s: camera_prev %s is not the leaf %s of the "
		    "camera's previous segment, entry %lld (missing file)",
		    cam, prev, str(last, "leaf"), (long long)
		    json_integer_value(json_object_get(last, "index")));
	json_object_set_new(a->cameras, cam, json_pack("{s:s, s:I}", "leaf",
	    leaf, "index", (json_int_t)index));
}

/* The object of the segment.sealed at log index seg, or NULL. */
static const char *
segment_object(struct audit *a, json_int_t seg)
{
	char key[32];

	snprintf(key, sizeof(key), "%lld", (long long)seg);
	return json_string_value(json_object_get(a->segments, key));
}

/*
 * Part 6: a hole in a camera's file numbering that dock.session index
 * recorded, as a numbering_gap finding: a fact about custody before the
 * station (files deleted on the camera), never an integrity failure.
 */
static void
pass_gap(struct audit *a, uint64_t index, const char *cam, const json_t *g)
{
	json_int_t from = json_integer_value(json_object_get(g,
	    "missing_from")), to = json_integer_value(json_object_get(g,
	    "missing_to"));
	char detail[1024], range[64];

	if (from == to)
		snprintf(range, sizeof(range), "%lld", (long long)from);
	else
		snprintf(range, sizeof(range), "%lld to %lld (%lld files)",
		    (long long)from, (long long)to, (long long)(to - from + 1));
	snprintf(detail, sizeof(detail), "%s: series %s: number %s missing "
	    "between %s and %s", cam ? cam : "?", str(g, "series") ?
	    str(g, "series") : "?", range, str(g, "after") ? str(g, "after") :
	    "?", str(g, "before") ? str(g, "before") : "?");
	json_array_append_new(a->gaps, json_pack("{s:s, s:s?, s:I, s:s?, "
	    "s:I, s:I, s:s?, s:s?, s:s, s:[I]}", "rule", "numbering_gap",
	    "camera", cam, "session", (json_int_t)index, "series",
	    str(g, "series"), "missing_from", from, "missing_to", to,
	    "after", str(g, "after"), "before", str(g, "before"),
	    "detail", detail, "entries", (json_int_t)index));
}

/*
 * The key of a numbering hole: the camera, the dock.session that recorded
 * it, its series and numbers.  A camera.numbering_reason explains the hole
 * with the same key.
 */
static void
hole_key(char *buf, size_t len, const char *cam, json_int_t session,
    const char *series, json_int_t from, json_int_t to)
{
	snprintf(buf, len, "%s\n%lld\n%s\n%lld\n%lld", cam ? cam : "",
	    (long long)session, series ? series : "", (long long)from,
	    (long long)to);
}

/* Part 6: camera.numbering_reason index explains a hole; the latest wins. */
static void
pass_reason(struct audit *a, uint64_t index, const json_t *e)
{
	char key[1024];

	hole_key(key, sizeof(key), str(e, "camera"), json_integer_value(
	    json_object_get(e, "session")), str(e, "series"),
	    json_integer_value(json_object_get(e, "missing_from")),
	    json_integer_value(json_object_get(e, "missing_to")));
	json_object_set_new(a->reasons, key, json_pack("{s:s?, s:I}",
	    "reason", str(e, "reason"), "index", (json_int_t)index));
}

/*
 * Part 6: marks each numbering_gap finding explained (with the reason and
 * the entry that gives it) or not.  Returns the number not explained.
 */
static size_t
explain_gaps(struct audit *a)
{
	const json_t *r;
	char key[1024];
	json_t *g;
	size_t i, n = 0;

	json_array_foreach(a->gaps, i, g) {
		hole_key(key, sizeof(key), str(g, "camera"), json_integer_value(
		    json_object_get(g, "session")), str(g, "series"),
		    json_integer_value(json_object_get(g, "missing_from")),
		    json_integer_value(json_object_get(g, "missing_to")));
		r = json_object_get(a->reasons, key);
		json_object_set_new(g, "explained", json_boolean(r != NULL));
		if (r == NULL) {
			n++;
			continue;
		}
		json_object_set(g, "reason", json_object_get(r, "reason"));
		json_object_set(g, "reason_entry", json_object_get(r, "index"));
	}
	return n;
}

/* Part 4: a dock.session's inventory against the segments it names. */
static void
pass_session(struct audit *a, uint64_t index, const json_t *e)
{
	const json_t *it, *m;
	const char *status, *obj, *sealed, *cam = str(e, "camera");
	json_t *missing;
	size_t i;

	a->nsessions++;
	json_array_foreach(json_object_get(e, "inventory"), i, it) {
		status = str(it, "status");
		if (status == NULL || (strcmp(status, "sealed") != 0 &&
		    strcmp(status, "already_sealed") != 0))
			continue;
		obj = str(it, "object");
		sealed = segment_object(a, json_integer_value(
		    json_object_get(it, "index")));
		if (obj == NULL || sealed == NULL || strcmp(obj, sealed) != 0)
			fail(a, P_CAMERAS, index, json_pack("{s:s?, s:s?}",
			    "camera", cam, "path", str(it, "path")),
			    "dock session of %s: %s is %s as entry %lld, "
			    "which is not a segment.sealed of %s",
			    cam ? cam : "?", str(it, "path") ? str(it,
			    "path") : "?", status, (long long)
			    json_integer_value(json_object_get(it, "index")),
			    obj ? obj : "its object");
	}
	missing = json_object_get(a->part[P_CAMERAS], "missing_files");
	json_array_foreach(json_object_get(e, "missing"), i, m)
		json_array_append_new(missing, json_pack("{s:I, s:s?, s:s?, "
		    "s:O?, s:s?}", "session", (json_int_t)index, "camera",
		    cam, "path", str(m, "path"), "size",
		    json_object_get(m, "size"), "last_status",
		    str(m, "last_status")));
	json_array_foreach(json_object_get(e, "numbering_gaps"), i, m)
		pass_gap(a, index, cam, m);
}

/* Part 5: entry index of an inspection continues its chain. */
static void
pass_inspection(struct audit *a, uint64_t index, const json_t *e,
    const char *type, const char *leaf)
{
	const char *id = str(e, "inspection"), *prev, *seg;
	json_t *last;

	a->nchain++;
	prev = str(e, "inspection_prev");
	last = json_object_get(a->chains, id);
	if (last == NULL) {
		json_array_append_new(a->order, json_string(id));
		if (strcmp(type, ENTRY_INSPECTION_REGISTERED) != 0 &&
		    strcmp(type, ENTRY_INSPECTION_EMERGENCY) != 0)
			fail(a, P_INSPECTIONS, index, json_pack("{s:s}",
			    "inspection", id), "%s starts with %s, not a "
			    "registration (its first entries are missing)",
			    id, type);
		else if (prev != NULL)
			fail(a, P_INSPECTIONS, index, json_pack("{s:s}",
			    "inspection", id), "%s: its first entry has "
			    "inspection_prev %s", id, prev);
	} else if (prev == NULL || strcmp(prev, str(last, "leaf")) != 0)
		fail(a, P_INSPECTIONS, index, json_pack("{s:s}", "inspection",
		    id), "%s: %s has inspection_prev %s, not the leaf %s of "
		    "its previous entry %lld", id, type, prev ? prev : "(none)",
		    str(last, "leaf"), (long long)json_integer_value(
		    json_object_get(last, "index")));
	if (strcmp(type, ENTRY_EVIDENCE_LINKED) == 0) {
		seg = segment_object(a, json_integer_value(json_object_get(e,
		    "segment")));
		if (seg == NULL || str(e, "object") == NULL ||
		    strcmp(seg, str(e, "object")) != 0)
			fail(a, P_INSPECTIONS, index, json_pack("{s:s}",
			    "inspection", id), "%s: evidence.linked names "
			    "segment %lld, which is not an earlier "
			    "segment.sealed of %s", id, (long long)
			    json_integer_value(json_object_get(e, "segment")),
			    str(e, "object") ? str(e, "object") : "its object");
	}
	json_object_set_new(a->chains, id, json_pack("{s:s, s:I}", "leaf",
	    leaf, "index", (json_int_t)index));
}

/*
 * An access entry: who (the user and uid the kernel named), when, what
 * (an export is "bundle", a clip "clip", a view its "what"), of which
 * inspection or segment, and why (the purpose, when given); a member the
 * entry lacks is left out, never null.
 */
static void
pass_access(struct audit *a, uint64_t index, const json_t *e,
    const char *type)
{
	const char *what = str(e, "what");
	json_t *x, *seg = json_object_get(e, "segment");

	if (strcmp(type, ENTRY_BUNDLE_EXPORTED) == 0)
		what = "bundle";
	else if (strcmp(type, ENTRY_CLIP_EXPORTED) == 0)
		what = "clip";
	x = json_pack("{s:I, s:s, s:s*, s:s*, s:O*, s:s*, s:s*, s:O*, s:s*}",
	    "entry", (json_int_t)index, "type", type, "time", str(e, "time"),
	    "user", str(e, "by"), "uid", json_object_get(e, "uid"), "what",
	    what, "inspection", str(e, "inspection"), "segment",
	    json_is_integer(seg) ? seg : NULL, "purpose", str(e, "purpose"));
	if (x == NULL || json_array_append_new(a->accesses, x) != 0)
		a->unreadable = 1;
}

/* One entry of the pass. */
static void
pass_entry(struct audit *a, uint64_t index, const uint8_t *data,
    size_t len)
{
	uint8_t h[DIGEST_LEN];
	char leaf[DIGEST_STRLEN];
	const char *type, *station, *obj;
	json_t *e, *ix;

	merkle_leaf_hash(a->s.cfg->digest_alg, data, len, h);
	digest_format(a->s.cfg->digest_alg, h, leaf, sizeof(leaf));
	if ((e = json_loadb((const char *)data, len, 0, NULL)) == NULL ||
	    !json_is_object(e)) {
		fail(a, P_LOG, index, NULL, "not a JSON object");
		json_decref(e);
		return;
	}
	ix = json_object_get(e, "index");
	if (!json_is_integer(ix) || json_integer_value(ix) != (json_int_t)index)
		fail(a, P_LOG, index, NULL, "its \"index\" is not %llu",
		    (unsigned long long)index);
	station = str(e, "station");
	if (station == NULL || strcmp(station, a->s.cfg->station_name) != 0)
		fail(a, P_LOG, index, NULL, "its \"station\" is %s, not %s",
		    station ? station : "absent", a->s.cfg->station_name);
	if ((type = str(e, "type")) == NULL)
		type = "";
	if (strcmp(type, ENTRY_SEGMENT_SEALED) == 0 ||
	    strcmp(type, ENTRY_DOCUMENT_SEALED) == 0)
		pass_object(a, index, e, type);
	if (strcmp(type, ENTRY_SEGMENT_SEALED) == 0)
		pass_camera(a, index, e, leaf);
	else if (strcmp(type, ENTRY_DOCK_SESSION) == 0)
		pass_session(a, index, e);
	else if (strcmp(type, ENTRY_CAMERA_NUMBERING_REASON) == 0)
		pass_reason(a, index, e);
	else if (strcmp(type, ENTRY_OBJECT_DELETED) == 0 &&
	    (obj = hash_field(a, e, "object")) != NULL)
		json_object_set_new(a->deleted, obj, json_pack("{s:I, s:s, "
		    "s:s}", "entry", (json_int_t)index, "time",
		    str(e, "time") ? str(e, "time") : "", "rule",
		    str(e, "rule") ? str(e, "rule") : "unknown"));
	if (strcmp(type, ENTRY_BUNDLE_EXPORTED) == 0 ||
	    strcmp(type, ENTRY_CLIP_EXPORTED) == 0 ||
	    strcmp(type, ENTRY_INSPECTION_VIEWED) == 0 ||
	    strcmp(type, ENTRY_EVIDENCE_ACCESSED) == 0)
		pass_access(a, index, e, type);
	if (json_is_string(json_object_get(e, "inspection")))
		pass_inspection(a, index, e, type, leaf);
	json_decref(e);
}

static int
pass(struct audit *a)
{
	uint8_t *data;
	uint64_t i;
	size_t len;
	int rc;

	for (i = 0; i < a->size; i++) {
		if ((rc = log_entry(a->s.log, i, &data, &len)) != 0) {
			warnx("entry %llu: %s", (unsigned long long)i,
			    custos_strerror(rc));
			return CLI_EXIT_USAGE;
		}
		pass_entry(a, i, data, len);
		free(data);
		bar(a, "entries", i + 1, a->size);
	}
	bar(a, "entries", a->size, a->size);
	return 0;
}

/*
 * Re-hashes the file at path.  Returns 0 and *found, *size;
 * CUSTOS_ERR_NOTFOUND; CUSTOS_ERR_CORRUPT when something other than a
 * regular file is in its place; CUSTOS_ERR_SYSTEM; CUSTOS_ERR_NOMEM.
 */
static int
rehash(struct audit *a, const char *path, uint8_t found[DIGEST_LEN],
    uint64_t *size, uint64_t *done, uint64_t total)
{
	struct digest *d = NULL;
	struct stat sb;
	uint8_t *buf = NULL;
	ssize_t n;
	int fd, rc;

	*size = 0;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return errno == ENOENT ? CUSTOS_ERR_NOTFOUND : errno == ELOOP ?
		    CUSTOS_ERR_CORRUPT : CUSTOS_ERR_SYSTEM;
	if (fstat(fd, &sb) == -1) {
		rc = CUSTOS_ERR_SYSTEM;
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		rc = CUSTOS_ERR_CORRUPT;
		goto out;
	}
	if ((buf = malloc(CHUNK)) == NULL) {
		rc = CUSTOS_ERR_NOMEM;
		goto out;
	}
	if ((rc = digest_new(a->s.cfg->digest_alg, &d)) != 0)
		goto out;
	while ((n = read(fd, buf, CHUNK)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			rc = CUSTOS_ERR_SYSTEM;
			goto out;
		}
		if ((rc = digest_update(d, buf, (size_t)n)) != 0)
			goto out;
		*size += (uint64_t)n;
		*done += (uint64_t)n;
		bar(a, "objects", *done, total > *done ? total : *done);
	}
	rc = digest_final(d, found);
out:
	digest_free(d);
	free(buf);
	close(fd);
	return rc;
}

/* Part 3: one object, sealed first by entry.  Returns 1 if it is good. */
static int
check_object(struct audit *a, const char *obj, json_t *o, uint64_t *done,
    uint64_t total)
{
	uint8_t found[DIGEST_LEN], want[DIGEST_LEN];
	char path[PATH_MAX], fs[DIGEST_STRLEN];
	uint64_t entry, size, want_size;
	enum digest_alg alg;
	struct stat sb;
	int rc;

	entry = (uint64_t)json_integer_value(json_object_get(o, "entry"));
	want_size = (uint64_t)json_integer_value(json_object_get(o, "size"));
	if (cli_object_path(&a->s, obj, path, sizeof(path)) != 0 ||
	    digest_parse(obj, &alg, want) != 0) {
		fail(a, P_OBJECTS, entry, NULL, "%s: no store path", obj);
		return 0;
	}
	if (!a->rehash) {
		if (lstat(path, &sb) == -1 && errno == ENOENT)
			rc = CUSTOS_ERR_NOTFOUND;
		else
			rc = lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) ?
			    0 : CUSTOS_ERR_CORRUPT;
		size = rc == 0 ? (uint64_t)sb.st_size : 0;
		memcpy(found, want, DIGEST_LEN);
	} else
		rc = rehash(a, path, found, &size, done, total);
	if (rc == CUSTOS_ERR_NOTFOUND)
		fail(a, P_OBJECTS, entry, json_pack("{s:s, s:s}", "object",
		    obj, "state", "missing"), "%s %s: missing from the store",
		    str(o, "type"), obj);
	else if (rc == CUSTOS_ERR_CORRUPT)
		fail(a, P_OBJECTS, entry, json_pack("{s:s, s:s}", "object",
		    obj, "state", "altered"), "%s %s: altered: not a regular "
		    "file in the store", str(o, "type"), obj);
	else if (rc == CUSTOS_ERR_SYSTEM) {
		fail(a, P_OBJECTS, entry, json_pack("{s:s, s:s}", "object",
		    obj, "state", "unreadable"), "%s %s: unreadable: %s",
		    str(o, "type"), obj, strerror(errno));
	} else if (rc != 0)
		fail(a, P_OBJECTS, entry, json_pack("{s:s, s:s}", "object",
		    obj, "state", "unchecked"), "%s %s: %s", str(o, "type"),
		    obj, custos_strerror(rc));
	else if (size != want_size ||
	    memcmp(found, want, DIGEST_LEN) != 0) {
		digest_format(a->s.cfg->digest_alg, found, fs, sizeof(fs));
		fail(a, P_OBJECTS, entry, json_pack("{s:s, s:s, s:s, s:I}",
		    "object", obj, "state", "altered", "found", fs,
		    "found_size", (json_int_t)size), "%s %s: altered: the "
		    "store holds %llu bytes (sealed: %llu) that hash to %s",
		    str(o, "type"), obj, (unsigned long long)size,
		    (unsigned long long)want_size, fs);
	} else
		return 1;
	return 0;
}

static int
by_entry(const void *x, const void *y)
{
	json_int_t a = json_integer_value(json_object_get(
	    *(json_t *const *)x, "entry"));
	json_int_t b = json_integer_value(json_object_get(
	    *(json_t *const *)y, "entry"));

	return a < b ? -1 : a > b;
}

/* Part 3: every sealed object, in the order of the entries sealing them. */
static void
check_objects(struct audit *a)
{
	json_t *o, *del, **list, *gone = json_array();
	const char *obj;
	uint64_t total = 0, done = 0, checked = 0, good = 0, disposed = 0;
	size_t n = 0, i;
	char date[11];

	if ((list = calloc(json_object_size(a->objects) + 1,
	    sizeof(*list))) == NULL) {
		warnx("out of memory");
		a->unreadable = 1;
		json_decref(gone);
		return;
	}
	json_object_foreach(a->objects, obj, o) {
		json_object_set_new(o, "object", json_string(obj));
		list[n++] = o;
		total += (uint64_t)json_integer_value(json_object_get(o,
		    "size"));
	}
	qsort(list, n, sizeof(*list), by_entry);
	for (i = 0; i < n; i++) {
		obj = str(list[i], "object");
		del = json_object_get(a->deleted, obj);
		if (del != NULL && json_integer_value(json_object_get(del,
		    "entry")) > json_integer_value(json_object_get(list[i],
		    "entry"))) {
			/* Not a failure: the log says where the bytes went. */
			snprintf(date, sizeof(date), "%.10s", str(del,
			    "time"));
			json_array_append_new(gone, json_pack("{s:s, s:O, "
			    "s:s, s:O}", "object", obj, "entry",
			    json_object_get(del, "entry"), "date", date,
			    "rule", json_object_get(del, "rule")));
			disposed++;
			continue;
		}
		checked++;
		good += (uint64_t)check_object(a, obj, list[i], &done, total);
	}
	bar(a, "objects", total, total);
	free(list);
	json_object_set_new(a->part[P_OBJECTS], "objects",
	    json_integer((json_int_t)n));
	json_object_set_new(a->part[P_OBJECTS], "checked",
	    json_integer((json_int_t)checked));
	json_object_set_new(a->part[P_OBJECTS], "good",
	    json_integer((json_int_t)good));
	json_object_set_new(a->part[P_OBJECTS], "disposed",
	    json_integer((json_int_t)disposed));
	json_object_set_new(a->part[P_OBJECTS], "disposed_of", gone);
	json_object_set_new(a->part[P_OBJECTS], "bytes",
	    json_integer((json_int_t)(a->rehash ? done : 0)));
	json_object_set_new(a->part[P_OBJECTS], "rehashed",
	    json_boolean(a->rehash));
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Part 6: the procedure findings of inspection id. */
static void
findings_of(struct audit *a, const char *id, int64_t now, json_t *all,
    json_t *skipped)
{
	struct evidence ev;
	json_t *f = NULL, *x;
	size_t i;
	int rc;

	memset(&ev, 0, sizeof(ev));
	/* The findings need no catalog: no sessions or assignments. */
	if ((rc = evidence_gather(a->s.log, a->s.reg, NULL, id, &ev)) != 0 ||
	    (rc = evidence_findings(&ev, a->s.cal, now, &f)) != 0) {
		json_array_append_new(skipped, json_pack("{s:s, s:s}",
		    "inspection", id, "problem", rc == CUSTOS_ERR_NOTFOUND ?
		    "not in the registry (custosd has not indexed it yet)" :
		    rc == CUSTOS_ERR_RANGE ? "its chain grew during the "
		    "audit" : custos_strerror(rc)));
		evidence_free(&ev);
		return;
	}
	json_array_foreach(f, i, x) {
		json_object_set_new(x, "inspection", json_string(id));
		json_array_append(all, x);
	}
	json_decref(f);
	evidence_free(&ev);
}

static void
check_findings(struct audit *a)
{
	json_t *all = json_array(), *skipped = json_array(), *id;
	int64_t now = now_ms();
	size_t i, unexplained;

	json_array_foreach(a->order, i, id) {
		findings_of(a, json_string_value(id), now, all, skipped);
		bar(a, "findings", i + 1, json_array_size(a->order));
	}
	/* The dock sessions' numbering holes, after the inspections'. */
	unexplained = explain_gaps(a);
	json_array_extend(all, a->gaps);
	json_object_set_new(a->part[P_FINDINGS], "numbering_gaps",
	    json_integer((json_int_t)json_array_size(a->gaps)));
	json_object_set_new(a->part[P_FINDINGS], "numbering_gaps_unexplained",
	    json_integer((json_int_t)unexplained));
	json_object_set_new(a->part[P_FINDINGS], "inspections",
	    json_integer((json_int_t)json_array_size(a->order)));
	json_object_set_new(a->part[P_FINDINGS], "findings", all);
	json_object_set_new(a->part[P_FINDINGS], "not_evaluated", skipped);
}

static int
audit_run(struct audit *a)
{
	int rc;

	a->size = log_size(a->s.log);
	if ((rc = check_log(a)) != 0)
		return rc;
	check_timestamps(a);
	if ((rc = pass(a)) != 0)
		return rc;
	check_objects(a);
	json_object_set_new(a->part[P_CAMERAS], "cameras",
	    json_integer((json_int_t)json_object_size(a->cameras)));
	json_object_set_new(a->part[P_CAMERAS], "segments",
	    json_integer((json_int_t)a->nsegments));
	json_object_set_new(a->part[P_CAMERAS], "sessions",
	    json_integer((json_int_t)a->nsessions));
	json_object_set_new(a->part[P_INSPECTIONS], "inspections",
	    json_integer((json_int_t)json_object_size(a->chains)));
	json_object_set_new(a->part[P_INSPECTIONS], "entries",
	    json_integer((json_int_t)a->nchain));
	if (registry_synced(a->s.reg) < a->size)
		warnx("warning: the registry has indexed %llu of %llu "
		    "entries; findings may be incomplete until custosd runs",
		    (unsigned long long)registry_synced(a->s.reg),
		    (unsigned long long)a->size);
	check_findings(a);
	cli_audit_replica(a);
	return 0;
}

static void
audit_free(struct audit *a)
{
	enum part p;

	for (p = P_LOG; p < P_COUNT; p++)
		json_decref(a->part[p]);
	json_decref(a->objects);
	json_decref(a->deleted);
	json_decref(a->segments);
	json_decref(a->cameras);
	json_decref(a->chains);
	json_decref(a->order);
	json_decref(a->gaps);
	json_decref(a->reasons);
	json_decref(a->accesses);
	json_decref(a->replica);
	cli_state_close(&a->s);
}

int
cli_audit(const struct config *cfg, int argc, char *argv[])
{
	struct audit a;
	unsigned total = 0;
	enum part p;
	int i, rc;

	/* The central auditor's audit of a bucket is a verb of its own. */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--replica") == 0)
			return cli_audit_central(cfg, argc, argv);
	memset(&a, 0, sizeof(a));
	a.rehash = 1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			a.json = 1;
		else if (strcmp(argv[i], "--no-objects") == 0)
			a.rehash = 0;
		else
			return usage();
	}
	a.tty = isatty(STDERR_FILENO);
	/* "ok" and "failures" first in each part, the counts after them. */
	for (p = P_LOG; p < P_COUNT; p++) {
		a.part[p] = json_object();
		if (p != P_FINDINGS)
			json_object_set_new(a.part[p], "ok", json_true());
		json_object_set_new(a.part[p], "failures", json_array());
	}
	json_object_set_new(a.part[P_CAMERAS], "missing_files", json_array());
	a.objects = json_object();
	a.deleted = json_object();
	a.segments = json_object();
	a.cameras = json_object();
	a.chains = json_object();
	a.order = json_array();
	a.gaps = json_array();
	a.reasons = json_object();
	a.accesses = json_array();
	if ((rc = cli_state_open(cfg, &a.s)) != 0 ||
	    (rc = audit_run(&a)) != 0) {
		audit_free(&a);
		return rc;
	}
	for (p = P_LOG; p < P_FINDINGS; p++)
		total += a.failures[p];
	if (a.json)
		rc = cli_audit_print_json(&a, total);
	else
		cli_audit_print_text(&a, total);
	audit_free(&a);
	if (rc != 0 || a.unreadable)
		return CLI_EXIT_USAGE;
	return total == 0 ? CLI_EXIT_OK : CLI_EXIT_NOT;
}
