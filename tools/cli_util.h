/*
 * cli_util: what the command-line tools, custos and custos-verify, share:
 * the exit status of the commands that verify, flushing stdout before
 * exit, numbers from the command line, reading an input file named on it
 * and loading a verifier key.
 */
#ifndef CUSTOS_CLI_UTIL_H
#define CUSTOS_CLI_UTIL_H

#include <stddef.h>

/*
 * The exit status of every command that verifies or audits: each verb of
 * custos-verify, and custos log verify, audit and replay (docs/verify.md,
 * tests/cli/custos-verify.exp).  Not verified is a finding about the
 * evidence; an input that cannot be read or used (a missing file, a FIFO,
 * a key file that is not a key) says nothing about it, and neither does
 * a usage error.
 */
enum cli_status {
	CLI_EXIT_OK = 0,	/* verified, integrity proven */
	CLI_EXIT_NOT = 1,	/* not verified */
	CLI_EXIT_USAGE = 2	/* usage error or an unusable input */
};

/*
 * Flushes and checks stdout, then exits with code.  If stdout could not be
 * written, prints the error and exits with 2 instead, so a full disk or a
 * closed pipe never passes for success.
 */
void	 cli_exit(int code) __attribute__((noreturn));

/*
 * Prints "PROG: " and the message fmt on stderr, a newline, then text
 * (the usage, ending in a newline), and exits with CLI_EXIT_USAGE
 * through cli_exit().
 */
void	 cli_usage_exit(const char *prog, const char *text, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4), noreturn));

/*
 * Parses a non-negative decimal integer with no sign, spaces or leading
 * zeros (except "0").  Returns 0 and *out, or -1.
 */
int	 cli_parse_u64(const char *s, unsigned long long *out);

/*
 * Opens path, an input named on the command line, for reading: a regular
 * file, or a directory when dir_ok.  A FIFO, socket or device is refused
 * without blocking on it.  Returns 0 with *fd (blocking, close-on-exec;
 * the caller closes it), or CUSTOS_ERR_SYSTEM (errno holds the cause,
 * EISDIR for a directory that is not dir_ok) or CUSTOS_ERR_INVALID (not
 * a regular file or directory) with *fd -1 and the reason in why
 * (whysz > 0): "cannot read [WHAT ]PATH: ...", what (such as "key file")
 * may be NULL.
 */
int	 cli_open_input(const char *what, const char *path, int dir_ok,
	    int *fd, char *why, size_t whysz);

/*
 * Reads path, at most max bytes, into a newly allocated *buf of *len bytes
 * (the caller frees it).  The file is opened with cli_open_input() (a
 * regular file only).  Returns 0, or CUSTOS_ERR_SYSTEM (errno holds the
 * cause), _INVALID, _TOOBIG or _NOMEM with a message naming path (after
 * what, if not NULL) in why
 * (whysz > 0): an unreadable, oversized or non-regular input, which the
 * tools report as CLI_EXIT_USAGE.
 */
int	 cli_read_input(const char *what, const char *path, size_t max,
	    char **buf, size_t *len, char *why, size_t whysz);

struct note_verifier;

/*
 * Loads the verifier key file path: read with cli_read_input() (what and
 * max as there), it holds a C2SP verifier key, optionally followed by one
 * newline.  Returns 0 with *v (free with note_verifier_free()), or a
 * CUSTOS_ERR_* code with *v NULL and the reason, naming path, in why
 * (whysz > 0): the code of cli_read_input() when the file cannot be read
 * (SYSTEM, INVALID, TOOBIG, NOMEM), or of note_verifier_parse() when it
 * holds no verifier key (FORMAT, UNSUPPORTED for a key type this build
 * does not know, NOMEM).  Every tool reports either as CLI_EXIT_USAGE:
 * the key is the user's input, not evidence.
 */
int	 cli_load_verifier(const char *what, const char *path, size_t max,
	    struct note_verifier **v, char *why, size_t whysz);

#endif
