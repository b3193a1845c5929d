/*
 * catalog: indexes derived from the log, in tables beside it in log.db.
 *
 * The catalog is a derived view of the log (lib/log/view_int.h): its own
 * SQLite connection to the log's file (WAL, so it writes its tables while
 * the log's connection reads or appends entries at other times on the
 * same thread), whose sync reads the entries it has not applied through
 * log.h and hands each to apply_entry() below.
 *
 * Schema (created IF NOT EXISTS; none of it is evidence):
 *
 *	catalog_state(key TEXT PRIMARY KEY, value INTEGER NOT NULL)
 *		"synced_to": the number of log entries applied.
 *	objects(object BLOB PRIMARY KEY, idx INTEGER, size INTEGER)
 *		the first segment.sealed entry of each object (raw hash).
 *	camera_objects(camera, object, idx, size)
 *		the first segment.sealed entry of each object from each
 *		camera: the same bytes from another camera are that
 *		camera's own segment (docs/segment.md, same_object_as).
 *	cameras(camera TEXT PRIMARY KEY, idx INTEGER, leaf BLOB)
 *		the latest segment.sealed entry of each camera.
 *	camera_files(camera, path, size, mtime, object, status, session,
 *	    path_bytes, object_raw)
 *		the inventory of each camera's latest dock.session entry;
 *		path_bytes is the exact name (from "path_hex" when the
 *		inventory has it, else the bytes of "path"), object_raw the
 *		raw hash of "object" when it parses in the log's algorithm.
 *		Both columns came after the others: catalog_open() adds
 *		them to an older database, whose existing rows keep NULL
 *		there and so never match catalog_file_object() until the
 *		camera's next session replaces them.
 *	segment_sessions(segment INTEGER PRIMARY KEY, session, sealed)
 *		for each segment index a dock.session inventory names, the
 *		session it came from: the one that says "sealed" (sealed =
 *		1), else the first that names it at all.
 *	starts(idx INTEGER PRIMARY KEY)
 *		every station.started entry.
 *	camera_assigns(camera, idx)
 *		every camera.assigned entry (the registry's assignments
 *		table, in the same file, holds more of them; the catalog
 *		keeps its own so that it depends on no other module).
 *		These three tables came later still: a database without
 *		them has all its catalog rows dropped and synced_to set to
 *		0 by catalog_open(), so the next catalog_sync() rebuilds
 *		every table from the whole log.  camera_objects came
 *		after them and is added the same way.
 *	deleted(object BLOB PRIMARY KEY, idx INTEGER)
 *		the latest object.deleted entry of each object that has
 *		not been sealed again since (its bytes are not stored).
 *		It came last of all and is added like camera_objects.
 *
 * Entries are applied by their "type":
 *
 *	segment.sealed	needs "object" (digest_parse, the log's algorithm),
 *			"size" (integer >= 0) and "camera" (string): the
 *			object row and the (camera, object) row are each
 *			inserted unless one exists (the first entry wins),
 *			the camera row is replaced; a deleted row of
 *			the object goes (it is stored again).
 *	dock.session	needs "camera" and "inventory", an array of objects
 *			each with "path" (string), "size" (integer) and
 *			"status" (string), and optionally "object",
 *			"mtime" and "path_hex" (strings; path_hex must be
 *			hex): the camera's rows in camera_files are replaced
 *			by these, with session = entry index; each item
 *			with an integer "index" (the segment) gives a
 *			segment_sessions row.
 *	station.started	a row in starts.
 *	camera.assigned	needs "camera": a row in camera_assigns.
 *	object.deleted	needs "object": its objects and camera_objects
 *			rows go, its deleted row is set to this entry.
 *	document.sealed	an "object" in the log's algorithm takes the
 *			object's deleted row away (stored again); one
 *			that is not is left alone (documents are not
 *			indexed otherwise).
 *	anything else	is only counted.
 *
 * Every entry must be a JSON object whose "type" is a string and whose
 * "index" equals its position in the log; the daemon writes nothing else.
 * One sync is one transaction: an entry that breaks these rules rolls back
 * everything the sync applied and returns CUSTOS_ERR_CORRUPT.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "custos/catalog.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/log.h"
#include "lib/base/db_int.h"
#include "lib/log/view_int.h"

/* After the state table catalog_state, which the view makes. */
static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS objects (object BLOB PRIMARY KEY,"
	"    idx INTEGER NOT NULL, size INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS cameras (camera TEXT PRIMARY KEY,"
	"    idx INTEGER NOT NULL, leaf BLOB NOT NULL) WITHOUT ROWID;"
	/* No key on (camera, path): lossy UTF-8 may map two names on a
	 * camera volume to the same text. */
	"CREATE TABLE IF NOT EXISTS camera_files (camera TEXT NOT NULL,"
	"    path TEXT NOT NULL, size INTEGER NOT NULL, mtime TEXT,"
	"    object TEXT, status TEXT NOT NULL, session INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS camera_files_camera"
	"    ON camera_files (camera);";

/*
 * Tables that came last, made by migrate() where has_sessions does not
 * prepare.  Rows for the entries already applied would be missing from
 * them, so every catalog row is dropped and the next sync rebuilds all of
 * it from the log.
 */
static const char has_sessions[] =
	"SELECT segment FROM segment_sessions LIMIT 0";
static const char schema2_sql[] =
	"CREATE TABLE segment_sessions (segment INTEGER PRIMARY KEY,"
	"    session INTEGER NOT NULL, sealed INTEGER NOT NULL);"
	"CREATE TABLE starts (idx INTEGER PRIMARY KEY);"
	"CREATE TABLE camera_assigns (camera TEXT NOT NULL,"
	"    idx INTEGER NOT NULL);"
	"CREATE INDEX camera_assigns_camera ON camera_assigns (camera, idx);"
	"DELETE FROM objects; DELETE FROM cameras; DELETE FROM camera_files;"
	"UPDATE catalog_state SET value = 0 WHERE key = 'synced_to';";

/*
 * The per-camera object table, made by migrate() where has_camera_objects
 * does not prepare; like schema2_sql it empties every catalog table so
 * that the next sync rebuilds them all, this one included, from the log.
 */
static const char has_camera_objects[] =
	"SELECT camera FROM camera_objects LIMIT 0";
static const char schema3_sql[] =
	"CREATE TABLE camera_objects (camera TEXT NOT NULL,"
	"    object BLOB NOT NULL, idx INTEGER NOT NULL,"
	"    size INTEGER NOT NULL, PRIMARY KEY (camera, object))"
	"    WITHOUT ROWID;"
	"DELETE FROM objects; DELETE FROM cameras; DELETE FROM camera_files;"
	"DELETE FROM segment_sessions; DELETE FROM starts;"
	"DELETE FROM camera_assigns;"
	"UPDATE catalog_state SET value = 0 WHERE key = 'synced_to';";

/*
 * The table of disposed objects, made by migrate() where has_deleted does
 * not prepare; it too empties every catalog table, so that the next sync
 * rebuilds them all from the log.
 */
static const char has_deleted[] =
	"SELECT object FROM deleted LIMIT 0";
static const char schema4_sql[] =
	"CREATE TABLE deleted (object BLOB PRIMARY KEY,"
	"    idx INTEGER NOT NULL) WITHOUT ROWID;"
	"DELETE FROM objects; DELETE FROM cameras; DELETE FROM camera_files;"
	"DELETE FROM segment_sessions; DELETE FROM starts;"
	"DELETE FROM camera_assigns; DELETE FROM camera_objects;"
	"UPDATE catalog_state SET value = 0 WHERE key = 'synced_to';";

/* Run after schema_sql, once camera_files has its later columns. */
static const char index_sql[] =
	"CREATE INDEX IF NOT EXISTS camera_files_path"
	"    ON camera_files (camera, path_bytes);";

/*
 * The columns camera_files gained after its first version, added by
 * migrate() where has_new_columns does not prepare.
 */
static const char has_new_columns[] =
	"SELECT path_bytes, object_raw FROM camera_files LIMIT 0";
static const char migrate_sql[] =
	"ALTER TABLE camera_files ADD COLUMN path_bytes BLOB;"
	"ALTER TABLE camera_files ADD COLUMN object_raw BLOB;";

enum {
	ST_INS_OBJECT,
	ST_INS_CAM_OBJECT,
	ST_PUT_CAMERA,
	ST_DEL_FILES,
	ST_INS_FILE,
	ST_OBJECT,
	ST_CAM_OBJECT,
	ST_CAMERA,
	ST_UNSEALED,
	ST_FILE_OBJECT,
	ST_SEG_SESSION,
	ST_INS_START,
	ST_INS_ASSIGN,
	ST_SESSION_OF,
	ST_START_BEFORE,
	ST_ASSIGN_BEFORE,
	ST_DEL_OBJECT,
	ST_DEL_CAM_OBJECT,
	ST_PUT_DELETED,
	ST_UNDELETE,
	ST_DELETED,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_INS_OBJECT] = "INSERT OR IGNORE INTO objects (object, idx, size) "
	    "VALUES (?1, ?2, ?3)",
	[ST_INS_CAM_OBJECT] = "INSERT OR IGNORE INTO camera_objects (camera, "
	    "object, idx, size) VALUES (?1, ?2, ?3, ?4)",
	[ST_PUT_CAMERA] = "INSERT OR REPLACE INTO cameras (camera, idx, leaf) "
	    "VALUES (?1, ?2, ?3)",
	[ST_DEL_FILES] = "DELETE FROM camera_files WHERE camera = ?1",
	[ST_INS_FILE] = "INSERT INTO camera_files (camera, path, size, mtime, "
	    "object, status, session, path_bytes, object_raw) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_OBJECT] = "SELECT idx, size FROM objects WHERE object = ?1",
	[ST_CAM_OBJECT] = "SELECT idx, size FROM camera_objects "
	    "WHERE camera = ?1 AND object = ?2",
	[ST_CAMERA] = "SELECT idx, leaf FROM cameras WHERE camera = ?1",
	[ST_UNSEALED] = "SELECT path, size, status, session FROM camera_files "
	    "WHERE camera = ?1 AND status <> 'sealed' ORDER BY rowid",
	/* camera_files holds only each camera's latest session; the
	 * session condition says so again rather than rely on it. */
	[ST_FILE_OBJECT] = "SELECT object_raw FROM camera_files "
	    "WHERE camera = ?1 AND path_bytes = ?2 AND size = ?3 "
	    "AND mtime = ?4 AND status IN ('sealed', 'already_sealed') "
	    "AND object_raw IS NOT NULL AND session = "
	    "(SELECT max(session) FROM camera_files WHERE camera = ?1) "
	    "ORDER BY rowid",
	/* A "sealed" item names the session the segment came from; an
	 * "already_sealed" one only fills in when none says so. */
	[ST_SEG_SESSION] = "INSERT INTO segment_sessions (segment, session, "
	    "sealed) VALUES (?1, ?2, ?3) ON CONFLICT (segment) DO UPDATE SET "
	    "session = excluded.session, sealed = 1 WHERE excluded.sealed = 1 "
	    "AND segment_sessions.sealed = 0",
	[ST_INS_START] = "INSERT OR IGNORE INTO starts (idx) VALUES (?1)",
	[ST_INS_ASSIGN] = "INSERT INTO camera_assigns (camera, idx) "
	    "VALUES (?1, ?2)",
	[ST_SESSION_OF] = "SELECT session FROM segment_sessions "
	    "WHERE segment = ?1",
	[ST_START_BEFORE] = "SELECT max(idx) FROM starts WHERE idx < ?1",
	[ST_ASSIGN_BEFORE] = "SELECT max(idx) FROM camera_assigns "
	    "WHERE camera = ?1 AND idx < ?2",
	[ST_DEL_OBJECT] = "DELETE FROM objects WHERE object = ?1",
	[ST_DEL_CAM_OBJECT] = "DELETE FROM camera_objects WHERE object = ?1",
	[ST_PUT_DELETED] = "INSERT OR REPLACE INTO deleted (object, idx) "
	    "VALUES (?1, ?2)",
	[ST_UNDELETE] = "DELETE FROM deleted WHERE object = ?1",
	[ST_DELETED] = "SELECT idx FROM deleted WHERE object = ?1",
};

struct catalog {
	struct view	*view;
	sqlite3		*db;		/* view_db(view), borrowed */
	sqlite3_stmt	*st[ST_COUNT];
};

/*
 * Brings a database made by an older version up to date: runs sql unless
 * probe prepares already.  The check is repeated inside the write
 * transaction, so two processes opening the same old database do not
 * both alter it.
 */
static int
migrate(sqlite3 *db, const char *probe, const char *sql)
{
	int rc;

	if (db_prepares(db, probe))
		return 0;
	if ((rc = db_exec(db, "BEGIN IMMEDIATE")) != 0)
		return rc;
	if ((!db_prepares(db, probe) && (rc = db_exec(db, sql)) != 0) ||
	    (rc = db_exec(db, "COMMIT")) != 0) {
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	return 0;
}

/* The view's schema callback: the tables, brought up to date. */
static int
schema(sqlite3 *db)
{
	int rc;

	if ((rc = db_exec(db, schema_sql)) != 0 ||
	    (rc = migrate(db, has_new_columns, migrate_sql)) != 0 ||
	    (rc = migrate(db, has_sessions, schema2_sql)) != 0 ||
	    (rc = migrate(db, has_camera_objects, schema3_sql)) != 0 ||
	    (rc = migrate(db, has_deleted, schema4_sql)) != 0)
		return rc;
	return db_exec(db, index_sql);
}

static int	apply_entry(void *, struct log *, uint64_t, const char *,
		    json_t *);

/* The tables that came last tell that the daemon has upgraded it. */
static const char *const ready[] = { has_new_columns, has_sessions,
	has_camera_objects, has_deleted, NULL };

static const struct view_def catalog_view = {
	"catalog_state", schema, ready, apply_entry
};

static int
open_catalog(const char *path, int readonly, struct catalog **out)
{
	struct catalog *c;
	int rc;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = view_open(path, readonly, &catalog_view, c, &c->view)) !=
	    0) {
		catalog_close(c);
		return rc;
	}
	c->db = view_db(c->view);
	if ((rc = db_prepare_all(c->db, stmt_sql, c->st, ST_COUNT)) != 0) {
		catalog_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

int
catalog_open(const char *path, struct catalog **out)
{
	return open_catalog(path, 0, out);
}

int
catalog_open_ro(const char *path, struct catalog **out)
{
	return open_catalog(path, 1, out);
}

void
catalog_close(struct catalog *c)
{
	if (c == NULL)
		return;
	db_finalize_all(c->st, ST_COUNT);
	view_close(c->view);
	free(c);
}

uint64_t
catalog_synced(const struct catalog *c)
{
	return view_synced(c->view);
}

int
catalog_sync(struct catalog *c, struct log *l)
{
	return view_sync(c->view, l);
}

/* A required string member, or NULL. */
static const char *
get_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A required non-negative integer member: 0 or CUSTOS_ERR_CORRUPT. */
static int
get_uint(json_t *o, const char *key, uint64_t *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return CUSTOS_ERR_CORRUPT;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int
apply_segment(struct catalog *c, struct log *l, uint64_t index, json_t *e)
{
	sqlite3_stmt *st;
	uint8_t hash[DIGEST_LEN], leaf[DIGEST_LEN];
	enum digest_alg alg;
	const char *obj = get_str(e, "object"), *camera = get_str(e, "camera");
	uint64_t size;
	int rc;

	if (obj == NULL || camera == NULL ||
	    get_uint(e, "size", &size) != 0 ||
	    digest_parse(obj, &alg, hash) != 0 || alg != log_alg(l))
		return CUSTOS_ERR_CORRUPT;
	if ((rc = log_leaf(l, index, leaf)) != 0)
		return rc;
	st = c->st[ST_INS_OBJECT];
	sqlite3_bind_blob(st, 1, hash, DIGEST_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)size);
	if ((rc = db_step_done(st)) != 0)
		return rc;
	st = c->st[ST_INS_CAM_OBJECT];
	sqlite3_bind_text(st, 1, camera, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, hash, DIGEST_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)index);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)size);
	if ((rc = db_step_done(st)) != 0)
		return rc;
	st = c->st[ST_UNDELETE];
	sqlite3_bind_blob(st, 1, hash, DIGEST_LEN, SQLITE_STATIC);
	if ((rc = db_step_done(st)) != 0)
		return rc;
	st = c->st[ST_PUT_CAMERA];
	sqlite3_bind_text(st, 1, camera, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
	sqlite3_bind_blob(st, 3, leaf, DIGEST_LEN, SQLITE_STATIC);
	return db_step_done(st);
}

/* Binds an optional string member; a present non-string is corrupt. */
static int
bind_opt_str(sqlite3_stmt *st, int col, json_t *item, const char *key)
{
	json_t *v = json_object_get(item, key);

	if (v == NULL || json_is_null(v))
		return sqlite3_bind_null(st, col) == SQLITE_OK ? 0 :
		    CUSTOS_ERR_DB;
	if (!json_is_string(v))
		return CUSTOS_ERR_CORRUPT;
	sqlite3_bind_text(st, col, json_string_value(v), -1, SQLITE_STATIC);
	return 0;
}

/*
 * Binds the exact name: the bytes "path_hex" spells when the item has it
 * (the name is not UTF-8 and "path" is a lossy stand-in), else the bytes
 * of "path".  A path_hex that is not a hex string is corrupt.
 */
static int
bind_path_bytes(sqlite3_stmt *st, int col, json_t *item, const char *path)
{
	json_t *v = json_object_get(item, "path_hex");
	const char *hex;
	uint8_t *raw;
	size_t len;
	int rc;

	if (v == NULL)
		return sqlite3_bind_blob(st, col, path, (int)strlen(path),
		    SQLITE_STATIC) == SQLITE_OK ? 0 : CUSTOS_ERR_DB;
	if (!json_is_string(v) || (len = json_string_length(v)) == 0 ||
	    len % 2 != 0)
		return CUSTOS_ERR_CORRUPT;
	hex = json_string_value(v);
	if ((raw = malloc(len / 2)) == NULL)
		return CUSTOS_ERR_NOMEM;
	if (hex_decode(hex, len, raw, len / 2) != 0)
		rc = CUSTOS_ERR_CORRUPT;
	else
		rc = sqlite3_bind_blob(st, col, raw, (int)(len / 2),
		    SQLITE_TRANSIENT) == SQLITE_OK ? 0 : CUSTOS_ERR_NOMEM;
	free(raw);
	return rc;
}

/*
 * Binds the raw hash of "object" when it is one in the log's algorithm,
 * else NULL: such a row is kept for its text but never matched by hash.
 */
static int
bind_object_raw(sqlite3_stmt *st, int col, json_t *item,
    enum digest_alg want)
{
	const char *obj = get_str(item, "object");
	uint8_t hash[DIGEST_LEN];
	enum digest_alg alg;

	if (obj == NULL || digest_parse(obj, &alg, hash) != 0 ||
	    alg != want)
		return sqlite3_bind_null(st, col) == SQLITE_OK ? 0 :
		    CUSTOS_ERR_DB;
	return sqlite3_bind_blob(st, col, hash, DIGEST_LEN,
	    SQLITE_TRANSIENT) == SQLITE_OK ? 0 : CUSTOS_ERR_NOMEM;
}

static int
insert_file(struct catalog *c, const char *camera, uint64_t session,
    json_t *item, enum digest_alg alg)
{
	sqlite3_stmt *st = c->st[ST_INS_FILE];
	const char *path = get_str(item, "path"), *status;
	uint64_t size;
	int rc;

	status = get_str(item, "status");
	if (!json_is_object(item) || path == NULL || status == NULL ||
	    get_uint(item, "size", &size) != 0)
		return CUSTOS_ERR_CORRUPT;
	sqlite3_bind_text(st, 1, camera, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)size);
	if ((rc = bind_opt_str(st, 4, item, "mtime")) != 0 ||
	    (rc = bind_opt_str(st, 5, item, "object")) != 0 ||
	    (rc = bind_path_bytes(st, 8, item, path)) != 0 ||
	    (rc = bind_object_raw(st, 9, item, alg)) != 0) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return rc;
	}
	sqlite3_bind_text(st, 6, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)session);
	return db_step_done(st);
}

/* A segment_sessions row for an inventory item naming a segment. */
static int
session_row(struct catalog *c, uint64_t session, json_t *item)
{
	sqlite3_stmt *st = c->st[ST_SEG_SESSION];
	json_t *v = json_object_get(item, "index");
	const char *status = get_str(item, "status");

	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) >= session)
		return CUSTOS_ERR_CORRUPT;
	sqlite3_bind_int64(st, 1, json_integer_value(v));
	sqlite3_bind_int64(st, 2, (sqlite3_int64)session);
	sqlite3_bind_int(st, 3, status != NULL && strcmp(status,
	    "sealed") == 0);
	return db_step_done(st);
}

static int
apply_session(struct catalog *c, enum digest_alg alg, uint64_t index,
    json_t *e)
{
	const char *camera = get_str(e, "camera");
	json_t *inv = json_object_get(e, "inventory"), *item;
	sqlite3_stmt *st;
	size_t i;
	int rc;

	if (camera == NULL || !json_is_array(inv))
		return CUSTOS_ERR_CORRUPT;
	st = c->st[ST_DEL_FILES];
	sqlite3_bind_text(st, 1, camera, -1, SQLITE_STATIC);
	if ((rc = db_step_done(st)) != 0)
		return rc;
	json_array_foreach(inv, i, item) {
		if ((rc = insert_file(c, camera, index, item, alg)) != 0 ||
		    (rc = session_row(c, index, item)) != 0)
			return rc;
	}
	return 0;
}

/* Inserts index, after text when not NULL, with statement st. */
static int
apply_index(sqlite3_stmt *st, const char *text, uint64_t index)
{
	int col = 1;

	if (text != NULL)
		sqlite3_bind_text(st, col++, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, col, (sqlite3_int64)index);
	return db_step_done(st);
}

/*
 * An object.deleted: the object is no longer stored, so its rows go.  A
 * later segment.sealed of the same bytes (docked again) is then the
 * object's first again: sealed as new, its bytes copied into the store.
 */
static int
apply_deleted(struct catalog *c, struct log *l, uint64_t index, json_t *e)
{
	sqlite3_stmt *st = c->st[ST_PUT_DELETED];
	uint8_t hash[DIGEST_LEN];
	enum digest_alg alg;
	const char *obj = get_str(e, "object");
	int rc, k;

	if (obj == NULL || digest_parse(obj, &alg, hash) != 0 ||
	    alg != log_alg(l))
		return CUSTOS_ERR_CORRUPT;
	for (k = ST_DEL_OBJECT; k <= ST_DEL_CAM_OBJECT; k++) {
		sqlite3_bind_blob(c->st[k], 1, hash, DIGEST_LEN,
		    SQLITE_STATIC);
		if ((rc = db_step_done(c->st[k])) != 0)
			return rc;
	}
	sqlite3_bind_blob(st, 1, hash, DIGEST_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
	return db_step_done(st);
}

/*
 * A document.sealed stores its object again: a deleted row of it goes.
 * The catalog indexes documents for nothing else, so an object it cannot
 * read is not its to judge.
 */
static int
apply_document(struct catalog *c, struct log *l, json_t *e)
{
	sqlite3_stmt *st = c->st[ST_UNDELETE];
	uint8_t hash[DIGEST_LEN];
	enum digest_alg alg;
	const char *obj = get_str(e, "object");

	if (obj == NULL || digest_parse(obj, &alg, hash) != 0 ||
	    alg != log_alg(l))
		return 0;
	sqlite3_bind_blob(st, 1, hash, DIGEST_LEN, SQLITE_STATIC);
	return db_step_done(st);
}

/* The view's apply callback: one entry, by its type. */
static int
apply_entry(void *arg, struct log *l, uint64_t index, const char *type,
    json_t *e)
{
	struct catalog *c = arg;

	if (strcmp(type, ENTRY_SEGMENT_SEALED) == 0)
		return apply_segment(c, l, index, e);
	if (strcmp(type, ENTRY_DOCK_SESSION) == 0)
		return apply_session(c, log_alg(l), index, e);
	if (strcmp(type, ENTRY_OBJECT_DELETED) == 0)
		return apply_deleted(c, l, index, e);
	if (strcmp(type, ENTRY_DOCUMENT_SEALED) == 0)
		return apply_document(c, l, e);
	if (strcmp(type, ENTRY_STATION_STARTED) == 0)
		return apply_index(c->st[ST_INS_START], NULL, index);
	if (strcmp(type, ENTRY_CAMERA_ASSIGNED) == 0)
		return get_str(e, "camera") == NULL ? CUSTOS_ERR_CORRUPT :
		    apply_index(c->st[ST_INS_ASSIGN], get_str(e, "camera"),
		    index);
	return 0;
}

int
catalog_object(struct catalog *c, const uint8_t object[DIGEST_LEN],
    uint64_t *index, uint64_t *size)
{
	sqlite3_stmt *st = c->st[ST_OBJECT];
	int rc;

	sqlite3_bind_blob(st, 1, object, DIGEST_LEN, SQLITE_STATIC);
	if ((rc = db_step_row(st)) == 0) {
		*index = (uint64_t)sqlite3_column_int64(st, 0);
		*size = (uint64_t)sqlite3_column_int64(st, 1);
	}
	db_reset(st);
	return rc;
}

int
catalog_camera_object(struct catalog *c, const char *camera,
    const uint8_t object[DIGEST_LEN], uint64_t *index, uint64_t *size)
{
	sqlite3_stmt *st = c->st[ST_CAM_OBJECT];
	int rc;

	if (camera == NULL)
		return CUSTOS_ERR_INVALID;
	sqlite3_bind_text(st, 1, camera, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, object, DIGEST_LEN, SQLITE_STATIC);
	if ((rc = db_step_row(st)) == 0) {
		*index = (uint64_t)sqlite3_column_int64(st, 0);
		*size = (uint64_t)sqlite3_column_int64(st, 1);
	}
	db_reset(st);
	return rc;
}

int
catalog_camera_last(struct catalog *c, const char *camera, uint64_t *index,
    uint8_t leaf[DIGEST_LEN])
{
	sqlite3_stmt *st = c->st[ST_CAMERA];
	int rc;

	sqlite3_bind_text(st, 1, camera, -1, SQLITE_STATIC);
	if ((rc = db_step_row(st)) == 0) {
		if (sqlite3_column_bytes(st, 1) == DIGEST_LEN) {
			*index = (uint64_t)sqlite3_column_int64(st, 0);
			memcpy(leaf, sqlite3_column_blob(st, 1), DIGEST_LEN);
		} else
			rc = CUSTOS_ERR_CORRUPT;
	}
	db_reset(st);
	return rc;
}

int
catalog_file_object(struct catalog *c, const char *camera,
    const char *path, size_t pathlen, uint64_t size, const char *mtime,
    uint8_t object[DIGEST_LEN])
{
	sqlite3_stmt *st = c->st[ST_FILE_OBJECT];
	uint8_t found[DIGEST_LEN];
	int rc, n = 0;

	if (camera == NULL || path == NULL || pathlen == 0 ||
	    pathlen > INT32_MAX || mtime == NULL || size > INT64_MAX)
		return CUSTOS_ERR_INVALID;
	sqlite3_bind_text(st, 1, camera, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, path, (int)pathlen, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)size);
	sqlite3_bind_text(st, 4, mtime, -1, SQLITE_STATIC);
	/* Two rows for one exact name cannot come from one volume; if a
	 * session still has them and they disagree, neither is trusted. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != DIGEST_LEN) {
			rc = CUSTOS_ERR_CORRUPT;
			break;
		}
		if (n++ == 0)
			memcpy(found, sqlite3_column_blob(st, 0), DIGEST_LEN);
		else if (memcmp(found, sqlite3_column_blob(st, 0),
		    DIGEST_LEN) != 0) {
			rc = CUSTOS_ERR_NOTFOUND;
			break;
		}
	}
	if (rc == SQLITE_DONE)
		rc = n > 0 ? 0 : CUSTOS_ERR_NOTFOUND;
	else if (rc > 0)
		rc = db_err(rc);
	db_reset(st);
	if (rc == 0)
		memcpy(object, found, DIGEST_LEN);
	return rc;
}

/* Copies the current row of ST_UNSEALED into f (a struct catalog_file). */
static int
copy_file_row(sqlite3_stmt *st, void *p)
{
	struct catalog_file *f = p;
	const unsigned char *path = sqlite3_column_text(st, 0);
	const unsigned char *status = sqlite3_column_text(st, 2);

	if (path == NULL || status == NULL)
		return CUSTOS_ERR_NOMEM;
	f->size = (uint64_t)sqlite3_column_int64(st, 1);
	f->session = (uint64_t)sqlite3_column_int64(st, 3);
	if ((f->path = strdup((const char *)path)) == NULL ||
	    (f->status = strdup((const char *)status)) == NULL)
		return CUSTOS_ERR_NOMEM;
	return 0;
}

static void
clear_file(void *p)
{
	struct catalog_file *f = p;

	free(f->path);
	free(f->status);
}

static const struct view_rowtype file_type = {
	.size = sizeof(struct catalog_file), .copy = copy_file_row,
	.clear = clear_file
};

int
catalog_unsealed(struct catalog *c, const char *camera,
    struct catalog_file **out, size_t *n)
{
	return view_rows(&file_type, c->st[ST_UNSEALED], camera,
	    (void **)out, n);
}

void
catalog_files_free(struct catalog_file *f, size_t n)
{
	view_rows_free(&file_type, f, n);
}

/* Runs st (bound by the caller) for one optional integer: 0 or NOTFOUND. */
static int
read_index(sqlite3_stmt *st, uint64_t *out)
{
	int rc;

	if ((rc = db_step_row(st)) == 0)
		rc = db_column_uint(st, 0, out);
	db_reset(st);
	return rc;
}

/* read_index() of statement which, for the one integer key it takes. */
static int
index_by(struct catalog *c, int which, uint64_t key, uint64_t *out)
{
	sqlite3_stmt *st = c->st[which];

	if (key > INT64_MAX)
		return CUSTOS_ERR_INVALID;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)key);
	return read_index(st, out);
}

int
catalog_segment_session(struct catalog *c, uint64_t segment,
    uint64_t *session)
{
	return index_by(c, ST_SESSION_OF, segment, session);
}

int
catalog_start_before(struct catalog *c, uint64_t index, uint64_t *start)
{
	return index_by(c, ST_START_BEFORE, index, start);
}

int
catalog_assignment_before(struct catalog *c, const char *camera,
    uint64_t index, uint64_t *assigned)
{
	sqlite3_stmt *st = c->st[ST_ASSIGN_BEFORE];

	if (camera == NULL || index > INT64_MAX)
		return CUSTOS_ERR_INVALID;
	sqlite3_bind_text(st, 1, camera, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
	return read_index(st, assigned);
}

int
catalog_deleted(struct catalog *c, const uint8_t object[DIGEST_LEN],
    uint64_t *index)
{
	sqlite3_stmt *st = c->st[ST_DELETED];

	sqlite3_bind_blob(st, 1, object, DIGEST_LEN, SQLITE_STATIC);
	return read_index(st, index);
}

/* Every file of camera's latest dock.session (the dock's numbering check). */
int
catalog_camera_files(struct catalog *c, const char *camera,
    struct catalog_file **out, size_t *n)
{
	return view_query(c->db, &file_type, "SELECT path, size, status, "
	    "session FROM camera_files WHERE camera = ?1 ORDER BY rowid",
	    camera, (void **)out, n);
}
