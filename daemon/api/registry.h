/*
 * registry: the handlers of the registry routes (docs/api.md): officers,
 * enterprises and their risk codes, devices and camera assignments.
 * Each is a route_handler (route.h); only router.c calls them.
 */
#ifndef CUSTOSD_API_REGISTRY_H
#define CUSTOSD_API_REGISTRY_H

#include "route.h"

/* GET /v1/officers: {"officers": [...]}, by ID. */
route_handler	 officers_list;
/* POST /v1/officers: appends officer.added. */
route_handler	 officer_add;
/* GET /v1/officers/{id}. */
route_handler	 officer_get;

/* GET /v1/enterprises: {"enterprises": [...]}, by USCC. */
route_handler	 enterprises_list;
/* POST /v1/enterprises: appends enterprise.added. */
route_handler	 enterprise_add;
/* GET /v1/enterprises/{uscc}, with its risk history. */
route_handler	 enterprise_get;
/* POST /v1/enterprises/{uscc}/risk: appends enterprise.risk. */
route_handler	 enterprise_risk;

/* POST /v1/devices: appends device.registered. */
route_handler	 device_add;
/* POST /v1/cameras/{serial}/assign: appends camera.assigned. */
route_handler	 camera_assign;

#endif
