/*
 * tiles_s3: a bucket as the destination of tiles.h, through the S3
 * client (s3.h).  Each put is one whole-object PUT with its SHA-256
 * signed as the payload hash, so the server stores exactly the bytes
 * hashed or nothing, and a reader of the bucket never sees half a tile.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custos/err.h"
#include "custos/s3.h"
#include "custos/tiles.h"

static int
key_of(const struct tiles_s3 *t, const char *path, char *buf, size_t bufsz)
{
	if ((size_t)snprintf(buf, bufsz, "%s/%s", t->prefix, path) >= bufsz)
		return CUSTOS_ERR_INVALID;
	return 0;
}

static int
s3_sink_put(void *arg, const char *path, const void *data, size_t len)
{
	struct tiles_s3 *t = arg;
	char key[sizeof(t->prefix) + TILE_PATH_MAX + 16];
	int rc;

	if ((rc = key_of(t, path, key, sizeof(key))) != 0)
		return rc;
	return s3_put_mem(t->s3, key, data, len, &t->last);
}

/* Reads what fd holds, from its start, into a new *data (at most max). */
static int
read_back(FILE *f, uint64_t size, size_t max, uint8_t **data, size_t *len)
{
	uint8_t *buf;

	if (size > max)
		return CUSTOS_ERR_TOOBIG;
	if ((buf = malloc(size > 0 ? (size_t)size : 1)) == NULL)
		return CUSTOS_ERR_NOMEM;
	rewind(f);
	if (size > 0 && fread(buf, 1, (size_t)size, f) != size) {
		free(buf);
		return CUSTOS_ERR_SYSTEM;
	}
	*data = buf;
	*len = (size_t)size;
	return 0;
}

static int
s3_sink_get(void *arg, const char *path, size_t max, uint8_t **data,
    size_t *len)
{
	struct tiles_s3 *t = arg;
	char key[sizeof(t->prefix) + TILE_PATH_MAX + 16];
	uint64_t size;
	FILE *f;
	int rc;

	*data = NULL;
	*len = 0;
	if ((rc = key_of(t, path, key, sizeof(key))) != 0)
		return rc;
	/* The small files read back (the checkpoint, its token) go
	 * through an unnamed temporary file: s3_get_fd() writes to an fd. */
	if ((f = tmpfile()) == NULL)
		return CUSTOS_ERR_SYSTEM;
	if ((rc = s3_get_fd(t->s3, key, fileno(f), &size, &t->last)) == 0)
		rc = read_back(f, size, max, data, len);
	fclose(f);
	return rc;
}

static int
s3_sink_remove(void *arg, const char *path)
{
	struct tiles_s3 *t = arg;
	char key[sizeof(t->prefix) + TILE_PATH_MAX + 16];
	int rc;

	if ((rc = key_of(t, path, key, sizeof(key))) != 0)
		return rc;
	return s3_delete(t->s3, key, &t->last);
}

int
tiles_s3_sink(struct tiles_s3 *t, struct s3 *s, const char *prefix,
    struct tiles_sink *out)
{
	memset(t, 0, sizeof(*t));
	if (prefix[0] == '\0' || strlen(prefix) >= sizeof(t->prefix))
		return CUSTOS_ERR_INVALID;
	strcpy(t->prefix, prefix);
	t->s3 = s;
	out->put = s3_sink_put;
	out->get = s3_sink_get;
	out->remove = s3_sink_remove;
	out->arg = t;
	return 0;
}
