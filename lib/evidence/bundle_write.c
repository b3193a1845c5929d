/*
 * bundle_write: the evidence-bundle writer (bundle.h): the output under
 * its temporary name, a directory or a pax-restricted tar written with
 * libarchive, and the members in their order.  MANIFEST.json comes
 * first and the media last, each object copied from the store in 1 MiB
 * pieces while it is hashed, so memory does not grow with the footage
 * and a store object that no longer matches its entry stops the export.
 * The member names are bundle_layout.c's.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "custos/bundle.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "custos/store.h"
#include "custos/util.h"
#include "bundle_int.h"

#define COPY_CHUNK	(1 << 20)

/* The directories of the layout that the writer fills, in this order. */
static const enum bundle_kind dirs[] = { BUNDLE_ENTRY, BUNDLE_PROOF,
    BUNDLE_MEDIA, BUNDLE_CALENDAR };
#define NDIRS		(sizeof(dirs) / sizeof(dirs[0]))

int
bundle_writer_fail(struct bundle_writer *w, int rc, int errnum,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->why, sizeof(w->why), fmt, ap);
	va_end(ap);
	w->errnum = errnum;
	return rc;
}

int
bundle_writer_new(enum digest_alg alg, struct bundle_writer **out)
{
	struct bundle_writer *w;

	if ((*out = w = calloc(1, sizeof(*w))) == NULL)
		return CUSTOS_ERR_NOMEM;
	w->alg = alg;
	w->fd = w->dirfd = -1;
	return 0;
}

const char *
bundle_writer_error(const struct bundle_writer *w, int *errnum)
{
	*errnum = w->errnum;
	return w->why;
}

const char *
bundle_writer_manifest_digest(const struct bundle_writer *w)
{
	return w->manifest_digest;
}

size_t
bundle_writer_nmedia(const struct bundle_writer *w)
{
	size_t k, n = 0;

	for (k = 0; k < w->nmedia; k++)
		n += w->media[k].disposal == NULL;
	return n;
}

uint64_t
bundle_writer_files(const struct bundle_writer *w)
{
	return w->files;
}

uint64_t
bundle_writer_bytes(const struct bundle_writer *w)
{
	return w->done;
}

/* The archive's own message for a failure on the tar. */
static int
tar_fail(struct bundle_writer *w, const char *name)
{
	const char *e = archive_error_string(w->a);

	if (e == NULL)
		e = "tar write error";
	if (name != NULL)
		return bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, 0, "%s: %s: %s",
		    w->tmp, name, e);
	return bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, 0, "%s: %s", w->tmp,
	    e);
}

static int
open_tar(struct bundle_writer *w)
{
	if ((w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1)
		return bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, errno, "%s",
		    w->tmp);
	w->created = 1;
	if ((w->a = archive_write_new()) == NULL ||
	    (w->ae = archive_entry_new()) == NULL)
		return bundle_writer_fail(w, CUSTOS_ERR_NOMEM, 0,
		    "out of memory");
	if (archive_write_set_format_pax_restricted(w->a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(w->a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(w->a, w->fd) != ARCHIVE_OK)
		return tar_fail(w, NULL);
	return 0;
}

/* Directory k of dirs: a clip bundle has clips/ instead of media/. */
static const char *
dir_name(const struct bundle_writer *w, size_t k)
{
	return bundle_kind_name(w->is_clip && dirs[k] == BUNDLE_MEDIA ?
	    BUNDLE_CLIP : dirs[k]);
}

static int
open_dir(struct bundle_writer *w)
{
	size_t k;

	if (mkdir(w->tmp, 0755) == -1)
		return bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, errno, "%s",
		    w->tmp);
	w->created = 1;
	if ((w->dirfd = open(w->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, errno, "%s",
		    w->tmp);
	for (k = 0; k < NDIRS; k++)
		if (mkdirat(w->dirfd, dir_name(w, k), 0755) == -1)
			return bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, errno,
			    "%s/%s", w->tmp, dir_name(w, k));
	return 0;
}

/* Creates the temporary bundle beside final: ".NAME.partial-PID". */
static int
out_open(struct bundle_writer *w, const char *final, int tar)
{
	const char *slash = strrchr(final, '/');

	w->tar = tar;
	if ((w->final = strdup(final)) == NULL ||
	    asprintf(&w->tmp, "%.*s.%s.partial-%ld", slash != NULL ?
	    (int)(slash - final + 1) : 0, final, slash != NULL ? slash + 1 :
	    final, (long)getpid()) == -1) {
		w->tmp = NULL;
		return bundle_writer_fail(w, CUSTOS_ERR_NOMEM, 0,
		    "out of memory");
	}
	return tar ? open_tar(w) : open_dir(w);
}

/* Starts member name of size bytes. */
static int
out_begin(struct bundle_writer *w, const char *name, uint64_t size)
{
	if (w->tar) {
		archive_entry_clear(w->ae);
		archive_entry_set_pathname(w->ae, name);
		archive_entry_set_filetype(w->ae, AE_IFREG);
		archive_entry_set_perm(w->ae, 0644);
		archive_entry_set_size(w->ae, (la_int64_t)size);
		archive_entry_set_mtime(w->ae, time(NULL), 0);
		if (archive_write_header(w->a, w->ae) != ARCHIVE_OK)
			return tar_fail(w, name);
		return 0;
	}
	if ((w->fd = openat(w->dirfd, name, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC, 0644)) == -1)
		return bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, errno,
		    "%s/%s", w->tmp, name);
	return 0;
}

static int
out_write(struct bundle_writer *w, const void *buf, size_t len)
{
	la_ssize_t n;

	if (w->tar) {
		if ((n = archive_write_data(w->a, buf, len)) < 0 ||
		    (size_t)n != len)
			return tar_fail(w, NULL);
	} else if (util_write_all(w->fd, buf, len) != 0)
		return bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, errno, "%s",
		    w->tmp);
	w->done += len;
	if (w->progress != NULL && w->progress(w->arg, w->done, w->total,
	    0) != 0)
		return bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, EINTR,
		    "interrupted");
	return 0;
}

static int
out_end(struct bundle_writer *w)
{
	int e;

	w->files++;
	if (w->tar) {
		if (archive_write_finish_entry(w->a) != ARCHIVE_OK)
			return tar_fail(w, NULL);
		return 0;
	}
	if (fsync(w->fd) == -1 || close(w->fd) == -1) {
		e = errno;
		w->fd = -1;
		return bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, e, "%s",
		    w->tmp);
	}
	w->fd = -1;
	return 0;
}

/* A whole member from memory. */
static int
out_add(struct bundle_writer *w, const char *name, const void *buf,
    size_t len)
{
	int rc;

	if ((rc = out_begin(w, name, len)) != 0 || (len > 0 &&
	    (rc = out_write(w, buf, len)) != 0))
		return rc;
	return out_end(w);
}

static int
fsync_at(int dirfd, const char *name)
{
	int fd, rc;

	if ((fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Makes the temporary bundle durable (not yet under its final name). */
static int
out_finish(struct bundle_writer *w)
{
	size_t k;

	if (w->progress != NULL && w->progress(w->arg, w->done, w->total,
	    1) != 0)
		return bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, EINTR,
		    "interrupted");
	if (w->tar) {
		if (archive_write_close(w->a) != ARCHIVE_OK)
			return tar_fail(w, NULL);
		if (fsync(w->fd) == -1)
			return bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, errno,
			    "%s", w->tmp);
		return 0;
	}
	for (k = 0; k <= NDIRS; k++)
		if (fsync_at(w->dirfd, k < NDIRS ? dir_name(w, k) : ".") == -1)
			return bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, errno,
			    "%s/%s", w->tmp, k < NDIRS ? dir_name(w, k) : ".");
	return 0;
}

/* entries/<index>.json and proofs/<index>.proof of one entry. */
static int
write_entry(struct bundle_writer *w, const struct evidence_entry *e)
{
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN];
	char name[64], *text;
	size_t n, len;
	int rc;

	if ((rc = bundle_name_index(BUNDLE_ENTRY, e->index, name,
	    sizeof(name))) != 0)
		return bundle_writer_fail(w, rc, 0, "entry %" PRIu64 ": no "
		    "name in the bundle layout", e->index);
	if ((rc = out_add(w, name, e->bytes, e->len)) != 0)
		return rc;
	if ((rc = log_prove_inclusion(w->in->log, e->index, w->in->size,
	    proof, &n)) != 0)
		return bundle_writer_fail(w, rc, 0, "cannot prove entry %"
		    PRIu64 " in tree %" PRIu64 ": %s", e->index, w->in->size,
		    custos_strerror(rc));
	if ((rc = bundle_name_index(BUNDLE_PROOF, e->index, name,
	    sizeof(name))) != 0)
		return bundle_writer_fail(w, rc, 0, "entry %" PRIu64 ": no "
		    "name in the bundle layout", e->index);
	if ((rc = merkle_proof_format((const uint8_t (*)[DIGEST_LEN])proof,
	    n, &text, &len)) != 0)
		return bundle_writer_fail(w, rc, 0, "out of memory");
	rc = out_add(w, name, text, len);
	free(text);
	return rc;
}

/* Opens object m in the store, checking its size against its entry. */
static int
open_object(struct bundle_writer *w, const struct bundle_object *m,
    char *path, size_t pathsz, const char *want, int *fdp)
{
	struct stat sb;
	int fd, e;

	if (store_path(w->in->store, m->hash, path, pathsz) != 0)
		return bundle_writer_fail(w, CUSTOS_ERR_RANGE, 0,
		    "store path too long");
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		e = errno;
		return bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, e, "object %s "
		    "of entry %" PRIu64 " (%s)", want, m->entry->index, path);
	}
	memset(&sb, 0, sizeof(sb));
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size != m->size) {
		close(fd);
		return bundle_writer_fail(w, CUSTOS_ERR_CORRUPT, 0, "object %s "
		    "in the store has %lld bytes, entry %" PRIu64 " says %"
		    PRIu64 ": the store does not match the log", want,
		    (long long)sb.st_size, m->entry->index, m->size);
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	*fdp = fd;
	return 0;
}

/* Copies the object on fd into the open member, hashing it into d. */
static int
copy_object(struct bundle_writer *w, const struct bundle_object *m, int fd,
    const char *path, uint8_t *buf, struct digest *d)
{
	uint64_t left = m->size;
	ssize_t n;
	int rc;

	while (left > 0) {
		n = read(fd, buf, left < COPY_CHUNK ? (size_t)left :
		    COPY_CHUNK);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == 0)
			return bundle_writer_fail(w, CUSTOS_ERR_CORRUPT, 0,
			    "%s: shorter than its %" PRIu64 " bytes", path,
			    m->size);
		if (n == -1)
			return bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, errno,
			    "%s", path);
		if ((rc = digest_update(d, buf, (size_t)n)) != 0)
			return bundle_writer_fail(w, rc, 0, "%s: %s", path,
			    custos_strerror(rc));
		if ((rc = out_write(w, buf, (size_t)n)) != 0)
			return rc;
		left -= (uint64_t)n;
	}
	return 0;
}

/*
 * Copies media object m from the store into the bundle, hashing it on
 * the way: the bundle gets the bytes that were hashed, and bytes that no
 * longer match their entry stop the export.
 */
static int
write_media(struct bundle_writer *w, const struct bundle_object *m,
    uint8_t *buf, struct digest *d)
{
	char path[PATH_MAX], want[DIGEST_STRLEN], got[DIGEST_STRLEN];
	uint8_t hash[DIGEST_LEN];
	int fd = -1, rc;

	digest_format(w->alg, m->hash, want, sizeof(want));
	if ((rc = open_object(w, m, path, sizeof(path), want, &fd)) != 0)
		return rc;
	if ((rc = digest_reset(d)) != 0)
		rc = bundle_writer_fail(w, rc, 0, "%s: %s", path,
		    custos_strerror(rc));
	else if ((rc = out_begin(w, m->name, m->size)) == 0 &&
	    (rc = copy_object(w, m, fd, path, buf, d)) == 0 &&
	    (rc = digest_final(d, hash)) != 0)
		rc = bundle_writer_fail(w, rc, 0, "%s: %s", path,
		    custos_strerror(rc));
	close(fd);
	if (rc != 0)
		return rc;
	if (memcmp(hash, m->hash, DIGEST_LEN) != 0) {
		digest_format(w->alg, hash, got, sizeof(got));
		return bundle_writer_fail(w, CUSTOS_ERR_CORRUPT, 0, "object %s "
		    "in the store now hashes to %s: it does not match entry %"
		    PRIu64 "; the store is damaged, nothing exported", want,
		    got, m->entry->index);
	}
	return out_end(w);
}

/*
 * A clip bundle's clip, copied while hashed again (it must still be what
 * bundle_writer_clip() hashed and the manifest names), and its proof.
 */
static int
write_clip(struct bundle_writer *w, uint8_t *buf, struct digest *d)
{
	struct bundle_object m;
	uint8_t hash[DIGEST_LEN];
	int rc;

	memset(&m, 0, sizeof(m));
	m.size = w->clip_size;
	if (lseek(w->clip.fd, 0, SEEK_SET) == -1)
		return bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, errno,
		    "cannot read the clip");
	if ((rc = digest_reset(d)) != 0 ||
	    (rc = out_begin(w, w->clip_name, w->clip_size)) != 0 ||
	    (rc = copy_object(w, &m, w->clip.fd, "the clip", buf, d)) != 0 ||
	    (rc = digest_final(d, hash)) != 0)
		return w->why[0] != '\0' ? rc : bundle_writer_fail(w, rc, 0,
		    "the clip: %s", custos_strerror(rc));
	if (memcmp(hash, w->clip_hash, DIGEST_LEN) != 0)
		return bundle_writer_fail(w, CUSTOS_ERR_CORRUPT, 0, "the clip "
		    "changed while it was written");
	if ((rc = out_end(w)) != 0)
		return rc;
	return out_add(w, w->clip_proof_name, w->clip.proof,
	    w->clip.prooflen);
}

/* The calendar file name from the calendar directory. */
static int
write_calendar(struct bundle_writer *w, const char *name)
{
	char path[PATH_MAX], member[64], *buf;
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", w->in->calendar_dir, name);
	if ((rc = util_read_file(path, 1 << 20, &buf, &len)) != 0)
		return bundle_writer_fail(w, rc, 0, "%s: %s", path,
		    custos_strerror(rc));
	if ((rc = bundle_name_calendar(name, member, sizeof(member))) != 0)
		rc = bundle_writer_fail(w, rc, 0, "%s: not a calendar file "
		    "name of the bundle layout", path);
	else
		rc = out_add(w, member, buf, len);
	free(buf);
	return rc;
}

/* The bytes the progress counts toward: all but the calendars. */
static uint64_t
expected(const struct bundle_writer *w)
{
	const struct bundle_input *in = w->in;
	uint64_t total;
	size_t r, k;

	total = w->manifestlen + in->notelen + (in->tsr != NULL ?
	    in->tsrlen : 0) + in->vkeylen;
	for (r = 0; r < EVIDENCE_NROLES; r++)
		for (k = 0; k < w->ev->n[r]; k++)
			total += w->ev->e[r][k].len;
	if (w->is_clip)
		return total + w->clip_size + w->clip.prooflen;
	for (k = 0; k < w->nmedia; k++)
		if (w->media[k].disposal == NULL)
			total += w->media[k].size;
	return total;
}

/* Every member, MANIFEST.json first and the media last. */
static int
write_members(struct bundle_writer *w, uint8_t *buf, struct digest *d)
{
	const struct bundle_input *in = w->in;
	const struct evidence *ev = w->ev;
	size_t r, k;
	int rc;

	if ((rc = out_add(w, bundle_kind_name(BUNDLE_MANIFEST), w->manifest,
	    w->manifestlen)) != 0 ||
	    (rc = out_add(w, bundle_kind_name(BUNDLE_CHECKPOINT), in->note,
	    in->notelen)) != 0 ||
	    (in->tsr != NULL && (rc = out_add(w, bundle_kind_name(BUNDLE_TSR),
	    in->tsr, in->tsrlen)) != 0) ||
	    (rc = out_add(w, bundle_kind_name(BUNDLE_VKEY), in->vkey,
	    in->vkeylen)) != 0)
		return rc;
	for (r = 0; r < EVIDENCE_NROLES; r++)
		for (k = 0; k < ev->n[r]; k++)
			if ((rc = write_entry(w, &ev->e[r][k])) != 0)
				return rc;
	for (k = 0; k < in->ncalendars; k++)
		if ((rc = write_calendar(w, w->calendars[k])) != 0)
			return rc;
	if (w->is_clip && (rc = write_clip(w, buf, d)) != 0)
		return rc;
	for (k = 0; k < w->nmedia && !w->is_clip; k++)
		if (w->media[k].disposal == NULL &&
		    (rc = write_media(w, &w->media[k], buf, d)) != 0)
			return rc;
	return out_finish(w);
}

int
bundle_writer_write(struct bundle_writer *w, const char *final, int tar,
    int (*progress)(void *, uint64_t, uint64_t, int), void *arg)
{
	struct digest *d = NULL;
	uint8_t *buf;
	int rc;

	if (w->in == NULL || w->manifest == NULL || w->tmp != NULL)
		return bundle_writer_fail(w, CUSTOS_ERR_INVALID, 0,
		    "bundle_writer_write: no manifest, or written already");
	w->progress = progress;
	w->arg = arg;
	if ((rc = out_open(w, final, tar)) != 0)
		return rc;
	w->total = expected(w);
	if ((buf = malloc(COPY_CHUNK)) == NULL ||
	    digest_new(w->alg, &d) != 0) {
		free(buf);
		return bundle_writer_fail(w, CUSTOS_ERR_NOMEM, 0,
		    "out of memory");
	}
	rc = write_members(w, buf, d);
	digest_free(d);
	free(buf);
	return rc;
}

int
bundle_writer_commit(struct bundle_writer *w)
{
	char *parent, *slash;
	int e;

	if (w->tmp == NULL)
		return bundle_writer_fail(w, CUSTOS_ERR_INVALID, 0,
		    "bundle_writer_commit: nothing written");
	if (renameat2(AT_FDCWD, w->tmp, AT_FDCWD, w->final,
	    RENAME_NOREPLACE) == -1)
		return bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, errno,
		    "cannot rename %s to %s", w->tmp, w->final);
	free(w->tmp);
	w->tmp = NULL;
	w->why[0] = '\0';
	w->errnum = 0;
	if ((parent = strdup(w->final)) == NULL)
		return bundle_writer_fail(w, 0, ENOMEM, "%s", w->final);
	if ((slash = strrchr(parent, '/')) != NULL)
		*(slash == parent ? slash + 1 : slash) = '\0';
	else
		strcpy(parent, ".");
	if (util_fsync_dir(parent) != 0) {
		e = errno;
		(void)bundle_writer_fail(w, 0, e, "%s", parent);
	}
	free(parent);
	return 0;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

/* Closes the output; what is left under the temporary name stays. */
static void
out_close(struct bundle_writer *w)
{
	if (w->a != NULL)
		archive_write_free(w->a);
	w->a = NULL;
	archive_entry_free(w->ae);
	w->ae = NULL;
	if (w->fd != -1)
		close(w->fd);
	if (w->dirfd != -1)
		close(w->dirfd);
	w->fd = w->dirfd = -1;
}

int
bundle_writer_discard(struct bundle_writer *w)
{
	int rc = 0;

	out_close(w);
	if (w->created && w->tmp != NULL && nftw(w->tmp, rm_entry, 16,
	    FTW_DEPTH | FTW_PHYS) == -1 && errno != ENOENT)
		rc = bundle_writer_fail(w, CUSTOS_ERR_SYSTEM, errno,
		    "cannot remove %s", w->tmp);
	free(w->tmp);
	w->tmp = NULL;
	w->created = 0;
	return rc;
}

void
bundle_writer_free(struct bundle_writer *w)
{
	if (w == NULL)
		return;
	(void)bundle_writer_discard(w);
	free(w->final);
	free(w->calendars);
	free(w->media);
	free(w->manifest);
	free(w);
}
