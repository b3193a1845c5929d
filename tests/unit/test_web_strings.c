/*
 * Unit tests for the console's string tables: every id has a text in
 * both languages, the text is valid UTF-8, and web_str() picks the
 * language asked for.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "custos/utf8.h"
#include "daemon/web/web_strings.h"

/* Valid UTF-8 without control characters (tables are shown as is). */
static int
clean_text(const char *s)
{
	const char *p;

	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	return utf8_valid(s, strlen(s));
}

static void
check_table(const char *const *t, const char *name)
{
	int id, missing = 0;

	for (id = 0; id < S_NSTRINGS; id++) {
		if (t[id] == NULL || t[id][0] == '\0') {
			fprintf(stderr, "%s: string id %d has no text\n",
			    name, id);
			missing++;
		} else if (!clean_text(t[id])) {
			fprintf(stderr, "%s: string id %d is not clean "
			    "UTF-8: %s\n", name, id, t[id]);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
}

static void
test_zh_complete(void **state)
{
	(void)state;
	check_table(web_strings_zh, "zh");
}

static void
test_en_complete(void **state)
{
	(void)state;
	check_table(web_strings_en, "en");
}

static void
test_web_str(void **state)
{
	(void)state;
	assert_string_equal(web_str(0, S_CONSOLE), web_strings_zh[S_CONSOLE]);
	assert_string_equal(web_str(1, S_CONSOLE), web_strings_en[S_CONSOLE]);
	assert_string_equal(web_str(1, S_NAV_LEDGER), "Ledger");
	/* An id out of range is an empty string, never NULL. */
	assert_string_equal(web_str(0, S_NSTRINGS), "");
}

/* The languages differ: a table copied and left untranslated shows. */
static void
test_translated(void **state)
{
	int id, same = 0;

	(void)state;
	for (id = 0; id < S_NSTRINGS; id++)
		if (web_strings_zh[id] != NULL && web_strings_en[id] != NULL &&
		    strcmp(web_strings_zh[id], web_strings_en[id]) == 0)
			same++;
	assert_true(same * 4 < S_NSTRINGS);
}

/* The conversions of s ("%s", "%d" ...) in order, into buf. */
static void
conversions(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (; *s != '\0' && n + 3 < size; s++) {
		if (*s != '%')
			continue;
		s++;
		while (*s != '\0' && strchr("0123456789.-+ #lzj", *s) != NULL)
			buf[n++] = *s++;
		if (*s == '\0')
			break;
		buf[n++] = *s;
		buf[n++] = ',';
	}
	buf[n] = '\0';
}

/*
 * A text the code formats (web_route.c's refusals ...) has the same
 * conversions in both languages, so no translation can make printf read
 * an argument that is not there.
 */
static void
test_same_conversions(void **state)
{
	char zh[64], en[64];
	int id, bad = 0;

	(void)state;
	for (id = 0; id < S_NSTRINGS; id++) {
		conversions(web_strings_zh[id], zh, sizeof(zh));
		conversions(web_strings_en[id], en, sizeof(en));
		if (strcmp(zh, en) != 0) {
			fprintf(stderr, "string id %d: zh has \"%s\", en "
			    "\"%s\"\n", id, zh, en);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	conversions(web_strings_en[S_RT_NEEDS], en, sizeof(en));
	assert_string_equal(en, "s,s,s,");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zh_complete),
		cmocka_unit_test(test_en_complete),
		cmocka_unit_test(test_web_str),
		cmocka_unit_test(test_translated),
		cmocka_unit_test(test_same_conversions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
