/*
 * Unit tests for lib/evidence/store.c on real files in a fresh mkdtemp() directory
 * per test.
 */
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/store.h"

#include "fixture.h"

/* FIPS 180-2 and GB/T 32905 known answers for "abc". */
static const char ABC_SHA256[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
static const char ABC_SM3[] =
    "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";

struct fixture {
	char		 dir[PATH_MAX];
	char		 mnt[PATH_MAX];	/* a tmpfs mounted by a test, or "" */
	struct store	*s;
};

static int
setup(void **state)
{
	struct fixture *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	if (fixture_dir_make(f->dir, sizeof(f->dir), "store") != 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->s);
	if (f->mnt[0] != '\0')
		(void)umount2(f->mnt, MNT_DETACH);
	(void)fixture_dir_remove(f->dir);
	free(f);
	return 0;
}

static void
open_store(struct fixture *f, const char *dir, enum digest_alg alg)
{
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(store_open(dir, alg, &f->s), 0);
}

static void
sub(const struct fixture *f, const char *name, char *buf, size_t bufsz)
{
	fixture_path(buf, bufsz, f->dir, name);
}

/* Counts the entries (files or directories) below dir, recursively. */
static int
count_entries(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *dp;
	int n = 0;

	if ((dp = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		n++;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			n += count_entries(path);
	}
	closedir(dp);
	return n;
}

static void
assert_store_empty(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/objects", dir);
	assert_int_equal(count_entries(path), 0);
	snprintf(path, sizeof(path), "%s/tmp", dir);
	assert_int_equal(count_entries(path), 0);
}

/* Stores len bytes in pieces of at most chunk bytes. */
static void
put(struct store *s, const void *buf, size_t len, size_t chunk,
    uint8_t hash[DIGEST_LEN], uint64_t *size, int *existed)
{
	struct store_writer *w;
	const uint8_t *p = buf;
	size_t n;

	assert_int_equal(store_writer_new(s, &w), 0);
	while (len > 0) {
		n = len < chunk ? len : chunk;
		assert_int_equal(store_writer_write(w, p, n), 0);
		p += n;
		len -= n;
	}
	assert_int_equal(store_writer_commit(w, hash, size, existed), 0);
}

static void
read_back(const char *path, char *buf, size_t bufsz, size_t *len)
{
	ssize_t r;
	int fd;

	assert_int_not_equal(fd = open(path, O_RDONLY), -1);
	r = read(fd, buf, bufsz);
	assert_true(r >= 0);
	*len = (size_t)r;
	close(fd);
}

static void
test_store_abc(void **state)
{
	struct fixture *f = *state;
	uint8_t hash[DIGEST_LEN], want[DIGEST_LEN];
	char hex[HEX_ENCLEN(DIGEST_LEN)], path[PATH_MAX], expect[PATH_MAX + 80];
	char buf[16];
	struct stat st;
	uint64_t size = 99;
	size_t len;
	int existed = 99;

	open_store(f, f->dir, DIGEST_SHA256);
	/* Chunks of one byte exercise the streaming hash. */
	put(f->s, "abc", 3, 1, hash, &size, &existed);
	assert_int_equal(size, 3);
	assert_int_equal(existed, 0);
	hex_encode(hash, DIGEST_LEN, hex);
	assert_string_equal(hex, ABC_SHA256);
	assert_int_equal(digest_buf(DIGEST_SHA256, "abc", 3, want), 0);
	assert_memory_equal(hash, want, DIGEST_LEN);

	assert_int_equal(store_path(f->s, hash, path, sizeof(path)), 0);
	snprintf(expect, sizeof(expect), "%s/objects/ba/%s", f->dir,
	    ABC_SHA256 + 2);
	assert_string_equal(path, expect);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0440);
	read_back(path, buf, sizeof(buf), &len);
	assert_int_equal(len, 3);
	assert_memory_equal(buf, "abc", 3);

	assert_int_equal(store_has(f->s, hash), 0);
	assert_int_equal(store_verify(f->s, hash, 3), 0);
	sub(f, "tmp", path, sizeof(path));
	assert_int_equal(count_entries(path), 0);
}

static void
test_store_empty_object(void **state)
{
	struct fixture *f = *state;
	uint8_t hash[DIGEST_LEN], want[DIGEST_LEN];
	uint64_t size = 99;
	int existed;

	open_store(f, f->dir, DIGEST_SHA256);
	put(f->s, "", 0, 1, hash, &size, &existed);
	assert_int_equal(size, 0);
	assert_int_equal(digest_buf(DIGEST_SHA256, NULL, 0, want), 0);
	assert_memory_equal(hash, want, DIGEST_LEN);
	assert_int_equal(store_verify(f->s, hash, 0), 0);
}

static void
test_store_sm3(void **state)
{
	struct fixture *f = *state;
	uint8_t hash[DIGEST_LEN];
	char hex[HEX_ENCLEN(DIGEST_LEN)], path[PATH_MAX], expect[PATH_MAX + 80];
	uint64_t size;
	int existed;

	open_store(f, f->dir, DIGEST_SM3);
	put(f->s, "abc", 3, 2, hash, &size, &existed);
	hex_encode(hash, DIGEST_LEN, hex);
	assert_string_equal(hex, ABC_SM3);
	assert_int_equal(store_path(f->s, hash, path, sizeof(path)), 0);
	snprintf(expect, sizeof(expect), "%s/objects/66/%s", f->dir,
	    ABC_SM3 + 2);
	assert_string_equal(path, expect);
	assert_int_equal(store_verify(f->s, hash, 3), 0);
}

static void
test_store_twice(void **state)
{
	struct fixture *f = *state;
	uint8_t h1[DIGEST_LEN], h2[DIGEST_LEN];
	char path[PATH_MAX];
	uint64_t size;
	int existed;

	open_store(f, f->dir, DIGEST_SHA256);
	put(f->s, "same bytes", 10, 4, h1, &size, &existed);
	assert_int_equal(existed, 0);
	put(f->s, "same bytes", 10, 10, h2, &size, &existed);
	assert_int_equal(existed, 1);
	assert_int_equal(size, 10);
	assert_memory_equal(h1, h2, DIGEST_LEN);
	/* One fan-out directory holding one file, and no temporary left. */
	sub(f, "objects", path, sizeof(path));
	assert_int_equal(count_entries(path), 2);
	sub(f, "tmp", path, sizeof(path));
	assert_int_equal(count_entries(path), 0);
	assert_int_equal(store_verify(f->s, h1, 10), 0);
}

static void
test_store_abort(void **state)
{
	struct fixture *f = *state;
	struct store_writer *w;

	open_store(f, f->dir, DIGEST_SHA256);
	assert_int_equal(store_writer_new(f->s, &w), 0);
	assert_int_equal(store_writer_write(w, "partial", 7), 0);
	store_writer_abort(w);
	store_writer_abort(NULL);
	assert_store_empty(f->dir);
}

static void
test_store_open_cleans_tmp(void **state)
{
	struct fixture *f = *state;
	struct store *other = NULL;
	struct store_writer *live;
	uint8_t hash[DIGEST_LEN];
	char path[PATH_MAX], tmp[PATH_MAX];
	uint64_t size;
	int existed, fd;

	open_store(f, f->dir, DIGEST_SHA256);
	/* A writer that is still running when another store_open() runs. */
	assert_int_equal(store_writer_new(f->s, &live), 0);
	assert_int_equal(store_writer_write(live, "live", 4), 0);

	/* Leftovers of a crashed writer: nobody holds their locks. */
	sub(f, "tmp/obj.AAAAAA", path, sizeof(path));
	assert_int_not_equal(fd = open(path, O_CREAT | O_WRONLY, 0600), -1);
	assert_int_equal(write(fd, "stale", 5), 5);
	close(fd);
	sub(f, "tmp/other-junk", path, sizeof(path));
	assert_int_not_equal(fd = open(path, O_CREAT | O_WRONLY, 0600), -1);
	close(fd);
	sub(f, "tmp", tmp, sizeof(tmp));
	assert_int_equal(count_entries(tmp), 3);

	assert_int_equal(store_open(f->dir, DIGEST_SHA256, &other), 0);
	assert_int_equal(count_entries(tmp), 1);
	store_close(other);

	/* The live writer's file survived and still commits. */
	assert_int_equal(store_writer_commit(live, hash, &size, &existed), 0);
	assert_int_equal(size, 4);
	assert_int_equal(store_verify(f->s, hash, 4), 0);
	assert_int_equal(count_entries(tmp), 0);
}

static void
test_store_verify_corrupt(void **state)
{
	struct fixture *f = *state;
	uint8_t hash[DIGEST_LEN];
	char path[PATH_MAX], c;
	uint64_t size;
	int existed, fd;

	open_store(f, f->dir, DIGEST_SHA256);
	put(f->s, "evidence bytes", 14, 14, hash, &size, &existed);
	assert_int_equal(store_verify(f->s, hash, 14), 0);
	/* A wrong expected size is caught before reading. */
	assert_int_equal(store_verify(f->s, hash, 13), CUSTOS_ERR_CORRUPT);

	assert_int_equal(store_path(f->s, hash, path, sizeof(path)), 0);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_not_equal(fd = open(path, O_RDWR), -1);
	assert_int_equal(pread(fd, &c, 1, 5), 1);
	c ^= 0x01;
	assert_int_equal(pwrite(fd, &c, 1, 5), 1);
	close(fd);
	assert_int_equal(store_verify(f->s, hash, 14), CUSTOS_ERR_CORRUPT);

	/* A truncated object is corrupt too. */
	assert_int_equal(truncate(path, 7), 0);
	assert_int_equal(store_verify(f->s, hash, 14), CUSTOS_ERR_CORRUPT);
}

static void
test_store_verify_symlink(void **state)
{
	struct fixture *f = *state;
	uint8_t hash[DIGEST_LEN];
	char path[PATH_MAX], target[PATH_MAX];
	uint64_t size;
	int existed, fd;

	open_store(f, f->dir, DIGEST_SHA256);
	put(f->s, "abc", 3, 3, hash, &size, &existed);
	assert_int_equal(store_path(f->s, hash, path, sizeof(path)), 0);
	/* Even a link to the right bytes is not the object we wrote. */
	sub(f, "elsewhere", target, sizeof(target));
	assert_int_not_equal(fd = open(target, O_CREAT | O_WRONLY, 0600), -1);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(store_verify(f->s, hash, 3), CUSTOS_ERR_CORRUPT);
	assert_int_equal(store_has(f->s, hash), CUSTOS_ERR_CORRUPT);
}

static void
test_store_missing(void **state)
{
	struct fixture *f = *state;
	uint8_t hash[DIGEST_LEN];

	open_store(f, f->dir, DIGEST_SHA256);
	assert_int_equal(digest_buf(DIGEST_SHA256, "never stored", 12, hash),
	    0);
	assert_int_equal(store_has(f->s, hash), CUSTOS_ERR_NOTFOUND);
	assert_int_equal(store_verify(f->s, hash, 12), CUSTOS_ERR_NOTFOUND);
}

static void
test_store_path_small(void **state)
{
	struct fixture *f = *state;
	uint8_t hash[DIGEST_LEN] = { 0 };
	char buf[16];

	open_store(f, f->dir, DIGEST_SHA256);
	assert_int_equal(store_path(f->s, hash, buf, sizeof(buf)),
	    CUSTOS_ERR_INVALID);
}

#define LARGE_SIZE	(64u * 1024 * 1024)
#define LARGE_CHUNK	(1024 * 1024)

/* A cheap pattern that differs in every chunk. */
static void
fill(uint8_t *buf, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (uint8_t)(seed >> 16);
	}
}

static void
test_store_large(void **state)
{
	struct fixture *f = *state;
	uint8_t hash[DIGEST_LEN], want[DIGEST_LEN], *buf;
	char hex[HEX_ENCLEN(DIGEST_LEN)], path[PATH_MAX], cmd[PATH_MAX + 32];
	char line[128];
	struct store_writer *w;
	struct digest *d;
	uint64_t size;
	FILE *fp;
	size_t i;
	int existed;

	open_store(f, f->dir, DIGEST_SHA256);
	assert_non_null(buf = malloc(LARGE_CHUNK));
	assert_int_equal(digest_new(DIGEST_SHA256, &d), 0);
	assert_int_equal(store_writer_new(f->s, &w), 0);
	for (i = 0; i < LARGE_SIZE / LARGE_CHUNK; i++) {
		fill(buf, LARGE_CHUNK, (uint32_t)i);
		assert_int_equal(store_writer_write(w, buf, LARGE_CHUNK), 0);
		assert_int_equal(digest_update(d, buf, LARGE_CHUNK), 0);
	}
	assert_int_equal(store_writer_commit(w, hash, &size, &existed), 0);
	assert_int_equal(digest_final(d, want), 0);
	digest_free(d);
	free(buf);
	assert_int_equal(size, LARGE_SIZE);
	assert_memory_equal(hash, want, DIGEST_LEN);
	assert_int_equal(store_verify(f->s, hash, LARGE_SIZE), 0);

	/* An independent implementation agrees on the stored bytes. */
	assert_int_equal(store_path(f->s, hash, path, sizeof(path)), 0);
	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	if ((fp = popen(cmd, "r")) == NULL ||
	    fgets(line, sizeof(line), fp) == NULL) {
		if (fp != NULL)
			pclose(fp);
		print_message("sha256sum not run; skipping that comparison\n");
		return;
	}
	pclose(fp);
	hex_encode(hash, DIGEST_LEN, hex);
	line[64] = '\0';
	assert_string_equal(line, hex);
}

/*
 * A file-size limit makes write() fail with EFBIG (SIGXFSZ ignored): a
 * real write error, which must leave nothing visible.
 */
static void
test_store_write_error(void **state)
{
	struct fixture *f = *state;
	struct rlimit old, lim;
	struct store_writer *w;
	uint8_t hash[DIGEST_LEN], *buf;
	uint64_t size;
	int rc, existed, saved;
	void (*oldsig)(int);

	open_store(f, f->dir, DIGEST_SHA256);
	assert_non_null(buf = calloc(1, 256 * 1024));
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	oldsig = signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = 64 * 1024;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);

	assert_int_equal(store_writer_new(f->s, &w), 0);
	rc = store_writer_write(w, buf, 256 * 1024);
	saved = errno;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, oldsig);
	free(buf);
	assert_int_equal(rc, CUSTOS_ERR_SYSTEM);
	assert_int_equal(saved, EFBIG);
	/* Only abort is allowed now; commit refuses and cleans up. */
	assert_int_equal(store_writer_write(w, "x", 1), CUSTOS_ERR_INVALID);
	assert_int_equal(store_writer_commit(w, hash, &size, &existed),
	    CUSTOS_ERR_INVALID);
	assert_store_empty(f->dir);
}

/*
 * A full file system: a 1 MiB tmpfs, which needs root (CAP_SYS_ADMIN) to
 * mount.  Without it the test is skipped and says so.
 */
static void
test_store_nospace(void **state)
{
	struct fixture *f = *state;
	struct store_writer *w;
	uint8_t *buf;
	size_t i;
	int rc = 0;

	sub(f, "small", f->mnt, sizeof(f->mnt));
	assert_int_equal(mkdir(f->mnt, 0700), 0);
	if (geteuid() != 0 ||
	    mount("tmpfs", f->mnt, "tmpfs", 0, "size=1m") == -1) {
		print_message("skipped: cannot mount a 1 MiB tmpfs (%s)\n",
		    geteuid() != 0 ? "not root" : strerror(errno));
		f->mnt[0] = '\0';
		skip();
	}
	open_store(f, f->mnt, DIGEST_SHA256);
	assert_non_null(buf = calloc(1, 64 * 1024));
	assert_int_equal(store_writer_new(f->s, &w), 0);
	for (i = 0; i < 64 && rc == 0; i++)
		rc = store_writer_write(w, buf, 64 * 1024);
	free(buf);
	assert_int_equal(rc, CUSTOS_ERR_NOSPACE);
	store_writer_abort(w);
	assert_store_empty(f->mnt);
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(umount(f->mnt), 0);
	f->mnt[0] = '\0';
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_abc, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_empty_object, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_sm3, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_twice, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_abort, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_open_cleans_tmp,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_verify_corrupt,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_verify_symlink,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_missing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_path_small, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_large, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_write_error, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_nospace, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
