/*
 * cli_util: what the command-line tools share.
 */
#ifndef CUSTOS_CLI_UTIL_H
#define CUSTOS_CLI_UTIL_H

/*
 * Flushes and checks stdout, then exits with code.  If stdout could not be
 * written, prints the error and exits with 2 instead, so a full disk or a
 * closed pipe never passes for success.
 */
void	 cli_exit(int code) __attribute__((noreturn));

/*
 * Parses a non-negative decimal integer with no sign, spaces or leading
 * zeros (except "0").  Returns 0 and *out, or -1.
 */
int	 cli_parse_u64(const char *s, unsigned long long *out);

struct note_verifier;

/*
 * Reads and parses the verifier key file path (at most 4 KiB, one
 * optional trailing newline).  Returns 0 with *v (free with
 * note_verifier_free()), or warns once, naming path, and returns 2, the
 * tools' exit status for an input that cannot be used.
 */
int	 cli_load_verifier(const char *path, struct note_verifier **v);

#endif
