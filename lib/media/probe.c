/*
 * probe: the media child and the tools' synchronous parent (probe.h).
 *
 * The child is the program started again with its role flag (custosd -P,
 * custos-verify --media-child): only there does libavformat touch
 * untrusted bytes, and only after sandbox_enter().  A parent never looks
 * at media; it checks the one fixed-layout answer and turns everything
 * else (a signal, an exit status, silence, garbage) into CRASHED, TIMEOUT
 * or FAILED.  The daemon's parent runs on its libuv loop (daemon/seal/probe.c);
 * the one here blocks, for tools.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
#include "custos/probe.h"
#include "custos/sandbox.h"

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

/* "<3>" before each line under systemd, as the daemon's log writes. */
static int child_journal;

/*
 * The child's one reporting path: a line on stderr, then exit 1, which
 * the parent records as a crash.  rc is a CUSTOS_ERR_* code or 0 when
 * errno alone says why (or nothing does: err_no 0).
 */
static void
child_die(const char *step, int rc, int err_no) __attribute__((noreturn));

static void
child_die(const char *step, int rc, int err_no)
{
	char line[256];
	int n;

	if (rc == CUSTOS_ERR_SYSTEM || (rc == 0 && err_no != 0))
		n = snprintf(line, sizeof(line), "%smedia: %s: %s\n",
		    child_journal ? "<3>" : "", step, strerror(err_no));
	else if (rc != 0)
		n = snprintf(line, sizeof(line), "%smedia: %s: %s\n",
		    child_journal ? "<3>" : "", step, custos_strerror(rc));
	else
		n = snprintf(line, sizeof(line), "%smedia: %s\n",
		    child_journal ? "<3>" : "", step);
	if (n > 0)
		(void)!write(STDERR_FILENO, line, (size_t)n < sizeof(line) ?
		    (size_t)n : sizeof(line) - 1);
	_exit(1);
}

void
probe_child_main(enum digest_alg alg)
{
	struct probe_result res;
	struct digest *d;
	uint8_t warm[DIGEST_LEN];
	sigset_t none;
	int sig, rc;

	child_journal = getenv("JOURNAL_STREAM") != NULL;
	/*
	 * 0. Die with the parent: a daemon killed with SIGKILL must not
	 * leave a child demuxing on, unsupervised.  A parent gone already
	 * has nobody to answer.
	 */
	if ((rc = sandbox_parent_death(0)) == CUSTOS_ERR_NOTFOUND)
		_exit(1);
	if (rc != 0)
		child_die("parent-death signal", rc, errno);
	/*
	 * 1. Load everything now that would otherwise load lazily, opening
	 * files, once the sandbox forbids it: the time zone (libavformat
	 * formats creation_time with gmtime_r(), which reads
	 * /etc/localtime on first use), the CPU count and flags, OpenSSL's
	 * configuration and digest implementations, and strerror()'s
	 * messages.
	 */
	tzset();
	(void)av_cpu_count();
	(void)av_get_cpu_flags();
	(void)strerror(EACCES);
	if ((rc = digest_new(alg, &d)) != 0)
		child_die("digest", rc, errno);
	digest_free(d);
	if ((rc = merkle_leaf_hash(alg, "", 0, warm)) != 0)
		child_die("digest", rc, errno);
	if (fcntl(PROBE_FD, F_GETFL) == -1)
		child_die("no media on fd 3", 0, errno);

	/* 2. Drop supplementary groups (EPERM: we are not root). */
	if (setgroups(0, NULL) == -1 && errno != EPERM)
		child_die("setgroups", 0, errno);

	/* 3. Default signal handlers, nothing blocked. */
	for (sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) == -1)
		child_die("sigprocmask", 0, errno);

	/* 4. Restrict. */
	if ((rc = sandbox_enter(PROBE_FD, SANDBOX_CPU_SECONDS)) != 0)
		child_die("sandbox", rc, errno);

	/* 5, 6. The request is the descriptor; parse it. */
	if ((rc = probe_demux_fd(PROBE_FD, alg, &res)) != 0)
		child_die("probe", rc, errno);
	/* Our own answer must pass the parent's check. */
	if (probe_result_check(&res, sizeof(res)) != 0)
		child_die("probe: answer fails its own check", 0, 0);

	/* 7, 8. One answer, then exit without atexit handlers. */
	if (write(STDOUT_FILENO, &res, sizeof(res)) != (ssize_t)sizeof(res))
		_exit(1);
	_exit(0);
}

/*
 * The tools' parent.
 */

struct probe_child {
	pid_t		 pid;
	int		 rfd;		/* the child's stdout */
	struct timespec	 start;
};

void
probe_result_fail(struct probe_result *r, int status, const char *fmt, ...)
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

void
probe_result_take(struct probe_result *r, const void *buf, size_t got)
{
	if (got != sizeof(struct probe_result)) {
		probe_result_fail(r, PROBE_FAILED, "malformed answer: %zu "
		    "bytes", got);
		return;
	}
	memcpy(r, buf, sizeof(*r));
	if (probe_result_check(r, sizeof(*r)) != 0)
		probe_result_fail(r, PROBE_FAILED,
		    "malformed answer: fails the result check");
}

/*
 * In the forked child, before exec: only async-signal-safe calls.  Dies
 * with parent (SIGKILL), puts fd on 3 and the pipe on 1, closes
 * everything else, and execs.
 */
static void
exec_child(const char *self, char *const argv[], char *const env[], int fd,
    int wfd, pid_t parent)
{
	int null, top;

	if (sandbox_parent_death(parent) != 0)
		_exit(127);

	/* Move both out of the way of 0..3 before placing them. */
	if ((fd = fcntl(fd, F_DUPFD, 10)) == -1 ||
	    (wfd = fcntl(wfd, F_DUPFD, 10)) == -1)
		_exit(127);
	if ((null = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(null, STDIN_FILENO) == -1 ||
	    dup2(wfd, STDOUT_FILENO) == -1 ||
	    dup2(fd, PROBE_FD) == -1)
		_exit(127);
	top = (int)sysconf(_SC_OPEN_MAX);
	if (top < 0 || top > 65536)
		top = 65536;
	/* close_range() would do, but is newer than some libcs. */
	for (null = PROBE_FD + 1; null < top; null++)
		(void)close(null);
	execve(self, argv, env);
	_exit(127);
}

int
probe_spawn(const char *self, const char *role, int fd, enum digest_alg alg,
    struct probe_child **out)
{
	struct probe_child *c;
	struct sandbox_env env;
	char *argv[4];
	pid_t self_pid = getpid();
	int p[2], e;

	*out = NULL;
	if (self == NULL || role == NULL || fd < 0)
		return CUSTOS_ERR_INVALID;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return CUSTOS_ERR_NOMEM;
	/* Everything the child needs is ready before fork(). */
	sandbox_child_env(&env);
	argv[0] = (char *)(uintptr_t)self;
	argv[1] = (char *)(uintptr_t)role;
	argv[2] = (char *)(uintptr_t)digest_name(alg);
	argv[3] = NULL;
	if (pipe2(p, O_CLOEXEC) == -1) {
		free(c);
		return CUSTOS_ERR_SYSTEM;
	}
	(void)clock_gettime(CLOCK_MONOTONIC, &c->start);
	if ((c->pid = fork()) == -1) {
		e = errno;
		close(p[0]);
		close(p[1]);
		free(c);
		errno = e;
		return CUSTOS_ERR_SYSTEM;
	}
	if (c->pid == 0)
		exec_child(self, argv, env.env, fd, p[1], self_pid);
	close(p[1]);
	c->rfd = p[0];
	*out = c;
	return 0;
}

static long long
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000;
}

/*
 * Reads the answer until end of file, overflow or the deadline.  Returns
 * bytes read, -1 with errno on a read or poll error, -2 on timeout.
 */
static ssize_t
read_answer(struct probe_child *c, unsigned timeout_ms, unsigned char *buf,
    size_t size)
{
	struct pollfd pfd;
	size_t got = 0;
	long long left;
	ssize_t n;
	int r;

	for (;;) {
		if ((left = (long long)timeout_ms - elapsed_ms(&c->start)) <= 0)
			return -2;
		pfd.fd = c->rfd;
		pfd.events = POLLIN;
		if ((r = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX :
		    (int)left)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			return -2;
		if ((n = read(c->rfd, buf + got, size - got)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		if (n == 0)
			return (ssize_t)got;
		if ((got += (size_t)n) == size)
			return (ssize_t)got;
	}
}

int
probe_wait(struct probe_child *c, unsigned timeout_ms,
    struct probe_result *res)
{
	/* One byte more than an answer, to see one that is too long. */
	unsigned char in[sizeof(struct probe_result) + 1];
	ssize_t got;
	int status, e = 0, rc = 0;
	const char *sigtext;

	got = read_answer(c, timeout_ms, in, sizeof(in));
	if (got == -1)
		e = errno;
	/* Whatever it sent, it is done talking: make sure it is gone. */
	if (got < 0 || (size_t)got == sizeof(in))
		(void)kill(c->pid, SIGKILL);
	close(c->rfd);
	while (waitpid(c->pid, &status, 0) == -1) {
		if (errno != EINTR) {
			probe_result_fail(res, PROBE_FAILED, "waitpid: %s",
			    strerror(errno));
			e = errno;
			free(c);
			errno = e;
			return CUSTOS_ERR_SYSTEM;
		}
	}
	free(c);
	if (got == -2)
		probe_result_fail(res, PROBE_TIMEOUT, "no answer within %u ms; "
		    "killed", timeout_ms);
	else if (got == -1) {
		probe_result_fail(res, PROBE_FAILED, "reading the answer: %s",
		    strerror(e));
		errno = e;
		rc = CUSTOS_ERR_SYSTEM;
	} else if ((size_t)got == sizeof(in))
		probe_result_fail(res, PROBE_FAILED, "malformed answer: more "
		    "than %zu bytes", sizeof(struct probe_result));
	else if (WIFSIGNALED(status)) {
		sigtext = strsignal(WTERMSIG(status));
		probe_result_fail(res, PROBE_CRASHED, "killed by signal %d "
		    "(%s)", WTERMSIG(status), sigtext ? sigtext : "?");
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		probe_result_fail(res, PROBE_CRASHED, "exited with status %d",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else
		probe_result_take(res, in, (size_t)got);
	return rc;
}

int
probe_run_sync(const char *self, const char *role, int fd,
    enum digest_alg alg, unsigned timeout_ms, struct probe_result *res)
{
	struct probe_child *c;
	int rc;

	if (timeout_ms == 0)
		return CUSTOS_ERR_INVALID;
	if ((rc = probe_spawn(self, role, fd, alg, &c)) != 0)
		return rc;
	return probe_wait(c, timeout_ms, res);
}
