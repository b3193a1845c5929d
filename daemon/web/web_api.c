/*
 * web_api: what the pages read of the station (web_int.h): the control
 * API's route table in the web user's name, the station, the status
 * document.
 */
#include <stdint.h>
#include <string.h>

#include <http_parser.h>
#include <jansson.h>

#include "daemon/api/api.h"
#include "daemon/api/route.h"
#include "daemon/api/router.h"
#include "web_core.h"

int
web_api(const struct web_req *req, int method, const char *path,
    const char *query, const char *body, json_t **out)
{
	const struct web_env *env = &req->web->env;
	struct api_request r;

	memset(&r, 0, sizeof(r));
	r.method = method;
	r.path = path;
	r.query = query != NULL ? query : "";
	r.body = body;
	r.bodylen = body != NULL ? strlen(body) : 0;
	r.uid = req->uid;
	r.roles = req->roles;
	/* As the control socket has it (daemon/api/api.c). */
	r.authorised = (req->roles & ~(1u << CONFIG_ROLE_AUDITOR |
	    1u << CONFIG_ROLE_METRICS)) != 0;
	r.server = env->api;
	*out = NULL;
	/* router_handle() only reads its route_env. */
	return router_handle((void *)(uintptr_t)env->routes, &r, out);
}

uv_loop_t *
web_loop(const struct web *w)
{
	return w->loop;
}

const char *
web_self(const struct web *w)
{
	return w->env.self;
}

struct station *
web_station(const struct web *w)
{
	return w->env.st;
}

json_t *
web_status_doc(const struct web *w)
{
	const struct route_env *re = w->env.routes;

	return re->status(re->arg);
}
