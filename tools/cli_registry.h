/*
 * cli_registry: "custos officer ..." and "custos enterprise ...", through
 * the daemon's control socket (docs/api.md).
 */
#ifndef CUSTOS_CLI_REGISTRY_H
#define CUSTOS_CLI_REGISTRY_H

struct config;

/* argv[0] is "officer" or "enterprise".  Returns the exit status. */
int	 cli_registry(const struct config *cfg, int argc, char *argv[]);

#endif
