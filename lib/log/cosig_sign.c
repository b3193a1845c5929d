/*
 * cosig_sign: witness signer keys and cosignature/v1 signing.
 *
 * A signer key string is "PRIVATE+KEY+<name>+<key ID>+<base64 blob>" as
 * note_sign.c writes log keys, with the blob 0x04 || Ed25519 seed: the
 * cosignature key type, so that a witness key is never mistaken for a
 * log's note key.  The key ID is that of the public key, so a signer key
 * string is checked by deriving the public key and recomputing it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "custos/enc.h"
#include "custos/err.h"
#include "custos/signer.h"
#include "cosig_int.h"
#include "note_int.h"

#define PRIV_BLOB_LEN	(1 + SIGN_PRIV_LEN)
#define SKEY_PREFIX	"PRIVATE+KEY+"
#define SKEY_PREFIX_LEN	(sizeof(SKEY_PREFIX) - 1)
#define SKEY_MAX	(SKEY_PREFIX_LEN + NOTE_MAX_NAME + 10 + \
			    B64_ENCLEN(PRIV_BLOB_LEN))

struct cosig_signer {
	struct cosig_verifier	*v;	/* name, key ID and public key */
	struct sign_key		*key;
};

/* Takes ownership of key. */
static int
signer_make(const char *name, size_t namelen, struct sign_key *key,
    struct cosig_signer **out)
{
	struct cosig_signer	*s;
	struct sign_pub		*pub;
	int			 rc;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		sign_key_free(key);
		return CUSTOS_ERR_NOMEM;
	}
	s->key = key;
	if ((rc = sign_key_public(key, &pub)) != 0 ||
	    (rc = cosig_verifier_make(name, namelen, pub, &s->v)) != 0) {
		cosig_signer_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int
cosig_signer_generate(const char *name, struct cosig_signer **out)
{
	struct sign_key	*key;
	int		 rc;

	*out = NULL;
	if (name == NULL)
		return CUSTOS_ERR_INVALID;
	if ((rc = sign_key_generate(SIGN_ED25519, &key)) != 0)
		return rc;
	return signer_make(name, strlen(name), key, out);
}

int
cosig_signer_parse(const char *str, size_t len, struct cosig_signer **out)
{
	const char		*name, *b64;
	struct cosig_signer	*s = NULL;
	struct sign_key		*key;
	uint8_t			 blob[B64_ENCLEN(PRIV_BLOB_LEN)];
	size_t			 namelen, b64len, bloblen = 0;
	uint32_t		 keyid;
	int			 rc;

	*out = NULL;
	if (str == NULL || len > SKEY_MAX || len < SKEY_PREFIX_LEN ||
	    memchr(str, '\0', len) != NULL ||
	    memcmp(str, SKEY_PREFIX, SKEY_PREFIX_LEN) != 0)
		return CUSTOS_ERR_FORMAT;
	name = str + SKEY_PREFIX_LEN;
	if (note_split_key(name, len - SKEY_PREFIX_LEN, &namelen, &keyid,
	    &b64, &b64len) != 0 ||
	    b64_decode(b64, b64len, blob, sizeof(blob), &bloblen) != 0 ||
	    bloblen == 0) {
		rc = CUSTOS_ERR_FORMAT;
		goto out;
	}
	if (blob[0] != COSIG_KEY_TYPE) {
		rc = CUSTOS_ERR_UNSUPPORTED;
		goto out;
	}
	if (bloblen != PRIV_BLOB_LEN) {
		rc = CUSTOS_ERR_FORMAT;
		goto out;
	}
	if ((rc = sign_key_from_raw(SIGN_ED25519, blob + 1, SIGN_PRIV_LEN,
	    &key)) != 0)
		goto out;
	if ((rc = signer_make(name, namelen, key, &s)) == CUSTOS_ERR_INVALID)
		rc = CUSTOS_ERR_FORMAT;		/* a bad name */
	if (rc != 0)
		goto out;
	if (cosig_verifier_keyid(s->v) != keyid) {
		cosig_signer_free(s);
		rc = CUSTOS_ERR_FORMAT;
		goto out;
	}
	*out = s;
out:
	OPENSSL_cleanse(blob, sizeof(blob));
	return rc;
}

int
cosig_signer_format(const struct cosig_signer *s, char **out)
{
	uint8_t		 blob[PRIV_BLOB_LEN];
	const char	*name = cosig_verifier_name(s->v);
	size_t		 namelen = strlen(name), n;
	char		*str;
	int		 rc;

	*out = NULL;
	blob[0] = COSIG_KEY_TYPE;
	if ((rc = sign_key_raw(s->key, blob + 1)) != 0)
		goto out;
	n = SKEY_PREFIX_LEN + namelen + 10 + B64_ENCLEN(PRIV_BLOB_LEN);
	if ((str = malloc(n)) == NULL) {
		rc = CUSTOS_ERR_NOMEM;
		goto out;
	}
	memcpy(str, SKEY_PREFIX, SKEY_PREFIX_LEN);
	memcpy(str + SKEY_PREFIX_LEN, name, namelen);
	snprintf(str + SKEY_PREFIX_LEN + namelen, 11, "+%08x+",
	    cosig_verifier_keyid(s->v));
	b64_encode(blob, PRIV_BLOB_LEN, str + SKEY_PREFIX_LEN + namelen + 10);
	*out = str;
out:
	OPENSSL_cleanse(blob, sizeof(blob));
	return rc;
}

int
cosig_signer_verifier(const struct cosig_signer *s,
    struct cosig_verifier **out)
{
	char	*str;
	int	 rc;

	/* A round trip through the key string copies the verifier. */
	if ((rc = cosig_verifier_format(s->v, &str)) != 0) {
		*out = NULL;
		return rc;
	}
	rc = cosig_verifier_parse(str, strlen(str), out);
	free(str);
	return rc;
}

const char *
cosig_signer_name(const struct cosig_signer *s)
{
	return cosig_verifier_name(s->v);
}

uint32_t
cosig_signer_keyid(const struct cosig_signer *s)
{
	return cosig_verifier_keyid(s->v);
}

void
cosig_signer_free(struct cosig_signer *s)
{
	if (s == NULL)
		return;
	cosig_verifier_free(s->v);
	sign_key_free(s->key);
	free(s);
}

static void
put_be(uint8_t *p, uint64_t x, int n)
{
	int	 i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (uint8_t)x;
		x >>= 8;
	}
}

int
cosig_sign(const struct cosig_signer *s, const char *body, size_t len,
    uint64_t ts, char **out, size_t *outlen)
{
	const char	*name = cosig_signer_name(s);
	uint8_t		 blob[4 + 8 + SIGN_SIG_MAX];
	size_t		 msglen, siglen, namelen = strlen(name), n;
	char		*msg, *line, *p;
	int		 rc;

	*out = NULL;
	if (body == NULL || len == 0 || body[len - 1] != '\n')
		return CUSTOS_ERR_FORMAT;
	if (len > NOTE_MAX_SIZE)
		return CUSTOS_ERR_TOOBIG;
	if (ts == 0 || ts > COSIG_TS_MAX)
		return CUSTOS_ERR_RANGE;
	if ((rc = cosig_message(body, len, ts, &msg, &msglen)) != 0)
		return rc;
	rc = sign_key_sign(s->key, msg, msglen, blob + 12, &siglen);
	free(msg);
	if (rc != 0)
		return rc;
	if (siglen != COSIG_ED_SIGLEN)
		return CUSTOS_ERR_CRYPTO;
	put_be(blob, cosig_signer_keyid(s), 4);
	put_be(blob + 4, ts, 8);

	/* B64_ENCLEN counts the NUL; the "\n" needs one more byte. */
	n = NOTE_SIG_PREFIX_LEN + namelen + 1 + B64_ENCLEN(COSIG_BLOB_LEN) + 1;
	if ((line = malloc(n)) == NULL)
		return CUSTOS_ERR_NOMEM;
	p = line;
	memcpy(p, NOTE_SIG_PREFIX, NOTE_SIG_PREFIX_LEN);
	p += NOTE_SIG_PREFIX_LEN;
	memcpy(p, name, namelen);
	p += namelen;
	*p++ = ' ';
	p += b64_encode(blob, COSIG_BLOB_LEN, p);
	*p++ = '\n';
	*p = '\0';
	*out = line;
	*outlen = (size_t)(p - line);
	return 0;
}
