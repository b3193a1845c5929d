/*
 * queue: the replication queue (include/custos/replica.h), a derived view
 * of the log (lib/log/view_int.h) plus two tables of facts about the
 * bucket that no rebuild of the view drops.
 *
 * Schema (created IF NOT EXISTS beside the log in log.db):
 *
 *	replica_state(key TEXT PRIMARY KEY, value INTEGER NOT NULL)
 *		"synced_to": the number of log entries applied.
 *	replica_objects(object TEXT PRIMARY KEY, idx, size, queued,
 *	    deleted)
 *		derived: every object a segment.sealed or document.sealed
 *		entry names ("sha256:<hex>"), from its first such entry
 *		(idx, size, queued = the entry's time in ms); deleted is
 *		the index of an object.deleted entry that came after its
 *		latest sealing entry, else NULL.  Dropping this table's
 *		rows and setting synced_to to 0 rebuilds it.
 *	replica_confirmed(object TEXT PRIMARY KEY, confirmed, etag, size)
 *		kept: the server acknowledged the object at confirmed (ms).
 *	replica_tries(object TEXT PRIMARY KEY, attempts, next_try, error)
 *		kept: the failed tries of an object not yet confirmed.
 *
 * A document.sealed whose object is not in the log's algorithm is not
 * the store's (the catalog leaves it alone too) and is not queued.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/replica.h"
#include "custos/rfc3339.h"
#include "lib/base/db_int.h"
#include "lib/log/view_int.h"

/* After the state table replica_state, which the view makes. */
static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS replica_objects (object TEXT PRIMARY KEY,"
	"    idx INTEGER NOT NULL, size INTEGER NOT NULL,"
	"    queued INTEGER NOT NULL, deleted INTEGER) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS replica_objects_idx"
	"    ON replica_objects (idx);"
	"CREATE TABLE IF NOT EXISTS replica_confirmed ("
	"    object TEXT PRIMARY KEY, confirmed INTEGER NOT NULL,"
	"    etag TEXT, size INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS replica_tries (object TEXT PRIMARY KEY,"
	"    attempts INTEGER NOT NULL, next_try INTEGER NOT NULL,"
	"    error TEXT) WITHOUT ROWID;";

static const char has_tables[] =
	"SELECT o.object, c.etag, t.error FROM replica_objects o,"
	"    replica_confirmed c, replica_tries t LIMIT 0";

/* The columns every item query returns, in this order. */
#define ITEM_COLS \
	"o.object, o.size, o.idx, o.queued, coalesce(t.attempts, 0), " \
	"coalesce(t.next_try, 0), coalesce(t.error, ''), " \
	"coalesce(c.confirmed, 0), o.deleted "
#define ITEM_FROM \
	"FROM replica_objects o " \
	"LEFT JOIN replica_confirmed c ON c.object = o.object " \
	"LEFT JOIN replica_tries t ON t.object = o.object "
#define PENDING \
	"c.object IS NULL AND o.deleted IS NULL "

enum {
	ST_SEALED,
	ST_DELETED,
	ST_DUE,
	ST_NEXT,
	ST_CONFIRM,
	ST_FORGET,
	ST_FAIL,
	ST_ATTEMPTS,
	ST_REARM,
	ST_ONE,
	ST_BEHIND,
	ST_CONFIRMED,
	ST_LOST,
	ST_LAST_ERROR,
	ST_UNCONFIRMED,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	/* The first sealing entry keeps its index and time; a later one
	 * only stores the object again. */
	[ST_SEALED] = "INSERT INTO replica_objects (object, idx, size, "
	    "queued, deleted) VALUES (?1, ?2, ?3, ?4, NULL) "
	    "ON CONFLICT (object) DO UPDATE SET deleted = NULL",
	[ST_DELETED] = "UPDATE replica_objects SET deleted = ?2 "
	    "WHERE object = ?1",
	[ST_DUE] = "SELECT " ITEM_COLS ITEM_FROM "WHERE " PENDING
	    "AND coalesce(t.next_try, 0) <= ?1 ORDER BY o.idx LIMIT ?2",
	[ST_NEXT] = "SELECT min(coalesce(t.next_try, 0)), count(*) "
	    ITEM_FROM "WHERE " PENDING,
	[ST_CONFIRM] = "INSERT OR IGNORE INTO replica_confirmed (object, "
	    "confirmed, etag, size) VALUES (?1, ?2, ?3, ?4)",
	[ST_FORGET] = "DELETE FROM replica_tries WHERE object = ?1",
	[ST_FAIL] = "INSERT INTO replica_tries (object, attempts, next_try, "
	    "error) VALUES (?1, 1, ?2, ?3) ON CONFLICT (object) DO UPDATE SET "
	    "attempts = attempts + 1, next_try = excluded.next_try, "
	    "error = excluded.error",
	[ST_ATTEMPTS] = "SELECT attempts FROM replica_tries WHERE object = ?1",
	[ST_REARM] = "UPDATE replica_tries SET next_try = 0",
	[ST_ONE] = "SELECT " ITEM_COLS ITEM_FROM "WHERE o.object = ?1",
	[ST_BEHIND] = "SELECT count(*), coalesce(sum(o.size), 0), "
	    "coalesce(min(o.queued), 0), "
	    "coalesce(sum(coalesce(t.attempts, 0) > 0), 0) "
	    ITEM_FROM "WHERE " PENDING,
	[ST_CONFIRMED] = "SELECT count(*), coalesce(sum(size), 0) "
	    "FROM replica_confirmed",
	[ST_LOST] = "SELECT count(*) " ITEM_FROM "WHERE c.object IS NULL "
	    "AND o.deleted IS NOT NULL",
	[ST_LAST_ERROR] = "SELECT t.error " ITEM_FROM "WHERE " PENDING
	    "AND t.error IS NOT NULL ORDER BY t.next_try DESC LIMIT 1",
	[ST_UNCONFIRMED] = "SELECT " ITEM_COLS ITEM_FROM
	    "WHERE c.object IS NULL ORDER BY o.deleted IS NOT NULL, o.idx",
};

struct replica_queue {
	struct view	*view;
	sqlite3		*db;		/* view_db(view), borrowed */
	sqlite3_stmt	*st[ST_COUNT];
};

static int
schema(sqlite3 *db)
{
	return db_exec(db, schema_sql);
}

static int	apply_entry(void *, struct log *, uint64_t, const char *,
		    json_t *);

static const char *const ready[] = { has_tables, NULL };

static const struct view_def replica_view = {
	"replica_state", schema, ready, apply_entry
};

static int
open_queue(const char *path, int readonly, struct replica_queue **out)
{
	struct replica_queue *q;
	int rc;

	*out = NULL;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = view_open(path, readonly, &replica_view, q,
	    &q->view)) != 0) {
		replica_queue_close(q);
		return rc;
	}
	q->db = view_db(q->view);
	if ((rc = db_prepare_all(q->db, stmt_sql, q->st, ST_COUNT)) != 0) {
		replica_queue_close(q);
		return rc;
	}
	*out = q;
	return 0;
}

int
replica_queue_open(const char *path, struct replica_queue **out)
{
	return open_queue(path, 0, out);
}

int
replica_queue_open_ro(const char *path, struct replica_queue **out)
{
	return open_queue(path, 1, out);
}

void
replica_queue_close(struct replica_queue *q)
{
	if (q == NULL)
		return;
	db_finalize_all(q->st, ST_COUNT);
	view_close(q->view);
	free(q);
}

int
replica_queue_sync(struct replica_queue *q, struct log *l)
{
	return view_sync(q->view, l);
}

/*
 * The entry's "object" in the log's algorithm, formatted again into buf:
 * 0, or CUSTOS_ERR_CORRUPT when it is missing or another algorithm's.
 */
static int
entry_object(struct log *l, json_t *e, char buf[DIGEST_STRLEN])
{
	const char *obj = json_string_value(json_object_get(e, "object"));
	uint8_t hash[DIGEST_LEN];
	enum digest_alg alg;

	if (obj == NULL || digest_parse(obj, &alg, hash) != 0 ||
	    alg != log_alg(l))
		return CUSTOS_ERR_CORRUPT;
	return digest_format(alg, hash, buf, DIGEST_STRLEN) == 0 ? 0 :
	    CUSTOS_ERR_CORRUPT;
}

static int
apply_sealed(struct replica_queue *q, struct log *l, uint64_t index,
    int document, json_t *e)
{
	sqlite3_stmt *st = q->st[ST_SEALED];
	char obj[DIGEST_STRLEN];
	const char *when = json_string_value(json_object_get(e, "time"));
	json_t *size = json_object_get(e, "size");
	int64_t ms = 0;

	if (entry_object(l, e, obj) != 0)
		return document ? 0 : CUSTOS_ERR_CORRUPT;
	if (!json_is_integer(size) || json_integer_value(size) < 0) {
		if (!document)
			return CUSTOS_ERR_CORRUPT;
		size = NULL;
	}
	if (when == NULL || rfc3339_parse(when, &ms) != 0)
		ms = 0;
	sqlite3_bind_text(st, 1, obj, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
	sqlite3_bind_int64(st, 3, size != NULL ? json_integer_value(size) : 0);
	sqlite3_bind_int64(st, 4, ms);
	return db_step_done(st);
}

static int
apply_deleted(struct replica_queue *q, struct log *l, uint64_t index,
    json_t *e)
{
	sqlite3_stmt *st = q->st[ST_DELETED];
	char obj[DIGEST_STRLEN];

	if (entry_object(l, e, obj) != 0)
		return CUSTOS_ERR_CORRUPT;
	sqlite3_bind_text(st, 1, obj, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
	return db_step_done(st);
}

/* The view's apply callback: one entry, by its type. */
static int
apply_entry(void *arg, struct log *l, uint64_t index, const char *type,
    json_t *e)
{
	struct replica_queue *q = arg;

	if (strcmp(type, ENTRY_SEGMENT_SEALED) == 0)
		return apply_sealed(q, l, index, 0, e);
	if (strcmp(type, ENTRY_DOCUMENT_SEALED) == 0)
		return apply_sealed(q, l, index, 1, e);
	if (strcmp(type, ENTRY_OBJECT_DELETED) == 0)
		return apply_deleted(q, l, index, e);
	return 0;
}

/* The current row of an item query (ITEM_COLS) into it. */
static void
read_item(sqlite3_stmt *st, struct replica_item *it)
{
	const unsigned char *s;

	memset(it, 0, sizeof(*it));
	if ((s = sqlite3_column_text(st, 0)) != NULL)
		snprintf(it->object, sizeof(it->object), "%s", s);
	it->size = (uint64_t)sqlite3_column_int64(st, 1);
	it->index = (uint64_t)sqlite3_column_int64(st, 2);
	it->queued_ms = sqlite3_column_int64(st, 3);
	it->attempts = (uint64_t)sqlite3_column_int64(st, 4);
	it->next_ms = sqlite3_column_int64(st, 5);
	if ((s = sqlite3_column_text(st, 6)) != NULL)
		snprintf(it->error, sizeof(it->error), "%s", s);
	it->confirmed_ms = sqlite3_column_int64(st, 7);
	if (it->confirmed_ms != 0)
		it->state = REPLICA_CONFIRMED;
	else if (sqlite3_column_type(st, 8) != SQLITE_NULL)
		it->state = REPLICA_LOST;
	else
		it->state = REPLICA_QUEUED;
}

int
replica_queue_due(struct replica_queue *q, int64_t now_ms,
    struct replica_item *items, size_t max, size_t *n)
{
	sqlite3_stmt *st = q->st[ST_DUE];
	int rc = 0;

	*n = 0;
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (*n < max && (rc = db_step_row(st)) == 0)
		read_item(st, &items[(*n)++]);
	db_reset(st);
	return *n == max || rc == CUSTOS_ERR_NOTFOUND ? 0 : rc;
}

/* Runs the one-row statement st: 0 with its row current, or an error. */
static int
one_row(sqlite3_stmt *st)
{
	int rc = db_step_row(st);

	return rc == CUSTOS_ERR_NOTFOUND ? CUSTOS_ERR_DB : rc;
}

int
replica_queue_next(struct replica_queue *q, int64_t *next_ms)
{
	sqlite3_stmt *st = q->st[ST_NEXT];
	int rc;

	if ((rc = one_row(st)) == 0) {
		if (sqlite3_column_int64(st, 1) == 0)
			rc = CUSTOS_ERR_NOTFOUND;
		else
			*next_ms = sqlite3_column_int64(st, 0);
	}
	db_reset(st);
	return rc;
}

int
replica_queue_confirm(struct replica_queue *q, const char *object,
    int64_t at_ms, const char *etag, uint64_t size)
{
	sqlite3_stmt *st = q->st[ST_CONFIRM];
	int rc;

	sqlite3_bind_text(st, 1, object, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, at_ms);
	if (etag != NULL && etag[0] != '\0')
		sqlite3_bind_text(st, 3, etag, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)size);
	if ((rc = db_step_done(st)) != 0)
		return rc;
	st = q->st[ST_FORGET];
	sqlite3_bind_text(st, 1, object, -1, SQLITE_TRANSIENT);
	return db_step_done(st);
}

int
replica_queue_fail(struct replica_queue *q, const char *object,
    int64_t next_ms, const char *error)
{
	sqlite3_stmt *st = q->st[ST_FAIL];

	sqlite3_bind_text(st, 1, object, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, next_ms);
	if (error != NULL)
		sqlite3_bind_text(st, 3, error, -1, SQLITE_TRANSIENT);
	return db_step_done(st);
}

int
replica_queue_rearm(struct replica_queue *q)
{
	return db_step_done(q->st[ST_REARM]);
}

int
replica_queue_attempts(struct replica_queue *q, const char *object,
    uint64_t *attempts)
{
	sqlite3_stmt *st = q->st[ST_ATTEMPTS];
	int rc;

	*attempts = 0;
	sqlite3_bind_text(st, 1, object, -1, SQLITE_TRANSIENT);
	if ((rc = db_step_row(st)) == 0)
		*attempts = (uint64_t)sqlite3_column_int64(st, 0);
	db_reset(st);
	return rc == CUSTOS_ERR_NOTFOUND ? 0 : rc;
}

int
replica_queue_state(struct replica_queue *q, const char *object,
    enum replica_state *state)
{
	sqlite3_stmt *st = q->st[ST_ONE];
	struct replica_item it;
	int rc;

	*state = REPLICA_UNKNOWN;
	sqlite3_bind_text(st, 1, object, -1, SQLITE_TRANSIENT);
	if ((rc = db_step_row(st)) == 0) {
		read_item(st, &it);
		*state = it.state;
	}
	db_reset(st);
	return rc == CUSTOS_ERR_NOTFOUND ? 0 : rc;
}

int
replica_queue_stats(struct replica_queue *q, struct replica_stats *s)
{
	sqlite3_stmt *st;
	const unsigned char *e;
	int rc;

	memset(s, 0, sizeof(*s));
	st = q->st[ST_BEHIND];
	if ((rc = one_row(st)) == 0) {
		s->behind = (uint64_t)sqlite3_column_int64(st, 0);
		s->behind_bytes = (uint64_t)sqlite3_column_int64(st, 1);
		s->oldest_ms = sqlite3_column_int64(st, 2);
		s->failing = (uint64_t)sqlite3_column_int64(st, 3);
	}
	db_reset(st);
	if (rc != 0)
		return rc;
	st = q->st[ST_CONFIRMED];
	if ((rc = one_row(st)) == 0) {
		s->confirmed = (uint64_t)sqlite3_column_int64(st, 0);
		s->confirmed_bytes = (uint64_t)sqlite3_column_int64(st, 1);
	}
	db_reset(st);
	if (rc != 0)
		return rc;
	st = q->st[ST_LOST];
	if ((rc = one_row(st)) == 0)
		s->lost = (uint64_t)sqlite3_column_int64(st, 0);
	db_reset(st);
	if (rc != 0)
		return rc;
	st = q->st[ST_LAST_ERROR];
	if ((rc = db_step_row(st)) == 0 &&
	    (e = sqlite3_column_text(st, 0)) != NULL)
		snprintf(s->error, sizeof(s->error), "%s", e);
	db_reset(st);
	return rc == CUSTOS_ERR_NOTFOUND ? 0 : rc;
}

int
replica_queue_unconfirmed(struct replica_queue *q,
    int (*cb)(void *arg, const struct replica_item *it), void *arg)
{
	sqlite3_stmt *st = q->st[ST_UNCONFIRMED];
	struct replica_item it;
	int rc;

	while ((rc = db_step_row(st)) == 0) {
		read_item(st, &it);
		if ((rc = cb(arg, &it)) != 0)
			break;
	}
	db_reset(st);
	return rc == CUSTOS_ERR_NOTFOUND ? 0 : rc;
}

const char *
replica_state_name(enum replica_state s)
{
	switch (s) {
	case REPLICA_QUEUED:
		return "queued";
	case REPLICA_CONFIRMED:
		return "confirmed";
	case REPLICA_LOST:
		return "lost";
	default:
		return "unknown";
	}
}
