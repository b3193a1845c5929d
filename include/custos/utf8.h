/*
 * utf8: one strict UTF-8 decoder for every module that checks or cleans
 * text (note names and texts, probe strings, file names on a camera
 * volume, entry fields).
 *
 * "Valid" means exactly what jansson (and Go's utf8.DecodeRune) accept:
 * the shortest form only (no overlong sequences, so 0xc0, 0xc1 and
 * 0xf5..0xff never start one), no surrogates (U+D800..U+DFFF) and nothing
 * past U+10FFFF.  Which valid code points a caller refuses on top of that
 * (control characters, C1 controls, spaces, "+") is the caller's policy
 * and stays in the caller.
 */
#ifndef CUSTOS_UTF8_H
#define CUSTOS_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* U+FFFD REPLACEMENT CHARACTER in UTF-8, and its length. */
#define UTF8_REPLACEMENT	"\xef\xbf\xbd"
#define UTF8_REPLACEMENT_LEN	3

/*
 * Decodes the sequence at s, of which n bytes may be read.  Returns its
 * length (1 to 4) and stores the code point in *cp (cp may be NULL), or
 * returns 0 when n is 0 or the bytes at s do not start a valid sequence
 * (also when it is cut short by the end of the n bytes); *cp is then
 * unspecified.  A NUL byte decodes as U+0000.
 */
size_t	 utf8_seq(const unsigned char *s, size_t n, uint32_t *cp);

/*
 * Returns 1 if the n bytes at s are valid UTF-8 containing no NUL byte
 * (text that survives both as a C string and as a JSON string), else 0.
 * An empty string is valid.
 */
int	 utf8_valid(const char *s, size_t n);

/*
 * Makes a lossy copy of the len bytes at s: valid sequences are copied as
 * they are, and every byte that is not part of one, and every NUL byte,
 * becomes U+FFFD.  On success *out is a new NUL-terminated string the
 * caller frees, *valid (valid may be NULL) is 1 if nothing was replaced
 * (so *out holds exactly the bytes of s) and 0 otherwise, and 0 is
 * returned.  Returns CUSTOS_ERR_NOMEM with *out NULL and *valid unchanged
 * on allocation failure.
 */
int	 utf8_lossy(const char *s, size_t len, char **out, int *valid);

#endif
