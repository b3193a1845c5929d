/*
 * The unit tests' shared set-up that needs only the C library, cmocka and
 * enc: temporary directories, paths and hex (fixture.h).
 */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "custos/enc.h"
#include "fixture.h"

int
fixture_dir_make(char *dir, size_t size, const char *tag)
{
	const char *tmp = getenv("TMPDIR");
	int n;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	n = snprintf(dir, size, "%s/custos-%s-XXXXXX", tmp, tag);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
remove_one(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int
fixture_dir_remove(const char *dir)
{
	/* Depth first, so that each directory is empty when it goes. */
	return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

void
fixture_path(char *buf, size_t size, const char *dir, const char *name)
{
	int n;

	n = snprintf(buf, size, "%s/%s", dir, name);
	assert_true(n > 0 && (size_t)n < size);
}

void
fixture_unhex(const char *hex, uint8_t *out, size_t len)
{
	assert_int_equal(strlen(hex), 2 * len);
	assert_int_equal(hex_decode(hex, 2 * len, out, len), 0);
}

void
fixture_args(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
}
