/*
 * tls_listen: what the daemon's TCP listeners share (the upload listener,
 * daemon/upload, and the web console, daemon/web): the server TLS context
 * that asks every peer for a client certificate, one TLS session per
 * connection whose two memory BIOs stand between libuv and OpenSSL, the
 * "host:port" of a listen key, and a peer's printable address.
 */
#ifndef CUSTOSD_TLS_LISTEN_H
#define CUSTOSD_TLS_LISTEN_H

#include <sys/socket.h>

#include <stddef.h>

#include <openssl/ssl.h>
#include <uv.h>

/* The files of one listener's TLS (paths from the config). */
struct tls_listen_files {
	const char	*section;	/* "upload", "web": for the errors */
	const char	*cert;		/* chain, PEM */
	const char	*key;		/* PEM */
	const char	*client_ca;	/* CAs of the client certificates */
	const char	*crl;		/* PEM CRLs, or NULL */
};

/*
 * A TLS 1.2+ server context that requires a client certificate verified
 * against client_ca (and the CRLs), with no session resumption, so every
 * connection shows its certificate.  Returns 0 and *out (free with
 * SSL_CTX_free()), or CUSTOS_ERR_CONFIG with "[section] what path:
 * reason" in err (errlen bytes), or CUSTOS_ERR_NOMEM.
 */
int	 tls_listen_ctx(const struct tls_listen_files *f, SSL_CTX **out,
	    char *err, size_t errlen);

/*
 * A server session of ctx on two memory BIOs: ciphertext read from the
 * socket goes into *rbio, what OpenSSL writes is taken from *wbio.  Both
 * BIOs are owned by *ssl (SSL_free() frees all three).  Returns 0 or
 * CUSTOS_ERR_NOMEM.
 */
int	 tls_listen_session(SSL_CTX *ctx, SSL **ssl, BIO **rbio, BIO **wbio);

/*
 * "host:port" or "[v6]:port" (numeric port) to an address.  Returns 0
 * or CUSTOS_ERR_CONFIG.
 */
int	 tls_listen_resolve(const char *listen, struct sockaddr_storage *ss);

/* The printable "addr:port" or "[addr]:port" of sa ("?" if unknown). */
void	 tls_listen_name(const struct sockaddr *sa, char *buf, size_t len);

#endif
