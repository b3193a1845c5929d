/*
 * journal: the daemon's one reporting path.  One line per event on stderr;
 * under systemd (JOURNAL_STREAM set) each line starts with "<N>", the
 * syslog level, so the journal keeps the priority.  Evidence events use
 * stable key=value fields.  Every function saves and restores errno.
 */
#ifndef CUSTOSD_JOURNAL_H
#define CUSTOSD_JOURNAL_H

#include <stdarg.h>

#include <stddef.h>

#define LOG_QUOTE_LEN	768	/* buffer size for log_quote() */

/*
 * Quotes s for a key=value log line into buf (bufsz bytes, normally
 * LOG_QUOTE_LEN) and returns buf: printable ASCII and valid multi-byte
 * UTF-8 (Chinese names stay readable) as they are, '"' and '\\' escaped,
 * anything else as \xNN, so a hostile name can neither break the line nor
 * forge a field.  A string too long for buf ends in "...".
 */
const char *log_quote(const char *s, char *buf, size_t bufsz);

/* Names this process in every line ("custosd", "media", ...). */
void	 log_procinit(const char *name);

/* Enables debug lines when verbose is non-zero. */
void	 log_setverbose(int verbose);

/* Warning with ": strerror(errno)" appended. */
void	 log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Warning without errno. */
void	 log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Warning with the text of CUSTOS_ERR_* code rc appended (and errno's
 * text when rc is CUSTOS_ERR_SYSTEM). */
void	 log_warnx_r(int rc, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Startup failures only: log at "crit" and exit(1). */
void	 fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	 fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	 fatalx_r(int rc, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

#endif
