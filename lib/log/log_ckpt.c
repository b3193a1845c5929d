/*
 * log_ckpt: the signed checkpoints a log stores, by tree size, and the
 * RFC 3161 timestamps over them (the tables "checkpoints" and
 * "timestamps", log.c).  Both are kept as exact bytes; what they say is
 * checked by log_check() and log_verify_all().
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "custos/err.h"
#include "custos/log.h"
#include "custos/note.h"
#include "custos/tsa.h"
#include "lib/base/db_int.h"
#include "log_int.h"

/*
 * Whether the checkpoint of tree size is stored: 0 if it is,
 * CUSTOS_ERR_NOTFOUND if not, or a code from log_dberr().
 */
static int
ckpt_stored(struct log *l, uint64_t size)
{
	sqlite3_stmt *st = l->st[ST_CKPT_GET];
	int rc;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? CUSTOS_ERR_NOTFOUND : log_dberr(rc);
}

/*
 * What both puts refuse before they look at the file: a read-only
 * handle, an empty or oversized blob (more than max bytes), or a tree
 * larger than l's (beyond, which differs between them).
 */
static int
put_check(const struct log *l, uint64_t size, size_t len, size_t max,
    int beyond)
{
	if (l->rdonly || len == 0)
		return CUSTOS_ERR_INVALID;
	if (len > max)
		return CUSTOS_ERR_TOOBIG;
	if (size > l->size)
		return beyond;
	return 0;
}

/*
 * rc of the lookup of what a put would store: CUSTOS_ERR_EXISTS if it
 * found it, 0 if not, or its error.
 */
static int
put_absent(int rc)
{
	if (rc == 0)
		return CUSTOS_ERR_EXISTS;
	return rc == CUSTOS_ERR_NOTFOUND ? 0 : rc;
}

int
log_checkpoint_put(struct log *l, uint64_t size, const char *note,
    size_t len)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = put_check(l, size, len, NOTE_MAX_SIZE,
	    CUSTOS_ERR_RANGE)) != 0 ||
	    (rc = put_absent(ckpt_stored(l, size))) != 0)
		return rc;
	st = l->st[ST_CKPT_PUT];
	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	sqlite3_bind_blob(st, 2, note, (int)len, SQLITE_STATIC);
	return log_step_done(st);
}

/*
 * Both readers see only checkpoints within this handle's tree: a
 * read-only handle keeps the size it opened with, and a checkpoint of a
 * later tree could not be checked against it.
 */
static int
ckpt_row(sqlite3_stmt *st, int col, char **note, size_t *len)
{
	int rc;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		rc = log_column_copy(st, col, note, len);
	else
		rc = rc == SQLITE_DONE ? CUSTOS_ERR_NOTFOUND : log_dberr(rc);
	return rc;
}

int
log_checkpoint_latest(struct log *l, uint64_t *size, char **note,
    size_t *len)
{
	sqlite3_stmt *st = l->st[ST_CKPT_LATEST];
	int rc;

	*note = NULL;
	*len = 0;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)l->size);
	if ((rc = ckpt_row(st, 1, note, len)) == 0)
		*size = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc;
}

int
log_checkpoint_get(struct log *l, uint64_t size, char **note, size_t *len)
{
	sqlite3_stmt *st = l->st[ST_CKPT_GET];
	int rc;

	*note = NULL;
	*len = 0;
	if (size > l->size)
		return CUSTOS_ERR_NOTFOUND;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	rc = ckpt_row(st, 0, note, len);
	sqlite3_reset(st);
	return rc;
}

/*
 * Prepares sql on the timestamps table and binds the tree size n to its
 * parameter 1.  The statements are not among the kept ones because a
 * read-only handle on a log older than the table must still open: there,
 * *st is NULL and the caller finds nothing.
 */
static int
ts_prepare(struct log *l, const char *sql, uint64_t n, sqlite3_stmt **st)
{
	sqlite3_int64 count;
	int isnull, rc;

	*st = NULL;
	if ((rc = log_query_int(l->db, "SELECT count(*) FROM sqlite_schema "
	    "WHERE type = 'table' AND name = 'timestamps'", &count,
	    &isnull)) != 0)
		return rc;
	if (count == 0)
		return 0;
	if ((rc = sqlite3_prepare_v2(l->db, sql, -1, st, NULL)) != SQLITE_OK)
		return log_dberr(rc);
	sqlite3_bind_int64(*st, 1, (sqlite3_int64)n);
	return 0;
}

int
log_timestamp_put(struct log *l, uint64_t size, const uint8_t *tsr,
    size_t len)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = put_check(l, size, len, TSA_MAX_REPLY,
	    CUSTOS_ERR_NOTFOUND)) != 0 ||
	    (rc = ckpt_stored(l, size)) != 0 ||
	    (rc = put_absent(log_timestamp_get(l, size, NULL, NULL))) != 0)
		return rc;
	if ((rc = ts_prepare(l, "INSERT INTO timestamps (size, token) "
	    "VALUES (?1, ?2)", size, &st)) != 0)
		return rc;
	if (st == NULL)
		return CUSTOS_ERR_CORRUPT;
	sqlite3_bind_blob(st, 2, tsr, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : log_dberr(rc);
}

/* tsr and len may be NULL: then only whether it is stored. */
int
log_timestamp_get(struct log *l, uint64_t size, uint8_t **tsr, size_t *len)
{
	sqlite3_stmt *st;
	char *buf;
	size_t n;
	int rc;

	if (tsr != NULL)
		*tsr = NULL;
	if (len != NULL)
		*len = 0;
	if (size > l->size)
		return CUSTOS_ERR_NOTFOUND;
	if ((rc = ts_prepare(l, "SELECT token FROM timestamps "
	    "WHERE size = ?1", size, &st)) != 0)
		return rc;
	if (st == NULL)
		return CUSTOS_ERR_NOTFOUND;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = 0;
		if (tsr != NULL &&
		    (rc = log_column_copy(st, 0, &buf, &n)) == 0) {
			*tsr = (uint8_t *)buf;
			if (len != NULL)
				*len = n;
		}
	} else
		rc = rc == SQLITE_DONE ? CUSTOS_ERR_NOTFOUND : log_dberr(rc);
	sqlite3_finalize(st);
	return rc;
}

int
log_timestamp_latest(struct log *l, uint64_t *size)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = ts_prepare(l, "SELECT max(size) FROM timestamps "
	    "WHERE size <= ?1", l->size, &st)) != 0)
		return rc;
	if (st == NULL)
		return CUSTOS_ERR_NOTFOUND;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		rc = db_column_uint(st, 0, size);
	else
		rc = log_dberr(rc);
	sqlite3_finalize(st);
	return rc;
}

int
log_open_err(int rc)
{
	return rc == CUSTOS_ERR_FORMAT || rc == CUSTOS_ERR_TOOBIG ?
	    CUSTOS_ERR_CORRUPT : rc;
}
