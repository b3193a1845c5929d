/*
 * status: the handlers of the station's own routes (docs/api.md): its
 * status, a checkpoint on request and reloading the calendar.  Each is a
 * route_fn (route.h); only router.c calls them.
 */
#ifndef CUSTOSD_API_STATUS_H
#define CUSTOSD_API_STATUS_H

#include "route.h"

/* GET /v1/status: env->status's document with the socket's "control". */
int	 status_get(const struct route_env *env, const struct api_request *req,
	    const char *param, json_t **body);

/*
 * POST /v1/checkpoint: signs a checkpoint if the log grew, kicks the TSA
 * (daemon/tsa.h) and answers at once {"size": N, "timestamp": "stored" |
 * "requested" | "off"}.
 */
int	 checkpoint_post(const struct route_env *env,
	    const struct api_request *req, const char *param, json_t **body);

/*
 * POST /v1/calendar/reload: env->calendar_reload, then {"calendar": the
 * new calendar status}; 409 with the reason when it cannot be loaded.
 */
int	 calendar_reload_post(const struct route_env *env,
	    const struct api_request *req, const char *param, json_t **body);

#endif
