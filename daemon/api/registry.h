/*
 * registry: the handlers of the registry routes (docs/api.md): officers,
 * enterprises and their risk codes, devices and camera assignments.
 * Each is a route_fn (route.h); only router.c calls them.
 */
#ifndef CUSTOSD_API_REGISTRY_H
#define CUSTOSD_API_REGISTRY_H

#include "route.h"

/* GET /v1/officers: {"officers": [...]}, by ID. */
int	 officers_list(const struct route_env *env,
	    const struct api_request *req, const char *param, json_t **body);
/* POST /v1/officers: appends officer.added. */
int	 officer_add(const struct route_env *env, const struct api_request *req,
	    const char *param, json_t **body);
/* GET /v1/officers/{id}. */
int	 officer_get(const struct route_env *env, const struct api_request *req,
	    const char *id, json_t **body);

/* GET /v1/enterprises: {"enterprises": [...]}, by USCC. */
int	 enterprises_list(const struct route_env *env,
	    const struct api_request *req, const char *param, json_t **body);
/* POST /v1/enterprises: appends enterprise.added. */
int	 enterprise_add(const struct route_env *env,
	    const struct api_request *req, const char *param, json_t **body);
/* GET /v1/enterprises/{uscc}, with its risk history. */
int	 enterprise_get(const struct route_env *env,
	    const struct api_request *req, const char *uscc, json_t **body);
/* POST /v1/enterprises/{uscc}/risk: appends enterprise.risk. */
int	 enterprise_risk(const struct route_env *env,
	    const struct api_request *req, const char *uscc, json_t **body);

/* POST /v1/devices: appends device.registered. */
int	 device_add(const struct route_env *env, const struct api_request *req,
	    const char *param, json_t **body);
/* POST /v1/cameras/{serial}/assign: appends camera.assigned. */
int	 camera_assign(const struct route_env *env,
	    const struct api_request *req, const char *serial, json_t **body);

#endif
