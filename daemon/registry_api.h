/*
 * registry_api: the control API's registry endpoints (docs/api.md):
 * officers and enterprises, read from st->registry and written as log
 * entries through station_append().
 */
#ifndef CUSTOSD_REGISTRY_API_H
#define CUSTOSD_REGISTRY_API_H

#include <jansson.h>

#include "api.h"

/* An api_handler_fn; arg is the daemon's struct station. */
int	 registry_api_handle(void *arg, const struct api_request *req,
	    json_t **body);

#endif
