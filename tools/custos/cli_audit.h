/*
 * cli_audit: "custos audit", the whole log replayed and every claim it
 * makes checked against the log itself, the store and the TSA's tokens
 * (docs/audit.md).  Reads only; the daemon need not run.
 */
#ifndef CUSTOS_CLI_AUDIT_H
#define CUSTOS_CLI_AUDIT_H

#include <stdio.h>

struct config;

/*
 * "audit [--json] [--no-objects]".  Returns the exit status: 0 every
 * integrity check passed, 1 any integrity failure, 2 usage error or a
 * state that cannot be read.
 */
int	 cli_audit(const struct config *cfg, int argc, char *argv[]);

/* Prints the verb's usage on f ("custos audit --help" on stdout). */
void	 cli_audit_usage(FILE *f);

#endif
