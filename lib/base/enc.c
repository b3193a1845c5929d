/*
 * enc: hex, base64 and decimal, and the \xNN escape.  The decoders are
 * strict on purpose: evidence formats must have exactly one encoding for
 * each byte string and number, or a changed character could leave a
 * signature valid.
 */
#include <stdio.h>
#include <string.h>

#include "custos/enc.h"
#include "custos/err.h"

static const char hexdigits[] = "0123456789abcdef";
static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
hex_encode(const uint8_t *in, size_t len, char *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hexdigits[in[i] >> 4];
		out[2 * i + 1] = hexdigits[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hex_decode(const char *in, size_t inlen, uint8_t *out, size_t outlen)
{
	size_t i;
	int hi, lo;

	if (inlen != 2 * outlen)
		return CUSTOS_ERR_FORMAT;
	for (i = 0; i < outlen; i++) {
		hi = hexval(in[2 * i]);
		lo = hexval(in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return CUSTOS_ERR_FORMAT;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

size_t
b64_encode(const uint8_t *in, size_t len, char *out)
{
	size_t i, o = 0;
	uint32_t v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64chars[v >> 18 & 63];
		out[o++] = b64chars[v >> 12 & 63];
		out[o++] = b64chars[v >> 6 & 63];
		out[o++] = b64chars[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = b64chars[v >> 18 & 63];
		out[o++] = b64chars[v >> 12 & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (len - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64chars[v >> 18 & 63];
		out[o++] = b64chars[v >> 12 & 63];
		out[o++] = b64chars[v >> 6 & 63];
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

int
digit_value(const char *digits, char c)
{
	const char *p;

	if (c == '\0' || (p = strchr(digits, c)) == NULL)
		return -1;
	return (int)(p - digits);
}

int
b64_decode(const char *in, size_t inlen, uint8_t *out, size_t outsz,
    size_t *outlen)
{
	size_t i, o = 0, pad = 0, need;
	int v[4] = { 0, 0, 0, 0 }, k;

	*outlen = 0;
	if (inlen % 4 != 0)
		return CUSTOS_ERR_FORMAT;
	if (inlen > 0 && in[inlen - 1] == '=')
		pad = (inlen > 1 && in[inlen - 2] == '=') ? 2 : 1;
	need = inlen / 4 * 3 - pad;
	if (need > outsz)
		return CUSTOS_ERR_TOOBIG;
	for (i = 0; i < inlen; i += 4) {
		for (k = 0; k < 4; k++) {
			if (i + 4 == inlen && k >= 4 - (int)pad) {
				v[k] = 0;
				continue;
			}
			if ((v[k] = digit_value(b64chars, in[i + k])) < 0)
				return CUSTOS_ERR_FORMAT;
		}
		out[o++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
		if (o < need)
			out[o++] = (uint8_t)((v[1] & 15) << 4 | v[2] >> 2);
		if (o < need)
			out[o++] = (uint8_t)((v[2] & 3) << 6 | v[3]);
	}
	/* The bits that padding leaves over must be zero, or two strings
	 * would decode to the same bytes. */
	if ((pad == 1 && (v[2] & 3) != 0) || (pad == 2 && (v[1] & 15) != 0))
		return CUSTOS_ERR_FORMAT;
	*outlen = o;
	return 0;
}

/* UINT64_MAX is 18446744073709551615. */
#define DEC_MAXDIGITS	20

int
dec_decode(const char *in, size_t inlen, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;
	unsigned d;

	if (inlen == 0 || inlen > DEC_MAXDIGITS ||
	    (inlen > 1 && in[0] == '0'))
		return CUSTOS_ERR_FORMAT;
	for (i = 0; i < inlen; i++) {
		if (in[i] < '0' || in[i] > '9')
			return CUSTOS_ERR_FORMAT;
		d = (unsigned)(in[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return CUSTOS_ERR_FORMAT;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int
pct_decode(const char *in, size_t inlen, char *out, size_t outsz)
{
	size_t i, n = 0;
	uint8_t b;

	for (i = 0; i < inlen; i++) {
		if (n + 1 >= outsz)
			return CUSTOS_ERR_TOOBIG;
		if (in[i] != '%') {
			out[n++] = in[i];
			continue;
		}
		if (i + 2 >= inlen || hex_decode(in + i + 1, 2, &b, 1) != 0)
			return CUSTOS_ERR_FORMAT;
		out[n++] = (char)b;
		i += 2;
	}
	out[n] = '\0';
	if (n != strlen(out))
		return CUSTOS_ERR_FORMAT;	/* an escaped NUL */
	return 0;
}

const char *
esc_encode(const char *s, char *buf, size_t bufsz)
{
	size_t o = 0;
	unsigned char c;

	for (; *s != '\0' && o + 5 < bufsz; s++) {
		c = (unsigned char)*s;
		if (c < 0x20 || c > 0x7e || c == '\\')
			o += (size_t)snprintf(buf + o, bufsz - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return buf;
}
