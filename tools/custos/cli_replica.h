/*
 * cli_replica: "custos replica check", a probe of the config's [replica]
 * bucket with the station's own client and keys (docs/replication.md).
 */
#ifndef CUSTOS_CLI_REPLICA_H
#define CUSTOS_CLI_REPLICA_H

#include <stdio.h>

struct config;

/*
 * argv[0] is "replica".  Returns the exit status: 0 the replica is
 * usable, 1 it is not (the first failure said in one sentence), 2 usage
 * or configuration error.
 */
int	 cli_replica(const struct config *cfg, int argc, char *argv[]);

/* Prints the usage of the replica verb on f. */
void	 cli_replica_usage(FILE *f);

#endif
