/*
 * tls_listen: the server TLS context, sessions on memory BIOs and the
 * listen addresses of the daemon's TCP listeners (tls_listen.h).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "custos/err.h"
#include "tls_listen.h"

static int
tls_fail(const struct tls_listen_files *f, const char *what,
    const char *path, char *err, size_t errlen)
{
	char buf[256];

	ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
	snprintf(err, errlen, "[%s] %s %s: %s", f->section, what, path, buf);
	ERR_clear_error();
	return CUSTOS_ERR_CONFIG;
}

/* Loads the CRL file into the store and turns on CRL checks. */
static int
load_crl(SSL_CTX *ctx, const struct tls_listen_files *f, char *err,
    size_t errlen)
{
	X509_STORE *xs = SSL_CTX_get_cert_store(ctx);
	X509_CRL *crl;
	BIO *b;
	int n = 0;

	if ((b = BIO_new_file(f->crl, "r")) == NULL) {
		snprintf(err, errlen, "[%s] crl %s: cannot read", f->section,
		    f->crl);
		return CUSTOS_ERR_CONFIG;
	}
	while ((crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) != NULL) {
		if (X509_STORE_add_crl(xs, crl) != 1) {
			X509_CRL_free(crl);
			BIO_free(b);
			snprintf(err, errlen, "[%s] crl %s: cannot add",
			    f->section, f->crl);
			return CUSTOS_ERR_CONFIG;
		}
		X509_CRL_free(crl);
		n++;
	}
	BIO_free(b);
	ERR_clear_error();
	if (n == 0) {
		snprintf(err, errlen, "[%s] crl %s: no PEM CRL in it",
		    f->section, f->crl);
		return CUSTOS_ERR_CONFIG;
	}
	X509_STORE_set_flags(xs, X509_V_FLAG_CRL_CHECK);
	return 0;
}

static int
make_ctx(const struct tls_listen_files *f, SSL_CTX *ctx, char *err,
    size_t errlen)
{
	STACK_OF(X509_NAME) *cas;

	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* No resumption: every connection shows its certificate. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 0);
	if (SSL_CTX_use_certificate_chain_file(ctx, f->cert) != 1)
		return tls_fail(f, "cert", f->cert, err, errlen);
	if (SSL_CTX_use_PrivateKey_file(ctx, f->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1)
		return tls_fail(f, "key", f->key, err, errlen);
	if (SSL_CTX_load_verify_locations(ctx, f->client_ca, NULL) != 1 ||
	    (cas = SSL_load_client_CA_file(f->client_ca)) == NULL)
		return tls_fail(f, "client_ca", f->client_ca, err, errlen);
	SSL_CTX_set_client_CA_list(ctx, cas);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	if (f->crl != NULL)
		return load_crl(ctx, f, err, errlen);
	return 0;
}

int
tls_listen_ctx(const struct tls_listen_files *f, SSL_CTX **out, char *err,
    size_t errlen)
{
	SSL_CTX *ctx;
	int rc;

	*out = NULL;
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = make_ctx(f, ctx, err, errlen)) != 0) {
		SSL_CTX_free(ctx);
		return rc;
	}
	*out = ctx;
	return 0;
}

int
tls_listen_session(SSL_CTX *ctx, SSL **ssl, BIO **rbio, BIO **wbio)
{
	*rbio = *wbio = NULL;
	if ((*ssl = SSL_new(ctx)) == NULL ||
	    (*rbio = BIO_new(BIO_s_mem())) == NULL ||
	    (*wbio = BIO_new(BIO_s_mem())) == NULL) {
		BIO_free(*rbio);
		BIO_free(*wbio);
		SSL_free(*ssl);
		*ssl = NULL;
		*rbio = *wbio = NULL;
		return CUSTOS_ERR_NOMEM;
	}
	/* A drained read BIO asks for more instead of reporting EOF. */
	BIO_set_mem_eof_return(*rbio, -1);
	BIO_set_mem_eof_return(*wbio, -1);
	SSL_set_bio(*ssl, *rbio, *wbio);
	SSL_set_accept_state(*ssl);
	return 0;
}

int
tls_listen_resolve(const char *listen, struct sockaddr_storage *ss)
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

void
tls_listen_name(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	snprintf(buf, len, "?");
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)
		    (const void *)sa;

		uv_ip4_name(in, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)
		    (const void *)sa;

		uv_ip6_name(in6, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(in6->sin6_port));
	}
}
