/*
 * walk: reading a docked camera's volume safely (see walk.h).  This runs
 * on the libuv thread pool: no logging, no dock state, only the
 * structures the caller hands in.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "custos/err.h"
#include "custos/utf8.h"
#include "walk.h"

#define WALK_MAX_DEPTH		16
#define LINK_MAX_SHOWN		256
#define BEIJING_OFFSET_S	(8 * 3600)

/* The walk in progress: the result and what only the walk needs. */
struct walker {
	struct walk	*w;
	size_t		 cap;
	size_t		 seen;
	int		 nomem;
};

char *
walk_utf8(const char *s, int *valid)
{
	char *out;

	/* When there is no copy there is nothing for *valid to qualify;
	 * it stays 1, as walk.h has always left it. */
	*valid = 1;
	if (utf8_lossy(s, strlen(s), &out, valid) != 0)
		return NULL;
	return out;
}

char *
walk_reason(const char *what, int err)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s: %s", what, strerror(err));
	return strdup(buf);
}

void
walk_items_free(struct item *it, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(it[i].path);
		free(it[i].jpath);
		free(it[i].reason);
		free(it[i].target);
		free(it[i].delete_error);
	}
	free(it);
}

/*
 * The walk proper: every entry below the volume root, sorted by name per
 * directory, never following a symlink and never leaving the volume's
 * file system.  walk_add() appends an item for prefix/name.
 */
static struct item *
walk_add(struct walker *k, const char *prefix, const char *name)
{
	struct walk *w = k->w;
	struct item *it, *n;
	size_t plen = prefix == NULL ? 0 : strlen(prefix) + 1;

	if (w->nitems == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 64;

		if ((n = realloc(w->items, cap * sizeof(*n))) == NULL) {
			k->nomem = 1;
			return NULL;
		}
		w->items = n;
		k->cap = cap;
	}
	it = &w->items[w->nitems];
	memset(it, 0, sizeof(*it));
	if ((it->path = malloc(plen + strlen(name) + 1)) == NULL) {
		k->nomem = 1;
		return NULL;
	}
	if (prefix != NULL)
		sprintf(it->path, "%s/%s", prefix, name);
	else
		strcpy(it->path, name);
	w->nitems++;
	return it;
}

static void
refuse(struct item *it, const char *reason)
{
	it->status = IT_REFUSED;
	it->reason = strdup(reason);
}

static int
cmpname(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads the names of dir (not "." or ".."), sorted. */
static char **
read_names(struct walker *k, DIR *dir, size_t *n)
{
	struct dirent *de;
	char **v = NULL, **nv;
	size_t cap = 0;

	*n = 0;
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (k->seen + *n >= WALK_MAX_ENTRIES) {
			k->w->truncated = 1;
			break;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				break;
			v = nv;
		}
		if ((v[*n] = strdup(de->d_name)) == NULL)
			break;
		(*n)++;
	}
	if (v != NULL)
		qsort(v, *n, sizeof(*v), cmpname);
	return v;
}

static void	walk_dir(struct walker *, int, const char *, int);

static void
walk_entry(struct walker *k, int dfd, const char *prefix, const char *name,
    int depth)
{
	struct item *it;
	struct stat sb;
	char target[LINK_MAX_SHOWN + 1];
	ssize_t tl;
	int sub;

	if ((it = walk_add(k, prefix, name)) == NULL)
		return;
	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == -1) {
		it->status = IT_FAILED;
		it->reason = walk_reason("cannot stat", errno);
		return;
	}
	it->size = S_ISREG(sb.st_mode) || S_ISLNK(sb.st_mode) ?
	    (uint64_t)sb.st_size : 0;
	it->mtime = sb.st_mtim;
	if (S_ISREG(sb.st_mode)) {
		it->regular = 1;
		it->status = IT_PENDING;
	} else if (S_ISLNK(sb.st_mode)) {
		refuse(it, "symlink");
		if ((tl = readlinkat(dfd, name, target, LINK_MAX_SHOWN)) >= 0) {
			target[tl] = '\0';
			it->target = strdup(target);
		}
	} else if (S_ISFIFO(sb.st_mode))
		refuse(it, "fifo");
	else if (S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode))
		refuse(it, "device");
	else if (S_ISSOCK(sb.st_mode))
		refuse(it, "socket");
	else if (!S_ISDIR(sb.st_mode))
		refuse(it, "unknown file type");
	else if (sb.st_dev != k->w->dev)
		refuse(it, "another file system mounted inside the volume");
	else if (depth + 1 > WALK_MAX_DEPTH)
		refuse(it, "directory too deep");
	else if ((sub = openat(dfd, name, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC)) == -1) {
		it->status = IT_FAILED;
		it->reason = walk_reason("cannot open directory", errno);
	} else {
		/* Directories are containers, not inventory items. */
		char *p = it->path;

		it->path = NULL;
		k->w->nitems--;
		walk_dir(k, sub, p, depth + 1);
		free(p);
	}
}

/* Walks the directory fd (consumed) whose path is prefix. */
static void
walk_dir(struct walker *k, int fd, const char *prefix, int depth)
{
	DIR *dir;
	char **names;
	size_t n, i;

	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	names = read_names(k, dir, &n);
	k->seen += n;
	for (i = 0; i < n; i++) {
		if (!k->nomem)
			walk_entry(k, dirfd(dir), prefix, names[i], depth);
		free(names[i]);
	}
	free(names);
	closedir(dir);
}

/* Reads the camera's clock file (see struct walk_clock) into *k. */
static void
read_clock(int volfd, struct walk_clock *k)
{
	static const char *const names[] = { "TIME.TXT", "DEVICE_TIME.TXT" };
	char buf[64];
	struct stat sb;
	struct tm tm;
	ssize_t n;
	size_t i;
	int fd, Y, M, D, h, m, s, used = 0;
	time_t t;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		fd = openat(volfd, names[i], O_RDONLY | O_NOFOLLOW |
		    O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd != -1)
			break;
	}
	if (fd == -1)
		return;
	snprintf(k->file, sizeof(k->file), "%s", names[i]);
	k->state = 2;
	n = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ?
	    read(fd, buf, sizeof(buf) - 1) : -1;
	clock_gettime(CLOCK_REALTIME, &k->station);
	close(fd);
	if (n < 19)
		return;
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	/* Kept for the entry; a longer line is malformed anyway. */
	buf[sizeof(k->line) - 1] = '\0';
	memcpy(k->line, buf, strlen(buf) + 1);
	if (strlen(buf) != 19 || sscanf(buf, "%4d-%2d-%2d %2d:%2d:%2d%n",
	    &Y, &M, &D, &h, &m, &s, &used) != 6 || used != 19 ||
	    buf[4] != '-' || buf[7] != '-' || buf[10] != ' ' ||
	    M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 ||
	    s > 60 || Y < 1970 || h < 0 || m < 0 || s < 0)
		return;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = Y - 1900;
	tm.tm_mon = M - 1;
	tm.tm_mday = D;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = s;
	t = timegm(&tm) - BEIJING_OFFSET_S;
	k->drift_ms = (int64_t)t * 1000 -
	    ((int64_t)k->station.tv_sec * 1000 +
	    k->station.tv_nsec / 1000000);
	k->state = 1;
}


/* Undoes a walk that failed, keeping errno for the caller. */
static int
walk_fail(struct walk *w, int rc)
{
	int saved = errno;

	if (w->volfd != -1)
		close(w->volfd);
	w->volfd = -1;
	walk_items_free(w->items, w->nitems);
	w->items = NULL;
	w->nitems = 0;
	errno = saved;
	return rc;
}

int
walk_volume(const char *root, const char *name, struct walk *w)
{
	struct walker k;
	struct stat sb;
	int fd, rootfd;

	memset(w, 0, sizeof(*w));
	w->volfd = -1;
	memset(&k, 0, sizeof(k));
	k.w = w;
	if ((rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return CUSTOS_ERR_SYSTEM;
	w->volfd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	close(rootfd);
	if (w->volfd == -1 || fstat(w->volfd, &sb) == -1)
		return walk_fail(w, CUSTOS_ERR_SYSTEM);
	w->dev = sb.st_dev;
	w->ino = sb.st_ino;
	read_clock(w->volfd, &w->clock);
	if ((fd = openat(w->volfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return walk_fail(w, CUSTOS_ERR_SYSTEM);
	walk_dir(&k, fd, NULL, 0);
	if (k.nomem)
		return walk_fail(w, CUSTOS_ERR_NOMEM);
	return 0;
}

/*
 * Opens the directory holding path, one component at a time with
 * O_NOFOLLOW from volfd, and points *base at path's last component.
 * Returns the directory's descriptor, or -1 with errno set.
 */
static int
open_parent(int volfd, const char *path, const char **base)
{
	char comp[NAME_MAX + 1];
	const char *p = path, *slash;
	int fd, nfd;

	if ((fd = openat(volfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return -1;
	while ((slash = strchr(p, '/')) != NULL) {
		size_t n = (size_t)(slash - p);

		if (n == 0 || n > NAME_MAX) {
			close(fd);
			errno = EINVAL;
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		close(fd);
		if (nfd == -1)
			return -1;
		fd = nfd;
		p = slash + 1;
	}
	*base = p;
	return fd;
}

/* The code for a walk_file failure: a refusal is no system error. */
static int
file_err(const struct walk_file *f)
{
	return f->refused || f->err == 0 ? CUSTOS_ERR_INVALID :
	    CUSTOS_ERR_SYSTEM;
}

int
walk_open(int volfd, const char *path, struct walk_file *f)
{
	const char *base;
	struct stat sb;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	if ((f->parentfd = open_parent(volfd, path, &base)) == -1) {
		f->err = errno;
		f->why = "cannot open its directory";
		return file_err(f);
	}
	/* Look before opening: opening a device may have side effects. */
	if (fstatat(f->parentfd, base, &sb, AT_SYMLINK_NOFOLLOW) == -1) {
		f->err = errno;
		f->why = errno == ENOENT ? "vanished before it was read" :
		    "cannot stat";
		return file_err(f);
	}
	if (!S_ISREG(sb.st_mode)) {
		f->refused = 1;
		f->why = S_ISLNK(sb.st_mode) ? "symlink" :
		    S_ISFIFO(sb.st_mode) ? "fifo" : S_ISDIR(sb.st_mode) ?
		    "became a directory" : "not a regular file";
		return file_err(f);
	}
	if ((f->fd = openat(f->parentfd, base, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) == -1) {
		f->err = errno;
		if (errno == ELOOP) {
			f->refused = 1;
			f->why = "symlink";
		} else
			f->why = errno == ENOENT ?
			    "vanished before it was read" : "cannot open";
		return file_err(f);
	}
	if (fstat(f->fd, &f->sb) == -1) {
		f->err = errno;
		f->why = "cannot stat";
		return file_err(f);
	}
	if (!S_ISREG(f->sb.st_mode)) {
		f->refused = 1;
		f->why = "not a regular file";
		return file_err(f);
	}
	return 0;
}

int
walk_unlink(struct walk_file *f, const char *path, const struct stat *want)
{
	const char *base = strrchr(path, '/');
	struct stat sb;

	base = base == NULL ? path : base + 1;
	/* Delete only the very file that was sealed, unchanged. */
	if (fstatat(f->parentfd, base, &sb, AT_SYMLINK_NOFOLLOW) == -1) {
		f->err = errno;
		f->why = "cannot stat";
		return file_err(f);
	}
	if (sb.st_dev != want->st_dev || sb.st_ino != want->st_ino ||
	    sb.st_size != want->st_size ||
	    sb.st_mtim.tv_sec != want->st_mtim.tv_sec ||
	    sb.st_mtim.tv_nsec != want->st_mtim.tv_nsec) {
		f->why = "changed since it was sealed; kept";
		return file_err(f);
	}
	if (unlinkat(f->parentfd, base, 0) == -1) {
		f->err = errno;
		f->why = "cannot delete";
		return file_err(f);
	}
	return 0;
}
