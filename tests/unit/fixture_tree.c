/*
 * The unit tests' Merkle tree in memory, built by merkle.h from the leaf
 * hashes alone (fixture.h).  It needs only merkle and digest, so the
 * Merkle tests link no log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "custos/err.h"
#include "custos/merkle.h"
#include "fixture.h"

int
fixture_tree_read(void *arg, unsigned level, uint64_t index,
    uint8_t out[DIGEST_LEN])
{
	struct fixture_tree *t = arg;

	t->reads++;
	if (t->fail != 0)
		return t->fail;
	if (level >= MERKLE_MAX_LEVELS || index >= t->len[level])
		return CUSTOS_ERR_NOTFOUND;
	memcpy(out, t->lv[level][index], DIGEST_LEN);
	return 0;
}

static void
tree_store(struct fixture_tree *t, const struct merkle_node *nd)
{
	unsigned l = nd->level;

	/* merkle_append must produce each level's nodes in order. */
	assert_true(l < MERKLE_MAX_LEVELS);
	assert_int_equal(nd->index, t->len[l]);
	if (t->len[l] == t->cap[l]) {
		t->cap[l] = t->cap[l] ? 2 * t->cap[l] : 16;
		t->lv[l] = realloc(t->lv[l], t->cap[l] * DIGEST_LEN);
		assert_non_null(t->lv[l]);
	}
	memcpy(t->lv[l][t->len[l]++], nd->hash, DIGEST_LEN);
}

void
fixture_tree_append(struct fixture_tree *t, const uint8_t leaf[DIGEST_LEN])
{
	struct merkle_reader r = { fixture_tree_read, t };
	struct merkle_node out[MERKLE_MAX_LEVELS];
	unsigned long before = t->reads;
	size_t i, n;

	assert_int_equal(merkle_append(t->alg, t->n, leaf, &r, out, &n), 0);
	/* Leaf n completes one node per trailing one bit of n, reading
	 * exactly one left sibling for each. */
	assert_int_equal(n, 1 + (size_t)__builtin_ctzll(t->n + 1));
	assert_int_equal(t->reads - before, n - 1);
	for (i = 0; i < n; i++)
		tree_store(t, &out[i]);
	t->n++;
}

void
fixture_tree_append_data(struct fixture_tree *t, const void *data,
    size_t len)
{
	uint8_t leaf[DIGEST_LEN];

	assert_int_equal(merkle_leaf_hash(t->alg, data, len, leaf), 0);
	fixture_tree_append(t, leaf);
}

void
fixture_tree_free(struct fixture_tree *t)
{
	unsigned i;

	for (i = 0; i < MERKLE_MAX_LEVELS; i++)
		free(t->lv[i]);
	memset(t, 0, sizeof(*t));
}

size_t
fixture_leaf_data(uint64_t i, char *buf, size_t bufsz)
{
	return (size_t)snprintf(buf, bufsz, "custos leaf %llu",
	    (unsigned long long)i);
}

unsigned
fixture_bitlen(uint64_t n)
{
	return n == 0 ? 0 : 64 - (unsigned)__builtin_clzll(n);
}
