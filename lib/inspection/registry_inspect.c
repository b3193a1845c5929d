/*
 * registry_inspect: devices, camera assignments and inspections, derived
 * from the log into tables beside it (docs/inspection.md).
 *
 * Entries are applied by their "type":
 *
 *	device.registered	a row in devices unless the serial has one
 *	camera.assigned		a row in assignments; the camera is
 *				registered as a body camera if unknown
 *	inspection.registered	a row in inspections, state "registered"
 *	inspection.emergency	a row in inspections, state "entered"
 *	inspection.entered	state "entered", entered_at
 *	inspection.left		state "left", left_at
 *	inspection.closed	state "closed", closed_at, result, deadline
 *	inspection.backfilled	basis, content, backfilled, backfill_late
 *	review.recorded, decision.served, credit_repair.applied,
 *	credit_repair.answered	their own tables (registry_procedure.c)
 *
 * Every step also sets the row's lifecycle flags (emergency, backfilled,
 * decided, credit_pending) to the ones lifecycle_step() leads to, so a
 * rebuild from the log gives the same flags as the station had.
 *
 * Each of these is a step of custos/lifecycle.h: the state a step leads
 * to is lifecycle_step()'s, from the row's state.  The log is the record,
 * so a step the station would have refused (an entry another station
 * wrote) is applied as written; the first entry that creates an
 * inspection wins.
 *
 * and every entry that names an "inspection" also gets a row in
 * inspection_entries and becomes its inspection's last entry (index and
 * leaf hash), which the daemon writes as the next entry's
 * "inspection_prev".  The first entry of an inspection wins if the log
 * holds two that create it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/lifecycle.h"
#include "custos/log.h"
#include "custos/registry.h"
#include "lib/base/db_int.h"
#include "lib/log/view_int.h"
#include "registry_int.h"

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS devices (camera TEXT PRIMARY KEY,"
	"    kind TEXT NOT NULL, model TEXT, review TEXT,"
	"    idx INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS assignments (idx INTEGER PRIMARY KEY,"
	"    camera TEXT NOT NULL, officer TEXT NOT NULL, since TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS assignments_camera"
	"    ON assignments (camera, since);"
	"CREATE TABLE IF NOT EXISTS inspections (id TEXT PRIMARY KEY,"
	"    enterprise TEXT NOT NULL, officers TEXT NOT NULL, basis TEXT,"
	"    content TEXT, planned TEXT, method TEXT NOT NULL,"
	"    emergency INTEGER NOT NULL, state TEXT NOT NULL, entered_at TEXT,"
	"    left_at TEXT, closed_at TEXT, result TEXT, deadline TEXT,"
	"    backfill_due TEXT, backfill_due_unknown TEXT,"
	"    backfilled INTEGER NOT NULL DEFAULT 0,"
	"    backfill_late INTEGER NOT NULL DEFAULT 0, idx INTEGER NOT NULL,"
	"    last_index INTEGER NOT NULL, last_leaf TEXT NOT NULL,"
	"    decided INTEGER NOT NULL DEFAULT 0,"
	"    credit_pending INTEGER NOT NULL DEFAULT 0)"
	"    WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS inspection_entries ("
	"    inspection TEXT NOT NULL, idx INTEGER NOT NULL,"
	"    type TEXT NOT NULL, PRIMARY KEY (inspection, idx)) WITHOUT ROWID;";

#define INSPECTION_COLS	"id, enterprise, officers, basis, content, " \
	"planned, method, emergency, state, entered_at, left_at, closed_at, " \
	"result, deadline, backfill_due, backfill_due_unknown, backfilled, " \
	"backfill_late, idx, last_index, last_leaf, decided, credit_pending"

/*
 * The columns the inspections table gained after its first version, and
 * the tables of registry_procedure.c that came with them.  A database
 * made before has applied reviews that the new tables lack, so upgrade()
 * empties every registry table and the next sync rebuilds them all from
 * the log.
 */
static const char has_procedure[] =
	"SELECT decided, credit_pending FROM inspections LIMIT 0";
static const char upgrade_sql[] =
	"ALTER TABLE inspections ADD COLUMN decided INTEGER NOT NULL "
	"    DEFAULT 0;"
	"ALTER TABLE inspections ADD COLUMN credit_pending INTEGER NOT NULL "
	"    DEFAULT 0;"
	"DELETE FROM officers; DELETE FROM enterprises; DELETE FROM "
	"    risk_history; DELETE FROM devices; DELETE FROM assignments;"
	"DELETE FROM inspections; DELETE FROM inspection_entries;"
	"DELETE FROM reviews; DELETE FROM decisions; DELETE FROM "
	"    credit_repairs;"
	"UPDATE registry_state SET value = 0 WHERE key = 'synced_to';";

/*
 * Brings a registry made by an older version up to date.  The check is
 * repeated inside the write transaction, so two processes opening the
 * same old database do not both alter it.
 */
static int
upgrade(sqlite3 *db)
{
	int rc;

	if (db_prepares(db, has_procedure))
		return 0;
	if ((rc = db_exec(db, "BEGIN IMMEDIATE")) != 0)
		return rc;
	if ((!db_prepares(db, has_procedure) &&
	    (rc = db_exec(db, upgrade_sql)) != 0) ||
	    (rc = db_exec(db, "COMMIT")) != 0) {
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	return 0;
}

int
registry_inspect_schema(sqlite3 *db)
{
	int rc;

	if ((rc = db_exec(db, schema_sql)) != 0 ||
	    (rc = registry_procedure_schema(db)) != 0)
		return rc;
	return upgrade(db);
}

static const char *
get_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int
apply_device(sqlite3 *db, uint64_t index, json_t *e)
{
	const char *cam = get_str(e, "camera"), *kind = get_str(e, "kind");

	if (cam == NULL || kind == NULL)
		return CUSTOS_ERR_CORRUPT;
	return view_exec(db, "INSERT OR IGNORE INTO devices (camera, kind, "
	    "model, review, idx) VALUES (?1, ?2, ?3, ?4, ?5)", "ssssi", cam, kind,
	    get_str(e, "model"), get_str(e, "review"), (int64_t)index);
}

static int
apply_assign(sqlite3 *db, uint64_t index, json_t *e)
{
	const char *cam = get_str(e, "camera"), *off = get_str(e, "officer");
	const char *from = get_str(e, "from");
	int rc;

	if (cam == NULL || off == NULL || from == NULL)
		return CUSTOS_ERR_CORRUPT;
	if ((rc = view_exec(db, "INSERT OR IGNORE INTO devices (camera, kind, "
	    "idx) VALUES (?1, 'body', ?2)", "si", cam, (int64_t)index)) != 0)
		return rc;
	return view_exec(db, "INSERT OR IGNORE INTO assignments (camera, "
	    "officer, since, idx) VALUES (?1, ?2, ?3, ?4)", "sssi", cam, off, from,
	    (int64_t)index);
}

/* A new inspection row from step (register or emergency). */
static int
apply_create(sqlite3 *db, uint64_t index, const char *id,
    enum lifecycle_step step, json_t *e)
{
	static const struct lifecycle none = { LIFECYCLE_NONE, 0, 0, 0, 0 };
	struct lifecycle lc;
	enum lifecycle_refusal why;
	const char *ent = get_str(e, "enterprise"), *method = get_str(e,
	    "method");
	json_t *off = json_object_get(e, "officers");
	char *officers;
	int rc, emergency = step == LIFECYCLE_EMERGENCY;

	if (ent == NULL || method == NULL || !json_is_array(off) ||
	    (emergency && get_str(e, "at") == NULL) ||
	    (!emergency && (get_str(e, "basis") == NULL ||
	    get_str(e, "content") == NULL)))
		return CUSTOS_ERR_CORRUPT;
	if ((rc = lifecycle_step(&none, step, &lc, &why)) != 0)
		return rc;
	if ((officers = json_dumps(off, JSON_COMPACT)) == NULL)
		return CUSTOS_ERR_NOMEM;
	rc = view_exec(db, "INSERT OR IGNORE INTO inspections (id, enterprise, "
	    "officers, basis, content, planned, method, emergency, state, "
	    "entered_at, backfill_due, backfill_due_unknown, idx, last_index, "
	    "last_leaf) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	    "?12, ?13, ?13, '')", "sssssssissssi", id, ent, officers,
	    get_str(e, "basis"), get_str(e, "content"), get_str(e, "planned"),
	    method, (int64_t)lc.emergency, lifecycle_state_name(lc.state),
	    get_str(e, "at"), get_str(e, "backfill_due"),
	    get_str(e, "backfill_due_unknown"), (int64_t)index);
	free(officers);
	return rc;
}

/*
 * Reads where inspection id stands into *lc.  Returns 0,
 * CUSTOS_ERR_NOTFOUND when it has no row, CUSTOS_ERR_CORRUPT for a state
 * that is not one, or a database error.
 */
static int
read_lifecycle(sqlite3 *db, const char *id, struct lifecycle *lc)
{
	sqlite3_stmt *st;
	const char *state;
	int rc;

	if ((rc = sqlite3_prepare_v2(db, "SELECT state, emergency, backfilled, "
	    "decided, credit_pending FROM inspections WHERE id = ?1", -1, &st,
	    NULL)) != SQLITE_OK)
		return db_err(rc);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((rc = db_step_row(st)) == 0) {
		state = (const char *)sqlite3_column_text(st, 0);
		lc->emergency = sqlite3_column_int(st, 1) != 0;
		lc->backfilled = sqlite3_column_int(st, 2) != 0;
		lc->decided = sqlite3_column_int(st, 3) != 0;
		lc->credit_pending = sqlite3_column_int(st, 4);
		rc = state == NULL || lifecycle_state_parse(state,
		    &lc->state) != 0 ? CUSTOS_ERR_CORRUPT : 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Whether e has what step needs: 0 or CUSTOS_ERR_CORRUPT. */
static int
check_step(enum lifecycle_step step, json_t *e)
{
	switch (step) {
	case LIFECYCLE_ENTER:
	case LIFECYCLE_LEAVE:
		return get_str(e, "at") == NULL ? CUSTOS_ERR_CORRUPT : 0;
	case LIFECYCLE_CLOSE:
		return get_str(e, "result") == NULL || get_str(e, "time") ==
		    NULL ? CUSTOS_ERR_CORRUPT : 0;
	case LIFECYCLE_BACKFILL:
		return get_str(e, "basis") == NULL || get_str(e, "content") ==
		    NULL || !json_is_boolean(json_object_get(e, "late")) ?
		    CUSTOS_ERR_CORRUPT : 0;
	default:
		return 0;
	}
}

/*
 * The columns of inspection id's row that step changes, to being where
 * the lifecycle leads (*to).
 */
static int
apply_row(sqlite3 *db, const char *id, enum lifecycle_step step,
    const struct lifecycle *to, json_t *e)
{
	const char *state = lifecycle_state_name(to->state);

	switch (step) {
	case LIFECYCLE_ENTER:
		return view_exec(db, "UPDATE inspections SET state = ?2, "
		    "entered_at = ?3 WHERE id = ?1", "sss", id, state,
		    get_str(e, "at"));
	case LIFECYCLE_LEAVE:
		return view_exec(db, "UPDATE inspections SET state = ?2, "
		    "left_at = ?3 WHERE id = ?1", "sss", id, state,
		    get_str(e, "at"));
	case LIFECYCLE_CLOSE:
		return view_exec(db, "UPDATE inspections SET state = ?2, "
		    "closed_at = ?3, result = ?4, deadline = ?5 WHERE id = ?1",
		    "sssss", id, state, get_str(e, "time"),
		    get_str(e, "result"), get_str(e, "deadline"));
	case LIFECYCLE_BACKFILL:
		return view_exec(db, "UPDATE inspections SET basis = ?2, "
		    "content = ?3, backfilled = ?4, backfill_late = ?5 "
		    "WHERE id = ?1", "sssii", id, get_str(e, "basis"),
		    get_str(e, "content"), (int64_t)to->backfilled,
		    (int64_t)json_is_true(json_object_get(e, "late")));
	default:
		return 0;
	}
}

/* The changes one lifecycle step makes to its inspection's row. */
static int
apply_step(sqlite3 *db, uint64_t index, const char *id,
    enum lifecycle_step step, json_t *e)
{
	struct lifecycle from, to;
	enum lifecycle_refusal why;
	int rc;

	if (step == LIFECYCLE_REGISTER || step == LIFECYCLE_EMERGENCY)
		return apply_create(db, index, id, step, e);
	if ((rc = check_step(step, e)) != 0)
		return rc;
	/* A step of an inspection without a row changes no row. */
	if ((rc = read_lifecycle(db, id, &from)) != 0)
		return rc == CUSTOS_ERR_NOTFOUND ? 0 : rc;
	/* The log is the record: a refused step is applied as written. */
	(void)lifecycle_step(&from, step, &to, &why);
	if ((rc = apply_row(db, id, step, &to, e)) != 0 ||
	    (rc = registry_procedure_apply(db, index, id, step, e)) != 0)
		return rc;
	if (to.decided == from.decided &&
	    to.credit_pending == from.credit_pending)
		return 0;
	return view_exec(db, "UPDATE inspections SET decided = ?2, "
	    "credit_pending = ?3 WHERE id = ?1", "sii", id,
	    (int64_t)to.decided, (int64_t)to.credit_pending);
}

/* 1 if entry index is in inspection id's chain already, 0 if not, or an
 * error. */
static int
in_chain(sqlite3 *db, const char *id, uint64_t index)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = sqlite3_prepare_v2(db, "SELECT 1 FROM inspection_entries "
	    "WHERE inspection = ?1 AND idx = ?2", -1, &st, NULL)) != SQLITE_OK)
		return db_err(rc);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
	if ((rc = db_step_row(st)) == 0)
		rc = 1;
	else if (rc == CUSTOS_ERR_NOTFOUND)
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

/* Appends entry index to its inspection's chain. */
static int
apply_chain(sqlite3 *db, struct log *l, uint64_t index, const char *id,
    const char *type)
{
	uint8_t leaf[DIGEST_LEN];
	char hex[DIGEST_STRLEN];
	int rc;

	if ((rc = log_leaf(l, index, leaf)) != 0 ||
	    (rc = digest_format(log_alg(l), leaf, hex, sizeof(hex))) != 0)
		return rc;
	if ((rc = view_exec(db, "INSERT OR IGNORE INTO inspection_entries "
	    "(inspection, idx, type) VALUES (?1, ?2, ?3)", "sis", id,
	    (int64_t)index, type)) != 0)
		return rc;
	return view_exec(db, "UPDATE inspections SET last_index = ?2, "
	    "last_leaf = ?3 WHERE id = ?1", "sis", id, (int64_t)index, hex);
}

int
registry_inspect_apply(sqlite3 *db, struct log *l, uint64_t index,
    const char *type, json_t *e)
{
	enum lifecycle_step step;
	const char *id;
	int rc;

	if (strcmp(type, ENTRY_DEVICE_REGISTERED) == 0)
		return apply_device(db, index, e);
	if (strcmp(type, ENTRY_CAMERA_ASSIGNED) == 0)
		return apply_assign(db, index, e);
	if ((id = get_str(e, "inspection")) == NULL)
		return 0;
	/* An entry applied already (the log applied again over the same
	 * tables) changes nothing: no application counts twice. */
	if ((rc = in_chain(db, id, index)) != 0)
		return rc == 1 ? 0 : rc;
	/* Any entry naming an inspection joins its chain; the lifecycle's
	 * steps also change its row. */
	if (lifecycle_step_of(type, &step) == 0 &&
	    (rc = apply_step(db, index, id, step, e)) != 0)
		return rc;
	return apply_chain(db, l, index, id, type);
}

static const struct view_col device_cols[] = {
	{ 0, offsetof(struct registry_device, camera), VIEW_TEXT },
	{ 1, offsetof(struct registry_device, kind), VIEW_TEXT },
	{ 2, offsetof(struct registry_device, model), VIEW_TEXT_NULL },
	{ 3, offsetof(struct registry_device, review), VIEW_TEXT_NULL },
	{ 4, offsetof(struct registry_device, index), VIEW_UINT }
};

static const struct view_rowtype device_type = {
	sizeof(struct registry_device), device_cols,
	sizeof(device_cols) / sizeof(device_cols[0]), NULL, NULL
};

int
registry_device(struct registry *r, const char *camera,
    struct registry_device **out)
{
	return view_query(r->db, &device_type, "SELECT camera, kind, model, "
	    "review, idx FROM devices WHERE camera = ?1", camera, (void **)out,
	    NULL);
}

void
registry_device_free(struct registry_device *d)
{
	view_rows_free(&device_type, d, 1);
}

int
registry_camera_officer(struct registry *r, const char *camera,
    const char *time, char **officer)
{
	sqlite3_stmt *st;
	int rc;

	*officer = NULL;
	/* RFC 3339 UTC times of one format compare as strings. */
	if ((rc = sqlite3_prepare_v2(r->db, "SELECT officer FROM "
	    "assignments WHERE camera = ?1 AND since <= ?2 ORDER BY since "
	    "DESC, idx DESC LIMIT 1", -1, &st, NULL)) != SQLITE_OK)
		return db_err(rc);
	sqlite3_bind_text(st, 1, camera, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, time, -1, SQLITE_STATIC);
	if ((rc = db_step_row(st)) == 0)
		rc = view_col_dup(st, 0, officer, 1);
	sqlite3_finalize(st);
	return rc;
}

/* The columns of INSPECTION_COLS but the flags, which inspection_row takes. */
static const struct view_col inspection_cols[] = {
	{ 0, offsetof(struct registry_inspection, id), VIEW_TEXT },
	{ 1, offsetof(struct registry_inspection, enterprise), VIEW_TEXT },
	{ 2, offsetof(struct registry_inspection, officers), VIEW_TEXT },
	{ 3, offsetof(struct registry_inspection, basis), VIEW_TEXT_NULL },
	{ 4, offsetof(struct registry_inspection, content), VIEW_TEXT_NULL },
	{ 5, offsetof(struct registry_inspection, planned), VIEW_TEXT_NULL },
	{ 6, offsetof(struct registry_inspection, method), VIEW_TEXT },
	{ 8, offsetof(struct registry_inspection, state), VIEW_TEXT },
	{ 9, offsetof(struct registry_inspection, entered_at), VIEW_TEXT_NULL },
	{ 10, offsetof(struct registry_inspection, left_at), VIEW_TEXT_NULL },
	{ 11, offsetof(struct registry_inspection, closed_at), VIEW_TEXT_NULL },
	{ 12, offsetof(struct registry_inspection, result), VIEW_TEXT_NULL },
	{ 13, offsetof(struct registry_inspection, deadline), VIEW_TEXT_NULL },
	{ 14, offsetof(struct registry_inspection, backfill_due),
	    VIEW_TEXT_NULL },
	{ 15, offsetof(struct registry_inspection, backfill_due_unknown),
	    VIEW_TEXT_NULL },
	{ 20, offsetof(struct registry_inspection, last_leaf), VIEW_TEXT },
	{ 18, offsetof(struct registry_inspection, index), VIEW_UINT },
	{ 19, offsetof(struct registry_inspection, last_index), VIEW_UINT }
};

/* The flags of the current row, after inspection_cols. */
static int
inspection_row(sqlite3_stmt *st, void *p)
{
	struct registry_inspection *i = p;

	i->emergency = sqlite3_column_int(st, 7) != 0;
	i->backfilled = sqlite3_column_int(st, 16) != 0;
	i->backfill_late = sqlite3_column_int(st, 17) != 0;
	i->lifecycle.emergency = i->emergency;
	i->lifecycle.backfilled = i->backfilled;
	i->lifecycle.decided = sqlite3_column_int(st, 21) != 0;
	i->lifecycle.credit_pending = sqlite3_column_int(st, 22);
	return lifecycle_state_parse(i->state, &i->lifecycle.state) != 0 ?
	    CUSTOS_ERR_CORRUPT : 0;
}

static const struct view_rowtype inspection_type = {
	sizeof(struct registry_inspection), inspection_cols,
	sizeof(inspection_cols) / sizeof(inspection_cols[0]), inspection_row,
	NULL
};

int
registry_inspection(struct registry *r, const char *id,
    struct registry_inspection **out)
{
	return view_query(r->db, &inspection_type, "SELECT " INSPECTION_COLS
	    " FROM inspections WHERE id = ?1", id, (void **)out, NULL);
}

void
registry_inspection_free(struct registry_inspection *i)
{
	view_rows_free(&inspection_type, i, 1);
}

int
registry_inspections(struct registry *r, struct registry_inspection **out,
    size_t *n)
{
	return view_query(r->db, &inspection_type, "SELECT " INSPECTION_COLS
	    " FROM inspections ORDER BY id", NULL, (void **)out, n);
}

void
registry_inspections_free(struct registry_inspection *i, size_t n)
{
	view_rows_free(&inspection_type, i, n);
}

static const struct view_col chain_cols[] = {
	{ 0, offsetof(struct registry_chain_entry, index), VIEW_UINT },
	{ 1, offsetof(struct registry_chain_entry, type), VIEW_TEXT }
};

static const struct view_rowtype chain_type = {
	sizeof(struct registry_chain_entry), chain_cols,
	sizeof(chain_cols) / sizeof(chain_cols[0]), NULL, NULL
};

int
registry_inspection_chain(struct registry *r, const char *id,
    struct registry_chain_entry **out, size_t *n)
{
	return view_query(r->db, &chain_type, "SELECT idx, type FROM "
	    "inspection_entries WHERE inspection = ?1 ORDER BY idx", id,
	    (void **)out, n);
}

void
registry_chain_free(struct registry_chain_entry *c, size_t n)
{
	view_rows_free(&chain_type, c, n);
}

int
registry_inspections_on(struct registry *r, const char *prefix, uint64_t *n)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	/* IDs are ASCII, so a range scan finds the prefix without LIKE's
	 * wildcards. */
	if ((rc = sqlite3_prepare_v2(r->db, "SELECT count(*) FROM "
	    "inspections WHERE id >= ?1 AND id < ?1 || '~'", -1, &st,
	    NULL)) != SQLITE_OK)
		return db_err(rc);
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*n = (uint64_t)sqlite3_column_int64(st, 0);
		rc = 0;
	} else
		rc = db_err(rc);
	sqlite3_finalize(st);
	return rc;
}
