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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/ssl.h>
#include <uv.h>

#include "custos/config.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "daemon/journal.h"
#include "daemon/station.h"
#include "daemon/tls_listen.h"
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

static int
make_ctx(const struct config *cfg, SSL_CTX **out, char *err, size_t errlen)
{
	const struct tls_listen_files f = {
		.section = "upload", .cert = cfg->upload_cert,
		.key = cfg->upload_key, .client_ca = cfg->upload_client_ca,
		.crl = cfg->upload_crl,
	};

	return tls_listen_ctx(&f, out, err, errlen);
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

	if (tls_listen_resolve(u->listen, &ss) != 0) {
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
