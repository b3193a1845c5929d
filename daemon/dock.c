/*
 * dock: cameras docked at the station (see dock.h for the contract).
 *
 * Everything that touches a camera volume runs on the libuv thread pool:
 * the scan of dock.root, the walk of a volume, opening a file, unlinking
 * it.  A dead USB device may block any of these for a long time; on the
 * pool it blocks one worker and one camera, never the loop.  The loop
 * owns every struct here; a work item only fills in its own fields and
 * the after-work callback applies them.
 *
 * Per camera there is at most one operation in flight (c->busy), so files
 * of one camera are sealed one after the other while cameras proceed side
 * by side.  Paths are kept as raw bytes (any byte but NUL and '/' in a
 * name) and turned into UTF-8 only when written to JSON or a log line.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <systemd/sd-daemon.h>
#include <uv.h>

#include "custos/catalog.h"
#include "custos/config.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/util.h"
#include "dock.h"
#include "entry.h"
#include "log.h"
#include "seal.h"
#include "station.h"

#define RESCAN_MS		2000	/* periodic rescan of dock.root */
#define RETRY_MS		2000	/* store-full backoff */
#define SERIAL_MAX		64
#define WALK_MAX_DEPTH		16
#define WALK_MAX_ENTRIES	100000
#define SCAN_MAX		4096	/* entries of dock.root looked at */
#define IGNORED_MAX		256	/* names remembered as logged */
#define LINK_MAX_SHOWN		256
/* The dock.session entry stays well below LOG_MAX_ENTRY (1 MiB). */
#define INVENTORY_BUDGET	(800 * 1024)
#define MISSING_BUDGET		(100 * 1024)
#define BEIJING_OFFSET_S	(8 * 3600)

enum item_status {
	IT_PENDING = 0,		/* a regular file not sealed (yet) */
	IT_SEALED,		/* SEAL_NEW */
	IT_EXISTS,		/* SEAL_EXISTS */
	IT_REFUSED,		/* not a regular file: never opened */
	IT_FAILED,		/* could not be read or sealed */
};

struct item {
	char		*path;		/* raw bytes, relative to the volume */
	char		*jpath;		/* path as valid UTF-8 (lossy) */
	int		 valid_utf8;
	enum item_status status;
	int		 regular;	/* a regular file at walk time */
	char		*reason;	/* refused / failed: why */
	char		*target;	/* symlink target (never followed) */
	uint64_t	 size;
	struct timespec	 mtime;
	uint64_t	 index;
	uint8_t		 object[DIGEST_LEN];
	int		 deleted;
	char		*delete_error;
	int		 shown;		/* fits the entry budget */
};

enum cam_state {
	CAM_SCANNING = 0,	/* walking the volume */
	CAM_SEALING,
	CAM_DONE,		/* session entry appended, still docked */
	CAM_UNREADABLE,		/* the directory cannot be opened */
};

struct dock;

struct camera {
	struct dock	*d;
	struct camera	*next;
	char		 name[SERIAL_MAX + 1];
	dev_t		 dev;
	ino_t		 ino;
	enum cam_state	 state;
	int		 busy;		/* one operation in flight */
	int		 gone;		/* undocked: end the session */
	int		 waiting;	/* held back by a full store */
	int		 volfd;		/* the volume root, -1 if closed */
	struct item	*items;
	size_t		 nitems;
	size_t		 cur;		/* next item to look at */
	int		 truncated;	/* the walk hit a limit */
	struct timespec	 start_rt, start_mono, end_mono;
	uint64_t	 files_total, files_done, bytes_total, bytes_done;
	uint64_t	 errors, refused;
	/* Clock file found by the walk. */
	int		 clock_state;	/* 0 none, 1 measured, 2 malformed */
	char		 clock_file[32];
	char		 clock_line[32];
	int64_t		 clock_drift_ms;
	struct timespec	 clock_station;
	/* The file being sealed. */
	int		 fd, parentfd;
	struct stat	 sb;
};

struct dock {
	uv_loop_t	*loop;
	struct station	*st;
	struct sealer	*sealer;
	char		*root;
	uv_fs_event_t	 watch;
	uv_timer_t	 rescan;
	uv_timer_t	 retry;
	int		 watching;
	int		 handles;	/* open handles to close at stop */
	int		 scan_busy, scan_again;
	struct camera	*cams;
	int		 store_full;
	struct camera	*prober;	/* the camera that may try while full */
	char		*ignored[IGNORED_MAX];
	size_t		 nignored;
	int		 stopping;
	void		(*stopped)(void *);
	void		*stopped_arg;
	char		 notified[256];
};

static void	cam_next(struct camera *);
static void	maybe_stopped(struct dock *);
static void	request_scan(struct dock *);
static void	notify_status(struct dock *);
static void	on_retry(uv_timer_t *);

/*
 * Text helpers.  utf8_len() returns the length of the valid UTF-8
 * sequence at s (1 to 4), or 0 if the bytes there are not one: overlong
 * forms, surrogates and code points above U+10FFFF are invalid.
 */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * The path as JSON may carry it: valid UTF-8 is kept, every byte that is
 * not part of a valid sequence becomes U+FFFD.  *valid tells whether the
 * result is the exact bytes (otherwise "path_hex" carries them).
 */
static char *
utf8_lossy(const char *s, int *valid)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, o = 0, n;
	char *out;

	*valid = 1;
	if ((out = malloc(3 * len + 1)) == NULL)
		return NULL;
	while (i < len) {
		if ((n = utf8_len(p + i)) == 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			*valid = 0;
			continue;
		}
		memcpy(out + o, p + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return out;
}

/*
 * A path quoted for a key=value log line: printable ASCII and valid
 * multi-byte UTF-8 as they are, '"' and '\\' escaped, anything else as
 * \xNN, so a hostile name can neither break the line nor forge a field.
 */
static const char *
esc(const char *s, char *buf, size_t bufsz)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, n;

	buf[o++] = '"';
	while (*p != '\0' && o + 8 < bufsz) {
		if (*p == '"' || *p == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)*p++;
		} else if (*p >= 0x20 && *p < 0x7f)
			buf[o++] = (char)*p++;
		else if (*p >= 0x80 && (n = utf8_len(p)) > 0 &&
		    o + n + 2 < bufsz) {
			memcpy(buf + o, p, n);
			o += n;
			p += n;
		} else
			o += (size_t)snprintf(buf + o, bufsz - o, "\\x%02x",
			    *p++);
	}
	if (*p != '\0')
		o += (size_t)snprintf(buf + o, bufsz - o, "...");
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

#define ESCBUF	768

/* Camera serials: 1 to 64 of [A-Za-z0-9._-], starting alphanumeric. */
static int
serial_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > SERIAL_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') ||
		    (i > 0 && (c == '.' || c == '_' || c == '-'))))
			return 0;
	}
	return 1;
}

static int64_t
ms_between(const struct timespec *a, const struct timespec *b)
{
	return (int64_t)(b->tv_sec - a->tv_sec) * 1000 +
	    (b->tv_nsec - a->tv_nsec) / 1000000;
}

static char *
xstrdup_err(const char *what, int err)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s: %s", what, strerror(err));
	return strdup(buf);
}

/*
 * The scan of dock.root, on the thread pool.
 */
struct scan_ent {
	char	 name[NAME_MAX + 1];
	int	 isdir;
	dev_t	 dev;
	ino_t	 ino;
};

struct scan {
	uv_work_t	 req;
	struct dock	*d;
	struct scan_ent	*ents;
	size_t		 n;
	int		 err;
};

static void
scan_work(uv_work_t *req)
{
	struct scan *s = req->data;
	struct dirent *de;
	struct stat sb;
	DIR *dir;
	int fd;

	if ((fd = open(s->d->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (dir = fdopendir(fd)) == NULL) {
		s->err = errno;
		if (fd != -1)
			close(fd);
		return;
	}
	if ((s->ents = calloc(SCAN_MAX, sizeof(*s->ents))) == NULL) {
		s->err = ENOMEM;
		closedir(dir);
		return;
	}
	while ((de = readdir(dir)) != NULL && s->n < SCAN_MAX) {
		struct scan_ent *e = &s->ents[s->n];

		if (de->d_name[0] == '.')
			continue;	/* hidden: staging mounts, "." and ".." */
		snprintf(e->name, sizeof(e->name), "%s", de->d_name);
		if (fstatat(dirfd(dir), de->d_name, &sb,
		    AT_SYMLINK_NOFOLLOW) == -1)
			continue;	/* gone already */
		e->isdir = S_ISDIR(sb.st_mode);
		e->dev = sb.st_dev;
		e->ino = sb.st_ino;
		s->n++;
	}
	closedir(dir);
}

static int
ignored_before(struct dock *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nignored; i++)
		if (strcmp(d->ignored[i], name) == 0)
			return 1;
	if (d->nignored < IGNORED_MAX &&
	    (d->ignored[d->nignored] = strdup(name)) != NULL)
		d->nignored++;
	return 0;
}

static struct camera *
cam_find(struct dock *d, const char *name)
{
	struct camera *c;

	for (c = d->cams; c != NULL; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void
items_free(struct item *it, size_t n)
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

static void
cam_free(struct camera *c)
{
	if (c->volfd != -1)
		close(c->volfd);
	items_free(c->items, c->nitems);
	free(c);
}

static void
cam_unlink(struct camera *c)
{
	struct camera **pp;

	for (pp = &c->d->cams; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	if (c->d->prober == c)
		c->d->prober = NULL;
	cam_free(c);
}

static void	start_walk(struct camera *);

static void
cam_new(struct dock *d, const struct scan_ent *e)
{
	struct camera *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warnx("dock: camera=%s: out of memory; retrying at the "
		    "next scan", e->name);
		return;
	}
	c->d = d;
	snprintf(c->name, sizeof(c->name), "%s", e->name);
	c->dev = e->dev;
	c->ino = e->ino;
	c->volfd = c->fd = c->parentfd = -1;
	clock_gettime(CLOCK_REALTIME, &c->start_rt);
	clock_gettime(CLOCK_MONOTONIC, &c->start_mono);
	c->next = d->cams;
	d->cams = c;
	log_info("dock: camera=%s event=docked", c->name);
	start_walk(c);
}

/* A camera no longer in dock.root (or another directory in its place). */
static void
cam_gone(struct camera *c)
{
	if (c->gone)
		return;
	c->gone = 1;
	if (c->state == CAM_DONE || c->state == CAM_UNREADABLE) {
		log_info("dock: camera=%s event=undocked", c->name);
		cam_unlink(c);
		return;
	}
	log_warnx("dock: camera=%s event=undocked_during_session "
	    "files_done=%" PRIu64 " files_total=%" PRIu64, c->name,
	    c->files_done, c->files_total);
	if (!c->busy)
		cam_next(c);
}

static void
scan_done(uv_work_t *req, int status)
{
	struct scan *s = req->data;
	struct dock *d = s->d;
	struct camera *c, *nextc;
	size_t i;

	d->scan_busy = 0;
	if (status != 0 || d->stopping)
		goto out;
	if (s->err != 0) {
		errno = s->err;
		if (!ignored_before(d, "/"))
			log_warn("dock: cannot read dock root %s", d->root);
		goto out;
	}
	/* Cameras that left (or were replaced by another directory). */
	for (c = d->cams; c != NULL; c = nextc) {
		nextc = c->next;
		for (i = 0; i < s->n; i++)
			if (strcmp(s->ents[i].name, c->name) == 0)
				break;
		if (i == s->n || !s->ents[i].isdir ||
		    s->ents[i].dev != c->dev || s->ents[i].ino != c->ino)
			cam_gone(c);
	}
	/* Cameras that arrived. */
	for (i = 0; i < s->n; i++) {
		const struct scan_ent *e = &s->ents[i];
		char buf[ESCBUF];

		if (!serial_valid(e->name)) {
			if (!ignored_before(d, e->name))
				log_warnx("dock: ignoring name=%s in the dock "
				    "root: not a camera serial ([A-Za-z0-9._-], "
				    "at most %d)", esc(e->name, buf,
				    sizeof(buf)), SERIAL_MAX);
			continue;
		}
		if (!e->isdir) {
			if (!ignored_before(d, e->name))
				log_warnx("dock: ignoring name=%s in the dock "
				    "root: not a directory", e->name);
			continue;
		}
		if (cam_find(d, e->name) == NULL)
			cam_new(d, e);
	}
	notify_status(d);
out:
	free(s->ents);
	free(s);
	if (d->scan_again && !d->stopping) {
		d->scan_again = 0;
		request_scan(d);
	}
	maybe_stopped(d);
}

static void
request_scan(struct dock *d)
{
	struct scan *s;

	if (d->stopping)
		return;
	if (d->scan_busy) {
		d->scan_again = 1;
		return;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return;		/* the timer tries again */
	s->d = d;
	s->req.data = s;
	if (uv_queue_work(d->loop, &s->req, scan_work, scan_done) != 0) {
		free(s);
		return;
	}
	d->scan_busy = 1;
}

static void
on_fs_event(uv_fs_event_t *h, const char *name, int events, int status)
{
	(void)name;
	(void)events;
	(void)status;
	request_scan(h->data);
}

static void
on_rescan(uv_timer_t *t)
{
	request_scan(t->data);
}

/*
 * The walk of one volume, on the thread pool: every entry below the root,
 * sorted by name per directory, never following a symlink and never
 * leaving the volume's file system.
 */
struct walk {
	uv_work_t	 req;
	struct camera	*c;
	int		 rootfd;	/* dock.root, opened in the work */
	int		 volfd;
	dev_t		 dev;
	ino_t		 ino;
	int		 open_err;
	struct item	*items;
	size_t		 n, cap;
	size_t		 seen;
	int		 truncated;
	int		 nomem;
	/* clock file */
	int		 clock_state;
	char		 clock_file[32];
	char		 clock_line[32];
	int64_t		 clock_drift_ms;
	struct timespec	 clock_station;
};

static struct item *
walk_add(struct walk *w, const char *prefix, const char *name)
{
	struct item *it, *n;
	size_t plen = prefix == NULL ? 0 : strlen(prefix) + 1;

	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;

		if ((n = realloc(w->items, cap * sizeof(*n))) == NULL) {
			w->nomem = 1;
			return NULL;
		}
		w->items = n;
		w->cap = cap;
	}
	it = &w->items[w->n];
	memset(it, 0, sizeof(*it));
	if ((it->path = malloc(plen + strlen(name) + 1)) == NULL) {
		w->nomem = 1;
		return NULL;
	}
	if (prefix != NULL)
		sprintf(it->path, "%s/%s", prefix, name);
	else
		strcpy(it->path, name);
	w->n++;
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
read_names(struct walk *w, DIR *dir, size_t *n)
{
	struct dirent *de;
	char **v = NULL, **nv;
	size_t cap = 0;

	*n = 0;
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (w->seen + *n >= WALK_MAX_ENTRIES) {
			w->truncated = 1;
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

static void	walk_dir(struct walk *, int, const char *, int);

static void
walk_entry(struct walk *w, int dfd, const char *prefix, const char *name,
    int depth)
{
	struct item *it;
	struct stat sb;
	char target[LINK_MAX_SHOWN + 1];
	ssize_t tl;
	int sub;

	if ((it = walk_add(w, prefix, name)) == NULL)
		return;
	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == -1) {
		it->status = IT_FAILED;
		it->reason = xstrdup_err("cannot stat", errno);
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
	else if (sb.st_dev != w->dev)
		refuse(it, "another file system mounted inside the volume");
	else if (depth + 1 > WALK_MAX_DEPTH)
		refuse(it, "directory too deep");
	else if ((sub = openat(dfd, name, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC)) == -1) {
		it->status = IT_FAILED;
		it->reason = xstrdup_err("cannot open directory", errno);
	} else {
		/* Directories are containers, not inventory items. */
		char *p = it->path;

		it->path = NULL;
		w->n--;
		walk_dir(w, sub, p, depth + 1);
		free(p);
	}
}

/* Walks the directory fd (consumed) whose path is prefix. */
static void
walk_dir(struct walk *w, int fd, const char *prefix, int depth)
{
	DIR *dir;
	char **names;
	size_t n, i;

	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	names = read_names(w, dir, &n);
	w->seen += n;
	for (i = 0; i < n; i++) {
		if (!w->nomem)
			walk_entry(w, dirfd(dir), prefix, names[i], depth);
		free(names[i]);
	}
	free(names);
	closedir(dir);
}

/*
 * The camera's clock: a file TIME.TXT or DEVICE_TIME.TXT at the volume
 * root whose first line is "YYYY-MM-DD HH:MM:SS", the camera's local time
 * (Beijing, UTC+8) written when it was docked.
 */
static void
read_clock(struct walk *w)
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
		fd = openat(w->volfd, names[i], O_RDONLY | O_NOFOLLOW |
		    O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd != -1)
			break;
	}
	if (fd == -1)
		return;
	snprintf(w->clock_file, sizeof(w->clock_file), "%s", names[i]);
	w->clock_state = 2;
	n = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ?
	    read(fd, buf, sizeof(buf) - 1) : -1;
	clock_gettime(CLOCK_REALTIME, &w->clock_station);
	close(fd);
	if (n < 19)
		return;
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	/* Kept for the entry; a longer line is malformed anyway. */
	buf[sizeof(w->clock_line) - 1] = '\0';
	memcpy(w->clock_line, buf, strlen(buf) + 1);
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
	w->clock_drift_ms = (int64_t)t * 1000 -
	    ((int64_t)w->clock_station.tv_sec * 1000 +
	    w->clock_station.tv_nsec / 1000000);
	w->clock_state = 1;
}

static void
walk_work(uv_work_t *req)
{
	struct walk *w = req->data;
	struct stat sb;
	int fd;

	if ((w->rootfd = open(w->c->d->root, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		w->open_err = errno;
		return;
	}
	w->volfd = openat(w->rootfd, w->c->name, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC);
	close(w->rootfd);
	if (w->volfd == -1 || fstat(w->volfd, &sb) == -1) {
		w->open_err = errno;
		return;
	}
	w->dev = sb.st_dev;
	w->ino = sb.st_ino;
	read_clock(w);
	if ((fd = openat(w->volfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		w->open_err = errno;
		return;
	}
	walk_dir(w, fd, NULL, 0);
}

static void
walk_done(uv_work_t *req, int status)
{
	struct walk *w = req->data;
	struct camera *c = w->c;
	char buf[ESCBUF];
	size_t i;

	c->busy = 0;
	if (status != 0 || w->open_err != 0 || w->nomem) {
		if (w->volfd != -1)
			close(w->volfd);
		items_free(w->items, w->n);
		errno = w->open_err;
		if (w->nomem)
			log_warnx("dock: camera=%s: out of memory walking the "
			    "volume", c->name);
		else if (!c->gone)
			log_warn("dock: camera=%s: cannot open the volume",
			    c->name);
		free(w);
		/* No session without a walk: nothing was seen. */
		c->state = CAM_UNREADABLE;
		if (c->gone || c->d->stopping) {
			struct dock *d = c->d;

			cam_unlink(c);
			maybe_stopped(d);
		}
		return;
	}
	c->volfd = w->volfd;
	c->dev = w->dev;
	c->ino = w->ino;
	c->items = w->items;
	c->nitems = w->n;
	c->truncated = w->truncated;
	c->clock_state = w->clock_state;
	memcpy(c->clock_file, w->clock_file, sizeof(c->clock_file));
	memcpy(c->clock_line, w->clock_line, sizeof(c->clock_line));
	c->clock_drift_ms = w->clock_drift_ms;
	c->clock_station = w->clock_station;
	free(w);
	for (i = 0; i < c->nitems; i++) {
		struct item *it = &c->items[i];

		it->jpath = utf8_lossy(it->path, &it->valid_utf8);
		if (it->regular) {
			c->files_total++;
			c->bytes_total += it->size;
		} else if (it->status == IT_REFUSED) {
			c->refused++;
			log_warnx("dock: camera=%s path=%s refused reason=%s%s%s",
			    c->name, esc(it->path, buf, sizeof(buf)),
			    it->reason ? it->reason : "?",
			    it->target ? " target=" : "",
			    it->target ? it->target : "");
		} else if (it->status == IT_FAILED) {
			c->errors++;
			log_warnx("dock: camera=%s path=%s failed reason=\"%s\"",
			    c->name, esc(it->path, buf, sizeof(buf)),
			    it->reason ? it->reason : "?");
		}
	}
	if (c->truncated)
		log_warnx("dock: camera=%s walk stopped at %d entries; the "
		    "rest of the volume is not inventoried", c->name,
		    WALK_MAX_ENTRIES);
	log_info("dock: camera=%s event=walked files=%" PRIu64 " bytes=%"
	    PRIu64 " refused=%" PRIu64, c->name, c->files_total,
	    c->bytes_total, c->refused);
	c->state = CAM_SEALING;
	notify_status(c->d);
	cam_next(c);
}

static void
start_walk(struct camera *c)
{
	struct walk *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		goto fail;
	w->c = c;
	w->volfd = -1;
	w->req.data = w;
	c->state = CAM_SCANNING;
	if (uv_queue_work(c->d->loop, &w->req, walk_work, walk_done) != 0) {
		free(w);
		goto fail;
	}
	c->busy = 1;
	return;
fail:
	log_warnx("dock: camera=%s: cannot start the walk", c->name);
	c->state = CAM_UNREADABLE;
}

/*
 * One file: open it on the thread pool (each directory component with
 * O_NOFOLLOW from the volume root, so nothing outside the volume can be
 * reached even if the volume changed since the walk), seal it, unlink it
 * when configured, close.
 */
struct fileop {
	uv_work_t	 req;
	struct camera	*c;
	char		*path;		/* borrowed from the item */
	int		 fd, parentfd;
	struct stat	 sb;
	int		 err;		/* errno */
	const char	*why;		/* refusal, or what failed */
	int		 refused;
	struct stat	 want;		/* for the unlink: what was sealed */
};

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

static void
open_work(uv_work_t *req)
{
	struct fileop *op = req->data;
	const char *base;
	struct stat sb;

	if ((op->parentfd = open_parent(op->c->volfd, op->path,
	    &base)) == -1) {
		op->err = errno;
		op->why = "cannot open its directory";
		return;
	}
	/* Look before opening: opening a device may have side effects. */
	if (fstatat(op->parentfd, base, &sb, AT_SYMLINK_NOFOLLOW) == -1) {
		op->err = errno;
		op->why = errno == ENOENT ? "vanished before it was read" :
		    "cannot stat";
		return;
	}
	if (!S_ISREG(sb.st_mode)) {
		op->refused = 1;
		op->why = S_ISLNK(sb.st_mode) ? "symlink" :
		    S_ISFIFO(sb.st_mode) ? "fifo" : S_ISDIR(sb.st_mode) ?
		    "became a directory" : "not a regular file";
		return;
	}
	if ((op->fd = openat(op->parentfd, base, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) == -1) {
		op->err = errno;
		if (errno == ELOOP) {
			op->refused = 1;
			op->why = "symlink";
		} else
			op->why = errno == ENOENT ?
			    "vanished before it was read" : "cannot open";
		return;
	}
	if (fstat(op->fd, &op->sb) == -1) {
		op->err = errno;
		op->why = "cannot stat";
	} else if (!S_ISREG(op->sb.st_mode)) {
		op->refused = 1;
		op->why = "not a regular file";
	}
}

static void
fileop_close(struct fileop *op)
{
	if (op->fd != -1)
		close(op->fd);
	if (op->parentfd != -1)
		close(op->parentfd);
	free(op);
}

static void	seal_done(void *, const struct seal_result *);

/* An item ends here: counted, logged, and the camera moves on. */
static void
item_finish(struct camera *c, struct item *it)
{
	char buf[ESCBUF];

	c->files_done++;
	if (it->status == IT_SEALED || it->status == IT_EXISTS)
		c->bytes_done += it->size;
	else if (it->status == IT_FAILED) {
		c->errors++;
		log_warnx("dock: camera=%s path=%s failed reason=\"%s\"",
		    c->name, esc(it->path, buf, sizeof(buf)),
		    it->reason ? it->reason : "?");
	} else if (it->status == IT_REFUSED) {
		c->refused++;
		log_warnx("dock: camera=%s path=%s refused reason=\"%s\"",
		    c->name, esc(it->path, buf, sizeof(buf)),
		    it->reason ? it->reason : "?");
	}
	c->cur++;
	notify_status(c->d);
}

static void
open_done(uv_work_t *req, int status)
{
	struct fileop *op = req->data;
	struct camera *c = op->c;
	struct item *it = &c->items[c->cur];
	struct seal_req sr;
	int rc;

	if (status != 0 || op->why != NULL) {
		c->busy = 0;
		free(it->reason);
		it->status = op->refused ? IT_REFUSED : IT_FAILED;
		it->reason = op->err != 0 && !op->refused ?
		    xstrdup_err(op->why, op->err) : strdup(op->why ?
		    op->why : "cancelled");
		if (op->err == EIO)
			log_warnx("dock: camera=%s I/O error on the volume "
			    "(EIO); the device may be failing", c->name);
		fileop_close(op);
		item_finish(c, it);
		cam_next(c);
		return;
	}
	memset(&sr, 0, sizeof(sr));
	sr.fd = op->fd;
	sr.camera = c->name;
	sr.source = "usb";
	sr.path = it->path;
	sr.officer = NULL;
	sr.extra = NULL;
	op->want = op->sb;
	if ((rc = seal_start(c->d->sealer, &sr, seal_done, op)) != 0) {
		c->busy = 0;
		it->status = IT_FAILED;
		free(it->reason);
		it->reason = strdup(custos_strerror(rc));
		fileop_close(op);
		item_finish(c, it);
		cam_next(c);
	}
}

static void
unlink_work(uv_work_t *req)
{
	struct fileop *op = req->data;
	const char *base = strrchr(op->path, '/');
	struct stat sb;

	base = base == NULL ? op->path : base + 1;
	/* Delete only the very file that was sealed, unchanged. */
	if (fstatat(op->parentfd, base, &sb, AT_SYMLINK_NOFOLLOW) == -1) {
		op->err = errno;
		op->why = "cannot stat";
		return;
	}
	if (sb.st_dev != op->want.st_dev || sb.st_ino != op->want.st_ino ||
	    sb.st_size != op->want.st_size ||
	    sb.st_mtim.tv_sec != op->want.st_mtim.tv_sec ||
	    sb.st_mtim.tv_nsec != op->want.st_mtim.tv_nsec) {
		op->why = "changed since it was sealed; kept";
		return;
	}
	if (unlinkat(op->parentfd, base, 0) == -1) {
		op->err = errno;
		op->why = "cannot delete";
	}
}

static void
unlink_done(uv_work_t *req, int status)
{
	struct fileop *op = req->data;
	struct camera *c = op->c;
	struct item *it = &c->items[c->cur];
	char buf[ESCBUF];

	c->busy = 0;
	if (status == 0 && op->why == NULL) {
		it->deleted = 1;
		log_info("dock: camera=%s path=%s deleted from the camera",
		    c->name, esc(it->path, buf, sizeof(buf)));
	} else {
		it->delete_error = op->err != 0 ?
		    xstrdup_err(op->why, op->err) : strdup(op->why ?
		    op->why : "cancelled");
		log_warnx("dock: camera=%s path=%s not deleted: %s", c->name,
		    esc(it->path, buf, sizeof(buf)), it->delete_error ?
		    it->delete_error : "?");
	}
	fileop_close(op);
	item_finish(c, it);
	cam_next(c);
}

static void
store_full_enter(struct dock *d, struct camera *c)
{
	c->waiting = 1;
	if (d->prober == NULL)
		d->prober = c;
	if (d->store_full)
		return;
	d->store_full = 1;
	d->prober = c;
	log_warnx("dock: store full: ingest paused for every camera; "
	    "retrying every %d ms", RETRY_MS);
	/* While stopping, the timer is closing and nothing is retried. */
	if (!d->stopping)
		uv_timer_start(&d->retry, on_retry, RETRY_MS, RETRY_MS);
}

static void
store_full_leave(struct dock *d)
{
	struct camera *c, *nextc;

	if (!d->store_full)
		return;
	d->store_full = 0;
	d->prober = NULL;
	uv_timer_stop(&d->retry);
	log_info("dock: store has space again: ingest resumed");
	if (d->stopping)
		return;		/* the sessions are ending anyway */
	for (c = d->cams; c != NULL; c = nextc) {
		nextc = c->next;
		if (c->waiting && !c->busy) {
			c->waiting = 0;
			cam_next(c);
		}
	}
}

static void
seal_done(void *arg, const struct seal_result *res)
{
	struct fileop *op = arg;
	struct camera *c = op->c;
	struct dock *d = c->d;
	struct item *it = &c->items[c->cur];
	char buf[ESCBUF], obj[DIGEST_STRLEN];

	/* The source may be closed now; the parent stays for the unlink. */
	close(op->fd);
	op->fd = -1;
	if (res->outcome == SEAL_FAILED && res->rc == CUSTOS_ERR_NOSPACE) {
		/* Not an item result: the same file is tried again. */
		c->busy = 0;
		fileop_close(op);
		store_full_enter(d, c);
		cam_next(c);
		return;
	}
	if (res->outcome == SEAL_FAILED) {
		c->busy = 0;
		it->status = IT_FAILED;
		free(it->reason);
		it->reason = strdup(res->reason != NULL ? res->reason :
		    custos_strerror(res->rc));
		fileop_close(op);
		item_finish(c, it);
		cam_next(c);
		return;
	}
	it->status = res->outcome == SEAL_NEW ? IT_SEALED : IT_EXISTS;
	it->index = res->index;
	it->size = res->size;
	memcpy(it->object, res->object, DIGEST_LEN);
	digest_format(d->st->cfg->digest_alg, it->object, obj, sizeof(obj));
	/* The sealer logs each new segment; this line is for debugging. */
	log_debug("dock: camera=%s path=%s %s object=%s index=%" PRIu64
	    " size=%" PRIu64, c->name, esc(it->path, buf, sizeof(buf)),
	    res->outcome == SEAL_NEW ? "sealed" : "already_sealed", obj,
	    res->index, res->size);
	if (d->store_full)
		store_full_leave(d);
	if (d->st->cfg->after_ingest == AFTER_INGEST_DELETE) {
		/* The entry is committed and the stored object was re-read
		 * and matched by the sealer: the camera's copy may go. */
		if (uv_queue_work(d->loop, &op->req, unlink_work,
		    unlink_done) == 0)
			return;
		it->delete_error = strdup("cannot queue the delete");
	}
	c->busy = 0;
	fileop_close(op);
	item_finish(c, it);
	cam_next(c);
}

static void
start_file(struct camera *c)
{
	struct fileop *op;
	struct item *it = &c->items[c->cur];

	if ((op = calloc(1, sizeof(*op))) == NULL)
		goto fail;
	op->c = c;
	op->path = it->path;
	op->fd = op->parentfd = -1;
	op->req.data = op;
	if (uv_queue_work(c->d->loop, &op->req, open_work, open_done) != 0) {
		free(op);
		goto fail;
	}
	c->busy = 1;
	return;
fail:
	it->status = IT_FAILED;
	it->reason = strdup("out of memory");
	item_finish(c, it);
	cam_next(c);
}

/*
 * The session entry.
 */
static json_t *
item_json(const struct dock *d, const struct item *it)
{
	static const char *const names[] = { "pending", "sealed",
	    "already_sealed", "refused", "failed" };
	char ts[32], obj[DIGEST_STRLEN], *hex;
	json_t *j;

	if ((j = json_object()) == NULL)
		return NULL;
	json_object_set_new(j, "path", json_string(it->jpath));
	if (!it->valid_utf8 &&
	    (hex = malloc(HEX_ENCLEN(strlen(it->path)))) != NULL) {
		hex_encode((const uint8_t *)it->path, strlen(it->path), hex);
		json_object_set_new(j, "path_hex", json_string(hex));
		free(hex);
	}
	json_object_set_new(j, "size", json_integer((json_int_t)it->size));
	entry_time(&it->mtime, ts, sizeof(ts));
	json_object_set_new(j, "mtime", json_string(ts));
	json_object_set_new(j, "status", json_string(names[it->status]));
	if (it->status == IT_SEALED || it->status == IT_EXISTS) {
		digest_format(d->st->cfg->digest_alg, it->object, obj,
		    sizeof(obj));
		json_object_set_new(j, "object", json_string(obj));
		json_object_set_new(j, "index",
		    json_integer((json_int_t)it->index));
	}
	if (it->reason != NULL)
		json_object_set_new(j, "reason", json_string(it->reason));
	if (it->target != NULL) {
		int valid;
		char *t = utf8_lossy(it->target, &valid);

		if (t != NULL)
			json_object_set_new(j, "target", json_string(t));
		free(t);
	}
	if (d->st->cfg->after_ingest == AFTER_INGEST_DELETE &&
	    (it->status == IT_SEALED || it->status == IT_EXISTS)) {
		json_object_set_new(j, "deleted", json_boolean(it->deleted));
		if (it->delete_error != NULL)
			json_object_set_new(j, "delete_error",
			    json_string(it->delete_error));
	}
	return j;
}

/* What an item costs in the entry, generously: escapes, hex, fields. */
static size_t
item_cost(const struct item *it)
{
	size_t n = 320 + 8 * strlen(it->path);

	if (it->reason != NULL)
		n += 6 * strlen(it->reason);
	if (it->target != NULL)
		n += 6 * strlen(it->target);
	return n;
}

/*
 * Chooses the items that fit the budget: first the ones that were not
 * sealed (they have no other record in the log), then the sealed ones,
 * which each have their own segment.sealed entry naming camera and path.
 */
static size_t
choose_shown(struct camera *c)
{
	size_t i, used = 0, omitted = 0;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < c->nitems; i++) {
			struct item *it = &c->items[i];
			int sealed = it->status == IT_SEALED ||
			    it->status == IT_EXISTS;

			if (sealed != (pass == 1) || it->jpath == NULL)
				continue;
			if (used + item_cost(it) > INVENTORY_BUDGET) {
				it->shown = 0;
				omitted++;
				continue;
			}
			it->shown = 1;
			used += item_cost(it);
		}
	return omitted;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Files the camera's previous session saw and did not seal that are not
 * on the volume now.  "already_sealed" is sealed too, under an earlier
 * name or session.
 */
static json_t *
missing_json(struct camera *c)
{
	struct catalog_file *f = NULL;
	char **paths = NULL, esc_buf[ESCBUF];
	const char *key;
	size_t n = 0, i, np = 0, used = 0;
	json_t *arr;
	int rc;

	if ((arr = json_array()) == NULL)
		return NULL;
	if ((rc = catalog_unsealed(c->d->st->catalog, c->name, &f,
	    &n)) != 0) {
		log_warnx_r(rc, "dock: camera=%s: cannot read the previous "
		    "session", c->name);
		return arr;
	}
	if (n > 0 && (paths = calloc(c->nitems + 1, sizeof(*paths))) != NULL) {
		for (i = 0; i < c->nitems; i++)
			if (c->items[i].jpath != NULL)
				paths[np++] = c->items[i].jpath;
		qsort(paths, np, sizeof(*paths), cmpstr);
	}
	for (i = 0; i < n && paths != NULL; i++) {
		json_t *m;

		if (strcmp(f[i].status, "sealed") == 0 ||
		    strcmp(f[i].status, "already_sealed") == 0)
			continue;
		key = f[i].path;
		if (bsearch(&key, paths, np, sizeof(*paths), cmpstr) != NULL)
			continue;
		log_warnx("dock: camera=%s path=%s missing: seen in session "
		    "%" PRIu64 " (%s), never sealed, no longer on the camera",
		    c->name, esc(f[i].path, esc_buf, sizeof(esc_buf)),
		    f[i].session, f[i].status);
		used += 160 + 6 * strlen(f[i].path);
		if (used > MISSING_BUDGET)
			continue;
		m = json_pack("{s:s, s:I, s:s, s:I}", "path", f[i].path,
		    "size", (json_int_t)f[i].size, "last_status", f[i].status,
		    "last_seen_session", (json_int_t)f[i].session);
		if (m != NULL)
			json_array_append_new(arr, m);
	}
	free(paths);
	catalog_files_free(f, n);
	return arr;
}

static json_t *
clock_json(const struct camera *c)
{
	char ts[32];

	if (c->clock_state == 0)
		return json_pack("{s:b, s:s}", "measured", 0, "reason",
		    "no clock file on the volume");
	if (c->clock_state == 2) {
		int valid;
		char *line = utf8_lossy(c->clock_line, &valid);
		json_t *j = json_pack("{s:b, s:s, s:s, s:s}", "measured", 0,
		    "reason", "clock file's first line is not "
		    "YYYY-MM-DD HH:MM:SS", "file", c->clock_file,
		    "line", line != NULL ? line : "");

		free(line);
		return j;
	}
	entry_time(&c->clock_station, ts, sizeof(ts));
	return json_pack("{s:b, s:I, s:s, s:s, s:s, s:s}", "measured", 1,
	    "drift_ms", (json_int_t)c->clock_drift_ms,
	    "file", c->clock_file, "camera_time", c->clock_line,
	    "camera_zone", "+08:00", "station_time", ts);
}

static json_t *
session_json(struct camera *c, const char *ended)
{
	struct timespec now;
	char ts0[32], ts1[32];
	uint64_t sealed = 0, exists = 0, refused = 0, failed = 0, pending = 0;
	uint64_t bytes = 0;
	size_t i, omitted;
	json_t *p, *inv;

	clock_gettime(CLOCK_REALTIME, &now);
	entry_time(&c->start_rt, ts0, sizeof(ts0));
	entry_time(&now, ts1, sizeof(ts1));
	for (i = 0; i < c->nitems; i++)
		switch (c->items[i].status) {
		case IT_SEALED:
			sealed++;
			bytes += c->items[i].size;
			break;
		case IT_EXISTS:
			exists++;
			bytes += c->items[i].size;
			break;
		case IT_REFUSED:
			refused++;
			break;
		case IT_FAILED:
			failed++;
			break;
		default:
			pending++;
		}
	omitted = choose_shown(c);
	if ((p = json_object()) == NULL || (inv = json_array()) == NULL) {
		json_decref(p);
		return NULL;
	}
	json_object_set_new(p, "camera", json_string(c->name));
	json_object_set_new(p, "source", json_string("usb"));
	json_object_set_new(p, "session_start", json_string(ts0));
	json_object_set_new(p, "session_end", json_string(ts1));
	json_object_set_new(p, "ended", json_string(ended));
	json_object_set_new(p, "files_seen", json_integer((json_int_t)
	    c->nitems));
	json_object_set_new(p, "files_sealed", json_integer(sealed));
	json_object_set_new(p, "files_already_sealed", json_integer(exists));
	json_object_set_new(p, "files_refused", json_integer(refused));
	json_object_set_new(p, "files_failed", json_integer(failed));
	json_object_set_new(p, "files_pending", json_integer(pending));
	json_object_set_new(p, "bytes", json_integer((json_int_t)bytes));
	if (c->truncated)
		json_object_set_new(p, "inventory_truncated",
		    json_string("walk stopped at the entry limit"));
	for (i = 0; i < c->nitems; i++) {
		json_t *it;

		if (!c->items[i].shown)
			continue;
		if ((it = item_json(c->d, &c->items[i])) == NULL ||
		    json_array_append_new(inv, it) != 0) {
			json_decref(inv);
			json_decref(p);
			return NULL;
		}
	}
	json_object_set_new(p, "inventory", inv);
	if (omitted > 0)
		json_object_set_new(p, "inventory_omitted",
		    json_integer((json_int_t)omitted));
	/* A truncated walk does not know what is on the volume. */
	if (!c->truncated)
		json_object_set_new(p, "missing", missing_json(c));
	json_object_set_new(p, "clock_drift", clock_json(c));
	return p;
}

static void
session_end(struct camera *c, const char *ended)
{
	struct dock *d = c->d;
	uint64_t index = 0;
	json_t *p;
	size_t i;
	int rc;

	/* Items not reached stay "pending" and say why. */
	for (i = c->cur; i < c->nitems; i++)
		if (c->items[i].status == IT_PENDING &&
		    c->items[i].reason == NULL)
			c->items[i].reason = strdup(strcmp(ended, "stopped") ==
			    0 ? "custosd stopped before it was sealed" :
			    "undocked before it was sealed");
	clock_gettime(CLOCK_MONOTONIC, &c->end_mono);
	if ((p = session_json(c, ended)) == NULL)
		rc = CUSTOS_ERR_NOMEM;
	else
		rc = station_append(d->st, "dock.session", p, &index, NULL);
	json_decref(p);
	if (rc != 0)
		log_warnx_r(rc, "dock: camera=%s: cannot append dock.session",
		    c->name);
	else
		log_info("dock: camera=%s event=session_end ended=%s "
		    "index=%" PRIu64 " files=%zu sealed_bytes=%" PRIu64
		    " errors=%" PRIu64 " refused=%" PRIu64, c->name, ended,
		    index, c->nitems, c->bytes_done, c->errors, c->refused);
	if ((rc = station_checkpoint(d->st)) != 0)
		log_warnx_r(rc, "dock: camera=%s: cannot sign a checkpoint",
		    c->name);
	if (c->volfd != -1) {
		close(c->volfd);
		c->volfd = -1;
	}
	if (d->prober == c)
		d->prober = NULL;
	c->waiting = 0;
	c->state = CAM_DONE;
	/* Keep the counts for the status; the items are in the log. */
	items_free(c->items, c->nitems);
	c->items = NULL;
	c->nitems = c->cur = 0;
	if (c->gone)
		cam_unlink(c);
	notify_status(d);
	maybe_stopped(d);
}

/* Moves camera c on: the next file, a wait, or the end of the session. */
static void
cam_next(struct camera *c)
{
	struct dock *d = c->d;

	if (c->busy || c->state != CAM_SEALING)
		return;
	if (d->stopping) {
		session_end(c, "stopped");
		return;
	}
	if (c->gone) {
		session_end(c, "undocked");
		return;
	}
	while (c->cur < c->nitems && c->items[c->cur].status != IT_PENDING)
		c->cur++;
	if (c->cur == c->nitems) {
		session_end(c, "complete");
		return;
	}
	if (d->store_full && d->prober != c) {
		c->waiting = 1;
		return;
	}
	if (d->store_full && c->waiting)
		return;		/* the prober waits for the retry timer */
	start_file(c);
}

static void
on_retry(uv_timer_t *t)
{
	struct dock *d = t->data;
	struct camera *c;

	if (!d->store_full || d->stopping)
		return;
	if (d->prober == NULL)
		for (c = d->cams; c != NULL; c = c->next)
			if (c->waiting && !c->busy) {
				d->prober = c;
				break;
			}
	if ((c = d->prober) != NULL && c->waiting && !c->busy) {
		c->waiting = 0;
		cam_next(c);
	}
}

static void
notify_status(struct dock *d)
{
	struct camera *c;
	uint64_t done = 0, total = 0;
	unsigned ncam = 0, active = 0;
	char buf[256];

	for (c = d->cams; c != NULL; c = c->next) {
		if (c->state == CAM_UNREADABLE)
			continue;
		ncam++;
		if (c->state == CAM_SCANNING || c->state == CAM_SEALING)
			active++;
		done += c->files_done;
		total += c->files_total;
	}
	snprintf(buf, sizeof(buf), "STATUS=%u camera%s docked, %u "
	    "ingesting, %" PRIu64 "/%" PRIu64 " files%s", ncam,
	    ncam == 1 ? "" : "s", active, done, total,
	    d->store_full ? ", store full: paused" : "");
	if (strcmp(buf, d->notified) != 0) {
		memcpy(d->notified, buf, sizeof(buf));
		sd_notify(0, buf);
	}
}

json_t *
dock_status(const struct dock *d)
{
	static const char *const states[] = { "scanning", "sealing", "done",
	    "unreadable" };
	const struct camera *c;
	struct timespec now;
	json_t *j, *arr, *o;
	char ts[32];
	int64_t ms;

	if ((j = json_object()) == NULL || (arr = json_array()) == NULL) {
		json_decref(j);
		return NULL;
	}
	json_object_set_new(j, "store_full", json_boolean(d->store_full));
	json_object_set_new(j, "cameras", arr);
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (c = d->cams; c != NULL; c = c->next) {
		const char *state = states[c->state];

		if (c->state == CAM_SEALING && c->waiting && d->store_full)
			state = "waiting: store full";
		ms = ms_between(&c->start_mono, c->state == CAM_DONE ?
		    &c->end_mono : &now);
		entry_time(&c->start_rt, ts, sizeof(ts));
		o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
		    "s:s}", "camera", c->name, "state", state,
		    "files_done", (json_int_t)c->files_done,
		    "files_total", (json_int_t)c->files_total,
		    "bytes_done", (json_int_t)c->bytes_done,
		    "bytes_total", (json_int_t)c->bytes_total,
		    "rate_bps", (json_int_t)(ms > 0 ?
		    c->bytes_done * 1000 / (uint64_t)ms : 0),
		    "errors", (json_int_t)c->errors,
		    "refused", (json_int_t)c->refused,
		    "started", ts);
		if (o == NULL || json_array_append_new(arr, o) != 0) {
			json_decref(j);
			return NULL;
		}
	}
	return j;
}

int
priv_dock_start(uv_loop_t *loop, struct station *st, struct sealer *s,
    struct dock **out)
{
	struct dock *d;
	int rc;

	if ((rc = util_mkdirs(st->cfg->dock_root, 0750)) != 0)
		return rc;
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->root = strdup(st->cfg->dock_root)) == NULL) {
		free(d);
		return CUSTOS_ERR_NOMEM;
	}
	d->loop = loop;
	d->st = st;
	d->sealer = s;
	uv_timer_init(loop, &d->rescan);
	uv_timer_init(loop, &d->retry);
	d->rescan.data = d->retry.data = d;
	d->handles = 2;
	if (uv_fs_event_init(loop, &d->watch) == 0) {
		d->watch.data = d;
		d->handles++;
		d->watching = 1;
		if ((rc = uv_fs_event_start(&d->watch, on_fs_event, d->root,
		    0)) != 0)
			log_warnx("dock: cannot watch %s (%s); rescanning "
			    "every %d ms only", d->root, uv_strerror(rc),
			    RESCAN_MS);
	}
	uv_timer_start(&d->rescan, on_rescan, RESCAN_MS, RESCAN_MS);
	request_scan(d);
	log_info("dock: watching root=%s after_ingest=%s", d->root,
	    st->cfg->after_ingest == AFTER_INGEST_DELETE ? "delete" : "keep");
	*out = d;
	return 0;
}

static void
handle_closed(uv_handle_t *h)
{
	struct dock *d = h->data;

	d->handles--;
	maybe_stopped(d);
}

static void
maybe_stopped(struct dock *d)
{
	struct camera *c;
	size_t i;

	if (!d->stopping || d->scan_busy || d->handles > 0)
		return;
	for (c = d->cams; c != NULL; c = c->next)
		if (c->busy || c->state == CAM_SEALING)
			return;
	while ((c = d->cams) != NULL) {
		d->cams = c->next;
		cam_free(c);
	}
	for (i = 0; i < d->nignored; i++)
		free(d->ignored[i]);
	free(d->root);
	d->stopped(d->stopped_arg);
	free(d);
}

void
dock_stop(struct dock *d, void (*stopped)(void *arg), void *arg)
{
	struct camera *c, *nextc;

	if (d == NULL) {
		stopped(arg);
		return;
	}
	d->stopping = 1;
	d->stopped = stopped;
	d->stopped_arg = arg;
	d->handles++;		/* held while the sessions end below */
	uv_close((uv_handle_t *)&d->rescan, handle_closed);
	uv_close((uv_handle_t *)&d->retry, handle_closed);
	if (d->watching)
		uv_close((uv_handle_t *)&d->watch, handle_closed);
	for (c = d->cams; c != NULL; c = nextc) {
		nextc = c->next;
		if (!c->busy && c->state == CAM_SEALING)
			cam_next(c);
	}
	d->handles--;
	maybe_stopped(d);
}
