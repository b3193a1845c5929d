/*
 * catalog: indexes derived from the log, kept in tables beside it in the
 * same SQLite file (log.db), for questions the daemon asks on every file:
 * is this object already sealed from this camera, what is this camera's
 * previous segment, what did the last dock session see on this camera.
 *
 * Everything here is rebuilt from the log alone: catalog_sync() reads the
 * entries the catalog has not seen yet (by index) and applies them, so a
 * crash between a log append and the catalog update loses nothing.  The
 * log stays the only evidence; the catalog is a cache of it.
 *
 * Tables (informative):
 *	catalog_state(key, value)       "synced_to": entries applied
 *	objects(object, idx, size)      first segment.sealed entry per object
 *	camera_objects(camera, object, idx, size)  first segment.sealed
 *	                                entry per object and camera
 *	cameras(camera, idx, leaf)      latest segment.sealed entry per camera
 *	camera_files(camera, path, size, mtime, object, status, session,
 *	    path_bytes, object_raw)     each file's state in the camera's
 *	                                latest dock.session inventory, with
 *	                                its exact name and raw hash
 *	segment_sessions(segment, session, sealed)  the dock.session each
 *	                                segment came from
 *	starts(idx)                     station.started entries
 *	camera_assigns(camera, idx)     camera.assigned entries
 *	deleted(object, idx)            latest object.deleted entry of each
 *	                                object not sealed again since
 */
#ifndef CUSTOS_CATALOG_H
#define CUSTOS_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "custos/digest.h"

struct catalog;
struct log;

/*
 * Opens the catalog in the log database at path (the file log_open()
 * created), creating its tables if needed.  Returns 0 and *out (close with
 * catalog_close()), or CUSTOS_ERR_DB.
 */
int	 catalog_open(const char *path, struct catalog **out);

/*
 * Opens the catalog read-only, for tools that only look (export): no table
 * is created or migrated and no write lock is taken.  catalog_sync() on it
 * fails.  Returns 0 and *out, CUSTOS_ERR_NOTFOUND when the daemon has not
 * built (or upgraded) the catalog yet, CUSTOS_ERR_DB, CUSTOS_ERR_NOMEM.
 */
int	 catalog_open_ro(const char *path, struct catalog **out);
void	 catalog_close(struct catalog *c);

/*
 * Applies the entries of l from the catalog's synced_to up to
 * log_size(l), in one transaction.  Returns 0, CUSTOS_ERR_CORRUPT if an
 * entry is not the JSON the daemon writes, or CUSTOS_ERR_DB.
 */
int	 catalog_sync(struct catalog *c, struct log *l);

/* Number of log entries applied. */
uint64_t catalog_synced(const struct catalog *c);

/*
 * Looks up the first segment.sealed entry of object, from any camera,
 * since its last object.deleted (a disposed object is not stored: none
 * before that counts): sets *index and *size.  Returns 0 or
 * CUSTOS_ERR_NOTFOUND.
 */
int	 catalog_object(struct catalog *c, const uint8_t object[DIGEST_LEN],
	    uint64_t *index, uint64_t *size);

/*
 * Looks up the object.deleted entry that disposed of object, when its
 * bytes are gone: the latest one, unless a segment.sealed or
 * document.sealed of the same bytes came after it (they are stored
 * again).  Sets *index.  Returns 0, CUSTOS_ERR_NOTFOUND or CUSTOS_ERR_DB.
 */
int	 catalog_deleted(struct catalog *c, const uint8_t object[DIGEST_LEN],
	    uint64_t *index);

/*
 * Looks up the first segment.sealed entry of object from camera (the same
 * bytes from another camera do not count) since its last object.deleted:
 * sets *index and *size.
 * Returns 0, CUSTOS_ERR_NOTFOUND, CUSTOS_ERR_INVALID (camera NULL) or
 * CUSTOS_ERR_DB.
 */
int	 catalog_camera_object(struct catalog *c, const char *camera,
	    const uint8_t object[DIGEST_LEN], uint64_t *index, uint64_t *size);

/*
 * Looks up camera's latest segment.sealed entry: sets *index and its leaf
 * hash.  Returns 0 or CUSTOS_ERR_NOTFOUND (no segment yet).
 */
int	 catalog_camera_last(struct catalog *c, const char *camera,
	    uint64_t *index, uint8_t leaf[DIGEST_LEN]);

/*
 * Looks up what camera's latest dock.session said of the file whose exact
 * name is the pathlen bytes at path (any bytes: matched against the
 * inventory's "path_hex" when it has one, else its "path", so a name that
 * is not UTF-8 never matches another name's lossy text), with size bytes
 * and mtime exactly as the inventory writes it ("YYYY-MM-DDThh:mm:ss.sssZ").
 * Only items whose status is "sealed" or "already_sealed" and whose
 * object is a hash in the log's algorithm count.  Sets object to that
 * hash.  This is a hint, never evidence: the caller must hash the bytes
 * it reads now and compare.  Returns 0, CUSTOS_ERR_NOTFOUND (no such
 * item, or two that disagree), CUSTOS_ERR_INVALID, CUSTOS_ERR_CORRUPT or
 * CUSTOS_ERR_DB.
 */
int	 catalog_file_object(struct catalog *c, const char *camera,
	    const char *path, size_t pathlen, uint64_t size, const char *mtime,
	    uint8_t object[DIGEST_LEN]);

struct catalog_file {
	char		*path;		/* as in the inventory */
	uint64_t	 size;
	char		*status;	/* "sealed", "refused", ... */
	uint64_t	 session;	/* index of the dock.session entry */
};

/*
 * Lists the files of camera's latest dock.session inventory whose status
 * is not "sealed" (seen, never sealed).  Sets a newly allocated array *out
 * of *n entries; free it with catalog_files_free().  Returns 0 or
 * CUSTOS_ERR_DB / CUSTOS_ERR_NOMEM.
 */
int	 catalog_unsealed(struct catalog *c, const char *camera,
	    struct catalog_file **out, size_t *n);
void	 catalog_files_free(struct catalog_file *f, size_t n);

/*
 * Lists every file of camera's latest dock.session inventory, whatever
 * its status, like catalog_unsealed().  Returns 0 or CUSTOS_ERR_DB /
 * CUSTOS_ERR_NOMEM.
 */
int	 catalog_camera_files(struct catalog *c, const char *camera,
	    struct catalog_file **out, size_t *n);

/*
 * Looks up the dock.session entry segment (the index of a segment.sealed
 * entry) came from: the session whose inventory lists it as "sealed",
 * else the first whose inventory names it at all (its own session never
 * got written, e.g. after a crash).  Sets *session.  Returns 0,
 * CUSTOS_ERR_NOTFOUND (no inventory names it: uploads and live segments,
 * or an item left out of an inventory too large for one entry),
 * CUSTOS_ERR_INVALID or CUSTOS_ERR_DB.
 */
int	 catalog_segment_session(struct catalog *c, uint64_t segment,
	    uint64_t *session);

/*
 * The latest station.started entry before index: 0 and *start,
 * CUSTOS_ERR_NOTFOUND, CUSTOS_ERR_INVALID or CUSTOS_ERR_DB.
 */
int	 catalog_start_before(struct catalog *c, uint64_t index,
	    uint64_t *start);

/*
 * camera's latest camera.assigned entry before index (the assignment in
 * effect when that entry was written): 0 and *assigned,
 * CUSTOS_ERR_NOTFOUND, CUSTOS_ERR_INVALID or CUSTOS_ERR_DB.
 */
int	 catalog_assignment_before(struct catalog *c, const char *camera,
	    uint64_t index, uint64_t *assigned);

#endif
