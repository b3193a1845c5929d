#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "custos/enc.h"
#include "custos/err.h"

/* RFC 4648 section 10 test vectors. */
static const char *const rfc4648[][2] = {
	{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

static void
test_b64_vectors(void **state)
{
	char out[64];
	uint8_t dec[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
		n = b64_encode((const uint8_t *)rfc4648[i][0],
		    strlen(rfc4648[i][0]), out);
		assert_string_equal(out, rfc4648[i][1]);
		assert_int_equal(n, strlen(rfc4648[i][1]));
		assert_int_equal(b64_decode(rfc4648[i][1],
		    strlen(rfc4648[i][1]), dec, sizeof(dec), &n), 0);
		assert_int_equal(n, strlen(rfc4648[i][0]));
		assert_memory_equal(dec, rfc4648[i][0], n);
	}
}

static void
test_b64_strict(void **state)
{
	/* Non-canonical or malformed encodings must all be refused. */
	static const char *const bad[] = {
		"Zh==", "Zm9=", "Zg=", "Zg", "Z===", "====", "Zg==Zg==",
		"Zm9v\n", " Zm9v", "Zm-v", "Zm_v", "Zm9v====", "=Zm9",
		"Zg=a",
	};
	uint8_t dec[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(b64_decode(bad[i], strlen(bad[i]), dec,
		    sizeof(dec), &n), CUSTOS_ERR_FORMAT);
	assert_int_equal(b64_decode("Zm9vYmFy", 8, dec, 5, &n),
	    CUSTOS_ERR_TOOBIG);
}

static void
test_b64_roundtrip(void **state)
{
	uint8_t in[256], dec[256];
	char enc[B64_ENCLEN(256)];
	size_t len, i, n;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 37 + 11);
	for (len = 0; len <= sizeof(in); len++) {
		b64_encode(in, len, enc);
		assert_int_equal(b64_decode(enc, strlen(enc), dec, sizeof(dec),
		    &n), 0);
		assert_int_equal(n, len);
		assert_memory_equal(dec, in, len);
	}
}

static void
test_hex(void **state)
{
	const uint8_t in[] = { 0x00, 0x01, 0xab, 0xff };
	uint8_t out[4];
	char s[HEX_ENCLEN(4)];

	(void)state;
	hex_encode(in, sizeof(in), s);
	assert_string_equal(s, "0001abff");
	assert_int_equal(hex_decode("0001ABff", 8, out, 4), 0);
	assert_memory_equal(out, in, 4);
	assert_int_equal(hex_decode("0001abf", 7, out, 4), CUSTOS_ERR_FORMAT);
	assert_int_equal(hex_decode("0001abfg", 8, out, 4), CUSTOS_ERR_FORMAT);
}

static void
test_dec(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(dec_decode("0", 1, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(dec_decode("18446744073709551615", 20, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(dec_decode("18446744073709551616", 20, &v),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(dec_decode("123456789012345678901", 21, &v),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(dec_decode("", 0, &v), CUSTOS_ERR_FORMAT);
	assert_int_equal(dec_decode("01", 2, &v), CUSTOS_ERR_FORMAT);
	assert_int_equal(dec_decode("+1", 2, &v), CUSTOS_ERR_FORMAT);
	assert_int_equal(dec_decode("1 ", 2, &v), CUSTOS_ERR_FORMAT);
	/* Only inlen characters count: what follows is not read. */
	assert_int_equal(dec_decode("42x", 2, &v), 0);
	assert_int_equal(v, 42);
}

static void
test_esc(void **state)
{
	char buf[64], small[8];

	(void)state;
	assert_string_equal(esc_encode("a b~", buf, sizeof(buf)), "a b~");
	assert_string_equal(esc_encode("a\\b\n\x7f\xc3\xa9", buf,
	    sizeof(buf)), "a\\x5cb\\x0a\\x7f\\xc3\\xa9");
	/* A full buffer ends the copy on a whole character. */
	assert_string_equal(esc_encode("abcdefgh", small, sizeof(small)),
	    "abc");
	assert_string_equal(esc_encode("\x01\x02", small, sizeof(small)),
	    "\\x01");
	assert_string_equal(esc_encode("", buf, sizeof(buf)), "");
}

static void
test_pct(void **state)
{
	static const char *const bad[] = { "a%", "a%4", "a%zz", "%g0", "a%00b",
	    "%00", NULL };
	char buf[32], small[4];
	size_t i;

	(void)state;
	assert_int_equal(pct_decode("a%2Fb%e7%85%A7 c", 16, buf, sizeof(buf)),
	    0);
	assert_string_equal(buf, "a/b\xe7\x85\xa7 c");
	/* Only inlen characters are read. */
	assert_int_equal(pct_decode("ab%41", 2, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "ab");
	assert_int_equal(pct_decode("", 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	for (i = 0; bad[i] != NULL; i++)
		assert_int_equal(pct_decode(bad[i], strlen(bad[i]), buf,
		    sizeof(buf)), CUSTOS_ERR_FORMAT);
	/* inlen + 1 bytes always suffice; fewer may not. */
	assert_int_equal(pct_decode("abc", 3, small, sizeof(small)), 0);
	assert_int_equal(pct_decode("abcd", 4, small, sizeof(small)),
	    CUSTOS_ERR_TOOBIG);
	assert_int_equal(pct_decode("%41%42%43%44", 12, small, sizeof(small)),
	    CUSTOS_ERR_TOOBIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64_vectors),
		cmocka_unit_test(test_b64_strict),
		cmocka_unit_test(test_b64_roundtrip),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_dec),
		cmocka_unit_test(test_esc),
		cmocka_unit_test(test_pct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
