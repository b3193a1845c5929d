/*
 * custos: the station operator's command-line tool.
 *
 *	custos keygen NAME -o PREFIX [--profile default|sm]
 *	custos witness keygen NAME -o PREFIX
 *	custos witness serve --listen HOST:PORT --key SKEYFILE --db FILE
 *	    --log VKEYFILE [--log VKEYFILE]...
 *	custos [-c CONF] status [--json]
 *	custos [-c CONF] log VERB ...
 *	custos [-c CONF] officer add|show|list ...
 *	custos [-c CONF] enterprise add|risk|show|list ...
 *	custos [-c CONF] camera add|assign|explain ...
 *	custos [-c CONF] ledger [--from DATE] [--to DATE] [--format csv|json]
 *	custos [-c CONF] inspection register|emergency|enter|leave|backfill|
 *	    link|unlink|gap|close|review|decision|credit-repair|feedback|
 *	    document|show|list ...
 *	custos [-c CONF] export INSPECTION -o DIR|FILE.tar --purpose TEXT
 *	    [--allow-untimestamped] [--wait SECONDS] [--json]
 *	custos [-c CONF] export [INSPECTION] --clip SEGMENT --from T --to T
 *	    -o DIR|FILE.tar --purpose TEXT [--json]
 *	custos [-c CONF] replay INSPECTION [--json] [--play FILE]
 *	custos [-c CONF] audit [--json] [--no-objects]
 *	custos [-c CONF] audit --replica --key VKEY... [--witness VKEY]...
 *	    [--quorum K] [--sample RATE] [--state FILE] [--json]
 *	custos [-c CONF] calendar reload [--json]
 *	custos [-c CONF] hold add|release|list ...
 *	custos [-c CONF] retention plan|dispose ...
 *	custos [-c CONF] segment get INDEX -o FILE --purpose TEXT [--json]
 *	custos [-c CONF] replica check [--json]
 *	custos [-c CONF] restore --from-replica --key SKEYFILE [--json]
 *	custos [VERB ...] --help | --version
 *
 * "--help" prints the usage (of the verb, if one is given) on stdout and
 * exits 0 without reading the configuration.
 *
 * Exit status: 0 done, 1 failed or not verified, 2 usage error.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "custos/clip.h"
#include "custos/config.h"
#include "custos/err.h"
#include "custos/note_sign.h"
#include "custos/util.h"
#include "custos/version.h"
#include "cli_audit.h"
#include "cli_clip.h"
#include "cli_hold.h"
#include "cli_inspect.h"
#include "cli_keys.h"
#include "cli_ledger.h"
#include "cli_log.h"
#include "cli_registry.h"
#include "cli_replay.h"
#include "cli_replica.h"
#include "cli_restore.h"
#include "cli_retention.h"
#include "cli_segment.h"
#include "cli_witness.h"
#include "tools/cli_util.h"

#define DEFAULT_CONF	"/etc/custos/custos.conf"

static void
print_usage(FILE *f)
{
	fprintf(f,
	    "usage: custos keygen NAME -o PREFIX [--profile default|sm]\n"
	    "       custos witness keygen NAME -o PREFIX\n"
	    "       custos witness serve --listen HOST:PORT --key SKEYFILE "
	    "--db FILE --log VKEYFILE...\n"
	    "       custos [-c CONF] status [--json]\n"
	    "       custos [-c CONF] log checkpoint|entry|proof|consistency|"
	    "verify|receipt|\n"
	    "                        timestamp|publish ...\n"
	    "       custos [-c CONF] officer add ID --name NAME --unit UNIT "
	    "--credential NO --valid-until DATE\n"
	    "       custos [-c CONF] officer show ID [--json] | officer list "
	    "[--json]\n"
	    "       custos [-c CONF] enterprise add USCC --name NAME "
	    "[--address A] [--industry X]\n"
	    "                        [--risk red|yellow|blue|green]\n"
	    "       custos [-c CONF] enterprise risk USCC COLOUR\n"
	    "       custos [-c CONF] enterprise show USCC [--json] | "
	    "enterprise list [--json]\n"
	    "       custos [-c CONF] camera add|assign|explain SERIAL ...\n"
	    "       custos [-c CONF] inspection register|emergency|enter|leave|"
	    "backfill|link|unlink|\n"
	    "                        gap|close|review|decision|credit-repair|"
	    "feedback|document|\n"
	    "                        show|list ...\n"
	    "       custos [-c CONF] ledger [--from DATE] [--to DATE] "
	    "[--format csv|json]\n"
	    "       custos [-c CONF] export INSPECTION -o DIR|FILE.tar "
	    "--purpose TEXT\n"
	    "                        [--allow-untimestamped] [--wait SECONDS] "
	    "[--json]\n"
	    "       custos [-c CONF] export [INSPECTION] --clip SEGMENT "
	    "--from T --to T\n"
	    "                        -o DIR|FILE.tar --purpose TEXT [--json]\n"
	    "       custos [-c CONF] replay INSPECTION [--json] "
	    "[--play FILE.ffconcat|FILE.m3u]\n"
	    "       custos [-c CONF] audit [--json] [--no-objects]\n"
	    "       custos [-c CONF] audit --replica --key VKEY... "
	    "[--witness VKEY]... ...\n"
	    "       custos [-c CONF] calendar reload [--json]\n"
	    "       custos [-c CONF] hold add|release|list ...\n"
	    "       custos [-c CONF] retention plan|dispose ...\n"
	    "       custos [-c CONF] segment get INDEX -o FILE --purpose TEXT "
	    "[--json]\n"
	    "       custos [-c CONF] replica check [--json]\n"
	    "       custos [-c CONF] restore --from-replica --key SKEYFILE "
	    "[--json]\n"
	    "       custos [VERB ...] --help | --version\n"
	    "CONF defaults to $CUSTOS_CONF, then " DEFAULT_CONF ".\n");
}

static int
usage(void)
{
	print_usage(stderr);
	return 2;
}

static void
keygen_usage(FILE *f)
{
	fprintf(f, "usage: custos keygen NAME -o PREFIX "
	    "[--profile default|sm]\n");
}

static void
status_usage(FILE *f)
{
	fprintf(f, "usage: custos [-c CONF] status [--json]\n");
}

static int
cmd_keygen(int argc, char *argv[])
{
	struct note_signer *s = NULL;
	struct note_verifier *v = NULL;
	const char *name = NULL, *prefix = NULL;
	enum profile profile = PROFILE_DEFAULT;
	char *skey = NULL, *vkey = NULL;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			prefix = argv[++i];
		else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
			if (profile_parse(argv[++i], &profile) != 0)
				return usage();
		} else if (argv[i][0] != '-' && name == NULL)
			name = argv[i];
		else
			return usage();
	}
	if (name == NULL || prefix == NULL)
		return usage();
	if ((rc = note_signer_generate(name, profile_sign(profile), &s)) != 0) {
		warnx("keygen %s: %s", name, rc == CUSTOS_ERR_INVALID ?
		    "not a valid key name (no '+' or spaces)" :
		    custos_strerror(rc));
		return rc == CUSTOS_ERR_INVALID ? 2 : 1;
	}
	if (note_signer_format(s, &skey) != 0 ||
	    note_signer_verifier(s, &v) != 0 ||
	    note_verifier_format(v, &vkey) != 0) {
		warnx("keygen: out of memory");
		rc = 1;
	} else if ((rc = cli_keys_write(prefix, skey, vkey)) == 0)
		printf("%s\n", vkey);
	if (skey != NULL)
		OPENSSL_cleanse(skey, strlen(skey));
	free(skey);
	free(vkey);
	note_verifier_free(v);
	note_signer_free(s);
	return rc;
}

/* Bytes for people: "1.5 GiB". */
static void
human(unsigned long long n, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u < sizeof(units) / sizeof(units[0]) - 1) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", n);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
}

static unsigned long long
juint(json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));

	return v < 0 ? 0 : (unsigned long long)v;
}

/* A camera's holes in its file numbering (docs/dock.md), a line each. */
static void
print_gaps(json_t *gaps)
{
	char series[256], after[256], before[256];
	json_t *g;
	size_t i;

	json_array_foreach(gaps, i, g) {
		cli_safe_name(json_string_value(json_object_get(g, "series")) ?
		    json_string_value(json_object_get(g, "series")) : "?",
		    series, sizeof(series));
		cli_safe_name(json_string_value(json_object_get(g, "after")) ?
		    json_string_value(json_object_get(g, "after")) : "?",
		    after, sizeof(after));
		cli_safe_name(json_string_value(json_object_get(g, "before")) ?
		    json_string_value(json_object_get(g, "before")) : "?",
		    before, sizeof(before));
		printf("    numbering gap: %s %llu..%llu missing between %s "
		    "and %s\n", series, juint(g, "missing_from"),
		    juint(g, "missing_to"), after, before);
	}
}

/*
 * One line per docked camera.  On a terminal the files done are also
 * drawn as a bar; a pipe gets the same fields without it, so scripts that
 * grep the human output see stable text (they should use --json).
 */
static void
print_dock(json_t *dock)
{
	json_t *cams = json_object_get(dock, "cameras"), *c;
	char done[32], total[32], rate[32], bar[32];
	unsigned long long fd, ft;
	size_t i, k, n = json_array_size(cams);
	int tty = isatty(STDOUT_FILENO);

	printf("dock:        %zu camera%s docked%s", n, n == 1 ? "" : "s",
	    json_is_true(json_object_get(dock, "store_full")) ?
	    ", STORE FULL (disk full): ingest paused until space returns" : "");
	if (json_is_true(json_object_get(dock, "ingest_paused")) &&
	    !json_is_true(json_object_get(dock, "store_full")))
		printf(", INGEST PAUSED (%s): files stay on the cameras",
		    json_is_string(json_object_get(dock, "paused_reason")) ?
		    json_string_value(json_object_get(dock, "paused_reason")) :
		    "?");
	printf("\n");
	json_array_foreach(cams, i, c) {
		const char *name = json_string_value(json_object_get(c,
		    "camera"));
		const char *state = json_string_value(json_object_get(c,
		    "state"));

		fd = juint(c, "files_done");
		ft = juint(c, "files_total");
		human(juint(c, "bytes_done"), done, sizeof(done));
		human(juint(c, "bytes_total"), total, sizeof(total));
		human(juint(c, "rate_bps"), rate, sizeof(rate));
		printf("  %-16s %-20s ", name ? name : "?", state ? state : "?");
		if (tty) {
			size_t fill = ft == 0 ? 20 : (size_t)(fd * 20 / ft);

			for (k = 0; k < 20; k++)
				bar[k] = k < fill ? '#' : '.';
			bar[20] = '\0';
			printf("[%s] %3llu%% ", bar, ft == 0 ? 100 :
			    fd * 100 / ft);
		}
		printf("%llu/%llu files  %s of %s  %s/s  errors %llu  "
		    "refused %llu\n", fd, ft, done, total, rate,
		    juint(c, "errors"), juint(c, "refused"));
		print_gaps(json_object_get(c, "numbering_gaps"));
	}
}

/* RFC 3161 timestamps of checkpoints: one line, the lag when failing. */
static void
print_tsa(json_t *t)
{
	const char *state = json_string_value(json_object_get(t, "state"));
	json_t *retry = json_object_get(t, "next_retry_s");

	if (state == NULL || strcmp(state, "off") == 0) {
		printf("timestamps:  off (no [tsa] in the config)\n");
		return;
	}
	printf("timestamps:  %s, tree size %llu timestamped, lag %llu "
	    "entries, %llus", strcmp(state, "ok") == 0 ? "ok" : "FAILING",
	    juint(t, "timestamped_size"), juint(t, "lag_entries"),
	    juint(t, "lag_seconds"));
	if (json_is_string(json_object_get(t, "last_error")))
		printf("; %s", json_string_value(json_object_get(t,
		    "last_error")));
	if (json_is_integer(retry))
		printf("; retry in %llus", juint(t, "next_retry_s"));
	printf("\n");
}

/* One line per witness: the last size it cosigned, when, and trouble. */
static void
print_witnesses(json_t *a)
{
	const char *state, *when;
	json_t *w;
	size_t i;

	json_array_foreach(a, i, w) {
		state = json_string_value(json_object_get(w, "state"));
		when = json_string_value(json_object_get(w, "cosigned_time"));
		printf("witness:     %s %s, tree size %llu cosigned%s%s",
		    json_string_value(json_object_get(w, "name")),
		    state == NULL ? "?" : strcmp(state, "ok") == 0 ? "ok" :
		    strcmp(state, "conflict") == 0 ? "CONFLICT" : "FAILING",
		    juint(w, "cosigned_size"), when != NULL ? " at " : "",
		    when != NULL ? when : "");
		if (json_is_string(json_object_get(w, "last_error")))
			printf("; %s", json_string_value(json_object_get(w,
			    "last_error")));
		if (json_is_integer(json_object_get(w, "next_retry_s")))
			printf("; retry in %llus", juint(w, "next_retry_s"));
		printf("\n");
	}
}

/*
 * The replica line: the uploader's state, what is behind (objects, bytes,
 * the oldest one's age), what is confirmed, and the last error.
 */
static void
print_replica(json_t *r)
{
	const char *state = json_string_value(json_object_get(r, "state"));

	if (state == NULL || strcmp(state, "off") == 0) {
		printf("replica:     off (no [replica] in the config)\n");
		return;
	}
	printf("replica:     %s, %llu object%s behind (%llu bytes, oldest "
	    "%llus), %llu confirmed off-station; %s bucket %s",
	    strcmp(state, "ok") == 0 ? "ok" : strcmp(state, "failing") == 0 ?
	    "FAILING" : "CONFIGURATION ERROR", juint(r, "behind"),
	    juint(r, "behind") == 1 ? "" : "s", juint(r, "behind_bytes"),
	    juint(r, "oldest_s"), juint(r, "confirmed"),
	    json_string_value(json_object_get(r, "endpoint")),
	    json_string_value(json_object_get(r, "bucket")));
	if (juint(r, "lost") > 0)
		printf("; %llu disposed of before confirmation",
		    juint(r, "lost"));
	if (json_is_string(json_object_get(r, "last_error")))
		printf("; last error: %s", json_string_value(
		    json_object_get(r, "last_error")));
	if (json_is_integer(json_object_get(r, "next_retry_s")))
		printf("; retry in %llus", juint(r, "next_retry_s"));
	printf("\n");
}

/* One line per live source: its state, session and what it sealed. */
static void
print_live(json_t *live)
{
	json_t *l;
	size_t i;

	json_array_foreach(live, i, l) {
		const char *last = json_string_value(json_object_get(l,
		    "last_segment_at"));
		const char *session = json_string_value(json_object_get(l,
		    "session"));

		printf("live:        %s camera %s %s, session %s, %llu "
		    "segment%s sealed (last %s), %llu gap%s\n",
		    json_string_value(json_object_get(l, "name")),
		    json_string_value(json_object_get(l, "camera")),
		    json_string_value(json_object_get(l, "state")),
		    session ? session : "none", juint(l, "segments"),
		    juint(l, "segments") == 1 ? "" : "s", last ? last : "never",
		    juint(l, "gaps"), juint(l, "gaps") == 1 ? "" : "s");
	}
}

/* The HTTPS upload listener: one line. */
static void
print_upload(json_t *u)
{
	char bytes[32];

	human(juint(u, "bytes"), bytes, sizeof(bytes));
	printf("upload:      %s, %llu connection%s, %llu sealing, %llu "
	    "partial, %s received, %llu sealed, %llu refused\n",
	    json_string_value(json_object_get(u, "listen")),
	    juint(u, "connections"), juint(u, "connections") == 1 ? "" : "s",
	    juint(u, "in_flight"), juint(u, "partial"), bytes,
	    juint(u, "sealed"), juint(u, "refused"));
}

/*
 * The working-day calendar: the years it covers and where from, and the
 * daemon's warning when it runs out (next year's file not added yet).
 */
static void
print_calendar(json_t *c)
{
	const char *state = json_string_value(json_object_get(c, "state"));

	if (state != NULL && strcmp(state, "none") == 0)
		printf("calendar:    none (calendar_dir = none): deadlines are "
		    "not computed\n");
	else
		printf("calendar:    %s (from %s)\n",
		    json_string_value(json_object_get(c, "covered")),
		    json_string_value(json_object_get(c, "dir")));
	if (json_is_string(json_object_get(c, "warning")))
		printf("calendar:    WARNING: %s\n", json_string_value(
		    json_object_get(c, "warning")));
}

static int
cmd_status(const struct config *cfg, int argc, char *argv[])
{
	json_t *j, *ins, *a, *v;
	size_t k;
	int json = 0;

	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		json = 1;
	else if (argc != 1)
		return usage();
	if ((j = cli_registry_call(cfg, "/v1/status", NULL)) == NULL)
		return 1;
	if (json) {
		cli_registry_print_json(j);
		json_decref(j);
		return 0;
	}
	printf("station:     %s\nversion:     %s\nprofile:     %s\n"
	    "pid:         %lld\nuptime:      %llds\ntree size:   %lld\n"
	    "checkpoint:  %lld\nkey:         %s\n",
	    json_string_value(json_object_get(j, "station")),
	    json_string_value(json_object_get(j, "version")),
	    json_string_value(json_object_get(j, "profile")),
	    (long long)json_integer_value(json_object_get(j, "pid")),
	    (long long)json_integer_value(json_object_get(j, "uptime_s")),
	    (long long)json_integer_value(json_object_get(j, "tree_size")),
	    (long long)json_integer_value(json_object_get(j,
	    "checkpoint_size")),
	    json_string_value(json_object_get(j, "key")));
	/* The daemon's own line for the disk (daemon/disk.c) after its
	 * "disk: " prefix: room, state, camera-hours at the recent rate. */
	if (json_is_string(json_object_get(json_object_get(j, "disk"),
	    "text"))) {
		const char *t = json_string_value(json_object_get(
		    json_object_get(j, "disk"), "text"));

		printf("disk:        %s\n", strncmp(t, "disk: ", 6) == 0 ?
		    t + 6 : t);
	}
	if (json_is_object(json_object_get(j, "dock")))
		print_dock(json_object_get(j, "dock"));
	if (json_is_array(json_object_get(j, "live")))
		print_live(json_object_get(j, "live"));
	if (json_is_object(json_object_get(j, "upload")))
		print_upload(json_object_get(j, "upload"));
	if (json_is_object(json_object_get(j, "tsa")))
		print_tsa(json_object_get(j, "tsa"));
	if (json_is_object(json_object_get(j, "replica")))
		print_replica(json_object_get(j, "replica"));
	if (json_is_array(json_object_get(j, "witnesses")))
		print_witnesses(json_object_get(j, "witnesses"));
	if (json_is_object(json_object_get(j, "calendar")))
		print_calendar(json_object_get(j, "calendar"));
	if (json_is_object((ins = json_object_get(j, "inspections")))) {
		/* Procedure findings an operator must act on, one line each. */
		a = json_object_get(ins, "overdue");
		printf("inspections: %lld open, %zu overdue back-fill%s",
		    (long long)json_integer_value(json_object_get(ins, "open")),
		    json_array_size(a), json_array_size(a) == 1 ? "" : "s");
		json_array_foreach(a, k, v)
			printf("%s%s", k == 0 ? " (" : ", ", json_string_value(
			    json_object_get(v, "inspection")));
		printf("%s\n", json_array_size(a) > 0 ? ")" : "");
		a = json_object_get(ins, "red_not_inspected");
		printf("red-code enterprises not inspected: %zu",
		    json_array_size(a));
		json_array_foreach(a, k, v) {
			printf("%s%s ", k == 0 ? " (" : "; ", json_string_value(
			    json_object_get(v, "enterprise")));
			if (json_is_string(json_object_get(v, "deadline")))
				printf("due %s", json_string_value(
				    json_object_get(v, "deadline")));
			else
				printf("deadline unknown: %s",
				    json_string_value(json_object_get(v,
				    "deadline_unknown")));
			if (json_is_true(json_object_get(v, "overdue")))
				printf(", overdue");
		}
		printf("%s\n", json_array_size(a) > 0 ? ")" : "");
	}
	json_decref(j);
	return 0;
}

static void
calendar_usage(FILE *f)
{
	fprintf(f, "usage: custos [-c CONF] calendar reload [--json]\n");
}

/*
 * custos calendar reload: custosd loads its calendar directory again (a
 * new year's file added) and answers with the calendar's new status.
 */
static int
cmd_calendar(const struct config *cfg, int argc, char *argv[])
{
	json_t *body, *j;
	int json = 0;

	if (argc == 3 && strcmp(argv[2], "--json") == 0)
		json = 1;
	else if (argc != 2) {
		calendar_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "reload") != 0) {
		calendar_usage(stderr);
		return 2;
	}
	if ((body = json_object()) == NULL)
		errx(1, "out of memory");
	j = cli_registry_call(cfg, "/v1/calendar/reload", body);
	json_decref(body);
	if (j == NULL)
		return 1;
	if (json)
		cli_registry_print_json(j);
	else
		print_calendar(json_object_get(j, "calendar"));
	json_decref(j);
	return 0;
}

/*
 * The verbs.  All but keygen and witness read the configuration; each
 * one's usage is printed on stdout by "custos VERB ... --help", which
 * needs none.
 */
static const struct verb {
	const char	*name;
	int		(*run)(const struct config *, int, char *[]);
	void		(*usage)(FILE *);
} verbs[] = {
	{ "keygen", NULL, keygen_usage },
	{ "witness", NULL, cli_witness_usage },
	{ "status", cmd_status, status_usage },
	{ "log", cli_log, cli_log_usage },
	{ "officer", cli_registry, cli_registry_usage },
	{ "enterprise", cli_registry, cli_registry_usage },
	{ "camera", cli_inspect, cli_inspect_usage },
	{ "inspection", cli_inspect, cli_inspect_usage },
	{ "ledger", cli_ledger, cli_inspect_usage },
	{ "export", cli_clip_export, cli_clip_usage },
	{ "replay", cli_replay, cli_replay_usage },
	{ "audit", cli_audit, cli_audit_usage },
	{ "calendar", cmd_calendar, calendar_usage },
	{ "hold", cli_hold, cli_hold_usage },
	{ "retention", cli_retention, cli_retention_usage },
	{ "segment", cli_segment, cli_segment_usage },
	{ "replica", cli_replica, cli_replica_usage },
	{ "restore", cli_restore, cli_restore_usage },
};

static const struct verb *
find_verb(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verbs[i].name, name) == 0)
			return &verbs[i];
	return NULL;
}

/* "--help" anywhere among the verb's arguments, before a "--". */
static int
wants_help(int argc, char *argv[])
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0)
			return 1;
	return 0;
}

static int
with_config(const struct verb *v, const char *conf, int argc, char *argv[])
{
	struct config *cfg;
	char errbuf[512];
	int rc;

	if (conf == NULL && (conf = getenv("CUSTOS_CONF")) == NULL)
		conf = DEFAULT_CONF;
	if (config_load(conf, &cfg, errbuf, sizeof(errbuf)) != 0) {
		warnx("%s", errbuf);
		return 2;
	}
	rc = v->run(cfg, argc, argv);
	config_free(cfg);
	return rc;
}

int
main(int argc, char *argv[])
{
	const struct verb *v;
	const char *conf = NULL;
	int rc;

	/* The clip child (lib/media/clip.c), never a user's. */
	if (argc >= 2 && strcmp(argv[1], CLIP_CHILD) == 0)
		clip_child_main(argc, argv);
	argc--;
	argv++;
	if (argc >= 2 && strcmp(argv[0], "-c") == 0) {
		conf = argv[1];
		argc -= 2;
		argv += 2;
	}
	if (argc < 1)
		cli_exit(usage());
	if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
		print_usage(stdout);
		cli_exit(0);
	}
	if (strcmp(argv[0], "--version") == 0)
		cli_exit(printf("custos %s\n", CUSTOS_VERSION) < 0);
	if ((v = find_verb(argv[0])) == NULL)
		cli_exit(usage());
	if (wants_help(argc, argv)) {
		v->usage(stdout);
		cli_exit(0);
	}
	if (v->run == NULL)	/* keygen, witness: no station, no config */
		rc = conf != NULL ? usage() : v->usage == cli_witness_usage ?
		    cli_witness(argc, argv) : cmd_keygen(argc, argv);
	else
		rc = with_config(v, conf, argc, argv);
	cli_exit(rc);
}
