/*
 * digest: SHA-256 and SM3 through OpenSSL's EVP interface.  Each EVP_MD
 * is fetched once per process (EVP_MD_fetch(), as OpenSSL 3's performance
 * notes advise: the implicit fetch of EVP_sha256() looks the algorithm up
 * by name on every EVP_DigestInit_ex() or EVP_Digest(), which costs more
 * than hashing a Merkle node); OpenSSL picks the SHA-NI code path itself.
 */
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include <openssl/evp.h>

#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"

struct digest {
	enum digest_alg	 alg;
	EVP_MD_CTX	*ctx;
	const EVP_MD	*md;
};

/* Fetched once, kept for the life of the process. */
static once_flag	 fetch_once = ONCE_FLAG_INIT;
static EVP_MD		*fetched_sha256, *fetched_sm3;

static void
fetch_mds(void)
{
	fetched_sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
	fetched_sm3 = EVP_MD_fetch(NULL, "SM3", NULL);
}

/* The fetched EVP_MD of alg; the implicit one if the fetch failed. */
static const EVP_MD *
alg_md(enum digest_alg alg)
{
	call_once(&fetch_once, fetch_mds);
	switch (alg) {
	case DIGEST_SHA256:
		return fetched_sha256 != NULL ? fetched_sha256 : EVP_sha256();
	case DIGEST_SM3:
		return fetched_sm3 != NULL ? fetched_sm3 : EVP_sm3();
	}
	return NULL;
}

int
digest_new(enum digest_alg alg, struct digest **out)
{
	struct digest *d;
	int rc;

	*out = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return CUSTOS_ERR_NOMEM;
	d->alg = alg;
	if ((d->md = alg_md(alg)) == NULL) {
		free(d);
		return CUSTOS_ERR_UNSUPPORTED;
	}
	if ((d->ctx = EVP_MD_CTX_new()) == NULL) {
		free(d);
		return CUSTOS_ERR_NOMEM;
	}
	if ((rc = digest_reset(d)) != 0) {
		digest_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

int
digest_reset(struct digest *d)
{
	if (EVP_DigestInit_ex(d->ctx, d->md, NULL) != 1)
		return CUSTOS_ERR_CRYPTO;
	return 0;
}

int
digest_update(struct digest *d, const void *buf, size_t len)
{
	if (len == 0)
		return 0;
	if (EVP_DigestUpdate(d->ctx, buf, len) != 1)
		return CUSTOS_ERR_CRYPTO;
	return 0;
}

int
digest_final(struct digest *d, uint8_t out[DIGEST_LEN])
{
	unsigned int len = 0;

	if (EVP_DigestFinal_ex(d->ctx, out, &len) != 1 || len != DIGEST_LEN)
		return CUSTOS_ERR_CRYPTO;
	return 0;
}

void
digest_free(struct digest *d)
{
	if (d == NULL)
		return;
	EVP_MD_CTX_free(d->ctx);
	free(d);
}

enum digest_alg
digest_alg(const struct digest *d)
{
	return d->alg;
}

int
digest_buf(enum digest_alg alg, const void *buf, size_t len,
    uint8_t out[DIGEST_LEN])
{
	const EVP_MD *md;
	unsigned int olen = 0;

	if ((md = alg_md(alg)) == NULL)
		return CUSTOS_ERR_UNSUPPORTED;
	if (EVP_Digest(len ? buf : "", len, out, &olen, md, NULL) != 1 ||
	    olen != DIGEST_LEN)
		return CUSTOS_ERR_CRYPTO;
	return 0;
}

const char *
digest_name(enum digest_alg alg)
{
	return alg == DIGEST_SM3 ? "sm3" : "sha256";
}

int
digest_format(enum digest_alg alg, const uint8_t hash[DIGEST_LEN], char *buf,
    size_t bufsz)
{
	const char *name = digest_name(alg);
	size_t nlen = strlen(name);

	if (bufsz < nlen + 1 + HEX_ENCLEN(DIGEST_LEN))
		return CUSTOS_ERR_INVALID;
	memcpy(buf, name, nlen);
	buf[nlen] = ':';
	hex_encode(hash, DIGEST_LEN, buf + nlen + 1);
	return 0;
}

int
digest_parse(const char *s, enum digest_alg *alg, uint8_t hash[DIGEST_LEN])
{
	static const enum digest_alg algs[] = { DIGEST_SHA256, DIGEST_SM3 };
	size_t i, nlen, j;
	const char *hex;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		nlen = strlen(digest_name(algs[i]));
		if (strncmp(s, digest_name(algs[i]), nlen) != 0 ||
		    s[nlen] != ':')
			continue;
		hex = s + nlen + 1;
		if (strlen(hex) != 2 * DIGEST_LEN)
			return CUSTOS_ERR_FORMAT;
		/* Only the lowercase form we write is accepted. */
		for (j = 0; j < 2 * DIGEST_LEN; j++)
			if (hex[j] >= 'A' && hex[j] <= 'F')
				return CUSTOS_ERR_FORMAT;
		if (hex_decode(hex, 2 * DIGEST_LEN, hash, DIGEST_LEN) != 0)
			return CUSTOS_ERR_FORMAT;
		*alg = algs[i];
		return 0;
	}
	return CUSTOS_ERR_FORMAT;
}
