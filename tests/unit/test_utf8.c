/*
 * Unit tests for utf8: every valid length at its boundaries, every class
 * of ill-formed input (Unicode 15 table 3-7), agreement with jansson, and
 * the lossy copy.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "custos/err.h"
#include "custos/utf8.h"

/* "执法记录仪" (body-worn camera) and its code points. */
static const char zh[] = "\xe6\x89\xa7\xe6\xb3\x95\xe8\xae\xb0\xe5\xbd\x95"
    "\xe4\xbb\xaa";
static const uint32_t zh_cp[] = { 0x6267, 0x6cd5, 0x8bb0, 0x5f55, 0x4eea };

/* Decodes the whole of s (len bytes) and checks it is one sequence. */
static void
assert_one(const char *s, size_t len, uint32_t want)
{
	uint32_t cp = 0xdeadbeef;

	assert_int_equal(utf8_seq((const unsigned char *)s, len, &cp), len);
	assert_int_equal(cp, want);
}

/* Checks that no prefix length of s decodes, from 0 to len bytes. */
static void
assert_bad(const char *s, size_t len)
{
	size_t n;

	for (n = 0; n <= len; n++)
		assert_int_equal(utf8_seq((const unsigned char *)s, n, NULL),
		    0);
}

static void
test_valid_boundaries(void **state)
{
	(void)state;
	assert_one("\x00", 1, 0);
	assert_one("A", 1, 'A');
	assert_one("\x7f", 1, 0x7f);
	assert_one("\xc2\x80", 2, 0x80);
	assert_one("\xc3\xa9", 2, 0xe9);
	assert_one("\xdf\xbf", 2, 0x7ff);
	assert_one("\xe0\xa0\x80", 3, 0x800);
	assert_one("\xed\x9f\xbf", 3, 0xd7ff);
	assert_one("\xee\x80\x80", 3, 0xe000);
	assert_one("\xef\xbf\xbd", 3, 0xfffd);
	assert_one("\xef\xbf\xbf", 3, 0xffff);
	assert_one("\xf0\x90\x80\x80", 4, 0x10000);
	assert_one("\xf0\x9f\x93\xb9", 4, 0x1f4f9);
	assert_one("\xf4\x8f\xbf\xbf", 4, 0x10ffff);
}

/* The length says where the sequence ends, whatever follows it. */
static void
test_stops_at_sequence_end(void **state)
{
	const unsigned char s[] = "\xc3\xa9\xc3\xa9";
	uint32_t cp;

	(void)state;
	assert_int_equal(utf8_seq(s, 4, &cp), 2);
	assert_int_equal(cp, 0xe9);
	assert_int_equal(utf8_seq((const unsigned char *)"ab", 2, &cp), 1);
	assert_int_equal(cp, 'a');
	/* cp may be NULL when only the length is wanted. */
	assert_int_equal(utf8_seq((const unsigned char *)zh, 15, NULL), 3);
}

static void
test_chinese(void **state)
{
	const unsigned char *s = (const unsigned char *)zh;
	size_t i = 0, k, n = 0, len = sizeof(zh) - 1;
	uint32_t cp;

	(void)state;
	while (i < len) {
		k = utf8_seq(s + i, len - i, &cp);
		assert_int_equal(k, 3);
		assert_true(n < 5);
		assert_int_equal(cp, zh_cp[n]);
		i += k;
		n++;
	}
	assert_int_equal(n, 5);
	assert_int_equal(utf8_valid(zh, len), 1);
	/* Cut inside the last character. */
	assert_int_equal(utf8_valid(zh, len - 1), 0);
	assert_int_equal(utf8_valid(zh, len - 2), 0);
	assert_int_equal(utf8_valid(zh, len - 3), 1);
}

static void
test_overlong(void **state)
{
	(void)state;
	/* '/' and NUL in two, three and four bytes. */
	assert_bad("\xc0\xaf", 2);
	assert_bad("\xc0\x80", 2);
	assert_bad("\xc1\xbf", 2);		/* U+007F */
	assert_bad("\xe0\x80\xaf", 3);
	assert_bad("\xe0\x80\x80", 3);
	assert_bad("\xe0\x9f\xbf", 3);		/* U+07FF */
	assert_bad("\xf0\x80\x80\xaf", 4);
	assert_bad("\xf0\x80\x80\x80", 4);
	assert_bad("\xf0\x8f\xbf\xbf", 4);	/* U+FFFF */
}

static void
test_surrogates(void **state)
{
	unsigned char s[3];
	uint32_t c;

	(void)state;
	/* Every surrogate, in the form CESU-8 would write it. */
	for (c = 0xd800; c <= 0xdfff; c++) {
		s[0] = (unsigned char)(0xe0 | c >> 12);
		s[1] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
		s[2] = (unsigned char)(0x80 | (c & 0x3f));
		assert_int_equal(utf8_seq(s, 3, NULL), 0);
	}
	/* A surrogate pair is two invalid sequences, not U+10000. */
	assert_int_equal(utf8_valid("\xed\xa0\x80\xed\xb0\x80", 6), 0);
}

static void
test_above_max(void **state)
{
	(void)state;
	assert_bad("\xf4\x90\x80\x80", 4);	/* U+110000 */
	assert_bad("\xf4\xbf\xbf\xbf", 4);
	assert_bad("\xf5\x80\x80\x80", 4);
	assert_bad("\xf7\xbf\xbf\xbf", 4);	/* U+1FFFFF */
	assert_bad("\xf8\x88\x80\x80\x80", 5);	/* old 5-byte form */
	assert_bad("\xfc\x84\x80\x80\x80\x80", 6);
}

static void
test_truncated(void **state)
{
	(void)state;
	assert_int_equal(utf8_seq((const unsigned char *)"A", 0, NULL), 0);
	assert_bad("\xc3", 1);
	assert_bad("\xe6\x89", 2);
	assert_bad("\xf0\x9f\x93", 3);
	/* A sequence cut short by the next character. */
	assert_bad("\xc3" "A", 2);
	assert_bad("\xe6\x89" "A", 3);
	assert_bad("\xf0\x9f\x93" "A", 4);
	assert_bad("\xe6\xc3\xa9", 3);
	assert_bad("\xf0\x9f\xc3\xa9", 4);
	/* The NUL that ends a C string is not a continuation byte. */
	assert_bad("\xe6\x89\x00", 3);
}

static void
test_bad_lead_bytes(void **state)
{
	unsigned char s[4];
	unsigned b;

	(void)state;
	/* Stray continuation bytes, followed by more of them. */
	for (b = 0x80; b <= 0xbf; b++) {
		s[0] = (unsigned char)b;
		s[1] = s[2] = s[3] = 0x80;
		assert_int_equal(utf8_seq(s, 4, NULL), 0);
	}
	/* 0xc0, 0xc1 and 0xf5..0xff start nothing, whatever follows. */
	for (b = 0xc0; b <= 0xff; b++) {
		if (b == 0xc2)
			b = 0xf5;
		s[0] = (unsigned char)b;
		s[1] = 0x80;
		s[2] = s[3] = 0xbf;
		assert_int_equal(utf8_seq(s, 4, NULL), 0);
		s[1] = s[2] = s[3] = 0xbf;
		assert_int_equal(utf8_seq(s, 4, NULL), 0);
	}
}

/*
 * The decoder against an independent oracle: whether jansson accepts the
 * bytes as a JSON string.  Every one- and two-byte string, and three- and
 * four-byte strings over every lead and second byte (where the range
 * checks live) with edge values for the rest.  NUL is left out: jansson
 * takes it inside a string of known length, utf8_valid() does not.
 */
static void
check_jansson(const unsigned char *s, size_t len)
{
	json_t *j = json_stringn((const char *)s, len);
	int ours = utf8_valid((const char *)s, len);

	if (ours != (j != NULL))
		fail_msg("%02x %02x %02x %02x (len %zu): ours %d, jansson %d",
		    s[0], len > 1 ? s[1] : 0, len > 2 ? s[2] : 0,
		    len > 3 ? s[3] : 0, len, ours, j != NULL);
	json_decref(j);
}

static void
test_agrees_with_jansson(void **state)
{
	static const unsigned char tail[] = { 0x01, 0x41, 0x7f, 0x80, 0x9f,
	    0xa0, 0xbf, 0xc0, 0xff };
	unsigned char s[4];
	unsigned a, b;
	size_t i, k;

	(void)state;
	for (a = 1; a < 256; a++) {
		s[0] = (unsigned char)a;
		check_jansson(s, 1);
		for (b = 1; b < 256; b++) {
			s[1] = (unsigned char)b;
			check_jansson(s, 2);
			if (a < 0xe0)
				continue;
			for (i = 0; i < sizeof(tail); i++) {
				s[2] = tail[i];
				check_jansson(s, 3);
				for (k = 0; a >= 0xf0 && k < sizeof(tail);
				    k++) {
					s[3] = tail[k];
					check_jansson(s, 4);
				}
			}
		}
	}
}

static void
test_valid(void **state)
{
	(void)state;
	assert_int_equal(utf8_valid("", 0), 1);
	assert_int_equal(utf8_valid("plain ASCII ~", 13), 1);
	assert_int_equal(utf8_valid("caf\xc3\xa9", 5), 1);
	assert_int_equal(utf8_valid("\xf0\x9f\x93\xb9", 4), 1);
	/* A NUL would cut the text short as a C string. */
	assert_int_equal(utf8_valid("a\0b", 3), 0);
	assert_int_equal(utf8_valid("a\xff" "b", 3), 0);
	assert_int_equal(utf8_valid("a\x80", 2), 0);
	assert_int_equal(utf8_valid("\xc3\xa9\xc3", 3), 0);
}

/* Runs utf8_lossy() and compares with want (a C string). */
static void
assert_lossy(const char *s, size_t len, const char *want, int want_valid)
{
	char *out = NULL;
	int valid = -1;

	assert_int_equal(utf8_lossy(s, len, &out, &valid), 0);
	assert_non_null(out);
	assert_string_equal(out, want);
	assert_int_equal(valid, want_valid);
	/* Whatever went in, what comes out is valid. */
	assert_int_equal(utf8_valid(out, strlen(out)), 1);
	free(out);
}

#define R	UTF8_REPLACEMENT

static void
test_lossy(void **state)
{
	char *out;

	(void)state;
	assert_lossy("", 0, "", 1);
	assert_lossy("clip_0001.mp4", 13, "clip_0001.mp4", 1);
	assert_lossy(zh, sizeof(zh) - 1, zh, 1);
	assert_lossy("a\xff" "b", 3, "a" R "b", 0);
	/* Each byte of a bad sequence is replaced on its own. */
	assert_lossy("\xc0\xaf", 2, R R, 0);
	assert_lossy("\xed\xa0\x80", 3, R R R, 0);
	assert_lossy("\xf4\x90\x80\x80", 4, R R R R, 0);
	/* A cut character: its two bytes, then the rest as it was. */
	assert_lossy("\xe6\x89" "x", 3, R R "x", 0);
	assert_lossy(zh, sizeof(zh) - 2, "\xe6\x89\xa7\xe6\xb3\x95\xe8\xae\xb0"
	    "\xe5\xbd\x95" R R, 0);
	/* The GBK bytes of "执法", from a volume a Chinese Windows wrote:
	 * the first two happen to be valid UTF-8 (U+05B4). */
	assert_lossy("\xd6\xb4\xb7\xa8", 4, "\xd6\xb4" R R, 0);
	assert_lossy("a\0b", 3, "a" R "b", 0);
	/* The caller may not want the flag. */
	assert_int_equal(utf8_lossy("\xff", 1, &out, NULL), 0);
	assert_string_equal(out, R);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_boundaries),
		cmocka_unit_test(test_stops_at_sequence_end),
		cmocka_unit_test(test_chinese),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_surrogates),
		cmocka_unit_test(test_above_max),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_lead_bytes),
		cmocka_unit_test(test_agrees_with_jansson),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_lossy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
