#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "custos/calendar.h"
#include "custos/err.h"
#include "custos/rules.h"

#include "fixture.h"
#include "fixture_rules.h"

/*
 * The officers off in the registry, the registration by both and the
 * entering at at.
 */
static void
registered(struct rfx *f, const char *const off[], const char *at)
{
	char buf[256];

	rfx_put_all(f->off, &f->noff, off);
	rfx_put(f->chain, &f->nchain, REG(TWO));
	snprintf(buf, sizeof(buf), ENTERED(11, "%s"), at, at);
	rfx_put(f->chain, &f->nchain, buf);
}

/* rules_time_parse() and _format() read and write RFC 3339 times. */
static void
test_time_parse(void **state)
{
	const struct fixture_time *t;
	const char *const *bad;
	char buf[32];
	int64_t ms;

	(void)state;
	for (t = fixture_times; t->text != NULL; t++)
		assert_int_equal(rfx_time(t->text), t->ms);
	for (bad = fixture_bad_times; *bad != NULL; bad++)
		if (rules_time_parse(*bad, &ms) != CUSTOS_ERR_FORMAT)
			fail_msg("accepted \"%s\"", *bad);
	assert_int_equal(rules_time_parse(NULL, &ms), CUSTOS_ERR_FORMAT);

	for (t = fixture_formatted; t->text != NULL; t++) {
		rules_time_format(t->ms, buf, sizeof(buf));
		assert_string_equal(buf, t->text);
	}
}

static void
test_clean(void **state)
{
	struct rfx f = { 0 };
	json_t *one;

	(void)state;
	rfx_clean(&f);
	rfx_eval_ok(&f, NOW);
	rfx_none(&f);
	rfx_free(&f);

	/* A registration alone has nothing to find yet. */
	rfx_officers(&f, "2027-12-31");
	rfx_put(f.chain, &f.nchain, REG(TWO));
	rfx_eval_ok(&f, NOW);
	rfx_none(&f);

	/* The findings array is the caller's and evaluating twice is fine. */
	one = f.findings;
	json_incref(one);
	rfx_eval_ok(&f, NOW);
	assert_int_equal(json_array_size(one), 0);
	json_decref(one);
	rfx_free(&f);
}

static void
test_two_officers(void **state)
{
	struct rfx f = { 0 };
	json_t *x;

	(void)state;
	rfx_visit_start(&f, "[\"PA-0001\",\"PA-0001\"]");
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "two_officers"), 1);
	x = rfx_nth(&f, "two_officers", 0);
	rfx_entries(x, "[10]");
	assert_non_null(strstr(json_string_value(json_object_get(x,
	    "detail")), "1 distinct officer;"));
	assert_non_null(strstr(json_string_value(json_object_get(x,
	    "detail_zh")), "只有 1 名执法人员"));
	rfx_free(&f);

	rfx_visit_start(&f, "[]");
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "two_officers"), 1);
	assert_int_equal(rfx_count(&f, "credential"), 0);
	rfx_free(&f);

	rfx_visit_start(&f, TWO);
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "two_officers"), 0);
	rfx_free(&f);
}

static void
test_credential(void **state)
{
	struct rfx f = { 0 };

	(void)state;
	/* Expired the day before entering (Beijing 2026-11-26). */
	registered(&f, LIST(OFF1, OFF2("2026-11-25")),
	    "2026-11-26T02:00:00.000Z");
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "credential"), 1);
	rfx_entries(rfx_nth(&f, "credential", 0), "[2,10,11]");
	rfx_free(&f);

	/* Valid through the day of entering. */
	registered(&f, LIST(OFF1, OFF2("2026-11-26")),
	    "2026-11-26T02:00:00.000Z");
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "credential"), 0);
	rfx_free(&f);

	/*
	 * 2026-11-25T17:00Z is 01:00 on the 26th in Beijing: the day of
	 * entering is the Beijing day, so the 25th is too early.
	 */
	registered(&f, LIST(OFF1, OFF2("2026-11-25")),
	    "2026-11-25T17:00:00.000Z");
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "credential"), 1);
	rfx_free(&f);

	/* An officer the registry does not know has no valid credential. */
	registered(&f, LIST(OFF1), "2026-11-26T02:00:00.000Z");
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "credential"), 1);
	rfx_entries(rfx_nth(&f, "credential", 0), "[10,11]");
	rfx_free(&f);
}

static void
test_no_footage(void **state)
{
	struct rfx f = { 0 };

	(void)state;
	rfx_visit_start(&f, TWO);
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "no_footage"), 1);
	rfx_entries(rfx_nth(&f, "no_footage", 0), "[11]");
	/* Not left yet: no window to compare footage with. */
	assert_int_equal(rfx_count(&f, "footage_gap"), 0);
	assert_int_equal(rfx_count(&f, "not_closed"), 1);
	rfx_free(&f);

	/* Linked, then unlinked: no footage again. */
	rfx_visit(&f, LIST(SEG(5, "BC-1", "2026-11-26T02:00:00.000Z", 600000)),
	    LIST(LINK(12, 5), UNLINK(13, 5)));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "no_footage"), 1);
	rfx_free(&f);
}

/* Gap k runs from "from" to "to" and cites "entries" (NULL: not checked). */
static void
gap_is(const struct rfx *f, size_t k, const char *from, const char *to,
    const char *entries)
{
	json_t *x = rfx_nth(f, "footage_gap", k);

	assert_string_equal(json_string_value(json_object_get(x, "from")),
	    from);
	if (to != NULL)
		assert_string_equal(json_string_value(json_object_get(x, "to")),
		    to);
	if (entries != NULL)
		rfx_entries(x, entries);
}

static void
assert_gap(const struct rfx *f, size_t k, const char *from, const char *to)
{
	gap_is(f, k, from, to, "[11,13]");
}

/* Two segments, 02:00-02:04 and 02:05-02:10: a 60 s gap between them. */
static void
gap_visit(struct rfx *f, const char *extra)
{
	rfx_visit(f, LIST(SEG(5, "BC-1", "2026-11-26T02:00:00.000Z", 240000),
	    SEG(6, "BC-2", "2026-11-26T02:05:00.000Z", 300000)),
	    LIST(LINK(12, 5)));
	if (extra != NULL)
		rfx_put(f->chain, &f->nchain, extra);
	rfx_put_all(f->chain, &f->nchain,
	    LIST(LEFT(13, "2026-11-26T02:10:00.000Z"), LINK(15, 6),
	    CLOSED(16)));
}

#define REASON(from, to)	"{\"type\":\"inspection.gap_reason\"," \
	"\"index\":12,\"time\":\"2026-11-26T03:00:00.000Z\",\"from\":\"" \
	from "\",\"to\":\"" to "\",\"reason\":\"battery\"}"

static void
test_footage_gap(void **state)
{
	struct rfx f = { 0 };

	(void)state;
	gap_visit(&f, NULL);
	rfx_eval_ok(&f, NOW);
	assert_int_equal(json_array_size(f.findings), 1);
	assert_int_equal(rfx_count(&f, "footage_gap"), 1);
	assert_gap(&f, 0, "2026-11-26T02:04:00.000Z",
	    "2026-11-26T02:05:00.000Z");
	rfx_free(&f);

	/* Explained by a gap reason (given in Beijing time). */
	gap_visit(&f, REASON("2026-11-26T10:04:00+08:00",
	    "2026-11-26T10:05:00+08:00"));
	rfx_eval_ok(&f, NOW);
	rfx_none(&f);
	rfx_free(&f);

	/* Explained in part: what is left is still a finding. */
	gap_visit(&f, REASON("2026-11-26T02:04:00Z", "2026-11-26T02:04:30Z"));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "footage_gap"), 1);
	assert_gap(&f, 0, "2026-11-26T02:04:30.000Z",
	    "2026-11-26T02:05:00.000Z");
	rfx_free(&f);

	/* Within the tolerance: 5 s is not a gap, 5.001 s is. */
	rfx_visit(&f, LIST(SEG(5, "BC-1", "2026-11-26T02:00:00.000Z", 295000),
	    SEG(6, "BC-1", "2026-11-26T02:05:00.000Z", 299999)),
	    LIST(LINK(12, 5), LEFT(13, "2026-11-26T02:10:00.000Z"), LINK(14, 6),
	    CLOSED(15)));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "footage_gap"), 0);
	json_decref(f.seg[1]);
	f.nseg--;
	rfx_put(f.seg, &f.nseg, SEG(6, "BC-1", "2026-11-26T02:05:00.001Z",
	    299999));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "footage_gap"), 1);
	assert_gap(&f, 0, "2026-11-26T02:04:55.000Z",
	    "2026-11-26T02:05:00.001Z");
	/* The end is covered: 02:05:00.001 + 299.999 s = 02:10:00.000. */
	rfx_free(&f);

	/* Footage that starts late and ends early leaves both ends open. */
	rfx_visit(&f, LIST(SEG(5, "BC-1", "2026-11-26T02:01:00.000Z", 480000)),
	    LIST(LINK(12, 5), LEFT(13, "2026-11-26T02:10:00.000Z"),
	    CLOSED(14)));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "footage_gap"), 2);
	assert_gap(&f, 0, "2026-11-26T02:00:00.000Z",
	    "2026-11-26T02:01:00.000Z");
	assert_gap(&f, 1, "2026-11-26T02:09:00.000Z",
	    "2026-11-26T02:10:00.000Z");
	rfx_free(&f);
}

static void
test_overlap(void **state)
{
	struct rfx f = { 0 };

	(void)state;
	/* Two cameras overlapping: 02:00-02:06 and 02:03-02:10. */
	rfx_visit(&f, LIST(SEG(5, "BC-1", "2026-11-26T02:00:00.000Z", 360000),
	    SEG(6, "BC-2", "2026-11-26T02:03:00.000Z", 420000)),
	    LIST(LINK(12, 6), LINK(13, 5), LEFT(14, "2026-11-26T02:10:00.000Z"),
	    CLOSED(15)));
	rfx_eval_ok(&f, NOW);
	rfx_none(&f);
	rfx_free(&f);

	/*
	 * One segment inside another, and footage outside the visit: only
	 * the gap inside the visit counts (02:08 to 02:10).
	 */
	rfx_visit(&f, LIST(SEG(5, "BC-1", "2026-11-26T01:50:00.000Z", 1080000),
	    SEG(6, "BC-2", "2026-11-26T02:01:00.000Z", 60000)),
	    LIST(LINK(12, 5), LINK(13, 6), LEFT(14, "2026-11-26T02:10:00.000Z"),
	    CLOSED(15)));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "footage_gap"), 1);
	gap_is(&f, 0, "2026-11-26T02:08:00.000Z", NULL, "[11,14]");
	rfx_free(&f);
}

static void
test_unlinked(void **state)
{
	struct rfx f = { 0 };

	(void)state;
	/* Segment 6 (02:04-02:10) linked, then unlinked: it does not count. */
	rfx_visit(&f, LIST(SEG(5, "BC-1", "2026-11-26T02:00:00.000Z", 240000),
	    SEG(6, "BC-2", "2026-11-26T02:04:00.000Z", 360000)),
	    LIST(LINK(12, 5), LINK(13, 6), UNLINK(14, 6),
	    LEFT(15, "2026-11-26T02:10:00.000Z"), CLOSED(16)));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "footage_gap"), 1);
	gap_is(&f, 0, "2026-11-26T02:04:00.000Z", "2026-11-26T02:10:00.000Z",
	    NULL);

	/* Linked again by an operator: it counts again. */
	rfx_put(f.chain, &f.nchain, LINK(17, 6));
	rfx_eval_ok(&f, NOW);
	rfx_none(&f);
	rfx_free(&f);

	/* A segment without media is a point at its mtime. */
	rfx_visit(&f, LIST("{\"type\":\"segment.sealed\",\"index\":5,"
	    "\"time\":\"2026-11-26T05:00:00.000Z\",\"camera\":\"BC-1\","
	    "\"mtime\":\"2026-11-26T02:05:00.000Z\"}"),
	    LIST(LINK(12, 5), LEFT(13, "2026-11-26T02:10:00.000Z"),
	    CLOSED(14)));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "no_footage"), 0);
	assert_int_equal(rfx_count(&f, "footage_gap"), 2);
	assert_gap(&f, 0, "2026-11-26T02:00:00.000Z",
	    "2026-11-26T02:05:00.000Z");
	rfx_free(&f);
}

#define DEVICE(idx, cam, kind, extra)	"{\"type\":\"device.registered\"," \
	"\"index\":" #idx ",\"time\":\"2026-03-01T00:00:00.000Z\"," \
	"\"camera\":\"" cam "\",\"kind\":\"" kind "\"" extra "}"

static void
test_unreviewed_device(void **state)
{
	struct rfx f = { 0 };
	json_t *x;

	(void)state;
	rfx_clean(&f);
	json_decref(f.seg[0]);
	f.nseg = 0;
	rfx_put(f.seg, &f.nseg, SEG(5, "DR-1", "2026-11-26T02:00:00.000Z",
	    600000));
	rfx_put(f.dev, &f.ndev, DEVICE(3, "DR-1", "drone", ""));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(json_array_size(f.findings), 1);
	x = rfx_nth(&f, "unreviewed_device", 0);
	rfx_entries(x, "[3,5,12]");
	assert_non_null(strstr(json_string_value(json_object_get(x,
	    "detail")), "not for penalty"));
	assert_non_null(strstr(json_string_value(json_object_get(x,
	    "detail_zh")), "不得用于处罚"));

	/* Reviewed later: the last registration of the device counts. */
	rfx_put(f.dev, &f.ndev, DEVICE(7, "DR-1", "drone",
	    ",\"review\":\"闽应急审〔2026〕3号\""));
	rfx_eval_ok(&f, NOW);
	rfx_none(&f);
	rfx_free(&f);

	/* A fixed camera needs a review too; a body camera does not. */
	rfx_clean(&f);
	json_decref(f.seg[0]);
	f.nseg = 0;
	rfx_put(f.seg, &f.nseg, SEG(5, "FX-1", "2026-11-26T02:00:00.000Z",
	    600000));
	rfx_put(f.dev, &f.ndev, DEVICE(3, "FX-1", "fixed", ""));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "unreviewed_device"), 1);
	rfx_free(&f);

	rfx_clean(&f);
	rfx_put(f.dev, &f.ndev, DEVICE(3, "BC-1", "body", ""));
	rfx_eval_ok(&f, NOW);
	rfx_none(&f);
	rfx_free(&f);
}

/*
 * An emergency inspection entered on Friday 2026-02-13 at 10:00 Beijing;
 * Saturday the 14th is a working day (调休), so the back-fill is due at
 * its end, 2026-02-14T16:00:00Z.  due is the backfill_due field or NULL.
 */
static void
emergency(struct rfx *f, const char *at, const char *due,
    const char *backfill)
{
	char buf[1024];

	rfx_officers(f, "2027-12-31");
	if (due != NULL)
		snprintf(buf, sizeof(buf), "{\"type\":\"inspection.emergency\","
		    "\"index\":10,\"time\":\"%s\",\"enterprise\":\"" ENT "\","
		    "\"officers\":" TWO ",\"method\":\"onsite\",\"at\":\"%s\","
		    "\"backfill_due\":\"%s\"}", at, at, due);
	else
		snprintf(buf, sizeof(buf), "{\"type\":\"inspection.emergency\","
		    "\"index\":10,\"time\":\"%s\",\"enterprise\":\"" ENT "\","
		    "\"officers\":" TWO ",\"method\":\"onsite\",\"at\":\"%s\","
		    "\"backfill_due_unknown\":\"calendar does not cover\"}",
		    at, at);
	rfx_put(f->chain, &f->nchain, buf);
	if (backfill != NULL)
		rfx_put(f->chain, &f->nchain, backfill);
}

#define BACKFILL(time, late)	"{\"type\":\"inspection.backfilled\"," \
	"\"index\":20,\"time\":\"" time "\",\"basis\":\"B\",\"content\":" \
	"\"C\",\"late\":" late "}"
#define DUE	"2026-02-14T16:00:00.000Z"

static void
test_backfill(void **state)
{
	struct rfx f = { 0 };
	json_t *x;

	(void)state;
	emergency(&f, "2026-02-13T10:00:00+08:00", DUE, NULL);
	rfx_eval_ok(&f, "2026-02-14T15:59:59.999Z");
	assert_int_equal(rfx_count(&f, "backfill_overdue"), 0);
	rfx_eval_ok(&f, DUE);
	assert_int_equal(rfx_count(&f, "backfill_overdue"), 0);
	rfx_eval_ok(&f, "2026-02-14T16:00:00.001Z");
	assert_int_equal(rfx_count(&f, "backfill_overdue"), 1);
	rfx_entries(rfx_nth(&f, "backfill_overdue", 0), "[10]");
	assert_int_equal(rfx_count(&f, "backfill_late"), 0);
	/* The emergency entry is the entering: no footage, not closed. */
	assert_int_equal(rfx_count(&f, "no_footage"), 1);
	rfx_entries(rfx_nth(&f, "no_footage", 0), "[10]");
	assert_int_equal(rfx_count(&f, "not_closed"), 1);
	rfx_free(&f);

	/* Back-filled in time. */
	emergency(&f, "2026-02-13T10:00:00+08:00", DUE,
	    BACKFILL("2026-02-14T15:00:00.000Z", "false"));
	rfx_eval_ok(&f, "2026-03-01T00:00:00Z");
	assert_int_equal(rfx_count(&f, "backfill_overdue"), 0);
	assert_int_equal(rfx_count(&f, "backfill_late"), 0);
	rfx_free(&f);

	/* Back-filled late, and marked so. */
	emergency(&f, "2026-02-13T10:00:00+08:00", DUE,
	    BACKFILL("2026-02-24T01:00:00.000Z", "true"));
	rfx_eval_ok(&f, "2026-03-01T00:00:00Z");
	assert_int_equal(rfx_count(&f, "backfill_overdue"), 0);
	assert_int_equal(rfx_count(&f, "backfill_late"), 1);
	x = rfx_nth(&f, "backfill_late", 0);
	rfx_entries(x, "[10,20]");
	rfx_free(&f);

	/* Late by its time even if the flag says otherwise. */
	emergency(&f, "2026-02-13T10:00:00+08:00", DUE,
	    BACKFILL("2026-02-14T16:00:00.001Z", "false"));
	rfx_eval_ok(&f, "2026-03-01T00:00:00Z");
	assert_int_equal(rfx_count(&f, "backfill_late"), 1);
	rfx_free(&f);

	/*
	 * No backfill_due in the entry: the calendar gives the same due
	 * time (checked one millisecond either side).
	 */
	emergency(&f, "2026-02-13T10:00:00+08:00", NULL, NULL);
	rfx_eval_ok(&f, DUE);
	assert_int_equal(rfx_count(&f, "backfill_overdue"), 0);
	rfx_eval_ok(&f, "2026-02-14T16:00:00.001Z");
	assert_int_equal(rfx_count(&f, "backfill_overdue"), 1);
	rfx_free(&f);

	/* Entered on 2026-12-31: the next working day is in 2027. */
	emergency(&f, "2026-12-31T10:00:00+08:00", NULL, NULL);
	rfx_eval_ok(&f, "2027-01-10T00:00:00Z");
	assert_int_equal(rfx_count(&f, "backfill_overdue"), 0);
	assert_int_equal(rfx_count(&f, "deadline_unknown"), 1);
	x = rfx_nth(&f, "deadline_unknown", 0);
	assert_string_equal(json_string_value(json_object_get(x, "for")),
	    "backfill_overdue");
	assert_string_equal(json_string_value(json_object_get(x,
	    "uncovered")), "2027-01-01");
	assert_non_null(strstr(json_string_value(json_object_get(x,
	    "detail")), "calendar does not cover 2027-01-01"));
	assert_non_null(strstr(json_string_value(json_object_get(x,
	    "detail_zh")), "工作日历未覆盖 2027-01-01"));
	rfx_free(&f);
}

#define RISK(idx, time, colour)	"{\"type\":\"enterprise.risk\"," \
	"\"index\":" #idx ",\"time\":\"" time "\",\"enterprise\":\"" ENT \
	"\",\"risk\":\"" colour "\"}"

/*
 * Coded red on Monday 2026-09-28 (10:00 Beijing).  Five working days
 * after it: 09-29, 09-30, 10-08, 10-09 and Saturday 10-10 (调休), so the
 * deadline is 2026-10-10 24:00 Beijing, 2026-10-10T16:00:00Z.
 */
static void
red(struct rfx *f, const char *entered)
{
	char buf[512];

	rfx_officers(f, "2027-12-31");
	rfx_put(f->risk, &f->nrisk, "{\"type\":\"enterprise.added\","
	    "\"index\":4,\"time\":\"2026-01-05T00:00:00.000Z\","
	    "\"enterprise\":\"" ENT "\",\"name\":\"N\",\"risk\":\"green\"}");
	rfx_put(f->risk, &f->nrisk, "{\"type\":\"enterprise.risk\",\"index\":5,"
	    "\"time\":\"2026-01-06T00:00:00.000Z\",\"enterprise\":"
	    "\"91350100M000200Y15\",\"risk\":\"red\"}");
	rfx_put(f->risk, &f->nrisk, RISK(6, "2026-09-28T02:00:00.000Z", "red"));
	rfx_put(f->chain, &f->nchain, REG(TWO));
	if (entered != NULL) {
		snprintf(buf, sizeof(buf), ENTERED(11, "%s"), entered,
		    entered);
		rfx_put(f->chain, &f->nchain, buf);
	}
}

static void
test_red(void **state)
{
	struct rfx f = { 0 };

	(void)state;
	red(&f, "2026-10-09T02:00:00.000Z");
	rfx_eval_ok(&f, "2026-10-20T00:00:00Z");
	assert_int_equal(rfx_count(&f, "red_not_inspected"), 0);
	rfx_free(&f);

	/* The last moment of Saturday 10-10 Beijing is still in time. */
	red(&f, "2026-10-10T15:59:59.999Z");
	rfx_eval_ok(&f, "2026-10-20T00:00:00Z");
	assert_int_equal(rfx_count(&f, "red_not_inspected"), 0);
	rfx_free(&f);

	red(&f, "2026-10-12T01:00:00.000Z");
	rfx_eval_ok(&f, "2026-10-20T00:00:00Z");
	assert_int_equal(rfx_count(&f, "red_not_inspected"), 1);
	rfx_entries(rfx_nth(&f, "red_not_inspected", 0), "[6,11]");

	/* Coded red again while red: the first coding keeps its deadline. */
	rfx_put(f.risk, &f.nrisk, RISK(7, "2026-10-09T00:00:00.000Z", "red"));
	rfx_eval_ok(&f, "2026-10-20T00:00:00Z");
	assert_int_equal(rfx_count(&f, "red_not_inspected"), 1);
	rfx_entries(rfx_nth(&f, "red_not_inspected", 0), "[6,11]");
	rfx_free(&f);

	/* Re-coded yellow before entering: no longer a red enterprise. */
	red(&f, "2026-10-12T01:00:00.000Z");
	rfx_put(f.risk, &f.nrisk, RISK(7, "2026-10-09T00:00:00.000Z",
	    "yellow"));
	rfx_eval_ok(&f, "2026-10-20T00:00:00Z");
	assert_int_equal(rfx_count(&f, "red_not_inspected"), 0);
	/* ... and red again: the deadline runs from the new coding. */
	rfx_put(f.risk, &f.nrisk, RISK(8, "2026-10-11T00:00:00.000Z", "red"));
	rfx_eval_ok(&f, "2026-10-20T00:00:00Z");
	assert_int_equal(rfx_count(&f, "red_not_inspected"), 0);
	rfx_free(&f);

	/* Not entered: late once now is past the deadline. */
	red(&f, NULL);
	rfx_eval_ok(&f, "2026-10-10T16:00:00.000Z");
	assert_int_equal(rfx_count(&f, "red_not_inspected"), 0);
	rfx_eval_ok(&f, "2026-10-10T16:00:00.001Z");
	assert_int_equal(rfx_count(&f, "red_not_inspected"), 1);
	rfx_entries(rfx_nth(&f, "red_not_inspected", 0), "[6,10]");
	rfx_free(&f);

	/* Coded red on 2026-12-28: the fifth working day is in 2027. */
	rfx_officers(&f, "2027-12-31");
	rfx_put(f.risk, &f.nrisk, RISK(6, "2026-12-28T02:00:00.000Z", "red"));
	rfx_put(f.chain, &f.nchain, REG(TWO));
	rfx_eval_ok(&f, "2027-01-20T00:00:00Z");
	assert_int_equal(rfx_count(&f, "red_not_inspected"), 0);
	assert_int_equal(rfx_count(&f, "deadline_unknown"), 1);
	assert_string_equal(json_string_value(json_object_get(rfx_nth(&f,
	    "deadline_unknown", 0), "uncovered")), "2027-01-01");
	rfx_free(&f);
}

static void
test_not_closed(void **state)
{
	struct rfx f = { 0 };

	(void)state;
	rfx_clean(&f);
	json_decref(f.chain[--f.nchain]);
	rfx_eval_ok(&f, NOW);
	assert_int_equal(json_array_size(f.findings), 1);
	rfx_entries(rfx_nth(&f, "not_closed", 0), "[11,13]");
	rfx_free(&f);
}

#define REVIEW(idx)	"{\"type\":\"review.recorded\",\"index\":" #idx \
	",\"time\":\"2026-11-26T05:30:00.000Z\",\"reviewer\":\"R\"," \
	"\"result\":\"approved\",\"note\":\"\"}"

static void
test_review_after_decision(void **state)
{
	struct rfx f = { 0 };

	(void)state;
	rfx_clean(&f);
	rfx_put(f.chain, &f.nchain, REVIEW(15));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(json_array_size(f.findings), 1);
	rfx_entries(rfx_nth(&f, "review_after_decision", 0), "[14,15]");
	rfx_free(&f);

	/* Review before the decision. */
	rfx_visit(&f, LIST(SEG(5, "BC-1", "2026-11-26T02:00:00.000Z", 600000)),
	    LIST(LINK(12, 5), LEFT(13, "2026-11-26T02:10:00.000Z"), REVIEW(14),
	    CLOSED(15)));
	rfx_eval_ok(&f, NOW);
	rfx_none(&f);
	rfx_free(&f);
}

static void
test_errors(void **state)
{
	struct rfx f = { 0 };
	struct rules_input in;
	json_t *out = (json_t *)&in;

	(void)state;
	memset(&in, 0, sizeof(in));
	assert_int_equal(rules_evaluate(NULL, &out), CUSTOS_ERR_INVALID);
	assert_null(out);
	in.cal = rfx_cal;
	assert_int_equal(rules_evaluate(&in, &out), CUSTOS_ERR_FORMAT);
	assert_null(out);

	/* The chain must start with the registration or the emergency. */
	rfx_put(f.chain, &f.nchain, ENTERED(11, "2026-11-26T02:00:00.000Z"));
	assert_int_equal(rfx_eval(&f, NOW), CUSTOS_ERR_FORMAT);
	assert_null(f.findings);
	rfx_free(&f);

	rfx_visit_start(&f, TWO);
	rfx_put(f.chain, &f.nchain, LEFT(13, "2026-11-26 02:10:00Z"));
	assert_int_equal(rfx_eval(&f, NOW), CUSTOS_ERR_FORMAT);
	rfx_free(&f);

	rfx_put(f.chain, &f.nchain, "{\"type\":\"inspection.registered\","
	    "\"index\":10,\"time\":\"2026-11-20T01:00:00.000Z\","
	    "\"enterprise\":\"" ENT "\"}");
	assert_int_equal(rfx_eval(&f, NOW), CUSTOS_ERR_FORMAT);
	rfx_free(&f);

	rfx_put(f.chain, &f.nchain, REG("[\"PA-0001\",7]"));
	assert_int_equal(rfx_eval(&f, NOW), CUSTOS_ERR_FORMAT);
	rfx_free(&f);

	/* A linked segment the caller did not pass. */
	rfx_visit_start(&f, TWO);
	rfx_put(f.chain, &f.nchain, LINK(12, 5));
	assert_int_equal(rfx_eval(&f, NOW), CUSTOS_ERR_NOTFOUND);
	rfx_free(&f);

	/* A bad valid_until in the registry. */
	registered(&f, LIST(OFF1, OFF2("2026-13-01")),
	    "2026-11-26T02:00:00.000Z");
	assert_int_equal(rfx_eval(&f, NOW), CUSTOS_ERR_FORMAT);
	rfx_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_two_officers),
		cmocka_unit_test(test_credential),
		cmocka_unit_test(test_no_footage),
		cmocka_unit_test(test_footage_gap),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_unlinked),
		cmocka_unit_test(test_unreviewed_device),
		cmocka_unit_test(test_backfill),
		cmocka_unit_test(test_red),
		cmocka_unit_test(test_not_closed),
		cmocka_unit_test(test_review_after_decision),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, rfx_setup, rfx_teardown);
}
