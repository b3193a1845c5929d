/*
 * api: control-socket server.  Each connection owns its libuv handles and
 * is freed in the close callback of the last one, as libuv requires.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <http_parser.h>
#include <jansson.h>

#include "custos/err.h"
#include "api.h"
#include "log.h"

#define API_MAX_REQUEST	16384	/* bytes of request head and body */
#define API_TIMEOUT_MS	10000
#define API_MAX_URL	1024

struct api {
	uv_pipe_t	 server;
	api_status_fn	 status;
	void		*status_arg;
	char		*path;
	struct conn	*conns;
};

struct conn {
	uv_pipe_t	 pipe;
	uv_timer_t	 timer;
	uv_write_t	 wreq;
	http_parser	 parser;
	struct api	*api;
	struct conn	*next;
	char		 url[API_MAX_URL];
	size_t		 urllen;
	size_t		 received;
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

static void
written(uv_write_t *req, int status)
{
	struct conn *c = req->data;

	if (status < 0)
		log_debug("%s: %s", __func__, uv_strerror(status));
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

static int
on_url(http_parser *p, const char *at, size_t len)
{
	struct conn *c = p->data;

	if (len > sizeof(c->url) - 1 - c->urllen)
		return 1;
	memcpy(c->url + c->urllen, at, len);
	c->urllen += len;
	c->url[c->urllen] = '\0';
	return 0;
}

static int
on_message_complete(http_parser *p)
{
	struct conn *c = p->data;
	json_t *body;

	if (strcmp(c->url, "/v1/status") != 0) {
		respond_error(c, 404, "Not Found", "no such resource");
		return 1;
	}
	if (p->method != HTTP_GET) {
		respond_error(c, 405, "Method Not Allowed", "use GET");
		return 1;
	}
	if ((body = c->api->status(c->api->status_arg)) == NULL) {
		respond_error(c, 500, "Internal Server Error", "out of memory");
		return 1;
	}
	respond(c, 200, "OK", body);
	/* One request per connection: stop parsing what follows. */
	return 1;
}

static const http_parser_settings parser_settings = {
	.on_url = on_url,
	.on_message_complete = on_message_complete,
};

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
	size_t parsed;

	if (c->done || nread == 0)
		return;
	if (nread < 0) {
		conn_close(c);
		return;
	}
	c->received += (size_t)nread;
	if (c->received > API_MAX_REQUEST) {
		respond_error(c, 431, "Request Header Fields Too Large",
		    "request too large");
		return;
	}
	parsed = http_parser_execute(&c->parser, &parser_settings, buf->base,
	    (size_t)nread);
	if (!c->done && (parsed != (size_t)nread ||
	    HTTP_PARSER_ERRNO(&c->parser) != HPE_OK)) {
		log_debug("%s: bad request: %s", __func__,
		    http_errno_description(HTTP_PARSER_ERRNO(&c->parser)));
		respond_error(c, 400, "Bad Request", "malformed HTTP request");
	}
}

static void
timeout_cb(uv_timer_t *t)
{
	struct conn *c = t->data;

	log_debug("%s: control connection timed out", __func__);
	conn_close(c);
}

static void
accept_cb(uv_stream_t *server, int status)
{
	struct api *a = server->data;
	struct conn *c;

	if (status < 0) {
		log_warnx("control socket: accept: %s", uv_strerror(status));
		return;
	}
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
	http_parser_init(&c->parser, HTTP_REQUEST);
	c->parser.data = c;
	if (uv_accept(server, (uv_stream_t *)&c->pipe) != 0 ||
	    uv_read_start((uv_stream_t *)&c->pipe, alloc_cb, read_cb) != 0) {
		conn_close(c);
		return;
	}
	uv_timer_start(&c->timer, timeout_cb, API_TIMEOUT_MS, 0);
}

int
priv_api_start(uv_loop_t *loop, const char *path, api_status_fn status,
    void *arg, struct api **out)
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
	a->status = status;
	a->status_arg = arg;
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
server_closed(uv_handle_t *h)
{
	struct api *a = h->data;

	free(a->path);
	free(a);
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
