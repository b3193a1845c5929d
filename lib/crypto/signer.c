/*
 * signer: private keys and signing for Ed25519 and SM2 (over SM3 with the
 * ID "1234567812345678").  The raw private part is kept beside the OpenSSL
 * key so it can be exported, and both are wiped when the key is freed.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include "custos/err.h"
#include "custos/signer.h"
#include "sign_int.h"

#define SM2_PUB_LEN	65

struct sign_key {
	enum sign_alg	 alg;
	EVP_PKEY	*pkey;
	uint8_t		 priv[SIGN_PRIV_LEN];
	uint8_t		 pub[SIGN_PUB_MAX];
	size_t		 publen;
};

static int
ed25519_pkey(struct sign_key *key)
{
	size_t	 len;

	key->pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL,
	    key->priv, SIGN_PRIV_LEN);
	if (key->pkey == NULL)
		return CUSTOS_ERR_CRYPTO;
	len = sizeof(key->pub);
	if (EVP_PKEY_get_raw_public_key(key->pkey, key->pub, &len) != 1)
		return CUSTOS_ERR_CRYPTO;
	key->publen = len;
	return 0;
}

/*
 * Computes the SM2 public point d*G into key->pub after checking that the
 * scalar d is in [1, n-2] as GB/T 32918.1 requires (d = n-1 would make the
 * signature equation divide by 1 + d = 0).
 */
static int
sm2_public(const EC_GROUP *group, const BIGNUM *d, BN_CTX *bctx,
    struct sign_key *key)
{
	BIGNUM		*nm1;
	EC_POINT	*p = NULL;
	int		 rc = CUSTOS_ERR_CRYPTO;

	if ((nm1 = BN_dup(EC_GROUP_get0_order(group))) == NULL)
		return CUSTOS_ERR_NOMEM;
	if (!BN_sub_word(nm1, 1))
		goto out;
	if (BN_is_zero(d) || BN_cmp(d, nm1) >= 0) {
		rc = CUSTOS_ERR_FORMAT;
		goto out;
	}
	if ((p = EC_POINT_new(group)) == NULL ||
	    !EC_POINT_mul(group, p, d, NULL, NULL, bctx))
		goto out;
	if (EC_POINT_point2oct(group, p, POINT_CONVERSION_UNCOMPRESSED,
	    key->pub, SM2_PUB_LEN, bctx) != SM2_PUB_LEN)
		goto out;
	key->publen = SM2_PUB_LEN;
	rc = 0;
out:
	EC_POINT_free(p);
	BN_free(nm1);
	return rc;
}

/* Imports the key pair (d, d*G) into an OpenSSL key of type SM2. */
static int
sm2_import(const BIGNUM *d, struct sign_key *key)
{
	OSSL_PARAM_BLD	*bld;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = NULL;
	int		 rc = CUSTOS_ERR_CRYPTO;

	if ((bld = OSSL_PARAM_BLD_new()) == NULL)
		return CUSTOS_ERR_NOMEM;
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    "SM2", 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    key->pub, key->publen) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d))
		goto out;
	/* d is a secure BIGNUM, so the builder keeps it in secure memory. */
	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto out;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key->pkey, EVP_PKEY_KEYPAIR, params) != 1)
		goto out;
	rc = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return rc;
}

static int
sm2_pkey(struct sign_key *key)
{
	EC_GROUP	*group;
	BN_CTX		*bctx = NULL;
	BIGNUM		*d = NULL;
	int		 rc = CUSTOS_ERR_NOMEM;

	if ((group = EC_GROUP_new_by_curve_name(NID_sm2)) == NULL)
		return CUSTOS_ERR_CRYPTO;
	if ((bctx = BN_CTX_secure_new()) == NULL ||
	    (d = BN_secure_new()) == NULL)
		goto out;
	if (BN_bin2bn(key->priv, SIGN_PRIV_LEN, d) == NULL) {
		rc = CUSTOS_ERR_CRYPTO;
		goto out;
	}
	if ((rc = sm2_public(group, d, bctx, key)) != 0)
		goto out;
	rc = sm2_import(d, key);
out:
	BN_clear_free(d);
	BN_CTX_free(bctx);
	EC_GROUP_free(group);
	return rc;
}

int
sign_key_from_raw(enum sign_alg alg, const uint8_t *raw, size_t len,
    struct sign_key **out)
{
	struct sign_key	*key;
	int		 rc;

	*out = NULL;
	if (alg != SIGN_ED25519 && alg != SIGN_SM2)
		return CUSTOS_ERR_UNSUPPORTED;
	if (raw == NULL || len != SIGN_PRIV_LEN)
		return CUSTOS_ERR_FORMAT;
	if ((key = calloc(1, sizeof(*key))) == NULL)
		return CUSTOS_ERR_NOMEM;
	key->alg = alg;
	memcpy(key->priv, raw, SIGN_PRIV_LEN);
	rc = alg == SIGN_ED25519 ? ed25519_pkey(key) : sm2_pkey(key);
	ERR_clear_error();
	if (rc != 0) {
		sign_key_free(key);
		return rc;
	}
	*out = key;
	return 0;
}

int
sign_key_generate(enum sign_alg alg, struct sign_key **out)
{
	uint8_t	 raw[SIGN_PRIV_LEN];
	int	 i, rc = CUSTOS_ERR_CRYPTO;

	*out = NULL;
	/*
	 * Rejection sampling keeps the SM2 scalar uniform in [1, n-2]; a
	 * random 256-bit string falls outside with probability about 2^-32,
	 * so a few tries always suffice.  Every Ed25519 seed is valid.
	 */
	for (i = 0; i < 8; i++) {
		if (RAND_priv_bytes(raw, sizeof(raw)) != 1) {
			ERR_clear_error();
			rc = CUSTOS_ERR_CRYPTO;
			break;
		}
		rc = sign_key_from_raw(alg, raw, sizeof(raw), out);
		if (rc != CUSTOS_ERR_FORMAT)
			break;
	}
	OPENSSL_cleanse(raw, sizeof(raw));
	return rc;
}

int
sign_key_raw(const struct sign_key *key, uint8_t raw[SIGN_PRIV_LEN])
{
	memcpy(raw, key->priv, SIGN_PRIV_LEN);
	return 0;
}

enum sign_alg
sign_key_alg(const struct sign_key *key)
{
	return key->alg;
}

int
sign_key_public(const struct sign_key *key, struct sign_pub **out)
{
	return sign_pub_from_raw(key->alg, key->pub, key->publen, out);
}

int
sign_key_sign(const struct sign_key *key, const void *msg, size_t msglen,
    uint8_t sig[SIGN_SIG_MAX], size_t *siglen)
{
	EVP_MD_CTX	*mctx;
	size_t		 len = SIGN_SIG_MAX;
	int		 rc;

	if (msg == NULL)
		msg = "";
	if ((rc = sign_ctx_new(key->alg, key->pkey,
	    EVP_DigestSignInit, &mctx)) != 0)
		return rc;
	if (EVP_DigestSign(mctx, sig, &len, msg, msglen) == 1) {
		*siglen = len;
		rc = 0;
	} else
		rc = CUSTOS_ERR_CRYPTO;
	ERR_clear_error();
	EVP_MD_CTX_free(mctx);
	return rc;
}

void
sign_key_free(struct sign_key *key)
{
	if (key == NULL)
		return;
	/* OpenSSL clears its own copy of the private key when freeing it. */
	EVP_PKEY_free(key->pkey);
	OPENSSL_cleanse(key, sizeof(*key));
	free(key);
}
