/*
 * numbering_reason: the handler of the route that explains a hole in a
 * camera's file numbering (docs/dock.md, "Numbering gaps"; docs/api.md).
 * A route_handler (route.h); only router.c calls it.
 */
#ifndef CUSTOSD_API_NUMBERING_REASON_H
#define CUSTOSD_API_NUMBERING_REASON_H

#include "route.h"

/*
 * POST /v1/cameras/{serial}/numbering-reason: appends
 * camera.numbering_reason for a hole that a dock.session of the camera
 * recorded.
 */
route_handler	 camera_numbering_reason;

#endif
