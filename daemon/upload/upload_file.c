/*
 * upload_file: the upload listener's routes (upload.h, docs/upload.md).
 *
 * A file is a struct partial from the first body byte on: a store writer
 * (temporary file in the store, hashed as it is written) and, when the
 * client declared a Content-Digest, a SHA-256 of its own, so that the
 * declared digest is checked before anything is committed to the store:
 * a mismatch leaves no object behind.  A partial whose total length is
 * known outlives a cut connection for PARTIAL_TTL_MS: HEAD tells how many
 * bytes are kept and PATCH with that Upload-Offset sends the rest.  The
 * hash state stays in memory with the writer, so the whole file is hashed
 * exactly once however often it was resumed; the price is that a daemon
 * restart drops the partial uploads (store_open() removes their
 * temporary files).
 *
 * Once every byte is in, the writer is committed on the thread pool
 * (fsync, rename) and the object goes through seal_start_stored(): re-read
 * and match, probe, segment.sealed entry.  SEAL_EXISTS means the same
 * bytes were sealed before from this camera: 200 with the existing entry,
 * nothing appended.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <uv.h>

#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/receipt.h"
#include "custos/registry.h"
#include "custos/rfc3339.h"
#include "custos/store.h"
#include "daemon/disk.h"
#include "daemon/entry.h"
#include "daemon/journal.h"
#include "daemon/seal/seal.h"
#include "daemon/station.h"
#include "upload.h"
#include "upload_int.h"

#define PARTIAL_TTL_MS	(24ULL * 3600 * 1000)
#define MAX_PARTIALS	256
#define NOT_SIGNED	"{\"error\":\"not yet in a signed checkpoint\"}"
#define BAD_OFFSET	"{\"error\":\"Upload-Offset does not match\"}"

static struct partial *
find_partial(struct upload *u, const char *serial, const char *name)
{
	struct partial *p;

	for (p = u->partials; p != NULL; p = p->next) {
		if (strcmp(p->serial, serial) == 0 &&
		    strcmp(p->name, name) == 0)
			return p;
	}
	return NULL;
}

/* Takes p out of the table of partial uploads. */
static void
unlist(struct upload *u, struct partial *p)
{
	struct partial **pp;

	for (pp = &u->partials; *pp != NULL && *pp != p; pp = &(*pp)->next)
		;
	if (*pp != NULL) {
		*pp = p->next;
		u->npartials--;
	}
	p->next = NULL;
}

/* Drops p and its temporary file. */
static void
partial_free(struct upload *u, struct partial *p)
{
	if (p == NULL)
		return;
	unlist(u, p);
	store_writer_abort(p->w);
	digest_free(p->sha);
	free(p);
}

static const char *
quoted(const char *s, char *buf)
{
	return log_quote(s, buf, LOG_QUOTE_LEN);
}

void
upload_detach(struct conn *c, int keep, const char *why)
{
	struct partial *p = c->p;
	char name[LOG_QUOTE_LEN];

	if (p == NULL)
		return;
	c->p = NULL;
	p->conn = NULL;
	if (keep && p->has_total && p->offset < p->total &&
	    !c->u->stopping) {
		p->expires = uv_now(c->u->loop) + PARTIAL_TTL_MS;
		log_info("upload: camera=%s name=%s kept offset=%llu of "
		    "%llu for a resume (%s)", p->serial, quoted(p->name, name),
		    (unsigned long long)p->offset,
		    (unsigned long long)p->total, why);
		return;
	}
	log_info("upload: camera=%s name=%s discarded after %llu bytes (%s)",
	    p->serial, quoted(p->name, name), (unsigned long long)p->offset,
	    why);
	partial_free(c->u, p);
}

void
upload_expire(struct upload *u, int all)
{
	struct partial *p, *next;
	char name[LOG_QUOTE_LEN];
	uint64_t now = uv_now(u->loop);

	for (p = u->partials; p != NULL; p = next) {
		next = p->next;
		if (p->conn != NULL || (!all && p->expires > now))
			continue;
		log_info("upload: camera=%s name=%s partial upload of %llu "
		    "bytes dropped (%s)", p->serial, quoted(p->name, name),
		    (unsigned long long)p->offset, all ? "daemon stopping" :
		    "expired");
		partial_free(u, p);
	}
}

/* The partial's connection goes away: it answers 409 and p is free. */
static void
take_over(struct partial *p)
{
	struct conn *old = p->conn;

	if (old == NULL)
		return;
	old->p = NULL;
	p->conn = NULL;
	conn_error(old, 409, "superseded by a newer request for this file");
}

static void
attach(struct conn *c, struct partial *p)
{
	c->p = p;
	p->conn = c;
	conn_body(c);
}

/* Whether serial is a registered device: 0, NOTFOUND or an error. */
static int
device_lookup(struct upload *u, const char *serial)
{
	struct registry_device *d = NULL;
	int rc;

	rc = registry_device(u->st->registry, serial, &d);
	if (rc == 0)
		registry_device_free(d);
	return rc;
}

/* Registered devices only; the cert must name the camera. */
static int
camera_known(struct conn *c, const char *serial)
{
	int rc = device_lookup(c->u, serial);

	if (rc == CUSTOS_ERR_NOTFOUND) {
		conn_error(c, 403, "unknown camera: not a registered device");
		return 0;
	}
	if (rc != 0) {
		log_warnx_r(rc, "upload: registry look-up camera=%s", serial);
		conn_error(c, 500, "registry error");
		return 0;
	}
	return 1;
}

static void
route_checkpoint(struct conn *c)
{
	uint64_t size;
	char *note;
	size_t len;
	int rc;

	if ((rc = log_checkpoint_latest(c->u->st->log, &size, &note, &len)) !=
	    0) {
		conn_error(c, rc == CUSTOS_ERR_NOTFOUND ? 404 : 500,
		    "no signed checkpoint");
		return;
	}
	conn_reply(c, 200, NULL, "text/plain; charset=utf-8", note, len);
	free(note);
}

/* The entry's "camera" is one the certificate names. */
static int
entry_of(struct conn *c, uint64_t index)
{
	uint8_t *data;
	size_t len;
	json_t *e, *cam;
	int ok = 0;

	if (log_entry(c->u->st->log, index, &data, &len) != 0)
		return 0;
	if ((e = json_loadb((const char *)data, len, 0, NULL)) != NULL) {
		cam = json_object_get(e, "camera");
		ok = json_is_string(cam) && conn_names(c,
		    json_string_value(cam));
		json_decref(e);
	}
	free(data);
	return ok;
}

static void
route_receipt(struct conn *c)
{
	struct station *st = c->u->st;
	uint64_t index = c->req.index;
	char *text;
	size_t len;
	int rc;

	if (index >= log_size(st->log)) {
		conn_error(c, 404, "no such entry");
		return;
	}
	if (!entry_of(c, index)) {
		conn_error(c, 403, "not an entry of this camera");
		return;
	}
	rc = receipt_format(st->log, index, 0, &text, &len);
	if (rc == CUSTOS_ERR_NOTFOUND) {
		conn_reply(c, 404, "Retry-After: 2\r\n", "application/json",
		    NOT_SIGNED, strlen(NOT_SIGNED));
		return;
	}
	if (rc != 0) {
		log_warnx_r(rc, "upload: receipt index=%llu",
		    (unsigned long long)index);
		conn_error(c, 500, "cannot build the receipt");
		return;
	}
	conn_reply(c, 200, NULL, "text/plain; charset=utf-8", text, len);
	free(text);
}

static void
route_head(struct conn *c)
{
	struct partial *p = find_partial(c->u, c->req.serial, c->req.name);
	char h[128];

	if (p == NULL) {
		conn_reply(c, 404, NULL, "application/json", "", 0);
		return;
	}
	take_over(p);
	if (p->has_total)
		snprintf(h, sizeof(h), "Upload-Offset: %llu\r\n"
		    "Upload-Length: %llu\r\n", (unsigned long long)p->offset,
		    (unsigned long long)p->total);
	else
		snprintf(h, sizeof(h), "Upload-Offset: %llu\r\n",
		    (unsigned long long)p->offset);
	conn_reply(c, 200, h, "application/json", "", 0);
}

static void
route_put(struct conn *c)
{
	struct upload *u = c->u;
	struct upload_req *r = &c->req;
	struct partial *p;
	int rc;

	if ((p = find_partial(u, r->serial, r->name)) != NULL) {
		take_over(p);
		partial_free(u, p);	/* a new PUT starts over */
	}
	if (u->npartials >= MAX_PARTIALS) {
		conn_error(c, 503, "too many uploads in progress");
		return;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (r->has_digest && digest_new(DIGEST_SHA256, &p->sha) != 0)) {
		free(p);
		conn_error(c, 500, "out of memory");
		return;
	}
	if ((rc = store_writer_new(u->st->store, &p->w)) != 0) {
		digest_free(p->sha);
		free(p);
		log_warnx_r(rc, "upload: cannot start a store object");
		conn_error(c, rc == CUSTOS_ERR_NOSPACE ? 507 : 500,
		    "cannot store the file");
		return;
	}
	snprintf(p->serial, sizeof(p->serial), "%s", r->serial);
	snprintf(p->name, sizeof(p->name), "%s", r->name);
	snprintf(p->cert, sizeof(p->cert), "%s", c->cert);
	p->has_digest = r->has_digest;
	memcpy(p->want, r->digest, sizeof(p->want));
	p->has_total = r->has_total || r->has_length;
	p->total = r->has_total ? r->total : r->length;
	p->has_recorded = r->has_recorded;
	p->recorded_ms = r->recorded_ms;
	p->next = u->partials;
	u->partials = p;
	u->npartials++;
	attach(c, p);
}

/* The PATCH agrees with what the first request declared. */
static const char *
patch_conflict(const struct upload_req *r, struct partial *p)
{
	if (r->has_total && p->has_total && r->total != p->total)
		return "Upload-Length differs from the first request";
	if (r->has_length && (p->has_total || r->has_total) &&
	    r->length > (r->has_total ? r->total : p->total) - r->offset)
		return "body would pass Upload-Length";
	if (r->has_digest && p->has_digest &&
	    memcmp(r->digest, p->want, sizeof(p->want)) != 0)
		return "Content-Digest differs from the first request";
	if (r->has_digest && !p->has_digest && p->offset > 0)
		return "Content-Digest must come with the first request";
	return NULL;
}

static void
route_patch(struct conn *c)
{
	struct upload_req *r = &c->req;
	struct partial *p = find_partial(c->u, r->serial, r->name);
	const char *why;
	char h[64];

	if (p == NULL) {
		conn_error(c, 404, "no partial upload of this file: "
		    "start again with PUT");
		return;
	}
	take_over(p);
	if (r->offset != p->offset) {
		snprintf(h, sizeof(h), "Upload-Offset: %llu\r\n",
		    (unsigned long long)p->offset);
		log_warnx("upload: refused peer=%s camera=%s status=409 "
		    "reason=\"Upload-Offset %llu, kept %llu\"", c->peer,
		    r->serial, (unsigned long long)r->offset,
		    (unsigned long long)p->offset);
		conn_reply(c, 409, h, "application/json", BAD_OFFSET,
		    strlen(BAD_OFFSET));
		return;
	}
	if ((why = patch_conflict(r, p)) != NULL) {
		conn_error(c, 400, why);
		return;
	}
	if (r->has_digest && !p->has_digest) {
		if (digest_new(DIGEST_SHA256, &p->sha) != 0) {
			conn_error(c, 500, "out of memory");
			return;
		}
		p->has_digest = 1;
		memcpy(p->want, r->digest, sizeof(p->want));
	}
	if (r->has_total && !p->has_total) {
		p->has_total = 1;
		p->total = r->total;
	}
	attach(c, p);
}

/*
 * At the [disk] stop_ingest floor (daemon/disk.h) a body is not taken:
 * 507 with Retry-After, the camera keeps its file and tries again.  The
 * daemon logged the state once; a refusal here is only counted.
 * Returns 1 when the body may come.
 */
static int
room_for_body(struct conn *c)
{
	char why[160], hdr[64], *s;
	json_t *j;

	if (disk_admit(&c->u->st->disk, why, sizeof(why)) == 0)
		return 1;
	snprintf(hdr, sizeof(hdr), "Retry-After: %d\r\n", DISK_RETRY_S);
	if ((j = json_pack("{s:s, s:s}", "error", "insufficient storage: "
	    "ingest paused", "reason", why)) == NULL ||
	    (s = json_dumps(j, JSON_COMPACT)) == NULL) {
		json_decref(j);
		conn_reply(c, 507, hdr, "application/json", "", 0);
		return 0;
	}
	conn_reply(c, 507, hdr, "application/json", s, strlen(s));
	free(s);
	json_decref(j);
	return 0;
}

void
upload_route(struct conn *c)
{
	struct upload_req *r = &c->req;
	char buf[UPLOAD_SERIAL_MAX + 64];
	size_t i;

	if (r->route == UPLOAD_R_FILE) {
		if (!conn_names(c, r->serial)) {
			snprintf(buf, sizeof(buf), "client certificate is not "
			    "for camera %s", r->serial);
			conn_error(c, 403, buf);
			return;
		}
		if (!camera_known(c, r->serial))
			return;
		if (r->method == HTTP_HEAD)
			route_head(c);
		else if (!room_for_body(c))
			return;
		else if (r->method == HTTP_PUT)
			route_put(c);
		else
			route_patch(c);
		return;
	}
	/* The reading routes: any registered camera the cert names. */
	for (i = 0; i < c->nids; i++) {
		if (device_lookup(c->u, c->ids[i]) == 0)
			break;
	}
	if (i == c->nids) {
		conn_error(c, 403, "unknown camera: not a registered device");
		return;
	}
	if (r->route == UPLOAD_R_CHECKPOINT)
		route_checkpoint(c);
	else
		route_receipt(c);
}

int
upload_body(void *arg, const char *buf, size_t len)
{
	struct conn *c = arg;
	struct partial *p = c->p;
	int rc;

	if (p == NULL)
		return upload_req_fail(&c->req, 400, "unexpected body");
	if (p->has_total && len > p->total - p->offset)
		return upload_req_fail(&c->req, 400,
		    "body longer than Upload-Length");
	if ((rc = store_writer_write(p->w, buf, len)) != 0) {
		log_warnx_r(rc, "upload: camera=%s store write", p->serial);
		return upload_req_fail(&c->req, rc == CUSTOS_ERR_NOSPACE ?
		    507 : 500, "cannot store the file");
	}
	if (p->sha != NULL && digest_update(p->sha, buf, len) != 0)
		return upload_req_fail(&c->req, 500, "hash error");
	p->offset += len;
	c->u->bytes += len;
	return 0;
}

/* The declared Content-Digest, checked before the commit. */
static int
digest_matches(struct partial *p)
{
	uint8_t got[DIGEST_LEN];
	char want[DIGEST_STRLEN], have[DIGEST_STRLEN], name[LOG_QUOTE_LEN];

	if (!p->has_digest)
		return 1;
	if (digest_final(p->sha, got) == 0 &&
	    memcmp(got, p->want, sizeof(p->want)) == 0)
		return 1;
	digest_format(DIGEST_SHA256, p->want, want, sizeof(want));
	digest_format(DIGEST_SHA256, got, have, sizeof(have));
	log_warnx("upload: camera=%s name=%s Content-Digest mismatch "
	    "declared=%s received=%s size=%llu; nothing stored", p->serial,
	    quoted(p->name, name), want, have, (unsigned long long)p->offset);
	return 0;
}

static void
commit_work(uv_work_t *w)
{
	struct conn *c = w->data;
	int existed;

	c->commit_rc = store_writer_commit(c->p->w, c->object, &c->size,
	    &existed);
	c->commit_err = errno;
	c->p->w = NULL;		/* freed by the commit in every case */
}

/* The entry's answer: 201 for a new entry, 200 for an existing one. */
static void
answer_entry(struct conn *c, int status, uint64_t index)
{
	struct station *st = c->u->st;
	enum digest_alg alg = st->cfg->digest_alg;
	char obj[DIGEST_STRLEN], leaf[DIGEST_STRLEN], path[64];
	uint8_t lh[DIGEST_LEN];
	uint64_t cp;
	json_t *j;
	char *s;

	digest_format(alg, c->object, obj, sizeof(obj));
	if (log_leaf(st->log, index, lh) != 0)
		memset(lh, 0, sizeof(lh));
	digest_format(alg, lh, leaf, sizeof(leaf));
	snprintf(path, sizeof(path), "/v1/entries/%llu/receipt",
	    (unsigned long long)index);
	/* Covered already, or by the next checkpoint (at least this size). */
	cp = st->checkpoint_size > index ? st->checkpoint_size :
	    log_size(st->log);
	j = json_pack("{s:I, s:s, s:s, s:I, s:I, s:b, s:s}",
	    "index", (json_int_t)index, "object", obj, "leaf", leaf,
	    "size", (json_int_t)c->size, "checkpoint_size", (json_int_t)cp,
	    "checkpoint_signed", st->checkpoint_size > index, "receipt", path);
	if (j == NULL || (s = json_dumps(j, JSON_COMPACT)) == NULL) {
		json_decref(j);
		conn_error(c, 500, "out of memory");
		return;
	}
	c->u->sealed++;
	conn_reply(c, status, NULL, "application/json", s, strlen(s));
	free(s);
	json_decref(j);
}

static void
finish(struct conn *c)
{
	struct upload *u = c->u;
	struct partial *p = c->p;

	c->p = NULL;
	partial_free(u, p);
	u->in_flight--;
	conn_unbusy(c);
}

static void
sealed(void *arg, const struct seal_result *res)
{
	struct conn *c = arg;
	char buf[300];

	if (res->outcome == SEAL_NEW)
		answer_entry(c, 201, res->index);
	else if (res->outcome == SEAL_EXISTS)
		answer_entry(c, 200, res->index);
	else {
		/* The sealer leaves a full disk to its callers to log. */
		if (res->rc == CUSTOS_ERR_NOSPACE)
			log_warnx("upload: camera=%s not sealed: %s (507)",
			    c->p->serial, res->reason);
		snprintf(buf, sizeof(buf), "not sealed: %s", res->reason);
		conn_error(c, res->rc == CUSTOS_ERR_NOSPACE ? 507 : 500, buf);
	}
	finish(c);
}

/* Extra entry fields: the certificate and the camera's recording time. */
static json_t *
extra_json(const struct partial *p)
{
	char when[RFC3339_LEN];
	json_t *x;

	if ((x = json_pack("{s:s}", "client_cert", p->cert)) == NULL)
		return NULL;
	if (p->has_recorded) {
		rfc3339_format(p->recorded_ms, when, sizeof(when));
		if (json_object_set_new(x, "recorded_at", json_string(when)) !=
		    0) {
			json_decref(x);
			return NULL;
		}
	}
	return x;
}

static int
start_seal(struct conn *c)
{
	struct station *st = c->u->st;
	struct partial *p = c->p;
	struct seal_req req;
	struct timespec now;
	char when[40], *officer = NULL;
	int rc;

	clock_gettime(CLOCK_REALTIME, &now);
	entry_time(&now, when, sizeof(when));
	rc = registry_camera_officer(st->registry, p->serial, when, &officer);
	if (rc != 0 && rc != CUSTOS_ERR_NOTFOUND)
		log_warnx_r(rc, "upload: camera=%s officer look-up", p->serial);
	memset(&req, 0, sizeof(req));
	req.fd = -1;
	req.camera = p->serial;
	req.source = "upload";
	req.path = p->name;
	req.officer = officer;
	if ((req.extra = extra_json(p)) == NULL)
		rc = CUSTOS_ERR_NOMEM;
	else
		rc = seal_start_stored(c->u->sealer, &req, c->object, c->size,
		    sealed, c);
	json_decref(req.extra);
	free(officer);
	return rc;
}

static void
commit_done(uv_work_t *w, int status)
{
	struct conn *c = w->data;
	int rc = c->commit_rc;

	if (status != 0)
		rc = CUSTOS_ERR_SYSTEM;
	if (rc == 0 && (rc = start_seal(c)) == 0)
		return;
	errno = c->commit_err;
	log_warnx_r(rc, "upload: camera=%s cannot seal the upload",
	    c->p->serial);
	conn_error(c, rc == CUSTOS_ERR_NOSPACE ? 507 : 500,
	    "cannot store the file");
	finish(c);
}

void
upload_complete(struct conn *c)
{
	struct partial *p = c->p;
	char h[64];
	int r;

	if (conn_leftover(c)) {
		upload_detach(c, 0, "data after the body");
		conn_error(c, 400, "data after the end of the body "
		    "(longer than Content-Length?)");
		return;
	}
	if (p->has_total && p->offset < p->total) {
		snprintf(h, sizeof(h), "Upload-Offset: %llu\r\n",
		    (unsigned long long)p->offset);
		upload_detach(c, 1, "request ended before Upload-Length");
		conn_reply(c, 204, h, "application/json", "", 0);
		return;
	}
	if (p->offset == 0) {
		upload_detach(c, 0, "empty body");
		conn_error(c, 400, "empty body");
		return;
	}
	if (!digest_matches(p)) {
		upload_detach(c, 0, "Content-Digest mismatch");
		conn_error(c, 400, "Content-Digest does not match the body");
		return;
	}
	/* From here the file is this connection's alone. */
	unlist(c->u, p);
	p->conn = NULL;
	c->state = C_WORK;
	conn_pause(c);
	c->busy = 1;
	c->u->in_flight++;
	c->work.data = c;
	if ((r = uv_queue_work(c->u->loop, &c->work, commit_work,
	    commit_done)) != 0) {
		errno = -r;
		log_warnx_r(CUSTOS_ERR_SYSTEM, "upload: cannot queue a commit");
		conn_error(c, 500, "cannot store the file");
		finish(c);
	}
}
