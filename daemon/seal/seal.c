/*
 * seal: copy, hash, verify, probe and log one file (seal.h).
 *
 * A request is a struct job (seal_int.h).  Before step 1 a small job on
 * the thread pool fstat()s the source and the loop asks the catalog for
 * the fast path's hint (find_hint()); step 1 (seal_copy.c: copy, hash,
 * re-read) runs on the thread pool too; everything after it runs on the
 * loop thread: the catalog look-up, the probe, the entry (built by
 * seal_entry.c) and the callback.
 *
 * seal_start_stored() enters with the object already in the store (the
 * upload wrote it while receiving it): its step 1 is seal_verify_work, the
 * re-read and match alone, and the rest is the same.
 *
 * Jobs for the same object from the same camera are serialised from the
 * catalog look-up to the callback: the sealer keeps the jobs past step 1
 * in "held" (one per object and camera) and parks a second job for the
 * same pair in "waiting" until the first has called back; it then looks
 * the pair up again and finds the first one's entry.  The same object
 * from another camera is that camera's own segment, so such jobs run
 * side by side; which of them names the other in "same_object_as" is
 * decided when each entry is built (seal_entry.c), on the loop thread
 * right before its append, so the later entry always names the earlier.
 *
 * A FAILED result's rc says why nothing was appended:
 *	CUSTOS_ERR_INVALID	not a regular file
 *	CUSTOS_ERR_BUSY		changed while being read (still growing,
 *				truncated or rewritten): try again later
 *	CUSTOS_ERR_SYSTEM	read error, or the store or the media child
 *				failed; reason carries strerror and errno is
 *				set during the callback
 *	CUSTOS_ERR_NOSPACE	the store is full: pause and retry
 *	CUSTOS_ERR_CORRUPT	the stored copy does not re-read as written,
 *				or the log holds an entry the catalog cannot
 *				apply
 *	others			the log or catalog failed (CUSTOS_ERR_DB, ...)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
#include "custos/log.h"
#include "custos/store.h"
#include "custos/utf8.h"
#include "autolink.h"
#include "daemon/entry.h"
#include "daemon/journal.h"
#include "daemon/metrics.h"
#include "probe.h"
#include "seal.h"
#include "daemon/station.h"
#include "seal_int.h"

#define GIB		(UINT64_C(1) << 30)
#define PROBE_BASE_MS	30000
#define PROBE_GIB_MS	10000

static void	lookup(struct job *);

/* The pipeline's queue depths for /metrics. */
static void
gauges(const struct sealer *s)
{
	metrics_seal_queues(&s->st->metrics, s->pending - s->probing,
	    s->probing);
}

/* A new entry: counted by source, its time into the histogram. */
static void
count_sealed(const struct job *j)
{
	struct metrics *m = &j->s->st->metrics;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	metrics_sealed(m, metrics_source_of(j->source), j->size);
	metrics_seal_time(m, (double)(now.tv_sec - j->t0.tv_sec) +
	    (double)(now.tv_nsec - j->t0.tv_nsec) / 1e9);
}

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	free(j->camera);
	free(j->source);
	free(j->path);
	free(j->officer);
	json_decref(j->extra);
	free(j);
}

/* Fills j->reason from what failed and the code. */
static void
set_reason(struct job *j)
{
	const char *what = j->what ? j->what : custos_strerror(j->rc);

	if (j->plain || j->what == NULL)
		snprintf(j->reason, sizeof(j->reason), "%s", what);
	else
		snprintf(j->reason, sizeof(j->reason), "%s: %s", what,
		    j->rc == CUSTOS_ERR_SYSTEM && j->err != 0 ?
		    strerror(j->err) : custos_strerror(j->rc));
}

/* A failure on the loop thread. */
static void
fail2(struct job *j, int rc, const char *what)
{
	j->err = rc == CUSTOS_ERR_SYSTEM ? errno : 0;
	j->rc = rc;
	j->what = what;
}

static void
log_outcome(const struct job *j, enum seal_outcome outcome)
{
	enum digest_alg alg = j->s->st->cfg->digest_alg;
	char obj[HEX_ENCLEN(DIGEST_LEN)], leaf[HEX_ENCLEN(DIGEST_LEN)];
	const char *cam = j->camera;	/* a serial checked by its source */
	char path[LOG_QUOTE_LEN], same[48] = "";

	log_quote(j->path, path, sizeof(path));
	hex_encode(j->object, DIGEST_LEN, obj);
	hex_encode(j->leaf, DIGEST_LEN, leaf);
	if (j->has_same)
		snprintf(same, sizeof(same), " same_object_as=%llu",
		    (unsigned long long)j->same_as);
	if (outcome == SEAL_NEW)
		log_info("sealed camera=%s %s=%s leaf=%s index=%llu size=%llu "
		    "decodable=%d path=%s%s", cam, digest_name(alg),
		    obj, leaf, (unsigned long long)j->index,
		    (unsigned long long)j->size, j->decodable,
		    path, same);
	else if (outcome == SEAL_EXISTS)
		log_info("already sealed camera=%s %s=%s index=%llu path=%s%s",
		    cam, digest_name(alg), obj,
		    (unsigned long long)j->index, path,
		    j->fast ? " hash_only=1" : "");
	else if (j->rc == CUSTOS_ERR_NOSPACE)
		/* A full disk is a state, reported by the caller once (the
		 * dock) or per request (uploads), not per retried file. */
		log_debug("%s: not sealed camera=%s path=%s: %s", __func__,
		    cam, path, j->reason);
	else
		log_warnx("not sealed camera=%s path=%s rc=%d reason=\"%s\"",
		    cam, path, j->rc, j->reason);
}

/* Whether a and b seal the same object from the same camera. */
static int
same_key(const struct job *a, const struct job *b)
{
	return memcmp(a->object, b->object, DIGEST_LEN) == 0 &&
	    strcmp(a->camera, b->camera) == 0;
}

/*
 * Takes j out of s->held and moves the jobs waiting for its object and
 * camera to a list of their own, which it returns.
 */
static struct job *
release(struct sealer *s, struct job *j)
{
	struct job **pp, *w, *wake = NULL;

	for (pp = &s->held; *pp != NULL && *pp != j; pp = &(*pp)->next)
		;
	if (*pp == NULL)
		return NULL;
	*pp = j->next;
	j->next = NULL;
	for (pp = &s->waiting; (w = *pp) != NULL;) {
		if (same_key(w, j)) {
			*pp = w->next;
			w->next = wake;
			wake = w;
		} else
			pp = &w->next;
	}
	return wake;
}

static int
is_held(const struct sealer *s, const struct job *j)
{
	const struct job *h;

	for (h = s->held; h != NULL; h = h->next) {
		if (same_key(h, j))
			return 1;
	}
	return 0;
}

/* Holds j's object and camera and goes on, or parks j behind the holder. */
static void
hold(struct job *j)
{
	struct sealer *s = j->s;

	if (is_held(s, j)) {
		j->next = s->waiting;
		s->waiting = j;
		return;
	}
	j->next = s->held;
	s->held = j;
	lookup(j);
}

/*
 * Calls back and frees j.  The waiters are detached before the callback,
 * which may free the sealer once nothing is pending; with waiters
 * something still is, so s stays valid for them.
 */
static void
finish(struct job *j, enum seal_outcome outcome)
{
	struct seal_result r;
	struct job *wake, *next;

	memset(&r, 0, sizeof(r));
	r.outcome = outcome;
	r.index = j->index;
	r.size = j->size;
	r.decodable = j->decodable;
	r.bytes_stored = j->stored;
	r.hash_only = j->fast;
	memcpy(r.object, j->object, DIGEST_LEN);
	if (outcome == SEAL_FAILED) {
		set_reason(j);
		r.rc = j->rc;
		r.reason = j->reason;
	}
	log_outcome(j, outcome);
	if (outcome == SEAL_NEW)
		count_sealed(j);
	wake = release(j->s, j);
	j->s->pending--;
	gauges(j->s);
	if (outcome == SEAL_FAILED && j->rc == CUSTOS_ERR_SYSTEM)
		errno = j->err;
	j->cb(j->arg, &r);
	job_free(j);
	for (; wake != NULL; wake = next) {
		next = wake->next;
		wake->next = NULL;
		hold(wake);
	}
}

/* Why the fast path did not apply, when the catalog expected it to. */
static void
log_fast_miss(const struct job *j)
{
	enum digest_alg alg = j->s->st->cfg->digest_alg;
	char want[DIGEST_STRLEN], got[DIGEST_STRLEN];
	const char *cam = j->camera;	/* a serial checked by its source */
	char path[LOG_QUOTE_LEN];

	log_quote(j->path, path, sizeof(path));

	digest_format(alg, j->hint_object, want, sizeof(want));
	if (j->mismatch) {
		digest_format(alg, j->found, got, sizeof(got));
		log_warnx("seal: camera=%s path=%s changed under the same "
		    "name, size and mtime: expected=%s found=%s; copying it "
		    "again", cam, path, want, got);
	} else if (j->store_lacks)
		log_warnx("seal: camera=%s path=%s object=%s is sealed but "
		    "not in the store as sealed; copying it again",
		    cam, path, want);
}

/* Back on the loop after step 1. */
static void
copy_done(uv_work_t *work, int status)
{
	struct job *j = work->data;

	log_fast_miss(j);

	if (status != 0) {
		errno = -status;
		fail2(j, CUSTOS_ERR_SYSTEM, "cancelled");
	}
	if (j->rc != 0) {
		finish(j, SEAL_FAILED);
		return;
	}
	hold(j);
}

/* Step 4: the probe has answered; append the entry. */
static void
probed(void *arg, const struct probe_result *r)
{
	struct job *j = arg;
	struct station *st = j->s->st;
	uint64_t before = log_size(st->log);
	json_t *payload = NULL;
	int rc;

	j->s->probing--;
	/* camera_prev must see every segment already in the log. */
	if ((rc = catalog_sync(j->s->cat, st->log)) != 0 ||
	    (rc = seal_entry_build(j, r, &payload)) != 0) {
		json_decref(payload);
		fail2(j, rc, "cannot build the entry");
		finish(j, SEAL_FAILED);
		return;
	}
	rc = station_append(st, ENTRY_SEGMENT_SEALED, payload, &j->index,
	    j->leaf);
	if (rc != 0 && log_size(st->log) == before) {
		json_decref(payload);
		fail2(j, rc, "cannot append the entry");
		finish(j, SEAL_FAILED);
		return;
	}
	/* The entry is durable even if the catalog lags; the next sync
	 * catches up, so the file is sealed. */
	if (rc != 0)
		log_warnx_r(rc, "catalog behind the log at index=%llu",
		    (unsigned long long)j->index);
	/* Linking is the inspections' business: the segment is sealed
	 * whether or not it could be linked. */
	if ((rc = autolink_segment(st, j->index, payload, NULL)) != 0)
		log_warnx_r(rc, "not linked to every inspection index=%llu "
		    "camera=%s", (unsigned long long)j->index, j->camera);
	json_decref(payload);
	j->decodable = r->status == PROBE_OK;
	finish(j, SEAL_NEW);
}

/* Probe time: generous for slow disks, longer for longer files. */
static unsigned
probe_timeout(uint64_t size)
{
	uint64_t ms = PROBE_BASE_MS + PROBE_GIB_MS * ((size + GIB - 1) / GIB);

	return ms > UINT_MAX ? UINT_MAX : (unsigned)ms;
}

/* Step 3: the stored object, read-only, to the media child. */
static void
start_probe(struct job *j)
{
	struct sealer *s = j->s;
	char path[PATH_MAX];
	int fd, rc, saved;

	if ((rc = store_path(s->st->store, j->object, path, sizeof(path))) !=
	    0) {
		fail2(j, rc, "store path");
		finish(j, SEAL_FAILED);
		return;
	}
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		fail2(j, CUSTOS_ERR_SYSTEM, "cannot open the stored object");
		finish(j, SEAL_FAILED);
		return;
	}
	/* On success j belongs to the probe's callback from here on. */
	rc = probe_start(s->loop, s->self, fd, s->st->cfg->digest_alg,
	    probe_timeout(j->size), s->st->store, j->object, probed, j);
	saved = errno;
	close(fd);
	errno = saved;
	if (rc != 0) {
		fail2(j, rc, "cannot start the media child");
		finish(j, SEAL_FAILED);
		return;
	}
	s->probing++;
	gauges(s);
}

/*
 * Asks the catalog for the fast path's hint.  Any doubt (no row, a
 * catalog error, an object without a segment entry) leaves no hint: the
 * normal path is always right, only slower.
 */
static void
find_hint(struct job *j)
{
	struct catalog *cat = j->s->cat;
	char when[40];
	uint64_t index, size;

	if (j->st0_err != 0 || !S_ISREG(j->st0.st_mode) ||
	    catalog_sync(cat, j->s->st->log) != 0)
		return;
	entry_time(&j->st0.st_mtim, when, sizeof(when));
	if (catalog_file_object(cat, j->camera, j->path, strlen(j->path),
	    (uint64_t)j->st0.st_size, when, j->hint_object) != 0 ||
	    catalog_object(cat, j->hint_object, &index, &size) != 0 ||
	    size != (uint64_t)j->st0.st_size)
		return;
	j->hint = 1;
	j->verify_fast = j->s->st->cfg->after_ingest == AFTER_INGEST_DELETE;
}

/* Back on the loop: find the hint, then step 1. */
static void
stat_done(uv_work_t *work, int status)
{
	struct job *j = work->data;
	int rc;

	if (status != 0) {
		errno = -status;
		fail2(j, CUSTOS_ERR_SYSTEM, "cancelled");
		finish(j, SEAL_FAILED);
		return;
	}
	find_hint(j);
	if ((rc = uv_queue_work(j->s->loop, &j->work, seal_copy_work,
	    copy_done)) != 0) {
		errno = -rc;
		fail2(j, CUSTOS_ERR_SYSTEM, "cannot queue the copy");
		finish(j, SEAL_FAILED);
	}
}

/*
 * Step 2: has this camera sealed the object already?  The same bytes
 * sealed from another camera go on: this camera's custody of them is a
 * segment of its own.
 */
static void
lookup(struct job *j)
{
	uint64_t size;
	int rc;

	if ((rc = catalog_sync(j->s->cat, j->s->st->log)) != 0) {
		fail2(j, rc, "catalog");
		finish(j, SEAL_FAILED);
		return;
	}
	rc = catalog_camera_object(j->s->cat, j->camera, j->object, &j->index,
	    &size);
	if (rc == 0) {
		finish(j, SEAL_EXISTS);
		return;
	}
	if (rc != CUSTOS_ERR_NOTFOUND) {
		fail2(j, rc, "catalog");
		finish(j, SEAL_FAILED);
		return;
	}
	start_probe(j);
}

int
seal_new(uv_loop_t *loop, struct station *st, struct catalog *cat,
    const char *self, struct sealer **out)
{
	struct sealer *s;

	*out = NULL;
	if (loop == NULL || st == NULL || cat == NULL || self == NULL)
		return CUSTOS_ERR_INVALID;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((s->self = strdup(self)) == NULL) {
		free(s);
		return CUSTOS_ERR_NOMEM;
	}
	s->loop = loop;
	s->st = st;
	s->cat = cat;
	*out = s;
	return 0;
}

static int
text_ok(const char *s)
{
	return s != NULL && *s != '\0' && utf8_valid(s, strlen(s));
}

/* extra must be an object that sets none of the pipeline's own keys. */

static int
check_req(const struct seal_req *req)
{
	if (req->fd < 0 || !text_ok(req->camera) || !text_ok(req->source) ||
	    req->path == NULL || req->path[0] == '\0' ||
	    (req->officer != NULL && !text_ok(req->officer)))
		return CUSTOS_ERR_INVALID;
	return req->extra != NULL ? seal_entry_check_extra(req->extra) : 0;
}

/*
 * A job for req (its strings and extra copied) that calls cb(arg).
 * Returns 0 and *out, or CUSTOS_ERR_NOMEM (nothing is left).
 */
static int
job_new(struct sealer *s, const struct seal_req *req, seal_cb cb, void *arg,
    struct job **out)
{
	struct job *j;

	if ((*out = j = calloc(1, sizeof(*j))) == NULL)
		return CUSTOS_ERR_NOMEM;
	j->s = s;
	j->fd = req->fd;
	j->cb = cb;
	j->arg = arg;
	j->work.data = j;
	clock_gettime(CLOCK_MONOTONIC, &j->t0);
	if ((j->camera = strdup(req->camera)) == NULL ||
	    (j->source = strdup(req->source)) == NULL ||
	    (j->path = strdup(req->path)) == NULL ||
	    (req->officer != NULL &&
	    (j->officer = strdup(req->officer)) == NULL) ||
	    (req->extra != NULL &&
	    (j->extra = json_deep_copy(req->extra)) == NULL)) {
		job_free(j);
		*out = NULL;
		return CUSTOS_ERR_NOMEM;
	}
	return 0;
}

/*
 * Queues j's first step, work on the thread pool and then after on the
 * loop; j is pending from now on.  Returns 0, or CUSTOS_ERR_SYSTEM (errno
 * set) after freeing j.
 */
static int
job_queue(struct job *j, uv_work_cb work, uv_after_work_cb after)
{
	struct sealer *s = j->s;
	int rc;

	if ((rc = uv_queue_work(s->loop, &j->work, work, after)) != 0) {
		job_free(j);
		errno = -rc;
		return CUSTOS_ERR_SYSTEM;
	}
	s->pending++;
	gauges(s);
	return 0;
}

int
seal_start(struct sealer *s, const struct seal_req *req, seal_cb cb,
    void *arg)
{
	struct job *j;
	int rc;

	if (cb == NULL)
		return CUSTOS_ERR_INVALID;
	if ((rc = check_req(req)) != 0 ||
	    (rc = job_new(s, req, cb, arg, &j)) != 0)
		return rc;
	return job_queue(j, seal_stat_work, stat_done);
}

int
seal_start_stored(struct sealer *s, const struct seal_req *req,
    const uint8_t object[DIGEST_LEN], uint64_t size, seal_cb cb, void *arg)
{
	struct seal_req r = *req;
	struct job *j;
	int rc;

	if (cb == NULL || object == NULL)
		return CUSTOS_ERR_INVALID;
	r.fd = 0;	/* check_req() wants a descriptor; none is read */
	if ((rc = check_req(&r)) != 0 ||
	    (rc = job_new(s, &r, cb, arg, &j)) != 0)
		return rc;
	j->fd = -1;
	memcpy(j->object, object, DIGEST_LEN);
	j->size = size;
	clock_gettime(CLOCK_REALTIME, &j->mtime);
	/* Step 1 is only the re-read of the object in the store. */
	return job_queue(j, seal_verify_work, copy_done);
}

unsigned
seal_pending(const struct sealer *s)
{
	return s->pending;
}

void
seal_free(struct sealer *s)
{
	if (s == NULL)
		return;
	free(s->self);
	free(s);
}
