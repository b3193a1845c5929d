/*
 * router: the control API's route table (docs/api.md): which handler
 * answers which method and path, and who may call it.
 */
#ifndef CUSTOSD_ROUTER_H
#define CUSTOSD_ROUTER_H

#include <jansson.h>

#include "api.h"
#include "route.h"

/*
 * An api_handler_fn (api.h); arg is a struct route_env that outlives the
 * socket.  Answers 404 for a path no route has, 405 for a method the
 * path's resource does not take, 403 for a write from a peer that may
 * not write, and otherwise what the route's handler answers.
 */
int	 router_handle(void *arg, const struct api_request *req,
	    json_t **body);

#endif
