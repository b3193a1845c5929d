/*
 * store: the content-addressed object store.
 *
 * An object is written to a named temporary file in <dir>/tmp while it is
 * hashed, fsynced, made read-only and then renamed to
 * <dir>/objects/<hex[0..2]>/<hex[2..]> without ever replacing an existing
 * file, and the fan-out directory is fsynced.  A crash therefore leaves at
 * most a temporary file, never a half-written object.
 *
 * A writer holds an exclusive flock(2) on its temporary file for as long as
 * it lives, so store_open() in another process (a tool opening the same
 * store) removes only the files of writers that are gone.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/store.h"
#include "custos/util.h"

#define TMP_PREFIX	"obj."
#define VERIFY_CHUNK	(1024 * 1024)
#define DIR_MODE	0750
#define TMPDIR_MODE	0700
#define OBJECT_MODE	0440
/* Attempts to create a temporary file that no cleaner is removing. */
#define TMP_TRIES	8

struct store {
	char		*dir;
	char		*objdir;	/* <dir>/objects */
	char		*tmpdir;	/* <dir>/tmp */
	enum digest_alg	 alg;
};

struct store_writer {
	struct store	*s;
	struct digest	*d;
	char		*tmppath;
	int		 fd;
	uint64_t	 size;
	int		 failed;
	int		 side;		/* a side file: not hashed */
};

#define LEAVES_SUFFIX	".leaves"


static int
errno_code(void)
{
	return (errno == ENOSPC || errno == EDQUOT) ? CUSTOS_ERR_NOSPACE :
	    CUSTOS_ERR_SYSTEM;
}

static char *
join(const char *a, const char *b)
{
	char *p;

	if (asprintf(&p, "%s/%s", a, b) == -1)
		return NULL;
	return p;
}

/*
 * Removes the temporary file name in the directory dfd if no writer holds
 * its lock.  The lock is taken on the same inode that is then unlinked, so
 * a live writer's file is never removed.
 */
static void
remove_stale(int dfd, const char *name)
{
	struct stat a, b;
	int fd;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1) {
		/* A symlink or other odd entry: nothing of ours, remove it. */
		if (errno == ELOOP)
			(void)unlinkat(dfd, name, 0);
		return;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &a) == 0 &&
	    fstatat(dfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino && S_ISREG(a.st_mode))
		(void)unlinkat(dfd, name, 0);
	close(fd);
}

static int
clean_tmp(const char *tmpdir)
{
	struct dirent *de;
	DIR *dp;
	int saved;

	if ((dp = opendir(tmpdir)) == NULL)
		return CUSTOS_ERR_SYSTEM;
	errno = 0;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		remove_stale(dirfd(dp), de->d_name);
		errno = 0;
	}
	saved = errno;
	closedir(dp);
	if (saved != 0) {
		errno = saved;
		return CUSTOS_ERR_SYSTEM;
	}
	return 0;
}

int
store_open(const char *dir, enum digest_alg alg, struct store **out)
{
	struct store *s;
	int rc;

	*out = NULL;
	if (alg != DIGEST_SHA256 && alg != DIGEST_SM3)
		return CUSTOS_ERR_INVALID;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return CUSTOS_ERR_NOMEM;
	s->alg = alg;
	if ((s->dir = strdup(dir)) == NULL ||
	    (s->objdir = join(dir, "objects")) == NULL ||
	    (s->tmpdir = join(dir, "tmp")) == NULL) {
		store_close(s);
		return CUSTOS_ERR_NOMEM;
	}
	if ((rc = util_mkdirs(s->objdir, DIR_MODE)) != 0 ||
	    (rc = util_mkdirs(s->tmpdir, TMPDIR_MODE)) != 0 ||
	    (rc = clean_tmp(s->tmpdir)) != 0) {
		store_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	free(s->dir);
	free(s->objdir);
	free(s->tmpdir);
	free(s);
}

/*
 * Creates and locks a new temporary file for w.  A store_open() elsewhere
 * may unlink the file between its creation and our lock; then the link
 * count is 0 and we try again with a new name.
 */
static int
make_tmp(struct store_writer *w)
{
	struct stat st;
	int i, rc;

	for (i = 0; i < TMP_TRIES; i++) {
		free(w->tmppath);
		if ((w->tmppath = join(w->s->tmpdir, TMP_PREFIX "XXXXXX")) ==
		    NULL)
			return CUSTOS_ERR_NOMEM;
		/* mkostemp() creates the file with mode 0600. */
		if ((w->fd = mkostemp(w->tmppath, O_CLOEXEC)) == -1)
			return errno_code();
		if (flock(w->fd, LOCK_EX | LOCK_NB) == 0 &&
		    fstat(w->fd, &st) == 0 && st.st_nlink > 0)
			return 0;
		/* The name is ours alone, so removing it is always safe. */
		rc = errno;
		(void)unlink(w->tmppath);
		close(w->fd);
		w->fd = -1;
		errno = rc;
	}
	errno = EAGAIN;
	return CUSTOS_ERR_SYSTEM;
}

int
store_writer_new(struct store *s, struct store_writer **out)
{
	struct store_writer *w;
	int rc;

	*out = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return CUSTOS_ERR_NOMEM;
	w->s = s;
	w->fd = -1;
	if ((rc = digest_new(s->alg, &w->d)) != 0 ||
	    (rc = make_tmp(w)) != 0) {
		store_writer_abort(w);
		return rc;
	}
	*out = w;
	return 0;
}

int
store_writer_write(struct store_writer *w, const void *buf, size_t len)
{
	int rc;

	if (w->failed)
		return CUSTOS_ERR_INVALID;
	if ((!w->side && (rc = digest_update(w->d, buf, len)) != 0) ||
	    (rc = util_write_all(w->fd, buf, len)) != 0) {
		w->failed = 1;
		return rc;
	}
	w->size += len;
	return 0;
}

void
store_writer_abort(struct store_writer *w)
{
	int saved = errno;

	if (w == NULL)
		return;
	if (w->fd != -1)
		close(w->fd);
	/* The file may already be gone (renamed or never made). */
	if (w->tmppath != NULL)
		(void)unlink(w->tmppath);
	free(w->tmppath);
	digest_free(w->d);
	free(w);
	errno = saved;
}

/*
 * Writes "<objdir>/<hex[0..2]>" to fan and "<fan>/<hex[2..]>" to obj; both
 * are allocated.
 */
static int
object_paths(const struct store *s, const uint8_t hash[DIGEST_LEN],
    char **fan, char **obj)
{
	char hex[HEX_ENCLEN(DIGEST_LEN)];

	hex_encode(hash, DIGEST_LEN, hex);
	*obj = NULL;
	if (asprintf(fan, "%s/%.2s", s->objdir, hex) == -1) {
		*fan = NULL;
		return CUSTOS_ERR_NOMEM;
	}
	if (asprintf(obj, "%s/%s", *fan, hex + 2) == -1) {
		free(*fan);
		*fan = NULL;
		*obj = NULL;
		return CUSTOS_ERR_NOMEM;
	}
	return 0;
}

/*
 * Creates the fan-out directory if it is missing; a new one is made durable
 * by fsyncing its parent.
 */
static int
make_fanout(const struct store *s, const char *fan)
{
	if (mkdir(fan, DIR_MODE) == 0)
		return util_fsync_dir(s->objdir);
	if (errno == EEXIST)
		return 0;
	return errno_code();
}

/*
 * Moves tmp to obj unless obj exists; sets *existed.  renameat2() with
 * RENAME_NOREPLACE does it in one step; file systems without it get link()
 * and unlink(), which also never replace.
 */
static int
place(const char *tmp, const char *obj, int *existed)
{
	*existed = 0;
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, obj, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno == EINVAL || errno == ENOSYS) {
		if (link(tmp, obj) == 0) {
			(void)unlink(tmp);
			return 0;
		}
	}
	if (errno == EEXIST) {
		*existed = 1;
		(void)unlink(tmp);
		return 0;
	}
	return errno_code();
}

/* Makes the written file durable and read-only, then closes it. */
static int
seal_tmp(struct store_writer *w)
{
	int fd = w->fd;

	w->fd = -1;
	if (fsync(fd) == -1 || fchmod(fd, OBJECT_MODE) == -1) {
		int rc = errno_code(), saved = errno;

		close(fd);
		errno = saved;
		return rc;
	}
	/* close() can report a deferred write error (NFS); do not ignore it. */
	if (close(fd) == -1)
		return errno_code();
	return 0;
}

int
store_writer_commit(struct store_writer *w, uint8_t hash[DIGEST_LEN],
    uint64_t *size, int *existed)
{
	char *fan = NULL, *obj = NULL;
	int rc, ex = 0, saved;

	*existed = 0;
	if (w->failed) {
		store_writer_abort(w);
		return CUSTOS_ERR_INVALID;
	}
	if ((rc = digest_final(w->d, hash)) != 0 ||
	    (rc = seal_tmp(w)) != 0 ||
	    (rc = object_paths(w->s, hash, &fan, &obj)) != 0 ||
	    (rc = make_fanout(w->s, fan)) != 0 ||
	    (rc = place(w->tmppath, obj, &ex)) != 0)
		goto out;
	/* The temporary name is gone; abort must not unlink it again. */
	free(w->tmppath);
	w->tmppath = NULL;
	/*
	 * Fsync the fan-out directory also when the object existed: another
	 * writer may have renamed it a moment ago and not yet synced.
	 */
	if ((rc = util_fsync_dir(fan)) != 0) {
		/* Keep the promise that a failed commit shows nothing new. */
		if (!ex) {
			saved = errno;
			(void)unlink(obj);
			errno = saved;
		}
		goto out;
	}
	*size = w->size;
	*existed = ex;
out:
	free(fan);
	free(obj);
	store_writer_abort(w);
	return rc;
}

int
store_path(const struct store *s, const uint8_t hash[DIGEST_LEN], char *buf,
    size_t bufsz)
{
	char hex[HEX_ENCLEN(DIGEST_LEN)];
	int n;

	hex_encode(hash, DIGEST_LEN, hex);
	n = snprintf(buf, bufsz, "%s/%.2s/%s", s->objdir, hex, hex + 2);
	if (n < 0 || (size_t)n >= bufsz)
		return CUSTOS_ERR_INVALID;
	return 0;
}

int
store_has(const struct store *s, const uint8_t hash[DIGEST_LEN])
{
	struct stat st;
	char *fan, *obj;
	int rc;

	if ((rc = object_paths(s, hash, &fan, &obj)) != 0)
		return rc;
	if (lstat(obj, &st) == 0)
		rc = S_ISREG(st.st_mode) ? 0 : CUSTOS_ERR_CORRUPT;
	else if (errno == ENOENT || errno == ENOTDIR)
		rc = CUSTOS_ERR_NOTFOUND;
	else
		rc = CUSTOS_ERR_SYSTEM;
	free(fan);
	free(obj);
	return rc;
}

/*
 * Hashes the rest of fd in VERIFY_CHUNK reads into out and counts the
 * bytes, stopping early once more than limit bytes were read.
 */
static int
hash_fd(int fd, enum digest_alg alg, uint64_t limit, uint8_t out[DIGEST_LEN],
    uint64_t *n)
{
	struct digest *d;
	uint8_t *buf;
	ssize_t r;
	int rc;

	*n = 0;
	if ((buf = malloc(VERIFY_CHUNK)) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = digest_new(alg, &d)) != 0) {
		free(buf);
		return rc;
	}
	for (;;) {
		if ((r = read(fd, buf, VERIFY_CHUNK)) == -1) {
			if (errno == EINTR)
				continue;
			rc = CUSTOS_ERR_SYSTEM;
			break;
		}
		if (r == 0) {
			rc = digest_final(d, out);
			break;
		}
		*n += (uint64_t)r;
		if (*n > limit)
			break;
		if ((rc = digest_update(d, buf, (size_t)r)) != 0)
			break;
	}
	digest_free(d);
	free(buf);
	return rc;
}

/*
 * The object is read through a fresh descriptor.  Its cached pages are
 * dropped first (POSIX_FADV_DONTNEED; after the commit's fsync they are
 * clean, so the kernel can drop them) so that the re-read comes from the
 * disk whenever the kernel allows it, and dropped again afterwards so that
 * verifying evidence does not evict the cache of other work.  The advice
 * is best effort and its failure is not an error.
 */
int
store_verify(const struct store *s, const uint8_t hash[DIGEST_LEN],
    uint64_t size)
{
	uint8_t got[DIGEST_LEN];
	struct stat st;
	char *fan, *obj;
	uint64_t n = 0;
	int fd, rc, saved;

	if ((rc = object_paths(s, hash, &fan, &obj)) != 0)
		return rc;
	fd = open(obj, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	saved = errno;
	free(fan);
	free(obj);
	if (fd == -1) {
		if (saved == ENOENT || saved == ENOTDIR)
			return CUSTOS_ERR_NOTFOUND;
		/* A symlink in place of an object is not what we wrote. */
		if (saved == ELOOP)
			return CUSTOS_ERR_CORRUPT;
		errno = saved;
		return CUSTOS_ERR_SYSTEM;
	}
	if (fstat(fd, &st) == -1) {
		rc = CUSTOS_ERR_SYSTEM;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size != size) {
		rc = CUSTOS_ERR_CORRUPT;
		goto out;
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if ((rc = hash_fd(fd, s->alg, size, got, &n)) != 0)
		goto out;
	if (n != size || memcmp(got, hash, DIGEST_LEN) != 0)
		rc = CUSTOS_ERR_CORRUPT;
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
out:
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* "<obj>.leaves", allocated. */
static int
leaves_path(const char *obj, char **side)
{
	if (asprintf(side, "%s" LEAVES_SUFFIX, obj) == -1) {
		*side = NULL;
		return CUSTOS_ERR_NOMEM;
	}
	return 0;
}

int
store_leaves_new(struct store *s, struct store_writer **out)
{
	int rc;

	if ((rc = store_writer_new(s, out)) == 0)
		(*out)->side = 1;
	return rc;
}

int
store_leaves_put(struct store_writer *w, const uint8_t hash[DIGEST_LEN])
{
	char *fan = NULL, *obj = NULL, *side = NULL;
	int rc, ex = 0;

	if (w->failed || !w->side) {
		store_writer_abort(w);
		return CUSTOS_ERR_INVALID;
	}
	if ((rc = object_paths(w->s, hash, &fan, &obj)) != 0 ||
	    (rc = leaves_path(obj, &side)) != 0)
		goto out;
	/* Only beside a stored object: disposal removes both. */
	if (access(obj, F_OK) == -1) {
		rc = errno == ENOENT ? CUSTOS_ERR_NOTFOUND : errno_code();
		goto out;
	}
	if ((rc = seal_tmp(w)) != 0 || (rc = place(w->tmppath, side, &ex)) !=
	    0)
		goto out;
	free(w->tmppath);
	w->tmppath = NULL;
	rc = util_fsync_dir(fan);
out:
	free(fan);
	free(obj);
	free(side);
	store_writer_abort(w);
	return rc;
}

int
store_leaves_open(const struct store *s, const uint8_t hash[DIGEST_LEN],
    int *fd)
{
	char *fan, *obj, *side;
	int rc;

	*fd = -1;
	if ((rc = object_paths(s, hash, &fan, &obj)) != 0)
		return rc;
	if ((rc = leaves_path(obj, &side)) == 0) {
		if ((*fd = open(side, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) ==
		    -1)
			rc = errno == ENOENT ? CUSTOS_ERR_NOTFOUND :
			    errno_code();
		free(side);
	}
	free(fan);
	free(obj);
	return rc;
}

int
store_remove(struct store *s, const uint8_t hash[DIGEST_LEN])
{
	char *fan, *obj, *side;
	int rc;

	if ((rc = object_paths(s, hash, &fan, &obj)) != 0)
		return rc;
	/* The side file first: a crash between the two leaves the object,
	 * whose removal at the next start takes the side file too. */
	if ((rc = leaves_path(obj, &side)) != 0) {
		free(fan);
		free(obj);
		return rc;
	}
	if (unlink(side) == -1 && errno != ENOENT) {
		rc = errno_code();
		free(side);
		free(fan);
		free(obj);
		return rc;
	}
	free(side);
	if (unlink(obj) == -1)
		rc = errno == ENOENT ? CUSTOS_ERR_NOTFOUND : errno_code();
	else
		rc = util_fsync_dir(fan);
	free(fan);
	free(obj);
	return rc;
}
