/*
 * Tests for daemon/web/web_range.c: the Range header of footage requests
 * (RFC 9110 14.1.2) against a file of 1000 bytes and an empty one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "daemon/web/web_range.h"

#include "fixture.h"

/* r's answer for a file of size; *off and *len when it is 1. */
static int
ask(const char *r, uint64_t size, uint64_t *off, uint64_t *len)
{
	*off = *len = 12345;
	return web_range_parse(r, size, off, len);
}

static void
test_ranges(void **state)
{
	uint64_t off, len;

	(void)state;
	assert_int_equal(ask("bytes=0-", 1000, &off, &len), 1);
	assert_true(off == 0 && len == 1000);
	assert_int_equal(ask("bytes=100-199", 1000, &off, &len), 1);
	assert_true(off == 100 && len == 100);
	assert_int_equal(ask("bytes=990-5000", 1000, &off, &len), 1);
	assert_true(off == 990 && len == 10);
	assert_int_equal(ask("bytes=-300", 1000, &off, &len), 1);
	assert_true(off == 700 && len == 300);
	assert_int_equal(ask("bytes=-5000", 1000, &off, &len), 1);
	assert_true(off == 0 && len == 1000);
	assert_int_equal(ask("bytes=999-999", 1000, &off, &len), 1);
	assert_true(off == 999 && len == 1);
}

static void
test_unsatisfiable(void **state)
{
	uint64_t off, len;

	(void)state;
	assert_int_equal(ask("bytes=1000-", 1000, &off, &len), -1);
	assert_int_equal(ask("bytes=5000-6000", 1000, &off, &len), -1);
	assert_int_equal(ask("bytes=-0", 1000, &off, &len), -1);
	assert_int_equal(ask("bytes=0-", 0, &off, &len), -1);
	assert_int_equal(ask("bytes=-10", 0, &off, &len), -1);
}

static void
test_ignored(void **state)
{
	static const char *const whole[] = { NULL, "", "bytes=", "bytes=-",
	    "items=0-10", "bytes=0-10,20-30", "bytes=10-5", "bytes= 1-2",
	    "bytes=+1-2", "bytes=1-2x", "bytes=a-", "bytes=1",
	    "bytes=99999999999999999999-", "bytes=-99999999999999999999" };
	uint64_t off, len;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(whole) / sizeof(whole[0]); i++) {
		assert_int_equal(ask(whole[i], 1000, &off, &len), 0);
		/* Nothing is set for the whole file. */
		assert_true(off == 12345 && len == 12345);
	}
}

static void
test_from_start(void **state)
{
	(void)state;
	assert_true(web_range_from_start(NULL));
	assert_true(web_range_from_start("bytes=0-"));
	assert_true(web_range_from_start("bytes=0-99"));
	assert_true(web_range_from_start("bytes=0-1,5-9"));
	assert_true(web_range_from_start("items=5-"));
	assert_false(web_range_from_start("bytes=1-"));
	assert_false(web_range_from_start("bytes=-500"));
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_unsatisfiable),
		cmocka_unit_test(test_ignored),
		cmocka_unit_test(test_from_start),
	};

	fixture_args(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
