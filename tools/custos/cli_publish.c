/*
 * cli_publish: custos log publish --dir DIR|--replica [--all]
 * [--timestamped] [--json].
 *
 * Writes the station's log into DIR, or into the [replica] bucket under
 * "<station>/", as C2SP tlog-tiles (docs/replication.md, "Tiles"): the tiles
 * that changed since the checkpoint there, the latest checkpoint's RFC
 * 3161 token, and last the checkpoint.  The files
 * written are counted (and listed with --json) by a sink wrapped around
 * the directory's.
 */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/err.h"
#include "custos/log.h"
#include "custos/replica_conf.h"
#include "custos/s3.h"
#include "custos/tiles.h"
#include "cli_log.h"
#include "cli_publish.h"
#include "tools/cli_util.h"

/* The directory's sink, and the files written through it. */
struct counting {
	const struct tiles_sink	*inner;
	json_t			*files;		/* NULL without --json */
	int			 nomem;
};

static int
count_put(void *arg, const char *path, const void *data, size_t len)
{
	struct counting *c = arg;
	int rc;

	if ((rc = c->inner->put(c->inner->arg, path, data, len)) != 0)
		return rc;
	if (c->files != NULL && json_array_append_new(c->files,
	    json_pack("{s:s, s:I}", "path", path, "bytes",
	    (json_int_t)len)) != 0)
		c->nomem = 1;
	return 0;
}

static int
count_get(void *arg, const char *path, size_t max, uint8_t **data,
    size_t *len)
{
	struct counting *c = arg;

	return c->inner->get(c->inner->arg, path, max, data, len);
}

static int
count_remove(void *arg, const char *path)
{
	struct counting *c = arg;

	return c->inner->remove(c->inner->arg, path);
}

void
cli_publish_usage(FILE *f)
{
	fprintf(f, "       custos [-c CONF] log publish --dir DIR|--replica "
	    "[--all] [--timestamped] [--json]\n");
}

static int
usage(void)
{
	fprintf(stderr, "usage:\n");
	cli_publish_usage(stderr);
	return CLI_EXIT_USAGE;
}

static int
report(const char *dest, const struct tiles_result *res, json_t *files,
    int json)
{
	json_t *j;
	char *s;

	if (!json) {
		if (res->uptodate)
			printf("%s: up to date at tree size %llu\n", dest,
			    (unsigned long long)res->size);
		else
			printf("%s: published tree size %llu (was %llu): "
			    "%llu tiles, %llu entry bundles, checkpoint%s, "
			    "%llu bytes\n", dest,
			    (unsigned long long)res->size,
			    (unsigned long long)res->old_size,
			    (unsigned long long)res->tiles,
			    (unsigned long long)res->bundles,
			    res->timestamp ? ", checkpoint.tsr" : "",
			    (unsigned long long)res->bytes);
		return 0;
	}
	j = json_pack("{s:s, s:I, s:I, s:b, s:I, s:I, s:b, s:I, s:O}",
	    "destination", dest, "tree_size", (json_int_t)res->size,
	    "old_size", (json_int_t)res->old_size, "uptodate", res->uptodate,
	    "tiles", (json_int_t)res->tiles, "bundles",
	    (json_int_t)res->bundles, "timestamp", res->timestamp,
	    "bytes", (json_int_t)res->bytes, "files", files);
	s = j != NULL ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) :
	    NULL;
	json_decref(j);
	if (s == NULL) {
		warnx("out of memory");
		return CLI_EXIT_NOT;
	}
	printf("%s\n", s);
	free(s);
	return 0;
}

/* What a failure is reported as, and its exit code. */
static int
failed(const char *dest, int rc, const struct tiles_result *res,
    const struct s3_result *s3res)
{
	if (res->sink && s3res != NULL && s3res->msg[0] != '\0')
		warnx("%s: %s: %s", dest, res->doing, s3res->msg);
	else if (rc == CUSTOS_ERR_SYSTEM)
		warnx("%s: %s: %s", dest, res->sink ? res->doing : res->what,
		    strerror(errno));
	else
		warnx("%s: %s", dest, res->what[0] != '\0' ? res->what :
		    custos_strerror(rc));
	if (rc == CUSTOS_ERR_TOOBIG)
		warnx("nothing was published; see \"Tiles\" in "
		    "docs/replication.md");
	return CLI_EXIT_NOT;
}

/* Where to publish: a directory or the [replica] bucket. */
struct dest {
	const char		*dir;
	int			 replica;
	char			 name[1024];	/* for the messages */
	struct tiles_dir	 d;
	struct tiles_s3		 t;
	struct s3		*s3;
	struct replica_creds	*creds;
	struct tiles_sink	 sink;
};

static int
dest_open(const struct config *cfg, struct dest *dst)
{
	struct s3_params sp;
	char why[512];
	int rc;

	if (!dst->replica) {
		snprintf(dst->name, sizeof(dst->name), "%s", dst->dir);
		if ((rc = tiles_dir_sink(&dst->d, dst->dir, &dst->sink)) != 0) {
			if (rc == CUSTOS_ERR_SYSTEM)
				warn("%s", dst->dir);
			else
				warnx("%s: %s", dst->dir, custos_strerror(rc));
			return CLI_EXIT_USAGE;
		}
		return 0;
	}
	if ((rc = replica_conf_params(cfg, &sp, &dst->creds, why,
	    sizeof(why))) != 0) {
		if (rc == CUSTOS_ERR_NOTFOUND)
			warnx("--replica: %s has no [replica] endpoint",
			    cfg->path);
		else
			warnx("--replica: %s", why);
		return CLI_EXIT_USAGE;
	}
	snprintf(dst->name, sizeof(dst->name), "%s/%s/%s/", sp.endpoint,
	    sp.bucket, cfg->station_name);
	if ((rc = s3_new(&sp, &dst->s3)) != 0 ||
	    (rc = tiles_s3_sink(&dst->t, dst->s3, cfg->station_name,
	    &dst->sink)) != 0) {
		warnx("--replica: [replica] of %s: %s", cfg->path,
		    custos_strerror(rc));
		return CLI_EXIT_USAGE;
	}
	return 0;
}

static void
dest_close(struct dest *dst)
{
	s3_free(dst->s3);
	replica_creds_free(dst->creds);
}

/* Parses the options into *dst, *flags and *json; -1 for a usage error. */
static int
parse(int argc, char *argv[], struct dest *dst, int *flags, int *json)
{
	int i;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dst->dir = argv[++i];
		else if (strcmp(argv[i], "--replica") == 0)
			dst->replica = 1;
		else if (strcmp(argv[i], "--all") == 0)
			*flags |= TILES_ALL;
		else if (strcmp(argv[i], "--timestamped") == 0)
			*flags |= TILES_TIMESTAMPED;
		else if (strcmp(argv[i], "--json") == 0)
			*json = 1;
		else
			return -1;
	}
	if ((dst->dir != NULL) == dst->replica ||
	    (dst->dir != NULL && dst->dir[0] == '\0'))
		return -1;
	return 0;
}

int
cli_publish(const struct config *cfg, int argc, char *argv[])
{
	struct dest dst;
	struct tiles_sink sink;
	struct tiles_result res;
	struct counting cnt;
	struct log *l;
	int json = 0, flags = 0, rc, st, saved;

	memset(&dst, 0, sizeof(dst));
	if (parse(argc, argv, &dst, &flags, &json) != 0)
		return usage();
	if ((st = dest_open(cfg, &dst)) != 0) {
		dest_close(&dst);
		return st;
	}
	if ((st = cli_log_open(cfg, &l)) != 0) {
		dest_close(&dst);
		return st;
	}
	memset(&cnt, 0, sizeof(cnt));
	memset(&res, 0, sizeof(res));
	cnt.inner = &dst.sink;
	if (json && (cnt.files = json_array()) == NULL)
		cnt.nomem = 1;
	sink.put = count_put;
	sink.get = count_get;
	sink.remove = count_remove;
	sink.arg = &cnt;
	if (cnt.nomem)
		rc = CUSTOS_ERR_NOMEM;
	else
		rc = tiles_publish(l, &sink, flags, &res);
	saved = errno;
	log_close(l);
	errno = saved;
	if (rc == 0 && cnt.nomem) {
		warnx("out of memory");
		st = CLI_EXIT_NOT;
	} else if (rc != 0)
		st = failed(dst.name, rc, &res, dst.replica ? &dst.t.last :
		    NULL);
	else
		st = report(dst.name, &res, cnt.files, json);
	json_decref(cnt.files);
	dest_close(&dst);
	return st;
}
