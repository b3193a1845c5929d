/*
 * receipt_log: the station's half of receipts, formatting one from the
 * log.  It reads SQLite, so it lives apart from lib/log/receipt.c, which the
 * offline verifier links.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custos/ckpt.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "custos/note.h"
#include "custos/receipt.h"

/* Reads the stored checkpoint of size (0: the latest) and its body. */
static int
load_checkpoint(struct log *l, uint64_t *size, char **note, size_t *nlen,
    struct checkpoint **body)
{
	struct note *n = NULL;
	const char *text;
	size_t tlen;
	int rc;

	*body = NULL;
	if (*size == 0)
		rc = log_checkpoint_latest(l, size, note, nlen);
	else
		rc = log_checkpoint_get(l, *size, note, nlen);
	if (rc != 0)
		return rc;
	/*
	 * The stored note was signed by this station; a note that no longer
	 * parses, or names another size, means the database was damaged.
	 */
	if (note_parse(*note, *nlen, &n) != 0)
		return CUSTOS_ERR_CORRUPT;
	text = note_text(n, &tlen);
	rc = ckpt_parse(text, tlen, body);
	note_free(n);
	if (rc == CUSTOS_ERR_NOMEM)
		return rc;
	if (rc != 0 || (*body)->size != *size)
		return CUSTOS_ERR_CORRUPT;
	return 0;
}

/*
 * Builds the proof of entry index in the tree of size and checks it
 * against the checkpoint's root: a receipt that cannot verify is never
 * handed to a camera.
 */
static int
prove(struct log *l, uint64_t index, const struct checkpoint *c,
    const uint8_t *entry, size_t elen, uint8_t proof[][DIGEST_LEN],
    size_t *n)
{
	uint8_t leaf[DIGEST_LEN];
	int rc;

	if ((rc = log_prove_inclusion(l, index, c->size, proof, n)) != 0)
		return rc;
	if ((rc = merkle_leaf_hash(log_alg(l), entry, elen, leaf)) != 0)
		return rc;
	if (merkle_verify_inclusion(log_alg(l), index, c->size, leaf,
	    (const uint8_t (*)[DIGEST_LEN])proof, *n, c->root) != 0)
		return CUSTOS_ERR_CORRUPT;
	return 0;
}

/* Lays out the receipt text; the sizes were computed by the caller. */
static int
assemble(uint64_t index, const uint8_t *entry, size_t elen,
    uint8_t proof[][DIGEST_LEN], size_t n, const char *note, size_t nlen,
    char **out, size_t *len)
{
	char *s, *p;
	size_t total, i;

	if (elen > RECEIPT_MAX_EXTRA || n > RECEIPT_MAX_PROOF)
		return CUSTOS_ERR_TOOBIG;
	total = sizeof(RECEIPT_HEADER "\nextra \nindex \n") - 1 +
	    B64_ENCLEN(elen) + 20 + n * B64_ENCLEN(DIGEST_LEN) + 1 + nlen;
	if ((s = malloc(total + 1)) == NULL)
		return CUSTOS_ERR_NOMEM;
	p = s + snprintf(s, total + 1, RECEIPT_HEADER "\nextra ");
	p += b64_encode(entry, elen, p);
	p += snprintf(p, total + 1 - (size_t)(p - s), "\nindex %" PRIu64 "\n",
	    index);
	for (i = 0; i < n; i++) {
		p += b64_encode(proof[i], DIGEST_LEN, p);
		*p++ = '\n';
	}
	*p++ = '\n';
	memcpy(p, note, nlen);
	p += nlen;
	*p = '\0';
	*out = s;
	*len = (size_t)(p - s);
	return 0;
}

int
receipt_format(struct log *l, uint64_t index, uint64_t size, char **out,
    size_t *len)
{
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN];
	struct checkpoint *c = NULL;
	uint8_t *entry = NULL;
	char *note = NULL;
	size_t nlen, elen, n;
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = load_checkpoint(l, &size, &note, &nlen, &c)) != 0)
		goto done;
	if (index >= size) {
		rc = CUSTOS_ERR_NOTFOUND;
		goto done;
	}
	if ((rc = log_entry(l, index, &entry, &elen)) != 0 ||
	    (rc = prove(l, index, c, entry, elen, proof, &n)) != 0)
		goto done;
	rc = assemble(index, entry, elen, proof, n, note, nlen, out, len);
done:
	ckpt_free(c);
	free(entry);
	free(note);
	return rc;
}
