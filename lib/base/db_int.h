/*
 * db_int: the SQLite plumbing lib/log/log.c and the derived views of the
 * log (lib/log/view.c, lib/evidence/catalog.c, lib/inspection/registry.c
 * and their companions) share.  Not a public interface: only lib/ files
 * include it.
 */
#ifndef CUSTOS_DB_INT_H
#define CUSTOS_DB_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* How long a connection waits for another one's lock, in milliseconds. */
#define DB_BUSY_MS	5000

/*
 * Maps an SQLite result code (primary or extended) to a CUSTOS_ERR_* code:
 * BUSY and LOCKED to CUSTOS_ERR_BUSY, NOMEM to CUSTOS_ERR_NOMEM, FULL to
 * CUSTOS_ERR_NOSPACE, anything else to CUSTOS_ERR_DB.  A module that maps
 * more codes (the log maps CORRUPT) checks those first, then calls this.
 */
int	 db_err(int sqlite_rc);

/* Runs SQL that returns no rows: 0 or db_err()'s code. */
int	 db_exec(sqlite3 *db, const char *sql);

/* Resets st and clears its bindings, for the statement's next use. */
void	 db_reset(sqlite3_stmt *st);

/*
 * Runs a statement that returns no rows, then resets it and clears its
 * bindings: 0 when it ran to SQLITE_DONE, else db_err()'s code.
 */
int	 db_step_done(sqlite3_stmt *st);

/*
 * Like db_step_done(), with errmap (db_err() or a module's own mapping
 * that calls it) turning an SQLite error into the returned code.
 */
int	 db_step_done_as(sqlite3_stmt *st, int (*errmap)(int));

/*
 * Steps st for its first row and leaves it there for the caller's
 * sqlite3_column_*() and db_reset(): 0 on a row, CUSTOS_ERR_NOTFOUND
 * when there is none, else db_err()'s code.
 */
int	 db_step_row(sqlite3_stmt *st);

/*
 * The integer column col of the current row of st: 0 with the value in
 * *out, or CUSTOS_ERR_NOTFOUND when it is NULL (*out is left alone).
 */
int	 db_column_uint(sqlite3_stmt *st, int col, uint64_t *out);

/*
 * Puts the file of db in WAL mode: 0, CUSTOS_ERR_DB when it keeps its
 * old journal mode (a file system without shared memory), or errmap's
 * code for an SQLite error.
 */
int	 db_set_wal(sqlite3 *db, int (*errmap)(int));

/*
 * Steps a statement that returns one integer row and resets it: 0 with
 * the value in *out, CUSTOS_ERR_CORRUPT if there is no row or the value is
 * negative, else db_err()'s code.
 */
int	 db_read_uint(sqlite3_stmt *st, uint64_t *out);

/*
 * 1 if sql prepares on db, that is if the tables and columns it names
 * exist, else 0 (the statement is not run).
 */
int	 db_prepares(sqlite3 *db, const char *sql);

/* Finalizes stmts[0..n-1]; NULL entries are allowed (never prepared). */
void	 db_finalize_all(sqlite3_stmt **stmts, size_t n);

/*
 * Prepares the n statements sql[i] into stmts[i] as persistent ones.
 * Returns 0 or db_err()'s code; on error the statements prepared so far
 * stay in stmts for the caller's db_finalize_all().
 */
int	 db_prepare_all(sqlite3 *db, const char *const *sql,
	    sqlite3_stmt **stmts, size_t n);

/*
 * Opens path with sqlite3_open_v2(flags) (SQLITE_OPEN_NOMUTEX is added),
 * sets the busy timeout DB_BUSY_MS, turns on SQLITE_DBCONFIG_DEFENSIVE
 * and runs "PRAGMA synchronous = FULL".  *db is set even on failure (it
 * may be NULL) and the caller closes it with sqlite3_close().  Returns 0
 * or db_err()'s code.
 */
int	 db_open(const char *path, int flags, sqlite3 **db);

#endif /* CUSTOS_DB_INT_H */
