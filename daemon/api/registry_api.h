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

/*
 * Helpers the inspection endpoints (inspect_api.c) share.  Each one that
 * refuses sets *body to {"error": "<one line>"} and returns the status.
 */
#define TEXT_MAX	512	/* bytes of a name, unit, basis ... */

int	 registry_api_refuse(json_t **body, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* A 500 for an internal failure rc, logged. */
int	 registry_api_failed(json_t **body, int rc, const char *what);
/* The body as a JSON object with members only from allowed (NULL-ended). */
int	 registry_api_parse_body(const struct api_request *req,
	    const char *const *allowed, json_t **obj, json_t **body);
/* A text member of 1 to TEXT_MAX bytes without control characters. */
int	 registry_api_text_field(json_t *obj, const char *key, int optional,
	    const char **out, json_t **body);
/* The path segment after prefix into seg; the rest of the path, or NULL. */
const char *registry_api_segment(const char *path, const char *prefix,
	    char *seg, size_t len);
/* 405 unless the method is want; a POST also needs authorisation. */
int	 registry_api_allowed(const struct api_request *req, int want,
	    json_t **body);

#endif
