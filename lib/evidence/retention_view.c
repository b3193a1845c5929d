/*
 * retention_view: the retention events of the log's entries as rows
 * (include/custos/retention.h), so that "custos retention plan", the
 * holds and disposal read a table instead of parsing every entry's JSON
 * again.  The daemon syncs the view after each append, as it does the
 * catalog; a plan reads the rows the view has, then parses only the
 * entries past them.
 *
 * One row per entry that counts (retention_event_of()), keyed by the
 * entry's index:
 *
 *	kind		the event's kind, or -1 for an entry that lacks a
 *			member its type must have (the load reports it as
 *			the whole-log parse does, with its index)
 *	ms		the entry's time
 *	object, camera, inspection, enterprise, n
 *			the event's members, NULL where the kind has none
 *	entry		hold.placed only: the entry itself (holds are few,
 *			and their reason and reference are shown)
 *
 * The rows hold what the entries say, not what the retention state makes
 * of them (links, holds in force, classes): the rules stay in one place,
 * retention.c, and the view never needs rebuilding when they change.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "custos/err.h"
#include "custos/log.h"
#include "custos/retention.h"
#include "lib/base/db_int.h"
#include "lib/log/view_int.h"

#define KIND_BAD	(-1)

/* After the state table retention_state, which the view makes. */
static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS retention_events ("
	"    idx INTEGER PRIMARY KEY, kind INTEGER NOT NULL,"
	"    ms INTEGER NOT NULL, object TEXT, camera TEXT,"
	"    inspection TEXT, enterprise TEXT, n INTEGER NOT NULL,"
	"    entry TEXT)";

static const char has_events[] =
	"SELECT idx FROM retention_events LIMIT 0";

enum {
	ST_INSERT,
	ST_BEGIN,
	ST_SYNCED,
	ST_ROWS,
	ST_END,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_INSERT] = "INSERT OR REPLACE INTO retention_events (idx, kind, "
	    "ms, object, camera, inspection, enterprise, n, entry) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_BEGIN] = "BEGIN",
	[ST_SYNCED] = "SELECT value FROM retention_state WHERE key = "
	    "'synced_to'",
	[ST_ROWS] = "SELECT idx, kind, ms, object, camera, inspection, "
	    "enterprise, n, entry FROM retention_events WHERE idx < ?1 "
	    "ORDER BY idx",
	[ST_END] = "COMMIT",
};

struct retention_view {
	struct view	*view;
	sqlite3		*db;
	sqlite3_stmt	*st[ST_COUNT];
};

static int
schema(sqlite3 *db)
{
	return db_exec(db, schema_sql);
}

static void
bind_text(sqlite3_stmt *st, int col, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC);
}

static int
apply_entry(void *arg, struct log *l, uint64_t index, const char *type,
    json_t *e)
{
	struct retention_view *v = arg;
	sqlite3_stmt *st = v->st[ST_INSERT];
	struct retention_event ev;
	char *text = NULL;
	int rc, kind;

	(void)l;
	(void)type;
	if ((rc = retention_event_of(e, &ev)) == 0 &&
	    ev.kind == RETENTION_EV_NONE)
		return 0;
	if (rc == CUSTOS_ERR_CORRUPT) {
		kind = KIND_BAD;
		memset(&ev, 0, sizeof(ev));
	} else if (rc != 0)
		return rc;
	else
		kind = (int)ev.kind;
	if (kind == RETENTION_EV_HOLD_PLACED &&
	    (text = json_dumps(e, JSON_COMPACT)) == NULL)
		return CUSTOS_ERR_NOMEM;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)index);
	sqlite3_bind_int(st, 2, kind);
	sqlite3_bind_int64(st, 3, ev.ms);
	bind_text(st, 4, ev.object);
	bind_text(st, 5, ev.camera);
	bind_text(st, 6, ev.inspection);
	bind_text(st, 7, ev.enterprise);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)ev.n);
	bind_text(st, 9, text);
	rc = db_step_done(st);
	free(text);
	return rc;
}

static const char *const ready[] = { has_events, NULL };

static const struct view_def retention_view_def = {
	"retention_state", schema, ready, apply_entry
};

int
retention_view_open(const char *path, int readonly,
    struct retention_view **out)
{
	struct retention_view *v;
	int rc;

	*out = NULL;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = view_open(path, readonly, &retention_view_def, v,
	    &v->view)) != 0) {
		retention_view_close(v);
		return rc;
	}
	v->db = view_db(v->view);
	if ((rc = db_prepare_all(v->db, stmt_sql, v->st, ST_COUNT)) != 0) {
		retention_view_close(v);
		return rc;
	}
	*out = v;
	return 0;
}

void
retention_view_close(struct retention_view *v)
{
	if (v == NULL)
		return;
	db_finalize_all(v->st, ST_COUNT);
	view_close(v->view);
	free(v);
}

int
retention_view_sync(struct retention_view *v, struct log *l)
{
	return view_sync(v->view, l);
}

static const char *
col_text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

/* Applies the current row of st: 0 or an error, *bad its index. */
static int
apply_row(struct retention *r, sqlite3_stmt *st)
{
	struct retention_event ev;
	json_t *e;
	int rc;

	memset(&ev, 0, sizeof(ev));
	ev.index = (uint64_t)sqlite3_column_int64(st, 0);
	if (sqlite3_column_int(st, 1) == KIND_BAD)
		return CUSTOS_ERR_CORRUPT;
	ev.kind = (enum retention_event_kind)sqlite3_column_int(st, 1);
	if (ev.kind == RETENTION_EV_HOLD_PLACED) {
		/* Read back as the whole-log parse reads it. */
		if ((e = json_loads(col_text(st, 8) ? col_text(st, 8) : "",
		    0, NULL)) == NULL)
			return CUSTOS_ERR_CORRUPT;
		if ((rc = retention_event_of(e, &ev)) == 0)
			rc = retention_apply(r, &ev);
		json_decref(e);
		return rc;
	}
	ev.ms = sqlite3_column_int64(st, 2);
	ev.object = col_text(st, 3);
	ev.camera = col_text(st, 4);
	ev.inspection = col_text(st, 5);
	ev.enterprise = col_text(st, 6);
	ev.n = (uint64_t)sqlite3_column_int64(st, 7);
	return retention_apply(r, &ev);
}

/*
 * Applies the view's rows of the entries below min(synced_to, size) to r,
 * in one read transaction (a daemon syncing meanwhile changes neither
 * synced_to nor the rows under it as this reader sees them).  Sets *to to
 * the first entry not applied; *bad to a failing row's index.
 */
static int
apply_rows(struct retention_view *v, struct retention *r, uint64_t size,
    uint64_t *to, uint64_t *bad)
{
	sqlite3_stmt *st = v->st[ST_ROWS];
	uint64_t synced;
	int rc, step;

	*to = 0;
	if ((rc = db_step_done(v->st[ST_BEGIN])) != 0)
		return rc;
	if ((rc = db_read_uint(v->st[ST_SYNCED], &synced)) != 0)
		goto out;
	*to = synced < size ? synced : size;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)*to);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = apply_row(r, st)) != 0) {
			*bad = (uint64_t)sqlite3_column_int64(st, 0);
			break;
		}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_err(step);
	db_reset(st);
out:
	(void)db_step_done(v->st[ST_END]);
	return rc;
}

struct tail {
	struct retention	*r;
	uint64_t		 at;
};

static int
tail_one(void *arg, uint64_t index, const uint8_t *data, size_t len)
{
	struct tail *t = arg;
	json_t *e;
	int rc;

	t->at = index;
	if ((e = json_loadb((const char *)data, len, 0, NULL)) == NULL)
		return CUSTOS_ERR_CORRUPT;
	rc = retention_add(t->r, e);
	json_decref(e);
	return rc;
}

int
retention_view_load(struct retention_view *v, struct log *l,
    struct retention **out, uint64_t *bad)
{
	struct tail t;
	uint64_t from = 0;
	int rc;

	*out = NULL;
	*bad = 0;
	if ((rc = retention_new(&t.r)) != 0)
		return rc;
	if (v != NULL && (rc = apply_rows(v, t.r, log_size(l), &from,
	    bad)) != 0) {
		retention_free(t.r);
		return rc;
	}
	t.at = from;
	if ((rc = log_scan(l, from, log_size(l), tail_one, &t)) != 0) {
		retention_free(t.r);
		*bad = t.at;
		return rc;
	}
	*out = t.r;
	return 0;
}

int
retention_load(struct log *l, struct retention **out, uint64_t *bad)
{
	return retention_view_load(NULL, l, out, bad);
}
