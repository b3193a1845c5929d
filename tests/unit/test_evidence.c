#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <sqlite3.h>

#include "custos/calendar.h"
#include "custos/catalog.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/log.h"
#include "custos/registry.h"

#include "fixture.h"

/* A station's log.db with its registry and catalog synced. */
struct fixture {
	struct fixture_station	*st;	/* owns the directory and the log */
	struct log		*log;	/* st->log */
	const char		*path;	/* st->path */
	struct registry		*reg;
	struct catalog		*cat;
};

#define INS	"INS-20260302-0001"
#define INS2	"INS-20260302-0002"
#define USCC	"91350100M000100Y43"
#define T0	"2026-03-02T01:00:00.000Z"
#define T1	"2026-03-02T02:00:00.000Z"
#define T2	"2026-03-02T02:10:00.000Z"
#define T3	"2026-03-02T03:00:00.000Z"

/* Appends an entry as the daemon writes it, with rest after "station". */
static uint64_t
append(struct log *l, const char *type, const char *time, const char *rest)
{
	return fixture_append(l, type, time, "t", rest);
}

/* Appends a step of inspection id after its entry prev. */
static uint64_t
step(struct log *l, const char *id, uint64_t prev, const char *type,
    const char *time, const char *rest)
{
	uint8_t leaf[DIGEST_LEN];
	char hex[2 * DIGEST_LEN + 1], buf[1024];

	assert_int_equal(log_leaf(l, prev, leaf), 0);
	hex_encode(leaf, DIGEST_LEN, hex);
	snprintf(buf, sizeof(buf), ",\"inspection\":\"%s\","
	    "\"inspection_prev\":\"sha256:%s\"%s", id, hex, rest);
	return append(l, type, time, buf);
}

#define OBJ(c)	"\"object\":\"sha256:" c c c c c c c c c c c c c c c c \
		    c c c c c c c c c c c c c c c c c c c c c c c c c c c c \
		    c c c c c c c c c c c c c c c c c c c c "\""

/*
 * The log every test starts from.  Indexes:
 *	0 station.started	  9 station.started (a restart)
 *	1-3 officer.added	 10 segment.sealed CAM1 (PA-3)
 *	4 enterprise.added	 11 evidence.linked 10
 *	5 device.registered	 12 segment.sealed CAM1, never linked
 *	6 camera.assigned	 13 dock.session CAM2: 10 already sealed
 *	7 inspection.registered	 14 dock.session CAM1: 10 and 12 sealed
 *	8 inspection.entered	 15 left, 16 closed, 17 another inspection
 */
static void
fill(struct log *l)
{
	uint64_t i;

	append(l, ENTRY_STATION_STARTED, T0, "");
	fixture_officer_added(l, T0, "t", "PA-1", "李娜", "u", "C-1",
	    "2099-12-31");
	fixture_officer_added(l, T0, "t", "PA-2", "张伟", "u", "C-2",
	    "2099-12-31");
	fixture_officer_added(l, T0, "t", "PA-3", "王五", "u", "C-3",
	    "2099-12-31");
	append(l, ENTRY_ENTERPRISE_ADDED, T0, ",\"enterprise\":\"" USCC "\","
	    "\"name\":\"某化工有限公司\",\"risk\":\"yellow\"");
	append(l, ENTRY_DEVICE_REGISTERED, T0, ",\"camera\":\"CAM1\","
	    "\"kind\":\"body\",\"model\":\"DSJ-V8\"");
	append(l, ENTRY_CAMERA_ASSIGNED, T0, ",\"camera\":\"CAM1\","
	    "\"officer\":\"PA-3\",\"from\":\"" T0 "\"");
	i = append(l, ENTRY_INSPECTION_REGISTERED, T1, ",\"inspection\":\"" INS
	    "\",\"enterprise\":\"" USCC "\",\"officers\":[\"PA-1\",\"PA-2\"],"
	    "\"basis\":\"b\",\"content\":\"c\",\"method\":\"onsite\"");
	i = step(l, INS, i, ENTRY_INSPECTION_ENTERED, T1, ",\"at\":\"" T1 "\"");
	append(l, ENTRY_STATION_STARTED, T1, "");
	append(l, ENTRY_SEGMENT_SEALED, T2, "," OBJ("a") ",\"size\":10,"
	    "\"camera\":\"CAM1\",\"source\":\"usb\",\"path\":\"a.mp4\","
	    "\"mtime\":\"" T1 "\",\"officer\":\"PA-3\",\"decodable\":true,"
	    "\"media\":{\"container\":\"mov,mp4\",\"duration_ms\":3600000,"
	    "\"recorded_start\":\"" T1 "\"}");
	i = step(l, INS, i, ENTRY_EVIDENCE_LINKED, T2, ",\"segment\":10,"
	    OBJ("a") ",\"camera\":\"CAM1\",\"by\":\"auto\"");
	append(l, ENTRY_SEGMENT_SEALED, T2, "," OBJ("b") ",\"size\":5,"
	    "\"camera\":\"CAM1\",\"source\":\"usb\",\"path\":\"b.txt\","
	    "\"mtime\":\"" T1 "\",\"decodable\":false");
	append(l, ENTRY_DOCK_SESSION, T2, ",\"camera\":\"CAM2\",\"inventory\":"
	    "[{\"path\":\"x.mp4\",\"size\":10,\"status\":\"already_sealed\","
	    OBJ("a") ",\"index\":10}]");
	append(l, ENTRY_DOCK_SESSION, T2, ",\"camera\":\"CAM1\",\"inventory\":"
	    "[{\"path\":\"a.mp4\",\"size\":10,\"status\":\"sealed\","
	    OBJ("a") ",\"index\":10},{\"path\":\"b.txt\",\"size\":5,"
	    "\"status\":\"sealed\"," OBJ("b") ",\"index\":12}]");
	i = step(l, INS, i, ENTRY_INSPECTION_LEFT, T3, ",\"at\":\"" T3 "\"");
	step(l, INS, i, ENTRY_INSPECTION_CLOSED, T3, ",\"result\":\"ok\"");
	append(l, ENTRY_INSPECTION_REGISTERED, T3, ",\"inspection\":\"" INS2
	    "\",\"enterprise\":\"" USCC "\",\"officers\":[\"PA-1\",\"PA-3\"],"
	    "\"basis\":\"b\",\"content\":\"c\",\"method\":\"onsite\"");
}

static int
setup(void **state)
{
	struct fixture *fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	if (fixture_station_open("ev", DIGEST_SHA256, 0, NULL, &fx->st) != 0) {
		free(fx);
		return -1;
	}
	fx->log = fx->st->log;
	fx->path = fx->st->path;
	fill(fx->log);
	if (catalog_open(fx->path, &fx->cat) != 0 ||
	    catalog_sync(fx->cat, fx->log) != 0 ||
	    registry_open(fx->path, &fx->reg) != 0 ||
	    registry_sync(fx->reg, fx->log) != 0)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	catalog_close(fx->cat);
	registry_close(fx->reg);
	fixture_station_free(fx->st);
	free(fx);
	return 0;
}

/* Asserts that role holds exactly the indexes want (ascending). */
static void
expect_role(const struct evidence *ev, enum evidence_role role,
    const uint64_t *want, size_t n)
{
	size_t k;

	assert_int_equal(ev->n[role], n);
	for (k = 0; k < n; k++) {
		assert_int_equal(ev->e[role][k].index, want[k]);
		assert_int_equal(ev->e[role][k].role, role);
		assert_non_null(ev->e[role][k].json);
	}
}

static void
test_gather(void **state)
{
	static const uint64_t chain[] = { 7, 8, 11, 15, 16 };
	static const uint64_t segs[] = { 10 };
	static const uint64_t sessions[] = { 14 };
	static const uint64_t context[] = { 1, 2, 3, 4, 5, 6 };
	static const uint64_t stations[] = { 9 };
	struct fixture *fx = *state;
	struct evidence ev;
	const struct evidence_entry *e;
	uint8_t *data;
	size_t len;

	assert_int_equal(evidence_gather(fx->log, fx->reg, fx->cat, INS, &ev),
	    0);
	assert_string_equal(ev.inspection, INS);
	expect_role(&ev, EVIDENCE_CHAIN, chain, 5);
	expect_role(&ev, EVIDENCE_SEGMENT, segs, 1);
	/* The session that sealed it, not the earlier one that saw it. */
	expect_role(&ev, EVIDENCE_SESSION, sessions, 1);
	expect_role(&ev, EVIDENCE_CONTEXT, context, 6);
	/* The restart before the segment, not the first start. */
	expect_role(&ev, EVIDENCE_STATION, stations, 1);
	/* Each entry's bytes are exactly the log's. */
	assert_non_null(e = evidence_find(&ev, 11));
	assert_int_equal(e->role, EVIDENCE_CHAIN);
	assert_int_equal(log_entry(fx->log, 11, &data, &len), 0);
	assert_int_equal(e->len, len);
	assert_memory_equal(e->bytes, data, len);
	free(data);
	assert_null(evidence_find(&ev, 12));
	assert_null(evidence_find(&ev, 17));
	evidence_free(&ev);
	assert_null(ev.inspection);
	evidence_free(&ev);
	evidence_free(NULL);
}

static void
test_gather_no_catalog(void **state)
{
	static const uint64_t context[] = { 1, 2, 3, 4, 5 };
	struct fixture *fx = *state;
	struct evidence ev;

	assert_int_equal(evidence_gather(fx->log, fx->reg, NULL, INS, &ev), 0);
	assert_int_equal(ev.n[EVIDENCE_CHAIN], 5);
	assert_int_equal(ev.n[EVIDENCE_SEGMENT], 1);
	assert_int_equal(ev.n[EVIDENCE_SESSION], 0);
	expect_role(&ev, EVIDENCE_CONTEXT, context, 5);
	assert_int_equal(ev.n[EVIDENCE_STATION], 0);
	evidence_free(&ev);
}

static void
test_gather_errors(void **state)
{
	struct fixture *fx = *state;
	struct evidence ev;
	struct log *ro;

	assert_int_equal(evidence_gather(fx->log, fx->reg, fx->cat,
	    "INS-20990101-0001", &ev), CUSTOS_ERR_NOTFOUND);
	assert_null(ev.inspection);
	assert_int_equal(evidence_gather(NULL, fx->reg, fx->cat, INS, &ev),
	    CUSTOS_ERR_INVALID);
	/*
	 * A log seen before the registry was synced: the registry names
	 * entries past its end, and the gather says so rather than
	 * returning a short chain.
	 */
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_RDONLY, &ro),
	    0);
	append(fx->log, ENTRY_INSPECTION_ENTERED, T3, ",\"inspection\":\"" INS2
	    "\",\"inspection_prev\":\"sha256:00\",\"at\":\"" T3 "\"");
	assert_int_equal(registry_sync(fx->reg, fx->log), 0);
	assert_int_equal(evidence_gather(ro, fx->reg, fx->cat, INS2, &ev),
	    CUSTOS_ERR_RANGE);
	assert_null(ev.inspection);
	log_close(ro);
}

/* The entries of ev in every role, as a bundle would carry them. */
static size_t
flatten(const struct evidence *ev, uint64_t *idx, const uint8_t **bytes,
    size_t *len, size_t max)
{
	size_t r, k, n = 0;

	for (r = 0; r < EVIDENCE_NROLES; r++)
		for (k = 0; k < ev->n[r] && n < max; k++, n++) {
			idx[n] = ev->e[r][k].index;
			bytes[n] = ev->e[r][k].bytes;
			len[n] = ev->e[r][k].len;
		}
	return n;
}

static void
test_from_entries(void **state)
{
	struct fixture *fx = *state;
	struct evidence ev, fb;
	const uint8_t *bytes[32];
	uint8_t *foreign_bytes;
	uint64_t idx[32];
	size_t len[32], n, r, k, foreign;
	const char *bad = "[1]", *mismatch;

	assert_int_equal(evidence_gather(fx->log, fx->reg, fx->cat, INS, &ev),
	    0);
	n = flatten(&ev, idx, bytes, len, 31);
	/* Add another inspection's entry: it goes nowhere. */
	assert_int_equal(log_entry(fx->log, 17, &foreign_bytes, &len[n]), 0);
	idx[n] = 17;
	bytes[n++] = foreign_bytes;
	assert_int_equal(evidence_from_entries(INS, idx, bytes, len, n, &fb,
	    &foreign), 0);
	assert_int_equal(foreign, 1);
	for (r = 0; r < EVIDENCE_NROLES; r++) {
		assert_int_equal(fb.n[r], ev.n[r]);
		for (k = 0; k < ev.n[r]; k++) {
			assert_int_equal(fb.e[r][k].index, ev.e[r][k].index);
			assert_int_equal(fb.e[r][k].len, ev.e[r][k].len);
			assert_memory_equal(fb.e[r][k].bytes, ev.e[r][k].bytes,
			    ev.e[r][k].len);
			/* A copy, not the caller's buffer. */
			assert_ptr_not_equal(fb.e[r][k].bytes,
			    ev.e[r][k].bytes);
		}
	}
	evidence_free(&fb);
	/* An index that is not the entry's own "index". */
	idx[0] = 99;
	assert_int_equal(evidence_from_entries(INS, idx, bytes, len, n, &fb,
	    &foreign), CUSTOS_ERR_FORMAT);
	assert_null(fb.inspection);
	/* Not a JSON object. */
	idx[0] = 0;
	bytes[0] = (const uint8_t *)bad;
	len[0] = strlen(bad);
	assert_int_equal(evidence_from_entries(INS, idx, bytes, len, 1, &fb,
	    &foreign), CUSTOS_ERR_FORMAT);
	mismatch = "{\"type\":\"x\",\"index\":0,\"index\":0}";
	bytes[0] = (const uint8_t *)mismatch;
	len[0] = strlen(mismatch);
	assert_int_equal(evidence_from_entries(INS, idx, bytes, len, 1, &fb,
	    &foreign), CUSTOS_ERR_FORMAT);
	free(foreign_bytes);
	evidence_free(&ev);
}

/* The names of the rules findings cite, comma-separated. */
static void
rules_of(json_t *f, char *buf, size_t len)
{
	json_t *v;
	size_t k;

	buf[0] = '\0';
	json_array_foreach(f, k, v)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
		    k ? "," : "", json_string_value(json_object_get(v, "rule")));
}

static void
test_findings(void **state)
{
	struct fixture *fx = *state;
	struct calendar *cal;
	struct evidence ev, fb;
	const uint8_t *bytes[32];
	uint64_t idx[32];
	size_t len[32], n, foreign;
	json_t *f1, *f2;
	char names[256];
	int64_t now = 1772500000000LL;	/* 2026-03-03 */

	assert_int_equal(calendar_new(&cal), 0);
	assert_int_equal(evidence_gather(fx->log, fx->reg, fx->cat, INS, &ev),
	    0);
	assert_int_equal(evidence_findings(&ev, cal, now, &f1), 0);
	assert_true(json_is_array(f1));
	/*
	 * Two officers with valid credentials, entered at 02:00 and left at
	 * 03:00 with one hour of footage from 02:00 linked, closed, the
	 * enterprise yellow: nothing to find, and the empty calendar is
	 * never asked.
	 */
	rules_of(f1, names, sizeof(names));
	assert_string_equal(names, "");
	/* The same entries from a bundle give the same findings. */
	n = flatten(&ev, idx, bytes, len, 32);
	assert_int_equal(evidence_from_entries(INS, idx, bytes, len, n, &fb,
	    &foreign), 0);
	assert_int_equal(evidence_findings(&fb, cal, now, &f2), 0);
	assert_true(json_equal(f1, f2));
	json_decref(f2);
	/* Without its linked segment the evidence is incomplete. */
	json_decref(fb.e[EVIDENCE_SEGMENT][0].json);
	free(fb.e[EVIDENCE_SEGMENT][0].bytes);
	fb.n[EVIDENCE_SEGMENT] = 0;
	assert_int_equal(evidence_findings(&fb, cal, now, &f2),
	    CUSTOS_ERR_NOTFOUND);
	assert_null(f2);
	assert_int_equal(evidence_findings(&ev, NULL, now, &f2),
	    CUSTOS_ERR_INVALID);
	json_decref(f1);
	evidence_free(&fb);
	evidence_free(&ev);
	calendar_free(cal);
}

/*
 * A catalog made before segment_sessions, starts and camera_assigns
 * existed is rebuilt from the log on open: the lookups then answer as on
 * a fresh one.
 */
static void
test_catalog_upgrade(void **state)
{
	struct fixture *fx = *state;
	uint8_t hash[DIGEST_LEN];
	uint64_t v, size;
	sqlite3 *db;

	assert_int_equal(catalog_segment_session(fx->cat, 10, &v), 0);
	assert_int_equal(v, 14);
	assert_int_equal(catalog_segment_session(fx->cat, 12, &v), 0);
	assert_int_equal(v, 14);
	assert_int_equal(catalog_segment_session(fx->cat, 11, &v),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(catalog_start_before(fx->cat, 10, &v), 0);
	assert_int_equal(v, 9);
	assert_int_equal(catalog_start_before(fx->cat, 0, &v),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(catalog_assignment_before(fx->cat, "CAM1", 10, &v),
	    0);
	assert_int_equal(v, 6);
	assert_int_equal(catalog_assignment_before(fx->cat, "CAM1", 6, &v),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(catalog_assignment_before(fx->cat, "CAM9", 99, &v),
	    CUSTOS_ERR_NOTFOUND);
	catalog_close(fx->cat);
	fx->cat = NULL;
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE segment_sessions;"
	    "DROP TABLE starts; DROP TABLE camera_assigns;", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(catalog_open(fx->path, &fx->cat), 0);
	assert_int_equal(catalog_synced(fx->cat), 0);
	assert_int_equal(catalog_segment_session(fx->cat, 10, &v),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(catalog_sync(fx->cat, fx->log), 0);
	assert_int_equal(catalog_synced(fx->cat), log_size(fx->log));
	assert_int_equal(catalog_segment_session(fx->cat, 10, &v), 0);
	assert_int_equal(v, 14);
	assert_int_equal(catalog_start_before(fx->cat, 17, &v), 0);
	assert_int_equal(v, 9);
	assert_int_equal(catalog_assignment_before(fx->cat, "CAM1", 17, &v),
	    0);
	assert_int_equal(v, 6);
	/* The older tables were rebuilt too. */
	memset(hash, 0xaa, sizeof(hash));
	assert_int_equal(catalog_object(fx->cat, hash, &v, &size), 0);
	assert_int_equal(v, 10);
	assert_int_equal(size, 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_gather, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gather_no_catalog, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_gather_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_from_entries, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_findings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_catalog_upgrade, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
