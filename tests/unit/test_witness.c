/*
 * The witness's decisions on a real SQLite state file: cosigning a log
 * that grows, the same checkpoint again, a stale old size (409 with the
 * stored size), forks and rewinds (refused, state unchanged), unknown
 * origins and keys, and the state surviving a reopen.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "custos/cosig.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/merkle.h"
#include "custos/note_sign.h"
#include "custos/witness.h"
#include "fixture.h"

#define ORIGIN	"station.example/a"
#define NOW	1765000000

struct env {
	char			 dir[240];
	char			 db[256];
	struct cosig_signer	*ws;
	struct cosig_verifier	*wv;
	struct note_signer	*ls;
	struct note_verifier	*lv;
	struct witness		*w;
	struct fixture_tree	 t;	/* the log */
	struct fixture_tree	 f;	/* a fork of it */
};

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (e == NULL || fixture_dir_make(e->dir, sizeof(e->dir),
	    "witness") != 0)
		return -1;
	snprintf(e->db, sizeof(e->db), "%s/witness.db", e->dir);
	if (cosig_signer_generate("witness.example/w1", &e->ws) != 0 ||
	    cosig_signer_verifier(e->ws, &e->wv) != 0 ||
	    note_signer_generate(ORIGIN, SIGN_ED25519, &e->ls) != 0 ||
	    note_signer_verifier(e->ls, &e->lv) != 0 ||
	    witness_open(e->db, e->ws, &e->w) != 0 ||
	    witness_add_log(e->w, e->lv) != 0)
		return -1;
	e->t.alg = e->f.alg = DIGEST_SHA256;
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	witness_free(e->w);
	cosig_signer_free(e->ws);
	cosig_verifier_free(e->wv);
	note_signer_free(e->ls);
	note_verifier_free(e->lv);
	fixture_tree_free(&e->t);
	fixture_tree_free(&e->f);
	fixture_dir_remove(e->dir);
	free(e);
	return 0;
}

/* Grows t to n leaves; a fork's leaves differ from the log's. */
static void
grow(struct fixture_tree *t, uint64_t n, const char *tag)
{
	char buf[64];
	int len;

	while (t->n < n) {
		len = snprintf(buf, sizeof(buf), "%s %llu", tag,
		    (unsigned long long)t->n);
		fixture_tree_append_data(t, buf, (size_t)len);
	}
}

static void
root_of(struct fixture_tree *t, uint64_t size, uint8_t root[DIGEST_LEN])
{
	struct merkle_reader r = { fixture_tree_read, t };

	assert_int_equal(merkle_root(t->alg, size, &r, root), 0);
}

/*
 * The request "old <old>\n", the consistency proof from old to size of
 * tree t (when with_proof and 0 < old < size), "\n" and the checkpoint of
 * t at size signed by s.
 */
static char *
request(struct fixture_tree *t, const struct note_signer *s, uint64_t old,
    uint64_t size, int with_proof, char **body_out, size_t *len)
{
	struct merkle_reader r = { fixture_tree_read, t };
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN], root[DIGEST_LEN];
	char *note, *req, *p, b64[B64_ENCLEN(DIGEST_LEN)];
	size_t nlen, n = 0, i;

	root_of(t, size, root);
	fixture_checkpoint_sign(s, ORIGIN, size, root, &note, &nlen);
	if (with_proof && old > 0 && old < size)
		assert_int_equal(merkle_prove_consistency(t->alg, old, size,
		    &r, proof, &n), 0);
	req = malloc(32 + n * sizeof(b64) + nlen + 1);
	assert_non_null(req);
	p = req + sprintf(req, "old %llu\n", (unsigned long long)old);
	for (i = 0; i < n; i++) {
		b64_encode(proof[i], DIGEST_LEN, b64);
		p += sprintf(p, "%s\n", b64);
	}
	p += sprintf(p, "\n%s", note);
	*len = (size_t)(p - req);
	if (body_out != NULL) {
		*body_out = strndup(note, strstr(note, "\n\n") + 1 - note);
	}
	free(note);
	return req;
}

/*
 * Sets the state of ORIGIN back to size (and the log's root there) behind
 * the witness's back, with SQLite itself, so that a test can run again.
 */
static int
db_reset_to(struct env *e, uint64_t size)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	uint8_t root[DIGEST_LEN];
	int rc;

	root_of(&e->t, size, root);
	if (sqlite3_open(e->db, &db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE witness_state SET size = ?1, "
	    "root = ?2", -1, &st, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	sqlite3_bind_blob(st, 2, root, DIGEST_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

/* Sends the request and returns the reply's status; r is cleared. */
static int
send_req(struct env *e, const char *req, size_t len, struct witness_reply *r)
{
	assert_int_equal(witness_add_checkpoint(e->w, req, len, NOW, r), 0);
	assert_non_null(r->body);
	assert_int_equal(strlen(r->body), r->bodylen);
	return r->status;
}

static void
assert_state(struct env *e, uint64_t size, struct fixture_tree *t)
{
	uint8_t root[DIGEST_LEN], want[DIGEST_LEN];
	uint64_t got;

	assert_int_equal(witness_state(e->w, ORIGIN, &got, root), 0);
	assert_int_equal(got, size);
	root_of(t, size, want);
	assert_memory_equal(root, want, DIGEST_LEN);
}

/* Asks for (old, size) of t and expects status; returns nothing. */
static void
expect(struct env *e, struct fixture_tree *t, uint64_t old, uint64_t size,
    int status, const char *msg)
{
	struct witness_reply r;
	char *req, *body;
	size_t len;
	uint64_t ts = 0;

	req = request(t, e->ls, old, size, 1, &body, &len);
	assert_int_equal(send_req(e, req, len, &r), status);
	if (msg != NULL && strstr(r.msg, msg) == NULL)
		fail_msg("reply \"%s\" does not say \"%s\"", r.msg, msg);
	if (status == 200) {
		assert_int_equal(cosig_verify_line(e->wv, body, strlen(body),
		    r.body, r.bodylen, &ts), 0);
		assert_int_equal(ts, NOW);
		assert_string_equal(r.content_type,
		    "text/plain; charset=utf-8");
	}
	witness_reply_clear(&r);
	free(body);
	free(req);
}

static void
test_extend(void **state)
{
	struct env *e = *state;

	grow(&e->t, 12, "log");
	expect(e, &e->t, 0, 5, 200, "cosigned");
	assert_state(e, 5, &e->t);
	/* The same checkpoint again is cosigned again. */
	expect(e, &e->t, 5, 5, 200, NULL);
	assert_state(e, 5, &e->t);
	expect(e, &e->t, 5, 12, 200, NULL);
	assert_state(e, 12, &e->t);
	expect(e, &e->t, 12, 12, 200, NULL);
	/* Powers of two and one leaf more. */
	grow(&e->t, 33, "log");
	expect(e, &e->t, 12, 16, 200, NULL);
	expect(e, &e->t, 16, 17, 200, NULL);
	expect(e, &e->t, 17, 33, 200, NULL);
	assert_state(e, 33, &e->t);
}

static void
test_conflict(void **state)
{
	struct env *e = *state;
	struct witness_reply r;
	char *req;
	size_t len;

	grow(&e->t, 12, "log");
	expect(e, &e->t, 0, 5, 200, NULL);
	/* A client that does not know the state asks with old 0. */
	req = request(&e->t, e->ls, 0, 12, 1, NULL, &len);
	assert_int_equal(send_req(e, req, len, &r), 409);
	assert_string_equal(r.body, "5\n");
	assert_string_equal(r.content_type, "text/x.tlog.size");
	assert_int_equal(r.stored, 5);
	witness_reply_clear(&r);
	free(req);
	expect(e, &e->t, 7, 12, 409, "not the latest cosigned size 5");
	assert_state(e, 5, &e->t);
}

static void
test_fork_rewind(void **state)
{
	struct env *e = *state;
	struct witness_reply r;
	char *req;
	size_t len;

	grow(&e->t, 12, "log");
	grow(&e->f, 14, "fork");
	expect(e, &e->t, 0, 12, 200, NULL);
	/* Same size, another root. */
	expect(e, &e->f, 12, 12, 422, "another root hash");
	/* A larger fork, with its own (valid) proof from its own 12. */
	expect(e, &e->f, 12, 14, 422, "does not verify");
	/* The log's own proof with a flipped byte. */
	grow(&e->t, 14, "log");
	req = request(&e->t, e->ls, 12, 14, 1, NULL, &len);
	req[9] = req[9] == 'A' ? 'B' : 'A';
	assert_int_equal(send_req(e, req, len, &r), 422);
	witness_reply_clear(&r);
	free(req);
	/* A proof-less request from 12 to 14. */
	req = request(&e->t, e->ls, 12, 14, 0, NULL, &len);
	assert_int_equal(send_req(e, req, len, &r), 422);
	witness_reply_clear(&r);
	free(req);
	/* Rewinds: old above size, or old the smaller size. */
	expect(e, &e->t, 12, 7, 400, "exceeds the checkpoint size");
	expect(e, &e->t, 7, 7, 409, NULL);
	assert_state(e, 12, &e->t);
}

static void
test_refusals(void **state)
{
	struct env *e = *state;
	struct note_signer *other, *stranger;
	struct note_verifier *ov;
	struct witness_reply r;
	char *req;
	size_t len;

	grow(&e->t, 3, "log");
	/* A key of the same name that the witness does not trust. */
	fixture_signer_make(ORIGIN, SIGN_ED25519, &other, &ov);
	req = request(&e->t, other, 0, 3, 1, NULL, &len);
	assert_int_equal(send_req(e, req, len, &r), 403);
	witness_reply_clear(&r);
	free(req);
	/*
	 * A trusted key's line that does not verify: one character of the
	 * signature changed well inside its base64, where every character
	 * carries six bits (the last one before the padding does not, and
	 * changing it could make the line non-canonical base64, a 400).
	 */
	req = request(&e->t, e->ls, 0, 3, 1, NULL, &len);
	req[len - 20] = req[len - 20] == 'A' ? 'B' : 'A';
	assert_int_equal(send_req(e, req, len, &r), 403);
	witness_reply_clear(&r);
	free(req);
	/* An origin nobody configured. */
	note_signer_free(other);
	note_verifier_free(ov);
	assert_int_equal(note_signer_generate("other.example", SIGN_ED25519,
	    &stranger), 0);
	{
		uint8_t root[DIGEST_LEN];
		char *note, *body;
		size_t nlen;

		root_of(&e->t, 3, root);
		fixture_checkpoint_sign(stranger, "other.example", 3, root,
		    &note, &nlen);
		assert_non_null(body = malloc(nlen + 8));
		len = (size_t)sprintf(body, "old 0\n\n%s", note);
		assert_int_equal(send_req(e, body, len, &r), 404);
		witness_reply_clear(&r);
		free(body);
		free(note);
	}
	note_signer_free(stranger);
	/* Malformed requests. */
	assert_int_equal(send_req(e, "old 01\n\nx\n", 10, &r), 400);
	witness_reply_clear(&r);
	assert_int_equal(send_req(e, "old 0\n\nnot a note\n", 18, &r), 400);
	witness_reply_clear(&r);
	/* Old size 0 with a proof line. */
	req = request(&e->t, e->ls, 0, 3, 1, NULL, &len);
	{
		char *with = malloc(len + 46);

		assert_non_null(with);
		memcpy(with, "old 0\n", 6);
		memset(with + 6, 'A', 43);
		memcpy(with + 49, "=\n", 2);
		memcpy(with + 51, req + 6, len - 6);
		assert_int_equal(send_req(e, with, len + 45, &r), 422);
		witness_reply_clear(&r);
		free(with);
	}
	free(req);
	/* None of this changed the state. */
	assert_int_equal(witness_state(e->w, ORIGIN, &(uint64_t){ 0 },
	    (uint8_t[DIGEST_LEN]){ 0 }), CUSTOS_ERR_NOTFOUND);
	/* A size-0 checkpoint must have the empty tree's root. */
	{
		uint8_t root[DIGEST_LEN];
		char *note, *body;
		size_t nlen;

		root_of(&e->t, 3, root);
		fixture_checkpoint_sign(e->ls, ORIGIN, 0, root, &note, &nlen);
		assert_non_null(body = malloc(nlen + 8));
		len = (size_t)sprintf(body, "old 0\n\n%s", note);
		assert_int_equal(send_req(e, body, len, &r), 422);
		assert_non_null(strstr(r.msg, "empty tree"));
		witness_reply_clear(&r);
		free(body);
		free(note);
	}
}

static void
test_empty_tree(void **state)
{
	struct env *e = *state;
	struct witness_reply r;
	uint8_t root[DIGEST_LEN];
	char *note, *body;
	size_t nlen, len;

	assert_int_equal(digest_buf(DIGEST_SHA256, "", 0, root), 0);
	fixture_checkpoint_sign(e->ls, ORIGIN, 0, root, &note, &nlen);
	assert_non_null(body = malloc(nlen + 8));
	len = (size_t)sprintf(body, "old 0\n\n%s", note);
	assert_int_equal(send_req(e, body, len, &r), 200);
	witness_reply_clear(&r);
	free(body);
	free(note);
	assert_int_equal(witness_state(e->w, ORIGIN, &(uint64_t){ 1 }, root),
	    0);
	grow(&e->t, 2, "log");
	expect(e, &e->t, 0, 2, 200, NULL);
}

/* The state is in the file: a reopen and a second handle see it. */
static void
test_persist(void **state)
{
	struct env *e = *state;
	struct witness *w2;
	struct witness_reply r;
	struct note *n;
	uint8_t h[DIGEST_LEN];
	char hex[HEX_ENCLEN(DIGEST_LEN)];

	grow(&e->t, 20, "log");
	assert_int_equal(witness_open(e->db, e->ws, &w2), 0);
	assert_int_equal(witness_add_log(w2, e->lv), 0);
	assert_int_equal(witness_add_log(w2, e->lv), CUSTOS_ERR_EXISTS);
	expect(e, &e->t, 0, 9, 200, NULL);
	witness_free(e->w);
	e->w = w2;
	expect(e, &e->t, 0, 20, 409, "latest cosigned size 9");
	expect(e, &e->t, 9, 20, 200, NULL);
	assert_state(e, 20, &e->t);

	/* The monitor's view: the log's and the witness's signatures. */
	assert_int_equal(digest_buf(DIGEST_SHA256, ORIGIN, strlen(ORIGIN), h),
	    0);
	hex_encode(h, DIGEST_LEN, hex);
	assert_int_equal(witness_checkpoint(e->w, hex, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(note_parse(r.body, r.bodylen, &n), 0);
	assert_int_equal(note_verify(n, e->lv), 0);
	assert_int_equal(cosig_verify_note(n, e->wv, NULL), 0);
	assert_int_equal(note_nsigs(n), 2);
	note_free(n);
	witness_reply_clear(&r);
	hex[0] = hex[0] == 'a' ? 'b' : 'a';
	assert_int_equal(witness_checkpoint(e->w, hex, &r), 0);
	assert_int_equal(r.status, 404);
	witness_reply_clear(&r);
}

/*
 * Two processes, each with its own connection to the state file, send
 * requests from the same old size at the same moment: one is cosigned,
 * the other gets 409 with the winner's size, never both 200.
 */
static void
test_race(void **state)
{
	struct env *e = *state;
	struct witness_reply r;
	char *req[2], go;
	size_t len[2];
	uint64_t sizes[2] = { 12, 9 }, got;
	uint8_t root[DIGEST_LEN];
	int gate[2], i, round, st, won;
	pid_t pid[2];

	grow(&e->t, 12, "log");
	expect(e, &e->t, 0, 5, 200, NULL);
	req[0] = request(&e->t, e->ls, 5, sizes[0], 1, NULL, &len[0]);
	req[1] = request(&e->t, e->ls, 5, sizes[1], 1, NULL, &len[1]);
	for (round = 0; round < 4; round++) {
		assert_int_equal(pipe(gate), 0);
		for (i = 0; i < 2; i++) {
			assert_true((pid[i] = fork()) >= 0);
			if (pid[i] != 0)
				continue;
			/*
			 * The child: its own connection (the parent's is
			 * left alone, as SQLite asks), then the gate.
			 */
			if (witness_open(e->db, e->ws, &e->w) != 0 ||
			    witness_add_log(e->w, e->lv) != 0)
				_exit(1);
			close(gate[1]);
			if (read(gate[0], &go, 1) != 0)
				_exit(1);
			if (witness_add_checkpoint(e->w, req[i], len[i], NOW,
			    &r) != 0)
				_exit(1);
			_exit(r.status == 200 ? 2 : r.status == 409 ? 3 : 4);
		}
		close(gate[0]);
		close(gate[1]);		/* both go */
		won = -1;
		for (i = 0; i < 2; i++) {
			assert_int_equal(waitpid(pid[i], &st, 0), pid[i]);
			assert_true(WIFEXITED(st));
			assert_true(WEXITSTATUS(st) == 2 ||
			    WEXITSTATUS(st) == 3);
			if (WEXITSTATUS(st) == 2) {
				assert_int_equal(won, -1);
				won = i;
			}
		}
		assert_int_not_equal(won, -1);
		assert_int_equal(witness_state(e->w, ORIGIN, &got, root), 0);
		assert_int_equal(got, sizes[won]);
		/* Back to size 5 for the next round. */
		assert_int_equal(db_reset_to(e, 5), 0);
	}
	free(req[0]);
	free(req[1]);
}

static void
test_parse(void **state)
{
	struct witness_req q;
	char err[128], big[WITNESS_MAX_BODY + 2];
	size_t i;
	static const char *const bad[] = {
		"", "old", "old \n\nx", "old -1\n\nx", "old 1", "old 1\n",
		"old 1\nAAAA\n\nx", "old 1\n\n", "Old 1\n\nx", "old 1 \n\nx",
		"old 18446744073709551616\n\nx",
		"old 1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	};

	(void)state;
	assert_int_equal(witness_req_parse("old 0\n\nx", 8, &q, err,
	    sizeof(err)), 0);
	assert_int_equal(q.old, 0);
	assert_int_equal(q.nproof, 0);
	assert_int_equal(q.notelen, 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(witness_req_parse(bad[i], strlen(bad[i]), &q,
		    err, sizeof(err)), CUSTOS_ERR_FORMAT);
		assert_true(strlen(err) > 0);
	}
	/* 63 proof lines are allowed, 64 are not. */
	memset(big, 0, sizeof(big));
	strcpy(big, "old 7\n");
	for (i = 0; i < 64; i++)
		strcat(big, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
	strcat(big, "\nx");
	assert_int_equal(witness_req_parse(big, strlen(big), &q, err,
	    sizeof(err)), CUSTOS_ERR_TOOBIG);
	memmove(big + 6, big + 6 + 45, strlen(big + 6 + 45) + 1);
	assert_int_equal(witness_req_parse(big, strlen(big), &q, err,
	    sizeof(err)), 0);
	assert_int_equal(q.nproof, 63);
	assert_int_equal(witness_req_parse(big, WITNESS_MAX_BODY + 1, &q, err,
	    sizeof(err)), CUSTOS_ERR_TOOBIG);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_extend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflict, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fork_rewind, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_empty_tree, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_persist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_race, setup, teardown),
		cmocka_unit_test(test_parse),
	};

	return FIXTURE_RUN(tests, argc, argv);
}
