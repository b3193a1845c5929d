/*
 * web_export: the reviewer's forms of the inspection page and their
 * downloads (docs/console.md, "The player and proofs").
 *
 *   POST /inspections/{id}/export	custos export ID -o FILE.tar
 *					--purpose P
 *   POST /inspections/{id}/clip	custos export ID --clip SEGMENT
 *					--from T --to T -o FILE.tar --purpose P
 *   GET /downloads/{name}		the tar, to the user who made it
 *
 * custos runs as the daemon's child in the web user's name
 * (web_spawn_custos() with as_user: the bundle.exported or clip.exported
 * entry names that user) and writes into state_dir/console/downloads/;
 * the file's name starts with "u<uid>-", which is how the download knows
 * whose it is.  The route table checked the role and the CSRF token.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "custos/err.h"
#include "daemon/journal.h"
#include "daemon/station.h"
#include "web_int.h"

#define FIELD_MAX	512
#define NAME_MAX_LEN	160

/* One export under way. */
struct export {
	struct web_later *later;
	enum web_lang	 lang;
	char		 name[NAME_MAX_LEN];
	char		 path[4096 + NAME_MAX_LEN + 2];
	char		 user[64];
	uid_t		 uid;
	unsigned	 roles;
	struct web	*web;
};

/* A field of the form into buf: 1, or 0 with the error page written. */
static int
field(const struct web_req *req, struct web_reply *rep, const char *key,
    char *buf, size_t size)
{
	int r;

	r = web_form_value(req->body != NULL ? req->body : "",
	    req->body != NULL ? req->bodylen : 0, key, buf, size);
	if (r == 1 && buf[0] != '\0')
		return 1;
	if (strcmp(key, "purpose") == 0 && r >= 0)
		web_error(req, rep, 400, WEB_S(req, S_PURPOSE_REQUIRED));
	else {
		char line[256];

		snprintf(line, sizeof(line), "%s: %s", WEB_S(req,
		    S_FORM_BAD), key);
		web_error(req, rep, 400, line);
	}
	return 0;
}

static int
digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* The child ended: 303 to the download, or the error. */
static void
export_done(void *arg, int status, struct web_buf *out, struct web_buf *err)
{
	struct export *x = arg;
	struct web_reply rep;
	struct web_req q;
	const char *last = "";
	char line[600], *nl;

	(void)out;
	memset(&rep, 0, sizeof(rep));
	memset(&q, 0, sizeof(q));
	rep.fd = -1;
	q.lang = x->lang;
	q.path = "/downloads";
	q.query = "";
	q.user = x->user;
	q.uid = x->uid;
	q.roles = x->roles;
	q.web = x->web;
	if (status == 0 && access(x->path, R_OK) == 0) {
		rep.status = 303;
		web_buf_printf(&rep.headers, "Location: /downloads/%s%s\r\n",
		    x->name, x->lang == WEB_EN ? "?lang=en" : "");
	} else {
		(void)unlink(x->path);
		if (err != NULL && err->p != NULL && err->len > 0) {
			/* custos's last line says why. */
			while (err->len > 0 && err->p[err->len - 1] == '\n')
				err->p[--err->len] = '\0';
			last = (nl = strrchr(err->p, '\n')) != NULL ? nl + 1 :
			    err->p;
		}
		log_warnx("web: export %s: exit %d: %s", x->name, status,
		    last);
		snprintf(line, sizeof(line), "%s: %s", WEB_S(&q,
		    S_EXPORT_FAILED), last);
		web_error(&q, &rep, 500, line);
	}
	web_finish(x->later, &rep);
	free(x);
}

/* Runs custos with args ending in "-o PATH --purpose P". */
static int
run(const struct web_req *req, struct web_reply *rep, char **args,
    size_t n, const char *kind, const char *purpose)
{
	char dir[4096], stamp[32], rnd[8], id[64];
	struct export *x;
	time_t now = time(NULL);
	struct tm tm;
	unsigned char r[4];
	int rc;

	if (web_cache_dir(req->web, WEB_DOWNLOAD_DIR, dir, sizeof(dir)) != 0) {
		log_warn("web: %s", dir);
		web_error(req, rep, 500, WEB_S(req, S_EXPORT_FAILED));
		return 0;
	}
	web_cache_prune(dir, WEB_DOWNLOAD_AGE, 0);
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		web_error(req, rep, 500, custos_strerror(CUSTOS_ERR_NOMEM));
		return 0;
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (RAND_bytes(r, sizeof(r)) != 1)
		memset(r, 0, sizeof(r));
	snprintf(rnd, sizeof(rnd), "%02x%02x%02x", r[0], r[1], r[2]);
	snprintf(id, sizeof(id), "%.40s", req->param);
	snprintf(x->name, sizeof(x->name), "u%lu-%s-%s-%s-%s.tar",
	    (unsigned long)req->uid, id, kind, stamp, rnd);
	snprintf(x->path, sizeof(x->path), "%s/%s", dir, x->name);
	x->lang = req->lang;
	snprintf(x->user, sizeof(x->user), "%s", req->user);
	x->uid = req->uid;
	x->roles = req->roles;
	x->web = req->web;
	args[n++] = (char *)(uintptr_t)"-o";
	args[n++] = x->path;
	args[n++] = (char *)(uintptr_t)"--purpose";
	args[n++] = (char *)(uintptr_t)purpose;
	args[n] = NULL;
	if ((x->later = web_later(req)) == NULL) {
		free(x);
		web_error(req, rep, 500, WEB_S(req, S_EXPORT_FAILED));
		return 0;
	}
	if ((rc = web_spawn_custos(req, args, 1, 64 * 1024, export_done,
	    x)) != 0) {
		memset(rep, 0, sizeof(*rep));
		rep->fd = -1;
		web_error(req, rep, rc == CUSTOS_ERR_BUSY ? 503 : 500,
		    WEB_S(req, S_EXPORT_FAILED));
		web_finish(x->later, rep);
		free(x);
	}
	return WEB_LATER;
}

static int
id_ok(const char *id)
{
	size_t i;

	if (id == NULL || id[0] == '\0' || strlen(id) > 40)
		return 0;
	for (i = 0; id[i] != '\0'; i++)
		if (!((id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '0' &&
		    id[i] <= '9') || id[i] == '-'))
			return 0;
	return 1;
}

int
web_export_post(const struct web_req *req, struct web_reply *rep)
{
	char purpose[FIELD_MAX];
	char *args[12];

	if (!id_ok(req->param)) {
		web_error(req, rep, 404, WEB_S(req, S_FORM_BAD));
		return 0;
	}
	if (!field(req, rep, "purpose", purpose, sizeof(purpose)))
		return 0;
	args[0] = (char *)(uintptr_t)"export";
	args[1] = (char *)(uintptr_t)req->param;
	args[2] = NULL;
	return run(req, rep, args, 2, "bundle", purpose);
}

int
web_clip_post(const struct web_req *req, struct web_reply *rep)
{
	char purpose[FIELD_MAX], seg[32], from[64], to[64];
	char *args[16];

	if (!id_ok(req->param)) {
		web_error(req, rep, 404, WEB_S(req, S_FORM_BAD));
		return 0;
	}
	if (!field(req, rep, "segment", seg, sizeof(seg)) ||
	    !field(req, rep, "from", from, sizeof(from)) ||
	    !field(req, rep, "to", to, sizeof(to)) ||
	    !field(req, rep, "purpose", purpose, sizeof(purpose)))
		return 0;
	if (!digits(seg) || from[0] == '-' || to[0] == '-') {
		web_error(req, rep, 400, WEB_S(req, S_FORM_BAD));
		return 0;
	}
	args[0] = (char *)(uintptr_t)"export";
	args[1] = (char *)(uintptr_t)req->param;
	args[2] = (char *)(uintptr_t)"--clip";
	args[3] = seg;
	args[4] = (char *)(uintptr_t)"--from";
	args[5] = from;
	args[6] = (char *)(uintptr_t)"--to";
	args[7] = to;
	args[8] = NULL;
	return run(req, rep, args, 8, "clip", purpose);
}

int
web_download(const struct web_req *req, struct web_reply *rep)
{
	const char *name = req->param;
	char dir[4096], path[4096 + NAME_MAX_LEN + 2], own[32];
	struct stat sb;
	size_t i;
	int fd;

	if (name == NULL || name[0] == '\0' || name[0] == '.' ||
	    strlen(name) >= NAME_MAX_LEN) {
		web_error(req, rep, 404, WEB_S(req, S_DOWNLOAD_UNKNOWN));
		return 0;
	}
	for (i = 0; name[i] != '\0'; i++)
		if (!((name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= 'a' &&
		    name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '-' || name[i] == '.' || name[i] == '_')) {
			web_error(req, rep, 404,
			    WEB_S(req, S_DOWNLOAD_UNKNOWN));
			return 0;
		}
	snprintf(own, sizeof(own), "u%lu-", (unsigned long)req->uid);
	if (web_cache_dir(req->web, WEB_DOWNLOAD_DIR, dir, sizeof(dir)) != 0) {
		web_error(req, rep, 500, WEB_S(req, S_DOWNLOAD_UNKNOWN));
		return 0;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1 ||
	    fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		if (fd != -1)
			close(fd);
		web_error(req, rep, 404, WEB_S(req, S_DOWNLOAD_UNKNOWN));
		return 0;
	}
	if (strncmp(name, own, strlen(own)) != 0) {
		close(fd);
		web_error(req, rep, 403, WEB_S(req, S_DOWNLOAD_NOT_YOURS));
		return 0;
	}
	rep->type = "application/x-tar";
	web_buf_printf(&rep->headers, "Content-Disposition: attachment; "
	    "filename=\"%s\"\r\n", name);
	rep->fd = fd;
	rep->off = 0;
	rep->len = (uint64_t)sb.st_size;
	return 0;
}
