/*
 * restore: a lost station rebuilt from its replica
 * (include/custos/restore.h): the new log built beside its final name
 * (restore_log.c), the objects fetched into the store
 * (restore_objects.c), then the log renamed into place.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "custos/ckpt.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/note.h"
#include "custos/note_cosig.h"
#include "custos/restore.h"
#include "custos/s3.h"
#include "custos/tiles.h"
#include "custos/tsa.h"
#include "custos/util.h"
#include "restore_int.h"

#define NOTE_MAX	(64 << 10)
#define BUNDLE_MAX	(TILE_WIDTH * (TILE_MAX_ENTRY + 2))

/* Names the new log c->tmp, removing one an earlier run left. */
static int
clear_tmp(const struct restore_params *p, struct restore_ctx *c,
    struct restore_report *rep)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char path[PATH_MAX + 16];
	struct stat sb;
	size_t i;
	
	snprintf(c->dir, sizeof(c->dir), "%s", p->state_dir);
	snprintf(c->final, sizeof(c->final), "%s/log.db", p->state_dir);
	snprintf(c->tmp, sizeof(c->tmp), "%s/log.db.restoring",
	    p->state_dir);
	if (lstat(c->final, &sb) == 0)
		return restore_fail(rep, CUSTOS_ERR_EXISTS, "%s exists: a "
		    "restore builds a station only where there is no log",
		    c->final);
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", c->tmp, sfx[i]);
		if (unlink(path) == -1 && errno != ENOENT)
			return restore_fail(rep, CUSTOS_ERR_SYSTEM, "%s: %s",
			    path, strerror(errno));
	}
	return 0;
}

/* Closes the new log and gives it its name. */
static int
finish_log(struct restore_ctx *c, struct restore_report *rep)
{
	log_close(c->log);
	c->log = NULL;
	if (rename(c->tmp, c->final) == -1)
		return restore_fail(rep, CUSTOS_ERR_SYSTEM, "rename %s: %s",
		    c->tmp, strerror(errno));
	if (util_fsync_dir(c->dir) != 0)
		return restore_fail(rep, CUSTOS_ERR_SYSTEM, "fsync %s: %s",
		    c->dir, strerror(errno));
	return 0;
}

int
restore_run(const struct restore_params *p, struct restore_report *rep)
{
	struct restore_ctx c;
	int rc;

	if ((rc = restore_begin(p, &c, rep)) != 0)
		return rc;
	if ((rc = clear_tmp(p, &c, rep)) == 0 &&
	    (rc = restore_log_fetch(p, &c, c.tmp, rep)) == 0 &&
	    (rc = restore_keep_checkpoint(p, &c, rep)) == 0 &&
	    (rc = restore_objects(p, &c, rep)) == 0)
		rc = finish_log(&c, rep);
	log_close(c.log);
	free(c.note);
	return rc;
}

