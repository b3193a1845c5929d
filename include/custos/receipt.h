/*
 * receipt: offline-verifiable receipts for log entries, as C2SP
 * tlog-proof@v1 text (https://c2sp.org/tlog-proof).
 *
 *	c2sp.org/tlog-proof@v1\n
 *	extra <base64 of the entry's exact bytes>\n
 *	index <entry index, decimal, no leading zeros>\n
 *	<inclusion proof: one base64 hash a line, leaf to root>\n ...
 *	\n
 *	<the signed checkpoint note, verbatim>
 *
 * A camera or phone that keeps the receipt of its upload can later show,
 * with nothing but the station's verifier key, that the station logged the
 * entry (and so the object hash in it).  The leaf is H(0x00 || extra): the
 * entry itself travels in the receipt, so nothing else is needed.
 *
 * receipt_format() reads the log (lib/log/receipt_log.c, SQLite); parsing and
 * verifying (lib/log/receipt.c) need only the receipt and the key.
 */
#ifndef CUSTOS_RECEIPT_H
#define CUSTOS_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

#include "custos/ckpt.h"
#include "custos/digest.h"
#include "custos/note.h"

#define RECEIPT_HEADER		"c2sp.org/tlog-proof@v1"
/* An entry is at most 1 MiB (LOG_MAX_ENTRY). */
#define RECEIPT_MAX_EXTRA	(1 << 20)
/* Inclusion proofs in trees of fewer than 2^63 leaves. */
#define RECEIPT_MAX_PROOF	63
/* The whole text: the base64 entry, the proof lines and the note. */
#define RECEIPT_MAX_SIZE	(4 * RECEIPT_MAX_EXTRA)

struct log;
struct receipt;

/*
 * Formats the receipt of entry index against the stored signed checkpoint
 * of tree size (size 0: the latest stored checkpoint).  The extra data is
 * the entry's exact bytes; the proof is built from the stored tree and
 * checked against the checkpoint's root before it is returned.  Sets a
 * newly allocated, NUL-terminated *out of *len bytes (without the NUL),
 * which the caller frees.  Returns 0, CUSTOS_ERR_NOTFOUND when no stored
 * checkpoint of that size (or none at all) covers the entry (index >=
 * size), CUSTOS_ERR_CORRUPT when the stored checkpoint does not match the
 * stored tree, CUSTOS_ERR_TOOBIG for an entry over RECEIPT_MAX_EXTRA (never
 * one the log accepted), CUSTOS_ERR_NOMEM or CUSTOS_ERR_DB.
 */
int	 receipt_format(struct log *l, uint64_t index, uint64_t size,
	    char **out, size_t *len);

/*
 * Parses a receipt of len bytes, strictly: the exact header line, a
 * non-empty canonical base64 "extra" line of at most RECEIPT_MAX_EXTRA
 * bytes (optional in the format; receipt_verify() needs it), "index" in
 * decimal without leading zeros, at most RECEIPT_MAX_PROOF proof lines of
 * one canonical base64 hash each, one empty line and a signed note whose
 * text is a checkpoint (note.h, ckpt.h).  Nothing is verified yet.
 * Returns 0 and *out (free with receipt_free()), CUSTOS_ERR_FORMAT,
 * CUSTOS_ERR_TOOBIG past the limits above, or CUSTOS_ERR_NOMEM.
 */
int	 receipt_parse(const char *text, size_t len, struct receipt **out);

void	 receipt_free(struct receipt *r);

/*
 * Verifies r with the station's verifier key v: the checkpoint is signed
 * by v and its origin is v's name (receipt_verify_checkpoint()), and the
 * leaf H(0x00 || extra) is entry index of the signed tree by the inclusion
 * proof (receipt_verify_inclusion()), with the hash of v's profile.  On
 * failure writes one line saying what failed into why (whylen bytes; may
 * be NULL when whylen is 0).  Returns 0, CUSTOS_ERR_KEY (no signature by
 * v), CUSTOS_ERR_VERIFY (anything else not proven), CUSTOS_ERR_FORMAT (no
 * extra data) or CUSTOS_ERR_CRYPTO / CUSTOS_ERR_NOMEM if a check could not
 * run.
 */
int	 receipt_verify(const struct receipt *r, const struct note_verifier *v,
	    char *why, size_t whylen);

/* The signature-and-origin half of receipt_verify(). */
int	 receipt_verify_checkpoint(const struct receipt *r,
	    const struct note_verifier *v, char *why, size_t whylen);

/*
 * The inclusion half of receipt_verify(), in a tree hashed with alg: to be
 * trusted only after receipt_verify_checkpoint() returned 0.  Sets leaf
 * (when not NULL) to the leaf hash of the extra data whenever it could be
 * computed.
 */
int	 receipt_verify_inclusion(const struct receipt *r, enum digest_alg alg,
	    uint8_t leaf[DIGEST_LEN], char *why, size_t whylen);

/*
 * Accessors, valid until receipt_free().  What they return is proven only
 * once receipt_verify() has returned 0.
 */
uint64_t	 receipt_index(const struct receipt *r);
/* The extra data (the entry's bytes) and its length; NULL if absent. */
const uint8_t	*receipt_extra(const struct receipt *r, size_t *len);
/* The checkpoint body: origin, size, root (ckpt.h). */
const struct checkpoint *receipt_checkpoint(const struct receipt *r);
uint64_t	 receipt_size(const struct receipt *r);
const uint8_t	*receipt_root(const struct receipt *r);
/* The signed note (its signers, for messages). */
const struct note *receipt_note(const struct receipt *r);
/* The number of proof hashes. */
size_t		 receipt_nproof(const struct receipt *r);

#endif
