#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "custos/calendar.h"
#include "custos/err.h"

/* The shipped files, found from the source tree the test runs in. */
#ifndef CALENDAR_DIR
#define CALENDAR_DIR	"conf/calendar"
#endif

static struct calendar *
shipped(void)
{
	struct calendar *c;
	char err[256] = "";

	assert_int_equal(calendar_new(&c), 0);
	if (calendar_load_dir(c, CALENDAR_DIR, err, sizeof(err)) != 0)
		fail_msg("loading %s: %s", CALENDAR_DIR, err);
	return c;
}

static struct cal_date
D(const char *s)
{
	struct cal_date d;

	assert_int_equal(calendar_date_parse(s, &d), 0);
	return d;
}

static void
assert_date(const struct cal_date *d, const char *want)
{
	char buf[16];

	calendar_date_format(d, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

/* REGULATION.md: both years have 248 working days. */
static void
test_counts(void **state)
{
	struct calendar *c = shipped();
	struct cal_date d;
	int y, m, day, work, n;

	(void)state;
	for (y = 2025; y <= 2026; y++) {
		n = 0;
		for (m = 1; m <= 12; m++)
			for (day = 1; day <= 31; day++) {
				char s[48];

				snprintf(s, sizeof(s), "%04d-%02d-%02d", y, m,
				    day);
				if (calendar_date_parse(s, &d) != 0)
					continue;
				assert_int_equal(calendar_is_workday(c, &d,
				    &work), 0);
				n += work;
			}
		assert_int_equal(n, 248);
	}
	calendar_free(c);
}

static void
test_days(void **state)
{
	/* A made-up working Saturday, a weekday holiday, a plain week. */
	static const struct {
		const char	*date;
		int		 work;
	} days[] = {
		{ "2026-02-14", 1 },
		{ "2026-10-07", 0 },
		{ "2025-10-08", 0 },
		{ "2026-11-26", 1 },
		{ "2026-11-28", 0 },
	};
	struct calendar *c = shipped();
	struct cal_date d;
	size_t k;
	int work;

	(void)state;
	for (k = 0; k < sizeof(days) / sizeof(days[0]); k++) {
		d = D(days[k].date);
		assert_int_equal(calendar_is_workday(c, &d, &work), 0);
		assert_int_equal(work, days[k].work);
	}
	d = D("2027-01-04");
	assert_int_equal(calendar_is_workday(c, &d, &work), CUSTOS_ERR_RANGE);
	calendar_free(c);
}

/* The deadline readings REGULATION.md spells out, and a few more. */
static void
test_deadlines(void **state)
{
	static const struct {
		const char	*from;
		unsigned	 days;
		const char	*want;
	} reads[] = {
		/* Friday; Saturday 02-14 worked. */
		{ "2026-02-13", 1, "2026-02-14" },
		/* National Day follows. */
		{ "2026-09-30", 1, "2026-10-08" },
		/* Thursday: red code, 5 days. */
		{ "2026-11-26", 5, "2026-12-03" },
		/* Over Spring Festival. */
		{ "2026-02-13", 3, "2026-02-25" },
		/*
		 * Credit repair, 3 days: from Thursday 02-12, Friday 02-13,
		 * Saturday 02-14 (worked), then Tuesday 02-24 after the
		 * Spring Festival days off.
		 */
		{ "2026-02-12", 3, "2026-02-24" },
		/* From Wednesday 09-30: 10-08, 10-09, Saturday 10-10. */
		{ "2026-09-30", 3, "2026-10-10" },
		{ "2026-12-28", 3, "2026-12-31" },
		/* Crossing into the next file: 2026-01-01..03 are off;
		 * Sunday 01-04 is worked. */
		{ "2025-12-31", 1, "2026-01-04" },
	};
	struct calendar *c = shipped();
	struct cal_date s, out, unc;
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(reads) / sizeof(reads[0]); k++) {
		s = D(reads[k].from);
		assert_int_equal(calendar_add_workdays(c, &s, reads[k].days,
		    &out, NULL), 0);
		assert_date(&out, reads[k].want);
	}
	s = D("2026-12-30");		/* past the last file: never guessed */
	assert_int_equal(calendar_add_workdays(c, &s, 3, &out, &unc),
	    CUSTOS_ERR_RANGE);
	assert_date(&unc, "2027-01-01");
	s = D("2026-12-29");		/* the third working day is in 2027 */
	assert_int_equal(calendar_add_workdays(c, &s, 3, &out, &unc),
	    CUSTOS_ERR_RANGE);
	assert_date(&unc, "2027-01-01");
	assert_int_equal(calendar_add_workdays(c, &s, 0, &out, NULL),
	    CUSTOS_ERR_INVALID);
	calendar_free(c);
}

static void
test_time(void **state)
{
	struct cal_date d;

	(void)state;
	/* 2026-11-25T16:00:00Z is 2026-11-26 00:00 in Beijing. */
	calendar_beijing_date(1795622400, &d);
	assert_date(&d, "2026-11-26");
	calendar_beijing_date(1795622399, &d);
	assert_date(&d, "2026-11-25");
	d = D("2026-02-14");
	/* 24:00 Beijing on 02-14 is 2026-02-14T16:00:00Z. */
	assert_int_equal(calendar_end_of_day(&d), 1771084800);
}

static void
expect_load(const char *text, int want, const char *msg)
{
	struct calendar *c;
	char err[256] = "";

	assert_int_equal(calendar_new(&c), 0);
	assert_int_equal(calendar_load(c, text, strlen(text), "t.cal", err,
	    sizeof(err)), want);
	if (msg != NULL)
		assert_string_equal(err, msg);
	if (want != 0)
		assert_int_equal(calendar_covers(c, 2024), 0);
	calendar_free(c);
}

static void
test_load_errors(void **state)
{
	struct calendar *c;
	char err[256];
	const char *y = "year 2024\n";

	(void)state;
	expect_load("year 2024\noff 2024-05-01 2024-05-03 # x\n", 0, NULL);
	expect_load("off 2024-05-01\n", CUSTOS_ERR_FORMAT,
	    "t.cal:1: the first item must be \"year YYYY\"");
	expect_load("year 2024\noff 2024-13-01\n", CUSTOS_ERR_FORMAT,
	    "t.cal:2: not a date (YYYY-MM-DD)");
	expect_load("year 2024\nwork 2025-01-01\n", CUSTOS_ERR_FORMAT,
	    "t.cal:2: dates must be in 2024, the first not after the second");
	expect_load("year 2024\noff 2024-05-03 2024-05-01\n",
	    CUSTOS_ERR_FORMAT,
	    "t.cal:2: dates must be in 2024, the first not after the second");
	expect_load("year 2024\nholiday 2024-05-01\n", CUSTOS_ERR_FORMAT,
	    "t.cal:2: expected \"off DATE [DATE]\" or \"work DATE\"");
	expect_load("year 2024\nwork 2024-05-11 2024-05-12\n",
	    CUSTOS_ERR_FORMAT,
	    "t.cal:2: expected \"off DATE [DATE]\" or \"work DATE\"");
	expect_load("year 2024\noff 2024-05-01 2024-05-02 2024-05-03\n",
	    CUSTOS_ERR_FORMAT, "t.cal:2: too many fields");
	expect_load("# nothing\n", CUSTOS_ERR_FORMAT,
	    "t.cal:2: no \"year\" line");
	expect_load("year 1999\n", CUSTOS_ERR_FORMAT, NULL);
	expect_load("year 2024\nyear 2024\n", CUSTOS_ERR_FORMAT, NULL);
	assert_int_equal(calendar_new(&c), 0);
	assert_int_equal(calendar_load(c, y, strlen(y), "a", err, sizeof(err)),
	    0);
	assert_int_equal(calendar_load(c, y, strlen(y), "b", err, sizeof(err)),
	    CUSTOS_ERR_EXISTS);
	assert_int_equal(calendar_covers(c, 2024), 1);
	calendar_free(c);
	/* No directory ("calendar_dir = none") loads nothing. */
	assert_int_equal(calendar_new(&c), 0);
	assert_int_equal(calendar_load_dir(c, NULL, err, sizeof(err)), 0);
	assert_int_equal(calendar_covers(c, 2026), 0);
	calendar_free(c);
}

static void
test_dates(void **state)
{
	struct cal_date d;

	(void)state;
	assert_int_equal(calendar_date_parse("2024-02-29", &d), 0);
	assert_int_equal(calendar_date_parse("2025-02-29", &d),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(calendar_date_parse("2025-04-31", &d),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(calendar_date_parse("2025-4-01", &d),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(calendar_date_parse("2025-04-01Z", &d),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(calendar_date_parse("2025/04/01", &d),
	    CUSTOS_ERR_FORMAT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_deadlines),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
