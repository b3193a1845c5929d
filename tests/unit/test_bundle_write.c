/*
 * Unit tests for the bundle writer (bundle.h; lib/evidence/bundle_write.c
 * and bundle_manifest.c): a station with one entry of every type in
 * custos/entry_type.h written as a bundle, as a directory and as a tar,
 * and read back through the reader (lib/evidence/bundle.c); then the
 * tamper cases as the reader reports them, and the writer's refusals.
 *
 * With BUNDLE_CORPUS set to a directory, test_corpus_seeds also leaves
 * the small tars it writes there: the seed corpus of
 * tests/fuzz/fuzz_bundle_read.c (tests/fuzz/corpus/bundle_read) is made
 * that way, by the writer itself.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "custos/bundle.h"
#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "custos/note.h"
#include "custos/store.h"
#include "fixture.h"

/*
 * The writer's round trip.  A station with a log, a store holding a
 * segment's and a document's bytes, and a calendar directory; one entry
 * of every type in custos/entry_type.h, with the fields the manifest
 * reads.  In the templates {ID}, {SEG}/{SEGSIZE}, {SEGIDX} and
 * {DOC}/{DOCSIZE} stand for the inspection, the segment's object, the
 * segment.sealed entry's index and the document's object.
 */
#define RT_ID		"INS-20260301-0001"
#define RT_ORIGIN	"bundle.example/station"
#define RT_TIME		"2026-03-01T08:00:00.000Z"
#define RT_EXPORTED	1772355600000LL		/* 2026-03-01T09:00:00Z */
#define RT_SEG		"segment bytes: not really a video, never probed"
#define RT_DOC		"现场检查记录\n签名: 张伟 李娜\n"

static const struct rt_case {
	const char		*type;
	const char		*rest;
	enum evidence_role	 role;	/* EVIDENCE_NROLES: not carried */
} rt_cases[] = {
	{ ENTRY_STATION_STARTED, ",\"version\":\"1\"", EVIDENCE_STATION },
	{ ENTRY_OFFICER_ADDED, ",\"officer\":\"PA-0001\",\"name\":\"张伟\"",
	    EVIDENCE_CONTEXT },
	{ ENTRY_ENTERPRISE_ADDED, ",\"uscc\":\"91350100M000100Y43\"",
	    EVIDENCE_CONTEXT },
	{ ENTRY_ENTERPRISE_RISK, ",\"uscc\":\"91350100M000100Y43\","
	    "\"risk\":\"red\"", EVIDENCE_CONTEXT },
	{ ENTRY_DEVICE_REGISTERED, ",\"camera\":\"CAM-1\",\"kind\":\"body\","
	    "\"model\":\"DSJ-V8\"", EVIDENCE_CONTEXT },
	{ ENTRY_CAMERA_ASSIGNED, ",\"camera\":\"CAM-1\",\"officer\":"
	    "\"PA-0001\"", EVIDENCE_CONTEXT },
	{ ENTRY_INSPECTION_REGISTERED, ",\"inspection\":\"{ID}\"",
	    EVIDENCE_CHAIN },
	{ ENTRY_INSPECTION_EMERGENCY, ",\"inspection\":\"{ID}\"",
	    EVIDENCE_CHAIN },
	{ ENTRY_INSPECTION_BACKFILLED, ",\"inspection\":\"{ID}\"",
	    EVIDENCE_CHAIN },
	{ ENTRY_INSPECTION_ENTERED, ",\"inspection\":\"{ID}\"",
	    EVIDENCE_CHAIN },
	{ ENTRY_SEGMENT_SEALED, ",\"camera\":\"CAM-1\",\"source\":\"usb\","
	    "\"path\":\"DCIM/VID_0001.MP4\",\"object\":\"{SEG}\",\"size\":"
	    "{SEGSIZE},\"media\":{\"container\":\"mov,mp4,m4a,3gp,3g2,mj2\","
	    "\"streams\":[{\"kind\":\"video\"}],\"duration_ms\":1000}",
	    EVIDENCE_SEGMENT },
	{ ENTRY_DOCK_SESSION, ",\"camera\":\"CAM-1\",\"inventory\":"
	    "[{\"index\":{SEGIDX},\"status\":\"sealed\"}]", EVIDENCE_SESSION },
	{ ENTRY_EVIDENCE_LINKED, ",\"inspection\":\"{ID}\",\"segment\":"
	    "{SEGIDX}", EVIDENCE_CHAIN },
	{ ENTRY_EVIDENCE_UNLINKED, ",\"inspection\":\"{ID}\",\"segment\":"
	    "{SEGIDX}", EVIDENCE_CHAIN },
	{ ENTRY_DOCUMENT_SEALED, ",\"inspection\":\"{ID}\",\"kind\":"
	    "\"record\",\"name\":\"record.TXT\",\"object\":\"{DOC}\","
	    "\"size\":{DOCSIZE}", EVIDENCE_CHAIN },
	{ ENTRY_INSPECTION_GAP_REASON, ",\"inspection\":\"{ID}\"",
	    EVIDENCE_CHAIN },
	{ ENTRY_INSPECTION_LEFT, ",\"inspection\":\"{ID}\"", EVIDENCE_CHAIN },
	{ ENTRY_INSPECTION_CLOSED, ",\"inspection\":\"{ID}\"",
	    EVIDENCE_CHAIN },
	{ ENTRY_INSPECTION_VIEWED, ",\"inspection\":\"{ID}\"",
	    EVIDENCE_CHAIN },
	{ ENTRY_ENTERPRISE_FEEDBACK, ",\"inspection\":\"{ID}\"",
	    EVIDENCE_CHAIN },
	{ ENTRY_REVIEW_RECORDED, ",\"inspection\":\"{ID}\"", EVIDENCE_CHAIN },
	{ ENTRY_BUNDLE_EXPORTED, ",\"inspection\":\"{ID}\"", EVIDENCE_CHAIN },
	/* Not about one inspection: a bundle does not carry these (an
	 * object.deleted only when it disposed of an object the bundle's
	 * entries seal: not this one's). */
	{ ENTRY_LIVE_GAP, ",\"camera\":\"CAM-2\"", EVIDENCE_NROLES },
	{ ENTRY_OBJECT_DELETED, ",\"object\":\"sha256:"
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    "\"", EVIDENCE_NROLES },
	{ ENTRY_KEY_ROTATED, "", EVIDENCE_NROLES },
	{ ENTRY_STATION_STOPPED, "", EVIDENCE_NROLES },
};
#define RT_NCASES	(sizeof(rt_cases) / sizeof(rt_cases[0]))

static const char *const rt_roles[EVIDENCE_NROLES] = {
	"chain", "segment", "session", "context", "station", "disposal"
};

struct rt {
	struct fixture_station	*st;
	struct store		*store;
	char			 seg[DIGEST_STRLEN];
	char			 doc[DIGEST_STRLEN];
	uint64_t		 segidx;
	const struct rt_case	*cases[RT_NCASES];	/* by log index */
	size_t			 ncases;
	struct evidence		 ev;
	char			*note;
	size_t			 notelen;
	char			*vkey;
	char			 caldir[512];
	char			*cals[1];
	struct bundle_input	 in;
	struct bundle_writer	*w;
	uint64_t		 progress_done;
	uint64_t		 progress_total;
	int			 progress_last;
};

/* Stores bytes as one object and writes its digest to out. */
static void
rt_object(struct rt *rt, const char *bytes, char out[DIGEST_STRLEN])
{
	struct store_writer *sw;
	uint8_t h[DIGEST_LEN];
	uint64_t size;
	int existed;

	assert_int_equal(store_writer_new(rt->store, &sw), 0);
	assert_int_equal(store_writer_write(sw, bytes, strlen(bytes)), 0);
	assert_int_equal(store_writer_commit(sw, h, &size, &existed), 0);
	assert_int_equal(digest_format(DIGEST_SHA256, h, out,
	    DIGEST_STRLEN), 0);
}

/* tmpl with the {NAME}s of the round trip filled in. */
static void
rt_subst(const struct rt *rt, const char *tmpl, char *out, size_t len)
{
	static const char *const keys[] = { "{ID}", "{SEGSIZE}", "{SEGIDX}",
	    "{SEG}", "{DOCSIZE}", "{DOC}" };
	char vals[6][DIGEST_STRLEN];
	size_t o = 0, k, n;

	snprintf(vals[0], sizeof(vals[0]), "%s", RT_ID);
	snprintf(vals[1], sizeof(vals[1]), "%zu", strlen(RT_SEG));
	snprintf(vals[2], sizeof(vals[2]), "%" PRIu64, rt->segidx);
	snprintf(vals[3], sizeof(vals[3]), "%s", rt->seg);
	snprintf(vals[4], sizeof(vals[4]), "%zu", strlen(RT_DOC));
	snprintf(vals[5], sizeof(vals[5]), "%s", rt->doc);
	while (*tmpl != '\0') {
		for (k = 0; k < 6; k++)
			if (strncmp(tmpl, keys[k], strlen(keys[k])) == 0)
				break;
		if (k < 6) {
			n = strlen(vals[k]);
			tmpl += strlen(keys[k]);
		} else
			n = 1;
		assert_true(o + n < len);
		memcpy(out + o, k < 6 ? vals[k] : tmpl++, n);
		o += n;
	}
	out[o] = '\0';
}

/*
 * The station and the writer's input for the cases whose bit is set in
 * pick (all of them for ~0), with a token and a calendar when full.
 */
static void
rt_open(struct rt *rt, uint64_t pick, int full)
{
	const uint8_t *bytes[RT_NCASES];
	uint8_t *owned[RT_NCASES];
	uint64_t index[RT_NCASES];
	size_t len[RT_NCASES], k, foreign, want_foreign = 0;
	char rest[1024], path[600];
	uint8_t root[DIGEST_LEN];
	FILE *fp;

	memset(rt, 0, sizeof(*rt));
	assert_int_equal(fixture_station_open("bundle", DIGEST_SHA256,
	    SIGN_ED25519, RT_ORIGIN, &rt->st), 0);
	fixture_path(path, sizeof(path), rt->st->dir, "store");
	assert_int_equal(store_open(path, DIGEST_SHA256, &rt->store), 0);
	rt_object(rt, RT_SEG, rt->seg);
	rt_object(rt, RT_DOC, rt->doc);
	for (k = 0; k < RT_NCASES; k++) {
		if ((pick & ((uint64_t)1 << k)) == 0)
			continue;
		rt_subst(rt, rt_cases[k].rest, rest, sizeof(rest));
		index[rt->ncases] = fixture_append(rt->st->log,
		    rt_cases[k].type, RT_TIME, RT_ORIGIN, rest);
		if (strcmp(rt_cases[k].type, ENTRY_SEGMENT_SEALED) == 0)
			rt->segidx = index[rt->ncases];
		rt->cases[rt->ncases++] = &rt_cases[k];
		want_foreign += rt_cases[k].role == EVIDENCE_NROLES;
	}
	for (k = 0; k < rt->ncases; k++) {
		assert_int_equal(log_entry(rt->st->log, index[k], &owned[k],
		    &len[k]), 0);
		bytes[k] = owned[k];
	}
	assert_int_equal(evidence_from_entries(RT_ID, index, bytes, len,
	    rt->ncases, &rt->ev, &foreign), 0);
	assert_int_equal(foreign, want_foreign);
	for (k = 0; k < rt->ncases; k++)
		free(owned[k]);

	assert_int_equal(log_root(rt->st->log, log_size(rt->st->log), root),
	    0);
	fixture_checkpoint_sign(rt->st->signer, RT_ORIGIN,
	    log_size(rt->st->log), root, &rt->note, &rt->notelen);
	assert_int_equal(note_verifier_format(rt->st->v, &rt->vkey), 0);
	fixture_path(rt->caldir, sizeof(rt->caldir), rt->st->dir, "calendar");
	assert_int_equal(mkdir(rt->caldir, 0700), 0);
	fixture_path(path, sizeof(path), rt->caldir, "cn-2026.cal");
	assert_non_null(fp = fopen(path, "w"));
	assert_true(fputs("2026-01-01 holiday\n", fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	rt->cals[0] = "cn-2026.cal";

	rt->in.inspection = RT_ID;
	rt->in.profile = "default";
	rt->in.station = RT_ORIGIN;
	rt->in.key_id = "0badc0de";
	rt->in.size = log_size(rt->st->log);
	rt->in.note = rt->note;
	rt->in.notelen = rt->notelen;
	if (full) {
		rt->in.tsr = (const uint8_t *)"not really a token";
		rt->in.tsrlen = strlen((const char *)rt->in.tsr);
		rt->in.tsr_time = "2026-03-01T08:30:00Z";
		rt->in.tsa_url = "http://tsa.example/";
		rt->in.calendar_dir = rt->caldir;
		rt->in.calendars = rt->cals;
		rt->in.ncalendars = 1;
	}
	rt->in.vkey = rt->vkey;
	rt->in.vkeylen = strlen(rt->vkey);
	rt->in.exported_at = RT_EXPORTED;
	rt->in.exported_by = "tester";
	rt->in.log = rt->st->log;
	rt->in.store = rt->store;
	assert_int_equal(bundle_writer_new(DIGEST_SHA256, &rt->w), 0);
	assert_int_equal(bundle_writer_collect(rt->w, &rt->ev), 0);
	assert_int_equal(bundle_writer_manifest(rt->w, &rt->in), 0);
}

static void
rt_close(struct rt *rt)
{
	bundle_writer_free(rt->w);
	evidence_free(&rt->ev);
	store_close(rt->store);
	free(rt->note);
	free(rt->vkey);
	fixture_station_free(rt->st);
}

/*
 * Checks what the progress calls say: bytes that only grow, one total,
 * last once, at the end.  (The total counts the members that are known
 * before writing, not the proofs and calendars, so done may pass it.)
 */
static int
rt_progress(void *arg, uint64_t done, uint64_t total, int last)
{
	struct rt *rt = arg;

	assert_false(rt->progress_last);
	assert_true(done >= rt->progress_done);
	assert_true(rt->progress_total == 0 || total == rt->progress_total);
	rt->progress_done = done;
	rt->progress_total = total;
	rt->progress_last = last;
	return 0;
}

/* Writes the bundle to name in the station's directory: 0 or an error. */
static int
rt_write(struct rt *rt, const char *name, char *path, size_t len)
{
	int rc;

	fixture_path(path, len, rt->st->dir, name);
	if ((rc = bundle_writer_write(rt->w, path, strstr(name, ".tar") !=
	    NULL, rt_progress, rt)) != 0)
		return rc;
	assert_int_equal(rt->progress_last, 1);
	return bundle_writer_commit(rt->w);
}

static struct bundle *
rt_read(const char *path)
{
	struct bundle_opts o;
	struct bundle *b;

	memset(&o, 0, sizeof(o));
	o.alg = DIGEST_SHA256;
	assert_int_equal(bundle_read(path, &o, &b), 0);
	return b;
}

/* Whether entries/<index>.json's proof leads to the checkpoint's root. */
static int
rt_proven(const struct rt *rt, const struct bundle *b, uint64_t index)
{
	const struct bundle_file *e, *p;
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN], leaf[DIGEST_LEN];
	uint8_t root[DIGEST_LEN];
	char name[64];
	size_t n;

	snprintf(name, sizeof(name), "entries/%" PRIu64 ".json", index);
	e = bundle_file(b, name);
	snprintf(name, sizeof(name), "proofs/%" PRIu64 ".proof", index);
	p = bundle_file(b, name);
	if (e == NULL || p == NULL)
		return 0;
	assert_int_equal(merkle_proof_parse((const char *)p->data, p->len,
	    proof, MERKLE_MAX_PROOF, &n), 0);
	assert_int_equal(merkle_leaf_hash(DIGEST_SHA256, e->data, e->len,
	    leaf), 0);
	assert_int_equal(log_root(rt->st->log, rt->in.size, root), 0);
	return merkle_verify_inclusion(DIGEST_SHA256, index, rt->in.size,
	    leaf, (const uint8_t (*)[DIGEST_LEN])proof, n, root) == 0;
}

/* MANIFEST.json lists exactly the carried entries, with type and role. */
static void
rt_check_manifest(const struct rt *rt, const struct bundle *b)
{
	const struct bundle_file *f = bundle_file(b, "MANIFEST.json");
	char digest[DIGEST_STRLEN];
	json_t *m, *e, *it;
	size_t k, carried = 0;
	uint64_t idx;

	assert_non_null(f);
	assert_non_null(m = json_loadb((const char *)f->data, f->len, 0,
	    NULL));
	assert_string_equal(json_string_value(json_object_get(m, "format")),
	    BUNDLE_FORMAT);
	assert_string_equal(json_string_value(json_object_get(m,
	    "inspection")), RT_ID);
	assert_string_equal(json_string_value(json_object_get(m,
	    "exported_at")), "2026-03-01T09:00:00.000Z");
	json_array_foreach(json_object_get(m, "entries"), k, e) {
		idx = (uint64_t)json_integer_value(json_object_get(e,
		    "index"));
		assert_true(idx < rt->ncases);
		assert_string_equal(json_string_value(json_object_get(e,
		    "type")), rt->cases[idx]->type);
		assert_int_not_equal(rt->cases[idx]->role, EVIDENCE_NROLES);
		assert_string_equal(json_string_value(json_object_get(e,
		    "role")), rt_roles[rt->cases[idx]->role]);
	}
	for (k = 0; k < rt->ncases; k++)
		carried += rt->cases[k]->role != EVIDENCE_NROLES;
	assert_int_equal(json_array_size(json_object_get(m, "entries")),
	    carried);
	json_array_foreach(json_object_get(m, "items"), k, it)
		assert_non_null(bundle_media_find(b, b->media[0].name_hash));
	assert_int_equal(json_array_size(json_object_get(m, "items")),
	    b->nmedia);
	json_decref(m);
	assert_int_equal(bundle_manifest_digest(f->data, f->len, digest), 0);
	assert_string_equal(digest, bundle_writer_manifest_digest(rt->w));
}

/* What the reader gives back is what the writer was given. */
static void
rt_check(const struct rt *rt, const struct bundle *b)
{
	const struct bundle_file *f;
	uint64_t bytes = 0;
	size_t k, carried = 0;
	char name[64];

	if (b->nproblems != 0)
		fail_msg("%zu problems, the first: %s", b->nproblems,
		    b->problems[0]);
	for (k = 0; k < rt->ncases; k++) {
		snprintf(name, sizeof(name), "entries/%zu.json", k);
		f = bundle_file(b, name);
		if (rt->cases[k]->role == EVIDENCE_NROLES) {
			assert_null(f);
			continue;
		}
		carried++;
		assert_non_null(f);
		assert_int_equal(f->kind, BUNDLE_ENTRY);
		assert_int_equal(f->index, k);
		assert_memory_equal(f->data, evidence_find(&rt->ev,
		    k)->bytes, f->len);
		if (!rt_proven(rt, b, k))
			fail_msg("entry %zu (%s): no proof in the bundle "
			    "leads to the checkpoint", k, rt->cases[k]->type);
	}
	assert_non_null(f = bundle_file(b, "checkpoint"));
	assert_memory_equal(f->data, rt->note, rt->notelen);
	assert_non_null(f = bundle_file(b, "station.vkey"));
	assert_string_equal((const char *)f->data, rt->vkey);
	assert_int_equal(bundle_file(b, "checkpoint.tsr") != NULL,
	    rt->in.tsr != NULL);
	assert_int_equal(bundle_file(b, "calendar/cn-2026.cal") != NULL,
	    rt->in.ncalendars == 1);
	assert_int_equal(b->nfiles, 3 + (rt->in.tsr != NULL) + 2 * carried +
	    rt->in.ncalendars);
	assert_int_equal(b->nmedia, bundle_writer_nmedia(rt->w));
	for (k = 0; k < b->nmedia; k++) {
		assert_true(b->media[k].complete);
		assert_memory_equal(b->media[k].hash, b->media[k].name_hash,
		    DIGEST_LEN);
		bytes += b->media[k].size;
	}
	for (k = 0; k < b->nfiles; k++)
		bytes += b->files[k].len;
	assert_int_equal(bundle_writer_files(rt->w), b->nfiles + b->nmedia);
	assert_int_equal(bundle_writer_bytes(rt->w), bytes);
	rt_check_manifest(rt, b);
}

/* Every entry type, through the writer and back, as a directory. */
static void
test_round_trip_dir(void **state)
{
	struct rt rt;
	struct bundle *b;
	char path[600], sub[700];

	(void)state;
	rt_open(&rt, ~(uint64_t)0, 1);
	assert_int_equal(rt_write(&rt, "b", path, sizeof(path)), 0);
	b = rt_read(path);
	assert_int_equal(b->is_tar, 0);
	rt_check(&rt, b);
	/* The segment's extension from its container, the document's own. */
	snprintf(sub, sizeof(sub), "media/%.64s.mp4", rt.seg + 7);
	assert_string_equal(b->media[0].name, sub);
	snprintf(sub, sizeof(sub), "media/%.64s.txt", rt.doc + 7);
	assert_string_equal(b->media[1].name, sub);
	bundle_free(b);
	rt_close(&rt);
}

/* The same as a tar: pax-restricted, no directory members. */
static void
test_round_trip_tar(void **state)
{
	struct rt rt;
	struct bundle *b;
	char path[600];

	(void)state;
	rt_open(&rt, ~(uint64_t)0, 1);
	assert_int_equal(rt_write(&rt, "b.tar", path, sizeof(path)), 0);
	b = rt_read(path);
	assert_int_equal(b->is_tar, 1);
	rt_check(&rt, b);
	/* MANIFEST.json first, the media last (docs/bundle.md). */
	assert_string_equal(b->files[0].name, "MANIFEST.json");
	bundle_free(b);
	rt_close(&rt);
}

/* Overwrites one byte of dir/name at off. */
static void
poke(const char *dir, const char *name, off_t off)
{
	char path[1024], c;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_true((fd = open(path, O_RDWR)) != -1);
	assert_int_equal(pread(fd, &c, 1, off), 1);
	c ^= 0x20;
	assert_int_equal(pwrite(fd, &c, 1, off), 1);
	assert_int_equal(close(fd), 0);
}

/*
 * A written bundle, tampered with, as the reader reports it: a changed
 * byte (a media hash that no longer matches its name, an entry whose
 * proof no longer leads to the root, a manifest whose digest is no
 * longer the one logged), a missing member (absent, for the verifier to
 * judge), an extra member (refused by name).
 */
static void
test_tamper(void **state)
{
	struct rt rt;
	struct bundle *b;
	const struct bundle_file *f;
	const struct bundle_media *m;
	char path[600], name[128], gone[800], digest[DIGEST_STRLEN];
	uint8_t h[DIGEST_LEN];
	uint64_t reg = 6;	/* inspection.registered */
	static const char *const extra[] = { "notes.txt",
	    "entries/7.json.orig" };
	size_t k;
	FILE *fp;

	(void)state;
	rt_open(&rt, ~(uint64_t)0, 1);
	assert_string_equal(rt.cases[reg]->type, ENTRY_INSPECTION_REGISTERED);
	assert_int_equal(rt_write(&rt, "b", path, sizeof(path)), 0);

	snprintf(name, sizeof(name), "media/%.64s.txt", rt.doc + 7);
	poke(path, name, 3);
	snprintf(name, sizeof(name), "entries/%" PRIu64 ".json", reg);
	poke(path, name, 2);
	poke(path, "MANIFEST.json", 5);
	snprintf(name, sizeof(name), "proofs/%" PRIu64 ".proof", reg + 1);
	fixture_path(gone, sizeof(gone), path, name);
	assert_int_equal(unlink(gone), 0);
	for (k = 0; k < 2; k++) {
		fixture_path(gone, sizeof(gone), path, extra[k]);
		assert_non_null(fp = fopen(gone, "w"));
		assert_int_equal(fclose(fp), 0);
	}

	b = rt_read(path);
	assert_int_equal(b->nproblems, 2);
	for (k = 0; k < 2; k++) {
		snprintf(gone, sizeof(gone), "\"%s\": not a name of the "
		    "bundle layout (refused)", extra[k]);
		assert_true(strcmp(b->problems[0], gone) == 0 ||
		    strcmp(b->problems[1], gone) == 0);
	}
	/* The changed media file: its hash is no longer its name. */
	fixture_unhex(rt.doc + 7, h, DIGEST_LEN);
	assert_non_null(m = bundle_media_find(b, h));
	assert_true(m->complete);
	assert_memory_not_equal(m->hash, m->name_hash, DIGEST_LEN);
	/* The changed entry is still read, but no longer proven. */
	assert_false(rt_proven(&rt, b, reg));
	assert_true(rt_proven(&rt, b, reg + 2));
	/* The missing proof: absent, and so its entry is not proven. */
	assert_null(bundle_file(b, name));
	assert_false(rt_proven(&rt, b, reg + 1));
	/* The changed manifest: its digest is not the one logged. */
	assert_non_null(f = bundle_file(b, "MANIFEST.json"));
	assert_int_equal(bundle_manifest_digest(f->data, f->len, digest), 0);
	assert_string_not_equal(digest, bundle_writer_manifest_digest(rt.w));
	bundle_free(b);
	rt_close(&rt);
}

/* Whether anything named like the writer's temporary name is in dir. */
static int
partial_left(const char *dir)
{
	struct dirent *de;
	DIR *d;
	int found = 0;

	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL)
		found |= strstr(de->d_name, ".partial-") != NULL;
	closedir(d);
	return found;
}

/* The writer's refusals: each leaves nothing behind. */
static void
test_writer_refuses(void **state)
{
	struct rt rt;
	struct stat sb;
	char path[600], obj[600], name[64];
	const char *why;
	uint8_t h[DIGEST_LEN];
	int e;

	(void)state;
	/* A store object that no longer matches its entry. */
	rt_open(&rt, ~(uint64_t)0, 0);
	fixture_unhex(rt.doc + 7, h, DIGEST_LEN);
	assert_int_equal(store_path(rt.store, h, obj, sizeof(obj)), 0);
	assert_int_equal(chmod(obj, 0600), 0);
	snprintf(name, sizeof(name), "%s", strrchr(obj, '/') + 1);
	*strrchr(obj, '/') = '\0';
	poke(obj, name, 0);
	assert_int_equal(rt_write(&rt, "bad.tar", path, sizeof(path)),
	    CUSTOS_ERR_CORRUPT);
	why = bundle_writer_error(rt.w, &e);
	assert_int_equal(e, 0);
	if (strstr(why, "does not match entry 14; the store is damaged") ==
	    NULL)
		fail_msg("why: %s", why);
	assert_int_equal(bundle_writer_discard(rt.w), 0);
	assert_int_equal(lstat(path, &sb), -1);
	assert_false(partial_left(rt.st->dir));
	rt_close(&rt);

	/* An output that is there already is never replaced. */
	rt_open(&rt, ~(uint64_t)0, 0);
	fixture_path(path, sizeof(path), rt.st->dir, "taken");
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(rt_write(&rt, "taken", path, sizeof(path)),
	    CUSTOS_ERR_SYSTEM);
	why = bundle_writer_error(rt.w, &e);
	assert_int_equal(e, EEXIST);
	assert_non_null(strstr(why, "cannot rename "));
	bundle_writer_free(rt.w);
	rt.w = NULL;
	assert_false(partial_left(rt.st->dir));
	rt_close(&rt);

	/* An entry that names no object of the station's profile. */
	rt_open(&rt, ~(uint64_t)0, 0);
	bundle_writer_free(rt.w);
	assert_int_equal(bundle_writer_new(DIGEST_SM3, &rt.w), 0);
	assert_int_equal(bundle_writer_collect(rt.w, &rt.ev),
	    CUSTOS_ERR_FORMAT);
	assert_string_equal(bundle_writer_error(rt.w, &e), "entry 10 names "
	    "no object of this station's profile with a size");
	rt_close(&rt);
}

/* A progress callback that asks to stop. */
static int
stop_now(void *arg, uint64_t done, uint64_t total, int last)
{
	(void)arg;
	(void)done;
	(void)total;
	(void)last;
	return 1;
}

static void
test_writer_stopped(void **state)
{
	struct rt rt;
	char path[600];
	int e;

	(void)state;
	rt_open(&rt, ~(uint64_t)0, 1);
	fixture_path(path, sizeof(path), rt.st->dir, "b");
	assert_int_equal(bundle_writer_write(rt.w, path, 0, stop_now, NULL),
	    CUSTOS_ERR_SYSTEM);
	assert_string_equal(bundle_writer_error(rt.w, &e), "interrupted");
	assert_int_equal(e, EINTR);
	assert_true(partial_left(rt.st->dir));
	bundle_writer_free(rt.w);
	rt.w = NULL;
	assert_false(partial_left(rt.st->dir));
	rt_close(&rt);
}

/* Copies path to dir/name when dir is set. */
static void
keep_seed(const char *path, const char *dir, const char *name)
{
	char out[PATH_MAX], buf[4096];
	FILE *in, *o;
	size_t n;

	if (dir == NULL || *dir == '\0')
		return;
	snprintf(out, sizeof(out), "%s/%s", dir, name);
	assert_non_null(in = fopen(path, "rb"));
	assert_non_null(o = fopen(out, "wb"));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, o), n);
	assert_int_equal(fclose(in), 0);
	assert_int_equal(fclose(o), 0);
}

/*
 * Small bundles of a few entries, as tars: they round-trip here, and
 * with BUNDLE_CORPUS set they are the fuzz corpus of the reader.
 */
static void
test_corpus_seeds(void **state)
{
	/* registered, the segment, its link and the document. */
	uint64_t few = (1 << 6) | (1 << 10) | (1 << 12) | (1 << 14);
	struct rt rt;
	struct bundle *b;
	char path[600];
	int full;

	(void)state;
	for (full = 1; full >= 0; full--) {
		rt_open(&rt, few, full);
		assert_int_equal(rt_write(&rt, "seed.tar", path,
		    sizeof(path)), 0);
		b = rt_read(path);
		rt_check(&rt, b);
		bundle_free(b);
		keep_seed(path, getenv("BUNDLE_CORPUS"), full ?
		    "writer.tar" : "writer-untimestamped.tar");
		rt_close(&rt);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_dir),
		cmocka_unit_test(test_round_trip_tar),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_writer_refuses),
		cmocka_unit_test(test_writer_stopped),
		cmocka_unit_test(test_corpus_seeds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
