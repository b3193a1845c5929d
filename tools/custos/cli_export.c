/*
 * cli_export: custos export INSPECTION -o DIR|FILE.tar.
 *
 * The steps, in this order, so that a failure at any point leaves nothing
 * at the output path and nothing in the log that claims an export:
 *
 *	1. gather the inspection from the log, registry and catalog, read
 *	   only through their modules (lib/evidence/evidence.c);
 *	2. find a checkpoint that covers every gathered entry and has an
 *	   RFC 3161 token: a stored one, or one the daemon signs now
 *	   (POST /v1/checkpoint) and has timestamped, waited for; with
 *	   [witness NAME] sections, one every configured witness has
 *	   cosigned too (a stored one only if it has all the
 *	   cosignatures; else the new one, whose cosignatures are waited
 *	   for like its token), the cosignature lines appended to its note
 *	   (cli_export_witness.c);
 *	3. write the bundle under a temporary name beside the output with
 *	   the bundle writer (lib/evidence/bundle_write.c, bundle.h), which
 *	   owns the layout, MANIFEST.json and the copying of the objects;
 *	   this file only draws its progress;
 *	4. log bundle.exported through the daemon;
 *	5. rename the temporary name to the output (never over an existing
 *	   one).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "custos/bundle.h"
#include "custos/catalog.h"
#include "custos/config.h"
#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/log.h"
#include "custos/note.h"
#include "custos/profile.h"
#include "custos/registry.h"
#include "custos/store.h"
#include "custos/tsa.h"
#include "custos/util.h"
#include "cli_export.h"
#include "cli_export_int.h"
#include "cli_registry.h"
#include "tools/cli_util.h"

#define WAIT_DEFAULT	30	/* seconds to wait for the TSA's token */

static volatile sig_atomic_t interrupted;

static int
usage(void)
{
	cli_export_usage(stderr);
	return 2;
}

void
cli_export_usage(FILE *f)
{
	fprintf(f, "usage: custos [-c CONF] export INSPECTION "
	    "-o DIR|FILE.tar --purpose TEXT\n"
	    "                    [--allow-untimestamped] [--allow-uncosigned]\n"
	    "                    [--wait SECONDS] [--json]\n");
}

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* A string member, or NULL. */
static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}


/*
 * Opens the registry and catalog before the log: the log seen read-only
 * then holds at least every entry they name.
 */
int
cli_export_open(struct export *x)
{
	char path[PATH_MAX];
	int rc;

	snprintf(path, sizeof(path), "%s/log.db", x->cfg->state_dir);
	if (access(path, R_OK) != 0) {
		warn("%s: cannot read the log (has custosd run?)", path);
		return 1;
	}
	/* Read-only: the export only looks; the tables are the daemon's. */
	if ((rc = registry_open_ro(path, &x->registry)) != 0 ||
	    (rc = catalog_open_ro(path, &x->catalog)) != 0) {
		warnx("%s: cannot open the registry and catalog: %s", path,
		    rc == CUSTOS_ERR_NOTFOUND ? "not built yet (start custosd "
		    "once)" : custos_strerror(rc));
		return 1;
	}
	if ((rc = log_open(path, x->cfg->digest_alg, LOG_RDONLY,
	    &x->log)) != 0) {
		warnx("%s: cannot open the log: %s", path,
		    custos_strerror(rc));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/store", x->cfg->state_dir);
	if ((rc = store_open(path, x->cfg->digest_alg, &x->store)) != 0) {
		if (rc == CUSTOS_ERR_SYSTEM)
			warn("%s: cannot open the store", path);
		else
			warnx("%s: cannot open the store: %s", path,
			    custos_strerror(rc));
		return 1;
	}
	return 0;
}

/* Re-opens the log to see what the daemon appended since. */
static int
reopen_log(struct export *x)
{
	char path[PATH_MAX];
	int rc;

	log_close(x->log);
	x->log = NULL;
	snprintf(path, sizeof(path), "%s/log.db", x->cfg->state_dir);
	if ((rc = log_open(path, x->cfg->digest_alg, LOG_RDONLY,
	    &x->log)) != 0) {
		warnx("%s: cannot open the log: %s", path,
		    custos_strerror(rc));
		return 1;
	}
	return 0;
}

/* The largest index among the gathered entries. */
static uint64_t
max_index(const struct evidence *ev)
{
	uint64_t m = 0;
	size_t r, k;

	for (r = 0; r < EVIDENCE_NROLES; r++)
		for (k = 0; k < ev->n[r]; k++)
			if (ev->e[r][k].index > m)
				m = ev->e[r][k].index;
	return m;
}

/*
 * Asks the daemon to sign a checkpoint of everything it has and to get it
 * timestamped.  Sets *size and *state ("stored", "requested" or "off").
 */
static int
request_checkpoint(struct export *x, uint64_t *size, char *state,
    size_t len)
{
	json_t *body, *j;
	const char *s;
	json_int_t n;

	if ((body = json_object()) == NULL)
		errx(1, "out of memory");
	j = cli_registry_call(x->cfg, "/v1/checkpoint", body);
	json_decref(body);
	if (j == NULL)
		return 1;
	n = json_integer_value(json_object_get(j, "size"));
	s = str(j, "timestamp");
	if (n <= 0 || s == NULL) {
		warnx("custosd answered POST /v1/checkpoint without a size "
		    "and timestamp state");
		json_decref(j);
		return 1;
	}
	*size = (uint64_t)n;
	snprintf(state, len, "%s", s);
	json_decref(j);
	return 0;
}

/*
 * Waits up to x->wait_s seconds for the token of checkpoint size to be
 * stored, re-opening the log to see it.  Returns 0 with x->tsr set, or 1
 * when none came (x->tsr NULL).
 */
static int
wait_token(struct export *x, uint64_t size)
{
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	unsigned i;
	int rc;

	for (i = 0; i <= x->wait_s * 5 && !interrupted; i++) {
		if (i > 0) {
			nanosleep(&pause, NULL);
			if (reopen_log(x) != 0)
				return 1;
		}
		rc = log_timestamp_get(x->log, size, &x->tsr, &x->tsrlen);
		if (rc == 0)
			return 0;
		if (rc != CUSTOS_ERR_NOTFOUND) {
			warnx("cannot read the timestamp of checkpoint %"
			    PRIu64 ": %s", size, custos_strerror(rc));
			return 1;
		}
	}
	return 1;
}

/*
 * Step 2: the checkpoint all proofs refer to and its token (docs/bundle.md
 * "What each part proves", 1 and 2).
 */
static int
checkpoint(struct export *x)
{
	uint64_t need = max_index(&x->ev) + 1, ts;
	char state[32], missing[8];
	int rc;

	if (log_timestamp_latest(x->log, &ts) == 0 && ts >= need &&
	    cli_export_cosig_missing(x, ts, missing, sizeof(missing)) == 0) {
		/* A stored, timestamped (and cosigned, with witnesses)
		 * checkpoint covers it all already. */
		x->size = ts;
		if ((rc = log_timestamp_get(x->log, ts, &x->tsr,
		    &x->tsrlen)) != 0) {
			warnx("cannot read the timestamp of checkpoint %" PRIu64
			    ": %s", ts, custos_strerror(rc));
			return 1;
		}
	} else {
		if (request_checkpoint(x, &x->size, state, sizeof(state)) != 0)
			return 1;
		if (x->size < need) {
			warnx("custosd signed a checkpoint of %" PRIu64 " entries"
			    ", which does not cover entry %" PRIu64, x->size,
			    need - 1);
			return 1;
		}
		if (reopen_log(x) != 0)
			return 1;
		if (strcmp(state, "off") == 0)
			x->untimestamped = strdup("no TSA is configured "
			    "on the station");
		else if (wait_token(x, x->size) != 0) {
			if (interrupted)
				return 1;
			if (!x->allow_untimestamped) {
				warnx("the TSA did not timestamp checkpoint %"
				    PRIu64 " within %u s (see custosd's log); "
				    "retry, or export with "
				    "--allow-untimestamped", x->size,
				    x->wait_s);
				return 1;
			}
			if (asprintf(&x->untimestamped, "the TSA did not "
			    "timestamp checkpoint %" PRIu64 " within %u s",
			    x->size, x->wait_s) == -1)
				x->untimestamped = NULL;
		}
	}
	if ((rc = log_checkpoint_get(x->log, x->size, &x->note,
	    &x->notelen)) != 0) {
		warnx("cannot read checkpoint %" PRIu64 ": %s", x->size,
		    custos_strerror(rc));
		return 1;
	}
	return 0;
}

/*
 * With [witness NAME] sections: waits up to x->wait_s seconds for every
 * witness's cosignature of checkpoint x->size, as wait_token() does for
 * the token.  Returns 0 when all are stored or --allow-uncosigned lets the
 * export go on without some (x->uncosigned says which), else 1.
 */
static int
wait_cosigs(struct export *x)
{
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	char missing[512];
	unsigned i;
	int n = 0;

	for (i = 0; i <= x->wait_s * 5 && !interrupted; i++) {
		if (i > 0) {
			nanosleep(&pause, NULL);
			if (reopen_log(x) != 0)
				return 1;
		}
		if ((n = cli_export_cosig_missing(x, x->size, missing,
		    sizeof(missing))) <= 0)
			return n < 0;
	}
	if (interrupted)
		return 1;
	if (!x->allow_uncosigned) {
		warnx("witness%s %s did not cosign checkpoint %" PRIu64
		    " within %u s (see custos status); retry, or export with "
		    "--allow-uncosigned", n == 1 ? "" : "es", missing, x->size,
		    x->wait_s);
		return 1;
	}
	if (asprintf(&x->uncosigned, "not cosigned by %s within %u s",
	    missing, x->wait_s) == -1)
		x->uncosigned = NULL;
	return 0;
}

/*
 * Checks what the bundle will claim before writing it: the checkpoint is
 * signed by the station's key, and the token is over this checkpoint and
 * chains to the configured TSA CA (when the CA is still configured).
 */
static int
check_anchor(struct export *x)
{
	struct note_verifier *v = NULL;
	struct note *n = NULL;
	struct tsa_info info;
	char path[PATH_MAX], why[256] = "";
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "%s/station.vkey", x->cfg->state_dir);
	if ((rc = util_read_file(path, 4096, &x->vkey, &x->vkeylen)) != 0) {
		warnx("%s: cannot read the station's verifier key: %s", path,
		    custos_strerror(rc));
		return 1;
	}
	len = strcspn(x->vkey, "\n");
	if ((rc = note_verifier_parse(x->vkey, len, &v)) != 0 ||
	    (rc = note_parse(x->note, x->notelen, &n)) != 0 ||
	    (rc = note_verify(n, v)) != 0) {
		warnx("checkpoint %" PRIu64 " does not verify with %s: %s",
		    x->size, path, custos_strerror(rc));
		note_free(n);
		note_verifier_free(v);
		return 1;
	}
	snprintf(x->key_id, sizeof(x->key_id), "%08" PRIx32,
	    note_verifier_keyid(v));
	note_free(n);
	note_verifier_free(v);
	if (x->tsr == NULL)
		return 0;
	if (x->cfg->tsa_ca != NULL)
		rc = tsa_verify(x->tsr, x->tsrlen, x->note, x->notelen,
		    x->cfg->tsa_ca, NULL, &info, why, sizeof(why));
	else
		rc = tsa_parse(x->tsr, x->tsrlen, &info);
	if (rc != 0) {
		warnx("the stored timestamp of checkpoint %" PRIu64 " does not "
		    "verify: %s", x->size, why[0] ? why : custos_strerror(rc));
		return 1;
	}
	snprintf(x->tsr_time, sizeof(x->tsr_time), "%s", info.time);
	return 0;
}

/*
 * The working-day calendars: every cn-YYYY.cal of calendar_dir (the
 * names the bundle layout has a place for).
 */
static void
collect_calendars(struct export *x)
{
	struct dirent *d;
	DIR *dir;
	char **a, member[64];

	if (x->cfg->calendar_dir == NULL ||
	    (dir = opendir(x->cfg->calendar_dir)) == NULL)
		return;
	while ((d = readdir(dir)) != NULL) {
		if (bundle_name_calendar(d->d_name, member,
		    sizeof(member)) != 0)
			continue;
		if ((a = reallocarray(x->cals, x->ncals + 1,
		    sizeof(*a))) == NULL ||
		    (a[x->ncals] = strdup(d->d_name)) == NULL)
			errx(1, "out of memory");
		x->cals = a;
		x->ncals++;
	}
	closedir(dir);
}

static void
set_str(json_t *o, const char *key, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, key, json_string(v));
}

/* The user running the export, as the system names it. */
static const char *
user_name(void)
{
	struct passwd *pw = getpwuid(getuid());

	return pw != NULL ? pw->pw_name : "unknown";
}

/* Reports the bundle writer's last error, once. */
void
cli_export_writer_warn(const struct bundle_writer *w)
{
	const char *why;
	int e;

	why = bundle_writer_error(w, &e);
	if (e != 0) {
		errno = e;
		warn("%s", why);
	} else
		warnx("%s", why);
}

/*
 * The bundle writer's progress: draws the bar on a terminal when the
 * percentage changed, and stops the writer once a signal came.
 */
static int
progress(void *arg, uint64_t done, uint64_t total, int last)
{
	struct progress *p = arg;
	char bar[41];
	int pct, fill, k;

	if (interrupted)
		return 1;
	if (!p->tty)
		return 0;
	pct = total == 0 ? 100 : (int)(done * 100 / total);
	if (pct == p->drawn && !last)
		return 0;
	p->drawn = pct;
	fill = pct * 40 / 100;
	for (k = 0; k < 40; k++)
		bar[k] = k < fill ? '#' : '.';
	bar[40] = '\0';
	fprintf(stderr, "\rexport [%s] %3d%% %" PRIu64 "/%" PRIu64 " MiB%s",
	    bar, pct, done >> 20, total >> 20, last ? "\n" : "");
	return 0;
}

/*
 * What the bundle holds besides the evidence: the station, the
 * checkpoint, its token and key (all gathered by now), and the export.
 */
static void
fill_input(struct export *x)
{
	struct bundle_input *in = &x->in;
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	memset(in, 0, sizeof(*in));
	in->inspection = x->id;
	in->profile = profile_name(x->cfg->profile);
	in->station = x->cfg->station_name;
	in->key_id = x->key_id;
	in->size = x->size;
	in->note = x->note;
	in->notelen = x->notelen;
	in->tsr = x->tsr;
	in->tsrlen = x->tsrlen;
	in->tsr_time = x->tsr_time;
	in->tsa_url = x->cfg->tsa_url;
	in->untimestamped = x->untimestamped;
	in->vkey = x->vkey;
	in->vkeylen = x->vkeylen;
	in->exported_at = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	in->exported_by = user_name();
	in->purpose = x->purpose;
	in->calendar_dir = x->cfg->calendar_dir;
	in->calendars = x->cals;
	in->ncalendars = x->ncals;
	in->log = x->log;
	in->store = x->store;
}

/* Step 4: the bundle.exported entry in the inspection's chain. */
static int
log_export(struct export *x, int tar)
{
	json_t *body;
	char path[512];

	if (cli_registry_id_path(path, sizeof(path), "/v1/inspections/", x->id,
	    "/exported") != 0)
		errx(1, "inspection ID too long");
	body = json_pack("{s:I, s:s, s:I, s:I, s:s}", "checkpoint_size",
	    (json_int_t)x->size, "manifest",
	    bundle_writer_manifest_digest(x->w), "files",
	    (json_int_t)bundle_writer_files(x->w), "bytes",
	    (json_int_t)bundle_writer_bytes(x->w), "format", tar ? "tar" :
	    "dir");
	if (body == NULL)
		errx(1, "out of memory");
	if (x->purpose != NULL)
		set_str(body, "purpose", x->purpose);
	return cli_export_log(x, path, body, "export", "exported");
}

static void
summary(const struct export *x, int tar)
{
	uint64_t files = bundle_writer_files(x->w);
	uint64_t bytes = bundle_writer_bytes(x->w);
	const char *digest = bundle_writer_manifest_digest(x->w);
	size_t nmedia = bundle_writer_nmedia(x->w);
	json_t *j;
	char *s;

	if (!x->json) {
		printf("exported %s to %s (%s): %" PRIu64 " files, %" PRIu64
		    " bytes, %zu media\n", x->id, x->output, tar ? "tar" :
		    "directory", files, bytes, nmedia);
		printf("checkpoint: tree size %" PRIu64 ", %s%s\n", x->size,
		    x->tsr != NULL ? "timestamped " : "NOT timestamped: ",
		    x->tsr != NULL ? x->tsr_time : x->untimestamped);
		if (x->cfg->nwitness > 0)
			printf("witnesses:  %s%s%s%s\n", x->cosigned_by[0] ?
			    "cosigned by " : "", x->cosigned_by,
			    x->cosigned_by[0] && x->uncosigned ? "; " : "",
			    x->uncosigned != NULL ? x->uncosigned : "");
		printf("manifest:   %s\nlogged:     %s, entry %" PRIu64 "\n",
		    digest, ENTRY_BUNDLE_EXPORTED, x->logged);
		return;
	}
	j = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:I}",
	    "inspection", x->id, "output", x->output, "format", tar ?
	    "tar" : "dir", "files", (json_int_t)files, "bytes",
	    (json_int_t)bytes, "media", (json_int_t)nmedia,
	    "checkpoint_size", (json_int_t)x->size, "manifest", digest,
	    "logged_index", (json_int_t)x->logged);
	if (j == NULL)
		errx(1, "out of memory");
	if (x->tsr != NULL)
		set_str(j, "timestamp", x->tsr_time);
	else
		set_str(j, "untimestamped", x->untimestamped);
	if (x->cfg->nwitness > 0)
		set_str(j, "cosigned_by", x->cosigned_by);
	if (x->uncosigned != NULL)
		set_str(j, "uncosigned", x->uncosigned);
	if ((s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) == NULL)
		errx(1, "out of memory");
	printf("%s\n", s);
	free(s);
	json_decref(j);
}

void
cli_export_free(struct export *x)
{
	size_t k;

	if (x->w != NULL && bundle_writer_discard(x->w) != 0)
		cli_export_writer_warn(x->w);
	bundle_writer_free(x->w);
	evidence_free(&x->ev);
	log_close(x->log);
	catalog_close(x->catalog);
	registry_close(x->registry);
	store_close(x->store);
	free(x->note);
	free(x->tsr);
	free(x->untimestamped);
	free(x->uncosigned);
	free(x->vkey);
	for (k = 0; k < x->ncals; k++)
		free(x->cals[k]);
	free(x->cals);
	free(x->outbuf);
}

void
cli_export_defaults(struct export *x)
{
	x->wait_s = WAIT_DEFAULT;
}

int
cli_export_option(struct export *x, int argc, char *argv[], int *i)
{
	unsigned long long w;

	if (strcmp(argv[*i], "-o") == 0 && *i + 1 < argc)
		x->output = argv[++*i];
	else if (strcmp(argv[*i], "--purpose") == 0 && *i + 1 < argc)
		x->purpose = argv[++*i];
	else if (strcmp(argv[*i], "--wait") == 0 && *i + 1 < argc) {
		if (cli_parse_u64(argv[++*i], &w) != 0 || w > 3600) {
			warnx("--wait: not a number of seconds (0-3600): %s",
			    argv[*i]);
			return 2;
		}
		x->wait_s = (unsigned)w;
	} else if (strcmp(argv[*i], "--allow-untimestamped") == 0)
		x->allow_untimestamped = 1;
	else if (strcmp(argv[*i], "--allow-uncosigned") == 0)
		x->allow_uncosigned = 1;
	else if (strcmp(argv[*i], "--json") == 0)
		x->json = 1;
	else if (argv[*i][0] != '-' && x->id == NULL)
		x->id = argv[*i];
	else
		return 0;
	return 1;
}

int
cli_export_purpose(const struct export *x, const char *entry)
{
	/* Every copy that leaves the station is logged with why it left. */
	if (x->purpose != NULL && x->purpose[0] != '\0')
		return 0;
	warnx("export: --purpose TEXT is required (rule purpose_required): "
	    "%s records why the evidence left the station", entry);
	return 2;
}

static int
parse_args(struct export *x, int argc, char *argv[])
{
	int i, rc;

	cli_export_defaults(x);
	for (i = 1; i < argc; i++) {
		if ((rc = cli_export_option(x, argc, argv, &i)) == 2)
			return 2;
		if (rc == 0)
			return usage();
	}
	if (x->id == NULL || x->output == NULL || x->output[0] == '\0')
		return usage();
	return cli_export_purpose(x, ENTRY_BUNDLE_EXPORTED);
}

/* Step 3: the bundle under its temporary name. */
int
cli_export_write(struct export *x, int tar)
{
	struct progress p;
	int rc;

	p.tty = isatty(STDERR_FILENO);
	p.drawn = -1;
	fill_input(x);
	if ((rc = bundle_writer_manifest(x->w, &x->in)) != 0) {
		cli_export_writer_warn(x->w);
		return 1;
	}
	if (bundle_writer_write(x->w, x->output, tar, progress, &p) != 0) {
		if (interrupted)
			warnx("interrupted; nothing exported");
		else
			cli_export_writer_warn(x->w);
		return 1;
	}
	return 0;
}

/* Step 5: the bundle under its name. */
int
cli_export_commit(struct export *x)
{
	const char *why;
	int e;

	if (bundle_writer_commit(x->w) != 0) {
		cli_export_writer_warn(x->w);
		return 1;
	}
	/* Only the directory's fsync failed: the bundle is in place. */
	why = bundle_writer_error(x->w, &e);
	if (why[0] != '\0') {
		errno = e;
		warn("%s", why);
	}
	return 0;
}

/*
 * Step 1: the inspection x->id gathered and its objects collected by a
 * new writer (the station is open).
 */
int
cli_export_gather(struct export *x)
{
	int rc;

	if ((rc = evidence_gather(x->log, x->registry, x->catalog, x->id,
	    &x->ev)) != 0) {
		if (rc == CUSTOS_ERR_NOTFOUND)
			warnx("no inspection %s", x->id);
		else
			warnx("cannot gather inspection %s: %s", x->id,
			    custos_strerror(rc));
		return 1;
	}
	if (bundle_writer_new(x->cfg->digest_alg, &x->w) != 0)
		errx(1, "out of memory");
	if (bundle_writer_collect(x->w, &x->ev) != 0) {
		cli_export_writer_warn(x->w);
		return 1;
	}
	return 0;
}

/* Step 2: the checkpoint, its token, the key and the calendars. */
int
cli_export_anchor(struct export *x)
{
	if (checkpoint(x) != 0 || wait_cosigs(x) != 0 ||
	    check_anchor(x) != 0 || cli_export_cosig_append(x) != 0)
		return 1;
	collect_calendars(x);
	return 0;
}

int
cli_export_is_tar(const struct export *x)
{
	size_t len = strlen(x->output);

	return len > 4 && strcmp(x->output + len - 4, ".tar") == 0;
}

int
cli_export_interrupted(void)
{
	return interrupted;
}

int
cli_export_log(struct export *x, const char *path, json_t *body,
    const char *what, const char *left)
{
	json_t *j;

	j = cli_registry_call(x->cfg, path, body);
	json_decref(body);
	if (j == NULL) {
		warnx("the %s could not be logged; nothing %s", what, left);
		return 1;
	}
	x->logged = (uint64_t)json_integer_value(json_object_get(j, "index"));
	json_decref(j);
	return 0;
}

int
cli_export_start(struct export *x)
{
	struct sigaction sa;
	struct stat sb;
	size_t len;

	/* "out/" names the directory out; the temporary name goes beside. */
	len = strlen(x->output);
	while (len > 1 && x->output[len - 1] == '/')
		len--;
	if ((x->outbuf = strndup(x->output, len)) == NULL)
		errx(1, "out of memory");
	x->output = x->outbuf;
	if (lstat(x->output, &sb) == 0) {
		warnx("%s exists; not overwriting it", x->output);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return 0;
}

/* Steps 1 to 5 once the output path is known to be free. */
static int
run(struct export *x)
{
	int tar = cli_export_is_tar(x);

	if (cli_export_open(x) != 0 || cli_export_gather(x) != 0 ||
	    cli_export_anchor(x) != 0)
		return 1;
	if (cli_export_write(x, tar) != 0 || log_export(x, tar) != 0 ||
	    cli_export_commit(x) != 0)
		return 1;
	summary(x, tar);
	return 0;
}

int
cli_export(const struct config *cfg, int argc, char *argv[])
{
	struct export x;
	int rc;

	memset(&x, 0, sizeof(x));
	x.cfg = cfg;
	if ((rc = parse_args(&x, argc, argv)) != 0)
		return rc;
	rc = cli_export_start(&x) != 0 ? 1 : run(&x);
	cli_export_free(&x);
	return rc;
}
