/*
 * holds: the legal-hold routes (docs/retention.md, docs/api.md).
 * route_handlers (route.h); only router.c calls them.
 */
#ifndef CUSTOSD_API_HOLDS_H
#define CUSTOSD_API_HOLDS_H

#include "route.h"

/* POST /v1/holds: appends hold.placed on an existing target. */
route_handler	 hold_place;

/* POST /v1/holds/{id}/release: appends hold.released. */
route_handler	 hold_release;

/* GET /v1/holds: every hold, placed and released, in log order. */
route_handler	 holds_list;

#endif
