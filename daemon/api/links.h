/*
 * links: the handlers of the routes that put evidence into an
 * inspection's chain (docs/api.md, docs/inspection.md).  Each is a
 * route_fn (route.h) whose param is the inspection ID; only router.c
 * calls them.
 */
#ifndef CUSTOSD_LINKS_H
#define CUSTOSD_LINKS_H

#include "route.h"

/* POST /v1/inspections/{id}/link and /unlink: evidence.linked or
 * evidence.unlinked for a segment.sealed entry. */
int	 inspection_link(const struct route_env *env,
	    const struct api_request *req, const char *id, json_t **body);
int	 inspection_unlink(const struct route_env *env,
	    const struct api_request *req, const char *id, json_t **body);

/*
 * POST /v1/inspections/{id}/document?kind=K&name=N with the file as the
 * body: stores it, verifies the stored copy, then appends
 * document.sealed; 201 {"index", "inspection", "object"}.
 */
int	 inspection_document(const struct route_env *env,
	    const struct api_request *req, const char *id, json_t **body);

#endif
