/*
 * store: the content-addressed object store.
 *
 * Objects live at <dir>/objects/<hex[0..2]>/<hex[2..]> named by the hash of
 * their bytes, written once: a temporary file in <dir>/tmp (same
 * filesystem), written while hashing, fsynced, renamed into place, the
 * directory fsynced, mode 0440.  The same bytes stored twice are one object.
 * A crash leaves at most a temporary file, which store_open() removes.
 */
#ifndef CUSTOS_STORE_H
#define CUSTOS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "custos/digest.h"

struct store;
struct store_writer;

/*
 * Opens (creating if needed) the store at dir and removes stale temporary
 * files: those no live writer holds (writers keep a flock on theirs).
 * Returns 0 and *out (close with store_close()), CUSTOS_ERR_SYSTEM,
 * CUSTOS_ERR_NOMEM or CUSTOS_ERR_INVALID for an unknown alg.
 */
int	 store_open(const char *dir, enum digest_alg alg, struct store **out);
void	 store_close(struct store *s);

/*
 * Starts a new object.  Returns 0 and *out, CUSTOS_ERR_SYSTEM or
 * CUSTOS_ERR_NOSPACE.
 */
int	 store_writer_new(struct store *s, struct store_writer **out);

/*
 * Hashes and writes len bytes.  Returns 0, CUSTOS_ERR_NOSPACE (ENOSPC or
 * EDQUOT) or CUSTOS_ERR_SYSTEM.  After an error only store_writer_abort()
 * may be called.
 */
int	 store_writer_write(struct store_writer *w, const void *buf, size_t len);

/*
 * Finishes the object: fsync, rename into place (or drop the copy if the
 * object already exists), fsync the directory.  Sets hash, *size and
 * *existed (1 if the object was already stored; its bytes are not
 * compared, so call store_verify() before trusting them).  Frees w in every
 * case.  Returns 0, CUSTOS_ERR_NOSPACE, CUSTOS_ERR_SYSTEM, or
 * CUSTOS_ERR_INVALID after a failed store_writer_write(); on failure no
 * object is visible that was not there before.
 */
int	 store_writer_commit(struct store_writer *w, uint8_t hash[DIGEST_LEN],
	    uint64_t *size, int *existed);

/* Discards the object and frees w; NULL is allowed. */
void	 store_writer_abort(struct store_writer *w);

/*
 * Writes the object's path to buf.  Returns 0 or CUSTOS_ERR_INVALID if buf
 * is too small.
 */
int	 store_path(const struct store *s, const uint8_t hash[DIGEST_LEN],
	    char *buf, size_t bufsz);

/*
 * Returns 0 if the object exists, CUSTOS_ERR_NOTFOUND if not,
 * CUSTOS_ERR_CORRUPT if something other than a regular file is in its
 * place, or CUSTOS_ERR_SYSTEM if it cannot be looked up.  Existence says
 * nothing about the bytes: only store_verify() checks them.
 */
int	 store_has(const struct store *s, const uint8_t hash[DIGEST_LEN]);

/*
 * Re-reads the object through a fresh descriptor in 1 MiB chunks (after
 * asking the kernel to drop its cached pages, so the bytes come from the
 * disk when possible) and checks that they hash to hash and that it has
 * size bytes.  Returns 0, CUSTOS_ERR_NOTFOUND, CUSTOS_ERR_CORRUPT (also for
 * a symlink or non-regular file in its place), CUSTOS_ERR_NOMEM or
 * CUSTOS_ERR_SYSTEM.
 */
int	 store_verify(const struct store *s, const uint8_t hash[DIGEST_LEN],
	    uint64_t size);

/*
 * The object's packet leaves (clip.h: the leaves child's answer, CPL1
 * records then the CPR1 result, native byte order), a side file
 * "<object>.leaves" beside the object.  It is the station's own cache for
 * clips, not evidence: a reader checks its root against the segment
 * entry's packet_root before using it.  store_leaves_new() starts one (a
 * store_writer that does not hash; write with store_writer_write(), drop
 * with store_writer_abort()); store_leaves_put() fsyncs it, makes it
 * read-only and renames it into place beside the object hash, keeping
 * a side file that is there already, fsyncs the directory and frees w in
 * every case.  It returns 0, CUSTOS_ERR_NOTFOUND if the object is not
 * stored, CUSTOS_ERR_INVALID after a failed write, CUSTOS_ERR_NOSPACE,
 * CUSTOS_ERR_NOMEM or CUSTOS_ERR_SYSTEM.  store_leaves_open() opens it
 * read-only: 0 and *fd, CUSTOS_ERR_NOTFOUND, CUSTOS_ERR_NOMEM or
 * CUSTOS_ERR_SYSTEM.
 */
int	 store_leaves_new(struct store *s, struct store_writer **out);
int	 store_leaves_put(struct store_writer *w,
	    const uint8_t hash[DIGEST_LEN]);
int	 store_leaves_open(const struct store *s,
	    const uint8_t hash[DIGEST_LEN], int *fd);

/*
 * Removes the object and its leaves side file, if any (disposal,
 * docs/retention.md: only after its object.deleted entry is durable) and
 * fsyncs its fan-out directory, so
 * the removal is durable when it returns.  Returns 0, CUSTOS_ERR_NOTFOUND
 * if it was not there (nothing changed), CUSTOS_ERR_NOMEM or
 * CUSTOS_ERR_SYSTEM.
 */
int	 store_remove(struct store *s, const uint8_t hash[DIGEST_LEN]);

#endif
