/*
 * receipt: parsing and verifying C2SP tlog-proof@v1 receipts.
 *
 * The parser accepts exactly one spelling of each receipt (the header
 * line, canonical base64, no leading zeros, "\n" line ends only), so a
 * changed byte either changes what the receipt claims, and then fails to
 * verify, or is rejected here.  The checkpoint part is handed to the
 * note and ckpt modules unchanged: the receipt adds no rules of its own
 * to the signed note.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custos/ckpt.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/merkle.h"
#include "custos/note.h"
#include "custos/profile.h"
#include "custos/receipt.h"

/* A base64 line of one hash, without its "\n". */
#define HASH_B64	(B64_ENCLEN(DIGEST_LEN) - 1)

struct receipt {
	uint8_t			*extra;		/* NULL: no extra line */
	size_t			 extralen;
	uint64_t		 index;
	uint8_t			 proof[RECEIPT_MAX_PROOF][DIGEST_LEN];
	size_t			 nproof;
	struct note		*note;
	struct checkpoint	*ckpt;
};

static void	say(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* Writes one line about a failure into why, if the caller wants it. */
static void
say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || whylen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

/*
 * Returns the next line of [*p, end) without its "\n" and moves *p past
 * it, or NULL if no complete line is left.
 */
static const char *
next_line(const char **p, const char *end, size_t *len)
{
	const char *line = *p, *nl;

	if (line >= end ||
	    (nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
		return NULL;
	*len = (size_t)(nl - line);
	*p = nl + 1;
	return line;
}

/* The "extra <base64>" value: non-empty, canonical, bounded. */
static int
parse_extra(struct receipt *r, const char *s, size_t len)
{
	size_t max = (len / 4) * 3;

	if (len == 0)
		return CUSTOS_ERR_FORMAT;
	if (len > B64_ENCLEN(RECEIPT_MAX_EXTRA) - 1)
		return CUSTOS_ERR_TOOBIG;
	if ((r->extra = malloc(max + 1)) == NULL)
		return CUSTOS_ERR_NOMEM;
	if (b64_decode(s, len, r->extra, max + 1, &r->extralen) != 0 ||
	    r->extralen == 0)
		return CUSTOS_ERR_FORMAT;
	return 0;
}

/*
 * The proof lines run from *p up to the first empty line, which is
 * consumed.  Each is one hash; merkle_proof_parse() applies the same rule
 * as to a proof file.
 */
static int
parse_proof(struct receipt *r, const char **p, const char *end)
{
	const char *start = *p, *line;
	size_t n, blen;

	for (;;) {
		if ((line = next_line(p, end, &n)) == NULL)
			return CUSTOS_ERR_FORMAT;
		if (n == 0)
			break;
		if (n != HASH_B64)
			return CUSTOS_ERR_FORMAT;
	}
	blen = (size_t)(line - start);
	return merkle_proof_parse(start, blen, r->proof, RECEIPT_MAX_PROOF,
	    &r->nproof);
}

static int
parse_note(struct receipt *r, const char *p, const char *end)
{
	const char *text;
	size_t tlen;
	int rc;

	if ((rc = note_parse(p, (size_t)(end - p), &r->note)) != 0)
		return rc;
	text = note_text(r->note, &tlen);
	return ckpt_parse(text, tlen, &r->ckpt);
}

static int
parse(struct receipt *r, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *line;
	size_t n;
	int rc;

	if ((line = next_line(&p, end, &n)) == NULL ||
	    n != sizeof(RECEIPT_HEADER) - 1 ||
	    memcmp(line, RECEIPT_HEADER, n) != 0)
		return CUSTOS_ERR_FORMAT;
	if ((line = next_line(&p, end, &n)) == NULL)
		return CUSTOS_ERR_FORMAT;
	if (n >= 6 && memcmp(line, "extra ", 6) == 0) {
		if ((rc = parse_extra(r, line + 6, n - 6)) != 0)
			return rc;
		if ((line = next_line(&p, end, &n)) == NULL)
			return CUSTOS_ERR_FORMAT;
	}
	if (n < 6 || memcmp(line, "index ", 6) != 0 ||
	    dec_decode(line + 6, n - 6, &r->index) != 0)
		return CUSTOS_ERR_FORMAT;
	if ((rc = parse_proof(r, &p, end)) != 0)
		return rc;
	return parse_note(r, p, end);
}

int
receipt_parse(const char *text, size_t len, struct receipt **out)
{
	struct receipt *r;
	int rc;

	*out = NULL;
	if (text == NULL)
		return CUSTOS_ERR_FORMAT;
	if (len > RECEIPT_MAX_SIZE)
		return CUSTOS_ERR_TOOBIG;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = parse(r, text, len)) != 0) {
		receipt_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void
receipt_free(struct receipt *r)
{
	if (r == NULL)
		return;
	free(r->extra);
	note_free(r->note);
	ckpt_free(r->ckpt);
	free(r);
}

int
receipt_verify_checkpoint(const struct receipt *r,
    const struct note_verifier *v, char *why, size_t whylen)
{
	char name[4 * NOTE_MAX_NAME + 1], origin[4 * NOTE_MAX_NAME + 1];
	char signers[512];
	int rc;

	esc_encode(note_verifier_name(v), name, sizeof(name));
	if ((rc = note_verify(r->note, v)) == CUSTOS_ERR_KEY) {
		note_signers(r->note, signers, sizeof(signers));
		say(why, whylen, "checkpoint: no signature by key %s+%08" PRIx32
		    " (signed by: %s)", name, note_verifier_keyid(v), signers);
		return rc;
	}
	if (rc == CUSTOS_ERR_VERIFY) {
		say(why, whylen, "checkpoint: signature by %s+%08" PRIx32
		    " does not verify", name, note_verifier_keyid(v));
		return rc;
	}
	if (rc != 0) {
		say(why, whylen, "checkpoint: signature could not be checked: "
		    "%s", custos_strerror(rc));
		return rc;
	}
	/* A key signs for one log: its name is that log's origin. */
	if (strcmp(r->ckpt->origin, note_verifier_name(v)) != 0) {
		say(why, whylen, "checkpoint: origin \"%s\" is not the key's "
		    "name \"%s\"", esc_encode(r->ckpt->origin, origin,
		    sizeof(origin)), name);
		return CUSTOS_ERR_VERIFY;
	}
	return 0;
}

int
receipt_verify_inclusion(const struct receipt *r, enum digest_alg alg,
    uint8_t leaf[DIGEST_LEN], char *why, size_t whylen)
{
	uint8_t h[DIGEST_LEN];
	uint64_t size = r->ckpt->size;
	size_t want;
	int rc;

	if (r->extra == NULL) {
		say(why, whylen, "receipt: no extra line, so the entry's bytes "
		    "are unknown");
		return CUSTOS_ERR_FORMAT;
	}
	if ((rc = merkle_leaf_hash(alg, r->extra, r->extralen, h)) != 0) {
		say(why, whylen, "inclusion: cannot hash the entry: %s",
		    custos_strerror(rc));
		return rc;
	}
	if (leaf != NULL)
		memcpy(leaf, h, DIGEST_LEN);
	if (r->index >= size) {
		say(why, whylen, "inclusion: entry index %" PRIu64 " is not "
		    "below the tree size %" PRIu64, r->index, size);
		return CUSTOS_ERR_VERIFY;
	}
	if ((want = merkle_inclusion_len(r->index, size)) != r->nproof) {
		say(why, whylen, "inclusion: proof has %zu hashes, but entry %"
		    PRIu64 " in a tree of size %" PRIu64 " needs %zu",
		    r->nproof, r->index, size, want);
		return CUSTOS_ERR_VERIFY;
	}
	if (merkle_verify_inclusion(alg, r->index, size, h,
	    (const uint8_t (*)[DIGEST_LEN])r->proof, r->nproof,
	    r->ckpt->root) != 0) {
		say(why, whylen, "inclusion: the proof for entry %" PRIu64
		    " does not lead to the checkpoint's root", r->index);
		return CUSTOS_ERR_VERIFY;
	}
	return 0;
}

int
receipt_verify(const struct receipt *r, const struct note_verifier *v,
    char *why, size_t whylen)
{
	enum digest_alg alg;
	int rc;

	if ((rc = receipt_verify_checkpoint(r, v, why, whylen)) != 0)
		return rc;
	/* The key's algorithm decides the profile, hence the tree hash. */
	alg = profile_digest(profile_of_sign(note_verifier_alg(v)));
	return receipt_verify_inclusion(r, alg, NULL, why, whylen);
}

uint64_t
receipt_index(const struct receipt *r)
{
	return r->index;
}

const uint8_t *
receipt_extra(const struct receipt *r, size_t *len)
{
	*len = r->extralen;
	return r->extra;
}

const struct checkpoint *
receipt_checkpoint(const struct receipt *r)
{
	return r->ckpt;
}

uint64_t
receipt_size(const struct receipt *r)
{
	return r->ckpt->size;
}

const uint8_t *
receipt_root(const struct receipt *r)
{
	return r->ckpt->root;
}

const struct note *
receipt_note(const struct receipt *r)
{
	return r->note;
}

size_t
receipt_nproof(const struct receipt *r)
{
	return r->nproof;
}
