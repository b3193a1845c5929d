/*
 * Tests for lib/log/merkle.c: an exhaustive comparison with a naive
 * implementation of the RFC 9162 definitions for every tree of up to
 * REF_MAX leaves, rejection of every altered proof, edge cases and the
 * one-pass stream.  test_merkle_vectors.c holds the known answers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "custos/digest.h"
#include "custos/err.h"
#include "custos/merkle.h"

#include "fixture.h"

#define REF_MAX	300	/* trees checked against the naive reference */

/*
 * The naive reference: RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1 written as
 * recursive definitions over the leaf hashes, hashing with OpenSSL
 * directly so that it shares no code with lib/log/merkle.c or
 * lib/crypto/digest.c.
 * MTH(D[lo:hi]) depends only on the leaves in the range, so it is
 * memoised over all ranges of one leaf sequence.
 */
struct ref {
	const EVP_MD	*md;
	uint64_t	 n;
	uint8_t		(*leaf)[DIGEST_LEN];
	uint8_t		*done;		/* (n + 1)^2 flags */
	uint8_t		(*mth)[DIGEST_LEN];	/* (n + 1)^2 hashes */
};

static void
ref_hash(const EVP_MD *md, uint8_t prefix, const void *a, size_t alen,
    const void *b, size_t blen, uint8_t out[DIGEST_LEN])
{
	EVP_MD_CTX *c;
	unsigned int olen;

	assert_non_null(c = EVP_MD_CTX_new());
	assert_int_equal(EVP_DigestInit_ex(c, md, NULL), 1);
	assert_int_equal(EVP_DigestUpdate(c, &prefix, 1), 1);
	if (alen)
		assert_int_equal(EVP_DigestUpdate(c, a, alen), 1);
	if (blen)
		assert_int_equal(EVP_DigestUpdate(c, b, blen), 1);
	assert_int_equal(EVP_DigestFinal_ex(c, out, &olen), 1);
	assert_int_equal(olen, DIGEST_LEN);
	EVP_MD_CTX_free(c);
}

/* The largest power of two strictly less than n, computed naively. */
static uint64_t
ref_k(uint64_t n)
{
	uint64_t k = 1;

	while (2 * k < n)
		k *= 2;
	return k;
}

static const uint8_t *
ref_mth(struct ref *f, uint64_t lo, uint64_t hi)
{
	size_t slot = lo * (f->n + 1) + hi;
	uint64_t k;

	assert_true(lo < hi && hi <= f->n);
	if (!f->done[slot]) {
		if (hi - lo == 1) {
			memcpy(f->mth[slot], f->leaf[lo], DIGEST_LEN);
		} else {
			k = ref_k(hi - lo);
			ref_hash(f->md, 0x01, ref_mth(f, lo, lo + k),
			    DIGEST_LEN, ref_mth(f, lo + k, hi), DIGEST_LEN,
			    f->mth[slot]);
		}
		f->done[slot] = 1;
	}
	return f->mth[slot];
}

static void
ref_path(struct ref *f, uint64_t m, uint64_t lo, uint64_t hi,
    uint8_t p[][DIGEST_LEN], size_t *n)
{
	uint64_t k;

	if (hi - lo == 1)
		return;
	k = ref_k(hi - lo);
	if (m < lo + k) {
		ref_path(f, m, lo, lo + k, p, n);
		memcpy(p[(*n)++], ref_mth(f, lo + k, hi), DIGEST_LEN);
	} else {
		ref_path(f, m, lo + k, hi, p, n);
		memcpy(p[(*n)++], ref_mth(f, lo, lo + k), DIGEST_LEN);
	}
}

static void
ref_subproof(struct ref *f, uint64_t m, uint64_t lo, uint64_t hi, int b,
    uint8_t p[][DIGEST_LEN], size_t *n)
{
	uint64_t k;

	if (m == hi) {
		if (!b)
			memcpy(p[(*n)++], ref_mth(f, lo, hi), DIGEST_LEN);
		return;
	}
	k = ref_k(hi - lo);
	if (m <= lo + k) {
		ref_subproof(f, m, lo, lo + k, b, p, n);
		memcpy(p[(*n)++], ref_mth(f, lo + k, hi), DIGEST_LEN);
	} else {
		ref_subproof(f, m, lo + k, hi, 0, p, n);
		memcpy(p[(*n)++], ref_mth(f, lo, lo + k), DIGEST_LEN);
	}
}

/* Builds both a fixture_tree and the reference over leaves 0 .. n - 1. */
static void
build(enum digest_alg alg, const EVP_MD *md, uint64_t n,
    struct fixture_tree *t, struct ref *f)
{
	char buf[64];
	size_t len;
	uint64_t i;

	memset(t, 0, sizeof(*t));
	t->alg = alg;
	memset(f, 0, sizeof(*f));
	f->md = md;
	f->n = n;
	assert_non_null(f->leaf = calloc(n, DIGEST_LEN));
	assert_non_null(f->done = calloc((n + 1) * (n + 1), 1));
	assert_non_null(f->mth = calloc((n + 1) * (n + 1), DIGEST_LEN));
	for (i = 0; i < n; i++) {
		len = fixture_leaf_data(i, buf, sizeof(buf));
		ref_hash(md, 0x00, buf, len, NULL, 0, f->leaf[i]);
		{
			uint8_t h[DIGEST_LEN];

			assert_int_equal(merkle_leaf_hash(alg, buf, len, h),
			    0);
			assert_memory_equal(h, f->leaf[i], DIGEST_LEN);
		}
		fixture_tree_append(t, f->leaf[i]);
	}
}

static void
ref_free(struct ref *f)
{
	free(f->leaf);
	free(f->done);
	free(f->mth);
}

#define CP(p)	((const uint8_t (*)[DIGEST_LEN])(p))

static void
flip(uint8_t *h, unsigned bit)
{
	h[bit / 8] ^= (uint8_t)(1u << (bit % 8));
}

/*
 * What a proof is checked for: leaf x of a tree of size b, at index a,
 * under root y (inclusion), or old root x of size a under new root y of
 * size b (consistency).
 */
struct claim {
	enum digest_alg	 alg;
	int		 cons;		/* consistency, else inclusion */
	uint64_t	 a, b;
	const uint8_t	*x, *y;
};

/* Verifies p (n hashes) for c, with x and y in place of c's hashes. */
static int
claim_verify(const struct claim *c, const uint8_t x[DIGEST_LEN],
    const uint8_t y[DIGEST_LEN], uint8_t p[][DIGEST_LEN], size_t n)
{
	if (c->cons)
		return merkle_verify_consistency(c->alg, c->a, c->b, x, y,
		    CP(p), n);
	return merkle_verify_inclusion(c->alg, c->a, c->b, x, CP(p), n, y);
}

/*
 * Checks that no single-bit change of the proof p of c, or of either of
 * its hashes (the leaf and the root, or the two roots), verifies.  With
 * all set every bit is tried, else one bit per hash.
 */
static void
mutate(const struct claim *c, uint8_t p[][DIGEST_LEN], size_t n, int all)
{
	uint8_t x[DIGEST_LEN], y[DIGEST_LEN];
	unsigned bit, first, last;
	size_t j;

	first = all ? 0 :
	    (unsigned)((c->a * (c->cons ? 37 : 31) + c->b) % 256);
	last = all ? 256 : first + 1;
	for (bit = first; bit < last; bit++) {
		for (j = 0; j < n; j++) {
			flip(p[j], bit);
			if (claim_verify(c, c->x, c->y, p, n) !=
			    CUSTOS_ERR_VERIFY)
				fail_msg("%s %llu%s%llu: flipped bit %u of "
				    "hash %zu verified",
				    c->cons ? "cons" : "incl",
				    (unsigned long long)c->a,
				    c->cons ? ".." : "/",
				    (unsigned long long)c->b, bit, j);
			flip(p[j], bit);
		}
		memcpy(x, c->x, DIGEST_LEN);
		flip(x, bit);
		memcpy(y, c->y, DIGEST_LEN);
		flip(y, bit);
		assert_int_equal(claim_verify(c, x, c->y, p, n),
		    CUSTOS_ERR_VERIFY);
		assert_int_equal(claim_verify(c, c->x, y, p, n),
		    CUSTOS_ERR_VERIFY);
	}
}

/*
 * Whether to try alterations of the proof for (i, s): every pair in the
 * smaller trees and a spread of them in the larger ones, which keeps the
 * test within seconds under ASan.  Every proof is still generated,
 * compared with the reference and verified.
 */
static int
deep(uint64_t i, uint64_t s)
{
	return s <= 64 || i == 0 || i == s - 1 || i % 8 == s % 8;
}

static int
same_proof(uint8_t a[][DIGEST_LEN], size_t an, uint8_t b[][DIGEST_LEN],
    size_t bn)
{
	return an == bn && (an == 0 || memcmp(a, b, an * DIGEST_LEN) == 0);
}

/*
 * Trees of 1 .. max leaves: the tree in memory, the reference over the
 * same leaves, and every root, each equal to the reference's and read
 * in O(log n).
 */
struct sweep {
	struct fixture_tree	 t;
	struct merkle_reader	 r;
	struct ref		 f;
	uint8_t			(*root)[DIGEST_LEN];
	uint64_t		 max;
	uint64_t		 exhaustive;	/* try every bit up to here */
	uint8_t			 p[MERKLE_MAX_PROOF + 1][DIGEST_LEN];
	uint8_t			 q[MERKLE_MAX_PROOF][DIGEST_LEN];
};

static void
sweep_start(struct sweep *w, enum digest_alg alg, const EVP_MD *md,
    uint64_t max)
{
	uint64_t s;

	build(alg, md, max, &w->t, &w->f);
	w->r.read = fixture_tree_read;
	w->r.arg = &w->t;
	assert_non_null(w->root = calloc(max + 1, DIGEST_LEN));
	for (s = 1; s <= max; s++) {
		w->t.reads = 0;
		assert_int_equal(merkle_root(alg, s, &w->r, w->root[s]), 0);
		assert_true(w->t.reads <= fixture_bitlen(s));
		assert_memory_equal(w->root[s], ref_mth(&w->f, 0, s),
		    DIGEST_LEN);
	}
}

static void
sweep_free(struct sweep *w)
{
	free(w->root);
	ref_free(&w->f);
	fixture_tree_free(&w->t);
}

/*
 * Every inclusion proof in every tree of 1 .. REF_MAX leaves equals the
 * reference proof, verifies, and stops verifying when anything changes:
 * a bit, its length, the index or the tree size it is claimed for.
 */
static void
check_inclusion(struct sweep *w, uint64_t i, uint64_t s)
{
	enum digest_alg alg = w->t.alg;
	struct claim c;
	uint64_t j;
	size_t n, qn;

	w->t.reads = 0;
	assert_int_equal(merkle_prove_inclusion(alg, i, s, &w->r,
	    w->p, &n), 0);
	assert_true(w->t.reads <= 2 * fixture_bitlen(s));
	assert_int_equal(merkle_inclusion_len(i, s), n);
	qn = 0;
	ref_path(&w->f, i, 0, s, w->q, &qn);
	if (!same_proof(w->p, n, w->q, qn))
		fail_msg("inclusion proof %llu/%llu differs "
		    "from the reference",
		    (unsigned long long)i,
		    (unsigned long long)s);
	assert_int_equal(merkle_verify_inclusion(alg, i, s,
	    w->f.leaf[i], CP(w->p), n, w->root[s]), 0);
	if (!deep(i, s))
		return;
	c = (struct claim){ alg, 0, i, s, w->f.leaf[i], w->root[s] };
	mutate(&c, w->p, n, s <= w->exhaustive);

	/*
	 * One hash too few or too many.  A shortened proof
	 * computes the root of a subtree, so try it against
	 * the roots of smaller trees as well (all of them
	 * while the trees are small).
	 */
	for (j = (s <= 64 || s < i + 3 ? i + 1 : s - 1);
	    n > 0 && j <= s; j++)
		assert_int_equal(merkle_verify_inclusion(alg,
		    i, s, w->f.leaf[i], CP(w->p), n - 1, w->root[j]),
		    CUSTOS_ERR_VERIFY);
	memcpy(w->p[n], w->f.leaf[i], DIGEST_LEN);
	assert_int_equal(merkle_verify_inclusion(alg, i, s,
	    w->f.leaf[i], CP(w->p), n + 1, w->root[s]),
	    CUSTOS_ERR_VERIFY);
	memcpy(w->p[n], w->root[s], DIGEST_LEN);
	assert_int_equal(merkle_verify_inclusion(alg, i, s,
	    w->f.leaf[i], CP(w->p), n + 1, w->root[s]),
	    CUSTOS_ERR_VERIFY);

	/* The index or size it is not a proof for: it may
	 * verify only where it is that proof too. */
	for (j = (s <= w->exhaustive ? 0 : i ? i - 1 : 0);
	    j < s && j <= (s <= w->exhaustive ? s : i + 1); j++) {
		if (j == i)
			continue;
		assert_int_equal(merkle_verify_inclusion(alg,
		    j, s, w->f.leaf[i], CP(w->p), n, w->root[s]),
		    CUSTOS_ERR_VERIFY);
		assert_int_equal(merkle_verify_inclusion(alg,
		    j, s, w->f.leaf[j], CP(w->p), n, w->root[s]),
		    CUSTOS_ERR_VERIFY);
	}
	for (j = (s > i + 3 ? s - 2 : i + 1);
	    j <= w->max && j <= s + 2; j++) {
		int want;

		if (j == s)
			continue;
		qn = 0;
		ref_path(&w->f, i, 0, j, w->q, &qn);
		want = same_proof(w->p, n, w->q, qn) ? 0 :
		    CUSTOS_ERR_VERIFY;
		assert_int_equal(merkle_verify_inclusion(alg,
		    i, j, w->f.leaf[i], CP(w->p), n, w->root[j]), want);
	}
	assert_int_equal(merkle_verify_inclusion(alg, s, s,
	    w->f.leaf[i], CP(w->p), n, w->root[s]), CUSTOS_ERR_VERIFY);
	assert_int_equal(merkle_verify_inclusion(alg, i, 0,
	    w->f.leaf[i], CP(w->p), n, w->root[s]), CUSTOS_ERR_VERIFY);
}

/*
 * The consistency proof in w->p (n hashes), claimed for the sizes old and
 * new with their own roots, verifies exactly where the reference proof
 * for them is the same.
 */
static void
check_consistency_as(struct sweep *w, size_t n, uint64_t old, uint64_t new)
{
	size_t qn = 0;
	int want;

	if (old < new)
		ref_subproof(&w->f, old, 0, new, 1, w->q, &qn);
	want = same_proof(w->p, n, w->q, qn) ? 0 : CUSTOS_ERR_VERIFY;
	assert_int_equal(merkle_verify_consistency(w->t.alg, old, new,
	    w->root[old], w->root[new], CP(w->p), n), want);
}

/*
 * Every consistency proof from o = i + 1 leaves in every tree of
 * 1 .. REF_MAX leaves equals the reference proof, verifies, and stops
 * verifying when anything changes, as for inclusion.
 */
static void
check_consistency(struct sweep *w, uint64_t i, uint64_t s)
{
	enum digest_alg alg = w->t.alg;
	struct claim c;
	uint64_t o = i + 1, j;
	size_t n, qn;

	w->t.reads = 0;
	assert_int_equal(merkle_prove_consistency(alg, o, s,
	    &w->r, w->p, &n), 0);
	assert_true(w->t.reads <= 3 * fixture_bitlen(s));
	assert_int_equal(merkle_consistency_len(o, s), n);
	qn = 0;
	if (o < s)
		ref_subproof(&w->f, o, 0, s, 1, w->q, &qn);
	if (!same_proof(w->p, n, w->q, qn))
		fail_msg("consistency proof %llu..%llu "
		    "differs from the reference",
		    (unsigned long long)o,
		    (unsigned long long)s);
	assert_int_equal(merkle_verify_consistency(alg, o, s,
	    w->root[o], w->root[s], CP(w->p), n), 0);
	if (!deep(o - 1, s))
		return;
	c = (struct claim){ alg, 1, o, s, w->root[o], w->root[s] };
	mutate(&c, w->p, n, s <= w->exhaustive);

	for (j = (s <= 64 || s < o + 2 ? o : s - 1);
	    n > 0 && j <= s; j++)
		assert_int_equal(merkle_verify_consistency(alg,
		    o, s, w->root[o], w->root[j], CP(w->p), n - 1),
		    CUSTOS_ERR_VERIFY);
	memcpy(w->p[n], w->root[o], DIGEST_LEN);
	assert_int_equal(merkle_verify_consistency(alg, o, s,
	    w->root[o], w->root[s], CP(w->p), n + 1),
	    CUSTOS_ERR_VERIFY);

	/* Other sizes with their own roots. */
	for (j = (o > 2 ? o - 2 : 1); j <= o + 2 && j <= s; j++)
		if (j != o)
			check_consistency_as(w, n, j, s);
	for (j = (s > o + 2 ? s - 2 : o); j <= w->max && j <= s + 2; j++)
		if (j != s)
			check_consistency_as(w, n, o, j);
	/* Sizes the RFC defines no proof for. */
	assert_int_equal(merkle_verify_consistency(alg, 0, s,
	    w->root[o], w->root[s], CP(w->p), n), CUSTOS_ERR_VERIFY);
	if (o < s)
		assert_int_equal(merkle_verify_consistency(alg,
		    s, o, w->root[s], w->root[o], CP(w->p), n),
		    CUSTOS_ERR_VERIFY);
}

/*
 * Runs check for each leaf index i of each tree of s = 1 .. max leaves
 * of alg; alterations are tried bit by bit while s <= exhaustive.
 */
static void
check_all(enum digest_alg alg, const EVP_MD *md, uint64_t max,
    uint64_t exhaustive, void (*check)(struct sweep *, uint64_t, uint64_t))
{
	struct sweep *w;
	uint64_t s, i;

	assert_non_null(w = calloc(1, sizeof(*w)));
	sweep_start(w, alg, md, max);
	w->max = max;
	w->exhaustive = exhaustive;
	for (s = 1; s <= max; s++)
		for (i = 0; i < s; i++)
			check(w, i, s);
	sweep_free(w);
	free(w);
}

static void
test_all_inclusion(void **state)
{
	(void)state;
	check_all(DIGEST_SHA256, EVP_sha256(), REF_MAX, 16, check_inclusion);
}

static void
test_all_consistency(void **state)
{
	(void)state;
	check_all(DIGEST_SHA256, EVP_sha256(), REF_MAX, 16,
	    check_consistency);
}

/* The sm profile: the same construction over SM3. */
static void
test_sm3(void **state)
{
	uint8_t a[DIGEST_LEN], b[DIGEST_LEN];

	(void)state;
	check_all(DIGEST_SM3, EVP_sm3(), 40, 4, check_inclusion);
	check_all(DIGEST_SM3, EVP_sm3(), 40, 4, check_consistency);
	assert_int_equal(merkle_leaf_hash(DIGEST_SM3, "", 0, a), 0);
	assert_int_equal(merkle_leaf_hash(DIGEST_SHA256, "", 0, b), 0);
	assert_memory_not_equal(a, b, DIGEST_LEN);
}

/* Edge cases of the proof functions themselves. */
static void
test_edges(void **state)
{
	uint8_t h[DIGEST_LEN], root[DIGEST_LEN], leaf[DIGEST_LEN];
	uint8_t p[MERKLE_MAX_PROOF][DIGEST_LEN];
	struct merkle_node out[MERKLE_MAX_LEVELS];
	struct fixture_tree t = { 0 };
	struct merkle_reader r = { fixture_tree_read, &t };
	size_t n, i;

	(void)state;
	t.alg = DIGEST_SHA256;
	for (i = 0; i < 5; i++) {
		assert_int_equal(merkle_leaf_hash(DIGEST_SHA256, &i, 1, h), 0);
		fixture_tree_append(&t, h);
	}
	assert_int_equal(merkle_leaf_hash(DIGEST_SHA256, &(size_t){ 0 }, 1,
	    leaf), 0);
	assert_int_equal(merkle_root(DIGEST_SHA256, 5, &r, root), 0);

	assert_int_equal(merkle_prove_inclusion(DIGEST_SHA256, 5, 5, &r, p,
	    &n), CUSTOS_ERR_RANGE);
	assert_int_equal(merkle_prove_inclusion(DIGEST_SHA256, 0, 0, &r, p,
	    &n), CUSTOS_ERR_RANGE);
	assert_int_equal(merkle_prove_consistency(DIGEST_SHA256, 0, 5, &r, p,
	    &n), CUSTOS_ERR_RANGE);
	assert_int_equal(merkle_prove_consistency(DIGEST_SHA256, 5, 4, &r, p,
	    &n), CUSTOS_ERR_RANGE);
	assert_int_equal(merkle_prove_consistency(DIGEST_SHA256, 5, 5, &r, p,
	    &n), 0);
	assert_int_equal(n, 0);

	/* Nodes that were never stored are the reader's error. */
	assert_int_equal(merkle_root(DIGEST_SHA256, 6, &r, h),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(merkle_prove_inclusion(DIGEST_SHA256, 0, 7, &r, p,
	    &n), CUSTOS_ERR_NOTFOUND);
	assert_int_equal(merkle_prove_consistency(DIGEST_SHA256, 3, 9, &r, p,
	    &n), CUSTOS_ERR_NOTFOUND);
	t.fail = CUSTOS_ERR_DB;
	assert_int_equal(merkle_root(DIGEST_SHA256, 5, &r, h), CUSTOS_ERR_DB);
	assert_int_equal(merkle_prove_inclusion(DIGEST_SHA256, 1, 5, &r, p,
	    &n), CUSTOS_ERR_DB);
	assert_int_equal(merkle_prove_consistency(DIGEST_SHA256, 2, 5, &r, p,
	    &n), CUSTOS_ERR_DB);
	assert_int_equal(merkle_append(DIGEST_SHA256, 5, h, &r, out, &n),
	    CUSTOS_ERR_DB);
	/* Leaf 5 completes no subtree, so appending it reads nothing. */
	assert_int_equal(merkle_append(DIGEST_SHA256, 4, h, &r, out, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(merkle_append(DIGEST_SHA256, UINT64_MAX, h, &r, out,
	    &n), CUSTOS_ERR_RANGE);
	t.fail = 0;

	/* A one-leaf tree: the root is the leaf, the proof is empty. */
	assert_int_equal(merkle_verify_inclusion(DIGEST_SHA256, 0, 1, leaf,
	    CP(p), 0, leaf), 0);
	assert_int_equal(merkle_verify_inclusion(DIGEST_SHA256, 0, 1, leaf,
	    CP(p), 0, root), CUSTOS_ERR_VERIFY);
	assert_int_equal(merkle_verify_inclusion(DIGEST_SHA256, 1, 1, leaf,
	    CP(p), 0, leaf), CUSTOS_ERR_VERIFY);
	/* Equal sizes: empty proof and equal roots only. */
	assert_int_equal(merkle_verify_consistency(DIGEST_SHA256, 5, 5, root,
	    root, CP(p), 0), 0);
	assert_int_equal(merkle_verify_consistency(DIGEST_SHA256, 5, 5, root,
	    leaf, CP(p), 0), CUSTOS_ERR_VERIFY);
	memcpy(p[0], root, DIGEST_LEN);
	assert_int_equal(merkle_verify_consistency(DIGEST_SHA256, 5, 5, root,
	    root, CP(p), 1), CUSTOS_ERR_VERIFY);
	assert_int_equal(merkle_verify_consistency(DIGEST_SHA256, 0, 0, root,
	    root, CP(p), 0), CUSTOS_ERR_VERIFY);
	/* A different size needs a proof. */
	assert_int_equal(merkle_verify_consistency(DIGEST_SHA256, 4, 5, root,
	    root, CP(p), 0), CUSTOS_ERR_VERIFY);
	/* Absurd lengths are refused before any hashing. */
	assert_int_equal(merkle_verify_inclusion(DIGEST_SHA256, 0, 5, leaf,
	    CP(p), MERKLE_MAX_PROOF + 1, root), CUSTOS_ERR_VERIFY);
	assert_int_equal(merkle_verify_consistency(DIGEST_SHA256, 1, 5, leaf,
	    root, CP(p), MERKLE_MAX_PROOF + 1), CUSTOS_ERR_VERIFY);
	fixture_tree_free(&t);
}

/* Huge sizes: proofs of trees near 2^64 leaves are still bounded. */
static void
test_huge_sizes(void **state)
{
	uint8_t p[MERKLE_MAX_PROOF][DIGEST_LEN], h[DIGEST_LEN];
	size_t n;

	(void)state;
	memset(p, 0x5a, sizeof(p));
	memset(h, 0xa5, sizeof(h));
	/* The longest valid inclusion proof has 64 hashes; it cannot match a
	 * random root, but the walk must stay within the array. */
	assert_int_equal(merkle_verify_inclusion(DIGEST_SHA256, 12345,
	    UINT64_MAX, h, CP(p), 64, h), CUSTOS_ERR_VERIFY);
	assert_int_equal(merkle_verify_inclusion(DIGEST_SHA256, 12345,
	    UINT64_MAX, h, CP(p), MERKLE_MAX_PROOF, h), CUSTOS_ERR_VERIFY);
	assert_int_equal(merkle_verify_consistency(DIGEST_SHA256, 3,
	    UINT64_MAX, h, h, CP(p), MERKLE_MAX_PROOF), CUSTOS_ERR_VERIFY);
	n = 0;
	(void)n;
}

static void
test_stream(void **state)
{
	struct merkle_stream m;
	struct fixture_tree t;
	struct ref f;
	uint8_t root[DIGEST_LEN], empty[DIGEST_LEN];
	uint64_t i, n = 300;

	(void)state;
	build(DIGEST_SHA256, EVP_sha256(), n, &t, &f);
	merkle_stream_init(&m, DIGEST_SHA256);
	assert_int_equal(merkle_stream_root(&m, root), 0);
	assert_int_equal(digest_buf(DIGEST_SHA256, NULL, 0, empty), 0);
	assert_memory_equal(root, empty, DIGEST_LEN);
	for (i = 0; i < n; i++) {
		assert_int_equal(merkle_stream_append(&m, f.leaf[i]), 0);
		assert_int_equal(merkle_stream_root(&m, root), 0);
		assert_memory_equal(root, ref_mth(&f, 0, i + 1), DIGEST_LEN);
	}
	fixture_tree_free(&t);
	ref_free(&f);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_inclusion),
		cmocka_unit_test(test_all_consistency),
		cmocka_unit_test(test_sm3),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_huge_sizes),
		cmocka_unit_test(test_stream),
	};

	return FIXTURE_RUN(tests, argc, argv);
}