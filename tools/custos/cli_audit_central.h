/*
 * cli_audit_central: custos audit --replica (cli_audit_central.c).
 */
#ifndef CUSTOS_CLI_AUDIT_CENTRAL_H
#define CUSTOS_CLI_AUDIT_CENTRAL_H

struct config;

int	 cli_audit_central(const struct config *cfg, int argc, char *argv[]);

#endif
