/*
 * log_audit: log_verify_all(), the full audit of a log file.
 *
 * In one read transaction the audit streams the entries table in index
 * order, re-hashes every entry, rebuilds the tree from those leaf hashes
 * alone and compares each node it completes with the next row of the
 * nodes table, which is read front to back beside the entries (nodes are
 * numbered in append order, see log_node_id()).  Whenever the rebuilt
 * tree reaches the size of a stored checkpoint, the checkpoint's
 * signature and root are checked, and its consistency with the previous
 * checkpoint through a proof built from the stored nodes, as a client
 * would get it.  Finally the nodes table must hold no node that no entry
 * accounts for.  Memory stays constant whatever the log's size.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "custos/ckpt.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "custos/note.h"
#include "log_int.h"

#define PROGRESS_EVERY	65536

/*
 * The inverse of log_node_id(), to name a stored row in a report.  Leaf
 * n's id log_hash_count(n) grows with n, so the row belongs to the last
 * leaf n whose id is at most id; it is that leaf's node at level id - its
 * id.
 */
static void
node_split(uint64_t id, unsigned *level, uint64_t *index)
{
	uint64_t lo = id / 2, hi = id / 2 + 64, mid;

	/* log_hash_count(n) lies in [2n - 64, 2n], so n is in [lo, hi]. */
	while (lo < hi) {
		mid = lo + (hi - lo + 1) / 2;
		if (log_hash_count(mid) <= id)
			lo = mid;
		else
			hi = mid - 1;
	}
	*level = (unsigned)(id - log_hash_count(lo));
	*index = lo >> *level;
}

/* State of one log_verify_all() run. */
struct audit {
	struct log			*l;
	const struct note_verifier	*v;
	struct log_verify_result	*res;
	struct frontier			 f;	/* the recomputed tree */
	sqlite3_stmt			*ck;	/* checkpoints by size */
	int				 ckrow;	/* ck is on a row */
	sqlite3_stmt			*nd;	/* nodes by id */
	int				 ndrow;	/* nd is on a row */
	uint64_t			 prev;	/* last checked checkpoint */
	uint8_t				 prevroot[DIGEST_LEN];
};

static int report(struct log_verify_result *, int, uint64_t, const char *,
    ...) __attribute__((format(printf, 4, 5)));

static int
report(struct log_verify_result *res, int rc, uint64_t index,
    const char *fmt, ...)
{
	va_list ap;

	res->bad_index = index;
	va_start(ap, fmt);
	vsnprintf(res->what, sizeof(res->what), fmt, ap);
	va_end(ap);
	return rc;
}

/* Moves cursor st to its next row; *row tells whether it is on one. */
static int
cursor_next(sqlite3_stmt *st, int *row)
{
	int rc;

	rc = sqlite3_step(st);
	*row = rc == SQLITE_ROW;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : log_dberr(rc);
}

/* Reports stored row id, which no entry accounts for. */
static int
report_extra(struct audit *a, sqlite3_int64 id)
{
	uint64_t index;
	unsigned level;

	if (id < 0)
		return report(a->res, CUSTOS_ERR_CORRUPT, a->f.size, "node "
		    "id %lld is not part of the tree", (long long)id);
	node_split((uint64_t)id, &level, &index);
	return report(a->res, CUSTOS_ERR_CORRUPT, a->f.size, "node (%u, "
	    "%llu) is not part of the tree of %llu entries", level,
	    (unsigned long long)index, (unsigned long long)a->f.size);
}

/*
 * Checks the checkpoint ck is on, whose size is the recomputed tree's:
 * signature, size, root, and consistency with the previous checkpoint
 * through a proof built from the stored nodes, as a client would get it.
 */
static int
ck_check(struct audit *a)
{
	struct edge_reader e = { &a->f, NULL };
	struct merkle_reader fr = { log_edge_read, &e };
	struct edge_reader se = { NULL, a->l };
	struct merkle_reader sr = { log_edge_read, &se };
	uint8_t root[DIGEST_LEN], proof[MERKLE_MAX_PROOF][DIGEST_LEN];
	uint64_t size = a->f.size;
	struct checkpoint *c;
	size_t n;
	int rc;

	rc = ckpt_open(sqlite3_column_blob(a->ck, 1),
	    (size_t)sqlite3_column_bytes(a->ck, 1), a->v, &c);
	if (rc != 0)
		return report(a->res, log_open_err(rc), size, "checkpoint "
		    "%llu: %s", (unsigned long long)size, custos_strerror(rc));
	if (c->size != size) {
		rc = report(a->res, CUSTOS_ERR_CORRUPT, size, "checkpoint "
		    "%llu: note says tree size %llu", (unsigned long long)size,
		    (unsigned long long)c->size);
		goto out;
	}
	if ((rc = merkle_root(a->l->alg, size, &fr, root)) != 0)
		goto out;
	if (memcmp(root, c->root, DIGEST_LEN) != 0) {
		rc = report(a->res, CUSTOS_ERR_CORRUPT, size, "checkpoint "
		    "%llu: root does not match the entries",
		    (unsigned long long)size);
		goto out;
	}
	if (a->prev > 0) {
		if ((rc = merkle_prove_consistency(a->l->alg, a->prev, size,
		    &sr, proof, &n)) != 0 ||
		    (rc = merkle_verify_consistency(a->l->alg, a->prev, size,
		    a->prevroot, c->root, (const uint8_t (*)[DIGEST_LEN])proof,
		    n)) != 0) {
			rc = report(a->res, rc == CUSTOS_ERR_VERIFY ?
			    CUSTOS_ERR_VERIFY : CUSTOS_ERR_CORRUPT, size,
			    "checkpoints %llu and %llu: no consistency proof: "
			    "%s", (unsigned long long)a->prev,
			    (unsigned long long)size, custos_strerror(rc));
			goto out;
		}
	}
	a->prev = size;
	memcpy(a->prevroot, c->root, DIGEST_LEN);
	a->res->checkpoints++;
 out:
	ckpt_free(c);
	return rc;
}

/* Checks every checkpoint of the tree size the audit has reached. */
static int
ck_reached(struct audit *a)
{
	int rc;

	while (a->ckrow &&
	    (uint64_t)sqlite3_column_int64(a->ck, 0) == a->f.size) {
		if ((rc = ck_check(a)) != 0 ||
		    (rc = cursor_next(a->ck, &a->ckrow)) != 0)
			return rc;
	}
	return 0;
}

/*
 * Re-hashes one entry row and compares every node it completes.  Those
 * nodes are the next rows of the nodes table in id order, so the audit
 * reads the table once from end to end beside the entries, without a
 * lookup per node, and any row it must skip is one too many.
 */
static int
audit_entry(struct audit *a, sqlite3_stmt *st)
{
	struct edge_reader e = { &a->f, NULL };
	struct merkle_reader r = { log_edge_read, &e };
	struct merkle_node nodes[MERKLE_MAX_LEVELS];
	uint8_t leaf[DIGEST_LEN];
	uint64_t i = a->f.size, want;
	sqlite3_int64 id;
	const void *data;
	const char *what;
	size_t k, nn;
	int len, rc;

	if ((uint64_t)sqlite3_column_int64(st, 0) != i)
		return report(a->res, CUSTOS_ERR_CORRUPT, i, "entry %llu is "
		    "missing", (unsigned long long)i);
	data = sqlite3_column_blob(st, 1);
	len = sqlite3_column_bytes(st, 1);
	if (len <= 0 || len > LOG_MAX_ENTRY || data == NULL)
		return report(a->res, CUSTOS_ERR_CORRUPT, i, "entry %llu: "
		    "invalid length %d", (unsigned long long)i, len);
	if ((rc = merkle_leaf_hash(a->l->alg, data, (size_t)len, leaf)) != 0)
		return rc;
	if (sqlite3_column_bytes(st, 2) != DIGEST_LEN ||
	    memcmp(sqlite3_column_blob(st, 2), leaf, DIGEST_LEN) != 0)
		return report(a->res, CUSTOS_ERR_CORRUPT, i, "entry %llu: "
		    "stored leaf hash does not match the entry bytes",
		    (unsigned long long)i);
	if ((rc = merkle_append(a->l->alg, i, leaf, &r, nodes, &nn)) != 0)
		return rc;
	for (k = 0; k < nn; k++) {
		if ((rc = log_node_id(nodes[k].level, nodes[k].index,
		    &want)) != 0)
			return rc;
		id = a->ndrow ? sqlite3_column_int64(a->nd, 0) : -1;
		if (a->ndrow && id < (sqlite3_int64)want)
			return report_extra(a, id);
		what = NULL;
		if (!a->ndrow || id > (sqlite3_int64)want)
			what = "is missing";
		else if (sqlite3_column_bytes(a->nd, 1) != DIGEST_LEN ||
		    memcmp(sqlite3_column_blob(a->nd, 1), nodes[k].hash,
		    DIGEST_LEN) != 0)
			what = "is wrong";
		if (what != NULL)
			return report(a->res, CUSTOS_ERR_CORRUPT, i, "entry "
			    "%llu: node (%u, %llu) %s", (unsigned long long)i,
			    nodes[k].level, (unsigned long long)nodes[k].index,
			    what);
		if ((rc = cursor_next(a->nd, &a->ndrow)) != 0)
			return rc;
	}
	log_frontier_push(&a->f, nodes, nn);
	a->res->entries++;
	return 0;
}

/*
 * The nodes table must hold exactly the nodes of the entries table, no
 * more: a stray node would block a later append.  The ids of n entries'
 * nodes are 0 .. log_hash_count(n) - 1, and the scan has checked them up
 * to this handle's size; the rest belong to entries appended since, which
 * the audit's snapshot may hold.
 */
static int
audit_node_count(struct audit *a)
{
	sqlite3_int64 got, max, top;
	uint64_t n, want;
	int isnull, rc;

	if ((rc = log_query_int(a->l->db, "SELECT max(idx) FROM entries", &max,
	    &isnull)) != 0)
		return rc;
	n = isnull ? 0 : (uint64_t)max + 1;
	want = log_hash_count(n);
	if ((rc = log_query_int(a->l->db, "SELECT max(id) FROM nodes", &top,
	    &isnull)) != 0)
		return rc;
	if (!isnull && (top < 0 || (uint64_t)top >= want))
		return report_extra(a, top);
	if ((rc = log_query_int(a->l->db, "SELECT count(*) FROM nodes", &got,
	    &isnull)) != 0)
		return rc;
	if ((uint64_t)got != want)
		return report(a->res, CUSTOS_ERR_CORRUPT, a->f.size, "%lld "
		    "nodes stored for %llu entries, want %llu", (long long)got,
		    (unsigned long long)n, (unsigned long long)want);
	return 0;
}

static int
audit_run(struct audit *a, sqlite3_stmt *st,
    void (*progress)(void *, uint64_t, uint64_t), void *arg)
{
	uint64_t total = a->l->size;
	int rc;

	if ((rc = cursor_next(a->ck, &a->ckrow)) != 0 ||
	    (rc = cursor_next(a->nd, &a->ndrow)) != 0 ||
	    (rc = ck_reached(a)) != 0)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = audit_entry(a, st)) != 0 ||
		    (rc = ck_reached(a)) != 0)
			return rc;
		if (progress != NULL && a->f.size % PROGRESS_EVERY == 0)
			progress(arg, a->f.size, total);
	}
	if (rc != SQLITE_DONE)
		return log_dberr(rc);
	if (a->f.size != total)
		return report(a->res, CUSTOS_ERR_CORRUPT, a->f.size, "entries "
		    "end at %llu, log size is %llu",
		    (unsigned long long)a->f.size, (unsigned long long)total);
	if (a->ckrow)
		return report(a->res, CUSTOS_ERR_CORRUPT,
		    (uint64_t)sqlite3_column_int64(a->ck, 0), "checkpoint "
		    "%lld is not a tree size of the log",
		    (long long)sqlite3_column_int64(a->ck, 0));
	if ((rc = audit_node_count(a)) != 0)
		return rc;
	if (progress != NULL)
		progress(arg, total, total);
	return 0;
}

int
log_verify_all(struct log *l, const struct note_verifier *v,
    void (*progress)(void *arg, uint64_t done, uint64_t total), void *arg,
    struct log_verify_result *res)
{
	struct log_verify_result dummy;
	struct audit *a;
	sqlite3_stmt *st = NULL;
	int rc;

	if (res == NULL)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	if (v == NULL)
		return CUSTOS_ERR_INVALID;
	/* The frontier is 2 KiB; keep it off small thread stacks. */
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return CUSTOS_ERR_NOMEM;
	a->l = l;
	a->v = v;
	a->res = res;
	/* One read transaction: the audit sees one snapshot even while
	 * another process appends. */
	if ((rc = sqlite3_exec(l->db, "BEGIN", NULL, NULL, NULL)) !=
	    SQLITE_OK) {
		free(a);
		return log_dberr(rc);
	}
	if ((rc = sqlite3_prepare_v2(l->db, "SELECT size, note FROM "
	    "checkpoints WHERE size <= ?1 ORDER BY size", -1, &a->ck,
	    NULL)) != SQLITE_OK ||
	    (rc = sqlite3_prepare_v2(l->db, "SELECT idx, data, leaf FROM "
	    "entries WHERE idx < ?1 ORDER BY idx", -1, &st, NULL)) !=
	    SQLITE_OK ||
	    (rc = sqlite3_prepare_v2(l->db, "SELECT id, hash FROM nodes "
	    "ORDER BY id", -1, &a->nd, NULL)) != SQLITE_OK) {
		rc = log_dberr(rc);
		goto out;
	}
	sqlite3_bind_int64(a->ck, 1, (sqlite3_int64)l->size);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)l->size);
	rc = audit_run(a, st, progress, arg);
	if (rc != 0 && res->what[0] == '\0')
		report(res, rc, a->f.size, "at entry %llu: %s",
		    (unsigned long long)a->f.size, custos_strerror(rc));
 out:
	sqlite3_finalize(st);
	sqlite3_finalize(a->nd);
	sqlite3_finalize(a->ck);
	sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
	free(a);
	return rc;
}
