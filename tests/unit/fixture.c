/*
 * The unit tests' shared set-up that needs only the C library, cmocka and
 * enc: temporary directories, paths and hex (fixture.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

int
fixture_open_in(const char *dir, const char *name)
{
	char p[PATH_MAX];
	int fd;

	fixture_path(p, sizeof(p), dir, name);
	assert_true((fd = open(p, O_RDONLY | O_CLOEXEC)) >= 0);
	return fd;
}

int
fixture_open_out(const char *dir, const char *name)
{
	char p[PATH_MAX];
	int fd;

	fixture_path(p, sizeof(p), dir, name);
	assert_true((fd = open(p, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) >= 0);
	return fd;
}

int
fixture_program(char *buf, size_t size, const char *env, const char *name)
{
	const char *v;
	ssize_t n;
	char *slash;

	if ((v = getenv(env)) != NULL) {
		snprintf(buf, size, "%s", v);
		return 0;
	}
	if ((n = readlink("/proc/self/exe", buf, size - 1)) <= 0)
		return -1;
	buf[n] = '\0';
	if ((slash = strrchr(buf, '/')) == NULL)
		return -1;
	*slash = '\0';
	if ((slash = strrchr(buf, '/')) == NULL)
		return -1;
	snprintf(slash, size - (size_t)(slash - buf), "/%s", name);
	return 0;
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
