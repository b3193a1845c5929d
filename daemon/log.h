/*
 * log: the daemon's one reporting path.  One line per event on stderr;
 * under systemd (JOURNAL_STREAM set) each line starts with "<N>", the
 * syslog level, so the journal keeps the priority.  Evidence events use
 * stable key=value fields.  Every function saves and restores errno.
 */
#ifndef CUSTOSD_LOG_H
#define CUSTOSD_LOG_H

#include <stdarg.h>

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
