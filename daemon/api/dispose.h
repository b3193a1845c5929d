/*
 * dispose: POST /v1/retention/dispose (docs/retention.md, "Disposal").
 * The route_handler (route.h); only router.c calls it.
 */
#ifndef CUSTOSD_API_DISPOSE_H
#define CUSTOSD_API_DISPOSE_H

#include "route.h"

/* {approver, at?, objects?}: disposes of what the plan allows. */
route_handler	 retention_dispose;

#endif
