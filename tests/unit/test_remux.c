/*
 * Tests for lib/media/remux.c: an MPEG-TS recording (h264 with B-frames,
 * AAC in ADTS) and an MP4 one, made by ffmpeg when the tests start, are
 * remuxed in-process and through the real sandboxed child (custosd
 * --remux-child, from CUSTOSD or beside this test's build directory).
 * The output must be fragmented MP4 (an empty moov with mvex, then moof
 * boxes) that ffprobe reads with the same number of video and audio
 * packets as the original; a file that is not media, an output limit
 * too small and a child that cannot start give clear answers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "custos/err.h"
#include "custos/probe.h"
#include "custos/remux.h"

#include "fixture.h"

#define TIMEOUT_MS	60000
#define LIMIT		(64u << 20)

static char	 dir[200];
static char	 self[PATH_MAX];

static int
setup(void **state)
{
	char cmd[1024];

	(void)state;
	if (fixture_dir_make(dir, sizeof(dir), "remux") != 0)
		return -1;
	if (fixture_program(self, sizeof(self), "CUSTOSD", "custosd") != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "cd '%s' && for e in ts mp4; do "
	    "ffmpeg -nostdin -loglevel error -f lavfi "
	    "-i testsrc=duration=4:size=320x240:rate=25 -f lavfi "
	    "-i sine=duration=4 -c:v libx264 -bf 2 -g 25 -c:a aac "
	    "cam.$e || exit 1; done && echo not media >notes.txt", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	return fixture_dir_remove(dir);
}

/* ffprobe's packet count of one stream kind ("v" or "a") of name. */
static long
packets(const char *name, const char *kind)
{
	char cmd[1024], line[64];
	FILE *f;
	long n = -1;

	snprintf(cmd, sizeof(cmd), "ffprobe -v error -count_packets "
	    "-select_streams %s -show_entries stream=nb_read_packets "
	    "-of csv=p=0 '%s/%s'", kind, dir, name);
	assert_non_null(f = popen(cmd, "r"));
	while (fgets(line, sizeof(line), f) != NULL)
		if (n == -1)
			n = strtol(line, NULL, 10);
	assert_int_equal(pclose(f), 0);
	return n;
}

/* Whether name holds the four-byte box type at least once. */
static int
has_box(const char *name, const char *type)
{
	char p[PATH_MAX];
	struct stat sb;
	char *buf;
	size_t i;
	int fd, found = 0;

	fixture_path(p, sizeof(p), dir, name);
	assert_true((fd = open(p, O_RDONLY)) >= 0);
	assert_int_equal(fstat(fd, &sb), 0);
	assert_non_null(buf = malloc((size_t)sb.st_size + 1));
	assert_int_equal(read(fd, buf, (size_t)sb.st_size), sb.st_size);
	close(fd);
	for (i = 0; i + 4 <= (size_t)sb.st_size && !found; i++)
		found = memcmp(buf + i, type, 4) == 0;
	free(buf);
	return found;
}

static void
check_mp4(const char *orig, const char *mp4, const struct probe_result *res)
{
	long v = packets(orig, "v"), a = packets(orig, "a");

	if (res->status != PROBE_OK)
		fail_msg("remux of %s: %s", orig, res->error);
	assert_string_equal(res->container, "mp4");
	assert_true(v > 50 && a > 50);
	assert_int_equal(packets(mp4, "v"), v);
	assert_int_equal(packets(mp4, "a"), a);
	assert_int_equal(res->packets, (uint64_t)(v + a));
	assert_true(has_box(mp4, "mvex"));
	assert_true(has_box(mp4, "moof"));
	assert_true(has_box(mp4, "tfdt"));
}

static void
test_core_ts(void **state)
{
	struct probe_result res;
	int in, out;

	(void)state;
	in = fixture_open_in(dir, "cam.ts");
	out = fixture_open_out(dir, "core-ts.mp4");
	assert_int_equal(remux_fd(in, out, &res), 0);
	close(in);
	close(out);
	check_mp4("cam.ts", "core-ts.mp4", &res);
}

static void
test_child(const char *orig, const char *mp4)
{
	struct probe_result res;
	int in, out;

	in = fixture_open_in(dir, orig);
	out = fixture_open_out(dir, mp4);
	assert_int_equal(remux_run(self, in, out, LIMIT, TIMEOUT_MS, &res), 0);
	close(in);
	close(out);
	check_mp4(orig, mp4, &res);
}

static void
test_child_ts(void **state)
{
	(void)state;
	test_child("cam.ts", "child-ts.mp4");
}

static void
test_child_mp4(void **state)
{
	(void)state;
	test_child("cam.mp4", "child-mp4.mp4");
}

static void
test_not_media(void **state)
{
	struct probe_result res;
	int in, out;

	(void)state;
	in = fixture_open_in(dir, "notes.txt");
	out = fixture_open_out(dir, "notes.mp4");
	assert_int_equal(remux_run(self, in, out, LIMIT, TIMEOUT_MS, &res), 0);
	close(in);
	close(out);
	assert_int_equal(res.status, PROBE_NOT_MEDIA);
}

static void
test_limit(void **state)
{
	struct probe_result res;
	int in, out;

	(void)state;
	in = fixture_open_in(dir, "cam.ts");
	out = fixture_open_out(dir, "small.mp4");
	assert_int_equal(remux_run(self, in, out, 4096, TIMEOUT_MS, &res), 0);
	close(in);
	close(out);
	assert_int_equal(res.status, PROBE_FAILED);
	assert_non_null(strstr(res.error, "larger than its limit"));
}

static void
test_missing(void **state)
{
	struct probe_result res;
	int in, out;

	(void)state;
	in = fixture_open_in(dir, "cam.ts");
	out = fixture_open_out(dir, "none.mp4");
	assert_int_equal(remux_run("/nonexistent/custosd", in, out, LIMIT,
	    TIMEOUT_MS, &res), 0);
	assert_int_equal(res.status, PROBE_CRASHED);
	assert_int_equal(remux_run(self, in, -1, LIMIT, TIMEOUT_MS, &res),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(remux_run(self, in, out, 0, TIMEOUT_MS, &res),
	    CUSTOS_ERR_INVALID);
	close(in);
	close(out);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core_ts),
		cmocka_unit_test(test_child_ts),
		cmocka_unit_test(test_child_mp4),
		cmocka_unit_test(test_not_media),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_missing),
	};

	fixture_args(argc, argv);
	return cmocka_run_group_tests(tests, setup, teardown);
}
