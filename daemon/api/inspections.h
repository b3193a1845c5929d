/*
 * inspections: the handlers of the inspection lifecycle routes
 * (docs/api.md, docs/inspection.md); only router.c uses them.  The
 * route_handler ones (route.h) create an inspection; the chain_step ones
 * (chain.h) take a step on the inspection whose ID is the path's
 * parameter.  Each appends one entry, answering 201 {"index",
 * "inspection"}.
 */
#ifndef CUSTOSD_INSPECTIONS_H
#define CUSTOSD_INSPECTIONS_H

#include "chain.h"
#include "route.h"

/* POST /v1/inspections: inspection.registered, numbered for today. */
route_handler	 inspection_register;
/* POST /v1/inspections/emergency: inspection.emergency with its
 * backfill_due. */
route_handler	 inspection_emergency;

/* POST /v1/inspections/{id}/enter and /leave. */
extern const struct chain_step	 inspection_enter, inspection_leave;
/* POST /v1/inspections/{id}/backfill: an emergency's basis and content. */
extern const struct chain_step	 inspection_backfill;
/* POST /v1/inspections/{id}/close: the result and its deadline. */
extern const struct chain_step	 inspection_close;
/* POST /v1/inspections/{id}/gap: why footage is missing from..to. */
extern const struct chain_step	 inspection_gap;
/* POST /v1/inspections/{id}/review: the legal review; also once closed. */
extern const struct chain_step	 inspection_review;
/* POST /v1/inspections/{id}/feedback: the enterprise's; also once
 * closed. */
extern const struct chain_step	 inspection_feedback;

#endif
