/*
 * cli_export: "custos export", an inspection's evidence bundle
 * (docs/bundle.md) written to a directory or a tar file.
 */
#ifndef CUSTOS_CLI_EXPORT_H
#define CUSTOS_CLI_EXPORT_H

#include <stdio.h>

struct config;

/*
 * Runs "export INSPECTION -o DIR|FILE.tar ..." (argv[0] is "export").
 * Returns the exit status: 0 written and logged, 1 failed (nothing is
 * left at the output path), 2 usage error.
 */
int	 cli_export(const struct config *cfg, int argc, char *argv[]);

/* Prints the verb's usage on f ("custos export --help" on stdout). */
void	 cli_export_usage(FILE *f);

#endif
