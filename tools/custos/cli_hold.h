/*
 * cli_hold: "custos hold add|release|list", legal holds through the
 * daemon's control socket (docs/retention.md).
 */
#ifndef CUSTOS_CLI_HOLD_H
#define CUSTOS_CLI_HOLD_H

#include <stdio.h>

struct config;

/* argv[0] is "hold".  Returns the exit status. */
int	 cli_hold(const struct config *cfg, int argc, char *argv[]);

/* Prints the usage of the hold verb on f. */
void	 cli_hold_usage(FILE *f);

#endif
