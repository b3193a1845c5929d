/*
 * note: C2SP signed notes (https://c2sp.org/signed-note), verifying side.
 *
 * Parsing follows golang.org/x/mod/sumdb/note's Open: the whole note is
 * valid UTF-8 without control characters other than newline, the
 * signatures start after the last blank line, and every signature line is
 * "— <name> <base64(key ID || signature)>".  Where Go is lenient we are
 * strict, so that a changed byte never leaves a note meaning the same:
 * base64 must be canonical, key IDs in key strings are lowercase hex, and
 * names may not contain control characters.
 *
 * Key IDs are the first four bytes of SHA-256(name || "\n" || key blob),
 * whatever the profile, because they only name keys.  The key blob is
 * 0x01 || public key for Ed25519, and for SM2 it is 0xff || "custos-sm2" ||
 * 65-byte point: C2SP reserves type 0xff for private use when followed by
 * an identifier that keeps the key IDs of different schemes apart.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/note.h"
#include "custos/utf8.h"
#include "note_int.h"

#define BLOB_MAX	(NOTE_PREFIX_MAX + SIGN_PUB_MAX)
/*
 * Verifier key strings longer than this are refused outright; it leaves
 * room for the larger keys of types we do not support, so that those are
 * reported as unsupported rather than malformed.
 */
#define VKEY_MAX	8192


struct note_verifier {
	char		*name;
	uint32_t	 keyid;
	struct sign_pub	*pub;
};

struct note {
	char		*buf;		/* the whole note, NUL-terminated */
	size_t		 textlen;
	struct note_sig	*sigs;
	size_t		 nsigs;
	uint8_t		*store;		/* names and signature bytes */
};

/* Go's unicode.IsSpace: the White_Space property. */
static int
is_space(uint32_t r)
{
	switch (r) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202f: case 0x205f: case 0x3000:
		return 1;
	}
	return r >= 0x2000 && r <= 0x200a;
}

/*
 * A key name is non-empty UTF-8 without spaces or "+", as Go requires, and
 * additionally without control characters and at most NOTE_MAX_NAME bytes.
 */
static int
name_valid(const char *name, size_t len)
{
	const unsigned char	*s = (const unsigned char *)name;
	size_t			 i, n;
	uint32_t		 r;

	if (len == 0 || len > NOTE_MAX_NAME)
		return 0;
	for (i = 0; i < len; i += n) {
		if ((n = utf8_seq(s + i, len - i, &r)) == 0)
			return 0;
		if (r < 0x20 || r == 0x7f || r == '+' || is_space(r))
			return 0;
	}
	return 1;
}

/* Valid UTF-8 without control characters other than newline. */
static int
text_valid(const char *text, size_t len)
{
	const unsigned char	*s = (const unsigned char *)text;
	size_t			 i, n;
	uint32_t		 r;

	for (i = 0; i < len; i += n) {
		if ((n = utf8_seq(s + i, len - i, &r)) == 0)
			return 0;
		if (r < 0x20 && r != '\n')
			return 0;
	}
	return 1;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Writes the type-prefixed key blob of pub. */
static int
pub_blob(const struct sign_pub *pub, uint8_t blob[BLOB_MAX], size_t *len)
{
	uint8_t	 raw[SIGN_PUB_MAX];
	size_t	 rawlen, off;
	int	 rc;

	if ((rc = sign_pub_raw(pub, raw, &rawlen)) != 0)
		return rc;
	if ((rc = note_blob_prefix(sign_pub_alg(pub), blob, &off)) != 0)
		return rc;
	memcpy(blob + off, raw, rawlen);
	*len = off + rawlen;
	return 0;
}

/*
 * Splits a key blob into its algorithm and key bytes.  Returns 0,
 * CUSTOS_ERR_UNSUPPORTED for a type we do not know, or CUSTOS_ERR_FORMAT
 * if a known type has a key of the wrong length.
 */
static int
blob_split(const uint8_t *blob, size_t len, enum sign_alg *alg,
    const uint8_t **key, size_t *keylen)
{
	size_t	 off;
	int	 rc;

	if ((rc = note_blob_type(blob, len, alg, &off)) != 0)
		return rc;
	if (len - off != sign_pub_len(*alg))
		return CUSTOS_ERR_FORMAT;
	*key = blob + off;
	*keylen = len - off;
	return 0;
}

int
note_blob_keyid(const char *name, size_t namelen, const uint8_t *blob,
    size_t bloblen, uint32_t *keyid)
{
	struct digest	*d;
	uint8_t		 h[DIGEST_LEN];
	int		 rc;

	if ((rc = digest_new(DIGEST_SHA256, &d)) != 0)
		return rc;
	if ((rc = digest_update(d, name, namelen)) == 0 &&
	    (rc = digest_update(d, "\n", 1)) == 0 &&
	    (rc = digest_update(d, blob, bloblen)) == 0 &&
	    (rc = digest_final(d, h)) == 0)
		*keyid = be32(h);
	digest_free(d);
	return rc;
}

int
note_keyid(const char *name, const struct sign_pub *pub, uint32_t *keyid)
{
	uint8_t	 blob[BLOB_MAX];
	size_t	 len;
	int	 rc;

	if (name == NULL || !name_valid(name, strlen(name)))
		return CUSTOS_ERR_INVALID;
	if ((rc = pub_blob(pub, blob, &len)) != 0)
		return rc;
	return note_blob_keyid(name, strlen(name), blob, len, keyid);
}

/* Makes a verifier that takes ownership of pub. */
static int
verifier_make(const char *name, size_t namelen, uint32_t keyid,
    struct sign_pub *pub, struct note_verifier **out)
{
	struct note_verifier	*v;

	if ((v = calloc(1, sizeof(*v))) == NULL ||
	    (v->name = strndup(name, namelen)) == NULL) {
		free(v);
		sign_pub_free(pub);
		return CUSTOS_ERR_NOMEM;
	}
	v->keyid = keyid;
	v->pub = pub;
	*out = v;
	return 0;
}

int
note_verifier_new(const char *name, const struct sign_pub *pub,
    struct note_verifier **out)
{
	struct sign_pub	*copy;
	uint8_t		 raw[SIGN_PUB_MAX];
	size_t		 rawlen;
	uint32_t	 keyid;
	int		 rc;

	*out = NULL;
	if ((rc = note_keyid(name, pub, &keyid)) != 0)
		return rc;
	if ((rc = sign_pub_raw(pub, raw, &rawlen)) != 0 ||
	    (rc = sign_pub_from_raw(sign_pub_alg(pub), raw, rawlen,
	    &copy)) != 0)
		return rc;
	return verifier_make(name, strlen(name), keyid, copy, out);
}

int
note_verifier_parse(const char *s, size_t len, struct note_verifier **out)
{
	const char	*b64;
	const uint8_t	*key;
	struct sign_pub	*pub = NULL;
	enum sign_alg	 alg;
	uint8_t		*blob;
	size_t		 namelen, bloblen, keylen, b64len;
	uint32_t	 keyid, want;
	int		 rc;

	*out = NULL;
	if (s == NULL || len > VKEY_MAX || memchr(s, '\0', len) != NULL)
		return CUSTOS_ERR_FORMAT;
	if (note_split_key(s, len, &namelen, &keyid, &b64, &b64len) != 0 ||
	    !name_valid(s, namelen) || b64len == 0)
		return CUSTOS_ERR_FORMAT;
	if ((blob = malloc(b64len)) == NULL)
		return CUSTOS_ERR_NOMEM;
	if (b64_decode(b64, b64len, blob, b64len, &bloblen) != 0 ||
	    bloblen == 0) {
		rc = CUSTOS_ERR_FORMAT;
		goto out;
	}
	/* As in Go, the key ID is checked before the key type. */
	if ((rc = note_blob_keyid(s, namelen, blob, bloblen, &want)) != 0)
		goto out;
	if (want != keyid) {
		rc = CUSTOS_ERR_FORMAT;
		goto out;
	}
	if ((rc = blob_split(blob, bloblen, &alg, &key, &keylen)) != 0 ||
	    (rc = sign_pub_from_raw(alg, key, keylen, &pub)) != 0)
		goto out;
	rc = verifier_make(s, namelen, keyid, pub, out);
out:
	free(blob);
	return rc;
}

int
note_verifier_format(const struct note_verifier *v, char **out)
{
	uint8_t	 blob[BLOB_MAX];
	size_t	 bloblen, namelen, n;
	char	*s;
	int	 rc;

	*out = NULL;
	if ((rc = pub_blob(v->pub, blob, &bloblen)) != 0)
		return rc;
	namelen = strlen(v->name);
	n = namelen + 10 + B64_ENCLEN(bloblen);
	if ((s = malloc(n)) == NULL)
		return CUSTOS_ERR_NOMEM;
	memcpy(s, v->name, namelen);
	snprintf(s + namelen, 11, "+%08x+", v->keyid);
	b64_encode(blob, bloblen, s + namelen + 10);
	*out = s;
	return 0;
}

const char *
note_verifier_name(const struct note_verifier *v)
{
	return v->name;
}

uint32_t
note_verifier_keyid(const struct note_verifier *v)
{
	return v->keyid;
}

enum sign_alg
note_verifier_alg(const struct note_verifier *v)
{
	return sign_pub_alg(v->pub);
}

void
note_verifier_free(struct note_verifier *v)
{
	if (v == NULL)
		return;
	sign_pub_free(v->pub);
	free(v->name);
	free(v);
}

/*
 * Parses one signature line (without its newline).  The name and the
 * decoded bytes go to *store, which has room for both: the name and its
 * NUL take no more than the line's prefix, name and space, and the
 * decoded bytes fewer than their base64.
 */
static int
parse_sig_line(const char *line, size_t len, struct note_sig *sig,
    uint8_t **store)
{
	const char	*name, *sp, *b64;
	uint8_t		*raw;
	size_t		 namelen, b64len, n;

	if (len < NOTE_SIG_PREFIX_LEN ||
	    memcmp(line, NOTE_SIG_PREFIX, NOTE_SIG_PREFIX_LEN) != 0)
		return CUSTOS_ERR_FORMAT;
	name = line + NOTE_SIG_PREFIX_LEN;
	len -= NOTE_SIG_PREFIX_LEN;
	if ((sp = memchr(name, ' ', len)) == NULL)
		return CUSTOS_ERR_FORMAT;
	namelen = (size_t)(sp - name);
	b64 = sp + 1;
	b64len = len - namelen - 1;
	if (!name_valid(name, namelen) || b64len == 0)
		return CUSTOS_ERR_FORMAT;

	memcpy(*store, name, namelen);
	(*store)[namelen] = '\0';
	sig->name = (const char *)*store;
	raw = *store + namelen + 1;
	if (b64_decode(b64, b64len, raw, b64len, &n) != 0 || n < 5)
		return CUSTOS_ERR_FORMAT;
	sig->keyid = be32(raw);
	sig->sig = raw + 4;
	sig->siglen = n - 4;
	*store = raw + n;
	return 0;
}

/* Finds the last "\n\n" in s; returns its offset or -1. */
static long
last_blank(const char *s, size_t len)
{
	size_t	 i;

	for (i = len; i >= 2; i--)
		if (s[i - 2] == '\n' && s[i - 1] == '\n')
			return (long)(i - 2);
	return -1;
}

static int
parse_sigs(struct note *n, const char *p, const char *end)
{
	const char	*nl;
	uint8_t		*store;
	int		 rc;

	if ((n->sigs = calloc(NOTE_MAX_SIGS, sizeof(*n->sigs))) == NULL ||
	    (n->store = malloc((size_t)(end - p))) == NULL)
		return CUSTOS_ERR_NOMEM;
	store = n->store;
	while (p < end) {
		/* The block ends in "\n", so every line has one. */
		nl = memchr(p, '\n', (size_t)(end - p));
		if (n->nsigs == NOTE_MAX_SIGS)
			return CUSTOS_ERR_TOOBIG;
		rc = parse_sig_line(p, (size_t)(nl - p), &n->sigs[n->nsigs],
		    &store);
		if (rc != 0)
			return rc;
		n->nsigs++;
		p = nl + 1;
	}
	return 0;
}

int
note_parse(const char *msg, size_t len, struct note **out)
{
	struct note	*n;
	long		 split;
	int		 rc;

	*out = NULL;
	if (msg == NULL)
		return CUSTOS_ERR_FORMAT;
	if (len > NOTE_MAX_SIZE)
		return CUSTOS_ERR_TOOBIG;
	if (!text_valid(msg, len))
		return CUSTOS_ERR_FORMAT;
	/*
	 * The text ends at the last blank line, so the text itself may
	 * contain blank lines; the signature block must be non-empty and
	 * end in a newline.
	 */
	if ((split = last_blank(msg, len)) < 0 ||
	    (size_t)split + 2 == len || msg[len - 1] != '\n')
		return CUSTOS_ERR_FORMAT;

	if ((n = calloc(1, sizeof(*n))) == NULL ||
	    (n->buf = malloc(len + 1)) == NULL) {
		free(n);
		return CUSTOS_ERR_NOMEM;
	}
	memcpy(n->buf, msg, len);
	n->buf[len] = '\0';
	n->textlen = (size_t)split + 1;
	if ((rc = parse_sigs(n, n->buf + split + 2, n->buf + len)) != 0) {
		note_free(n);
		return rc;
	}
	*out = n;
	return 0;
}

const char *
note_text(const struct note *n, size_t *len)
{
	*len = n->textlen;
	return n->buf;
}

size_t
note_nsigs(const struct note *n)
{
	return n->nsigs;
}

const struct note_sig *
note_sig(const struct note *n, size_t i)
{
	if (i >= n->nsigs)
		return NULL;
	return &n->sigs[i];
}

void
note_signers(const struct note *n, char *buf, size_t bufsz)
{
	const struct note_sig *s;
	char name[4 * NOTE_MAX_NAME + 1];
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < note_nsigs(n) && o < bufsz; i++) {
		s = note_sig(n, i);
		o += (size_t)snprintf(buf + o, bufsz - o, "%s%s+%08" PRIx32,
		    i > 0 ? ", " : "", esc_encode(s->name, name, sizeof(name)),
		    s->keyid);
	}
}

int
note_verify(const struct note *n, const struct note_verifier *v)
{
	const struct note_sig	*s;
	size_t			 i;
	int			 found = 0, rc;

	/*
	 * Go checks only the first line of a key and skips repeats; we
	 * require every line that claims to be by v to verify, so a note
	 * never passes with a forged line in it.
	 */
	for (i = 0; i < n->nsigs; i++) {
		s = &n->sigs[i];
		if (s->keyid != v->keyid || strcmp(s->name, v->name) != 0)
			continue;
		found = 1;
		rc = sign_verify(v->pub, n->buf, n->textlen, s->sig,
		    s->siglen);
		if (rc != 0)
			return rc;
	}
	return found ? 0 : CUSTOS_ERR_KEY;
}

void
note_free(struct note *n)
{
	if (n == NULL)
		return;
	free(n->store);
	free(n->sigs);
	free(n->buf);
	free(n);
}

int
note_blob_prefix(enum sign_alg alg, uint8_t *blob, size_t *len)
{
	switch (alg) {
	case SIGN_ED25519:
		blob[0] = NOTE_TYPE_ED25519;
		*len = 1;
		return 0;
	case SIGN_SM2:
		blob[0] = NOTE_TYPE_EXT;
		memcpy(blob + 1, NOTE_SM2_IDENT, NOTE_SM2_IDENT_LEN);
		*len = 1 + NOTE_SM2_IDENT_LEN;
		return 0;
	}
	return CUSTOS_ERR_UNSUPPORTED;
}

int
note_blob_type(const uint8_t *blob, size_t len, enum sign_alg *alg,
    size_t *off)
{
	if (len >= 1 && blob[0] == NOTE_TYPE_ED25519) {
		*alg = SIGN_ED25519;
		*off = 1;
	} else if (len >= 1 + NOTE_SM2_IDENT_LEN &&
	    blob[0] == NOTE_TYPE_EXT &&
	    memcmp(blob + 1, NOTE_SM2_IDENT, NOTE_SM2_IDENT_LEN) == 0) {
		*alg = SIGN_SM2;
		*off = 1 + NOTE_SM2_IDENT_LEN;
	} else
		return CUSTOS_ERR_UNSUPPORTED;
	return 0;
}

/* Exactly 8 lowercase hex digits: 0 or CUSTOS_ERR_FORMAT. */
static int
parse_keyid(const char *s, size_t len, uint32_t *keyid)
{
	uint32_t	 v = 0;
	size_t		 i;

	if (len != 8)
		return CUSTOS_ERR_FORMAT;
	for (i = 0; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			v = v << 4 | (uint32_t)(s[i] - '0');
		else if (s[i] >= 'a' && s[i] <= 'f')
			v = v << 4 | (uint32_t)(s[i] - 'a' + 10);
		else
			return CUSTOS_ERR_FORMAT;
	}
	*keyid = v;
	return 0;
}

int
note_split_key(const char *s, size_t len, size_t *namelen, uint32_t *keyid,
    const char **b64, size_t *b64len)
{
	const char *plus1, *plus2;

	/* The name ends at the first "+". */
	if ((plus1 = memchr(s, '+', len)) == NULL)
		return CUSTOS_ERR_FORMAT;
	*namelen = (size_t)(plus1 - s);
	if ((plus2 = memchr(plus1 + 1, '+', len - *namelen - 1)) == NULL ||
	    parse_keyid(plus1 + 1, (size_t)(plus2 - plus1 - 1), keyid) != 0)
		return CUSTOS_ERR_FORMAT;
	*b64 = plus2 + 1;
	*b64len = len - (size_t)(*b64 - s);
	return 0;
}
