/*
 * probe: the media child and the parent's side of it (probe.h).
 *
 * The child is custosd started again with -P: it alone links libavformat
 * into a process that touches untrusted bytes, and only after
 * sandbox_enter().  The parent never looks at media; it checks the one
 * fixed-layout answer and turns everything else (a signal, an exit
 * status, silence, garbage) into CRASHED, TIMEOUT or FAILED.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/cpu.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>

#include "custos/calendar.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "custos/merkle.h"
#include "custos/utf8.h"
#include "log.h"
#include "probe.h"
#include "sandbox.h"

#define AVIO_BUFSZ	65536
/* Bounds of avformat_find_stream_info(): FFmpeg's defaults, made explicit
 * so a change of defaults does not change how far the child reads ahead. */
#define PROBE_PROBESIZE	5000000
#define PROBE_ANALYZE_US	5000000

_Static_assert(sizeof(struct probe_result) % 8 == 0,
    "struct probe_result has no tail padding to leak");

const char *
probe_status_name(int status)
{
	switch (status) {
	case PROBE_OK:
		return "ok";
	case PROBE_NOT_MEDIA:
		return "not_media";
	case PROBE_DAMAGED:
		return "damaged";
	case PROBE_CRASHED:
		return "crashed";
	case PROBE_TIMEOUT:
		return "timeout";
	case PROBE_FAILED:
		return "failed";
	}
	return "unknown";
}

/*
 * Result checking, shared by both sides: the child runs it on its own
 * answer before sending it, the parent on what it received.
 */

/*
 * Length of the valid UTF-8 sequence at s (n bytes left), or 0 if there is
 * none or it is a C1 control (U+0080..U+009F), which a terminal may act
 * on as it would on an ASCII control.
 */
static size_t
text_seq(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if ((len = utf8_seq(s, n, &cp)) == 0 || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return len;
}

/*
 * Fails unless buf holds a NUL; then replaces every byte before it that is
 * a control character or not part of valid UTF-8 with '?', and zeroes the
 * bytes after it, so equal strings are equal arrays.
 */
static int
clean_string(char *buf, size_t size)
{
	unsigned char *s = (unsigned char *)buf;
	size_t len, i, n;

	if ((len = strnlen(buf, size)) == size)
		return CUSTOS_ERR_FORMAT;
	for (i = 0; i < len; i += n) {
		if (s[i] < 0x20 || s[i] == 0x7f ||
		    (n = text_seq(s + i, len - i)) == 0) {
			s[i] = '?';
			n = 1;
		}
	}
	memset(s + len, 0, size - len);
	return 0;
}

int
probe_result_check(struct probe_result *r, size_t len)
{
	uint32_t i;

	if (len != sizeof(*r) || r->magic != PROBE_MAGIC ||
	    r->size != sizeof(*r))
		return CUSTOS_ERR_FORMAT;
	if (r->status != PROBE_OK && r->status != PROBE_NOT_MEDIA &&
	    r->status != PROBE_DAMAGED)
		return CUSTOS_ERR_FORMAT;
	if (r->nstreams > PROBE_MAX_STREAMS)
		return CUSTOS_ERR_FORMAT;
	/* -1 is "unknown"; the child never sends other negative values. */
	if (r->duration_ms < -1 || r->start_ms < -1)
		return CUSTOS_ERR_FORMAT;
	if (clean_string(r->container, sizeof(r->container)) != 0 ||
	    clean_string(r->error, sizeof(r->error)) != 0)
		return CUSTOS_ERR_FORMAT;
	for (i = 0; i < PROBE_MAX_STREAMS; i++) {
		struct probe_stream *st = &r->streams[i];

		if (i >= r->nstreams) {
			memset(st, 0, sizeof(*st));
			continue;
		}
		if (clean_string(st->kind, sizeof(st->kind)) != 0 ||
		    clean_string(st->codec, sizeof(st->codec)) != 0)
			return CUSTOS_ERR_FORMAT;
	}
	return 0;
}

/*
 * The child's demux core.
 */

/* The last error-level message libavformat logged, for the error text. */
static char avlog_last[96];

static void
avlog_capture(void *avcl, int level, const char *fmt, va_list ap)
{
	size_t n;

	(void)avcl;
	if (level > AV_LOG_ERROR)
		return;
	vsnprintf(avlog_last, sizeof(avlog_last), fmt, ap);
	n = strlen(avlog_last);
	while (n > 0 && (avlog_last[n - 1] == '\n' || avlog_last[n - 1] == ' '))
		avlog_last[--n] = '\0';
}

struct mediaio {
	int		 fd;
	int		 seekable;
	int64_t		 size;		/* -1 if unknown */
	int64_t		 pos;		/* pread offset when seekable */
};

static int
io_read(void *opaque, uint8_t *buf, int n)
{
	struct mediaio *m = opaque;
	ssize_t r;

	do {
		if (m->seekable)
			r = pread(m->fd, buf, (size_t)n, m->pos);
		else
			r = read(m->fd, buf, (size_t)n);
	} while (r == -1 && errno == EINTR);
	if (r == -1)
		return AVERROR(errno);
	if (r == 0)
		return AVERROR_EOF;
	m->pos += r;
	return (int)r;
}

static int64_t
io_seek(void *opaque, int64_t off, int whence)
{
	struct mediaio *m = opaque;
	int64_t base;

	if (whence & AVSEEK_SIZE)
		return m->size >= 0 ? m->size : AVERROR(ENOSYS);
	switch (whence & ~AVSEEK_FORCE) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = m->pos;
		break;
	case SEEK_END:
		if (m->size < 0)
			return AVERROR(ENOSYS);
		base = m->size;
		break;
	default:
		return AVERROR(EINVAL);
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return AVERROR(EINVAL);
	m->pos = base + off;
	return m->pos;
}

/* Demuxers that would open another file or URL (playlists, references)
 * get a refusal instead: the child reads its one descriptor only. */
static int
io_open_denied(struct AVFormatContext *s, AVIOContext **pb, const char *url,
    int flags, AVDictionary **options)
{
	(void)s;
	(void)pb;
	(void)url;
	(void)flags;
	(void)options;
	return AVERROR(EPERM);
}

/* Copies src into dst of size, cut short if need be, NUL-terminated. */
static void
copy_str(char *dst, size_t size, const char *src)
{
	size_t n = src != NULL ? strnlen(src, size - 1) : 0;

	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

static void
set_error(struct probe_result *res, const char *what, int averr)
{
	char buf[AV_ERROR_MAX_STRING_SIZE], text[256];

	av_strerror(averr, buf, sizeof(buf));
	if (avlog_last[0] != '\0' && strcmp(avlog_last, buf) != 0)
		snprintf(text, sizeof(text), "%s: %s (%s)", what, buf,
		    avlog_last);
	else
		snprintf(text, sizeof(text), "%s: %s", what, buf);
	/* Cut to the field; the start says the most. */
	copy_str(res->error, sizeof(res->error), text);
}

static int
digits(const char **sp, int n, int *out)
{
	const char *s = *sp;
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*sp = s + n;
	*out = v;
	return 0;
}

/*
 * Parses an ISO 8601 date and time as libavformat writes creation_time
 * ("2026-11-26T01:02:03.000000Z"; also a space for the T, no fraction, a
 * +hh:mm offset, or no zone, which libavformat means as UTC) into Unix
 * milliseconds.  Returns -1 for anything else and for times before 1970,
 * which no camera records honestly and which would collide with "none".
 * Our own arithmetic, not timegm(): glibc's would open /etc/localtime.
 */
static int64_t
parse_iso8601_ms(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, mo, d, h, mi, sec, ms = 0, oh = 0, om = 0, sign = 0, i;
	int64_t t;

	if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) ||
	    *s++ != '-' || digits(&s, 2, &d) || (*s != 'T' && *s != ' '))
		return -1;
	s++;
	if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi) ||
	    *s++ != ':' || digits(&s, 2, &sec))
		return -1;
	if (*s == '.') {
		s++;
		for (i = 0; *s >= '0' && *s <= '9'; s++, i++)
			if (i < 3)
				ms = ms * 10 + (*s - '0');
		if (i == 0)
			return -1;
		for (; i < 3; i++)
			ms *= 10;
	}
	if (*s == 'Z')
		s++;
	else if (*s == '+' || *s == '-') {
		sign = *s++ == '-' ? -1 : 1;
		if (digits(&s, 2, &oh))
			return -1;
		if (*s == ':')
			s++;
		if (digits(&s, 2, &om) || oh > 23 || om > 59)
			return -1;
	}
	if (*s != '\0')
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 &&
	    !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) ||
	    h > 23 || mi > 59 || sec > 60)
		return -1;
	t = calendar_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	t -= sign * (oh * 3600 + om * 60);
	if (t < 0)
		return -1;
	return t * 1000 + ms;
}

static void
describe(AVFormatContext *ctx, struct probe_result *res)
{
	AVDictionaryEntry *e;
	unsigned i;

	copy_str(res->container, sizeof(res->container), ctx->iformat->name);
	res->nstreams = ctx->nb_streams < PROBE_MAX_STREAMS ?
	    ctx->nb_streams : PROBE_MAX_STREAMS;
	for (i = 0; i < res->nstreams; i++) {
		AVCodecParameters *par = ctx->streams[i]->codecpar;
		struct probe_stream *st = &res->streams[i];
		const char *kind = av_get_media_type_string(par->codec_type);

		copy_str(st->kind, sizeof(st->kind), kind ? kind : "unknown");
		copy_str(st->codec, sizeof(st->codec),
		    avcodec_get_name(par->codec_id));
		if (par->codec_type == AVMEDIA_TYPE_VIDEO) {
			st->width = par->width > 0 ? (uint32_t)par->width : 0;
			st->height = par->height > 0 ?
			    (uint32_t)par->height : 0;
		}
	}
	if (ctx->duration != AV_NOPTS_VALUE && ctx->duration >= 0)
		res->duration_ms = av_rescale(ctx->duration, 1000,
		    AV_TIME_BASE);
	if ((e = av_dict_get(ctx->metadata, "creation_time", NULL, 0)) != NULL)
		res->start_ms = parse_iso8601_ms(e->value);
}

/* The leaf of one packet: H(0x00 || be32(stream_index) || data). */
static int
packet_leaf(struct digest *d, const AVPacket *pkt, uint8_t leaf[DIGEST_LEN])
{
	uint8_t pre[5];
	uint32_t idx = (uint32_t)pkt->stream_index;
	int rc;

	pre[0] = 0x00;
	pre[1] = idx >> 24;
	pre[2] = idx >> 16;
	pre[3] = idx >> 8;
	pre[4] = idx;
	if ((rc = digest_reset(d)) != 0 ||
	    (rc = digest_update(d, pre, sizeof(pre))) != 0 ||
	    (rc = digest_update(d, pkt->data, (size_t)pkt->size)) != 0)
		return rc;
	return digest_final(d, leaf);
}

/*
 * Reads every packet.  Returns 0 or our own error (the media's errors go
 * into res).
 */
static int
demux(AVFormatContext *ctx, enum digest_alg alg, struct probe_result *res)
{
	struct merkle_stream tree;
	struct digest *d = NULL;
	AVPacket *pkt = NULL;
	uint64_t *count = NULL, corrupt_at = 0;
	uint8_t leaf[DIGEST_LEN];
	unsigned nstreams = ctx->nb_streams, i;
	int rc = 0, ret, corrupt = 0;

	merkle_stream_init(&tree, alg);
	if ((rc = digest_new(alg, &d)) != 0)
		goto out;
	if ((pkt = av_packet_alloc()) == NULL ||
	    (nstreams > 0 && (count = calloc(nstreams, sizeof(*count))) ==
	    NULL)) {
		rc = CUSTOS_ERR_NOMEM;
		goto out;
	}
	res->status = PROBE_OK;
	for (;;) {
		avlog_last[0] = '\0';
		if ((ret = av_read_frame(ctx, pkt)) < 0) {
			if (ret != AVERROR_EOF) {
				res->status = PROBE_DAMAGED;
				set_error(res, "read", ret);
			}
			break;
		}
		if ((rc = packet_leaf(d, pkt, leaf)) != 0 ||
		    (rc = merkle_stream_append(&tree, leaf)) != 0) {
			av_packet_unref(pkt);
			goto out;
		}
		if ((unsigned)pkt->stream_index < nstreams)
			count[pkt->stream_index]++;
		/* av_get_packet() marks a packet it could not read whole. */
		if ((pkt->flags & AV_PKT_FLAG_CORRUPT) && !corrupt) {
			corrupt = 1;
			corrupt_at = tree.size - 1;
		}
		av_packet_unref(pkt);
	}
	res->packets = tree.size;
	if ((rc = merkle_stream_root(&tree, res->packet_root)) != 0)
		goto out;
	if (res->status != PROBE_OK)
		goto out;
	/*
	 * A container with an index (MP4, MOV) says how many packets each
	 * stream has.  Cut short, libavformat reads what is there and then
	 * reports a plain end of file: the missing packets are the damage.
	 */
	for (i = 0; i < nstreams; i++) {
		int64_t want = ctx->streams[i]->nb_frames;

		if (want > 0 && count[i] < (uint64_t)want) {
			res->status = PROBE_DAMAGED;
			snprintf(res->error, sizeof(res->error),
			    "truncated: stream %u has %llu of %lld packets", i,
			    (unsigned long long)count[i], (long long)want);
			goto out;
		}
	}
	if (corrupt) {
		res->status = PROBE_DAMAGED;
		snprintf(res->error, sizeof(res->error),
		    "packet %llu is incomplete or corrupt",
		    (unsigned long long)corrupt_at);
	}
out:
	free(count);
	av_packet_free(&pkt);
	digest_free(d);
	return rc;
}

int
probe_demux_fd(int fd, enum digest_alg alg, struct probe_result *res)
{
	struct mediaio m;
	struct stat sb;
	AVIOContext *avio = NULL;
	AVFormatContext *ctx = NULL;
	const AVInputFormat *fmt = NULL;
	AVDictionary *opts = NULL;
	unsigned char *buf = NULL;
	int rc = 0, ret;

	memset(res, 0, sizeof(*res));
	res->magic = PROBE_MAGIC;
	res->size = sizeof(*res);
	res->duration_ms = -1;
	res->start_ms = -1;
	res->status = PROBE_NOT_MEDIA;
	av_log_set_callback(avlog_capture);
	avlog_last[0] = '\0';

	memset(&m, 0, sizeof(m));
	m.fd = fd;
	m.size = -1;
	if (fstat(fd, &sb) == -1) {
		snprintf(res->error, sizeof(res->error), "fstat: %s",
		    strerror(errno));
		goto empty_root;
	}
	if (S_ISREG(sb.st_mode))
		m.size = sb.st_size;
	m.seekable = lseek(fd, 0, SEEK_CUR) != -1;

	if ((buf = av_malloc(AVIO_BUFSZ)) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((avio = avio_alloc_context(buf, AVIO_BUFSZ, 0, &m, io_read, NULL,
	    m.seekable ? io_seek : NULL)) == NULL) {
		av_free(buf);
		return CUSTOS_ERR_NOMEM;
	}
	avio->seekable = m.seekable ? AVIO_SEEKABLE_NORMAL : 0;

	/* Which demuxer: none means the bytes are not media we know. */
	if ((ret = av_probe_input_buffer2(avio, &fmt, "", NULL, 0, 0)) < 0) {
		if (m.size == 0)
			snprintf(res->error, sizeof(res->error), "empty file");
		else
			set_error(res, "probe", ret);
		goto done;
	}
	/* From here the bytes claimed to be media: failures are damage. */
	res->status = PROBE_DAMAGED;
	copy_str(res->container, sizeof(res->container), fmt->name);
	if ((ctx = avformat_alloc_context()) == NULL) {
		rc = CUSTOS_ERR_NOMEM;
		goto done;
	}
	ctx->pb = avio;
	ctx->io_open = io_open_denied;
	ctx->probesize = PROBE_PROBESIZE;
	ctx->max_analyze_duration = PROBE_ANALYZE_US;
	/* As ffprobe does, so it lists the same packets (docs/segment.md). */
	if (av_dict_set(&opts, "scan_all_pmts", "1", 0) < 0) {
		rc = CUSTOS_ERR_NOMEM;
		goto done;
	}
	avlog_last[0] = '\0';
	if ((ret = avformat_open_input(&ctx, "", fmt, &opts)) < 0) {
		/* avformat_open_input() freed ctx, not our avio. */
		set_error(res, "open", ret);
		goto done;
	}
	avlog_last[0] = '\0';
	if ((ret = avformat_find_stream_info(ctx, NULL)) < 0) {
		set_error(res, "stream info", ret);
		goto done;
	}
	describe(ctx, res);
	rc = demux(ctx, alg, res);
	goto out;
done:
	if (rc != 0)
		goto out;
empty_root:
	/* No packets: the root of the empty tree. */
	res->packets = 0;
	rc = digest_buf(alg, NULL, 0, res->packet_root);
out:
	av_dict_free(&opts);
	avformat_close_input(&ctx);
	if (avio != NULL) {
		av_freep(&avio->buffer);
		avio_context_free(&avio);
	}
	return rc;
}

/*
 * The child.
 */

void
probe_child_main(enum digest_alg alg)
{
	struct probe_result res;
	struct digest *d;
	uint8_t warm[DIGEST_LEN];
	sigset_t none;
	int sig, rc;

	/*
	 * 1. Load everything now that would otherwise load lazily, opening
	 * files, once the sandbox forbids it: the time zone (libavformat
	 * formats creation_time with gmtime_r(), which reads
	 * /etc/localtime on first use), the CPU count and flags, OpenSSL's
	 * configuration and digest implementations.
	 */
	tzset();
	(void)av_cpu_count();
	(void)av_get_cpu_flags();
	if ((rc = digest_new(alg, &d)) != 0)
		fatalx_r(rc, "digest");
	digest_free(d);
	if ((rc = merkle_leaf_hash(alg, "", 0, warm)) != 0)
		fatalx_r(rc, "digest");
	if (fcntl(PROBE_FD, F_GETFL) == -1)
		fatal("no media on fd %d", PROBE_FD);

	/* 2. Drop supplementary groups (EPERM: we are not root). */
	if (setgroups(0, NULL) == -1 && errno != EPERM)
		fatal("setgroups");

	/* 3. Default signal handlers, nothing blocked. */
	for (sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) == -1)
		fatal("sigprocmask");

	/* 4. Restrict. */
	if ((rc = sandbox_enter(PROBE_FD, SANDBOX_CPU_SECONDS)) != 0)
		fatalx_r(rc, "sandbox");

	/* 5, 6. The request is the descriptor; parse it. */
	if ((rc = probe_demux_fd(PROBE_FD, alg, &res)) != 0) {
		log_warnx_r(rc, "probe");
		_exit(1);
	}
	/* Our own answer must pass the parent's check. */
	if (probe_result_check(&res, sizeof(res)) != 0) {
		log_warnx("probe: answer fails its own check");
		_exit(1);
	}

	/* 7, 8. One answer, then exit without atexit handlers. */
	if (write(STDOUT_FILENO, &res, sizeof(res)) != (ssize_t)sizeof(res))
		_exit(1);
	_exit(0);
}

/*
 * The parent.
 */

struct probe {
	uv_process_t	 proc;
	uv_pipe_t	 pipe;
	uv_timer_t	 timer;
	probe_cb	 cb;
	void		*arg;
	unsigned	 timeout_ms;
	int		 open_handles;
	int		 exited;	/* exit_cb ran */
	int		 eof;		/* the pipe is done (EOF, error, or
					   we stopped reading) */
	int		 pipe_closed;
	int		 done;		/* cb called */
	int		 timed_out;
	int		 overflow;
	int		 read_err;
	int64_t		 exit_status;
	int		 term_signal;
	size_t		 got;
	union {
		struct probe_result	 r;
		unsigned char		 b[sizeof(struct probe_result) + 1];
	} in;
	struct probe_result res;
};

static void
handle_closed(uv_handle_t *h)
{
	struct probe *p = h->data;

	if (--p->open_handles == 0)
		free(p);
}

static void
close_pipe(struct probe *p)
{
	if (p->pipe_closed)
		return;
	p->pipe_closed = 1;
	uv_read_stop((uv_stream_t *)&p->pipe);
	uv_close((uv_handle_t *)&p->pipe, handle_closed);
}

static void
fail(struct probe_result *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct probe_result *r, int status, const char *fmt, ...)
{
	va_list ap;

	memset(r, 0, sizeof(*r));
	r->magic = PROBE_MAGIC;
	r->size = sizeof(*r);
	r->status = status;
	r->duration_ms = -1;
	r->start_ms = -1;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
}

/* Decides once the child has exited and its pipe is done. */
static void
finish(struct probe *p)
{
	struct probe_result *r = &p->res;
	const char *sigtext;

	if (p->done || !p->exited || !p->eof)
		return;
	p->done = 1;
	uv_timer_stop(&p->timer);
	if (p->timed_out)
		fail(r, PROBE_TIMEOUT, "no answer within %u ms; killed",
		    p->timeout_ms);
	else if (p->overflow)
		fail(r, PROBE_FAILED, "malformed answer: more than %zu bytes",
		    sizeof(struct probe_result));
	else if (p->read_err)
		fail(r, PROBE_FAILED, "reading the answer: %s",
		    uv_strerror(p->read_err));
	else if (p->term_signal != 0) {
		sigtext = strsignal(p->term_signal);
		fail(r, PROBE_CRASHED, "killed by signal %d (%s)",
		    p->term_signal, sigtext ? sigtext : "?");
	} else if (p->exit_status != 0)
		fail(r, PROBE_CRASHED, "exited with status %lld",
		    (long long)p->exit_status);
	else if (p->got != sizeof(struct probe_result))
		fail(r, PROBE_FAILED, "malformed answer: %zu bytes", p->got);
	else {
		memcpy(r, &p->in.r, sizeof(*r));
		if (probe_result_check(r, sizeof(*r)) != 0)
			fail(r, PROBE_FAILED,
			    "malformed answer: fails the result check");
	}
	p->cb(p->arg, r);
	close_pipe(p);
	uv_close((uv_handle_t *)&p->timer, handle_closed);
	uv_close((uv_handle_t *)&p->proc, handle_closed);
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct probe *p = h->data;

	(void)hint;
	*buf = uv_buf_init((char *)p->in.b + p->got,
	    (unsigned)(sizeof(p->in.b) - p->got));
}

static void
on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct probe *p = s->data;

	(void)buf;
	if (n > 0)
		p->got += (size_t)n;
	else if (n == UV_EOF)
		p->eof = 1;
	else if (n < 0) {
		p->read_err = (int)n;
		p->eof = 1;
	}
	if (!p->eof && p->got == sizeof(p->in.b)) {
		/* One byte more than an answer: stop listening and stop it. */
		p->overflow = 1;
		p->eof = 1;
		uv_process_kill(&p->proc, SIGKILL);
	}
	if (p->eof) {
		close_pipe(p);
		finish(p);
	}
}

static void
on_exit_cb(uv_process_t *proc, int64_t status, int sig)
{
	struct probe *p = proc->data;

	p->exited = 1;
	p->exit_status = status;
	p->term_signal = sig;
	finish(p);
}

static void
on_timeout(uv_timer_t *t)
{
	struct probe *p = t->data;

	p->timed_out = 1;
	/* The child may be gone already while something it started holds
	 * the pipe; either way we stop waiting for the pipe. */
	(void)uv_process_kill(&p->proc, SIGKILL);
	p->eof = 1;
	close_pipe(p);
	finish(p);
}

static int
uv_to_custos(int uverr)
{
	if (uverr == UV_ENOMEM)
		return CUSTOS_ERR_NOMEM;
	errno = -uverr;
	return CUSTOS_ERR_SYSTEM;
}

int
probe_start(uv_loop_t *loop, const char *self, int fd, enum digest_alg alg,
    unsigned timeout_ms, probe_cb cb, void *arg)
{
	uv_process_options_t opt;
	uv_stdio_container_t stdio[4];
	struct probe *p;
	char *argv[4], journal[512], *env[2];
	const char *js;
	int r;

	if (timeout_ms == 0 || fd < 0 || cb == NULL || self == NULL)
		return CUSTOS_ERR_INVALID;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return CUSTOS_ERR_NOMEM;
	p->cb = cb;
	p->arg = arg;
	p->timeout_ms = timeout_ms;
	p->proc.data = p->pipe.data = p->timer.data = p;
	if ((r = uv_pipe_init(loop, &p->pipe, 0)) != 0) {
		free(p);
		return uv_to_custos(r);
	}
	p->open_handles++;
	if ((r = uv_timer_init(loop, &p->timer)) != 0) {
		p->pipe_closed = 1;
		uv_close((uv_handle_t *)&p->pipe, handle_closed);
		return uv_to_custos(r);
	}
	p->open_handles++;

	/* The child gets no environment but the journal's, so nothing the
	 * daemon was started with steers the parser. */
	env[0] = NULL;
	env[1] = NULL;
	if ((js = getenv("JOURNAL_STREAM")) != NULL &&
	    (size_t)snprintf(journal, sizeof(journal), "JOURNAL_STREAM=%s",
	    js) < sizeof(journal))
		env[0] = journal;
	argv[0] = (char *)(uintptr_t)self;
	argv[1] = "-P";
	argv[2] = (char *)(uintptr_t)digest_name(alg);
	argv[3] = NULL;
	memset(stdio, 0, sizeof(stdio));
	stdio[0].flags = UV_IGNORE;
	stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[1].data.stream = (uv_stream_t *)&p->pipe;
	stdio[2].flags = UV_INHERIT_FD;
	stdio[2].data.fd = STDERR_FILENO;
	stdio[3].flags = UV_INHERIT_FD;
	stdio[3].data.fd = fd;
	memset(&opt, 0, sizeof(opt));
	opt.exit_cb = on_exit_cb;
	opt.file = self;
	opt.args = argv;
	opt.env = env;
	opt.stdio = stdio;
	opt.stdio_count = 4;
	r = uv_spawn(loop, &p->proc, &opt);
	/* Initialised even when the spawn failed: it must be closed. */
	p->open_handles++;
	if (r == 0)
		r = uv_read_start((uv_stream_t *)&p->pipe, on_alloc, on_read);
	if (r == 0)
		r = uv_timer_start(&p->timer, on_timeout, timeout_ms, 0);
	if (r != 0) {
		if (uv_is_active((uv_handle_t *)&p->proc))
			(void)uv_process_kill(&p->proc, SIGKILL);
		p->done = 1;	/* never call back */
		close_pipe(p);
		uv_close((uv_handle_t *)&p->timer, handle_closed);
		uv_close((uv_handle_t *)&p->proc, handle_closed);
		return uv_to_custos(r);
	}
	return 0;
}
