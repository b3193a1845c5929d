/*
 * Tests for lib/media/clip*.c: clip_plan() on synthetic leaves; the
 * leaves and cut cores in-process and through the real sandboxed child
 * (custos-verify --clip-child, from CUSTOS_VERIFY or beside this test's
 * build directory) on MP4 and MPEG-TS files (h264 + aac) that ffmpeg
 * makes when the tests start.  A clip must demux to exactly the packets
 * asked for, each with the leaf it has in the original, per stream in
 * order; a container we cannot clip, or packets a muxer would change,
 * are refused with a clear error.
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
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "custos/clip.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "custos/merkle.h"
#include "custos/probe.h"

#include "fixture.h"

#define TIMEOUT_MS	60000

static char	 dir[200];
static char	 self[PATH_MAX];

static int
setup(void **state)
{
	char cmd[1024];

	(void)state;
	if (fixture_dir_make(dir, sizeof(dir), "clip") != 0)
		return -1;
	if (fixture_program(self, sizeof(self), "CUSTOS_VERIFY", "custos-verify") != 0)
		return -1;
	/* Two seconds of GOP so a clip can start on a key frame mid-file. */
	snprintf(cmd, sizeof(cmd), "cd '%s' && for e in mp4 ts; do "
	    "ffmpeg -nostdin -loglevel error -f lavfi "
	    "-i testsrc=duration=6:size=160x120:rate=25 -f lavfi "
	    "-i sine=duration=6 -c:v libx264 -g 50 -c:a aac "
	    "-metadata creation_time=2026-11-26T01:02:03Z cam.$e || exit 1; "
	    "done && ffmpeg -nostdin -loglevel error -f lavfi "
	    "-i sine=duration=1 a.wav", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	return fixture_dir_remove(dir);
}

static int
count_leaf(void *arg, const struct clip_leaf *l, const void *rec, size_t len)
{
	const struct clip_leaves *want = arg;
	static size_t i;

	(void)rec;
	if (l == NULL)		/* reset */
		return (int)(i = 0);
	assert_int_equal(len, 24 + DIGEST_LEN);
	assert_true(i < want->n);
	assert_memory_equal(l, &want->v[i], sizeof(*l));
	i++;
	return 0;
}

/*
 * The streaming parse of the same answer: fed a byte at a time it gives
 * the same leaves and result; a byte past the result and an answer cut
 * short are refused; clip_leaves_read() of the stored answer is the same.
 */
static void
stream_checks(int mfd, const unsigned char *buf, size_t len,
    const struct clip_leaves *want)
{
	struct clip_stream cs;
	struct clip_leaves rd;
	struct probe_result res;
	size_t i;

	count_leaf(NULL, NULL, NULL, 0);
	clip_stream_init(&cs, CLIP_MAX_LEAVES, count_leaf,
	    (void *)(uintptr_t)want);
	for (i = 0; i < len; i++)
		assert_int_equal(clip_stream_feed(&cs, buf + i, 1), 0);
	assert_int_equal(cs.n, want->n);
	assert_int_equal(clip_stream_end(&cs, &res), 0);
	assert_memory_equal(&res, &want->res, sizeof(res));
	assert_int_equal(clip_stream_feed(&cs, buf, 1), CUSTOS_ERR_FORMAT);
	assert_int_equal(clip_stream_end(&cs, &res), CUSTOS_ERR_FORMAT);
	clip_stream_init(&cs, CLIP_MAX_LEAVES, NULL, NULL);
	assert_int_equal(clip_stream_feed(&cs, buf, len - 1), 0);
	assert_int_equal(clip_stream_end(&cs, &res), CUSTOS_ERR_FORMAT);
	assert_int_equal(clip_leaves_read(mfd, CLIP_MAX_LEAVES, &rd), 0);
	assert_int_equal(rd.n, want->n);
	if (want->n > 0)
		assert_memory_equal(rd.v, want->v, want->n * sizeof(*rd.v));
	clip_leaves_free(&rd);
}

/* The leaves of fd, in-process, through the wire format. */
static void
leaves_inproc(int fd, struct clip_leaves *out)
{
	struct probe_result res;
	struct stat sb;
	void *buf;
	int mfd;

	assert_true((mfd = memfd_create("leaves", MFD_CLOEXEC)) >= 0);
	assert_int_equal(clip_leaves_fd(fd, DIGEST_SHA256, mfd, &res), 0);
	assert_int_equal(fstat(mfd, &sb), 0);
	assert_non_null(buf = malloc((size_t)sb.st_size));
	assert_int_equal(pread(mfd, buf, (size_t)sb.st_size, 0), sb.st_size);
	assert_int_equal(clip_leaves_parse(buf, (size_t)sb.st_size,
	    CLIP_MAX_LEAVES, out), 0);
	assert_int_equal(out->res.packets, res.packets);
	/* One byte less, one leaf fewer allowed: refused. */
	assert_int_equal(clip_leaves_parse(buf, (size_t)sb.st_size - 1,
	    CLIP_MAX_LEAVES, &(struct clip_leaves){ 0 }), CUSTOS_ERR_FORMAT);
	if (res.packets > 0)
		assert_int_equal(clip_leaves_parse(buf, (size_t)sb.st_size,
		    res.packets - 1, &(struct clip_leaves){ 0 }),
		    CUSTOS_ERR_FORMAT);
	stream_checks(mfd, buf, (size_t)sb.st_size, out);
	free(buf);
	close(mfd);
}

/* The root of the leaves equals the probe's packet_root. */
static void
check_root(int fd, const struct clip_leaves *l)
{
	struct probe_result pr;
	struct merkle_stream m;
	uint8_t root[DIGEST_LEN];
	size_t i;

	assert_int_equal(probe_demux_fd(fd, DIGEST_SHA256, &pr), 0);
	assert_int_equal(pr.status, PROBE_OK);
	assert_int_equal(pr.packets, l->n);
	merkle_stream_init(&m, DIGEST_SHA256);
	for (i = 0; i < l->n; i++)
		assert_int_equal(merkle_stream_append(&m, l->v[i].leaf), 0);
	assert_int_equal(merkle_stream_root(&m, root), 0);
	assert_memory_equal(root, pr.packet_root, DIGEST_LEN);
	assert_memory_equal(l->res.packet_root, pr.packet_root, DIGEST_LEN);
}

/*
 * The clip's packets are exactly orig's [first, first + count): per
 * stream, the same leaves in the same order.
 */
static void
check_clip(const struct clip_leaves *orig, const struct clip_leaves *clip,
    uint64_t first, uint64_t count)
{
	size_t i, j, next[CLIP_MAX_STREAMS];
	uint32_t s;

	assert_int_equal(clip->res.status, PROBE_OK);
	assert_int_equal(clip->n, count);
	memset(next, 0, sizeof(next));
	for (i = 0; i < clip->n; i++) {
		s = clip->v[i].stream;
		for (j = first + next[s]; j < first + count &&
		    orig->v[j].stream != s; j++)
			;
		assert_true(j < first + count);
		assert_memory_equal(clip->v[i].leaf, orig->v[j].leaf,
		    DIGEST_LEN);
		next[s] = j - first + 1;
	}
	/* The clip starts at 0. */
	assert_true(clip->v[0].time_ms >= 0 && clip->v[0].time_ms < 200);
}

/* The cut job in-process on orig's leaves [first, first + count). */
static void
cut_inproc(int in, int ofd, const struct clip_leaf *want, uint64_t first,
    uint64_t count, int from_start, int *seeked, struct probe_result *res)
{
	struct clip_cut_job job;

	memset(&job, 0, sizeof(job));
	job.first = first;
	job.count = count;
	job.want = want;
	job.alg = DIGEST_SHA256;
	job.from_start = from_start;
	job.leaves_fd = -1;
	assert_int_equal(clip_cut_fd(in, ofd, &job, res), 0);
	if (seeked != NULL)
		*seeked = job.seeked;
}

/* The whole of fd, malloc'd; *len its size. */
static unsigned char *
slurp(int fd, size_t *len)
{
	unsigned char *buf;
	struct stat sb;

	assert_int_equal(fstat(fd, &sb), 0);
	*len = (size_t)sb.st_size;
	assert_non_null(buf = malloc(*len + 1));
	assert_int_equal(pread(fd, buf, *len, 0), (ssize_t)*len);
	return buf;
}

/*
 * The clip from the middle made by seeking is the clip made reading
 * from the start, byte for byte; with one expected leaf in the middle
 * wrong, both ways (and the child) refuse, naming the packet.
 */
static void
seek_same(const char *name, int in, const struct clip_leaves *orig,
    uint64_t first, uint64_t count, int ofd)
{
	struct clip_leaves cl;
	struct clip_leaf *bad;
	struct probe_result res;
	unsigned char *a, *b;
	size_t alen, blen;
	char out[64], why[128];
	int fd, seeked;

	cut_inproc(in, ofd, orig->v + first, first, count, 0, &seeked, &res);
	assert_int_equal(res.status, PROBE_OK);
	/* Both containers seek (MPEG-TS by searching timestamps). */
	assert_int_equal(seeked, 1);
	snprintf(out, sizeof(out), "start-%s", name);
	fd = fixture_open_out(dir, out);
	cut_inproc(in, fd, orig->v + first, first, count, 1, &seeked, &res);
	assert_int_equal(res.status, PROBE_OK);
	assert_int_equal(seeked, 0);
	a = slurp(ofd, &alen);
	b = slurp(fd, &blen);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(a);
	free(b);
	/* A wrong leaf in the middle. */
	assert_non_null(bad = malloc(count * sizeof(*bad)));
	memcpy(bad, orig->v + first, count * sizeof(*bad));
	bad[count / 2].leaf[7] ^= 1;
	snprintf(why, sizeof(why), "packet %llu of the original is not the "
	    "one sealed", (unsigned long long)(first + count / 2));
	assert_int_equal(ftruncate(fd, 0), 0);
	cut_inproc(in, fd, bad, first, count, 0, NULL, &res);
	assert_int_equal(res.status, PROBE_FAILED);
	assert_string_equal(res.error, why);
	cut_inproc(in, fd, bad, first, count, 1, NULL, &res);
	assert_int_equal(res.status, PROBE_FAILED);
	assert_string_equal(res.error, why);
	assert_int_equal(clip_cut_run(self, in, fd, DIGEST_SHA256, bad, first,
	    count, 1 << 24, TIMEOUT_MS, &res, &cl), 0);
	assert_int_equal(res.status, PROBE_FAILED);
	assert_string_equal(res.error, why);
	assert_null(cl.v);
	free(bad);
	close(fd);
}

static void
cut_and_check(const char *name, int child)
{
	struct clip_leaves orig, clip, sent;
	struct probe_result res;
	uint64_t first, count;
	int64_t from, to;
	char out[64];
	int in, ofd;

	in = fixture_open_in(dir, name);
	if (child) {
		assert_int_equal(clip_leaves_run(self, in, DIGEST_SHA256,
		    TIMEOUT_MS, CLIP_MAX_LEAVES, &orig), 0);
		assert_int_equal(orig.res.status, PROBE_OK);
	} else
		leaves_inproc(in, &orig);
	check_root(in, &orig);
	assert_true(orig.n > 100);
	/* 2.5 s to 4.2 s: from the key frame at 2 s. */
	assert_int_equal(clip_plan(&orig, 2500, 4200, &first, &count, &from,
	    &to), 0);
	assert_true(orig.v[first].flags & CLIP_KEY);
	assert_true(from >= 1900 && from <= 2100);
	/* Reordered frames (B-frames) may end a little later. */
	assert_true(to >= 4200 && to <= 4800);
	snprintf(out, sizeof(out), "clip-%d-%s", child, name);
	ofd = fixture_open_out(dir, out);
	if (child)
		assert_int_equal(clip_cut_run(self, in, ofd, DIGEST_SHA256,
		    orig.v + first, first, count, 1 << 24, TIMEOUT_MS, &res,
		    &sent), 0);
	else
		cut_inproc(in, ofd, orig.v + first, first, count, 0, NULL,
		    &res);
	if (res.status != PROBE_OK)
		print_error("cut: %s\n", res.error);
	assert_int_equal(res.status, PROBE_OK);
	assert_int_equal(res.packets, count);
	if (child) {
		assert_int_equal(clip_leaves_run(self, ofd, DIGEST_SHA256,
		    TIMEOUT_MS, CLIP_MAX_LEAVES, &clip), 0);
		/* The leaves the cut child sent are the clip's. */
		assert_int_equal(sent.n, clip.n);
		assert_memory_equal(sent.v, clip.v, clip.n * sizeof(*clip.v));
		assert_memory_equal(&sent.res, &clip.res, sizeof(clip.res));
		clip_leaves_free(&sent);
	} else {
		leaves_inproc(ofd, &clip);
		seek_same(name, in, &orig, first, count, ofd);
	}
	check_clip(&orig, &clip, first, count);
	clip_leaves_free(&clip);
	clip_leaves_free(&orig);
	close(ofd);
	close(in);
}

static void
test_cut_mp4(void **state)
{
	(void)state;
	cut_and_check("cam.mp4", 0);
}

static void
test_cut_ts(void **state)
{
	(void)state;
	cut_and_check("cam.ts", 0);
}

static void
test_child_mp4(void **state)
{
	(void)state;
	cut_and_check("cam.mp4", 1);
}

static void
test_child_ts(void **state)
{
	(void)state;
	cut_and_check("cam.ts", 1);
}

/*
 * An MPEG-TS whose H.264 packets have no access unit delimiter (as some
 * cameras write): the MPEG-TS muxer would add one to every packet, so
 * the clip could not be proven and the cut refuses.  Made from cam.ts by
 * turning each AUD (00 00 00 01 09 f0) into an empty filler NAL unit of
 * the same length.
 */
static void
test_ts_no_aud(void **state)
{
	static const unsigned char aud[] = { 0, 0, 0, 1, 0x09, 0xf0 };
	struct clip_leaves orig, cl;
	struct probe_result res;
	unsigned char *buf;
	struct stat sb;
	size_t i, n = 0;
	int in, out, ofd;

	(void)state;
	in = fixture_open_in(dir, "cam.ts");
	assert_int_equal(fstat(in, &sb), 0);
	assert_non_null(buf = malloc((size_t)sb.st_size));
	assert_int_equal(pread(in, buf, (size_t)sb.st_size, 0), sb.st_size);
	for (i = 0; i + sizeof(aud) <= (size_t)sb.st_size; i++)
		if (memcmp(buf + i, aud, sizeof(aud)) == 0) {
			buf[i + 4] = 0x0c;
			buf[i + 5] = 0x80;
			n++;
		}
	assert_true(n > 100);
	out = fixture_open_out(dir, "noaud.ts");
	assert_int_equal(write(out, buf, (size_t)sb.st_size), sb.st_size);
	free(buf);
	close(in);
	ofd = fixture_open_out(dir, "clip-noaud.ts");
	leaves_inproc(out, &orig);
	assert_true(orig.n > 150);
	cut_inproc(out, ofd, orig.v + 100, 100, 50, 0, NULL, &res);
	assert_int_equal(res.status, PROBE_FAILED);
	assert_string_equal(res.error,
	    "the mpegts muxer would change packet data of stream 0");
	assert_int_equal(ftruncate(ofd, 0), 0);
	assert_int_equal(clip_cut_run(self, out, ofd, DIGEST_SHA256,
	    orig.v + 100, 100, 50, 1 << 24, TIMEOUT_MS, &res, &cl), 0);
	assert_null(cl.v);
	clip_leaves_free(&orig);
	assert_int_equal(res.status, PROBE_FAILED);
	assert_string_equal(res.error,
	    "the mpegts muxer would change packet data of stream 0");
	close(ofd);
	close(out);
}

/* A clip larger than its limit: the child's writes fail, it says so. */
static void
test_child_limit(void **state)
{
	struct clip_leaves orig, cl;
	struct probe_result res;
	int in, ofd;

	(void)state;
	in = fixture_open_in(dir, "cam.mp4");
	ofd = fixture_open_out(dir, "small.mp4");
	leaves_inproc(in, &orig);
	assert_int_equal(clip_cut_run(self, in, ofd, DIGEST_SHA256, orig.v, 0,
	    100, 4096, TIMEOUT_MS, &res, &cl), 0);
	clip_leaves_free(&orig);
	assert_int_equal(res.status, PROBE_FAILED);
	assert_non_null(strstr(res.error, "limit"));
	close(ofd);
	close(in);
}

static void
test_unsupported(void **state)
{
	struct clip_leaf one = { 0 };
	struct clip_leaves l;
	struct probe_result res;
	int in, ofd;

	(void)state;
	in = fixture_open_in(dir, "a.wav");
	ofd = fixture_open_out(dir, "clip.wav");
	cut_inproc(in, ofd, &one, 0, 1, 0, NULL, &res);
	assert_int_equal(res.status, PROBE_FAILED);
	assert_string_equal(res.error, "clips of wav are not supported");
	assert_int_equal(clip_cut_run(self, in, ofd, DIGEST_SHA256, &one, 0,
	    1, 1 << 20, TIMEOUT_MS, &res, &l), 0);
	assert_int_equal(res.status, PROBE_FAILED);
	assert_string_equal(res.error, "clips of wav are not supported");
	/* Past the end of an original we can clip. */
	close(in);
	in = fixture_open_in(dir, "cam.ts");
	cut_inproc(in, ofd, &one, 100000, 1, 0, NULL, &res);
	assert_int_equal(res.status, PROBE_FAILED);
	cut_inproc(in, ofd, &one, 100000, 1, 1, NULL, &res);
	assert_int_equal(res.status, PROBE_FAILED);
	assert_non_null(strstr(res.error, "asked of"));
	/* Leaves of a file that is no media: no leaves, NOT_MEDIA. */
	close(in);
	in = fixture_open_in(dir, "clip.wav");
	assert_int_equal(clip_leaves_run(self, in, DIGEST_SHA256, TIMEOUT_MS,
	    10, &l), 0);
	assert_int_equal(l.res.status, PROBE_NOT_MEDIA);
	assert_null(l.v);
	close(ofd);
	close(in);
}

/* Too many packets for the caller's bound. */
static void
test_child_max(void **state)
{
	struct clip_leaves l;
	int in;

	(void)state;
	in = fixture_open_in(dir, "cam.mp4");
	assert_int_equal(clip_leaves_run(self, in, DIGEST_SHA256, TIMEOUT_MS,
	    10, &l), 0);
	assert_int_equal(l.res.status, PROBE_FAILED);
	assert_string_equal(l.res.error, "more than 10 packets");
	assert_null(l.v);
	close(in);
}

/* A self that cannot run: a crash, not a hang. */
static void
test_child_missing(void **state)
{
	struct clip_leaf one = { 0 };
	struct clip_leaves l;
	struct probe_result res;
	int in, ofd;

	(void)state;
	in = fixture_open_in(dir, "cam.mp4");
	ofd = fixture_open_out(dir, "none.mp4");
	assert_int_equal(clip_leaves_run("/nonexistent/x", in, DIGEST_SHA256,
	    TIMEOUT_MS, 10, &l), 0);
	assert_int_equal(l.res.status, PROBE_CRASHED);
	assert_int_equal(clip_cut_run("/nonexistent/x", in, ofd,
	    DIGEST_SHA256, &one, 0, 1, 100, TIMEOUT_MS, &res, &l), 0);
	assert_int_equal(res.status, PROBE_CRASHED);
	close(ofd);
	close(in);
}

/*
 * clip_plan() on synthetic leaves: a video stream (0) with a key frame
 * every 10 packets of 40 ms, interleaved with audio (1) every 20 ms;
 * without first_key, neither the first video packet nor any audio
 * packet is a key packet.
 */
static void
synth(struct clip_leaves *l, size_t nvideo, int first_key)
{
	size_t i, k = 0;

	memset(l, 0, sizeof(*l));
	l->res.nstreams = 2;
	strcpy(l->res.streams[0].kind, "video");
	strcpy(l->res.streams[1].kind, "audio");
	assert_non_null(l->v = calloc(nvideo * 3, sizeof(*l->v)));
	for (i = 0; i < nvideo; i++) {
		l->v[k].stream = 0;
		l->v[k].time_ms = (int64_t)i * 40;
		l->v[k].flags = (i % 10 == 0 && (i > 0 || first_key)) ?
		    CLIP_KEY : 0;
		k++;
		l->v[k].stream = 1;
		l->v[k].flags = first_key ? CLIP_KEY : 0;
		l->v[k++].time_ms = (int64_t)i * 40;
		l->v[k].stream = 1;
		l->v[k].flags = first_key ? CLIP_KEY : 0;
		l->v[k++].time_ms = (int64_t)i * 40 + 20;
	}
	l->n = k;
	l->res.packets = k;
}

static void
test_plan(void **state)
{
	struct clip_leaves l;
	uint64_t first, count;
	int64_t from, to;

	(void)state;
	synth(&l, 100, 1);
	/* 1000..1500 ms: from the key frame at 800 ms (video 20, packet
	 * 60) to the audio packet at 1500 ms (video 37's second, 113). */
	assert_int_equal(clip_plan(&l, 1000, 1500, &first, &count, &from,
	    &to), 0);
	assert_int_equal(first, 60);
	assert_int_equal(first + count - 1, 113);
	assert_int_equal(from, 800);
	assert_int_equal(to, 1520);
	/* Past the end: everything to the last packet. */
	assert_int_equal(clip_plan(&l, 3900, 9000, &first, &count, &from,
	    &to), 0);
	assert_int_equal(first, 270);
	assert_int_equal(first + count, l.n);
	assert_int_equal(to, 3980);
	/* Starting past the end: nothing. */
	assert_int_equal(clip_plan(&l, 5000, 9000, &first, &count, &from,
	    &to), CUSTOS_ERR_NOTFOUND);
	/* Bad spans. */
	assert_int_equal(clip_plan(&l, 100, 100, &first, &count, &from, &to),
	    CUSTOS_ERR_INVALID);
	/* Before the first key frame: from the first packet. */
	clip_leaves_free(&l);
	synth(&l, 100, 0);
	assert_int_equal(clip_plan(&l, 100, 300, &first, &count, &from, &to),
	    0);
	assert_int_equal(first, 0);
	assert_int_equal(from, 0);
	/* Video whose first packet is no key frame: any stream's keys. */
	assert_int_equal(clip_plan(&l, 450, 600, &first, &count, &from, &to),
	    0);
	assert_int_equal(first, 30);	/* the video key packet at 400 ms */
	assert_int_equal(from, 400);
	clip_leaves_free(&l);
	l.n = 0;
	assert_int_equal(clip_plan(&l, 0, 10, &first, &count, &from, &to),
	    CUSTOS_ERR_INVALID);
}

/* What an untrusted child might send. */
static void
test_parse(void **state)
{
	struct clip_leaves l;
	unsigned char junk[300];

	(void)state;
	memset(junk, 0, sizeof(junk));
	assert_int_equal(clip_leaves_parse(junk, 0, 10, &l),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(clip_leaves_parse(junk, sizeof(junk), 10, &l),
	    CUSTOS_ERR_FORMAT);
	assert_null(l.v);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_cut_mp4),
		cmocka_unit_test(test_cut_ts),
		cmocka_unit_test(test_child_mp4),
		cmocka_unit_test(test_child_ts),
		cmocka_unit_test(test_ts_no_aud),
		cmocka_unit_test(test_child_limit),
		cmocka_unit_test(test_child_max),
		cmocka_unit_test(test_child_missing),
		cmocka_unit_test(test_unsupported),
	};

	fixture_args(argc, argv);
	return cmocka_run_group_tests(tests, setup, teardown);
}
