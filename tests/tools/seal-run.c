/*
 * seal-run: drives the seal pipeline (daemon/seal.c) on files, without
 * the rest of the daemon, for tests.
 *
 *	seal-run [-p] [-m CUSTOSD] [-C CAMERA] [-o OFFICER] CONF FILE...
 *
 * Opens the station of CONF as custosd does (state directory, lock, key,
 * log, catalog, store), appends nothing of its own, seals each FILE in
 * turn (camera CAMERA, default "TEST0001"; source "usb"; the entry's path
 * is FILE as given) and prints one JSON line per file:
 *
 *	{"file" (or "file_hex" when the name is not UTF-8), "outcome":
 *	 "new"|"exists"|"failed", "index", "object", "size", "decodable",
 *	 "rc", "reason"}
 *
 * (index, object and size unless failed; decodable for new; rc and
 * reason for failed).  With -p all files are started at once and the
 * lines still come in the order of the arguments.  Then it signs a
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
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "custos/config.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "../../daemon/log.h"
#include "../../daemon/seal.h"
#include "../../daemon/station.h"

struct run {
	const char		*file;
	int			 fd;
	int			 done;
	struct seal_result	 res;
	char			 reason[256];
};

static void
usage(void)
{
	fprintf(stderr, "usage: seal-run [-p] [-m custosd] [-C camera] "
	    "[-o officer] conf file...\n");
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
 * Seals files[0..n-1]: one after another, or with parallel set all at
 * once (so that equal files are in flight together), and prints the
 * results in the order of files.
 */
static void
seal_files(uv_loop_t *loop, struct sealer *s, struct seal_req *req,
    char **files, int n, int parallel, enum digest_alg alg)
{
	struct run *runs;
	int i, k;

	if ((runs = calloc((size_t)n, sizeof(*runs))) == NULL)
		err(1, NULL);
	for (i = 0; i < n; i = k) {
		for (k = i; k < n && (k == i || parallel); k++)
			start_one(s, req, files[k], &runs[k]);
		while (seal_pending(s) > 0)
			uv_run(loop, UV_RUN_ONCE);
	}
	for (i = 0; i < n; i++) {
		if (!runs[i].done)
			errx(1, "%s: no answer", files[i]);
		close(runs[i].fd);
		if (print_result(&runs[i], alg) != 0)
			err(1, "stdout");
	}
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
	int ch, rc, parallel = 0;

	log_procinit("seal-run");
	while ((ch = getopt(argc, argv, "C:m:o:p")) != -1) {
		switch (ch) {
		case 'p':
			parallel = 1;
			break;
		case 'C':
			req.camera = optarg;
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
	if ((rc = priv_station_open(&st, cfg, &holder, errbuf,
	    sizeof(errbuf))) != 0)
		errx(1, "%s: %s", errbuf, custos_strerror(rc));
	if (uv_loop_init(&loop) != 0)
		errx(1, "uv_loop_init");
	if ((rc = seal_new(&loop, &st, st.catalog, self, &s)) != 0)
		errx(1, "seal_new: %s", custos_strerror(rc));
	seal_files(&loop, s, &req, argv + 1, argc - 1, parallel,
	    cfg->digest_alg);
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
