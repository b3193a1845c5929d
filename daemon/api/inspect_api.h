/*
 * inspect_api: the control API's device, camera and inspection endpoints
 * (docs/api.md, docs/inspection.md).  Every check runs before
 * station_append(), so a refused request appends nothing.
 */
#ifndef CUSTOSD_INSPECT_API_H
#define CUSTOSD_INSPECT_API_H

#include <jansson.h>

#include "api.h"

struct station;

/* Answers /v1/devices, /v1/cameras/... and /v1/inspections...; arg as in
 * registry_api_handle(). */
int	 inspect_api_handle(struct station *st, const struct api_request *req,
	    json_t **body);

#endif
