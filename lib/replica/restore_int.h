/*
 * restore_int: what the parts of a restore share (restore_log.c: the log
 * fetched and proven; restore_objects.c: the objects; restore.c: the
 * whole) and the central audit (replica_audit.c) uses.  Private to
 * lib/replica/.
 */
#ifndef CUSTOS_RESTORE_INT_H
#define CUSTOS_RESTORE_INT_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "custos/digest.h"
#include "custos/restore.h"
#include "custos/tiles.h"

struct log;

struct restore_ctx {
	struct tiles_s3		 t;		/* the bucket, as tiles see it */
	struct tiles_sink	 sink;
	struct log		*log;		/* the new log */
	char			*note;		/* the checkpoint as published */
	size_t			 notelen;
	uint64_t		 size;		/* its tree size */
	uint8_t			 root[DIGEST_LEN];
	char			 dir[PATH_MAX];	/* the state directory */
	char			 final[PATH_MAX];	/* its log.db */
	char			 tmp[PATH_MAX];	/* the log while built */
};

/*
 * Sets rep->what (unless a more precise sentence is there already) and
 * returns rc.
 */
int	 restore_fail(struct restore_report *rep, int rc, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));

/*
 * Starts a restore (or an audit) of p->prefix: rep zeroed with its
 * lists, c zeroed with its sink on the bucket.  0 or an error.
 */
int	 restore_begin(const struct restore_params *p,
	    struct restore_ctx *c, struct restore_report *rep);

/*
 * Steps 1 to 3 of restore.h into a new log created at path: c->note,
 * c->notelen, c->size, c->root and c->log set (the caller closes c->log
 * and frees c->note).  0 or an error, rep->what saying which.
 */
int	 restore_log_fetch(const struct restore_params *p,
	    struct restore_ctx *c, const char *path,
	    struct restore_report *rep);

/*
 * The objects the first size entries of l seal: *order (object strings,
 * in the order first sealed), *first (object -> {entry, size, time}),
 * *deleted (object -> the index of its object.deleted).  0, or an error
 * with *bad the entry that failed; the caller decrefs the three.
 */
int	 restore_wanted(struct log *l, uint64_t size, json_t **order,
	    json_t **first, json_t **deleted, uint64_t *bad);

/*
 * Step 4: the checkpoint as the station signed it (cosignature lines
 * left out) stored in c->log, and its token when published and proven.
 */
int	 restore_keep_checkpoint(const struct restore_params *p,
	    struct restore_ctx *c, struct restore_report *rep);

/*
 * Fetches every object the entries of c->log seal (restore.h, step 5)
 * into the store of p->state_dir.  0, or the error that stopped it.
 */
int	 restore_objects(const struct restore_params *p,
	    struct restore_ctx *c, struct restore_report *rep);

#endif
