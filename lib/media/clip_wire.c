/*
 * clip_wire: the writer of the clip child's answer stream (the wire
 * format in media_int.h): the leaves job and the cut job both send a
 * file's leaves this way; clip.c parses them.  Also what every job of
 * the media child writes: its output file and its final answer.
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
#include "media_int.h"

int
media_wout_init(struct media_wout *w, int fd, AVFormatContext *ctx)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->ctx = ctx;
	w->start = ctx != NULL && ctx->start_time != AV_NOPTS_VALUE ?
	    ctx->start_time : 0;
	if ((w->buf = malloc(MEDIA_WOUT_BUFSZ)) == NULL)
		return CUSTOS_ERR_NOMEM;
	return 0;
}

void
media_wout_free(struct media_wout *w)
{
	free(w->buf);
	w->buf = NULL;
}

int
media_wout_flush(struct media_wout *w)
{
	size_t off = 0;
	ssize_t n;

	while (off < w->len) {
		if ((n = write(w->fd, w->buf + off, w->len - off)) == -1) {
			if (errno == EINTR)
				continue;
			return CUSTOS_ERR_SYSTEM;
		}
		off += (size_t)n;
	}
	w->len = 0;
	return 0;
}

int
media_wout_put(struct media_wout *w, const void *p, size_t n)
{
	int rc;

	if (n > MEDIA_WOUT_BUFSZ)
		return CUSTOS_ERR_INVALID;
	if (w->len + n > MEDIA_WOUT_BUFSZ && (rc = media_wout_flush(w)) != 0)
		return rc;
	memcpy(w->buf + w->len, p, n);
	w->len += n;
	return 0;
}

int
media_wout_leaf(void *arg, uint64_t pos, const AVPacket *pkt,
    const uint8_t leaf[DIGEST_LEN])
{
	static const AVRational ms = { 1, 1000 };
	struct media_wout *w = arg;
	struct wire_leaf r;
	AVRational tb = { 1, 1000 };
	int64_t t;

	(void)pos;
	memset(&r, 0, sizeof(r));
	r.tag = WIRE_TAG_LEAF;
	r.stream = (uint32_t)pkt->stream_index;
	r.flags = (pkt->flags & AV_PKT_FLAG_KEY) ? CLIP_KEY : 0;
	if ((unsigned)pkt->stream_index < w->ctx->nb_streams)
		tb = w->ctx->streams[pkt->stream_index]->time_base;
	t = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
	if (t == AV_NOPTS_VALUE || tb.num <= 0 || tb.den <= 0)
		r.time_ms = CLIP_NO_TIME;
	else
		r.time_ms = av_rescale_q(t, tb, ms) -
		    av_rescale(w->start, 1000, AV_TIME_BASE);
	memcpy(r.leaf, leaf, DIGEST_LEN);
	return media_wout_put(w, &r, sizeof(r));
}

int
media_wout_result(struct media_wout *w, uint32_t tag, uint32_t refused,
    const struct probe_result *res)
{
	struct wire_result fin;
	int rc;

	memset(&fin, 0, sizeof(fin));
	fin.tag = tag;
	fin.refused = refused;
	fin.res = *res;
	if ((rc = media_wout_put(w, &fin, sizeof(fin))) != 0)
		return rc;
	return media_wout_flush(w);
}

void
media_child_answer(uint32_t tag, struct probe_result *res, const char *what)
{
	struct media_wout w;
	uint32_t refused = 0;
	char step[128];
	int rc;

	/* FAILED is the parent's word: the child sends it as a refusal. */
	if (res->status == PROBE_FAILED) {
		refused = 1;
		res->status = PROBE_DAMAGED;
	}
	if (probe_result_check(res, sizeof(*res)) != 0) {
		snprintf(step, sizeof(step), "%s fails its own check", what);
		media_child_die(step, 0, 0);
	}
	if ((rc = media_wout_init(&w, STDOUT_FILENO, NULL)) != 0 ||
	    (rc = media_wout_result(&w, tag, refused, res)) != 0)
		media_child_die(what, rc, errno);
	media_wout_free(&w);
	_exit(0);
}

int
media_fout_write(void *opaque, uint8_t *buf, int n)
{
	struct media_fout *o = opaque;
	ssize_t r;
	int off = 0;

	while (off < n) {
		r = pwrite(o->fd, buf + off, (size_t)(n - off), o->pos);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			o->err = r == -1 ? errno : EIO;
			return AVERROR(o->err);
		}
		off += (int)r;
		o->pos += r;
	}
	if (o->pos > o->size)
		o->size = o->pos;
	return n;
}
