/*
 * bench: what the C benchmarks share, a monotonic clock and a scratch
 * directory removed at exit.  The functions are static inline so that
 * each benchmark stays one source file, as the Makefile builds them.
 */
#ifndef CUSTOS_BENCH_H
#define CUSTOS_BENCH_H

#include <err.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Seconds on the monotonic clock. */
static inline double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char	*bench_scratch_dir;	/* made by bench_scratch() */

static inline int
bench_remove_one(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void
bench_scratch_remove(void)
{
	if (bench_scratch_dir != NULL)
		nftw(bench_scratch_dir, bench_remove_one, 8,
		    FTW_DEPTH | FTW_PHYS);
}

/*
 * Makes the directory "<base>/<name>.XXXXXX", base being $TMPDIR or /tmp
 * when NULL, and has it removed with all it holds at exit.  Returns its
 * name (valid until exit); exits with status 2 if it cannot be made.
 */
static inline const char *
bench_scratch(const char *base, const char *name)
{
	if (base == NULL && ((base = getenv("TMPDIR")) == NULL ||
	    *base == '\0'))
		base = "/tmp";
	if (asprintf(&bench_scratch_dir, "%s/%s.XXXXXX", base, name) == -1)
		err(2, "asprintf");
	if (mkdtemp(bench_scratch_dir) == NULL)
		err(2, "mkdtemp %s", bench_scratch_dir);
	atexit(bench_scratch_remove);
	return bench_scratch_dir;
}

#endif
