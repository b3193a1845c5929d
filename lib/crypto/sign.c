/*
 * sign: public keys and signature checks (Ed25519, SM2 over SM3) through
 * OpenSSL 3's EVP interface.  Key generation and signing are in signer.c so
 * that custos-verify links no signing code.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "custos/err.h"
#include "custos/sign.h"
#include "sign_int.h"

#define ED25519_PUB_LEN	32
#define ED25519_SIG_LEN	64
#define SM2_PUB_LEN	65

/* The distinguishing ID GB/T 35276 recommends when none is agreed. */
static const char sm2_id[] = "1234567812345678";

struct sign_pub {
	enum sign_alg	 alg;
	EVP_PKEY	*pkey;
	uint8_t		 raw[SIGN_PUB_MAX];
	size_t		 rawlen;
};

size_t
sign_pub_len(enum sign_alg alg)
{
	switch (alg) {
	case SIGN_ED25519:
		return ED25519_PUB_LEN;
	case SIGN_SM2:
		return SM2_PUB_LEN;
	}
	return 0;
}

const char *
sign_alg_name(enum sign_alg alg)
{
	switch (alg) {
	case SIGN_ED25519:
		return "ed25519";
	case SIGN_SM2:
		return "sm2";
	}
	return "unknown";
}

/*
 * Builds an SM2 public key from an uncompressed point.  OpenSSL decodes
 * the point while importing it; the explicit public check afterwards makes
 * sure that a point off the curve, at infinity or with coordinates outside
 * the field is refused here rather than at signature time.
 */
static int
sm2_pub_pkey(const uint8_t *raw, size_t len, EVP_PKEY **out)
{
	OSSL_PARAM	 params[3];
	EVP_PKEY_CTX	*ctx = NULL, *cctx = NULL;
	EVP_PKEY	*pkey = NULL;
	char		 group[] = "SM2";
	uint8_t		 point[SM2_PUB_LEN];
	int		 rc;

	if (raw[0] != 0x04)
		return CUSTOS_ERR_FORMAT;
	memcpy(point, raw, len);
	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(
	    OSSL_PKEY_PARAM_PUB_KEY, point, len);
	params[2] = OSSL_PARAM_construct_end();

	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL)) == NULL) {
		rc = CUSTOS_ERR_CRYPTO;
		goto out;
	}
	if (EVP_PKEY_fromdata_init(ctx) != 1) {
		rc = CUSTOS_ERR_CRYPTO;
		goto out;
	}
	if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		/* The inputs are well formed, so the point is what failed. */
		rc = CUSTOS_ERR_FORMAT;
		goto out;
	}
	if ((cctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL) {
		rc = CUSTOS_ERR_CRYPTO;
		goto out;
	}
	if (EVP_PKEY_public_check(cctx) != 1) {
		rc = CUSTOS_ERR_FORMAT;
		goto out;
	}
	*out = pkey;
	pkey = NULL;
	rc = 0;
out:
	ERR_clear_error();
	EVP_PKEY_CTX_free(cctx);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return rc;
}

int
sign_pub_from_raw(enum sign_alg alg, const uint8_t *raw, size_t len,
    struct sign_pub **out)
{
	struct sign_pub	*pub;
	EVP_PKEY	*pkey = NULL;
	int		 rc;

	*out = NULL;
	if (sign_pub_len(alg) == 0)
		return CUSTOS_ERR_UNSUPPORTED;
	if (raw == NULL || len != sign_pub_len(alg))
		return CUSTOS_ERR_FORMAT;

	if (alg == SIGN_ED25519) {
		/*
		 * OpenSSL does not decode the point until it verifies, so an
		 * invalid Ed25519 key is caught by every verification failing.
		 */
		pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL,
		    raw, len);
		if (pkey == NULL) {
			ERR_clear_error();
			return CUSTOS_ERR_FORMAT;
		}
	} else if ((rc = sm2_pub_pkey(raw, len, &pkey)) != 0)
		return rc;

	if ((pub = calloc(1, sizeof(*pub))) == NULL) {
		EVP_PKEY_free(pkey);
		return CUSTOS_ERR_NOMEM;
	}
	pub->alg = alg;
	pub->pkey = pkey;
	memcpy(pub->raw, raw, len);
	pub->rawlen = len;
	*out = pub;
	return 0;
}

enum sign_alg
sign_pub_alg(const struct sign_pub *pub)
{
	return pub->alg;
}

int
sign_pub_raw(const struct sign_pub *pub, uint8_t raw[SIGN_PUB_MAX],
    size_t *len)
{
	memcpy(raw, pub->raw, pub->rawlen);
	*len = pub->rawlen;
	return 0;
}

int
sign_ctx_new(enum sign_alg alg, EVP_PKEY *pkey,
    int (*init)(EVP_MD_CTX *, EVP_PKEY_CTX **, const EVP_MD *, ENGINE *,
    EVP_PKEY *), EVP_MD_CTX **out)
{
	EVP_PKEY_CTX	*pctx = NULL;
	const EVP_MD	*md = alg == SIGN_SM2 ? EVP_sm3() : NULL;
	EVP_MD_CTX	*mctx;
	int		 ok;

	*out = NULL;
	if ((mctx = EVP_MD_CTX_new()) == NULL)
		return CUSTOS_ERR_NOMEM;
	ok = init(mctx, &pctx, md, NULL, pkey) == 1;
	/*
	 * The SM2 signature covers Z = SM3(ID, curve, key) before the
	 * message, so both sides must agree on the ID; it has to be set
	 * before the first byte is hashed.
	 */
	if (ok && alg == SIGN_SM2)
		ok = EVP_PKEY_CTX_set1_id(pctx, sm2_id,
		    sizeof(sm2_id) - 1) > 0;
	if (!ok) {
		ERR_clear_error();
		EVP_MD_CTX_free(mctx);
		return CUSTOS_ERR_CRYPTO;
	}
	*out = mctx;
	return 0;
}

int
sign_verify(const struct sign_pub *pub, const void *msg, size_t msglen,
    const uint8_t *sig, size_t siglen)
{
	EVP_MD_CTX	*mctx;
	int		 rc;

	if (sig == NULL || siglen == 0 || siglen > SIGN_SIG_MAX)
		return CUSTOS_ERR_VERIFY;
	if (pub->alg == SIGN_ED25519 && siglen != ED25519_SIG_LEN)
		return CUSTOS_ERR_VERIFY;
	if (msg == NULL)
		msg = "";
	if ((rc = sign_ctx_new(pub->alg, pub->pkey,
	    EVP_DigestVerifyInit, &mctx)) != 0)
		return rc;
	/*
	 * OpenSSL reports a malformed signature (bad DER, an SM2 signature
	 * that is not the canonical DER of its integers, an Ed25519 S out of
	 * range) with 0 or a negative value; all of them mean "does not
	 * verify" to the caller.
	 */
	if (EVP_DigestVerify(mctx, sig, siglen, msg, msglen) == 1)
		rc = 0;
	else
		rc = CUSTOS_ERR_VERIFY;
	ERR_clear_error();
	EVP_MD_CTX_free(mctx);
	return rc;
}

void
sign_pub_free(struct sign_pub *pub)
{
	if (pub == NULL)
		return;
	EVP_PKEY_free(pub->pkey);
	free(pub);
}
