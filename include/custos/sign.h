/*
 * sign: public-key signatures of a crypto profile, through OpenSSL.
 *
 * The default profile signs with Ed25519 (RFC 8032), the "sm" profile with
 * SM2 over SM3 (GB/T 32918, distinguishing ID "1234567812345678").
 *
 * This half holds only what a verifier needs: public keys and signature
 * checks.  Key generation and signing live in signer.h, which custos-verify
 * does not link.
 */
#ifndef CUSTOS_SIGN_H
#define CUSTOS_SIGN_H

#include <stddef.h>
#include <stdint.h>

enum sign_alg {
	SIGN_ED25519 = 1,
	SIGN_SM2 = 2,
};

#define SIGN_PUB_MAX	65	/* Ed25519: 32; SM2: 65 (uncompressed point) */
#define SIGN_PRIV_LEN	32	/* Ed25519 seed or SM2 private scalar */
#define SIGN_SIG_MAX	72	/* Ed25519: 64; SM2: DER, at most 72 */

struct sign_pub;

/* Returns the raw public key length of alg, or 0 for an unknown alg. */
size_t	 sign_pub_len(enum sign_alg alg);

/* Returns "ed25519" or "sm2". */
const char *sign_alg_name(enum sign_alg alg);

/*
 * Makes a public key of alg from its raw bytes (len must be
 * sign_pub_len(alg)).  Returns 0 and a key in *out that the caller frees
 * with sign_pub_free(), CUSTOS_ERR_FORMAT for bytes that are not a valid key
 * (including an SM2 point not on the curve), CUSTOS_ERR_UNSUPPORTED or
 * CUSTOS_ERR_NOMEM.
 */
int	 sign_pub_from_raw(enum sign_alg alg, const uint8_t *raw, size_t len,
	    struct sign_pub **out);

/* Returns the key's algorithm. */
enum sign_alg sign_pub_alg(const struct sign_pub *pub);

/*
 * Copies the raw public key into raw (SIGN_PUB_MAX bytes) and sets *len.
 * Returns 0 or CUSTOS_ERR_CRYPTO.
 */
int	 sign_pub_raw(const struct sign_pub *pub, uint8_t raw[SIGN_PUB_MAX],
	    size_t *len);

/*
 * Checks sig over msg.  Returns 0 if it verifies, CUSTOS_ERR_VERIFY if it
 * does not (including a signature of the wrong length or encoding), or
 * CUSTOS_ERR_CRYPTO / CUSTOS_ERR_NOMEM when the check could not run.
 */
int	 sign_verify(const struct sign_pub *pub, const void *msg, size_t msglen,
	    const uint8_t *sig, size_t siglen);

/* Frees pub; NULL is allowed. */
void	 sign_pub_free(struct sign_pub *pub);

#endif
