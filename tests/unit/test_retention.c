/*
 * test_retention: classes, dates and holds computed from log entries
 * (include/custos/retention.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "custos/config.h"
#include "custos/retention.h"

#define OBJ_A	"sha256:aaaa"
#define OBJ_B	"sha256:bbbb"
#define OBJ_D	"sha256:dddd"

static void
defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->retention_unlinked.n = 6;
	c->retention_unlinked.unit = CONFIG_MONTHS;
	c->retention_no_penalty.permanent = 1;
	c->retention_penalty.permanent = 1;
	c->retention_documents.permanent = 1;
}

static void
add(struct retention *r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	json_t *e;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	assert_non_null(e = json_loads(buf, 0, NULL));
	assert_int_equal(retention_add(r, e), 0);
	json_decref(e);
}

static int64_t
day(const char *s)
{
	int64_t d;

	assert_int_equal(retention_day_parse(s, &d), 0);
	return d;
}

static const struct retention_item *
item(struct retention *r, const struct config *c, const char *at,
    const char *object)
{
	const struct retention_item *it;
	size_t i, n;

	assert_int_equal(retention_plan(r, c, day(at), &it, &n), 0);
	for (i = 0; i < n; i++)
		if (strcmp(it[i].object, object) == 0)
			return &it[i];
	fail_msg("no %s", object);
	return NULL;
}

/* A station: A unlinked from CAM1, B from CAM1 and CAM2 linked to I1. */
static struct retention *
station(void)
{
	struct retention *r;

	assert_int_equal(retention_new(&r), 0);
	/* 2026-01-15 08:00 Beijing */
	add(r, "{\"type\":\"segment.sealed\",\"index\":1,\"time\":"
	    "\"2026-01-15T00:00:00.000Z\",\"object\":\"" OBJ_A "\","
	    "\"size\":100,\"camera\":\"CAM1\"}");
	add(r, "{\"type\":\"inspection.registered\",\"index\":2,\"time\":"
	    "\"2026-01-15T01:00:00.000Z\",\"inspection\":\"I1\","
	    "\"enterprise\":\"E1\"}");
	add(r, "{\"type\":\"segment.sealed\",\"index\":3,\"time\":"
	    "\"2026-01-15T02:00:00.000Z\",\"object\":\"" OBJ_B "\","
	    "\"size\":200,\"camera\":\"CAM1\"}");
	add(r, "{\"type\":\"segment.sealed\",\"index\":4,\"time\":"
	    "\"2026-01-16T02:00:00.000Z\",\"object\":\"" OBJ_B "\","
	    "\"size\":200,\"camera\":\"CAM2\",\"same_object_as\":3}");
	add(r, "{\"type\":\"evidence.linked\",\"index\":5,\"time\":"
	    "\"2026-01-16T03:00:00.000Z\",\"inspection\":\"I1\","
	    "\"segment\":4,\"object\":\"" OBJ_B "\"}");
	add(r, "{\"type\":\"document.sealed\",\"index\":6,\"time\":"
	    "\"2026-01-16T04:00:00.000Z\",\"inspection\":\"I1\","
	    "\"object\":\"" OBJ_D "\",\"size\":10}");
	return r;
}

/* Unlinked footage: disposable on the day 6 months after sealing. */
static void
test_boundary(void **state)
{
	struct retention *r = station();
	const struct retention_item *it;
	struct config c;
	char buf[11];

	(void)state;
	defaults(&c);
	it = item(r, &c, "2026-07-14", OBJ_A);
	assert_int_equal(it->cls, RETENTION_UNLINKED);
	assert_int_equal(it->state, RETENTION_KEEP);
	retention_day_format(it->due, buf);
	assert_string_equal(buf, "2026-07-15");
	retention_day_format(it->since, buf);
	assert_string_equal(buf, "2026-01-15");
	it = item(r, &c, "2026-07-15", OBJ_A);
	assert_int_equal(it->state, RETENTION_DISPOSABLE);
	assert_int_equal(it->entry, 1);
	/* Documents are permanent by default. */
	it = item(r, &c, "2040-01-01", OBJ_D);
	assert_int_equal(it->cls, RETENTION_DOCUMENTS);
	assert_int_equal(it->state, RETENTION_KEEP);
	/* Month end: 2026-08-31 + 6 months is 2027-02-28. */
	assert_int_equal(retention_day_add(day("2026-08-31"), 6,
	    CONFIG_MONTHS), day("2027-02-28"));
	retention_free(r);
}

/* Same bytes from two cameras: the linked copy keeps the object. */
static void
test_same_object(void **state)
{
	struct retention *r = station();
	const struct retention_item *it;
	struct config c;

	(void)state;
	defaults(&c);
	c.retention_no_penalty.permanent = 0;
	c.retention_no_penalty.n = 1;
	c.retention_no_penalty.unit = CONFIG_YEARS;
	it = item(r, &c, "2030-01-01", OBJ_B);
	assert_int_equal(it->cls, RETENTION_OPEN);	/* I1 not closed */
	assert_int_equal(it->state, RETENTION_KEEP);
	assert_int_equal(it->holders, 2);
	add(r, "{\"type\":\"inspection.closed\",\"index\":7,\"time\":"
	    "\"2026-03-01T00:00:00.000Z\",\"inspection\":\"I1\"}");
	it = item(r, &c, "2027-02-28", OBJ_B);
	assert_int_equal(it->cls, RETENTION_NO_PENALTY);
	assert_int_equal(it->state, RETENTION_KEEP);
	it = item(r, &c, "2027-03-01", OBJ_B);
	assert_int_equal(it->state, RETENTION_DISPOSABLE);
	/* A decision makes it the case file: permanent. */
	add(r, "{\"type\":\"decision.served\",\"index\":8,\"time\":"
	    "\"2026-03-02T00:00:00.000Z\",\"inspection\":\"I1\"}");
	it = item(r, &c, "2090-01-01", OBJ_B);
	assert_int_equal(it->cls, RETENTION_PENALTY);
	assert_int_equal(it->state, RETENTION_KEEP);
	/* Unlinked again, the CAM1 copy alone counts: 6 months. */
	add(r, "{\"type\":\"evidence.unlinked\",\"index\":9,\"time\":"
	    "\"2026-03-03T00:00:00.000Z\",\"inspection\":\"I1\","
	    "\"segment\":4}");
	it = item(r, &c, "2026-07-16", OBJ_B);
	assert_int_equal(it->cls, RETENTION_UNLINKED);
	assert_int_equal(it->state, RETENTION_DISPOSABLE);
	assert_int_equal(it->entry, 4);
	retention_free(r);
}

static void
hold_case(const char *scope, const char *target, const char *object,
    int covers)
{
	struct retention *r = station();
	const struct retention_item *it;
	const struct retention_hold *h;
	struct config c;
	size_t n;

	defaults(&c);
	c.retention_documents.permanent = 0;
	c.retention_documents.n = 1;
	c.retention_documents.unit = CONFIG_DAYS;
	add(r, "{\"type\":\"inspection.closed\",\"index\":7,\"time\":"
	    "\"2026-03-01T00:00:00.000Z\",\"inspection\":\"I1\"}");
	add(r, "{\"type\":\"evidence.unlinked\",\"index\":8,\"time\":"
	    "\"2026-03-03T00:00:00.000Z\",\"inspection\":\"I1\","
	    "\"segment\":4}");
	add(r, "{\"type\":\"evidence.linked\",\"index\":9,\"time\":"
	    "\"2026-03-03T00:00:00.000Z\",\"inspection\":\"I1\","
	    "\"segment\":1}");
	c.retention_no_penalty.permanent = 0;
	c.retention_no_penalty.n = 1;
	c.retention_no_penalty.unit = CONFIG_DAYS;
	add(r, "{\"type\":\"hold.placed\",\"index\":10,\"time\":"
	    "\"2026-04-01T00:00:00.000Z\",\"scope\":\"%s\",\"target\":"
	    "\"%s\",\"reason\":\"r\",\"reference\":\"case 1\"}", scope,
	    target);
	it = item(r, &c, "2030-01-01", object);
	assert_int_equal(it->state, covers ? RETENTION_HELD :
	    RETENTION_DISPOSABLE);
	if (covers)
		assert_int_equal(it->hold, 10);
	add(r, "{\"type\":\"hold.released\",\"index\":11,\"time\":"
	    "\"2026-04-02T00:00:00.000Z\",\"hold\":10,\"reason\":\"done\"}");
	it = item(r, &c, "2030-01-01", object);
	assert_int_equal(it->state, RETENTION_DISPOSABLE);
	retention_holds(r, &h, &n);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].released, 11);
	assert_true(retention_known(r, scope, target));
	retention_free(r);
}

static void
test_holds(void **state)
{
	(void)state;
	hold_case("object", OBJ_B, OBJ_B, 1);
	hold_case("object", OBJ_B, OBJ_A, 0);
	hold_case("camera", "CAM2", OBJ_B, 1);
	hold_case("camera", "CAM2", OBJ_A, 0);
	hold_case("inspection", "I1", OBJ_A, 1);	/* linked, index 9 */
	hold_case("inspection", "I1", OBJ_D, 1);	/* its document */
	hold_case("inspection", "I1", OBJ_B, 0);	/* unlinked */
	hold_case("enterprise", "E1", OBJ_A, 1);
	hold_case("enterprise", "E1", OBJ_B, 0);
}

static void
test_disposed(void **state)
{
	struct retention *r = station();
	struct config c;

	(void)state;
	defaults(&c);
	add(r, "{\"type\":\"object.deleted\",\"index\":7,\"time\":"
	    "\"2026-08-01T00:00:00.000Z\",\"object\":\"" OBJ_A "\"}");
	assert_int_equal(item(r, &c, "2026-09-01", OBJ_A)->state,
	    RETENTION_DISPOSED);
	retention_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundary),
		cmocka_unit_test(test_same_object),
		cmocka_unit_test(test_holds),
		cmocka_unit_test(test_disposed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
