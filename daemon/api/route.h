/*
 * route: the contract between the router (router.c, the route table) and
 * the handlers it calls.  Types only: a handler includes this and
 * reply.h, never the router or another handler.
 */
#ifndef CUSTOSD_ROUTE_H
#define CUSTOSD_ROUTE_H

#include <stddef.h>

#include <jansson.h>

#include "api.h"

struct station;

/* What the daemon lends the control API, for the whole of its life. */
struct route_env {
	struct station	*st;
	/*
	 * The status document without its "control" member: a new
	 * reference, or NULL when memory runs out.
	 */
	json_t		*(*status)(void *arg);
	/*
	 * Loads the calendar again, logs the outcome and reports the new
	 * reach.  Returns 0, or an error with the reason in err (the
	 * calendar in use is kept).
	 */
	int		 (*calendar_reload)(void *arg, char *err, size_t len);
	void		*arg;		/* of status and calendar_reload */
};

/*
 * A handler answers req, whose method, path and role the router has
 * checked: it returns the HTTP status and sets *body to a new reference
 * (NULL makes a 500).  param is the path's {parameter} (NUL-terminated,
 * non-empty), or NULL for a path without one.  The handler headers
 * declare each handler with this type ("route_handler name;"), so the
 * compiler holds every definition to it.
 */
typedef int	 route_handler(const struct route_env *env,
	    const struct api_request *req, const char *param, json_t **body);
typedef route_handler	*route_fn;

#endif
