/*
 * test_retention_view: the retention view (lib/evidence/retention_view.c)
 * on a real SQLite log.  A plan read through the view must equal the plan
 * of the whole log parsed entry by entry, whether the view is up to date,
 * behind the log (the entries past it parsed), or read by a second,
 * read-only connection; an entry that lacks a member fails the load with
 * its index either way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "custos/config.h"
#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/retention.h"

#include "fixture.h"

#define STATION	"test.example/station"
#define OBJ(c)	"sha256:" c c c c c c c c c c c c c c c c

static void
defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->retention_unlinked.n = 6;
	c->retention_unlinked.unit = CONFIG_MONTHS;
	c->retention_no_penalty.n = 1;
	c->retention_no_penalty.unit = CONFIG_YEARS;
	c->retention_penalty.permanent = 1;
	c->retention_documents.n = 3;
	c->retention_documents.unit = CONFIG_YEARS;
}

static uint64_t
put(struct log *l, const char *type, const char *time, const char *fmt, ...)
{
	char rest[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rest, sizeof(rest), fmt, ap);
	va_end(ap);
	return fixture_append(l, type, time, STATION, rest);
}

/*
 * Entries of every kind the retention state reads, and some it skips:
 * inspections I1 (closed with a decision), I2 (closed without), I3 (open);
 * segments linked, unlinked and relinked; a document; holds placed and
 * released; a disposal.
 */
static void
fill(struct log *l, int part)
{
	uint64_t s1, s2, s3, h;

	if (part == 0) {
		put(l, ENTRY_STATION_STARTED, "2025-01-01T00:00:00Z", "");
		put(l, ENTRY_INSPECTION_REGISTERED, "2025-01-02T01:00:00Z",
		    ",\"inspection\":\"I1\",\"enterprise\":\"E1\"");
		put(l, ENTRY_INSPECTION_EMERGENCY, "2025-01-02T02:00:00Z",
		    ",\"inspection\":\"I2\",\"enterprise\":\"E2\"");
		s1 = put(l, ENTRY_SEGMENT_SEALED, "2025-01-02T03:00:00Z",
		    ",\"object\":\"" OBJ("1") "\",\"size\":100,"
		    "\"camera\":\"CAM1\"");
		s2 = put(l, ENTRY_SEGMENT_SEALED, "2025-01-02T04:00:00Z",
		    ",\"object\":\"" OBJ("2") "\",\"size\":200,"
		    "\"camera\":\"CAM2\"");
		put(l, ENTRY_EVIDENCE_LINKED, "2025-01-02T05:00:00Z",
		    ",\"inspection\":\"I1\",\"segment\":%llu",
		    (unsigned long long)s1);
		put(l, ENTRY_EVIDENCE_LINKED, "2025-01-02T05:00:01Z",
		    ",\"inspection\":\"I2\",\"segment\":%llu",
		    (unsigned long long)s2);
		put(l, ENTRY_DOCUMENT_SEALED, "2025-01-02T06:00:00Z",
		    ",\"object\":\"" OBJ("3") "\",\"size\":30,"
		    "\"inspection\":\"I1\"");
		h = put(l, ENTRY_HOLD_PLACED, "2025-01-03T00:00:00Z",
		    ",\"scope\":\"camera\",\"target\":\"CAM2\",\"reason\":"
		    "\"复议\",\"reference\":\"(2025)京01行初1号\",\"by\":\"root\"");
		put(l, ENTRY_INSPECTION_CLOSED, "2025-01-04T00:00:00Z",
		    ",\"inspection\":\"I1\"");
		put(l, ENTRY_DECISION_SERVED, "2025-02-04T00:00:00Z",
		    ",\"inspection\":\"I1\"");
		put(l, ENTRY_INSPECTION_CLOSED, "2025-01-05T00:00:00Z",
		    ",\"inspection\":\"I2\"");
		put(l, ENTRY_HOLD_RELEASED, "2025-03-01T00:00:00Z",
		    ",\"hold\":%llu,\"reason\":\"done\"",
		    (unsigned long long)h);
		return;
	}
	put(l, ENTRY_INSPECTION_REGISTERED, "2025-04-01T00:00:00Z",
	    ",\"inspection\":\"I3\",\"enterprise\":\"E1\"");
	s3 = put(l, ENTRY_SEGMENT_SEALED, "2025-04-01T01:00:00Z",
	    ",\"object\":\"" OBJ("4") "\",\"size\":400,\"camera\":\"CAM1\"");
	put(l, ENTRY_EVIDENCE_LINKED, "2025-04-01T02:00:00Z",
	    ",\"inspection\":\"I3\",\"segment\":%llu", (unsigned long long)s3);
	put(l, ENTRY_EVIDENCE_UNLINKED, "2025-04-01T03:00:00Z",
	    ",\"inspection\":\"I3\",\"segment\":%llu", (unsigned long long)s3);
	/* The same bytes again: a second holder of object 1. */
	put(l, ENTRY_SEGMENT_SEALED, "2025-04-02T00:00:00Z",
	    ",\"object\":\"" OBJ("1") "\",\"size\":100,\"camera\":\"CAM3\"");
	put(l, ENTRY_HOLD_PLACED, "2025-04-03T00:00:00Z",
	    ",\"scope\":\"enterprise\",\"target\":\"E1\",\"reason\":\"r\","
	    "\"reference\":\"ref\",\"by\":\"root\"");
	put(l, ENTRY_OBJECT_DELETED, "2025-12-01T00:00:00Z",
	    ",\"object\":\"" OBJ("4") "\",\"size\":400");
	put(l, ENTRY_DOCK_SESSION, "2025-12-02T00:00:00Z",
	    ",\"camera\":\"CAM1\",\"inventory\":[]");
}

/* Asserts a and b hold the same plan at day and the same holds. */
static void
same_plan(struct retention *a, struct retention *b, int64_t day)
{
	const struct retention_item *ia, *ib;
	const struct retention_hold *ha, *hb;
	struct config cfg;
	size_t na, nb, i;

	defaults(&cfg);
	assert_int_equal(retention_plan(a, &cfg, day, &ia, &na), 0);
	assert_int_equal(retention_plan(b, &cfg, day, &ib, &nb), 0);
	assert_int_equal(na, nb);
	assert_true(na > 0);
	for (i = 0; i < na; i++) {
		assert_string_equal(ia[i].object, ib[i].object);
		assert_int_equal(ia[i].size, ib[i].size);
		assert_int_equal(ia[i].cls, ib[i].cls);
		assert_int_equal(ia[i].state, ib[i].state);
		assert_int_equal(ia[i].entry, ib[i].entry);
		assert_int_equal(ia[i].since, ib[i].since);
		assert_int_equal(ia[i].due, ib[i].due);
		assert_int_equal(ia[i].hold, ib[i].hold);
		assert_int_equal(ia[i].holders, ib[i].holders);
	}
	retention_holds(a, &ha, &na);
	retention_holds(b, &hb, &nb);
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		assert_int_equal(ha[i].index, hb[i].index);
		assert_int_equal(ha[i].released, hb[i].released);
		assert_string_equal(ha[i].scope, hb[i].scope);
		assert_string_equal(ha[i].target, hb[i].target);
		assert_string_equal(ha[i].reason, hb[i].reason);
		assert_string_equal(ha[i].reference, hb[i].reference);
	}
}

static int64_t
day(const char *s)
{
	int64_t d;

	assert_int_equal(retention_day_parse(s, &d), 0);
	return d;
}

static void
check_against_scan(struct retention_view *v, struct log *l)
{
	static const char *const days[] = { "2025-01-10", "2025-06-01",
	    "2026-03-01", "2030-01-01" };
	struct retention *full, *viewed;
	uint64_t bad;
	size_t i;

	assert_int_equal(retention_load(l, &full, &bad), 0);
	assert_int_equal(retention_view_load(v, l, &viewed, &bad), 0);
	for (i = 0; i < sizeof(days) / sizeof(days[0]); i++)
		same_plan(full, viewed, day(days[i]));
	assert_int_equal(retention_known(viewed, "enterprise", "E2"), 1);
	assert_int_equal(retention_known(viewed, "camera", "CAM2"), 1);
	assert_int_equal(retention_known(viewed, "camera", "CAM3"),
	    retention_known(full, "camera", "CAM3"));
	retention_free(full);
	retention_free(viewed);
}

/* Up to date, then behind the log, then caught up again. */
static void
test_view_equals_scan(void **state)
{
	struct fixture_station *st = NULL;
	struct retention_view *v, *ro;

	(void)state;
	assert_int_equal(fixture_station_open("retview", DIGEST_SHA256, 0,
	    NULL, &st), 0);
	fill(st->log, 0);
	assert_int_equal(retention_view_open(st->path, 1, &ro),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(retention_view_open(st->path, 0, &v), 0);
	assert_int_equal(retention_view_sync(v, st->log), 0);
	check_against_scan(v, st->log);
	/* Behind: the entries past the view come from the log itself. */
	fill(st->log, 1);
	check_against_scan(v, st->log);
	assert_int_equal(retention_view_open(st->path, 1, &ro), 0);
	check_against_scan(ro, st->log);
	assert_int_equal(retention_view_sync(v, st->log), 0);
	check_against_scan(v, st->log);
	check_against_scan(ro, st->log);
	retention_view_close(ro);
	retention_view_close(v);
	fixture_station_free(st);
}

/* The view of a longer log than the one read: only what the log has. */
static void
test_view_ahead_of_reader(void **state)
{
	struct fixture_station *st = NULL;
	struct retention *r;
	struct retention_view *v;
	struct log *old;
	uint64_t bad;

	(void)state;
	assert_int_equal(fixture_station_open("retahead", DIGEST_SHA256, 0,
	    NULL, &st), 0);
	fill(st->log, 0);
	assert_int_equal(log_open(st->path, DIGEST_SHA256, 0, &old), 0);
	fill(st->log, 1);
	assert_int_equal(retention_view_open(st->path, 0, &v), 0);
	assert_int_equal(retention_view_sync(v, st->log), 0);
	assert_true(log_size(old) < log_size(st->log));
	assert_int_equal(retention_view_load(v, old, &r, &bad), 0);
	assert_int_equal(retention_known(r, "camera", "CAM3"), 0);
	assert_int_equal(retention_known(r, "camera", "CAM2"), 1);
	retention_free(r);
	retention_view_close(v);
	log_close(old);
	fixture_station_free(st);
}

/* An entry without its size: the sync keeps it, the load names it. */
static void
test_view_bad_entry(void **state)
{
	struct fixture_station *st = NULL;
	struct retention_view *v;
	struct retention *r;
	uint64_t bad, at;

	(void)state;
	assert_int_equal(fixture_station_open("retbad", DIGEST_SHA256, 0,
	    NULL, &st), 0);
	fill(st->log, 0);
	at = put(st->log, ENTRY_SEGMENT_SEALED, "2025-05-01T00:00:00Z",
	    ",\"object\":\"" OBJ("9") "\",\"camera\":\"CAM1\"");
	fill(st->log, 1);
	assert_int_equal(retention_load(st->log, &r, &bad),
	    CUSTOS_ERR_CORRUPT);
	assert_null(r);
	assert_int_equal(bad, at);
	assert_int_equal(retention_view_open(st->path, 0, &v), 0);
	assert_int_equal(retention_view_sync(v, st->log), 0);
	bad = 0;
	assert_int_equal(retention_view_load(v, st->log, &r, &bad),
	    CUSTOS_ERR_CORRUPT);
	assert_null(r);
	assert_int_equal(bad, at);
	retention_view_close(v);
	fixture_station_free(st);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_view_equals_scan),
		cmocka_unit_test(test_view_ahead_of_reader),
		cmocka_unit_test(test_view_bad_entry),
	};

	return FIXTURE_RUN(tests, argc, argv);
}
