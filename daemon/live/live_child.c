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
 * before (docs/live.md says so).  It then copies packets unchanged into
 * one MPEG-TS file per segment in its spool directory, which it reaches
 * only through fd 3, and reports each closed file with one struct
 * live_msg on stdout.
 *
 * The parts, each sharing the struct child of live_int.h: this file
 * (the request, the source, the restriction, the read loop); live_seg.c
 * (packets held back until whole, written into segments, the drops
 * counted: docs/live.md, "Complete packets only"); live_msg.c (the
 * messages, the END, the stop); live_tls.c (the tls:// listener, OpenSSL
 * with client certificates).
 *
 * The restriction (restrict_self) is the live role of sandbox.h:
 * RLIMIT_NPROC 0 (not for SRT, whose library starts threads),
 * RLIMIT_FSIZE LIVE_FSIZE_MAX, PR_SET_NO_NEW_PRIVS, a Landlock ruleset
 * that grants only the creation and writing of regular files beneath the
 * spool (and no TCP bind or connect, from ABI 4), and a seccomp allowlist
 * that kills the process on anything else.  Sockets already open stay
 * usable: reading the stream is the child's job.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libavformat/avformat.h>
#include <libavutil/cpu.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/mem.h>

#include "custos/err.h"
#include "custos/sandbox.h"
#include "live.h"
#include "live_int.h"
#include "daemon/journal.h"

/* A segment file may not grow past this (SIGXFSZ is ignored: the write
 * fails with EFBIG and the stream ends with what was written). */
#define LIVE_FSIZE_MAX		(UINT64_C(16) << 30)
/* A camera silent this long has gone: read timeout, microseconds. */
#define LIVE_RW_TIMEOUT_US	"5000000"
/* Enough to find the codecs of a live stream, little to wait for. */
#define LIVE_PROBESIZE		2000000
#define LIVE_ANALYZE_US		3000000

static int
interrupted(void *arg)
{
	(void)arg;
	return live_child_stopping();
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

static int
is_srt(const struct live_req *r)
{
	return r->mode == LIVE_LISTEN_SRT || strncmp(r->url, "srt://", 6) == 0;
}

/* Step 4: the live role of sandbox.h, for good. */
static int
restrict_self(const struct live_req *r)
{
	struct sandbox_policy p;

	memset(&p, 0, sizeof(p));
	p.role = SANDBOX_LIVE;
	p.fd = LIVE_SPOOL_FD;
	p.fsize_max = LIVE_FSIZE_MAX;
	p.threads = is_srt(r);
	return sandbox_apply(&p);
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
			live_child_averr(ret, e, sizeof(e));
			live_child_end(c, "%s", live_child_stopping() ?
			    "stopped" : e);
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
		live_child_averr(ret, e, sizeof(e));
		live_child_end(c, "%s", live_child_stopping() ? "stopped" :
		    e);
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
			live_child_averr(ret, e, sizeof(e));
			live_child_end(c, "%s", live_child_stopping() ?
			    "stopped" : e);
		}
	}
	if ((ret = avformat_find_stream_info(c->ic, NULL)) < 0) {
		live_child_averr(ret, e, sizeof(e));
		live_child_end(c, "%s", live_child_stopping() ? "stopped" :
		    e);
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
	live_seg_tracks(c);
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
		live_seg_take(c, pkt);
	}
	live_seg_finish(c);
	if (live_child_stopping())
		live_child_end(NULL, "stopped");
	if (ret == AVERROR_EOF)
		live_child_end(NULL, "end of stream");
	live_child_averr(ret, e, sizeof(e));
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
	live_child_log_to(&c);

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
	sa.sa_handler = live_child_on_stop;
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
