/*
 * replica_conf: the S3 client's parameters (include/custos/s3.h) from the
 * config's [replica] section and its credentials file, for the daemon and
 * the operator CLI alike (docs/replication.md).
 *
 * The credentials file holds two lines, "access_key = ..." and
 * "secret_key = ..." (INI, no section), and must be a regular file that
 * neither its group nor others may read or write: a file the config names
 * but anyone may read is refused, never used.
 */
#ifndef CUSTOS_REPLICA_CONF_H
#define CUSTOS_REPLICA_CONF_H

#include <stddef.h>

#include "custos/config.h"
#include "custos/s3.h"

/* The keys read from the credentials file. */
struct replica_creds;

/*
 * Fills *p from c's [replica] section and its credentials file, which it
 * reads into *creds (free with replica_creds_free()).  p's strings point
 * into c and *creds: valid while both are.  Returns 0;
 * CUSTOS_ERR_NOTFOUND when c has no [replica] endpoint (no replication;
 * *creds NULL); CUSTOS_ERR_CONFIG for a credentials file that cannot be
 * read, is readable by its group or others, is not "key = value" lines
 * or lacks a key; CUSTOS_ERR_NOMEM.  On error err (errlen bytes) holds
 * one line naming the file and what is wrong.
 */
int	 replica_conf_params(const struct config *c, struct s3_params *p,
	    struct replica_creds **creds, char *err, size_t errlen);

/* Wipes and frees creds; NULL is allowed. */
void	 replica_creds_free(struct replica_creds *creds);

#endif
