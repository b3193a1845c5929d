/*
 * cli_segment: "custos segment get", a copy of one sealed segment's bytes
 * out of the station's store, logged as evidence.accessed (docs/api.md,
 * "Who may do what").
 */
#ifndef CUSTOS_CLI_SEGMENT_H
#define CUSTOS_CLI_SEGMENT_H

#include <stdio.h>

struct config;

/*
 * Runs "segment get INDEX -o FILE --purpose TEXT [--json]" (argv[0] is
 * "segment").  Returns the exit status: 0 copied and logged, 1 failed
 * (nothing is left at FILE or beside it), 2 usage error.
 */
int	 cli_segment(const struct config *cfg, int argc, char *argv[]);

/* Prints the verb's usage on f. */
void	 cli_segment_usage(FILE *f);

#endif
