/*
 * cli_log: the "custos log" verbs.  They read the log database read-only,
 * so they work whether or not custosd runs.
 */
#ifndef CUSTOS_CLI_LOG_H
#define CUSTOS_CLI_LOG_H

#include <stdint.h>
#include <stdio.h>

#include "custos/config.h"

struct log;
struct log_verify_result;

/*
 * Opens the station's log of cfg read-only into *out (close it with
 * log_close()).  Returns 0, or warns once, naming the file, and returns
 * CLI_EXIT_USAGE (an unreadable input).  Shared with replay and audit.
 */
int	 cli_log_open(const struct config *cfg, struct log **out);

/*
 * Verifies the whole log l of cfg with log_verify_all() (progress, arg
 * and res as there) against the station's verifier key: keyfile, or
 * station.vkey in cfg's state directory when NULL.  Returns 0 with *vrc
 * the result of log_verify_all(), or warns once that the key cannot be
 * used and returns CLI_EXIT_USAGE.  Shared by "log verify" and audit.
 */
int	 cli_log_verify(const struct config *cfg, struct log *l,
	    const char *keyfile,
	    void (*progress)(void *arg, uint64_t done, uint64_t total),
	    void *arg, struct log_verify_result *res, int *vrc);

/*
 * Runs "log VERB ARGS..." (argv[0] is "log").  Returns the exit code
 * (cli_util.h): 0 done, 1 failed or not verified, 2 usage error.
 */
int	 cli_log(const struct config *cfg, int argc, char *argv[]);

/* Prints the usage of the log verbs on f ("custos log --help"). */
void	 cli_log_usage(FILE *f);

#endif
