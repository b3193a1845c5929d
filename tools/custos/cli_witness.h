/*
 * cli_witness: "custos witness", a C2SP tlog-witness (docs/witness.md,
 * "Witnesses"): its key pair and its HTTP server.  Neither reads the
 * station's configuration.
 */
#ifndef CUSTOS_CLI_WITNESS_H
#define CUSTOS_CLI_WITNESS_H

#include <stdio.h>

/* argv[0] is "witness".  Returns the exit status. */
int	 cli_witness(int argc, char *argv[]);

void	 cli_witness_usage(FILE *f);

#endif
