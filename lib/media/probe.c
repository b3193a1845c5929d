/*
 * probe: the media child's demux core and its entry point (probe.h).
 *
 * The child is the program started again with its role flag (custosd -P,
 * custos-verify --media-child): only there does libavformat touch
 * untrusted bytes, and only after sandbox_enter().  The demux core and
 * the child's first steps are shared with the clip child (media_int.h);
 * the tools' synchronous parent is in probe_parent.c, the daemon's runs
 * on its libuv loop (daemon/seal/probe.c).
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
#include "custos/probe.h"
#include "custos/sandbox.h"
#include "media_int.h"

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

void
media_avlog_clear(void)
{
	avlog_last[0] = '\0';
}

void
media_avlog_install(void)
{
	av_log_set_callback(avlog_capture);
	avlog_last[0] = '\0';
}

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

void
media_copy_str(char *dst, size_t size, const char *src)
{
	size_t n = src != NULL ? strnlen(src, size - 1) : 0;

	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

void
media_set_error(struct probe_result *res, const char *what, int averr)
{
	char buf[AV_ERROR_MAX_STRING_SIZE], text[256];

	av_strerror(averr, buf, sizeof(buf));
	if (avlog_last[0] != '\0' && strcmp(avlog_last, buf) != 0)
		snprintf(text, sizeof(text), "%s: %s (%s)", what, buf,
		    avlog_last);
	else
		snprintf(text, sizeof(text), "%s: %s", what, buf);
	/* Cut to the field; the start says the most. */
	media_copy_str(res->error, sizeof(res->error), text);
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

	media_copy_str(res->container, sizeof(res->container), ctx->iformat->name);
	res->nstreams = ctx->nb_streams < PROBE_MAX_STREAMS ?
	    ctx->nb_streams : PROBE_MAX_STREAMS;
	for (i = 0; i < res->nstreams; i++) {
		AVCodecParameters *par = ctx->streams[i]->codecpar;
		struct probe_stream *st = &res->streams[i];
		const char *kind = av_get_media_type_string(par->codec_type);

		media_copy_str(st->kind, sizeof(st->kind), kind ? kind : "unknown");
		media_copy_str(st->codec, sizeof(st->codec),
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
 * into res), or each's non-zero return.
 */
int
media_demux(AVFormatContext *ctx, enum digest_alg alg,
    struct probe_result *res, media_packet_fn *each, void *arg)
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
				media_set_error(res, "read", ret);
			}
			break;
		}
		if ((rc = packet_leaf(d, pkt, leaf)) != 0 ||
		    (each != NULL &&
		    (rc = each(arg, tree.size, pkt, leaf)) != 0) ||
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
media_open(int fd, struct media_in *in, struct probe_result *res)
{
	struct stat sb;
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
	media_avlog_install();

	memset(in, 0, sizeof(*in));
	in->m.fd = fd;
	in->m.size = -1;
	if (fstat(fd, &sb) == -1) {
		snprintf(res->error, sizeof(res->error), "fstat: %s",
		    strerror(errno));
		return 0;
	}
	if (S_ISREG(sb.st_mode))
		in->m.size = sb.st_size;
	in->m.seekable = lseek(fd, 0, SEEK_CUR) != -1;

	if ((buf = av_malloc(AVIO_BUFSZ)) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((in->avio = avio_alloc_context(buf, AVIO_BUFSZ, 0, &in->m, io_read,
	    NULL, in->m.seekable ? io_seek : NULL)) == NULL) {
		av_free(buf);
		return CUSTOS_ERR_NOMEM;
	}
	in->avio->seekable = in->m.seekable ? AVIO_SEEKABLE_NORMAL : 0;

	/* Which demuxer: none means the bytes are not media we know. */
	if ((ret = av_probe_input_buffer2(in->avio, &fmt, "", NULL, 0, 0)) <
	    0) {
		if (in->m.size == 0)
			snprintf(res->error, sizeof(res->error), "empty file");
		else
			media_set_error(res, "probe", ret);
		return 0;
	}
	/* From here the bytes claimed to be media: failures are damage. */
	res->status = PROBE_DAMAGED;
	media_copy_str(res->container, sizeof(res->container), fmt->name);
	if ((in->ctx = avformat_alloc_context()) == NULL)
		return CUSTOS_ERR_NOMEM;
	in->ctx->pb = in->avio;
	in->ctx->io_open = io_open_denied;
	in->ctx->probesize = PROBE_PROBESIZE;
	in->ctx->max_analyze_duration = PROBE_ANALYZE_US;
	/* As ffprobe does, so it lists the same packets (docs/segment.md). */
	if (av_dict_set(&opts, "scan_all_pmts", "1", 0) < 0)
		return CUSTOS_ERR_NOMEM;
	avlog_last[0] = '\0';
	if ((ret = avformat_open_input(&in->ctx, "", fmt, &opts)) < 0) {
		/* avformat_open_input() freed ctx (and set it to NULL), not
		 * our avio. */
		media_set_error(res, "open", ret);
		goto out;
	}
	avlog_last[0] = '\0';
	if ((ret = avformat_find_stream_info(in->ctx, NULL)) < 0) {
		media_set_error(res, "stream info", ret);
		avformat_close_input(&in->ctx);
		goto out;
	}
	describe(in->ctx, res);
out:
	av_dict_free(&opts);
	return rc;
}

void
media_close(struct media_in *in)
{
	avformat_close_input(&in->ctx);
	if (in->avio != NULL) {
		av_freep(&in->avio->buffer);
		avio_context_free(&in->avio);
	}
}

int
probe_demux_fd(int fd, enum digest_alg alg, struct probe_result *res)
{
	struct media_in in;
	int rc;

	if ((rc = media_open(fd, &in, res)) == 0) {
		if (in.ctx != NULL)
			rc = media_demux(in.ctx, alg, res, NULL, NULL);
		else {
			/* No packets: the root of the empty tree. */
			res->packets = 0;
			rc = digest_buf(alg, NULL, 0, res->packet_root);
		}
	}
	media_close(&in);
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
void
media_child_die(const char *step, int rc, int err_no)
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
media_child_prepare(enum digest_alg alg, int out)
{
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
		media_child_die("parent-death signal", rc, errno);
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
		media_child_die("digest", rc, errno);
	digest_free(d);
	if ((rc = merkle_leaf_hash(alg, "", 0, warm)) != 0)
		media_child_die("digest", rc, errno);
	if (fcntl(PROBE_FD, F_GETFL) == -1)
		media_child_die("no media on fd 3", 0, errno);
	if (out && fcntl(PROBE_FD + 1, F_GETFL) == -1)
		media_child_die("no output on fd 4", 0, errno);

	/* 2. Drop supplementary groups (EPERM: we are not root). */
	if (setgroups(0, NULL) == -1 && errno != EPERM)
		media_child_die("setgroups", 0, errno);

	/* 3. Default signal handlers, nothing blocked. */
	for (sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) == -1)
		media_child_die("sigprocmask", 0, errno);
}

void
probe_child_main(enum digest_alg alg)
{
	struct probe_result res;
	int rc;

	media_child_prepare(alg, 0);

	/* 4. Restrict. */
	if ((rc = sandbox_enter(PROBE_FD, SANDBOX_CPU_SECONDS)) != 0)
		media_child_die("sandbox", rc, errno);

	/* 5, 6. The request is the descriptor; parse it. */
	if ((rc = probe_demux_fd(PROBE_FD, alg, &res)) != 0)
		media_child_die("probe", rc, errno);
	/* Our own answer must pass the parent's check. */
	if (probe_result_check(&res, sizeof(res)) != 0)
		media_child_die("probe: answer fails its own check", 0, 0);

	/* 7, 8. One answer, then exit without atexit handlers. */
	if (write(STDOUT_FILENO, &res, sizeof(res)) != (ssize_t)sizeof(res))
		_exit(1);
	_exit(0);
}
