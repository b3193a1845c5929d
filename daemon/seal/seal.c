/*
 * seal: copy, hash, verify, probe and log one file (seal.h).
 *
 * A request is a struct job.  Step 1 (copy_work) runs on libuv's thread
 * pool and touches only the job, the source descriptor and the store
 * (whose writers and store_verify() are safe to use from several threads
 * at once); everything after it runs on the loop thread.  The job owns a
 * 1 MiB read buffer only while it copies, so memory does not grow with
 * file size, and the source pages are dropped from the page cache after
 * the copy so two dozen cameras do not push everything else out of it.
 *
 * seal_start_stored() enters with the object already in the store (the
 * upload wrote it while receiving it): its step 1 is verify_work, the
 * re-read and match alone, and the rest is the same.
 *
 * The fast path for files docked again unchanged.  Before step 1 a small
 * job on the thread pool fstat()s the source (stat_work), and the loop
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
 *
 * Jobs whose objects are equal are serialised from the catalog look-up to
 * the callback: the sealer keeps the jobs past step 1 in "held" (one per
 * object) and parks a second job for the same object in "waiting" until
 * the first has called back; it then looks the object up again and
 * finds the first one's entry.
 *
 * The segment.sealed entry (after type, index, time and station, which
 * entry.c writes), in this order:
 *
 *	object		"<alg>:<hex>" of the exact bytes, alg the profile's
 *			hash ("sha256" or "sm3")
 *	size		bytes
 *	camera		camera serial
 *	source		"usb", "upload" or "live"
 *	path		name on the volume; when it is not valid UTF-8, each
 *			invalid byte is replaced by U+FFFD and path_hex
 *			follows with the exact bytes in lowercase hex
 *	mtime		the source's modification time from fstat, UTC
 *			"YYYY-MM-DDThh:mm:ss.sssZ"
 *	officer		assigned officer, only when known
 *	camera_prev	"<alg>:<hex>" leaf hash of the camera's previous
 *			segment.sealed entry; absent for its first segment
 *	decodable	true only when the probe demuxed it to the end
 *	media		for probe status ok and damaged:
 *			{container, streams: [{kind, codec, width, height}]
 *			(width and height for video streams only),
 *			duration_ms (absent if unknown), recorded_start
 *			(RFC 3339 as mtime; absent if the container has
 *			none), packets, packet_root "<alg>:<hex>"}
 *	probe		when the status is not ok: {status: "not_media",
 *			"damaged", "crashed", "timeout" or "failed", error:
 *			the child's or parent's text, absent if empty}
 *	...		then the request's extra fields
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
#include "custos/err.h"
#include "custos/log.h"
#include "custos/store.h"
#include "custos/utf8.h"
#include "autolink.h"
#include "daemon/entry.h"
#include "daemon/journal.h"
#include "probe.h"
#include "seal.h"
#include "daemon/station.h"

#define CHUNK		(1 << 20)
#define GIB		(UINT64_C(1) << 30)
#define PROBE_BASE_MS	30000
#define PROBE_GIB_MS	10000
/* 9999-12-31T23:59:59.999Z: beyond it a "recorded start" is noise. */
#define MAX_START_MS	INT64_C(253402300799999)

struct sealer {
	uv_loop_t	*loop;
	struct station	*st;
	struct catalog	*cat;
	char		*self;
	unsigned	 pending;
	struct job	*held;		/* past step 1, one per object */
	struct job	*waiting;	/* for an object another job holds */
};

struct job {
	uv_work_t	 work;
	struct sealer	*s;
	struct job	*next;		/* in s->held or s->waiting */
	seal_cb		 cb;
	void		*arg;
	int		 fd;
	char		*camera, *source, *path, *officer;
	json_t		*extra;
	/* The fast path's hint, set on the loop before step 1. */
	struct stat	 st0;		/* stat_work's fstat */
	int		 st0_err;	/* its errno, 0 if it worked */
	int		 hint;		/* the catalog named an object */
	uint8_t		 hint_object[DIGEST_LEN];
	int		 verify_fast;	/* re-read X too (after delete) */
	/* Written by step 1 on the thread pool, read on the loop after. */
	int		 fast;		/* X confirmed by hash only */
	int		 mismatch;	/* hashed to found, not X */
	int		 store_lacks;	/* hashed to X, store lacks X */
	uint8_t		 found[DIGEST_LEN];
	uint64_t	 stored;	/* bytes written to the store */
	int		 rc;
	int		 err;		/* errno for CUSTOS_ERR_SYSTEM */
	const char	*what;		/* what failed, static text */
	int		 plain;		/* what says it all: no rc text */
	struct timespec	 mtime;
	uint8_t		 object[DIGEST_LEN];
	uint64_t	 size;
	/* Loop thread only. */
	char		 reason[256];
	uint64_t	 index;
	uint8_t		 leaf[DIGEST_LEN];
	int		 decodable;
};

/* Keys the pipeline or entry.c sets; extra may not use them. */
static const char *const own_keys[] = {
	"type", "index", "time", "station", "object", "size", "camera",
	"source", "path", "path_hex", "mtime", "officer", "camera_prev",
	"decodable", "media", "probe",
};

static const char *const probe_names[] = {
	[PROBE_OK] = "ok",
	[PROBE_NOT_MEDIA] = "not_media",
	[PROBE_DAMAGED] = "damaged",
	[PROBE_CRASHED] = "crashed",
	[PROBE_TIMEOUT] = "timeout",
	[PROBE_FAILED] = "failed",
};

static void	lookup(struct job *);

/*
 * Returns a new JSON string of len bytes of s with every byte that is not
 * part of a valid UTF-8 sequence (and every NUL) replaced by U+FFFD, or
 * NULL on allocation failure.
 */
static json_t *
lossy_string(const char *s, size_t len)
{
	json_t *j;
	char *out;

	if (utf8_lossy(s, len, &out, NULL) != 0)
		return NULL;
	j = json_string(out);
	free(out);
	return j;
}

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
static void
copy_work(uv_work_t *work)
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
	char path[LOG_QUOTE_LEN];

	log_quote(j->path, path, sizeof(path));
	hex_encode(j->object, DIGEST_LEN, obj);
	hex_encode(j->leaf, DIGEST_LEN, leaf);
	if (outcome == SEAL_NEW)
		log_info("sealed camera=%s %s=%s leaf=%s index=%llu size=%llu "
		    "decodable=%d path=%s", cam, digest_name(alg),
		    obj, leaf, (unsigned long long)j->index,
		    (unsigned long long)j->size, j->decodable,
		    path);
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

/*
 * Takes j out of s->held and moves the jobs waiting for its object to a
 * list of their own, which it returns.
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
		if (memcmp(w->object, j->object, DIGEST_LEN) == 0) {
			*pp = w->next;
			w->next = wake;
			wake = w;
		} else
			pp = &w->next;
	}
	return wake;
}

static int
is_held(const struct sealer *s, const uint8_t object[DIGEST_LEN])
{
	const struct job *h;

	for (h = s->held; h != NULL; h = h->next) {
		if (memcmp(h->object, object, DIGEST_LEN) == 0)
			return 1;
	}
	return 0;
}

/* Holds j's object and goes on, or parks j behind the holder. */
static void
hold(struct job *j)
{
	struct sealer *s = j->s;

	if (is_held(s, j->object)) {
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
	wake = release(j->s, j);
	j->s->pending--;
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

static int
put(json_t *o, const char *key, json_t *v)
{
	return json_object_set_new(o, key, v) == 0 ? 0 : CUSTOS_ERR_NOMEM;
}

/* A fixed-size string of the probe result, never trusted to be UTF-8. */
static json_t *
probe_str(const char *buf, size_t size)
{
	return lossy_string(buf, strnlen(buf, size));
}

static json_t *
stream_json(const struct probe_stream *ps)
{
	json_t *o;

	if ((o = json_object()) == NULL)
		return NULL;
	if (put(o, "kind", probe_str(ps->kind, sizeof(ps->kind))) != 0 ||
	    put(o, "codec", probe_str(ps->codec, sizeof(ps->codec))) != 0 ||
	    (strncmp(ps->kind, "video", sizeof(ps->kind)) == 0 &&
	    (put(o, "width", json_integer(ps->width)) != 0 ||
	    put(o, "height", json_integer(ps->height)) != 0))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
streams_json(const struct probe_result *r)
{
	json_t *a;
	uint32_t i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < r->nstreams && i < PROBE_MAX_STREAMS; i++) {
		if (json_array_append_new(a, stream_json(&r->streams[i])) !=
		    0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *
time_ms_json(int64_t ms)
{
	struct timespec t;
	char buf[40];

	t.tv_sec = (time_t)(ms / 1000);
	t.tv_nsec = (long)(ms % 1000) * 1000000;
	entry_time(&t, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
media_json(const struct probe_result *r, enum digest_alg alg)
{
	char root[DIGEST_STRLEN];
	json_t *m;
	int rc;

	if ((m = json_object()) == NULL)
		return NULL;
	digest_format(alg, r->packet_root, root, sizeof(root));
	rc = put(m, "container", probe_str(r->container,
	    sizeof(r->container)));
	if (rc == 0)
		rc = put(m, "streams", streams_json(r));
	if (rc == 0 && r->duration_ms >= 0)
		rc = put(m, "duration_ms", json_integer(r->duration_ms));
	if (rc == 0 && r->start_ms >= 0 && r->start_ms <= MAX_START_MS)
		rc = put(m, "recorded_start", time_ms_json(r->start_ms));
	if (rc == 0)
		rc = put(m, "packets", json_integer((json_int_t)r->packets));
	if (rc == 0)
		rc = put(m, "packet_root", json_string(root));
	if (rc != 0) {
		json_decref(m);
		return NULL;
	}
	return m;
}

static json_t *
probe_json(const struct probe_result *r)
{
	int st = r->status;
	json_t *p;

	if ((p = json_object()) == NULL)
		return NULL;
	if (st < 0 || st > PROBE_FAILED)
		st = PROBE_FAILED;
	if (put(p, "status", json_string(probe_names[st])) != 0 ||
	    (r->error[0] != '\0' &&
	    put(p, "error", probe_str(r->error, sizeof(r->error))) != 0)) {
		json_decref(p);
		return NULL;
	}
	return p;
}

/* "path", and "path_hex" when the name is not UTF-8. */
static int
put_path(json_t *o, const char *path)
{
	size_t len = strlen(path);
	char *hex;
	int rc;

	if (utf8_valid(path, len))
		return put(o, "path", json_string(path));
	if ((rc = put(o, "path", lossy_string(path, len))) != 0)
		return rc;
	if ((hex = malloc(HEX_ENCLEN(len))) == NULL)
		return CUSTOS_ERR_NOMEM;
	hex_encode((const uint8_t *)path, len, hex);
	rc = put(o, "path_hex", json_string(hex));
	free(hex);
	return rc;
}

/* "camera_prev" from the catalog, absent for a camera's first segment. */
static int
put_prev(struct job *j, json_t *o, enum digest_alg alg)
{
	uint8_t leaf[DIGEST_LEN];
	char s[DIGEST_STRLEN];
	uint64_t index;
	int rc;

	rc = catalog_camera_last(j->s->cat, j->camera, &index, leaf);
	if (rc == CUSTOS_ERR_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	digest_format(alg, leaf, s, sizeof(s));
	return put(o, "camera_prev", json_string(s));
}

/* The fields before the probe's, in the documented order. */
static int
put_source(struct job *j, json_t *o, enum digest_alg alg)
{
	char obj[DIGEST_STRLEN], when[40];
	int rc;

	digest_format(alg, j->object, obj, sizeof(obj));
	entry_time(&j->mtime, when, sizeof(when));
	if ((rc = put(o, "object", json_string(obj))) != 0 ||
	    (rc = put(o, "size", json_integer((json_int_t)j->size))) != 0 ||
	    (rc = put(o, "camera", json_string(j->camera))) != 0 ||
	    (rc = put(o, "source", json_string(j->source))) != 0 ||
	    (rc = put_path(o, j->path)) != 0 ||
	    (rc = put(o, "mtime", json_string(when))) != 0)
		return rc;
	if (j->officer != NULL &&
	    (rc = put(o, "officer", json_string(j->officer))) != 0)
		return rc;
	return put_prev(j, o, alg);
}

static int
build_payload(struct job *j, const struct probe_result *r, json_t **out)
{
	enum digest_alg alg = j->s->st->cfg->digest_alg;
	json_t *o;
	int rc;

	if ((*out = o = json_object()) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = put_source(j, o, alg)) != 0 ||
	    (rc = put(o, "decodable", json_boolean(r->status == PROBE_OK)))
	    != 0)
		return rc;
	if ((r->status == PROBE_OK || r->status == PROBE_DAMAGED) &&
	    (rc = put(o, "media", media_json(r, alg))) != 0)
		return rc;
	if (r->status != PROBE_OK && (rc = put(o, "probe", probe_json(r))) != 0)
		return rc;
	if (j->extra != NULL && json_object_update(o, j->extra) != 0)
		return CUSTOS_ERR_NOMEM;
	return 0;
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

	/* camera_prev must see every segment already in the log. */
	if ((rc = catalog_sync(j->s->cat, st->log)) != 0 ||
	    (rc = build_payload(j, r, &payload)) != 0) {
		json_decref(payload);
		fail2(j, rc, "cannot build the entry");
		finish(j, SEAL_FAILED);
		return;
	}
	rc = station_append(st, "segment.sealed", payload, &j->index, j->leaf);
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
	    probe_timeout(j->size), probed, j);
	saved = errno;
	close(fd);
	errno = saved;
	if (rc != 0) {
		fail2(j, rc, "cannot start the media child");
		finish(j, SEAL_FAILED);
	}
}

/* Before step 1, on the thread pool: the source's size and mtime. */
static void
stat_work(uv_work_t *work)
{
	struct job *j = work->data;

	if (fstat(j->fd, &j->st0) == -1)
		j->st0_err = errno != 0 ? errno : EIO;
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
	if ((rc = uv_queue_work(j->s->loop, &j->work, copy_work,
	    copy_done)) != 0) {
		errno = -rc;
		fail2(j, CUSTOS_ERR_SYSTEM, "cannot queue the copy");
		finish(j, SEAL_FAILED);
	}
}

/* Step 2: is the object sealed already? */
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
	rc = catalog_object(j->s->cat, j->object, &j->index, &size);
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
check_extra(json_t *extra)
{
	size_t i;

	if (!json_is_object(extra))
		return CUSTOS_ERR_INVALID;
	for (i = 0; i < sizeof(own_keys) / sizeof(own_keys[0]); i++) {
		if (json_object_get(extra, own_keys[i]) != NULL)
			return CUSTOS_ERR_INVALID;
	}
	return 0;
}

static int
check_req(const struct seal_req *req)
{
	if (req->fd < 0 || !text_ok(req->camera) || !text_ok(req->source) ||
	    req->path == NULL || req->path[0] == '\0' ||
	    (req->officer != NULL && !text_ok(req->officer)))
		return CUSTOS_ERR_INVALID;
	return req->extra != NULL ? check_extra(req->extra) : 0;
}

static int
job_new(struct sealer *s, const struct seal_req *req, struct job **out)
{
	struct job *j;

	if ((*out = j = calloc(1, sizeof(*j))) == NULL)
		return CUSTOS_ERR_NOMEM;
	j->s = s;
	j->fd = req->fd;
	j->work.data = j;
	if ((j->camera = strdup(req->camera)) == NULL ||
	    (j->source = strdup(req->source)) == NULL ||
	    (j->path = strdup(req->path)) == NULL ||
	    (req->officer != NULL &&
	    (j->officer = strdup(req->officer)) == NULL) ||
	    (req->extra != NULL &&
	    (j->extra = json_deep_copy(req->extra)) == NULL))
		return CUSTOS_ERR_NOMEM;
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
	if ((rc = check_req(req)) != 0)
		return rc;
	if ((rc = job_new(s, req, &j)) != 0) {
		job_free(j);
		return rc;
	}
	j->cb = cb;
	j->arg = arg;
	if ((rc = uv_queue_work(s->loop, &j->work, stat_work, stat_done)) !=
	    0) {
		job_free(j);
		errno = -rc;
		return CUSTOS_ERR_SYSTEM;
	}
	s->pending++;
	return 0;
}

/* Step 1 for an object already in the store: only the re-read. */
static void
verify_work(uv_work_t *work)
{
	struct job *j = work->data;
	int rc;

	if ((rc = store_verify(j->s->st->store, j->object, j->size)) != 0)
		store_fail(j, rc);
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
	if ((rc = check_req(&r)) != 0)
		return rc;
	if ((rc = job_new(s, &r, &j)) != 0) {
		job_free(j);
		return rc;
	}
	j->fd = -1;
	j->cb = cb;
	j->arg = arg;
	memcpy(j->object, object, DIGEST_LEN);
	j->size = size;
	clock_gettime(CLOCK_REALTIME, &j->mtime);
	if ((rc = uv_queue_work(s->loop, &j->work, verify_work, copy_done)) !=
	    0) {
		job_free(j);
		errno = -rc;
		return CUSTOS_ERR_SYSTEM;
	}
	s->pending++;
	return 0;
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
