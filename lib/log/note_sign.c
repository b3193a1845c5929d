/*
 * note_sign: C2SP signed-note signer keys and signing.
 *
 * A signer key string is "PRIVATE+KEY+<name>+<key ID>+<base64 blob>" where
 * the blob is the key type followed by the private key: 0x01 || Ed25519
 * seed as golang.org/x/mod/sumdb/note writes it, or 0xff || "custos-sm2" ||
 * SM2 scalar for the sm profile (the same prefix as the public blob in
 * note.c).  The key ID is that of the public key, so a signer key string
 * is checked by deriving the public key and recomputing it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "custos/enc.h"
#include "custos/err.h"
#include "custos/note_sign.h"
#include "note_int.h"

#define PRIV_BLOB_MAX	(NOTE_PREFIX_MAX + SIGN_PRIV_LEN)
#define SKEY_PREFIX	"PRIVATE+KEY+"
#define SKEY_PREFIX_LEN	(sizeof(SKEY_PREFIX) - 1)
#define SKEY_MAX	(SKEY_PREFIX_LEN + NOTE_MAX_NAME + 10 + \
			    B64_ENCLEN(PRIV_BLOB_MAX))


struct note_signer {
	struct note_verifier	*v;	/* name and key ID */
	struct sign_pub		*pub;
	struct sign_key		*key;
};

/* Takes ownership of key; name must still be checked (by note.c). */
static int
signer_make(const char *name, struct sign_key *key, struct note_signer **out)
{
	struct note_signer	*s;
	int			 rc;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		sign_key_free(key);
		return CUSTOS_ERR_NOMEM;
	}
	s->key = key;
	if ((rc = sign_key_public(key, &s->pub)) != 0 ||
	    (rc = note_verifier_new(name, s->pub, &s->v)) != 0) {
		note_signer_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int
note_signer_generate(const char *name, enum sign_alg alg,
    struct note_signer **out)
{
	struct sign_key	*key;
	int		 rc;

	*out = NULL;
	if ((rc = sign_key_generate(alg, &key)) != 0)
		return rc;
	return signer_make(name, key, out);
}

/* Makes a key from a private blob (type prefix and raw private key). */
static int
blob_key(const uint8_t *blob, size_t len, struct sign_key **key)
{
	enum sign_alg	 alg;
	size_t		 off;
	int		 rc;

	if (len == 0)
		return CUSTOS_ERR_FORMAT;
	if ((rc = note_blob_type(blob, len, &alg, &off)) != 0)
		return rc;
	if (len - off != SIGN_PRIV_LEN)
		return CUSTOS_ERR_FORMAT;
	return sign_key_from_raw(alg, blob + off, len - off, key);
}

int
note_signer_parse(const char *str, size_t len, struct note_signer **out)
{
	const char		*name, *b64;
	struct note_signer	*s = NULL;
	struct sign_key		*key;
	uint8_t			 blob[B64_ENCLEN(PRIV_BLOB_MAX)];
	char			*namez;
	size_t			 namelen, b64len, bloblen = 0;
	uint32_t		 keyid;
	int			 rc;

	*out = NULL;
	if (str == NULL || len > SKEY_MAX || memchr(str, '\0', len) != NULL ||
	    len < SKEY_PREFIX_LEN ||
	    memcmp(str, SKEY_PREFIX, SKEY_PREFIX_LEN) != 0)
		return CUSTOS_ERR_FORMAT;
	name = str + SKEY_PREFIX_LEN;
	if (note_split_key(name, len - SKEY_PREFIX_LEN, &namelen, &keyid,
	    &b64, &b64len) != 0)
		return CUSTOS_ERR_FORMAT;
	if (b64_decode(b64, b64len, blob, sizeof(blob), &bloblen) != 0) {
		rc = CUSTOS_ERR_FORMAT;
		goto out;
	}
	if ((rc = blob_key(blob, bloblen, &key)) != 0)
		goto out;
	if ((namez = strndup(name, namelen)) == NULL) {
		sign_key_free(key);
		rc = CUSTOS_ERR_NOMEM;
		goto out;
	}
	rc = signer_make(namez, key, &s);
	free(namez);
	if (rc == CUSTOS_ERR_INVALID)
		rc = CUSTOS_ERR_FORMAT;		/* a bad name */
	if (rc != 0)
		goto out;
	if (note_verifier_keyid(s->v) != keyid) {
		note_signer_free(s);
		rc = CUSTOS_ERR_FORMAT;
		goto out;
	}
	*out = s;
out:
	OPENSSL_cleanse(blob, sizeof(blob));
	return rc;
}

int
note_signer_format(const struct note_signer *s, char **out)
{
	uint8_t		 blob[PRIV_BLOB_MAX];
	const char	*name = note_verifier_name(s->v);
	size_t		 off, namelen = strlen(name), n;
	char		*str;
	int		 rc;

	*out = NULL;
	if ((rc = note_blob_prefix(sign_key_alg(s->key), blob, &off)) != 0)
		goto out;
	if ((rc = sign_key_raw(s->key, blob + off)) != 0)
		goto out;
	n = SKEY_PREFIX_LEN + namelen + 10 + B64_ENCLEN(off + SIGN_PRIV_LEN);
	if ((str = malloc(n)) == NULL) {
		rc = CUSTOS_ERR_NOMEM;
		goto out;
	}
	memcpy(str, SKEY_PREFIX, SKEY_PREFIX_LEN);
	memcpy(str + SKEY_PREFIX_LEN, name, namelen);
	snprintf(str + SKEY_PREFIX_LEN + namelen, 11, "+%08x+",
	    note_verifier_keyid(s->v));
	b64_encode(blob, off + SIGN_PRIV_LEN, str + SKEY_PREFIX_LEN +
	    namelen + 10);
	*out = str;
out:
	OPENSSL_cleanse(blob, sizeof(blob));
	return rc;
}

int
note_signer_verifier(const struct note_signer *s, struct note_verifier **out)
{
	return note_verifier_new(note_verifier_name(s->v), s->pub, out);
}

const char *
note_signer_name(const struct note_signer *s)
{
	return note_verifier_name(s->v);
}

uint32_t
note_signer_keyid(const struct note_signer *s)
{
	return note_verifier_keyid(s->v);
}

/*
 * Builds text || "\n" || "— " name " " base64(key ID || sig) "\n" and then
 * parses the result, so that we never write a note that we (or Go) would
 * refuse: the parser is what checks the text's UTF-8 and control
 * characters.
 */
int
note_sign(const char *text, size_t len, const struct note_signer *s,
    char **out, size_t *outlen)
{
	struct note	*n;
	const char	*name = note_signer_name(s);
	uint8_t		 blob[4 + SIGN_SIG_MAX];
	uint32_t	 keyid = note_signer_keyid(s);
	size_t		 siglen, namelen = strlen(name), b64len, total, tlen;
	char		*msg, *p;
	int		 rc;

	*out = NULL;
	if (text == NULL || len == 0 || text[len - 1] != '\n')
		return CUSTOS_ERR_FORMAT;
	if (len > NOTE_MAX_SIZE)
		return CUSTOS_ERR_TOOBIG;
	if ((rc = sign_key_sign(s->key, text, len, blob + 4, &siglen)) != 0)
		return rc;
	blob[0] = (uint8_t)(keyid >> 24);
	blob[1] = (uint8_t)(keyid >> 16);
	blob[2] = (uint8_t)(keyid >> 8);
	blob[3] = (uint8_t)keyid;

	/* B64_ENCLEN counts a NUL; the line's "\n" needs one more byte. */
	total = len + 1 + NOTE_SIG_PREFIX_LEN + namelen + 1 +
	    B64_ENCLEN(4 + siglen) + 1;
	if ((msg = malloc(total)) == NULL)
		return CUSTOS_ERR_NOMEM;
	p = msg;
	memcpy(p, text, len);
	p += len;
	*p++ = '\n';
	memcpy(p, NOTE_SIG_PREFIX, NOTE_SIG_PREFIX_LEN);
	p += NOTE_SIG_PREFIX_LEN;
	memcpy(p, name, namelen);
	p += namelen;
	*p++ = ' ';
	b64len = b64_encode(blob, 4 + siglen, p);
	p += b64len;
	*p++ = '\n';
	*p = '\0';

	if ((rc = note_parse(msg, (size_t)(p - msg), &n)) != 0) {
		free(msg);
		return rc;
	}
	note_text(n, &tlen);
	rc = tlen == len && note_nsigs(n) == 1 ? 0 : CUSTOS_ERR_FORMAT;
	note_free(n);
	if (rc != 0) {
		free(msg);
		return rc;
	}
	*out = msg;
	*outlen = (size_t)(p - msg);
	return 0;
}

void
note_signer_free(struct note_signer *s)
{
	if (s == NULL)
		return;
	note_verifier_free(s->v);
	sign_pub_free(s->pub);
	sign_key_free(s->key);
	free(s);
}
