/*
 * upload_conn: one upload connection (upload_int.h): TLS with memory BIOs
 * on libuv, the request read and handed to the routes, the answer sent,
 * timeouts, the end.  The listener is upload.c; the routes are
 * upload_file.c, which this file reaches only through u->ops.
 *
 * Each connection owns one SSL object whose two memory BIOs stand between
 * libuv and OpenSSL: ciphertext read from the socket goes into rbio,
 * whatever OpenSSL produces in wbio is written to the socket.  Plaintext
 * is taken in batches of up to UPLOAD_PLAIN_BUF and fed to the request
 * parser, so a connection holds a fixed amount of memory whatever the
 * size of the file.  Body bytes go straight into a store writer on the
 * loop thread: a write to the page cache costs less than handing 128 KiB
 * to another thread and back.
 *
 * Timeouts, one timer per connection: the handshake must end within
 * HANDSHAKE_MS and the head within HEAD_MS after it (both absolute, so a
 * slow trickle of bytes does not keep a connection), the body may idle at
 * most BODY_IDLE_MS between reads, and after the answer the connection
 * lingers at most LINGER_MS for the client to close.  Lingering (reading
 * and dropping what still arrives, after our close_notify and FIN) lets a
 * client that is still sending read our error instead of a reset.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <uv.h>

#include "custos/digest.h"
#include "custos/err.h"
#include "daemon/journal.h"
#include "daemon/metrics.h"
#include "daemon/station.h"
#include "daemon/tls_listen.h"
#include "upload_int.h"

#define HANDSHAKE_MS	10000
#define HEAD_MS		10000
#define BODY_IDLE_MS	30000
#define LINGER_MS	2000
#define MAX_CONNS	256
#define URN_PREFIX	"urn:custos:camera:"

static void	conn_drive(struct conn *);
static void	on_alloc(uv_handle_t *, size_t, uv_buf_t *);
static void	on_read(uv_stream_t *, ssize_t, const uv_buf_t *);

static const char *
reason_phrase(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 417: return "Expectation Failed";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	case 507: return "Insufficient Storage";
	default: return "Internal Server Error";
	}
}

static void
shut_done(uv_shutdown_t *req, int status)
{
	(void)req;
	(void)status;
}

/* Sends FIN once nothing is left to write; the client's close ends it. */
static void
send_fin(struct conn *c)
{
	if (c->closing || c->shut_sent || c->writes > 0)
		return;
	c->shut_sent = 1;
	if (uv_shutdown(&c->shut, (uv_stream_t *)&c->tcp, shut_done) != 0)
		conn_close(c);
}

static void
write_done(uv_write_t *req, int status)
{
	struct conn *c = req->data;

	free(req);
	c->writes--;
	if (status < 0) {
		conn_close(c);
		return;
	}
	/* The answer is out: send FIN, then linger for the client's. */
	if (c->state == C_REPLY)
		send_fin(c);
}

static void
flush(struct conn *c)
{
	uv_write_t *req;
	uv_buf_t buf;
	size_t n;
	int r;

	while (!c->closing && (n = BIO_ctrl_pending(c->wbio)) > 0) {
		if ((req = malloc(sizeof(*req) + n)) == NULL) {
			conn_close(c);
			return;
		}
		buf = uv_buf_init((char *)(req + 1), (unsigned)n);
		if (BIO_read(c->wbio, buf.base, (int)n) != (int)n) {
			free(req);
			conn_close(c);
			return;
		}
		req->data = c;
		if ((r = uv_write(req, (uv_stream_t *)&c->tcp, &buf, 1,
		    write_done)) != 0) {
			free(req);
			conn_close(c);
			return;
		}
		c->writes++;
	}
}

static void
on_timeout(uv_timer_t *t)
{
	static const char *const stage[] = {
		[C_HANDSHAKE] = "TLS handshake", [C_HEAD] = "request head",
		[C_BODY] = "body (idle)", [C_WORK] = "sealing",
		[C_REPLY] = "closing",
	};
	struct conn *c = t->data;

	if (c->state == C_REPLY) {
		conn_close(c);
		return;
	}
	log_warnx("upload: peer=%s timeout in %s; connection closed",
	    c->peer, stage[c->state]);
	if (c->state == C_HANDSHAKE) {
		c->u->refused++;
		conn_close(c);
		return;
	}
	if (c->p != NULL)
		c->u->ops->detach(c, 1, "timeout");
	conn_reply(c, 408, NULL, "application/json",
	    "{\"error\":\"timeout\"}", 19);
}

static void
arm(struct conn *c, uint64_t ms)
{
	uv_timer_start(&c->timer, on_timeout, ms, 0);
}

/*
 * Ends the connection gently: what OpenSSL has to say goes out, then FIN;
 * reading goes on (and drops everything) until the client closes or
 * LINGER_MS pass.
 */
static void
linger(struct conn *c)
{
	c->state = C_REPLY;
	arm(c, LINGER_MS);
	(void)uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
	flush(c);
	send_fin(c);
}

void
conn_reply(struct conn *c, int status, const char *headers,
    const char *type, const char *body, size_t len)
{
	char head[1024];
	int n;

	if (c->closing || c->state == C_REPLY)
		return;
	if (status >= 400)
		c->u->refused++;
	/* A file the camera sent (PUT or PATCH): its refusal, by status. */
	if (c->req.route == UPLOAD_R_FILE && (c->req.method == HTTP_PUT ||
	    c->req.method == HTTP_PATCH))
		metrics_refused_upload(&c->u->st->metrics, status);
	n = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\n"
	    "Content-Type: %s\r\nContent-Length: %zu\r\n"
	    "Cache-Control: no-store\r\nConnection: close\r\n%s\r\n",
	    status, reason_phrase(status), type, len,
	    headers != NULL ? headers : "");
	c->state = C_REPLY;
	ERR_clear_error();
	if (n < 0 || (size_t)n >= sizeof(head) ||
	    SSL_write(c->ssl, head, n) != n ||
	    (len > 0 && c->req.method != HTTP_HEAD &&
	    SSL_write(c->ssl, body, (int)len) != (int)len)) {
		conn_close(c);
		return;
	}
	(void)SSL_shutdown(c->ssl);
	linger(c);
}

void
conn_error(struct conn *c, int status, const char *text)
{
	char cam[LOG_QUOTE_LEN];
	json_t *j;
	char *s;

	log_warnx("upload: refused peer=%s camera=%s status=%d "
	    "reason=\"%s\"", c->peer, log_quote(c->nids > 0 ? c->ids[0] :
	    "-", cam, sizeof(cam)), status, text);
	if ((j = json_pack("{s:s}", "error", text)) == NULL ||
	    (s = json_dumps(j, JSON_COMPACT)) == NULL) {
		json_decref(j);
		conn_reply(c, status, NULL, "application/json", "", 0);
		return;
	}
	conn_reply(c, status, NULL, "application/json", s, strlen(s));
	free(s);
	json_decref(j);
}

void
conn_body(struct conn *c)
{
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";

	c->state = C_BODY;
	arm(c, BODY_IDLE_MS);
	ERR_clear_error();
	if (c->req.expect && SSL_write(c->ssl, cont, sizeof(cont) - 1) !=
	    (int)sizeof(cont) - 1)
		conn_close(c);
}

void
conn_pause(struct conn *c)
{
	uv_read_stop((uv_stream_t *)&c->tcp);
	uv_timer_stop(&c->timer);
}

int
conn_names(const struct conn *c, const char *serial)
{
	size_t i;

	for (i = 0; i < c->nids; i++) {
		if (strcmp(c->ids[i], serial) == 0)
			return 1;
	}
	return 0;
}

static void
conn_free(struct conn *c)
{
	struct upload *u = c->u;
	struct conn **pp;
	size_t i;

	for (pp = &u->conns; *pp != NULL && *pp != c; pp = &(*pp)->next)
		;
	if (*pp != NULL)
		*pp = c->next;
	u->nconns--;
	SSL_free(c->ssl);
	for (i = 0; i < c->nids; i++)
		free(c->ids[i]);
	free(c);
	u->ops->idle(u);
}

static void
conn_closed(uv_handle_t *h)
{
	struct conn *c = h->data;

	if (--c->handles == 0 && !c->busy)
		conn_free(c);
}

void
conn_close(struct conn *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	/* A file still being received is kept for a resume. */
	if (c->p != NULL && c->state == C_BODY)
		c->u->ops->detach(c, 1, "connection closed");
	else if (c->p != NULL && c->state != C_WORK)
		c->u->ops->detach(c, 0, "connection closed");
	uv_close((uv_handle_t *)&c->timer, conn_closed);
	uv_close((uv_handle_t *)&c->tcp, conn_closed);
}

void
conn_unbusy(struct conn *c)
{
	struct upload *u = c->u;

	c->busy = 0;
	if (c->closing && c->handles == 0)
		conn_free(c);
	else
		u->ops->idle(u);
}

/* A cut before the request was complete. */
static void
conn_lost(struct conn *c, const char *why)
{
	if (c->state == C_HANDSHAKE) {
		log_warnx("upload: peer=%s TLS handshake not completed: %s",
		    c->peer, why);
		c->u->refused++;
	} else if (c->state == C_HEAD || c->state == C_BODY)
		log_info("upload: peer=%s connection lost (%s)", c->peer, why);
	conn_close(c);
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct conn *c = h->data;

	(void)hint;
	*buf = uv_buf_init(c->rbuf, sizeof(c->rbuf));
}

static void
on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct conn *c = s->data;

	if (c->closing)
		return;
	if (n < 0) {
		if (c->state == C_REPLY)
			conn_close(c);
		else
			conn_lost(c, n == UV_EOF ? "end of stream" :
			    uv_strerror((int)n));
		return;
	}
	if (n == 0 || c->state == C_REPLY || c->state == C_WORK)
		return;
	if (BIO_write(c->rbio, buf->base, (int)n) != (int)n) {
		conn_close(c);
		return;
	}
	if (c->state == C_BODY)
		arm(c, BODY_IDLE_MS);
	conn_drive(c);
}

/* A name from the certificate, kept if it can be a camera serial. */
static void
add_id(struct conn *c, const unsigned char *s, int len)
{
	char *id;

	if (len <= 0 || c->nids == UPLOAD_MAX_IDS ||
	    memchr(s, '\0', (size_t)len) != NULL)
		return;
	if ((id = strndup((const char *)s, (size_t)len)) == NULL)
		return;
	if (!upload_serial_valid(id) || conn_names(c, id)) {
		free(id);
		return;
	}
	c->ids[c->nids++] = id;
}

/* The subject CN, then the DNS names and urn:custos:camera: URIs. */
static void
cert_ids(struct conn *c, X509 *x)
{
	X509_NAME *sn = X509_get_subject_name(x);
	GENERAL_NAMES *san;
	const GENERAL_NAME *g;
	const ASN1_IA5STRING *uri;
	unsigned char *utf;
	const unsigned char *d;
	int i, len, plen = (int)strlen(URN_PREFIX);

	if ((i = X509_NAME_get_index_by_NID(sn, NID_commonName, -1)) >= 0 &&
	    (len = ASN1_STRING_to_UTF8(&utf, X509_NAME_ENTRY_get_data(
	    X509_NAME_get_entry(sn, i)))) >= 0) {
		add_id(c, utf, len);
		OPENSSL_free(utf);
	}
	if ((san = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL)) ==
	    NULL)
		return;
	for (i = 0; i < sk_GENERAL_NAME_num(san); i++) {
		g = sk_GENERAL_NAME_value(san, i);
		if (g->type == GEN_DNS) {
			add_id(c, ASN1_STRING_get0_data(g->d.dNSName),
			    ASN1_STRING_length(g->d.dNSName));
		} else if (g->type == GEN_URI) {
			uri = g->d.uniformResourceIdentifier;
			d = ASN1_STRING_get0_data(uri);
			len = ASN1_STRING_length(uri);
			if (len > plen && memcmp(d, URN_PREFIX, (size_t)plen) ==
			    0)
				add_id(c, d + plen, len - plen);
		}
	}
	GENERAL_NAMES_free(san);
}

/* The handshake is done: who is it? */
static int
handshake_done(struct conn *c)
{
	uint8_t h[DIGEST_LEN];
	unsigned char *der = NULL;
	X509 *x;
	int len;

	if ((x = SSL_get1_peer_certificate(c->ssl)) == NULL)
		return CUSTOS_ERR_KEY;
	cert_ids(c, x);
	len = i2d_X509(x, &der);
	X509_free(x);
	if (len <= 0 || digest_buf(DIGEST_SHA256, der, (size_t)len, h) != 0) {
		OPENSSL_free(der);
		return CUSTOS_ERR_CRYPTO;
	}
	OPENSSL_free(der);
	digest_format(DIGEST_SHA256, h, c->cert, sizeof(c->cert));
	c->state = C_HEAD;
	arm(c, HEAD_MS);
	log_debug("%s: peer=%s camera=%s cert=%s %s", __func__, c->peer,
	    c->nids > 0 ? c->ids[0] : "-", c->cert, SSL_get_version(c->ssl));
	return 0;
}

/* Why the handshake failed, for the log. */
static const char *
tls_reason(struct conn *c, char *buf, size_t len)
{
	long v = SSL_get_verify_result(c->ssl);
	unsigned long e;

	if (v != X509_V_OK)
		return X509_verify_cert_error_string(v);
	if ((e = ERR_peek_last_error()) != 0) {
		ERR_error_string_n(e, buf, len);
		return buf;
	}
	return "protocol error";
}

static void
do_handshake(struct conn *c)
{
	char buf[256];
	int r;

	ERR_clear_error();
	if ((r = SSL_do_handshake(c->ssl)) == 1) {
		if (handshake_done(c) == 0)
			return;
		log_warnx("upload: peer=%s refused: no usable client "
		    "certificate", c->peer);
		c->u->refused++;
		conn_close(c);
		return;
	}
	if (SSL_get_error(c->ssl, r) == SSL_ERROR_WANT_READ)
		return;
	log_warnx("upload: peer=%s refused: TLS handshake failed: %s",
	    c->peer, tls_reason(c, buf, sizeof(buf)));
	c->u->refused++;
	/* Send the alert OpenSSL produced, then close. */
	linger(c);
}

/* Takes plaintext out of the TLS session; 0 when none is there. */
static int
fill(struct conn *c)
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
		if (e == SSL_ERROR_WANT_READ)
			break;
		if (c->plen > 0)
			break;	/* hand over what came; the error recurs */
		conn_lost(c, e == SSL_ERROR_ZERO_RETURN ? "close_notify" :
		    "TLS error");
		return -1;
	}
	return c->plen > 0;
}

/* Feeds held plaintext to the request parser. */
static void
feed(struct conn *c)
{
	enum upload_req_state s;
	size_t used;

	while (!c->closing && (c->state == C_HEAD || c->state == C_BODY) &&
	    c->poff < c->plen) {
		s = upload_req_feed(&c->req, c->pbuf + c->poff,
		    c->plen - c->poff, &used);
		c->poff += used;
		switch (s) {
		case UPLOAD_REQ_MORE:
			break;
		case UPLOAD_REQ_HEAD:
			upload_req_resume(&c->req);
			c->u->ops->route(c);
			break;
		case UPLOAD_REQ_DONE:
			c->u->ops->complete(c);
			return;
		case UPLOAD_REQ_ERROR:
			if (c->p != NULL)
				c->u->ops->detach(c, 0, c->req.error);
			conn_error(c, c->req.status, c->req.error);
			return;
		}
	}
}

static void
conn_drive(struct conn *c)
{
	if (c->state == C_HANDSHAKE)
		do_handshake(c);
	while (!c->closing && (c->state == C_HEAD || c->state == C_BODY)) {
		if (c->poff == c->plen && fill(c) <= 0)
			break;
		feed(c);
	}
	if (!c->closing)
		flush(c);
}

int
conn_leftover(const struct conn *c)
{
	return c->poff < c->plen || SSL_pending(c->ssl) > 0;
}

static void
peer_name(struct conn *c)
{
	struct sockaddr_storage ss;
	int len = sizeof(ss);

	snprintf(c->peer, sizeof(c->peer), "?");
	if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) == 0)
		tls_listen_name((struct sockaddr *)&ss, c->peer,
		    sizeof(c->peer));
}

void
conn_accept(uv_stream_t *server, int status)
{
	struct upload *u = server->data;
	struct conn *c;

	if (status < 0) {
		log_warnx("upload: accept: %s", uv_strerror(status));
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warnx("upload: out of memory for a connection");
		return;
	}
	c->u = u;
	c->tcp.data = c->timer.data = c;
	uv_tcp_init(u->loop, &c->tcp);
	uv_timer_init(u->loop, &c->timer);
	c->handles = 2;
	c->next = u->conns;
	u->conns = c;
	u->nconns++;
	upload_req_init(&c->req, u->ops->body, c);
	if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
		conn_close(c);
		return;
	}
	peer_name(c);
	if (u->stopping || u->nconns > MAX_CONNS) {
		log_warnx("upload: peer=%s refused: %u connections open",
		    c->peer, u->nconns - 1);
		u->refused++;
		conn_close(c);
		return;
	}
	(void)uv_tcp_nodelay(&c->tcp, 1);
	if (tls_listen_session(u->ctx, &c->ssl, &c->rbio, &c->wbio) != 0 ||
	    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0) {
		conn_close(c);
		return;
	}
	arm(c, HANDSHAKE_MS);
}

