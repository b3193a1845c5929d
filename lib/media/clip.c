/*
 * clip: the clip child's leaves job, its wire format, the child's entry
 * point, the synchronous parents and clip_plan() (clip.h).  The cut job
 * is in clip_cut.c; the demux core and the spawn machinery are the
 * probe's (media_int.h), so a clip's leaves are packet_root's leaves.
 *
 * The wire format is in media_int.h, its writer in clip_wire.c.  The
 * parent checks exact sizes, tags, zero padding, and the result with
 * probe_result_check().
 */
#include <errno.h>
#include <sys/mman.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavformat/avformat.h>
#include <libavutil/mathematics.h>

#include "custos/clip.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "custos/probe.h"
#include "custos/sandbox.h"
#include "custos/util.h"
#include "media_int.h"

#define WBUFSZ		65536

_Static_assert(sizeof(struct wire_leaf) == 24 + DIGEST_LEN,
    "struct wire_leaf has no padding");
_Static_assert(sizeof(struct wire_result) == 8 + sizeof(struct probe_result),
    "struct wire_result has no padding");

int
clip_leaves_fd(int fd, enum digest_alg alg, int out_fd,
    struct probe_result *res)
{
	struct media_in in;
	struct media_wout w;
	int rc;

	if ((rc = media_open(fd, &in, res)) == 0 &&
	    (rc = media_wout_init(&w, out_fd, in.ctx)) == 0) {
		if (in.ctx != NULL)
			rc = media_demux(in.ctx, alg, res, media_wout_leaf, &w);
		else {
			res->packets = 0;
			rc = digest_buf(alg, NULL, 0, res->packet_root);
		}
		if (rc == 0)
			rc = media_wout_result(&w, WIRE_TAG_RESULT, 0, res);
		media_wout_free(&w);
	}
	media_close(&in);
	return rc;
}

void
clip_leaves_free(struct clip_leaves *out)
{
	if (out == NULL)
		return;
	free(out->v);
	out->v = NULL;
	out->n = 0;
}

void
clip_stream_init(struct clip_stream *cs, uint64_t max_leaves,
    clip_leaf_fn *fn, void *arg)
{
	memset(cs, 0, sizeof(*cs));
	cs->max_leaves = max_leaves > CLIP_MAX_LEAVES ? CLIP_MAX_LEAVES :
	    max_leaves;
	cs->fn = fn;
	cs->arg = arg;
}

_Static_assert(sizeof(((struct clip_stream *)0)->part) ==
    sizeof(struct wire_result), "clip_stream holds one result");

/* A whole record is in cs->part: check it and pass a leaf on. */
static int
stream_record(struct clip_stream *cs)
{
	struct wire_leaf r;
	struct wire_result fin;
	struct clip_leaf l;

	if (cs->have == sizeof(fin)) {
		memcpy(&fin, cs->part, sizeof(fin));
		if (fin.refused != 0 ||
		    probe_result_check(&fin.res, sizeof(fin.res)) != 0 ||
		    fin.res.packets != cs->n ||
		    (fin.res.status != PROBE_OK &&
		    fin.res.status != PROBE_DAMAGED && cs->n != 0))
			return CUSTOS_ERR_FORMAT;
		cs->res = fin.res;
		cs->done = 1;
		return 0;
	}
	memcpy(&r, cs->part, sizeof(r));
	if (r.zero != 0 || (r.flags & ~CLIP_KEY) != 0 ||
	    r.stream >= CLIP_MAX_STREAMS || cs->n >= cs->max_leaves)
		return CUSTOS_ERR_FORMAT;
	cs->n++;
	if (cs->fn == NULL)
		return 0;
	l.stream = r.stream;
	l.flags = r.flags;
	l.time_ms = r.time_ms;
	memcpy(l.leaf, r.leaf, DIGEST_LEN);
	return cs->fn(cs->arg, &l, cs->part, sizeof(r));
}

int
clip_stream_feed(struct clip_stream *cs, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t tag;
	size_t want, take;
	int rc;

	if (cs->bad)
		return CUSTOS_ERR_FORMAT;
	while (len > 0) {
		if (cs->done)
			goto bad;
		if (cs->have < sizeof(tag))
			want = sizeof(tag);
		else {
			memcpy(&tag, cs->part, sizeof(tag));
			if (tag == WIRE_TAG_LEAF)
				want = sizeof(struct wire_leaf);
			else if (tag == WIRE_TAG_RESULT)
				want = sizeof(struct wire_result);
			else
				goto bad;
		}
		take = want - cs->have < len ? want - cs->have : len;
		memcpy(cs->part + cs->have, p, take);
		cs->have += take;
		p += take;
		len -= take;
		if (cs->have == want && want > sizeof(tag)) {
			if ((rc = stream_record(cs)) != 0) {
				cs->bad = 1;
				return rc;
			}
			cs->have = 0;
		}
	}
	return 0;
bad:
	cs->bad = 1;
	return CUSTOS_ERR_FORMAT;
}

int
clip_stream_end(struct clip_stream *cs, struct probe_result *res)
{
	if (cs->bad || !cs->done || cs->have != 0)
		return CUSTOS_ERR_FORMAT;
	*res = cs->res;
	return 0;
}

/* Collects the leaves into out->v, grown by doubling. */
struct collector {
	struct clip_leaves	*out;
	size_t			 cap;
};

static int
collect(void *arg, const struct clip_leaf *l, const void *rec, size_t len)
{
	struct collector *k = arg;
	struct clip_leaves *out = k->out;
	struct clip_leaf *nv;
	size_t cap;

	(void)rec;
	(void)len;
	if (out->n == k->cap) {
		cap = k->cap == 0 ? 1024 : k->cap * 2;
		if ((nv = realloc(out->v, cap * sizeof(*nv))) == NULL)
			return CUSTOS_ERR_NOMEM;
		out->v = nv;
		k->cap = cap;
	}
	out->v[out->n++] = *l;
	return 0;
}

int
clip_leaves_parse(const void *buf, size_t len, uint64_t max_leaves,
    struct clip_leaves *out)
{
	struct clip_stream cs;
	struct probe_result res;
	struct collector k = { out, 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	clip_stream_init(&cs, max_leaves, collect, &k);
	if ((rc = clip_stream_feed(&cs, buf, len)) != 0 ||
	    (rc = clip_stream_end(&cs, &res)) != 0) {
		clip_leaves_free(out);
		return rc;
	}
	out->res = res;
	return 0;
}

int
clip_leaves_read(int fd, uint64_t max_leaves, struct clip_leaves *out)
{
	struct clip_stream cs;
	struct probe_result res;
	unsigned char *buf;
	off_t off = 0;
	struct collector k = { out, 0 };
	ssize_t n;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if ((buf = malloc(WBUFSZ)) == NULL)
		return CUSTOS_ERR_NOMEM;
	clip_stream_init(&cs, max_leaves, collect, &k);
	for (;;) {
		if ((n = pread(fd, buf, WBUFSZ, off)) == -1) {
			if (errno == EINTR)
				continue;
			rc = CUSTOS_ERR_SYSTEM;
			break;
		}
		if (n == 0) {
			rc = clip_stream_end(&cs, &res);
			break;
		}
		off += n;
		if ((rc = clip_stream_feed(&cs, buf, (size_t)n)) != 0)
			break;
	}
	free(buf);
	if (rc != 0) {
		clip_leaves_free(out);
		return rc;
	}
	out->res = res;
	return 0;
}

/*
 * The child.
 */

static int
parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

static void
child_leaves(enum digest_alg alg)
{
	struct probe_result res;
	int rc;

	media_child_prepare(alg, 0);
	if ((rc = sandbox_enter(PROBE_FD, SANDBOX_CPU_SECONDS)) != 0)
		media_child_die("sandbox", rc, errno);
	if ((rc = clip_leaves_fd(PROBE_FD, alg, STDOUT_FILENO, &res)) != 0)
		media_child_die("leaves", rc, errno);
	_exit(0);
}

/* The expected leaves, from fd 5 (the parent wrote them). */
static struct clip_leaf *
read_want(uint64_t count)
{
	struct clip_leaf *want;
	struct wire_leaf r;
	uint64_t i;
	off_t off = 0;
	ssize_t n;
	char extra;

	if ((want = calloc(count, sizeof(*want))) == NULL)
		media_child_die("cut: leaves", CUSTOS_ERR_NOMEM, 0);
	for (i = 0; i < count; i++) {
		n = pread(PROBE_FD + 2, &r, sizeof(r), off);
		if (n != (ssize_t)sizeof(r) || r.tag != WIRE_TAG_LEAF ||
		    r.zero != 0 || (r.flags & ~CLIP_KEY) != 0 ||
		    r.stream >= CLIP_MAX_STREAMS)
			media_child_die("cut: expected leaves malformed", 0, 0);
		off += n;
		want[i].stream = r.stream;
		want[i].flags = r.flags;
		want[i].time_ms = r.time_ms;
		memcpy(want[i].leaf, r.leaf, DIGEST_LEN);
	}
	if (pread(PROBE_FD + 2, &extra, 1, off) != 0)
		media_child_die("cut: expected leaves malformed", 0, 0);
	(void)close(PROBE_FD + 2);
	return want;
}

static void
child_cut(enum digest_alg alg, uint64_t first, uint64_t count,
    uint64_t limit)
{
	struct sandbox_policy p;
	struct clip_cut_job job;
	struct probe_result res;
	int rc;

	media_child_prepare(alg, 1);
	if (count == 0 || count > CLIP_MAX_LEAVES)
		media_child_die("cut: bad count", 0, 0);
	memset(&job, 0, sizeof(job));
	job.first = first;
	job.count = count;
	job.alg = alg;
	job.leaves_fd = STDOUT_FILENO;
	/* The parent's own data, read before any media. */
	job.want = read_want(count);
	memset(&p, 0, sizeof(p));
	p.role = SANDBOX_CLIP;
	p.fd = PROBE_FD;
	p.out_fd = PROBE_FD + 1;
	p.cpu_seconds = SANDBOX_CPU_SECONDS;
	p.fsize_max = limit;
	if ((rc = sandbox_apply(&p)) != 0)
		media_child_die("sandbox", rc, errno);
	memset(&res, 0, sizeof(res));
	if ((rc = clip_cut_fd(PROBE_FD, PROBE_FD + 1, &job, &res)) != 0)
		media_child_die("cut", rc, errno);
	free((void *)(uintptr_t)job.want);
	media_child_answer(WIRE_TAG_CUT, &res, "cut: answer");
}

static int
parse_alg(const char *s, enum digest_alg *alg)
{
	if (strcmp(s, "sha256") == 0)
		*alg = DIGEST_SHA256;
	else if (strcmp(s, "sm3") == 0)
		*alg = DIGEST_SM3;
	else
		return -1;
	return 0;
}

void
clip_child_main(int argc, char *argv[])
{
	enum digest_alg alg;
	uint64_t first, count, limit;

	if (argc == 4 && strcmp(argv[2], "leaves") == 0 &&
	    parse_alg(argv[3], &alg) == 0)
		child_leaves(alg);
	if (argc == 7 && strcmp(argv[2], "cut") == 0 &&
	    parse_alg(argv[3], &alg) == 0 &&
	    parse_u64(argv[4], &first) == 0 &&
	    parse_u64(argv[5], &count) == 0 &&
	    parse_u64(argv[6], &limit) == 0)
		child_cut(alg, first, count, limit);
	media_child_die("usage: --clip-child leaves sha256|sm3 | "
	    "cut sha256|sm3 FIRST COUNT LIMIT", 0, 0);
}

/*
 * The parents.
 */

int
clip_leaves_run(const char *self, int fd, enum digest_alg alg,
    unsigned timeout_ms, uint64_t max_leaves, struct clip_leaves *out)
{
	struct probe_child *c;
	unsigned char *buf;
	char *argv[5];
	ssize_t got;
	size_t max;
	int rc;

	memset(out, 0, sizeof(*out));
	if (self == NULL || fd < 0 || timeout_ms == 0 ||
	    max_leaves > CLIP_MAX_LEAVES)
		return CUSTOS_ERR_INVALID;
	argv[0] = (char *)(uintptr_t)self;
	argv[1] = (char *)(uintptr_t)CLIP_CHILD;
	argv[2] = (char *)(uintptr_t)"leaves";
	argv[3] = (char *)(uintptr_t)digest_name(alg);
	argv[4] = NULL;
	max = (size_t)max_leaves * sizeof(struct wire_leaf) +
	    sizeof(struct wire_result);
	if ((rc = media_spawn(self, argv, fd, -1, &c)) != 0)
		return rc;
	got = media_read_all(c, timeout_ms, max, &buf);
	rc = media_reap(c, got, errno, timeout_ms, &out->res);
	if (got == MEDIA_READ_TOOLONG)
		probe_result_fail(&out->res, PROBE_FAILED, "more than %" PRIu64
		    " packets", max_leaves);
	if (rc == 1) {
		rc = clip_leaves_parse(buf, (size_t)got, max_leaves, out);
		if (rc == CUSTOS_ERR_FORMAT) {
			probe_result_fail(&out->res, PROBE_FAILED,
			    "malformed answer: %zd bytes", got);
			rc = 0;
		}
	}
	free(buf);
	return rc;
}

/* The expected leaves for the cut child, in an unlinked memory file. */
static int
want_file(const struct clip_leaf *want, uint64_t count, int *fdp)
{
	struct wire_leaf *r;
	size_t len = (size_t)count * sizeof(*r);
	uint64_t i;
	int fd, e;

	if ((r = calloc(count, sizeof(*r))) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (i = 0; i < count; i++) {
		r[i].tag = WIRE_TAG_LEAF;
		r[i].stream = want[i].stream;
		r[i].flags = want[i].flags;
		r[i].time_ms = want[i].time_ms;
		memcpy(r[i].leaf, want[i].leaf, DIGEST_LEN);
	}
	if ((fd = memfd_create("clip-leaves", MFD_CLOEXEC)) == -1) {
		free(r);
		return CUSTOS_ERR_SYSTEM;
	}
	if (util_write_all(fd, r, len) != 0) {
		e = errno;
		free(r);
		close(fd);
		errno = e;
		return CUSTOS_ERR_SYSTEM;
	}
	free(r);
	*fdp = fd;
	return 0;
}

/* Splits the cut child's answer: the clip's leaves, then the cut's. */
static void
cut_answer(const unsigned char *buf, size_t got, uint64_t count,
    struct probe_result *res, struct clip_leaves *clip)
{
	struct wire_result fin;

	if (got < sizeof(fin)) {
		probe_result_fail(res, PROBE_FAILED, "malformed answer: "
		    "%zu bytes", got);
		return;
	}
	memcpy(&fin, buf + got - sizeof(fin), sizeof(fin));
	if (fin.tag != WIRE_TAG_CUT || fin.refused > 1 ||
	    probe_result_check(&fin.res, sizeof(fin.res)) != 0) {
		probe_result_fail(res, PROBE_FAILED,
		    "malformed answer: fails the check");
		return;
	}
	*res = fin.res;
	if (fin.refused) {
		res->status = PROBE_FAILED;
		return;
	}
	if (res->status != PROBE_OK)
		return;
	if (clip_leaves_parse(buf, got - sizeof(fin), count, clip) != 0 ||
	    clip->n != count || clip->res.status != PROBE_OK) {
		clip_leaves_free(clip);
		probe_result_fail(res, PROBE_FAILED, "malformed answer: "
		    "the clip's leaves");
	}
}

int
clip_cut_run(const char *self, int in_fd, int out_fd, enum digest_alg alg,
    const struct clip_leaf *want, uint64_t first, uint64_t count,
    uint64_t limit, unsigned timeout_ms, struct probe_result *res,
    struct clip_leaves *clip)
{
	struct probe_child *c;
	unsigned char *buf;
	char sf[24], sc[24], sl[24], *argv[8];
	ssize_t got;
	size_t max;
	int rc, wfd;

	memset(clip, 0, sizeof(*clip));
	if (self == NULL || in_fd < 0 || out_fd < 0 || timeout_ms == 0 ||
	    count == 0 || count > CLIP_MAX_LEAVES || want == NULL)
		return CUSTOS_ERR_INVALID;
	snprintf(sf, sizeof(sf), "%" PRIu64, first);
	snprintf(sc, sizeof(sc), "%" PRIu64, count);
	snprintf(sl, sizeof(sl), "%" PRIu64, limit);
	argv[0] = (char *)(uintptr_t)self;
	argv[1] = (char *)(uintptr_t)CLIP_CHILD;
	argv[2] = (char *)(uintptr_t)"cut";
	argv[3] = (char *)(uintptr_t)digest_name(alg);
	argv[4] = sf;
	argv[5] = sc;
	argv[6] = sl;
	argv[7] = NULL;
	max = (size_t)count * sizeof(struct wire_leaf) +
	    2 * sizeof(struct wire_result);
	if ((rc = want_file(want, count, &wfd)) != 0)
		return rc;
	rc = media_spawn_aux(self, argv, in_fd, out_fd, wfd, &c);
	close(wfd);
	if (rc != 0)
		return rc;
	got = media_read_all(c, timeout_ms, max, &buf);
	rc = media_reap(c, got, errno, timeout_ms, res);
	if (rc == 1) {
		rc = 0;
		cut_answer(buf, (size_t)got, count, res, clip);
	}
	free(buf);
	return rc;
}
