/*
 * cli_keys: a new key pair written for "custos keygen" and "custos
 * witness keygen" (cli_keys.c).
 */
#ifndef CUSTOS_CLI_KEYS_H
#define CUSTOS_CLI_KEYS_H

/*
 * Writes skey to PREFIX.key (mode 0600) and vkey and a newline to
 * PREFIX.vkey (0644), each atomically and never over an existing file.
 * Returns 0, or warns naming the file and returns 1.
 */
int	 cli_keys_write(const char *prefix, const char *skey,
	    const char *vkey);

#endif
