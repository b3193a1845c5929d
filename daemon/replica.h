/*
 * replica: custosd's uploader of sealed objects to the S3 bucket of
 * [replica] (docs/replication.md, "Object replication").  The queue is the
 * station's (st->replica, include/custos/replica.h): every object a
 * sealing entry names, oldest first, is uploaded under
 * "<station>/object/<alg>/<hex>" with s3_put_fd() in the libuv thread
 * pool, two at a time, and is marked confirmed only when the server
 * acknowledged its signed payload hash.  A failure of the server or the
 * network backs the whole queue off (1 s doubling to 5 min); one of an
 * object's own bytes backs off that object alone; refused credentials or
 * a missing bucket (403, 404) are a configuration error, said once and
 * retried every 5 min.  A station with no network goes on ingesting; the
 * queue catches up later, also after a restart or a crash.
 */
#ifndef CUSTOSD_REPLICA_H
#define CUSTOSD_REPLICA_H

#include <jansson.h>
#include <uv.h>

struct replica;
struct station;

/*
 * Starts uploading st's queue on loop when [replica] endpoint is set,
 * else sets *out to NULL and does nothing.  Hooks itself into st (the
 * sealed callback, so that a new object wakes it).  Returns 0, or an
 * error with err (errlen bytes) saying what failed: the credentials file
 * or the endpoint (CUSTOS_ERR_CONFIG, CUSTOS_ERR_SYSTEM, ...).
 */
int	 replica_start(uv_loop_t *loop, struct station *st,
	    struct replica **out, char *err, size_t errlen);

/*
 * Unhooks from the station, stops the timer and frees r once libuv has
 * closed it and the thread pool has given back the uploads under way (an
 * upload that had not started is cancelled; one that had runs to its
 * end, and is recorded only if it succeeded: a failure is retried at the
 * next start).  r may be NULL.
 */
void	 replica_stop(struct replica *r);

/*
 * The "replica" member of the status document (a new reference, or
 * NULL): endpoint, bucket, state ("ok", "failing", "config_error" or
 * "off"), behind and behind_bytes (objects not yet confirmed), oldest_s
 * (age of the oldest of them, 0 when none), confirmed, confirmed_bytes,
 * lost (disposed of before confirmation), uploading (in flight),
 * last_error (or null), next_retry_s (or null).  r may be NULL: state
 * "off".
 */
json_t	*replica_status(struct replica *r, struct station *st);

#endif
