/*
 * Unit tests for custos-verify's tables of strings (verify_text.h): both
 * languages hold every message, with the same printf conversions in the
 * same order, and the checker itself catches a table that drifts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "tools/verify/verify_text.h"

static void
test_tables_agree(void **state)
{
	enum vt_msg bad = VT_NMSGS;
	int rc;

	(void)state;
	rc = verify_text_check(&bad);
	if (rc != 0)
		fprintf(stderr, "message %d differs:\n  zh: %s\n  en: %s\n",
		    (int)bad, verify_text_zh[bad] ? verify_text_zh[bad] :
		    "(unset)", verify_text_en[bad] ? verify_text_en[bad] :
		    "(unset)");
	assert_int_equal(rc, 0);
}

/* Every message is set and the two languages differ where words are. */
static void
test_languages(void **state)
{
	enum vt_lang l;

	(void)state;
	assert_int_equal(verify_text_lang("zh", &l), 0);
	assert_int_equal(l, VT_ZH);
	assert_int_equal(verify_text_lang("en", &l), 0);
	assert_int_equal(l, VT_EN);
	assert_int_equal(verify_text_lang("fr", &l), -1);
	assert_int_equal(verify_text_lang("", &l), -1);
	assert_string_equal(verify_text_code(VT_ZH), "zh");
	assert_string_equal(verify_text_code(VT_EN), "en");
	assert_string_equal(verify_text_get(VT_EN, VT_V_UNPROVEN),
	    "not proven");
	assert_string_equal(verify_text_get(VT_ZH, VT_V_UNPROVEN),
	    "未能证明");
	assert_string_equal(verify_text_get(VT_ZH, VT_V_ALTERED), "被改动");
	assert_string_equal(verify_text_get(VT_EN, VT_NMSGS), "?");
	/* "Not proven" never says altered, in either language. */
	assert_null(strstr(verify_text_get(VT_EN, VT_SG_UNPROVEN),
	    "altered"));
	assert_null(strstr(verify_text_get(VT_ZH, VT_SG_UNPROVEN),
	    "被改动"));
	assert_null(strstr(verify_text_get(VT_ZH, VT_EN_PROOF_BAD),
	    "被改动"));
}

/*
 * A finding's sentence: detail_zh in Chinese, detail in English; without
 * detail_zh (an older station's finding) the cited entries and the
 * English marked as such; cut short only between characters.
 */
static void
test_finding(void **state)
{
	json_t *f = json_pack("{s:s, s:s, s:s, s:[ii]}", "rule",
	    "not_closed", "detail",
	    "The inspection left the site and is not closed.", "detail_zh",
	    "本次检查已离开现场，尚未结案。", "entries", 11, 13);
	char buf[256], small[8];

	(void)state;
	assert_non_null(f);
	assert_string_equal(verify_text_finding(VT_ZH, f, buf, sizeof(buf)),
	    "本次检查已离开现场，尚未结案。");
	assert_string_equal(verify_text_finding(VT_EN, f, buf, sizeof(buf)),
	    "The inspection left the site and is not closed.");
	/* 7 bytes of room: two 3-byte characters, never half of one. */
	assert_string_equal(verify_text_finding(VT_ZH, f, small,
	    sizeof(small)), "本次");
	assert_int_equal(json_object_del(f, "detail_zh"), 0);
	assert_string_equal(verify_text_finding(VT_ZH, f, buf, sizeof(buf)),
	    "涉及条目 #11, #13；工作站只给出英文说明：The inspection left "
	    "the site and is not closed.");
	json_decref(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_agree),
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_finding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
