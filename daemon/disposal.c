/*
 * disposal: the one place where an object is disposed of (disposal.h):
 * the object.deleted entry, then the bytes; the schedule's daily run; and
 * the finishing of disposals a crash interrupted.  The finishing is one
 * pass over the log; only the entries that can name a disposed object
 * are parsed (object.deleted, and the sealing entries once a disposal
 * has been seen), so a log with no disposal costs a scan of its bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <uv.h>

#include "custos/config.h"
#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/replica.h"
#include "custos/retention.h"
#include "custos/store.h"
#include "daemon/journal.h"
#include "disposal.h"
#include "station.h"

static int
has(const uint8_t *data, size_t len, const char *s)
{
	return memmem(data, len, s, strlen(s)) != NULL;
}

/* Records entry data (len bytes) in left: object -> 1 while disposed. */
static int
note(json_t *left, const uint8_t *data, size_t len)
{
	const char *type, *obj;
	json_t *e;

	if (!has(data, len, ENTRY_OBJECT_DELETED) &&
	    (json_object_size(left) == 0 || !has(data, len, ".sealed")))
		return 0;
	if ((e = json_loadb((const char *)data, len, 0, NULL)) == NULL)
		return CUSTOS_ERR_CORRUPT;
	type = json_string_value(json_object_get(e, "type"));
	obj = json_string_value(json_object_get(e, "object"));
	if (type != NULL && obj != NULL) {
		if (strcmp(type, ENTRY_OBJECT_DELETED) == 0)
			json_object_set_new(left, obj, json_true());
		else if (strcmp(type, ENTRY_SEGMENT_SEALED) == 0 ||
		    strcmp(type, ENTRY_DOCUMENT_SEALED) == 0)
			json_object_del(left, obj);
	}
	json_decref(e);
	return 0;
}

int
disposal_finish(struct station *st, uint64_t *removed)
{
	uint8_t hash[DIGEST_LEN], *data;
	uint64_t i, n = 0, size = log_size(st->log);
	enum digest_alg alg;
	const char *obj;
	json_t *left, *v;
	size_t len;
	int rc = 0, r;

	if (removed != NULL)
		*removed = 0;
	if ((left = json_object()) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (i = 0; i < size && rc == 0; i++) {
		if ((rc = log_entry(st->log, i, &data, &len)) != 0)
			break;
		rc = note(left, data, len);
		free(data);
	}
	if (rc != 0) {
		log_warnx_r(rc, "disposal: cannot read log entry %" PRIu64, i);
		json_decref(left);
		return rc;
	}
	json_object_foreach(left, obj, v) {
		if (digest_parse(obj, &alg, hash) != 0)
			continue;
		(void)station_drop_remux(st, hash);
		if ((r = store_remove(st->store, hash)) == 0) {
			log_info("disposal: removed the bytes of %s, whose "
			    "object.deleted was already in the log", obj);
			n++;
		} else if (r != CUSTOS_ERR_NOTFOUND) {
			log_warnx_r(r, "disposal: cannot remove %s", obj);
			rc = r;
		}
	}
	json_decref(left);
	if (removed != NULL)
		*removed = n;
	return rc;
}

int
disposal_confirmed(struct station *st, const char *object, const char **why)
{
	enum replica_state s;

	if (!st->replica_required)
		return 1;
	if (replica_queue_state(st->replica, object, &s) != 0) {
		*why = "its replication state cannot be read";
		return 0;
	}
	if (s == REPLICA_CONFIRMED)
		return 1;
	*why = "not yet confirmed off-station";
	return 0;
}

void
disposal_rule(const struct config *cfg, enum retention_class c, char *buf,
    size_t len)
{
	char per[32];

	snprintf(buf, len, "%s = %s", retention_class_name(c),
	    retention_period_text(cfg, c, per, sizeof(per)));
}

int
disposal_one(struct station *st, const struct retention_item *it,
    const char *at, json_t *extra, uint64_t *index, int *removed)
{
	uint8_t hash[DIGEST_LEN];
	enum digest_alg alg;
	char rule[64];
	json_t *p;
	int rc;

	*removed = 0;
	if (digest_parse(it->object, &alg, hash) != 0)
		return CUSTOS_ERR_CORRUPT;
	disposal_rule(st->cfg, it->cls, rule, sizeof(rule));
	if ((p = json_pack("{s:s, s:I, s:s, s:s, s:s}", "object", it->object,
	    "size", (json_int_t)it->size, "class",
	    retention_class_name(it->cls), "rule", rule, "at", at)) == NULL)
		return CUSTOS_ERR_NOMEM;
	if (json_object_update(p, extra) != 0) {
		json_decref(p);
		return CUSTOS_ERR_NOMEM;
	}
	rc = station_append(st, ENTRY_OBJECT_DELETED, p, index, NULL);
	json_decref(p);
	if (rc != 0)
		return rc;
	/* The entry is durable: only now may the bytes go. */
	rc = store_remove(st->store, hash);
	*removed = rc == 0 || rc == CUSTOS_ERR_NOTFOUND;
	/* The console's remux is a copy of the footage: it goes too. */
	(void)station_drop_remux(st, hash);
	if (!*removed)
		log_warnx_r(rc, "disposal: %s: entry %" PRIu64 " is in the "
		    "log, the bytes stay until the next start or disposal",
		    it->object, *index);
	else
		log_info("disposal: %s (%s) disposed of by entry %" PRIu64
		    ", approver %s", it->object, rule, *index,
		    json_string_value(json_object_get(extra, "approver")));
	return 0;
}

/*
 * The schedule's run: every object the plan lists as DISPOSABLE today
 * (Beijing) is disposed of with approver "schedule".  Returns 0 or the
 * first error (logged here).
 */
static int
run(struct station *st)
{
	const struct retention_item *items;
	struct retention *r = NULL;
	char at[11], when[32], cfgd[DIGEST_STRLEN];
	uint64_t bad, index, n = 0, kept = 0, waiting = 0;
	const char *why;
	json_t *extra = NULL;
	int64_t day;
	size_t i, count;
	int rc, removed;

	day = retention_day_of((int64_t)time(NULL) * 1000);
	retention_day_format(day, at);
	snprintf(when, sizeof(when), "daily %02d:%02d",
	    st->cfg->retention_schedule_min / 60,
	    st->cfg->retention_schedule_min % 60);
	digest_format(st->cfg->digest_alg, st->cfg->digest, cfgd,
	    sizeof(cfgd));
	(void)disposal_finish(st, NULL);
	if ((rc = retention_view_load(st->retention, st->log, &r,
	    &bad)) != 0) {
		log_warnx_r(rc, "disposal by schedule: cannot read log entry "
		    "%" PRIu64 "; nothing disposed of", bad);
		return rc;
	}
	if ((rc = retention_plan(r, st->cfg, day, &items, &count)) != 0 ||
	    (extra = json_pack("{s:s, s:s, s:s}", "approver", "schedule",
	    "schedule", when, "config", cfgd)) == NULL) {
		rc = rc != 0 ? rc : CUSTOS_ERR_NOMEM;
		log_warnx_r(rc, "disposal by schedule: cannot compute the plan");
		goto out;
	}
	for (i = 0; i < count && rc == 0; i++) {
		if (items[i].state != RETENTION_DISPOSABLE)
			continue;
		if (!disposal_confirmed(st, items[i].object, &why)) {
			log_info("disposal by schedule: %s skipped: %s",
			    items[i].object, why);
			waiting++;
			continue;
		}
		if ((rc = disposal_one(st, &items[i], at, extra, &index,
		    &removed)) != 0)
			log_warnx_r(rc, "disposal by schedule: cannot append "
			    "object.deleted of %s", items[i].object);
		else if (removed)
			n++;
		else
			kept++;
	}
	log_info("disposal by schedule (%s, config %s) at %s: %" PRIu64
	    " object(s) disposed of, %" PRIu64 " with bytes left, %" PRIu64
	    " not yet confirmed off-station", when, cfgd, at, n, kept,
	    waiting);
out:
	json_decref(extra);
	retention_free(r);
	return rc;
}

#define DAY_MS		(24 * 60 * 60 * 1000LL)
#define BEIJING_MS	(8 * 60 * 60 * 1000LL)	/* UTC+8, no summer time */

struct disposal_schedule {
	uv_timer_t	 timer;
	struct station	*st;
	int64_t		 due;		/* wall clock ms of the next run */
};

static int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The first time of day min (Beijing) strictly after now. */
static int64_t
next_after(int64_t now, int min)
{
	int64_t local = now + BEIJING_MS, t;

	t = local - ((local % DAY_MS) + DAY_MS) % DAY_MS +
	    (int64_t)min * 60000;
	if (t <= local)
		t += DAY_MS;
	return t - BEIJING_MS;
}

static void	tick(uv_timer_t *t);

static void
arm(struct disposal_schedule *s, int64_t now)
{
	uv_timer_start(&s->timer, tick, (uint64_t)(s->due - now), 0);
}

/*
 * The timer fired: run when the wall clock has reached the due time
 * (uv timers count on the monotonic clock; a wall clock set back waits
 * again), then arm for the next day.
 */
static void
tick(uv_timer_t *t)
{
	struct disposal_schedule *s = t->data;
	int64_t now = wall_ms();

	if (now < s->due) {
		arm(s, now);
		return;
	}
	(void)run(s->st);
	now = wall_ms();
	s->due = next_after(s->due > now ? s->due : now,
	    s->st->cfg->retention_schedule_min);
	arm(s, now);
}

int
disposal_schedule_start(uv_loop_t *loop, struct station *st,
    struct disposal_schedule **out)
{
	struct disposal_schedule *s;
	int64_t now;

	*out = NULL;
	if (!st->cfg->retention_schedule)
		return 0;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return CUSTOS_ERR_NOMEM;
	s->st = st;
	uv_timer_init(loop, &s->timer);
	s->timer.data = s;
	now = wall_ms();
	s->due = next_after(now, st->cfg->retention_schedule_min);
	arm(s, now);
	log_info("disposal by schedule: daily %02d:%02d Beijing time, next "
	    "in %" PRId64 " s", st->cfg->retention_schedule_min / 60,
	    st->cfg->retention_schedule_min % 60, (s->due - now) / 1000);
	*out = s;
	return 0;
}

static void
closed(uv_handle_t *h)
{
	free(h->data);
}

void
disposal_schedule_stop(struct disposal_schedule *s)
{
	if (s == NULL)
		return;
	uv_timer_stop(&s->timer);
	uv_close((uv_handle_t *)&s->timer, closed);
}
