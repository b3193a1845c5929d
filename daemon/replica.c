/*
 * replica: the uploader of the replication queue (replica.h).
 *
 * Everything but the upload itself runs on the loop thread: the queue's
 * reads and writes (the station's connection), opening the object's file
 * from the store, and the decisions.  A job carries one object's open
 * file and its own S3 client into the thread pool, where s3_put_fd()
 * streams it; back on the loop the object is confirmed (s3_put_fd()
 * returned 0: the server acknowledged the signed payload hash) or its
 * failed try recorded.
 *
 * Backoff: a failed try holds back the whole queue (the next one would
 * most likely fail the same way: the server is down, the network gone),
 * 1 s doubling to 5 min; the object's own next try is no sooner.  A
 * failure of the object's own bytes holds back that object alone.  A
 * configuration error (403: credentials refused; 404: no such bucket)
 * waits 5 min at once.  The journal says when the state changes, not at
 * every try.  A start tries every queued object at once, whatever its
 * recorded next try: a restart is how an operator applies a fix.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "custos/config.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "custos/replica.h"
#include "custos/replica_conf.h"
#include "custos/s3.h"
#include "custos/store.h"
#include "journal.h"
#include "replica.h"
#include "station.h"

#define REPLICA_JOBS	2		/* uploads at a time */
#define BACKOFF_MIN_MS	1000
#define BACKOFF_MAX_MS	(5 * 60 * 1000)
#define CONFIG_RETRY_MS	BACKOFF_MAX_MS
#define IDLE_MS		(60 * 1000)	/* a look at the queue at least
					   this often */
#define ARM_MIN_MS	100		/* the timer's shortest wait */
#define ERROR_LEN	256

enum state {
	STATE_OK,
	STATE_FAILING,
	STATE_CONFIG		/* 403 or 404: the config must change */
};

struct replica;

struct job {
	uv_work_t	 work;
	struct replica	*r;
	struct s3	*s3;		/* the slot's client, borrowed */
	int		 slot;
	int		 fd;
	char		 object[DIGEST_STRLEN];
	uint8_t		 hash[DIGEST_LEN];
	enum digest_alg	 alg;
	uint64_t	 size;
	uint64_t	 attempts;	/* failed tries before this one */
	char		 prev[ERROR_LEN];	/* the last one's error */
	char		 key[512];
	int		 rc;
	struct s3_result res;
};

struct replica {
	uv_loop_t	*loop;
	struct station	*st;
	uv_timer_t	 timer;
	struct s3	*s3[REPLICA_JOBS];
	struct job	*job[REPLICA_JOBS];	/* in the pool, or NULL */
	int		 stopping;
	int		 closed;	/* the timer's close callback ran */
	enum state	 state;
	uint64_t	 backoff_ms;
	uint64_t	 resume_at;	/* uv_now() before which no upload
					   starts, 0: none */
	char		 last_error[ERROR_LEN];
};

static void	 pump(struct replica *);

static int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
jobs_out(const struct replica *r)
{
	int i, n = 0;

	for (i = 0; i < REPLICA_JOBS; i++)
		n += r->job[i] != NULL;
	return n;
}

/* The last reference is gone: the timer is closed, no job is out. */
static void
destroy(struct replica *r)
{
	int i;

	for (i = 0; i < REPLICA_JOBS; i++)
		s3_free(r->s3[i]);
	free(r);
}

static void
on_close(uv_handle_t *h)
{
	struct replica *r = h->data;

	r->closed = 1;
	if (jobs_out(r) == 0)
		destroy(r);
}

/* In the thread pool: the upload, nothing else. */
static void
job_work(uv_work_t *w)
{
	struct job *j = w->data;

	j->rc = s3_put_fd(j->s3, j->key, j->fd, j->size,
	    j->alg == DIGEST_SHA256 ? j->hash : NULL, &j->res);
}

/* The bucket key of an object: "<station>/object/<alg>/<hex>". */
static int
object_key(const struct replica *r, const char *object, char *buf,
    size_t len)
{
	const char *colon = strchr(object, ':');
	int n;

	if (colon == NULL)
		return CUSTOS_ERR_CORRUPT;
	n = snprintf(buf, len, "%s/object/%.*s/%s",
	    r->st->cfg->station_name, (int)(colon - object), object,
	    colon + 1);
	return n > 0 && (size_t)n < len ? 0 : CUSTOS_ERR_INVALID;
}

/*
 * The object's own backoff after its attempts-th failed try: 1 s
 * doubling to 5 min.
 */
static uint64_t
object_delay(uint64_t attempts)
{
	return attempts >= 9 ? BACKOFF_MAX_MS :
	    (uint64_t)BACKOFF_MIN_MS << attempts;
}

/*
 * A try of object after attempts failed ones (the last failing with
 * prev) that failed with rc (why says how): its next try and, for a
 * failure of the server or the network, the whole queue's backoff, with
 * a journal line when the state changes.  A failure of the object's own
 * bytes (its file unreadable, or refused by the server as not matching
 * its hash: CUSTOS_ERR_SYSTEM, CUSTOS_ERR_VERIFY) holds back that object
 * alone and is said when it is not what its last try said.
 */
static void
tried(struct replica *r, const char *object, uint64_t size,
    uint64_t attempts, const char *prev, int rc, const char *why)
{
	enum state s = rc == CUSTOS_ERR_KEY || rc == CUSTOS_ERR_NOTFOUND ?
	    STATE_CONFIG : STATE_FAILING;
	uint64_t delay = object_delay(attempts);
	int r2;

	if (rc == CUSTOS_ERR_SYSTEM || rc == CUSTOS_ERR_VERIFY) {
		if (strcmp(prev, why) != 0)
			log_warnx("replica: cannot upload object=%s "
			    "size=%" PRIu64 ": %s; retrying it with backoff",
			    object, size, why);
		goto record;
	}
	if (s == STATE_CONFIG)
		r->backoff_ms = CONFIG_RETRY_MS;
	else
		r->backoff_ms = r->backoff_ms == 0 ? BACKOFF_MIN_MS :
		    r->backoff_ms * 2;
	if (r->backoff_ms > BACKOFF_MAX_MS)
		r->backoff_ms = BACKOFF_MAX_MS;
	if (delay < r->backoff_ms)
		delay = r->backoff_ms;
	r->resume_at = uv_now(r->loop) + r->backoff_ms;
	if (r->state != s) {
		if (s == STATE_CONFIG)
			log_warnx("replica: configuration error endpoint=%s "
			    "bucket=%s object=%s size=%" PRIu64 ": %s; fix "
			    "[replica] and restart, retrying every %d s",
			    r->st->cfg->replica_endpoint,
			    r->st->cfg->replica_bucket, object, size, why,
			    CONFIG_RETRY_MS / 1000);
		else
			log_warnx("replica: upload failing endpoint=%s "
			    "object=%s size=%" PRIu64 ": %s; retrying with "
			    "backoff", r->st->cfg->replica_endpoint, object,
			    size, why);
	} else
		log_debug("%s: object=%s: %s", __func__, object, why);
	r->state = s;
record:
	snprintf(r->last_error, sizeof(r->last_error), "%s", why);
	if ((r2 = replica_queue_fail(r->st->replica, object,
	    wall_ms() + (int64_t)delay, why)) != 0)
		log_warnx_r(r2, "replica: cannot record the failed try of %s",
		    object);
}

static void
confirmed(struct replica *r, struct job *j)
{
	int rc;

	if ((rc = replica_queue_confirm(r->st->replica, j->object, wall_ms(),
	    NULL, j->size)) != 0) {
		/* Uploaded again at the next try: the key is the content
		 * address, so the bucket still holds it once. */
		log_warnx_r(rc, "replica: cannot record the confirmation of "
		    "%s", j->object);
		return;
	}
	if (r->state != STATE_OK && !r->stopping)
		log_info("replica: uploads work again endpoint=%s",
		    r->st->cfg->replica_endpoint);
	log_info("replica: confirmed object=%s size=%" PRIu64 " key=%s",
	    j->object, j->size, j->key);
	if (r->stopping)
		return;
	r->state = STATE_OK;
	r->last_error[0] = '\0';
	r->backoff_ms = 0;
	r->resume_at = 0;
}

/* Back on the loop thread. */
static void
job_done(uv_work_t *w, int status)
{
	struct job *j = w->data;
	struct replica *r = j->r;
	char why[ERROR_LEN];

	r->job[j->slot] = NULL;
	if (j->fd != -1)
		close(j->fd);
	if (status == 0 && j->rc == 0)
		confirmed(r, j);
	else if (!r->stopping) {
		if (status != 0)
			snprintf(why, sizeof(why), "%s", uv_strerror(status));
		else if (j->res.msg[0] != '\0')
			snprintf(why, sizeof(why), "%s", j->res.msg);
		else
			snprintf(why, sizeof(why), "%s",
			    custos_strerror(j->rc));
		if (status == 0 && j->rc == CUSTOS_ERR_VERIFY &&
		    strcmp(j->prev, why) != 0)
			log_warnx("replica: the server refused the bytes of "
			    "object=%s as not matching their hash: the "
			    "stored copy may be damaged (custos audit)",
			    j->object);
		tried(r, j->object, j->size, j->attempts, j->prev,
		    status != 0 ? CUSTOS_ERR_BUSY : j->rc, why);
	}
	free(j);
	if (r->stopping) {
		if (r->closed && jobs_out(r) == 0)
			destroy(r);
		return;
	}
	pump(r);
}

/* Whether object is being uploaded. */
static int
in_flight(const struct replica *r, const char *object)
{
	int i;

	for (i = 0; i < REPLICA_JOBS; i++)
		if (r->job[i] != NULL &&
		    strcmp(r->job[i]->object, object) == 0)
			return 1;
	return 0;
}

/*
 * Opens the object's file from the store and hands it to the pool in
 * slot.  Returns 0, or an error recorded as a failed try of it.
 */
static int
start_job(struct replica *r, int slot, const struct replica_item *it)
{
	char path[4096], why[ERROR_LEN];
	struct job *j;
	int rc;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		tried(r, it->object, it->size, it->attempts, it->error,
		    CUSTOS_ERR_NOMEM,
		    "out of memory");
		return CUSTOS_ERR_NOMEM;
	}
	j->r = r;
	j->s3 = r->s3[slot];
	j->slot = slot;
	j->size = it->size;
	j->attempts = it->attempts;
	memcpy(j->prev, it->error, sizeof(j->prev));
	j->work.data = j;
	memcpy(j->object, it->object, sizeof(j->object));
	if ((rc = digest_parse(it->object, &j->alg, j->hash)) != 0 ||
	    (rc = object_key(r, it->object, j->key, sizeof(j->key))) != 0 ||
	    (rc = store_path(r->st->store, j->hash, path, sizeof(path))) != 0) {
		snprintf(why, sizeof(why), "cannot name the object: %s",
		    custos_strerror(rc));
		goto fail;
	}
	if ((j->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		rc = CUSTOS_ERR_SYSTEM;
		snprintf(why, sizeof(why), "cannot open %.160s: %s", path,
		    strerror(errno));
		goto fail;
	}
	if ((rc = uv_queue_work(r->loop, &j->work, job_work,
	    job_done)) != 0) {
		snprintf(why, sizeof(why), "cannot queue the upload: %s",
		    uv_strerror(rc));
		close(j->fd);
		rc = CUSTOS_ERR_SYSTEM;
		goto fail;
	}
	r->job[slot] = j;
	log_debug("%s: object=%s size=%" PRIu64 " key=%s", __func__,
	    j->object, j->size, j->key);
	return 0;
fail:
	free(j);
	tried(r, it->object, it->size, it->attempts, it->error,
	    CUSTOS_ERR_SYSTEM, why);
	return rc;
}

static void
on_timer(uv_timer_t *t)
{
	pump(t->data);
}

/* Arms the timer for the next look at the queue. */
static void
arm(struct replica *r)
{
	uint64_t now = uv_now(r->loop), wait = IDLE_MS;
	int64_t next, wall;

	if (r->resume_at > now)
		wait = r->resume_at - now;
	else if (replica_queue_next(r->st->replica, &next) == 0) {
		wall = wall_ms();
		wait = next > wall ? (uint64_t)(next - wall) : 0;
	}
	/* Never a busy loop: a queue that cannot be read waits too. */
	if (wait < ARM_MIN_MS)
		wait = ARM_MIN_MS;
	if (wait > IDLE_MS)
		wait = IDLE_MS;
	uv_timer_start(&r->timer, on_timer, wait, 0);
}

/*
 * Starts uploads of the oldest due objects into the free slots, unless
 * the queue is backing off; then arms the timer.
 */
static void
pump(struct replica *r)
{
	struct replica_item items[2 * REPLICA_JOBS];
	size_t i, n;
	int slot, rc;

	if (r->stopping)
		return;
	uv_timer_stop(&r->timer);
	if (r->resume_at != 0 && uv_now(r->loop) < r->resume_at) {
		arm(r);
		return;
	}
	if ((rc = replica_queue_due(r->st->replica, wall_ms(), items,
	    2 * REPLICA_JOBS, &n)) != 0) {
		log_warnx_r(rc, "replica: cannot read the queue");
		n = 0;
	}
	for (i = 0; i < n; i++) {
		if (in_flight(r, items[i].object))
			continue;
		for (slot = 0; slot < REPLICA_JOBS && r->job[slot] != NULL;
		    slot++)
			;
		if (slot == REPLICA_JOBS)
			break;
		if (start_job(r, slot, &items[i]) != 0)
			break;
	}
	if (jobs_out(r) == 0)
		arm(r);
}

/* The station's sealed callback: a new object entered the queue. */
static void
sealed(void *arg)
{
	struct replica *r = arg;

	if (jobs_out(r) < REPLICA_JOBS)
		pump(r);
}

int
replica_start(uv_loop_t *loop, struct station *st, struct replica **out,
    char *err, size_t errlen)
{
	struct s3_params p;
	struct replica_creds *creds = NULL;
	struct replica *r;
	int i, rc;

	*out = NULL;
	if (st->cfg->replica_endpoint == NULL)
		return 0;
	if ((rc = replica_conf_params(st->cfg, &p, &creds, err,
	    errlen)) != 0)
		return rc;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		replica_creds_free(creds);
		snprintf(err, errlen, "out of memory");
		return CUSTOS_ERR_NOMEM;
	}
	for (i = 0; i < REPLICA_JOBS; i++)
		if ((rc = s3_new(&p, &r->s3[i])) != 0) {
			snprintf(err, errlen, "[replica] endpoint %s bucket "
			    "%s: %s", st->cfg->replica_endpoint,
			    st->cfg->replica_bucket, custos_strerror(rc));
			replica_creds_free(creds);
			destroy(r);
			return rc;
		}
	/* Each client holds its own copy of the keys. */
	replica_creds_free(creds);
	r->loop = loop;
	r->st = st;
	uv_timer_init(loop, &r->timer);
	r->timer.data = r;
	if ((rc = replica_queue_rearm(st->replica)) != 0)
		log_warnx_r(rc, "replica: cannot make the queue due now");
	st->replica_required = 1;
	st->sealed = sealed;
	st->sealed_arg = r;
	log_info("replica: objects to endpoint=%s bucket=%s prefix=%s/object/",
	    st->cfg->replica_endpoint, st->cfg->replica_bucket,
	    st->cfg->station_name);
	pump(r);
	*out = r;
	return 0;
}

void
replica_stop(struct replica *r)
{
	int i;

	if (r == NULL)
		return;
	r->stopping = 1;
	if (r->st->sealed_arg == r) {
		r->st->sealed = NULL;
		r->st->sealed_arg = NULL;
	}
	/* An upload not started yet is given back as cancelled. */
	for (i = 0; i < REPLICA_JOBS; i++)
		if (r->job[i] != NULL)
			(void)uv_cancel((uv_req_t *)&r->job[i]->work);
	uv_timer_stop(&r->timer);
	/* Freed by whichever of on_close() and job_done() comes last. */
	uv_close((uv_handle_t *)&r->timer, on_close);
}

static const char *
state_name(enum state s)
{
	return s == STATE_OK ? "ok" : s == STATE_FAILING ? "failing" :
	    "config_error";
}

json_t *
replica_status(struct replica *r, struct station *st)
{
	struct replica_stats s;
	uint64_t now;
	int64_t age;
	json_t *j;

	if (r == NULL)
		return json_pack("{s:o, s:s}", "endpoint",
		    st->cfg->replica_endpoint != NULL ?
		    json_string(st->cfg->replica_endpoint) : json_null(),
		    "state", "off");
	if (replica_queue_stats(st->replica, &s) != 0)
		return NULL;
	age = s.oldest_ms != 0 ? (wall_ms() - s.oldest_ms) / 1000 : 0;
	now = uv_now(r->loop);
	j = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:o, s:o}",
	    "endpoint", st->cfg->replica_endpoint,
	    "bucket", st->cfg->replica_bucket,
	    "state", state_name(r->state),
	    "behind", (json_int_t)s.behind,
	    "behind_bytes", (json_int_t)s.behind_bytes,
	    "oldest_s", (json_int_t)(age > 0 ? age : 0),
	    "confirmed", (json_int_t)s.confirmed,
	    "confirmed_bytes", (json_int_t)s.confirmed_bytes,
	    "lost", (json_int_t)s.lost,
	    "uploading", (json_int_t)jobs_out(r),
	    "last_error", r->last_error[0] != '\0' ?
	    json_string(r->last_error) : s.error[0] != '\0' ?
	    json_string(s.error) : json_null(),
	    "next_retry_s", r->resume_at > now ?
	    json_integer((json_int_t)((r->resume_at - now + 999) / 1000)) :
	    json_null());
	return j;
}
