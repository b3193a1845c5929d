/*
 * registry: officers and enterprises derived from the log, in tables
 * beside it in log.db.
 *
 * Like the catalog, the registry is a derived view of the log
 * (lib/log/view_int.h): its own SQLite connection to the log's file, its
 * own "synced_to" row in registry_state, so that it can be dropped and
 * rebuilt from the log at the next open (the tables are created IF NOT
 * EXISTS and a fresh registry starts at entry 0).
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
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/registry.h"
#include "lib/base/db_int.h"
#include "lib/log/view_int.h"
#include "registry_int.h"

/* After the state table registry_state, which the view makes. */
static const char schema_sql[] =
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

#define OFFICER_COLS	"id, name, unit, credential, valid_until, idx"
#define ENTERPRISE_COLS	"uscc, name, address, industry, risk, idx"

/* The view's schema callback: these tables and registry_inspect.c's. */
static int
schema(sqlite3 *db)
{
	int rc;

	if ((rc = db_exec(db, schema_sql)) != 0)
		return rc;
	return registry_inspect_schema(db);
}

static int	apply_entry(void *, struct log *, uint64_t, const char *,
		    json_t *);

/* A read-only open needs the tables the daemon makes. */
static const char *const ready[] = {
	"SELECT 1 FROM registry_state LIMIT 0",
	"SELECT decided, credit_pending FROM inspections LIMIT 0", NULL
};

static const struct view_def registry_view = {
	"registry_state", schema, ready, apply_entry
};

static int
open_registry(const char *path, int readonly, struct registry **out)
{
	struct registry *r;
	int rc;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = view_open(path, readonly, &registry_view, r, &r->view)) !=
	    0) {
		free(r);
		return rc;
	}
	r->db = view_db(r->view);
	*out = r;
	return 0;
}

int
registry_open(const char *path, struct registry **out)
{
	return open_registry(path, 0, out);
}

int
registry_open_ro(const char *path, struct registry **out)
{
	return open_registry(path, 1, out);
}

void
registry_close(struct registry *r)
{
	if (r == NULL)
		return;
	view_close(r->view);
	free(r);
}

uint64_t
registry_synced(const struct registry *r)
{
	return view_synced(r->view);
}

int
registry_sync(struct registry *r, struct log *l)
{
	return view_sync(r->view, l);
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
 * An optional string member into *out: absent or null is NULL, any other
 * non-string is corrupt.  Returns 0 or CUSTOS_ERR_CORRUPT.
 */
static int
opt_str(json_t *e, const char *key, const char **out)
{
	json_t *v = json_object_get(e, key);

	*out = json_string_value(v);
	return v == NULL || json_is_null(v) || *out != NULL ? 0 :
	    CUSTOS_ERR_CORRUPT;
}

static int
apply_officer(sqlite3 *db, uint64_t index, json_t *e)
{
	const char *id = get_str(e, "officer"), *name = get_str(e, "name");
	const char *unit = get_str(e, "unit");
	const char *cred = get_str(e, "credential");
	const char *until = get_str(e, "valid_until");

	if (id == NULL || name == NULL || unit == NULL || cred == NULL ||
	    until == NULL)
		return CUSTOS_ERR_CORRUPT;
	return view_exec(db, "INSERT OR IGNORE INTO officers (" OFFICER_COLS
	    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "sssssi", id, name, unit,
	    cred, until, (int64_t)index);
}

static int
add_risk(sqlite3 *db, uint64_t index, const char *uscc, const char *risk,
    const char *since)
{
	return view_exec(db, "INSERT INTO risk_history (uscc, risk, since, "
	    "idx) VALUES (?1, ?2, ?3, ?4)", "sssi", uscc, risk, since,
	    (int64_t)index);
}

static int
apply_enterprise(sqlite3 *db, uint64_t index, json_t *e)
{
	const char *uscc = get_str(e, "enterprise"), *name = get_str(e, "name");
	const char *time = get_str(e, "time"), *address, *industry, *risk;
	int rc;

	if (uscc == NULL || name == NULL || time == NULL)
		return CUSTOS_ERR_CORRUPT;
	if ((rc = opt_str(e, "address", &address)) != 0 ||
	    (rc = opt_str(e, "industry", &industry)) != 0 ||
	    (rc = opt_str(e, "risk", &risk)) != 0)
		return rc;
	if ((rc = view_exec(db, "INSERT OR IGNORE INTO enterprises ("
	    ENTERPRISE_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "sssssi",
	    uscc, name, address, industry, risk, (int64_t)index)) != 0)
		return rc;
	/* A re-added enterprise changed nothing, so it starts no history. */
	if (sqlite3_changes(db) == 0 || risk == NULL)
		return 0;
	return add_risk(db, index, uscc, risk, time);
}

static int
apply_risk(sqlite3 *db, uint64_t index, json_t *e)
{
	const char *uscc = get_str(e, "enterprise"), *risk = get_str(e, "risk");
	const char *time = get_str(e, "time");
	int rc;

	if (uscc == NULL || risk == NULL || time == NULL)
		return CUSTOS_ERR_CORRUPT;
	if ((rc = view_exec(db, "UPDATE enterprises SET risk = ?2 WHERE "
	    "uscc = ?1", "ss", uscc, risk)) != 0)
		return rc;
	return add_risk(db, index, uscc, risk, time);
}

/* The view's apply callback: one entry, by its type. */
static int
apply_entry(void *arg, struct log *l, uint64_t index, const char *type,
    json_t *e)
{
	struct registry *r = arg;

	if (strcmp(type, ENTRY_OFFICER_ADDED) == 0)
		return apply_officer(r->db, index, e);
	if (strcmp(type, ENTRY_ENTERPRISE_ADDED) == 0)
		return apply_enterprise(r->db, index, e);
	if (strcmp(type, ENTRY_ENTERPRISE_RISK) == 0)
		return apply_risk(r->db, index, e);
	return registry_inspect_apply(r->db, l, index, type, e);
}

/* The rows of the lists, column by column (OFFICER_COLS and so on). */
static const struct view_col officer_cols[] = {
	{ 0, offsetof(struct registry_officer, id), VIEW_TEXT },
	{ 1, offsetof(struct registry_officer, name), VIEW_TEXT },
	{ 2, offsetof(struct registry_officer, unit), VIEW_TEXT },
	{ 3, offsetof(struct registry_officer, credential), VIEW_TEXT },
	{ 4, offsetof(struct registry_officer, valid_until), VIEW_TEXT },
	{ 5, offsetof(struct registry_officer, index), VIEW_UINT }
};
static const struct view_col enterprise_cols[] = {
	{ 0, offsetof(struct registry_enterprise, uscc), VIEW_TEXT },
	{ 1, offsetof(struct registry_enterprise, name), VIEW_TEXT },
	{ 2, offsetof(struct registry_enterprise, address), VIEW_TEXT_NULL },
	{ 3, offsetof(struct registry_enterprise, industry), VIEW_TEXT_NULL },
	{ 4, offsetof(struct registry_enterprise, risk), VIEW_TEXT_NULL },
	{ 5, offsetof(struct registry_enterprise, index), VIEW_UINT }
};
static const struct view_col risk_cols[] = {
	{ 0, offsetof(struct registry_risk, risk), VIEW_TEXT },
	{ 1, offsetof(struct registry_risk, since), VIEW_TEXT },
	{ 2, offsetof(struct registry_risk, index), VIEW_UINT }
};

static const struct view_rowtype officer_type = {
	sizeof(struct registry_officer), officer_cols,
	sizeof(officer_cols) / sizeof(officer_cols[0]), NULL, NULL
};
static const struct view_rowtype enterprise_type = {
	sizeof(struct registry_enterprise), enterprise_cols,
	sizeof(enterprise_cols) / sizeof(enterprise_cols[0]), NULL, NULL
};
static const struct view_rowtype risk_type = {
	sizeof(struct registry_risk), risk_cols,
	sizeof(risk_cols) / sizeof(risk_cols[0]), NULL, NULL
};

int
registry_officer(struct registry *r, const char *id,
    struct registry_officer **out)
{
	return view_query(r->db, &officer_type, "SELECT " OFFICER_COLS
	    " FROM officers WHERE id = ?1", id, (void **)out, NULL);
}

void
registry_officer_free(struct registry_officer *o)
{
	view_rows_free(&officer_type, o, 1);
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
	return view_query(r->db, &officer_type, "SELECT " OFFICER_COLS
	    " FROM officers ORDER BY id", NULL, (void **)out, n);
}

void
registry_officers_free(struct registry_officer *o, size_t n)
{
	view_rows_free(&officer_type, o, n);
}

int
registry_enterprise(struct registry *r, const char *uscc,
    struct registry_enterprise **out)
{
	return view_query(r->db, &enterprise_type, "SELECT " ENTERPRISE_COLS
	    " FROM enterprises WHERE uscc = ?1", uscc, (void **)out, NULL);
}

void
registry_enterprise_free(struct registry_enterprise *e)
{
	view_rows_free(&enterprise_type, e, 1);
}

int
registry_enterprises(struct registry *r, struct registry_enterprise **out,
    size_t *n)
{
	return view_query(r->db, &enterprise_type, "SELECT " ENTERPRISE_COLS
	    " FROM enterprises ORDER BY uscc", NULL, (void **)out, n);
}

void
registry_enterprises_free(struct registry_enterprise *e, size_t n)
{
	view_rows_free(&enterprise_type, e, n);
}

int
registry_risk_history(struct registry *r, const char *uscc,
    struct registry_risk **out, size_t *n)
{
	return view_query(r->db, &risk_type, "SELECT risk, since, idx FROM "
	    "risk_history WHERE uscc = ?1 ORDER BY idx", uscc, (void **)out, n);
}

void
registry_risks_free(struct registry_risk *h, size_t n)
{
	view_rows_free(&risk_type, h, n);
}
