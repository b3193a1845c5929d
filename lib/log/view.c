/*
 * view: a derived view of the log (view_int.h), the open, sync and row
 * plumbing the catalog and the registry share.
 *
 * A view reads the entries it has not applied through log.h, never
 * through SQL on the log's own tables, so the log module stays the only
 * reader of the log's schema.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "custos/err.h"
#include "custos/log.h"
#include "lib/base/db_int.h"
#include "view_int.h"

enum {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_GET_SYNCED,
	ST_SET_SYNCED,
	ST_COUNT
};

struct view {
	const struct view_def *def;
	void		*arg;
	sqlite3		*db;
	sqlite3_stmt	*st[ST_COUNT];
	uint64_t	 synced;
};

/* Creates the state table, its synced_to row and the view's tables. */
static int
make_tables(struct view *v)
{
	char *sql;
	int rc;

	if ((sql = sqlite3_mprintf("CREATE TABLE IF NOT EXISTS %s ("
	    "key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	    "INSERT OR IGNORE INTO %s (key, value) VALUES ('synced_to', 0);",
	    v->def->state, v->def->state)) == NULL)
		return CUSTOS_ERR_NOMEM;
	rc = db_exec(v->db, sql);
	sqlite3_free(sql);
	if (rc != 0)
		return rc;
	return v->def->schema(v->db);
}

/* CUSTOS_ERR_NOTFOUND unless every one of the def's ready probes prepares. */
static int
check_ready(struct view *v)
{
	const char *const *p;

	for (p = v->def->ready; *p != NULL; p++)
		if (!db_prepares(v->db, *p))
			return CUSTOS_ERR_NOTFOUND;
	return 0;
}

/* Prepares the view's statements and reads synced_to. */
static int
prepare(struct view *v)
{
	const char *sql[ST_COUNT];
	char *get, *set;
	int rc;

	get = sqlite3_mprintf("SELECT value FROM %s WHERE key = 'synced_to'",
	    v->def->state);
	set = sqlite3_mprintf("UPDATE %s SET value = ?1 WHERE key = "
	    "'synced_to'", v->def->state);
	sql[ST_BEGIN] = "BEGIN IMMEDIATE";
	sql[ST_COMMIT] = "COMMIT";
	sql[ST_ROLLBACK] = "ROLLBACK";
	sql[ST_GET_SYNCED] = get;
	sql[ST_SET_SYNCED] = set;
	if (get == NULL || set == NULL)
		rc = CUSTOS_ERR_NOMEM;
	else if ((rc = db_prepare_all(v->db, sql, v->st, ST_COUNT)) == 0)
		rc = db_read_uint(v->st[ST_GET_SYNCED], &v->synced);
	sqlite3_free(get);
	sqlite3_free(set);
	return rc;
}

int
view_open(const char *path, int readonly, const struct view_def *def,
    void *arg, struct view **out)
{
	struct view *v;
	int rc;

	*out = NULL;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return CUSTOS_ERR_NOMEM;
	v->def = def;
	v->arg = arg;
	if (readonly)
		rc = db_open(path, SQLITE_OPEN_READONLY, &v->db);
	else
		rc = db_open(path, SQLITE_OPEN_READWRITE, &v->db);
	/* db_open() set the rest; a view also needs the file in WAL mode. */
	if (rc == 0)
		rc = readonly ? check_ready(v) : db_set_wal(v->db, db_err);
	if (rc == 0 && !readonly)
		rc = make_tables(v);
	if (rc == 0)
		rc = prepare(v);
	if (rc != 0) {
		view_close(v);
		return rc;
	}
	*out = v;
	return 0;
}

void
view_close(struct view *v)
{
	if (v == NULL)
		return;
	db_finalize_all(v->st, ST_COUNT);
	sqlite3_close(v->db);
	free(v);
}

sqlite3 *
view_db(struct view *v)
{
	return v->db;
}

uint64_t
view_synced(const struct view *v)
{
	return v->synced;
}

/* Reads, parses, checks and applies entry index. */
static int
apply_entry(struct view *v, struct log *l, uint64_t index)
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
	type = json_string_value(json_object_get(e, "type"));
	if (!json_is_object(e) || type == NULL || !json_is_integer(idx) ||
	    json_integer_value(idx) < 0 ||
	    (uint64_t)json_integer_value(idx) != index)
		rc = CUSTOS_ERR_CORRUPT;
	else
		rc = v->def->apply(v->arg, l, index, type, e);
	json_decref(e);
	return rc;
}

static int
sync_range(struct view *v, struct log *l, uint64_t *to)
{
	sqlite3_stmt *st = v->st[ST_SET_SYNCED];
	uint64_t i, from, size = log_size(l);
	int rc;

	if ((rc = db_read_uint(v->st[ST_GET_SYNCED], &from)) != 0)
		return rc;
	if (from > size)
		return CUSTOS_ERR_CORRUPT;	/* a view of another log */
	for (i = from; i < size; i++)
		if ((rc = apply_entry(v, l, i)) != 0)
			return rc;
	/* Another process may have brought it this far already. */
	if (from < size) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
		if ((rc = db_step_done(st)) != 0)
			return rc;
	}
	*to = size;
	return 0;
}

int
view_sync(struct view *v, struct log *l)
{
	uint64_t to;
	int rc;

	/* The cheap common case: nothing appended since the last sync. */
	if (v->synced == log_size(l))
		return 0;
	if ((rc = db_step_done(v->st[ST_BEGIN])) != 0)
		return rc;
	if ((rc = sync_range(v, l, &to)) != 0 ||
	    (rc = db_step_done(v->st[ST_COMMIT])) != 0) {
		(void)db_step_done(v->st[ST_ROLLBACK]);
		return rc;
	}
	v->synced = to;
	return 0;
}

int
view_col_dup(sqlite3_stmt *st, int col, char **out, int required)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	*out = NULL;
	if (s == NULL)
		return required ? CUSTOS_ERR_CORRUPT : 0;
	return (*out = strdup((const char *)s)) == NULL ? CUSTOS_ERR_NOMEM : 0;
}

/* The member of element p that column c fills. */
static void *
col_member(const struct view_col *c, void *p)
{
	return (char *)p + c->off;
}

/* Copies the current row of st into the zeroed element p of type t. */
static int
copy_row(const struct view_rowtype *t, sqlite3_stmt *st, void *p)
{
	const struct view_col *c;
	int rc;

	for (c = t->cols; c < t->cols + t->ncols; c++) {
		if (c->kind == VIEW_UINT)
			*(uint64_t *)col_member(c, p) =
			    (uint64_t)sqlite3_column_int64(st, c->col);
		else if ((rc = view_col_dup(st, c->col, col_member(c, p),
		    c->kind == VIEW_TEXT)) != 0)
			return rc;
	}
	return t->copy == NULL ? 0 : t->copy(st, p);
}

void
view_rows_free(const struct view_rowtype *t, void *arr, size_t n)
{
	const struct view_col *c;
	void *p;
	size_t i;

	if (arr == NULL)
		return;
	for (i = 0; i < n; i++) {
		p = (char *)arr + i * t->size;
		for (c = t->cols; c < t->cols + t->ncols; c++)
			if (c->kind != VIEW_UINT)
				free(*(char **)col_member(c, p));
		if (t->clear != NULL)
			t->clear(p);
	}
	free(arr);
}

/* Grows *arr by one zeroed element and copies the current row into it. */
static int
push_row(const struct view_rowtype *t, sqlite3_stmt *st, void **arr,
    size_t *n, size_t *cap)
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
	return copy_row(t, st, (char *)*arr + (*n)++ * t->size);
}

int
view_rows(const struct view_rowtype *t, sqlite3_stmt *st, const char *key,
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
	db_reset(st);
	if (rc != 0) {
		view_rows_free(t, arr, cnt);
		return rc;
	}
	*out = arr;
	*n = cnt;
	return 0;
}

int
view_row(const struct view_rowtype *t, sqlite3_stmt *st, const char *key,
    void **out)
{
	void *arr;
	size_t n;
	int rc;

	*out = NULL;
	if ((rc = view_rows(t, st, key, &arr, &n)) != 0)
		return rc;
	if (n == 0) {
		free(arr);
		return CUSTOS_ERR_NOTFOUND;
	}
	*out = arr;
	return 0;
}

int
view_query(sqlite3 *db, const struct view_rowtype *t, const char *sql,
    const char *key, void **out, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL)) != SQLITE_OK)
		return db_err(rc);
	if (n == NULL)
		rc = view_row(t, st, key, out);
	else
		rc = view_rows(t, st, key, out, n);
	sqlite3_finalize(st);
	return rc;
}

int
view_exec(sqlite3 *db, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	const char *s;
	int rc, col;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL)) != SQLITE_OK)
		return db_err(rc);
	va_start(ap, fmt);
	for (col = 1; *fmt != '\0'; fmt++, col++) {
		if (*fmt == 's') {
			if ((s = va_arg(ap, const char *)) == NULL)
				sqlite3_bind_null(st, col);
			else
				sqlite3_bind_text(st, col, s, -1,
				    SQLITE_TRANSIENT);
		} else
			sqlite3_bind_int64(st, col, va_arg(ap, int64_t));
	}
	va_end(ap);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_err(rc);
}
