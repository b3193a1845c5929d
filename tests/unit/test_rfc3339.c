/*
 * test_rfc3339: known answers (from Python's datetime), every malformed
 * shape the parser must refuse, and formatting round trips.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "custos/err.h"
#include "custos/rfc3339.h"

/* Parses s, failing the test if it is refused; returns the time. */
static int64_t
T(const char *s)
{
	int64_t ms = 0;
	int rc = rfc3339_parse(s, &ms);

	if (rc != 0)
		fail_msg("refused \"%s\": %d", s, rc);
	return ms;
}

static void
test_known_answers(void **state)
{
	(void)state;
	assert_int_equal(T("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(T("2026-11-26T02:00:00.000Z"), 1795658400000);
	assert_int_equal(T("2026-11-26T10:00:00+08:00"), 1795658400000);
	assert_int_equal(T("2026-02-13T10:00:00+08:00"), 1770948000000);
	assert_int_equal(T("2000-02-29T23:59:59Z"), 951868799000);
	assert_int_equal(T("2000-03-01T01:29:59+01:30"), 951868799000);
	assert_int_equal(T("2000-02-29T21:59:59-02:00"), 951868799000);
	assert_int_equal(T("2026-11-26T02:00:00.1239Z"), 1795658400123);
	assert_int_equal(T("2026-11-26T02:00:00.5Z"), 1795658400500);
	assert_int_equal(T("2026-11-26T02:00:00.123456789Z"),
	    1795658400123);
	assert_int_equal(T("1969-12-31T23:59:59.999Z"), -1);
}

static void
test_refused(void **state)
{
	static const char *bad[] = {
		"", "2026-11-26", "2026-02-30T00:00:00Z",
		"2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
		"2026-11-26 02:00:00Z", "2026-11-26t02:00:00Z",
		"2026-11-26T02:00:00z", "2026-11-26T24:00:00Z",
		"2026-11-26T02:60:00Z", "2026-11-26T02:00:60Z",
		"2026-11-26T02:00:00", "2026-11-26T02:00:00Zx",
		"2026-11-26T02:00:00+8:00", "2026-11-26T02:00:00+0800",
		"2026-11-26T02:00:00+24:00", "2026-11-26T02:00:00+08:60",
		"2026-11-26T02:00:00.Z", "2026-11-26T02:00:00.0123456789Z",
		"2026-11-26T2:00:00Z", "+2026-11-26T02:00:00Z",
		"2026-11-26T02:00:00.000Z ", "2026-11-26T02:00:00+08:00:00",
	};
	int64_t ms = 42;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (rfc3339_parse(bad[i], &ms) != CUSTOS_ERR_FORMAT)
			fail_msg("accepted \"%s\"", bad[i]);
		/* A refused time leaves the output alone. */
		assert_int_equal(ms, 42);
	}
	assert_int_equal(rfc3339_parse(NULL, &ms), CUSTOS_ERR_FORMAT);
}

static void
test_format(void **state)
{
	static const int64_t ms[] = { 0, -1, 1795658400123, 951868799000,
	    1770948000000, 4102444799999 };
	char buf[RFC3339_LEN], small[11];
	int64_t back;
	size_t i;

	(void)state;
	rfc3339_format(1795658400123, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-26T02:00:00.123Z");
	rfc3339_format(-1, buf, sizeof(buf));
	assert_string_equal(buf, "1969-12-31T23:59:59.999Z");
	rfc3339_format(951868799000, buf, sizeof(buf));
	assert_string_equal(buf, "2000-02-29T23:59:59.000Z");
	rfc3339_format(4102444799999, buf, sizeof(buf));
	assert_string_equal(buf, "2099-12-31T23:59:59.999Z");
	for (i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		rfc3339_format(ms[i], buf, sizeof(buf));
		assert_int_equal(strlen(buf), RFC3339_LEN - 1);
		assert_int_equal(rfc3339_parse(buf, &back), 0);
		assert_int_equal(back, ms[i]);
	}
	/* Too small a buffer truncates and still ends in a NUL. */
	rfc3339_format(1795658400123, small, sizeof(small));
	assert_string_equal(small, "2026-11-26");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
