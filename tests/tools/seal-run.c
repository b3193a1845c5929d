/*
 * seal-run: drives the seal pipeline (daemon/seal/seal.c) on files, without
 * the rest of the daemon, for tests.
 *
 *	seal-run [-ps] [-m CUSTOSD] [-C CAMERA] [-X CAMERA] [-o OFFICER]
 *	    CONF FILE...
 *
 * Opens the station of CONF as custosd does (state directory, lock, key,
 * log, catalog, store), appends nothing of its own, seals each FILE in
 * turn (camera CAMERA, default "TEST0001"; source "usb"; the entry's path
 * is FILE as given; with -X the 2nd, 4th, ... FILE come from the -X
 * CAMERA instead) and prints one JSON line per file:
 *
 *	{"file" (or "file_hex" when the name is not UTF-8), "outcome":
 *	 "new"|"exists"|"failed", "index", "object", "size", "decodable",
 *	 "rc", "reason", "bytes_stored", "hash_only", "write_bytes"}
 *
 * (index, object and size unless failed; decodable for new; rc and
 * reason for failed; bytes_stored and hash_only from the seal result
 * always; write_bytes is this process's write_bytes from /proc/self/io
 * when the line is printed, after all files, -1 if unreadable).  With -p
 * all files are started at once and the lines still come in the order of
 * the arguments.  With -s it then appends a dock.session entry for the
 * camera whose inventory lists every file as the dock writes it (path,
 * path_hex for a name that is not UTF-8, size, mtime, status "sealed",
 * "already_sealed" or "failed", object and index), so that the next run
 * finds them in the catalog as a re-docked camera would.  Then it signs a
 * checkpoint and exits.  The media
 * child is the custosd binary named by -m or $CUSTOSD.  Files are opened
 * with O_NONBLOCK so a FIFO reaches the pipeline (which refuses it)
 * instead of blocking the open.
 *
 * Exit status: 0 when every file got an answer (whatever the outcome),
 * 1 when the station or the pipeline could not be set up, 2 for usage.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "custos/config.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "daemon/entry.h"
#include "daemon/journal.h"
#include "daemon/seal/seal.h"
#include "daemon/station.h"

struct run {
	const char		*file;
	int			 fd;
	int			 done;
	struct stat		 sb;	/* after the seal, for -s */
	struct seal_result	 res;
	char			 reason[256];
};

/* -X: the camera of every second file, or NULL. */
static const char *other_camera;

static void
usage(void)
{
	fprintf(stderr, "usage: seal-run [-ps] [-m custosd] [-C camera] "
	    "[-X camera] [-o officer] conf file...\n");
	exit(2);
}

static void
sealed(void *arg, const struct seal_result *res)
{
	struct run *r = arg;

	r->res = *res;
	if (res->reason != NULL) {
		snprintf(r->reason, sizeof(r->reason), "%s", res->reason);
		r->res.reason = r->reason;
	}
	r->done = 1;
}

static const char *
outcome_name(enum seal_outcome o)
{
	return o == SEAL_NEW ? "new" : o == SEAL_EXISTS ? "exists" : "failed";
}

/* write_bytes of /proc/self/io, or -1. */
static long long
write_bytes(void)
{
	char line[128];
	long long v = -1;
	FILE *f;

	if ((f = fopen("/proc/self/io", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "write_bytes: %lld", &v) == 1)
			break;
	}
	fclose(f);
	return v;
}

/* Prints r as one JSON line; returns 0 or -1 if it could not. */
static int
print_result(const struct run *r, enum digest_alg alg)
{
	char obj[DIGEST_STRLEN], *hex;
	json_t *o, *name;
	char *s;

	if ((o = json_object()) == NULL)
		return -1;
	/* A name that is not UTF-8 is printed as hex. */
	if ((name = json_string(r->file)) != NULL)
		json_object_set_new(o, "file", name);
	else if ((hex = malloc(HEX_ENCLEN(strlen(r->file)))) != NULL) {
		hex_encode((const uint8_t *)r->file, strlen(r->file), hex);
		json_object_set_new(o, "file_hex", json_string(hex));
		free(hex);
	}
	json_object_set_new(o, "outcome",
	    json_string(outcome_name(r->res.outcome)));
	if (r->res.outcome != SEAL_FAILED) {
		digest_format(alg, r->res.object, obj, sizeof(obj));
		json_object_set_new(o, "index",
		    json_integer((json_int_t)r->res.index));
		json_object_set_new(o, "object", json_string(obj));
		json_object_set_new(o, "size",
		    json_integer((json_int_t)r->res.size));
	}
	if (r->res.outcome == SEAL_NEW)
		json_object_set_new(o, "decodable",
		    json_boolean(r->res.decodable));
	if (r->res.outcome == SEAL_FAILED) {
		json_object_set_new(o, "rc", json_integer(r->res.rc));
		json_object_set_new(o, "reason", json_string(r->res.reason ?
		    r->res.reason : ""));
	}
	json_object_set_new(o, "bytes_stored",
	    json_integer((json_int_t)r->res.bytes_stored));
	json_object_set_new(o, "hash_only", json_boolean(r->res.hash_only));
	json_object_set_new(o, "write_bytes", json_integer(write_bytes()));
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s == NULL)
		return -1;
	printf("%s\n", s);
	free(s);
	return fflush(stdout) == 0 ? 0 : -1;
}

/* Opens file and starts sealing it into r. */
static void
start_one(struct sealer *s, struct seal_req *req, const char *file,
    struct run *r)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->file = file;
	if ((r->fd = open(file, O_RDONLY | O_NONBLOCK | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		err(1, "%s", file);
	req->fd = r->fd;
	req->path = file;
	if ((rc = seal_start(s, req, sealed, r)) != 0)
		errx(1, "%s: seal_start: %s", file, custos_strerror(rc));
}

/*
 * s with every byte jansson refuses as UTF-8 replaced by U+FFFD, as the
 * dock's "path" has it: tries ever shorter sequences at each position.
 */
static json_t *
lossy(const char *s)
{
	size_t len = strlen(s), i = 0, o = 0, k;
	json_t *j, *t;
	char *out;

	if ((out = malloc(3 * len + 1)) == NULL)
		return NULL;
	while (i < len) {
		t = NULL;
		for (k = len - i < 4 ? len - i : 4; k > 0; k--) {
			if ((t = json_stringn(s + i, k)) != NULL)
				break;
		}
		if (t != NULL) {
			json_decref(t);
			memcpy(out + o, s + i, k);
			o += k;
			i += k;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	j = json_stringn(out, o);
	free(out);
	return j;
}

/* One inventory item as the dock writes it. */
static json_t *
item_json(const struct run *r, enum digest_alg alg)
{
	char ts[40], obj[DIGEST_STRLEN], *hex;
	json_t *o, *name;
	size_t len = strlen(r->file);

	if ((o = json_object()) == NULL)
		return NULL;
	if ((name = json_string(r->file)) != NULL)
		json_object_set_new(o, "path", name);
	else {
		json_object_set_new(o, "path", lossy(r->file));
		if ((hex = malloc(HEX_ENCLEN(len))) != NULL) {
			hex_encode((const uint8_t *)r->file, len, hex);
			json_object_set_new(o, "path_hex", json_string(hex));
			free(hex);
		}
	}
	json_object_set_new(o, "size", json_integer((json_int_t)r->sb.st_size));
	entry_time(&r->sb.st_mtim, ts, sizeof(ts));
	json_object_set_new(o, "mtime", json_string(ts));
	json_object_set_new(o, "status", json_string(
	    r->res.outcome == SEAL_NEW ? "sealed" :
	    r->res.outcome == SEAL_EXISTS ? "already_sealed" : "failed"));
	if (r->res.outcome != SEAL_FAILED) {
		digest_format(alg, r->res.object, obj, sizeof(obj));
		json_object_set_new(o, "object", json_string(obj));
		json_object_set_new(o, "index",
		    json_integer((json_int_t)r->res.index));
	}
	return o;
}

/* Appends a dock.session entry listing runs[0..n-1] (-s). */
static void
append_session(struct station *st, const char *camera,
    const struct run *runs, int n, enum digest_alg alg)
{
	json_t *p, *inv;
	int i, rc;

	if ((p = json_object()) == NULL || (inv = json_array()) == NULL)
		errx(1, "out of memory");
	for (i = 0; i < n; i++)
		if (json_array_append_new(inv, item_json(&runs[i], alg)) != 0)
			errx(1, "out of memory");
	json_object_set_new(p, "camera", json_string(camera));
	json_object_set_new(p, "inventory", inv);
	if ((rc = station_append(st, "dock.session", p, NULL, NULL)) != 0)
		errx(1, "dock.session: %s", custos_strerror(rc));
	json_decref(p);
}

/*
 * Seals files[0..n-1]: one after another, or with parallel set all at
 * once (so that equal files are in flight together), and prints the
 * results in the order of files.
 */
static void
seal_files(uv_loop_t *loop, struct sealer *s, struct seal_req *req,
    char **files, int n, int parallel, struct station *session,
    enum digest_alg alg)
{
	const char *camera = req->camera;
	struct run *runs;
	int i, k;

	if ((runs = calloc((size_t)n, sizeof(*runs))) == NULL)
		err(1, NULL);
	for (i = 0; i < n; i = k) {
		for (k = i; k < n && (k == i || parallel); k++) {
			req->camera = other_camera != NULL && k % 2 == 1 ?
			    other_camera : camera;
			start_one(s, req, files[k], &runs[k]);
		}
		while (seal_pending(s) > 0)
			uv_run(loop, UV_RUN_ONCE);
	}
	req->camera = camera;
	for (i = 0; i < n; i++) {
		if (!runs[i].done)
			errx(1, "%s: no answer", files[i]);
		if (fstat(runs[i].fd, &runs[i].sb) == -1)
			err(1, "%s", files[i]);
		close(runs[i].fd);
		if (print_result(&runs[i], alg) != 0)
			err(1, "stdout");
	}
	if (session != NULL)
		append_session(session, req->camera, runs, n, alg);
	free(runs);
}

int
main(int argc, char *argv[])
{
	struct seal_req req = { .camera = "TEST0001", .source = "usb" };
	const char *self = getenv("CUSTOSD");
	struct config *cfg;
	struct station st;
	struct sealer *s;
	uv_loop_t loop;
	char errbuf[512];
	long holder;
	int ch, rc, parallel = 0, session = 0;

	log_procinit("seal-run");
	while ((ch = getopt(argc, argv, "C:X:m:o:ps")) != -1) {
		switch (ch) {
		case 'p':
			parallel = 1;
			break;
		case 's':
			session = 1;
			break;
		case 'C':
			req.camera = optarg;
			break;
		case 'X':
			other_camera = optarg;
			break;
		case 'm':
			self = optarg;
			break;
		case 'o':
			req.officer = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2 || self == NULL)
		usage();
	if (config_load(argv[0], &cfg, errbuf, sizeof(errbuf)) != 0)
		errx(1, "%s", errbuf);
	if ((rc = station_open(&st, cfg, &holder, errbuf,
	    sizeof(errbuf))) != 0)
		errx(1, "%s: %s", errbuf, custos_strerror(rc));
	if (uv_loop_init(&loop) != 0)
		errx(1, "uv_loop_init");
	if ((rc = seal_new(&loop, &st, st.catalog, self, &s)) != 0)
		errx(1, "seal_new: %s", custos_strerror(rc));
	seal_files(&loop, s, &req, argv + 1, argc - 1, parallel,
	    session ? &st : NULL, cfg->digest_alg);
	if ((rc = station_checkpoint(&st)) != 0)
		errx(1, "station_checkpoint: %s", custos_strerror(rc));
	seal_free(s);
	/* Let the media children's handles finish closing. */
	uv_run(&loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&loop) != 0)
		warnx("event loop closed with open handles");
	station_close(&st);
	config_free(cfg);
	return 0;
}
