/*
 * seal_copy: step 1 of the seal pipeline (seal_int.h), on libuv's thread
 * pool.  It touches only the job, the source descriptor and the store
 * (whose writers and store_verify() are safe to use from several threads
 * at once).  The job owns a 1 MiB read buffer only while it copies, so
 * memory does not grow with file size, and the source pages are dropped
 * from the page cache after the copy so two dozen cameras do not push
 * everything else out of it.
 *
 * The fast path for files docked again unchanged.  Before step 1 a small
 * job on the thread pool fstat()s the source (seal_stat_work), and the loop
 * asks the catalog whether this camera's latest dock session sealed a
 * file of these exact name bytes, size and mtime (to the millisecond, as
 * the inventory writes it) as some object X that has a segment entry.  If
 * so, step 1 first reads and hashes the source without writing anything
 * (hash_only), with the same "changed while being read" checks as the
 * copy.  When that hash is X and the store has X, the job goes on with X
 * as if it had been copied, and step 2 finds X sealed: SEAL_EXISTS with
 * nothing written.  With after_ingest = delete the stored X is re-read
 * and matched first (store_verify), as the copy would have been, because
 * the caller may delete the source on this answer.  When the hash differs
 * (the camera rewrote the file under the same name, size and mtime) or
 * the store lacks X, the loop logs a warning and step 1 reads the source
 * again through the normal copy: the catalog is a hint, the bytes read
 * now are the evidence.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "custos/config.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "custos/store.h"
#include "daemon/station.h"
#include "seal_int.h"

#define CHUNK		(1 << 20)

/* Step 1 failure: records rc, errno and what failed; returns rc. */
static int
fail1(struct job *j, int rc, const char *what)
{
	j->err = errno;
	j->rc = rc;
	j->what = what;
	return rc;
}

/* A failure whose text is the whole reason. */
static int
fail_plain(struct job *j, int rc, const char *what)
{
	errno = 0;
	fail1(j, rc, what);
	j->plain = 1;
	return rc;
}

/* A store error during step 1. */
static int
store_fail(struct job *j, int rc)
{
	if (rc == CUSTOS_ERR_NOSPACE)
		return fail_plain(j, rc, "no space left on the store");
	if (rc == CUSTOS_ERR_CORRUPT || rc == CUSTOS_ERR_NOTFOUND)
		return fail_plain(j, CUSTOS_ERR_CORRUPT,
		    "stored copy does not match on re-read");
	return fail1(j, rc, "store error");
}

static int
same_stat(const struct stat *a, const struct stat *b)
{
	return a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static int
changed(struct job *j)
{
	return fail_plain(j, CUSTOS_ERR_BUSY, "changed while being read");
}

/* After the expected bytes: no more at the end, same size and mtime. */
static int
check_unchanged(struct job *j, char *buf, const struct stat *a)
{
	struct stat b;
	ssize_t n;

	while ((n = pread(j->fd, buf, 1, a->st_size)) == -1 && errno == EINTR)
		;
	if (n == -1)
		return fail1(j, CUSTOS_ERR_SYSTEM, "read error");
	if (fstat(j->fd, &b) == -1)
		return fail1(j, CUSTOS_ERR_SYSTEM, "cannot stat");
	if (n > 0 || !same_stat(a, &b))
		return changed(j);
	return 0;
}

/*
 * Reads exactly a->st_size bytes of the source through buf and hands them
 * to sink(j, arg, chunk, length), chunk by chunk; sink returns 0, or fails
 * the job (fail1() and friends) and returns the code, which ends the read.
 * Reading stops at a->st_size, so a file that grows without end is not
 * followed for ever; the growth shows in check_unchanged().
 */
static int
read_exact(struct job *j, char *buf, const struct stat *a,
    int (*sink)(struct job *, void *, const char *, size_t), void *arg)
{
	uint64_t off = 0, want = (uint64_t)a->st_size;
	size_t len;
	ssize_t n;
	int rc;

	while (off < want) {
		len = want - off < CHUNK ? (size_t)(want - off) : CHUNK;
		if ((n = pread(j->fd, buf, len, (off_t)off)) == -1) {
			if (errno == EINTR)
				continue;
			return fail1(j, CUSTOS_ERR_SYSTEM, "read error");
		}
		if (n == 0)
			return changed(j);	/* shorter than it was */
		if ((rc = sink(j, arg, buf, (size_t)n)) != 0)
			return rc;
		off += (uint64_t)n;
	}
	return check_unchanged(j, buf, a);
}

/* A sink for read_exact() that writes into the store writer arg. */
static int
store_chunk(struct job *j, void *arg, const char *buf, size_t n)
{
	int rc;

	if ((rc = store_writer_write(arg, buf, n)) != 0)
		return store_fail(j, rc);
	j->stored += (uint64_t)n;
	return 0;
}

/* A sink for read_exact() that feeds the digest arg. */
static int
hash_chunk(struct job *j, void *arg, const char *buf, size_t n)
{
	int rc;

	if ((rc = digest_update(arg, buf, n)) != 0)
		return fail_plain(j, rc, "hash error");
	return 0;
}

/*
 * Reads and hashes exactly a->st_size bytes of the source into hash,
 * writing nothing, with the checks of read_exact().
 */
static int
hash_bytes(struct job *j, struct digest *d, char *buf, const struct stat *a,
    uint8_t hash[DIGEST_LEN])
{
	int rc;

	if ((rc = read_exact(j, buf, a, hash_chunk, d)) != 0)
		return rc;
	if ((rc = digest_final(d, hash)) != 0)
		return fail_plain(j, rc, "hash error");
	return 0;
}

/*
 * The fast path's pass: hashes the source and compares with the hint.
 * Returns 0 with j->fast set when the store holds the very bytes, 0
 * without it when the normal copy must run (j->mismatch or
 * j->store_lacks says why), or an error that fails the request as the
 * copy would have (read error, changed while being read).
 */
static int
hash_only(struct job *j, struct store *store, const struct stat *a)
{
	uint8_t hash[DIGEST_LEN];
	struct digest *d;
	char *buf;
	int rc;

	if ((buf = malloc(CHUNK)) == NULL)
		return fail_plain(j, CUSTOS_ERR_NOMEM, "out of memory");
	if ((rc = digest_new(j->s->st->cfg->digest_alg, &d)) != 0) {
		free(buf);
		return fail_plain(j, rc, "hash error");
	}
	(void)posix_fadvise(j->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	rc = hash_bytes(j, d, buf, a, hash);
	(void)posix_fadvise(j->fd, 0, 0, POSIX_FADV_DONTNEED);
	digest_free(d);
	free(buf);
	if (rc != 0)
		return rc;
	if (memcmp(hash, j->hint_object, DIGEST_LEN) != 0) {
		j->mismatch = 1;
		memcpy(j->found, hash, DIGEST_LEN);
		return 0;
	}
	/* Anything but a plain "there" sends the file through the copy,
	 * which stores it again or reports the store's error. */
	if (store_has(store, hash) != 0 || (j->verify_fast &&
	    store_verify(store, hash, (uint64_t)a->st_size) != 0)) {
		j->store_lacks = 1;
		return 0;
	}
	memcpy(j->object, hash, DIGEST_LEN);
	j->size = (uint64_t)a->st_size;
	j->fast = 1;
	return 0;
}

/* The source is what stat_work saw, so the catalog's hint applies. */
static int
hint_applies(const struct job *j, const struct stat *a)
{
	return j->hint && j->st0_err == 0 && same_stat(&j->st0, a);
}

/* Copies into a new store object; on failure no object is left. */
static int
copy_in(struct job *j, struct store *store, const struct stat *a)
{
	struct store_writer *w;
	char *buf;
	int rc, existed;

	if ((buf = malloc(CHUNK)) == NULL)
		return fail_plain(j, CUSTOS_ERR_NOMEM, "out of memory");
	if ((rc = store_writer_new(store, &w)) != 0) {
		free(buf);
		return store_fail(j, rc);
	}
	(void)posix_fadvise(j->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	rc = read_exact(j, buf, a, store_chunk, w);
	(void)posix_fadvise(j->fd, 0, 0, POSIX_FADV_DONTNEED);
	free(buf);
	if (rc != 0) {
		store_writer_abort(w);
		return rc;
	}
	if ((rc = store_writer_commit(w, j->object, &j->size, &existed)) != 0)
		return store_fail(j, rc);
	return 0;
}

/* Step 1, on the thread pool. */
void
seal_copy_work(uv_work_t *work)
{
	struct job *j = work->data;
	struct store *store = j->s->st->store;
	struct stat a;
	int rc;

	if (fstat(j->fd, &a) == -1) {
		fail1(j, CUSTOS_ERR_SYSTEM, "cannot stat");
		return;
	}
	if (!S_ISREG(a.st_mode)) {
		fail_plain(j, CUSTOS_ERR_INVALID, "not a regular file");
		return;
	}
	j->mtime = a.st_mtim;
	if (hint_applies(j, &a)) {
		if (hash_only(j, store, &a) != 0 || j->fast)
			return;
	}
	if (copy_in(j, store, &a) != 0)
		return;
	/* Trust the copy only once it reads back from the store as the
	 * bytes that were hashed on the way in. */
	if ((rc = store_verify(store, j->object, j->size)) != 0)
		store_fail(j, rc);
}

void
seal_stat_work(uv_work_t *work)
{
	struct job *j = work->data;

	if (fstat(j->fd, &j->st0) == -1)
		j->st0_err = errno != 0 ? errno : EIO;
}

void
seal_verify_work(uv_work_t *work)
{
	struct job *j = work->data;
	int rc;

	if ((rc = store_verify(j->s->st->store, j->object, j->size)) != 0)
		store_fail(j, rc);
}
