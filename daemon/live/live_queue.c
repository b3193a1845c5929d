/*
 * live_queue: each live source's queue (live_src.h, docs/live.md).  The
 * segments a child closed are sealed one file at a time, so a source's
 * segments enter the log in order and its camera_prev chain follows the
 * stream; a live.gap entry goes through the same queue, so it lies
 * between the last segment before a drop and the first one after.  A
 * sealed file leaves the spool; one that cannot be sealed stays for the
 * next start.  The files a child wrote but did not report, and those a
 * previous run left, are queued too: nothing written to the spool is
 * lost.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "custos/config.h"
#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "daemon/entry.h"
#include "daemon/journal.h"
#include "daemon/metrics.h"
#include "daemon/seal/seal.h"
#include "daemon/station.h"
#include "live.h"
#include "live_src.h"

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

struct item *
live_item_new(enum item_kind kind)
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

void
live_enqueue(struct source *s, struct item *it)
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

uint64_t
live_drop_total(const uint64_t *n)
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
	    "count", (json_int_t)live_drop_total(n), "bytes", (json_int_t)bytes,
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
		entry_time(&it->start, a, sizeof(a));
		entry_time(&it->end, b, sizeof(b));
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
	live_pump(s);
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

	if ((rc = station_append(s->l->st, ENTRY_LIVE_GAP, it->gap, &index,
	    NULL)) != 0)
		log_warnx_r(rc, "live %s: cannot append live.gap camera=%s",
		    s->cfg->name, s->cfg->camera);
	else
		log_info("live gap camera=%s source=%s index=%llu",
		    s->cfg->camera, s->cfg->name, (unsigned long long)index);
	item_free(it);
}

/* Works the queue one item at a time. */
void
live_pump(struct source *s)
{
	struct item *it;

	while (!s->sealing && (it = dequeue(s)) != NULL) {
		if (it->kind == IT_GAP)
			append_gap(s, it);
		else if (seal_item(s, it) == 0)
			s->sealing = 1;
	}
	if (!s->sealing && s->l->stopping)
		s->l->idle(s->l);
}
/*
 * Gaps.
 */

void
live_queue_gap(struct source *s, const struct timespec *to, const char *next)
{
	struct item *it;
	char from[32], tos[32];
	int64_t ms;

	if ((it = live_item_new(IT_GAP)) == NULL) {
		log_warnx("live %s: out of memory for a live.gap entry",
		    s->cfg->name);
		return;
	}
	entry_time(&s->gap_from, from, sizeof(from));
	if (to != NULL) {
		entry_time(to, tos, sizeof(tos));
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
	if (it->gap != NULL && live_drop_total(s->gap_dropped) > 0 &&
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
	live_enqueue(s, it);
}
/* Queues the session's files its child wrote but did not report. */
void
live_sweep_session(struct source *s)
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
		if ((it = live_item_new(IT_SEGMENT)) == NULL)
			break;
		memcpy(it->session, s->session, sizeof(it->session));
		it->seq = seq;
		it->how = ITEM_UNREPORTED;
		it->start = s->seg_start;
		it->end = now;
		live_enqueue(s, it);
		s->segments++;
		s->last_segment_at = now;
		s->seg_start = now;
	}
	s->next_seq = seq;
}
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

int
live_recover(struct source *s)
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
		if ((it = live_item_new(IT_SEGMENT)) == NULL) {
			rc = CUSTOS_ERR_NOMEM;
			break;
		}
		if (parse_spool_name(de->d_name, it->session, &it->seq) != 0) {
			log_warnx("live %s: %s/%s is not a segment of ours; "
			    "left alone", s->cfg->name, s->spool, de->d_name);
			metrics_refused(&s->l->st->metrics,
			    METRICS_REF_NOT_SEGMENT);
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
			live_enqueue(s, v[i]);
		else
			item_free(v[i]);
	}
	if (rc == 0 && n > 0)
		log_info("live %s: sealing %zu segment%s a previous run left "
		    "in %s", s->cfg->name, n, n == 1 ? "" : "s", s->spool);
	free(v);
	return rc;
}

void
live_close_gap(struct source *s)
{
	struct item *it;

	live_queue_gap(s, NULL, NULL);
	if ((it = dequeue(s)) != NULL)
		append_gap(s, it);
}
