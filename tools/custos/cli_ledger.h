/*
 * cli_ledger: "custos ledger", the inspection ledger (台账), through the
 * daemon's control socket (docs/api.md, GET /v1/ledger).
 */
#ifndef CUSTOS_CLI_LEDGER_H
#define CUSTOS_CLI_LEDGER_H

struct config;

/* argv[0] is "ledger".  Returns the exit status. */
int	 cli_ledger(const struct config *cfg, int argc, char *argv[]);

#endif
