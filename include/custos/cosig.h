/*
 * cosig: C2SP tlog-cosignature (https://c2sp.org/tlog-cosignature)
 * cosignature/v1: a witness's Ed25519 signature over a checkpoint.
 *
 * A cosignature is a signed-note signature line
 *
 *	"— <name> base64(key ID(4) || timestamp(8, big-endian) || sig(64))"
 *
 * where sig is Ed25519 over "cosignature/v1\ntime <timestamp>\n" followed
 * by the whole checkpoint body (the note text, ending in "\n", without any
 * signature line), and the key ID is SHA-256(name || "\n" || 0x04 ||
 * public key)[:4].
 *
 * Key strings, like those of note.h and note_sign.h but with key type 0x04:
 *	verifier  "<name>+<8 hex key ID>+base64(0x04 || 32-byte public key)"
 *	signer    "PRIVATE+KEY+<name>+<8 hex key ID>+base64(0x04 || 32-byte
 *		  Ed25519 seed)"
 * Names follow note.h's rules (non-empty UTF-8, no "+", white space or
 * control characters, at most NOTE_MAX_NAME bytes).
 */
#ifndef CUSTOS_COSIG_H
#define CUSTOS_COSIG_H

#include <stddef.h>
#include <stdint.h>

#include "custos/note.h"

#define COSIG_KEY_TYPE	0x04		/* cosignature/v1 key type byte */
#define COSIG_TS_MAX	INT64_MAX	/* a timestamp may not exceed 2^63-1 */
/* Decoded signature bytes after the key ID: timestamp and Ed25519 sig. */
#define COSIG_SIGLEN	(8 + 64)

struct cosig_signer;
struct cosig_verifier;

/*
 * Generates a new Ed25519 witness key named name.  Returns 0 and the signer
 * in *out (free with cosig_signer_free()), CUSTOS_ERR_INVALID for a bad
 * name, or an error.
 */
int	 cosig_signer_generate(const char *name, struct cosig_signer **out);

/*
 * Parses a signer key string of len bytes (no trailing newline; the caller
 * strips one).  Returns 0 and *out, CUSTOS_ERR_FORMAT if the string is
 * malformed, its name invalid or its key ID does not match the key,
 * CUSTOS_ERR_UNSUPPORTED for a key type other than 0x04, or an error.
 */
int	 cosig_signer_parse(const char *s, size_t len,
	    struct cosig_signer **out);

/*
 * Writes the signer key string (NUL-terminated, no newline) to a newly
 * allocated *out, which the caller wipes (it is a secret) and frees.
 * Returns 0 or an error.
 */
int	 cosig_signer_format(const struct cosig_signer *s, char **out);

/* Makes the matching verifier in *out (free with cosig_verifier_free()). */
int	 cosig_signer_verifier(const struct cosig_signer *s,
	    struct cosig_verifier **out);

const char	*cosig_signer_name(const struct cosig_signer *s);
uint32_t	 cosig_signer_keyid(const struct cosig_signer *s);

/* Frees s and wipes its key; NULL is allowed. */
void	 cosig_signer_free(struct cosig_signer *s);

/*
 * Parses a verifier key string of len bytes (no trailing newline).
 * Returns 0 and *out, CUSTOS_ERR_FORMAT if malformed (bad name, key ID
 * that does not match, non-canonical base64, wrong key length, invalid
 * point), CUSTOS_ERR_UNSUPPORTED for a key type other than 0x04 (for
 * instance a log's 0x01 note key given where a witness key belongs), or
 * CUSTOS_ERR_NOMEM.
 */
int	 cosig_verifier_parse(const char *s, size_t len,
	    struct cosig_verifier **out);

/*
 * Writes the verifier key string (NUL-terminated, no newline) to a newly
 * allocated *out, which the caller frees.  Returns 0 or CUSTOS_ERR_NOMEM.
 */
int	 cosig_verifier_format(const struct cosig_verifier *v, char **out);

const char	*cosig_verifier_name(const struct cosig_verifier *v);
uint32_t	 cosig_verifier_keyid(const struct cosig_verifier *v);

/* Frees v; NULL is allowed. */
void	 cosig_verifier_free(struct cosig_verifier *v);

/*
 * Cosigns the checkpoint body (len bytes, the note text ending in "\n",
 * without signature lines) at timestamp ts (POSIX seconds, 1 to
 * COSIG_TS_MAX) and writes one signature line "— <name> <base64>\n",
 * NUL-terminated, to a newly allocated *out (*outlen bytes without the
 * NUL), which the caller frees.  Returns 0, CUSTOS_ERR_FORMAT if body is
 * empty or does not end in "\n", CUSTOS_ERR_RANGE for ts 0 or above
 * COSIG_TS_MAX, CUSTOS_ERR_TOOBIG past NOTE_MAX_SIZE, or an error.
 */
int	 cosig_sign(const struct cosig_signer *s, const char *body,
	    size_t len, uint64_t ts, char **out, size_t *outlen);

/*
 * Checks one signature line (linelen bytes, with or without its final
 * "\n") against v and the checkpoint body (len bytes, as for cosig_sign()).
 * Returns 0 and the cosignature's timestamp in *ts, CUSTOS_ERR_FORMAT if
 * the line is not a signature line, CUSTOS_ERR_KEY if its name or key ID
 * is not v's, CUSTOS_ERR_VERIFY if it is v's but its signature is not
 * COSIG_SIGLEN bytes, its timestamp exceeds COSIG_TS_MAX or the signature
 * does not verify, or CUSTOS_ERR_CRYPTO / CUSTOS_ERR_NOMEM if the check
 * could not run.  ts may be NULL.
 */
int	 cosig_verify_line(const struct cosig_verifier *v, const char *body,
	    size_t len, const char *line, size_t linelen, uint64_t *ts);

/*
 * Finds the cosignatures by v among the signature lines of note n (lines
 * whose name and key ID are v's; others are ignored) and checks them over
 * the note's text.  Every such line must verify.  Returns 0 and the
 * latest of their timestamps in *ts (may be NULL), CUSTOS_ERR_KEY if no
 * line is v's, CUSTOS_ERR_VERIFY if one of v's lines does not verify, or
 * CUSTOS_ERR_CRYPTO / CUSTOS_ERR_NOMEM if the check could not run.
 */
int	 cosig_verify_note(const struct note *n,
	    const struct cosig_verifier *v, uint64_t *ts);

#endif
