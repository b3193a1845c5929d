/*
 * upload_int.h: the upload listener's state, shared by upload.c (the
 * listener and its TLS context, status, stop), upload_conn.c (each
 * connection: TLS, the request read, the answer) and upload_file.c (the
 * routes: files kept while they arrive, resumed, committed and sealed;
 * checkpoint and receipts), and by no one else.  The loop thread owns all
 * of it.
 *
 * The calls go one way: upload.c calls both others, upload_file.c calls
 * the connection's answers, and a connection reaches the routes and the
 * listener only through the table upload_start() sets (struct
 * upload_ops).
 */
#ifndef CUSTOSD_UPLOAD_INT_H
#define CUSTOSD_UPLOAD_INT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>
#include <uv.h>

#include "custos/digest.h"
#include "upload_req.h"

#define UPLOAD_READ_BUF		(64 * 1024)	/* ciphertext, one read */
#define UPLOAD_PLAIN_BUF	(128 * 1024)	/* plaintext, one batch */
#define UPLOAD_MAX_IDS		8	/* camera names from one cert */

struct upload;

/* A file being received: kept across connections until complete. */
struct partial {
	struct partial	*next;		/* in u->partials */
	char		 serial[UPLOAD_SERIAL_MAX + 1];
	char		 name[UPLOAD_NAME_MAX + 1];
	struct store_writer *w;		/* the bytes so far, hashed */
	struct digest	*sha;		/* sha-256 for Content-Digest */
	uint8_t		 want[32];
	int		 has_digest;
	uint64_t	 offset;	/* bytes received and written */
	uint64_t	 total;
	int		 has_total;	/* the length is known */
	int64_t		 recorded_ms;
	int		 has_recorded;
	char		 cert[DIGEST_STRLEN];	/* first request's cert */
	uint64_t	 expires;	/* uv_now() ms, when detached */
	struct conn	*conn;		/* receiving it now, or NULL */
};

enum conn_state {
	C_HANDSHAKE = 0,
	C_HEAD,			/* reading the request head */
	C_BODY,			/* streaming the body */
	C_WORK,			/* commit and seal in flight */
	C_REPLY,		/* answer sent, lingering until closed */
};

struct conn {
	uv_tcp_t	 tcp;
	uv_timer_t	 timer;
	uv_shutdown_t	 shut;
	struct upload	*u;
	struct conn	*next;		/* in u->conns */
	enum conn_state	 state;
	SSL		*ssl;
	BIO		*rbio, *wbio;	/* owned by ssl */
	struct upload_req req;
	char		 peer[64];	/* "addr:port" */
	char		*ids[UPLOAD_MAX_IDS];	/* camera names of the cert */
	size_t		 nids;
	char		 cert[DIGEST_STRLEN];	/* sha256 of the DER cert */
	struct partial	*p;		/* the file of this request */
	uv_work_t	 work;		/* the commit */
	int		 commit_rc;
	int		 commit_err;
	uint8_t		 object[DIGEST_LEN];
	uint64_t	 size;
	int		 busy;		/* commit or seal in flight */
	int		 closing;
	int		 handles;	/* open libuv handles */
	unsigned	 writes;	/* uv_write in flight */
	int		 shut_sent;
	size_t		 plen, poff;	/* plaintext held, fed so far */
	char		 rbuf[UPLOAD_READ_BUF];
	char		 pbuf[UPLOAD_PLAIN_BUF];
};

/*
 * What a connection calls of the routes (upload_file.c) and of the
 * listener (upload.c).
 */
struct upload_ops {
	/* upload_route(), upload_body(), upload_complete(), upload_detach()
	 * below. */
	void		(*route)(struct conn *);
	int		(*body)(void *, const char *, size_t);
	void		(*complete)(struct conn *);
	void		(*detach)(struct conn *, int, const char *);
	/* A connection was freed or a seal ended: while stopping, the
	 * listener may now be done. */
	void		(*idle)(struct upload *);
};

struct upload {
	const struct upload_ops *ops;
	uv_loop_t	*loop;
	struct station	*st;
	struct sealer	*sealer;
	SSL_CTX		*ctx;
	uv_tcp_t	 listener;
	uv_timer_t	 sweep;		/* expires partial uploads */
	char		*listen;
	struct conn	*conns;
	struct partial	*partials;
	unsigned	 nconns;
	unsigned	 npartials;
	unsigned	 in_flight;	/* commits and seals */
	uint64_t	 bytes;		/* body bytes received */
	uint64_t	 sealed;	/* uploads answered 200 or 201 */
	uint64_t	 refused;	/* TLS, 4xx and 5xx answers */
	int		 stopping;
	int		 handles;
	void		(*stopped)(void *);
	void		*stopped_arg;
};

/* upload_conn.c: answers and the connection's life. */

/*
 * The listener's connection callback: accepts one connection on server
 * (whose data is the struct upload) and starts its handshake; refuses it
 * while stopping or past the connection limit.
 */
void	 conn_accept(uv_stream_t *server, int status);

/*
 * Closes c (once): a file still being received is kept for a resume;
 * c is freed once its handles are closed and no seal is in flight.
 */
void	 conn_close(struct conn *c);

/*
 * Sends an answer and ends the request: status, a NUL-terminated list of
 * extra header lines (each ending in CRLF; may be NULL), content type and
 * body of len bytes (HEAD: only the length).  Errors are counted as
 * refused.  The connection lingers and then closes.
 */
void	 conn_reply(struct conn *c, int status, const char *headers,
	    const char *type, const char *body, size_t len);

/* Answers {"error": text} with status, logging the refusal once. */
void	 conn_error(struct conn *c, int status, const char *text);

/* The request's body is accepted: stream it (100 Continue if asked). */
void	 conn_body(struct conn *c);

/* Stops reading until conn_reply(). */
void	 conn_pause(struct conn *c);

/* A seal or commit of c is over; frees c if it was closed meanwhile. */
void	 conn_unbusy(struct conn *c);

/* Whether plaintext or TLS still holds bytes after the request. */
int	 conn_leftover(const struct conn *c);

/* The cert names serial (CN or SAN). */
int	 conn_names(const struct conn *c, const char *serial);

/* upload_file.c: the routes. */

/* The head of c's request is complete and checked: act on it. */
void	 upload_route(struct conn *c);

/* Body bytes: the request's sink (upload_req.h). */
int	 upload_body(void *arg, const char *buf, size_t len);

/* The request's message is complete. */
void	 upload_complete(struct conn *c);

/*
 * The connection ended (cut, timeout, stop) while c->p was being
 * received: keep the partial for a resume if its length is known and
 * keep is set, else discard it.
 */
void	 upload_detach(struct conn *c, int keep, const char *why);

/* Drops every partial upload whose time ran out, or all of them. */
void	 upload_expire(struct upload *u, int all);

#endif
