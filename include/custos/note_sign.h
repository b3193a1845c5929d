/*
 * note_sign: C2SP signed-note signer keys and signing.  Signer key strings
 * are "PRIVATE+KEY+<name>+<8 hex key ID>+<base64(type || private key)>",
 * as golang.org/x/mod/sumdb/note writes them for Ed25519.
 */
#ifndef CUSTOS_NOTE_SIGN_H
#define CUSTOS_NOTE_SIGN_H

#include "custos/note.h"
#include "custos/signer.h"

struct note_signer;

/*
 * Generates a new key of alg named name.  Returns 0 and the signer in *out
 * (free with note_signer_free()), CUSTOS_ERR_INVALID for a bad name, or an
 * error.
 */
int	 note_signer_generate(const char *name, enum sign_alg alg,
	    struct note_signer **out);

/*
 * Parses a signer key string of len bytes (no trailing newline).  Returns 0,
 * CUSTOS_ERR_FORMAT if malformed or its key ID does not match,
 * CUSTOS_ERR_UNSUPPORTED for an unknown key type, or an error.
 */
int	 note_signer_parse(const char *s, size_t len, struct note_signer **out);

/*
 * Writes the signer key string (NUL-terminated) to a newly allocated *out.
 * The caller wipes and frees it.  Returns 0 or an error.
 */
int	 note_signer_format(const struct note_signer *s, char **out);

/* Makes the matching verifier in *out.  Returns 0 or an error. */
int	 note_signer_verifier(const struct note_signer *s,
	    struct note_verifier **out);

const char	*note_signer_name(const struct note_signer *s);
uint32_t	 note_signer_keyid(const struct note_signer *s);

/*
 * Signs text (len bytes, must be non-empty valid note text ending in "\n")
 * and writes the whole signed note to a newly allocated *out (NUL-terminated,
 * *outlen bytes without the NUL).  The result is parsed back before it is
 * returned, so it is always a note that note_parse() accepts.  Returns 0,
 * CUSTOS_ERR_FORMAT for bad text (not UTF-8, control characters other than
 * "\n"), CUSTOS_ERR_TOOBIG past NOTE_MAX_SIZE, or an error.
 */
int	 note_sign(const char *text, size_t len, const struct note_signer *s,
	    char **out, size_t *outlen);

/* Frees s and wipes its key; NULL is allowed. */
void	 note_signer_free(struct note_signer *s);

#endif
