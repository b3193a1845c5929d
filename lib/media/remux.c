/*
 * remux: the remux child's job, its entry point and its synchronous
 * parent (remux.h).  The demux is the probe's (media_open(): our AVIO
 * context on the original, no paths); the output goes through a second
 * AVIO context that writes with pwrite at its own offset, so the child
 * needs nothing but the two descriptors the CLIP sandbox policy allows.
 * The output context is not seekable: the fragmented MP4 is written
 * front to back, as it will be read.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavcodec/bsf.h>
#include <libavformat/avformat.h>
#include <libavutil/mathematics.h>

#include "custos/err.h"
#include "custos/probe.h"
#include "custos/remux.h"
#include "custos/sandbox.h"
#include "media_int.h"

#define OUT_BUFSZ	(256 * 1024)
#define WIRE_TAG_REMUX	0x43505831u	/* "CPX1" */
#define MOVFLAGS	"frag_keyframe+empty_moov+default_base_moof"

/* One output stream per kept input stream. */
struct rstream {
	int		 out;		/* output index, -1: left out */
	AVBSFContext	*bsf;		/* aac_adtstoasc, or NULL */
};

struct remux {
	AVFormatContext	*ic;
	AVFormatContext	*oc;
	struct rstream	*s;
	AVPacket	*pkt;
	int64_t		 shift;		/* AV_TIME_BASE units */
	uint64_t	 written;
};

static void
refuse(struct probe_result *res, const char *fmt, const char *arg)
{
	res->status = PROBE_FAILED;
	snprintf(res->error, sizeof(res->error), fmt, arg);
}

/* The ADTS header of AAC from MPEG-TS gives way to the MP4 config. */
static int
add_bsf(struct rstream *rs, const AVStream *is, AVStream *os)
{
	const AVBitStreamFilter *f;

	if ((f = av_bsf_get_by_name("aac_adtstoasc")) == NULL)
		return CUSTOS_ERR_NOMEM;
	if (av_bsf_alloc(f, &rs->bsf) < 0 ||
	    avcodec_parameters_copy(rs->bsf->par_in, is->codecpar) < 0)
		return CUSTOS_ERR_NOMEM;
	rs->bsf->time_base_in = is->time_base;
	if (av_bsf_init(rs->bsf) < 0 ||
	    avcodec_parameters_copy(os->codecpar, rs->bsf->par_out) < 0)
		return CUSTOS_ERR_NOMEM;
	return 0;
}

/* The output streams: every video and audio stream an MP4 can hold. */
static int
out_streams(struct remux *r, struct probe_result *res)
{
	unsigned i, kept = 0;
	int rc;

	for (i = 0; i < r->ic->nb_streams; i++) {
		AVStream *is = r->ic->streams[i], *os;
		enum AVMediaType t = is->codecpar->codec_type;

		r->s[i].out = -1;
		if ((t != AVMEDIA_TYPE_VIDEO && t != AVMEDIA_TYPE_AUDIO) ||
		    avformat_query_codec(r->oc->oformat, is->codecpar->codec_id,
		    FF_COMPLIANCE_NORMAL) != 1)
			continue;
		if ((os = avformat_new_stream(r->oc, NULL)) == NULL ||
		    avcodec_parameters_copy(os->codecpar, is->codecpar) < 0)
			return CUSTOS_ERR_NOMEM;
		os->time_base = is->time_base;
		if (is->codecpar->codec_id == AV_CODEC_ID_AAC &&
		    (rc = add_bsf(&r->s[i], is, os)) != 0)
			return rc;
		/* The muxer picks the MP4 tag; MPEG-TS's mean nothing here. */
		os->codecpar->codec_tag = 0;
		r->s[i].out = (int)os->index;
		kept++;
	}
	if (kept == 0)
		refuse(res, "no stream of the %s an MP4 can hold",
		    r->ic->iformat->name);
	return 0;
}

/* One packet of the original, as it is: shifted and written. */
static int
put(struct remux *r, AVPacket *pkt, int si, struct probe_result *res)
{
	AVStream *is = r->ic->streams[si];
	AVStream *os = r->oc->streams[r->s[si].out];
	int64_t d;
	int ret;

	d = av_rescale_q_rnd(r->shift, AV_TIME_BASE_Q, is->time_base,
	    AV_ROUND_DOWN | AV_ROUND_PASS_MINMAX);
	if (pkt->pts != AV_NOPTS_VALUE)
		pkt->pts -= d;
	if (pkt->dts != AV_NOPTS_VALUE)
		pkt->dts -= d;
	av_packet_rescale_ts(pkt, is->time_base, os->time_base);
	pkt->stream_index = os->index;
	pkt->pos = -1;
	media_avlog_clear();
	if ((ret = av_interleaved_write_frame(r->oc, pkt)) < 0) {
		media_set_error(res, "write", ret);
		res->status = PROBE_FAILED;
		return 0;
	}
	r->written++;
	return 0;
}

/* Through the stream's filter, if it has one. */
static int
filter(struct remux *r, int si, struct probe_result *res)
{
	AVBSFContext *bsf = r->s[si].bsf;
	int ret, rc;

	if (bsf == NULL)
		return put(r, r->pkt, si, res);
	if ((ret = av_bsf_send_packet(bsf, r->pkt)) < 0) {
		av_packet_unref(r->pkt);
		media_set_error(res, "aac_adtstoasc", ret);
		res->status = PROBE_FAILED;
		return 0;
	}
	while ((ret = av_bsf_receive_packet(bsf, r->pkt)) == 0) {
		rc = put(r, r->pkt, si, res);
		av_packet_unref(r->pkt);
		if (rc != 0 || res->status != PROBE_OK)
			return rc;
	}
	if (ret != AVERROR(EAGAIN) && ret != AVERROR_EOF) {
		media_set_error(res, "aac_adtstoasc", ret);
		res->status = PROBE_FAILED;
	}
	return 0;
}

/* Every packet of the original, in demux order. */
static int
copy(struct remux *r, struct probe_result *res)
{
	int ret, rc, si;

	for (;;) {
		media_avlog_clear();
		if ((ret = av_read_frame(r->ic, r->pkt)) < 0) {
			if (ret != AVERROR_EOF) {
				media_set_error(res, "read", ret);
				res->status = PROBE_DAMAGED;
			}
			return 0;
		}
		si = r->pkt->stream_index;
		if (si < 0 || (unsigned)si >= r->ic->nb_streams ||
		    r->s[si].out < 0) {
			av_packet_unref(r->pkt);
			continue;
		}
		rc = filter(r, si, res);
		av_packet_unref(r->pkt);
		if (rc != 0 || res->status != PROBE_OK)
			return rc;
	}
}

/* The muxer on out_fd, its streams, header, packets and trailer. */
static int
mux(struct remux *r, struct media_fout *o, struct probe_result *res)
{
	AVIOContext *avio = NULL;
	AVDictionary *opts = NULL;
	unsigned char *buf;
	int rc, ret;

	if ((buf = av_malloc(OUT_BUFSZ)) == NULL ||
	    (avio = avio_alloc_context(buf, OUT_BUFSZ, 1, o, NULL,
	    media_fout_write, NULL)) == NULL) {
		av_free(buf);
		return CUSTOS_ERR_NOMEM;
	}
	r->oc->pb = avio;
	r->oc->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_BITEXACT;
	if ((rc = out_streams(r, res)) != 0 || res->status != PROBE_OK)
		goto out;
	if (av_dict_set(&opts, "movflags", MOVFLAGS, 0) < 0) {
		rc = CUSTOS_ERR_NOMEM;
		goto out;
	}
	media_avlog_clear();
	ret = avformat_write_header(r->oc, &opts);
	av_dict_free(&opts);
	if (ret < 0) {
		media_set_error(res, "header", ret);
		res->status = PROBE_FAILED;
		goto out;
	}
	if ((rc = copy(r, res)) != 0)
		goto out;
	/* A damaged original still ends its MP4 where it could be read. */
	if (res->status != PROBE_FAILED &&
	    (ret = av_write_trailer(r->oc)) < 0) {
		media_set_error(res, "trailer", ret);
		res->status = PROBE_FAILED;
	}
	avio_flush(avio);
	if (o->err == EFBIG)
		refuse(res, "the MP4 would be larger than its limit%s", "");
	else if (o->err != 0 && res->status != PROBE_FAILED)
		refuse(res, "write: %s", strerror(o->err));
out:
	av_freep(&avio->buffer);
	avio_context_free(&avio);
	r->oc->pb = NULL;
	return rc;
}

int
remux_fd(int in_fd, int out_fd, struct probe_result *res)
{
	struct media_in in;
	struct remux r;
	struct media_fout o;
	unsigned i;
	int rc;

	memset(&r, 0, sizeof(r));
	memset(&o, 0, sizeof(o));
	o.fd = out_fd;
	if ((rc = media_open(in_fd, &in, res)) != 0 || in.ctx == NULL)
		goto out;
	r.ic = in.ctx;
	res->status = PROBE_OK;
	res->error[0] = '\0';
	r.shift = r.ic->start_time != AV_NOPTS_VALUE ? r.ic->start_time : 0;
	if ((r.s = calloc(r.ic->nb_streams + 1, sizeof(*r.s))) == NULL ||
	    (r.pkt = av_packet_alloc()) == NULL ||
	    avformat_alloc_output_context2(&r.oc, NULL, "mp4", NULL) < 0) {
		rc = CUSTOS_ERR_NOMEM;
		goto out;
	}
	if ((rc = mux(&r, &o, res)) != 0)
		goto out;
	if (res->status == PROBE_OK) {
		res->packets = r.written;
		media_copy_str(res->container, sizeof(res->container), "mp4");
	}
out:
	if (r.s != NULL)
		for (i = 0; r.ic != NULL && i < r.ic->nb_streams; i++)
			av_bsf_free(&r.s[i].bsf);
	free(r.s);
	av_packet_free(&r.pkt);
	avformat_free_context(r.oc);
	media_close(&in);
	return rc;
}

/*
 * The child.
 */

void
remux_child_main(int argc, char *argv[])
{
	struct sandbox_policy p;
	struct probe_result res;
	uint64_t limit;
	char *end;
	int rc;

	if (argc != 3 || argv[2][0] < '0' || argv[2][0] > '9')
		media_child_die("usage: --remux-child LIMIT", 0, 0);
	errno = 0;
	limit = strtoull(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || limit == 0)
		media_child_die("usage: --remux-child LIMIT", 0, 0);
	media_child_prepare(DIGEST_SHA256, 1);
	memset(&p, 0, sizeof(p));
	p.role = SANDBOX_CLIP;
	p.fd = PROBE_FD;
	p.out_fd = PROBE_FD + 1;
	p.cpu_seconds = SANDBOX_CPU_SECONDS;
	p.fsize_max = limit;
	if ((rc = sandbox_apply(&p)) != 0)
		media_child_die("sandbox", rc, errno);
	memset(&res, 0, sizeof(res));
	if ((rc = remux_fd(PROBE_FD, PROBE_FD + 1, &res)) != 0)
		media_child_die("remux", rc, errno);
	media_child_answer(WIRE_TAG_REMUX, &res, "remux: answer");
}

/*
 * The parent.
 */

int
remux_run(const char *self, int in_fd, int out_fd, uint64_t limit,
    unsigned timeout_ms, struct probe_result *res)
{
	struct probe_child *c;
	struct wire_result fin;
	unsigned char *buf = NULL;
	char sl[24], *argv[4];
	ssize_t got;
	int rc;

	if (self == NULL || in_fd < 0 || out_fd < 0 || timeout_ms == 0 ||
	    limit == 0)
		return CUSTOS_ERR_INVALID;
	snprintf(sl, sizeof(sl), "%" PRIu64, limit);
	argv[0] = (char *)(uintptr_t)self;
	argv[1] = (char *)(uintptr_t)REMUX_CHILD;
	argv[2] = sl;
	argv[3] = NULL;
	if ((rc = media_spawn(self, argv, in_fd, out_fd, &c)) != 0)
		return rc;
	got = media_read_all(c, timeout_ms, sizeof(fin), &buf);
	rc = media_reap(c, got, errno, timeout_ms, res);
	if (rc == 1) {
		rc = 0;
		if ((size_t)got != sizeof(fin))
			probe_result_fail(res, PROBE_FAILED, "malformed "
			    "answer: %zd bytes", got);
		else {
			memcpy(&fin, buf, sizeof(fin));
			if (fin.tag != WIRE_TAG_REMUX || fin.refused > 1 ||
			    probe_result_check(&fin.res, sizeof(fin.res)) != 0)
				probe_result_fail(res, PROBE_FAILED,
				    "malformed answer: fails the check");
			else {
				*res = fin.res;
				if (fin.refused)
					res->status = PROBE_FAILED;
			}
		}
	}
	free(buf);
	return rc;
}
