/*
 * reports: the handlers of the routes that read inspections, and of
 * those that record an export or a viewing of one (docs/api.md,
 * docs/inspection.md).  Each is a route_fn (route.h); only router.c
 * calls them.
 */
#ifndef CUSTOSD_REPORTS_H
#define CUSTOSD_REPORTS_H

#include "route.h"

/*
 * GET /v1/inspections[?open=1|?overdue=1][&findings=1]:
 * {"inspections": [...]}, by ID.
 */
int	 inspections_list(const struct route_env *env,
	    const struct api_request *req, const char *param, json_t **body);
/* GET /v1/inspections/{id}: with its findings and chain. */
int	 inspection_get(const struct route_env *env,
	    const struct api_request *req, const char *id, json_t **body);
/* GET /v1/ledger[?from=DATE][&to=DATE]: {"rows": [...]}. */
int	 ledger_get(const struct route_env *env, const struct api_request *req,
	    const char *param, json_t **body);

/* POST /v1/inspections/{id}/exported: bundle.exported; also once
 * closed. */
int	 inspection_exported(const struct route_env *env,
	    const struct api_request *req, const char *id, json_t **body);
/* POST /v1/inspections/{id}/viewed: inspection.viewed; also once
 * closed. */
int	 inspection_viewed(const struct route_env *env,
	    const struct api_request *req, const char *id, json_t **body);

#endif
