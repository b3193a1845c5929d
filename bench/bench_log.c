/*
 * bench_log: durable append rate of the log against bare SQLite.
 *
 *	bench_log [-n entries] [-b batch] [-s single] [dir]
 *
 * Appends n (default 200000) JSON-like entries of about 200 bytes to a
 * fresh log in a temporary directory under dir (default $TMPDIR or /tmp),
 * batch (default 1000) per log_append() call, that is per transaction.
 * The baseline, in the same process and directory, inserts the same bytes
 * into a bare table with the same PRAGMAs (WAL, synchronous=FULL) and the
 * same batch size: the difference is the cost of leaf hashing, the tree
 * nodes and the append-only triggers.  Then both run again with one entry
 * per transaction for single (default 2000) entries, where fsync
 * dominates.  Each rate counts entries acknowledged durable.  Timings are
 * printed, never asserted.
 */
#include <sys/stat.h>

#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "custos/err.h"
#include "custos/log.h"

#include "bench.h"

#define ENTRY_MAX	256

/*
 * Writes entry i, about 200 bytes shaped like a segment.sealed entry, to
 * buf and returns its length.
 */
static size_t
make_entry(uint64_t i, char *buf)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ULL + 1;
	int n;

	n = snprintf(buf, ENTRY_MAX, "{\"type\":\"segment.sealed\","
	    "\"index\":%llu,\"time\":\"2024-05-01T08:%02llu:%02lluZ\","
	    "\"camera\":\"cam-%03llu\",\"object\":\"sha256:%016llx%016llx"
	    "%016llx%016llx\",\"size\":%llu}",
	    (unsigned long long)i, (unsigned long long)(i / 60 % 60),
	    (unsigned long long)(i % 60), (unsigned long long)(i % 97),
	    (unsigned long long)x, (unsigned long long)(x ^ 0x5555),
	    (unsigned long long)(x * 3), (unsigned long long)(x * 7),
	    (unsigned long long)(x % 1000000000));
	if (n < 0 || n >= ENTRY_MAX)
		errx(2, "entry too long");
	return (size_t)n;
}

struct entries {
	char		(*buf)[ENTRY_MAX];
	const void	**ptr;
	size_t		 *len;
	size_t		  n;
	size_t		  bytes;
};

static void
entries_make(struct entries *e, size_t n)
{
	size_t i;

	e->n = n;
	e->bytes = 0;
	if ((e->buf = calloc(n, sizeof(*e->buf))) == NULL ||
	    (e->ptr = calloc(n, sizeof(*e->ptr))) == NULL ||
	    (e->len = calloc(n, sizeof(*e->len))) == NULL)
		err(2, "calloc");
	for (i = 0; i < n; i++) {
		e->len[i] = make_entry(i, e->buf[i]);
		e->ptr[i] = e->buf[i];
		e->bytes += e->len[i];
	}
}

static void
entries_free(struct entries *e)
{
	free(e->buf);
	free(e->ptr);
	free(e->len);
}

/* Appends all entries to a new log, batch at a time; returns entries/s. */
static double
run_custos(const char *path, const struct entries *e, size_t batch)
{
	struct log *l;
	uint64_t first;
	size_t i, n;
	double t;
	int rc;

	if ((rc = log_open(path, DIGEST_SHA256, LOG_CREATE, &l)) != 0)
		errx(1, "log_open %s: %s", path, custos_strerror(rc));
	t = bench_now();
	for (i = 0; i < e->n; i += n) {
		n = e->n - i < batch ? e->n - i : batch;
		if ((rc = log_append(l, &e->ptr[i], &e->len[i], n, &first,
		    NULL)) != 0)
			errx(1, "log_append: %s", custos_strerror(rc));
		if (first != i)
			errx(1, "log_append: first %llu, want %zu",
			    (unsigned long long)first, i);
	}
	t = bench_now() - t;
	if (log_size(l) != e->n)
		errx(1, "log size %llu, want %zu",
		    (unsigned long long)log_size(l), e->n);
	log_close(l);
	return (double)e->n / t;
}

static void
sql(sqlite3 *db, const char *s)
{
	char *msg = NULL;

	if (sqlite3_exec(db, s, NULL, NULL, &msg) != SQLITE_OK)
		errx(1, "sqlite: %s: %s", s, msg ? msg : "?");
}

/* The baseline: the same bytes into a bare table, same durability. */
static double
run_sqlite(const char *path, const struct entries *e, size_t batch)
{
	sqlite3 *db;
	sqlite3_stmt *ins, *begin, *commit;
	size_t i, j, n;
	double t;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		errx(1, "sqlite3_open %s", path);
	sqlite3_busy_timeout(db, 5000);
	sql(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = OFF;"
	    "CREATE TABLE t (idx INTEGER PRIMARY KEY, data BLOB NOT NULL)");
	if (sqlite3_prepare_v2(db, "INSERT INTO t (idx, data) VALUES (?, ?)",
	    -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL) !=
	    SQLITE_OK ||
	    sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL) != SQLITE_OK)
		errx(1, "prepare: %s", sqlite3_errmsg(db));
	t = bench_now();
	for (i = 0; i < e->n; i += n) {
		n = e->n - i < batch ? e->n - i : batch;
		if (sqlite3_step(begin) != SQLITE_DONE)
			errx(1, "begin: %s", sqlite3_errmsg(db));
		sqlite3_reset(begin);
		for (j = i; j < i + n; j++) {
			sqlite3_bind_int64(ins, 1, (sqlite3_int64)j);
			sqlite3_bind_blob(ins, 2, e->ptr[j], (int)e->len[j],
			    SQLITE_STATIC);
			if (sqlite3_step(ins) != SQLITE_DONE)
				errx(1, "insert: %s", sqlite3_errmsg(db));
			sqlite3_reset(ins);
		}
		if (sqlite3_step(commit) != SQLITE_DONE)
			errx(1, "commit: %s", sqlite3_errmsg(db));
		sqlite3_reset(commit);
	}
	t = bench_now() - t;
	sqlite3_finalize(ins);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	sqlite3_close(db);
	return (double)e->n / t;
}

static void
compare(const char *dir, const char *tag, const struct entries *e,
    size_t batch)
{
	char a[4096], b[4096];
	double custos, base;

	snprintf(a, sizeof(a), "%s/custos-%s.db", dir, tag);
	snprintf(b, sizeof(b), "%s/sqlite-%s.db", dir, tag);
	custos = run_custos(a, e, batch);
	base = run_sqlite(b, e, batch);
	printf("bench_log: custos %.0f entries/s durable (batch %zu), "
	    "sqlite baseline %.0f/s, ratio %.2f\n", custos, batch, base,
	    custos / base);
	fflush(stdout);
}

static size_t
number(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	v = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v == 0 || v > SIZE_MAX / 2)
		errx(2, "%s: not a positive number: %s", what, s);
	return (size_t)v;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench_log [-n entries] [-b batch] "
	    "[-s single] [dir]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct entries e;
	const char *base, *tmpdir;
	size_t n = 200000, batch = 1000, single = 2000;
	int ch;

	while ((ch = getopt(argc, argv, "b:n:s:")) != -1) {
		switch (ch) {
		case 'b':
			batch = number(optarg, "-b");
			break;
		case 'n':
			n = number(optarg, "-n");
			break;
		case 's':
			single = number(optarg, "-s");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage();
	if (argc == 1)
		base = argv[0];
	else if ((base = getenv("TMPDIR")) == NULL || *base == '\0')
		base = "/tmp";
	tmpdir = bench_scratch(base, "bench_log");

	entries_make(&e, n);
	printf("bench_log: %zu entries, %.0f bytes average, in %s\n", e.n,
	    (double)e.bytes / (double)e.n, base);
	compare(tmpdir, "batch", &e, batch);
	entries_free(&e);

	entries_make(&e, single);
	compare(tmpdir, "single", &e, 1);
	entries_free(&e);
	if (fflush(stdout) != 0 || ferror(stdout))
		err(2, "stdout");
	return 0;
}
