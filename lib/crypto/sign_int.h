/*
 * sign_int: what signing (signer.c) and checking signatures (sign.c)
 * share: the OpenSSL context both hash the message in, so that they can
 * never disagree on the digest or on SM2's ID.  Private to lib/crypto/.
 */
#ifndef CUSTOS_SIGN_INT_H
#define CUSTOS_SIGN_INT_H

#include <openssl/evp.h>

#include "custos/sign.h"

/*
 * A new digest context set up by init (EVP_DigestSignInit to sign,
 * EVP_DigestVerifyInit to verify, which share a type) for pkey of alg:
 * Ed25519 with no digest, SM2 over SM3 with the ID "1234567812345678".
 * Returns 0 and *out (free with EVP_MD_CTX_free()), CUSTOS_ERR_NOMEM, or
 * CUSTOS_ERR_CRYPTO (OpenSSL's error queue cleared).
 */
int	 sign_ctx_new(enum sign_alg alg, EVP_PKEY *pkey,
	    int (*init)(EVP_MD_CTX *, EVP_PKEY_CTX **, const EVP_MD *,
	    ENGINE *, EVP_PKEY *), EVP_MD_CTX **out);

#endif /* CUSTOS_SIGN_INT_H */
