/*
 * clip_cut: the cut job of the clip child (clip.h).  Copies packets
 * [first, first + count) of the original's demux order into a new file of
 * the same container family, stream copy, timestamps shifted so the clip
 * starts at 0.  The parent gives the leaves those packets must have; the
 * job seeks to a little before the first one's time and reads on until
 * a packet has the first leaf (a container it cannot seek in, or a
 * demuxer that gives another order after a seek, is read from the start
 * instead: both give the same packets), checks every packet it copies,
 * and then demuxes the clip it wrote and compares every packet's leaf
 * with the original's: a muxer that changed packet data (the MPEG-TS
 * muxer adds an access unit delimiter to H.264 packets that lack one;
 * muxers add bitstream filters for some inputs) would make a clip nobody
 * can prove, so the job refuses instead.  The clip's leaves go to the
 * parent from that same demux.
 */
#include <errno.h>
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
#include "media_int.h"

#define OUT_BUFSZ	65536

/* The clip file, through our AVIO context: pwrite at our own offset. */
/* How far past the seek point the first packet may be, in packets. */
#define SEEK_LOOKAHEAD	10000
/* The seek aims this much before the first packet's time. */
#define SEEK_MARGIN_MS	1000

/* How a walk over the range ended. */
enum walk_end {
	WALK_OK,
	WALK_LOST,		/* after the seek: the packets differ */
	WALK_BAD,		/* from the start: res says why */
};

struct cut {
	struct clip_cut_job *job;
	AVFormatContext	*ic;		/* the original */
	AVFormatContext	*oc;		/* the clip; NULL in the first walk */
	struct digest	*d;
	AVPacket	*pkt;
	int64_t		 shift;		/* AV_TIME_BASE units */
	int		 have_shift;
	/* The check of the clip: per stream, the next of want to match. */
	uint64_t	*next;
	unsigned	 nstreams;
	uint64_t	 seen;
	int		 bad_stream;	/* -1, or the first that differs */
	struct media_wout *w;		/* the clip's leaves, or NULL */
};

static int64_t
out_seek(void *opaque, int64_t off, int whence)
{
	struct media_fout *o = opaque;

	if (whence & AVSEEK_SIZE)
		return o->size;
	switch (whence & ~AVSEEK_FORCE) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		off += o->pos;
		break;
	case SEEK_END:
		off += o->size;
		break;
	default:
		return AVERROR(EINVAL);
	}
	if (off < 0)
		return AVERROR(EINVAL);
	o->pos = off;
	return off;
}

/* The muxer for the original's demuxer, or NULL. */
static const char *
muxer_for(AVFormatContext *ic)
{
	const char *name = ic->iformat->name;
	AVDictionaryEntry *e;

	if (strcmp(name, "mov,mp4,m4a,3gp,3g2,mj2") == 0) {
		e = av_dict_get(ic->metadata, "major_brand", NULL, 0);
		return e != NULL && strcmp(e->value, "qt  ") == 0 ? "mov" :
		    "mp4";
	}
	if (strcmp(name, "mpegts") == 0)
		return "mpegts";
	if (strcmp(name, "matroska,webm") == 0)
		return "matroska";
	return NULL;
}

/* Sets up the output streams: every stream of the original, copied. */
static int
out_streams(AVFormatContext *ic, AVFormatContext *oc)
{
	unsigned i;
	unsigned int tag;

	for (i = 0; i < ic->nb_streams; i++) {
		AVCodecParameters *par = ic->streams[i]->codecpar;
		AVStream *os;

		if ((os = avformat_new_stream(oc, NULL)) == NULL)
			return CUSTOS_ERR_NOMEM;
		if (avcodec_parameters_copy(os->codecpar, par) < 0)
			return CUSTOS_ERR_NOMEM;
		/* Keep the tag only where the muxer knows it for the codec. */
		tag = par->codec_tag;
		if (oc->oformat->codec_tag == NULL ||
		    av_codec_get_id(oc->oformat->codec_tag, tag) !=
		    par->codec_id)
			os->codecpar->codec_tag = 0;
		os->time_base = ic->streams[i]->time_base;
		if (av_dict_copy(&os->metadata, ic->streams[i]->metadata, 0) <
		    0)
			return CUSTOS_ERR_NOMEM;
	}
	return 0;
}

/* The leaf of c->pkt: H(0x00 || be32(stream_index) || data). */
static int
packet_leaf(struct cut *c, uint8_t leaf[DIGEST_LEN])
{
	uint8_t pre[5];
	uint32_t idx = (uint32_t)c->pkt->stream_index;
	int rc;

	pre[0] = 0x00;
	pre[1] = idx >> 24;
	pre[2] = idx >> 16;
	pre[3] = idx >> 8;
	pre[4] = idx;
	if ((rc = digest_reset(c->d)) != 0 ||
	    (rc = digest_update(c->d, pre, sizeof(pre))) != 0 ||
	    (rc = digest_update(c->d, c->pkt->data, (size_t)c->pkt->size)) !=
	    0)
		return rc;
	return digest_final(c->d, leaf);
}

static int
same(const struct clip_leaf *l, const AVPacket *pkt,
    const uint8_t leaf[DIGEST_LEN])
{
	return l->stream == (uint32_t)pkt->stream_index &&
	    memcmp(l->leaf, leaf, DIGEST_LEN) == 0;
}

/* Seeks to a little before the first packet's time; 0 or -1. */
static int
seek_first(struct cut *c)
{
	static const AVRational ms = { 1, 1000 };
	const struct clip_leaf *l = &c->job->want[0];
	AVStream *st;
	int64_t ts, start;

	if (l->stream >= c->ic->nb_streams || l->time_ms == CLIP_NO_TIME ||
	    l->time_ms < INT64_MIN / 2 || l->time_ms > INT64_MAX / 2)
		return -1;
	st = c->ic->streams[l->stream];
	if (st->time_base.num <= 0 || st->time_base.den <= 0)
		return -1;
	start = c->ic->start_time != AV_NOPTS_VALUE ? c->ic->start_time : 0;
	ts = av_rescale_q(l->time_ms - SEEK_MARGIN_MS, ms, st->time_base) +
	    av_rescale_q(start, AV_TIME_BASE_Q, st->time_base);
	media_avlog_clear();
	return av_seek_frame(c->ic, (int)l->stream, ts,
	    AVSEEK_FLAG_BACKWARD) < 0 ? -1 : 0;
}

/* One chosen packet: the first walk finds the shift, the second writes. */
static int
take(struct cut *c, struct probe_result *res)
{
	AVPacket *pkt = c->pkt;
	AVStream *is = c->ic->streams[pkt->stream_index];
	int64_t t, d;
	int ret;

	if (c->oc == NULL) {
		t = pkt->dts != AV_NOPTS_VALUE ? pkt->dts : pkt->pts;
		if (t == AV_NOPTS_VALUE)
			return 0;
		t = av_rescale_q_rnd(t, is->time_base, AV_TIME_BASE_Q,
		    AV_ROUND_DOWN | AV_ROUND_PASS_MINMAX);
		if (!c->have_shift || t < c->shift) {
			c->shift = t;
			c->have_shift = 1;
		}
		return 0;
	}
	d = av_rescale_q_rnd(c->shift, AV_TIME_BASE_Q, is->time_base,
	    AV_ROUND_DOWN | AV_ROUND_PASS_MINMAX);
	if (pkt->pts != AV_NOPTS_VALUE)
		pkt->pts -= d;
	if (pkt->dts != AV_NOPTS_VALUE)
		pkt->dts -= d;
	av_packet_rescale_ts(pkt, is->time_base,
	    c->oc->streams[pkt->stream_index]->time_base);
	pkt->pos = -1;
	media_avlog_clear();
	if ((ret = av_interleaved_write_frame(c->oc, pkt)) < 0) {
		media_set_error(res, "write", ret);
		res->status = PROBE_FAILED;
	}
	return 0;
}

/* The original ended (or failed) at packet pos of the range. */
static void
short_read(struct cut *c, uint64_t pos, int ret, struct probe_result *res)
{
	if (ret != AVERROR_EOF) {
		media_set_error(res, "read", ret);
		res->status = PROBE_DAMAGED;
		return;
	}
	res->status = PROBE_FAILED;
	snprintf(res->error, sizeof(res->error), "packets %llu..%llu asked "
	    "of %llu", (unsigned long long)c->job->first,
	    (unsigned long long)(c->job->first + c->job->count - 1),
	    (unsigned long long)pos);
}

/*
 * Positions the original at the first packet: after a seek (WALK_LOST
 * when it is not found within SEEK_LOOKAHEAD packets), or from the start.
 * On WALK_OK, c->pkt holds it and leaf is its leaf.
 */
static int
find_first(struct cut *c, int seek, uint8_t leaf[DIGEST_LEN], int *end,
    struct probe_result *res)
{
	uint64_t n;
	int ret, rc;

	if (seek && seek_first(c) != 0) {
		*end = WALK_LOST;
		return 0;
	}
	for (n = 0;; n++) {
		if (seek && n == SEEK_LOOKAHEAD) {
			*end = WALK_LOST;
			return 0;
		}
		media_avlog_clear();
		if ((ret = av_read_frame(c->ic, c->pkt)) < 0) {
			if (seek)
				*end = WALK_LOST;
			else {
				short_read(c, n, ret, res);
				*end = WALK_BAD;
			}
			return 0;
		}
		if (!seek && n < c->job->first) {
			av_packet_unref(c->pkt);
			continue;
		}
		if ((rc = packet_leaf(c, leaf)) != 0) {
			av_packet_unref(c->pkt);
			return rc;
		}
		if (!seek || same(&c->job->want[0], c->pkt, leaf))
			return 0;
		av_packet_unref(c->pkt);
	}
}

/*
 * Walks the range: every packet must have the expected leaf, in order.
 * Sets *end; on WALK_BAD res says why.
 */
static int
walk(struct cut *c, int seek, int *end, struct probe_result *res)
{
	const struct clip_cut_job *j = c->job;
	uint8_t leaf[DIGEST_LEN];
	uint64_t i = 0;
	int ret, rc;

	*end = WALK_OK;
	if ((rc = find_first(c, seek, leaf, end, res)) != 0 ||
	    *end != WALK_OK)
		return rc;
	for (;;) {
		if (!same(&j->want[i], c->pkt, leaf)) {
			av_packet_unref(c->pkt);
			*end = seek ? WALK_LOST : WALK_BAD;
			res->status = PROBE_FAILED;
			snprintf(res->error, sizeof(res->error), "packet %llu "
			    "of the original is not the one sealed",
			    (unsigned long long)(j->first + i));
			return 0;
		}
		rc = take(c, res);
		av_packet_unref(c->pkt);
		if (rc != 0 || res->status != PROBE_OK) {
			*end = WALK_BAD;
			return rc;
		}
		if (++i == j->count)
			return 0;
		media_avlog_clear();
		if ((ret = av_read_frame(c->ic, c->pkt)) < 0) {
			if (seek)
				*end = WALK_LOST;
			else {
				short_read(c, j->first + i, ret, res);
				*end = WALK_BAD;
			}
			return 0;
		}
		if ((rc = packet_leaf(c, leaf)) != 0) {
			av_packet_unref(c->pkt);
			return rc;
		}
	}
}

/*
 * Every packet of the clip against the original's leaves, per stream in
 * order; the leaf goes on to the parent when it is wanted.
 */
static int
check(void *arg, uint64_t pos, const AVPacket *pkt,
    const uint8_t leaf[DIGEST_LEN])
{
	struct cut *c = arg;
	const struct clip_leaf *want = c->job->want;
	uint64_t i, count = c->job->count;
	uint32_t s = (uint32_t)pkt->stream_index;

	c->seen++;
	if (s >= c->nstreams)
		c->bad_stream = (int)s;
	else {
		for (i = c->next[s]; i < count && want[i].stream != s; i++)
			;
		if (i == count ||
		    memcmp(want[i].leaf, leaf, DIGEST_LEN) != 0) {
			if (c->bad_stream < 0)
				c->bad_stream = (int)s;
			c->next[s] = count;
		} else
			c->next[s] = i + 1;
	}
	return c->w != NULL ? media_wout_leaf(c->w, pos, pkt, leaf) : 0;
}

static int
verify_clip(int out_fd, struct cut *c, const char *muxer,
    struct probe_result *res)
{
	struct probe_result r;
	struct media_in in;
	struct media_wout w;
	int rc;

	if ((c->next = calloc(c->nstreams, sizeof(*c->next))) == NULL)
		return CUSTOS_ERR_NOMEM;
	c->bad_stream = -1;
	if ((rc = media_open(out_fd, &in, &r)) == 0 && in.ctx != NULL) {
		if (c->job->leaves_fd >= 0 &&
		    (rc = media_wout_init(&w, c->job->leaves_fd, in.ctx)) == 0)
			c->w = &w;
		if (rc == 0)
			rc = media_demux(in.ctx, c->job->alg, &r, check, c);
		if (rc == 0 && c->w != NULL && r.status == PROBE_OK)
			rc = media_wout_result(c->w, WIRE_TAG_RESULT, 0, &r);
		if (c->w != NULL)
			media_wout_free(c->w);
		c->w = NULL;
	}
	media_close(&in);
	if (rc != 0)
		return rc;
	if (r.status != PROBE_OK) {
		res->status = PROBE_FAILED;
		snprintf(res->error, sizeof(res->error), "the clip does not "
		    "demux: %.100s", r.error);
	} else if (c->bad_stream >= 0) {
		res->status = PROBE_FAILED;
		snprintf(res->error, sizeof(res->error), "the %s muxer "
		    "would change packet data of stream %d", muxer,
		    c->bad_stream);
	} else if (c->seen != c->job->count) {
		res->status = PROBE_FAILED;
		snprintf(res->error, sizeof(res->error), "the %s muxer "
		    "would change the packets: %llu of %llu in the clip",
		    muxer, (unsigned long long)c->seen,
		    (unsigned long long)c->job->count);
	}
	return 0;
}

/* The second walk, writing the clip. */
static int
cut_run(struct cut *c, int seek, int out_fd, const char *muxer,
    struct probe_result *res)
{
	struct media_fout o;
	AVFormatContext *oc = NULL;
	AVIOContext *avio = NULL;
	unsigned char *buf;
	int rc = 0, ret, end;

	memset(&o, 0, sizeof(o));
	o.fd = out_fd;
	if ((ret = avformat_alloc_output_context2(&oc, NULL, muxer, NULL)) < 0)
		return CUSTOS_ERR_NOMEM;
	if ((buf = av_malloc(OUT_BUFSZ)) == NULL ||
	    (avio = avio_alloc_context(buf, OUT_BUFSZ, 1, &o, NULL,
	    media_fout_write, out_seek)) == NULL) {
		av_free(buf);
		rc = CUSTOS_ERR_NOMEM;
		goto out;
	}
	avio->seekable = AVIO_SEEKABLE_NORMAL;
	oc->pb = avio;
	oc->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_BITEXACT;
	if ((rc = out_streams(c->ic, oc)) != 0)
		goto out;
	if (av_dict_copy(&oc->metadata, c->ic->metadata, 0) < 0) {
		rc = CUSTOS_ERR_NOMEM;
		goto out;
	}
	media_avlog_clear();
	if ((ret = avformat_write_header(oc, NULL)) < 0) {
		media_set_error(res, "header", ret);
		res->status = PROBE_FAILED;
		goto out;
	}
	c->oc = oc;
	rc = walk(c, seek, &end, res);
	c->oc = NULL;
	if (rc != 0)
		goto out;
	if (end == WALK_LOST && res->status == PROBE_OK) {
		/* The first walk found the range this way. */
		res->status = PROBE_FAILED;
		snprintf(res->error, sizeof(res->error), "could not find "
		    "packet %llu after seeking",
		    (unsigned long long)c->job->first);
	}
	if (res->status == PROBE_OK &&
	    (ret = av_write_trailer(oc)) < 0) {
		media_set_error(res, "trailer", ret);
		res->status = PROBE_FAILED;
	}
	if (res->status == PROBE_OK)
		avio_flush(avio);
	if (o.err == EFBIG) {
		res->status = PROBE_FAILED;
		snprintf(res->error, sizeof(res->error), "the clip would be "
		    "larger than its limit");
	}
out:
	if (avio != NULL) {
		av_freep(&avio->buffer);
		avio_context_free(&avio);
	}
	avformat_free_context(oc);
	return rc;
}

/* Opens the original (again) for a walk from the start. */
static int
reopen(int in_fd, struct media_in *in, struct cut *c,
    struct probe_result *res)
{
	int rc;

	media_close(in);
	c->ic = NULL;
	if ((rc = media_open(in_fd, in, res)) != 0)
		return rc;
	if (in->ctx == NULL) {
		res->status = PROBE_DAMAGED;
		return 0;
	}
	res->status = PROBE_OK;
	c->ic = in->ctx;
	return 0;
}

/* The first walk: seeking, else (or when told) from the start. */
static int
find_range(int in_fd, struct media_in *in, struct cut *c, int *seek,
    struct probe_result *res)
{
	int rc, end;

	*seek = !c->job->from_start;
	if (*seek) {
		if ((rc = walk(c, 1, &end, res)) != 0)
			return rc;
		if (end == WALK_OK)
			return 0;
		if (end == WALK_BAD)
			return 0;
		*seek = 0;
		c->have_shift = 0;
		if ((rc = reopen(in_fd, in, c, res)) != 0 || c->ic == NULL)
			return rc;
	}
	res->error[0] = '\0';
	res->status = PROBE_OK;
	return walk(c, 0, &end, res);
}

int
clip_cut_fd(int in_fd, int out_fd, struct clip_cut_job *job,
    struct probe_result *res)
{
	struct media_in in;
	struct cut c;
	const char *muxer;
	int rc, seek;

	memset(&c, 0, sizeof(c));
	memset(&in, 0, sizeof(in));
	c.job = job;
	job->seeked = 0;
	if (job->count == 0 || job->first > UINT64_MAX - job->count ||
	    job->count > CLIP_MAX_LEAVES || job->want == NULL)
		return CUSTOS_ERR_INVALID;
	if ((rc = digest_new(job->alg, &c.d)) != 0)
		return rc;
	if ((c.pkt = av_packet_alloc()) == NULL) {
		rc = CUSTOS_ERR_NOMEM;
		goto out;
	}
	if ((rc = media_open(in_fd, &in, res)) != 0 || in.ctx == NULL)
		goto out;
	if ((muxer = muxer_for(in.ctx)) == NULL) {
		res->status = PROBE_FAILED;
		snprintf(res->error, sizeof(res->error), "clips of %s are "
		    "not supported", in.ctx->iformat->name);
		goto out;
	}
	c.ic = in.ctx;
	c.nstreams = in.ctx->nb_streams;
	res->status = PROBE_OK;
	/* Walk 1: the range is where the parent says, and its start. */
	if ((rc = find_range(in_fd, &in, &c, &seek, res)) != 0 ||
	    c.ic == NULL || res->status != PROBE_OK)
		goto out;
	/* Walk 2: the same packets again, written. */
	if (!seek && (rc = reopen(in_fd, &in, &c, res)) != 0)
		goto out;
	if (c.ic == NULL || res->status != PROBE_OK)
		goto out;
	if ((rc = cut_run(&c, seek, out_fd, muxer, res)) != 0 ||
	    res->status != PROBE_OK)
		goto out;
	/* The clip must give back the very same packets. */
	if ((rc = verify_clip(out_fd, &c, muxer, res)) != 0)
		goto out;
	if (res->status == PROBE_OK) {
		job->seeked = seek;
		res->packets = job->count;
		media_copy_str(res->container, sizeof(res->container), muxer);
	}
out:
	media_close(&in);
	av_packet_free(&c.pkt);
	digest_free(c.d);
	free(c.next);
	return rc;
}
