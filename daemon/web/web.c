/*
 * web: the console's listener (web.h): the TLS context when [web] has
 * cert, key and client_ca, the listening socket, the CSRF secret, status
 * and stop.  Connections are web_conn.c's; they reach the route table
 * (web_route.c) and this file only through w->serve and w->idle.
 */
#include <sys/socket.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <uv.h>

#include "custos/config.h"
#include "custos/err.h"
#include "daemon/journal.h"
#include "daemon/station.h"
#include "daemon/tls_listen.h"
#include "web_core.h"

static void
web_free(struct web *w)
{
	free((char *)(uintptr_t)w->env.self);
	free((char *)(uintptr_t)w->env.config_path);
	OPENSSL_cleanse(w->secret, sizeof(w->secret));
	SSL_CTX_free(w->ctx);
	free(w);
}

/* While stopping: frees w once nothing of it is left. */
static void
maybe_free(struct web *w)
{
	if (w->stopping && w->handles == 0 && w->nconns == 0 &&
	    w->nchildren == 0)
		web_free(w);
}

static void
listener_closed(uv_handle_t *h)
{
	struct web *w = h->data;

	w->handles--;
	maybe_free(w);
}

static int
listen_on(struct web *w, const char *listen, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	int r, len;

	if (tls_listen_resolve(listen, &ss) != 0) {
		snprintf(err, errlen, "[web] listen %s: expected host:port",
		    listen);
		return CUSTOS_ERR_CONFIG;
	}
	uv_tcp_init(w->loop, &w->listener);
	w->listener.data = w;
	w->handles++;
	if ((r = uv_tcp_bind(&w->listener, (struct sockaddr *)&ss, 0)) != 0 ||
	    (r = uv_listen((uv_stream_t *)&w->listener, 128,
	    web_conn_accept)) != 0) {
		snprintf(err, errlen, "[web] listen %s: %s", listen,
		    uv_strerror(r));
		errno = -r;
		return CUSTOS_ERR_SYSTEM;
	}
	len = sizeof(ss);
	if (uv_tcp_getsockname(&w->listener, (struct sockaddr *)&ss,
	    &len) != 0)
		snprintf(w->listen, sizeof(w->listen), "%s", listen);
	else
		tls_listen_name((struct sockaddr *)&ss, w->listen,
		    sizeof(w->listen));
	return 0;
}

int
web_start(uv_loop_t *loop, const struct web_env *env, struct web **out,
    char *err, size_t errlen)
{
	const struct config *cfg = env->st->cfg;
	char dir[PATH_MAX];
	struct web *w;
	int rc, saved;

	*out = NULL;
	if (cfg->web_listen == NULL)
		return 0;
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(err, errlen, "[web]: out of memory");
		return CUSTOS_ERR_NOMEM;
	}
	w->loop = loop;
	w->env = *env;
	/*
	 * The children run custos beside custosd with this config: both
	 * as absolute paths, whatever directory the daemon is in.
	 */
	w->env.self = realpath(env->self != NULL ? env->self :
	    "/proc/self/exe", NULL);
	if (w->env.self == NULL)
		w->env.self = realpath("/proc/self/exe", NULL);
	w->env.config_path = NULL;
	if (env->config_path != NULL &&
	    (w->env.config_path = realpath(env->config_path, NULL)) == NULL) {
		snprintf(err, errlen, "[web]: config %s: %s",
		    env->config_path, strerror(errno));
		web_free(w);
		return CUSTOS_ERR_SYSTEM;
	}
	w->serve = web_route_serve;
	w->idle = maybe_free;
	if (RAND_bytes(w->secret, sizeof(w->secret)) != 1) {
		snprintf(err, errlen, "[web]: no random bytes for the CSRF "
		    "secret");
		web_free(w);
		return CUSTOS_ERR_CRYPTO;
	}
	if (cfg->web_cert != NULL) {
		const struct tls_listen_files f = {
			.section = "web", .cert = cfg->web_cert,
			.key = cfg->web_key, .client_ca = cfg->web_client_ca,
			.crl = cfg->web_crl,
		};

		if ((rc = tls_listen_ctx(&f, &w->ctx, err, errlen)) != 0) {
			web_free(w);
			return rc;
		}
	}
	if ((rc = listen_on(w, cfg->web_listen, err, errlen)) != 0) {
		saved = errno;
		w->stopping = 1;
		if (w->handles > 0)
			uv_close((uv_handle_t *)&w->listener, listener_closed);
		else
			web_free(w);
		errno = saved;
		return rc;
	}
	log_info("web: console on %s://%s/", w->ctx != NULL ? "https" :
	    "http", w->listen);
	/* Copies a previous run left: the expired ones go now. */
	if (web_cache_dir(w, STATION_REMUX_DIR, dir, sizeof(dir)) == 0)
		web_cache_prune(dir, WEB_REMUX_AGE, WEB_REMUX_BYTES);
	if (web_cache_dir(w, WEB_DOWNLOAD_DIR, dir, sizeof(dir)) == 0)
		web_cache_prune(dir, WEB_DOWNLOAD_AGE, 0);
	*out = w;
	return 0;
}

json_t *
web_status(const struct web *w)
{
	return json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I, "
	    "s:I, s:I}}",
	    "listen", w->listen,
	    "tls", w->ctx != NULL,
	    "connections", (json_int_t)w->nconns,
	    "accepted", (json_int_t)w->accepted,
	    "requests", (json_int_t)w->requests,
	    "refused_role", (json_int_t)w->refused_role,
	    "refused_csrf", (json_int_t)w->refused_csrf,
	    "answers",
	    "2xx", (json_int_t)w->codes[2], "3xx", (json_int_t)w->codes[3],
	    "4xx", (json_int_t)w->codes[4], "5xx", (json_int_t)w->codes[5]);
}

void
web_stop(struct web *w)
{
	struct web_conn *c, *next;

	if (w == NULL)
		return;
	w->stopping = 1;
	uv_close((uv_handle_t *)&w->listener, listener_closed);
	for (c = w->conns; c != NULL; c = next) {
		next = c->next;
		web_conn_close(c);
	}
	web_spawn_kill(w);
}
