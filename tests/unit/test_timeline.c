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
#include "custos/evidence.h"
#include "custos/rules.h"
#include "custos/timeline.h"

#define ID	"INS-20261126-0001"
#define ENT	"91350100M000100Y43"
#define MAXE	32

/*
 * Entries written here as the log holds them (exact bytes), sorted into
 * an evidence struct by evidence_from_entries() as a bundle's would be.
 */
struct fx {
	uint64_t	 index[MAXE];
	const uint8_t	*bytes[MAXE];
	size_t		 len[MAXE];
	char		*text[MAXE];
	size_t		 n;
	struct evidence	 ev;
	json_t		*tl;
};

static void __attribute__((format(printf, 3, 4)))
put(struct fx *f, uint64_t index, const char *fmt, ...)
{
	va_list ap;
	char *body;

	assert_true(f->n < MAXE);
	va_start(ap, fmt);
	assert_true(vasprintf(&body, fmt, ap) >= 0);
	va_end(ap);
	/* Every entry has type first, then index and the rest. */
	assert_true(asprintf(&f->text[f->n], "{\"index\":%llu,%s}",
	    (unsigned long long)index, body) >= 0);
	free(body);
	f->index[f->n] = index;
	f->bytes[f->n] = (const uint8_t *)f->text[f->n];
	f->len[f->n] = strlen(f->text[f->n]);
	f->n++;
}

static void
chain(struct fx *f, uint64_t index, const char *time, const char *type,
    const char *rest)
{
	put(f, index, "\"type\":\"%s\",\"time\":\"%s\",\"station\":\"s\","
	    "\"inspection\":\"%s\"%s%s", type, time, ID, rest[0] ? "," : "",
	    rest);
}

static void
segment(struct fx *f, uint64_t index, const char *camera,
    const char *recorded_start, const char *mtime, long long dur)
{
	char media[256] = "";

	if (recorded_start != NULL)
		snprintf(media, sizeof(media), ",\"media\":{\"container\":"
		    "\"mov,mp4\",\"recorded_start\":\"%s\",\"duration_ms\":"
		    "%lld}", recorded_start, dur);
	else
		snprintf(media, sizeof(media), ",\"media\":{\"container\":"
		    "\"mov,mp4\",\"duration_ms\":%lld}", dur);
	put(f, index, "\"type\":\"segment.sealed\",\"time\":"
	    "\"2026-11-26T02:00:00.000Z\",\"object\":\"sha256:%064llx\","
	    "\"size\":1000,\"camera\":\"%s\",\"source\":\"usb\",\"path\":"
	    "\"DCIM/%llu.mp4\",\"mtime\":\"%s\",\"officer\":\"PA-0001\","
	    "\"decodable\":true%s", (unsigned long long)index, camera,
	    (unsigned long long)index, mtime, media);
}

static void
fx_load(struct fx *f)
{
	size_t foreign;

	assert_int_equal(evidence_from_entries(ID, f->index, f->bytes, f->len,
	    f->n, &f->ev, &foreign), 0);
}

static void
fx_free(struct fx *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->text[i]);
	evidence_free(&f->ev);
	json_decref(f->tl);
}

static void
start(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	put(f, 3, "\"type\":\"officer.added\",\"time\":"
	    "\"2026-01-01T00:00:00.000Z\",\"officer\":\"PA-0001\",\"name\":"
	    "\"张伟\",\"unit\":\"u\",\"credential\":\"c1\",\"valid_until\":"
	    "\"2027-12-31\"");
	put(f, 4, "\"type\":\"officer.added\",\"time\":"
	    "\"2026-01-01T00:00:00.000Z\",\"officer\":\"PA-0002\",\"name\":"
	    "\"李娜\",\"unit\":\"u\",\"credential\":\"c2\",\"valid_until\":"
	    "\"2027-12-31\"");
	chain(f, 10, "2026-11-26T00:50:00.000Z", "inspection.registered",
	    "\"enterprise\":\"" ENT "\",\"officers\":[\"PA-0001\","
	    "\"PA-0002\"],\"basis\":\"安全生产法第六十五条\",\"content\":"
	    "\"危化品储存检查\",\"method\":\"onsite\"");
	/* Entered at 01:00, written a little later. */
	chain(f, 11, "2026-11-26T01:00:05.000Z", "inspection.entered",
	    "\"at\":\"2026-11-26T01:00:00.000Z\"");
}

/*
 * The visit 01:00:00-01:06:00 with segment 5 (01:00:02 + 60 s), segment 6
 * (mtime 01:03:00 + 30 s: no recorded start), segment 7 (01:02:00 + 10 s,
 * unlinked again) and a gap reason 01:01:30-01:02:30.
 */
static void
full(struct fx *f)
{
	start(f);
	segment(f, 5, "CAM1", "2026-11-26T01:00:02Z", "2026-11-26T01:01:02Z",
	    60000);
	segment(f, 6, "CAM1", NULL, "2026-11-26T01:03:00.000Z", 30000);
	segment(f, 7, "CAM2", "2026-11-26T01:02:00Z", "2026-11-26T01:02:10Z",
	    10000);
	chain(f, 12, "2026-11-26T02:00:01.000Z", "evidence.linked",
	    "\"segment\":5,\"object\":\"sha256:05\",\"camera\":\"CAM1\","
	    "\"by\":\"auto\"");
	chain(f, 13, "2026-11-26T02:00:02.000Z", "evidence.linked",
	    "\"segment\":6,\"object\":\"sha256:06\",\"camera\":\"CAM1\","
	    "\"by\":\"operator\",\"reason\":\"docked late\"");
	chain(f, 14, "2026-11-26T02:00:03.000Z", "evidence.linked",
	    "\"segment\":7,\"object\":\"sha256:07\",\"camera\":\"CAM2\","
	    "\"by\":\"auto\"");
	chain(f, 15, "2026-11-26T02:00:04.000Z", "inspection.gap_reason",
	    "\"from\":\"2026-11-26T01:01:30.000Z\",\"to\":"
	    "\"2026-11-26T01:02:30.000Z\",\"reason\":\"battery changed\"");
	chain(f, 16, "2026-11-26T02:00:05.000Z", "evidence.unlinked",
	    "\"segment\":7,\"reason\":\"another site\"");
	chain(f, 17, "2026-11-26T02:00:06.000Z", "inspection.left",
	    "\"at\":\"2026-11-26T01:06:00.000Z\"");
	chain(f, 18, "2026-11-26T02:00:07.000Z", "inspection.closed",
	    "\"result\":\"未发现问题\"");
	/* Another inspection's entry goes nowhere. */
	put(f, 19, "\"type\":\"inspection.entered\",\"time\":"
	    "\"2026-11-26T02:00:08.000Z\",\"inspection\":\"INS-20261126-0002\","
	    "\"at\":\"2026-11-26T02:00:08.000Z\"");
	fx_load(f);
}

static const char *
sget(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (s == NULL)
		fail_msg("no string \"%s\" in %s", key, json_dumps(o, 0));
	return s;
}

static long long
iget(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		fail_msg("no integer \"%s\"", key);
	return (long long)json_integer_value(v);
}

static void
test_events(void **state)
{
	static const struct {
		long long	 index;
		const char	*kind, *time;
	} want[] = {
		{ 10, "registered", "2026-11-26T00:50:00.000Z" },
		{ 11, "entered", "2026-11-26T01:00:00.000Z" },
		{ 5, "footage", "2026-11-26T01:00:02.000Z" },
		{ 7, "footage", "2026-11-26T01:02:00.000Z" },
		{ 6, "footage", "2026-11-26T01:03:00.000Z" },
		{ 12, "linked", "2026-11-26T02:00:01.000Z" },
		{ 13, "linked", "2026-11-26T02:00:02.000Z" },
		{ 14, "linked", "2026-11-26T02:00:03.000Z" },
		{ 15, "gap_reason", "2026-11-26T02:00:04.000Z" },
		{ 16, "unlinked", "2026-11-26T02:00:05.000Z" },
		{ 17, "left", "2026-11-26T01:06:00.000Z" },
		{ 18, "closed", "2026-11-26T02:00:07.000Z" },
	};
	const json_t *events, *e;
	struct fx f;
	size_t i;

	(void)state;
	full(&f);
	assert_int_equal(timeline_build(&f.ev, NULL, &f.tl), 0);
	assert_string_equal(sget(f.tl, "inspection"), ID);
	events = json_object_get(f.tl, "events");
	assert_int_equal(json_array_size(events), sizeof(want) /
	    sizeof(want[0]));
	/* Sorted by time: leaving (01:06) comes before the links (02:00). */
	assert_int_equal(iget(json_array_get(events, 5), "index"), 17);
	json_array_foreach(events, i, e)
		if (i > 0)
			assert_true(strcmp(sget(json_array_get(events, i - 1),
			    "time"), sget(e, "time")) <= 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		size_t k;
		const json_t *x = NULL;

		json_array_foreach(events, k, e)
			if (iget(e, "index") == want[i].index)
				x = e;
		assert_non_null(x);
		assert_string_equal(sget(x, "kind"), want[i].kind);
		assert_string_equal(sget(x, "time"), want[i].time);
		assert_non_null(strchr(sget(x, "text"), ' '));
	}
	/* The footage event of segment 5 with its extras. */
	e = json_array_get(events, 2);
	assert_int_equal(iget(e, "index"), 5);
	assert_string_equal(sget(e, "camera"), "CAM1");
	assert_string_equal(sget(e, "officer"), "PA-0001");
	assert_string_equal(sget(e, "officer_name"), "张伟");
	assert_int_equal(iget(e, "duration_ms"), 60000);
	assert_string_equal(sget(e, "start_source"), "recorded_start");
	assert_true(json_is_true(json_object_get(e, "linked")));
	assert_string_equal(sget(e, "text"), "DCIM/5.mp4 from camera CAM1 "
	    "carried by PA-0001 张伟: 60.0 s, to 09:01:02 Beijing; source usb; "
	    "sha256:0000000000000000000000000000000000000000000000000000000000"
	    "000005");
	/* Segment 6 has no recorded start: its mtime stands in. */
	e = json_array_get(events, 4);
	assert_int_equal(iget(e, "index"), 6);
	assert_string_equal(sget(e, "start_source"), "mtime");
	assert_non_null(strstr(sget(e, "text"), "mtime"));
	/* Segment 7 was unlinked. */
	e = json_array_get(events, 3);
	assert_true(json_is_false(json_object_get(e, "linked")));
	/* The registration names the officers with their names. */
	e = json_array_get(events, 0);
	assert_non_null(strstr(sget(e, "text"), "PA-0001 张伟, PA-0002 李娜"));
	/* The operator's link gives its reason. */
	e = json_array_get(events, 7);
	assert_int_equal(iget(e, "index"), 13);
	assert_non_null(strstr(sget(e, "text"), "docked late"));
	assert_int_equal(iget(e, "segment"), 6);
	fx_free(&f);
}

static void
test_coverage(void **state)
{
	const json_t *cov, *c;
	struct fx f;

	(void)state;
	full(&f);
	assert_int_equal(timeline_build(&f.ev, NULL, &f.tl), 0);
	cov = json_object_get(f.tl, "coverage");
	assert_int_equal(json_array_size(cov), 3);
	c = json_array_get(cov, 0);
	assert_int_equal(iget(c, "segment"), 5);
	assert_string_equal(sget(c, "from"), "2026-11-26T01:00:02.000Z");
	assert_string_equal(sget(c, "to"), "2026-11-26T01:01:02.000Z");
	assert_string_equal(sget(c, "camera"), "CAM1");
	assert_true(json_is_true(json_object_get(c, "linked")));
	c = json_array_get(cov, 1);
	assert_int_equal(iget(c, "segment"), 7);
	assert_true(json_is_false(json_object_get(c, "linked")));
	c = json_array_get(cov, 2);
	assert_int_equal(iget(c, "segment"), 6);
	assert_string_equal(sget(c, "from"), "2026-11-26T01:03:00.000Z");
	assert_string_equal(sget(c, "to"), "2026-11-26T01:03:30.000Z");
	fx_free(&f);
}

/*
 * Gaps: 01:00:00-01:00:02 is within the tolerance; 01:01:02-01:03:00 is
 * split by the reason into 28 s unexplained, 60 s explained, 30 s
 * unexplained (the unlinked segment 7 covers nothing); 01:03:30-01:06:00
 * is unexplained.  The unexplained ones are exactly the footage_gap
 * findings of lib/inspection/rules.c on the same entries.
 */
static void
test_gaps(void **state)
{
	static const struct {
		const char	*from, *to;
		long long	 seconds;
		int		 explained;
	} want[] = {
		{ "2026-11-26T01:01:02.000Z", "2026-11-26T01:01:30.000Z", 28, 0 },
		{ "2026-11-26T01:01:30.000Z", "2026-11-26T01:02:30.000Z", 60, 1 },
		{ "2026-11-26T01:02:30.000Z", "2026-11-26T01:03:00.000Z", 30, 0 },
		{ "2026-11-26T01:03:30.000Z", "2026-11-26T01:06:00.000Z", 150, 0 },
	};
	struct calendar *cal;
	const json_t *gaps, *g, *x;
	json_t *findings;
	struct fx f;
	size_t i, k, ngap = 0;

	(void)state;
	full(&f);
	assert_int_equal(calendar_new(&cal), 0);
	assert_int_equal(evidence_findings(&f.ev, cal, 0, &findings), 0);
	assert_int_equal(timeline_build(&f.ev, findings, &f.tl), 0);
	gaps = json_object_get(f.tl, "gaps");
	assert_int_equal(json_array_size(gaps), 4);
	for (i = 0; i < 4; i++) {
		g = json_array_get(gaps, i);
		assert_string_equal(sget(g, "from"), want[i].from);
		assert_string_equal(sget(g, "to"), want[i].to);
		assert_int_equal(iget(g, "seconds"), want[i].seconds);
		assert_int_equal(json_is_true(json_object_get(g, "explained")),
		    want[i].explained);
		if (want[i].explained) {
			assert_string_equal(sget(g, "reason"),
			    "battery changed");
			assert_int_equal(iget(g, "reason_entry"), 15);
		} else
			assert_null(json_object_get(g, "reason"));
	}
	json_array_foreach(findings, k, x) {
		if (strcmp(sget(x, "rule"), "footage_gap") != 0)
			continue;
		for (i = 0; i < 4; i++)
			if (!want[i].explained &&
			    strcmp(sget(x, "from"), want[i].from) == 0 &&
			    strcmp(sget(x, "to"), want[i].to) == 0)
				break;
		if (i == 4)
			fail_msg("finding %s-%s is not a timeline gap",
			    sget(x, "from"), sget(x, "to"));
		ngap++;
	}
	assert_int_equal(ngap, 3);
	/* The findings are carried over as given. */
	assert_true(json_equal(json_object_get(f.tl, "findings"), findings));
	json_decref(findings);
	calendar_free(cal);
	fx_free(&f);
}

/*
 * A visit left at 01:01:05.001 with one minute of footage from start (its
 * mtime 01:00:05) linked: the timeline's gaps.
 */
static const json_t *
tolerance_gaps(struct fx *f, const char *start_time)
{
	start(f);
	segment(f, 5, "CAM1", start_time, "2026-11-26T01:00:05Z", 60000);
	chain(f, 12, "2026-11-26T02:00:01.000Z", "evidence.linked",
	    "\"segment\":5,\"object\":\"sha256:05\",\"by\":\"auto\"");
	chain(f, 17, "2026-11-26T02:00:06.000Z", "inspection.left",
	    "\"at\":\"2026-11-26T01:01:05.001Z\"");
	fx_load(f);
	assert_int_equal(timeline_build(&f->ev, NULL, &f->tl), 0);
	return json_object_get(f->tl, "gaps");
}

/* A stretch of exactly the tolerance is no gap; 1 ms more is one. */
static void
test_tolerance(void **state)
{
	const json_t *gaps;
	struct fx f;

	(void)state;
	gaps = tolerance_gaps(&f, "2026-11-26T01:00:05Z");
	/* 01:00:00-01:00:05 is exactly 5 s; 01:01:05-01:01:05.001 is 1 ms. */
	assert_int_equal(json_array_size(gaps), 0);
	fx_free(&f);

	gaps = tolerance_gaps(&f, "2026-11-26T01:00:05.001Z");
	assert_int_equal(json_array_size(gaps), 1);
	assert_string_equal(sget(json_array_get(gaps, 0), "to"),
	    "2026-11-26T01:00:05.001Z");
	fx_free(&f);
}

/* No gaps before leaving; an emergency inspection enters at its "at". */
static void
test_open_and_emergency(void **state)
{
	const json_t *e;
	struct fx f;

	(void)state;
	start(&f);
	fx_load(&f);
	assert_int_equal(timeline_build(&f.ev, NULL, &f.tl), 0);
	assert_int_equal(json_array_size(json_object_get(f.tl, "gaps")), 0);
	assert_int_equal(json_array_size(json_object_get(f.tl, "coverage")),
	    0);
	assert_int_equal(json_array_size(json_object_get(f.tl, "findings")),
	    0);
	fx_free(&f);

	memset(&f, 0, sizeof(f));
	chain(&f, 20, "2026-11-26T01:00:09.000Z", "inspection.emergency",
	    "\"enterprise\":\"" ENT "\",\"officers\":[\"PA-0001\","
	    "\"PA-0009\"],\"method\":\"onsite\",\"at\":"
	    "\"2026-11-26T01:00:00.000Z\",\"backfill_due\":"
	    "\"2026-11-27T16:00:00.000Z\"");
	chain(&f, 21, "2026-11-26T01:30:00.000Z", "inspection.left",
	    "\"at\":\"2026-11-26T01:20:00.000Z\"");
	chain(&f, 22, "2026-11-27T01:00:00.000Z", "inspection.backfilled",
	    "\"basis\":\"b\",\"content\":\"c\",\"late\":false");
	chain(&f, 23, "2026-11-27T02:00:00.000Z", "review.recorded",
	    "\"reviewer\":\"R\",\"result\":\"approved\"");
	chain(&f, 24, "2026-11-27T03:00:00.000Z", "bundle.exported", "");
	chain(&f, 25, "2026-11-27T04:00:00.000Z", "something.new", "");
	fx_load(&f);
	assert_int_equal(timeline_build(&f.ev, NULL, &f.tl), 0);
	e = json_array_get(json_object_get(f.tl, "events"), 0);
	assert_string_equal(sget(e, "kind"), "emergency");
	assert_string_equal(sget(e, "time"), "2026-11-26T01:00:00.000Z");
	assert_non_null(strstr(sget(e, "text"), "2026-11-27T16:00:00.000Z"));
	/* Officer PA-0009 has no officer.added: the ID alone. */
	assert_non_null(strstr(sget(e, "text"), "PA-0009"));
	e = json_array_get(json_object_get(f.tl, "events"), 5);
	assert_string_equal(sget(e, "kind"), "other");
	assert_string_equal(sget(e, "text"), "something.new");
	e = json_array_get(json_object_get(f.tl, "events"), 4);
	assert_string_equal(sget(e, "kind"), "exported");
	e = json_array_get(json_object_get(f.tl, "events"), 3);
	assert_string_equal(sget(e, "kind"), "review");
	/* No footage at all: the whole visit is one gap. */
	assert_int_equal(json_array_size(json_object_get(f.tl, "gaps")), 1);
	assert_int_equal(iget(json_array_get(json_object_get(f.tl, "gaps"),
	    0), "seconds"), 1200);
	fx_free(&f);
}

/* A file the media child could not read says so, not "0.0 s". */
static void
test_not_media(void **state)
{
	const json_t *e;
	struct fx f;

	(void)state;
	start(&f);
	put(&f, 8, "\"type\":\"segment.sealed\",\"time\":"
	    "\"2026-11-26T02:00:00.000Z\",\"object\":\"sha256:08\",\"size\":14,"
	    "\"camera\":\"CAM1\",\"source\":\"usb\",\"path\":\"note.txt\","
	    "\"mtime\":\"2026-11-26T01:00:30.000Z\",\"decodable\":false,"
	    "\"probe\":{\"status\":\"not_media\",\"error\":\"x\"}");
	chain(&f, 12, "2026-11-26T02:00:01.000Z", "evidence.linked",
	    "\"segment\":8,\"object\":\"sha256:08\",\"by\":\"auto\"");
	fx_load(&f);
	assert_int_equal(timeline_build(&f.ev, NULL, &f.tl), 0);
	e = json_array_get(json_object_get(f.tl, "events"), 2);
	assert_int_equal(iget(e, "index"), 8);
	/* No "officer" in this entry: no "carried by". */
	assert_string_equal(sget(e, "text"), "note.txt from camera CAM1: not "
	    "audio or video (not_media); source usb; sha256:08");
	assert_int_equal(iget(e, "duration_ms"), 0);
	assert_string_equal(sget(e, "start_source"), "mtime");
	fx_free(&f);
}

static void
test_errors(void **state)
{
	json_t *tl = (json_t *)1;
	struct fx f;

	(void)state;
	assert_int_equal(timeline_build(NULL, NULL, &tl), CUSTOS_ERR_INVALID);
	assert_null(tl);
	start(&f);
	fx_load(&f);
	assert_int_equal(timeline_build(&f.ev, NULL, NULL),
	    CUSTOS_ERR_INVALID);
	fx_free(&f);

	/* A step whose time is not RFC 3339. */
	start(&f);
	chain(&f, 12, "yesterday", "inspection.closed", "\"result\":\"r\"");
	fx_load(&f);
	tl = (json_t *)1;
	assert_int_equal(timeline_build(&f.ev, NULL, &tl), CUSTOS_ERR_FORMAT);
	assert_null(tl);
	fx_free(&f);

	/* A segment with neither a recorded start nor an mtime. */
	start(&f);
	put(&f, 5, "\"type\":\"segment.sealed\",\"time\":"
	    "\"2026-11-26T02:00:00.000Z\",\"camera\":\"C\"");
	fx_load(&f);
	assert_int_equal(timeline_build(&f.ev, NULL, &f.tl),
	    CUSTOS_ERR_FORMAT);
	assert_null(f.tl);
	fx_free(&f);
}

static void
test_print(void **state)
{
	json_t *findings;
	struct fx f;
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	(void)state;
	full(&f);
	findings = json_pack("[{s:s, s:s, s:[i,i]}]", "rule", "footage_gap",
	    "detail", "No linked footage covers it.", "entries", 11, 17);
	assert_non_null(findings);
	assert_int_equal(timeline_build(&f.ev, findings, &f.tl), 0);
	json_decref(findings);
	assert_non_null(m = open_memstream(&buf, &len));
	timeline_print(m, f.tl);
	assert_int_equal(fclose(m), 0);
	assert_non_null(strstr(buf, "Inspection " ID));
	/* UTC with Beijing time beside it. */
	assert_non_null(strstr(buf, "2026-11-26T01:00:00.000Z [北京 "
	    "2026-11-26 09:00:00]"));
	assert_non_null(strstr(buf, "#11    entered"));
	assert_non_null(strstr(buf, "footage"));
	assert_non_null(strstr(buf, "60.0 s"));
	assert_non_null(strstr(buf, "! UNEXPLAINED 2026-11-26T01:03:30.000Z"));
	assert_non_null(strstr(buf, "~ explained"));
	assert_non_null(strstr(buf, "battery changed"));
	assert_non_null(strstr(buf, "footage_gap: No linked footage covers "
	    "it. [entries 11, 17]"));
	/* Findings come last. */
	assert_true(strstr(buf, "Findings:") > strstr(buf, "Gaps"));
	free(buf);

	/* A timeline with nothing in it prints without crashing. */
	buf = NULL;
	assert_non_null(m = open_memstream(&buf, &len));
	timeline_print(m, json_object_get(f.tl, "no such"));
	assert_int_equal(fclose(m), 0);
	assert_non_null(strstr(buf, "(none)"));
	free(buf);
	fx_free(&f);

	/* Escape sequences from an entry do not reach the terminal. */
	start(&f);
	chain(&f, 12, "2026-11-26T02:00:01.000Z", "enterprise.feedback",
	    "\"text\":\"a\\u001b[2Jb\\u009bc\\u007f\"");
	fx_load(&f);
	assert_int_equal(timeline_build(&f.ev, NULL, &f.tl), 0);
	buf = NULL;
	assert_non_null(m = open_memstream(&buf, &len));
	timeline_print(m, f.tl);
	assert_int_equal(fclose(m), 0);
	assert_non_null(strstr(buf, "feedback from the enterprise: "
	    "a\xef\xbf\xbd[2Jb\xef\xbf\xbd" "c\xef\xbf\xbd\n"));
	assert_null(strchr(buf, 0x1b));
	free(buf);
	fx_free(&f);
}

/*
 * The camera's clock: full()'s segments with dock sessions.  CAM1's
 * session 8 sealed segment 5 with the clock 90 s ahead; CAM1's session 9
 * measured nothing and lists segment 6 as sealed; a CAM1 session naming
 * CAM2's segment 7 is not CAM2's clock.  The recorded times, coverage
 * and gaps stay as the entries say.
 */
static void
test_drift(void **state)
{
	const json_t *ev5 = NULL, *ev6 = NULL, *ev7 = NULL, *e, *cov;
	struct fx f;
	char *buf = NULL;
	size_t i, len = 0;
	FILE *m;

	(void)state;
	full(&f);
	evidence_free(&f.ev);
	put(&f, 8, "\"type\":\"dock.session\",\"time\":"
	    "\"2026-11-26T02:00:00.000Z\",\"camera\":\"CAM1\",\"inventory\":["
	    "{\"path\":\"DCIM/5.mp4\",\"size\":1000,\"status\":\"sealed\","
	    "\"index\":5},{\"path\":\"x\",\"size\":1,\"status\":"
	    "\"already_sealed\",\"index\":6}],\"clock_drift\":{\"measured\":"
	    "true,\"drift_ms\":90000,\"file\":\"TIME.TXT\"}");
	put(&f, 9, "\"type\":\"dock.session\",\"time\":"
	    "\"2026-11-26T02:00:00.000Z\",\"camera\":\"CAM1\",\"inventory\":["
	    "{\"path\":\"DCIM/6.mp4\",\"size\":1000,\"status\":\"sealed\","
	    "\"index\":6},{\"path\":\"DCIM/7.mp4\",\"size\":1000,\"status\":"
	    "\"sealed\",\"index\":7}],\"clock_drift\":{\"measured\":false,"
	    "\"reason\":\"no clock file on the volume\"}");
	fx_load(&f);
	assert_int_equal(timeline_build(&f.ev, NULL, &f.tl), 0);
	json_array_foreach(json_object_get(f.tl, "events"), i, e) {
		if (strcmp(sget(e, "kind"), "footage") != 0)
			continue;
		if (iget(e, "index") == 5)
			ev5 = e;
		else if (iget(e, "index") == 6)
			ev6 = e;
		else
			ev7 = e;
	}
	assert_non_null(ev5);
	assert_non_null(ev6);
	assert_non_null(ev7);
	/* Segment 5: recorded 01:00:02 by a clock 90 s fast. */
	assert_string_equal(sget(ev5, "time"), "2026-11-26T01:00:02.000Z");
	assert_string_equal(sget(ev5, "recorded_time"),
	    "2026-11-26T01:00:02.000Z");
	assert_int_equal(iget(ev5, "drift_ms"), 90000);
	assert_int_equal(iget(ev5, "drift_session"), 8);
	assert_string_equal(sget(ev5, "corrected_time"),
	    "2026-11-26T00:58:32.000Z");
	/* Segment 6: sealed in session 9, which has no drift; session 8's
	 * "already_sealed" does not apply. */
	assert_int_equal(iget(ev6, "drift_session"), 9);
	assert_null(json_object_get(ev6, "drift_ms"));
	assert_null(json_object_get(ev6, "corrected_time"));
	assert_string_equal(sget(ev6, "drift_unknown"),
	    "no clock file on the volume");
	/* Segment 7 is CAM2's: a CAM1 session is not its clock. */
	assert_string_equal(sget(ev7, "recorded_time"),
	    "2026-11-26T01:02:00.000Z");
	assert_null(json_object_get(ev7, "drift_session"));
	/* Coverage: recorded times kept, the corrected ones beside them. */
	cov = json_array_get(json_object_get(f.tl, "coverage"), 0);
	assert_int_equal(iget(cov, "segment"), 5);
	assert_string_equal(sget(cov, "from"), "2026-11-26T01:00:02.000Z");
	assert_string_equal(sget(cov, "corrected_from"),
	    "2026-11-26T00:58:32.000Z");
	assert_string_equal(sget(cov, "corrected_to"),
	    "2026-11-26T00:59:32.000Z");
	assert_int_equal(iget(cov, "drift_ms"), 90000);
	assert_int_equal(json_array_size(json_object_get(f.tl, "gaps")), 4);

	assert_non_null(m = open_memstream(&buf, &len));
	timeline_print(m, f.tl);
	assert_int_equal(fclose(m), 0);
	assert_non_null(strstr(buf, "camera clock +90.000 s ahead of the "
	    "station's (dock.session #8): recorded 2026-11-26T01:00:02.000Z, "
	    "corrected 2026-11-26T00:58:32.000Z [北京 2026-11-26 08:58:32]"));
	assert_non_null(strstr(buf, "camera clock: not checked at docking "
	    "(dock.session #9: no clock file on the volume)"));
	free(buf);
	fx_free(&f);
}

static void
test_beijing(void **state)
{
	char buf[32];

	(void)state;
	timeline_beijing(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01 08:00:00");
	/* 16:00 UTC is midnight in Beijing: the next day. */
	timeline_beijing(INT64_C(1795708800000), buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-27 00:00:00");
	timeline_beijing(0, buf, 5);
	assert_string_equal(buf, "1970");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_tolerance),
		cmocka_unit_test(test_open_and_emergency),
		cmocka_unit_test(test_not_media),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_beijing),
		cmocka_unit_test(test_drift),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
