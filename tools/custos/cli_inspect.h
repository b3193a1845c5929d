/*
 * cli_inspect: "custos camera ..." and "custos inspection ...", through
 * the daemon's control socket (docs/api.md, docs/inspection.md).
 */
#ifndef CUSTOS_CLI_INSPECT_H
#define CUSTOS_CLI_INSPECT_H

#include <stdio.h>

struct config;

/* argv[0] is "camera" or "inspection".  Returns the exit status. */
int	 cli_inspect(const struct config *cfg, int argc, char *argv[]);

/* Prints the usage of camera, inspection and ledger on f. */
void	 cli_inspect_usage(FILE *f);

#endif
