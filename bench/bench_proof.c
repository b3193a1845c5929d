/*
 * bench_proof: proof generation time against tree size.
 *
 *	bench_proof [--sizes N,N,...] [--proofs P] [dir]
 *
 * Grows one log in a temporary directory under dir (default $TMPDIR or
 * /tmp) to each size in turn (default 1000000,10000000; the larger one
 * takes a few minutes to build), and at each size times P (default 10000)
 * inclusion proofs of random entries and P consistency proofs from random
 * older sizes, read from the SQLite file through log.h as the daemon
 * would.  Every hundredth proof is also verified (outside the timing).
 * The ratio between consecutive sizes shows the O(log n) growth: ten times
 * the entries should cost about log(10n)/log(n) times as much per proof,
 * not ten times.  Timings are printed, never asserted.
 */
#include <sys/stat.h>

#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "custos/err.h"
#include "custos/log.h"
#include "custos/merkle.h"

#include "bench.h"

#define MAX_SIZES	8
#define BUILD_BATCH	10000
#define ENTRY_MAX	128

/*
 * log2(x) for x >= 1, bit by bit, so the benchmark needs no libm (the
 * Makefile does not link it).
 */
static double
lg(double x)
{
	double y = 0, f = 1;
	int i;

	while (x >= 2) {
		x /= 2;
		y += 1;
	}
	for (i = 0; i < 40; i++) {
		x *= x;
		f /= 2;
		if (x >= 2) {
			x /= 2;
			y += f;
		}
	}
	return y;
}

/* xorshift64*: reproducible random indexes. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* Grows l to size entries of about 90 bytes each. */
static double
grow(struct log *l, uint64_t size)
{
	static char buf[BUILD_BATCH][ENTRY_MAX];
	const void *ptr[BUILD_BATCH];
	size_t len[BUILD_BATCH], i, n;
	uint64_t first, start = log_size(l);
	double t;
	int rc;

	t = bench_now();
	while (log_size(l) < size) {
		n = size - log_size(l) < BUILD_BATCH ?
		    (size_t)(size - log_size(l)) : BUILD_BATCH;
		for (i = 0; i < n; i++) {
			len[i] = (size_t)snprintf(buf[i], ENTRY_MAX,
			    "{\"type\":\"segment.sealed\",\"index\":%llu,"
			    "\"camera\":\"cam-%03llu\",\"size\":%llu}",
			    (unsigned long long)(log_size(l) + i),
			    (unsigned long long)((log_size(l) + i) % 97),
			    (unsigned long long)((log_size(l) + i) * 7919));
			ptr[i] = buf[i];
		}
		if ((rc = log_append(l, ptr, len, n, &first, NULL)) != 0)
			errx(1, "log_append: %s", custos_strerror(rc));
	}
	t = bench_now() - t;
	return t > 0 ? (double)(size - start) / t : 0;
}

struct result {
	uint64_t	 size;
	double		 incl_us;
	double		 cons_us;
	double		 incl_len;	/* average hashes per proof */
	double		 cons_len;
};

/*
 * Makes one proof against size, adding the time it took to *sum: the
 * inclusion of leaf a, or (consistent) the consistency from size a.
 */
static void
timed_proof(struct log *l, int consistent, uint64_t a, uint64_t size,
    uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN], size_t *n, double *sum)
{
	double t;
	int rc;

	t = bench_now();
	rc = consistent ? log_prove_consistency(l, a, size, proof, n) :
	    log_prove_inclusion(l, a, size, proof, n);
	*sum += bench_now() - t;
	if (rc != 0)
		errx(1, "%s %llu: %s", consistent ? "consistency" :
		    "inclusion", (unsigned long long)a, custos_strerror(rc));
}

static void
bench_size(struct log *l, size_t nproofs, uint64_t *seed, struct result *r)
{
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN];
	uint8_t root[DIGEST_LEN], oroot[DIGEST_LEN], leaf[DIGEST_LEN];
	uint64_t size = log_size(l), idx, old;
	double ti = 0, tc = 0, li = 0, lc = 0;
	size_t i, n;
	int rc;

	if ((rc = log_root(l, size, root)) != 0)
		errx(1, "log_root: %s", custos_strerror(rc));
	for (i = 0; i < nproofs; i++) {
		idx = rnd(seed) % size;
		timed_proof(l, 0, idx, size, proof, &n, &ti);
		li += (double)n;
		if (i % 100 == 0 && ((rc = log_leaf(l, idx, leaf)) != 0 ||
		    (rc = merkle_verify_inclusion(log_alg(l), idx, size, leaf,
		    (const uint8_t (*)[DIGEST_LEN])proof, n, root)) != 0))
			errx(1, "inclusion proof %llu does not verify: %s",
			    (unsigned long long)idx, custos_strerror(rc));

		old = 1 + rnd(seed) % size;
		timed_proof(l, 1, old, size, proof, &n, &tc);
		lc += (double)n;
		if (i % 100 == 0 && ((rc = log_root(l, old, oroot)) != 0 ||
		    (rc = merkle_verify_consistency(log_alg(l), old, size,
		    oroot, root, (const uint8_t (*)[DIGEST_LEN])proof,
		    n)) != 0))
			errx(1, "consistency proof %llu does not verify: %s",
			    (unsigned long long)old, custos_strerror(rc));
	}
	r->size = size;
	r->incl_us = ti / (double)nproofs * 1e6;
	r->cons_us = tc / (double)nproofs * 1e6;
	r->incl_len = li / (double)nproofs;
	r->cons_len = lc / (double)nproofs;
}

static uint64_t
number(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	v = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v == 0 || v > (1ULL << 40))
		errx(2, "%s: not a positive number: %s", what, s);
	return v;
}

static size_t
parse_sizes(char *s, uint64_t sizes[MAX_SIZES])
{
	char *tok;
	size_t n = 0;

	while ((tok = strsep(&s, ",")) != NULL) {
		if (n == MAX_SIZES)
			errx(2, "--sizes: at most %d sizes", MAX_SIZES);
		sizes[n] = number(tok, "--sizes");
		if (n > 0 && sizes[n] <= sizes[n - 1])
			errx(2, "--sizes: sizes must increase");
		n++;
	}
	return n;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench_proof [--sizes N,N,...] [--proofs P] "
	    "[dir]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	uint64_t sizes[MAX_SIZES] = { 1000000, 10000000 }, seed = 42;
	struct result res[MAX_SIZES];
	size_t nsizes = 2, nproofs = 10000, i;
	const char *base = NULL;
	char path[4096];
	struct log *l;
	double rate;
	int rc;

	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--sizes") == 0 && i + 1 < (size_t)argc)
			nsizes = parse_sizes(argv[++i], sizes);
		else if (strcmp(argv[i], "--proofs") == 0 &&
		    i + 1 < (size_t)argc)
			nproofs = (size_t)number(argv[++i], "--proofs");
		else if (argv[i][0] != '-' && base == NULL)
			base = argv[i];
		else
			usage();
	}
	snprintf(path, sizeof(path), "%s/log.db",
	    bench_scratch(base, "bench_proof"));
	if ((rc = log_open(path, DIGEST_SHA256, LOG_CREATE, &l)) != 0)
		errx(1, "log_open %s: %s", path, custos_strerror(rc));

	for (i = 0; i < nsizes; i++) {
		rate = grow(l, sizes[i]);
		bench_size(l, nproofs, &seed, &res[i]);
		printf("bench_proof: size %llu: inclusion %.1f us/proof "
		    "(%.1f hashes), consistency %.1f us/proof (%.1f hashes); "
		    "built at %.0f entries/s\n",
		    (unsigned long long)res[i].size, res[i].incl_us,
		    res[i].incl_len, res[i].cons_us, res[i].cons_len, rate);
		fflush(stdout);
	}
	for (i = 1; i < nsizes; i++)
		printf("bench_proof: size %llu vs %llu (%.0fx entries, log2 "
		    "ratio %.2f): inclusion ratio %.2f, consistency ratio "
		    "%.2f\n", (unsigned long long)res[i].size,
		    (unsigned long long)res[i - 1].size,
		    (double)res[i].size / (double)res[i - 1].size,
		    lg((double)res[i].size) / lg((double)res[i - 1].size),
		    res[i].incl_us / res[i - 1].incl_us,
		    res[i].cons_us / res[i - 1].cons_us);
	log_close(l);
	if (fflush(stdout) != 0 || ferror(stdout))
		err(2, "stdout");
	return 0;
}
