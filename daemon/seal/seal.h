/*
 * seal: the one sealing pipeline for every source (dock now, upload and
 * live later).  For each file:
 *
 *   1. worker thread: copy and hash in one pass into the store (temp file,
 *      fsync, rename, fsync dir), checking that the source did not change
 *      while it was read (size and mtime before and after); then re-read
 *      the stored object and match its hash and size;
 *      (fast path: when the catalog says this camera's latest dock
 *      session sealed this exact name with this size and mtime as object
 *      X, the source is first only read and hashed; if that hash is X and
 *      the store has X, nothing is written and step 2 answers EXISTS; if
 *      not, a warning is logged and the normal copy runs);
 *   2. loop: if the object already has a segment.sealed entry from the
 *      same camera (catalog), stop: nothing new is appended and the result
 *      says where it is (the same bytes from another camera go on, and
 *      their entry names the first one in "same_object_as");
 *   3. probe the stored object in the sandboxed media child (probe.h);
 *   4. loop: append a segment.sealed entry carrying camera_prev (the leaf
 *      hash of the camera's previous segment entry), sync the catalog;
 *   5. call back.  Only now may the source be acknowledged or deleted.
 *
 * Requests for the same object from the same camera in flight at once are
 * serialised, so they give one entry; the same bytes from two cameras give
 * one object in the store and one entry each.  The struct sealer is owned
 * by the loop thread; only step 1 runs on the thread pool.
 */
#ifndef CUSTOSD_SEAL_H
#define CUSTOSD_SEAL_H

#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>
#include <uv.h>

#include "custos/digest.h"

struct sealer;
struct station;
struct catalog;

struct seal_req {
	int		 fd;		/* source, read-only; the caller closes
					   it after the callback */
	const char	*camera;	/* serial */
	const char	*source;	/* "usb", "upload", "live" */
	const char	*path;		/* name on the volume (any bytes) */
	const char	*officer;	/* assigned officer or NULL */
	json_t		*extra;		/* more entry fields or NULL; borrowed */
};

enum seal_outcome {
	SEAL_NEW = 0,		/* stored, probed, new entry appended */
	SEAL_EXISTS = 1,	/* already sealed from this camera: no new
				   entry */
	SEAL_FAILED = 2,	/* nothing appended; see rc and reason */
};

struct seal_result {
	enum seal_outcome outcome;
	int		 rc;		/* CUSTOS_ERR_* when FAILED */
	const char	*reason;	/* FAILED: short text, e.g. "changed
					   while being read", "read error" */
	uint64_t	 index;		/* the segment entry (NEW or EXISTS) */
	uint8_t		 object[DIGEST_LEN];
	uint64_t	 size;
	int		 decodable;	/* NEW: the probe demuxed it */
	uint64_t	 bytes_stored;	/* bytes this request wrote to the
					   store (0 on the fast path) */
	int		 hash_only;	/* EXISTS by the fast path: the
					   source was hashed, not copied */
};

typedef void	(*seal_cb)(void *arg, const struct seal_result *res);

/*
 * Makes a sealer over st (borrowed: its log, store and config) and cat
 * (borrowed).  self is custosd's executable path for the media child.
 * Returns 0 and *out, or an error.
 */
int	 seal_new(uv_loop_t *loop, struct station *st, struct catalog *cat,
	    const char *self, struct sealer **out);

/*
 * Starts sealing req (its strings and extra are copied).  cb is called
 * exactly once on the loop.  Returns 0, or an error and never calls cb.
 */
int	 seal_start(struct sealer *s, const struct seal_req *req, seal_cb cb,
	    void *arg);

/*
 * Like seal_start(), for an object a source has already written into the
 * store itself (the upload streams its body through a store writer, so
 * the bytes are not copied a second time).  req->fd is ignored; object
 * and size are what store_writer_commit() reported.  Step 1 is only the
 * re-read: the stored object must hash to object and have size bytes,
 * else the request fails with CUSTOS_ERR_CORRUPT.  The entry's "mtime"
 * is the time this call was made (when the station had the last byte).
 * Returns 0, or an error and never calls cb.
 */
int	 seal_start_stored(struct sealer *s, const struct seal_req *req,
	    const uint8_t object[DIGEST_LEN], uint64_t size, seal_cb cb,
	    void *arg);

/* Requests started and not yet called back. */
unsigned seal_pending(const struct sealer *s);

/* Frees s; only when seal_pending() is 0. */
void	 seal_free(struct sealer *s);

#endif
