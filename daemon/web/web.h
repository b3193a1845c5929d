/*
 * web: the web console (docs/console.md), served by custosd on [web]
 * listen: server-rendered pages for operators, reviewers and auditors,
 * the footage player with each segment's proof, and /metrics for
 * Prometheus.  On a loopback address without TLS the peer is the local
 * user that owns the connecting socket (as the kernel's socket table
 * names it); with [web] cert, key and client_ca every peer shows a
 * client certificate whose subject CN names a user of the password
 * database.  Either way the user's roles are those the control socket
 * would give it ([roles], daemon/api/api.h).
 */
#ifndef CUSTOSD_WEB_H
#define CUSTOSD_WEB_H

#include <stddef.h>

#include <jansson.h>
#include <uv.h>

struct api;
struct web;
struct route_env;
struct station;

/* What the daemon lends the console, for the whole of its life. */
struct web_env {
	struct station		*st;
	struct api		*api;		/* roles, delegation */
	const struct route_env	*routes;	/* router_handle()'s arg */
	const char		*self;		/* custosd's own path */
	const char		*config_path;	/* for the custos children */
};

/*
 * Starts listening on [web] listen.  Without [web] sets *out to NULL and
 * returns 0.  Returns 0 and *out, or CUSTOS_ERR_CONFIG (a TLS file
 * cannot be loaded), CUSTOS_ERR_SYSTEM (the address cannot be bound),
 * CUSTOS_ERR_NOMEM; err (errlen bytes) then says what failed.
 */
int	 web_start(uv_loop_t *loop, const struct web_env *env,
	    struct web **out, char *err, size_t errlen);

/* {"listen": the bound address, "tls", "connections", "requests",
 * "refused_role", "refused_csrf"}: a new reference or NULL. */
json_t	*web_status(const struct web *w);

/*
 * Stops accepting and closes every connection; children still running
 * are killed.  w may be NULL.  The memory is freed once libuv has closed
 * the handles.
 */
void	 web_stop(struct web *w);

#endif
