/*
 * api: the control socket.  HTTP/1.1 over a unix socket (mode 0660),
 * parsed by libhttp-parser; one request per connection, JSON answers.
 *
 *	GET /v1/status		station, tree and checkpoint state
 */
#ifndef CUSTOSD_API_H
#define CUSTOSD_API_H

#include <uv.h>

#include <jansson.h>

struct api;

/* Builds the status document; returns a new reference or NULL. */
typedef json_t	*(*api_status_fn)(void *arg);

/*
 * Binds path (replacing a stale socket file: the caller holds the state
 * lock) and starts accepting on loop.  Returns 0 and *out, or
 * CUSTOS_ERR_SYSTEM / CUSTOS_ERR_INVALID with errno set; on error nothing is
 * left listening.
 */
int	 priv_api_start(uv_loop_t *loop, const char *path,
	    api_status_fn status, void *arg, struct api **out);

/*
 * Stops accepting, closes every connection and removes the socket file.
 * The api is freed once libuv has closed its handles.
 */
void	 api_stop(struct api *a);

#endif
