/*
 * live_seg: the live child's segments (live_int.h, docs/live.md): the
 * stream's packets held back until the next packet of their stream shows
 * they ended, written unchanged into one MPEG-TS file per segment in the
 * spool (reached only through fd LIVE_SPOOL_FD), cut at keyframes of the
 * reference stream, each closed file reported with one struct live_msg.
 * Packets that would not decode from the file's start are left out and
 * counted ("Complete packets only").
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/buffer.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/mathematics.h>
#include <libavutil/mem.h>

#include "live.h"
#include "live_int.h"

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

		live_child_averr(ret, e, sizeof(e));
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
	live_child_send(&m);
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
void
live_seg_finish(struct child *c)
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
	live_child_averr(ret, e, sizeof(e));
	seq = c->seg.seq;
	werr = c->seg.werr;
	live_seg_finish(c);
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
void
live_seg_take(struct child *c, AVPacket *pkt)
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

void
live_seg_tracks(struct child *c)
{
	unsigned i;

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
