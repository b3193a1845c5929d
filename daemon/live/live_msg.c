/*
 * live_msg: the live child's messages (live.h, live_int.h): the check
 * both sides make of a struct live_msg, the spool's file names, and the
 * child's side of the pipe: its messages, its last word (END) and the
 * stop that SIGTERM asks for.  The parent (live.c) uses only
 * live_msg_check() and live_spool_name().
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavutil/error.h>
#include <libavutil/log.h>

#include "custos/err.h"
#include "live.h"
#include "live_int.h"
#include "daemon/journal.h"

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

void
live_child_on_stop(int sig)
{
	(void)sig;
	stopping = 1;
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

void
live_child_log_to(struct child *c)
{
	the_child = c;
	av_log_set_callback(avlog_cb);
}

void
live_child_send(struct live_msg *m)
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
	live_child_send(&m);
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
	live_child_send(&m);
	_exit(0);
}

void
live_child_averr(int averr, char *buf, size_t len)
{
	if (av_strerror(averr, buf, len) < 0)
		snprintf(buf, len, "error %d", averr);
}
