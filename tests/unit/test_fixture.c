/*
 * Tests for the unit tests' own set-up (fixture.h) where a mistake would
 * hide: a scratch directory is made where TMPDIR says and removed with
 * all it holds, without following a link out of it; paths that do not
 * fit are refused.
 */
#include <sys/stat.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"

static void
touch(const char *dir, const char *name)
{
	char path[512];
	FILE *f;

	fixture_path(path, sizeof(path), dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fclose(f), 0);
}

static void
test_dir(void **state)
{
	char outer[256], dir[256], path[512], small[8];
	const char *tmp = getenv("TMPDIR");
	struct stat st;

	(void)state;
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	/* A directory of the test's own outside, reached through a link. */
	assert_int_equal(fixture_dir_make(outer, sizeof(outer), "outer"), 0);
	touch(outer, "keep");

	assert_int_equal(fixture_dir_make(dir, sizeof(dir), "fx"), 0);
	assert_int_equal(strncmp(dir, tmp, strlen(tmp)), 0);
	assert_non_null(strstr(dir, "/custos-fx-"));
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	fixture_path(path, sizeof(path), dir, "sub");
	assert_int_equal(mkdir(path, 0700), 0);
	touch(dir, "sub/file");
	touch(dir, "file");
	fixture_path(path, sizeof(path), dir, "link");
	assert_int_equal(symlink(outer, path), 0);

	assert_int_equal(fixture_dir_remove(dir), 0);
	assert_int_equal(stat(dir, &st), -1);
	assert_int_equal(errno, ENOENT);
	fixture_path(path, sizeof(path), outer, "keep");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(fixture_dir_remove(outer), 0);

	/* A name that does not fit is refused, not cut short. */
	assert_int_equal(fixture_dir_make(small, sizeof(small), "fx"), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

static void
test_unhex(void **state)
{
	static const uint8_t want[] = { 0x00, 0x7f, 0xab, 0xff };
	uint8_t out[4];

	(void)state;
	fixture_unhex("007fabff", out, sizeof(out));
	assert_memory_equal(out, want, sizeof(want));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dir),
		cmocka_unit_test(test_unhex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
