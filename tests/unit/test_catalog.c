/*
 * Tests for lib/evidence/catalog.c on real SQLite files: logs built with lib/log/log.c
 * from hand-written entries of every kind the catalog reads, synced and
 * queried; reopened and synced incrementally; an incremental catalog
 * compared row by row with one built from scratch; SM3 objects; corrupt
 * entries, which must fail the sync without applying any part of it; and
 * catalog_file_object(), the seal fast path's hint: exact name bytes
 * (names that are not UTF-8 against lossy look-alikes), size, mtime,
 * camera, status, the latest session only, and a database made before
 * its columns existed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "custos/catalog.h"
#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/log.h"

#include "fixture.h"

/* The object "<alg>:<hex>" of the bytes of s, and its raw hash. */
static void
object_of(enum digest_alg alg, const char *s, char str[DIGEST_STRLEN],
    uint8_t raw[DIGEST_LEN])
{
	assert_int_equal(digest_buf(alg, s, strlen(s), raw), 0);
	assert_int_equal(digest_format(alg, raw, str, DIGEST_STRLEN), 0);
}

/*
 * Appends one entry: type, the next index, a fixed time and station, then
 * rest (the payload's fields, with a leading comma, or "").
 */
static uint64_t
append(struct log *l, const char *type, const char *rest)
{
	return fixture_append(l, type, "2026-01-01T00:00:00.000Z",
	    "test.example/station", rest);
}

/* Appends exact bytes, for entries that are not what the daemon writes. */
static void
append_raw(struct log *l, const char *bytes)
{
	const void *p = bytes;
	size_t len = strlen(bytes);
	uint64_t got;

	assert_int_equal(log_append(l, &p, &len, 1, &got, NULL), 0);
}

static uint64_t
append_segment(struct log *l, const char *obj, uint64_t size,
    const char *camera)
{
	char rest[512];

	snprintf(rest, sizeof(rest), ",\"object\":\"%s\",\"size\":%llu,"
	    "\"camera\":\"%s\",\"source\":\"usb\",\"path\":\"DCIM/%llu.MP4\"",
	    obj, (unsigned long long)size, camera,
	    (unsigned long long)log_size(l));
	return append(l, ENTRY_SEGMENT_SEALED, rest);
}

/* H(0x00 || entry bytes), computed here without merkle.h or the log. */
static void
leaf_of(struct log *l, uint64_t index, uint8_t out[DIGEST_LEN])
{
	struct digest *d;
	uint8_t *data, zero = 0;
	size_t len;

	assert_int_equal(log_entry(l, index, &data, &len), 0);
	assert_int_equal(digest_new(log_alg(l), &d), 0);
	assert_int_equal(digest_update(d, &zero, 1), 0);
	assert_int_equal(digest_update(d, data, len), 0);
	assert_int_equal(digest_final(d, out), 0);
	digest_free(d);
	free(data);
}

static void
expect_object(struct catalog *c, const uint8_t raw[DIGEST_LEN],
    uint64_t index, uint64_t size)
{
	uint64_t gi = 0, gs = 0;

	assert_int_equal(catalog_object(c, raw, &gi, &gs), 0);
	assert_int_equal(gi, index);
	assert_int_equal(gs, size);
}

/* camera's first segment of raw is index, or none when index is 0. */
static void
expect_cam_object(struct catalog *c, const char *camera,
    const uint8_t raw[DIGEST_LEN], uint64_t index, uint64_t size)
{
	uint64_t gi = 0, gs = 0;

	if (index == 0) {
		assert_int_equal(catalog_camera_object(c, camera, raw, &gi,
		    &gs), CUSTOS_ERR_NOTFOUND);
		return;
	}
	assert_int_equal(catalog_camera_object(c, camera, raw, &gi, &gs), 0);
	assert_int_equal(gi, index);
	assert_int_equal(gs, size);
}

static void
expect_camera(struct catalog *c, struct log *l, const char *camera,
    uint64_t index)
{
	uint8_t leaf[DIGEST_LEN], want[DIGEST_LEN];
	uint64_t gi = 0;

	assert_int_equal(catalog_camera_last(c, camera, &gi, leaf), 0);
	assert_int_equal(gi, index);
	leaf_of(l, index, want);
	assert_memory_equal(leaf, want, DIGEST_LEN);
}

struct objs {
	char	 s[4][DIGEST_STRLEN];
	uint8_t	 raw[4][DIGEST_LEN];
};

static void
make_objs(enum digest_alg alg, struct objs *o)
{
	static const char *const text[4] = { "x", "y", "z", "never" };
	int i;

	for (i = 0; i < 4; i++)
		object_of(alg, text[i], o->s[i], o->raw[i]);
}

/*
 * The history both the basic and the incremental tests use; calls
 * between(after) after each entry when not NULL.
 */
static void
build_history(struct log *l, const struct objs *o,
    void (*between)(void *), void *arg)
{
	char rest[1024];

#define STEP(x) do { x; if (between != NULL) between(arg); } while (0)
	STEP(append(l, ENTRY_STATION_STARTED, ",\"previous_stop\":\"none\""));
	STEP(append_segment(l, o->s[0], 10, "CAM-A"));		/* 1 */
	STEP(append_segment(l, o->s[1], 20, "CAM-B"));		/* 2 */
	STEP(append_segment(l, o->s[2], 30, "CAM-A"));		/* 3 */
	/* The same bytes again, from another camera: first entry wins. */
	STEP(append_segment(l, o->s[0], 10, "CAM-B"));		/* 4 */
	snprintf(rest, sizeof(rest), ",\"camera\":\"CAM-A\",\"inventory\":["
	    "{\"path\":\"DCIM/1.MP4\",\"size\":10,\"status\":\"sealed\","
	    "\"object\":\"%s\",\"mtime\":\"2026-01-01T00:00:00.000Z\"},"
	    "{\"path\":\"DCIM/link\",\"size\":0,\"status\":\"refused\"},"
	    "{\"path\":\"DCIM/\xe6\x96\x87.MP4\",\"size\":7,"
	    "\"status\":\"changed\"}]", o->s[0]);
	STEP(append(l, ENTRY_DOCK_SESSION, rest));			/* 5 */
	STEP(append(l, ENTRY_INSPECTION_REGISTERED, ",\"camera\":\"CAM-A\""));
	/* A later session replaces the camera's inventory. */
	STEP(append(l, ENTRY_DOCK_SESSION, ",\"camera\":\"CAM-B\","
	    "\"inventory\":[{\"path\":\"a\",\"size\":1,"
	    "\"status\":\"missing\"}]"));				/* 7 */
	STEP(append(l, ENTRY_DOCK_SESSION, ",\"camera\":\"CAM-B\","
	    "\"inventory\":[{\"path\":\"b\",\"size\":2,\"status\":\"sealed\"},"
	    "{\"path\":\"c\",\"size\":3,\"status\":\"read error\"}]"));
#undef STEP
}

static void
check_history(struct catalog *c, struct log *l, const struct objs *o)
{
	struct catalog_file *f;
	uint64_t gi, gs;
	uint8_t leaf[DIGEST_LEN];
	size_t n;

	assert_int_equal(catalog_synced(c), 9);
	expect_object(c, o->raw[0], 1, 10);
	expect_object(c, o->raw[1], 2, 20);
	expect_object(c, o->raw[2], 3, 30);
	assert_int_equal(catalog_object(c, o->raw[3], &gi, &gs),
	    CUSTOS_ERR_NOTFOUND);
	/* Per camera, the same bytes from CAM-B are its own segment 4. */
	expect_cam_object(c, "CAM-A", o->raw[0], 1, 10);
	expect_cam_object(c, "CAM-B", o->raw[0], 4, 10);
	expect_cam_object(c, "CAM-B", o->raw[1], 2, 20);
	expect_cam_object(c, "CAM-A", o->raw[1], 0, 0);
	expect_cam_object(c, "CAM-C", o->raw[0], 0, 0);
	assert_int_equal(catalog_camera_object(c, NULL, o->raw[0], &gi, &gs),
	    CUSTOS_ERR_INVALID);
	expect_camera(c, l, "CAM-A", 3);
	expect_camera(c, l, "CAM-B", 4);
	assert_int_equal(catalog_camera_last(c, "CAM-C", &gi, leaf),
	    CUSTOS_ERR_NOTFOUND);

	assert_int_equal(catalog_unsealed(c, "CAM-A", &f, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].path, "DCIM/link");
	assert_string_equal(f[0].status, "refused");
	assert_int_equal(f[0].size, 0);
	assert_int_equal(f[0].session, 5);
	assert_string_equal(f[1].path, "DCIM/\xe6\x96\x87.MP4");
	assert_string_equal(f[1].status, "changed");
	assert_int_equal(f[1].size, 7);
	catalog_files_free(f, n);

	assert_int_equal(catalog_unsealed(c, "CAM-B", &f, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(f[0].path, "c");
	assert_string_equal(f[0].status, "read error");
	assert_int_equal(f[0].session, 8);
	catalog_files_free(f, n);

	assert_int_equal(catalog_unsealed(c, "CAM-C", &f, &n), 0);
	assert_int_equal(n, 0);
	assert_null(f);
	catalog_files_free(f, n);
}

static void
test_sync_all_kinds(void **state)
{
	struct fixture_station *fx = *state;
	struct log *l;
	struct catalog *c;
	struct objs o;

	make_objs(DIGEST_SHA256, &o);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	assert_int_equal(catalog_open(fx->path, &c), 0);
	/* An empty log is a valid, empty catalog. */
	assert_int_equal(catalog_sync(c, l), 0);
	assert_int_equal(catalog_synced(c), 0);
	build_history(l, &o, NULL, NULL);
	assert_int_equal(catalog_sync(c, l), 0);
	check_history(c, l, &o);
	/* A second sync with nothing new changes nothing. */
	assert_int_equal(catalog_sync(c, l), 0);
	check_history(c, l, &o);
	catalog_close(c);
	log_close(l);
}

/* Appends one more segment and syncs after reopening both handles. */
static void
test_reopen_incremental(void **state)
{
	struct fixture_station *fx = *state;
	struct log *l;
	struct catalog *c;
	struct objs o;
	char s[DIGEST_STRLEN];
	uint8_t raw[DIGEST_LEN];

	make_objs(DIGEST_SHA256, &o);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	assert_int_equal(catalog_open(fx->path, &c), 0);
	build_history(l, &o, NULL, NULL);
	assert_int_equal(catalog_sync(c, l), 0);
	catalog_close(c);
	log_close(l);

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, 0, &l), 0);
	assert_int_equal(catalog_open(fx->path, &c), 0);
	assert_int_equal(catalog_synced(c), 9);
	check_history(c, l, &o);
	object_of(DIGEST_SHA256, "later", s, raw);
	assert_int_equal(append_segment(l, s, 5, "CAM-A"), 9);
	assert_int_equal(catalog_sync(c, l), 0);
	assert_int_equal(catalog_synced(c), 10);
	expect_object(c, raw, 9, 5);
	expect_camera(c, l, "CAM-A", 9);
	expect_object(c, o.raw[0], 1, 10);
	catalog_close(c);
	log_close(l);
}

/* Every row of the catalog's tables, in a fixed order, as text. */
static int
dump_row(void *arg, int n, char **vals, char **names)
{
	char **out = arg, *s;
	int i;

	(void)names;
	for (i = 0; i < n; i++) {
		if (asprintf(&s, "%s%s|", *out, vals[i] ? vals[i] : "NULL")
		    == -1)
			return 1;
		free(*out);
		*out = s;
	}
	if (asprintf(&s, "%s\n", *out) == -1)
		return 1;
	free(*out);
	*out = s;
	return 0;
}

static char *
dump(const char *path)
{
	sqlite3 *db;
	char *out = strdup("");

	assert_non_null(out);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	    "SELECT key, value FROM catalog_state ORDER BY key;"
	    "SELECT hex(object), idx, size FROM objects ORDER BY object;"
	    "SELECT camera, idx, hex(leaf) FROM cameras ORDER BY camera;"
	    "SELECT camera, hex(object), idx, size FROM camera_objects "
	    "ORDER BY camera, object;"
	    "SELECT camera, path, size, mtime, object, status, session "
	    "FROM camera_files ORDER BY camera, rowid;",
	    dump_row, &out, NULL), SQLITE_OK);
	sqlite3_close(db);
	return out;
}

struct stepper {
	struct catalog	*c;
	struct log	*l;
	int		 syncs;
};

static void
sync_now(void *arg)
{
	struct stepper *s = arg;

	assert_int_equal(catalog_sync(s->c, s->l), 0);
	assert_int_equal(catalog_synced(s->c), log_size(s->l));
	s->syncs++;
}

/*
 * Two logs with the same entries: one synced after every append, one
 * synced once at the end.  Their catalogs must be equal row for row.
 */
static void
test_scratch_equals_incremental(void **state)
{
	struct fixture_station *fx = *state;
	struct stepper st;
	struct log *l2;
	struct catalog *c2;
	struct objs o;
	char *a, *b, path2[sizeof(fx->path)];

	fixture_path(path2, sizeof(path2), fx->dir, "log2.db");
	make_objs(DIGEST_SHA256, &o);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &st.l),
	    0);
	assert_int_equal(catalog_open(fx->path, &st.c), 0);
	st.syncs = 0;
	build_history(st.l, &o, sync_now, &st);
	assert_int_equal(st.syncs, 9);
	check_history(st.c, st.l, &o);

	assert_int_equal(log_open(path2, DIGEST_SHA256, LOG_CREATE, &l2),
	    0);
	build_history(l2, &o, NULL, NULL);
	assert_int_equal(catalog_open(path2, &c2), 0);
	assert_int_equal(catalog_sync(c2, l2), 0);
	check_history(c2, l2, &o);

	a = dump(fx->path);
	b = dump(path2);
	assert_true(strlen(a) > 100);
	assert_string_equal(a, b);
	free(a);
	free(b);
	catalog_close(st.c);
	catalog_close(c2);
	log_close(st.l);
	log_close(l2);
}

static void
test_sm3(void **state)
{
	struct fixture_station *fx = *state;
	struct log *l;
	struct catalog *c;
	struct objs o, sha;
	uint64_t gi, gs;

	make_objs(DIGEST_SM3, &o);
	make_objs(DIGEST_SHA256, &sha);
	assert_memory_not_equal(o.raw[0], sha.raw[0], DIGEST_LEN);
	assert_int_equal(log_open(fx->path, DIGEST_SM3, LOG_CREATE, &l), 0);
	assert_int_equal(catalog_open(fx->path, &c), 0);
	build_history(l, &o, NULL, NULL);
	assert_int_equal(catalog_sync(c, l), 0);
	check_history(c, l, &o);
	assert_int_equal(catalog_object(c, sha.raw[0], &gi, &gs),
	    CUSTOS_ERR_NOTFOUND);
	/* A sha256 object in an SM3 log is not what the daemon writes. */
	append_segment(l, sha.s[1], 1, "CAM-A");
	assert_int_equal(catalog_sync(c, l), CUSTOS_ERR_CORRUPT);
	assert_int_equal(catalog_synced(c), 9);
	catalog_close(c);
	log_close(l);
}

/*
 * Each bad entry follows two good ones in a fresh log.  The sync must
 * fail with CUSTOS_ERR_CORRUPT and leave the catalog as it was: nothing
 * synced, neither good object nor the camera visible.
 */
static void
test_corrupt_rolls_back(void **state)
{
	struct fixture_station *fx = *state;
	static const char *const bad[] = {
		"not json",
		"[1,2,3]",
		"{\"type\":\"segment.sealed\",\"index\":2,\"object\":\"%s\","
		    "\"size\":1}",
		"{\"type\":\"segment.sealed\",\"index\":2,\"object\":\"%s\","
		    "\"camera\":\"CAM-A\"}",
		"{\"type\":\"segment.sealed\",\"index\":2,\"object\":\"%s\","
		    "\"size\":-1,\"camera\":\"CAM-A\"}",
		"{\"type\":\"segment.sealed\",\"index\":2,\"object\":\"%s\","
		    "\"size\":\"1\",\"camera\":\"CAM-A\"}",
		"{\"type\":\"segment.sealed\",\"index\":2,\"size\":1,"
		    "\"camera\":\"CAM-A\",\"x\":\"%s\"}",
		"{\"type\":\"segment.sealed\",\"index\":2,\"object\":"
		    "\"sha256:00\",\"size\":1,\"camera\":\"CAM-A\",\"x\":\"%s\"}",
		"{\"type\":\"segment.sealed\",\"index\":7,\"object\":\"%s\","
		    "\"size\":1,\"camera\":\"CAM-A\"}",
		"{\"type\":\"segment.sealed\",\"object\":\"%s\","
		    "\"size\":1,\"camera\":\"CAM-A\"}",
		"{\"index\":2,\"x\":\"%s\"}",
		"{\"type\":\"dock.session\",\"index\":2,\"camera\":\"CAM-A\","
		    "\"x\":\"%s\"}",
		"{\"type\":\"dock.session\",\"index\":2,\"inventory\":[],"
		    "\"x\":\"%s\"}",
		"{\"type\":\"dock.session\",\"index\":2,\"camera\":\"CAM-A\","
		    "\"inventory\":[{\"path\":\"a\",\"size\":1,"
		    "\"status\":\"sealed\"},{\"size\":1,\"status\":\"x\"}],"
		    "\"x\":\"%s\"}",
		"{\"type\":\"dock.session\",\"index\":2,\"camera\":\"CAM-A\","
		    "\"inventory\":[{\"path\":\"a\",\"size\":1,"
		    "\"status\":\"sealed\",\"object\":7}],\"x\":\"%s\"}",
		"{\"type\":\"dock.session\",\"index\":2,\"camera\":\"CAM-A\","
		    "\"inventory\":[\"a\"],\"x\":\"%s\"}",
		"{\"type\":\"segment.sealed\",\"type\":\"x\",\"index\":2,"
		    "\"x\":\"%s\"}",
		"{\"type\":\"dock.session\",\"index\":2,\"camera\":\"CAM-A\","
		    "\"inventory\":[{\"path\":\"a\",\"size\":1,"
		    "\"status\":\"sealed\",\"path_hex\":\"zz\"}],\"x\":\"%s\"}",
		"{\"type\":\"dock.session\",\"index\":2,\"camera\":\"CAM-A\","
		    "\"inventory\":[{\"path\":\"a\",\"size\":1,"
		    "\"status\":\"sealed\",\"path_hex\":\"616\"}],\"x\":\"%s\"}",
		"{\"type\":\"dock.session\",\"index\":2,\"camera\":\"CAM-A\","
		    "\"inventory\":[{\"path\":\"a\",\"size\":1,"
		    "\"status\":\"sealed\",\"path_hex\":97}],\"x\":\"%s\"}",
		"{\"type\":\"dock.session\",\"index\":2,\"camera\":\"CAM-A\","
		    "\"inventory\":[{\"path\":\"a\",\"size\":1,"
		    "\"status\":\"sealed\",\"path_hex\":\"\"}],\"x\":\"%s\"}",
	};
	struct catalog_file *f;
	struct catalog *c;
	struct log *l;
	struct objs o;
	char path[sizeof(fx->path) + 16], entry[512];
	uint8_t leaf[DIGEST_LEN];
	uint64_t gi, gs;
	size_t i, n;

	make_objs(DIGEST_SHA256, &o);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), "%s/bad%zu.db", fx->dir, i);
		assert_int_equal(log_open(path, DIGEST_SHA256, LOG_CREATE,
		    &l), 0);
		append_segment(l, o.s[0], 10, "CAM-A");
		append(l, ENTRY_DOCK_SESSION, ",\"camera\":\"CAM-A\","
		    "\"inventory\":[{\"path\":\"q\",\"size\":1,"
		    "\"status\":\"refused\"}]");
		snprintf(entry, sizeof(entry), bad[i], o.s[1]);
		append_raw(l, entry);
		assert_int_equal(catalog_open(path, &c), 0);
		assert_int_equal(catalog_sync(c, l), CUSTOS_ERR_CORRUPT);
		assert_int_equal(catalog_synced(c), 0);
		assert_int_equal(catalog_object(c, o.raw[0], &gi, &gs),
		    CUSTOS_ERR_NOTFOUND);
		assert_int_equal(catalog_camera_last(c, "CAM-A", &gi, leaf),
		    CUSTOS_ERR_NOTFOUND);
		assert_int_equal(catalog_unsealed(c, "CAM-A", &f, &n), 0);
		assert_int_equal(n, 0);
		/* Still refused on a second try, and after a reopen. */
		assert_int_equal(catalog_sync(c, l), CUSTOS_ERR_CORRUPT);
		catalog_close(c);
		assert_int_equal(catalog_open(path, &c), 0);
		assert_int_equal(catalog_synced(c), 0);
		assert_int_equal(catalog_sync(c, l), CUSTOS_ERR_CORRUPT);
		catalog_close(c);
		log_close(l);
	}
}

/* A catalog that has seen more entries than the log has is refused. */
static void
test_catalog_ahead_of_log(void **state)
{
	struct fixture_station *fx = *state;
	struct log *l, *l2;
	struct catalog *c;
	struct objs o;
	char path2[sizeof(fx->path)];

	fixture_path(path2, sizeof(path2), fx->dir, "log2.db");
	make_objs(DIGEST_SHA256, &o);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	assert_int_equal(log_open(path2, DIGEST_SHA256, LOG_CREATE, &l2),
	    0);
	build_history(l, &o, NULL, NULL);
	append(l2, ENTRY_STATION_STARTED, "");
	assert_int_equal(catalog_open(fx->path, &c), 0);
	assert_int_equal(catalog_sync(c, l), 0);
	assert_int_equal(catalog_sync(c, l2), CUSTOS_ERR_CORRUPT);
	assert_int_equal(catalog_synced(c), 9);
	catalog_close(c);
	log_close(l);
	log_close(l2);
}

#define T0	"2026-03-01T08:00:00.123Z"
/* bad<ff>name: not UTF-8; its inventory "path" is bad<U+FFFD>name. */
#define BAD	"bad\xffname"
#define FFFD	"bad\xef\xbf\xbdname"

/* catalog_file_object() for a NUL-terminated name. */
static int
file_obj(struct catalog *c, const char *camera, const char *path,
    uint64_t size, const char *mtime, uint8_t out[DIGEST_LEN])
{
	return catalog_file_object(c, camera, path, strlen(path), size, mtime,
	    out);
}

/* Expects the look-up to find exactly want. */
static void
expect_file(struct catalog *c, const char *camera, const char *path,
    uint64_t size, const char *mtime, const uint8_t want[DIGEST_LEN])
{
	uint8_t got[DIGEST_LEN];

	memset(got, 0, sizeof(got));
	assert_int_equal(file_obj(c, camera, path, size, mtime, got), 0);
	assert_memory_equal(got, want, DIGEST_LEN);
}

static void
expect_no_file(struct catalog *c, const char *camera, const char *path,
    uint64_t size, const char *mtime)
{
	uint8_t got[DIGEST_LEN];

	memset(got, 0xa5, sizeof(got));
	assert_int_equal(file_obj(c, camera, path, size, mtime, got),
	    CUSTOS_ERR_NOTFOUND);
}

/*
 * A session of CAM-A with every kind of item the look-up must tell apart:
 * objects x, y, z of o; "sm3" is an object of another algorithm.
 */
static void
append_lookup_session(struct log *l, const struct objs *o, const char *sm3)
{
	char rest[3072];

	snprintf(rest, sizeof(rest), ",\"camera\":\"CAM-A\",\"inventory\":["
	    "{\"path\":\"DCIM/1.MP4\",\"size\":10,\"mtime\":\"" T0 "\","
	    "\"status\":\"sealed\",\"object\":\"%s\",\"index\":1},"
	    /* Not UTF-8: the lossy path, then the exact bytes. */
	    "{\"path\":\"" FFFD "\",\"path_hex\":\"626164ff6e616d65\","
	    "\"size\":20,\"mtime\":\"" T0 "\",\"status\":\"sealed\","
	    "\"object\":\"%s\",\"index\":2},"
	    /* A real name spelled like the other's lossy path. */
	    "{\"path\":\"" FFFD "\",\"size\":20,\"mtime\":\"" T0 "\","
	    "\"status\":\"already_sealed\",\"object\":\"%s\",\"index\":3},"
	    "{\"path\":\"DCIM/failed.MP4\",\"size\":10,\"mtime\":\"" T0 "\","
	    "\"status\":\"failed\",\"object\":\"%s\"},"
	    "{\"path\":\"DCIM/pending.MP4\",\"size\":10,\"mtime\":\"" T0 "\","
	    "\"status\":\"pending\",\"object\":\"%s\"},"
	    "{\"path\":\"DCIM/noobj.MP4\",\"size\":10,\"mtime\":\"" T0 "\","
	    "\"status\":\"sealed\"},"
	    "{\"path\":\"DCIM/sm3.MP4\",\"size\":10,\"mtime\":\"" T0 "\","
	    "\"status\":\"sealed\",\"object\":\"%s\"},"
	    "{\"path\":\"DCIM/nomtime.MP4\",\"size\":10,"
	    "\"status\":\"sealed\",\"object\":\"%s\"},"
	    /* Two items for one name that disagree: neither is trusted. */
	    "{\"path\":\"DCIM/twice.MP4\",\"size\":10,\"mtime\":\"" T0 "\","
	    "\"status\":\"sealed\",\"object\":\"%s\"},"
	    "{\"path\":\"DCIM/twice.MP4\",\"size\":10,\"mtime\":\"" T0 "\","
	    "\"status\":\"sealed\",\"object\":\"%s\"},"
	    /* Two that agree are one answer. */
	    "{\"path\":\"DCIM/same.MP4\",\"size\":10,\"mtime\":\"" T0 "\","
	    "\"status\":\"sealed\",\"object\":\"%s\"},"
	    "{\"path\":\"DCIM/same.MP4\",\"size\":10,\"mtime\":\"" T0 "\","
	    "\"status\":\"already_sealed\",\"object\":\"%s\"}]",
	    o->s[0], o->s[1], o->s[2], o->s[0], o->s[0], sm3, o->s[0],
	    o->s[0], o->s[1], o->s[2], o->s[2]);
	assert_true(strlen(rest) < sizeof(rest) - 1);
	append(l, ENTRY_DOCK_SESSION, rest);
}

static void
check_lookup_session(struct catalog *c, const struct objs *o)
{
	uint8_t got[DIGEST_LEN];

	expect_file(c, "CAM-A", "DCIM/1.MP4", 10, T0, o->raw[0]);
	/* Each name finds only its own row, though both rows have the
	 * same "path" text. */
	expect_file(c, "CAM-A", BAD, 20, T0, o->raw[1]);
	expect_file(c, "CAM-A", FFFD, 20, T0, o->raw[2]);
	expect_no_file(c, "CAM-A", "bad\xfename", 20, T0);
	expect_no_file(c, "CAM-A", "bad\xef\xbf\xbd\xffname", 20, T0);
	/* Length matters: a prefix or the name with its NUL is another. */
	assert_int_equal(catalog_file_object(c, "CAM-A", "DCIM/1.MP4", 9, 10,
	    T0, got), CUSTOS_ERR_NOTFOUND);
	assert_int_equal(catalog_file_object(c, "CAM-A", "DCIM/1.MP4", 11, 10,
	    T0, got), CUSTOS_ERR_NOTFOUND);
	assert_int_equal(catalog_file_object(c, "CAM-A", BAD "x", 8, 20, T0,
	    got), 0);
	assert_memory_equal(got, o->raw[1], DIGEST_LEN);
	/* Size, mtime (to the character) and camera must all agree. */
	expect_no_file(c, "CAM-A", "DCIM/1.MP4", 11, T0);
	expect_no_file(c, "CAM-A", "DCIM/1.MP4", 10,
	    "2026-03-01T08:00:00.124Z");
	expect_no_file(c, "CAM-A", "DCIM/1.MP4", 10, "2026-03-01T08:00:00Z");
	expect_no_file(c, "CAM-B", "DCIM/1.MP4", 10, T0);
	expect_no_file(c, "CAM-", "DCIM/1.MP4", 10, T0);
	/* Status, object and algorithm filters. */
	expect_no_file(c, "CAM-A", "DCIM/failed.MP4", 10, T0);
	expect_no_file(c, "CAM-A", "DCIM/pending.MP4", 10, T0);
	expect_no_file(c, "CAM-A", "DCIM/noobj.MP4", 10, T0);
	expect_no_file(c, "CAM-A", "DCIM/sm3.MP4", 10, T0);
	expect_no_file(c, "CAM-A", "DCIM/nomtime.MP4", 10, T0);
	expect_no_file(c, "CAM-A", "DCIM/twice.MP4", 10, T0);
	expect_file(c, "CAM-A", "DCIM/same.MP4", 10, T0, o->raw[2]);
	/* Bad arguments. */
	assert_int_equal(catalog_file_object(c, "CAM-A", "", 0, 10, T0, got),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(file_obj(c, "CAM-A", "DCIM/1.MP4", 10, NULL, got),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(file_obj(c, "CAM-A", "DCIM/1.MP4", UINT64_MAX, T0,
	    got), CUSTOS_ERR_INVALID);
}

static void
test_file_object(void **state)
{
	struct fixture_station *fx = *state;
	char sm3[DIGEST_STRLEN];
	uint8_t raw[DIGEST_LEN];
	struct catalog *c;
	struct log *l;
	struct objs o;

	make_objs(DIGEST_SHA256, &o);
	object_of(DIGEST_SM3, "x", sm3, raw);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	assert_int_equal(catalog_open(fx->path, &c), 0);
	build_history(l, &o, NULL, NULL);
	/* Before any session of CAM-A with the file. */
	assert_int_equal(catalog_sync(c, l), 0);
	expect_no_file(c, "CAM-A", "DCIM/1.MP4", 10, T0);
	/* build_history's CAM-A session has this item but no such mtime;
	 * its own mtime does match. */
	expect_file(c, "CAM-A", "DCIM/1.MP4", 10, "2026-01-01T00:00:00.000Z",
	    o.raw[0]);
	append_lookup_session(l, &o, sm3);
	/* Another camera's later session changes nothing for CAM-A. */
	append(l, ENTRY_DOCK_SESSION, ",\"camera\":\"CAM-B\",\"inventory\":["
	    "{\"path\":\"DCIM/1.MP4\",\"size\":10,\"mtime\":\"" T0 "\","
	    "\"status\":\"refused\"}]");
	assert_int_equal(catalog_sync(c, l), 0);
	check_lookup_session(c, &o);
	expect_no_file(c, "CAM-A", "DCIM/1.MP4", 10,
	    "2026-01-01T00:00:00.000Z");
	/* The same answers after a reopen. */
	catalog_close(c);
	assert_int_equal(catalog_open(fx->path, &c), 0);
	check_lookup_session(c, &o);

	/* Only the latest session counts: one without DCIM/1.MP4 and with
	 * the non-UTF-8 name now failed. */
	append(l, ENTRY_DOCK_SESSION, ",\"camera\":\"CAM-A\",\"inventory\":["
	    "{\"path\":\"" FFFD "\",\"path_hex\":\"626164ff6e616d65\","
	    "\"size\":20,\"mtime\":\"" T0 "\",\"status\":\"failed\"},"
	    "{\"path\":\"DCIM/2.MP4\",\"size\":30,\"mtime\":\"" T0 "\","
	    "\"status\":\"already_sealed\",\"object\":\"sha256:"
	    "2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4DB02258717921A4881"
	    "\"}]");
	assert_int_equal(catalog_sync(c, l), 0);
	expect_no_file(c, "CAM-A", "DCIM/1.MP4", 10, T0);
	expect_no_file(c, "CAM-A", BAD, 20, T0);
	expect_no_file(c, "CAM-A", FFFD, 20, T0);
	/* sha256("x"), in capitals, as digest_parse() may accept them. */
	if (digest_parse("sha256:2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4"
	    "DB02258717921A4881", &(enum digest_alg){ 0 }, raw) == 0)
		expect_file(c, "CAM-A", "DCIM/2.MP4", 30, T0, o.raw[0]);
	else
		expect_no_file(c, "CAM-A", "DCIM/2.MP4", 30, T0);
	catalog_close(c);
	log_close(l);
}

/*
 * A log.db whose camera_files was made before path_bytes and object_raw:
 * catalog_open() adds them, the old rows never match, and the next
 * session's rows do.
 */
static void
test_file_object_old_schema(void **state)
{
	struct fixture_station *fx = *state;
	struct catalog *c, *c2;
	struct log *l;
	struct objs o;
	sqlite3 *db;
	char sql[512];

	make_objs(DIGEST_SHA256, &o);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	build_history(l, &o, NULL, NULL);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql),
	    "CREATE TABLE catalog_state (key TEXT PRIMARY KEY,"
	    "    value INTEGER NOT NULL);"
	    "INSERT INTO catalog_state VALUES ('synced_to', 0);"
	    "CREATE TABLE camera_files (camera TEXT NOT NULL,"
	    "    path TEXT NOT NULL, size INTEGER NOT NULL, mtime TEXT,"
	    "    object TEXT, status TEXT NOT NULL, session INTEGER NOT NULL);"
	    "INSERT INTO camera_files VALUES ('CAM-Z', 'old.MP4', 10, '" T0
	    "', '%s', 'sealed', 0);", o.s[0]);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(catalog_open(fx->path, &c), 0);
	/* A second open finds the columns there and changes nothing. */
	assert_int_equal(catalog_open(fx->path, &c2), 0);
	catalog_close(c2);
	expect_no_file(c, "CAM-Z", "old.MP4", 10, T0);
	assert_int_equal(catalog_sync(c, l), 0);
	check_history(c, l, &o);
	expect_no_file(c, "CAM-Z", "old.MP4", 10, T0);
	append(l, ENTRY_DOCK_SESSION, ",\"camera\":\"CAM-Z\",\"inventory\":["
	    "{\"path\":\"old.MP4\",\"size\":10,\"mtime\":\"" T0 "\","
	    "\"status\":\"sealed\",\"object\":\"sha256:"
	    "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
	    "\"}]");
	assert_int_equal(catalog_sync(c, l), 0);
	expect_file(c, "CAM-Z", "old.MP4", 10, T0, o.raw[0]);
	catalog_close(c);
	log_close(l);
}

/*
 * A log.db whose catalog was built before camera_objects existed: opening
 * it adds the table, empties the others and rebuilds all from the log.
 */
static void
test_camera_objects_added(void **state)
{
	struct fixture_station *fx = *state;
	struct catalog *c;
	struct log *l;
	struct objs o;
	sqlite3 *db;

	make_objs(DIGEST_SHA256, &o);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	build_history(l, &o, NULL, NULL);
	assert_int_equal(catalog_open(fx->path, &c), 0);
	assert_int_equal(catalog_sync(c, l), 0);
	catalog_close(c);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE camera_objects",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* Read-only, it is not built yet. */
	assert_int_equal(catalog_open_ro(fx->path, &c), CUSTOS_ERR_NOTFOUND);
	assert_int_equal(catalog_open(fx->path, &c), 0);
	assert_int_equal(catalog_synced(c), 0);
	assert_int_equal(catalog_sync(c, l), 0);
	check_history(c, l, &o);
	catalog_close(c);
	assert_int_equal(catalog_open_ro(fx->path, &c), 0);
	check_history(c, l, &o);
	catalog_close(c);
	log_close(l);
}

/* The object.deleted that disposed of raw is index, or none if 0. */
static void
expect_deleted(struct catalog *c, const uint8_t raw[DIGEST_LEN],
    uint64_t index)
{
	uint64_t got = 0;

	assert_int_equal(catalog_deleted(c, raw, &got), index == 0 ?
	    CUSTOS_ERR_NOTFOUND : 0);
	assert_int_equal(got, index);
}

/* Appends an object.deleted of obj (the fields the daemon writes). */
static uint64_t
append_deleted(struct log *l, const char *obj)
{
	char rest[512];

	snprintf(rest, sizeof(rest), ",\"object\":\"%s\",\"size\":1,"
	    "\"class\":\"unlinked\",\"rule\":\"unlinked = 6 months\","
	    "\"at\":\"2026-08-01\",\"approver\":\"daemon\",\"by\":\"root\","
	    "\"uid\":0", obj);
	return append(l, ENTRY_OBJECT_DELETED, rest);
}

/*
 * catalog_deleted(): the latest object.deleted of an object whose bytes
 * are gone; sealed again (a segment or a document), it is stored and
 * none counts; a database made before the table existed is rebuilt.
 */
static void
test_deleted(void **state)
{
	struct fixture_station *fx = *state;
	struct catalog *c;
	struct log *l;
	char o1[DIGEST_STRLEN], o2[DIGEST_STRLEN], rest[512];
	uint8_t r1[DIGEST_LEN], r2[DIGEST_LEN];
	uint64_t d1, d2;
	sqlite3 *db;

	object_of(DIGEST_SHA256, "disposed bytes", o1, r1);
	object_of(DIGEST_SHA256, "kept bytes", o2, r2);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	assert_int_equal(catalog_open(fx->path, &c), 0);
	(void)append_segment(l, o1, 14, "CAM-1");
	(void)append_segment(l, o2, 10, "CAM-1");
	d1 = append_deleted(l, o1);
	assert_int_equal(catalog_sync(c, l), 0);
	expect_deleted(c, r1, d1);
	expect_deleted(c, r2, 0);
	/* Docked again: stored again, no disposal stands. */
	(void)append_segment(l, o1, 14, "CAM-2");
	assert_int_equal(catalog_sync(c, l), 0);
	expect_deleted(c, r1, 0);
	d2 = append_deleted(l, o1);
	assert_int_equal(catalog_sync(c, l), 0);
	expect_deleted(c, r1, d2);
	/* The older database: the table is added and filled from the log. */
	catalog_close(c);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE deleted", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(catalog_open_ro(fx->path, &c), CUSTOS_ERR_NOTFOUND);
	assert_int_equal(catalog_open(fx->path, &c), 0);
	assert_int_equal(catalog_synced(c), 0);
	assert_int_equal(catalog_sync(c, l), 0);
	expect_deleted(c, r1, d2);
	/* A document of the same bytes stores them again too. */
	snprintf(rest, sizeof(rest), ",\"inspection\":\"I-1\",\"kind\":"
	    "\"record\",\"name\":\"r.txt\",\"object\":\"%s\",\"size\":14",
	    o1);
	(void)append(l, ENTRY_DOCUMENT_SEALED, rest);
	assert_int_equal(catalog_sync(c, l), 0);
	expect_deleted(c, r1, 0);
	catalog_close(c);
	log_close(l);
}

static void
test_open_missing(void **state)
{
	struct fixture_station *fx = *state;
	struct catalog *c = (struct catalog *)&c;
	char path[sizeof(fx->path)];

	fixture_path(path, sizeof(path), fx->dir, "none/log.db");
	assert_int_equal(catalog_open(path, &c), CUSTOS_ERR_DB);
	assert_null(c);
	catalog_close(NULL);
	catalog_files_free(NULL, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_sync_all_kinds),
		FIXTURE_TEST(test_reopen_incremental),
		FIXTURE_TEST(test_scratch_equals_incremental),
		FIXTURE_TEST(test_sm3),
		FIXTURE_TEST(test_corrupt_rolls_back),
		FIXTURE_TEST(test_catalog_ahead_of_log),
		FIXTURE_TEST(test_open_missing),
		FIXTURE_TEST(test_file_object),
		FIXTURE_TEST(test_file_object_old_schema),
		FIXTURE_TEST(test_camera_objects_added),
		FIXTURE_TEST(test_deleted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
