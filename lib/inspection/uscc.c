/*
 * uscc: GB 32100-2015 unified social credit codes.  See the header for
 * the structure; the comments here say only why the code is as it is.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "custos/enc.h"
#include "custos/err.h"
#include "custos/uscc.h"

static const char charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int weights[USCC_LEN - 1] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
};
static const int org_weights[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
static const char authorities[] = "123456789ANY";

static int __attribute__((format(printf, 3, 4)))
bad_code(char *reason, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (reason != NULL && len > 0) {
		va_start(ap, fmt);
		vsnprintf(reason, len, fmt, ap);
		va_end(ap);
	}
	return CUSTOS_ERR_FORMAT;
}

char
uscc_check_char(const char *s)
{
	int i, v, sum = 0;

	for (i = 0; i < USCC_LEN - 1; i++) {
		if ((v = digit_value(charset, s[i])) < 0)
			return '\0';
		sum += v * weights[i];
	}
	return charset[(31 - sum % 31) % 31];
}

/*
 * The GB 11714 check character of the organisation code at s (9
 * characters).  Its letters count A = 10 ... Z = 35, the full alphabet,
 * unlike the USCC code set.
 */
static char
org_check_char(const char *s)
{
	int i, v, sum = 0, c;

	for (i = 0; i < 8; i++) {
		v = s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : s[i] - 'A' + 10;
		sum += v * org_weights[i];
	}
	c = 11 - sum % 11;
	return c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
}

int
uscc_check(const char *s, char *reason, size_t len)
{
	size_t n = strlen(s), i;
	char want;

	if (n != USCC_LEN)
		return bad_code(reason, len, "has %zu characters, expected 18",
		    n);
	for (i = 0; i < n; i++)
		if (digit_value(charset, s[i]) < 0)
			return bad_code(reason, len, "character %zu is not one "
			    "of 0-9 or A-Y without I, O, S, V and Z", i + 1);
	if (strchr(authorities, s[0]) == NULL)
		return bad_code(reason, len, "registration authority code %c "
		    "is not one of %s", s[0], authorities);
	for (i = 2; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return bad_code(reason, len, "administrative division "
			    "code (characters 3-8) must be digits");
	if ((want = org_check_char(s + 8)) != s[16])
		return bad_code(reason, len, "organisation code check "
		    "character (character 17) is %c, expected %c", s[16],
		    want);
	if ((want = uscc_check_char(s)) != s[17])
		return bad_code(reason, len, "check character is %c, expected "
		    "%c", s[17], want);
	return 0;
}
