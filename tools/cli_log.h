/*
 * cli_log: the "custos log" verbs.  They read the log database read-only,
 * so they work whether or not custosd runs.
 */
#ifndef CUSTOS_CLI_LOG_H
#define CUSTOS_CLI_LOG_H

#include "custos/config.h"

/*
 * Runs "log VERB ARGS..." (argv[0] is "log").  Returns the exit code:
 * 0 done, 1 failed or not verified, 2 usage error.
 */
int	 cli_log(const struct config *cfg, int argc, char *argv[]);

#endif
