/*
 * cli_audit_central: custos audit --replica, the central auditor over a
 * bucket holding many stations (include/custos/replica_audit.h,
 * docs/replication.md "The central audit").
 *
 *	custos [-c CONF] audit --replica --key VKEY [--key VKEY]...
 *	    [--witness VKEY]... [--quorum K] [--sample RATE]
 *	    [--state FILE] [--json]
 *
 * The config gives the bucket ([replica]); each --key is one station's
 * verifier key, whose name is its prefix in the bucket.  --state keeps,
 * per station, the size and root the audit proved, so the next audit
 * checks that every station's log only grew; a station that fails keeps
 * its old record.  --sample RATE (0 to 1, default 1) re-hashes that share
 * of the objects (chosen by address, the same ones each time), the rest
 * are looked up by size.  Exit 0 when every station is proven, 1 when
 * one is not (rewound, forked, altered, unsigned, too few cosignatures),
 * 2 for usage, config or a bucket that cannot be read.
 */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "custos/config.h"
#include "custos/cosig.h"
#include "custos/err.h"
#include "custos/note.h"
#include "custos/replica_audit.h"
#include "custos/replica_conf.h"
#include "custos/s3.h"
#include "custos/util.h"
#include "cli_audit_central.h"
#include "tools/cli_util.h"

#define MAX_STATIONS	256
#define MAX_WITNESSES	16
#define KEY_MAX		4096

struct opts {
	const char	*keys[MAX_STATIONS];
	size_t		 nkeys;
	const char	*wit[MAX_WITNESSES];
	size_t		 nwit;
	size_t		 quorum;
	int		 quorum_set;
	unsigned	 permille;
	const char	*state;
	int		 json;
};

static int
usage(void)
{
	fprintf(stderr, "usage: custos [-c CONF] audit --replica --key VKEY "
	    "[--key VKEY]...\n"
	    "           [--witness VKEY]... [--quorum K] [--sample RATE] "
	    "[--state FILE] [--json]\n");
	return CLI_EXIT_USAGE;
}

static int
parse(int argc, char *argv[], struct opts *o)
{
	unsigned long long k;
	double rate;
	char *end;
	int i;

	memset(o, 0, sizeof(*o));
	o->permille = 1000;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--replica") == 0)
			continue;
		if (strcmp(argv[i], "--json") == 0)
			o->json = 1;
		else if (i + 1 >= argc)
			return -1;
		else if (strcmp(argv[i], "--key") == 0 &&
		    o->nkeys < MAX_STATIONS)
			o->keys[o->nkeys++] = argv[++i];
		else if (strcmp(argv[i], "--witness") == 0 &&
		    o->nwit < MAX_WITNESSES)
			o->wit[o->nwit++] = argv[++i];
		else if (strcmp(argv[i], "--quorum") == 0) {
			if (cli_parse_u64(argv[++i], &k) != 0)
				return -1;
			o->quorum = (size_t)k;
			o->quorum_set = 1;
		} else if (strcmp(argv[i], "--sample") == 0) {
			rate = strtod(argv[++i], &end);
			if (*end != '\0' || !(rate >= 0 && rate <= 1))
				return -1;
			o->permille = (unsigned)(rate * 1000 + 0.5);
		} else if (strcmp(argv[i], "--state") == 0)
			o->state = argv[++i];
		else
			return -1;
	}
	if (!o->quorum_set)
		o->quorum = o->nwit;
	return o->nkeys == 0 || o->quorum > o->nwit ? -1 : 0;
}

/* Reads a key file's first line into a new string. */
static char *
key_text(const char *path, size_t *len)
{
	char *s;
	int rc;

	if ((rc = util_read_file(path, KEY_MAX, &s, len)) != 0) {
		warnx("%s: %s", path, rc == CUSTOS_ERR_SYSTEM ?
		    strerror(errno) : custos_strerror(rc));
		return NULL;
	}
	while (*len > 0 && (s[*len - 1] == '\n' || s[*len - 1] == '\r'))
		s[--*len] = '\0';
	return s;
}

/* The last audit's records: {"stations": {origin: {size, root}}}. */
static json_t *
load_state(const char *path)
{
	json_error_t je;
	json_t *j;

	if (path == NULL || access(path, F_OK) != 0)
		return json_pack("{s:{}}", "stations");
	if ((j = json_load_file(path, 0, &je)) == NULL ||
	    !json_is_object(json_object_get(j, "stations"))) {
		warnx("--state %s: not an audit state (%s)", path, je.text);
		json_decref(j);
		return NULL;
	}
	return j;
}

static int
save_state(const char *path, json_t *state)
{
	char *text;
	int rc;

	if ((text = json_dumps(state, JSON_INDENT(2) | JSON_SORT_KEYS)) ==
	    NULL)
		return -1;
	rc = util_write_file(path, text, strlen(text), 0644, 0);
	free(text);
	if (rc != 0)
		warn("--state %s", path);
	return rc;
}

static void
print_station(const json_t *r)
{
	const json_t *o = json_object_get(r, "objects"), *w, *lag, *p;
	size_t i;

	printf("%s: %s\n", json_string_value(json_object_get(r, "station")),
	    json_is_true(json_object_get(r, "ok")) ? "OK" : "NOT PROVEN");
	if (json_object_get(r, "size") != NULL)
		printf("  log: %" JSON_INTEGER_FORMAT " entries, root %s%s\n",
		    json_integer_value(json_object_get(r, "size")),
		    json_string_value(json_object_get(r, "root")),
		    json_is_true(json_object_get(r, "consistent")) ?
		    ", extends the last audit" : json_is_null(
		    json_object_get(r, "consistent")) ? ", first audit" : "");
	if ((w = json_object_get(r, "witnesses")) != NULL)
		printf("  witnesses: %zu cosigned (quorum %" JSON_INTEGER_FORMAT
		    "), %zu absent\n", json_array_size(json_object_get(w,
		    "cosigned")), json_integer_value(json_object_get(w,
		    "quorum")), json_array_size(json_object_get(w, "absent")));
	if (o != NULL)
		printf("  objects: %" JSON_INTEGER_FORMAT " sealed, %"
		    JSON_INTEGER_FORMAT " present (%" JSON_INTEGER_FORMAT
		    " re-hashed), %" JSON_INTEGER_FORMAT " not replicated yet, "
		    "%zu altered, %" JSON_INTEGER_FORMAT " disposed\n",
		    json_integer_value(json_object_get(o, "sealed")),
		    json_integer_value(json_object_get(o, "present")),
		    json_integer_value(json_object_get(o, "rehashed")),
		    json_integer_value(json_object_get(o, "missing")),
		    json_array_size(json_object_get(o, "altered")),
		    json_integer_value(json_object_get(o, "disposed")));
	if ((lag = json_object_get(r, "lag")) != NULL &&
	    json_object_get(lag, "log_published_to") != NULL)
		printf("  lag: log published to %s (%" JSON_INTEGER_FORMAT
		    " s ago)%s%s\n", json_string_value(json_object_get(lag,
		    "log_published_to")), json_integer_value(
		    json_object_get(lag, "log_age_s")),
		    json_is_string(json_object_get(lag, "oldest_missing")) ?
		    "; oldest object not replicated sealed " : "",
		    json_is_string(json_object_get(lag, "oldest_missing")) ?
		    json_string_value(json_object_get(lag,
		    "oldest_missing")) : "");
	json_array_foreach(json_object_get(r, "problems"), i, p)
		printf("  PROBLEM: %s\n", json_string_value(p));
}

static int
audit_all(const struct opts *o, struct replica_audit_params *ap,
    json_t *state, json_t *out)
{
	struct note_verifier *v;
	json_t *stations = json_object_get(state, "stations"), *r;
	char *text;
	size_t i, len;
	int bad = 0;

	for (i = 0; i < o->nkeys; i++) {
		if ((text = key_text(o->keys[i], &len)) == NULL)
			return CLI_EXIT_USAGE;
		if (note_verifier_parse(text, len, &v) != 0) {
			warnx("--key %s: not a station's verifier key",
			    o->keys[i]);
			free(text);
			return CLI_EXIT_USAGE;
		}
		free(text);
		if (replica_audit_station(ap, v, json_object_get(stations,
		    note_verifier_name(v)), &r) != 0)
			errx(CLI_EXIT_USAGE, "out of memory");
		if (json_is_true(json_object_get(r, "ok")))
			json_object_set_new(stations, note_verifier_name(v),
			    json_pack("{s:O, s:O}", "size", json_object_get(r,
			    "size"), "root", json_object_get(r, "root")));
		else
			bad = 1;
		if (!o->json)
			print_station(r);
		json_array_append_new(out, r);
		note_verifier_free(v);
	}
	return bad ? CLI_EXIT_NOT : CLI_EXIT_OK;
}

int
cli_audit_central(const struct config *cfg, int argc, char *argv[])
{
	struct cosig_verifier *w[MAX_WITNESSES] = { NULL };
	struct replica_audit_params ap;
	struct replica_creds *creds = NULL;
	struct s3_params sp;
	struct s3 *s3 = NULL;
	struct opts o;
	char errbuf[512], dir[PATH_MAX], *text;
	const char *tmp = getenv("TMPDIR");
	json_t *state = NULL, *out = NULL;
	size_t i, len;
	int ex = CLI_EXIT_USAGE, rc;

	if (parse(argc, argv, &o) != 0)
		return usage();
	if ((rc = replica_conf_params(cfg, &sp, &creds, errbuf,
	    sizeof(errbuf))) != 0) {
		warnx("%s", rc == CUSTOS_ERR_NOTFOUND ? "the config has no "
		    "[replica] endpoint to audit" : errbuf);
		return CLI_EXIT_USAGE;
	}
	for (i = 0; i < o.nwit; i++) {
		if ((text = key_text(o.wit[i], &len)) == NULL)
			goto out;
		rc = cosig_verifier_parse(text, len, &w[i]);
		free(text);
		if (rc != 0) {
			warnx("--witness %s: not a witness key (cosignature/v1)",
			    o.wit[i]);
			goto out;
		}
	}
	if ((state = load_state(o.state)) == NULL)
		goto out;
	snprintf(dir, sizeof(dir), "%s/custos-audit.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (s3_new(&sp, &s3) != 0 || mkdtemp(dir) == NULL) {
		warnx("cannot set up the audit");
		goto out;
	}
	memset(&ap, 0, sizeof(ap));
	ap.s3 = s3;
	ap.scratch = dir;
	ap.alg = cfg->digest_alg;
	ap.witnesses = (const struct cosig_verifier *const *)w;
	ap.nwitnesses = o.nwit;
	ap.quorum = o.quorum;
	ap.sample_permille = o.permille;
	ap.now_ms = (int64_t)time(NULL) * 1000;
	if ((out = json_array()) == NULL)
		errx(CLI_EXIT_USAGE, "out of memory");
	ex = audit_all(&o, &ap, state, out);
	(void)rmdir(dir);
	if (ex != CLI_EXIT_USAGE && o.state != NULL &&
	    save_state(o.state, state) != 0)
		ex = CLI_EXIT_USAGE;
	if (o.json && ex != CLI_EXIT_USAGE) {
		json_t *j = json_pack("{s:b, s:O}", "ok", ex == CLI_EXIT_OK,
		    "stations", out);

		if (j == NULL || json_dumpf(j, stdout, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER) != 0)
			ex = CLI_EXIT_USAGE;
		printf("\n");
		json_decref(j);
	}
out:
	for (i = 0; i < o.nwit; i++)
		cosig_verifier_free(w[i]);
	json_decref(state);
	json_decref(out);
	s3_free(s3);
	replica_creds_free(creds);
	return ex;
}
