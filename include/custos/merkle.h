/*
 * merkle: RFC 9162 Merkle trees (section 2.1) over a profile's hash.
 *
 *	leaf hash = H(0x00 || entry bytes)
 *	node hash = H(0x01 || left || right)
 *	root of the empty tree = H("")
 *
 * A tree is kept as the hashes of its complete subtrees: node (level, index)
 * covers leaves [index << level, (index + 1) << level).  Appending leaf n
 * creates the node (0, n) and every complete subtree it finishes, on average
 * two nodes.  Roots and proofs for any tree size read O(log n) stored nodes
 * through a merkle_reader, never every leaf.
 */
#ifndef CUSTOS_MERKLE_H
#define CUSTOS_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "custos/digest.h"

#define MERKLE_MAX_LEVELS	64
/* Longest inclusion or consistency proof for trees of up to 2^63 leaves. */
#define MERKLE_MAX_PROOF	(2 * MERKLE_MAX_LEVELS)

struct merkle_node {
	unsigned	 level;
	uint64_t	 index;
	uint8_t		 hash[DIGEST_LEN];
};

/*
 * Reads stored node (level, index) into out.  Returns 0, or an error code
 * that the merkle function returns unchanged (CUSTOS_ERR_NOTFOUND if the
 * node is not stored).
 */
struct merkle_reader {
	int	(*read)(void *arg, unsigned level, uint64_t index,
		    uint8_t out[DIGEST_LEN]);
	void	*arg;
};

int	 merkle_leaf_hash(enum digest_alg alg, const void *data, size_t len,
	    uint8_t out[DIGEST_LEN]);
int	 merkle_node_hash(enum digest_alg alg, const uint8_t left[DIGEST_LEN],
	    const uint8_t right[DIGEST_LEN], uint8_t out[DIGEST_LEN]);

/*
 * Computes the nodes to store when a leaf with hash leaf is appended to a
 * tree of n leaves (it becomes leaf n).  Writes them to out, level 0 first,
 * and sets *nout (at most MERKLE_MAX_LEVELS).  Reads only the left siblings
 * it combines with.  Returns 0 or the reader's error.
 */
int	 merkle_append(enum digest_alg alg, uint64_t n,
	    const uint8_t leaf[DIGEST_LEN], const struct merkle_reader *r,
	    struct merkle_node out[MERKLE_MAX_LEVELS], size_t *nout);

/*
 * Computes the root hash of the tree of the first size leaves.  Returns 0
 * or the reader's error.
 */
int	 merkle_root(enum digest_alg alg, uint64_t size,
	    const struct merkle_reader *r, uint8_t out[DIGEST_LEN]);

/*
 * Builds the inclusion proof of leaf index in the tree of size leaves
 * (RFC 9162 2.1.3), leaf to root, into proof and sets *n.  Returns 0,
 * CUSTOS_ERR_RANGE unless index < size, or the reader's error.
 */
int	 merkle_prove_inclusion(enum digest_alg alg, uint64_t index,
	    uint64_t size, const struct merkle_reader *r,
	    uint8_t proof[][DIGEST_LEN], size_t *n);

/*
 * Builds the consistency proof between tree sizes old and new
 * (RFC 9162 2.1.4).  Returns 0, CUSTOS_ERR_RANGE unless
 * 0 < old <= new, or the reader's error.  old == new gives an empty proof.
 */
int	 merkle_prove_consistency(enum digest_alg alg, uint64_t old,
	    uint64_t new, const struct merkle_reader *r,
	    uint8_t proof[][DIGEST_LEN], size_t *n);

/*
 * The number of hashes in the inclusion proof of leaf index in the tree of
 * size leaves (RFC 9162 2.1.3): the levels below the point where the
 * paths to index and to the last leaf part, and one hash for each left
 * subtree above it.  Returns 0 unless index < size.
 */
size_t	 merkle_inclusion_len(uint64_t index, uint64_t size);

/*
 * The number of hashes in the consistency proof between tree sizes old
 * and new (RFC 9162 2.1.4.2): the inclusion path of leaf old - 1 without
 * the levels inside the largest complete subtree ending at old, plus that
 * subtree's hash unless it is the whole old tree.  Returns 0 unless
 * 0 < old < new (old == new has the empty proof).
 */
size_t	 merkle_consistency_len(uint64_t old, uint64_t new);

/*
 * Verifies that leaf is leaf index of the tree of size with root root
 * (RFC 9162 2.1.3.2).  Returns 0 or CUSTOS_ERR_VERIFY (also for a proof of
 * the wrong length or index >= size).
 */
int	 merkle_verify_inclusion(enum digest_alg alg, uint64_t index,
	    uint64_t size, const uint8_t leaf[DIGEST_LEN],
	    const uint8_t proof[][DIGEST_LEN], size_t n,
	    const uint8_t root[DIGEST_LEN]);

/*
 * Verifies that the tree of size old with root oldroot is a prefix of the
 * tree of size new with root newroot (RFC 9162 2.1.4.2).  Returns 0 or
 * CUSTOS_ERR_VERIFY.
 */
int	 merkle_verify_consistency(enum digest_alg alg, uint64_t old,
	    uint64_t new, const uint8_t oldroot[DIGEST_LEN],
	    const uint8_t newroot[DIGEST_LEN],
	    const uint8_t proof[][DIGEST_LEN], size_t n);

/*
 * A Merkle tree built in one pass, in memory, without storing leaves: the
 * hashes of the complete subtrees on its right edge (at most one per
 * level).  Used where a root is all that is wanted, such as the root over
 * a video's packets.  The struct is plain data; no free needed.
 */
struct merkle_stream {
	enum digest_alg	 alg;
	uint64_t	 size;
	uint8_t		 edge[MERKLE_MAX_LEVELS][DIGEST_LEN];
};

/* Starts an empty tree. */
void	 merkle_stream_init(struct merkle_stream *m, enum digest_alg alg);

/*
 * Appends a leaf given by its leaf hash (merkle_leaf_hash()).  Returns 0,
 * CUSTOS_ERR_RANGE when the tree is full, or CUSTOS_ERR_CRYPTO.
 */
int	 merkle_stream_append(struct merkle_stream *m,
	    const uint8_t leaf[DIGEST_LEN]);

/* Writes the root of the leaves appended so far (H("") when none). */
int	 merkle_stream_root(const struct merkle_stream *m,
	    uint8_t root[DIGEST_LEN]);

/*
 * Parses a proof file: one canonical base64 hash a line, each line ending
 * in "\n", nothing else (an empty file is an empty proof).  Writes up to
 * max hashes into proof and sets *n.  Returns 0, CUSTOS_ERR_FORMAT, or
 * CUSTOS_ERR_TOOBIG for more than max lines.
 */
int	 merkle_proof_parse(const char *text, size_t len,
	    uint8_t proof[][DIGEST_LEN], size_t max, size_t *n);

/*
 * Formats n hashes as a proof file into a newly allocated, NUL-terminated
 * *out of *outlen bytes.  Returns 0 or CUSTOS_ERR_NOMEM.
 */
int	 merkle_proof_format(const uint8_t proof[][DIGEST_LEN], size_t n,
	    char **out, size_t *outlen);

#endif
