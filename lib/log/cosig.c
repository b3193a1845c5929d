/*
 * cosig: C2SP tlog-cosignature cosignature/v1, the verifying half (witness
 * verifier keys and cosignature checks).  Keys and signing are in
 * cosig_sign.c, so that a verifier links no signing code.
 *
 * The key ID commits to the key type 0x04 rather than the 0x01 of an
 * ordinary note key, so a witness key can never pass for a log key (and
 * the other way round) even when the same Ed25519 key were used for both.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "cosig_int.h"
#include "note_int.h"

#define HEADER		"cosignature/v1\ntime "
#define HEADER_LEN	(sizeof(HEADER) - 1)
/* A verifier key string is far shorter than this; refuse longer input. */
#define VKEY_MAX	(NOTE_MAX_NAME + 10 + 1024)
/* A signature line holds a name and a short base64 blob. */
#define LINE_MAX	(NOTE_SIG_PREFIX_LEN + NOTE_MAX_NAME + 1 + 1024)

struct cosig_verifier {
	char		*name;
	uint32_t	 keyid;
	struct sign_pub	*pub;
};

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

int
cosig_verifier_make(const char *name, size_t namelen, struct sign_pub *pub,
    struct cosig_verifier **out)
{
	struct cosig_verifier	*v;
	uint8_t			 blob[1 + SIGN_PUB_MAX];
	size_t			 rawlen;
	uint32_t		 ignored;
	int			 rc;

	*out = NULL;
	if ((v = calloc(1, sizeof(*v))) == NULL) {
		sign_pub_free(pub);
		return CUSTOS_ERR_NOMEM;
	}
	v->pub = pub;
	if ((v->name = strndup(name, namelen)) == NULL) {
		rc = CUSTOS_ERR_NOMEM;
		goto fail;
	}
	/*
	 * note_keyid() applies the signed-note name rules (and computes a
	 * 0x01 key ID we do not need): one definition of a valid name.
	 */
	if (strlen(v->name) != namelen ||
	    (rc = note_keyid(v->name, pub, &ignored)) != 0) {
		rc = CUSTOS_ERR_INVALID;
		goto fail;
	}
	if (sign_pub_alg(pub) != SIGN_ED25519) {
		rc = CUSTOS_ERR_UNSUPPORTED;
		goto fail;
	}
	blob[0] = COSIG_KEY_TYPE;
	if ((rc = sign_pub_raw(pub, blob + 1, &rawlen)) != 0 ||
	    (rc = note_blob_keyid(v->name, namelen, blob, 1 + rawlen,
	    &v->keyid)) != 0)
		goto fail;
	*out = v;
	return 0;
fail:
	cosig_verifier_free(v);
	return rc;
}

int
cosig_verifier_parse(const char *s, size_t len, struct cosig_verifier **out)
{
	const char	*b64;
	struct sign_pub	*pub;
	uint8_t		 blob[B64_ENCLEN(VKEY_MAX)];
	size_t		 namelen, b64len, bloblen;
	uint32_t	 keyid, want;
	int		 rc;

	*out = NULL;
	if (s == NULL || len > VKEY_MAX || memchr(s, '\0', len) != NULL ||
	    note_split_key(s, len, &namelen, &keyid, &b64, &b64len) != 0 ||
	    b64_decode(b64, b64len, blob, sizeof(blob), &bloblen) != 0 ||
	    bloblen == 0)
		return CUSTOS_ERR_FORMAT;
	/* As for note keys, the key ID is checked before the key type. */
	if ((rc = note_blob_keyid(s, namelen, blob, bloblen, &want)) != 0)
		return rc;
	if (want != keyid)
		return CUSTOS_ERR_FORMAT;
	if (blob[0] != COSIG_KEY_TYPE)
		return CUSTOS_ERR_UNSUPPORTED;
	if (bloblen != 1 + COSIG_PUB_LEN)
		return CUSTOS_ERR_FORMAT;
	if ((rc = sign_pub_from_raw(SIGN_ED25519, blob + 1, COSIG_PUB_LEN,
	    &pub)) != 0)
		return rc;
	rc = cosig_verifier_make(s, namelen, pub, out);
	return rc == CUSTOS_ERR_INVALID ? CUSTOS_ERR_FORMAT : rc;
}

int
cosig_verifier_format(const struct cosig_verifier *v, char **out)
{
	uint8_t	 blob[1 + SIGN_PUB_MAX];
	size_t	 rawlen, namelen = strlen(v->name);
	char	*s;

	*out = NULL;
	blob[0] = COSIG_KEY_TYPE;
	if (sign_pub_raw(v->pub, blob + 1, &rawlen) != 0)
		return CUSTOS_ERR_CRYPTO;
	if ((s = malloc(namelen + 10 + B64_ENCLEN(1 + rawlen))) == NULL)
		return CUSTOS_ERR_NOMEM;
	memcpy(s, v->name, namelen);
	snprintf(s + namelen, 11, "+%08x+", v->keyid);
	b64_encode(blob, 1 + rawlen, s + namelen + 10);
	*out = s;
	return 0;
}

const char *
cosig_verifier_name(const struct cosig_verifier *v)
{
	return v->name;
}

uint32_t
cosig_verifier_keyid(const struct cosig_verifier *v)
{
	return v->keyid;
}

void
cosig_verifier_free(struct cosig_verifier *v)
{
	if (v == NULL)
		return;
	sign_pub_free(v->pub);
	free(v->name);
	free(v);
}

int
cosig_message(const char *body, size_t len, uint64_t ts, char **msg,
    size_t *msglen)
{
	char	 line[HEADER_LEN + 22];
	int	 n;

	n = snprintf(line, sizeof(line), HEADER "%" PRIu64 "\n", ts);
	if ((*msg = malloc((size_t)n + len)) == NULL)
		return CUSTOS_ERR_NOMEM;
	memcpy(*msg, line, (size_t)n);
	memcpy(*msg + n, body, len);
	*msglen = (size_t)n + len;
	return 0;
}

/*
 * Checks the signature bytes after the key ID (timestamp and Ed25519
 * signature) over body.
 */
static int
check_sig(const struct cosig_verifier *v, const char *body, size_t len,
    const uint8_t *sig, size_t siglen, uint64_t *ts)
{
	char		*msg;
	size_t		 msglen;
	uint64_t	 t;
	int		 rc;

	if (siglen != COSIG_SIGLEN || (t = be64(sig)) > COSIG_TS_MAX)
		return CUSTOS_ERR_VERIFY;
	if (len == 0 || body[len - 1] != '\n')
		return CUSTOS_ERR_VERIFY;
	if ((rc = cosig_message(body, len, t, &msg, &msglen)) != 0)
		return rc;
	rc = sign_verify(v->pub, msg, msglen, sig + 8, COSIG_ED_SIGLEN);
	free(msg);
	if (rc == 0 && ts != NULL)
		*ts = t;
	return rc;
}

int
cosig_verify_line(const struct cosig_verifier *v, const char *body,
    size_t len, const char *line, size_t linelen, uint64_t *ts)
{
	const char	*name, *sp;
	uint8_t		 raw[B64_ENCLEN(LINE_MAX)];
	size_t		 namelen, rawlen;

	if (linelen > 0 && line[linelen - 1] == '\n')
		linelen--;
	if (linelen > LINE_MAX || linelen < NOTE_SIG_PREFIX_LEN ||
	    memcmp(line, NOTE_SIG_PREFIX, NOTE_SIG_PREFIX_LEN) != 0 ||
	    memchr(line, '\n', linelen) != NULL)
		return CUSTOS_ERR_FORMAT;
	name = line + NOTE_SIG_PREFIX_LEN;
	linelen -= NOTE_SIG_PREFIX_LEN;
	if ((sp = memchr(name, ' ', linelen)) == NULL)
		return CUSTOS_ERR_FORMAT;
	namelen = (size_t)(sp - name);
	if (b64_decode(sp + 1, linelen - namelen - 1, raw, sizeof(raw),
	    &rawlen) != 0 || rawlen < 5)
		return CUSTOS_ERR_FORMAT;
	if (namelen != strlen(v->name) || memcmp(name, v->name, namelen) != 0 ||
	    be32(raw) != v->keyid)
		return CUSTOS_ERR_KEY;
	return check_sig(v, body, len, raw + 4, rawlen - 4, ts);
}

int
cosig_verify_note(const struct note *n, const struct cosig_verifier *v,
    uint64_t *ts)
{
	const struct note_sig	*s;
	const char		*text;
	size_t			 i, len;
	uint64_t		 t, latest = 0;
	int			 rc, found = 0;

	text = note_text(n, &len);
	for (i = 0; i < note_nsigs(n); i++) {
		s = note_sig(n, i);
		if (s->keyid != v->keyid || strcmp(s->name, v->name) != 0)
			continue;
		if ((rc = check_sig(v, text, len, s->sig, s->siglen, &t)) != 0)
			return rc;
		if (t > latest)
			latest = t;
		found = 1;
	}
	if (!found)
		return CUSTOS_ERR_KEY;
	if (ts != NULL)
		*ts = latest;
	return 0;
}
