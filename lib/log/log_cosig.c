/*
 * log_cosig: the witnesses' cosignatures of the station's checkpoints
 * (c2sp.org/tlog-cosignature), in their own append-only table beside the
 * checkpoints:
 *
 *	cosignatures(size INTEGER REFERENCES checkpoints, witness TEXT,
 *	    line TEXT, time INTEGER, created TEXT,
 *	    PRIMARY KEY (size, witness))
 *		one signature line of witness (its key name) over the
 *		checkpoint of that size, exactly as the witness sent it,
 *		ending in "\n"; time is the cosignature's own timestamp.
 *
 * The table came after format 2 and after the timestamps: the first put
 * creates it, and a log without it has no cosignatures.  What a line says
 * is checked by the daemon before it is stored (daemon/witness.c), and by
 * every verifier after.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "custos/err.h"
#include "custos/log.h"
#include "custos/note.h"
#include "lib/base/db_int.h"
#include "log_int.h"

#define LINE_MAX_LEN	1024

static const char cosig_sql[] =
	"CREATE TABLE IF NOT EXISTS cosignatures (size INTEGER NOT NULL"
	"    REFERENCES checkpoints (size), witness TEXT NOT NULL,"
	"    line TEXT NOT NULL, time INTEGER NOT NULL,"
	"    created TEXT NOT NULL"
	"    DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
	"    PRIMARY KEY (size, witness));"
	"CREATE TRIGGER IF NOT EXISTS cosignatures_no_update"
	"    BEFORE UPDATE ON cosignatures"
	"    BEGIN SELECT RAISE(ABORT, 'custos log is append-only'); END;"
	"CREATE TRIGGER IF NOT EXISTS cosignatures_no_delete"
	"    BEFORE DELETE ON cosignatures"
	"    BEGIN SELECT RAISE(ABORT, 'custos log is append-only'); END;"
	"CREATE TRIGGER IF NOT EXISTS cosignatures_no_replace"
	"    BEFORE INSERT ON cosignatures"
	"    WHEN EXISTS (SELECT 1 FROM cosignatures WHERE size = NEW.size"
	"        AND witness = NEW.witness)"
	"    BEGIN SELECT RAISE(ABORT, 'custos log is append-only'); END;"
	"CREATE TRIGGER IF NOT EXISTS cosignatures_need_checkpoint"
	"    BEFORE INSERT ON cosignatures"
	"    WHEN NOT EXISTS (SELECT 1 FROM checkpoints WHERE size = NEW.size)"
	"    BEGIN SELECT RAISE(ABORT, 'cosignature of no checkpoint'); END;";

/* Whether the table exists: 1, 0, or a negative error. */
static int
have_table(struct log *l)
{
	sqlite3_int64 count;
	int isnull, rc;

	if ((rc = log_query_int(l->db, "SELECT count(*) FROM sqlite_schema "
	    "WHERE type = 'table' AND name = 'cosignatures'", &count,
	    &isnull)) != 0)
		return rc;
	return count > 0;
}

int
log_cosig_put(struct log *l, uint64_t size, const char *witness,
    const char *line, size_t linelen, uint64_t time)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (l->rdonly || linelen == 0 || line[linelen - 1] != '\n' ||
	    witness[0] == '\0' || strlen(witness) > NOTE_MAX_NAME ||
	    time > INT64_MAX)
		return CUSTOS_ERR_INVALID;
	if (linelen > LINE_MAX_LEN)
		return CUSTOS_ERR_TOOBIG;
	if (size == 0 || size > l->size)
		return CUSTOS_ERR_NOTFOUND;
	if ((rc = sqlite3_exec(l->db, cosig_sql, NULL, NULL, NULL)) !=
	    SQLITE_OK)
		return log_dberr(rc);
	if ((rc = sqlite3_prepare_v2(l->db, "SELECT 1 FROM cosignatures "
	    "WHERE size = ?1 AND witness = ?2", -1, &st, NULL)) != SQLITE_OK)
		return log_dberr(rc);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	sqlite3_bind_text(st, 2, witness, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return CUSTOS_ERR_EXISTS;
	if (rc != SQLITE_DONE)
		return log_dberr(rc);
	/* The checkpoint must be stored (the trigger would say so too, as
	 * a plain constraint error). */
	if ((rc = sqlite3_prepare_v2(l->db, "SELECT 1 FROM checkpoints "
	    "WHERE size = ?1", -1, &st, NULL)) != SQLITE_OK)
		return log_dberr(rc);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? CUSTOS_ERR_NOTFOUND : log_dberr(rc);
	if ((rc = sqlite3_prepare_v2(l->db, "INSERT INTO cosignatures "
	    "(size, witness, line, time) VALUES (?1, ?2, ?3, ?4)", -1, &st,
	    NULL)) != SQLITE_OK)
		return log_dberr(rc);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	sqlite3_bind_text(st, 2, witness, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, line, (int)linelen, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)time);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : log_dberr(rc);
}

/* Copies the row's columns (size, witness, line, time) into c. */
static int
row(sqlite3_stmt *st, struct log_cosig *c)
{
	const unsigned char *w;
	size_t n;
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = db_column_uint(st, 0, &c->size)) != 0 ||
	    (rc = db_column_uint(st, 3, &c->time)) != 0)
		return rc;
	if ((w = sqlite3_column_text(st, 1)) == NULL ||
	    (n = (size_t)sqlite3_column_bytes(st, 1)) == 0 ||
	    n > NOTE_MAX_NAME)
		return CUSTOS_ERR_CORRUPT;
	memcpy(c->witness, w, n);
	c->witness[n] = '\0';
	if ((rc = log_column_copy(st, 2, &c->line, &c->linelen)) != 0)
		return rc;
	if (c->linelen == 0 || c->line[c->linelen - 1] != '\n') {
		free(c->line);
		c->line = NULL;
		return CUSTOS_ERR_CORRUPT;
	}
	return 0;
}

int
log_cosig_list(struct log *l, uint64_t size, struct log_cosig **out,
    size_t *n)
{
	struct log_cosig *v = NULL, *nv;
	sqlite3_stmt *st;
	size_t cap = 0, k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (size > l->size)
		return 0;
	if ((rc = have_table(l)) <= 0)
		return rc;
	if ((rc = sqlite3_prepare_v2(l->db, "SELECT size, witness, line, "
	    "time FROM cosignatures WHERE size = ?1 ORDER BY witness", -1,
	    &st, NULL)) != SQLITE_OK)
		return log_dberr(rc);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			cap = cap == 0 ? 4 : cap * 2;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				rc = CUSTOS_ERR_NOMEM;
				goto fail;
			}
			v = nv;
		}
		if ((rc = row(st, &v[k])) != 0)
			goto fail;
		k++;
	}
	if (rc != SQLITE_DONE) {
		rc = log_dberr(rc);
		goto fail;
	}
	sqlite3_finalize(st);
	*out = v;
	*n = k;
	return 0;
fail:
	sqlite3_finalize(st);
	log_cosig_free(v, k);
	return rc;
}

int
log_cosig_latest(struct log *l, const char *witness, uint64_t *size,
    uint64_t *time)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = have_table(l)) < 0)
		return rc;
	if (rc == 0)
		return CUSTOS_ERR_NOTFOUND;
	if ((rc = sqlite3_prepare_v2(l->db, "SELECT size, time FROM "
	    "cosignatures WHERE witness = ?1 AND size <= ?2 "
	    "ORDER BY size DESC LIMIT 1", -1, &st, NULL)) != SQLITE_OK)
		return log_dberr(rc);
	sqlite3_bind_text(st, 1, witness, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)l->size);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = db_column_uint(st, 0, size)) == 0 && time != NULL)
			rc = db_column_uint(st, 1, time);
	} else
		rc = rc == SQLITE_DONE ? CUSTOS_ERR_NOTFOUND : log_dberr(rc);
	sqlite3_finalize(st);
	return rc;
}

void
log_cosig_free(struct log_cosig *c, size_t n)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < n; i++)
		free(c[i].line);
	free(c);
}
