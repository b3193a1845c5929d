/*
 * test_rfc3339: known answers (from Python's datetime), every malformed
 * shape the parser must refuse, and formatting round trips, with the
 * times of the shared fixture (fixture_times.c).
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

#include "fixture.h"

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
	const struct fixture_time *t;

	(void)state;
	for (t = fixture_times; t->text != NULL; t++)
		assert_int_equal(T(t->text), t->ms);
}

static void
test_refused(void **state)
{
	const char *const *bad;
	int64_t ms = 42;

	(void)state;
	for (bad = fixture_bad_times; *bad != NULL; bad++) {
		if (rfc3339_parse(*bad, &ms) != CUSTOS_ERR_FORMAT)
			fail_msg("accepted \"%s\"", *bad);
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
	const struct fixture_time *t;
	char buf[RFC3339_LEN], small[11];
	int64_t back;
	size_t i;

	(void)state;
	for (t = fixture_formatted; t->text != NULL; t++) {
		rfc3339_format(t->ms, buf, sizeof(buf));
		assert_string_equal(buf, t->text);
	}
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
