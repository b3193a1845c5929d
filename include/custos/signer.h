/*
 * signer: private keys and signing (the half of sign.h a verifier does not
 * need).  Private key material is wiped when a key is freed.
 */
#ifndef CUSTOS_SIGNER_H
#define CUSTOS_SIGNER_H

#include "custos/sign.h"

struct sign_key;

/* Generates a new key of alg in *out.  Returns 0 or an error. */
int	 sign_key_generate(enum sign_alg alg, struct sign_key **out);

/*
 * Makes a key from its raw SIGN_PRIV_LEN-byte private part (Ed25519 seed,
 * SM2 scalar).  Returns 0, CUSTOS_ERR_FORMAT for an invalid scalar, or an
 * error.
 */
int	 sign_key_from_raw(enum sign_alg alg, const uint8_t *raw, size_t len,
	    struct sign_key **out);

/* Copies the raw private part (SIGN_PRIV_LEN bytes) into raw. */
int	 sign_key_raw(const struct sign_key *key, uint8_t raw[SIGN_PRIV_LEN]);

/* Returns the key's algorithm. */
enum sign_alg sign_key_alg(const struct sign_key *key);

/*
 * Makes the public half in *out (caller frees with sign_pub_free()).
 */
int	 sign_key_public(const struct sign_key *key, struct sign_pub **out);

/*
 * Signs msg into sig (SIGN_SIG_MAX bytes) and sets *siglen.  Ed25519
 * signatures are deterministic; SM2 ones are not.  Returns 0 or an error.
 */
int	 sign_key_sign(const struct sign_key *key, const void *msg,
	    size_t msglen, uint8_t sig[SIGN_SIG_MAX], size_t *siglen);

/* Frees key and wipes its secret; NULL is allowed. */
void	 sign_key_free(struct sign_key *key);

#endif
