/*
 * log_int: what the files of the log module share and nobody else needs:
 * log.c (open, append, entries), log_proof.c (roots, proofs,
 * log_check()), log_ckpt.c (checkpoints, timestamps) and log_audit.c
 * (log_verify_all()).  log.c is at the bottom: the others call into it,
 * and it calls none of them.
 * It holds the layout of struct log, the in-memory right edge of the
 * tree, the numbering of stored nodes, row helpers and the mapping of
 * SQLite errors.  The schema is described at the top of log.c.
 */
#ifndef CUSTOS_LOG_INT_H
#define CUSTOS_LOG_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "custos/digest.h"
#include "custos/log.h"
#include "custos/merkle.h"

/* The prepared statements a struct log keeps for its lifetime. */
enum {
	ST_BEGIN,
	ST_BEGIN_READ,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_INS_ENTRY,
	ST_INS_NODE,
	ST_NODE,
	ST_ENTRY,
	ST_LEAF,
	ST_SCAN,
	ST_CKPT_PUT,
	ST_CKPT_GET,
	ST_CKPT_LATEST,
	ST_COUNT
};

/*
 * The right edge of a tree of size leaves: for every one bit L of size,
 * hash[L] is node (L, (size >> L) - 1).  These are exactly the left
 * siblings the next append combines with, and the tiles of the root.
 */
struct frontier {
	uint64_t	 size;
	uint8_t		 hash[MERKLE_MAX_LEVELS][DIGEST_LEN];
};

/*
 * Upper tree nodes are read by almost every proof and never change once
 * written, so a small direct-mapped cache keeps them out of SQLite.  Only
 * nodes that were read from the file and are complete subtrees of at
 * least 2^CACHE_MIN_LEVEL leaves are cached.  log_verify_all() compares
 * the stored nodes as it reads them from the table, not from the cache.
 */
#define CACHE_SLOTS	4096
#define CACHE_MIN_LEVEL	8

struct node_cache {
	uint64_t	 key[CACHE_SLOTS];	/* (level << 58 | index) + 1 */
	uint8_t		 hash[CACHE_SLOTS][DIGEST_LEN];
};

struct log {
	sqlite3		*db;
	enum digest_alg	 alg;
	int		 rdonly;
	uint64_t	 size;
	struct frontier	 front;
	sqlite3_stmt	*st[ST_COUNT];
	struct node_cache cache;
};

/*
 * A reader for struct merkle_reader that tries a frontier first and then,
 * if l is set, the stored nodes.  Either may be NULL.
 */
struct edge_reader {
	const struct frontier	*f;
	struct log		*l;
};

/*
 * Maps a SQLite result code to a CUSTOS_ERR_* code: BUSY, NOMEM, NOSPACE,
 * CORRUPT, or DB for everything else.
 */
int	 log_dberr(int rc);

/*
 * Steps st, a statement that returns no rows, then resets it and clears
 * its bindings.  Returns 0 or a code from log_dberr().
 */
int	 log_step_done(sqlite3_stmt *st);

/*
 * Copies column col of st's current row into out: a tree hash.  Returns
 * 0, or CUSTOS_ERR_CORRUPT if the column is not DIGEST_LEN bytes.
 */
int	 log_column_hash(sqlite3_stmt *st, int col, uint8_t out[DIGEST_LEN]);

/*
 * Copies column col of st's current row into a new NUL-terminated *data
 * of *len bytes (the NUL not counted; the caller frees it).  Returns 0
 * or CUSTOS_ERR_NOMEM.
 */
int	 log_column_copy(sqlite3_stmt *st, int col, char **data, size_t *len);

/*
 * Reads stored node (level, index) of l, through the cache of upper
 * nodes.  Within the caller's validated tree size a missing or malformed
 * node means the file is damaged: CUSTOS_ERR_CORRUPT.  Inside an
 * append's transaction it sees the nodes inserted so far.  Returns 0 or
 * a CUSTOS_ERR_* code.
 */
int	 log_node_read(struct log *l, unsigned level, uint64_t index,
	    uint8_t out[DIGEST_LEN]);

/* Number of nodes stored for a tree of n leaves. */
uint64_t log_hash_count(uint64_t n);

/*
 * Sets *id to the row id of node (level, index) in the nodes table.
 * Returns 0, or CUSTOS_ERR_RANGE for a node beyond 2^62 leaves.
 */
int	 log_node_id(unsigned level, uint64_t index, uint64_t *id);

/*
 * The read function of a struct merkle_reader whose argument is a struct
 * edge_reader.  Writes node (level, index) to out and returns 0,
 * CUSTOS_ERR_NOTFOUND if neither the frontier nor (without a log) the
 * file has it, CUSTOS_ERR_CORRUPT for a missing or malformed stored node,
 * or another CUSTOS_ERR_* code from SQLite.
 */
int	 log_edge_read(void *arg, unsigned level, uint64_t index,
	    uint8_t out[DIGEST_LEN]);

/* Adds to f the n nodes merkle_append() returned for leaf f->size. */
void	 log_frontier_push(struct frontier *f,
	    const struct merkle_node *nodes, size_t n);

/*
 * Runs sql on db and sets *out to its single integer result and *isnull
 * to whether it is NULL.  Returns 0, CUSTOS_ERR_CORRUPT if there is no
 * row, or a code from log_dberr().
 */
int	 log_query_int(sqlite3 *db, const char *sql, sqlite3_int64 *out,
	    int *isnull);

/*
 * Maps an error of ckpt_open() on a stored checkpoint note: a note that
 * does not even parse is damage to the log (CUSTOS_ERR_CORRUPT); other
 * codes are returned unchanged.
 */
int	 log_open_err(int rc);

#endif
