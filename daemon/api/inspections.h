/*
 * inspections: the handlers of the inspection lifecycle routes
 * (docs/api.md, docs/inspection.md).  Each is a route_fn (route.h) whose
 * param is the inspection ID where the path has one; only router.c calls
 * them.  Each appends one entry, answering 201 {"index", "inspection"}.
 */
#ifndef CUSTOSD_INSPECTIONS_H
#define CUSTOSD_INSPECTIONS_H

#include "route.h"

/* POST /v1/inspections: inspection.registered, numbered for today. */
int	 inspection_register(const struct route_env *env,
	    const struct api_request *req, const char *param, json_t **body);
/* POST /v1/inspections/emergency: inspection.emergency with its
 * backfill_due. */
int	 inspection_emergency(const struct route_env *env,
	    const struct api_request *req, const char *param, json_t **body);

/* POST /v1/inspections/{id}/enter and /leave. */
int	 inspection_enter(const struct route_env *env,
	    const struct api_request *req, const char *id, json_t **body);
int	 inspection_leave(const struct route_env *env,
	    const struct api_request *req, const char *id, json_t **body);
/* POST /v1/inspections/{id}/backfill: an emergency's basis and content. */
int	 inspection_backfill(const struct route_env *env,
	    const struct api_request *req, const char *id, json_t **body);
/* POST /v1/inspections/{id}/close: the result and its deadline. */
int	 inspection_close(const struct route_env *env,
	    const struct api_request *req, const char *id, json_t **body);
/* POST /v1/inspections/{id}/gap: why footage is missing from..to. */
int	 inspection_gap(const struct route_env *env,
	    const struct api_request *req, const char *id, json_t **body);
/* POST /v1/inspections/{id}/review: the legal review; also once closed. */
int	 inspection_review(const struct route_env *env,
	    const struct api_request *req, const char *id, json_t **body);
/* POST /v1/inspections/{id}/feedback: the enterprise's; also once
 * closed. */
int	 inspection_feedback(const struct route_env *env,
	    const struct api_request *req, const char *id, json_t **body);

#endif
