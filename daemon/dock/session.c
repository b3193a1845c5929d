/*
 * session: one docked camera's session once its volume is walked (see
 * session.h).  It runs on the loop; opening and deleting a file run on
 * the thread pool through walk.h.
 *
 * Per camera there is at most one operation in flight (c->busy), so files
 * of one camera are sealed one after the other while cameras proceed side
 * by side.  When the store is full every camera waits and one of them,
 * the prober, tries again on the retry timer.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "custos/catalog.h"
#include "custos/config.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "dock.h"
#include "dock_int.h"
#include "daemon/disk.h"
#include "daemon/entry.h"
#include "gaps.h"
#include "daemon/journal.h"
#include "daemon/metrics.h"
#include "daemon/seal/seal.h"
#include "session.h"
#include "daemon/station.h"
#include "walk.h"

#define RETRY_MS		2000	/* disk-full backoff */
/*
 * The dock.session entry stays below 64 KiB, the most a C2SP tlog-tiles
 * entry bundle holds (include/custos/tiles.h), so the log can always be
 * published: the inventory, "missing" and the numbering gaps (gaps.c)
 * each get an estimated share, their estimates the worst case of JSON
 * escaping.
 */
#define INVENTORY_BUDGET	(44 * 1024)
#define MISSING_BUDGET		(6 * 1024)

static void	on_retry(uv_timer_t *);

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
	struct walk_file f;		/* the file, or why it was not opened */
	struct stat	 want;		/* for the unlink: what was sealed */
};

static void
open_work(uv_work_t *req)
{
	struct fileop *op = req->data;

	walk_open(op->c->volfd, op->path, &op->f);
}

static void
fileop_close(struct fileop *op)
{
	if (op->f.fd != -1)
		close(op->f.fd);
	if (op->f.parentfd != -1)
		close(op->f.parentfd);
	free(op);
}

static void	seal_done(void *, const struct seal_result *);

/* An item ends here: counted, logged, and the camera moves on. */
static void
item_finish(struct camera *c, struct item *it)
{
	char buf[LOG_QUOTE_LEN];

	c->files_done++;
	if (it->status == IT_SEALED || it->status == IT_EXISTS)
		c->bytes_done += it->size;
	else if (it->status == IT_FAILED) {
		c->errors++;
		log_warnx("dock: camera=%s path=%s failed reason=\"%s\"",
		    c->name, log_quote(it->path, buf, sizeof(buf)),
		    it->reason ? it->reason : "?");
	} else if (it->status == IT_REFUSED) {
		c->refused++;
		metrics_refused_dock(&c->d->st->metrics, it->reason);
		log_warnx("dock: camera=%s path=%s refused reason=\"%s\"",
		    c->name, log_quote(it->path, buf, sizeof(buf)),
		    it->reason ? it->reason : "?");
	}
	c->cur++;
	dock_notify(c->d);
}

static void
open_done(uv_work_t *req, int status)
{
	struct fileop *op = req->data;
	struct camera *c = op->c;
	struct item *it = &c->items[c->cur];
	struct seal_req sr;
	int rc;

	if (status != 0 || op->f.why != NULL) {
		c->busy = 0;
		free(it->reason);
		it->status = op->f.refused ? IT_REFUSED : IT_FAILED;
		it->reason = op->f.err != 0 && !op->f.refused ?
		    walk_reason(op->f.why, op->f.err) : strdup(op->f.why ?
		    op->f.why : "cancelled");
		if (op->f.err == EIO)
			log_warnx("dock: camera=%s I/O error on the volume "
			    "(EIO); the device may be failing", c->name);
		fileop_close(op);
		item_finish(c, it);
		session_next(c);
		return;
	}
	memset(&sr, 0, sizeof(sr));
	sr.fd = op->f.fd;
	sr.camera = c->name;
	sr.source = "usb";
	sr.path = it->path;
	sr.officer = NULL;
	sr.extra = NULL;
	op->want = op->f.sb;
	if ((rc = seal_start(c->d->sealer, &sr, seal_done, op)) != 0) {
		c->busy = 0;
		it->status = IT_FAILED;
		free(it->reason);
		it->reason = strdup(custos_strerror(rc));
		fileop_close(op);
		item_finish(c, it);
		session_next(c);
	}
}

static void
unlink_work(uv_work_t *req)
{
	struct fileop *op = req->data;

	walk_unlink(&op->f, op->path, &op->want);
}

static void
unlink_done(uv_work_t *req, int status)
{
	struct fileop *op = req->data;
	struct camera *c = op->c;
	struct item *it = &c->items[c->cur];
	char buf[LOG_QUOTE_LEN];

	c->busy = 0;
	if (status == 0 && op->f.why == NULL) {
		it->deleted = 1;
		log_info("dock: camera=%s path=%s deleted from the camera",
		    c->name, log_quote(it->path, buf, sizeof(buf)));
	} else {
		it->delete_error = op->f.err != 0 ?
		    walk_reason(op->f.why, op->f.err) : strdup(op->f.why ?
		    op->f.why : "cancelled");
		log_warnx("dock: camera=%s path=%s not deleted: %s", c->name,
		    log_quote(it->path, buf, sizeof(buf)), it->delete_error ?
		    it->delete_error : "?");
	}
	fileop_close(op);
	item_finish(c, it);
	session_next(c);
}

/* c waits for room; its session counts each pause of the dock once. */
static void
cam_wait(struct camera *c)
{
	c->waiting = 1;
	if (c->pause_no != c->d->pause_no) {
		c->pause_no = c->d->pause_no;
		c->pauses++;
		snprintf(c->pause_why, sizeof(c->pause_why), "%s",
		    c->d->full_why);
	}
}

/*
 * A store write or a log append of c's found no space.  The state change
 * is logged once; a retry that fails again only counts, so a full disk
 * does not write a line every RETRY_MS.
 */
static void
store_full_enter(struct dock *d, struct camera *c, const char *why,
    int floor)
{
	if (!d->store_full) {
		d->pause_no++;
		snprintf(d->full_why, sizeof(d->full_why), "%s", why);
	}
	if (c != NULL) {
		cam_wait(c);
		if (d->prober == NULL)
			d->prober = c;
	}
	if (d->store_full) {
		d->full_retries++;
		return;
	}
	d->store_full = 1;
	d->full_floor = floor;
	d->prober = c;
	d->full_retries = 0;
	clock_gettime(CLOCK_REALTIME, &d->full_since);
	snprintf(d->full_why, sizeof(d->full_why), "%s", why);
	if (floor)
		log_warnx("dock: ingest paused for every camera: %s; the "
		    "files stay on the cameras; retrying every %d ms", why,
		    RETRY_MS);
	else
		log_warnx("dock: store full (disk full: %s): ingest paused "
		    "for every camera; retrying every %d ms", why, RETRY_MS);
	dock_notify(d);
	/* While stopping, the timer is closing and nothing is retried. */
	if (!d->stopping)
		uv_timer_start(&d->retry, on_retry, RETRY_MS, RETRY_MS);
}

static void
store_full_leave(struct dock *d)
{
	struct camera *c, *nextc;
	struct timespec now;

	if (!d->store_full)
		return;
	d->store_full = 0;
	d->full_floor = 0;
	d->prober = NULL;
	uv_timer_stop(&d->retry);
	clock_gettime(CLOCK_REALTIME, &now);
	log_info("dock: store has space again: ingest resumed after %lld s "
	    "and %" PRIu64 " failed retries", (long long)(now.tv_sec -
	    d->full_since.tv_sec), d->full_retries);
	dock_notify(d);
	if (d->stopping)
		return;		/* the sessions are ending anyway */
	for (c = d->cams; c != NULL; c = nextc) {
		nextc = c->next;
		if (c->waiting && !c->busy) {
			c->waiting = 0;
			session_next(c);
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
	char buf[LOG_QUOTE_LEN], obj[DIGEST_STRLEN];

	/* The source may be closed now; the parent stays for the unlink. */
	close(op->f.fd);
	op->f.fd = -1;
	if (res->outcome == SEAL_FAILED && res->rc == CUSTOS_ERR_NOSPACE) {
		/* Not an item result: the same file is tried again.  The
		 * sealer leaves this one to us to log, as a state. */
		c->busy = 0;
		fileop_close(op);
		store_full_enter(d, c, res->reason != NULL ? res->reason :
		    custos_strerror(res->rc), 0);
		session_next(c);
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
		session_next(c);
		return;
	}
	it->status = res->outcome == SEAL_NEW ? IT_SEALED : IT_EXISTS;
	it->index = res->index;
	it->size = res->size;
	memcpy(it->object, res->object, DIGEST_LEN);
	digest_format(d->st->cfg->digest_alg, it->object, obj, sizeof(obj));
	/* The sealer logs each new segment; this line is for debugging. */
	log_debug("dock: camera=%s path=%s %s object=%s index=%" PRIu64
	    " size=%" PRIu64, c->name, log_quote(it->path, buf, sizeof(buf)),
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
	session_next(c);
}

static void
start_file(struct camera *c)
{
	struct fileop *op;
	struct item *it = &c->items[c->cur];
	char why[160];

	/* At the [disk] stop_ingest floor the file is not copied: it stays
	 * on the camera and the dock pauses as for a full store. */
	if (disk_admit(&c->d->st->disk, why, sizeof(why)) != 0) {
		store_full_enter(c->d, c, why, 1);
		return;
	}
	if ((op = calloc(1, sizeof(*op))) == NULL)
		goto fail;
	op->c = c;
	op->path = it->path;
	op->f.fd = op->f.parentfd = -1;
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
	session_next(c);
}

/*
 * The session entry.
 */
/*
 * json_object_set_new() that notes a failure (out of memory) in *bad: an
 * entry must not go into the log with a field silently missing.
 */
static void
put(int *bad, json_t *o, const char *key, json_t *v)
{
	if (json_object_set_new(o, key, v) != 0)
		*bad = 1;
}

static json_t *
item_json(const struct dock *d, const struct item *it)
{
	static const char *const names[] = { "pending", "sealed",
	    "already_sealed", "refused", "failed" };
	char ts[32], obj[DIGEST_STRLEN], *hex;
	json_t *j;
	int bad = 0;

	if ((j = json_object()) == NULL)
		return NULL;
	put(&bad, j, "path", json_string(it->jpath));
	if (!it->valid_utf8) {
		if ((hex = malloc(HEX_ENCLEN(strlen(it->path)))) == NULL)
			bad = 1;
		else {
			hex_encode((const uint8_t *)it->path,
			    strlen(it->path), hex);
			put(&bad, j, "path_hex", json_string(hex));
			free(hex);
		}
	}
	put(&bad, j, "size", json_integer((json_int_t)it->size));
	entry_time(&it->mtime, ts, sizeof(ts));
	put(&bad, j, "mtime", json_string(ts));
	put(&bad, j, "status", json_string(names[it->status]));
	if (it->status == IT_SEALED || it->status == IT_EXISTS) {
		digest_format(d->st->cfg->digest_alg, it->object, obj,
		    sizeof(obj));
		put(&bad, j, "object", json_string(obj));
		put(&bad, j, "index",
		    json_integer((json_int_t)it->index));
	}
	if (it->reason != NULL)
		put(&bad, j, "reason", json_string(it->reason));
	if (it->target != NULL) {
		int valid;
		char *t = walk_utf8(it->target, &valid);

		if (t == NULL)
			bad = 1;
		else
			put(&bad, j, "target", json_string(t));
		free(t);
	}
	if (d->st->cfg->after_ingest == AFTER_INGEST_DELETE &&
	    (it->status == IT_SEALED || it->status == IT_EXISTS)) {
		put(&bad, j, "deleted", json_boolean(it->deleted));
		if (it->delete_error != NULL)
			put(&bad, j, "delete_error",
			    json_string(it->delete_error));
	}
	if (bad) {
		json_decref(j);
		return NULL;
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
	char **paths = NULL, esc_buf[LOG_QUOTE_LEN];
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
		    c->name, log_quote(f[i].path, esc_buf, sizeof(esc_buf)),
		    f[i].session, f[i].status);
		used += 160 + 6 * strlen(f[i].path);
		if (used > MISSING_BUDGET)
			continue;
		m = json_pack("{s:s, s:I, s:s, s:I}", "path", f[i].path,
		    "size", (json_int_t)f[i].size, "last_status", f[i].status,
		    "last_seen_session", (json_int_t)f[i].session);
		if (m == NULL || json_array_append_new(arr, m) != 0) {
			json_decref(arr);
			arr = NULL;
			break;
		}
	}
	/* Without the sorted paths nothing could be compared: no list is
	 * better than a list that claims nothing is missing. */
	if (n > 0 && paths == NULL) {
		json_decref(arr);
		arr = NULL;
	}
	free(paths);
	catalog_files_free(f, n);
	return arr;
}

static json_t *
clock_json(const struct camera *c)
{
	char ts[32];

	if (c->clock.state == 0)
		return json_pack("{s:b, s:s}", "measured", 0, "reason",
		    "no clock file on the volume");
	if (c->clock.state == 2) {
		int valid;
		char *line = walk_utf8(c->clock.line, &valid);
		json_t *j = json_pack("{s:b, s:s, s:s, s:s}", "measured", 0,
		    "reason", "clock file's first line is not "
		    "YYYY-MM-DD HH:MM:SS", "file", c->clock.file,
		    "line", line != NULL ? line : "");

		free(line);
		return j;
	}
	entry_time(&c->clock.station, ts, sizeof(ts));
	return json_pack("{s:b, s:I, s:s, s:s, s:s, s:s}", "measured", 1,
	    "drift_ms", (json_int_t)c->clock.drift_ms,
	    "file", c->clock.file, "camera_time", c->clock.line,
	    "camera_zone", "+08:00", "station_time", ts);
}

static json_t *
session_json(struct camera *c, const char *ended)
{
	struct timespec now;
	char ts0[32], ts1[32];
	uint64_t sealed = 0, exists = 0, refused = 0, failed = 0, pending = 0;
	uint64_t bytes = 0;
	size_t i, omitted, gaps_omitted;
	json_t *p, *inv, *gaps;
	int bad = 0;

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
	put(&bad, p, "camera", json_string(c->name));
	put(&bad, p, "source", json_string("usb"));
	put(&bad, p, "session_start", json_string(ts0));
	put(&bad, p, "session_end", json_string(ts1));
	put(&bad, p, "ended", json_string(ended));
	put(&bad, p, "files_seen", json_integer((json_int_t)
	    c->nitems));
	put(&bad, p, "files_sealed", json_integer(sealed));
	put(&bad, p, "files_already_sealed", json_integer(exists));
	put(&bad, p, "files_refused", json_integer(refused));
	put(&bad, p, "files_failed", json_integer(failed));
	put(&bad, p, "files_pending", json_integer(pending));
	put(&bad, p, "bytes", json_integer((json_int_t)bytes));
	if (c->pauses > 0) {
		put(&bad, p, "pauses", json_integer((json_int_t)c->pauses));
		put(&bad, p, "pause_reason", json_string(c->pause_why));
	}
	if (c->truncated)
		put(&bad, p, "inventory_truncated",
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
	put(&bad, p, "inventory", inv);
	if (omitted > 0)
		put(&bad, p, "inventory_omitted",
		    json_integer((json_int_t)omitted));
	/* A truncated walk does not know what is on the volume. */
	if (!c->truncated)
		put(&bad, p, "missing", missing_json(c));
	if ((gaps = gaps_of(c, &gaps_omitted)) == NULL)
		bad = 1;
	else if (json_array_size(gaps) > 0) {
		put(&bad, p, "numbering_gaps", json_incref(gaps));
		if (gaps_omitted > 0)
			put(&bad, p, "numbering_gaps_omitted",
			    json_integer((json_int_t)gaps_omitted));
	}
	put(&bad, p, "clock_drift", clock_json(c));
	if (bad) {
		json_decref(p);
		return NULL;
	}
	return p;
}

static void
session_end(struct camera *c, const char *ended)
{
	struct dock *d = c->d;
	uint64_t index = 0;
	json_t *p;
	size_t i;
	int rc, resumed;

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
		rc = station_append(d->st, ENTRY_DOCK_SESSION, p, &index, NULL);
	json_decref(p);
	if (rc == CUSTOS_ERR_NOSPACE && !d->stopping) {
		/* The inventory is the session's only record of what was
		 * not sealed: keep the items and append it once there is
		 * space, like a file that found the store full. */
		c->end_pending = ended;
		store_full_enter(d, c, "no space for the dock.session entry",
		    0);
		return;
	}
	c->end_pending = NULL;
	if (rc != 0)
		log_warnx_r(rc, "dock: camera=%s: cannot append dock.session",
		    c->name);
	else
		log_info("dock: camera=%s event=session_end ended=%s "
		    "index=%" PRIu64 " files=%zu sealed_bytes=%" PRIu64
		    " errors=%" PRIu64 " refused=%" PRIu64, c->name, ended,
		    index, c->nitems, c->bytes_done, c->errors, c->refused);
	resumed = rc == 0 && d->store_full;
	/* A full disk is reported as the dock's state; the checkpoint
	 * timer signs this one once there is space. */
	if ((rc = station_checkpoint(d->st)) != 0 &&
	    rc != CUSTOS_ERR_NOSPACE)
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
	walk_items_free(c->items, c->nitems);
	c->items = NULL;
	c->nitems = c->cur = 0;
	if (c->gone)
		dock_cam_unlink(c);
	/* Only now, with c done: leaving wakes every waiting camera. */
	if (resumed)
		store_full_leave(d);
	dock_notify(d);
	dock_maybe_stopped(d);
}

void
session_next(struct camera *c)
{
	struct dock *d = c->d;

	if (c->busy || c->state != CAM_SEALING)
		return;
	if (c->end_pending != NULL) {
		/* Every file is done; only the entry waits for space. */
		if (!d->stopping && d->store_full &&
		    (d->prober != c || c->waiting)) {
			cam_wait(c);
			return;
		}
		session_end(c, c->end_pending);
		return;
	}
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
		cam_wait(c);
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
	/* Until the station.started entry is in, every other append is
	 * refused (station.h): the daemon retries that entry itself, and
	 * no camera copies a file only to be refused. */
	if (d->st->start_pending) {
		d->full_retries++;
		return;
	}
	if (d->prober == NULL)
		for (c = d->cams; c != NULL; c = c->next)
			if (c->waiting && !c->busy) {
				d->prober = c;
				break;
			}
	if (d->prober == NULL) {
		/* Nothing waits for space (the state came from the start,
		 * or its cameras left): nothing is paused any more. */
		for (c = d->cams; c != NULL; c = c->next)
			if (c->waiting)
				return;
		store_full_leave(d);
		return;
	}
	if ((c = d->prober) != NULL && c->waiting && !c->busy) {
		c->waiting = 0;
		session_next(c);
	}
}

void
dock_disk_full(struct dock *d, const char *why)
{
	if (d != NULL)
		store_full_enter(d, NULL, why, 0);
}
