/*
 * Tests for lib/log/log.c on real SQLite files in a temporary directory:
 * appends and their durability across reopen, the exact entry bytes,
 * roots and proofs against merkle.h over the same leaves, the append-only
 * triggers, a read-only handle beside the writer, checkpoints, and the
 * full audit finding a tampered entry, node or checkpoint.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <limits.h>
#include <unistd.h>

#include <sqlite3.h>

#include "custos/ckpt.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "custos/note.h"
#include "custos/note_sign.h"

#include "fixture.h"

#define CP(p)	((const uint8_t (*)[DIGEST_LEN])(p))

/*
 * The same tree in memory, built by merkle.h from the leaf hashes alone,
 * to compare the log's roots and proofs with.
 */
struct memtree {
	enum digest_alg	  alg;
	uint64_t	  n;
	uint8_t		(*lv[MERKLE_MAX_LEVELS])[DIGEST_LEN];
	uint64_t	  len[MERKLE_MAX_LEVELS];
};

static int
mem_read(void *arg, unsigned level, uint64_t index, uint8_t out[DIGEST_LEN])
{
	struct memtree *t = arg;

	if (level >= MERKLE_MAX_LEVELS || index >= t->len[level])
		return CUSTOS_ERR_NOTFOUND;
	memcpy(out, t->lv[level][index], DIGEST_LEN);
	return 0;
}

static void
mem_append(struct memtree *t, const void *data, size_t len)
{
	struct merkle_reader r = { mem_read, t };
	struct merkle_node out[MERKLE_MAX_LEVELS];
	uint8_t leaf[DIGEST_LEN];
	size_t i, n;
	unsigned l;

	assert_int_equal(merkle_leaf_hash(t->alg, data, len, leaf), 0);
	assert_int_equal(merkle_append(t->alg, t->n, leaf, &r, out, &n), 0);
	for (i = 0; i < n; i++) {
		l = out[i].level;
		t->lv[l] = realloc(t->lv[l], (t->len[l] + 1) * DIGEST_LEN);
		assert_non_null(t->lv[l]);
		memcpy(t->lv[l][t->len[l]++], out[i].hash, DIGEST_LEN);
	}
	t->n++;
}

static void
mem_free(struct memtree *t)
{
	unsigned i;

	for (i = 0; i < MERKLE_MAX_LEVELS; i++)
		free(t->lv[i]);
}

/*
 * The row id of node (level, index) in the nodes table: its position in
 * the order appends store nodes (leaf n, then the subtrees leaf n
 * completes, lowest first).  Counted out append by append, so that it
 * does not share the closed form log.c computes it with.
 */
static uint64_t
nid(unsigned level, uint64_t index)
{
	uint64_t n, id = 0;
	unsigned l;

	for (n = 0;; n++) {
		if (level == 0 && index == n)
			return id;
		id++;
		for (l = 1; l < 63 && (n + 1) % (UINT64_C(1) << l) == 0; l++) {
			if (l == level && index == (n + 1) / (UINT64_C(1) << l)
			    - 1)
				return id;
			id++;
		}
	}
}

/* Entry i of the tests: JSON-like text of a length that varies with i. */
static size_t
make_entry(uint64_t i, char *buf, size_t bufsz)
{
	size_t n;

	n = (size_t)snprintf(buf, bufsz, "{\"type\":\"segment.sealed\","
	    "\"index\":%llu,\"pad\":\"", (unsigned long long)i);
	for (; n < bufsz - 3 && n < 40 + (i * 37) % 200; n++)
		buf[n] = (char)('a' + (i + n) % 26);
	buf[n++] = '"';
	buf[n++] = '}';
	buf[n] = '\0';
	return n;
}

/* Appends entries first .. first + n - 1 as one batch to l and t. */
static void
append_batch(struct log *l, struct memtree *t, uint64_t first, size_t n)
{
	char (*bufs)[256];
	const void **ptrs;
	size_t *lens, i;
	uint8_t (*leaves)[DIGEST_LEN], want[DIGEST_LEN];
	uint64_t got;

	assert_non_null(bufs = calloc(n, sizeof(*bufs)));
	assert_non_null(ptrs = calloc(n, sizeof(*ptrs)));
	assert_non_null(lens = calloc(n, sizeof(*lens)));
	assert_non_null(leaves = calloc(n, sizeof(*leaves)));
	for (i = 0; i < n; i++) {
		lens[i] = make_entry(first + i, bufs[i], sizeof(bufs[i]));
		ptrs[i] = bufs[i];
	}
	assert_int_equal(log_append(l, ptrs, lens, n, &got, leaves), 0);
	assert_int_equal(got, first);
	for (i = 0; i < n; i++) {
		if (t != NULL)
			mem_append(t, bufs[i], lens[i]);
		assert_int_equal(merkle_leaf_hash(log_alg(l), bufs[i],
		    lens[i], want), 0);
		assert_memory_equal(leaves[i], want, DIGEST_LEN);
	}
	free(bufs);
	free(ptrs);
	free(lens);
	free(leaves);
}

static void
append_one(struct log *l, const char *s, uint64_t want)
{
	const void *p = s;
	size_t len = strlen(s);
	uint64_t got;

	assert_int_equal(log_append(l, &p, &len, 1, &got, NULL), 0);
	assert_int_equal(got, want);
}

/* Checks log l against t: every root, and proofs for the given sizes. */
static void
compare_tree(struct log *l, struct memtree *t, int all_proofs)
{
	struct merkle_reader r = { mem_read, t };
	uint8_t a[DIGEST_LEN], b[DIGEST_LEN], leaf[DIGEST_LEN];
	uint8_t (*roots)[DIGEST_LEN];
	uint8_t p[MERKLE_MAX_PROOF][DIGEST_LEN], q[MERKLE_MAX_PROOF][DIGEST_LEN];
	uint64_t s, i;
	size_t pn, qn;

	assert_int_equal(log_size(l), t->n);
	assert_non_null(roots = calloc(t->n + 1, DIGEST_LEN));
	for (s = 0; s <= t->n; s++) {
		assert_int_equal(log_root(l, s, a), 0);
		assert_int_equal(merkle_root(t->alg, s, &r, b), 0);
		assert_memory_equal(a, b, DIGEST_LEN);
		memcpy(roots[s], a, DIGEST_LEN);
	}
	for (s = 1; s <= t->n; s++) {
		if (!all_proofs && s != t->n && s % 17 != 0)
			continue;
		for (i = 0; i < s; i++) {
			assert_int_equal(log_prove_inclusion(l, i, s, p, &pn),
			    0);
			assert_int_equal(merkle_prove_inclusion(t->alg, i, s,
			    &r, q, &qn), 0);
			assert_int_equal(pn, qn);
			if (pn > 0)
				assert_memory_equal(p, q, pn * DIGEST_LEN);
			assert_int_equal(log_leaf(l, i, leaf), 0);
			assert_int_equal(merkle_verify_inclusion(t->alg, i, s,
			    leaf, CP(p), pn, roots[s]), 0);
			assert_int_equal(log_prove_consistency(l, i + 1, s, p,
			    &pn), 0);
			assert_int_equal(merkle_prove_consistency(t->alg,
			    i + 1, s, &r, q, &qn), 0);
			assert_int_equal(pn, qn);
			if (pn > 0)
				assert_memory_equal(p, q, pn * DIGEST_LEN);
			assert_int_equal(merkle_verify_consistency(t->alg,
			    i + 1, s, roots[i + 1], roots[s], CP(p), pn), 0);
		}
	}
	free(roots);
}

static void
check_entries(struct log *l, uint64_t n)
{
	char want[256];
	uint8_t *data;
	size_t len, wlen;
	uint64_t i;

	for (i = 0; i < n; i++) {
		wlen = make_entry(i, want, sizeof(want));
		assert_int_equal(log_entry(l, i, &data, &len), 0);
		assert_int_equal(len, wlen);
		assert_memory_equal(data, want, wlen);
		free(data);
	}
}

static void
test_append_reopen(void **state)
{
	struct fixture_station *fx = *state;
	struct memtree t = { .alg = DIGEST_SHA256 };
	struct log *l;
	uint8_t h[DIGEST_LEN], p[MERKLE_MAX_PROOF][DIGEST_LEN];
	char want[256];
	uint8_t *data;
	size_t len, n;

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, 0, &l),
	    CUSTOS_ERR_NOTFOUND);
	assert_null(l);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	assert_int_equal(log_size(l), 0);
	assert_int_equal(log_alg(l), DIGEST_SHA256);
	/* The empty tree's root is H(""). */
	assert_int_equal(log_root(l, 0, h), 0);
	assert_int_equal(digest_buf(DIGEST_SHA256, NULL, 0, p[0]), 0);
	assert_memory_equal(h, p[0], DIGEST_LEN);

	len = make_entry(0, want, sizeof(want));
	append_one(l, want, 0);
	mem_append(&t, want, len);
	append_batch(l, &t, 1, 1);
	append_batch(l, &t, 2, 61);
	append_batch(l, &t, 63, 2);
	append_batch(l, &t, 65, 35);
	assert_int_equal(log_size(l), 100);
	compare_tree(l, &t, 1);
	check_entries(l, 100);
	log_close(l);

	/* Everything is still there after a reopen, and appends go on
	 * from the reloaded frontier. */
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, 0, &l), 0);
	assert_int_equal(log_size(l), 100);
	check_entries(l, 100);
	append_batch(l, &t, 100, 28);
	log_close(l);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	assert_int_equal(log_size(l), 128);
	compare_tree(l, &t, 0);
	append_batch(l, &t, 128, 1);
	compare_tree(l, &t, 0);

	/* Out of range. */
	assert_int_equal(log_entry(l, 129, &data, &len), CUSTOS_ERR_RANGE);
	assert_null(data);
	assert_int_equal(log_leaf(l, 129, h), CUSTOS_ERR_RANGE);
	assert_int_equal(log_root(l, 130, h), CUSTOS_ERR_RANGE);
	assert_int_equal(log_prove_inclusion(l, 129, 129, p, &n),
	    CUSTOS_ERR_RANGE);
	assert_int_equal(log_prove_inclusion(l, 0, 130, p, &n),
	    CUSTOS_ERR_RANGE);
	assert_int_equal(log_prove_consistency(l, 0, 129, p, &n),
	    CUSTOS_ERR_RANGE);
	assert_int_equal(log_prove_consistency(l, 5, 130, p, &n),
	    CUSTOS_ERR_RANGE);
	log_close(l);
	mem_free(&t);
}

/*
 * golang.org/x/mod/sumdb/tlog's root of the records {"i":0} .. {"i":4}
 * (the same tree as the Go-signed checkpoint in test_ckpt.c).
 */
static void
test_go_root(void **state)
{
	struct fixture_station *fx = *state;
	struct log *l;
	uint8_t h[DIGEST_LEN];
	char s[B64_ENCLEN(DIGEST_LEN)], e[32];
	int i;

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	for (i = 0; i < 5; i++) {
		snprintf(e, sizeof(e), "{\"i\":%d}", i);
		append_one(l, e, (uint64_t)i);
	}
	assert_int_equal(log_root(l, 5, h), 0);
	b64_encode(h, DIGEST_LEN, s);
	assert_string_equal(s, "OWzC8+pXpLvOMYsH2CT91q0pLUsT6Q9WrpQRsWTbETY=");
	log_close(l);
}

static void
test_append_errors(void **state)
{
	struct fixture_station *fx = *state;
	struct memtree t = { .alg = DIGEST_SHA256 };
	struct log *l;
	const void *ptrs[3];
	size_t lens[3];
	uint8_t *big, root[DIGEST_LEN], root2[DIGEST_LEN];
	uint64_t first = 12345;
	char sql[256], *trigger;
	sqlite3 *db;

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	append_batch(l, &t, 0, 10);
	assert_int_equal(log_root(l, 10, root), 0);

	ptrs[0] = "a";
	lens[0] = 1;
	ptrs[1] = "";
	lens[1] = 0;
	assert_int_equal(log_append(l, ptrs, lens, 0, &first, NULL),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(log_append(l, ptrs, lens, 2, &first, NULL),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(first, 12345);
	assert_non_null(big = malloc(LOG_MAX_ENTRY + 1));
	memset(big, '{', LOG_MAX_ENTRY + 1);
	ptrs[1] = big;
	lens[1] = LOG_MAX_ENTRY + 1;
	assert_int_equal(log_append(l, ptrs, lens, 2, &first, NULL),
	    CUSTOS_ERR_TOOBIG);
	assert_int_equal(log_size(l), 10);

	/* The largest entry is accepted and comes back whole. */
	lens[1] = LOG_MAX_ENTRY;
	assert_int_equal(log_append(l, &ptrs[1], &lens[1], 1, &first, NULL),
	    0);
	assert_int_equal(first, 10);
	mem_append(&t, big, LOG_MAX_ENTRY);
	{
		uint8_t *data;
		size_t len;

		assert_int_equal(log_entry(l, 10, &data, &len), 0);
		assert_int_equal(len, LOG_MAX_ENTRY);
		assert_memory_equal(data, big, LOG_MAX_ENTRY);
		free(data);
	}
	free(big);
	assert_int_equal(log_root(l, 11, root), 0);

	/*
	 * A failure in the middle of a batch appends nothing: plant a node
	 * where the batch's third entry will put its leaf, so that insert
	 * fails after two entries are already in the transaction.  The
	 * plant skips ids, which the trigger refuses; set it aside.
	 */
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	{
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(db, "SELECT sql FROM "
		    "sqlite_schema WHERE name = 'nodes_in_order'", -1, &st,
		    NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_non_null(trigger = strdup((const char *)
		    sqlite3_column_text(st, 0)));
		sqlite3_finalize(st);
	}
	snprintf(sql, sizeof(sql), "DROP TRIGGER nodes_in_order;"
	    "INSERT INTO nodes VALUES (%llu, zeroblob(32))",
	    (unsigned long long)nid(0, 13));
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	ptrs[0] = "x";
	ptrs[1] = "y";
	ptrs[2] = "z";
	lens[0] = lens[1] = lens[2] = 1;
	assert_int_not_equal(log_append(l, ptrs, lens, 3, &first, NULL), 0);
	assert_int_equal(log_size(l), 11);
	assert_int_equal(log_root(l, 11, root2), 0);
	assert_memory_equal(root, root2, DIGEST_LEN);
	{
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM "
		    "entries", -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 11);
		sqlite3_finalize(st);
	}
	/* Remove the plant; the log carries on where it was. */
	snprintf(sql, sizeof(sql), "DROP TRIGGER nodes_no_delete;"
	    "DELETE FROM nodes WHERE id = %llu", (unsigned long long)nid(0, 13));
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, trigger, NULL, NULL, NULL),
	    SQLITE_OK);
	free(trigger);
	sqlite3_close(db);
	append_batch(l, &t, 11, 5);
	compare_tree(l, &t, 1);
	log_close(l);

	/* A read-only log refuses to write. */
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_RDONLY, &l), 0);
	assert_int_equal(log_append(l, ptrs, lens, 1, &first, NULL),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(log_checkpoint_put(l, 1, "x\n", 2),
	    CUSTOS_ERR_INVALID);
	log_close(l);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256,
	    LOG_RDONLY | LOG_CREATE, &l), CUSTOS_ERR_INVALID);
	mem_free(&t);
}

/*
 * Nodes are stored under the ids of golang.org/x/mod/sumdb/tlog's
 * StoredHashIndex, in append order: the first ids spelled out, and every
 * row of a 70-entry log in id order against the tree in memory.
 */
static void
test_node_ids(void **state)
{
	static const struct {
		unsigned	 level;
		uint64_t	 idx;
		uint64_t	 id;
	} known[] = {
		{ 0, 0, 0 }, { 0, 1, 1 }, { 1, 0, 2 }, { 0, 2, 3 },
		{ 0, 3, 4 }, { 1, 1, 5 }, { 2, 0, 6 }, { 0, 4, 7 },
		{ 0, 7, 11 }, { 3, 0, 14 }, { 0, 8, 15 }, { 4, 0, 30 },
	};
	struct fixture_station *fx = *state;
	struct memtree t = { .alg = DIGEST_SHA256 };
	struct log *l;
	sqlite3 *db;
	sqlite3_stmt *st;
	uint64_t want, n;
	unsigned level;
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		assert_int_equal(nid(known[i].level, known[i].idx),
		    known[i].id);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	append_batch(l, &t, 0, 70);
	log_close(l);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, hash FROM nodes "
	    "ORDER BY id", -1, &st, NULL), SQLITE_OK);
	want = 0;
	for (n = 0; n < 70; n++) {
		/* Leaf n and the subtrees it completes, lowest first. */
		for (level = 0; level == 0 ||
		    (n + 1) % (UINT64_C(1) << level) == 0; level++) {
			assert_int_equal(sqlite3_step(st), SQLITE_ROW);
			assert_int_equal(sqlite3_column_int64(st, 0), want);
			assert_int_equal(nid(level, n >> level), want);
			assert_int_equal(sqlite3_column_bytes(st, 1),
			    DIGEST_LEN);
			assert_memory_equal(sqlite3_column_blob(st, 1),
			    t.lv[level][n >> level], DIGEST_LEN);
			want++;
		}
	}
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	/* 2n minus one per one bit of n = 70 = 0b1000110. */
	assert_int_equal(want, 137);
	sqlite3_finalize(st);
	sqlite3_close(db);
	mem_free(&t);
}

/* Runs sql on db and checks that a trigger aborted it. */
static void
expect_abort(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc;

	rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	if ((rc & 0xff) != SQLITE_CONSTRAINT || err == NULL ||
	    strstr(err, "custos log is append-only") == NULL)
		fail_msg("%s: rc %d, \"%s\"", sql, rc, err ? err : "");
	sqlite3_free(err);
}

static void
test_triggers(void **state)
{
	static const char *const sql[] = {
		"UPDATE entries SET data = x'7b7d' WHERE idx = 1",
		"UPDATE entries SET leaf = zeroblob(32)",
		"UPDATE entries SET idx = 100 WHERE idx = 4",
		"DELETE FROM entries WHERE idx = 4",
		"DELETE FROM entries",
		"INSERT OR REPLACE INTO entries VALUES (0, x'7b7d', zeroblob(32))",
		"INSERT INTO entries VALUES (7, x'7b7d', zeroblob(32))",
		"INSERT INTO entries VALUES (-1, x'7b7d', zeroblob(32))",
		"UPDATE nodes SET hash = zeroblob(32) WHERE id < 3",
		"UPDATE nodes SET id = 100 WHERE id = 9",
		"DELETE FROM nodes WHERE id = 2",
		"INSERT OR REPLACE INTO nodes VALUES (0, zeroblob(32))",
		"REPLACE INTO nodes VALUES (9, zeroblob(32))",
		"INSERT INTO nodes VALUES (1, zeroblob(32)) "
		    "ON CONFLICT DO UPDATE SET hash = excluded.hash",
		/* Six entries have nodes 0 .. 9; the next one must be 10. */
		"INSERT INTO nodes VALUES (11, zeroblob(32))",
		"INSERT INTO nodes VALUES (-1, zeroblob(32))",
		"INSERT INTO nodes (hash) VALUES (zeroblob(32))",
		"UPDATE checkpoints SET note = x'00'",
		"DELETE FROM checkpoints",
		"INSERT OR REPLACE INTO checkpoints (size, note) "
		    "VALUES (3, x'00')",
		"UPDATE meta SET value = 'sm3' WHERE key = 'alg'",
		"DELETE FROM meta",
		"INSERT OR REPLACE INTO meta VALUES ('alg', 'sm3')",
	};
	struct fixture_station *fx = *state;
	struct memtree t = { .alg = DIGEST_SHA256 };
	struct log *l;
	sqlite3 *db;
	size_t i;

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	append_batch(l, &t, 0, 6);
	/* The triggers do not care what a checkpoint note says. */
	assert_int_equal(log_checkpoint_put(l, 3, "some note\n", 10), 0);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
		expect_abort(db, sql[i]);
	sqlite3_close(db);
	log_close(l);

	/* Nothing changed. */
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, 0, &l), 0);
	check_entries(l, 6);
	compare_tree(l, &t, 1);
	log_close(l);
	mem_free(&t);
}

/* A reader in another connection while the writer holds the file. */
static void
test_readonly_beside_writer(void **state)
{
	struct fixture_station *fx = *state;
	struct memtree t = { .alg = DIGEST_SHA256 };
	struct log *w, *r, *r2;
	uint8_t a[DIGEST_LEN], b[DIGEST_LEN];
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_RDONLY, &r),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &w), 0);
	append_batch(w, &t, 0, 20);

	/* The file is in WAL mode. */
	assert_int_equal(sqlite3_open_v2(fx->path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1,
	    &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_RDONLY, &r), 0);
	assert_int_equal(log_size(r), 20);
	check_entries(r, 20);
	compare_tree(r, &t, 1);

	/* The writer goes on; the reader keeps its view and stays usable. */
	append_batch(w, &t, 20, 13);
	assert_int_equal(log_size(r), 20);
	assert_int_equal(log_root(r, 20, a), 0);
	assert_int_equal(log_root(w, 20, b), 0);
	assert_memory_equal(a, b, DIGEST_LEN);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_RDONLY, &r2),
	    0);
	compare_tree(r2, &t, 1);
	log_close(r2);

	/* The reader does not hold the writer up. */
	append_batch(w, &t, 33, 1);
	assert_int_equal(log_size(w), 34);
	log_close(r);
	log_close(w);
	mem_free(&t);
}

static void
test_wrong_alg(void **state)
{
	struct fixture_station *fx = *state;
	struct memtree t = { .alg = DIGEST_SM3 };
	struct log *l;

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	append_batch(l, NULL, 0, 3);
	log_close(l);
	assert_int_equal(log_open(fx->path, DIGEST_SM3, 0, &l),
	    CUSTOS_ERR_CONFIG);
	assert_null(l);
	assert_int_equal(log_open(fx->path, DIGEST_SM3, LOG_RDONLY, &l),
	    CUSTOS_ERR_CONFIG);
	assert_int_equal(log_open(fx->path, DIGEST_SM3, LOG_CREATE, &l),
	    CUSTOS_ERR_CONFIG);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_RDONLY, &l), 0);
	assert_int_equal(log_size(l), 3);
	log_close(l);

	/* An sm-profile log hashes with SM3 throughout. */
	assert_int_equal(unlink(fx->path), 0);
	assert_int_equal(log_open(fx->path, DIGEST_SM3, LOG_CREATE, &l), 0);
	append_batch(l, &t, 0, 9);
	compare_tree(l, &t, 1);
	log_close(l);
	mem_free(&t);
}

/* Runs sql on the log file with the triggers out of the way. */
static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	char *err = NULL;
	int rc;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, err ? err : "");
	sqlite3_close(db);
}

/* Saves a copy of the (closed) log file as bak. */
static void
backup(struct fixture_station *fx, char *bak, size_t baksz)
{
	char sql[sizeof(fx->path) + 32];

	snprintf(bak, baksz, "%s.bak", fx->path);
	snprintf(sql, sizeof(sql), "VACUUM INTO '%s'", bak);
	raw_exec(fx->path, sql);
}

/* Replaces the (closed) log file with the copy bak. */
static void
restore(struct fixture_station *fx, const char *bak)
{
	char wal[sizeof(fx->path) + 8], buf[8192];
	FILE *in, *out;
	size_t n;

	snprintf(wal, sizeof(wal), "%s-wal", fx->path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", fx->path);
	unlink(wal);
	assert_non_null(in = fopen(bak, "rb"));
	assert_non_null(out = fopen(fx->path, "wb"));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	assert_int_equal(ferror(in), 0);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

#define DROP_TRIGGERS							\
	"DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete;" \
	"DROP TRIGGER nodes_no_update; DROP TRIGGER nodes_no_delete;"	\
	"DROP TRIGGER nodes_in_order;"					\
	"DROP TRIGGER checkpoints_no_update;"				\
	"DROP TRIGGER checkpoints_no_delete;"

/* log_open notices entries and nodes that do not add up. */
static void
test_open_corrupt(void **state)
{
	/* Damage to twenty entries; %llu is the id of node (level, idx). */
	static const struct {
		const char	*sql;
		unsigned	 level;
		uint64_t	 idx;
	} damage[] = {
		{ "DELETE FROM entries WHERE idx = 19", 0, 0 },
		{ "DELETE FROM entries WHERE idx = 7", 0, 0 },
		{ "DELETE FROM entries WHERE idx = 7;"
		    "INSERT INTO entries VALUES (20, x'7b7d', zeroblob(32))",
		    0, 0 },
		{ "DELETE FROM nodes WHERE id = %llu", 4, 0 },
		{ "DELETE FROM nodes WHERE id = %llu", 0, 19 },
		{ "DELETE FROM nodes WHERE id = %llu", 0, 0 },
		{ "UPDATE nodes SET hash = x'00' WHERE id = %llu", 2, 4 },
		/* The next append's leaf node, and a node before all. */
		{ "INSERT INTO nodes VALUES (%llu, zeroblob(32))", 0, 20 },
		{ "INSERT INTO nodes VALUES (-1, zeroblob(32))", 0, 0 },
		{ "UPDATE entries SET leaf = zeroblob(32) WHERE idx = 19", 0,
		    0 },
		{ "DELETE FROM meta WHERE key = 'alg'", 0, 0 },
		{ "DELETE FROM meta WHERE key = 'format'", 0, 0 },
	};
	struct fixture_station *fx = *state;
	struct log *l;
	char bak[sizeof(fx->path) + 8], sql[256];
	size_t i;
	int rc;

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	append_batch(l, NULL, 0, 20);
	log_close(l);
	raw_exec(fx->path, DROP_TRIGGERS "DROP TRIGGER meta_no_delete;");
	/* Keep a pristine copy to restore between the damages. */
	backup(fx, bak, sizeof(bak));
	for (i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		restore(fx, bak);
		snprintf(sql, sizeof(sql), damage[i].sql,
		    (unsigned long long)nid(damage[i].level, damage[i].idx));
		raw_exec(fx->path, sql);
		rc = log_open(fx->path, DIGEST_SHA256, 0, &l);
		if (rc != CUSTOS_ERR_CORRUPT)
			fail_msg("%s: log_open gave %d", sql, rc);
		assert_null(l);
	}
	/*
	 * Damage that log_open() does not look for but log_check()'s spot
	 * checks of the right edge find, with no checkpoint to compare.
	 */
	{
		/*
		 * Twenty leaves have the frontier (4, 0) and (2, 4): a child
		 * of each, and the last entry.
		 */
		static const struct {
			const char	*sql;
			unsigned	 level;
			uint64_t	 idx;
		} edge[] = {
			{ "UPDATE nodes SET hash = zeroblob(32) WHERE id = %llu",
			    1, 9 },
			{ "UPDATE nodes SET hash = zeroblob(32) WHERE id = %llu",
			    3, 1 },
			{ "UPDATE entries SET data = x'7b7d' WHERE idx = 19", 0,
			    0 },
		};
		struct note_signer *s;
		struct note_verifier *v;

		assert_int_equal(note_signer_generate("station.example/log",
		    SIGN_ED25519, &s), 0);
		assert_int_equal(note_signer_verifier(s, &v), 0);
		restore(fx, bak);
		assert_int_equal(log_open(fx->path, DIGEST_SHA256, 0, &l), 0);
		assert_int_equal(log_check(l, v), 0);
		log_close(l);
		for (i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
			restore(fx, bak);
			snprintf(sql, sizeof(sql), edge[i].sql,
			    (unsigned long long)nid(edge[i].level, edge[i].idx));
			raw_exec(fx->path, sql);
			assert_int_equal(log_open(fx->path, DIGEST_SHA256, 0,
			    &l), 0);
			rc = log_check(l, v);
			if (rc != CUSTOS_ERR_CORRUPT)
				fail_msg("%s: log_check gave %d", sql, rc);
			log_close(l);
		}
		note_verifier_free(v);
		note_signer_free(s);
	}

	/* A database that is not a log at all. */
	assert_int_equal(unlink(fx->path), 0);
	raw_exec(fx->path, "CREATE TABLE t (x)");
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, 0, &l),
	    CUSTOS_ERR_CORRUPT);
}

static void
test_checkpoints(void **state)
{
	struct fixture_station *fx = *state;
	struct note_signer *s, *other;
	struct note_verifier *v, *ov;
	struct log_verify_result res;
	struct log *l;
	uint8_t root[DIGEST_LEN];
	char *note, *want;
	size_t len, wlen;
	uint64_t size;

	assert_int_equal(note_signer_generate("station.example/log",
	    SIGN_ED25519, &s), 0);
	assert_int_equal(note_signer_verifier(s, &v), 0);
	assert_int_equal(note_signer_generate("station.example/log",
	    SIGN_ED25519, &other), 0);
	assert_int_equal(note_signer_verifier(other, &ov), 0);

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	/* No checkpoints yet: nothing to check. */
	assert_int_equal(log_check(l, v), 0);
	assert_int_equal(log_checkpoint_latest(l, &size, &note, &len),
	    CUSTOS_ERR_NOTFOUND);
	append_batch(l, NULL, 0, 10);
	fixture_checkpoint_put(l, s, note_signer_name(s), 0);
	fixture_checkpoint_put(l, s, note_signer_name(s), 5);
	fixture_checkpoint_put(l, s, note_signer_name(s), 10);
	assert_int_equal(log_checkpoint_put(l, 5, "x\n", 2),
	    CUSTOS_ERR_EXISTS);
	assert_int_equal(log_checkpoint_put(l, 11, "x\n", 2),
	    CUSTOS_ERR_RANGE);

	assert_int_equal(log_root(l, 10, root), 0);
	fixture_checkpoint_sign(s, note_signer_name(s), 10, root, &want,
	    &wlen);
	assert_int_equal(log_checkpoint_latest(l, &size, &note, &len), 0);
	assert_int_equal(size, 10);
	assert_int_equal(len, wlen);
	assert_string_equal(note, want);
	free(note);
	free(want);
	assert_int_equal(log_checkpoint_get(l, 5, &note, &len), 0);
	assert_int_equal(strlen(note), len);
	free(note);
	assert_int_equal(log_checkpoint_get(l, 7, &note, &len),
	    CUSTOS_ERR_NOTFOUND);

	assert_int_equal(log_check(l, v), 0);
	assert_int_equal(log_check(l, ov), CUSTOS_ERR_KEY);
	assert_int_equal(log_verify_all(l, v, NULL, NULL, &res), 0);
	assert_int_equal(res.entries, 10);
	assert_int_equal(res.checkpoints, 3);
	assert_int_equal(log_verify_all(l, ov, NULL, NULL, &res),
	    CUSTOS_ERR_KEY);
	assert_int_equal(res.bad_index, 0);

	/* A properly signed checkpoint with the wrong root. */
	append_batch(l, NULL, 10, 3);
	root[0] ^= 1;
	fixture_checkpoint_sign(s, note_signer_name(s), 13, root, &note,
	    &len);
	assert_int_equal(log_checkpoint_put(l, 13, note, len), 0);
	free(note);
	assert_int_equal(log_check(l, v), CUSTOS_ERR_CORRUPT);
	assert_int_equal(log_verify_all(l, v, NULL, NULL, &res),
	    CUSTOS_ERR_CORRUPT);
	assert_int_equal(res.bad_index, 13);
	assert_int_equal(res.entries, 13);
	assert_int_equal(res.checkpoints, 3);
	assert_non_null(strstr(res.what, "checkpoint 13"));

	/* A checkpoint filed under a size it does not name. */
	append_batch(l, NULL, 13, 1);
	assert_int_equal(log_root(l, 13, root), 0);
	fixture_checkpoint_sign(s, note_signer_name(s), 13, root, &note,
	    &len);
	assert_int_equal(log_checkpoint_put(l, 14, note, len), 0);
	free(note);
	assert_int_equal(log_check(l, v), CUSTOS_ERR_CORRUPT);

	/* Signed by the station's key but for another log. */
	append_batch(l, NULL, 14, 1);
	assert_int_equal(log_root(l, 15, root), 0);
	fixture_checkpoint_sign(s, "elsewhere.example/log", 15, root,
	    &note, &len);
	assert_int_equal(log_checkpoint_put(l, 15, note, len), 0);
	free(note);
	assert_int_equal(log_check(l, v), CUSTOS_ERR_VERIFY);

	/* Not a note at all. */
	append_batch(l, NULL, 15, 1);
	assert_int_equal(log_checkpoint_put(l, 16, "garbage", 7), 0);
	assert_int_equal(log_check(l, v), CUSTOS_ERR_CORRUPT);
	log_close(l);

	note_verifier_free(v);
	note_verifier_free(ov);
	note_signer_free(s);
	note_signer_free(other);
}

struct progress {
	uint64_t	 calls;
	uint64_t	 last;
	uint64_t	 total;
};

static void
on_progress(void *arg, uint64_t done, uint64_t total)
{
	struct progress *p = arg;

	assert_true(done <= total);
	assert_true(done >= p->last);
	p->calls++;
	p->last = done;
	p->total = total;
}

/*
 * A change to the file of a log of 70 entries with checkpoints at 33, 64
 * and 70, and what the full audit must say about it.  sql is run as it
 * is when level is NO_NODE, else with the id of node (level, idx) for
 * its %llu.  Damage that log_open() refuses is planted with a handle
 * already open (open_first).  ANY leaves a count unchecked, and a NULL
 * what leaves the text unchecked.
 */
#define NO_NODE	UINT_MAX
#define ANY	UINT64_MAX
struct tamper {
	const char	*sql;
	unsigned	 level;
	uint64_t	 idx;
	int		 open_first;
	int		 rc;
	uint64_t	 bad_index;
	uint64_t	 entries;
	uint64_t	 checkpoints;
	const char	*what;
};

static const struct tamper tampers[] = {
	/* One byte of entry 17. */
	{ "UPDATE entries SET data = CAST(replace(CAST(data AS TEXT), "
	    "'segment', 'segmant') AS BLOB) WHERE idx = 17", NO_NODE, 0, 0,
	    CUSTOS_ERR_CORRUPT, 17, 17, ANY, "entry 17" },
	/* An inner node. */
	{ "UPDATE nodes SET hash = zeroblob(32) WHERE id = %llu", 3, 5, 0,
	    CUSTOS_ERR_CORRUPT, 47, ANY, ANY, "node (3, 5) is wrong" },
	/* A missing inner node, which log_open() does not look for. */
	{ "DELETE FROM nodes WHERE id = %llu", 1, 10, 0,
	    CUSTOS_ERR_CORRUPT, 21, ANY, ANY, "node (1, 10) is missing" },
	/*
	 * Nodes for leaves that do not exist, which log_open() refuses:
	 * right after the tree's last node, and one further on.
	 */
	{ "INSERT INTO nodes VALUES (%llu, zeroblob(32))", 0, 70, 1,
	    CUSTOS_ERR_CORRUPT, ANY, ANY, ANY,
	    "node (0, 70) is not part of" },
	{ "INSERT INTO nodes VALUES (%llu, zeroblob(32))", 2, 17, 1,
	    CUSTOS_ERR_CORRUPT, ANY, ANY, ANY,
	    "node (2, 17) is not part of" },
	/* A node before the first is named by its id. */
	{ "INSERT INTO nodes VALUES (-3, zeroblob(32))", NO_NODE, 0, 1,
	    CUSTOS_ERR_CORRUPT, 0, ANY, ANY, "node id -3 is not part of" },
	/* A checkpoint whose signature no longer verifies. */
	{ "UPDATE checkpoints SET note = CAST(replace(CAST(note AS TEXT), "
	    "'station.example/log\n64', 'station.example/log\n65') AS BLOB) "
	    "WHERE size = 64", NO_NODE, 0, 0, CUSTOS_ERR_VERIFY, 64, ANY, 1,
	    NULL },
};

/* Restores the copy bak, makes the change t and audits as t expects. */
static void
verify_tampered(struct fixture_station *fx, const char *bak,
    const struct note_verifier *v, const struct tamper *t)
{
	struct log_verify_result res;
	struct log *l = NULL;
	char sql[512];
	int n;

	restore(fx, bak);
	if (t->level == NO_NODE)
		n = snprintf(sql, sizeof(sql), "%s", t->sql);
	else
		n = snprintf(sql, sizeof(sql), t->sql,
		    (unsigned long long)nid(t->level, t->idx));
	assert_true(n > 0 && (size_t)n < sizeof(sql));
	if (t->open_first)
		assert_int_equal(log_open(fx->path, DIGEST_SHA256, 0, &l), 0);
	raw_exec(fx->path, sql);
	if (!t->open_first)
		assert_int_equal(log_open(fx->path, DIGEST_SHA256, 0, &l), 0);
	assert_int_equal(log_verify_all(l, v, NULL, NULL, &res), t->rc);
	if (t->bad_index != ANY)
		assert_int_equal(res.bad_index, t->bad_index);
	if (t->entries != ANY)
		assert_int_equal(res.entries, t->entries);
	if (t->checkpoints != ANY)
		assert_int_equal(res.checkpoints, t->checkpoints);
	if (t->what != NULL)
		assert_non_null(strstr(res.what, t->what));
	log_close(l);
}

/* The full audit pinpoints a changed entry, leaf hash or node. */
static void
test_verify_tamper(void **state)
{
	struct fixture_station *fx = *state;
	struct note_signer *s;
	struct note_verifier *v;
	struct log_verify_result res;
	struct progress pr = { 0, 0, 0 };
	struct log *l;
	char bak[sizeof(fx->path) + 8], sql[512];
	size_t i;

	assert_int_equal(note_signer_generate("station.example/log",
	    SIGN_ED25519, &s), 0);
	assert_int_equal(note_signer_verifier(s, &v), 0);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	append_batch(l, NULL, 0, 70);
	fixture_checkpoint_put(l, s, note_signer_name(s), 33);
	fixture_checkpoint_put(l, s, note_signer_name(s), 64);
	fixture_checkpoint_put(l, s, note_signer_name(s), 70);
	assert_int_equal(log_verify_all(l, v, on_progress, &pr, &res), 0);
	assert_int_equal(res.entries, 70);
	assert_int_equal(res.checkpoints, 3);
	assert_string_equal(res.what, "");
	assert_true(pr.calls >= 1);
	assert_int_equal(pr.last, 70);
	assert_int_equal(pr.total, 70);
	log_close(l);

	raw_exec(fx->path, DROP_TRIGGERS);
	backup(fx, bak, sizeof(bak));
	for (i = 0; i < sizeof(tampers) / sizeof(tampers[0]); i++)
		verify_tampered(fx, bak, v, &tampers[i]);

	/* Entry 40 and its leaf hash changed together: the tree gives it
	 * away. */
	{
		struct tamper t = { NULL, NO_NODE, 0, 0, CUSTOS_ERR_CORRUPT,
		    40, ANY, ANY, "node (0, 40)" };
		uint8_t h[DIGEST_LEN];
		char hex[HEX_ENCLEN(DIGEST_LEN)];

		assert_int_equal(merkle_leaf_hash(DIGEST_SHA256, "{}", 2, h),
		    0);
		hex_encode(h, DIGEST_LEN, hex);
		snprintf(sql, sizeof(sql), "UPDATE entries SET data = x'7b7d', "
		    "leaf = x'%s' WHERE idx = 40", hex);
		t.sql = sql;
		verify_tampered(fx, bak, v, &t);
	}

	note_verifier_free(v);
	note_signer_free(s);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_append_reopen),
		FIXTURE_TEST(test_go_root),
		FIXTURE_TEST(test_append_errors),
		FIXTURE_TEST(test_node_ids),
		FIXTURE_TEST(test_triggers),
		FIXTURE_TEST(test_readonly_beside_writer),
		FIXTURE_TEST(test_wrong_alg),
		FIXTURE_TEST(test_open_corrupt),
		FIXTURE_TEST(test_checkpoints),
		FIXTURE_TEST(test_verify_tamper),
	};

	/* A test name (or cmocka pattern) as argument runs only that. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
