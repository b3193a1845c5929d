/*
 * publish: custosd keeps its log published as C2SP tlog-tiles in the
 * replica bucket under "<station>/" (include/custos/tiles.h,
 * docs/replication.md), so a lost station can be rebuilt (custos restore)
 * and anyone can mirror and verify it with plain GETs.
 *
 * A timer looks every PUBLISH_MS for a checkpoint newer than the one
 * published; one publication at a time runs in the thread pool, on a
 * read-only connection of its own to the log (the loop thread's is never
 * shared) and a client of its own.  With a TSA, the checkpoint published
 * is the latest one with its token, so checkpoint.tsr always stamps the
 * published checkpoint; when no token has come for STAMP_WAIT_S (a TSA
 * that is down), the latest checkpoint goes out without one rather than
 * the bucket falling behind.  Failures back off and are logged when the
 * state changes, as the TSA client does.
 */
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <uv.h>

#include "custos/config.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/replica_conf.h"
#include "custos/s3.h"
#include "custos/tiles.h"
#include "journal.h"
#include "publish.h"
#include "station.h"

#define PUBLISH_MS	2000
#define BACKOFF_MAX_MS	(5 * 60 * 1000)
#define STAMP_WAIT_S	300

struct job {
	uv_work_t		 work;
	struct tiles_sink	 inner;		/* the bucket */
	struct publish		*p;
	int			 flags;
	int			 rc;
	struct tiles_result	 res;
	char			 why[512];
};

struct publish {
	uv_loop_t		*loop;
	struct station		*st;
	uv_timer_t		 timer;
	struct s3		*s3;		/* used by one job at a time */
	struct replica_creds	*creds;
	char			 path[PATH_MAX];	/* log.db */
	struct job		*job;
	atomic_int		 abort;		/* tells a job to stop */
	int			 stopping, closed, failing;
	uint64_t		 published;	/* tree size in the bucket */
	uint64_t		 stamped;	/* latest size with a token */
	time_t			 stamped_at;	/* when stamped last grew */
	time_t			 published_at;
	uint64_t		 backoff_ms;
	uint64_t		 next_ms;	/* uv_now() of the next try */
	char			 last_error[512];
};

/*
 * The bucket, cut short between two files once the daemon stops: the
 * first publication of a long log writes many tiles, and a stop must not
 * wait for all of them (what is written stays; the next start goes on).
 */
static int
stoppable_put(void *arg, const char *path, const void *data, size_t len)
{
	struct job *j = arg;

	if (atomic_load(&j->p->abort))
		return CUSTOS_ERR_BUSY;
	return j->inner.put(j->inner.arg, path, data, len);
}

static int
stoppable_get(void *arg, const char *path, size_t max, uint8_t **data,
    size_t *len)
{
	struct job *j = arg;

	return j->inner.get(j->inner.arg, path, max, data, len);
}

static int
stoppable_remove(void *arg, const char *path)
{
	struct job *j = arg;

	if (atomic_load(&j->p->abort))
		return CUSTOS_ERR_BUSY;
	return j->inner.remove(j->inner.arg, path);
}

static void
job_work(uv_work_t *w)
{
	struct job *j = w->data;
	struct publish *p = j->p;
	struct tiles_sink sink = { stoppable_put, stoppable_get,
	    stoppable_remove, j };
	struct tiles_s3 t;
	struct log *l = NULL;

	if ((j->rc = log_open(p->path, p->st->cfg->digest_alg, LOG_RDONLY,
	    &l)) != 0)
		snprintf(j->why, sizeof(j->why), "cannot open %.300s: %s",
		    p->path, custos_strerror(j->rc));
	else if ((j->rc = tiles_s3_sink(&t, p->s3, p->st->cfg->station_name,
	    &j->inner)) != 0)
		snprintf(j->why, sizeof(j->why), "prefix %s: %s",
		    p->st->cfg->station_name, custos_strerror(j->rc));
	else if ((j->rc = tiles_publish(l, &sink, j->flags, &j->res)) != 0)
		snprintf(j->why, sizeof(j->why), "%.256s%s%.200s",
		    j->res.what[0] !=
		    '\0' ? j->res.what : custos_strerror(j->rc),
		    j->res.sink && t.last.msg[0] != '\0' ? ": " : "",
		    j->res.sink ? t.last.msg : "");
	log_close(l);
	OPENSSL_thread_stop();
}

static void
destroy(struct publish *p)
{
	s3_free(p->s3);
	replica_creds_free(p->creds);
	free(p);
}

static void
failed(struct publish *p, const char *why)
{
	if (!p->failing || strcmp(why, p->last_error) != 0)
		log_warnx("cannot publish the log to the replica bucket "
		    "endpoint=%s bucket=%s: %s; retrying with backoff",
		    p->st->cfg->replica_endpoint, p->st->cfg->replica_bucket,
		    why);
	p->failing = 1;
	snprintf(p->last_error, sizeof(p->last_error), "%s", why);
	p->backoff_ms = p->backoff_ms == 0 ? PUBLISH_MS : p->backoff_ms * 2;
	if (p->backoff_ms > BACKOFF_MAX_MS)
		p->backoff_ms = BACKOFF_MAX_MS;
	p->next_ms = uv_now(p->loop) + p->backoff_ms;
}

static void
job_done(uv_work_t *w, int status)
{
	struct job *j = w->data;
	struct publish *p = j->p;

	p->job = NULL;
	if (p->stopping || status != 0) {
		free(j);
		if (p->closed)
			destroy(p);
		return;
	}
	if (j->rc != 0)
		failed(p, j->why);
	else {
		if (p->failing)
			log_info("the log is published to the replica bucket "
			    "again");
		if (!j->res.uptodate)
			log_info("log published tree_size=%llu tiles=%llu "
			    "bundles=%llu bytes=%llu timestamp=%s",
			    (unsigned long long)j->res.size,
			    (unsigned long long)j->res.tiles,
			    (unsigned long long)j->res.bundles,
			    (unsigned long long)j->res.bytes,
			    j->res.timestamp ? "yes" : "no");
		p->failing = 0;
		p->last_error[0] = '\0';
		p->backoff_ms = 0;
		p->published = j->res.size;
		p->published_at = time(NULL);
	}
	free(j);
}

/* What to publish now: 0 nothing, else 1 and the flags. */
static int
due(struct publish *p, int *flags)
{
	uint64_t size, stamped = 0;
	time_t now = time(NULL);

	size = p->st->checkpoint_size;
	if (size == 0 || size <= p->published)
		return 0;
	*flags = 0;
	if (p->st->cfg->tsa_url == NULL)
		return 1;
	if (log_timestamp_latest(p->st->log, &stamped) == 0 &&
	    stamped > p->stamped) {
		p->stamped = stamped;
		p->stamped_at = now;
	}
	if (p->stamped_at == 0)
		p->stamped_at = now;	/* waiting from the start */
	if (p->stamped > p->published) {
		*flags = TILES_TIMESTAMPED;
		return 1;
	}
	/* No token for a while: the checkpoint goes out without one. */
	return now - p->stamped_at >= STAMP_WAIT_S;
}

static void
on_timer(uv_timer_t *h)
{
	struct publish *p = h->data;
	struct job *j;
	int flags, rc;

	if (p->stopping || p->job != NULL || uv_now(p->loop) < p->next_ms ||
	    !due(p, &flags))
		return;
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		failed(p, "out of memory");
		return;
	}
	j->p = p;
	j->flags = flags;
	j->work.data = j;
	if ((rc = uv_queue_work(p->loop, &j->work, job_work, job_done)) != 0) {
		free(j);
		failed(p, uv_strerror(rc));
		return;
	}
	p->job = j;
}

int
publish_start(uv_loop_t *loop, struct station *st, struct publish **out,
    char *err, size_t errlen)
{
	struct s3_params sp;
	struct publish *p;
	int rc;

	*out = NULL;
	if (st->cfg->replica_endpoint == NULL)
		return 0;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return CUSTOS_ERR_NOMEM;
	p->loop = loop;
	p->st = st;
	atomic_init(&p->abort, 0);
	snprintf(p->path, sizeof(p->path), "%s/log.db", st->cfg->state_dir);
	if ((rc = replica_conf_params(st->cfg, &sp, &p->creds, err,
	    errlen)) != 0 || (rc = s3_new(&sp, &p->s3)) != 0) {
		if (rc != CUSTOS_ERR_CONFIG)
			snprintf(err, errlen, "[replica]: cannot set up the "
			    "S3 client: %s", custos_strerror(rc));
		destroy(p);
		return rc;
	}
	uv_timer_init(loop, &p->timer);
	p->timer.data = p;
	uv_timer_start(&p->timer, on_timer, PUBLISH_MS, PUBLISH_MS);
	*out = p;
	return 0;
}

static void
on_close(uv_handle_t *h)
{
	struct publish *p = h->data;

	p->closed = 1;
	if (p->job == NULL)
		destroy(p);
}

void
publish_stop(struct publish *p)
{
	if (p == NULL)
		return;
	p->stopping = 1;
	atomic_store(&p->abort, 1);
	/* A publication under way stops at its next file (or its request's
	 * timeout); job_done() then frees p. */
	uv_close((uv_handle_t *)&p->timer, on_close);
}

json_t *
publish_status(const struct publish *p)
{
	if (p == NULL)
		return NULL;
	return json_pack("{s:I, s:I, s:s?}", "published_size",
	    (json_int_t)p->published, "published_at",
	    (json_int_t)p->published_at, "error", p->last_error[0] != '\0' ?
	    p->last_error : NULL);
}
