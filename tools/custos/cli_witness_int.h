/*
 * cli_witness_int: what cli_witness.c (commands, keys, the accept loop)
 * and cli_witness_http.c (one HTTP connection) share.
 */
#ifndef CUSTOS_CLI_WITNESS_INT_H
#define CUSTOS_CLI_WITNESS_INT_H

struct witness;

/* Per-read and per-connection limits of the blocking server, seconds. */
#define WITNESS_IO_TIMEOUT	5
#define WITNESS_CONN_TIMEOUT	15

/*
 * Serves one request on the connected socket fd (blocking, with the
 * timeouts above) with w, writes the reply and one log line on stderr,
 * and returns; the caller closes fd.  peer names the client in the log.
 */
void	 witness_http_serve(struct witness *w, int fd, const char *peer);

#endif
