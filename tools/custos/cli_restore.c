/*
 * cli_restore: custos restore --from-replica --key SKEYFILE [--json].
 *
 * Rebuilds a lost station from its replica (include/custos/restore.h,
 * docs/replication.md) into the config's state_dir, which must hold no
 * log: the log from the tiles in the bucket, proven against the
 * checkpoint the station key signed, and the objects into the store.
 * SKEYFILE is the station's signing key (the backup of station.key): its
 * verifier checks the checkpoint, and custosd signs with it again.
 *
 * The restore holds the state directory's lock (custosd's), so no daemon
 * starts on a half-built station.  What it did is written to
 * restored.json in the state directory; custosd's next start puts it
 * into its station.started entry, so the rebuild is itself in the log.
 *
 * Exit 0: the station is rebuilt and every object is back; 1: rebuilt
 * with objects missing or altered (named), or the bucket's log does not
 * prove (nothing rebuilt); 2: usage, config, key or a server that fails.
 */
#include <sys/file.h>
#include <sys/stat.h>

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
#include <openssl/crypto.h>

#include "custos/config.h"
#include "custos/err.h"
#include "custos/note.h"
#include "custos/note_sign.h"
#include "custos/replica_conf.h"
#include "custos/restore.h"
#include "custos/s3.h"
#include "custos/util.h"
#include "cli_restore.h"
#include "tools/cli_util.h"

#define KEY_MAX	4096

void
cli_restore_usage(FILE *f)
{
	fprintf(f, "usage: custos [-c CONF] restore --from-replica --key "
	    "SKEYFILE [--json]\n");
}

static int
usage(void)
{
	cli_restore_usage(stderr);
	return CLI_EXIT_USAGE;
}

/* The station key: *s and its text *text (wiped and freed by the caller). */
static int
load_key(const struct config *cfg, const char *path, struct note_signer **s,
    char **text, size_t *len)
{
	int rc;

	if ((rc = util_read_file(path, KEY_MAX, text, len)) != 0) {
		warnx("--key %s: %s", path, rc == CUSTOS_ERR_SYSTEM ?
		    strerror(errno) : custos_strerror(rc));
		return CLI_EXIT_USAGE;
	}
	if (*len > 0 && (*text)[*len - 1] == '\n')
		(*text)[--*len] = '\0';
	if (note_signer_parse(*text, *len, s) != 0) {
		warnx("--key %s: not a station signing key", path);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(note_signer_name(*s), cfg->station_name) != 0) {
		warnx("--key %s is the key of \"%s\", but the config names "
		    "the station \"%s\"", path, note_signer_name(*s),
		    cfg->station_name);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

/* custosd's lock on the state directory, made if missing. */
static int
lock_state(const char *dir)
{
	char path[PATH_MAX];
	int fd;

	if (mkdir(dir, 0750) == -1 && errno != EEXIST) {
		warn("%s", dir);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/lock", dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		warn("%s", path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		warnx("%s: custosd (or another restore) holds the state "
		    "directory: stop it first", path);
		close(fd);
		return -1;
	}
	return fd;
}

static void
progress(void *arg, uint64_t done, uint64_t total)
{
	unsigned *last = arg;
	unsigned pct = total == 0 ? 100 : (unsigned)(done * 100 / total);

	if (pct / 10 != *last / 10 || done == total) {
		fprintf(stderr, "restore: objects %" PRIu64 " of %" PRIu64
		    "\n", done, total);
		*last = pct;
	}
}

/* The report as JSON (restored.json, and --json). */
static json_t *
report_json(const struct config *cfg, const struct restore_report *rep,
    int rc)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:s, s:b, s:b, s:I, s:I, s:I, "
	    "s:I, s:I, s:O, s:O, s:s?}",
	    "endpoint", cfg->replica_endpoint, "bucket", cfg->replica_bucket,
	    "prefix", cfg->station_name, "size", (json_int_t)rep->size,
	    "root", rep->root, "timestamp", rep->timestamp,
	    "timestamp_unchecked", rep->timestamp_unchecked,
	    "tiles", (json_int_t)rep->tiles,
	    "objects", (json_int_t)rep->objects,
	    "bytes", (json_int_t)rep->bytes,
	    "present", (json_int_t)rep->present,
	    "disposed", (json_int_t)rep->disposed,
	    "missing", rep->missing, "altered", rep->altered,
	    "error", rc != 0 ? rep->what : NULL);
}

/* The station's keys and restored.json, once the log is in place. */
static int
finish(const struct config *cfg, const char *skey, size_t skeylen,
    const struct note_signer *s, json_t *j)
{
	struct note_verifier *v = NULL;
	char path[PATH_MAX], *vkey = NULL, *text;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/station.key", cfg->state_dir);
	if (util_write_file(path, skey, skeylen, 0600, 1) != 0) {
		warn("%s", path);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/station.vkey", cfg->state_dir);
	if (note_signer_verifier(s, &v) != 0 ||
	    note_verifier_format(v, &vkey) != 0)
		warnx("out of memory");
	else if (util_write_file(path, vkey, strlen(vkey), 0644, 1) != 0)
		warn("%s", path);
	else if ((text = json_dumps(j, JSON_COMPACT)) == NULL)
		warnx("out of memory");
	else {
		snprintf(path, sizeof(path), "%s/restored.json",
		    cfg->state_dir);
		if ((rc = util_write_file(path, text, strlen(text), 0600,
		    1)) != 0)
			warn("%s", path);
		free(text);
	}
	free(vkey);
	note_verifier_free(v);
	return rc;
}

static void
print_text(const struct restore_report *rep)
{
	size_t i;
	json_t *o;

	printf("restored %" PRIu64 " entries (root %s)%s, %" PRIu64
	    " hash tiles checked\n", rep->size, rep->root, rep->timestamp ?
	    " with its RFC 3161 token" : "", rep->tiles);
	printf("objects: %" PRIu64 " stored (%" PRIu64 " bytes, %" PRIu64
	    " already there), %" PRIu64 " disposed of by their entries\n",
	    rep->objects, rep->bytes, rep->present, rep->disposed);
	json_array_foreach(rep->missing, i, o)
		printf("MISSING %s (entry %" JSON_INTEGER_FORMAT "): not in the "
		    "bucket, never confirmed off the station\n",
		    json_string_value(json_object_get(o, "object")),
		    json_integer_value(json_object_get(o, "entry")));
	json_array_foreach(rep->altered, i, o)
		printf("ALTERED %s (entry %" JSON_INTEGER_FORMAT "): the "
		    "bucket's bytes are not this object\n",
		    json_string_value(json_object_get(o, "object")),
		    json_integer_value(json_object_get(o, "entry")));
	if (rep->timestamp_unchecked)
		printf("note: checkpoint.tsr not restored: no [tsa] ca to "
		    "check it with\n");
}

static int
run(const struct config *cfg, const char *keypath, int json)
{
	struct restore_params p;
	struct restore_report rep;
	struct replica_creds *creds = NULL;
	struct note_signer *s = NULL;
	struct note_verifier *v = NULL;
	struct s3_params sp;
	struct s3 *s3 = NULL;
	char errbuf[512], *skey = NULL;
	size_t skeylen = 0;
	unsigned last = 0;
	json_t *j = NULL;
	int rc, ex, lock = -1;

	memset(&rep, 0, sizeof(rep));
	if ((ex = load_key(cfg, keypath, &s, &skey, &skeylen)) != 0)
		goto out;
	ex = CLI_EXIT_USAGE;
	if ((rc = replica_conf_params(cfg, &sp, &creds, errbuf,
	    sizeof(errbuf))) != 0) {
		warnx("%s", rc == CUSTOS_ERR_NOTFOUND ? "the config has no "
		    "[replica] endpoint to restore from" : errbuf);
		goto out;
	}
	if (note_signer_verifier(s, &v) != 0 || s3_new(&sp, &s3) != 0) {
		warnx("[replica]: cannot set up the client");
		goto out;
	}
	if ((lock = lock_state(cfg->state_dir)) == -1)
		goto out;
	memset(&p, 0, sizeof(p));
	p.s3 = s3;
	p.prefix = cfg->station_name;
	p.state_dir = cfg->state_dir;
	p.alg = cfg->digest_alg;
	p.v = v;
	p.tsa_ca = cfg->tsa_ca;
	p.progress = json ? NULL : progress;
	p.arg = &last;
	rc = restore_run(&p, &rep);
	if ((j = report_json(cfg, &rep, rc)) == NULL)
		errx(CLI_EXIT_USAGE, "out of memory");
	if (rc != 0) {
		warnx("restore: %s", rep.what);
		ex = rc == CUSTOS_ERR_VERIFY || rc == CUSTOS_ERR_FORMAT ||
		    rc == CUSTOS_ERR_NOTFOUND ? CLI_EXIT_NOT : CLI_EXIT_USAGE;
	} else if (finish(cfg, skey, skeylen, s, j) != 0)
		ex = CLI_EXIT_USAGE;
	else
		ex = json_array_size(rep.missing) + json_array_size(
		    rep.altered) == 0 ? CLI_EXIT_OK : CLI_EXIT_NOT;
	if (json) {
		if (json_dumpf(j, stdout, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER) != 0)
			ex = CLI_EXIT_USAGE;
		printf("\n");
	} else if (rc == 0)
		print_text(&rep);
out:
	if (lock != -1)
		close(lock);
	json_decref(j);
	restore_report_free(&rep);
	s3_free(s3);
	replica_creds_free(creds);
	note_verifier_free(v);
	note_signer_free(s);
	if (skey != NULL) {
		OPENSSL_cleanse(skey, skeylen);
		free(skey);
	}
	return ex;
}

int
cli_restore(const struct config *cfg, int argc, char *argv[])
{
	const char *key = NULL;
	int i, json = 0, from = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--from-replica") == 0)
			from = 1;
		else if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			key = argv[++i];
		else
			return usage();
	}
	if (!from || key == NULL)
		return usage();
	return run(cfg, key, json);
}
