/*
 * utf8: the strict decoder (utf8.h).  It follows the table of well-formed
 * byte sequences in Unicode 15, section 3.9 (table 3-7): the lead byte
 * fixes the length, and the decoded value must need exactly that length
 * and be a scalar value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "custos/err.h"
#include "custos/utf8.h"

size_t
utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	/* The smallest code point each length may encode. */
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint32_t c;
	size_t len, i;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80)
		len = 1;
	else if (c >= 0xc2 && c <= 0xdf)
		len = 2, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, c &= 0x07;
	else
		return 0;	/* continuation byte, 0xc0, 0xc1, 0xf5..0xff */
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	if (cp != NULL)
		*cp = c;
	return len;
}

int
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, k;

	for (i = 0; i < n; i += k) {
		if (p[i] == '\0' || (k = utf8_seq(p + i, n - i, NULL)) == 0)
			return 0;
	}
	return 1;
}

int
utf8_lossy(const char *s, size_t len, char **out, int *valid)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, k, o = 0;
	char *buf;
	int ok = 1;

	*out = NULL;
	/* Each input byte yields at most the three bytes of U+FFFD. */
	if (len > (SIZE_MAX - 1) / UTF8_REPLACEMENT_LEN ||
	    (buf = malloc(UTF8_REPLACEMENT_LEN * len + 1)) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (i = 0; i < len; i += k) {
		if (p[i] != '\0' && (k = utf8_seq(p + i, len - i, NULL)) != 0) {
			memcpy(buf + o, p + i, k);
			o += k;
		} else {
			memcpy(buf + o, UTF8_REPLACEMENT, UTF8_REPLACEMENT_LEN);
			o += UTF8_REPLACEMENT_LEN;
			k = 1;
			ok = 0;
		}
	}
	buf[o] = '\0';
	*out = buf;
	if (valid != NULL)
		*valid = ok;
	return 0;
}
