/*
 * reports: the handlers of the routes that read inspections (each a
 * route_handler, route.h), and the steps that record an export or a
 * viewing of one (each a chain_step, chain.h) (docs/api.md,
 * docs/inspection.md); only router.c uses them.
 */
#ifndef CUSTOSD_REPORTS_H
#define CUSTOSD_REPORTS_H

#include "chain.h"
#include "route.h"

/*
 * GET /v1/inspections[?open=1|?overdue=1][&findings=1]:
 * {"inspections": [...]}, by ID.
 */
route_handler	 inspections_list;
/* GET /v1/inspections/{id}: with its findings and chain. */
route_handler	 inspection_get;
/* GET /v1/ledger[?from=DATE][&to=DATE]: {"rows": [...]}. */
route_handler	 ledger_get;
/*
 * POST /v1/segments/{index}/accessed {"object", "purpose"}:
 * evidence.accessed, a copy of the segment's bytes was made.
 */
route_handler	 segment_accessed;

/* POST /v1/inspections/{id}/exported: bundle.exported; also once
 * closed. */
extern const struct chain_step	 inspection_exported;
/* POST /v1/inspections/{id}/clip-exported: clip.exported; also once
 * closed. */
extern const struct chain_step	 inspection_clip_exported;
/* POST /v1/inspections/{id}/viewed: inspection.viewed; also once
 * closed. */
extern const struct chain_step	 inspection_viewed;

#endif
