/*
 * Tests for lib/log/log.c on real SQLite files in a temporary directory:
 * appends and their durability across reopen, the exact entry bytes,
 * roots and proofs against merkle.h over the same leaves, the node ids,
 * the append-only triggers, a read-only handle beside the writer and the
 * digest a log is made with.  test_log_audit.c checks what finds damage:
 * log_open(), checkpoints and the full audit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <unistd.h>

#include <sqlite3.h>

#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/merkle.h"

#include "fixture.h"

#define CP(p)	((const uint8_t (*)[DIGEST_LEN])(p))

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
compare_tree(struct log *l, struct fixture_tree *t, int all_proofs)
{
	struct merkle_reader r = { fixture_tree_read, t };
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
		wlen = fixture_entry(i, want, sizeof(want));
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
	struct fixture_tree t = { .alg = DIGEST_SHA256 };
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

	len = fixture_entry(0, want, sizeof(want));
	append_one(l, want, 0);
	fixture_tree_append_data(&t, want, len);
	fixture_entries_append(l, &t, 1, 1);
	fixture_entries_append(l, &t, 2, 61);
	fixture_entries_append(l, &t, 63, 2);
	fixture_entries_append(l, &t, 65, 35);
	assert_int_equal(log_size(l), 100);
	compare_tree(l, &t, 1);
	check_entries(l, 100);
	log_close(l);

	/* Everything is still there after a reopen, and appends go on
	 * from the reloaded frontier. */
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, 0, &l), 0);
	assert_int_equal(log_size(l), 100);
	check_entries(l, 100);
	fixture_entries_append(l, &t, 100, 28);
	log_close(l);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	assert_int_equal(log_size(l), 128);
	compare_tree(l, &t, 0);
	fixture_entries_append(l, &t, 128, 1);
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
	fixture_tree_free(&t);
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
	struct fixture_tree t = { .alg = DIGEST_SHA256 };
	struct log *l;
	const void *ptrs[3];
	size_t lens[3];
	uint8_t *big, root[DIGEST_LEN], root2[DIGEST_LEN];
	uint64_t first = 12345;
	char sql[256], *trigger;
	sqlite3 *db;

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	fixture_entries_append(l, &t, 0, 10);
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
	fixture_tree_append_data(&t, big, LOG_MAX_ENTRY);
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
	    (unsigned long long)fixture_node_id(0, 13));
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
	    "DELETE FROM nodes WHERE id = %llu", (unsigned long long)fixture_node_id(0, 13));
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, trigger, NULL, NULL, NULL),
	    SQLITE_OK);
	free(trigger);
	sqlite3_close(db);
	fixture_entries_append(l, &t, 11, 5);
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
	fixture_tree_free(&t);
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
	struct fixture_tree t = { .alg = DIGEST_SHA256 };
	struct log *l;
	sqlite3 *db;
	sqlite3_stmt *st;
	uint64_t want, n;
	unsigned level;
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		assert_int_equal(fixture_node_id(known[i].level, known[i].idx),
		    known[i].id);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	fixture_entries_append(l, &t, 0, 70);
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
			assert_int_equal(fixture_node_id(level, n >> level), want);
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
	fixture_tree_free(&t);
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
	struct fixture_tree t = { .alg = DIGEST_SHA256 };
	struct log *l;
	sqlite3 *db;
	size_t i;

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	fixture_entries_append(l, &t, 0, 6);
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
	fixture_tree_free(&t);
}

/* A reader in another connection while the writer holds the file. */
static void
test_readonly_beside_writer(void **state)
{
	struct fixture_station *fx = *state;
	struct fixture_tree t = { .alg = DIGEST_SHA256 };
	struct log *w, *r, *r2;
	uint8_t a[DIGEST_LEN], b[DIGEST_LEN];
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_RDONLY, &r),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &w), 0);
	fixture_entries_append(w, &t, 0, 20);

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
	fixture_entries_append(w, &t, 20, 13);
	assert_int_equal(log_size(r), 20);
	assert_int_equal(log_root(r, 20, a), 0);
	assert_int_equal(log_root(w, 20, b), 0);
	assert_memory_equal(a, b, DIGEST_LEN);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_RDONLY, &r2),
	    0);
	compare_tree(r2, &t, 1);
	log_close(r2);

	/* The reader does not hold the writer up. */
	fixture_entries_append(w, &t, 33, 1);
	assert_int_equal(log_size(w), 34);
	log_close(r);
	log_close(w);
	fixture_tree_free(&t);
}

static void
test_wrong_alg(void **state)
{
	struct fixture_station *fx = *state;
	struct fixture_tree t = { .alg = DIGEST_SM3 };
	struct log *l;

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	fixture_entries_append(l, NULL, 0, 3);
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
	fixture_entries_append(l, &t, 0, 9);
	compare_tree(l, &t, 1);
	log_close(l);
	fixture_tree_free(&t);
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
	};

	return FIXTURE_RUN(tests, argc, argv);
}
