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
 * "ffmpeg -c copy" does) into one MPEG-TS file per segment in its spool
 * directory, which it reaches only through fd 3, and reports each closed
 * file with one struct live_msg on stdout.
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
#include <libavutil/cpu.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/mathematics.h>

#include "custos/err.h"
#include "custos/sandbox.h"
#include "live.h"
#include "live_int.h"
#include "log.h"

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

static struct child *avlog_child;

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
	struct child *c = avlog_child;
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
seg_open(struct child *c, const AVPacket *pkt)
{
	struct segment *s = &c->seg;
	char name[96];
	unsigned char *buf;
	unsigned i;
	int ret;

	memset(s, 0, sizeof(*s));
	s->seq = c->next_seq;
	s->first_ms = s->last_ms = -1;
	clock_gettime(CLOCK_MONOTONIC, &s->opened);
	s->start_us = pkt->dts != AV_NOPTS_VALUE ? av_rescale_q(pkt->dts,
	    c->ic->streams[pkt->stream_index]->time_base, AV_TIME_BASE_Q) :
	    AV_NOPTS_VALUE;
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
	send_msg(&m);
}

/*
 * Whether pkt starts a new segment: a keyframe of the reference stream
 * segment_seconds of stream time after the segment's start, or any of
 * its packets when the stream's clock went backwards (a wrap or a
 * discontinuity) or when three segments' worth of station time passed
 * without a keyframe, so no file grows without bound.
 */
static int
cut_here(struct child *c, const AVPacket *pkt)
{
	struct segment *s = &c->seg;
	AVStream *st = c->ic->streams[pkt->stream_index];
	struct timespec now;
	int64_t t, want = (int64_t)c->req.segment_seconds * 1000000;
	int key;

	if (s->oc == NULL)
		return 1;
	if (pkt->stream_index != c->ref)
		return 0;
	key = (pkt->flags & AV_PKT_FLAG_KEY) != 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((int64_t)(now.tv_sec - s->opened.tv_sec) >=
	    3 * (int64_t)c->req.segment_seconds)
		return 1;
	if (!key || pkt->dts == AV_NOPTS_VALUE ||
	    s->start_us == AV_NOPTS_VALUE)
		return 0;
	t = av_rescale_q(pkt->dts, st->time_base, AV_TIME_BASE_Q);
	return t - s->start_us >= want || t < s->start_us;
}

static void
copy_packet(struct child *c, AVPacket *pkt)
{
	struct segment *s = &c->seg;
	AVStream *in = c->ic->streams[pkt->stream_index];
	char e[AV_ERROR_MAX_STRING_SIZE];
	int64_t ms = ms_of(pkt, in->time_base);
	int ret;

	if (cut_here(c, pkt)) {
		seg_close(c);
		seg_open(c, pkt);
	}
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
	if ((ret = av_interleaved_write_frame(s->oc, pkt)) < 0) {
		averr_text(ret, e, sizeof(e));
		seg_close(c);
		live_child_end(c, "writing segment %u: %s", s->seq,
		    s->werr != 0 ? strerror(s->werr) : e);
	}
	s->packets++;
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
		copy_packet(c, pkt);
		av_packet_unref(pkt);
	}
	seg_close(c);
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

	read_request(&c.req);
	avlog_child = &c;
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
