/*
 * tsa: timestamps of checkpoints from an RFC 3161 TSA.
 *
 * One request is in flight at most.  It is built on the loop thread
 * (the note comes from the log, which only the loop thread touches), sent
 * and verified in the thread pool (network and a CA file read), and the
 * verified reply is stored back on the loop thread.  A checkpoint signed
 * while a request is under way is not lost: when the request ends, the
 * latest checkpoint is compared with the one just timestamped.
 *
 * Failures are logged when the state changes (ok to failing, failing to
 * ok, or a different error while failing), not at every retry, so a TSA
 * that is down for a day does not fill the journal.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <uv.h>

#include "custos/config.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/tsa.h"
#include "journal.h"
#include "metrics.h"
#include "post.h"
#include "station.h"
#include "tsa.h"

#define BACKOFF_MIN_MS		1000
#define BACKOFF_MAX_MS		(5 * 60 * 1000)
#define HTTP_TIMEOUT_S		30L
#define CONNECT_TIMEOUT_S	10L
#define ERROR_LEN		256

enum tsa_state {
	STATE_OK,		/* the last request succeeded, or none yet */
	STATE_FAILING,		/* the last request failed: backing off */
};

/* One request: filled on the loop thread, sent in the thread pool. */
struct job {
	uv_work_t	 work;
	struct tsa	*t;
	uint64_t	 size;		/* of the checkpoint */
	char		*note;		/* its exact bytes */
	size_t		 notelen;
	uint8_t		*req;		/* DER TimeStampReq */
	size_t		 reqlen;
	uint64_t	 nonce;
	uint8_t		*reply;		/* DER TimeStampResp */
	size_t		 replylen;
	struct tsa_info	 info;
	int		 rc;		/* 0: verified */
	int		 err;		/* errno when [tsa] ca is unreadable */
	char		 why[ERROR_LEN];
};

struct tsa {
	uv_loop_t	*loop;
	struct station	*st;
	uv_timer_t	 retry;
	struct job	*job;		/* in the thread pool, or NULL */
	atomic_int	 abort;		/* tells the transfer to stop */
	int		 stopping;
	int		 closed;	/* the timer's close callback ran */
	enum tsa_state	 state;
	int		 again;		/* kicked while a job was out */
	uint64_t	 stamped;	/* latest size with a stored token */
	uint64_t	 backoff_ms;
	uint64_t	 retry_at;	/* uv_now() of the next try, or 0 */
	time_t		 pending_since;	/* wall clock: oldest checkpoint
					   without a token, 0: none */
	time_t		 after_since;	/* the same for checkpoints newer
					   than the job's, 0: none */
	char		 last_error[ERROR_LEN];
};

static void	 start(struct tsa *);

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	free(j->note);
	free(j->req);
	free(j->reply);
	free(j);
}

static void
job_fail(struct job *j, int rc, const char *fmt, const char *arg)
{
	j->rc = rc;
	snprintf(j->why, sizeof(j->why), fmt, arg);
}

/* The POST; on failure j->rc and j->why say what went wrong. */
static int
post(struct job *j, const char *url)
{
	static const char *const headers[] = {
		"Content-Type: application/timestamp-query", NULL
	};
	struct post p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.url = url;
	p.headers = headers;
	p.body = j->req;
	p.len = j->reqlen;
	p.max = TSA_MAX_REPLY;
	p.timeout_s = HTTP_TIMEOUT_S;
	p.connect_timeout_s = CONNECT_TIMEOUT_S;
	p.abort = &j->t->abort;
	rc = post_send(&p);
	j->reply = (uint8_t *)p.reply;
	j->replylen = p.replylen;
	if (rc != 0) {
		job_fail(j, rc, "%s", p.why);
		return -1;
	}
	if (p.code != 200) {
		snprintf(p.why, sizeof(p.why), "HTTP %ld", p.code);
		job_fail(j, CUSTOS_ERR_FORMAT, "%s", p.why);
		return -1;
	}
	return 0;
}

/* In the thread pool: send, then verify against [tsa] ca. */
static void
job_work(uv_work_t *w)
{
	struct job		*j = w->data;
	const struct config	*cfg = j->t->st->cfg;
	char			 why[ERROR_LEN];

	if (post(j, cfg->tsa_url) != 0)
		goto out;
	j->rc = tsa_verify(j->reply, j->replylen, j->note, j->notelen,
	    cfg->tsa_ca, &j->nonce, &j->info, why, sizeof(why));
	if (j->rc == CUSTOS_ERR_SYSTEM) {
		/* Formatted on the loop thread: strerror() is not
		 * thread-safe. */
		j->err = errno;
		snprintf(j->why, sizeof(j->why), "[tsa] ca %s", cfg->tsa_ca);
	} else if (j->rc == CUSTOS_ERR_CONFIG)
		snprintf(j->why, sizeof(j->why), "[tsa] ca %.120s: %.120s",
		    cfg->tsa_ca, why);
	else if (j->rc != 0)
		snprintf(j->why, sizeof(j->why),
		    "reply does not verify: %.200s", why);
out:
	/* OpenSSL keeps an error queue per thread, which a pool thread
	 * would hold until exit; it is made again when next needed. */
	OPENSSL_thread_stop();
}

/* The last reference is gone: the timer is closed, no job is out. */
static void
destroy(struct tsa *t)
{
	free(t);
	curl_global_cleanup();
}

static void
on_retry(uv_timer_t *h)
{
	struct tsa *t = h->data;

	t->retry_at = 0;
	start(t);
}

static void
on_close(uv_handle_t *h)
{
	struct tsa *t = h->data;

	t->closed = 1;
	if (t->job == NULL)
		destroy(t);
}

/* A failure of the request for size: back off and say so once. */
static void
request_failed(struct tsa *t, uint64_t size, const char *why)
{
	if (t->state != STATE_FAILING || strcmp(why, t->last_error) != 0)
		log_warnx("timestamp failed tree_size=%llu url=%s: %s; "
		    "retrying with backoff", (unsigned long long)size,
		    t->st->cfg->tsa_url, why);
	else
		log_debug("%s: tree_size=%llu: %s", __func__,
		    (unsigned long long)size, why);
	t->state = STATE_FAILING;
	metrics_tsa_failure(&t->st->metrics);
	snprintf(t->last_error, sizeof(t->last_error), "%s", why);
	t->backoff_ms = t->backoff_ms == 0 ? BACKOFF_MIN_MS :
	    t->backoff_ms * 2;
	if (t->backoff_ms > BACKOFF_MAX_MS)
		t->backoff_ms = BACKOFF_MAX_MS;
	t->retry_at = uv_now(t->loop) + t->backoff_ms;
	uv_timer_start(&t->retry, on_retry, t->backoff_ms, 0);
}

static void
stored(struct tsa *t, struct job *j)
{
	char q[LOG_QUOTE_LEN];

	if (t->state == STATE_FAILING)
		log_info("timestamps work again url=%s", t->st->cfg->tsa_url);
	log_info("timestamp stored tree_size=%llu tsa_time=%s serial=%s "
	    "policy=%s tsa=%s", (unsigned long long)j->size,
	    j->info.time, j->info.serial, j->info.policy,
	    log_quote(j->info.tsa, q, sizeof(q)));
	t->state = STATE_OK;
	t->last_error[0] = '\0';
	t->backoff_ms = 0;
	if (j->size > t->stamped)
		t->stamped = j->size;
	t->pending_since = t->stamped < t->st->checkpoint_size ?
	    (t->after_since != 0 ? t->after_since : time(NULL)) : 0;
	t->after_since = 0;
}

/* Back on the loop thread: store the verified reply, or back off. */
static void
job_done(uv_work_t *w, int status)
{
	struct job	*j = w->data;
	struct tsa	*t = j->t;
	char		 why[ERROR_LEN];
	int		 rc;

	t->job = NULL;
	if (t->stopping || status != 0) {
		job_free(j);
		if (t->closed)
			destroy(t);
		return;
	}
	if ((rc = j->rc) == 0) {
		/* EXISTS cannot happen with one request at a time and
		 * never one for a size at or below t->stamped; were it to,
		 * the stored token stands and is as good. */
		rc = log_timestamp_put(t->st->log, j->size, j->reply,
		    j->replylen);
		if (rc == CUSTOS_ERR_EXISTS)
			rc = 0;
		else if (rc != 0)
			snprintf(j->why, sizeof(j->why),
			    "cannot store the token: %s", custos_strerror(rc));
	} else if (rc == CUSTOS_ERR_SYSTEM && j->err != 0) {
		snprintf(why, sizeof(why), "%.180s: %.60s", j->why,
		    strerror(j->err));
		snprintf(j->why, sizeof(j->why), "%s", why);
	}
	if (rc == 0)
		stored(t, j);
	else
		request_failed(t, j->size, j->why);
	job_free(j);
	/* A newer checkpoint, or a kick, while this one was out; after a
	 * failure the retry timer (reset by the kick) decides. */
	if (rc == 0 && (t->again || t->stamped < t->st->checkpoint_size))
		start(t);
	t->again = 0;
}

/* Sends a request for the latest checkpoint unless one is under way. */
static void
start(struct tsa *t)
{
	struct station	*st = t->st;
	struct job	*j;
	char		 why[ERROR_LEN];
	int		 rc;

	if (t->stopping || t->job != NULL)
		return;
	if (st->checkpoint_size == 0 || st->checkpoint_size <= t->stamped)
		return;
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		request_failed(t, st->checkpoint_size, "out of memory");
		return;
	}
	j->t = t;
	j->size = st->checkpoint_size;
	j->work.data = j;
	if ((rc = log_checkpoint_get(st->log, j->size, &j->note,
	    &j->notelen)) != 0 ||
	    (rc = tsa_request(j->note, j->notelen, st->cfg->tsa_policy,
	    &j->req, &j->reqlen, &j->nonce)) != 0) {
		snprintf(why, sizeof(why), "cannot build the request: %s",
		    custos_strerror(rc));
		job_free(j);
		request_failed(t, st->checkpoint_size, why);
		return;
	}
	if ((rc = uv_queue_work(t->loop, &j->work, job_work, job_done)) != 0) {
		snprintf(why, sizeof(why), "cannot queue the request: %s",
		    uv_strerror(rc));
		job_free(j);
		request_failed(t, st->checkpoint_size, why);
		return;
	}
	uv_timer_stop(&t->retry);
	t->retry_at = 0;
	t->after_since = 0;
	t->job = j;
	log_debug("%s: tree_size=%llu url=%s", __func__,
	    (unsigned long long)j->size, st->cfg->tsa_url);
}

/* The station's checkpoint callback: a new checkpoint of size. */
static void
checkpointed(void *arg, uint64_t size)
{
	struct tsa *t = arg;

	if (t->pending_since == 0)
		t->pending_since = time(NULL);
	if (t->job != NULL && size > t->job->size && t->after_since == 0)
		t->after_since = time(NULL);
	/* While failing, the retry timer decides: checkpoints come every
	 * few seconds under load and must not defeat the backoff. */
	if (t->state == STATE_OK)
		start(t);
}

int
tsa_start(uv_loop_t *loop, struct station *st, struct tsa **out)
{
	struct tsa	*t;
	uint64_t	 size;
	int		 rc;

	*out = NULL;
	if (st->cfg->tsa_url == NULL)
		return 0;
	/* Only the file's readability is checked here; its certificates
	 * are read for each reply, so a renewed CA needs no restart. */
	if (access(st->cfg->tsa_ca, R_OK) == -1)
		return CUSTOS_ERR_SYSTEM;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return CUSTOS_ERR_NOMEM;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		curl_global_cleanup();
		return CUSTOS_ERR_NOMEM;
	}
	t->loop = loop;
	t->st = st;
	atomic_init(&t->abort, 0);
	if ((rc = log_timestamp_latest(st->log, &size)) == 0)
		t->stamped = size;
	else if (rc != CUSTOS_ERR_NOTFOUND) {
		destroy(t);
		return rc;
	}
	uv_timer_init(loop, &t->retry);
	t->retry.data = t;
	st->tsa = t;
	st->checkpointed = checkpointed;
	st->checkpointed_arg = t;
	if (t->stamped < st->checkpoint_size)
		t->pending_since = time(NULL);
	log_info("timestamps from url=%s ca=%s timestamped_size=%llu",
	    st->cfg->tsa_url, st->cfg->tsa_ca, (unsigned long long)t->stamped);
	start(t);
	*out = t;
	return 0;
}

void
tsa_kick(struct tsa *t)
{
	if (t == NULL || t->stopping)
		return;
	t->backoff_ms = 0;
	if (t->job != NULL) {
		t->again = 1;
		return;
	}
	start(t);
}

void
tsa_stop(struct tsa *t)
{
	if (t == NULL)
		return;
	t->stopping = 1;
	atomic_store(&t->abort, 1);
	if (t->st->tsa == t) {
		t->st->tsa = NULL;
		t->st->checkpointed = NULL;
		t->st->checkpointed_arg = NULL;
	}
	uv_timer_stop(&t->retry);
	/* Freed by whichever of on_close() and job_done() comes last. */
	uv_close((uv_handle_t *)&t->retry, on_close);
}

json_t *
tsa_status(struct tsa *t, struct station *st)
{
	uint64_t	 size = log_size(st->log), lag, now;
	time_t		 since;
	json_t		*j;

	if (t == NULL)
		return json_pack("{s:o, s:s}", "url",
		    st->cfg->tsa_url != NULL ? json_string(st->cfg->tsa_url) :
		    json_null(), "state", "off");
	lag = size > t->stamped ? size - t->stamped : 0;
	since = lag > 0 && t->pending_since != 0 ? t->pending_since : 0;
	now = uv_now(t->loop);
	j = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:o}",
	    "url", st->cfg->tsa_url,
	    "state", t->state == STATE_OK ? "ok" : "failing",
	    "timestamped_size", (json_int_t)t->stamped,
	    "checkpoint_size", (json_int_t)st->checkpoint_size,
	    "lag_entries", (json_int_t)lag,
	    "lag_seconds", (json_int_t)(since != 0 ? time(NULL) - since : 0),
	    "last_error", t->last_error[0] != '\0' ?
	    json_string(t->last_error) : json_null(),
	    "next_retry_s", t->retry_at != 0 ?
	    json_integer((json_int_t)((t->retry_at > now ?
	    t->retry_at - now : 0) + 999) / 1000) : json_null());
	return j;
}
