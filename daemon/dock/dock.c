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
 * This file watches dock.root, takes each camera that docks, walks its
 * volume (walk.h) and hands it to session.c (session.h), which seals its
 * files and appends its dock.session entry; dock_state.c keeps the status
 * and frees the dock once it has stopped.  Paths are kept as raw bytes
 * (any byte but NUL and '/' in a name) and turned into UTF-8 only when
 * written to JSON or a log line.
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
#include <uv.h>

#include "custos/config.h"
#include "custos/err.h"
#include "custos/util.h"
#include "dock.h"
#include "dock_int.h"
#include "daemon/journal.h"
#include "daemon/metrics.h"
#include "session.h"
#include "daemon/station.h"
#include "walk.h"

#define RESCAN_MS		2000	/* periodic rescan of dock.root */
#define SCAN_MAX		4096	/* entries of dock.root looked at */

static void	request_scan(struct dock *);

/*
 * The dock's own work (a scan, a walk that found nothing, a handle) is
 * over: a stopping dock may now be done.  dock_maybe_stopped() is called
 * from here only while stopping: it is also where a camera's session
 * reports its end (session.c), which the fault harness takes as the end
 * of a file's work (tests/fault/fault.c), and a rescan must not end it.
 */
static void
own_work_done(struct dock *d)
{
	if (d->stopping)
		dock_maybe_stopped(d);
}

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
	/* serial_valid() has bounded the name to SERIAL_MAX already. */
	memcpy(c->name, e->name, strnlen(e->name, SERIAL_MAX));
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
		dock_cam_unlink(c);
		return;
	}
	log_warnx("dock: camera=%s event=undocked_during_session "
	    "files_done=%" PRIu64 " files_total=%" PRIu64, c->name,
	    c->files_done, c->files_total);
	if (!c->busy)
		session_next(c);
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
		char buf[LOG_QUOTE_LEN];

		if (!serial_valid(e->name)) {
			if (!ignored_before(d, e->name))
				log_warnx("dock: ignoring name=%s in the dock "
				    "root: not a camera serial ([A-Za-z0-9._-], "
				    "at most %d)", log_quote(e->name, buf,
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
	dock_notify(d);
out:
	free(s->ents);
	free(s);
	if (d->scan_again && !d->stopping) {
		d->scan_again = 0;
		request_scan(d);
	}
	own_work_done(d);
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
 * The walk of one volume (walk_volume()), on the thread pool; walk_done()
 * takes its result on the loop.
 */
struct walkop {
	uv_work_t	 req;
	struct camera	*c;
	struct walk	 w;
	int		 rc;
	int		 err;		/* errno, if rc is CUSTOS_ERR_SYSTEM */
};

static void
walk_work(uv_work_t *req)
{
	struct walkop *op = req->data;

	op->rc = walk_volume(op->c->d->root, op->c->name, &op->w);
	op->err = errno;
}

static void
walk_done(uv_work_t *req, int status)
{
	struct walkop *op = req->data;
	struct camera *c = op->c;
	char buf[LOG_QUOTE_LEN];
	size_t i;

	c->busy = 0;
	if (status != 0 || op->rc != 0) {
		int nomem = op->rc == CUSTOS_ERR_NOMEM;

		errno = op->rc == CUSTOS_ERR_SYSTEM ? op->err : 0;
		if (nomem)
			log_warnx("dock: camera=%s: out of memory walking the "
			    "volume; retrying at the next scan", c->name);
		else if (!c->gone)
			log_warn("dock: camera=%s: cannot open the volume",
			    c->name);
		free(op);
		/* No session without a walk: nothing was seen.  A lack of
		 * memory passes: forgotten, the camera is taken again by
		 * the next scan instead of waiting to be docked again. */
		c->state = CAM_UNREADABLE;
		if (nomem || c->gone || c->d->stopping) {
			struct dock *d = c->d;

			dock_cam_unlink(c);
			own_work_done(d);
		}
		return;
	}
	c->volfd = op->w.volfd;
	c->dev = op->w.dev;
	c->ino = op->w.ino;
	c->items = op->w.items;
	c->nitems = op->w.nitems;
	c->truncated = op->w.truncated;
	c->clock = op->w.clock;
	free(op);
	for (i = 0; i < c->nitems; i++) {
		struct item *it = &c->items[i];

		it->jpath = walk_utf8(it->path, &it->valid_utf8);
		if (it->regular) {
			c->files_total++;
			c->bytes_total += it->size;
		} else if (it->status == IT_REFUSED) {
			c->refused++;
			metrics_refused_dock(&c->d->st->metrics, it->reason);
			log_warnx("dock: camera=%s path=%s refused reason=%s%s%s",
			    c->name, log_quote(it->path, buf, sizeof(buf)),
			    it->reason ? it->reason : "?",
			    it->target ? " target=" : "",
			    it->target ? it->target : "");
		} else if (it->status == IT_FAILED) {
			c->errors++;
			log_warnx("dock: camera=%s path=%s failed reason=\"%s\"",
			    c->name, log_quote(it->path, buf, sizeof(buf)),
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
	dock_notify(c->d);
	session_next(c);
}

static void
start_walk(struct camera *c)
{
	struct walkop *op;

	if ((op = calloc(1, sizeof(*op))) == NULL)
		goto fail;
	op->c = c;
	op->w.volfd = -1;
	op->req.data = op;
	c->state = CAM_SCANNING;
	if (uv_queue_work(c->d->loop, &op->req, walk_work, walk_done) != 0) {
		free(op);
		goto fail;
	}
	c->busy = 1;
	return;
fail:
	log_warnx("dock: camera=%s: cannot start the walk", c->name);
	c->state = CAM_UNREADABLE;
}

int
dock_start(uv_loop_t *loop, struct station *st, struct sealer *s,
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
	own_work_done(d);
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
			session_next(c);
	}
	d->handles--;
	own_work_done(d);
}
