#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"

static void
hexof(const uint8_t h[DIGEST_LEN], char out[HEX_ENCLEN(DIGEST_LEN)])
{
	hex_encode(h, DIGEST_LEN, out);
}

/* FIPS 180-2 and GB/T 32905-2016 (SM3) known answers for "abc". */
static void
test_known_answers(void **state)
{
	uint8_t h[DIGEST_LEN];
	char s[HEX_ENCLEN(DIGEST_LEN)];

	(void)state;
	assert_int_equal(digest_buf(DIGEST_SHA256, "abc", 3, h), 0);
	hexof(h, s);
	assert_string_equal(s, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(digest_buf(DIGEST_SHA256, NULL, 0, h), 0);
	hexof(h, s);
	assert_string_equal(s, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	assert_int_equal(digest_buf(DIGEST_SM3, "abc", 3, h), 0);
	hexof(h, s);
	assert_string_equal(s, "66c7f0f462eeedd9d1f2d46bdc10e4e2"
	    "4167c4875cf2f7a2297da02b8f4ba8e0");
}

/* Streaming in uneven pieces gives the one-shot digest. */
static void
test_streaming(void **state)
{
	static const enum digest_alg algs[] = { DIGEST_SHA256, DIGEST_SM3 };
	uint8_t *buf, a[DIGEST_LEN], b[DIGEST_LEN];
	struct digest *d;
	size_t i, off, step, len = 1000003;

	(void)state;
	assert_non_null(buf = malloc(len));
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 7 + (i >> 9));
	for (i = 0; i < 2; i++) {
		assert_int_equal(digest_new(algs[i], &d), 0);
		assert_int_equal(digest_alg(d), algs[i]);
		for (off = 0, step = 1; off < len; off += step, step = step * 3 + 1) {
			if (step > len - off)
				step = len - off;
			assert_int_equal(digest_update(d, buf + off, step), 0);
		}
		assert_int_equal(digest_final(d, a), 0);
		assert_int_equal(digest_buf(algs[i], buf, len, b), 0);
		assert_memory_equal(a, b, DIGEST_LEN);
		/* A reset context starts over. */
		assert_int_equal(digest_reset(d), 0);
		assert_int_equal(digest_update(d, buf, len), 0);
		assert_int_equal(digest_final(d, a), 0);
		assert_memory_equal(a, b, DIGEST_LEN);
		digest_free(d);
	}
	free(buf);
	digest_free(NULL);
}

static void
test_format_parse(void **state)
{
	uint8_t h[DIGEST_LEN], back[DIGEST_LEN];
	char s[DIGEST_STRLEN];
	enum digest_alg alg;

	(void)state;
	assert_int_equal(digest_buf(DIGEST_SM3, "x", 1, h), 0);
	assert_int_equal(digest_format(DIGEST_SM3, h, s, sizeof(s)), 0);
	assert_int_equal(strncmp(s, "sm3:", 4), 0);
	assert_int_equal(digest_parse(s, &alg, back), 0);
	assert_int_equal(alg, DIGEST_SM3);
	assert_memory_equal(h, back, DIGEST_LEN);
	assert_int_equal(digest_format(DIGEST_SHA256, h, s, sizeof(s)), 0);
	assert_int_equal(strlen(s), 7 + 64);
	assert_int_equal(digest_parse(s, &alg, back), 0);
	assert_int_equal(alg, DIGEST_SHA256);
	assert_int_equal(digest_format(DIGEST_SHA256, h, s, 71),
	    CUSTOS_ERR_INVALID);
	/* Uppercase, short, long, unknown names and separators fail. */
	assert_int_equal(digest_parse("sha256:E3B0C44298FC1C149AFBF4C8996FB9"
	    "2427AE41E4649B934CA495991B7852B855", &alg, back),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(digest_parse("sha256:e3b0", &alg, back),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(digest_parse("sha1:e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855", &alg, back),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(digest_parse("sha256=e3b0c44298fc1c149afbf4c8996fb9"
	    "2427ae41e4649b934ca495991b7852b855", &alg, back),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(digest_parse("sha256:e3b0c44298fc1c149afbf4c8996fb9"
	    "2427ae41e4649b934ca495991b7852b8550", &alg, back),
	    CUSTOS_ERR_FORMAT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_streaming),
		cmocka_unit_test(test_format_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
