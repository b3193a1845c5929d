/*
 * registry: officers and enterprises derived from the log, in tables
 * beside it in log.db.
 *
 * Like the catalog, the registry has its own SQLite connection to the
 * log's file (WAL) and reads the entries it has not applied through
 * log.h.  Its own "synced_to" row lets it be dropped and rebuilt from the
 * log at the next open: the tables are created IF NOT EXISTS and a fresh
 * registry starts at entry 0.
 *
 * Entries are applied by their "type":
 *
 *	officer.added	 "officer", "name", "unit", "credential" and
 *			 "valid_until" (strings): a row in officers, unless
 *			 the ID has one (the first entry wins)
 *	enterprise.added "enterprise", "name" (strings), optionally
 *			 "address", "industry" and "risk" (strings): a row in
 *			 enterprises unless the USCC has one; a risk also
 *			 starts its history, since the entry's "time"
 *	enterprise.risk	 "enterprise" and "risk" (strings): the current
 *			 colour is replaced and a history row added, since
 *			 the entry's "time"
 *	device.registered, camera.assigned and every entry naming an
 *			 "inspection": lib/inspection/registry_inspect.c
 *	anything else	 is only counted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "custos/err.h"
#include "custos/log.h"
#include "custos/registry.h"
#include "lib/base/db_int.h"
#include "registry_int.h"

/* This file's short names for the helpers registry_int.h shares. */
#define dup_col		registry_dup_col
#define rows_free	registry_rows_free
#define list_rows	registry_list_rows
#define one_row		registry_one_row

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS registry_state ("
	"    key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"INSERT OR IGNORE INTO registry_state (key, value)"
	"    VALUES ('synced_to', 0);"
	"CREATE TABLE IF NOT EXISTS officers (id TEXT PRIMARY KEY,"
	"    name TEXT NOT NULL, unit TEXT NOT NULL, credential TEXT NOT NULL,"
	"    valid_until TEXT NOT NULL, idx INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS enterprises (uscc TEXT PRIMARY KEY,"
	"    name TEXT NOT NULL, address TEXT, industry TEXT, risk TEXT,"
	"    idx INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS risk_history (uscc TEXT NOT NULL,"
	"    risk TEXT NOT NULL, since TEXT NOT NULL, idx INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS risk_history_uscc"
	"    ON risk_history (uscc, idx);";

enum {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_GET_SYNCED,
	ST_SET_SYNCED,
	ST_INS_OFFICER,
	ST_INS_ENTERPRISE,
	ST_SET_RISK,
	ST_INS_RISK,
	ST_OFFICER,
	ST_OFFICERS,
	ST_ENTERPRISE,
	ST_ENTERPRISES,
	ST_RISKS,
	ST_COUNT
};

#define OFFICER_COLS	"id, name, unit, credential, valid_until, idx"
#define ENTERPRISE_COLS	"uscc, name, address, industry, risk, idx"

static const char *const stmt_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_GET_SYNCED] = "SELECT value FROM registry_state "
	    "WHERE key = 'synced_to'",
	[ST_SET_SYNCED] = "UPDATE registry_state SET value = ?1 "
	    "WHERE key = 'synced_to'",
	[ST_INS_OFFICER] = "INSERT OR IGNORE INTO officers (" OFFICER_COLS
	    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_INS_ENTERPRISE] = "INSERT OR IGNORE INTO enterprises ("
	    ENTERPRISE_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_SET_RISK] = "UPDATE enterprises SET risk = ?2 WHERE uscc = ?1",
	[ST_INS_RISK] = "INSERT INTO risk_history (uscc, risk, since, idx) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[ST_OFFICER] = "SELECT " OFFICER_COLS " FROM officers WHERE id = ?1",
	[ST_OFFICERS] = "SELECT " OFFICER_COLS " FROM officers ORDER BY id",
	[ST_ENTERPRISE] = "SELECT " ENTERPRISE_COLS " FROM enterprises "
	    "WHERE uscc = ?1",
	[ST_ENTERPRISES] = "SELECT " ENTERPRISE_COLS " FROM enterprises "
	    "ORDER BY uscc",
	[ST_RISKS] = "SELECT risk, since, idx FROM risk_history "
	    "WHERE uscc = ?1 ORDER BY idx",
};

struct registry {
	sqlite3		*db;
	sqlite3_stmt	*st[ST_COUNT];
	uint64_t	 synced;
};

static int
open_db(sqlite3 **db, const char *path)
{
	int rc;

	/* The log's connection has already put the file in WAL mode. */
	if ((rc = db_open(path, SQLITE_OPEN_READWRITE, db)) != 0 ||
	    (rc = db_exec(*db, schema_sql)) != 0)
		return rc;
	return registry_inspect_schema(*db);
}

static int
open_db_ro(sqlite3 **db, const char *path)
{
	int rc;

	if ((rc = db_open(path, SQLITE_OPEN_READONLY, db)) != 0)
		return rc;
	/* Preparing fails on a table the daemon has not created yet. */
	if (sqlite3_exec(*db, "SELECT 1 FROM registry_state LIMIT 0", NULL,
	    NULL, NULL) != SQLITE_OK)
		return CUSTOS_ERR_NOTFOUND;
	return 0;
}

/* Opens the database with opendb, then prepares and reads synced_to. */
static int
open_registry(const char *path, int (*opendb)(sqlite3 **, const char *),
    struct registry **out)
{
	struct registry *r;
	int rc;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = opendb(&r->db, path)) != 0)
		goto fail;
	if ((rc = db_prepare_all(r->db, stmt_sql, r->st, ST_COUNT)) != 0)
		goto fail;
	if ((rc = db_read_uint(r->st[ST_GET_SYNCED], &r->synced)) != 0)
		goto fail;
	*out = r;
	return 0;
fail:
	registry_close(r);
	return rc;
}

int
registry_open(const char *path, struct registry **out)
{
	return open_registry(path, open_db, out);
}

int
registry_open_ro(const char *path, struct registry **out)
{
	return open_registry(path, open_db_ro, out);
}

void
registry_close(struct registry *r)
{
	if (r == NULL)
		return;
	db_finalize_all(r->st, ST_COUNT);
	sqlite3_close(r->db);
	free(r);
}

uint64_t
registry_synced(const struct registry *r)
{
	return r->synced;
}

int
registry_check_officer_id(const char *id)
{
	size_t n = strlen(id);

	if (n < 1 || n > 32 || strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
		return CUSTOS_ERR_FORMAT;
	return 0;
}

int
registry_check_date(const char *s)
{
	static const int mdays[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int i, y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return CUSTOS_ERR_FORMAT;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return CUSTOS_ERR_FORMAT;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return CUSTOS_ERR_FORMAT;
	/* 29 February only in a Gregorian leap year. */
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return CUSTOS_ERR_FORMAT;
	return 0;
}

int
registry_check_risk(const char *risk)
{
	if (strcmp(risk, "red") == 0 || strcmp(risk, "yellow") == 0 ||
	    strcmp(risk, "blue") == 0 || strcmp(risk, "green") == 0)
		return 0;
	return CUSTOS_ERR_FORMAT;
}

static const char *
get_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/*
 * Binds an optional string member at col: absent or null binds NULL; any
 * other non-string is corrupt.
 */
static int
bind_opt(sqlite3_stmt *st, int col, json_t *e, const char *key)
{
	json_t *v = json_object_get(e, key);

	if (v == NULL || json_is_null(v))
		return sqlite3_bind_null(st, col) == SQLITE_OK ? 0 :
		    CUSTOS_ERR_DB;
	if (!json_is_string(v))
		return CUSTOS_ERR_CORRUPT;
	sqlite3_bind_text(st, col, json_string_value(v), -1, SQLITE_STATIC);
	return 0;
}

static int
apply_officer(struct registry *r, uint64_t index, json_t *e)
{
	static const char *const keys[] = { "officer", "name", "unit",
	    "credential", "valid_until" };
	sqlite3_stmt *st = r->st[ST_INS_OFFICER];
	const char *v;
	int i;

	for (i = 0; i < 5; i++) {
		if ((v = get_str(e, keys[i])) == NULL) {
			sqlite3_clear_bindings(st);
			return CUSTOS_ERR_CORRUPT;
		}
		sqlite3_bind_text(st, i + 1, v, -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(st, 6, (sqlite3_int64)index);
	return db_step_done(st);
}

static int
add_risk(struct registry *r, uint64_t index, const char *uscc,
    const char *risk, const char *since)
{
	sqlite3_stmt *st = r->st[ST_INS_RISK];

	sqlite3_bind_text(st, 1, uscc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, risk, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, since, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)index);
	return db_step_done(st);
}

static int
apply_enterprise(struct registry *r, uint64_t index, json_t *e)
{
	sqlite3_stmt *st = r->st[ST_INS_ENTERPRISE];
	const char *uscc = get_str(e, "enterprise"), *name = get_str(e, "name");
	const char *risk = get_str(e, "risk"), *time = get_str(e, "time");
	int rc;

	if (uscc == NULL || name == NULL || time == NULL)
		return CUSTOS_ERR_CORRUPT;
	sqlite3_bind_text(st, 1, uscc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if ((rc = bind_opt(st, 3, e, "address")) != 0 ||
	    (rc = bind_opt(st, 4, e, "industry")) != 0 ||
	    (rc = bind_opt(st, 5, e, "risk")) != 0) {
		sqlite3_clear_bindings(st);
		return rc;
	}
	sqlite3_bind_int64(st, 6, (sqlite3_int64)index);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE) {
		sqlite3_reset(st);
		return db_err(rc);
	}
	/* A re-added enterprise changed nothing, so it starts no history. */
	rc = sqlite3_changes(r->db);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == 0 || risk == NULL)
		return 0;
	return add_risk(r, index, uscc, risk, time);
}

static int
apply_risk(struct registry *r, uint64_t index, json_t *e)
{
	sqlite3_stmt *st = r->st[ST_SET_RISK];
	const char *uscc = get_str(e, "enterprise"), *risk = get_str(e, "risk");
	const char *time = get_str(e, "time");
	int rc;

	if (uscc == NULL || risk == NULL || time == NULL)
		return CUSTOS_ERR_CORRUPT;
	sqlite3_bind_text(st, 1, uscc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, risk, -1, SQLITE_STATIC);
	if ((rc = db_step_done(st)) != 0)
		return rc;
	return add_risk(r, index, uscc, risk, time);
}

/* Reads, parses and applies entry index. */
static int
apply_entry(struct registry *r, struct log *l, uint64_t index)
{
	uint8_t *data;
	size_t len;
	json_t *e, *idx;
	const char *type;
	int rc;

	if ((rc = log_entry(l, index, &data, &len)) != 0)
		return rc;
	e = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, NULL);
	free(data);
	idx = json_object_get(e, "index");
	if (!json_is_object(e) || (type = get_str(e, "type")) == NULL ||
	    !json_is_integer(idx) || json_integer_value(idx) < 0 ||
	    (uint64_t)json_integer_value(idx) != index)
		rc = CUSTOS_ERR_CORRUPT;
	else if (strcmp(type, "officer.added") == 0)
		rc = apply_officer(r, index, e);
	else if (strcmp(type, "enterprise.added") == 0)
		rc = apply_enterprise(r, index, e);
	else if (strcmp(type, "enterprise.risk") == 0)
		rc = apply_risk(r, index, e);
	else
		rc = registry_inspect_apply(r->db, l, index, type, e);
	json_decref(e);
	return rc;
}

static int
sync_range(struct registry *r, struct log *l, uint64_t *to)
{
	sqlite3_stmt *st = r->st[ST_SET_SYNCED];
	uint64_t i, from, size = log_size(l);
	int rc;

	if ((rc = db_read_uint(r->st[ST_GET_SYNCED], &from)) != 0)
		return rc;
	if (from > size)
		return CUSTOS_ERR_CORRUPT;	/* a registry of another log */
	for (i = from; i < size; i++) {
		if ((rc = apply_entry(r, l, i)) != 0)
			return rc;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	if ((rc = db_step_done(st)) != 0)
		return rc;
	*to = size;
	return 0;
}

int
registry_sync(struct registry *r, struct log *l)
{
	uint64_t to;
	int rc;

	if (r->synced == log_size(l))
		return 0;
	if ((rc = db_step_done(r->st[ST_BEGIN])) != 0)
		return rc;
	if ((rc = sync_range(r, l, &to)) != 0 ||
	    (rc = db_step_done(r->st[ST_COMMIT])) != 0) {
		(void)db_step_done(r->st[ST_ROLLBACK]);
		return rc;
	}
	r->synced = to;
	return 0;
}

int
dup_col(sqlite3_stmt *st, int col, char **out, int required)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	*out = NULL;
	if (v == NULL)
		return required ? CUSTOS_ERR_CORRUPT : 0;
	return (*out = strdup((const char *)v)) == NULL ? CUSTOS_ERR_NOMEM : 0;
}

static void
officer_clear(void *p)
{
	struct registry_officer *o = p;

	free(o->id);
	free(o->name);
	free(o->unit);
	free(o->credential);
	free(o->valid_until);
}

static int
officer_row(sqlite3_stmt *st, void *p)
{
	struct registry_officer *o = p;
	int rc;

	o->index = (uint64_t)sqlite3_column_int64(st, 5);
	if ((rc = dup_col(st, 0, &o->id, 1)) != 0 ||
	    (rc = dup_col(st, 1, &o->name, 1)) != 0 ||
	    (rc = dup_col(st, 2, &o->unit, 1)) != 0 ||
	    (rc = dup_col(st, 3, &o->credential, 1)) != 0)
		return rc;
	return dup_col(st, 4, &o->valid_until, 1);
}

static void
enterprise_clear(void *p)
{
	struct registry_enterprise *e = p;

	free(e->uscc);
	free(e->name);
	free(e->address);
	free(e->industry);
	free(e->risk);
}

static int
enterprise_row(sqlite3_stmt *st, void *p)
{
	struct registry_enterprise *e = p;
	int rc;

	e->index = (uint64_t)sqlite3_column_int64(st, 5);
	if ((rc = dup_col(st, 0, &e->uscc, 1)) != 0 ||
	    (rc = dup_col(st, 1, &e->name, 1)) != 0 ||
	    (rc = dup_col(st, 2, &e->address, 0)) != 0 ||
	    (rc = dup_col(st, 3, &e->industry, 0)) != 0)
		return rc;
	return dup_col(st, 4, &e->risk, 0);
}

static void
risk_clear(void *p)
{
	struct registry_risk *h = p;

	free(h->risk);
	free(h->since);
}

static int
risk_row(sqlite3_stmt *st, void *p)
{
	struct registry_risk *h = p;
	int rc;

	h->index = (uint64_t)sqlite3_column_int64(st, 2);
	if ((rc = dup_col(st, 0, &h->risk, 1)) != 0)
		return rc;
	return dup_col(st, 1, &h->since, 1);
}

static const struct rowtype officer_type = {
	sizeof(struct registry_officer), officer_row, officer_clear
};
static const struct rowtype enterprise_type = {
	sizeof(struct registry_enterprise), enterprise_row, enterprise_clear
};
static const struct rowtype risk_type = {
	sizeof(struct registry_risk), risk_row, risk_clear
};

void
rows_free(const struct rowtype *t, void *arr, size_t n)
{
	size_t i;

	if (arr == NULL)
		return;
	for (i = 0; i < n; i++)
		t->clear((char *)arr + i * t->size);
	free(arr);
}

/* Grows *arr by one zeroed element and copies the current row into it. */
static int
push_row(const struct rowtype *t, sqlite3_stmt *st, void **arr, size_t *n,
    size_t *cap)
{
	void *a;
	size_t ncap;

	if (*n == *cap) {
		ncap = *cap == 0 ? 16 : 2 * *cap;
		if ((a = reallocarray(*arr, ncap, t->size)) == NULL)
			return CUSTOS_ERR_NOMEM;
		*arr = a;
		*cap = ncap;
	}
	memset((char *)*arr + *n * t->size, 0, t->size);
	return t->copy(st, (char *)*arr + (*n)++ * t->size);
}

int
list_rows(const struct rowtype *t, sqlite3_stmt *st, const char *key,
    void **out, size_t *n)
{
	void *arr = NULL;
	size_t cnt = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (key != NULL)
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = push_row(t, st, &arr, &cnt, &cap)) != 0)
			break;
	rc = rc == SQLITE_DONE ? 0 : rc < 0 ? rc : db_err(rc);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != 0) {
		rows_free(t, arr, cnt);
		return rc;
	}
	*out = arr;
	*n = cnt;
	return 0;
}

int
one_row(const struct rowtype *t, sqlite3_stmt *st, const char *key,
    void **out)
{
	void *arr;
	size_t n;
	int rc;

	*out = NULL;
	if ((rc = list_rows(t, st, key, &arr, &n)) != 0)
		return rc;
	if (n == 0) {
		free(arr);
		return CUSTOS_ERR_NOTFOUND;
	}
	*out = arr;
	return 0;
}

int
registry_officer(struct registry *r, const char *id,
    struct registry_officer **out)
{
	return one_row(&officer_type, r->st[ST_OFFICER], id, (void **)out);
}

void
registry_officer_free(struct registry_officer *o)
{
	rows_free(&officer_type, o, 1);
}

int
registry_officer_valid_on(struct registry *r, const char *id,
    const char *date)
{
	struct registry_officer *o;
	int rc;

	if (registry_check_date(date) != 0)
		return CUSTOS_ERR_FORMAT;
	if ((rc = registry_officer(r, id, &o)) != 0)
		return rc;
	/* YYYY-MM-DD dates compare as strings in calendar order. */
	rc = strcmp(date, o->valid_until) <= 0 ? 0 : CUSTOS_ERR_RANGE;
	registry_officer_free(o);
	return rc;
}

int
registry_officers(struct registry *r, struct registry_officer **out,
    size_t *n)
{
	return list_rows(&officer_type, r->st[ST_OFFICERS], NULL,
	    (void **)out, n);
}

void
registry_officers_free(struct registry_officer *o, size_t n)
{
	rows_free(&officer_type, o, n);
}

int
registry_enterprise(struct registry *r, const char *uscc,
    struct registry_enterprise **out)
{
	return one_row(&enterprise_type, r->st[ST_ENTERPRISE], uscc,
	    (void **)out);
}

void
registry_enterprise_free(struct registry_enterprise *e)
{
	rows_free(&enterprise_type, e, 1);
}

int
registry_enterprises(struct registry *r, struct registry_enterprise **out,
    size_t *n)
{
	return list_rows(&enterprise_type, r->st[ST_ENTERPRISES], NULL,
	    (void **)out, n);
}

void
registry_enterprises_free(struct registry_enterprise *e, size_t n)
{
	rows_free(&enterprise_type, e, n);
}

int
registry_risk_history(struct registry *r, const char *uscc,
    struct registry_risk **out, size_t *n)
{
	return list_rows(&risk_type, r->st[ST_RISKS], uscc, (void **)out, n);
}

void
registry_risks_free(struct registry_risk *h, size_t n)
{
	rows_free(&risk_type, h, n);
}

sqlite3 *
registry_db(struct registry *r)
{
	return r->db;
}
