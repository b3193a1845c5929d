/*
 * witness: cosignatures of the station's checkpoints from tlog-witnesses
 * (witness.h; c2sp.org/tlog-witness, c2sp.org/tlog-cosignature).
 *
 * Each witness is on its own: one request in flight at most, its own
 * backoff and state, so a witness that is down does not hold up another.
 * A request is built on the loop thread (the note and the proof come from
 * the log, which only the loop thread touches), sent and its reply checked
 * in the thread pool (network, and the cosignature against the witness's
 * key), and the verified line stored back on the loop thread.  A
 * checkpoint signed while a request is under way is not lost: when the
 * request ends, the latest checkpoint is compared with the one just
 * cosigned, and the next request carries the latest.
 *
 * The old size a request sends is the size that witness last cosigned for
 * us, from the log's cosignatures table.  A 409 names the size the witness
 * holds; when it is not above our checkpoint (our database lost a
 * cosignature, or never had it), the request is sent again at once with a
 * proof from that size; the witness then cosigns if its tree is a prefix
 * of ours.  A size above ours, or a 422 (the proof from the witness's tree
 * does not verify), means the witness cosigned a log this station does not
 * extend: the alarm of a fork or a rewound station, state "conflict".
 *
 * Failures are logged when the state changes (ok to failing, failing to
 * ok, or a different error while failing), not at every retry.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <uv.h>

#include "custos/config.h"
#include "custos/cosig.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "custos/note.h"
#include "custos/rfc3339.h"
#include "custos/util.h"
#include "journal.h"
#include "post.h"
#include "station.h"
#include "witness.h"

#define BACKOFF_MIN_MS		1000
#define BACKOFF_MAX_MS		(5 * 60 * 1000)
#define HTTP_TIMEOUT_S		30L
#define CONNECT_TIMEOUT_S	10L
#define REPLY_MAX		(64 * 1024)
#define KEYFILE_MAX		4096
#define ERROR_LEN		320
#define MAX_PROOF_LINES		63	/* tlog-witness: at most 63 */

enum wstate {
	STATE_OK,		/* the last request succeeded, or none yet */
	STATE_FAILING,		/* the last request failed: backing off */
	STATE_CONFLICT,		/* the witness holds a tree we do not
				   extend: backing off, the alarm raised */
};

struct witness;

/* One request: filled on the loop thread, sent in the thread pool. */
struct job {
	uv_work_t	 work;
	struct witness	*w;
	uint64_t	 size;		/* of the checkpoint */
	uint64_t	 old;		/* the old size sent */
	int		 after409;	/* the retry a 409 asked for */
	char		*req;		/* the request body */
	size_t		 reqlen;
	char		*text;		/* the checkpoint body (note text) */
	size_t		 textlen;
	char		*reply;
	size_t		 replylen;
	long		 code;		/* HTTP status, 0: none */
	int		 rc;		/* 0: a verified line in line */
	char		 why[ERROR_LEN];
	char		*line;		/* the verified cosignature line */
	size_t		 linelen;
	uint64_t	 ts;		/* its timestamp */
	uint64_t	 their;		/* 409: the witness's size */
};

struct witness {
	struct witnesses *ws;
	const struct config_witness *cfg;
	struct cosig_verifier *v;
	char		*url;		/* URL/add-checkpoint */
	uv_timer_t	 retry;
	struct job	*job;		/* in the thread pool, or NULL */
	enum wstate	 state;
	int		 again;		/* kicked while a job was out */
	uint64_t	 cosigned;	/* largest size it cosigned (stored) */
	uint64_t	 cosigned_time;	/* that cosignature's timestamp */
	uint64_t	 hint;		/* a 409's size to send as old, or 0 */
	int		 hinted;	/* hint is set */
	int		 told;		/* told_size was logged */
	uint64_t	 told_size;	/* the last size a 409 named */
	uint64_t	 backoff_ms;
	uint64_t	 retry_at;	/* uv_now() of the next try, or 0 */
	char		 last_error[ERROR_LEN];
};

struct witnesses {
	uv_loop_t	*loop;
	struct station	*st;
	struct witness	*w;
	size_t		 n;
	atomic_int	 abort;		/* tells the transfers to stop */
	int		 stopping;
	size_t		 open;		/* timers not closed + jobs out */
};

static void	 start(struct witness *);

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	free(j->req);
	free(j->text);
	free(j->reply);
	free(j->line);
	free(j);
}

/* The POST; on a transport failure j->rc and j->why say what. */
static int
post(struct job *j)
{
	static const char *const headers[] = {
		"Content-Type: text/plain; charset=utf-8", "Expect:", NULL
	};
	struct post p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.url = j->w->url;
	p.headers = headers;
	p.body = j->req;
	p.len = j->reqlen;
	p.max = REPLY_MAX;
	p.timeout_s = HTTP_TIMEOUT_S;
	p.connect_timeout_s = CONNECT_TIMEOUT_S;
	p.abort = &j->w->ws->abort;
	rc = post_send(&p);
	j->code = p.code;
	j->reply = p.reply;
	j->replylen = p.replylen;
	if (rc == 0)
		return 0;
	j->rc = rc;
	snprintf(j->why, sizeof(j->why), "%s", p.why);
	return -1;
}

/* The first line of an error reply, made printable, for a message. */
static void
reply_excerpt(const struct job *j, char *buf, size_t bufsz)
{
	size_t i, o = 0;
	unsigned char c;

	for (i = 0; i < j->replylen && o + 1 < bufsz && o < 120; i++) {
		c = (unsigned char)j->reply[i];
		if (c == '\n')
			break;
		buf[o++] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	buf[o] = '\0';
}

/*
 * A 200 reply: one or more signature lines.  Lines of other keys are
 * ignored (tlog-witness); every line of the witness's key must verify,
 * and the first is kept.
 */
static void
check_cosigs(struct job *j)
{
	const struct cosig_verifier *v = j->w->v;
	const char *p = j->reply, *end = j->reply + j->replylen, *nl;
	uint64_t ts;
	int rc, lineno = 0;

	j->rc = CUSTOS_ERR_KEY;
	snprintf(j->why, sizeof(j->why), "the reply has no cosignature by "
	    "key %s+%08" PRIx32, cosig_verifier_name(v),
	    cosig_verifier_keyid(v));
	if (j->replylen == 0 || j->reply[j->replylen - 1] != '\n') {
		j->rc = CUSTOS_ERR_FORMAT;
		snprintf(j->why, sizeof(j->why), "the reply is not signature "
		    "lines ending in a newline (%zu bytes)", j->replylen);
		return;
	}
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		lineno++;
		rc = cosig_verify_line(v, j->text, j->textlen, p,
		    (size_t)(nl - p) + 1, &ts);
		if (rc == CUSTOS_ERR_KEY)
			continue;
		if (rc != 0) {
			j->rc = rc;
			snprintf(j->why, sizeof(j->why), "reply line %d: %s",
			    lineno, rc == CUSTOS_ERR_VERIFY ? "the "
			    "cosignature by the witness's key does not verify "
			    "over the checkpoint" : rc == CUSTOS_ERR_FORMAT ?
			    "not a signature line" : custos_strerror(rc));
			free(j->line);
			j->line = NULL;
			return;
		}
		if (j->line == NULL) {
			if ((j->line = strndup(p, (size_t)(nl - p) + 1)) ==
			    NULL) {
				j->rc = CUSTOS_ERR_NOMEM;
				snprintf(j->why, sizeof(j->why), "out of "
				    "memory");
				return;
			}
			j->linelen = (size_t)(nl - p) + 1;
			j->ts = ts;
		}
	}
	if (j->line != NULL) {
		j->rc = 0;
		j->why[0] = '\0';
	}
}

/* In the thread pool: send, then read the reply. */
static void
job_work(uv_work_t *work)
{
	struct job	*j = work->data;
	char		 ex[128];

	if (post(j) != 0)
		goto out;
	if (j->code == 200)
		check_cosigs(j);
	else if (j->code == 409) {
		j->rc = CUSTOS_ERR_EXISTS;
		if (j->replylen < 2 || j->reply[j->replylen - 1] != '\n' ||
		    dec_decode(j->reply, j->replylen - 1, &j->their) != 0) {
			reply_excerpt(j, ex, sizeof(ex));
			j->rc = CUSTOS_ERR_FORMAT;
			snprintf(j->why, sizeof(j->why), "HTTP 409 without a "
			    "tree size: \"%s\"", ex);
		}
	} else {
		reply_excerpt(j, ex, sizeof(ex));
		j->rc = CUSTOS_ERR_FORMAT;
		snprintf(j->why, sizeof(j->why), "HTTP %ld%s%s", j->code,
		    ex[0] != '\0' ? ": " : "", ex);
	}
out:
	OPENSSL_thread_stop();
}

static void
release(struct witnesses *ws)
{
	size_t i;

	if (--ws->open > 0)
		return;
	for (i = 0; i < ws->n; i++) {
		cosig_verifier_free(ws->w[i].v);
		free(ws->w[i].url);
	}
	free(ws->w);
	free(ws);
	curl_global_cleanup();
}

static void
on_close(uv_handle_t *h)
{
	release(((struct witness *)h->data)->ws);
}

static void
on_retry(uv_timer_t *h)
{
	struct witness *w = h->data;

	w->retry_at = 0;
	start(w);
}

/* A failure: back off and say so when the state or the error changes. */
static void
failed(struct witness *w, enum wstate state, uint64_t size, const char *why)
{
	if (w->state != state || strcmp(why, w->last_error) != 0) {
		if (state == STATE_CONFLICT)
			log_warnx("WITNESS CONFLICT witness=%s tree_size=%llu: "
			    "%s", w->cfg->name, (unsigned long long)size, why);
		else
			log_warnx("cosigning failed witness=%s tree_size=%llu "
			    "url=%s: %s; retrying with backoff", w->cfg->name,
			    (unsigned long long)size, w->url, why);
	} else
		log_debug("%s: witness=%s tree_size=%llu: %s", __func__,
		    w->cfg->name, (unsigned long long)size, why);
	w->state = state;
	snprintf(w->last_error, sizeof(w->last_error), "%s", why);
	w->backoff_ms = w->backoff_ms == 0 ? BACKOFF_MIN_MS :
	    w->backoff_ms * 2;
	if (w->backoff_ms > BACKOFF_MAX_MS)
		w->backoff_ms = BACKOFF_MAX_MS;
	w->retry_at = uv_now(w->ws->loop) + w->backoff_ms;
	uv_timer_start(&w->retry, on_retry, w->backoff_ms, 0);
}

static void
stored(struct witness *w, const struct job *j)
{
	char when[RFC3339_LEN];

	rfc3339_format((int64_t)j->ts * 1000, when, sizeof(when));
	if (w->state != STATE_OK)
		log_info("witness cosigns again witness=%s", w->cfg->name);
	log_info("cosignature stored witness=%s tree_size=%llu old_size=%llu "
	    "time=%s", w->cfg->name, (unsigned long long)j->size,
	    (unsigned long long)j->old, when);
	w->state = STATE_OK;
	w->last_error[0] = '\0';
	w->backoff_ms = 0;
	if (j->size >= w->cosigned) {
		w->cosigned = j->size;
		w->cosigned_time = j->ts;
	}
}

/*
 * A 409: the witness holds j->their for us.  One of ours is sent again at
 * once with a proof from it; anything else is the conflict alarm or, for
 * a second 409 in a row, a plain failure.
 */
static void
conflict409(struct witness *w, struct job *j)
{
	char why[ERROR_LEN];

	if (j->their > j->size) {
		snprintf(why, sizeof(why), "the witness holds tree size %llu "
		    "for this station, beyond our checkpoint of size %llu: it "
		    "cosigned a log this station does not extend (a fork or "
		    "a rewound station) (HTTP 409)",
		    (unsigned long long)j->their,
		    (unsigned long long)j->size);
		w->hinted = 0;
		failed(w, STATE_CONFLICT, j->size, why);
		return;
	}
	if (!j->after409) {
		/* Said once per size the witness holds, not at every retry
		 * of a conflict. */
		if (!w->told || w->told_size != j->their)
			log_info("witness=%s holds tree_size=%llu for this "
			    "station, not %llu; sending a proof from it",
			    w->cfg->name, (unsigned long long)j->their,
			    (unsigned long long)j->old);
		else
			log_debug("%s: witness=%s holds tree_size=%llu",
			    __func__, w->cfg->name,
			    (unsigned long long)j->their);
		w->told = 1;
		w->told_size = j->their;
		w->hint = j->their;
		w->hinted = 1;
		start(w);
		return;
	}
	snprintf(why, sizeof(why), "HTTP 409 again: the witness holds tree "
	    "size %llu, after a request from %llu",
	    (unsigned long long)j->their, (unsigned long long)j->old);
	w->hinted = 0;
	failed(w, STATE_FAILING, j->size, why);
}

/* Back on the loop thread: store the verified line, or back off. */
static void
job_done(uv_work_t *work, int status)
{
	struct job	*j = work->data;
	struct witness	*w = j->w;
	struct station	*st = w->ws->st;
	char		 why[ERROR_LEN];
	int		 rc;

	w->job = NULL;
	if (w->ws->stopping || status != 0) {
		job_free(j);
		release(w->ws);
		return;
	}
	w->ws->open--;
	if ((rc = j->rc) == 0) {
		rc = log_cosig_put(st->log, j->size, w->cfg->name, j->line,
		    j->linelen, j->ts);
		if (rc == CUSTOS_ERR_EXISTS)
			rc = 0;
		if (rc == 0) {
			w->hinted = 0;
			stored(w, j);
		} else {
			snprintf(why, sizeof(why), "cannot store the "
			    "cosignature: %s", custos_strerror(rc));
			failed(w, STATE_FAILING, j->size, why);
		}
	} else if (rc == CUSTOS_ERR_EXISTS)
		conflict409(w, j);
	else if (j->code == 422) {
		snprintf(why, sizeof(why), "the witness refuses checkpoint "
		    "%llu: our consistency proof from tree size %llu does not "
		    "verify against what it cosigned, so this log does not "
		    "extend the one the witness saw (a fork or a rewound "
		    "station) (%.80s)", (unsigned long long)j->size,
		    (unsigned long long)j->old, j->why);
		w->hinted = 0;
		failed(w, STATE_CONFLICT, j->size, why);
	} else {
		w->hinted = 0;
		failed(w, STATE_FAILING, j->size, j->why);
	}
	job_free(j);
	if (w->state == STATE_OK && w->job == NULL &&
	    (w->again || w->cosigned < st->checkpoint_size))
		start(w);
	w->again = 0;
}

/* "old N\n", the proof lines, "\n", the note: the request body. */
static int
build(struct witness *w, struct job *j, const char *note, size_t notelen)
{
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN];
	char line[B64_ENCLEN(DIGEST_LEN) + 2];
	size_t n = 0, i, cap, o;
	int rc;

	if (j->old > 0 && j->old < j->size &&
	    (rc = log_prove_consistency(w->ws->st->log, j->old, j->size,
	    proof, &n)) != 0)
		return rc;
	if (n > MAX_PROOF_LINES)
		return CUSTOS_ERR_TOOBIG;
	cap = 32 + n * sizeof(line) + notelen;
	if ((j->req = malloc(cap)) == NULL)
		return CUSTOS_ERR_NOMEM;
	o = (size_t)snprintf(j->req, cap, "old %llu\n",
	    (unsigned long long)j->old);
	for (i = 0; i < n; i++) {
		b64_encode(proof[i], DIGEST_LEN, line);
		o += (size_t)snprintf(j->req + o, cap - o, "%s\n", line);
	}
	j->req[o++] = '\n';
	memcpy(j->req + o, note, notelen);
	j->reqlen = o + notelen;
	return 0;
}

/* The checkpoint's body, which the cosignatures sign. */
static int
body_text(struct job *j, const char *note, size_t notelen)
{
	struct note *n;
	const char *t;
	int rc;

	if ((rc = note_parse(note, notelen, &n)) != 0)
		return rc;
	t = note_text(n, &j->textlen);
	j->text = malloc(j->textlen + 1);
	if (j->text != NULL) {
		memcpy(j->text, t, j->textlen);
		j->text[j->textlen] = '\0';
	}
	note_free(n);
	return j->text != NULL ? 0 : CUSTOS_ERR_NOMEM;
}

/* Sends a request for the latest checkpoint unless one is under way. */
static void
start(struct witness *w)
{
	struct witnesses *ws = w->ws;
	struct station	*st = ws->st;
	struct job	*j;
	char		*note = NULL, why[ERROR_LEN];
	size_t		 notelen;
	int		 rc;

	if (ws->stopping || w->job != NULL || st->checkpoint_size == 0 ||
	    w->cosigned >= st->checkpoint_size)
		return;
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		failed(w, STATE_FAILING, st->checkpoint_size, "out of memory");
		return;
	}
	j->w = w;
	j->work.data = j;
	j->size = st->checkpoint_size;
	j->after409 = w->hinted;
	j->old = w->hinted && w->hint <= j->size ? w->hint :
	    w->cosigned <= j->size ? w->cosigned : 0;
	if ((rc = log_checkpoint_get(st->log, j->size, &note,
	    &notelen)) != 0 || (rc = body_text(j, note, notelen)) != 0 ||
	    (rc = build(w, j, note, notelen)) != 0) {
		free(note);
		snprintf(why, sizeof(why), "cannot build the request for "
		    "checkpoint %llu from %llu: %s",
		    (unsigned long long)j->size, (unsigned long long)j->old,
		    custos_strerror(rc));
		job_free(j);
		w->hinted = 0;
		failed(w, STATE_FAILING, st->checkpoint_size, why);
		return;
	}
	free(note);
	if ((rc = uv_queue_work(ws->loop, &j->work, job_work,
	    job_done)) != 0) {
		snprintf(why, sizeof(why), "cannot queue the request: %s",
		    uv_strerror(rc));
		job_free(j);
		failed(w, STATE_FAILING, st->checkpoint_size, why);
		return;
	}
	ws->open++;
	uv_timer_stop(&w->retry);
	w->retry_at = 0;
	w->job = j;
	log_debug("%s: witness=%s tree_size=%llu old=%llu", __func__,
	    w->cfg->name, (unsigned long long)j->size,
	    (unsigned long long)j->old);
}

/* The station's cosign callback: a new checkpoint. */
static void
checkpointed(void *arg, uint64_t size)
{
	struct witnesses *ws = arg;
	size_t i;

	(void)size;
	/* While failing, the retry timer decides: checkpoints come every
	 * few seconds under load and must not defeat the backoff. */
	for (i = 0; i < ws->n; i++)
		if (ws->w[i].state == STATE_OK)
			start(&ws->w[i]);
}

/* Reads and checks the key file of w's section. */
static int
load_key(struct witness *w, char *err, size_t errlen)
{
	char *s = NULL;
	size_t len;
	int rc;

	if ((rc = util_read_file(w->cfg->key, KEYFILE_MAX, &s, &len)) != 0) {
		snprintf(err, errlen, "[witness %s] key %s: %s", w->cfg->name,
		    w->cfg->key, rc == CUSTOS_ERR_SYSTEM ? strerror(errno) :
		    custos_strerror(rc));
		return rc;
	}
	if (len > 0 && s[len - 1] == '\n')
		len--;
	rc = cosig_verifier_parse(s, len, &w->v);
	free(s);
	if (rc != 0) {
		snprintf(err, errlen, "[witness %s] key %s: not a "
		    "cosignature/v1 verifier key (type 0x04): %s",
		    w->cfg->name, w->cfg->key, custos_strerror(rc));
		return rc;
	}
	if (strcmp(cosig_verifier_name(w->v), w->cfg->name) != 0) {
		snprintf(err, errlen, "[witness %s] key %s: the key is named "
		    "\"%s\", not the section's name", w->cfg->name,
		    w->cfg->key, cosig_verifier_name(w->v));
		return CUSTOS_ERR_CONFIG;
	}
	if (asprintf(&w->url, "%s/add-checkpoint", w->cfg->url) == -1) {
		w->url = NULL;
		snprintf(err, errlen, "out of memory");
		return CUSTOS_ERR_NOMEM;
	}
	return 0;
}

/* Frees what witnesses_start() made before any handle was open. */
static void
discard(struct witnesses *ws)
{
	ws->open = 1;
	release(ws);
}

int
witnesses_start(uv_loop_t *loop, struct station *st,
    struct witnesses **out, char *err, size_t errlen)
{
	struct witnesses *ws;
	struct witness	*w;
	size_t		 i;
	int		 rc;

	*out = NULL;
	if (st->cfg->nwitness == 0)
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "cannot start libcurl");
		return CUSTOS_ERR_NOMEM;
	}
	if ((ws = calloc(1, sizeof(*ws))) == NULL) {
		curl_global_cleanup();
		snprintf(err, errlen, "out of memory");
		return CUSTOS_ERR_NOMEM;
	}
	ws->loop = loop;
	ws->st = st;
	atomic_init(&ws->abort, 0);
	if ((ws->w = calloc(st->cfg->nwitness, sizeof(*ws->w))) == NULL) {
		snprintf(err, errlen, "out of memory");
		discard(ws);
		return CUSTOS_ERR_NOMEM;
	}
	ws->n = st->cfg->nwitness;
	for (i = 0; i < ws->n; i++) {
		w = &ws->w[i];
		w->ws = ws;
		w->cfg = &st->cfg->witness[i];
		if ((rc = load_key(w, err, errlen)) != 0)
			goto fail;
		rc = log_cosig_latest(st->log, w->cfg->name, &w->cosigned,
		    &w->cosigned_time);
		if (rc != 0 && rc != CUSTOS_ERR_NOTFOUND) {
			snprintf(err, errlen, "[witness %s]: cannot read its "
			    "cosignatures: %s", w->cfg->name,
			    custos_strerror(rc));
			goto fail;
		}
	}
	for (i = 0; i < ws->n; i++) {
		w = &ws->w[i];
		uv_timer_init(loop, &w->retry);
		w->retry.data = w;
		ws->open++;
		log_info("witness=%s url=%s key=%s+%08" PRIx32
		    " cosigned_size=%llu", w->cfg->name, w->cfg->url,
		    cosig_verifier_name(w->v), cosig_verifier_keyid(w->v),
		    (unsigned long long)w->cosigned);
	}
	st->witnesses = ws;
	st->cosign = checkpointed;
	st->cosign_arg = ws;
	for (i = 0; i < ws->n; i++)
		start(&ws->w[i]);
	*out = ws;
	return 0;
fail:
	discard(ws);
	return rc;
}

void
witnesses_kick(struct witnesses *ws)
{
	struct witness *w;
	size_t i;

	if (ws == NULL || ws->stopping)
		return;
	for (i = 0; i < ws->n; i++) {
		w = &ws->w[i];
		w->backoff_ms = 0;
		if (w->job != NULL) {
			w->again = 1;
			continue;
		}
		/* A kick forgets the backoff; the state goes on showing the
		 * last failure until a request succeeds. */
		uv_timer_stop(&w->retry);
		w->retry_at = 0;
		start(w);
	}
}

int
witnesses_cosigned(struct witnesses *ws, uint64_t size)
{
	size_t i;

	if (ws == NULL)
		return -1;
	for (i = 0; i < ws->n; i++)
		if (ws->w[i].cosigned != size)
			return 0;
	return 1;
}

void
witnesses_stop(struct witnesses *ws)
{
	size_t i;

	if (ws == NULL)
		return;
	ws->stopping = 1;
	atomic_store(&ws->abort, 1);
	if (ws->st->witnesses == ws) {
		ws->st->witnesses = NULL;
		ws->st->cosign = NULL;
		ws->st->cosign_arg = NULL;
	}
	/* Freed by whichever of on_close() and job_done() comes last. */
	for (i = 0; i < ws->n; i++) {
		uv_timer_stop(&ws->w[i].retry);
		uv_close((uv_handle_t *)&ws->w[i].retry, on_close);
	}
}

static json_t *
one_status(struct witness *w)
{
	char when[RFC3339_LEN];
	uint64_t now = uv_now(w->ws->loop);
	static const char *const states[] = { "ok", "failing", "conflict" };

	if (w->cosigned_time != 0)
		rfc3339_format((int64_t)w->cosigned_time * 1000, when,
		    sizeof(when));
	return json_pack("{s:s, s:s, s:s, s:I, s:o, s:I, s:o, s:o}",
	    "name", w->cfg->name,
	    "url", w->cfg->url,
	    "state", states[w->state],
	    "cosigned_size", (json_int_t)w->cosigned,
	    "cosigned_time", w->cosigned_time != 0 ? json_string(when) :
	    json_null(),
	    "checkpoint_size", (json_int_t)w->ws->st->checkpoint_size,
	    "last_error", w->last_error[0] != '\0' ?
	    json_string(w->last_error) : json_null(),
	    "next_retry_s", w->retry_at != 0 ?
	    json_integer((json_int_t)((w->retry_at > now ?
	    w->retry_at - now : 0) + 999) / 1000) : json_null());
}

json_t *
witnesses_status(struct witnesses *ws)
{
	json_t *a, *o;
	size_t i;

	if (ws == NULL || (a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < ws->n; i++)
		if ((o = one_status(&ws->w[i])) == NULL ||
		    json_array_append_new(a, o) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}
