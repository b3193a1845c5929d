/*
 * log: the append-only evidence log in one SQLite file (WAL mode).
 *
 * Tables: entries (index, exact entry bytes, leaf hash), nodes (the stored
 * complete-subtree hashes of merkle.h) and checkpoints (signed notes by
 * tree size).  Triggers abort every UPDATE and DELETE on them.  An append
 * and its tree hashes commit in one transaction with synchronous=FULL, so
 * when log_append() returns 0 the entries are durable.
 *
 * A struct log is used by one thread at a time.  Any number of processes
 * may open the file read-only while one writes; a read-only struct log
 * sees the tree as it was when it was opened (log_size() does not grow).
 */
#ifndef CUSTOS_LOG_H
#define CUSTOS_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "custos/digest.h"
#include "custos/merkle.h"
#include "custos/note.h"

#define LOG_RDONLY	0x01	/* open read-only; never writes */
#define LOG_CREATE	0x02	/* create the file and schema if missing */

/* Largest entry accepted by log_append(). */
#define LOG_MAX_ENTRY	(1 << 20)

struct log;

/*
 * Opens the log at path.  alg must match the one the log was created with
 * (stored in the file), else CUSTOS_ERR_CONFIG.  Returns 0 and *out (close
 * with log_close()), CUSTOS_ERR_NOTFOUND if the file does not exist and
 * LOG_CREATE is not given, CUSTOS_ERR_CORRUPT if the stored tree is
 * inconsistent with the entries count, or CUSTOS_ERR_DB.
 */
int	 log_open(const char *path, enum digest_alg alg, int flags,
	    struct log **out);

/* Closes l; NULL is allowed. */
void	 log_close(struct log *l);

/* Number of entries (the current tree size). */
uint64_t log_size(const struct log *l);

enum digest_alg log_alg(const struct log *l);

/*
 * Appends n entries in one transaction (group commit).  Entry i is
 * entries[i], lens[i] bytes, stored exactly.  On success sets *first to the
 * index of the first one and returns 0 only once the transaction is durable;
 * on failure nothing is appended.  Errors: CUSTOS_ERR_INVALID (n == 0, an
 * empty entry, or a read-only log), CUSTOS_ERR_TOOBIG, CUSTOS_ERR_DB.
 * leaves, when not NULL, receives the n leaf hashes.
 */
int	 log_append(struct log *l, const void *const *entries,
	    const size_t *lens, size_t n, uint64_t *first,
	    uint8_t (*leaves)[DIGEST_LEN]);

/*
 * Reads entry index into a newly allocated *data of *len bytes (the
 * caller frees it).  Returns 0, CUSTOS_ERR_RANGE, or CUSTOS_ERR_DB.
 */
int	 log_entry(struct log *l, uint64_t index, uint8_t **data, size_t *len);

/*
 * Calls each(arg, index, data, len) for the entries from to to - 1 in
 * order, reading them with one statement (one read snapshot of the
 * database) instead of one lookup per entry.  data is valid only during
 * the call.  Stops at the first non-zero return of each and returns it;
 * else 0, CUSTOS_ERR_RANGE (from > to or to past the log's size),
 * CUSTOS_ERR_CORRUPT (an entry missing from the database), or
 * CUSTOS_ERR_DB.
 */
int	 log_scan(struct log *l, uint64_t from, uint64_t to,
	    int (*each)(void *arg, uint64_t index, const uint8_t *data,
	    size_t len), void *arg);

/* Reads the stored leaf hash of entry index. */
int	 log_leaf(struct log *l, uint64_t index, uint8_t out[DIGEST_LEN]);

/* Root hash of the tree of the first size entries (size <= log_size). */
int	 log_root(struct log *l, uint64_t size, uint8_t out[DIGEST_LEN]);

/* Inclusion proof of entry index in the tree of size entries. */
int	 log_prove_inclusion(struct log *l, uint64_t index, uint64_t size,
	    uint8_t proof[][DIGEST_LEN], size_t *n);

/* Consistency proof between tree sizes old and new. */
int	 log_prove_consistency(struct log *l, uint64_t old, uint64_t new,
	    uint8_t proof[][DIGEST_LEN], size_t *n);

/*
 * Stores the signed checkpoint note (len bytes, exact) for tree size.
 * The caller has signed it; the log checks only that size <= log_size and
 * that no checkpoint for that size is stored yet (CUSTOS_ERR_EXISTS).
 */
int	 log_checkpoint_put(struct log *l, uint64_t size, const char *note,
	    size_t len);

/*
 * Reads the checkpoint with the largest tree size (at most log_size(l)):
 * sets *size and a newly allocated *note of *len bytes (NUL-terminated for
 * convenience).  Returns 0 or CUSTOS_ERR_NOTFOUND if there is none.
 */
int	 log_checkpoint_latest(struct log *l, uint64_t *size, char **note,
	    size_t *len);

/* Reads the checkpoint for exactly tree size. */
int	 log_checkpoint_get(struct log *l, uint64_t size, char **note,
	    size_t *len);

/*
 * RFC 3161 timestamps of checkpoints (tsa.h), in their own append-only
 * table beside the checkpoints.  log_timestamp_put() stores the DER
 * TimeStampResp tsr (len bytes, at most TSA_MAX_REPLY) for the checkpoint
 * of tree size, which must be stored (CUSTOS_ERR_NOTFOUND); a second one
 * for the same size is CUSTOS_ERR_EXISTS.  The caller has verified it.
 * Also CUSTOS_ERR_INVALID (a read-only log, or len 0), CUSTOS_ERR_TOOBIG,
 * CUSTOS_ERR_DB.  A log created before the table existed gets it when
 * opened for writing; read-only, it has no timestamps (NOTFOUND).
 */
int	 log_timestamp_put(struct log *l, uint64_t size, const uint8_t *tsr,
	    size_t len);

/*
 * Reads the stored TimeStampResp of tree size into a newly allocated *tsr
 * of *len bytes (free()): 0 or CUSTOS_ERR_NOTFOUND (also for a size past
 * the handle's log_size()), CUSTOS_ERR_NOMEM, CUSTOS_ERR_DB.  tsr and
 * len may be NULL to ask only whether one is stored.
 */
int	 log_timestamp_get(struct log *l, uint64_t size, uint8_t **tsr,
	    size_t *len);

/*
 * The largest tree size (at most log_size(l)) whose checkpoint has a
 * stored timestamp: 0 and *size, or CUSTOS_ERR_NOTFOUND.
 */
int	 log_timestamp_latest(struct log *l, uint64_t *size);

/*
 * Witness cosignatures of checkpoints (c2sp.org/tlog-cosignature,
 * lib/log/log_cosig.c), in their own append-only table: at most one
 * signature line per checkpoint and witness.
 */
struct log_cosig {
	uint64_t	 size;		/* of the checkpoint */
	char		 witness[NOTE_MAX_NAME + 1];	/* its key name */
	char		*line;		/* the signature line, "— ...\n" */
	size_t		 linelen;
	uint64_t	 time;		/* the cosignature's timestamp, POSIX
					   seconds */
};

/*
 * Stores the signature line (linelen bytes, ending in "\n") of witness
 * over the stored checkpoint of tree size, its timestamp time.  The caller
 * has verified it.  Returns 0, CUSTOS_ERR_EXISTS (one is stored for that
 * size and witness), CUSTOS_ERR_NOTFOUND (no such checkpoint),
 * CUSTOS_ERR_INVALID (a read-only log, an empty line or name),
 * CUSTOS_ERR_TOOBIG (a line over 1 KiB), CUSTOS_ERR_DB.
 */
int	 log_cosig_put(struct log *l, uint64_t size, const char *witness,
	    const char *line, size_t linelen, uint64_t time);

/*
 * The stored cosignatures of the checkpoint of tree size, by witness name:
 * a newly allocated array *out of *n (free with log_cosig_free()); none
 * (also for a log without the table or a size past log_size()) is 0 with
 * *out NULL and *n 0.  Returns 0, CUSTOS_ERR_NOMEM, CUSTOS_ERR_CORRUPT, or
 * CUSTOS_ERR_DB.
 */
int	 log_cosig_list(struct log *l, uint64_t size, struct log_cosig **out,
	    size_t *n);

/*
 * The largest tree size (at most log_size(l)) witness cosigned, and that
 * cosignature's timestamp (time may be NULL): 0, or CUSTOS_ERR_NOTFOUND.
 */
int	 log_cosig_latest(struct log *l, const char *witness, uint64_t *size,
	    uint64_t *time);

/* Frees the n cosignatures of c (from log_cosig_list()); NULL is allowed. */
void	 log_cosig_free(struct log_cosig *c, size_t n);

/*
 * The check run on every open by the daemon: the latest checkpoint is
 * signed by v, names v's origin, and its root equals the stored tree's
 * root at its size.  It also spot-checks the right edge of the stored
 * tree in O(log n): the last entry against its leaf hash and leaf node,
 * and each frontier node against its two children.  A log without
 * checkpoints passes if the spot checks do.  Returns 0,
 * CUSTOS_ERR_KEY / CUSTOS_ERR_VERIFY for a bad signature, or
 * CUSTOS_ERR_CORRUPT.
 */
int	 log_check(struct log *l, const struct note_verifier *v);

struct log_verify_result {
	uint64_t	 entries;	/* entries re-hashed */
	uint64_t	 checkpoints;	/* checkpoints checked */
	uint64_t	 bad_index;	/* entry or tree size that failed */
	char		 what[256];	/* on failure: what exactly failed */
};

/*
 * Full audit: recomputes every leaf hash from the entry bytes and the whole
 * tree from them, compares with every stored node, checks every
 * checkpoint's signature by v and its root, and the consistency proofs
 * between consecutive checkpoints.  progress, when not NULL, is called now
 * and then with (done, total).  Returns 0, or CUSTOS_ERR_CORRUPT /
 * CUSTOS_ERR_VERIFY / CUSTOS_ERR_KEY with res->what saying what failed.
 */
int	 log_verify_all(struct log *l, const struct note_verifier *v,
	    void (*progress)(void *arg, uint64_t done, uint64_t total),
	    void *arg, struct log_verify_result *res);

#endif
