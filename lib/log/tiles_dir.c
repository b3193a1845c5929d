/*
 * tiles_dir: a local directory as the destination of tiles.h, for a web
 * server to serve or a mirror to copy.  Every file is written whole and
 * durably before it replaces the old one (util_write_file()), so a
 * reader never sees a partial tile, and the checkpoint written last
 * never names tiles that a crash could still lose.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custos/err.h"
#include "custos/tiles.h"
#include "custos/util.h"

static int
full_path(const struct tiles_dir *d, const char *path, char *buf,
    size_t bufsz)
{
	/* Only the relative paths tiles.c makes: no "..", no leading "/". */
	if (path[0] == '\0' || path[0] == '/' || strstr(path, "..") != NULL)
		return CUSTOS_ERR_INVALID;
	if ((size_t)snprintf(buf, bufsz, "%s/%s", d->root, path) >= bufsz) {
		errno = ENAMETOOLONG;
		return CUSTOS_ERR_SYSTEM;
	}
	return 0;
}

static int
dir_put(void *arg, const char *path, const void *data, size_t len)
{
	char full[PATH_MAX], *slash;
	int rc;

	if ((rc = full_path(arg, path, full, sizeof(full))) != 0)
		return rc;
	slash = strrchr(full, '/');
	*slash = '\0';
	rc = util_mkdirs(full, 0755);
	*slash = '/';
	if (rc != 0)
		return rc;
	return util_write_file(full, data, len, 0644, 0);
}

static int
dir_get(void *arg, const char *path, size_t max, uint8_t **data,
    size_t *len)
{
	char full[PATH_MAX], *buf;
	int rc;

	*data = NULL;
	*len = 0;
	if ((rc = full_path(arg, path, full, sizeof(full))) != 0)
		return rc;
	if ((rc = util_read_file(full, max, &buf, len)) != 0)
		return rc == CUSTOS_ERR_SYSTEM && errno == ENOENT ?
		    CUSTOS_ERR_NOTFOUND : rc;
	*data = (uint8_t *)buf;
	return 0;
}

static int
dir_remove(void *arg, const char *path)
{
	char full[PATH_MAX];
	int rc;

	if ((rc = full_path(arg, path, full, sizeof(full))) != 0)
		return rc;
	if (unlink(full) == -1)
		return errno == ENOENT ? 0 : CUSTOS_ERR_SYSTEM;
	*strrchr(full, '/') = '\0';
	return util_fsync_dir(full);
}

int
tiles_dir_sink(struct tiles_dir *d, const char *root, struct tiles_sink *s)
{
	int rc;

	if (root[0] == '\0' || strlen(root) >= sizeof(d->root))
		return CUSTOS_ERR_INVALID;
	strcpy(d->root, root);
	if ((rc = util_mkdirs(d->root, 0755)) != 0)
		return rc;
	s->put = dir_put;
	s->get = dir_get;
	s->remove = dir_remove;
	s->arg = d;
	return 0;
}
