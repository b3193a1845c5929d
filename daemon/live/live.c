/*
 * live: the parent's side of live streams (live.h, docs/live.md).
 *
 * Per source, one child at a time.  A child run is a session: its ID is
 * the station's UTC time at the start and 32 random bits.  The parent
 * reads the child's fixed-size messages, and for each closed segment
 * queues a seal in the source's queue (live_queue.c), which seals one
 * file at a time and carries the live.gap entries too.  A child that
 * ends is started again with backoff; the files of its session it did
 * not report (the one it was writing when it was killed) are queued too.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "custos/config.h"
#include "custos/err.h"
#include "custos/util.h"
#include "daemon/entry.h"
#include "daemon/journal.h"
#include "daemon/metrics.h"
#include "daemon/seal/child.h"
#include "daemon/station.h"
#include "live.h"
#include "live_src.h"

#define BACKOFF_MIN_MS	1000
#define BACKOFF_MAX_MS	30000
/* How long a stopping child may take to close its segment. */
#define STOP_GRACE_MS	10000

static const char *const state_names[] = {
	[ST_STARTING] = "starting",
	[ST_LISTENING] = "listening",
	[ST_RECEIVING] = "receiving",
	[ST_RECONNECTING] = "reconnecting",
	[ST_STOPPED] = "stopped",
};

static void	spawn_child(struct source *);
static void	check_stopped(struct live *);

/*
 * The child.
 */

static void
handle_closed(uv_handle_t *h)
{
	struct live *l = h->data;

	l->handles--;
	check_stopped(l);
}

static void
close_handle(struct live *l, uv_handle_t *h)
{
	h->data = l;
	l->handles++;
	uv_close(h, handle_closed);
}

static void
new_session(struct source *s)
{
	struct timespec now;
	struct tm tm;
	uint32_t rnd = 0;
	char t[20];

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(t, sizeof(t), "%Y%m%dT%H%M%SZ", &tm);
	if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		rnd = (uint32_t)now.tv_nsec ^ (uint32_t)getpid();
	snprintf(s->session, sizeof(s->session), "%s-%08x", t, rnd);
	s->next_seq = 0;
}

static void
on_backoff(uv_timer_t *t)
{
	struct source *s = t->data;

	if (!s->l->stopping)
		spawn_child(s);
}

/* The next child after the backoff, which doubles up to its maximum. */
static void
retry_later(struct source *s)
{
	unsigned delay = s->backoff_ms;

	s->state = ST_RECONNECTING;
	s->backoff_ms = s->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS :
	    s->backoff_ms * 2;
	s->timer.data = s;
	uv_timer_start(&s->timer, on_backoff, delay, 0);
}

/* The child has exited and its pipe is done. */
static void
child_done(struct source *s)
{
	struct live *l = s->l;

	if (!s->exited || !s->eof || !s->running)
		return;
	s->running = 0;
	uv_timer_stop(&s->timer);
	close_handle(l, (uv_handle_t *)&s->proc);
	live_sweep_session(s);
	if (s->connected) {
		metrics_live_connected(&l->st->metrics, -1);
		/* The stream dropped: a gap from the end of what we have. */
		s->gap_open = 1;
		s->gap_from = s->seg_start;
		memcpy(s->gap_session, s->session, sizeof(s->gap_session));
		memcpy(s->gap_dropped, s->end_dropped,
		    sizeof(s->gap_dropped));
		s->gap_dropped_bytes = s->end_dropped_bytes;
	}
	if (s->connected)
		log_info("live %s: stream ended camera=%s session=%s "
		    "segments=%u: %s", s->cfg->name, s->cfg->camera,
		    s->session, s->next_seq, s->reason[0] != '\0' ?
		    s->reason : "child exited");
	else if (!l->stopping)
		log_warnx("live %s: no stream camera=%s: %s", s->cfg->name,
		    s->cfg->camera, s->reason[0] != '\0' ? s->reason :
		    "child exited");
	if (l->stopping) {
		s->state = ST_STOPPED;
		live_pump(s);
		check_stopped(l);
		return;
	}
	retry_later(s);
	live_pump(s);
}

static void
close_out(struct source *s)
{
	if (s->eof)
		return;
	s->eof = 1;
	uv_read_stop((uv_stream_t *)&s->out);
	close_handle(s->l, (uv_handle_t *)&s->out);
}

/* A child that breaks the protocol is treated as a crashed one. */
static void
protocol_error(struct source *s, const char *what)
{
	log_warnx("live %s: child sent a malformed message (%s); killed",
	    s->cfg->name, what);
	snprintf(s->reason, sizeof(s->reason), "malformed message");
	metrics_refused(&s->l->st->metrics, METRICS_REF_MALFORMED);
	(void)uv_process_kill(&s->proc, SIGKILL);
	close_out(s);
}

static void
on_message(struct source *s, struct live_msg *m)
{
	struct timespec now;
	struct item *it;

	clock_gettime(CLOCK_REALTIME, &now);
	switch (m->type) {
	case LIVE_MSG_LISTENING:
		s->state = ST_LISTENING;
		break;
	case LIVE_MSG_CONNECTED:
		s->state = ST_RECEIVING;
		if (!s->connected)
			metrics_live_connected(&s->l->st->metrics, 1);
		s->connected = 1;
		s->had_session = 1;
		s->seg_start = now;
		s->backoff_ms = BACKOFF_MIN_MS;
		log_info("live %s: stream connected camera=%s session=%s",
		    s->cfg->name, s->cfg->camera, s->session);
		if (s->gap_open)
			live_queue_gap(s, &now, s->session);
		break;
	case LIVE_MSG_SEGMENT:
		if ((it = live_item_new(IT_SEGMENT)) == NULL) {
			/* The file stays; the sweep at exit finds it. */
			log_warnx("live %s: out of memory", s->cfg->name);
			return;
		}
		memcpy(it->session, s->session, sizeof(it->session));
		it->seq = m->seq;
		it->start = s->seg_start;
		it->end = now;
		it->packets = m->packets;
		memcpy(it->dropped, m->dropped, sizeof(it->dropped));
		it->dropped_bytes = m->dropped_bytes;
		live_enqueue(s, it);
		s->next_seq = m->seq + 1;
		s->seg_start = now;
		s->segments++;
		s->last_segment_at = now;
		log_debug("%s: %s seq=%u packets=%llu bytes=%llu dropped=%llu",
		    __func__, s->cfg->name, m->seq,
		    (unsigned long long)m->packets,
		    (unsigned long long)m->bytes,
		    (unsigned long long)live_drop_total(m->dropped));
		live_pump(s);
		break;
	case LIVE_MSG_END:
		snprintf(s->reason, sizeof(s->reason), "%s", m->error);
		memcpy(s->end_dropped, m->dropped, sizeof(s->end_dropped));
		s->end_dropped_bytes = m->dropped_bytes;
		break;
	}
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct source *s = h->data;

	(void)hint;
	*buf = uv_buf_init((char *)s->msg.b + s->got,
	    (unsigned)(sizeof(s->msg.b) - s->got));
}

static void
on_read(uv_stream_t *h, ssize_t n, const uv_buf_t *buf)
{
	struct source *s = h->data;

	(void)buf;
	if (n < 0) {
		if (s->got != 0)
			protocol_error(s, "cut short");
		close_out(s);
		child_done(s);
		return;
	}
	s->got += (size_t)n;
	if (s->got < sizeof(s->msg.b))
		return;
	s->got = 0;
	if (live_msg_check(&s->msg.m, sizeof(s->msg.m), s->next_seq) != 0) {
		protocol_error(s, "fails the message check");
		child_done(s);
		return;
	}
	if (s->msg.m.type == LIVE_MSG_SEGMENT && !s->connected) {
		protocol_error(s, "a segment before the stream connected");
		child_done(s);
		return;
	}
	on_message(s, &s->msg.m);
}

static void
on_exit_cb(uv_process_t *p, int64_t status, int sig)
{
	struct source *s = p->data;

	s->exited = 1;
	if (sig != 0)
		snprintf(s->reason, sizeof(s->reason), "child killed by "
		    "signal %d", sig);
	else if (status != 0 && s->reason[0] == '\0')
		snprintf(s->reason, sizeof(s->reason), "child exited with "
		    "status %lld", (long long)status);
	child_done(s);
}

static void
on_req_written(uv_write_t *w, int status)
{
	struct source *s = w->data;

	(void)status;	/* a child that died early: its exit says why */
	close_handle(s->l, (uv_handle_t *)&s->in);
	free(w);
}

/* The child's request from the section; the TLS files from [upload]. */
static int
make_request(struct source *s)
{
	const struct config_live *c = s->cfg;
	const struct config *cfg = s->l->st->cfg;
	struct live_req *r = &s->req;
	const char *url = c->url != NULL ? c->url : c->listen;

	memset(r, 0, sizeof(*r));
	r->magic = LIVE_REQ_MAGIC;
	r->size = sizeof(*r);
	r->segment_seconds = c->segment_seconds;
	if (c->url != NULL)
		r->mode = LIVE_PULL;
	else if (strncmp(url, "tcp://", 6) == 0)
		r->mode = LIVE_LISTEN_TCP;
	else if (strncmp(url, "tls://", 6) == 0)
		r->mode = LIVE_LISTEN_TLS;
	else if (strncmp(url, "srt://", 6) == 0)
		r->mode = LIVE_LISTEN_SRT;
	else
		return CUSTOS_ERR_CONFIG;
	if (strlen(url) >= sizeof(r->url) || (c->passphrase != NULL &&
	    strlen(c->passphrase) >= sizeof(r->passphrase)))
		return CUSTOS_ERR_TOOBIG;
	memcpy(r->session, s->session, sizeof(r->session));
	strcpy(r->url, url);
	if (c->passphrase != NULL)
		strcpy(r->passphrase, c->passphrase);
	if (r->mode == LIVE_LISTEN_TLS) {
		if (cfg->upload_cert == NULL || cfg->upload_key == NULL ||
		    cfg->upload_client_ca == NULL)
			return CUSTOS_ERR_CONFIG;
		snprintf(r->cert, sizeof(r->cert), "%s", cfg->upload_cert);
		snprintf(r->key, sizeof(r->key), "%s", cfg->upload_key);
		snprintf(r->ca, sizeof(r->ca), "%s", cfg->upload_client_ca);
		if (cfg->upload_crl != NULL)
			snprintf(r->crl, sizeof(r->crl), "%s",
			    cfg->upload_crl);
		if (strlen(c->camera) >= sizeof(r->camera))
			return CUSTOS_ERR_TOOBIG;
		strcpy(r->camera, c->camera);
	}
	return 0;
}

static int
spawn(struct source *s)
{
	struct live *l = s->l;
	struct child_stdio io;
	uv_write_t *w;
	uv_buf_t b;
	char *argv[3];
	int rc, saved;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return CUSTOS_ERR_NOMEM;
	uv_pipe_init(l->loop, &s->in, 0);
	uv_pipe_init(l->loop, &s->out, 0);
	s->in.data = s->out.data = s->proc.data = s;
	argv[0] = l->self;
	argv[1] = "-L";
	argv[2] = NULL;
	io.in = &s->in;
	io.out = &s->out;
	io.fd3 = s->spoolfd;
	if ((rc = child_spawn(l->loop, &s->proc, argv, &io, on_exit_cb)) !=
	    0) {
		saved = errno;
		free(w);
		close_handle(l, (uv_handle_t *)&s->proc);
		close_handle(l, (uv_handle_t *)&s->in);
		close_handle(l, (uv_handle_t *)&s->out);
		errno = saved;
		return rc;
	}
	s->running = 1;
	s->exited = s->eof = s->connected = 0;
	s->got = 0;
	s->reason[0] = '\0';
	memset(s->end_dropped, 0, sizeof(s->end_dropped));
	s->end_dropped_bytes = 0;
	w->data = s;
	b = uv_buf_init((char *)&s->req, sizeof(s->req));
	if (uv_write(w, (uv_stream_t *)&s->in, &b, 1, on_req_written) != 0) {
		free(w);
		close_handle(l, (uv_handle_t *)&s->in);
	}
	if (uv_read_start((uv_stream_t *)&s->out, on_alloc, on_read) != 0) {
		(void)uv_process_kill(&s->proc, SIGKILL);
		close_out(s);
	}
	return 0;
}

static void
spawn_child(struct source *s)
{
	int rc;

	new_session(s);
	s->state = ST_STARTING;
	if ((rc = make_request(s)) == 0 && (rc = spawn(s)) == 0)
		return;
	log_warnx_r(rc, "live %s: cannot start the live child", s->cfg->name);
	retry_later(s);
}

static int
open_spool(struct live *l, struct source *s)
{
	const char *state = l->st->cfg->state_dir;
	size_t len = strlen(state) + strlen(s->cfg->name) + 8;
	int rc;

	if ((s->spool = malloc(len)) == NULL)
		return CUSTOS_ERR_NOMEM;
	snprintf(s->spool, len, "%s/live/%s", state, s->cfg->name);
	if ((rc = util_mkdirs(s->spool, 0700)) != 0)
		return rc;
	if ((s->spoolfd = open(s->spool, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return CUSTOS_ERR_SYSTEM;
	return 0;
}

int
live_start(uv_loop_t *loop, struct station *st, struct sealer *sealer,
    const char *self, struct live **out)
{
	const struct config *cfg = st->cfg;
	struct live *l;
	struct source *s;
	size_t i;
	int rc;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return CUSTOS_ERR_NOMEM;
	l->loop = loop;
	l->st = st;
	l->sealer = sealer;
	l->idle = check_stopped;
	if ((l->self = strdup(self)) == NULL ||
	    (cfg->nlive > 0 && (l->src = calloc(cfg->nlive,
	    sizeof(*l->src))) == NULL)) {
		free(l->self);
		free(l);
		return CUSTOS_ERR_NOMEM;
	}
	l->nsrc = cfg->nlive;
	for (i = 0; i < l->nsrc; i++) {
		s = &l->src[i];
		s->l = l;
		s->cfg = &cfg->live[i];
		s->spoolfd = -1;
		s->backoff_ms = BACKOFF_MIN_MS;
		uv_timer_init(loop, &s->timer);
		s->timer.data = s;
	}
	for (i = 0; i < l->nsrc; i++) {
		s = &l->src[i];
		if ((rc = open_spool(l, s)) != 0 ||
		    (rc = live_recover(s)) != 0) {
			log_warnx_r(rc, "live %s: spool %s", s->cfg->name,
			    s->spool != NULL ? s->spool : "?");
			/* The caller treats this as fatal at startup. */
			*out = NULL;
			return rc;
		}
	}
	for (i = 0; i < l->nsrc; i++) {
		s = &l->src[i];
		live_pump(s);
		spawn_child(s);
	}
	*out = l;
	return 0;
}

/*
 * Status.
 */

json_t *
live_status(struct live *l)
{
	json_t *a, *o;
	struct source *s;
	char t[32];
	size_t i;

	if (l == NULL || l->nsrc == 0 || (a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < l->nsrc; i++) {
		s = &l->src[i];
		o = json_pack("{s:s, s:s, s:s, s:s?, s:I, s:n, s:I}",
		    "name", s->cfg->name, "camera", s->cfg->camera,
		    "state", state_names[s->state],
		    "session", s->connected ? s->session :
		    s->had_session ? s->gap_session : NULL,
		    "segments", (json_int_t)s->segments,
		    "last_segment_at",
		    "gaps", (json_int_t)s->gaps);
		if (o == NULL) {
			json_decref(a);
			return NULL;
		}
		if (s->segments > 0) {
			entry_time(&s->last_segment_at, t, sizeof(t));
			json_object_set_new(o, "last_segment_at",
			    json_string(t));
		}
		json_array_append_new(a, o);
	}
	return a;
}

/*
 * Stop.
 */

static void
on_grace(uv_timer_t *t)
{
	struct source *s = t->data;

	log_warnx("live %s: the live child did not stop within %d ms; "
	    "killed", s->cfg->name, STOP_GRACE_MS);
	(void)uv_process_kill(&s->proc, SIGKILL);
}

/*
 * Once every child is gone and every queue is drained: the open gaps,
 * then the handles, then the callback.
 */
static void
check_stopped(struct live *l)
{
	struct source *s;
	size_t i;
	void (*cb)(void *);
	void *arg;

	if (!l->stopping)
		return;
	for (i = 0; i < l->nsrc; i++) {
		s = &l->src[i];
		if (s->running || s->sealing || s->head != NULL)
			return;
	}
	for (i = 0; i < l->nsrc; i++) {
		s = &l->src[i];
		if (s->done)
			continue;
		s->done = 1;
		if (s->had_session) {
			if (!s->gap_open) {
				s->gap_from = s->seg_start;
				memcpy(s->gap_session, s->session,
				    sizeof(s->gap_session));
			}
			live_close_gap(s);
		}
		if (s->spoolfd != -1)
			close(s->spoolfd);
		s->spoolfd = -1;
		close_handle(l, (uv_handle_t *)&s->timer);
	}
	if (l->handles > 0)
		return;
	cb = l->stop_cb;
	arg = l->stop_arg;
	l->stop_cb = NULL;
	if (cb == NULL)
		return;
	for (i = 0; i < l->nsrc; i++)
		free(l->src[i].spool);
	free(l->src);
	free(l->self);
	free(l);
	cb(arg);
}

void
live_stop(struct live *l, void (*cb)(void *), void *arg)
{
	struct source *s;
	size_t i;

	if (l == NULL) {
		cb(arg);
		return;
	}
	l->stopping = 1;
	l->stop_cb = cb;
	l->stop_arg = arg;
	for (i = 0; i < l->nsrc; i++) {
		s = &l->src[i];
		uv_timer_stop(&s->timer);
		if (!s->running)
			continue;
		(void)uv_process_kill(&s->proc, SIGTERM);
		s->timer.data = s;
		uv_timer_start(&s->timer, on_grace, STOP_GRACE_MS, 0);
	}
	check_stopped(l);
}
