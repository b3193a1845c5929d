/*
 * cli_dispose: "custos retention dispose", through the daemon, which
 * computes the plan itself and logs each object.deleted before removing
 * the bytes (docs/retention.md, "Disposal").
 */
#ifndef CUSTOS_CLI_DISPOSE_H
#define CUSTOS_CLI_DISPOSE_H

struct config;

/* argv[0] is "retention", argv[1] "dispose".  Returns the exit status. */
int	 cli_dispose(const struct config *cfg, int argc, char *argv[]);

#endif
