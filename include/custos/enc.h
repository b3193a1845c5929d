/*
 * enc: strict hex and base64 (RFC 4648, standard alphabet, padded).
 *
 * Decoders accept only the canonical encoding of a byte string, so a
 * changed character always changes the decoded bytes or is rejected.
 */
#ifndef CUSTOS_ENC_H
#define CUSTOS_ENC_H

#include <stddef.h>
#include <stdint.h>

/* Output sizes including the terminating NUL. */
#define HEX_ENCLEN(n)	(2 * (n) + 1)
#define B64_ENCLEN(n)	(4 * (((n) + 2) / 3) + 1)

/*
 * Writes the lowercase hex of len bytes and a NUL to out, which must hold
 * HEX_ENCLEN(len) bytes.
 */
void	 hex_encode(const uint8_t *in, size_t len, char *out);

/*
 * Decodes exactly 2*outlen hex digits (either case) from in, which has
 * inlen characters.  Returns 0, or CUSTOS_ERR_FORMAT if the length is
 * wrong or a character is not a hex digit.
 */
int	 hex_decode(const char *in, size_t inlen, uint8_t *out, size_t outlen);

/*
 * Writes the base64 of len bytes and a NUL to out, which must hold
 * B64_ENCLEN(len) bytes.  Returns the encoded length without the NUL.
 */
size_t	 b64_encode(const uint8_t *in, size_t len, char *out);

/*
 * Decodes inlen characters of canonical, padded base64 into out of size
 * outsz and sets *outlen.  Returns 0, CUSTOS_ERR_FORMAT for anything that is
 * not the canonical encoding of some byte string (bad characters, bad
 * padding, non-zero trailing bits, whitespace), or CUSTOS_ERR_TOOBIG if out
 * is too small.
 */
int	 b64_decode(const char *in, size_t inlen, uint8_t *out, size_t outsz,
	    size_t *outlen);

#endif
