/*
 * cosig_int: what cosig.c (verifying) and cosig_sign.c (keys and signing)
 * share and nobody else needs.
 */
#ifndef CUSTOS_COSIG_INT_H
#define CUSTOS_COSIG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "custos/cosig.h"
#include "custos/sign.h"

#define COSIG_PUB_LEN	32
#define COSIG_ED_SIGLEN	64
/* key ID, timestamp and Ed25519 signature: the decoded signature bytes */
#define COSIG_BLOB_LEN	(4 + COSIG_SIGLEN)

/*
 * Makes a verifier for name (namelen bytes, checked here) that takes
 * ownership of pub, an Ed25519 key, and computes its key ID.  Returns 0,
 * CUSTOS_ERR_INVALID for a bad name (pub is then freed), or an error.
 */
int	 cosig_verifier_make(const char *name, size_t namelen,
	    struct sign_pub *pub, struct cosig_verifier **out);

/*
 * Writes the signed message "cosignature/v1\ntime <ts>\n" || body to a
 * newly allocated *msg (*msglen bytes), which the caller frees.  Returns 0
 * or CUSTOS_ERR_NOMEM.
 */
int	 cosig_message(const char *body, size_t len, uint64_t ts, char **msg,
	    size_t *msglen);

#endif
