/*
 * view_int: a derived view of the log, the mechanism the catalog
 * (lib/evidence/catalog.c) and the registry (lib/inspection/registry.c)
 * share.  A view is a set of tables beside the log in its SQLite file, on
 * a connection of its own, that the log alone rebuilds: a state table
 * holds "synced_to", the number of entries applied, and view_sync()
 * applies the entries from there to the log's size by calling the view's
 * apply callback, one transaction a sync.  Dropping the tables and the
 * state row makes the next sync rebuild them from entry 0.
 *
 * Not a public interface: only lib/ files include it.
 */
#ifndef CUSTOS_VIEW_INT_H
#define CUSTOS_VIEW_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

struct log;
struct view;

/* What one view is: its state table, its tables and how entries apply. */
struct view_def {
	/*
	 * The name of its state table (key TEXT PRIMARY KEY, value INTEGER),
	 * which view_open() creates with its "synced_to" row at 0.  A
	 * constant identifier: it is written into SQL as it is.
	 */
	const char	 *state;
	/*
	 * Creates (or brings up to date) the view's own tables on a
	 * read-write open, after the state table: 0 or an error.
	 */
	int		(*schema)(sqlite3 *db);
	/*
	 * NULL-terminated statements that prepare only once the daemon has
	 * made (or upgraded) the tables: a read-only open where one does not
	 * prepare fails with CUSTOS_ERR_NOTFOUND.
	 */
	const char *const *ready;
	/*
	 * Applies entry index of l, parsed as e (a JSON object whose "type"
	 * is type and whose "index" is index; borrowed), inside the sync's
	 * transaction.  arg is view_open()'s.  Returns 0 or an error, which
	 * rolls back the whole sync.
	 */
	int		(*apply)(void *arg, struct log *l, uint64_t index,
			    const char *type, json_t *e);
};

/*
 * Opens the view def of the log database at path (the file log_open()
 * created), read-only when readonly is set: then no table is created,
 * nothing is written, no write lock is taken and view_sync() fails.  A
 * read-write open puts the file in WAL mode (so the view writes while the
 * log's connection reads), creates the state table and runs def->schema.
 * Both read synced_to.  def and arg must outlive the view.  Returns 0 and
 * *out (close with view_close()), CUSTOS_ERR_NOTFOUND (read-only, the
 * tables are not made yet), CUSTOS_ERR_NOMEM or an SQLite error's code.
 */
int	 view_open(const char *path, int readonly, const struct view_def *def,
	    void *arg, struct view **out);
void	 view_close(struct view *v);

/* The view's connection, for its owner's statements (borrowed). */
sqlite3	*view_db(struct view *v);

/* Number of log entries applied. */
uint64_t view_synced(const struct view *v);

/*
 * Applies the entries of l from synced_to (read again: another process
 * may have advanced it) up to log_size(l), in one transaction.  Every
 * entry must be a JSON object whose "type" is a string and whose "index"
 * is its position in the log.  Returns 0; CUSTOS_ERR_CORRUPT for an entry
 * that breaks that rule or a synced_to beyond the log (a view of another
 * log); or the apply callback's or the database's error.  On error
 * nothing the sync applied is kept.
 */
int	 view_sync(struct view *v, struct log *l);

/*
 * One column of a row type: column col into the member at offset off of
 * an element, as kind says.
 */
enum view_kind {
	VIEW_TEXT,		/* char *, copied; a NULL column is corrupt */
	VIEW_TEXT_NULL,		/* char *, copied; a NULL column stays NULL */
	VIEW_UINT		/* uint64_t */
};

struct view_col {
	int		 col;
	size_t		 off;
	enum view_kind	 kind;
};

/*
 * Row lists: what a list of one row type needs, its size, its ncols
 * columns (copied into a zeroed element in their order; the strings are
 * freed with it), and optionally copy (the rest of the current row of a
 * statement, after the columns: 0 or an error) and clear (frees the
 * element's other members).
 */
struct view_rowtype {
	size_t			  size;
	const struct view_col	 *cols;
	size_t			  ncols;
	int			(*copy)(sqlite3_stmt *, void *);
	void			(*clear)(void *);
};

/*
 * Copies text column col into a new string *out; a NULL column stays NULL
 * unless required (then CUSTOS_ERR_CORRUPT).  Returns 0 or an error.
 */
int	 view_col_dup(sqlite3_stmt *st, int col, char **out, int required);

/*
 * Runs st (bound with key as its ?1, or nothing when key is NULL) and
 * collects its rows into a new array *out of *n (free with
 * view_rows_free()).  Returns 0 or an error; st is reset and its bindings
 * cleared.
 */
int	 view_rows(const struct view_rowtype *t, sqlite3_stmt *st,
	    const char *key, void **out, size_t *n);

/* Like view_rows() for the one row of key: 0, CUSTOS_ERR_NOTFOUND, ... */
int	 view_row(const struct view_rowtype *t, sqlite3_stmt *st,
	    const char *key, void **out);

/* Frees an array of n rows of type t (their members too); NULL is fine. */
void	 view_rows_free(const struct view_rowtype *t, void *arr, size_t n);

/*
 * Prepares sql on db, collects its rows for key like view_rows() (one
 * row, like view_row(), when n is NULL) and finalizes it.
 */
int	 view_query(sqlite3 *db, const struct view_rowtype *t,
	    const char *sql, const char *key, void **out, size_t *n);

/*
 * Runs sql on db with the arguments fmt names: 's' a string (NULL binds
 * NULL), 'i' an integer (int64_t).  Returns 0 or an SQLite error's code.
 */
int	 view_exec(sqlite3 *db, const char *sql, const char *fmt, ...);

#endif /* CUSTOS_VIEW_INT_H */
