/*
 * web_footage: GET /footage/{index} and /footage/{index}.mp4
 * (docs/console.md, "The player and proofs").  The first is the sealed
 * object itself, the second its remux to fragmented MP4 (remux.h), made
 * once by the sandboxed media child into state_dir/console/remux/ and
 * kept there; both are sent with HTTP Range, from the open file, in
 * pieces.  A request for the start of the footage (no Range, or one from
 * byte 0) is a play: it appends evidence.accessed through the control
 * API before a byte goes out, and a refusal there is the answer.
 *
 * The remux runs in the loop's thread pool (the child is waited for
 * there; the daemon never parses the media).  Requests for a segment
 * whose remux is under way wait for that one (web_later()).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <http_parser.h>
#include <jansson.h>
#include <uv.h>

#include "custos/catalog.h"
#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/probe.h"
#include "custos/remux.h"
#include "custos/store.h"
#include "daemon/journal.h"
#include "daemon/station.h"
#include "web_int.h"
#include "web_range.h"

#define REMUX_TIMEOUT_MS	(30 * 60 * 1000)
#define REMUX_WAITERS		16

/* One request waiting for a remux. */
struct waiter {
	struct web_later *later;
	char		*range;		/* its Range header, or NULL */
	enum web_lang	 lang;
	char		 user[WEB_USER_MAX];
	uid_t		 uid;
	unsigned	 roles;
};

/* A remux under way. */
struct job {
	uv_work_t	 work;
	struct job	*next;
	char		 hex[2 * DIGEST_LEN + 1];
	char		 self[4096];
	char		 tmp[4200];
	char		 path[4200];
	int		 in_fd;
	int		 out_fd;
	uint64_t	 limit;
	int		 rc;
	struct probe_result res;
	struct waiter	 w[REMUX_WAITERS];
	unsigned	 nw;
	struct web	*web;
};

/* The remuxes under way, for every console of the daemon (there is one). */
static struct job *jobs;

/* What a footage request is about. */
struct seg {
	uint64_t	 index;
	int		 mp4;		/* .mp4 asked */
	char		 object[DIGEST_STRLEN];
	char		 hex[2 * DIGEST_LEN + 1];
	uint8_t		 hash[DIGEST_LEN];
	char		 container[64];
};

static int
parse_param(const char *p, struct seg *s)
{
	uint64_t v = 0;

	s->mp4 = 0;
	if (p == NULL || p[0] < '0' || p[0] > '9' ||
	    (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (strcmp(p, ".mp4") == 0)
		s->mp4 = 1;
	else if (*p != '\0')
		return -1;
	s->index = v;
	return 0;
}

/* The segment.sealed entry s->index: its object; 0 or an error page. */
static int
find_segment(const struct web_req *req, struct web_reply *rep,
    struct seg *s)
{
	struct station *st = web_station(req->web);
	enum digest_alg alg;
	const char *type, *obj, *cont, *colon;
	uint8_t *data;
	size_t len;
	uint64_t del;
	json_t *e;
	int rc;

	if (s->index >= log_size(st->log) ||
	    log_entry(st->log, s->index, &data, &len) != 0) {
		web_error(req, rep, 404, WEB_S(req, S_FOOTAGE_UNKNOWN));
		return -1;
	}
	e = json_loadb((const char *)data, len, 0, NULL);
	free(data);
	type = json_string_value(json_object_get(e, "type"));
	obj = json_string_value(json_object_get(e, "object"));
	cont = json_string_value(json_object_get(json_object_get(e, "media"),
	    "container"));
	if (type == NULL || strcmp(type, ENTRY_SEGMENT_SEALED) != 0 ||
	    obj == NULL || digest_parse(obj, &alg, s->hash) != 0 ||
	    (colon = strchr(obj, ':')) == NULL ||
	    strlen(colon + 1) >= sizeof(s->hex)) {
		json_decref(e);
		web_error(req, rep, 404, WEB_S(req, S_FOOTAGE_UNKNOWN));
		return -1;
	}
	snprintf(s->object, sizeof(s->object), "%s", obj);
	snprintf(s->hex, sizeof(s->hex), "%s", colon + 1);
	snprintf(s->container, sizeof(s->container), "%s",
	    cont != NULL ? cont : "");
	json_decref(e);
	if ((rc = catalog_deleted(st->catalog, s->hash, &del)) == 0) {
		/* The watching copy goes with the object it was made of. */
		(void)station_drop_remux(st, s->hash);
		web_error(req, rep, 410, WEB_S(req, S_FOOTAGE_DISPOSED));
		return -1;
	}
	if (rc != CUSTOS_ERR_NOTFOUND) {
		web_error(req, rep, 500, custos_strerror(rc));
		return -1;
	}
	return 0;
}

/* Sends fd (size bytes) as type, with range; takes fd. */
static void
send_file(const struct web_req *req, struct web_reply *rep, int fd,
    uint64_t size, const char *range, const char *type)
{
	uint64_t off = 0, len = size;
	int r;

	web_buf_printf(&rep->headers, "Accept-Ranges: bytes\r\n");
	if ((r = web_range_parse(range, size, &off, &len)) < 0) {
		close(fd);
		web_error(req, rep, 416, WEB_S(req, S_RANGE_BAD));
		web_buf_printf(&rep->headers, "Content-Range: bytes */%"
		    PRIu64 "\r\n", size);
		return;
	}
	if (r == 1) {
		rep->status = 206;
		web_buf_printf(&rep->headers, "Content-Range: bytes %" PRIu64
		    "-%" PRIu64 "/%" PRIu64 "\r\n", off, off + len - 1, size);
	} else
		rep->status = 200;
	rep->type = type;
	rep->fd = fd;
	rep->off = off;
	rep->len = len;
}

/* Opens path and sends it; a file that cannot be opened is a 500. */
static void
send_path(const struct web_req *req, struct web_reply *rep,
    const char *path, const char *range, const char *type)
{
	struct stat sb;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1) {
		if (fd != -1)
			close(fd);
		log_warn("web: footage %s", path);
		web_error(req, rep, errno == ENOENT ? 404 : 500,
		    WEB_S(req, S_FOOTAGE_MISSING));
		return;
	}
	send_file(req, rep, fd, (uint64_t)sb.st_size, range, type);
}

/* evidence.accessed for a play; 0, or the refusal is the answer. */
static int
log_play(const struct web_req *req, struct web_reply *rep,
    const struct seg *s)
{
	char path[64], *body;
	json_t *b, *out = NULL;
	int status;

	if (!web_range_from_start(req->range))
		return 0;
	snprintf(path, sizeof(path), "/v1/segments/%" PRIu64 "/accessed",
	    s->index);
	if ((b = json_pack("{s:s, s:s}", "object", s->object, "purpose",
	    "console: play")) == NULL ||
	    (body = json_dumps(b, JSON_COMPACT)) == NULL) {
		json_decref(b);
		web_error(req, rep, 500, WEB_S(req, S_API_FAILED));
		return -1;
	}
	json_decref(b);
	status = web_api(req, HTTP_POST, path, "", body, &out);
	free(body);
	if (status / 100 != 2) {
		web_api_error(req, rep, status, out);
		json_decref(out);
		return -1;
	}
	json_decref(out);
	return 0;
}

static const char *
raw_type(const char *container)
{
	if (strncmp(container, "mov,mp4", 7) == 0)
		return "video/mp4";
	if (strcmp(container, "mpegts") == 0)
		return "video/mp2t";
	if (strncmp(container, "matroska", 8) == 0)
		return "video/x-matroska";
	return "application/octet-stream";
}

/* In the thread pool: the child does the work, we wait for it. */
static void
job_work(uv_work_t *w)
{
	struct job *j = w->data;

	j->rc = remux_run(j->self, j->in_fd, j->out_fd, j->limit,
	    REMUX_TIMEOUT_MS, &j->res);
	if (j->rc == 0 && j->res.status == PROBE_OK && fsync(j->out_fd) == -1)
		j->rc = CUSTOS_ERR_SYSTEM;
}

static void
job_unlink(struct job *j)
{
	struct job **p;

	for (p = &jobs; *p != NULL; p = &(*p)->next)
		if (*p == j) {
			*p = j->next;
			return;
		}
}

/* Back on the loop: keep the MP4 and answer everyone waiting. */
static void
job_done(uv_work_t *w, int status)
{
	struct job *j = w->data;
	struct web_reply rep;
	struct web_req q;
	char line[256];
	unsigned i;
	int ok;

	close(j->in_fd);
	close(j->out_fd);
	ok = status == 0 && j->rc == 0 && j->res.status == PROBE_OK &&
	    rename(j->tmp, j->path) == 0;
	if (!ok) {
		(void)unlink(j->tmp);
		if (j->rc != 0)
			log_warnx_r(j->rc, "web: remux of %s", j->hex);
		else
			log_warnx("web: remux of %s: %s: %s", j->hex,
			    probe_status_name(j->res.status), j->res.error);
	} else
		log_info("web: remuxed sha256=%s packets=%" PRIu64, j->hex,
		    j->res.packets);
	job_unlink(j);
	for (i = 0; i < j->nw; i++) {
		memset(&rep, 0, sizeof(rep));
		memset(&q, 0, sizeof(q));
		rep.fd = -1;
		q.lang = j->w[i].lang;
		q.path = "/footage";
		q.query = "";
		q.user = j->w[i].user;
		q.uid = j->w[i].uid;
		q.roles = j->w[i].roles;
		q.web = j->web;
		if (ok)
			send_path(&q, &rep, j->path, j->w[i].range,
			    "video/mp4");
		else {
			snprintf(line, sizeof(line), "%s: %s", WEB_S(&q,
			    S_REMUX_FAILED), j->rc != 0 ?
			    custos_strerror(j->rc) : j->res.error);
			web_error(&q, &rep, 502, line);
		}
		web_finish(j->w[i].later, &rep);
		free(j->w[i].range);
	}
	free(j);
}

/* Adds req to j's waiters; 0, or -1 when there is no room. */
static int
job_wait(struct job *j, const struct web_req *req)
{
	struct waiter *w;

	if (j->nw == REMUX_WAITERS)
		return -1;
	w = &j->w[j->nw];
	w->range = NULL;
	if (req->range != NULL && (w->range = strdup(req->range)) == NULL)
		return -1;
	if ((w->later = web_later(req)) == NULL) {
		free(w->range);
		return -1;
	}
	w->lang = req->lang;
	snprintf(w->user, sizeof(w->user), "%s", req->user);
	w->uid = req->uid;
	w->roles = req->roles;
	j->nw++;
	return 0;
}

/* Starts the remux of s into path; WEB_LATER, or an error page. */
static int
job_start(const struct web_req *req, struct web_reply *rep,
    const struct seg *s, const char *dir, const char *path)
{
	struct station *st = web_station(req->web);
	char obj[4096];
	struct stat sb;
	struct job *j;
	int rc;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		web_error(req, rep, 500, custos_strerror(CUSTOS_ERR_NOMEM));
		return 0;
	}
	j->in_fd = j->out_fd = -1;
	j->web = req->web;
	snprintf(j->hex, sizeof(j->hex), "%s", s->hex);
	snprintf(j->self, sizeof(j->self), "%s", web_self(req->web));
	snprintf(j->path, sizeof(j->path), "%s", path);
	snprintf(j->tmp, sizeof(j->tmp), "%s/%s.mp4.tmp", dir, s->hex);
	if ((rc = store_path(st->store, s->hash, obj, sizeof(obj))) != 0 ||
	    (j->in_fd = open(obj, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(j->in_fd, &sb) == -1 ||
	    (j->out_fd = open(j->tmp, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0640)) == -1) {
		log_warn("web: remux of %s", s->hex);
		if (j->in_fd != -1)
			close(j->in_fd);
		free(j);
		web_error(req, rep, 500, WEB_S(req, S_FOOTAGE_MISSING));
		return 0;
	}
	/* Rewrapping adds boxes, it never doubles the bytes. */
	j->limit = 2 * (uint64_t)sb.st_size + (1u << 20);
	j->work.data = j;
	if (job_wait(j, req) != 0 ||
	    uv_queue_work(web_loop(req->web), &j->work, job_work, job_done) != 0) {
		close(j->in_fd);
		close(j->out_fd);
		(void)unlink(j->tmp);
		if (j->nw == 1) {
			memset(rep, 0, sizeof(*rep));
			rep->fd = -1;
			web_error(req, rep, 500, WEB_S(req, S_REMUX_FAILED));
			web_finish(j->w[0].later, rep);
			free(j->w[0].range);
			free(j);
			return WEB_LATER;
		}
		free(j);
		web_error(req, rep, 500, WEB_S(req, S_REMUX_FAILED));
		return 0;
	}
	j->next = jobs;
	jobs = j;
	return WEB_LATER;
}

static int
serve_mp4(const struct web_req *req, struct web_reply *rep,
    const struct seg *s)
{
	struct station *st = web_station(req->web);
	char dir[4096], path[4096 + 2 * DIGEST_LEN + 8];
	struct job *j;

	if (web_cache_dir(req->web, STATION_REMUX_DIR, dir, sizeof(dir)) != 0) {
		log_warn("web: %s", dir);
		web_error(req, rep, 500, WEB_S(req, S_REMUX_FAILED));
		return 0;
	}
	station_remux_path(st, s->hex, path, sizeof(path));
	if (access(path, R_OK) == 0) {
		send_path(req, rep, path, req->range, "video/mp4");
		return 0;
	}
	for (j = jobs; j != NULL; j = j->next)
		if (strcmp(j->hex, s->hex) == 0) {
			if (job_wait(j, req) != 0) {
				web_error(req, rep, 503,
				    WEB_S(req, S_REMUX_FAILED));
				return 0;
			}
			return WEB_LATER;
		}
	web_cache_prune(dir, WEB_REMUX_AGE, WEB_REMUX_BYTES);
	return job_start(req, rep, s, dir, path);
}

int
web_footage(const struct web_req *req, struct web_reply *rep)
{
	struct station *st = web_station(req->web);
	char path[4096];
	struct seg s;
	int rc;

	memset(&s, 0, sizeof(s));
	if (parse_param(req->param, &s) != 0) {
		web_error(req, rep, 404, WEB_S(req, S_FOOTAGE_UNKNOWN));
		return 0;
	}
	if (find_segment(req, rep, &s) != 0 || log_play(req, rep, &s) != 0)
		return 0;
	if (s.mp4)
		return serve_mp4(req, rep, &s);
	if ((rc = store_path(st->store, s.hash, path, sizeof(path))) != 0) {
		web_error(req, rep, 500, custos_strerror(rc));
		return 0;
	}
	send_path(req, rep, path, req->range, raw_type(s.container));
	return 0;
}
