/*
 * api: control-socket server.  Each connection owns its libuv handles and
 * is freed in the close callback of the last one, as libuv requires.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <http_parser.h>
#include <jansson.h>

#include "custos/err.h"
#include "api.h"
#include "http.h"
#include "daemon/journal.h"

/*
 * Bytes of request head; the body has its own limit, HTTP_MAX_BODY, or
 * HTTP_MAX_DOCUMENT for the routes body_limit() names.
 */
#define API_MAX_HEAD	16384
#define API_TIMEOUT_MS	10000
#define API_MAX_GROUPS	256

/*
 * Connections held open cost the daemon a descriptor each, and any local
 * user who can reach the socket could hold a thousand and starve ingest.
 * So: at most API_MAX_PER_PEER open per peer uid, at most API_MAX_CONNS
 * in all, of which peers that may not write get all but API_MAX_PER_PEER
 * (an operator can always get in), and none at all while fewer than
 * API_FD_RESERVE descriptors are left below the limit: those are
 * ingest's (cameras, the store, the media child, uploads).  A refused
 * connection gets a 503 with the reason and is closed.
 */
#define API_MAX_CONNS	128
#define API_MAX_PER_PEER 16
#define API_FD_RESERVE	256

/* A child of the daemon acting for a user (api_delegate()). */
struct delegation {
	struct delegation *next;
	pid_t		 pid;
	uid_t		 uid;
	unsigned	 roles;
};

struct api {
	uv_pipe_t	 server;
	struct delegation *delegations;
	api_handler_fn	 handler;
	void		*handler_arg;
	int		 has_group;
	gid_t		 group;
	/* With [roles]: the groups of each role; has_roles 0: default. */
	int		 has_roles;
	gid_t		*role_gids[CONFIG_NROLES];
	size_t		 nrole_gids[CONFIG_NROLES];
	unsigned long	 role_refused;	/* 403 role_required, since start */
	char		*path;
	struct conn	*conns;
	rlim_t		 fd_limit;	/* RLIMIT_NOFILE's soft limit */
	/* Refusals are logged when they start and counted until a
	 * connection is taken again, so a flood writes two lines. */
	unsigned long	 refused;
	unsigned long	 refused_total;	/* since the start, for the status */
	int		 accept_failing;	/* accept() errors, logged once */
};

struct conn {
	uv_pipe_t	 pipe;
	uv_timer_t	 timer;
	uv_write_t	 wreq;
	struct http_request req;
	struct api	*api;
	struct conn	*next;
	size_t		 received;
	uid_t		 uid;
	gid_t		 gid;
	int		 authorised;
	unsigned	 roles;		/* as api_request's */
	int		 refused;	/* over a limit: a 503 and close */
	int		 done;		/* a response is queued */
	int		 closing;
	int		 open_handles;
	char		*response;
};

static void
conn_closed(uv_handle_t *h)
{
	struct conn *c = h->data, **pp;

	if (--c->open_handles > 0)
		return;
	for (pp = &c->api->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	free(c->response);
	http_free(&c->req);
	free(c);
}

static void
conn_close(struct conn *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	uv_close((uv_handle_t *)&c->timer, conn_closed);
	uv_close((uv_handle_t *)&c->pipe, conn_closed);
}

/*
 * Reads and drops what a refused peer has sent so far (at most 64 KiB,
 * without waiting): closing a unix socket with unread bytes makes the
 * peer's next read fail with ECONNRESET, which a client may report
 * instead of the 503 it has already received.
 */
static void
drain(struct conn *c)
{
	char buf[4096];
	uv_os_fd_t fd;
	int i;

	if (uv_fileno((uv_handle_t *)&c->pipe, &fd) != 0)
		return;
	for (i = 0; i < 16; i++)
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) <= 0)
			break;
}

static void
written(uv_write_t *req, int status)
{
	struct conn *c = req->data;

	if (status < 0)
		log_debug("%s: %s", __func__, uv_strerror(status));
	if (c->refused)
		drain(c);
	conn_close(c);
}

static void
respond(struct conn *c, int code, const char *reason, json_t *body)
{
	char *text;
	uv_buf_t buf;
	int n;

	c->done = 1;
	text = body != NULL ? json_dumps(body, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER) : NULL;
	json_decref(body);
	if (text == NULL) {
		conn_close(c);
		return;
	}
	n = asprintf(&c->response, "HTTP/1.1 %d %s\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
	    code, reason, strlen(text) + 1, text);
	free(text);
	if (n < 0) {
		c->response = NULL;
		conn_close(c);
		return;
	}
	buf = uv_buf_init(c->response, (unsigned)n);
	c->wreq.data = c;
	if (uv_write(&c->wreq, (uv_stream_t *)&c->pipe, &buf, 1, written) != 0)
		conn_close(c);
}

static void
respond_error(struct conn *c, int code, const char *reason, const char *msg)
{
	respond(c, code, reason, json_pack("{s:s}", "error", msg));
}

static const char *
reason_phrase(int code)
{
	switch (code) {
	case 200: return "OK";
	case 201: return "Created";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	}
	return "Internal Server Error";
}

json_t *
api_control_status(const struct api *a)
{
	const struct conn *o;
	json_int_t n = 0;

	for (o = a->conns; o != NULL; o = o->next)
		if (!o->closing && !o->refused)
			n++;
	return json_pack("{s:I, s:i, s:i, s:I, s:I}", "connections", n,
	    "max_connections", API_MAX_CONNS, "max_per_peer",
	    API_MAX_PER_PEER, "refused", (json_int_t)a->refused_total,
	    "refused_role", (json_int_t)a->role_refused);
}

/* Hands a complete request to the handler and sends its answer. */
static void
serve(struct conn *c)
{
	char path[HTTP_MAX_URL], query[HTTP_MAX_URL];
	struct api_request r;
	json_t *body = NULL;
	const char *q;
	int code;

	http_path(&c->req, path, sizeof(path));
	q = strchr(c->req.url, '?');
	snprintf(query, sizeof(query), "%.*s", q == NULL ? 0 :
	    (int)strcspn(q + 1, "#"), q == NULL ? "" : q + 1);
	if (c->api->handler == NULL) {
		respond_error(c, 404, "Not Found", "no such resource");
		return;
	}
	r.method = c->req.method;
	r.path = path;
	r.query = query;
	r.body = c->req.body;
	r.bodylen = c->req.bodylen;
	r.uid = c->uid;
	r.authorised = c->authorised;
	r.roles = c->roles;
	r.server = c->api;
	code = c->api->handler(c->api->handler_arg, &r, &body);
	/* The router decides, the socket counts (its status). */
	if (code == 403 && body != NULL && json_is_string(json_object_get(
	    body, "rule")) && strcmp(json_string_value(json_object_get(body,
	    "rule")), "role_required") == 0)
		c->api->role_refused++;
	if (body == NULL)
		respond_error(c, 500, "Internal Server Error", "out of memory");
	else
		respond(c, code, reason_phrase(code), body);
}

/*
 * The body limit of a request: 64 MiB for POST
 * /v1/inspections/<ID>/document, which carries a file, 64 KiB for every
 * other request.  The body is buffered whole, so the large limit is kept
 * to the one route that needs it.
 */
static size_t
body_limit(const struct http_request *r)
{
	static const char prefix[] = "/v1/inspections/";
	static const char suffix[] = "/document";
	size_t n = strcspn(r->url, "?#"), pl = sizeof(prefix) - 1,
	    sl = sizeof(suffix) - 1;
	const char *slash;

	if (r->method != HTTP_POST || n <= pl + sl ||
	    strncmp(r->url, prefix, pl) != 0 ||
	    strncmp(r->url + n - sl, suffix, sl) != 0)
		return HTTP_MAX_BODY;
	/* Exactly one segment, the ID, between prefix and suffix. */
	slash = memchr(r->url + pl, '/', n - pl);
	if (slash != r->url + n - sl)
		return HTTP_MAX_BODY;
	return HTTP_MAX_DOCUMENT;
}

static void
alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	static char slab[4096];

	(void)h;
	(void)suggested;
	/* Reads are parsed at once and never kept, so one buffer serves
	 * every connection of this single-threaded loop. */
	*buf = uv_buf_init(slab, sizeof(slab));
}

static void
read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = s->data;

	if (c->done || nread == 0)
		return;
	if (nread < 0) {
		conn_close(c);
		return;
	}
	c->received += (size_t)nread;
	if (c->received > API_MAX_HEAD + c->req.maxbody) {
		respond_error(c, 413, "Payload Too Large", "request too large");
		return;
	}
	switch (http_feed(&c->req, buf->base, (size_t)nread)) {
	case HTTP_MORE:
		/* Still no end of the head after 16 KiB: refuse it. */
		if (!c->req.head_done && c->received > API_MAX_HEAD)
			respond_error(c, 431, "Request Header Fields Too Large",
			    "request head larger than 16 KiB");
		break;
	case HTTP_DONE:
		serve(c);
		break;
	case HTTP_URL_TOO_LONG:
		respond_error(c, 414, "URI Too Long", "URL too long");
		break;
	case HTTP_BODY_TOO_LARGE:
		respond_error(c, 413, "Payload Too Large",
		    c->req.maxbody > HTTP_MAX_BODY ? "request body larger "
		    "than 64 MiB" : "request body larger than 64 KiB");
		break;
	default:
		log_debug("%s: bad request: %s", __func__, http_errno_description(
		    HTTP_PARSER_ERRNO(&c->req.parser)));
		respond_error(c, 400, "Bad Request", "malformed HTTP request");
	}
}

/*
 * The groups of the user uid, whose process runs with primary group gid:
 * gid, then those of the group database (getgrouplist).  Returns how many
 * it put in groups (at most API_MAX_GROUPS).
 */
static int
peer_groups(uid_t uid, gid_t gid, gid_t groups[API_MAX_GROUPS])
{
	struct passwd *pw;
	int n = API_MAX_GROUPS - 1;

	groups[0] = gid;
	if ((pw = getpwuid(uid)) == NULL ||
	    getgrouplist(pw->pw_name, pw->pw_gid, groups + 1, &n) == -1)
		return 1;
	return n + 1;
}

/* 1 if one of groups (n) is one of set (nset). */
static int
groups_meet(const gid_t *groups, int n, const gid_t *set, size_t nset)
{
	size_t k;
	int i;

	for (i = 0; i < n; i++)
		for (k = 0; k < nset; k++)
			if (groups[i] == set[k])
				return 1;
	return 0;
}

/* The roles (api_request's bits) of the peer uid, primary group gid. */
static unsigned
peer_roles(const struct api *a, uid_t uid, gid_t gid)
{
	gid_t groups[API_MAX_GROUPS];
	unsigned all = (1u << CONFIG_NROLES) - 1, roles = 0;
	int n, r;

	if (uid == 0 || uid == geteuid())
		return all;
	n = peer_groups(uid, gid, groups);
	if (!a->has_roles)
		return a->has_group && groups_meet(groups, n, &a->group, 1) ?
		    all : 1u << CONFIG_ROLE_AUDITOR;
	for (r = 0; r < CONFIG_NROLES; r++)
		if (groups_meet(groups, n, a->role_gids[r],
		    a->nrole_gids[r]))
			roles |= 1u << r;
	return roles;
}

/*
 * A peer running as the daemon whose pid is delegated is the user it
 * acts for.
 */
static void
delegated(const struct api *a, pid_t pid, uid_t *uid, unsigned *roles)
{
	const struct delegation *d;

	for (d = a->delegations; d != NULL; d = d->next) {
		if (d->pid == pid) {
			*uid = d->uid;
			*roles = d->roles;
			return;
		}
	}
}

/*
 * Who is at the other end: the kernel's word (SO_PEERCRED), taken at
 * connect time, so a client cannot claim another identity.
 */
static int
peer_identify(struct conn *c)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	uv_os_fd_t fd;

	if (uv_fileno((uv_handle_t *)&c->pipe, &fd) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    len != sizeof(cred))
		return -1;
	c->uid = cred.uid;
	c->gid = cred.gid;
	c->roles = peer_roles(c->api, cred.uid, cred.gid);
	if (cred.uid == geteuid())
		delegated(c->api, cred.pid, &c->uid, &c->roles);
	c->authorised = (c->roles & ~(1u << CONFIG_ROLE_AUDITOR |
	    1u << CONFIG_ROLE_METRICS)) != 0;
	return 0;
}

static void
timeout_cb(uv_timer_t *t)
{
	struct conn *c = t->data;

	log_debug("%s: control connection timed out", __func__);
	conn_close(c);
}

/*
 * Returns 1 and the reason in why if c, just accepted and identified,
 * would pass a limit (see API_MAX_CONNS), 0 if it may be served.
 */
static int
over_limit(const struct api *a, const struct conn *c, char *why,
    size_t len)
{
	const struct conn *o;
	unsigned all = 0, peer = 0, others = 0;
	uv_os_fd_t fd;

	if (a->fd_limit != RLIM_INFINITY &&
	    uv_fileno((const uv_handle_t *)&c->pipe, &fd) == 0 &&
	    (rlim_t)fd + API_FD_RESERVE >= a->fd_limit) {
		snprintf(why, len, "custosd is short of file descriptors "
		    "(descriptor %d of a limit of %llu, %d kept for ingest); "
		    "try again later", (int)fd, (unsigned long long)a->fd_limit,
		    API_FD_RESERVE);
		return 1;
	}
	for (o = a->conns; o != NULL; o = o->next) {
		if (o == c || o->closing || o->refused)
			continue;
		all++;
		if (o->uid == c->uid)
			peer++;
		if (!o->authorised)
			others++;
	}
	if (peer >= API_MAX_PER_PEER) {
		snprintf(why, len, "too many control connections from uid %ld: "
		    "%u open, at most %d per peer", (long)c->uid, peer,
		    API_MAX_PER_PEER);
		return 1;
	}
	if (all >= API_MAX_CONNS || (!c->authorised &&
	    others >= API_MAX_CONNS - API_MAX_PER_PEER)) {
		snprintf(why, len, "too many control connections: %u open, at "
		    "most %d (%d for peers that may not write)", all,
		    API_MAX_CONNS, API_MAX_CONNS - API_MAX_PER_PEER);
		return 1;
	}
	return 0;
}

/* Answers c with a 503 and closes it; the first of a run is logged. */
static void
conn_refuse(struct conn *c, const char *why)
{
	struct api *a = c->api;

	c->refused = 1;
	a->refused_total++;
	if (a->refused++ == 0)
		log_warnx("control socket: refusing connections: %s", why);
	respond_error(c, 503, "Service Unavailable", why);
}

static void
accept_cb(uv_stream_t *server, int status)
{
	struct api *a = server->data;
	struct conn *c;
	char why[256];

	if (status < 0) {
		/* Once, not for every attempt while it lasts (EMFILE). */
		if (!a->accept_failing)
			log_warnx("control socket: accept: %s",
			    uv_strerror(status));
		a->accept_failing = 1;
		return;
	}
	a->accept_failing = 0;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warnx_r(CUSTOS_ERR_NOMEM, "control socket");
		return;
	}
	c->api = a;
	uv_pipe_init(server->loop, &c->pipe, 0);
	uv_timer_init(server->loop, &c->timer);
	c->open_handles = 2;
	c->pipe.data = c->timer.data = c;
	c->next = a->conns;
	a->conns = c;
	http_init(&c->req);
	if (uv_accept(server, (uv_stream_t *)&c->pipe) != 0 ||
	    peer_identify(c) != 0) {
		conn_close(c);
		return;
	}
	uv_timer_start(&c->timer, timeout_cb, API_TIMEOUT_MS, 0);
	if (over_limit(a, c, why, sizeof(why))) {
		conn_refuse(c, why);
		return;
	}
	if (a->refused > 0) {
		log_info("control socket: taking connections again; %lu "
		    "refused", a->refused);
		a->refused = 0;
	}
	/* Only a peer that may write gets the large body limit; anyone else
	 * who can reach the socket could otherwise make the daemon buffer
	 * 64 MiB a connection for a request it will refuse anyway. */
	if (c->authorised)
		c->req.body_limit = body_limit;
	if (uv_read_start((uv_stream_t *)&c->pipe, alloc_cb, read_cb) != 0)
		conn_close(c);
}

/*
 * The soft limit on descriptors, raised to the hard one: the limits above
 * keep the control socket's share small, and the rest is ingest's.
 * Returns the limit in force, RLIM_INFINITY if it cannot be read.
 */
static rlim_t
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return RLIM_INFINITY;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1 &&
		    getrlimit(RLIMIT_NOFILE, &rl) == -1)
			return RLIM_INFINITY;
	}
	log_debug("%s: RLIMIT_NOFILE %llu", __func__,
	    (unsigned long long)rl.rlim_cur);
	return rl.rlim_cur;
}

int
api_start(uv_loop_t *loop, const char *path, struct api **out)
{
	struct api *a;
	mode_t old;
	int rc;

	*out = NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((a->path = strdup(path)) == NULL) {
		free(a);
		return CUSTOS_ERR_NOMEM;
	}
	a->fd_limit = raise_nofile();
	uv_pipe_init(loop, &a->server, 0);
	a->server.data = a;
	/* The caller holds the state lock, so a socket file here is a stale
	 * one from a daemon that died. */
	if (unlink(path) == -1 && errno != ENOENT)
		goto fail_errno;
	/* Create the socket as 0660 from the start: no window in which
	 * others could connect. */
	old = umask(0117);
	rc = uv_pipe_bind(&a->server, path);
	umask(old);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&a->server, 64, accept_cb);
	if (rc != 0) {
		errno = -rc;
		goto fail_errno;
	}
	*out = a;
	return 0;
fail_errno:
	rc = errno;
	uv_close((uv_handle_t *)&a->server, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
	free(a->path);
	free(a);
	errno = rc;
	return CUSTOS_ERR_SYSTEM;
}

static void
roles_free(struct api *a)
{
	int r;

	for (r = 0; r < CONFIG_NROLES; r++) {
		free(a->role_gids[r]);
		a->role_gids[r] = NULL;
		a->nrole_gids[r] = 0;
	}
	a->has_roles = 0;
}

static void
server_closed(uv_handle_t *h)
{
	struct api *a = h->data;
	struct delegation *d;

	while ((d = a->delegations) != NULL) {
		a->delegations = d->next;
		free(d);
	}
	roles_free(a);
	free(a->path);
	free(a);
}

void
api_set_handler(struct api *a, api_handler_fn fn, void *arg)
{
	a->handler = fn;
	a->handler_arg = arg;
}

int
api_set_group(struct api *a, const char *group)
{
	struct group *gr;

	a->has_group = 0;
	if (group == NULL)
		return 0;
	if ((gr = getgrnam(group)) == NULL)
		return CUSTOS_ERR_CONFIG;
	a->group = gr->gr_gid;
	a->has_group = 1;
	return 0;
}

const char *
api_role_name(enum config_role r)
{
	static const char *const names[CONFIG_NROLES] = {
		[CONFIG_ROLE_OPERATOR] = "operator",
		[CONFIG_ROLE_REVIEWER] = "reviewer",
		[CONFIG_ROLE_AUDITOR] = "auditor",
		[CONFIG_ROLE_ADMIN] = "admin",
		[CONFIG_ROLE_METRICS] = "metrics",
	};

	return (unsigned)r < CONFIG_NROLES ? names[r] : "?";
}

/* Resolves list ("g1,g2") into the gids of role r. */
static int
role_resolve(struct api *a, int r, const char *list, char *err, size_t len)
{
	struct group *gr;
	const char *s;
	char name[40];
	size_t n, max = 1;

	for (s = list; *s != '\0'; s++)
		max += *s == ',';
	if ((a->role_gids[r] = calloc(max, sizeof(gid_t))) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (s = list; *s != '\0'; s += n + (s[n] == ',')) {
		n = strcspn(s, ",");
		snprintf(name, sizeof(name), "%.*s", (int)n, s);
		if ((gr = getgrnam(name)) == NULL) {
			snprintf(err, len, "[roles] %s: no such group %s",
			    api_role_name((enum config_role)r), name);
			return CUSTOS_ERR_CONFIG;
		}
		a->role_gids[r][a->nrole_gids[r]++] = gr->gr_gid;
	}
	return 0;
}

int
api_set_roles(struct api *a, char *const roles[CONFIG_NROLES], char *err,
    size_t len)
{
	int r, rc;

	roles_free(a);
	for (r = 0; r < CONFIG_NROLES; r++) {
		if (roles[r] == NULL)
			continue;
		a->has_roles = 1;
		if ((rc = role_resolve(a, r, roles[r], err, len)) != 0) {
			roles_free(a);
			if (rc == CUSTOS_ERR_NOMEM)
				snprintf(err, len, "[roles]: out of memory");
			return rc;
		}
	}
	return 0;
}

void
api_stop(struct api *a)
{
	struct conn *c;

	if (a == NULL)
		return;
	for (c = a->conns; c != NULL; c = c->next)
		conn_close(c);
	unlink(a->path);
	uv_close((uv_handle_t *)&a->server, server_closed);
}

int
api_user_roles(const struct api *a, const char *user, uid_t *uid,
    unsigned *roles)
{
	struct passwd pw, *pwp = NULL;
	char buf[1024];

	if (getpwnam_r(user, &pw, buf, sizeof(buf), &pwp) != 0 ||
	    pwp == NULL)
		return CUSTOS_ERR_NOTFOUND;
	*uid = pw.pw_uid;
	*roles = peer_roles(a, pw.pw_uid, pw.pw_gid);
	return 0;
}

int
api_delegate(struct api *a, pid_t pid, uid_t uid, unsigned roles)
{
	struct delegation *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return CUSTOS_ERR_NOMEM;
	d->pid = pid;
	d->uid = uid;
	d->roles = roles;
	d->next = a->delegations;
	a->delegations = d;
	return 0;
}

void
api_delegate_end(struct api *a, pid_t pid)
{
	struct delegation **pp, *d;

	for (pp = &a->delegations; (d = *pp) != NULL; pp = &d->next) {
		if (d->pid == pid) {
			*pp = d->next;
			free(d);
			return;
		}
	}
}
