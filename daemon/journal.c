/*
 * journal: stderr logging for journald.  No log files, no openlog(): systemd
 * collects stderr, and a terminal shows it as is.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "custos/err.h"
#include "custos/utf8.h"
#include "journal.h"

static const char *procname = "custosd";
static int verbose;
static int journal = -1;

void
log_procinit(const char *name)
{
	procname = name;
	journal = getenv("JOURNAL_STREAM") != NULL;
}

void
log_setverbose(int v)
{
	verbose = v;
}

static void
vlog(int pri, const char *suffix, const char *fmt, va_list ap)
{
	static const char *const names[] = { "emerg", "alert", "crit",
	    "error", "warning", "notice", "info", "debug" };
	char msg[2048];
	int saved = errno;

	if (journal == -1)
		journal = getenv("JOURNAL_STREAM") != NULL;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (journal)
		fprintf(stderr, "<%d>%s%s%s\n", pri, msg,
		    suffix ? ": " : "", suffix ? suffix : "");
	else
		fprintf(stderr, "%s: %s: %s%s%s\n", procname, names[pri], msg,
		    suffix ? ": " : "", suffix ? suffix : "");
	fflush(stderr);
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	vlog(LOG_WARNING, e, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, NULL, fmt, ap);
	va_end(ap);
}

static const char *
rc_text(int rc, char *buf, size_t len)
{
	if (rc == CUSTOS_ERR_SYSTEM)
		snprintf(buf, len, "%s", strerror(errno));
	else
		snprintf(buf, len, "%s", custos_strerror(rc));
	return buf;
}

void
log_warnx_r(int rc, const char *fmt, ...)
{
	va_list ap;
	char buf[256];

	va_start(ap, fmt);
	vlog(LOG_WARNING, rc_text(rc, buf, sizeof(buf)), fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, NULL, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, NULL, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	vlog(LOG_CRIT, e, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx_r(int rc, const char *fmt, ...)
{
	va_list ap;
	char buf[256];

	va_start(ap, fmt);
	vlog(LOG_CRIT, rc_text(rc, buf, sizeof(buf)), fmt, ap);
	va_end(ap);
	exit(1);
}

const char *
log_quote(const char *s, char *buf, size_t bufsz)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, n;

	buf[o++] = '"';
	while (*p != '\0' && o + 8 < bufsz) {
		if (*p == '"' || *p == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)*p++;
		} else if (*p >= 0x20 && *p < 0x7f)
			buf[o++] = (char)*p++;
		/* strnlen: a sequence never runs on past the name's NUL. */
		else if (*p >= 0x80 &&
		    (n = utf8_seq(p, strnlen((const char *)p, 4), NULL)) > 0 &&
		    o + n + 2 < bufsz) {
			memcpy(buf + o, p, n);
			o += n;
			p += n;
		} else
			o += (size_t)snprintf(buf + o, bufsz - o, "\\x%02x",
			    *p++);
	}
	if (*p != '\0')
		o += (size_t)snprintf(buf + o, bufsz - o, "...");
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}
