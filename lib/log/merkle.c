/*
 * merkle: RFC 9162 Merkle trees over stored complete subtrees.
 *
 * Every range [lo, hi) that the RFC's recursive definitions visit is cut,
 * from the left, into complete subtrees whose sizes are decreasing powers
 * of two; lo is always a multiple of the first piece's size, so each piece
 * is one stored node.  Reading those nodes and combining them from the
 * right gives MTH(D[lo:hi]) with at most 64 reads, so roots and proofs cost
 * O(log n) reads whatever the tree size.  The results are the same bytes
 * as golang.org/x/mod/sumdb/tlog produces, which implements the same RFC.
 */
#include <stdlib.h>
#include <string.h>

#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/merkle.h"

/* A base64 line of one hash: 44 characters, then "\n". */
#define HASH_B64	(B64_ENCLEN(DIGEST_LEN) - 1)

/* The largest power of two strictly less than n (n >= 2). */
static uint64_t
split_point(uint64_t n)
{
	uint64_t k = 1;

	while (k < n - k)
		k <<= 1;
	return k;
}

/* The largest power of two that is at most n, as its exponent (n >= 1). */
static unsigned
floor_log2(uint64_t n)
{
	return 63 - (unsigned)__builtin_clzll(n);
}

/* The number of significant bits of x. */
static unsigned
bitlen(uint64_t x)
{
	return x == 0 ? 0 : 64 - (unsigned)__builtin_clzll(x);
}

size_t
merkle_inclusion_len(uint64_t index, uint64_t size)
{
	unsigned inner;

	if (index >= size)
		return 0;
	inner = bitlen(index ^ (size - 1));
	if (inner >= 64)
		return inner;
	return inner + (size_t)__builtin_popcountll(index >> inner);
}

size_t
merkle_consistency_len(uint64_t old, uint64_t new)
{
	unsigned shift;
	size_t len;

	if (old == 0 || old >= new)
		return 0;
	shift = (unsigned)__builtin_ctzll(old);
	len = merkle_inclusion_len(old - 1, new) - shift;
	return old == (UINT64_C(1) << shift) ? len : len + 1;
}

int
merkle_leaf_hash(enum digest_alg alg, const void *data, size_t len,
    uint8_t out[DIGEST_LEN])
{
	static const uint8_t prefix = 0x00;
	struct digest *d;
	int rc;

	/* Stream the entry instead of copying it behind the prefix byte:
	 * entries may be up to a megabyte. */
	if ((rc = digest_new(alg, &d)) != 0)
		return rc;
	if ((rc = digest_update(d, &prefix, 1)) == 0 &&
	    (rc = digest_update(d, data, len)) == 0)
		rc = digest_final(d, out);
	digest_free(d);
	return rc;
}

int
merkle_node_hash(enum digest_alg alg, const uint8_t left[DIGEST_LEN],
    const uint8_t right[DIGEST_LEN], uint8_t out[DIGEST_LEN])
{
	uint8_t buf[1 + 2 * DIGEST_LEN];

	buf[0] = 0x01;
	memcpy(buf + 1, left, DIGEST_LEN);
	memcpy(buf + 1 + DIGEST_LEN, right, DIGEST_LEN);
	return digest_buf(alg, buf, sizeof(buf), out);
}

int
merkle_append(enum digest_alg alg, uint64_t n, const uint8_t leaf[DIGEST_LEN],
    const struct merkle_reader *r, struct merkle_node out[MERKLE_MAX_LEVELS],
    size_t *nout)
{
	uint8_t left[DIGEST_LEN];
	unsigned i, m;
	int rc;

	*nout = 0;
	/* Leaf 2^64 - 1 would complete a subtree of 2^64 leaves, whose level
	 * does not fit in MERKLE_MAX_LEVELS. */
	if (n == UINT64_MAX)
		return CUSTOS_ERR_RANGE;
	out[0].level = 0;
	out[0].index = n;
	memcpy(out[0].hash, leaf, DIGEST_LEN);

	/* Each trailing one bit of n is a complete left sibling at that
	 * level; leaf n completes its parent, and so on up. */
	m = (unsigned)__builtin_ctzll(n + 1);
	for (i = 0; i < m; i++) {
		if ((rc = r->read(r->arg, i, (n >> i) - 1, left)) != 0)
			return rc;
		out[i + 1].level = i + 1;
		out[i + 1].index = n >> (i + 1);
		if ((rc = merkle_node_hash(alg, left, out[i].hash,
		    out[i + 1].hash)) != 0)
			return rc;
	}
	*nout = m + 1;
	return 0;
}

/*
 * Computes MTH(D[lo:hi]) for lo < hi from the stored complete subtrees
 * that tile the range.  RFC 9162 splits a range at the largest power of
 * two k < hi - lo; the left half is complete and the right half is split
 * again, so the tiles are read left to right and folded right to left.
 */
static int
subtree_hash(enum digest_alg alg, uint64_t lo, uint64_t hi,
    const struct merkle_reader *r, uint8_t out[DIGEST_LEN])
{
	uint8_t tiles[MERKLE_MAX_LEVELS][DIGEST_LEN];
	unsigned level, ntiles = 0;
	uint64_t k;
	int rc;

	if (lo >= hi)
		return CUSTOS_ERR_INVALID;
	while (lo < hi) {
		level = floor_log2(hi - lo);
		k = (uint64_t)1 << level;
		/* The RFC's splits only ever produce aligned tiles; anything
		 * else is a caller bug, not a node we could read. */
		if ((lo & (k - 1)) != 0 || ntiles == MERKLE_MAX_LEVELS)
			return CUSTOS_ERR_INVALID;
		if ((rc = r->read(r->arg, level, lo >> level,
		    tiles[ntiles])) != 0)
			return rc;
		ntiles++;
		lo += k;
	}
	memcpy(out, tiles[ntiles - 1], DIGEST_LEN);
	while (ntiles-- > 1)
		if ((rc = merkle_node_hash(alg, tiles[ntiles - 1], out,
		    out)) != 0)
			return rc;
	return 0;
}

int
merkle_root(enum digest_alg alg, uint64_t size, const struct merkle_reader *r,
    uint8_t out[DIGEST_LEN])
{
	if (size == 0)
		return digest_buf(alg, NULL, 0, out);
	return subtree_hash(alg, 0, size, r, out);
}

/* A proof under construction: hashes are added leaf side first. */
struct proof {
	uint8_t	(*hash)[DIGEST_LEN];
	size_t	 n;
};

static int
proof_add_subtree(enum digest_alg alg, struct proof *p, uint64_t lo,
    uint64_t hi, const struct merkle_reader *r)
{
	int rc;

	if (p->n == MERKLE_MAX_PROOF)
		return CUSTOS_ERR_INVALID;
	if ((rc = subtree_hash(alg, lo, hi, r, p->hash[p->n])) != 0)
		return rc;
	p->n++;
	return 0;
}

/* PATH(m, D[lo:hi]) of RFC 9162 2.1.3.1 for lo <= m < hi. */
static int
inclusion_path(enum digest_alg alg, uint64_t m, uint64_t lo, uint64_t hi,
    const struct merkle_reader *r, struct proof *p)
{
	uint64_t k;
	int rc;

	if (hi - lo == 1)
		return 0;
	k = split_point(hi - lo);
	if (m < lo + k) {
		if ((rc = inclusion_path(alg, m, lo, lo + k, r, p)) != 0)
			return rc;
		return proof_add_subtree(alg, p, lo + k, hi, r);
	}
	if ((rc = inclusion_path(alg, m, lo + k, hi, r, p)) != 0)
		return rc;
	return proof_add_subtree(alg, p, lo, lo + k, r);
}

int
merkle_prove_inclusion(enum digest_alg alg, uint64_t index, uint64_t size,
    const struct merkle_reader *r, uint8_t proof[][DIGEST_LEN], size_t *n)
{
	struct proof p = { proof, 0 };
	int rc;

	*n = 0;
	if (index >= size)
		return CUSTOS_ERR_RANGE;
	if ((rc = inclusion_path(alg, index, 0, size, r, &p)) != 0)
		return rc;
	*n = p.n;
	return 0;
}

/*
 * SUBPROOF(m, D[lo:hi], b) of RFC 9162 2.1.4.1 for lo < m <= hi; b is
 * true while D[lo:hi] is still the subtree the old root was computed on.
 */
static int
consistency_subproof(enum digest_alg alg, uint64_t m, uint64_t lo,
    uint64_t hi, int b, const struct merkle_reader *r, struct proof *p)
{
	uint64_t k;
	int rc;

	if (m == hi) {
		/* The verifier already knows the old root. */
		if (b)
			return 0;
		return proof_add_subtree(alg, p, lo, hi, r);
	}
	k = split_point(hi - lo);
	if (m <= lo + k) {
		if ((rc = consistency_subproof(alg, m, lo, lo + k, b, r,
		    p)) != 0)
			return rc;
		return proof_add_subtree(alg, p, lo + k, hi, r);
	}
	if ((rc = consistency_subproof(alg, m, lo + k, hi, 0, r, p)) != 0)
		return rc;
	return proof_add_subtree(alg, p, lo, lo + k, r);
}

int
merkle_prove_consistency(enum digest_alg alg, uint64_t old, uint64_t new,
    const struct merkle_reader *r, uint8_t proof[][DIGEST_LEN], size_t *n)
{
	struct proof p = { proof, 0 };
	int rc;

	*n = 0;
	if (old == 0 || old > new)
		return CUSTOS_ERR_RANGE;
	if (old == new)
		return 0;
	if ((rc = consistency_subproof(alg, old, 0, new, 1, r, &p)) != 0)
		return rc;
	*n = p.n;
	return 0;
}

/* Compares two hashes without an early exit. */
static int
hash_equal(const uint8_t a[DIGEST_LEN], const uint8_t b[DIGEST_LEN])
{
	uint8_t diff = 0;
	size_t i;

	for (i = 0; i < DIGEST_LEN; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

int
merkle_verify_inclusion(enum digest_alg alg, uint64_t index, uint64_t size,
    const uint8_t leaf[DIGEST_LEN], const uint8_t proof[][DIGEST_LEN],
    size_t n, const uint8_t root[DIGEST_LEN])
{
	uint8_t h[DIGEST_LEN];
	uint64_t fn, sn;
	size_t i;

	/* RFC 9162 2.1.3.2, step by step. */
	if (index >= size || n > MERKLE_MAX_PROOF)
		return CUSTOS_ERR_VERIFY;
	fn = index;
	sn = size - 1;
	memcpy(h, leaf, DIGEST_LEN);
	for (i = 0; i < n; i++) {
		if (sn == 0)
			return CUSTOS_ERR_VERIFY;
		if ((fn & 1) != 0 || fn == sn) {
			if (merkle_node_hash(alg, proof[i], h, h) != 0)
				return CUSTOS_ERR_VERIFY;
			while ((fn & 1) == 0 && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else if (merkle_node_hash(alg, h, proof[i], h) != 0)
			return CUSTOS_ERR_VERIFY;
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || !hash_equal(h, root))
		return CUSTOS_ERR_VERIFY;
	return 0;
}

int
merkle_verify_consistency(enum digest_alg alg, uint64_t old, uint64_t new,
    const uint8_t oldroot[DIGEST_LEN], const uint8_t newroot[DIGEST_LEN],
    const uint8_t proof[][DIGEST_LEN], size_t n)
{
	uint8_t fr[DIGEST_LEN], sr[DIGEST_LEN];
	uint64_t fn, sn;
	size_t i = 0;

	/* An empty tree has no root to be consistent with (RFC 9162 2.1.4
	 * defines proofs for 0 < old only), and equal sizes need no proof. */
	if (old == 0 || old > new || n > MERKLE_MAX_PROOF)
		return CUSTOS_ERR_VERIFY;
	if (old == new) {
		if (n != 0 || !hash_equal(oldroot, newroot))
			return CUSTOS_ERR_VERIFY;
		return 0;
	}

	/* RFC 9162 2.1.4.2.  When old is a power of two the old root is the
	 * first hash of the path; instead of prepending it to the array we
	 * start the walk from it. */
	if (n == 0)
		return CUSTOS_ERR_VERIFY;
	if ((old & (old - 1)) == 0) {
		memcpy(fr, oldroot, DIGEST_LEN);
	} else {
		memcpy(fr, proof[0], DIGEST_LEN);
		i = 1;
	}
	memcpy(sr, fr, DIGEST_LEN);
	fn = old - 1;
	sn = new - 1;
	while ((fn & 1) != 0) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < n; i++) {
		if (sn == 0)
			return CUSTOS_ERR_VERIFY;
		if ((fn & 1) != 0 || fn == sn) {
			if (merkle_node_hash(alg, proof[i], fr, fr) != 0 ||
			    merkle_node_hash(alg, proof[i], sr, sr) != 0)
				return CUSTOS_ERR_VERIFY;
			while ((fn & 1) == 0 && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else if (merkle_node_hash(alg, sr, proof[i], sr) != 0)
			return CUSTOS_ERR_VERIFY;
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || !hash_equal(fr, oldroot) || !hash_equal(sr, newroot))
		return CUSTOS_ERR_VERIFY;
	return 0;
}

int
merkle_proof_parse(const char *text, size_t len, uint8_t proof[][DIGEST_LEN],
    size_t max, size_t *n)
{
	uint8_t buf[DIGEST_LEN + 1];
	size_t off = 0, count = 0, got;

	*n = 0;
	while (off < len) {
		/* Every line is exactly one canonical hash and its "\n":
		 * no CR, no blank lines, no missing final newline. */
		if (len - off < HASH_B64 + 1 || text[off + HASH_B64] != '\n')
			return CUSTOS_ERR_FORMAT;
		if (count == max)
			return CUSTOS_ERR_TOOBIG;
		if (b64_decode(text + off, HASH_B64, buf, sizeof(buf),
		    &got) != 0 || got != DIGEST_LEN)
			return CUSTOS_ERR_FORMAT;
		memcpy(proof[count++], buf, DIGEST_LEN);
		off += HASH_B64 + 1;
	}
	*n = count;
	return 0;
}

int
merkle_proof_format(const uint8_t proof[][DIGEST_LEN], size_t n, char **out,
    size_t *outlen)
{
	char *s;
	size_t i, off = 0;

	*out = NULL;
	*outlen = 0;
	if (n > (SIZE_MAX - 1) / (HASH_B64 + 1))
		return CUSTOS_ERR_NOMEM;
	/* Each hash needs HASH_B64 characters and "\n"; b64_encode also
	 * writes a NUL, which the next line overwrites. */
	if ((s = malloc(n * (HASH_B64 + 1) + 1)) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		off += b64_encode(proof[i], DIGEST_LEN, s + off);
		s[off++] = '\n';
	}
	s[off] = '\0';
	*out = s;
	*outlen = off;
	return 0;
}

void
merkle_stream_init(struct merkle_stream *m, enum digest_alg alg)
{
	memset(m, 0, sizeof(*m));
	m->alg = alg;
}

int
merkle_stream_append(struct merkle_stream *m, const uint8_t leaf[DIGEST_LEN])
{
	uint8_t h[DIGEST_LEN];
	unsigned level;
	int rc;

	if (m->size == UINT64_MAX)
		return CUSTOS_ERR_RANGE;
	/* Like binary addition: each set low bit of size is a complete
	 * subtree that the new one merges with. */
	memcpy(h, leaf, DIGEST_LEN);
	for (level = 0; (m->size >> level) & 1; level++)
		if ((rc = merkle_node_hash(m->alg, m->edge[level], h, h)) != 0)
			return rc;
	memcpy(m->edge[level], h, DIGEST_LEN);
	m->size++;
	return 0;
}

int
merkle_stream_root(const struct merkle_stream *m, uint8_t root[DIGEST_LEN])
{
	uint8_t h[DIGEST_LEN];
	unsigned level;
	int have = 0, rc;

	if (m->size == 0)
		return digest_buf(m->alg, NULL, 0, root);
	/* Fold the right edge from the smallest subtree up: RFC 9162 puts
	 * the largest complete subtree on the left at every split. */
	for (level = 0; level < MERKLE_MAX_LEVELS; level++) {
		if (((m->size >> level) & 1) == 0)
			continue;
		if (!have) {
			memcpy(h, m->edge[level], DIGEST_LEN);
			have = 1;
		} else if ((rc = merkle_node_hash(m->alg, m->edge[level], h,
		    h)) != 0)
			return rc;
	}
	memcpy(root, h, DIGEST_LEN);
	return 0;
}
