/*
 * web_conn: one console connection (web_core.h): plain HTTP or TLS on
 * memory BIOs (daemon/tls_listen.h), HTTP/1.1 requests read one at a time
 * with keep-alive, handed to the route table, and the answers sent: a
 * body from memory, or a file in pieces of SEND_PIECE bytes, the next
 * piece read only once fewer than SEND_QUEUE bytes wait in the socket's
 * queue, so a slow player never makes the daemon hold a file in memory.
 *
 * Reading pauses while a request is served (pipelined bytes stay in
 * pbuf) and resumes with them once the answer is out.  One timer per
 * connection: WEB_IDLE_MS for the handshake, a request to arrive and
 * each write to progress; LINGER_MS after an answer that closes.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <http_parser.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <uv.h>

#include "custos/err.h"
#include "daemon/journal.h"
#include "daemon/station.h"
#include "daemon/tls_listen.h"
#include "web_core.h"

#define LINGER_MS	2000
#define SEND_PIECE	(64 * 1024)
#define SEND_QUEUE	(256 * 1024)

#define CSP	"default-src 'none'; script-src 'self'; style-src 'self'; " \
		"img-src 'self'; media-src 'self'; connect-src 'self'; " \
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

struct web_later {
	struct web_conn	*c;
};

struct wreq {
	uv_write_t	 req;
	size_t		 n;
	char		 data[];
};

static void	drive(struct web_conn *);
static int	flush(struct web_conn *);
static void	on_alloc(uv_handle_t *, size_t, uv_buf_t *);
static void	on_read(uv_stream_t *, ssize_t, const uv_buf_t *);
static void	send_more(struct web_conn *);

static const char *
reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 416: return "Range Not Satisfiable";
	case 417: return "Expectation Failed";
	case 422: return "Unprocessable Content";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return status < 500 ? "Client Error" :
	    "Internal Server Error";
	}
}

static void
conn_free(struct web_conn *c)
{
	struct web *w = c->w;
	struct web_conn **pp;

	for (pp = &w->conns; *pp != NULL && *pp != c; pp = &(*pp)->next)
		;
	if (*pp != NULL)
		*pp = c->next;
	w->nconns--;
	if (c->fd >= 0)
		close(c->fd);
	SSL_free(c->ssl);
	web_http_free(&c->http);
	free(c);
	w->idle(w);
}

static void
conn_closed(uv_handle_t *h)
{
	struct web_conn *c = h->data;

	if (--c->handles == 0 && !c->later)
		conn_free(c);
}

void
web_conn_close(struct web_conn *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	uv_close((uv_handle_t *)&c->timer, conn_closed);
	uv_close((uv_handle_t *)&c->tcp, conn_closed);
}

static void
on_timeout(uv_timer_t *t)
{
	struct web_conn *c = t->data;

	if (c->state == WC_HANDSHAKE)
		log_info("web: peer=%s TLS handshake timed out", c->peername);
	else if (c->state == WC_SEND)
		log_info("web: peer=%s stopped reading; connection closed",
		    c->peername);
	web_conn_close(c);
}

static void
arm(struct web_conn *c, uint64_t ms)
{
	if (!c->closing)
		uv_timer_start(&c->timer, on_timeout, ms, 0);
}

static void
shut_done(uv_shutdown_t *req, int status)
{
	(void)req;
	(void)status;
}

static void
send_fin(struct web_conn *c)
{
	if (c->closing || c->shut_sent || c->writes > 0)
		return;
	c->shut_sent = 1;
	if (uv_shutdown(&c->shut, (uv_stream_t *)&c->tcp, shut_done) != 0)
		web_conn_close(c);
}

/* The answer is out: the next request, or the end. */
static void
reply_done(struct web_conn *c)
{
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
	if (c->keepalive && !c->w->stopping) {
		c->state = WC_READ;
		web_http_init(&c->http);
		arm(c, WEB_IDLE_MS);
		drive(c);
		if (!c->closing && c->state == WC_READ)
			(void)uv_read_start((uv_stream_t *)&c->tcp, on_alloc,
			    on_read);
		return;
	}
	c->state = WC_LINGER;
	arm(c, LINGER_MS);
	if (c->ssl != NULL) {
		ERR_clear_error();
		(void)SSL_shutdown(c->ssl);
		if (flush(c) != 0) {
			web_conn_close(c);
			return;
		}
	}
	(void)uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
	send_fin(c);
}

static void
write_done(uv_write_t *req, int status)
{
	struct wreq *r = (struct wreq *)(void *)req;
	struct web_conn *c = req->data;

	c->writes--;
	c->queued -= r->n;
	free(r);
	if (c->closing)
		return;
	if (status < 0) {
		web_conn_close(c);
		return;
	}
	if (c->state == WC_SEND) {
		arm(c, WEB_IDLE_MS);
		if (c->left > 0)
			send_more(c);
		else if (c->writes == 0)
			reply_done(c);
	} else if (c->state == WC_LINGER)
		send_fin(c);
}

/* Queues n bytes on the socket (copied). */
static int
put(struct web_conn *c, const void *p, size_t n)
{
	struct wreq *r;
	uv_buf_t buf;

	if (n == 0)
		return 0;
	if ((r = malloc(sizeof(*r) + n)) == NULL)
		return CUSTOS_ERR_NOMEM;
	memcpy(r->data, p, n);
	r->n = n;
	r->req.data = c;
	buf = uv_buf_init(r->data, (unsigned)n);
	if (uv_write(&r->req, (uv_stream_t *)&c->tcp, &buf, 1,
	    write_done) != 0) {
		free(r);
		return CUSTOS_ERR_SYSTEM;
	}
	c->writes++;
	c->queued += n;
	return 0;
}

/* What OpenSSL has written goes to the socket. */
static int
flush(struct web_conn *c)
{
	char buf[16384];
	int n;

	while (BIO_ctrl_pending(c->wbio) > 0) {
		if ((n = BIO_read(c->wbio, buf, sizeof(buf))) <= 0)
			return CUSTOS_ERR_CRYPTO;
		if (put(c, buf, (size_t)n) != 0)
			return CUSTOS_ERR_NOMEM;
	}
	return 0;
}

/* Plaintext out, through TLS when there is a session. */
static int
emit(struct web_conn *c, const void *p, size_t n)
{
	const char *s = p;
	int k;

	if (c->ssl == NULL)
		return put(c, p, n);
	while (n > 0) {
		k = n > 65536 ? 65536 : (int)n;
		ERR_clear_error();
		if (SSL_write(c->ssl, s, k) != k)
			return CUSTOS_ERR_CRYPTO;
		s += k;
		n -= (size_t)k;
		if (flush(c) != 0)
			return CUSTOS_ERR_NOMEM;
	}
	return 0;
}

/* The next pieces of the file, while the queue has room. */
static void
send_more(struct web_conn *c)
{
	static char piece[SEND_PIECE];
	size_t want;
	ssize_t n;

	while (!c->closing && c->left > 0 && c->queued < SEND_QUEUE) {
		want = c->left < sizeof(piece) ? (size_t)c->left :
		    sizeof(piece);
		n = pread(c->fd, piece, want, (off_t)c->off);
		if (n <= 0) {
			log_warnx("web: peer=%s file read at %llu: %s; "
			    "connection closed", c->peername,
			    (unsigned long long)c->off, n == 0 ?
			    "end of file" : strerror(errno));
			web_conn_close(c);
			return;
		}
		if (emit(c, piece, (size_t)n) != 0) {
			web_conn_close(c);
			return;
		}
		c->off += (uint64_t)n;
		c->left -= (uint64_t)n;
	}
}

static void
head_printf(char *head, size_t size, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
head_printf(char *head, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(head + *len, size - *len, fmt, ap);
	va_end(ap);
	*len = n < 0 ? size : *len + (size_t)n;
}

/* Sends status, headers and what rep holds; takes rep's parts. */
static void
answer(struct web_conn *c, struct web_reply *rep)
{
	char head[8192];
	const char *extra = rep->headers.p != NULL ? rep->headers.p : "";
	size_t hlen = 0;
	uint64_t clen;
	int status = rep->status != 0 ? rep->status : 200, headonly, rc;

	if (rep->body.failed || rep->headers.failed) {
		status = 500;
		extra = "";
		web_buf_free(&rep->body);
		if (rep->fd >= 0)
			close(rep->fd);
		rep->fd = -1;
	}
	headonly = c->http.method == HTTP_HEAD || status == 204 ||
	    status == 304;
	clen = rep->fd >= 0 ? rep->len : rep->body.len;
	head_printf(head, sizeof(head), &hlen, "HTTP/1.1 %d %s\r\n"
	    "Content-Type: %s\r\nContent-Length: %llu\r\n"
	    "Connection: %s\r\n"
	    "Content-Security-Policy: " CSP "\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\n"
	    "Cache-Control: %s\r\nServer-Timing: app;dur=%.3f\r\n%s\r\n",
	    status, reason(status), rep->type != NULL ? rep->type :
	    "text/html; charset=utf-8", (unsigned long long)clen,
	    c->keepalive ? "keep-alive" : "close",
	    rep->cacheable ? "max-age=3600" : "no-store",
	    (double)(uv_hrtime() - c->t0) / 1e6, extra);
	if (hlen >= sizeof(head)) {
		log_warnx("web: peer=%s answer head over %zu bytes; "
		    "connection closed", c->peername, sizeof(head));
		goto fail;
	}
	c->w->codes[status / 100 < 6 ? status / 100 : 5]++;
	metrics_web_request(&c->w->env.st->metrics, status);
	c->state = WC_SEND;
	if ((rc = emit(c, head, hlen)) != 0)
		goto fail;
	if (rep->fd >= 0 && !headonly) {
		c->fd = rep->fd;
		c->off = rep->off;
		c->left = rep->len;
		rep->fd = -1;
	} else if (!headonly && rep->body.len > 0 &&
	    emit(c, rep->body.p, rep->body.len) != 0)
		goto fail;
	if (rep->fd >= 0)
		close(rep->fd);
	rep->fd = -1;
	web_buf_free(&rep->body);
	web_buf_free(&rep->headers);
	arm(c, WEB_IDLE_MS);
	send_more(c);
	if (!c->closing && c->writes == 0 && c->left == 0)
		reply_done(c);
	return;
fail:
	if (rep->fd >= 0)
		close(rep->fd);
	rep->fd = -1;
	web_buf_free(&rep->body);
	web_buf_free(&rep->headers);
	web_conn_close(c);
}

void
web_conn_reply(struct web_conn *c, struct web_reply *rep)
{
	if (c->closing || c->state != WC_SERVE) {
		if (rep->fd >= 0)
			close(rep->fd);
		rep->fd = -1;
		web_buf_free(&rep->body);
		web_buf_free(&rep->headers);
		return;
	}
	answer(c, rep);
}

struct web_later *
web_later(const struct web_req *req)
{
	struct web_later *l;

	if ((l = malloc(sizeof(*l))) == NULL)
		return NULL;
	l->c = req->conn;
	l->c->later = 1;
	return l;
}

void
web_finish(struct web_later *l, struct web_reply *rep)
{
	struct web_conn *c = l->c;

	free(l);
	c->later = 0;
	if (c->closing) {
		if (rep->fd >= 0)
			close(rep->fd);
		rep->fd = -1;
		web_buf_free(&rep->body);
		web_buf_free(&rep->headers);
		if (c->handles == 0)
			conn_free(c);
		return;
	}
	web_conn_reply(c, rep);
}

/* A request the parser refused: a short text answer, then close. */
static void
refuse(struct web_conn *c, int status, const char *text)
{
	struct web_reply rep;

	log_info("web: peer=%s refused %d: %s", c->peername, status, text);
	memset(&rep, 0, sizeof(rep));
	rep.fd = -1;
	rep.status = status;
	rep.type = "text/plain; charset=utf-8";
	c->keepalive = 0;
	c->state = WC_SERVE;
	c->t0 = uv_hrtime();
	web_buf_printf(&rep.body, "%s\n", text);
	answer(c, &rep);
}

static void
feed(struct web_conn *c)
{
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	enum web_http_state s;
	size_t used;

	s = web_http_feed(&c->http, c->pbuf + c->poff, c->plen - c->poff,
	    &used);
	c->poff += used;
	switch (s) {
	case WEB_HTTP_MORE:
		if (c->http.expect == 1 && c->http.head_done) {
			c->http.expect = 2;
			if (emit(c, cont, sizeof(cont) - 1) != 0)
				web_conn_close(c);
		}
		if (used == 0 && c->poff < c->plen)
			refuse(c, 400, "request not understood");
		break;
	case WEB_HTTP_DONE:
		uv_read_stop((uv_stream_t *)&c->tcp);
		uv_timer_stop(&c->timer);
		c->t0 = uv_hrtime();
		c->state = WC_SERVE;
		c->keepalive = c->http.keepalive && !c->w->stopping;
		c->w->requests++;
		c->w->serve(c);
		break;
	case WEB_HTTP_ERROR:
		refuse(c, c->http.status, c->http.error);
		break;
	}
}

/* Plaintext out of the TLS session; 1 some, 0 none, -1 the end. */
static int
fill(struct web_conn *c)
{
	int n, e;

	c->plen = c->poff = 0;
	while (c->plen < sizeof(c->pbuf)) {
		ERR_clear_error();
		n = SSL_read(c->ssl, c->pbuf + c->plen,
		    (int)(sizeof(c->pbuf) - c->plen));
		if (n > 0) {
			c->plen += (size_t)n;
			continue;
		}
		e = SSL_get_error(c->ssl, n);
		if (e == SSL_ERROR_WANT_READ || c->plen > 0)
			break;
		web_conn_close(c);
		return -1;
	}
	return c->plen > 0;
}

static void
handshake(struct web_conn *c)
{
	char buf[256];
	unsigned long e;
	long v;
	int r;

	ERR_clear_error();
	if ((r = SSL_do_handshake(c->ssl)) == 1) {
		web_peer_identify(&c->ident, c->ssl,
		    (struct sockaddr *)&c->local, (struct sockaddr *)&c->peer);
		c->state = WC_READ;
		arm(c, WEB_IDLE_MS);
		return;
	}
	if (SSL_get_error(c->ssl, r) == SSL_ERROR_WANT_READ)
		return;
	if ((v = SSL_get_verify_result(c->ssl)) != X509_V_OK)
		snprintf(buf, sizeof(buf), "%s",
		    X509_verify_cert_error_string(v));
	else if ((e = ERR_peek_last_error()) != 0)
		ERR_error_string_n(e, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "protocol error");
	log_warnx("web: peer=%s refused: TLS handshake failed: %s",
	    c->peername, buf);
	/* The alert OpenSSL wrote goes out, then the end. */
	c->keepalive = 0;
	c->state = WC_LINGER;
	arm(c, LINGER_MS);
	if (flush(c) != 0)
		web_conn_close(c);
	else
		send_fin(c);
}

static void
drive(struct web_conn *c)
{
	if (c->state == WC_HANDSHAKE)
		handshake(c);
	while (!c->closing && c->state == WC_READ) {
		if (c->poff == c->plen && (c->ssl == NULL || fill(c) <= 0))
			break;
		feed(c);
	}
	if (!c->closing && c->ssl != NULL && flush(c) != 0)
		web_conn_close(c);
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct web_conn *c = h->data;

	(void)hint;
	if (c->ssl != NULL)
		*buf = uv_buf_init(c->rbuf, sizeof(c->rbuf));
	else if (c->state == WC_READ)
		*buf = uv_buf_init(c->pbuf, sizeof(c->pbuf));
	else
		*buf = uv_buf_init(c->rbuf, sizeof(c->rbuf));
}

static void
on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct web_conn *c = s->data;

	if (c->closing)
		return;
	if (n < 0) {
		web_conn_close(c);
		return;
	}
	if (n == 0 || c->state == WC_LINGER)
		return;
	if (c->state != WC_HANDSHAKE && c->state != WC_READ)
		return;
	if (c->ssl != NULL) {
		if (BIO_write(c->rbio, buf->base, (int)n) != (int)n) {
			web_conn_close(c);
			return;
		}
	} else {
		c->plen = (size_t)n;
		c->poff = 0;
	}
	drive(c);
}

static int
addresses(struct web_conn *c)
{
	int len;

	len = sizeof(c->local);
	if (uv_tcp_getsockname(&c->tcp, (struct sockaddr *)&c->local,
	    &len) != 0)
		return -1;
	len = sizeof(c->peer);
	if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&c->peer,
	    &len) != 0)
		return -1;
	tls_listen_name((struct sockaddr *)&c->peer, c->peername,
	    sizeof(c->peername));
	return 0;
}

void
web_conn_accept(uv_stream_t *server, int status)
{
	struct web *w = server->data;
	struct web_conn *c;

	if (status < 0) {
		log_warnx("web: accept: %s", uv_strerror(status));
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warnx("web: out of memory for a connection");
		return;
	}
	c->w = w;
	c->fd = -1;
	c->tcp.data = c->timer.data = c;
	uv_tcp_init(w->loop, &c->tcp);
	uv_timer_init(w->loop, &c->timer);
	c->handles = 2;
	c->next = w->conns;
	w->conns = c;
	w->nconns++;
	web_http_init(&c->http);
	snprintf(c->peername, sizeof(c->peername), "?");
	if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0 ||
	    addresses(c) != 0) {
		web_conn_close(c);
		return;
	}
	w->accepted++;
	if (w->stopping || w->nconns > WEB_MAX_CONNS) {
		if (w->refused_conns++ % 100 == 0)
			log_warnx("web: peer=%s refused: %u connections open, "
			    "at most %d", c->peername, w->nconns - 1,
			    WEB_MAX_CONNS);
		web_conn_close(c);
		return;
	}
	(void)uv_tcp_nodelay(&c->tcp, 1);
	if (w->ctx != NULL) {
		c->state = WC_HANDSHAKE;
		if (tls_listen_session(w->ctx, &c->ssl, &c->rbio,
		    &c->wbio) != 0) {
			web_conn_close(c);
			return;
		}
	} else {
		c->state = WC_READ;
		web_peer_identify(&c->ident, NULL,
		    (struct sockaddr *)&c->local, (struct sockaddr *)&c->peer);
	}
	if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0) {
		web_conn_close(c);
		return;
	}
	arm(c, WEB_IDLE_MS);
}
