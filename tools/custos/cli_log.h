/*
 * cli_log: the "custos log" verbs.  They read the log database read-only,
 * so they work whether or not custosd runs.
 */
#ifndef CUSTOS_CLI_LOG_H
#define CUSTOS_CLI_LOG_H

#include <stdio.h>

#include "custos/config.h"

struct log;

/*
 * Opens the station's log of cfg read-only into *out (close it with
 * log_close()).  Returns 0, or warns once, naming the file, and returns 2
 * (the tools' "unreadable input" status).  Shared with replay and audit.
 */
int	 cli_log_open(const struct config *cfg, struct log **out);

/*
 * Runs "log VERB ARGS..." (argv[0] is "log").  Returns the exit code:
 * 0 done, 1 failed or not verified, 2 usage error.
 */
int	 cli_log(const struct config *cfg, int argc, char *argv[]);

/* Prints the usage of the log verbs on f ("custos log --help"). */
void	 cli_log_usage(FILE *f);

#endif
