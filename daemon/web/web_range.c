/*
 * web_range: the Range header of a footage request (web_range.h).  Only
 * decimal digits are taken (no sign, no spaces: strtoull() would accept
 * both), and a number too large for 64 bits makes the value malformed.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "web_range.h"

/* A decimal number at *s, advancing *s; 0, or -1 (none, or overflow). */
static int
number(const char **s, uint64_t *v)
{
	const char *p = *s;

	*v = 0;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (*v > (UINT64_MAX - 9) / 10)
			return -1;
		*v = *v * 10 + (uint64_t)(*p - '0');
	}
	*s = p;
	return 0;
}

int
web_range_parse(const char *r, uint64_t size, uint64_t *off, uint64_t *len)
{
	uint64_t a, b;

	if (r == NULL || strncmp(r, "bytes=", 6) != 0 ||
	    strchr(r, ',') != NULL)
		return 0;
	r += 6;
	if (*r == '-') {
		r++;
		if (number(&r, &b) != 0 || *r != '\0')
			return 0;
		if (b == 0 || size == 0)
			return -1;
		*len = b < size ? b : size;
		*off = size - *len;
		return 1;
	}
	if (number(&r, &a) != 0 || *r++ != '-')
		return 0;
	if (*r == '\0')
		b = UINT64_MAX;
	else if (number(&r, &b) != 0 || *r != '\0' || b < a)
		return 0;
	if (a >= size)
		return -1;
	if (b >= size)
		b = size - 1;
	*off = a;
	*len = b - a + 1;
	return 1;
}

int
web_range_from_start(const char *r)
{
	uint64_t off, len;

	/* Whatever the file's size, a range from 0 starts at 0. */
	return web_range_parse(r, UINT64_MAX, &off, &len) != 1 || off == 0;
}
