/*
 * live_tls: the live child's tls:// listener (live_int.h, docs/live.md):
 * it binds, waits for the camera, accepts only a client whose certificate
 * from [upload] client_ca names the camera, and hands the connection to
 * libavformat as the input's I/O.  It runs in the live child before the
 * child restricts itself (live_child.c), because binding, accepting and
 * reading certificate files are what the restriction forbids.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <netdb.h>
#include <poll.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <libavformat/avio.h>
#include <libavutil/error.h>
#include <libavutil/mem.h>

#include "live.h"
#include "live_int.h"
#include "daemon/journal.h"

/* A TLS client has this long for its handshake, seconds. */
#define LIVE_HANDSHAKE_S	10
#define LIVE_RW_TIMEOUT_S	5
#define URN_PREFIX		"urn:custos:camera:"

/* A tls:// listener's one accepted connection. */
struct tlsin {
	SSL_CTX		*ctx;
	SSL		*ssl;
	int		 fd;
};

/*
 * tls:// listeners: OpenSSL, not libavformat's TLS, because the camera
 * must present a client certificate from [upload] client_ca that names
 * it, as uploads must (docs/live.md).
 */

static void
tls_ctx(struct child *c, struct tlsin *t)
{
	const struct live_req *r = &c->req;
	STACK_OF(X509_NAME) *cas;
	X509_STORE *xs;
	X509_LOOKUP *lu;

	if ((t->ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		live_child_end(c, "tls: cannot make a context");
	SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(t->ctx, SSL_OP_NO_TICKET |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_num_tickets(t->ctx, 0);
	if (SSL_CTX_use_certificate_chain_file(t->ctx, r->cert) != 1)
		live_child_end(c, "tls: certificate %s: cannot load", r->cert);
	if (SSL_CTX_use_PrivateKey_file(t->ctx, r->key, SSL_FILETYPE_PEM) !=
	    1 || SSL_CTX_check_private_key(t->ctx) != 1)
		live_child_end(c, "tls: key %s: cannot load", r->key);
	if (SSL_CTX_load_verify_locations(t->ctx, r->ca, NULL) != 1 ||
	    (cas = SSL_load_client_CA_file(r->ca)) == NULL)
		live_child_end(c, "tls: client CA %s: cannot load", r->ca);
	SSL_CTX_set_client_CA_list(t->ctx, cas);
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	if (r->crl[0] != '\0') {
		xs = SSL_CTX_get_cert_store(t->ctx);
		if ((lu = X509_STORE_add_lookup(xs, X509_LOOKUP_file())) ==
		    NULL || X509_load_crl_file(lu, r->crl,
		    X509_FILETYPE_PEM) <= 0)
			live_child_end(c, "tls: crl %s: cannot load", r->crl);
		X509_STORE_set_flags(xs, X509_V_FLAG_CRL_CHECK);
	}
}

/* Binds "tls://host:port" (host may be [v6]); returns the socket. */
static int
tls_bind(struct child *c)
{
	struct addrinfo hints, *ai = NULL;
	char host[256], *port, *h = host;
	int fd, one = 1, rc;

	snprintf(host, sizeof(host), "%s", c->req.url + strlen("tls://"));
	if ((port = strrchr(host, ':')) == NULL)
		live_child_end(c, "tls: no port in %s", c->req.url);
	*port++ = '\0';
	if (*h == '[' && port - h >= 3 && port[-2] == ']') {
		h++;
		port[-2] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(h, port, &hints, &ai)) != 0)
		live_child_end(c, "tls: %s: %s", c->req.url, gai_strerror(rc));
	if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) ==
	    -1 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == -1 || bind(fd, ai->ai_addr, ai->ai_addrlen) ==
	    -1 || listen(fd, 4) == -1)
		live_child_end(c, "tls: %s: %s", c->req.url, strerror(errno));
	freeaddrinfo(ai);
	return fd;
}

/* Whether the UTF-8 bytes d (len) are the serial. */
static int
same(const unsigned char *d, int len, const char *serial)
{
	return len >= 0 && (size_t)len == strlen(serial) &&
	    memcmp(d, serial, (size_t)len) == 0;
}

/*
 * Whether x names the camera: its subject CN, a DNS name or a
 * urn:custos:camera: URI is the serial (the names uploads accept).
 */
static int
names_camera(X509 *x, const char *serial)
{
	X509_NAME *sn = X509_get_subject_name(x);
	GENERAL_NAMES *san;
	const GENERAL_NAME *g;
	const ASN1_STRING *a;
	unsigned char *utf;
	int i = -1, len, ok = 0, plen = (int)strlen(URN_PREFIX);

	while (!ok && (i = X509_NAME_get_index_by_NID(sn, NID_commonName,
	    i)) >= 0) {
		if ((len = ASN1_STRING_to_UTF8(&utf, X509_NAME_ENTRY_get_data(
		    X509_NAME_get_entry(sn, i)))) < 0)
			continue;
		ok = same(utf, len, serial);
		OPENSSL_free(utf);
	}
	if (ok || (san = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
	    NULL)) == NULL)
		return ok;
	for (i = 0; !ok && i < sk_GENERAL_NAME_num(san); i++) {
		g = sk_GENERAL_NAME_value(san, i);
		if (g->type == GEN_DNS) {
			a = g->d.dNSName;
			ok = same(ASN1_STRING_get0_data(a), ASN1_STRING_length(a),
			    serial);
		} else if (g->type == GEN_URI) {
			a = g->d.uniformResourceIdentifier;
			len = ASN1_STRING_length(a);
			ok = len > plen && memcmp(ASN1_STRING_get0_data(a),
			    URN_PREFIX, (size_t)plen) == 0 &&
			    same(ASN1_STRING_get0_data(a) + plen, len - plen,
			    serial);
		}
	}
	GENERAL_NAMES_free(san);
	return ok;
}

static void
set_timeout(int fd, int seconds)
{
	struct timeval tv;

	tv.tv_sec = seconds;
	tv.tv_usec = 0;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* One handshake; 0 when the client is the camera, else why not. */
static const char *
tls_handshake(struct child *c, struct tlsin *t)
{
	static char why[160];
	X509 *x;
	long v;
	int ok;

	if ((t->ssl = SSL_new(t->ctx)) == NULL || SSL_set_fd(t->ssl,
	    t->fd) != 1)
		live_child_end(c, "tls: out of memory");
	if (SSL_accept(t->ssl) != 1) {
		v = SSL_get_verify_result(t->ssl);
		snprintf(why, sizeof(why), "handshake failed: %s",
		    v != X509_V_OK ? X509_verify_cert_error_string(v) :
		    ERR_reason_error_string(ERR_peek_last_error()) != NULL ?
		    ERR_reason_error_string(ERR_peek_last_error()) : "?");
		ERR_clear_error();
		return why;
	}
	if ((x = SSL_get1_peer_certificate(t->ssl)) == NULL)
		return "no client certificate";
	ok = names_camera(x, c->req.camera);
	X509_free(x);
	if (!ok) {
		snprintf(why, sizeof(why), "the client certificate does not "
		    "name camera %s", c->req.camera);
		return why;
	}
	return NULL;
}

/* Waits for the camera: refused clients are logged and dropped. */
static void
tls_accept(struct child *c, struct tlsin *t)
{
	struct pollfd pfd;
	const char *why;
	int lfd = tls_bind(c);

	live_child_send_simple(LIVE_MSG_LISTENING);
	for (;;) {
		pfd.fd = lfd;
		pfd.events = POLLIN;
		if (live_child_stopping())
			live_child_end(NULL, "stopped");
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if ((t->fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) == -1) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == ECONNABORTED)
				continue;
			live_child_end(c, "tls: accept: %s", strerror(errno));
		}
		set_timeout(t->fd, LIVE_HANDSHAKE_S);
		if ((why = tls_handshake(c, t)) == NULL)
			break;
		log_warnx("tls client refused camera=%s: %s", c->req.camera, why);
		SSL_free(t->ssl);
		t->ssl = NULL;
		close(t->fd);
	}
	close(lfd);
	set_timeout(t->fd, LIVE_RW_TIMEOUT_S);
}

static int
tls_read(void *opaque, uint8_t *buf, int n)
{
	struct tlsin *t = opaque;
	int r, e;

	for (;;) {
		ERR_clear_error();
		errno = 0;
		if ((r = SSL_read(t->ssl, buf, n)) > 0)
			return r;
		e = SSL_get_error(t->ssl, r);
		if (live_child_stopping())
			return AVERROR_EXIT;
		if (e == SSL_ERROR_ZERO_RETURN)
			return AVERROR_EOF;
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_SYSCALL) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return AVERROR(ETIMEDOUT);
			if (errno == 0)
				return AVERROR_EOF;
			return AVERROR(errno);
		}
		return AVERROR(EIO);
	}
}

void
live_tls_open(struct child *c)
{
	static struct tlsin t;
	unsigned char *buf;

	tls_ctx(c, &t);
	tls_accept(c, &t);
	if ((buf = av_malloc(AVIO_BUFSZ)) == NULL ||
	    (c->in = avio_alloc_context(buf, AVIO_BUFSZ, 0, &t, tls_read,
	    NULL, NULL)) == NULL)
		live_child_end(c, "out of memory");
	c->ic->pb = c->in;
}
