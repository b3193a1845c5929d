/*
 * cli_restore: custos restore --from-replica (cli_restore.c).
 */
#ifndef CUSTOS_CLI_RESTORE_H
#define CUSTOS_CLI_RESTORE_H

#include <stdio.h>

struct config;

int	 cli_restore(const struct config *cfg, int argc, char *argv[]);
void	 cli_restore_usage(FILE *f);

#endif
