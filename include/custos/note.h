/*
 * note: C2SP signed notes (https://c2sp.org/signed-note), verifying side.
 *
 * A note is UTF-8 text ending in a newline, a blank line, and one or more
 * signature lines "— <name> <base64(key ID || signature)>\n".  Key IDs and
 * verifier-key strings ("<name>+<8 hex key ID>+<base64(type || key)>") are
 * exactly those of golang.org/x/mod/sumdb/note for Ed25519 (type 0x01).
 * The sm profile's SM2 keys use type 0xff followed by the ASCII bytes
 * "custos-sm2" and the 65-byte point (see docs/log.md).
 */
#ifndef CUSTOS_NOTE_H
#define CUSTOS_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "custos/sign.h"

/* Limits that keep hostile input bounded. */
#define NOTE_MAX_SIZE	(1 << 20)	/* a whole note */
#define NOTE_MAX_SIGS	100		/* signature lines in a note */
#define NOTE_MAX_NAME	255		/* key name length */

struct note_verifier;
struct note;

struct note_sig {
	const char	*name;		/* key name, NUL-terminated */
	uint32_t	 keyid;
	const uint8_t	*sig;		/* signature bytes after the key ID */
	size_t		 siglen;
};

/*
 * Parses a verifier key string of len bytes (no trailing newline; the
 * caller strips one).  Returns 0 and a verifier in *out (free with
 * note_verifier_free()), CUSTOS_ERR_FORMAT if the string is malformed
 * (the key ID must be 8 lowercase hex digits and the base64 canonical), its
 * key ID does not match its key, the key is not a valid point, or the name
 * is invalid, or CUSTOS_ERR_UNSUPPORTED for an unknown key type.
 */
int	 note_verifier_parse(const char *s, size_t len,
	    struct note_verifier **out);

/*
 * Makes a verifier for name and public key pub (the key ID is derived).
 * pub is copied.  Returns 0, CUSTOS_ERR_INVALID for an invalid name
 * (empty, longer than NOTE_MAX_NAME, not UTF-8, or containing "+",
 * white space or control characters), or an error.
 */
int	 note_verifier_new(const char *name, const struct sign_pub *pub,
	    struct note_verifier **out);

/*
 * Writes the verifier key string (NUL-terminated, no newline) to a newly
 * allocated *out, which the caller frees.  Returns 0 or CUSTOS_ERR_NOMEM.
 */
int	 note_verifier_format(const struct note_verifier *v, char **out);

const char	*note_verifier_name(const struct note_verifier *v);
uint32_t	 note_verifier_keyid(const struct note_verifier *v);
enum sign_alg	 note_verifier_alg(const struct note_verifier *v);
void		 note_verifier_free(struct note_verifier *v);

/*
 * Computes the C2SP key ID of name and the key's type-prefixed public key.
 * Returns 0, CUSTOS_ERR_INVALID for an invalid name, or an error.
 */
int	 note_keyid(const char *name, const struct sign_pub *pub,
	    uint32_t *keyid);

/*
 * Parses a signed note of len bytes.  The note is copied.  Returns 0 and
 * the note in *out (free with note_free()), CUSTOS_ERR_FORMAT if it is not a
 * well-formed signed note, or CUSTOS_ERR_TOOBIG past the limits above.
 */
int	 note_parse(const char *msg, size_t len, struct note **out);

/* Returns the signed text (ending in "\n") and its length. */
const char	*note_text(const struct note *n, size_t *len);

size_t		 note_nsigs(const struct note *n);

/* Returns signature i (0-based), valid until note_free(). */
const struct note_sig *note_sig(const struct note *n, size_t i);

/*
 * Writes the note's signers as "name+keyid, ..." into buf of bufsz (> 0)
 * bytes, for a message that says whose signatures a note carries.  Names
 * come from the note and are escaped with esc_encode(); the list is cut
 * short, NUL-terminated, when buf is full.
 */
void	 note_signers(const struct note *n, char *buf, size_t bufsz);

/*
 * Checks that n carries a valid signature by v: a line whose name and key
 * ID match v and whose signature verifies over the text.  Every such line
 * must verify (Go checks only the first).  Returns 0 if so, CUSTOS_ERR_KEY
 * if no line names v's key, CUSTOS_ERR_VERIFY if such a line does not
 * verify, or CUSTOS_ERR_CRYPTO / CUSTOS_ERR_NOMEM if the check could not
 * run.
 */
int	 note_verify(const struct note *n, const struct note_verifier *v);

void	 note_free(struct note *n);

#endif
