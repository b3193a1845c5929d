/*
 * cli_replay: "custos replay INSPECTION", an inspection's timeline read
 * from the log, and a playlist of its footage in recorded order.
 *
 * It also holds the read-only view of a station's state that "custos
 * audit" (cli_audit.c) shares: the log, its registry, the working-day
 * calendar and the paths of stored objects.  Neither verb needs the
 * daemon, and neither writes to the log or the store.
 */
#ifndef CUSTOS_CLI_REPLAY_H
#define CUSTOS_CLI_REPLAY_H

#include <stdio.h>

#include <stddef.h>

struct config;
struct log;
struct registry;
struct catalog;
struct calendar;

struct cli_state {
	const struct config	*cfg;		/* borrowed */
	struct log		*log;		/* read-only */
	struct registry		*reg;
	struct catalog		*cat;		/* read-only; NULL when the
						   daemon has not built it */
	struct calendar		*cal;
};

/*
 * Opens the log (read-only), the registry and the catalog beside it and
 * the calendar of cfg into *s.  A catalog the daemon has not built (or
 * upgraded) yet is left NULL, not an error.  Returns 0, or prints one line saying what could not be
 * opened and returns 2 (the tools' "unreadable input" status); *s is then
 * empty.  Close with cli_state_close().
 */
int	 cli_state_open(const struct config *cfg, struct cli_state *s);

/* Closes what s holds; an empty or partly opened s is allowed. */
void	 cli_state_close(struct cli_state *s);

/*
 * Writes the store path of object ("sha256:<hex>" or "sm3:<hex>", which
 * must be the station's hash) into buf of len bytes.  The layout is the
 * one store.h documents, computed here rather than through store_open(),
 * which would create directories and remove stale temporary files: a
 * view must not write.  Returns 0, CUSTOS_ERR_FORMAT for a malformed or
 * foreign hash, CUSTOS_ERR_INVALID when buf is too small.
 */
int	 cli_object_path(const struct cli_state *s, const char *object,
	    char *buf, size_t len);

/*
 * Copies s, a file name from a camera, into buf (len bytes, truncated)
 * with every control character replaced by '?', for printing: a line
 * break in it would otherwise start a new playlist directive or report
 * line, and an escape sequence would reach the terminal.
 */
void	 cli_safe_name(const char *s, char *buf, size_t len);

/* "replay INSPECTION [--json] [--play FILE]".  Returns the exit status. */
int	 cli_replay(const struct config *cfg, int argc, char *argv[]);

/* Prints the verb's usage on f ("custos replay --help" on stdout). */
void	 cli_replay_usage(FILE *f);

#endif
