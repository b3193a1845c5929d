/*
 * links: the handlers of the routes that put evidence into an
 * inspection's chain (docs/api.md, docs/inspection.md), whose path
 * parameter is the inspection ID; only router.c uses them.
 */
#ifndef CUSTOSD_LINKS_H
#define CUSTOSD_LINKS_H

#include "chain.h"
#include "route.h"

/* POST /v1/inspections/{id}/link and /unlink: evidence.linked or
 * evidence.unlinked for a segment.sealed entry (chain steps, chain.h). */
extern const struct chain_step	 inspection_link, inspection_unlink;

/*
 * POST /v1/inspections/{id}/document?kind=K&name=N with the file as the
 * body: stores it, verifies the stored copy, then appends
 * document.sealed; 201 {"index", "inspection", "object"}.  A
 * route_handler (route.h).
 */
route_handler	 inspection_document;

#endif
