#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "custos/err.h"
#include "custos/uscc.h"

/*
 * Published codes: the first is GB 32100-2015's own example, the second
 * a Zhejiang enterprise's code from a public provincial data-service
 * document.
 */
static const char *const valid[] = {
	"91350100M000100Y43",
	"91330000755918469E",
};

static const char charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static void
expect_reason(const char *code, const char *want)
{
	char reason[128] = "";

	assert_int_equal(uscc_check(code, reason, sizeof(reason)),
	    CUSTOS_ERR_FORMAT);
	assert_string_equal(reason, want);
}

static void
test_valid(void **state)
{
	char reason[128] = "";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		if (uscc_check(valid[i], reason, sizeof(reason)) != 0)
			fail_msg("%s refused: %s", valid[i], reason);
		assert_int_equal(uscc_check_char(valid[i]), valid[i][17]);
	}
	assert_int_equal(uscc_check(valid[0], NULL, 0), 0);
}

/*
 * The check character must catch every single-character change: the
 * weights are non-zero modulo the prime 31, so any substitution inside
 * the code set changes the sum, and anything outside it is refused.
 */
static void
test_single_changes(void **state)
{
	char code[USCC_LEN + 1];
	size_t i, k, pos;
	int c;

	(void)state;
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		for (pos = 0; pos < USCC_LEN; pos++) {
			for (c = 1; c < 256; c++) {
				memcpy(code, valid[i], sizeof(code));
				if (code[pos] == (char)c)
					continue;
				code[pos] = (char)c;
				k = strlen(code);
				if (k == USCC_LEN && uscc_check(code, NULL, 0) !=
				    CUSTOS_ERR_FORMAT)
					fail_msg("%s accepted (from %s)", code,
					    valid[i]);
			}
		}
	}
	assert_int_equal(strlen(charset), 31);
}

static void
test_reasons(void **state)
{
	(void)state;
	expect_reason("91350100M000100Y4", "has 17 characters, expected 18");
	expect_reason("91350100M000100Y433", "has 19 characters, expected 18");
	expect_reason("", "has 0 characters, expected 18");
	expect_reason("91350100M000100I43", "character 16 is not one of 0-9 "
	    "or A-Y without I, O, S, V and Z");
	expect_reason("9135010OM000100Y43", "character 8 is not one of 0-9 "
	    "or A-Y without I, O, S, V and Z");
	expect_reason("913501O0M000100Y4z", "character 7 is not one of 0-9 "
	    "or A-Y without I, O, S, V and Z");
	expect_reason("91350100M000100Y4Y", "check character is Y, "
	    "expected 3");
	expect_reason("91350100M000100Y53", "organisation code check "
	    "character (character 17) is 5, expected 4");
	expect_reason("B1350100M000100Y43", "registration authority code B "
	    "is not one of 123456789ANY");
	expect_reason("9135A100M000100Y43", "administrative division code "
	    "(characters 3-8) must be digits");
	/* Lower case is not the code set: the standard uses capitals. */
	expect_reason("91350100m000100y43", "character 9 is not one of 0-9 "
	    "or A-Y without I, O, S, V and Z");
}

static void
test_check_char(void **state)
{
	(void)state;
	/* The sum of 17 zeros is 0: 31 - 0 = 31, which gives 0. */
	assert_int_equal(uscc_check_char("00000000000000000"), '0');
	assert_int_equal(uscc_check_char("0000000000000000I"), '\0');
	assert_int_equal(uscc_check_char("9135010"), '\0');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_single_changes),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_check_char),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
