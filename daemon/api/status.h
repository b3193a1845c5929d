/*
 * status: the handlers of the station's own routes (docs/api.md): its
 * status, a checkpoint on request and reloading the calendar.  Each is a
 * route_handler (route.h); only router.c calls them.
 */
#ifndef CUSTOSD_API_STATUS_H
#define CUSTOSD_API_STATUS_H

#include "route.h"

/* GET /v1/status: env->status's document with the socket's "control". */
route_handler	 status_get;

/*
 * POST /v1/checkpoint: signs a checkpoint if the log grew, kicks the TSA
 * (daemon/tsa.h) and answers at once {"size": N, "timestamp": "stored" |
 * "requested" | "off"}.
 */
route_handler	 checkpoint_post;

/*
 * POST /v1/calendar/reload: env->calendar_reload, then {"calendar": the
 * new calendar status}; 409 with the reason when it cannot be loaded.
 */
route_handler	 calendar_reload_post;

#endif
