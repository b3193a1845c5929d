/*
 * enc: strict hex and base64 (RFC 4648, standard alphabet, padded),
 * canonical decimal numbers, and the \xNN escape that shows untrusted
 * text on a terminal.
 *
 * Decoders accept only the canonical encoding of a byte string or number,
 * so a changed character always changes the decoded value or is rejected.
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

/*
 * Decodes the inlen characters at in as an unsigned decimal number with
 * no sign, spaces or leading zeros ("0" itself is allowed) into *out.
 * Returns 0, or CUSTOS_ERR_FORMAT for anything else, including a value
 * above UINT64_MAX (*out is then unchanged).
 */
int	 dec_decode(const char *in, size_t inlen, uint64_t *out);

/*
 * The value of digit c in the alphabet digits: its position there, or -1
 * when c is not one of them (or is NUL).
 */
int	 digit_value(const char *digits, char c);

/*
 * Decodes the %XX escapes (either case) of the inlen characters at in, a
 * URL path segment or query value, into out of outsz (> 0) bytes and a
 * NUL; other characters are copied as they are.  Returns 0,
 * CUSTOS_ERR_FORMAT for a '%' not followed by two hex digits or an
 * escaped NUL (%00), or CUSTOS_ERR_TOOBIG if out is too small (an outsz
 * of inlen + 1 always suffices).
 */
int	 pct_decode(const char *in, size_t inlen, char *out, size_t outsz);

/*
 * Copies the NUL-terminated s into buf of bufsz (> 0) bytes with every
 * byte outside printable ASCII, and the backslash, written as \xNN, so
 * that names and fields from a file under test cannot reach a terminal as
 * control sequences.  Stops early, on a whole character, when buf is
 * full.  Returns buf, which is always NUL-terminated.
 */
const char *esc_encode(const char *s, char *buf, size_t bufsz);

#endif
