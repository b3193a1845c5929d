/*
 * db: one copy of the SQLite helpers the log and its derived views share
 * (see db_int.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "custos/err.h"
#include "db_int.h"

int
db_err(int sqlite_rc)
{
	/* The low byte is the primary code of an extended result code. */
	switch (sqlite_rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return CUSTOS_ERR_BUSY;
	case SQLITE_NOMEM:
		return CUSTOS_ERR_NOMEM;
	case SQLITE_FULL:
		return CUSTOS_ERR_NOSPACE;
	}
	return CUSTOS_ERR_DB;
}

int
db_exec(sqlite3 *db, const char *sql)
{
	int rc;

	if ((rc = sqlite3_exec(db, sql, NULL, NULL, NULL)) != SQLITE_OK)
		return db_err(rc);
	return 0;
}

void
db_reset(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

int
db_step_done_as(sqlite3_stmt *st, int (*errmap)(int))
{
	int rc;

	rc = sqlite3_step(st);
	db_reset(st);
	return rc == SQLITE_DONE ? 0 : errmap(rc);
}

int
db_step_done(sqlite3_stmt *st)
{
	return db_step_done_as(st, db_err);
}

int
db_step_row(sqlite3_stmt *st)
{
	int rc;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? CUSTOS_ERR_NOTFOUND : db_err(rc);
}

int
db_column_uint(sqlite3_stmt *st, int col, uint64_t *out)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return CUSTOS_ERR_NOTFOUND;
	*out = (uint64_t)sqlite3_column_int64(st, col);
	return 0;
}

int
db_set_wal(sqlite3 *db, int (*errmap)(int))
{
	sqlite3_stmt *st;
	const unsigned char *mode;
	int rc;

	if ((rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &st,
	    NULL)) != SQLITE_OK)
		return errmap(rc);
	rc = CUSTOS_ERR_DB;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (mode = sqlite3_column_text(st, 0)) != NULL &&
	    strcmp((const char *)mode, "wal") == 0)
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

int
db_read_uint(sqlite3_stmt *st, uint64_t *out)
{
	sqlite3_int64 v;
	int rc;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = sqlite3_column_int64(st, 0);
		rc = v < 0 ? CUSTOS_ERR_CORRUPT : 0;
		*out = (uint64_t)v;
	} else
		rc = rc == SQLITE_DONE ? CUSTOS_ERR_CORRUPT : db_err(rc);
	sqlite3_reset(st);
	return rc;
}

int
db_prepares(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_finalize(st);
	return 1;
}

void
db_finalize_all(sqlite3_stmt **stmts, size_t n)
{
	size_t i;

	/* sqlite3_finalize(NULL) is a harmless no-op. */
	for (i = 0; i < n; i++)
		sqlite3_finalize(stmts[i]);
}

int
db_open(const char *path, int flags, sqlite3 **db)
{
	int rc, persist = 1;

	rc = sqlite3_open_v2(path, db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return db_err(rc);
	sqlite3_busy_timeout(*db, DB_BUSY_MS);
	/* This connection may not corrupt the file through writable_schema
	 * or similar tricks, whatever SQL a caller runs on it. */
	sqlite3_db_config(*db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	/* Like the log's connection (log.c, set_pragmas()): the last one
	 * to close leaves the -wal and -shm files, so custosd can open the
	 * file again on a full disk. */
	if ((flags & SQLITE_OPEN_READWRITE) &&
	    (rc = sqlite3_file_control(*db, "main", SQLITE_FCNTL_PERSIST_WAL,
	    &persist)) != SQLITE_OK)
		return db_err(rc);
	return db_exec(*db, "PRAGMA synchronous = FULL;");
}

int
db_prepare_all(sqlite3 *db, const char *const *sql, sqlite3_stmt **stmts,
    size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if ((rc = sqlite3_prepare_v3(db, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &stmts[i], NULL)) != SQLITE_OK)
			return db_err(rc);
	return 0;
}
