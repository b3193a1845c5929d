/*
 * upload: the HTTPS listener (upload.h): TLS with memory BIOs on libuv,
 * connections and their timeouts, answers, status and stop.  The routes
 * are in upload_file.c.
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
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <uv.h>

#include "custos/config.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "daemon/journal.h"
#include "daemon/station.h"
#include "upload.h"
#include "upload_int.h"

#define HANDSHAKE_MS	10000
#define HEAD_MS		10000
#define BODY_IDLE_MS	30000
#define LINGER_MS	2000
#define SWEEP_MS	60000
#define MAX_CONNS	256
#define URN_PREFIX	"urn:custos:camera:"

static void	conn_drive(struct conn *);
static void	conn_close(struct conn *);
static void	maybe_stopped(struct upload *);
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
		upload_detach(c, 1, "timeout");
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
	maybe_stopped(u);
}

static void
conn_closed(uv_handle_t *h)
{
	struct conn *c = h->data;

	if (--c->handles == 0 && !c->busy)
		conn_free(c);
}

static void
conn_close(struct conn *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	/* A file still being received is kept for a resume. */
	if (c->p != NULL && c->state == C_BODY)
		upload_detach(c, 1, "connection closed");
	else if (c->p != NULL && c->state != C_WORK)
		upload_detach(c, 0, "connection closed");
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
		maybe_stopped(u);
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
			upload_route(c);
			break;
		case UPLOAD_REQ_DONE:
			upload_complete(c);
			return;
		case UPLOAD_REQ_ERROR:
			if (c->p != NULL)
				upload_detach(c, 0, c->req.error);
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
	char host[INET6_ADDRSTRLEN];
	int len = sizeof(ss);
	uint16_t port = 0;

	snprintf(c->peer, sizeof(c->peer), "?");
	if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) != 0)
		return;
	if (ss.ss_family == AF_INET) {
		uv_ip4_name((struct sockaddr_in *)&ss, host, sizeof(host));
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		snprintf(c->peer, sizeof(c->peer), "%s:%u", host, port);
	} else if (ss.ss_family == AF_INET6) {
		uv_ip6_name((struct sockaddr_in6 *)&ss, host, sizeof(host));
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		snprintf(c->peer, sizeof(c->peer), "[%s]:%u", host, port);
	}
}

static int
conn_tls(struct conn *c)
{
	if ((c->ssl = SSL_new(c->u->ctx)) == NULL ||
	    (c->rbio = BIO_new(BIO_s_mem())) == NULL ||
	    (c->wbio = BIO_new(BIO_s_mem())) == NULL) {
		BIO_free(c->rbio);
		BIO_free(c->wbio);
		return CUSTOS_ERR_NOMEM;
	}
	/* A drained read BIO asks for more instead of reporting EOF. */
	BIO_set_mem_eof_return(c->rbio, -1);
	BIO_set_mem_eof_return(c->wbio, -1);
	SSL_set_bio(c->ssl, c->rbio, c->wbio);
	SSL_set_accept_state(c->ssl);
	return 0;
}

static void
on_connection(uv_stream_t *server, int status)
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
	upload_req_init(&c->req, upload_body, c);
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
	if (conn_tls(c) != 0 || uv_read_start((uv_stream_t *)&c->tcp,
	    on_alloc, on_read) != 0) {
		conn_close(c);
		return;
	}
	arm(c, HANDSHAKE_MS);
}

/* Loads the CRL file into the store and turns on CRL checks. */
static int
load_crl(SSL_CTX *ctx, const char *path, char *err, size_t errlen)
{
	X509_STORE *xs = SSL_CTX_get_cert_store(ctx);
	X509_CRL *crl;
	BIO *b;
	int n = 0;

	if ((b = BIO_new_file(path, "r")) == NULL) {
		snprintf(err, errlen, "[upload] crl %s: cannot read", path);
		return CUSTOS_ERR_CONFIG;
	}
	while ((crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) != NULL) {
		if (X509_STORE_add_crl(xs, crl) != 1) {
			X509_CRL_free(crl);
			BIO_free(b);
			snprintf(err, errlen, "[upload] crl %s: cannot add",
			    path);
			return CUSTOS_ERR_CONFIG;
		}
		X509_CRL_free(crl);
		n++;
	}
	BIO_free(b);
	ERR_clear_error();
	if (n == 0) {
		snprintf(err, errlen, "[upload] crl %s: no PEM CRL in it",
		    path);
		return CUSTOS_ERR_CONFIG;
	}
	X509_STORE_set_flags(xs, X509_V_FLAG_CRL_CHECK);
	return 0;
}

static int
tls_fail(const char *what, const char *path, char *err, size_t errlen)
{
	char buf[256];

	ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
	snprintf(err, errlen, "[upload] %s %s: %s", what, path, buf);
	ERR_clear_error();
	return CUSTOS_ERR_CONFIG;
}

static int
make_ctx(const struct config *cfg, SSL_CTX **out, char *err, size_t errlen)
{
	STACK_OF(X509_NAME) *cas;
	SSL_CTX *ctx;
	int rc;

	if ((*out = ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		return CUSTOS_ERR_NOMEM;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* No resumption: every connection shows its certificate. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 0);
	if (SSL_CTX_use_certificate_chain_file(ctx, cfg->upload_cert) != 1)
		return tls_fail("cert", cfg->upload_cert, err, errlen);
	if (SSL_CTX_use_PrivateKey_file(ctx, cfg->upload_key,
	    SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1)
		return tls_fail("key", cfg->upload_key, err, errlen);
	if (SSL_CTX_load_verify_locations(ctx, cfg->upload_client_ca, NULL) !=
	    1 || (cas = SSL_load_client_CA_file(cfg->upload_client_ca)) ==
	    NULL)
		return tls_fail("client_ca", cfg->upload_client_ca, err,
		    errlen);
	SSL_CTX_set_client_CA_list(ctx, cas);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	if (cfg->upload_crl != NULL &&
	    (rc = load_crl(ctx, cfg->upload_crl, err, errlen)) != 0)
		return rc;
	return 0;
}

/* "host:port" or "[v6]:port" to an address. */
static int
resolve(const char *listen, struct sockaddr_storage *ss)
{
	struct addrinfo hints, *res;
	char host[256];
	const char *colon = strrchr(listen, ':');
	size_t n;

	if (colon == NULL || (n = (size_t)(colon - listen)) >= sizeof(host))
		return CUSTOS_ERR_CONFIG;
	memcpy(host, listen, n);
	host[n] = '\0';
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		memmove(host, host + 1, n - 2);
		host[n - 2] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (getaddrinfo(host[0] != '\0' ? host : NULL, colon + 1, &hints,
	    &res) != 0)
		return CUSTOS_ERR_CONFIG;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

static void
sweep_tick(uv_timer_t *t)
{
	upload_expire(t->data, 0);
}

static void
upload_free(struct upload *u)
{
	SSL_CTX_free(u->ctx);
	free(u->listen);
	free(u);
}

static int
listen_on(struct upload *u, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	int r;

	if (resolve(u->listen, &ss) != 0) {
		snprintf(err, errlen, "[upload] listen %s: expected host:port",
		    u->listen);
		return CUSTOS_ERR_CONFIG;
	}
	uv_tcp_init(u->loop, &u->listener);
	u->listener.data = u;
	u->handles++;
	if ((r = uv_tcp_bind(&u->listener, (struct sockaddr *)&ss, 0)) != 0 ||
	    (r = uv_listen((uv_stream_t *)&u->listener, 128,
	    on_connection)) != 0) {
		/* The caller appends strerror(errno). */
		snprintf(err, errlen, "[upload] listen %s", u->listen);
		errno = -r;
		return CUSTOS_ERR_SYSTEM;
	}
	return 0;
}

int
upload_start(uv_loop_t *loop, struct station *st, struct sealer *s,
    struct upload **out, char *err, size_t errlen)
{
	const struct config *cfg = st->cfg;
	struct upload *u;
	int rc, saved;

	*out = NULL;
	if (cfg->upload_listen == NULL)
		return 0;
	if ((u = calloc(1, sizeof(*u))) == NULL ||
	    (u->listen = strdup(cfg->upload_listen)) == NULL) {
		free(u);
		return CUSTOS_ERR_NOMEM;
	}
	u->loop = loop;
	u->st = st;
	u->sealer = s;
	if ((rc = make_ctx(cfg, &u->ctx, err, errlen)) != 0) {
		upload_free(u);
		return rc;
	}
	if ((rc = listen_on(u, err, errlen)) != 0) {
		/* Startup fails and the process exits; keep errno for it. */
		saved = errno;
		u->stopping = 1;
		uv_close((uv_handle_t *)&u->listener, NULL);
		errno = saved;
		return rc;
	}
	uv_timer_init(loop, &u->sweep);
	u->sweep.data = u;
	u->handles++;
	uv_timer_start(&u->sweep, sweep_tick, SWEEP_MS, SWEEP_MS);
	log_info("upload: listening on %s", u->listen);
	*out = u;
	return 0;
}

json_t *
upload_status(const struct upload *u)
{
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "listen", u->listen,
	    "connections", (json_int_t)u->nconns,
	    "in_flight", (json_int_t)u->in_flight,
	    "partial", (json_int_t)u->npartials,
	    "bytes", (json_int_t)u->bytes,
	    "sealed", (json_int_t)u->sealed,
	    "refused", (json_int_t)u->refused);
}

static void
handle_closed(uv_handle_t *h)
{
	struct upload *u = h->data;
	void (*cb)(void *) = u->stopped;
	void *arg = u->stopped_arg;

	if (--u->handles > 0)
		return;
	upload_free(u);
	cb(arg);
}

/* Once stopping and nothing is left in flight, closes the last handles. */
static void
maybe_stopped(struct upload *u)
{
	if (!u->stopping || u->nconns > 0 || u->in_flight > 0 ||
	    u->stopped == NULL || uv_is_closing((uv_handle_t *)&u->sweep))
		return;
	uv_close((uv_handle_t *)&u->sweep, handle_closed);
}

void
upload_stop(struct upload *u, void (*stopped)(void *), void *arg)
{
	struct conn *c, *next;

	if (u == NULL) {
		stopped(arg);
		return;
	}
	u->stopping = 1;
	u->stopped = stopped;
	u->stopped_arg = arg;
	uv_close((uv_handle_t *)&u->listener, handle_closed);
	uv_timer_stop(&u->sweep);
	for (c = u->conns; c != NULL; c = next) {
		next = c->next;
		if (c->state != C_WORK) {
			if (c->p != NULL)
				upload_detach(c, 0, "daemon stopping");
			conn_close(c);
		}
	}
	upload_expire(u, 1);
	maybe_stopped(u);
}
