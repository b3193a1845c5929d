/*
 * Unit tests for the console's HTML writers and page frame
 * (daemon/web/web_html.c): escaping, broken UTF-8, links that keep the
 * language, the frame's navigation by role, and error pages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "custos/config.h"
#include "daemon/web/web_int.h"

/*
 * What web_html.c borrows from the rest of the daemon: no station (the
 * frame then shows no station name) and the role names of api.c.
 */
const char *api_role_name(enum config_role r);
const char *
api_role_name(enum config_role r)
{
	static const char *const n[] = { "operator", "reviewer", "auditor",
	    "admin", "metrics" };

	return (size_t)r < sizeof(n) / sizeof(n[0]) ? n[r] : "?";
}

struct station *
web_station(const struct web *w)
{
	(void)w;
	return NULL;
}

static struct web_req
req_for(enum web_lang lang, unsigned roles, const char *path,
    const char *query)
{
	struct web_req r;

	memset(&r, 0, sizeof(r));
	r.lang = lang;
	r.roles = roles;
	r.path = path;
	r.query = query;
	r.user = "alice<b>";
	r.csrf = "0123456789abcdef0123456789abcdef";
	return r;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

static void
test_escape(void **state)
{
	struct web_buf b = { 0 };

	(void)state;
	web_html(&b, "<a href=\"x\">&'</a> 检查");
	assert_string_equal(b.p,
	    "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt; 检查");
	web_buf_free(&b);
	/* A lone continuation byte, an overlong '/', a cut sequence. */
	web_html(&b, "a\x80z\xc0\xafz\xe6\x89");
	assert_string_equal(b.p, "a\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbdz"
	    "\xef\xbf\xbd\xef\xbf\xbd");
	web_buf_free(&b);
	web_htmlf(&b, "%d<%s", 42, "\"");
	assert_string_equal(b.p, "42&lt;&quot;");
	assert_int_equal(b.len, strlen(b.p));
	web_buf_free(&b);
}

static void
test_buf_grows(void **state)
{
	struct web_buf b = { 0 };
	int i;

	(void)state;
	for (i = 0; i < 10000; i++)
		web_buf_printf(&b, "%05d", i);
	assert_int_equal(b.len, 50000);
	assert_false(b.failed);
	assert_memory_equal(b.p + 49995, "09999", 6);
	web_buf_put(&b, "", 0);
	assert_int_equal(b.len, 50000);
	web_buf_free(&b);
	assert_null(b.p);
}

static void
test_href(void **state)
{
	struct web_req zh = req_for(WEB_ZH, 0, "/", "");
	struct web_req en = req_for(WEB_EN, 0, "/", "");
	struct web_buf b = { 0 };

	(void)state;
	web_href(&b, &zh, "/inspections", "");
	web_buf_put(&b, " ", 1);
	web_href(&b, &zh, "/inspections", "state=open&finding=overdue");
	web_buf_put(&b, " ", 1);
	web_href(&b, &en, "/ledger", "");
	web_buf_put(&b, " ", 1);
	web_href(&b, &en, "/inspections", "state=open");
	assert_string_equal(b.p, "/inspections "
	    "/inspections?state=open&amp;finding=overdue "
	    "/ledger?lang=en /inspections?state=open&amp;lang=en");
	web_buf_free(&b);
	web_csrf_input(&b, &en);
	assert_non_null(strstr(b.p, "name=\"csrf\" value=\""
	    "0123456789abcdef0123456789abcdef\""));
	assert_non_null(strstr(b.p, "name=\"lang\" value=\"en\""));
	web_buf_free(&b);
}

static void
test_frame(void **state)
{
	struct web_req r = req_for(WEB_ZH, 1u << CONFIG_ROLE_OPERATOR,
	    "/inspections", "state=open&lang=zz");
	struct web_buf b = { 0 };

	(void)state;
	web_page_begin(&b, &r, "/inspections", "检查 <1>");
	web_page_end(&b, &r);
	assert_non_null(strstr(b.p, "<html lang=\"zh-CN\">"));
	assert_non_null(strstr(b.p, "<nav id=\"nav\""));
	assert_non_null(strstr(b.p, "<meta name=\"csrf-token\" "
	    "content=\"0123456789abcdef0123456789abcdef\">"));
	assert_non_null(strstr(b.p, "<script src=\"/static/station.js\" "
	    "defer></script>"));
	assert_non_null(strstr(b.p, "<script src=\"/static/player.js\" "
	    "defer></script>"));
	assert_int_equal(count(b.p, "<h1"), 1);
	assert_non_null(strstr(b.p, "<h1 id=\"h-main\">检查 &lt;1&gt;</h1>"));
	/* An operator sees the station and the list, not the ledger. */
	assert_non_null(strstr(b.p, "href=\"/inspections\" "
	    "aria-current=\"page\""));
	assert_non_null(strstr(b.p, "href=\"/\">"));
	assert_null(strstr(b.p, "/ledger"));
	assert_null(strstr(b.p, "/audit"));
	/* The switch keeps the query, drops the old lang, adds lang=en. */
	assert_non_null(strstr(b.p, "<a id=\"lang\" "
	    "href=\"/inspections?state=open&amp;lang=en\""));
	assert_non_null(strstr(b.p, "<span id=\"user\">"));
	assert_non_null(strstr(b.p, "alice&lt;b&gt;"));
	assert_non_null(strstr(b.p, "operator"));
	assert_non_null(strstr(b.p, "</main>\n</body>\n</html>\n"));
	web_buf_free(&b);

	r = req_for(WEB_EN, 1u << CONFIG_ROLE_AUDITOR, "/ledger", "lang=en");
	web_page_begin(&b, &r, "/ledger", "Ledger");
	assert_non_null(strstr(b.p, "<html lang=\"en\">"));
	assert_non_null(strstr(b.p, "href=\"/ledger?lang=en\" "
	    "aria-current=\"page\""));
	assert_non_null(strstr(b.p, "href=\"/audit?lang=en\""));
	assert_non_null(strstr(b.p, "<a id=\"lang\" href=\"/ledger\""));
	web_buf_free(&b);
}

static void
test_error(void **state)
{
	struct web_req r = req_for(WEB_EN, 0, "/x", "");
	struct web_reply rep;
	json_t *j;

	(void)state;
	memset(&rep, 0, sizeof(rep));
	rep.fd = -1;
	web_buf_printf(&rep.body, "half a page");
	web_error(&r, &rep, 403, "needs the role <auditor>");
	assert_int_equal(rep.status, 403);
	assert_null(strstr(rep.body.p, "half a page"));
	assert_non_null(strstr(rep.body.p, "<p id=\"error\" role=\"alert\">"
	    "needs the role &lt;auditor&gt;</p>"));
	j = json_pack("{s:s}", "error", "no such inspection 7");
	web_api_error(&r, &rep, 404, j);
	json_decref(j);
	assert_int_equal(rep.status, 404);
	assert_non_null(strstr(rep.body.p, ">no such inspection 7</p>"));
	web_api_error(&r, &rep, 500, NULL);
	assert_non_null(strstr(rep.body.p, "(HTTP 500)</p>"));
	web_buf_free(&rep.body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_buf_grows),
		cmocka_unit_test(test_href),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
