/*
 * cli_segment: custos segment get INDEX -o FILE --purpose TEXT [--json].
 *
 * A copy of one sealed segment's bytes, made the way custos export makes
 * a bundle (cli_export_int.h holds the shared steps), so a failure at any
 * point leaves nothing at FILE and nothing in the log that claims a copy:
 *
 *	1. the output is free, the station open read-only;
 *	2. the segment.sealed entry INDEX names the object; a disposed one
 *	   (object.deleted, docs/retention.md) is refused naming the entry;
 *	3. the object is copied from the store to a temporary name beside
 *	   FILE and hashed on the way: hash and size must be the entry's,
 *	   else the store is damaged and the copy stops; the copy is fsynced;
 *	4. custosd logs evidence.accessed (POST /v1/segments/INDEX/accessed,
 *	   which checks the object against the entry again);
 *	5. the temporary name becomes FILE (never over an existing file).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "custos/catalog.h"
#include "custos/config.h"
#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/store.h"
#include "custos/util.h"
#include "cli_export_int.h"
#include "cli_registry.h"
#include "cli_segment.h"
#include "tools/cli_util.h"

#define COPY_CHUNK	(1024 * 1024)

/* One copy, from the arguments to the logged entry. */
struct segment_get {
	struct export	 x;		/* output, purpose, the station */
	uint64_t	 index;
	char		 object[DIGEST_STRLEN];
	uint8_t		 hash[DIGEST_LEN];
	uint64_t	 size;
	char		*tmp;		/* the copy before it is logged */
	uint64_t	 logged;	/* the evidence.accessed entry */
};

void
cli_segment_usage(FILE *f)
{
	fprintf(f, "usage: custos [-c CONF] segment get INDEX -o FILE "
	    "--purpose TEXT [--json]\n");
}

static int
usage(void)
{
	cli_segment_usage(stderr);
	return 2;
}

static int
parse_args(struct segment_get *g, int argc, char *argv[])
{
	struct export *x = &g->x;
	unsigned long long n;
	const char *index = NULL;
	int i;

	if (argc < 2 || strcmp(argv[1], "get") != 0)
		return usage();
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			x->output = argv[++i];
		else if (strcmp(argv[i], "--purpose") == 0 && i + 1 < argc)
			x->purpose = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			x->json = 1;
		else if (argv[i][0] != '-' && index == NULL)
			index = argv[i];
		else
			return usage();
	}
	if (index == NULL || x->output == NULL || x->output[0] == '\0')
		return usage();
	if (cli_parse_u64(index, &n) != 0) {
		warnx("segment get: not a log index: %s", index);
		return 2;
	}
	g->index = n;
	/* Every copy that leaves the store is logged with why it left. */
	if (x->purpose == NULL || x->purpose[0] == '\0') {
		warnx("segment get: --purpose TEXT is required (rule "
		    "purpose_required): evidence.accessed records why the "
		    "footage was copied");
		return 2;
	}
	return 0;
}

/* Entry index of the log as a JSON object (a new reference), or NULL. */
static json_t *
read_entry(struct export *x, uint64_t index)
{
	uint8_t *data;
	size_t len;
	json_t *e;
	int rc;

	if ((rc = log_entry(x->log, index, &data, &len)) != 0) {
		warnx("cannot read entry %" PRIu64 ": %s", index,
		    custos_strerror(rc));
		return NULL;
	}
	e = json_loadb((const char *)data, len, 0, NULL);
	free(data);
	if (!json_is_object(e)) {
		warnx("entry %" PRIu64 " is not a JSON object", index);
		json_decref(e);
		return NULL;
	}
	return e;
}

/* Refuses a disposed object, naming its object.deleted entry. */
static int
disposed(struct segment_get *g)
{
	const char *rule, *time;
	uint64_t del;
	json_t *d;
	int rc;

	if ((rc = catalog_deleted(g->x.catalog, g->hash, &del)) ==
	    CUSTOS_ERR_NOTFOUND)
		return 0;
	if (rc != 0) {
		warnx("cannot read the catalog: %s", custos_strerror(rc));
		return 1;
	}
	if ((d = read_entry(&g->x, del)) == NULL)
		return 1;
	rule = json_string_value(json_object_get(d, "rule"));
	time = json_string_value(json_object_get(d, "time"));
	warnx("segment %" PRIu64 "'s object %s was disposed of by entry %"
	    PRIu64 " (" ENTRY_OBJECT_DELETED ") on %.10s under rule %s: its "
	    "bytes are no longer on the station", g->index, g->object, del,
	    time != NULL ? time : "an unknown date", rule != NULL ? rule :
	    "unknown");
	json_decref(d);
	return 1;
}

/* Step 2: the segment.sealed entry's object and size. */
static int
find_segment(struct segment_get *g)
{
	const char *type, *obj;
	enum digest_alg alg;
	json_t *e, *size;
	int bad;

	if (g->index >= log_size(g->x.log)) {
		warnx("no entry %" PRIu64 " in the log (it holds %" PRIu64 ")",
		    g->index, log_size(g->x.log));
		return 1;
	}
	if ((e = read_entry(&g->x, g->index)) == NULL)
		return 1;
	type = json_string_value(json_object_get(e, "type"));
	obj = json_string_value(json_object_get(e, "object"));
	size = json_object_get(e, "size");
	if (type == NULL || strcmp(type, ENTRY_SEGMENT_SEALED) != 0) {
		warnx("entry %" PRIu64 " is a %s, not a " ENTRY_SEGMENT_SEALED,
		    g->index, type != NULL ? type : "entry without a type");
		json_decref(e);
		return 1;
	}
	bad = obj == NULL || digest_parse(obj, &alg, g->hash) != 0 ||
	    alg != g->x.cfg->digest_alg || !json_is_integer(size) ||
	    json_integer_value(size) < 0;
	if (!bad) {
		snprintf(g->object, sizeof(g->object), "%s", obj);
		g->size = (uint64_t)json_integer_value(size);
	}
	json_decref(e);
	if (bad) {
		warnx("entry %" PRIu64 " has no object digest of the station's "
		    "profile and size", g->index);
		return 1;
	}
	return disposed(g);
}

/* The temporary name beside the output, as the bundle writer names it. */
static void
tmp_name(struct segment_get *g)
{
	const char *out = g->x.output, *slash = strrchr(out, '/');

	if (asprintf(&g->tmp, "%.*s.%s.partial-%ld", slash != NULL ?
	    (int)(slash - out + 1) : 0, out, slash != NULL ? slash + 1 : out,
	    (long)getpid()) == -1)
		errx(1, "out of memory");
}

/* Opens the object in the store, a regular file; -1 (reported). */
static int
open_object(struct segment_get *g)
{
	char path[PATH_MAX];
	struct stat sb;
	int fd;

	if (store_path(g->x.store, g->hash, path, sizeof(path)) != 0) {
		warnx("%s: store path too long", g->object);
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			warnx("the store is damaged: object %s of segment %"
			    PRIu64 " is missing, and no " ENTRY_OBJECT_DELETED
			    " entry disposed of it; nothing copied", g->object,
			    g->index);
		else
			warn("%s", path);
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		warnx("the store is damaged: %s is not a regular file", path);
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Copies from in to out while hashing, until EOF or a signal.  0 with
 * *size and hash, 1 (reported).
 */
static int
copy_hashed(struct segment_get *g, int in, int out, uint8_t *buf,
    uint8_t hash[DIGEST_LEN], uint64_t *size)
{
	struct digest *d;
	ssize_t n = 0;
	int rc;

	if (digest_new(g->x.cfg->digest_alg, &d) != 0)
		errx(1, "out of memory");
	*size = 0;
	while (!cli_export_interrupted() &&
	    (n = read(in, buf, COPY_CHUNK)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			warn("reading object %s", g->object);
			break;
		}
		if ((rc = digest_update(d, buf, (size_t)n)) != 0 ||
		    (rc = util_write_all(out, buf, (size_t)n)) != 0) {
			if (rc == CUSTOS_ERR_SYSTEM)
				warn("%s", g->tmp);
			else
				warnx("%s: %s", g->tmp, custos_strerror(rc));
			break;
		}
		*size += (uint64_t)n;
	}
	if (n != 0 || cli_export_interrupted()) {
		if (cli_export_interrupted())
			warnx("interrupted; nothing copied");
		digest_free(d);
		return 1;
	}
	rc = digest_final(d, hash);
	digest_free(d);
	if (rc != 0) {
		warnx("digest: %s", custos_strerror(rc));
		return 1;
	}
	return 0;
}

/*
 * Step 3: the object's bytes under the temporary name, checked against
 * the entry and fsynced.
 */
static int
copy(struct segment_get *g)
{
	uint8_t hash[DIGEST_LEN], *buf;
	char found[DIGEST_STRLEN];
	uint64_t size;
	int in, out, rc;

	if ((in = open_object(g)) == -1)
		return 1;
	tmp_name(g);
	if ((out = open(g->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		warn("%s", g->tmp);
		free(g->tmp);
		g->tmp = NULL;
		close(in);
		return 1;
	}
	if ((buf = malloc(COPY_CHUNK)) == NULL)
		errx(1, "out of memory");
	rc = copy_hashed(g, in, out, buf, hash, &size);
	free(buf);
	close(in);
	if (rc == 0 && (size != g->size || memcmp(hash, g->hash,
	    DIGEST_LEN) != 0)) {
		digest_format(g->x.cfg->digest_alg, hash, found,
		    sizeof(found));
		warnx("the store is damaged: object %s of segment %" PRIu64
		    " reads as %s, %" PRIu64 " bytes (the entry seals %" PRIu64
		    "); nothing copied, nothing logged", g->object, g->index,
		    found, size, g->size);
		rc = 1;
	}
	if (rc == 0 && fsync(out) == -1) {
		warn("%s", g->tmp);
		rc = 1;
	}
	if (close(out) == -1 && rc == 0) {
		warn("%s", g->tmp);
		rc = 1;
	}
	return rc;
}

/* Step 4: evidence.accessed through the daemon. */
static int
log_access(struct segment_get *g)
{
	json_t *body;
	char path[64];

	snprintf(path, sizeof(path), "/v1/segments/%" PRIu64 "/accessed",
	    g->index);
	if ((body = json_pack("{s:s, s:s}", "object", g->object, "purpose",
	    g->x.purpose)) == NULL)
		errx(1, "out of memory");
	if (cli_export_log(&g->x, path, body, "access", "copied") != 0)
		return 1;
	g->logged = g->x.logged;
	return 0;
}

/* Step 5: the copy under its name, and its directory synced. */
static int
commit(struct segment_get *g)
{
	char *parent, *slash;

	if (renameat2(AT_FDCWD, g->tmp, AT_FDCWD, g->x.output,
	    RENAME_NOREPLACE) == -1) {
		warn("cannot rename %s to %s (the access is logged as entry %"
		    PRIu64 ")", g->tmp, g->x.output, g->logged);
		return 1;
	}
	free(g->tmp);
	g->tmp = NULL;
	if ((parent = strdup(g->x.output)) == NULL)
		errx(1, "out of memory");
	if ((slash = strrchr(parent, '/')) != NULL)
		*(slash == parent ? slash + 1 : slash) = '\0';
	else
		strcpy(parent, ".");
	/* Only the directory's fsync failed: the copy is in place. */
	if (util_fsync_dir(parent) != 0)
		warn("%s", parent);
	free(parent);
	return 0;
}

static void
summary(const struct segment_get *g)
{
	json_t *j;

	if (!g->x.json) {
		printf("copied segment %" PRIu64 " to %s: %" PRIu64 " bytes, "
		    "%s\nlogged: " ENTRY_EVIDENCE_ACCESSED ", entry %" PRIu64
		    "\n", g->index, g->x.output, g->size, g->object,
		    g->logged);
		return;
	}
	if ((j = json_pack("{s:I, s:s, s:s, s:I, s:I}", "segment",
	    (json_int_t)g->index, "output", g->x.output, "object", g->object,
	    "size", (json_int_t)g->size, "logged_index",
	    (json_int_t)g->logged)) == NULL)
		errx(1, "out of memory");
	cli_registry_print_json(j);
	json_decref(j);
}

static int
run(struct segment_get *g)
{
	if (cli_export_open(&g->x) != 0 || find_segment(g) != 0 ||
	    copy(g) != 0 || log_access(g) != 0 || commit(g) != 0)
		return 1;
	summary(g);
	return 0;
}

int
cli_segment(const struct config *cfg, int argc, char *argv[])
{
	struct segment_get g;
	int rc;

	memset(&g, 0, sizeof(g));
	g.x.cfg = cfg;
	if ((rc = parse_args(&g, argc, argv)) != 0)
		return rc;
	rc = cli_export_start(&g.x) != 0 ? 1 : run(&g);
	if (g.tmp != NULL && unlink(g.tmp) == -1)
		warn("%s", g.tmp);
	free(g.tmp);
	cli_export_free(&g.x);
	return rc;
}
