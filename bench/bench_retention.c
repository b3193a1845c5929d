/*
 * bench_retention: "custos retention plan" over a generated log.
 *
 *	bench_retention [-n entries] [-c custos] [dir]
 *
 * Writes a log of n (default 1000000) entries through lib/log, as a
 * station would hold them after years of work: cycles of an
 * inspection.registered, ten segment.sealed of ten cameras, six
 * evidence.linked, a document.sealed, an inspection.closed (one cycle in
 * twenty stays open) and a decision.served or a dock.session; one cycle
 * in a hundred places a hold, one in three hundred releases one and one
 * in fifty disposes of an unlinked object.  Then, in the same process
 * and on the same file:
 *
 *	baseline	SQLite reading every entry's bytes in index order
 *			and jansson parsing each (a plain scan: what any
 *			reader of the log must do)
 *	full plan	retention_load() and retention_plan(): every entry
 *			parsed, as without the retention view
 *	view		the retention view built from nothing (what custosd
 *			does once for a log older than the view)
 *	plan		retention_view_load() through the view and
 *			retention_plan(): the work of "custos retention
 *			plan" without its printing
 *	command		the custos binary, "retention plan --json" on a
 *			config whose state_dir holds the log (stdout to
 *			/dev/null), when it is found: -c, or ../custos
 *			beside this program
 *
 * and prints entries/s of each and the ratios against the baseline.
 * The target: the command under 10 s for 1,000,000 entries.
 * Timings are printed, never asserted.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <err.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "custos/config.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/retention.h"

#include "bench.h"

#define ENTRY_MAX	640
#define CYCLE		20
#define BATCH		10000

/* 2024-01-01T00:00:00Z, and one entry a minute from then. */
#define T0		1704067200LL

static void
stamp(uint64_t i, char buf[32])
{
	time_t t = (time_t)(T0 + (long long)i * 60);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

static void
hexobj(uint64_t k, char buf[72])
{
	uint64_t x = k * 0x9e3779b97f4a7c15ULL + 1;

	snprintf(buf, 72, "sha256:%016llx%016llx%016llx%016llx",
	    (unsigned long long)x, (unsigned long long)(x ^ 0x5555),
	    (unsigned long long)(x * 3), (unsigned long long)(x * 7));
}

/*
 * Entry i into buf: the head (type, index, time, station) and the fields
 * its type has in a real log.  Returns its length.
 */
static size_t
make_entry(uint64_t i, char *buf)
{
	uint64_t cyc = i / CYCLE, k = i % CYCLE, first = cyc * CYCLE;
	char t[32], obj[72], id[32], head[160];
	int n, open = cyc % 20 == 19;

	stamp(i, t);
	snprintf(id, sizeof(id), "INS-%08llu", (unsigned long long)cyc);
	snprintf(head, sizeof(head), "\"index\":%llu,\"time\":\"%s\","
	    "\"station\":\"bench.example/station\"", (unsigned long long)i, t);
	if (k == 0)
		n = snprintf(buf, ENTRY_MAX, "{\"type\":\"inspection."
		    "registered\",%s,\"inspection\":\"%s\",\"enterprise\":"
		    "\"91350100M%09lluY\",\"officers\":[\"PA-0001\","
		    "\"PA-0002\"],\"kind\":\"routine\",\"inspection_prev\":"
		    "null}", head, id, (unsigned long long)(cyc % 5000));
	else if (k <= 10) {
		hexobj(i, obj);
		n = snprintf(buf, ENTRY_MAX, "{\"type\":\"segment.sealed\","
		    "%s,\"camera\":\"CAM%04llu\",\"object\":\"%s\",\"size\":"
		    "%llu,\"name\":\"DCIM/100MEDIA/V%06llu.MP4\",\"media\":"
		    "{\"container\":\"mp4\",\"duration_ms\":600000,"
		    "\"start_ms\":%lld,\"video\":\"h264 1920x1080\"},"
		    "\"packet_root\":\"%s\",\"packets\":36000,"
		    "\"session\":%llu}", head, (unsigned long long)(k + cyc %
		    7 * 10), obj, (unsigned long long)(200000000 + i % 9999),
		    (unsigned long long)i, (T0 + (long long)i * 60) * 1000,
		    obj, (unsigned long long)first);
	} else if (k <= 16)
		n = snprintf(buf, ENTRY_MAX, "{\"type\":\"evidence.linked\","
		    "%s,\"inspection\":\"%s\",\"segment\":%llu,\"by\":"
		    "\"PA-0001\",\"inspection_prev\":%llu}", head, id,
		    (unsigned long long)(first + k - 10),
		    (unsigned long long)first);
	else if (k == 17) {
		hexobj(i, obj);
		n = snprintf(buf, ENTRY_MAX, "{\"type\":\"document.sealed\","
		    "%s,\"inspection\":\"%s\",\"object\":\"%s\",\"size\":"
		    "%llu,\"kind\":\"record\",\"inspection_prev\":%llu}", head,
		    id, obj, (unsigned long long)(40000 + i % 999),
		    (unsigned long long)first);
	} else if (k == 18 && !open)
		n = snprintf(buf, ENTRY_MAX, "{\"type\":\"inspection.closed\","
		    "%s,\"inspection\":\"%s\",\"inspection_prev\":%llu}", head,
		    id, (unsigned long long)first);
	else if (k == 19 && cyc % 100 == 42)
		n = snprintf(buf, ENTRY_MAX, "{\"type\":\"hold.placed\",%s,"
		    "\"scope\":\"inspection\",\"target\":\"%s\",\"reason\":"
		    "\"litigation\",\"reference\":\"(2025)闽01民初%llu号\","
		    "\"by\":\"admin\",\"uid\":0}", head, id,
		    (unsigned long long)cyc);
	else if (k == 19 && cyc % 300 == 142)
		n = snprintf(buf, ENTRY_MAX, "{\"type\":\"hold.released\","
		    "%s,\"hold\":%llu,\"reason\":\"judgment final\",\"by\":"
		    "\"admin\",\"uid\":0}", head,
		    (unsigned long long)((cyc - 100) * CYCLE + 19));
	else if (k == 19 && cyc % 50 == 7) {
		/* Segment 10 of the cycle is never linked. */
		hexobj(first + 10, obj);
		n = snprintf(buf, ENTRY_MAX, "{\"type\":\"object.deleted\","
		    "%s,\"object\":\"%s\",\"size\":%llu,\"class\":"
		    "\"unlinked\",\"rule\":\"unlinked = 6 months\",\"at\":"
		    "\"2026-01-01\",\"approver\":\"admin2\",\"by\":\"admin\","
		    "\"uid\":0}", head, obj,
		    (unsigned long long)(200000000 + (first + 10) % 9999));
	} else if (k == 19 && cyc % 2 == 0 && !open)
		n = snprintf(buf, ENTRY_MAX, "{\"type\":\"decision.served\","
		    "%s,\"inspection\":\"%s\",\"decision\":\"(2025)闽应急罚"
		    "%llu号\",\"inspection_prev\":%llu}", head, id,
		    (unsigned long long)cyc, (unsigned long long)first);
	else
		n = snprintf(buf, ENTRY_MAX, "{\"type\":\"dock.session\",%s,"
		    "\"camera\":\"CAM%04llu\",\"files\":10,\"bytes\":"
		    "2000000000,\"clock_drift_ms\":-420}", head,
		    (unsigned long long)(cyc % 70));
	if (n < 0 || n >= ENTRY_MAX)
		errx(2, "entry %llu too long", (unsigned long long)i);
	return (size_t)n;
}

/* Writes the n entries to a new log at path; returns the seconds. */
static double
write_log(const char *path, size_t n, size_t *bytes)
{
	char (*buf)[ENTRY_MAX];
	const void *ptr[BATCH];
	size_t len[BATCH], i, j, m;
	struct log *l;
	uint64_t first;
	double t;
	int rc;

	if ((buf = calloc(BATCH, sizeof(*buf))) == NULL)
		err(2, "calloc");
	if ((rc = log_open(path, DIGEST_SHA256, LOG_CREATE, &l)) != 0)
		errx(1, "log_open %s: %s", path, custos_strerror(rc));
	*bytes = 0;
	t = bench_now();
	for (i = 0; i < n; i += m) {
		m = n - i < BATCH ? n - i : BATCH;
		for (j = 0; j < m; j++) {
			len[j] = make_entry(i + j, buf[j]);
			ptr[j] = buf[j];
			*bytes += len[j];
		}
		if ((rc = log_append(l, ptr, len, m, &first, NULL)) != 0)
			errx(1, "log_append: %s", custos_strerror(rc));
	}
	t = bench_now() - t;
	log_close(l);
	free(buf);
	return t;
}

/* The baseline: every entry read by SQLite and parsed by jansson. */
static double
run_scan(const char *path, size_t n)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	size_t seen = 0;
	json_t *e;
	double t;

	t = bench_now();
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(db, "SELECT data FROM entries "
	    "ORDER BY idx", -1, &st, NULL) != SQLITE_OK)
		errx(1, "sqlite %s: %s", path, sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		e = json_loadb(sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0), 0, NULL);
		if (e == NULL)
			errx(1, "entry %zu is not JSON", seen);
		json_decref(e);
		seen++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	t = bench_now() - t;
	if (seen != n)
		errx(1, "scan read %zu entries, want %zu", seen, n);
	return t;
}

/*
 * The retention view built from nothing, as custosd does once on its first
 * start with a log written before the view existed (afterwards it applies
 * each entry as it is appended).
 */
static double
run_sync(const char *path)
{
	struct retention_view *v;
	struct log *l;
	double t;
	int rc;

	if ((rc = log_open(path, DIGEST_SHA256, 0, &l)) != 0)
		errx(1, "log_open %s: %s", path, custos_strerror(rc));
	t = bench_now();
	if ((rc = retention_view_open(path, 0, &v)) != 0 ||
	    (rc = retention_view_sync(v, l)) != 0)
		errx(1, "retention view: %s", custos_strerror(rc));
	t = bench_now() - t;
	retention_view_close(v);
	log_close(l);
	return t;
}

/*
 * The state loaded and planned at 2030-01-01: through the retention view
 * (read-only, as "custos retention plan" reads it) when viewed, else by
 * parsing every entry.
 */
static double
run_plan(const char *path, const struct config *cfg, int viewed,
    size_t *disposable, size_t *objects)
{
	const struct retention_item *items;
	struct retention_view *v = NULL;
	struct retention *r;
	struct log *l;
	uint64_t bad;
	int64_t day;
	size_t i, n;
	double t;
	int rc;

	if (retention_day_parse("2030-01-01", &day) != 0)
		errx(2, "day");
	t = bench_now();
	if ((rc = log_open(path, DIGEST_SHA256, LOG_RDONLY, &l)) != 0)
		errx(1, "log_open %s: %s", path, custos_strerror(rc));
	if (viewed && (rc = retention_view_open(path, 1, &v)) != 0)
		errx(1, "retention view: %s", custos_strerror(rc));
	if ((rc = retention_view_load(v, l, &r, &bad)) != 0)
		errx(1, "retention load: entry %llu: %s",
		    (unsigned long long)bad, custos_strerror(rc));
	if ((rc = retention_plan(r, cfg, day, &items, &n)) != 0)
		errx(1, "retention_plan: %s", custos_strerror(rc));
	t = bench_now() - t;
	*objects = n;
	for (*disposable = i = 0; i < n; i++)
		*disposable += items[i].state == RETENTION_DISPOSABLE;
	retention_free(r);
	retention_view_close(v);
	log_close(l);
	return t;
}

/* "custos -c conf retention plan --at 2030-01-01 --json" >/dev/null. */
static double
run_command(const char *custos, const char *conf)
{
	char cmd[3 * PATH_MAX];
	double t;
	int st;

	snprintf(cmd, sizeof(cmd), "'%s' -c '%s' retention plan --at "
	    "2030-01-01 --json >/dev/null", custos, conf);
	t = bench_now();
	st = system(cmd);
	t = bench_now() - t;
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		errx(1, "%s: failed (status %d)", cmd, st);
	return t;
}

static const char conf_text[] =
    "[station]\nname = bench.example/station\nstate_dir = state\n"
    "calendar_dir = none\n[control]\nsocket = control.sock\n"
    "[retention]\nno_penalty = 2 years\ndocuments = 3 years\n";

static size_t
number(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	v = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < CYCLE || v > SIZE_MAX / 2)
		errx(2, "%s: not a number of entries >= %d: %s", what, CYCLE,
		    s);
	return (size_t)v;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench_retention [-n entries] [-c custos] "
	    "[dir]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	char conf[PATH_MAX], db[PATH_MAX], self[PATH_MAX], errbuf[256];
	const char *dir, *custos = NULL;
	struct config *cfg;
	size_t n = 1000000, bytes, disp, objs;
	double tw, ts, tv, tp, tf, tc;
	FILE *f;
	int ch, rc;

	while ((ch = getopt(argc, argv, "c:n:")) != -1) {
		switch (ch) {
		case 'c':
			custos = optarg;
			break;
		case 'n':
			n = number(optarg, "-n");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage();
	dir = bench_scratch(argc == 1 ? argv[0] : NULL, "bench_retention");
	if (custos == NULL) {
		if (realpath("/proc/self/exe", self) != NULL) {
			snprintf(db, sizeof(db), "%s/../custos",
			    dirname(self));
			if (access(db, X_OK) == 0)
				custos = strdup(db);
		}
	}
	snprintf(conf, sizeof(conf), "%s/custos.conf", dir);
	snprintf(db, sizeof(db), "%s/state", dir);
	if (mkdir(db, 0700) != 0)
		err(2, "mkdir %s", db);
	snprintf(db, sizeof(db), "%s/state/log.db", dir);
	if ((f = fopen(conf, "w")) == NULL || fputs(conf_text, f) == EOF ||
	    fclose(f) != 0)
		err(2, "%s", conf);
	if ((rc = config_load(conf, &cfg, errbuf, sizeof(errbuf))) != 0)
		errx(2, "%s", errbuf);

	tw = write_log(db, n, &bytes);
	printf("bench_retention: %zu entries, %.0f bytes average, written "
	    "in %.1f s\n", n, (double)bytes / (double)n, tw);
	fflush(stdout);
	ts = run_scan(db, n);
	printf("bench_retention: baseline sqlite+json scan %.2f s (%.0f "
	    "entries/s)\n", ts, (double)n / ts);
	tf = run_plan(db, cfg, 0, &disp, &objs);
	printf("bench_retention: plan parsing every entry %.2f s, ratio %.2f "
	    "to the baseline\n", tf, tf / ts);
	fflush(stdout);
	tv = run_sync(db);
	printf("bench_retention: retention view built from scratch %.2f s, "
	    "ratio %.2f (once; custosd then applies each entry as it "
	    "appends it)\n", tv, tv / ts);
	tp = run_plan(db, cfg, 1, &disp, &objs);
	printf("bench_retention: plan through the view %.2f s (%.0f "
	    "entries/s; %zu objects, %zu disposable), ratio %.2f to the "
	    "baseline\n", tp, (double)n / tp, objs, disp, tp / ts);
	fflush(stdout);
	if (custos != NULL) {
		tc = run_command(custos, conf);
		printf("bench_retention: \"custos retention plan --json\" "
		    "%.2f s (%.0f entries/s), ratio %.2f to the baseline "
		    "(target: under 10 s for 1000000)\n", tc, (double)n / tc,
		    tc / ts);
	} else
		printf("bench_retention: no custos binary (-c): the command "
		    "not timed\n");
	config_free(cfg);
	if (fflush(stdout) != 0 || ferror(stdout))
		err(2, "stdout");
	return 0;
}
