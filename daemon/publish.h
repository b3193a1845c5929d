/*
 * publish: custosd's log kept published as C2SP tlog-tiles in the
 * replica bucket (publish.c, docs/replication.md).
 */
#ifndef CUSTOSD_PUBLISH_H
#define CUSTOSD_PUBLISH_H

#include <stddef.h>

#include <jansson.h>
#include <uv.h>

struct publish;
struct station;

/*
 * Starts publishing on loop when the config has a [replica] endpoint
 * (else *out stays NULL and 0 is returned).  Returns 0 and *out, or an
 * error with err (errlen bytes) saying what in the config is wrong.
 */
int	 publish_start(uv_loop_t *loop, struct station *st,
	    struct publish **out, char *err, size_t errlen);

/* Stops it; p is freed once a publication under way has ended. */
void	 publish_stop(struct publish *p);

/*
 * What custos status shows: published_size, published_at (Unix time,
 * 0: nothing yet) and error (the last failure, while failing); NULL
 * when p is NULL.  A new reference.
 */
json_t	*publish_status(const struct publish *p);

#endif
