/*
 * note_int: what note.c (verifying) and note_sign.c (signing) share, and
 * the cosignature keys (cosig.c) too: the key-type prefix of key blobs
 * and key IDs.
 *
 * A key blob is a type byte followed by the key: 0x01 || Ed25519 key as
 * golang.org/x/mod/sumdb/note defines it, or 0xff || "custos-sm2" || key
 * for the sm profile's SM2 keys.
 */
#ifndef CUSTOS_NOTE_INT_H
#define CUSTOS_NOTE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "custos/sign.h"

#define NOTE_TYPE_ED25519	0x01
#define NOTE_TYPE_EXT		0xff
#define NOTE_SM2_IDENT		"custos-sm2"
#define NOTE_SM2_IDENT_LEN	(sizeof(NOTE_SM2_IDENT) - 1)
#define NOTE_PREFIX_MAX		(1 + NOTE_SM2_IDENT_LEN)

/* "— ": U+2014 EM DASH and a space, the start of a signature line. */
#define NOTE_SIG_PREFIX		"\xe2\x80\x94 "
#define NOTE_SIG_PREFIX_LEN	(sizeof(NOTE_SIG_PREFIX) - 1)

/*
 * Writes the type prefix of alg to blob (NOTE_PREFIX_MAX bytes) and sets
 * *len.  Returns 0 or CUSTOS_ERR_UNSUPPORTED.
 */
int	 note_blob_prefix(enum sign_alg alg, uint8_t *blob, size_t *len);

/*
 * Reads the type prefix of a blob of len bytes: sets *alg and *off, the
 * offset of the key.  Returns 0 or CUSTOS_ERR_UNSUPPORTED for an unknown
 * type.  The caller checks the key's length.
 */
int	 note_blob_type(const uint8_t *blob, size_t len, enum sign_alg *alg,
	    size_t *off);

/*
 * The C2SP signed-note key ID of a key named name (namelen bytes) with
 * the key blob (type byte and key, bloblen bytes): the first four bytes
 * of SHA-256(name || "\n" || blob), big-endian, into *keyid.  Shared with
 * the cosignature keys (cosig.c), whose blob is 0x04 || key.  Returns 0
 * or a digest error.
 */
int	 note_blob_keyid(const char *name, size_t namelen,
	    const uint8_t *blob, size_t bloblen, uint32_t *keyid);

/*
 * Splits the len bytes at s of a key string, name "+" keyid "+" base64:
 * the name is the first *namelen bytes (up to the first "+"), *keyid the
 * key ID (exactly 8 lowercase hex digits), and *b64 and *b64len the rest.
 * Nothing is checked beyond that.  Returns 0 or CUSTOS_ERR_FORMAT.
 */
int	 note_split_key(const char *s, size_t len, size_t *namelen,
	    uint32_t *keyid, const char **b64, size_t *b64len);

#endif
