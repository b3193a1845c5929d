/*
 * bundle: the evidence-bundle reader (bundle.h); the names it accepts
 * are bundle_layout.c's.
 *
 * One pass over the bundle, whichever its shape: a tar is read once,
 * front to back, with libarchive (its tar reader only: no compression, no
 * other formats), and a directory is walked two levels deep without
 * following links.  Media bytes go through a fixed buffer into the hash
 * and, for a tar, into a private unlinked file that the media child then
 * demuxes while the next member streams in.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "custos/bundle.h"
#include "custos/clip.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/probe.h"

#define IOBUF		(1 << 20)

/* Reading state: the bundle being filled and the child in flight. */
struct reader {
	struct bundle		*b;
	const struct bundle_opts *o;
	struct digest		*d;
	uint8_t			*buf;
	size_t			 small_total;
	size_t			 members;
	char			 tmpdir[PATH_MAX];	/* "" until made */
	unsigned		 tmpseq;
	/* The media child still demuxing, if any. */
	struct probe_child	*child;
	size_t			 child_media;
	int			 child_fd;
	int			 nomem;
};

static int
problem(struct reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records one problem; only running out of memory is an error. */
static int
problem(struct reader *r, const char *fmt, ...)
{
	struct bundle *b = r->b;
	char **np, *s;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return CUSTOS_ERR_NOMEM;
	if ((np = reallocarray(b->problems, b->nproblems + 1,
	    sizeof(*np))) == NULL) {
		free(s);
		return CUSTOS_ERR_NOMEM;
	}
	b->problems = np;
	b->problems[b->nproblems++] = s;
	return 0;
}

/*
 * Small members.
 */

static int
add_small(struct reader *r, const char *name, enum bundle_kind kind,
    uint64_t index, uint8_t *data, size_t len)
{
	struct bundle *b = r->b;
	struct bundle_file *nf, *f;

	if ((nf = reallocarray(b->files, b->nfiles + 1, sizeof(*nf))) == NULL)
		return CUSTOS_ERR_NOMEM;
	b->files = nf;
	f = &b->files[b->nfiles];
	memset(f, 0, sizeof(*f));
	if ((f->name = strdup(name)) == NULL)
		return CUSTOS_ERR_NOMEM;
	f->kind = kind;
	f->index = index;
	f->data = data;
	f->len = len;
	b->nfiles++;
	return 0;
}

static int
add_name(char ***list, size_t *n, const char *name)
{
	char **nl;

	if ((nl = reallocarray(*list, *n + 1, sizeof(*nl))) == NULL)
		return CUSTOS_ERR_NOMEM;
	*list = nl;
	if ((nl[*n] = strdup(name)) == NULL)
		return CUSTOS_ERR_NOMEM;
	(*n)++;
	return 0;
}

/*
 * Checks a member's size against its kind's limit before reading it.
 * Returns 1 if it may be read, 0 if refused (a problem recorded), or an
 * error.
 */
static int
small_allowed(struct reader *r, const char *name, enum bundle_kind kind,
    int64_t size)
{
	size_t max = bundle_kind_limit(kind);
	int rc;

	if (size < 0 || (uint64_t)size > max) {
		if ((rc = problem(r, "%s: %lld bytes, more than the %zu "
		    "allowed for it", name, (long long)size, max)) != 0)
			return rc;
		return 0;
	}
	if (r->small_total + (size_t)size > BUNDLE_MAX_SMALL_TOTAL) {
		if ((rc = problem(r, "%s: the small members exceed %zu bytes "
		    "in all", name, BUNDLE_MAX_SMALL_TOTAL)) != 0)
			return rc;
		return 0;
	}
	r->small_total += (size_t)size;
	return 1;
}

/*
 * Media.
 */

static int
new_media(struct reader *r, const char *name, size_t *slot)
{
	struct bundle *b = r->b;
	struct bundle_media *nm, *m;
	/* The hash follows "media/". */
	size_t skip = strlen(bundle_kind_name(BUNDLE_MEDIA)) + 1;
	int rc;

	if ((nm = reallocarray(b->media, b->nmedia + 1, sizeof(*nm))) == NULL)
		return CUSTOS_ERR_NOMEM;
	b->media = nm;
	m = &b->media[b->nmedia];
	memset(m, 0, sizeof(*m));
	if ((m->name = strdup(name)) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = hex_decode(name + skip, 2 * DIGEST_LEN, m->name_hash,
	    DIGEST_LEN)) < 0) {
		free(m->name);
		return CUSTOS_ERR_FORMAT;
	}
	*slot = b->nmedia++;
	return 0;
}

/* Collects the answer of the child in flight, if there is one. */
static int
finish_child(struct reader *r)
{
	struct bundle_media *m;
	int rc;

	if (r->child == NULL)
		return 0;
	m = &r->b->media[r->child_media];
	rc = probe_wait(r->child, r->o->timeout_ms, &m->probe);
	r->child = NULL;
	m->probed = 1;
	if (r->child_fd != -1)
		close(r->child_fd);
	r->child_fd = -1;
	if (rc != 0)
		return problem(r, "%s: waiting for the media child: %s",
		    m->name, strerror(errno));
	return 0;
}

/*
 * Starts the media child on fd for media slot (fd is then the caller's
 * to close, or, with keep, handed over and closed by finish_child()).
 */
static int
start_child(struct reader *r, size_t slot, int fd, int keep)
{
	int rc;

	if (r->o->self == NULL) {
		if (keep)
			close(fd);
		return 0;
	}
	if ((rc = finish_child(r)) != 0) {
		if (keep)
			close(fd);
		return rc;
	}
	rc = probe_spawn(r->o->self, r->o->role, fd, r->o->alg, &r->child);
	if (rc != 0) {
		if (keep)
			close(fd);
		r->child = NULL;
		return problem(r, "%s: cannot start the media child: %s",
		    r->b->media[slot].name, rc == CUSTOS_ERR_SYSTEM ?
		    strerror(errno) : custos_strerror(rc));
	}
	r->child_media = slot;
	r->child_fd = keep ? fd : -1;
	return 0;
}

/*
 * Clips: hashed like media, then demuxed by the leaves child on a file
 * it can seek (the member itself, or a tar member's private copy).
 */

static int
new_clip(struct reader *r, const char *name, uint64_t index, size_t *slot)
{
	struct bundle *b = r->b;
	struct bundle_clip_file *nc, *c;

	if ((nc = reallocarray(b->clips, b->nclips + 1, sizeof(*nc))) == NULL)
		return CUSTOS_ERR_NOMEM;
	b->clips = nc;
	c = &b->clips[b->nclips];
	memset(c, 0, sizeof(*c));
	if ((c->name = strdup(name)) == NULL)
		return CUSTOS_ERR_NOMEM;
	c->index = index;
	*slot = b->nclips++;
	return 0;
}

/* Runs the leaves child on fd (the caller keeps it) for clip slot. */
static int
clip_leaves(struct reader *r, size_t slot, int fd)
{
	struct bundle_clip_file *c = &r->b->clips[slot];
	int rc;

	if (r->o->self == NULL)
		return 0;
	rc = clip_leaves_run(r->o->self, fd, r->o->alg, r->o->timeout_ms,
	    CLIP_MAX_LEAVES, &c->leaves);
	if (rc == CUSTOS_ERR_NOMEM)
		return rc;
	if (rc != 0)
		return problem(r, "%s: cannot run the clip child: %s", c->name,
		    rc == CUSTOS_ERR_SYSTEM ? strerror(errno) :
		    custos_strerror(rc));
	c->demuxed = 1;
	return 0;
}

/*
 * Tar.
 */

static int
make_tmpdir(struct reader *r)
{
	const char *base = r->o->tmpdir;

	if (r->tmpdir[0] != '\0')
		return 0;
	if (base == NULL && (base = getenv("TMPDIR")) == NULL)
		base = "/tmp";
	if ((size_t)snprintf(r->tmpdir, sizeof(r->tmpdir),
	    "%s/custos-verify.XXXXXX", base) >= sizeof(r->tmpdir)) {
		r->tmpdir[0] = '\0';
		errno = ENAMETOOLONG;
		return CUSTOS_ERR_SYSTEM;
	}
	if (mkdtemp(r->tmpdir) == NULL) {
		r->tmpdir[0] = '\0';
		return CUSTOS_ERR_SYSTEM;
	}
	return 0;
}

/* A private file for one member, unlinked at once: nothing is left. */
static int
tmp_file(struct reader *r)
{
	char path[PATH_MAX + 32];
	int fd, e;

	if (make_tmpdir(r) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/m%u", r->tmpdir, r->tmpseq++);
	if ((fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1)
		return -1;
	if (unlink(path) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int
write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Streams the current tar member (name) into the hash and, when fd is
 * not -1, into fd, the private copy for the child (who names it, for the
 * messages).  Sets *size and, when the member was read to its end, hash.
 * Returns 0; 1 when the tar broke and 2 when the copy could not be
 * written (both reported; after 2 the next member can be read); or an
 * error.
 */
static int
tar_hash(struct reader *r, struct archive *a, const char *name, int fd,
    const char *who, uint64_t *size, uint8_t hash[DIGEST_LEN])
{
	la_ssize_t n;
	int rc;

	*size = 0;
	if ((rc = digest_reset(r->d)) != 0)
		return rc;
	while ((n = archive_read_data(a, r->buf, IOBUF)) > 0) {
		if ((rc = digest_update(r->d, r->buf, (size_t)n)) != 0)
			return rc;
		*size += (uint64_t)n;
		if (fd != -1 && write_all(fd, r->buf, (size_t)n) == -1) {
			rc = problem(r, "%s: cannot write the temporary copy "
			    "for the %s: %s", name, who, strerror(errno));
			return rc != 0 ? rc : 2;
		}
	}
	if (n < 0) {
		rc = problem(r, "tar: damaged or truncated in %s after %llu "
		    "bytes: %s", name, (unsigned long long)*size,
		    archive_error_string(a) ? archive_error_string(a) :
		    "read error");
		return rc != 0 ? rc : 1;
	}
	return digest_final(r->d, hash);
}

/*
 * Streams a tar media member into the hash and, for the media child, a
 * private file, then starts the child on that file.
 */
static int
tar_media(struct reader *r, struct archive *a, const char *name)
{
	struct bundle_media *m;
	size_t slot;
	int fd = -1, rc;

	if ((rc = new_media(r, name, &slot)) != 0)
		return rc;
	if (r->o->self != NULL && (fd = tmp_file(r)) == -1)
		return problem(r, "%s: cannot make a temporary copy for the "
		    "media child: %s", name, strerror(errno));
	m = &r->b->media[slot];
	if ((rc = tar_hash(r, a, name, fd, "media child", &m->size,
	    m->hash)) != 0) {
		if (fd != -1)
			close(fd);
		return rc == 2 ? 0 : rc;
	}
	m->complete = 1;
	if (fd != -1)
		return start_child(r, slot, fd, 1);
	return 0;
}

/*
 * Streams a tar clip member into the hash and a private file, then runs
 * the leaves child on that file.  Returns 0, 1 when the tar broke, or an
 * error.
 */
static int
tar_clip(struct reader *r, struct archive *a, const char *name,
    uint64_t index)
{
	struct bundle_clip_file *c;
	size_t slot;
	int fd = -1, rc;

	if ((rc = new_clip(r, name, index, &slot)) != 0)
		return rc;
	if (r->o->self != NULL && (fd = tmp_file(r)) == -1)
		return problem(r, "%s: cannot make a temporary copy for the "
		    "clip child: %s", name, strerror(errno));
	c = &r->b->clips[slot];
	if ((rc = tar_hash(r, a, name, fd, "clip child", &c->size,
	    c->hash)) == 0) {
		c->complete = 1;
		if (fd != -1)
			rc = clip_leaves(r, slot, fd);
	}
	if (fd != -1)
		close(fd);
	return rc == 2 ? 0 : rc;
}

/* Reads a small tar member into memory. */
static int
tar_small(struct reader *r, struct archive *a, const char *name,
    enum bundle_kind kind, uint64_t index, int64_t size)
{
	uint8_t *data;
	size_t got = 0;
	la_ssize_t n;
	int rc;

	if ((rc = small_allowed(r, name, kind, size)) != 1)
		return rc;
	if ((data = malloc((size_t)size + 1)) == NULL)
		return CUSTOS_ERR_NOMEM;
	while (got < (size_t)size &&
	    (n = archive_read_data(a, data + got, (size_t)size - got)) > 0)
		got += (size_t)n;
	if (got < (size_t)size) {
		free(data);
		rc = problem(r, "tar: damaged or truncated in %s after %zu of "
		    "%lld bytes: %s", name, got, (long long)size,
		    archive_error_string(a) ? archive_error_string(a) :
		    "end of archive");
		return rc != 0 ? rc : 1;
	}
	data[got] = '\0';
	if ((rc = add_small(r, name, kind, index, data, got)) != 0)
		free(data);
	return rc;
}

/* One tar header: refuse, skip or read.  Returns 0, 1 (stop) or error. */
static int
tar_member(struct reader *r, struct archive *a, struct archive_entry *e)
{
	const char *raw = archive_entry_pathname(e), *why, *name;
	char buf[BUNDLE_MAX_NAME + 8];
	enum bundle_kind kind;
	uint64_t index;
	mode_t type = archive_entry_filetype(e);
	size_t len;

	if (raw == NULL)
		return problem(r, "tar: a member without a usable name");
	if (++r->members > BUNDLE_MAX_MEMBERS) {
		(void)problem(r, "tar: more than %d members",
		    BUNDLE_MAX_MEMBERS);
		return 1;
	}
	/* Directory members may end in "/"; "." and "./" are the top. */
	len = strnlen(raw, sizeof(buf));
	if (len == sizeof(buf))
		return problem(r, "tar: member name too long: %.40s...", raw);
	memcpy(buf, raw, len + 1);
	if (type == AE_IFDIR && len > 1 && buf[len - 1] == '/')
		buf[--len] = '\0';
	name = strncmp(buf, "./", 2) == 0 ? buf + 2 : buf;
	if (type == AE_IFDIR && (strcmp(buf, ".") == 0 || name[0] == '\0'))
		return 0;
	if (bundle_name_check(name, &kind, &index, &why) != 0)
		return problem(r, "tar: member \"%s\": %s (refused)", raw, why);
	if (archive_entry_hardlink(e) != NULL || archive_entry_symlink(e) !=
	    NULL || type == AE_IFLNK)
		return problem(r, "%s: a link in the tar (refused)", name);
	if (type == AE_IFDIR)
		return kind == BUNDLE_DIR ? 0 :
		    problem(r, "%s: a directory where a file belongs", name);
	if (type != AE_IFREG)
		return problem(r, "%s: not a regular file in the tar "
		    "(refused)", name);
	if (kind == BUNDLE_DIR)
		return problem(r, "%s: a file where a directory belongs",
		    name);
	if (kind == BUNDLE_MEDIA)
		return tar_media(r, a, name);
	if (kind == BUNDLE_CLIP)
		return tar_clip(r, a, name, index);
	if (kind == BUNDLE_TRANSCRIPT)
		return add_name(&r->b->transcripts, &r->b->ntranscripts, name);
	if (!archive_entry_size_is_set(e))
		return problem(r, "%s: no size in the tar header", name);
	return tar_small(r, a, name, kind, index, archive_entry_size(e));
}

static int
read_tar(struct reader *r, int fd)
{
	struct archive *a;
	struct archive_entry *e;
	int ar, rc = 0;

	if ((a = archive_read_new()) == NULL)
		return CUSTOS_ERR_NOMEM;
	/* The tar formats only: no compression, no zip, no cpio. */
	if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_open_fd(a, fd, IOBUF) != ARCHIVE_OK) {
		rc = problem(r, "not a directory, and not a tar that can be "
		    "read: %s", archive_error_string(a) ?
		    archive_error_string(a) : "cannot open");
		archive_read_free(a);
		return rc;
	}
	r->b->is_tar = 1;
	for (;;) {
		ar = archive_read_next_header(a, &e);
		if (ar == ARCHIVE_EOF)
			break;
		if (ar < ARCHIVE_WARN) {
			rc = problem(r, "tar: damaged or truncated after %zu "
			    "members: %s", r->members,
			    archive_error_string(a) ? archive_error_string(a) :
			    "bad header");
			break;
		}
		if ((rc = tar_member(r, a, e)) != 0)
			break;
	}
	archive_read_free(a);
	return rc < 0 ? rc : 0;
}

/*
 * Directory.
 */

static int
read_fd_all(int fd, uint8_t *data, size_t size, size_t *got)
{
	ssize_t n;

	*got = 0;
	while (*got < size) {
		if ((n = read(fd, data + *got, size - *got)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

static int
dir_small(struct reader *r, int fd, const struct stat *sb, const char *name,
    enum bundle_kind kind, uint64_t index)
{
	uint8_t *data;
	size_t got;
	int rc;

	if ((rc = small_allowed(r, name, kind, (int64_t)sb->st_size)) != 1)
		return rc;
	if ((data = malloc((size_t)sb->st_size + 1)) == NULL)
		return CUSTOS_ERR_NOMEM;
	if (read_fd_all(fd, data, (size_t)sb->st_size, &got) == -1) {
		free(data);
		return problem(r, "%s: cannot read: %s", name,
		    strerror(errno));
	}
	if (got != (size_t)sb->st_size) {
		free(data);
		return problem(r, "%s: changed while read", name);
	}
	data[got] = '\0';
	if ((rc = add_small(r, name, kind, index, data, got)) != 0)
		free(data);
	return rc;
}

/*
 * Hashes the file at fd (name) to its end with pread, which leaves the
 * offset alone for a child reading it at the same time.  Sets *size and
 * hash.  Returns 0, or the problem reported or an error.
 */
static int
dir_hash(struct reader *r, int fd, const char *name, uint64_t *size,
    uint8_t hash[DIGEST_LEN])
{
	ssize_t n;
	off_t off = 0;
	int rc;

	if ((rc = digest_reset(r->d)) != 0)
		return rc;
	for (;;) {
		if ((n = pread(fd, r->buf, IOBUF, off)) == -1) {
			if (errno == EINTR)
				continue;
			return problem(r, "%s: cannot read: %s", name,
			    strerror(errno));
		}
		if (n == 0)
			break;
		if ((rc = digest_update(r->d, r->buf, (size_t)n)) != 0)
			return rc;
		off += n;
	}
	*size = (uint64_t)off;
	return digest_final(r->d, hash);
}

/* Hashes a media file while the child demuxes it from the same fd. */
static int
dir_media(struct reader *r, int fd, const char *name)
{
	struct bundle_media *m;
	size_t slot;
	int rc;

	if ((rc = new_media(r, name, &slot)) != 0)
		return rc;
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if ((rc = start_child(r, slot, fd, 0)) != 0)
		return rc;
	m = &r->b->media[slot];
	if ((rc = dir_hash(r, fd, name, &m->size, m->hash)) != 0)
		return rc;
	m->complete = 1;
	return finish_child(r);
}

/* Hashes a clip, then has the leaves child demux it from the same fd. */
static int
dir_clip(struct reader *r, int fd, const char *name, uint64_t index)
{
	struct bundle_clip_file *c;
	size_t slot;
	int rc;

	if ((rc = new_clip(r, name, index, &slot)) != 0)
		return rc;
	c = &r->b->clips[slot];
	if ((rc = dir_hash(r, fd, name, &c->size, c->hash)) != 0)
		return rc;
	c->complete = 1;
	return clip_leaves(r, slot, fd);
}

/* One directory entry at dir/name (rel is its name in the layout). */
static int
dir_member(struct reader *r, int dfd, const char *name, const char *rel,
    int depth);

static int
walk_dir(struct reader *r, int dfd, const char *prefix, int depth)
{
	char rel[BUNDLE_MAX_NAME * 2 + 2];
	struct dirent *de;
	DIR *d;
	int fd, rc = 0;

	/* fdopendir() takes fd; ours stays open for openat(). */
	if ((fd = dup(dfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return problem(r, "%s: cannot list: %s", prefix[0] ? prefix :
		    ".", strerror(errno));
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (++r->members > BUNDLE_MAX_MEMBERS) {
			rc = problem(r, "more than %d members",
			    BUNDLE_MAX_MEMBERS);
			break;
		}
		snprintf(rel, sizeof(rel), "%s%s%s", prefix, prefix[0] ? "/" :
		    "", de->d_name);
		if ((rc = dir_member(r, dfd, de->d_name, rel, depth)) != 0)
			break;
	}
	if (de == NULL && errno != 0 && rc == 0)
		rc = problem(r, "%s: cannot list: %s", prefix[0] ? prefix :
		    ".", strerror(errno));
	closedir(d);
	return rc;
}

static int
dir_member(struct reader *r, int dfd, const char *name, const char *rel,
    int depth)
{
	enum bundle_kind kind;
	struct stat sb;
	const char *why;
	uint64_t index;
	int fd, rc;

	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == -1)
		return problem(r, "%s: %s", rel, strerror(errno));
	if (bundle_name_check(rel, &kind, &index, &why) != 0)
		return problem(r, "\"%s\": %s (refused)", rel, why);
	if (S_ISLNK(sb.st_mode))
		return problem(r, "%s: a symbolic link (refused)", rel);
	if (S_ISDIR(sb.st_mode)) {
		if (kind != BUNDLE_DIR || depth > 0)
			return problem(r, "%s: a directory where a file "
			    "belongs", rel);
		if ((fd = openat(dfd, name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) == -1)
			return problem(r, "%s: cannot open: %s", rel,
			    strerror(errno));
		rc = walk_dir(r, fd, rel, depth + 1);
		close(fd);
		return rc;
	}
	if (!S_ISREG(sb.st_mode))
		return problem(r, "%s: not a regular file (refused)", rel);
	if (kind == BUNDLE_DIR)
		return problem(r, "%s: a file where a directory belongs", rel);
	if (kind == BUNDLE_TRANSCRIPT)
		return add_name(&r->b->transcripts, &r->b->ntranscripts, rel);
	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return problem(r, "%s: cannot open: %s", rel, strerror(errno));
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return problem(r, "%s: changed while read (refused)", rel);
	}
	if (kind == BUNDLE_MEDIA)
		rc = dir_media(r, fd, rel);
	else if (kind == BUNDLE_CLIP)
		rc = dir_clip(r, fd, rel, index);
	else
		rc = dir_small(r, fd, &sb, rel, kind, index);
	close(fd);
	return rc;
}

/*
 * Duplicates: a tar may hold a name twice (a directory cannot).  Sorting
 * every name once finds them without a quadratic search.
 */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
find_duplicates(struct reader *r)
{
	struct bundle *b = r->b;
	size_t n = b->nfiles + b->nmedia + b->nclips + b->ntranscripts, i,
	    k = 0;
	const char **names;
	int rc = 0;

	if (n < 2)
		return 0;
	if ((names = calloc(n, sizeof(*names))) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (i = 0; i < b->nfiles; i++)
		names[k++] = b->files[i].name;
	for (i = 0; i < b->nmedia; i++)
		names[k++] = b->media[i].name;
	for (i = 0; i < b->nclips; i++)
		names[k++] = b->clips[i].name;
	for (i = 0; i < b->ntranscripts; i++)
		names[k++] = b->transcripts[i];
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 1; i < n && rc == 0; i++)
		if (strcmp(names[i - 1], names[i]) == 0 &&
		    (i < 2 || strcmp(names[i - 2], names[i]) != 0))
			rc = problem(r, "%s: in the bundle more than once "
			    "(refused)", names[i]);
	free(names);
	return rc;
}

int
bundle_read(const char *path, const struct bundle_opts *o,
    struct bundle **out)
{
	struct reader r;
	struct stat sb;
	int fd, fl, rc, e;

	*out = NULL;
	if (path == NULL || o == NULL || (o->self != NULL &&
	    (o->role == NULL || o->timeout_ms == 0)))
		return CUSTOS_ERR_INVALID;
	/*
	 * O_NONBLOCK: a FIFO would block the open until a writer came; the
	 * type is checked on what was opened, then reads block again.
	 */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) == -1)
		return CUSTOS_ERR_SYSTEM;
	if (fstat(fd, &sb) == -1 || (!S_ISDIR(sb.st_mode) &&
	    !S_ISREG(sb.st_mode)) || (fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
		e = S_ISDIR(sb.st_mode) || S_ISREG(sb.st_mode) ? errno :
		    EINVAL;
		close(fd);
		errno = e;
		return CUSTOS_ERR_SYSTEM;
	}
	memset(&r, 0, sizeof(r));
	r.o = o;
	r.child_fd = -1;
	if ((r.b = calloc(1, sizeof(*r.b))) == NULL ||
	    (r.buf = malloc(IOBUF)) == NULL) {
		rc = CUSTOS_ERR_NOMEM;
		goto out;
	}
	if ((rc = digest_new(o->alg, &r.d)) != 0)
		goto out;
	if (S_ISDIR(sb.st_mode))
		rc = walk_dir(&r, fd, "", 0);
	else
		rc = read_tar(&r, fd);
	if (rc == 0)
		rc = finish_child(&r);
	else
		(void)finish_child(&r);
	if (rc == 0)
		rc = find_duplicates(&r);
out:
	close(fd);
	if (r.tmpdir[0] != '\0')
		(void)rmdir(r.tmpdir);
	digest_free(r.d);
	free(r.buf);
	if (rc != 0) {
		bundle_free(r.b);
		return rc;
	}
	*out = r.b;
	return 0;
}

const struct bundle_file *
bundle_file(const struct bundle *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->nfiles; i++)
		if (strcmp(b->files[i].name, name) == 0)
			return &b->files[i];
	return NULL;
}

const struct bundle_media *
bundle_media_find(const struct bundle *b, const uint8_t hash[DIGEST_LEN])
{
	size_t i;

	for (i = 0; i < b->nmedia; i++)
		if (memcmp(b->media[i].name_hash, hash, DIGEST_LEN) == 0)
			return &b->media[i];
	return NULL;
}

const struct bundle_clip_file *
bundle_clip_find(const struct bundle *b, uint64_t index)
{
	size_t i;

	for (i = 0; i < b->nclips; i++)
		if (b->clips[i].index == index)
			return &b->clips[i];
	return NULL;
}

void
bundle_free(struct bundle *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->nfiles; i++) {
		free(b->files[i].name);
		free(b->files[i].data);
	}
	free(b->files);
	for (i = 0; i < b->nmedia; i++)
		free(b->media[i].name);
	free(b->media);
	for (i = 0; i < b->nclips; i++) {
		free(b->clips[i].name);
		clip_leaves_free(&b->clips[i].leaves);
	}
	free(b->clips);
	for (i = 0; i < b->ntranscripts; i++)
		free(b->transcripts[i]);
	free(b->transcripts);
	for (i = 0; i < b->nproblems; i++)
		free(b->problems[i]);
	free(b->problems);
	free(b);
}
