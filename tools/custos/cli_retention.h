/*
 * cli_retention: "custos retention plan", what would become disposable
 * at a date and why, read from the log (docs/retention.md).
 */
#ifndef CUSTOS_CLI_RETENTION_H
#define CUSTOS_CLI_RETENTION_H

#include <stdio.h>

struct config;

/* argv[0] is "retention".  Returns the exit status. */
int	 cli_retention(const struct config *cfg, int argc, char *argv[]);

/* Prints the usage of the retention verb on f. */
void	 cli_retention_usage(FILE *f);

#endif
