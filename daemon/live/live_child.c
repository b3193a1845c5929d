/*
 * live_child: the live child (custosd -L), the only process that touches
 * a live stream (live.h, docs/live.md).
 *
 * It reads one struct live_req on stdin, opens the source (a listener
 * waits for the camera; a pull source connects), and only then restricts
 * itself, because opening needs what the restriction forbids: binding,
 * accepting or connecting a socket and reading certificate files.  Every
 * byte of media is demuxed after the restriction, except for rtsp://,
 * whose demuxer is also its protocol: its session description is parsed
 * before (docs/live.md says so).  It then copies packets unchanged (as
 * "ffmpeg -c copy" does; an H.264 keyframe without parameter sets gets
 * the stream's, ps_insert()) into one MPEG-TS file per segment in its
 * spool directory, which it reaches only through fd 3, and reports each
 * closed file with one struct live_msg on stdout.  Only whole packets that
 * decode from the file's start are written; the others are counted in
 * the message (take_packet(); docs/live.md, "Complete packets only").
 *
 * Its tls:// listener, OpenSSL with client certificates, is in
 * live_tls.c; what the two files share is in live_int.h.
 *
 * The restriction (restrict_self): RLIMIT_NPROC 0, RLIMIT_FSIZE
 * LIVE_FSIZE_MAX, PR_SET_NO_NEW_PRIVS, a Landlock ruleset that grants
 * only the creation and writing of regular files beneath the spool (and
 * no TCP bind or connect, from ABI 4), and a seccomp allowlist that kills
 * the process on anything else.  Sockets already open stay usable:
 * reading the stream is the child's job.
 */
#if !defined(__linux__)
#error "the live child's sandbox needs Linux: seccomp and Landlock"
#endif

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <seccomp.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/buffer.h>
#include <libavutil/cpu.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/mathematics.h>
#include <libavutil/mem.h>

#include "custos/err.h"
#include "custos/sandbox.h"
#include "live.h"
#include "live_int.h"
#include "daemon/journal.h"

#if !defined(SCMP_ACT_KILL_PROCESS)
#error "libseccomp >= 2.4 is required (SCMP_ACT_KILL_PROCESS)"
#endif

#ifdef SANDBOX_DEBUG
#define LIVE_DEFAULT_ACTION	SCMP_ACT_TRAP
#else
#define LIVE_DEFAULT_ACTION	SCMP_ACT_KILL_PROCESS
#endif

/* A segment file may not grow past this (SIGXFSZ is ignored: the write
 * fails with EFBIG and the stream ends with what was written). */
#define LIVE_FSIZE_MAX		(UINT64_C(16) << 30)
/* A camera silent this long has gone: read timeout, microseconds. */
#define LIVE_RW_TIMEOUT_US	"5000000"
/* Enough to find the codecs of a live stream, little to wait for. */
#define LIVE_PROBESIZE		2000000
#define LIVE_ANALYZE_US		3000000

static volatile sig_atomic_t stopping;

/* The one child of this process: for libavformat's log callback and for
 * the END message, which carries its unattributed drops. */
static struct child *the_child;

_Static_assert(sizeof(struct live_msg) % 8 == 0,
    "struct live_msg has no tail padding to leak");
_Static_assert(sizeof(struct live_msg) <= 512,
    "struct live_msg fits one atomic pipe write");

/*
 * Messages, checked by both sides: the parent on what it reads, the
 * child on what it is about to send.
 */

int
live_msg_check(struct live_msg *m, size_t len, uint32_t next_seq)
{
	uint64_t sum = 0;
	size_t i, n;

	if (len != sizeof(*m) || m->magic != LIVE_MSG_MAGIC ||
	    m->size != sizeof(*m))
		return CUSTOS_ERR_FORMAT;
	if (m->type < LIVE_MSG_LISTENING || m->type > LIVE_MSG_END)
		return CUSTOS_ERR_FORMAT;
	if (m->type == LIVE_MSG_SEGMENT) {
		if (m->seq != next_seq || m->packets == 0)
			return CUSTOS_ERR_FORMAT;
		if (m->first_ms < -1 || m->last_ms < -1 ||
		    (m->first_ms >= 0 && m->last_ms < m->first_ms))
			return CUSTOS_ERR_FORMAT;
	}
	/* Counts go into JSON integers: each sum must fit in an int64. */
	for (i = 0; i < LIVE_DROP_NREASONS; i++) {
		if (m->dropped[i] > (uint64_t)INT64_MAX - sum)
			return CUSTOS_ERR_FORMAT;
		sum += m->dropped[i];
	}
	if (m->dropped_bytes > (uint64_t)INT64_MAX)
		return CUSTOS_ERR_FORMAT;
	if ((sum != 0 || m->dropped_bytes != 0) &&
	    m->type != LIVE_MSG_SEGMENT && m->type != LIVE_MSG_END)
		return CUSTOS_ERR_FORMAT;
	if ((n = strnlen(m->error, sizeof(m->error))) == sizeof(m->error))
		return CUSTOS_ERR_FORMAT;
	for (i = 0; i < n; i++)
		if (m->error[i] < 0x20 || m->error[i] > 0x7e)
			m->error[i] = '?';
	memset(m->error + n, 0, sizeof(m->error) - n);
	return 0;
}

int
live_spool_name(const char *session, uint32_t seq, char *buf, size_t bufsz)
{
	int n = snprintf(buf, bufsz, "%s.%u.ts", session, seq);

	return n < 0 || (size_t)n >= bufsz ? CUSTOS_ERR_TOOBIG : 0;
}

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static int
interrupted(void *arg)
{
	(void)arg;
	return stopping;
}

int
live_child_stopping(void)
{
	return stopping;
}

/* libavformat's messages: the last error is kept for the END text;
 * warnings and above go to our stderr at debug level only. */
static void
avlog_cb(void *avcl, int level, const char *fmt, va_list ap)
{
	struct child *c = the_child;
	size_t n;

	(void)avcl;
	if (level > AV_LOG_ERROR || c == NULL)
		return;
	vsnprintf(c->avlog, sizeof(c->avlog), fmt, ap);
	n = strlen(c->avlog);
	while (n > 0 && (c->avlog[n - 1] == '\n' || c->avlog[n - 1] == ' '))
		c->avlog[--n] = '\0';
}

static void
send_msg(struct live_msg *m)
{
	ssize_t n;

	m->magic = LIVE_MSG_MAGIC;
	m->size = sizeof(*m);
	if (live_msg_check(m, sizeof(*m), m->type == LIVE_MSG_SEGMENT ?
	    m->seq : 0) != 0) {
		log_warnx("message fails its own check");
		_exit(1);
	}
	/* Below PIPE_BUF: one atomic write. */
	do {
		n = write(STDOUT_FILENO, m, sizeof(*m));
	} while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof(*m))
		_exit(1);
}

void
live_child_send_simple(uint32_t type)
{
	struct live_msg m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.first_ms = m.last_ms = -1;
	send_msg(&m);
}

/* The last message: why the stream ended.  Then the child exits. */
void
live_child_end(struct child *c, const char *fmt, ...)
{
	struct live_msg m;
	va_list ap;
	size_t i;

	memset(&m, 0, sizeof(m));
	m.type = LIVE_MSG_END;
	m.first_ms = m.last_ms = -1;
	if (the_child != NULL) {
		memcpy(m.dropped, the_child->pending.n, sizeof(m.dropped));
		m.dropped_bytes = the_child->pending.bytes;
	}
	va_start(ap, fmt);
	vsnprintf(m.error, sizeof(m.error), fmt, ap);
	va_end(ap);
	if (c != NULL && c->avlog[0] != '\0') {
		i = strlen(m.error);
		snprintf(m.error + i, sizeof(m.error) - i, " (%s)", c->avlog);
	}
	/* The parent takes printable ASCII only; so do we. */
	for (i = 0; m.error[i] != '\0'; i++)
		if (m.error[i] < 0x20 || m.error[i] > 0x7e)
			m.error[i] = '?';
	send_msg(&m);
	_exit(0);
}

static void
averr_text(int averr, char *buf, size_t len)
{
	if (av_strerror(averr, buf, len) < 0)
		snprintf(buf, len, "error %d", averr);
}

static void
read_request(struct live_req *r)
{
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(*r)) {
		n = read(STDIN_FILENO, (char *)r + got, sizeof(*r) - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			fatalx("request: %zu of %zu bytes", got, sizeof(*r));
		got += (size_t)n;
	}
	if (r->magic != LIVE_REQ_MAGIC || r->size != sizeof(*r) ||
	    r->mode < LIVE_PULL || r->mode > LIVE_LISTEN_SRT ||
	    r->segment_seconds == 0 ||
	    memchr(r->session, '\0', sizeof(r->session)) == NULL ||
	    memchr(r->url, '\0', sizeof(r->url)) == NULL ||
	    memchr(r->passphrase, '\0', sizeof(r->passphrase)) == NULL ||
	    memchr(r->cert, '\0', sizeof(r->cert)) == NULL ||
	    memchr(r->key, '\0', sizeof(r->key)) == NULL ||
	    memchr(r->ca, '\0', sizeof(r->ca)) == NULL ||
	    memchr(r->crl, '\0', sizeof(r->crl)) == NULL ||
	    memchr(r->camera, '\0', sizeof(r->camera)) == NULL ||
	    (r->mode == LIVE_LISTEN_TLS && (strncmp(r->url, "tls://", 6) !=
	    0 || r->camera[0] == '\0')))
		fatalx("request: malformed");
}

/*
 * Restriction.
 */

static int
is_srt(const struct live_req *r)
{
	return r->mode == LIVE_LISTEN_SRT || strncmp(r->url, "srt://", 6) == 0;
}

static struct scmp_arg_cmp
arg(unsigned n, enum scmp_compare op, scmp_datum_t a, scmp_datum_t b)
{
	struct scmp_arg_cmp c;

	c.arg = n;
	c.op = op;
	c.datum_a = a;
	c.datum_b = b;
	return c;
}

#define ALLOW(nr, ...)							\
	do {								\
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW,		\
		    SCMP_SYS(nr), __VA_ARGS__)) < 0)			\
			goto fail;					\
	} while (0)

#define DENY(nr, err, ...)						\
	do {								\
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err),	\
		    SCMP_SYS(nr), __VA_ARGS__)) < 0)			\
			goto fail;					\
	} while (0)

/*
 * What reading an open stream and writing segment files needs.  Socket
 * I/O is allowed on any descriptor (the child holds only the stream's),
 * but no socket can be made, bound, accepted or connected.
 */
static int
seccomp_live(void)
{
	scmp_filter_ctx ctx;
	int rc;

	if ((ctx = seccomp_init(LIVE_DEFAULT_ACTION)) == NULL) {
		errno = ENOMEM;
		return CUSTOS_ERR_SYSTEM;
	}
	/* Library threads (libsrt's) get the filter too. */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) < 0)
		goto fail;
	/* The stream. */
	ALLOW(read, 0);
	ALLOW(recvfrom, 0);
	ALLOW(recvmsg, 0);
	ALLOW(sendto, 0);	/* TLS alerts, SRT acknowledgements */
	ALLOW(sendmsg, 0);
	ALLOW(poll, 0);
	ALLOW(ppoll, 0);
	ALLOW(getsockopt, 0);
	ALLOW(setsockopt, 0);
	ALLOW(shutdown, 0);
	/* Segment files: created beneath the spool only (Landlock checks
	 * the path), written, synced, closed. */
	ALLOW(openat, 2, arg(0, SCMP_CMP_EQ, LIVE_SPOOL_FD, 0),
	    arg(2, SCMP_CMP_MASKED_EQ, O_CREAT | O_EXCL, O_CREAT | O_EXCL));
	DENY(openat, EACCES, 1, arg(0, SCMP_CMP_NE, LIVE_SPOOL_FD, 0));
	DENY(open, EACCES, 0);
	ALLOW(write, 0);
	ALLOW(writev, 0);
	ALLOW(fsync, 0);
	ALLOW(close, 0);
	ALLOW(fstat, 0);
	ALLOW(newfstatat, 1, arg(3, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH,
	    AT_EMPTY_PATH));
	ALLOW(lseek, 0);
	/* Memory, never executable. */
	ALLOW(brk, 0);
	ALLOW(mmap, 1, arg(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	ALLOW(mprotect, 1, arg(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	ALLOW(munmap, 0);
	ALLOW(mremap, 0);
	ALLOW(madvise, 0);
	/* Locks, clocks, sleeps, randomness (TLS), signals. */
	ALLOW(futex, 0);
	ALLOW(clock_gettime, 0);
	ALLOW(gettimeofday, 0);
	ALLOW(clock_nanosleep, 0);
	ALLOW(nanosleep, 0);
	ALLOW(getrandom, 0);
	ALLOW(getpid, 0);
	ALLOW(gettid, 0);
	ALLOW(rt_sigreturn, 0);
	ALLOW(rt_sigprocmask, 0);
	ALLOW(sched_yield, 0);
	/* libsrt's threads: their names (for its log) and their own
	 * epoll over the sockets they already have. */
	ALLOW(prctl, 1, arg(0, SCMP_CMP_EQ, PR_GET_NAME, 0));
	ALLOW(prctl, 1, arg(0, SCMP_CMP_EQ, PR_SET_NAME, 0));
	ALLOW(epoll_wait, 0);
	/* libsrt starts a thread per connection once it is up: threads
	 * only (CLONE_THREAD), never a process.  clone3 hides its flags
	 * from the filter; ENOSYS makes glibc fall back to clone. */
	DENY(clone3, ENOSYS, 0);
	ALLOW(clone, 1, arg(0, SCMP_CMP_MASKED_EQ, CLONE_THREAD,
	    CLONE_THREAD));
	ALLOW(set_robust_list, 0);
	ALLOW(rseq, 0);
	ALLOW(sigaltstack, 0);
	ALLOW(sched_getaffinity, 0);
	ALLOW(epoll_pwait, 0);
	ALLOW(epoll_ctl, 0);
	ALLOW(select, 0);
	ALLOW(pselect6, 0);
	ALLOW(exit, 0);
	ALLOW(exit_group, 0);
	if ((rc = seccomp_load(ctx)) < 0)
		goto fail;
	seccomp_release(ctx);
	return 0;
fail:
	seccomp_release(ctx);
	errno = -rc;
	return CUSTOS_ERR_SYSTEM;
}

static int
restrict_self(const struct live_req *r)
{
	struct rlimit rl;
	int rc;

	/*
	 * No new process.  libsrt starts threads after the connection, and
	 * RLIMIT_NPROC counts threads, so SRT sources rely on the seccomp
	 * filter alone, which allows clone only with CLONE_THREAD.
	 */
	rl.rlim_cur = rl.rlim_max = 0;
	if (!is_srt(r) && setrlimit(RLIMIT_NPROC, &rl) == -1)
		return CUSTOS_ERR_SYSTEM;
	if (getrlimit(RLIMIT_FSIZE, &rl) == -1)
		return CUSTOS_ERR_SYSTEM;
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > LIVE_FSIZE_MAX)
		rl.rlim_max = LIVE_FSIZE_MAX;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
		return CUSTOS_ERR_SYSTEM;
	if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR)
		return CUSTOS_ERR_SYSTEM;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return CUSTOS_ERR_SYSTEM;
	if ((rc = sandbox_landlock(LIVE_SPOOL_FD)) != 0)
		return rc;
	return seccomp_live();
}

/*
 * Segments.
 */

static int
seg_write(void *opaque, uint8_t *buf, int n)
{
	struct segment *s = opaque;
	ssize_t w;
	int off = 0;

	while (off < n) {
		w = write(s->fd, buf + off, (size_t)(n - off));
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1) {
			s->werr = errno;
			return AVERROR(errno);
		}
		off += (int)w;
	}
	s->bytes += (uint64_t)n;
	return n;
}

static int64_t
ms_of(const AVPacket *pkt, AVRational tb)
{
	int64_t ts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;

	if (ts == AV_NOPTS_VALUE)
		return -1;
	ts = av_rescale_q(ts, tb, (AVRational){ 1, 1000 });
	return ts < 0 ? -1 : ts;
}

static int
seg_open(struct child *c)
{
	struct segment *s = &c->seg;
	char name[96];
	unsigned char *buf;
	unsigned i;
	int ret;

	memset(s, 0, sizeof(*s));
	s->seq = c->next_seq;
	s->first_ms = s->last_ms = -1;
	/* The first segment of a session also answers for what was dropped
	 * before it. */
	s->dropped = c->pending;
	memset(&c->pending, 0, sizeof(c->pending));
	clock_gettime(CLOCK_MONOTONIC, &s->opened);
	/* Set by the reference stream's first packet (write_packet()). */
	s->start_us = AV_NOPTS_VALUE;
	if (live_spool_name(c->req.session, s->seq, name, sizeof(name)) != 0)
		live_child_end(c, "segment name too long");
	if ((s->fd = openat(LIVE_SPOOL_FD, name, O_WRONLY | O_CREAT |
	    O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640)) == -1)
		live_child_end(c, "segment %s: %s", name, strerror(errno));
	if ((buf = av_malloc(AVIO_BUFSZ)) == NULL ||
	    (s->pb = avio_alloc_context(buf, AVIO_BUFSZ, 1, s, NULL,
	    seg_write, NULL)) == NULL)
		live_child_end(c, "out of memory");
	if (avformat_alloc_output_context2(&s->oc, NULL, "mpegts", NULL) < 0)
		live_child_end(c, "mpegts muxer missing");
	s->oc->pb = s->pb;
	s->oc->flags |= AVFMT_FLAG_CUSTOM_IO;
	/*
	 * The session in the MPEG-TS service description: two sessions that
	 * carry the same packets (a camera that replays a test pattern)
	 * still make distinct files, each naming the session it came from.
	 * The packets themselves are copied unchanged.
	 */
	if (av_dict_set(&s->oc->metadata, "service_provider", "custos", 0) <
	    0 || av_dict_set(&s->oc->metadata, "service_name",
	    c->req.session, 0) < 0)
		live_child_end(c, "out of memory");
	for (i = 0; i < c->nmap; i++) {
		AVStream *in = c->ic->streams[i], *out;

		if (c->map[i] < 0)
			continue;
		if ((out = avformat_new_stream(s->oc, NULL)) == NULL ||
		    avcodec_parameters_copy(out->codecpar, in->codecpar) < 0)
			live_child_end(c, "out of memory");
		out->codecpar->codec_tag = 0;
		out->time_base = in->time_base;
	}
	if ((ret = avformat_write_header(s->oc, NULL)) < 0) {
		char e[AV_ERROR_MAX_STRING_SIZE];

		averr_text(ret, e, sizeof(e));
		live_child_end(c, "segment %u header: %s", s->seq, e);
	}
	c->next_seq++;
	return 0;
}

/* Closes the open segment and reports it; the file is whole on disk. */
static void
seg_close(struct child *c)
{
	struct segment *s = &c->seg;
	struct live_msg m;

	if (s->oc == NULL)
		return;
	(void)av_write_trailer(s->oc);
	avio_flush(s->pb);
	(void)fsync(s->fd);
	(void)close(s->fd);
	avformat_free_context(s->oc);
	av_freep(&s->pb->buffer);
	avio_context_free(&s->pb);
	s->oc = NULL;
	memset(&m, 0, sizeof(m));
	m.type = LIVE_MSG_SEGMENT;
	m.seq = s->seq;
	m.packets = s->packets;
	m.bytes = s->bytes;
	m.first_ms = s->first_ms;
	m.last_ms = s->last_ms >= s->first_ms ? s->last_ms : s->first_ms;
	memcpy(m.dropped, s->dropped.n, sizeof(m.dropped));
	m.dropped_bytes = s->dropped.bytes;
	send_msg(&m);
}

/*
 * Whether pkt starts a new segment: a keyframe of the reference stream
 * segment_seconds of stream time after the segment's start, or any of
 * its packets when the stream's clock went backwards (a wrap or a
 * discontinuity), or when no keyframe came for three segments' worth of
 * both station and stream time (ten of station time alone), so no file
 * grows without bound.  Both clocks: a stream that stalls (a camera gone
 * silent until the read times out) advances only the station's, and the
 * packets it then delivers are no reason to begin a file without a
 * keyframe.  Without a stream clock, station time alone decides.
 */
static int
cut_here(struct child *c, const AVPacket *pkt)
{
	struct segment *s = &c->seg;
	AVStream *st = c->ic->streams[pkt->stream_index];
	struct timespec now;
	int64_t t, held, secs = c->req.segment_seconds;
	int64_t want = secs * 1000000;

	if (s->oc == NULL)
		return 1;
	if (pkt->stream_index != c->ref)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	held = (int64_t)(now.tv_sec - s->opened.tv_sec);
	if (pkt->dts == AV_NOPTS_VALUE || s->start_us == AV_NOPTS_VALUE)
		return held >= 3 * secs;
	t = av_rescale_q(pkt->dts, st->time_base, AV_TIME_BASE_Q);
	if (t < s->start_us)
		return 1;
	if ((pkt->flags & AV_PKT_FLAG_KEY) != 0)
		return t - s->start_us >= want;
	return (held >= 3 * secs && t - s->start_us >= 3 * want) ||
	    held >= 10 * secs;
}

/*
 * Writes pkt into the open segment, or into a new one where the stream is
 * cut.  Returns 0, or the libavformat error of a write that failed (pkt
 * is then blank).
 */
static int
write_packet(struct child *c, AVPacket *pkt)
{
	struct segment *s = &c->seg;
	AVStream *in = c->ic->streams[pkt->stream_index];
	int64_t ms = ms_of(pkt, in->time_base);
	int ret;

	if (cut_here(c, pkt)) {
		seg_close(c);
		seg_open(c);
	}
	if (s->start_us == AV_NOPTS_VALUE && pkt->stream_index == c->ref &&
	    pkt->dts != AV_NOPTS_VALUE)
		s->start_us = av_rescale_q(pkt->dts, in->time_base,
		    AV_TIME_BASE_Q);
	if (ms >= 0) {
		if (s->first_ms < 0 || ms < s->first_ms)
			s->first_ms = ms;
		if (ms > s->last_ms)
			s->last_ms = ms;
	}
	pkt->stream_index = c->map[pkt->stream_index];
	av_packet_rescale_ts(pkt, in->time_base,
	    s->oc->streams[pkt->stream_index]->time_base);
	pkt->pos = -1;
	if ((ret = av_interleaved_write_frame(s->oc, pkt)) < 0)
		return ret;
	s->packets++;
	return 0;
}

/* Counts a packet of size bytes left out of the file: in the open
 * segment, or in the first one to come. */
static void
count_drop(struct child *c, enum live_drop why, int size)
{
	struct drops *d = c->seg.oc != NULL ? &c->seg.dropped : &c->pending;

	d->n[why]++;
	d->bytes += (uint64_t)(size > 0 ? size : 0);
}

static void
drop(struct child *c, AVPacket *pkt, enum live_drop why)
{
	count_drop(c, why, pkt->size);
	av_packet_unref(pkt);
}

/*
 * The stream has ended (or its file cannot grow): what is still held may
 * be cut short, since the demuxer hands out what it has when its input
 * stops, and is left out; the open segment is closed and reported.
 */
static void
finish(struct child *c)
{
	unsigned i;

	for (i = 0; c->track != NULL && i < c->nmap; i++) {
		if (!c->track[i].holding)
			continue;
		c->track[i].holding = 0;
		drop(c, c->track[i].held, LIVE_DROP_TRUNCATED);
	}
	seg_close(c);
}

/*
 * A held packet without timestamps gets the decode time of the next
 * packet of its stream less its duration, when that lies after the last
 * packet written: libavformat's RTSP demuxer gives none to the first
 * frame its parser puts together, which would otherwise not count in the
 * segment's length and be given a time by the muxer's guess.
 */
static void
fill_dts(struct child *c, unsigned i, const AVPacket *next)
{
	struct track *t = &c->track[i];
	AVStream *st = c->ic->streams[i];
	int64_t dur;

	if (!t->holding || t->held->dts != AV_NOPTS_VALUE ||
	    t->held->pts != AV_NOPTS_VALUE || next->dts == AV_NOPTS_VALUE)
		return;
	dur = t->held->duration > 0 ? t->held->duration : next->duration;
	if (dur <= 0 && st->avg_frame_rate.num > 0 &&
	    st->avg_frame_rate.den > 0)
		dur = av_rescale_q(1, av_inv_q(st->avg_frame_rate),
		    st->time_base);
	if (dur <= 0 || next->dts < INT64_MIN + dur)
		return;
	if (t->last_dts != AV_NOPTS_VALUE && next->dts - dur <= t->last_dts)
		return;
	t->held->dts = next->dts - dur;
}

/*
 * H.264 parameter sets.  A decoder needs the SPS and PPS before the first
 * keyframe of a file, and an RTSP camera may send them only in its
 * session description (sprop-parameter-sets), which libavformat turns
 * into the stream's extradata.  The MPEG-TS muxer puts the extradata
 * before a keyframe that has none, but not when the access unit begins
 * with a delimiter (AUD): so the child does, after the delimiter.
 */
#define H264_NAL_SPS	7
#define H264_NAL_AUD	9

/* The next Annex B start code in [p, end) with a NAL header byte after
 * it: a pointer to that header byte, or NULL. */
static const uint8_t *
nal_next(const uint8_t *p, const uint8_t *end)
{
	for (; end - p > 3; p++)
		if (p[0] == 0 && p[1] == 0 && p[2] == 1)
			return p + 3;
	return NULL;
}

/* Whether the Annex B data [p, p + n) holds an H.264 NAL of type. */
static int
nal_has(const uint8_t *p, size_t n, int type)
{
	const uint8_t *end = p + n, *q;

	for (q = nal_next(p, end); q != NULL; q = nal_next(q, end))
		if ((*q & 0x1f) == type)
			return 1;
	return 0;
}

/* Takes a copy of the parameter sets of stream i from its extradata as
 * the stream begins: Annex B (a start code first) with an SPS, else
 * none. */
static void
ps_init(struct child *c, unsigned i)
{
	AVCodecParameters *par = c->ic->streams[i]->codecpar;
	const uint8_t *x = par->extradata;
	uint8_t *copy;
	int n = par->extradata_size;

	if (par->codec_id != AV_CODEC_ID_H264 || x == NULL || n < 4)
		return;
	if (!(x[0] == 0 && x[1] == 0 && (x[2] == 1 ||
	    (x[2] == 0 && x[3] == 1))))
		return;
	if (!nal_has(x, (size_t)n, H264_NAL_SPS))
		return;
	if ((copy = av_memdup(x, (size_t)n)) == NULL)
		live_child_end(c, "out of memory");
	c->track[i].ps = copy;
	c->track[i].ps_len = n;
}

/*
 * Puts the parameter sets of stream i before the H.264 keyframe pkt if it
 * has no SPS: after its access unit delimiter if it begins with one, else
 * at its start.
 */
static void
ps_insert(struct child *c, unsigned i, AVPacket *pkt)
{
	const struct track *t = &c->track[i];
	const uint8_t *d = pkt->data, *end = pkt->data + pkt->size, *q;
	AVBufferRef *b;
	size_t at = 0, n;

	if (t->ps == NULL || (pkt->flags & AV_PKT_FLAG_KEY) == 0 ||
	    pkt->size <= 0 || nal_has(d, (size_t)pkt->size, H264_NAL_SPS))
		return;
	q = nal_next(d, end);
	if (q != NULL && q - d <= 4 && (*q & 0x1f) == H264_NAL_AUD) {
		/* The delimiter ends where the next start code begins. */
		q = nal_next(q, end);
		at = q != NULL ? (size_t)(q - 3 - d) : (size_t)pkt->size;
	}
	n = (size_t)pkt->size + (size_t)t->ps_len;
	if (n > INT_MAX - AV_INPUT_BUFFER_PADDING_SIZE ||
	    (b = av_buffer_alloc(n + AV_INPUT_BUFFER_PADDING_SIZE)) == NULL)
		live_child_end(c, "out of memory");
	memcpy(b->data, d, at);
	memcpy(b->data + at, t->ps, (size_t)t->ps_len);
	memcpy(b->data + at + t->ps_len, d + at, (size_t)pkt->size - at);
	memset(b->data + n, 0, AV_INPUT_BUFFER_PADDING_SIZE);
	av_buffer_unref(&pkt->buf);
	pkt->buf = b;
	pkt->data = b->data;
	pkt->size = (int)n;
}

/* Writes the packet held for stream i: the next one has shown its end. */
static void
release(struct child *c, unsigned i)
{
	struct track *t = &c->track[i];
	char e[AV_ERROR_MAX_STRING_SIZE];
	uint32_t seq;
	int64_t dts;
	int size, ret, werr;

	if (!t->holding)
		return;
	t->holding = 0;
	av_packet_move_ref(c->out, t->held);
	size = c->out->size;
	dts = c->out->dts;
	ps_insert(c, i, c->out);
	if ((ret = write_packet(c, c->out)) == 0) {
		if (dts != AV_NOPTS_VALUE)
			t->last_dts = dts;
		return;
	}
	/* The file cannot take it: the stream ends with what was written,
	 * and this packet is counted as not written whole. */
	av_packet_unref(c->out);
	count_drop(c, LIVE_DROP_TRUNCATED, size);
	averr_text(ret, e, sizeof(e));
	seq = c->seg.seq;
	werr = c->seg.werr;
	finish(c);
	live_child_end(c, "writing segment %u: %s", seq,
	    werr != 0 ? strerror(werr) : e);
}

/*
 * Takes one packet read from the stream (pkt is blank on return).  A
 * packet is written only once the next packet of its stream has come,
 * which shows it ended.  Left out and counted: packets flagged corrupt
 * and the packet of their stream after them (libavformat's parsers mark
 * a frame's damage on the frame before it), and video that cannot be
 * decoded from what the file holds: before its stream's first keyframe
 * and after a packet of its stream was left out, up to the next keyframe.
 */
static void
take_packet(struct child *c, AVPacket *pkt)
{
	unsigned i = (unsigned)pkt->stream_index;
	struct track *t = &c->track[i];
	int corrupt = (pkt->flags & AV_PKT_FLAG_CORRUPT) != 0;

	fill_dts(c, i, pkt);
	if (corrupt || t->suspect) {
		release(c, i);
		drop(c, pkt, LIVE_DROP_CORRUPT);
		t->suspect = corrupt;
		t->need_key = t->video;
		return;
	}
	if (t->need_key) {
		if ((pkt->flags & AV_PKT_FLAG_KEY) == 0) {
			drop(c, pkt, LIVE_DROP_BEFORE_KEYFRAME);
			return;
		}
		t->need_key = 0;
	}
	release(c, i);
	av_packet_move_ref(t->held, pkt);
	t->holding = 1;
}

/*
 * The stream.
 */

static AVDictionary *
protocol_options(const struct live_req *r)
{
	AVDictionary *o = NULL;

	av_dict_set(&o, "rw_timeout", LIVE_RW_TIMEOUT_US, 0);
	switch (r->mode) {
	case LIVE_LISTEN_TCP:
		av_dict_set(&o, "listen", "1", 0);
		break;
	case LIVE_LISTEN_SRT:
		av_dict_set(&o, "mode", "listener", 0);
		if (r->passphrase[0] != '\0')
			av_dict_set(&o, "passphrase", r->passphrase, 0);
		break;
	case LIVE_PULL:
		if (strncmp(r->url, "srt:", 4) == 0 && r->passphrase[0] != '\0')
			av_dict_set(&o, "passphrase", r->passphrase, 0);
		break;
	}
	return o;
}

static int
is_rtsp(const char *url)
{
	return strncmp(url, "rtsp://", 7) == 0 ||
	    strncmp(url, "rtsps://", 8) == 0;
}

/* Opens the source: for a listener this waits until the camera comes. */
static void
open_source(struct child *c, AVIOInterruptCB *icb)
{
	AVDictionary *o = NULL;
	char e[AV_ERROR_MAX_STRING_SIZE];
	int ret;

	if ((c->ic = avformat_alloc_context()) == NULL)
		live_child_end(c, "out of memory");
	c->ic->interrupt_callback = *icb;
	if (c->req.mode == LIVE_PULL && is_rtsp(c->req.url)) {
		av_dict_set(&o, "rtsp_transport", "tcp", 0);
		av_dict_set(&o, "timeout", LIVE_RW_TIMEOUT_US, 0);
		ret = avformat_open_input(&c->ic, c->req.url, NULL, &o);
		av_dict_free(&o);
		if (ret < 0) {
			averr_text(ret, e, sizeof(e));
			live_child_end(c, "%s", stopping ? "stopped" : e);
		}
		return;
	}
	if (c->req.mode == LIVE_LISTEN_TLS) {
		live_tls_open(c);
		return;
	}
	o = protocol_options(&c->req);
	ret = avio_open2(&c->in, c->req.url, AVIO_FLAG_READ, icb, &o);
	av_dict_free(&o);
	if (ret < 0) {
		averr_text(ret, e, sizeof(e));
		live_child_end(c, "%s", stopping ? "stopped" : e);
	}
	c->ic->pb = c->in;
}

/* Demuxes the start of the stream and maps its audio and video. */
static void
open_demuxer(struct child *c)
{
	char e[AV_ERROR_MAX_STRING_SIZE];
	unsigned i;
	int ret, out = 0;

	c->ic->probesize = LIVE_PROBESIZE;
	c->ic->max_analyze_duration = LIVE_ANALYZE_US;
	if (c->in != NULL) {
		/* Only the stream: no playlists, no second URL. */
		c->ic->protocol_whitelist = av_strdup("tcp,tls,srt");
		if ((ret = avformat_open_input(&c->ic, NULL, NULL, NULL)) < 0) {
			averr_text(ret, e, sizeof(e));
			live_child_end(c, "%s", stopping ? "stopped" : e);
		}
	}
	if ((ret = avformat_find_stream_info(c->ic, NULL)) < 0) {
		averr_text(ret, e, sizeof(e));
		live_child_end(c, "%s", stopping ? "stopped" : e);
	}
	c->nmap = c->ic->nb_streams;
	if ((c->map = calloc(c->nmap > 0 ? c->nmap : 1, sizeof(int))) == NULL)
		live_child_end(c, "out of memory");
	c->ref = -1;
	for (i = 0; i < c->nmap; i++) {
		enum AVMediaType t = c->ic->streams[i]->codecpar->codec_type;

		c->map[i] = -1;
		if (t != AVMEDIA_TYPE_VIDEO && t != AVMEDIA_TYPE_AUDIO)
			continue;
		c->map[i] = out++;
		if (t == AVMEDIA_TYPE_VIDEO && (c->ref < 0 ||
		    c->ic->streams[c->ref]->codecpar->codec_type !=
		    AVMEDIA_TYPE_VIDEO))
			c->ref = (int)i;
		else if (c->ref < 0)
			c->ref = (int)i;
	}
	if (c->ref < 0)
		live_child_end(c, "no audio or video stream");
	if ((c->track = calloc(c->nmap, sizeof(*c->track))) == NULL ||
	    (c->out = av_packet_alloc()) == NULL)
		live_child_end(c, "out of memory");
	for (i = 0; i < c->nmap; i++) {
		if (c->map[i] < 0)
			continue;
		if ((c->track[i].held = av_packet_alloc()) == NULL)
			live_child_end(c, "out of memory");
		/* Video is written from a keyframe on: what comes before it
		 * refers to frames this session never received. */
		c->track[i].video = c->ic->streams[i]->codecpar->codec_type ==
		    AVMEDIA_TYPE_VIDEO;
		c->track[i].need_key = c->track[i].video;
		c->track[i].last_dts = AV_NOPTS_VALUE;
		ps_init(c, i);
	}
}

static void	run(struct child *) __attribute__((noreturn));

/* Copies the stream into segments until it ends; reports and exits. */
static void
run(struct child *c)
{
	AVPacket *pkt;
	char e[AV_ERROR_MAX_STRING_SIZE];
	int ret;

	if ((pkt = av_packet_alloc()) == NULL)
		live_child_end(c, "out of memory");
	for (;;) {
		c->avlog[0] = '\0';
		if ((ret = av_read_frame(c->ic, pkt)) < 0)
			break;
		if ((unsigned)pkt->stream_index >= c->nmap ||
		    c->map[pkt->stream_index] < 0) {
			av_packet_unref(pkt);
			continue;
		}
		take_packet(c, pkt);
	}
	finish(c);
	if (stopping)
		live_child_end(NULL, "stopped");
	if (ret == AVERROR_EOF)
		live_child_end(NULL, "end of stream");
	averr_text(ret, e, sizeof(e));
	live_child_end(c, "%s", e);
}

void
live_child_main(void)
{
	static struct child c;
	AVIOInterruptCB icb = { interrupted, NULL };
	struct sigaction sa;
	sigset_t none;
	int sig, rc;

	/* 0. Die with the daemon: a custosd killed with SIGKILL must not
	 * leave a stream being recorded unsupervised.  The spool keeps
	 * what was written; the next start seals it. */
	if ((rc = sandbox_parent_death(0)) == CUSTOS_ERR_NOTFOUND)
		_exit(1);
	if (rc != 0)
		fatal("parent-death signal");
	read_request(&c.req);
	the_child = &c;
	av_log_set_callback(avlog_cb);

	/* 1. Load what would load lazily once files are out of reach. */
	tzset();
	(void)av_cpu_count();
	(void)av_get_cpu_flags();
	if (avformat_network_init() < 0)
		fatalx("network init");
	if (fcntl(LIVE_SPOOL_FD, F_GETFL) == -1)
		fatal("no spool directory on fd %d", LIVE_SPOOL_FD);

	/* 2. Drop supplementary groups (EPERM: we are not root). */
	if (setgroups(0, NULL) == -1 && errno != EPERM)
		fatal("setgroups");

	/* 3. Default signal handlers; SIGTERM ends the stream cleanly. */
	for (sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1)
		fatal("sigaction");
	(void)signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) == -1)
		fatal("sigprocmask");

	/* Open the source: the one step that needs the network.  A tls://
	 * listener says LISTENING once it is bound; libavformat's listeners
	 * bind and wait in one call, so for them it comes just before. */
	if (c.req.mode != LIVE_LISTEN_TLS)
		live_child_send_simple(LIVE_MSG_LISTENING);
	open_source(&c, &icb);
	live_child_send_simple(LIVE_MSG_CONNECTED);

	/* 4. Restrict, then 5-7: demux, write segments, report. */
	if ((rc = restrict_self(&c.req)) != 0) {
		log_warnx_r(rc, "sandbox");
		live_child_end(NULL, "sandbox: %s", strerror(errno));
	}
	open_demuxer(&c);
	run(&c);
}
