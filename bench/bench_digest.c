/*
 * bench_digest: streaming digest throughput against the tools an auditor
 * would use.
 *
 *	bench_digest [file-or-dir [MiB]]
 *
 * Without a file it writes a 1 GiB file of pseudo-random bytes in $TMPDIR
 * (or the given directory) and removes it at the end.  With the page cache
 * warm it times, in this process, our digest (digest.h, 1 MiB read(2)
 * calls) and, as child processes, "sha256sum FILE" and "openssl dgst
 * -sha256 FILE".  Each runs three times and the best wall-clock time
 * counts.  The children's output is compared with our hash, so a fast but
 * wrong digest cannot pass.  SM3 throughput is printed for information.
 * Timings are reported, never asserted.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"

#include "bench.h"

#define CHUNK		(1024 * 1024)
#define RUNS		3
#define DEFAULT_MIB	1024

extern char **environ;

static char	*made;	/* the file we created and must remove */

static void
cleanup(void)
{
	if (made != NULL)
		(void)unlink(made);
}

/* Fills buf with xorshift64 output: fast and incompressible enough. */
static void
fill(uint8_t *buf, size_t len, uint64_t *state)
{
	uint64_t x = *state;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(buf + i, &x, 8);
	}
	*state = x;
}

static void
make_file(const char *dir, size_t mib)
{
	uint64_t state = 0x9e3779b97f4a7c15ull;
	uint8_t *buf;
	size_t i;
	int fd;

	if (asprintf(&made, "%s/bench_digest.XXXXXX", dir) == -1)
		err(2, "asprintf");
	if ((fd = mkostemp(made, O_CLOEXEC)) == -1)
		err(2, "mkstemp %s", made);
	if ((buf = malloc(CHUNK)) == NULL)
		err(2, "malloc");
	fill(buf, CHUNK, &state);
	for (i = 0; i < mib; i++) {
		/* Make every chunk differ without regenerating it all. */
		memcpy(buf, &i, sizeof(i));
		if (write(fd, buf, CHUNK) != CHUNK)
			err(2, "write %s", made);
	}
	if (close(fd) == -1)
		err(2, "close %s", made);
	free(buf);
}

/* Hashes path with our streaming digest; returns the wall-clock time. */
static double
time_ours(const char *path, enum digest_alg alg, uint8_t out[DIGEST_LEN])
{
	struct digest *d;
	uint8_t *buf;
	double t0, t;
	ssize_t r;
	int fd;

	if ((buf = malloc(CHUNK)) == NULL)
		err(2, "malloc");
	if (digest_new(alg, &d) != 0)
		errx(2, "digest_new %s failed", digest_name(alg));
	t0 = bench_now();
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		err(2, "open %s", path);
	while ((r = read(fd, buf, CHUNK)) != 0) {
		if (r == -1) {
			if (errno == EINTR)
				continue;
			err(2, "read %s", path);
		}
		if (digest_update(d, buf, (size_t)r) != 0)
			errx(2, "digest_update failed");
	}
	if (digest_final(d, out) != 0)
		errx(2, "digest_final failed");
	close(fd);
	t = bench_now() - t0;
	digest_free(d);
	free(buf);
	return t;
}

/*
 * Runs argv with its stdout in a pipe, keeps the first line of output in
 * line and returns the wall-clock time, or a negative value if the
 * program could not run or failed.
 */
static double
time_cmd(char *const argv[], char *line, size_t linesz)
{
	posix_spawn_file_actions_t fa;
	char buf[4096], drain[4096];
	size_t n = 0;
	double t0, t;
	ssize_t r;
	int p[2], status;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) == -1)
		err(2, "pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	t0 = bench_now();
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(p[0]);
		close(p[1]);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	while (n < sizeof(buf) - 1 &&
	    (r = read(p[0], buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)r;
	/* Drain anything longer so the child never blocks on the pipe. */
	while (read(p[0], drain, sizeof(drain)) > 0)
		;
	close(p[0]);
	if (waitpid(pid, &status, 0) == -1)
		err(2, "waitpid");
	t = bench_now() - t0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	n = strlen(buf) < linesz - 1 ? strlen(buf) : linesz - 1;
	memcpy(line, buf, n);
	line[n] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return t;
}

/* Best of RUNS runs of a command whose output must contain hex. */
static double
best_cmd(char *const argv[], const char *hex)
{
	char line[512];
	double best = -1, t;
	int i;

	for (i = 0; i < RUNS; i++) {
		if ((t = time_cmd(argv, line, sizeof(line))) < 0) {
			warnx("%s did not run; skipped", argv[0]);
			return -1;
		}
		if (strstr(line, hex) == NULL)
			errx(1, "%s printed \"%s\", we computed %s", argv[0],
			    line, hex);
		if (best < 0 || t < best)
			best = t;
	}
	return best;
}

static double
best_ours(const char *path, enum digest_alg alg, char *hex)
{
	uint8_t h[DIGEST_LEN], first[DIGEST_LEN];
	double best = -1, t;
	int i;

	for (i = 0; i < RUNS; i++) {
		t = time_ours(path, alg, h);
		if (i == 0)
			memcpy(first, h, DIGEST_LEN);
		else if (memcmp(first, h, DIGEST_LEN) != 0)
			errx(1, "%s digest differs between runs",
			    digest_name(alg));
		if (best < 0 || t < best)
			best = t;
	}
	hex_encode(h, DIGEST_LEN, hex);
	return best;
}

static double
mbps(uint64_t bytes, double secs)
{
	return secs > 0 ? (double)bytes / 1e6 / secs : 0;
}

/* Prints ", <name> <rate> MB/s (ratio <ours/theirs>)" or a skip note. */
static void
print_other(const char *name, uint64_t bytes, double ours, double theirs)
{
	if (theirs < 0) {
		printf(", %s not run", name);
		return;
	}
	printf(", %s %.0f MB/s (ratio %.2f)", name, mbps(bytes, theirs),
	    mbps(bytes, ours) / mbps(bytes, theirs));
}

int
main(int argc, char *argv[])
{
	char hex[HEX_ENCLEN(DIGEST_LEN)], smhex[HEX_ENCLEN(DIGEST_LEN)];
	const char *arg = argc > 1 ? argv[1] : NULL, *dir;
	char *path;
	size_t mib = DEFAULT_MIB;
	double ours, osl, sum, sm3, osm3;
	uint8_t warm[DIGEST_LEN];
	struct stat st;
	uint64_t bytes;

	if (argc > 3)
		errx(2, "usage: bench_digest [file-or-dir [MiB]]");
	if (argc > 2 && (mib = strtoul(argv[2], NULL, 10)) == 0)
		errx(2, "bad size: %s", argv[2]);
	atexit(cleanup);
	if (arg != NULL && stat(arg, &st) == 0 && S_ISREG(st.st_mode))
		path = argv[1];
	else {
		dir = arg != NULL ? arg : getenv("TMPDIR");
		make_file(dir != NULL ? dir : "/tmp", mib);
		path = made;
	}
	if (stat(path, &st) == -1)
		err(2, "stat %s", path);
	bytes = (uint64_t)st.st_size;

	/* One untimed pass warms the page cache for every contender. */
	(void)time_ours(path, DIGEST_SHA256, warm);

	ours = best_ours(path, DIGEST_SHA256, hex);
	{
		char *const s[] = { "sha256sum", path, NULL };
		char *const o[] = { "openssl", "dgst", "-sha256", path,
		    NULL };

		sum = best_cmd(s, hex);
		osl = best_cmd(o, hex);
	}
	sm3 = best_ours(path, DIGEST_SM3, smhex);
	{
		char *const o[] = { "openssl", "dgst", "-sm3", path,
		    NULL };

		osm3 = best_cmd(o, smhex);
	}

	printf("bench_digest: %.0f MiB custos %.0f MB/s",
	    (double)bytes / (1024 * 1024), mbps(bytes, ours));
	print_other("openssl", bytes, ours, osl);
	print_other("sha256sum", bytes, ours, sum);
	printf("\n");
	printf("bench_digest: sm3 custos %.0f MB/s", mbps(bytes, sm3));
	print_other("openssl", bytes, sm3, osm3);
	printf("\n");
	if (fflush(stdout) == EOF || ferror(stdout))
		err(2, "stdout");
	return 0;
}
