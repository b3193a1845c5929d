/*
 * log: the append-only evidence log in one SQLite file.
 *
 * Schema (format 2):
 *
 *	meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)
 *		"format" = "2", "alg" = digest_name() of the tree's hash.
 *	entries(idx INTEGER PRIMARY KEY, data BLOB NOT NULL,
 *	    leaf BLOB NOT NULL)
 *		entry idx, its exact bytes and H(0x00 || data).
 *	nodes(id INTEGER PRIMARY KEY, hash BLOB NOT NULL)
 *		the complete subtrees of merkle.h, numbered in the order
 *		appends store them (see log_node_id()): leaf n's hash, then each
 *		subtree it completes, lowest first.
 *	checkpoints(size INTEGER PRIMARY KEY, note BLOB NOT NULL,
 *	    created TEXT NOT NULL)
 *		signed checkpoint notes, exact bytes, by tree size.
 *	timestamps(size INTEGER PRIMARY KEY REFERENCES checkpoints,
 *	    token BLOB NOT NULL, created TEXT NOT NULL)
 *		the RFC 3161 TimeStampResp (DER) over the checkpoint of that
 *		size.  Added after format 2 was released: a writable open
 *		creates it in a database that lacks it, and readers of an
 *		older file find no timestamps rather than an error.
 *
 * Triggers abort every UPDATE and DELETE on all five tables.  INSERT OR
 * REPLACE deletes a row without firing DELETE triggers, so BEFORE INSERT
 * triggers also refuse a row whose key is taken, and entries and nodes
 * must arrive with the next index or id.  None of this stops someone
 * who can write the file; it stops mistakes, and log_verify_all() (in
 * log_audit.c) finds the rest.
 *
 * The database runs in WAL mode with synchronous=FULL: a commit returns
 * once the WAL is fsynced, and readers in other processes see the last
 * commit without blocking the writer.  The writer keeps the right edge of
 * the tree (the "frontier": one complete subtree per one bit of the size)
 * in memory, so an append needs no SELECT at all.
 *
 * Format 1 keyed nodes by (level, idx), which put the nodes of one proof
 * in as many distant pages as the tree has levels.  Numbered in append
 * order, the lower nodes of a proof share a few pages, the table is an
 * integer-keyed b-tree only ever appended to at its end, and the audit
 * reads it front to back beside the entries.
 *
 * This file opens a log, appends to it and reads entries back;
 * log_proof.c computes roots and proofs, log_ckpt.c keeps the
 * checkpoints and their timestamps, and log_audit.c audits the whole
 * file.  What they share
 * (struct log, the frontier, node numbering) is declared in log_int.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "custos/digest.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "lib/base/db_int.h"
#include "log_int.h"

#define LOG_FORMAT	"2"

static const char schema_sql[] =
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE entries (idx INTEGER PRIMARY KEY,"
	"    data BLOB NOT NULL, leaf BLOB NOT NULL);"
	"CREATE TABLE nodes (id INTEGER PRIMARY KEY, hash BLOB NOT NULL);"
	"CREATE TABLE checkpoints (size INTEGER PRIMARY KEY,"
	"    note BLOB NOT NULL, created TEXT NOT NULL"
	"    DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));"
#define NO_CHANGE(t)							\
	"CREATE TRIGGER " t "_no_update BEFORE UPDATE ON " t		\
	"    BEGIN SELECT RAISE(ABORT, 'custos log is append-only'); END;" \
	"CREATE TRIGGER " t "_no_delete BEFORE DELETE ON " t		\
	"    BEGIN SELECT RAISE(ABORT, 'custos log is append-only'); END;"
	NO_CHANGE("meta")
	NO_CHANGE("entries")
	NO_CHANGE("nodes")
	NO_CHANGE("checkpoints")
#undef NO_CHANGE
	"CREATE TRIGGER meta_no_replace BEFORE INSERT ON meta"
	"    WHEN EXISTS (SELECT 1 FROM meta WHERE key = NEW.key)"
	"    BEGIN SELECT RAISE(ABORT, 'custos log is append-only'); END;"
	"CREATE TRIGGER entries_in_order BEFORE INSERT ON entries"
	"    WHEN NEW.idx IS NOT"
	"        coalesce((SELECT max(idx) FROM entries) + 1, 0)"
	"    BEGIN SELECT RAISE(ABORT, 'custos log is append-only'); END;"
	"CREATE TRIGGER nodes_in_order BEFORE INSERT ON nodes"
	"    WHEN NEW.id IS NOT"
	"        coalesce((SELECT max(id) FROM nodes) + 1, 0)"
	"    BEGIN SELECT RAISE(ABORT, 'custos log is append-only'); END;"
	"CREATE TRIGGER checkpoints_no_replace BEFORE INSERT ON checkpoints"
	"    WHEN EXISTS (SELECT 1 FROM checkpoints WHERE size = NEW.size)"
	"    BEGIN SELECT RAISE(ABORT, 'custos log is append-only'); END;";

/*
 * The timestamps table and its triggers, idempotent so that it upgrades
 * an existing log in place.  Foreign keys are off on our connections, so
 * a trigger refuses a token for a checkpoint that is not stored.
 */
static const char timestamps_sql[] =
	"CREATE TABLE IF NOT EXISTS timestamps (size INTEGER PRIMARY KEY"
	"    REFERENCES checkpoints (size), token BLOB NOT NULL,"
	"    created TEXT NOT NULL"
	"    DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));"
	"CREATE TRIGGER IF NOT EXISTS timestamps_no_update"
	"    BEFORE UPDATE ON timestamps"
	"    BEGIN SELECT RAISE(ABORT, 'custos log is append-only'); END;"
	"CREATE TRIGGER IF NOT EXISTS timestamps_no_delete"
	"    BEFORE DELETE ON timestamps"
	"    BEGIN SELECT RAISE(ABORT, 'custos log is append-only'); END;"
	"CREATE TRIGGER IF NOT EXISTS timestamps_no_replace"
	"    BEFORE INSERT ON timestamps"
	"    WHEN EXISTS (SELECT 1 FROM timestamps WHERE size = NEW.size)"
	"    BEGIN SELECT RAISE(ABORT, 'custos log is append-only'); END;"
	"CREATE TRIGGER IF NOT EXISTS timestamps_need_checkpoint"
	"    BEFORE INSERT ON timestamps"
	"    WHEN NOT EXISTS (SELECT 1 FROM checkpoints WHERE size = NEW.size)"
	"    BEGIN SELECT RAISE(ABORT, 'timestamp of no checkpoint'); END;";

/* The SQL of the statements a struct log keeps, by ST_* of log_int.h. */
static const char *const stmt_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_BEGIN_READ] = "BEGIN",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_INS_ENTRY] = "INSERT INTO entries (idx, data, leaf) "
	    "VALUES (?1, ?2, ?3)",
	[ST_INS_NODE] = "INSERT INTO nodes (id, hash) VALUES (?1, ?2)",
	[ST_NODE] = "SELECT hash FROM nodes WHERE id = ?1",
	[ST_ENTRY] = "SELECT data FROM entries WHERE idx = ?1",
	[ST_LEAF] = "SELECT leaf FROM entries WHERE idx = ?1",
	[ST_SCAN] = "SELECT idx, data FROM entries WHERE idx >= ?1 "
	    "AND idx < ?2 ORDER BY idx",
	[ST_CKPT_PUT] = "INSERT INTO checkpoints (size, note) VALUES (?1, ?2)",
	[ST_CKPT_GET] = "SELECT note FROM checkpoints WHERE size = ?1",
	[ST_CKPT_LATEST] = "SELECT size, note FROM checkpoints "
	    "WHERE size <= ?1 ORDER BY size DESC LIMIT 1",
};

int
log_dberr(int rc)
{
	/* Unlike the catalog and registry, the log reports a damaged file
	 * as CUSTOS_ERR_CORRUPT; the rest is the shared mapping. */
	if ((rc & 0xff) == SQLITE_CORRUPT)
		return CUSTOS_ERR_CORRUPT;
	return db_err(rc);
}

int
log_step_done(sqlite3_stmt *st)
{
	return db_step_done_as(st, log_dberr);
}

void
log_frontier_push(struct frontier *f, const struct merkle_node *nodes,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		memcpy(f->hash[nodes[i].level], nodes[i].hash, DIGEST_LEN);
	f->size++;
}

static int
frontier_get(const struct frontier *f, unsigned level, uint64_t index,
    uint8_t out[DIGEST_LEN])
{
	if (level >= MERKLE_MAX_LEVELS || ((f->size >> level) & 1) == 0 ||
	    index != (f->size >> level) - 1)
		return CUSTOS_ERR_NOTFOUND;
	memcpy(out, f->hash[level], DIGEST_LEN);
	return 0;
}

/*
 * Number of nodes stored for a tree of n leaves: every leaf, and one
 * inner node per merge, n - 1 of them minus one per one bit of n that
 * stays unmerged on the right edge.
 */
uint64_t
log_hash_count(uint64_t n)
{
	return 2 * n - (uint64_t)__builtin_popcountll(n);
}

/*
 * The row id of node (level, index): nodes are numbered in the order
 * appends store them (leaf n, then each subtree leaf n completes, lowest
 * first), as golang.org/x/mod/sumdb/tlog numbers its stored hashes.
 * Node (level, index) is stored with its last leaf m = ((index + 1) <<
 * level) - 1, right after leaf m's hash, which has the id of the
 * log_hash_count(m) nodes before it.  Returns CUSTOS_ERR_RANGE for a node
 * beyond 2^62 leaves, whose id would not fit a SQLite integer.
 */
int
log_node_id(unsigned level, uint64_t index, uint64_t *id)
{
	uint64_t m;

	if (level >= 62 || index >= (UINT64_C(1) << (62 - level)))
		return CUSTOS_ERR_RANGE;
	m = ((index + 1) << level) - 1;
	*id = log_hash_count(m) + level;
	return 0;
}

int
log_column_hash(sqlite3_stmt *st, int col, uint8_t out[DIGEST_LEN])
{
	if (sqlite3_column_bytes(st, col) != DIGEST_LEN)
		return CUSTOS_ERR_CORRUPT;
	memcpy(out, sqlite3_column_blob(st, col), DIGEST_LEN);
	return 0;
}

int
log_node_read(struct log *l, unsigned level, uint64_t index,
    uint8_t out[DIGEST_LEN])
{
	sqlite3_stmt *st = l->st[ST_NODE];
	uint64_t id, key = 0;
	size_t slot = 0;
	int rc;

	if (log_node_id(level, index, &id) != 0)
		return CUSTOS_ERR_CORRUPT;
	if (level >= CACHE_MIN_LEVEL) {
		key = id + 1;
		slot = (size_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 52) %
		    CACHE_SLOTS;
		if (l->cache.key[slot] == key) {
			memcpy(out, l->cache.hash[slot], DIGEST_LEN);
			return 0;
		}
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if ((rc = log_column_hash(st, 0, out)) == 0 && key != 0) {
			l->cache.key[slot] = key;
			memcpy(l->cache.hash[slot], out, DIGEST_LEN);
		}
	} else if (rc == SQLITE_DONE)
		rc = CUSTOS_ERR_CORRUPT;
	else
		rc = log_dberr(rc);
	sqlite3_reset(st);
	return rc;
}

int
log_edge_read(void *arg, unsigned level, uint64_t index,
    uint8_t out[DIGEST_LEN])
{
	struct edge_reader *e = arg;

	if (e->f != NULL && frontier_get(e->f, level, index, out) == 0)
		return 0;
	if (e->l == NULL)
		return CUSTOS_ERR_NOTFOUND;
	return log_node_read(e->l, level, index, out);
}

/* Runs sql and returns its single integer or text result. */
int
log_query_int(sqlite3 *db, const char *sql, sqlite3_int64 *out, int *isnull)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL)) != SQLITE_OK)
		return log_dberr(rc);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*isnull = sqlite3_column_type(st, 0) == SQLITE_NULL;
		*out = sqlite3_column_int64(st, 0);
		rc = 0;
	} else
		rc = rc == SQLITE_DONE ? CUSTOS_ERR_CORRUPT : log_dberr(rc);
	sqlite3_finalize(st);
	return rc;
}

/* Reads meta value key into buf; CUSTOS_ERR_CORRUPT if it is missing. */
static int
meta_get(sqlite3 *db, const char *key, char *buf, size_t bufsz)
{
	sqlite3_stmt *st;
	const unsigned char *v;
	int rc;

	if ((rc = sqlite3_prepare_v2(db, "SELECT value FROM meta "
	    "WHERE key = ?1", -1, &st, NULL)) != SQLITE_OK)
		return log_dberr(rc);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = sqlite3_column_text(st, 0);
		if (v != NULL && strlen((const char *)v) < bufsz) {
			strcpy(buf, (const char *)v);
			rc = 0;
		} else
			rc = CUSTOS_ERR_CORRUPT;
	} else
		rc = rc == SQLITE_DONE ? CUSTOS_ERR_CORRUPT : log_dberr(rc);
	sqlite3_finalize(st);
	return rc;
}

static int
has_schema(sqlite3 *db, int *yes)
{
	sqlite3_int64 n;
	int isnull, rc;

	rc = log_query_int(db, "SELECT count(*) FROM sqlite_schema "
	    "WHERE type = 'table' AND name = 'meta'", &n, &isnull);
	*yes = rc == 0 && n > 0;
	return rc;
}

static int
create_schema(sqlite3 *db, enum digest_alg alg)
{
	sqlite3_stmt *st = NULL;
	int rc, yes;

	if ((rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) !=
	    SQLITE_OK)
		return log_dberr(rc);
	/* Two processes may race to create the same file; the loser sees
	 * the winner's schema here. */
	if ((rc = has_schema(db, &yes)) != 0 || yes)
		goto out;
	if ((rc = sqlite3_exec(db, schema_sql, NULL, NULL, NULL)) !=
	    SQLITE_OK) {
		rc = log_dberr(rc);
		goto out;
	}
	if ((rc = sqlite3_prepare_v2(db, "INSERT INTO meta (key, value) "
	    "VALUES ('format', '" LOG_FORMAT "'), ('alg', ?1)", -1, &st,
	    NULL)) != SQLITE_OK) {
		rc = log_dberr(rc);
		goto out;
	}
	sqlite3_bind_text(st, 1, digest_name(alg), -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 :
	    log_dberr(sqlite3_errcode(db));
	sqlite3_finalize(st);
 out:
	if (rc == 0 && (rc = sqlite3_exec(db, "COMMIT", NULL, NULL,
	    NULL)) != SQLITE_OK)
		rc = log_dberr(rc);
	if (rc != 0)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static int
create_timestamps(sqlite3 *db)
{
	int rc;

	if ((rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) !=
	    SQLITE_OK)
		return log_dberr(rc);
	if ((rc = sqlite3_exec(db, timestamps_sql, NULL, NULL, NULL)) !=
	    SQLITE_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return log_dberr(rc);
	}
	if ((rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL)) !=
	    SQLITE_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return log_dberr(rc);
	}
	return 0;
}

static int
set_pragmas(sqlite3 *db, int rdonly)
{
	int rc, persist = 1;

	sqlite3_busy_timeout(db, DB_BUSY_MS);
	/* This connection may not corrupt the file through writable_schema
	 * or similar tricks, whatever SQL a caller runs on it. */
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	/* Proofs read O(log n) scattered tree nodes; reading them through a
	 * memory map instead of one pread() per page halves the cost of a
	 * proof in a log of millions of entries.  Writes still go through
	 * the WAL. */
	if ((rc = sqlite3_exec(db, "PRAGMA mmap_size = 1073741824;", NULL, NULL,
	    NULL)) != SQLITE_OK)
		return log_dberr(rc);
	if (rdonly)
		return 0;
	if ((rc = sqlite3_exec(db, "PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = OFF;", NULL, NULL, NULL)) != SQLITE_OK)
		return log_dberr(rc);
	/* Keep the -wal and -shm files when the last connection closes:
	 * the next open then needs no new disk space, so the daemon can
	 * start (and say so) on a full disk. */
	if ((rc = sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL,
	    &persist)) != SQLITE_OK)
		return log_dberr(rc);
	/* A file system without shared memory keeps the old journal mode;
	 * the log then is not what log.h promises, so refuse it. */
	return db_set_wal(db, log_dberr);
}

static int
check_meta(sqlite3 *db, enum digest_alg alg)
{
	char buf[32];
	int rc, yes;

	if ((rc = has_schema(db, &yes)) != 0)
		return rc;
	if (!yes)
		return CUSTOS_ERR_CORRUPT;
	if ((rc = meta_get(db, "format", buf, sizeof(buf))) != 0)
		return rc;
	if (strcmp(buf, LOG_FORMAT) != 0)
		return CUSTOS_ERR_UNSUPPORTED;
	if ((rc = meta_get(db, "alg", buf, sizeof(buf))) != 0)
		return rc;
	if (strcmp(buf, digest_name(alg)) != 0)
		return CUSTOS_ERR_CONFIG;
	return 0;
}

/*
 * Reads the size and the frontier, and checks that entries and nodes
 * agree: the entries are 0 .. size - 1 without holes, every frontier node
 * is stored, the last leaf node is the last entry's leaf hash, and the
 * node ids run from 0 to exactly the last one of that tree, so no node
 * lies past the end.
 */
static int
load_state(struct log *l)
{
	sqlite3_int64 max, count, lo, hi;
	uint8_t leaf[DIGEST_LEN], node[DIGEST_LEN];
	unsigned level;
	int lonull, hinull, isnull, rc;

	if ((rc = log_query_int(l->db, "SELECT max(idx) FROM entries", &max,
	    &isnull)) != 0)
		return rc;
	if (isnull)
		max = -1;
	if ((rc = log_query_int(l->db, "SELECT count(*) FROM entries", &count,
	    &isnull)) != 0)
		return rc;
	if (max < -1 || count != max + 1)
		return CUSTOS_ERR_CORRUPT;
	memset(&l->front, 0, sizeof(l->front));
	l->front.size = l->size = (uint64_t)count;
	if ((rc = log_query_int(l->db, "SELECT min(id) FROM nodes", &lo,
	    &lonull)) != 0 ||
	    (rc = log_query_int(l->db, "SELECT max(id) FROM nodes", &hi,
	    &hinull)) != 0)
		return rc;
	if (l->size == 0 ? !lonull || !hinull :
	    lonull || hinull || lo != 0 ||
	    (uint64_t)hi + 1 != log_hash_count(l->size))
		return CUSTOS_ERR_CORRUPT;
	for (level = 0; level < MERKLE_MAX_LEVELS; level++) {
		if (((l->size >> level) & 1) == 0)
			continue;
		if ((rc = log_node_read(l, level, (l->size >> level) - 1,
		    l->front.hash[level])) != 0)
			return rc;
	}
	if (l->size == 0)
		return 0;
	if ((rc = log_node_read(l, 0, l->size - 1, node)) != 0 ||
	    (rc = log_leaf(l, l->size - 1, leaf)) != 0)
		return rc;
	if (memcmp(node, leaf, DIGEST_LEN) != 0)
		return CUSTOS_ERR_CORRUPT;
	return 0;
}

static int
open_db(const char *path, int flags, sqlite3 **out)
{
	struct stat sb;
	int oflags, rc;

	*out = NULL;
	if (stat(path, &sb) == -1) {
		if (errno != ENOENT)
			return CUSTOS_ERR_SYSTEM;
		if ((flags & LOG_CREATE) == 0)
			return CUSTOS_ERR_NOTFOUND;
	}
	oflags = SQLITE_OPEN_NOMUTEX;
	if (flags & LOG_RDONLY)
		oflags |= SQLITE_OPEN_READONLY;
	else
		oflags |= SQLITE_OPEN_READWRITE |
		    ((flags & LOG_CREATE) ? SQLITE_OPEN_CREATE : 0);
	rc = sqlite3_open_v2(path, out, oflags, NULL);
	if (*out != NULL)
		sqlite3_extended_result_codes(*out, 1);
	if (rc != SQLITE_OK)
		return rc == SQLITE_CANTOPEN ? CUSTOS_ERR_NOTFOUND :
		    log_dberr(rc);
	return 0;
}

int
log_open(const char *path, enum digest_alg alg, int flags, struct log **out)
{
	struct log *l;
	int rc, i;

	*out = NULL;
	if ((flags & ~(LOG_RDONLY | LOG_CREATE)) != 0 ||
	    (flags & (LOG_RDONLY | LOG_CREATE)) == (LOG_RDONLY | LOG_CREATE))
		return CUSTOS_ERR_INVALID;
	if (alg != DIGEST_SHA256 && alg != DIGEST_SM3)
		return CUSTOS_ERR_UNSUPPORTED;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return CUSTOS_ERR_NOMEM;
	l->alg = alg;
	l->rdonly = (flags & LOG_RDONLY) != 0;
	if ((rc = open_db(path, flags, &l->db)) != 0 ||
	    (rc = set_pragmas(l->db, l->rdonly)) != 0)
		goto fail;
	if ((flags & LOG_CREATE) && (rc = create_schema(l->db, alg)) != 0)
		goto fail;
	if ((rc = check_meta(l->db, alg)) != 0)
		goto fail;
	if (!l->rdonly && (rc = create_timestamps(l->db)) != 0)
		goto fail;
	for (i = 0; i < ST_COUNT; i++) {
		if ((rc = sqlite3_prepare_v3(l->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &l->st[i], NULL)) != SQLITE_OK) {
			rc = log_dberr(rc);
			goto fail;
		}
	}
	/* One read transaction, so a concurrent writer cannot slip an append
	 * between the count and the frontier. */
	if ((rc = sqlite3_exec(l->db, "BEGIN", NULL, NULL, NULL)) !=
	    SQLITE_OK) {
		rc = log_dberr(rc);
		goto fail;
	}
	rc = load_state(l);
	sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
	if (rc != 0)
		goto fail;
	/* The WAL kept from the last run (see set_pragmas()) holds frames a
	 * new connection cannot know are in the database already.  A
	 * checkpoint now lets the first append start the WAL over in the
	 * space it has rather than grow it, which a full disk refuses.  If
	 * it cannot finish, appends grow the WAL as they always did. */
	if (!l->rdonly)
		(void)sqlite3_wal_checkpoint_v2(l->db, "main",
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	*out = l;
	return 0;
 fail:
	log_close(l);
	return rc;
}

void
log_close(struct log *l)
{
	if (l == NULL)
		return;
	db_finalize_all(l->st, ST_COUNT);
	sqlite3_close(l->db);
	free(l);
}

uint64_t
log_size(const struct log *l)
{
	return l->size;
}

enum digest_alg
log_alg(const struct log *l)
{
	return l->alg;
}

static int
insert_node(struct log *l, const struct merkle_node *nd)
{
	sqlite3_stmt *st = l->st[ST_INS_NODE];
	uint64_t id;
	int rc;

	if ((rc = log_node_id(nd->level, nd->index, &id)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	sqlite3_bind_blob(st, 2, nd->hash, DIGEST_LEN, SQLITE_STATIC);
	return log_step_done(st);
}

/* Inserts entry n and its tree nodes, and advances the frontier f. */
static int
append_one(struct log *l, struct frontier *f, const void *data, size_t len,
    uint8_t leaf[DIGEST_LEN])
{
	struct merkle_node nodes[MERKLE_MAX_LEVELS];
	struct edge_reader e = { f, l };
	struct merkle_reader r = { log_edge_read, &e };
	sqlite3_stmt *st = l->st[ST_INS_ENTRY];
	size_t i, nn;
	int rc;

	if ((rc = merkle_leaf_hash(l->alg, data, len, leaf)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)f->size);
	sqlite3_bind_blob(st, 2, data, (int)len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, leaf, DIGEST_LEN, SQLITE_STATIC);
	if ((rc = log_step_done(st)) != 0)
		return rc;
	if ((rc = merkle_append(l->alg, f->size, leaf, &r, nodes, &nn)) != 0)
		return rc;
	for (i = 0; i < nn; i++)
		if ((rc = insert_node(l, &nodes[i])) != 0)
			return rc;
	log_frontier_push(f, nodes, nn);
	return 0;
}

int
log_append(struct log *l, const void *const *entries, const size_t *lens,
    size_t n, uint64_t *first, uint8_t (*leaves)[DIGEST_LEN])
{
	struct frontier f;
	uint8_t leaf[DIGEST_LEN];
	size_t i;
	int rc;

	if (l->rdonly || n == 0)
		return CUSTOS_ERR_INVALID;
	for (i = 0; i < n; i++) {
		if (lens[i] == 0 || entries[i] == NULL)
			return CUSTOS_ERR_INVALID;
		if (lens[i] > LOG_MAX_ENTRY)
			return CUSTOS_ERR_TOOBIG;
	}
	if (n > (uint64_t)INT64_MAX - l->size)
		return CUSTOS_ERR_TOOBIG;

	/* Work on a copy of the frontier: if anything fails, the rollback
	 * leaves the stored tree and l->front as they were. */
	memcpy(&f, &l->front, sizeof(f));
	if ((rc = log_step_done(l->st[ST_BEGIN])) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		if ((rc = append_one(l, &f, entries[i], lens[i],
		    leaves != NULL ? leaves[i] : leaf)) != 0)
			goto fail;
	}
	if ((rc = log_step_done(l->st[ST_COMMIT])) != 0)
		goto fail;
	*first = l->size;
	memcpy(&l->front, &f, sizeof(f));
	l->size = f.size;
	return 0;
 fail:
	if (!sqlite3_get_autocommit(l->db))
		log_step_done(l->st[ST_ROLLBACK]);
	/* Nothing read inside the rolled-back transaction may outlive it. */
	memset(l->cache.key, 0, sizeof(l->cache.key));
	return rc;
}

int
log_column_copy(sqlite3_stmt *st, int col, char **data, size_t *len)
{
	const void *p;
	int n;

	n = sqlite3_column_bytes(st, col);
	p = sqlite3_column_blob(st, col);
	if (n < 0 || (n > 0 && p == NULL))
		return CUSTOS_ERR_NOMEM;
	if ((*data = malloc((size_t)n + 1)) == NULL)
		return CUSTOS_ERR_NOMEM;
	if (n > 0)
		memcpy(*data, p, (size_t)n);
	(*data)[n] = '\0';
	*len = (size_t)n;
	return 0;
}

/*
 * Steps st, one of the statements that select a row of entries by index,
 * for entry index of l.  Returns 0 with the row current (the caller
 * resets st), CUSTOS_ERR_RANGE beyond the log, CUSTOS_ERR_CORRUPT if the
 * row is missing, or a code from log_dberr().
 */
static int
entry_row(struct log *l, sqlite3_stmt *st, uint64_t index)
{
	int rc;

	if (index >= l->size)
		return CUSTOS_ERR_RANGE;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)index);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? CUSTOS_ERR_CORRUPT : log_dberr(rc);
}

int
log_entry(struct log *l, uint64_t index, uint8_t **data, size_t *len)
{
	sqlite3_stmt *st = l->st[ST_ENTRY];
	char *buf;
	int rc;

	*data = NULL;
	*len = 0;
	if ((rc = entry_row(l, st, index)) == 0 &&
	    (rc = log_column_copy(st, 0, &buf, len)) == 0)
		*data = (uint8_t *)buf;
	sqlite3_reset(st);
	return rc;
}

int
log_leaf(struct log *l, uint64_t index, uint8_t out[DIGEST_LEN])
{
	sqlite3_stmt *st = l->st[ST_LEAF];
	int rc;

	if ((rc = entry_row(l, st, index)) == 0)
		rc = log_column_hash(st, 0, out);
	sqlite3_reset(st);
	return rc;
}

int
log_scan(struct log *l, uint64_t from, uint64_t to,
    int (*each)(void *arg, uint64_t index, const uint8_t *data, size_t len),
    void *arg)
{
	sqlite3_stmt *st = l->st[ST_SCAN];
	const uint8_t *p;
	uint64_t want = from;
	int n, rc = 0, step;

	if (from > to || to > l->size)
		return CUSTOS_ERR_RANGE;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)to);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		/* A row missing in the middle is a damaged log, as for log_entry(). */
		if ((uint64_t)sqlite3_column_int64(st, 0) != want) {
			rc = CUSTOS_ERR_CORRUPT;
			break;
		}
		n = sqlite3_column_bytes(st, 1);
		p = sqlite3_column_blob(st, 1);
		if (n < 0 || (n > 0 && p == NULL)) {
			rc = CUSTOS_ERR_NOMEM;
			break;
		}
		if ((rc = each(arg, want, n > 0 ? p : (const uint8_t *)"",
		    (size_t)n)) != 0)
			break;
		want++;
	}
	if (rc == 0 && step != SQLITE_ROW)
		rc = step == SQLITE_DONE ? (want == to ? 0 : CUSTOS_ERR_CORRUPT) :
		    log_dberr(step);
	sqlite3_reset(st);
	return rc;
}
