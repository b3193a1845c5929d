/*
 * upload: the HTTPS listener (upload.h): the TLS context, the listening
 * socket, status and stop.  Each connection is upload_conn.c; the routes
 * are upload_file.c, which the connections reach through the table
 * upload_start() gives them (ops below).
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

#define SWEEP_MS	60000

static void	maybe_stopped(struct upload *);

/* What the connections call of the routes and of the listener. */
static const struct upload_ops ops = {
	.route = upload_route,
	.body = upload_body,
	.complete = upload_complete,
	.detach = upload_detach,
	.idle = maybe_stopped,
};

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
	    conn_accept)) != 0) {
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
	u->ops = &ops;
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
