/*
 * tiles: the log published as C2SP tlog-tiles (https://c2sp.org/tlog-tiles),
 * static files that anyone can mirror and verify with plain HTTP GETs:
 *
 *	checkpoint		  the latest signed checkpoint (exact note)
 *	checkpoint.tsr		  its RFC 3161 token (DER), when it has one
 *	tile/<L>/<N>[.p/<W>]	  hash tiles of height 8 (256 hashes)
 *	tile/entries/<N>[.p/<W>]  entry bundles: big-endian uint16 length,
 *				  then the exact entry bytes, each entry
 *
 * <N> is the tile index in 3-digit path elements, all but the last with
 * an "x" prefix (1234067 is x001/x234/067); ".p/<W>" marks a partial
 * tile of W (1..255) hashes or entries.  A hash in a level-L tile is the
 * stored tree node (8 * L, n * 256 + i) of merkle.h: level 0 holds the
 * leaf hashes.  The hashes are the log's own (SHA-256 in the default
 * profile, SM3 in the sm profile; Go's tlog checks only the former).
 *
 * Publishing is incremental: what was published is read back from the
 * destination's checkpoint, and only the tiles that changed between its
 * tree size and the new one are written (the new full tiles and the new
 * rightmost partial tiles).  Partial tiles of earlier sizes are kept, so
 * a client holding an older published checkpoint still finds its tiles.
 * The checkpoint is written last, after everything it refers to.
 */
#ifndef CUSTOS_TILES_H
#define CUSTOS_TILES_H

#include <stddef.h>
#include <stdint.h>

#include "custos/s3.h"

struct log;

#define TILE_HEIGHT	8
#define TILE_WIDTH	256		/* hashes or entries in a full tile */
#define TILE_ENTRIES	(-1)		/* the "level" of entry bundles */
/* Largest entry an entry bundle can hold (its uint16 length prefix). */
#define TILE_MAX_ENTRY	65535
/* Longest tile path, "tile/63/x018/.../615.p/255" for any uint64 index. */
#define TILE_PATH_MAX	64

/*
 * Where the files go: a local directory (tiles_dir_sink()) or a bucket.
 * put writes len bytes as the file at path (relative, "tile/0/000"),
 * replacing it, so that a reader never sees it half-written, and returns
 * only once it is durable.  get reads the file at path into a newly
 * allocated *data of *len bytes (free()), at most max bytes:
 * CUSTOS_ERR_NOTFOUND when there is none.  remove deletes path (no error
 * when it was not there).  Each returns 0 or a CUSTOS_ERR_* code, which
 * the tiles functions return unchanged.
 */
struct tiles_sink {
	int	(*put)(void *arg, const char *path, const void *data,
		    size_t len);
	int	(*get)(void *arg, const char *path, size_t max,
		    uint8_t **data, size_t *len);
	int	(*remove)(void *arg, const char *path);
	void	*arg;
};

/*
 * Formats the path of tile n of level (0..63, or TILE_ENTRIES for an
 * entry bundle) of width hashes (1..TILE_WIDTH; TILE_WIDTH is a full
 * tile, without ".p/<W>") into buf.  Returns 0, CUSTOS_ERR_INVALID for a
 * level or width out of range, or CUSTOS_ERR_TOOBIG if bufsz is short.
 */
int	 tile_path(int level, uint64_t n, unsigned width, char *buf,
	    size_t bufsz);

/* What a publication did or why it failed. */
struct tiles_result {
	uint64_t	 old_size;	/* tree size published before, or 0 */
	uint64_t	 size;		/* tree size published now */
	uint64_t	 tiles;		/* hash tiles written */
	uint64_t	 bundles;	/* entry bundles written */
	uint64_t	 bytes;		/* bytes written, all files */
	int		 timestamp;	/* checkpoint.tsr written */
	int		 uptodate;	/* nothing to do: already published */
	uint64_t	 bad_index;	/* on TOOBIG/CORRUPT: the entry */
	char		 what[256];	/* on failure: what exactly failed */
	int		 sink;		/* the sink failed, doing doing */
	char		 doing[96];	/* "writing tile/0/000", ... */
};

/*
 * Writes to s the hash tiles and entry bundles of the tree of size
 * entries of l that are not in the tree of old entries: the full tiles
 * completed since old and, at each level, the rightmost partial tile of
 * size unless it is the same as old's.  old 0 writes every tile.  Every
 * entry written is first checked to fit (TILE_MAX_ENTRY) and to hash to
 * its stored leaf, before anything is written.  Adds to res's counters.
 * Returns 0, CUSTOS_ERR_RANGE unless old <= size <= log_size(l),
 * CUSTOS_ERR_TOOBIG for an entry of more than TILE_MAX_ENTRY bytes (the
 * format cannot hold it; nothing is written), CUSTOS_ERR_CORRUPT for an
 * entry that does not hash to its leaf, a log or sink error, or
 * CUSTOS_ERR_NOMEM; res->what says which.
 */
int	 tiles_write(struct log *l, uint64_t old, uint64_t size,
	    const struct tiles_sink *s, struct tiles_result *res);

#define TILES_ALL	0x01	/* rewrite every tile, not only the new ones */
#define TILES_TIMESTAMPED 0x02	/* the latest checkpoint with a token */

/*
 * Publishes l's latest checkpoint to s (with TILES_TIMESTAMPED, the
 * latest one that has a stored RFC 3161 token, so that checkpoint.tsr is
 * always published while the token of a newer one is still awaited from
 * the TSA): reads back the checkpoint s holds (if any), checks that it
 * is a checkpoint of this log (same origin, and its root is this log's
 * root at its size), writes the tiles since its size (tiles_write(); all
 * of them with TILES_ALL), then the checkpoint's RFC 3161 token as
 * checkpoint.tsr when the log holds one (else removes a stale
 * checkpoint.tsr), and last the checkpoint, exact bytes.  A destination that already holds exactly this checkpoint (and
 * its token) gets nothing and res->uptodate is set.  Returns 0,
 * CUSTOS_ERR_NOTFOUND (the log has no checkpoint yet, or none with a
 * token for TILES_TIMESTAMPED), CUSTOS_ERR_VERIFY (the destination
 * holds another log's checkpoint or a fork of this one),
 * CUSTOS_ERR_RANGE (its checkpoint is newer than the one to publish), an
 * error of tiles_write(), or a log or sink error; res->what says which
 * (and res->doing what the sink was doing when it failed).
 */
int	 tiles_publish(struct log *l, const struct tiles_sink *s, int flags,
	    struct tiles_result *res);

/* A local directory as a sink: the directory path, for its callbacks. */
struct tiles_dir {
	char	 root[4096];
};

/*
 * Makes d a sink writing below the directory root (created with its
 * parents if missing): files are written atomically and durably (a
 * temporary file, fsync, rename, fsync of the directory), directories
 * created as needed, mode 0644 (a web server serves them).  Sets *s.
 * Returns 0, CUSTOS_ERR_INVALID (root too long) or CUSTOS_ERR_SYSTEM.
 */
int	 tiles_dir_sink(struct tiles_dir *d, const char *root,
	    struct tiles_sink *s);

/*
 * A bucket as a sink: every path is stored as the object
 * "<prefix>/<path>" with s3_put_mem() (so prefix "<station>" makes
 * ENDPOINT/BUCKET/<station>/ the log's tlog-tiles URL prefix), read with
 * s3_get_fd() and removed with s3_delete().  t->last holds what the last
 * failed request ended with (s3.h), for the operator.  s is borrowed.
 * Returns 0 and *out, or CUSTOS_ERR_INVALID (prefix empty or too long).
 */
struct tiles_s3 {
	struct s3		*s3;
	char			 prefix[512];
	struct s3_result	 last;
};

int	 tiles_s3_sink(struct tiles_s3 *t, struct s3 *s, const char *prefix,
	    struct tiles_sink *out);

#endif
