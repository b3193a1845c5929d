/*
 * Tests for lib/log/log.c on real SQLite files in a temporary directory,
 * damaged behind the log's back: log_open() refusing entries and nodes
 * that do not add up, checkpoints, and the full audit finding a tampered
 * entry, node or checkpoint.  test_log.c checks appends, roots, proofs
 * and the triggers.
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

#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "custos/note_sign.h"

#include "fixture.h"

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
	fixture_entries_append(l, NULL, 0, 20);
	log_close(l);
	raw_exec(fx->path, DROP_TRIGGERS "DROP TRIGGER meta_no_delete;");
	/* Keep a pristine copy to restore between the damages. */
	backup(fx, bak, sizeof(bak));
	for (i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		restore(fx, bak);
		snprintf(sql, sizeof(sql), damage[i].sql,
		    (unsigned long long)fixture_node_id(damage[i].level, damage[i].idx));
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

		fixture_signer_make("station.example/log", SIGN_ED25519, &s,
		    &v);
		restore(fx, bak);
		assert_int_equal(log_open(fx->path, DIGEST_SHA256, 0, &l), 0);
		assert_int_equal(log_check(l, v), 0);
		log_close(l);
		for (i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
			restore(fx, bak);
			snprintf(sql, sizeof(sql), edge[i].sql,
			    (unsigned long long)fixture_node_id(edge[i].level, edge[i].idx));
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

	fixture_signer_make("station.example/log", SIGN_ED25519, &s, &v);
	fixture_signer_make("station.example/log", SIGN_ED25519, &other, &ov);

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	/* No checkpoints yet: nothing to check. */
	assert_int_equal(log_check(l, v), 0);
	assert_int_equal(log_checkpoint_latest(l, &size, &note, &len),
	    CUSTOS_ERR_NOTFOUND);
	fixture_entries_append(l, NULL, 0, 10);
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
	fixture_entries_append(l, NULL, 10, 3);
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
	fixture_entries_append(l, NULL, 13, 1);
	assert_int_equal(log_root(l, 13, root), 0);
	fixture_checkpoint_sign(s, note_signer_name(s), 13, root, &note,
	    &len);
	assert_int_equal(log_checkpoint_put(l, 14, note, len), 0);
	free(note);
	assert_int_equal(log_check(l, v), CUSTOS_ERR_CORRUPT);

	/* Signed by the station's key but for another log. */
	fixture_entries_append(l, NULL, 14, 1);
	assert_int_equal(log_root(l, 15, root), 0);
	fixture_checkpoint_sign(s, "elsewhere.example/log", 15, root,
	    &note, &len);
	assert_int_equal(log_checkpoint_put(l, 15, note, len), 0);
	free(note);
	assert_int_equal(log_check(l, v), CUSTOS_ERR_VERIFY);

	/* Not a note at all. */
	fixture_entries_append(l, NULL, 15, 1);
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
		    (unsigned long long)fixture_node_id(t->level, t->idx));
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

	fixture_signer_make("station.example/log", SIGN_ED25519, &s, &v);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	fixture_entries_append(l, NULL, 0, 70);
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
		FIXTURE_TEST(test_open_corrupt),
		FIXTURE_TEST(test_checkpoints),
		FIXTURE_TEST(test_verify_tamper),
	};

	return FIXTURE_RUN(tests, argc, argv);
}