/*
 * live: the parent's side of live streams (live.h, docs/live.md).
 *
 * Per source, one child at a time.  A child run is a session: its ID is
 * the station's UTC time at the start and 32 random bits.  The parent
 * reads the child's fixed-size messages, and for each closed segment
 * queues a seal; the queue is sealed one file at a time, so a source's
 * segments enter the log in order and its camera_prev chain follows the
 * stream.  A live.gap entry goes through the same queue, so it lies
 * between the last segment before a drop and the first one after.
 *
 * When a child ends, its session's files it did not report (the one it
 * was writing when it was killed) are queued too: nothing written to the
 * spool is lost.  The same sweep at start seals what a crash left.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "custos/config.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "custos/sandbox.h"
#include "custos/util.h"
#include "daemon/entry.h"
#include "live.h"
#include "daemon/journal.h"
#include "daemon/seal/seal.h"
#include "daemon/station.h"

#define BACKOFF_MIN_MS	1000
#define BACKOFF_MAX_MS	30000
/* How long a stopping child may take to close its segment. */
#define STOP_GRACE_MS	10000


enum state {
	ST_STARTING = 0,
	ST_LISTENING,
	ST_RECEIVING,
	ST_RECONNECTING,
	ST_STOPPED,
};

static const char *const state_names[] = {
	[ST_STARTING] = "starting",
	[ST_LISTENING] = "listening",
	[ST_RECEIVING] = "receiving",
	[ST_RECONNECTING] = "reconnecting",
	[ST_STOPPED] = "stopped",
};

enum item_kind {
	IT_SEGMENT,
	IT_GAP,
};

/* A queued seal or gap entry. */
struct item {
	struct item	*next;
	enum item_kind	 kind;
	char		 session[LIVE_SESSION_LEN];
	uint32_t	 seq;
	int		 how;		/* ITEM_* below */
	struct timespec	 start, end;	/* realtime; SEGMENT with times */
	uint64_t	 packets;
	uint64_t	 dropped[LIVE_DROP_NREASONS];	/* reported SEGMENT */
	uint64_t	 dropped_bytes;
	json_t		*gap;		/* GAP: the payload */
};

#define ITEM_REPORTED	0	/* the child reported it closed */
#define ITEM_UNREPORTED	1	/* found after its child ended */
#define ITEM_RECOVERED	2	/* found at start: a previous run's */

struct source {
	struct live		*l;
	const struct config_live *cfg;
	char			*spool;		/* path, for messages */
	int			 spoolfd;
	enum state		 state;
	/* The child of the current run. */
	uv_process_t		 proc;
	uv_pipe_t		 in, out;
	uv_timer_t		 timer;		/* backoff, stop grace */
	int			 running;	/* proc not yet closed */
	int			 exited, eof, connected;
	struct live_req		 req;
	union {
		struct live_msg	 m;
		unsigned char	 b[sizeof(struct live_msg)];
	}			 msg;
	size_t			 got;
	char			 reason[160];	/* why the child ended */
	/* The session. */
	char			 session[LIVE_SESSION_LEN];
	uint32_t		 next_seq;
	struct timespec		 seg_start;	/* realtime */
	unsigned		 backoff_ms;
	/* What the child's END said was dropped with no segment to count
	 * it in. */
	uint64_t		 end_dropped[LIVE_DROP_NREASONS];
	uint64_t		 end_dropped_bytes;
	/* A drop not yet closed by a resumed stream. */
	int			 gap_open;
	char			 gap_session[LIVE_SESSION_LEN];
	struct timespec		 gap_from;
	uint64_t		 gap_dropped[LIVE_DROP_NREASONS];
	uint64_t		 gap_dropped_bytes;
	int			 had_session;	/* this run of custosd */
	/* Counters for status. */
	uint64_t		 segments, gaps;
	struct timespec		 last_segment_at;
	/* The seal queue. */
	struct item		*head, *tail;
	int			 sealing;
	int			 done;		/* stopped and drained */
};

struct live {
	uv_loop_t	*loop;
	struct station	*st;
	struct sealer	*sealer;
	char		*self;
	struct source	*src;
	size_t		 nsrc;
	int		 handles;
	int		 stopping;
	void		(*stop_cb)(void *);
	void		*stop_arg;
};

static void	spawn_child(struct source *);
static void	pump(struct source *);
static void	check_stopped(struct live *);

/*
 * Messages.
 */

/*
 * Parses a spool name of ours, "<session>.<seq>.ts" with session of
 * [0-9A-Za-z-]; anything else is not ours.
 */
static int
parse_spool_name(const char *name, char *session, uint32_t *seq)
{
	const char *dot = strchr(name, '.'), *p;
	unsigned long v;
	char *endp;

	if (dot == NULL || dot == name || dot - name >= LIVE_SESSION_LEN)
		return CUSTOS_ERR_FORMAT;
	for (p = name; p < dot; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')
			return CUSTOS_ERR_FORMAT;
	if (!isdigit((unsigned char)dot[1]))
		return CUSTOS_ERR_FORMAT;
	errno = 0;
	v = strtoul(dot + 1, &endp, 10);
	if (errno != 0 || v > UINT32_MAX || strcmp(endp, ".ts") != 0)
		return CUSTOS_ERR_FORMAT;
	memcpy(session, name, (size_t)(dot - name));
	session[dot - name] = '\0';
	*seq = (uint32_t)v;
	return 0;
}

/*
 * The queue.
 */

static struct item *
item_new(enum item_kind kind)
{
	struct item *it;

	if ((it = calloc(1, sizeof(*it))) == NULL)
		return NULL;
	it->kind = kind;
	return it;
}

static void
item_free(struct item *it)
{
	if (it == NULL)
		return;
	json_decref(it->gap);
	free(it);
}

static void
enqueue(struct source *s, struct item *it)
{
	if (s->tail != NULL)
		s->tail->next = it;
	else
		s->head = it;
	s->tail = it;
}

static struct item *
dequeue(struct source *s)
{
	struct item *it = s->head;

	if (it != NULL && (s->head = it->next) == NULL)
		s->tail = NULL;
	return it;
}

static void
rfc3339(const struct timespec *t, char *buf, size_t len)
{
	entry_time(t, buf, len);
}

static uint64_t
drop_total(const uint64_t *n)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < LIVE_DROP_NREASONS; i++)
		sum += n[i];
	return sum;
}

/*
 * The "dropped_packets" object: packets the child left out of the file,
 * their bytes and why (docs/segment.md).  live_msg_check() has bounded
 * every sum by INT64_MAX.
 */
static json_t *
dropped_json(const uint64_t *n, uint64_t bytes)
{
	return json_pack("{s:I, s:I, s:{s:I, s:I, s:I}}",
	    "count", (json_int_t)drop_total(n), "bytes", (json_int_t)bytes,
	    "reasons",
	    "corrupt", (json_int_t)n[LIVE_DROP_CORRUPT],
	    "truncated", (json_int_t)n[LIVE_DROP_TRUNCATED],
	    "before_keyframe", (json_int_t)n[LIVE_DROP_BEFORE_KEYFRAME]);
}

static json_t *
segment_extra(struct source *s, const struct item *it)
{
	char a[32], b[32];
	json_t *live;

	if ((live = json_pack("{s:s, s:s, s:I}", "source", s->cfg->name,
	    "session", it->session, "seq", (json_int_t)it->seq)) == NULL)
		return NULL;
	if (it->how != ITEM_RECOVERED) {
		rfc3339(&it->start, a, sizeof(a));
		rfc3339(&it->end, b, sizeof(b));
		if (json_object_set_new(live, "start", json_string(a)) != 0 ||
		    json_object_set_new(live, "end", json_string(b)) != 0)
			goto fail;
	}
	if (it->how == ITEM_REPORTED) {
		if (json_object_set_new(live, "packets",
		    json_integer((json_int_t)it->packets)) != 0 ||
		    json_object_set_new(live, "dropped_packets",
		    dropped_json(it->dropped, it->dropped_bytes)) != 0)
			goto fail;
	} else if (json_object_set_new(live, "closed_by", json_string(
	    it->how == ITEM_UNREPORTED ? "child_exit" : "recovery")) != 0)
		goto fail;
	return json_pack("{s:o}", "live", live);
fail:
	json_decref(live);
	return NULL;
}

struct sealing {
	struct source	*s;
	struct item	*it;
	int		 fd;
	char		 name[96];
};

static void
sealed(void *arg, const struct seal_result *res)
{
	struct sealing *sg = arg;
	struct source *s = sg->s;
	char obj[DIGEST_STRLEN];

	close(sg->fd);
	if (res->outcome == SEAL_FAILED) {
		/* Kept in the spool; the next start seals it. */
		log_warnx("live %s: cannot seal %s/%s: %s; kept in the spool",
		    s->cfg->name, s->spool, sg->name, res->reason != NULL ?
		    res->reason : custos_strerror(res->rc));
	} else {
		digest_format(s->l->st->cfg->digest_alg, res->object, obj,
		    sizeof(obj));
		log_info("live segment %s camera=%s source=%s session=%s "
		    "seq=%u object=%s size=%llu index=%llu",
		    res->outcome == SEAL_NEW ? "sealed" : "already sealed",
		    s->cfg->camera, s->cfg->name, sg->it->session,
		    sg->it->seq, obj, (unsigned long long)res->size,
		    (unsigned long long)res->index);
		if (unlinkat(s->spoolfd, sg->name, 0) == -1)
			log_warn("live %s: cannot remove %s/%s", s->cfg->name,
			    s->spool, sg->name);
	}
	item_free(sg->it);
	free(sg);
	s->sealing = 0;
	pump(s);
}

/* Starts sealing it; returns 0 when the seal callback will follow. */
static int
seal_item(struct source *s, struct item *it)
{
	struct seal_req req;
	struct sealing *sg;
	struct stat sb;
	char path[160];
	int rc;

	if ((sg = calloc(1, sizeof(*sg))) == NULL)
		return CUSTOS_ERR_NOMEM;
	sg->s = s;
	sg->it = it;
	if ((rc = live_spool_name(it->session, it->seq, sg->name,
	    sizeof(sg->name))) != 0)
		goto fail;
	if ((sg->fd = openat(s->spoolfd, sg->name, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		rc = CUSTOS_ERR_SYSTEM;
		goto fail;
	}
	/* A file the child made but wrote nothing into records nothing. */
	if (fstat(sg->fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_size == 0) {
		close(sg->fd);
		(void)unlinkat(s->spoolfd, sg->name, 0);
		free(sg);
		item_free(it);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/%s/%u.ts", s->cfg->name,
	    it->session, it->seq);
	memset(&req, 0, sizeof(req));
	req.fd = sg->fd;
	req.camera = s->cfg->camera;
	req.source = "live";
	req.path = path;
	if ((req.extra = segment_extra(s, it)) == NULL) {
		close(sg->fd);
		rc = CUSTOS_ERR_NOMEM;
		goto fail;
	}
	rc = seal_start(s->l->sealer, &req, sealed, sg);
	json_decref(req.extra);
	if (rc != 0) {
		close(sg->fd);
		goto fail;
	}
	return 0;
fail:
	log_warnx_r(rc, "live %s: cannot seal %s/%s; kept in the spool",
	    s->cfg->name, s->spool, sg->name);
	free(sg);
	item_free(it);
	return 1;
}

static void
append_gap(struct source *s, struct item *it)
{
	uint64_t index;
	int rc;

	if ((rc = station_append(s->l->st, "live.gap", it->gap, &index,
	    NULL)) != 0)
		log_warnx_r(rc, "live %s: cannot append live.gap camera=%s",
		    s->cfg->name, s->cfg->camera);
	else
		log_info("live gap camera=%s source=%s index=%llu",
		    s->cfg->camera, s->cfg->name, (unsigned long long)index);
	item_free(it);
}

/* Works the queue one item at a time. */
static void
pump(struct source *s)
{
	struct item *it;

	while (!s->sealing && (it = dequeue(s)) != NULL) {
		if (it->kind == IT_GAP)
			append_gap(s, it);
		else if (seal_item(s, it) == 0)
			s->sealing = 1;
	}
	if (!s->sealing && s->l->stopping)
		check_stopped(s->l);
}

/*
 * Gaps.
 */

static void
queue_gap(struct source *s, const struct timespec *to, const char *next)
{
	struct item *it;
	char from[32], tos[32];
	int64_t ms;

	if ((it = item_new(IT_GAP)) == NULL) {
		log_warnx("live %s: out of memory for a live.gap entry",
		    s->cfg->name);
		return;
	}
	rfc3339(&s->gap_from, from, sizeof(from));
	if (to != NULL) {
		rfc3339(to, tos, sizeof(tos));
		ms = (int64_t)(to->tv_sec - s->gap_from.tv_sec) * 1000 +
		    (to->tv_nsec - s->gap_from.tv_nsec) / 1000000;
		it->gap = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s}",
		    "camera", s->cfg->camera, "source", s->cfg->name,
		    "session", s->gap_session, "from", from, "to", tos,
		    "duration_ms", (json_int_t)(ms < 0 ? 0 : ms),
		    "next_session", next);
	} else
		it->gap = json_pack("{s:s, s:s, s:s, s:s, s:n, s:s}",
		    "camera", s->cfg->camera, "source", s->cfg->name,
		    "session", s->gap_session, "from", from, "to",
		    "reason", "station stopped");
	/* A session that wrote no segment says here what it dropped. */
	if (it->gap != NULL && drop_total(s->gap_dropped) > 0 &&
	    json_object_set_new(it->gap, "dropped_packets",
	    dropped_json(s->gap_dropped, s->gap_dropped_bytes)) != 0) {
		json_decref(it->gap);
		it->gap = NULL;
	}
	if (it->gap == NULL) {
		item_free(it);
		log_warnx("live %s: out of memory for a live.gap entry",
		    s->cfg->name);
		return;
	}
	s->gaps++;
	s->gap_open = 0;
	memset(s->gap_dropped, 0, sizeof(s->gap_dropped));
	s->gap_dropped_bytes = 0;
	enqueue(s, it);
}

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

/* Queues the session's files its child wrote but did not report. */
static void
sweep_session(struct source *s)
{
	struct timespec now;
	struct item *it;
	char name[96];
	uint32_t seq;

	clock_gettime(CLOCK_REALTIME, &now);
	for (seq = s->next_seq;; seq++) {
		if (live_spool_name(s->session, seq, name, sizeof(name)) != 0 ||
		    faccessat(s->spoolfd, name, F_OK, AT_SYMLINK_NOFOLLOW) != 0)
			break;
		if ((it = item_new(IT_SEGMENT)) == NULL)
			break;
		memcpy(it->session, s->session, sizeof(it->session));
		it->seq = seq;
		it->how = ITEM_UNREPORTED;
		it->start = s->seg_start;
		it->end = now;
		enqueue(s, it);
		s->segments++;
		s->last_segment_at = now;
		s->seg_start = now;
	}
	s->next_seq = seq;
}

static void
on_backoff(uv_timer_t *t)
{
	struct source *s = t->data;

	if (!s->l->stopping)
		spawn_child(s);
}

/* The child has exited and its pipe is done. */
static void
child_done(struct source *s)
{
	struct live *l = s->l;
	unsigned delay;

	if (!s->exited || !s->eof || !s->running)
		return;
	s->running = 0;
	uv_timer_stop(&s->timer);
	close_handle(l, (uv_handle_t *)&s->proc);
	sweep_session(s);
	if (s->connected) {
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
		pump(s);
		check_stopped(l);
		return;
	}
	s->state = ST_RECONNECTING;
	delay = s->backoff_ms;
	s->backoff_ms = s->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS :
	    s->backoff_ms * 2;
	s->timer.data = s;
	uv_timer_start(&s->timer, on_backoff, delay, 0);
	pump(s);
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
		s->connected = 1;
		s->had_session = 1;
		s->seg_start = now;
		s->backoff_ms = BACKOFF_MIN_MS;
		log_info("live %s: stream connected camera=%s session=%s",
		    s->cfg->name, s->cfg->camera, s->session);
		if (s->gap_open)
			queue_gap(s, &now, s->session);
		break;
	case LIVE_MSG_SEGMENT:
		if ((it = item_new(IT_SEGMENT)) == NULL) {
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
		enqueue(s, it);
		s->next_seq = m->seq + 1;
		s->seg_start = now;
		s->segments++;
		s->last_segment_at = now;
		log_debug("%s: %s seq=%u packets=%llu bytes=%llu dropped=%llu",
		    __func__, s->cfg->name, m->seq,
		    (unsigned long long)m->packets,
		    (unsigned long long)m->bytes,
		    (unsigned long long)drop_total(m->dropped));
		pump(s);
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
uv_err(int r)
{
	if (r == UV_ENOMEM)
		return CUSTOS_ERR_NOMEM;
	errno = -r;
	return CUSTOS_ERR_SYSTEM;
}

static int
spawn(struct source *s)
{
	struct live *l = s->l;
	uv_process_options_t opt;
	uv_stdio_container_t stdio[4];
	uv_write_t *w;
	uv_buf_t b;
	char *argv[3], journal[512], parent[64], *env[3];
	const char *js;
	int r, n = 0;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return CUSTOS_ERR_NOMEM;
	uv_pipe_init(l->loop, &s->in, 0);
	uv_pipe_init(l->loop, &s->out, 0);
	s->in.data = s->out.data = s->proc.data = s;
	/* The journal's stream and our pid, so the child dies with us
	 * (sandbox.h); nothing else of the daemon's environment. */
	env[0] = env[1] = env[2] = NULL;
	if ((js = getenv("JOURNAL_STREAM")) != NULL &&
	    (size_t)snprintf(journal, sizeof(journal), "JOURNAL_STREAM=%s",
	    js) < sizeof(journal))
		env[n++] = journal;
	if (sandbox_parent_env(parent, sizeof(parent)) == 0)
		env[n++] = parent;
	argv[0] = l->self;
	argv[1] = "-L";
	argv[2] = NULL;
	memset(stdio, 0, sizeof(stdio));
	stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE;
	stdio[0].data.stream = (uv_stream_t *)&s->in;
	stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[1].data.stream = (uv_stream_t *)&s->out;
	stdio[2].flags = UV_INHERIT_FD;
	stdio[2].data.fd = STDERR_FILENO;
	stdio[3].flags = UV_INHERIT_FD;
	stdio[3].data.fd = s->spoolfd;
	memset(&opt, 0, sizeof(opt));
	opt.exit_cb = on_exit_cb;
	opt.file = l->self;
	opt.args = argv;
	opt.env = env;
	opt.stdio = stdio;
	opt.stdio_count = 4;
	if ((r = uv_spawn(l->loop, &s->proc, &opt)) != 0) {
		free(w);
		close_handle(l, (uv_handle_t *)&s->proc);
		close_handle(l, (uv_handle_t *)&s->in);
		close_handle(l, (uv_handle_t *)&s->out);
		return uv_err(r);
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
	unsigned delay;
	int rc;

	new_session(s);
	s->state = ST_STARTING;
	if ((rc = make_request(s)) == 0 && (rc = spawn(s)) == 0)
		return;
	log_warnx_r(rc, "live %s: cannot start the live child", s->cfg->name);
	s->state = ST_RECONNECTING;
	delay = s->backoff_ms;
	s->backoff_ms = s->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS :
	    s->backoff_ms * 2;
	s->timer.data = s;
	uv_timer_start(&s->timer, on_backoff, delay, 0);
}

/*
 * Start: the spools, and what a previous run left in them.
 */

static int
cmp_items(const void *a, const void *b)
{
	const struct item *x = *(struct item *const *)a;
	const struct item *y = *(struct item *const *)b;
	int c = strcmp(x->session, y->session);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
recover(struct source *s)
{
	struct item **v = NULL, **nv, *it;
	struct dirent *de;
	DIR *dir;
	size_t n = 0, cap = 0, i;
	int fd, rc = 0;

	if ((fd = dup(s->spoolfd)) == -1)
		return CUSTOS_ERR_SYSTEM;
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return CUSTOS_ERR_SYSTEM;
	}
	rewinddir(dir);
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((it = item_new(IT_SEGMENT)) == NULL) {
			rc = CUSTOS_ERR_NOMEM;
			break;
		}
		if (parse_spool_name(de->d_name, it->session, &it->seq) != 0) {
			log_warnx("live %s: %s/%s is not a segment of ours; "
			    "left alone", s->cfg->name, s->spool, de->d_name);
			item_free(it);
			continue;
		}
		it->how = ITEM_RECOVERED;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				item_free(it);
				rc = CUSTOS_ERR_NOMEM;
				break;
			}
			v = nv;
		}
		v[n++] = it;
	}
	closedir(dir);
	if (n > 0)
		qsort(v, n, sizeof(*v), cmp_items);
	for (i = 0; i < n; i++) {
		if (rc == 0)
			enqueue(s, v[i]);
		else
			item_free(v[i]);
	}
	if (rc == 0 && n > 0)
		log_info("live %s: sealing %zu segment%s a previous run left "
		    "in %s", s->cfg->name, n, n == 1 ? "" : "s", s->spool);
	free(v);
	return rc;
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
		if ((rc = open_spool(l, s)) != 0 || (rc = recover(s)) != 0) {
			log_warnx_r(rc, "live %s: spool %s", s->cfg->name,
			    s->spool != NULL ? s->spool : "?");
			/* The caller treats this as fatal at startup. */
			*out = NULL;
			return rc;
		}
	}
	for (i = 0; i < l->nsrc; i++) {
		s = &l->src[i];
		pump(s);
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
			rfc3339(&s->last_segment_at, t, sizeof(t));
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
			queue_gap(s, NULL, NULL);
			s->sealing = 1;		/* no pump from here */
			append_gap(s, dequeue(s));
			s->sealing = 0;
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
