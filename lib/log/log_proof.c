/*
 * log_proof: the tree a struct log stores, read back: roots, inclusion
 * and consistency proofs, and log_check(), the cheap check of the stored
 * right edge and the latest checkpoint.  Opening, appending and reading
 * entries are in log.c, the signed checkpoints and their timestamps in
 * log_ckpt.c; log_int.h holds what they share.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "custos/ckpt.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "log_int.h"

/*
 * Readies r to read the tree of size leaves (at most l's) through the
 * frontier and the stored nodes, and starts a read transaction for the
 * O(log n) node reads of one root or proof, unless one is open already
 * (an append's or an audit's).  In autocommit mode every read would be a
 * transaction of its own, and taking and dropping the WAL read lock and
 * checking the file for each of them used to cost more than the reads.
 * Returns 0 and *began, whether tree_end() must commit, or
 * CUSTOS_ERR_RANGE.
 */
static int
tree_begin(struct log *l, uint64_t size, struct edge_reader *e,
    struct merkle_reader *r, int *began)
{
	if (size > l->size)
		return CUSTOS_ERR_RANGE;
	e->f = &l->front;
	e->l = l;
	r->read = log_edge_read;
	r->arg = e;
	*began = sqlite3_get_autocommit(l->db) &&
	    log_step_done(l->st[ST_BEGIN_READ]) == 0;
	return 0;
}

/* Ends the read transaction tree_begin() started, keeping the error rc. */
static int
tree_end(struct log *l, int began, int rc)
{
	int rc2;

	if (began && (rc2 = log_step_done(l->st[ST_COMMIT])) != 0 && rc == 0)
		rc = rc2;
	return rc;
}

int
log_root(struct log *l, uint64_t size, uint8_t out[DIGEST_LEN])
{
	struct edge_reader e;
	struct merkle_reader r;
	int began, rc;

	if ((rc = tree_begin(l, size, &e, &r, &began)) != 0)
		return rc;
	return tree_end(l, began, merkle_root(l->alg, size, &r, out));
}

int
log_prove_inclusion(struct log *l, uint64_t index, uint64_t size,
    uint8_t proof[][DIGEST_LEN], size_t *n)
{
	struct edge_reader e;
	struct merkle_reader r;
	int began, rc;

	*n = 0;
	if ((rc = tree_begin(l, size, &e, &r, &began)) != 0)
		return rc;
	return tree_end(l, began, merkle_prove_inclusion(l->alg, index, size,
	    &r, proof, n));
}

int
log_prove_consistency(struct log *l, uint64_t old, uint64_t new,
    uint8_t proof[][DIGEST_LEN], size_t *n)
{
	struct edge_reader e;
	struct merkle_reader r;
	int began, rc;

	*n = 0;
	if ((rc = tree_begin(l, new, &e, &r, &began)) != 0)
		return rc;
	return tree_end(l, began, merkle_prove_consistency(l->alg, old, new,
	    &r, proof, n));
}

/*
 * Cheap checks of the stored tree's right edge, O(log n): the last entry
 * hashes to its leaf and leaf node, and every frontier node above level 0
 * is the hash of its two stored children.  They catch a damaged tail or
 * spine that no checkpoint covers yet; log_verify_all() checks the rest.
 */
static int
check_edge(struct log *l)
{
	uint8_t left[DIGEST_LEN], right[DIGEST_LEN], h[DIGEST_LEN];
	uint8_t *data;
	uint64_t i;
	unsigned level;
	size_t len;
	int rc;

	if (l->size == 0)
		return 0;
	if ((rc = log_entry(l, l->size - 1, &data, &len)) != 0)
		return rc;
	rc = merkle_leaf_hash(l->alg, data, len, h);
	free(data);
	if (rc != 0 || (rc = log_leaf(l, l->size - 1, left)) != 0 ||
	    (rc = log_node_read(l, 0, l->size - 1, right)) != 0)
		return rc;
	if (memcmp(h, left, DIGEST_LEN) != 0 ||
	    memcmp(h, right, DIGEST_LEN) != 0)
		return CUSTOS_ERR_CORRUPT;
	for (level = 1; level < MERKLE_MAX_LEVELS; level++) {
		if (((l->size >> level) & 1) == 0)
			continue;
		i = (l->size >> level) - 1;
		if ((rc = log_node_read(l, level - 1, 2 * i, left)) != 0 ||
		    (rc = log_node_read(l, level - 1, 2 * i + 1, right)) != 0 ||
		    (rc = merkle_node_hash(l->alg, left, right, h)) != 0)
			return rc;
		if (memcmp(h, l->front.hash[level], DIGEST_LEN) != 0)
			return CUSTOS_ERR_CORRUPT;
	}
	return 0;
}

int
log_check(struct log *l, const struct note_verifier *v)
{
	struct checkpoint *c;
	uint8_t root[DIGEST_LEN];
	uint64_t size;
	size_t len;
	char *note;
	int rc;

	if (v == NULL)
		return CUSTOS_ERR_INVALID;
	if ((rc = check_edge(l)) != 0)
		return rc;
	if ((rc = log_checkpoint_latest(l, &size, &note, &len)) != 0)
		return rc == CUSTOS_ERR_NOTFOUND ? 0 : rc;
	rc = ckpt_open(note, len, v, &c);
	free(note);
	if (rc != 0)
		return log_open_err(rc);
	if (c->size != size)
		rc = CUSTOS_ERR_CORRUPT;
	else if ((rc = log_root(l, size, root)) == 0 &&
	    memcmp(root, c->root, DIGEST_LEN) != 0)
		rc = CUSTOS_ERR_CORRUPT;
	ckpt_free(c);
	return rc;
}

