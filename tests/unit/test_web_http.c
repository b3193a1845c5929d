/*
 * The web console's request parsing (daemon/web/web_http.c) and route
 * table (web_table.c): the head and its limits, keep-alive and
 * pipelining, form values, Range headers, and the routes with their
 * parameter, 404 and 405.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/web/web_http.h"
#include "daemon/web/web_int.h"
#include "daemon/web/web_table.h"

/* Parses text; *used: bytes taken. */
static enum web_http_state
parse(struct web_http *r, const char *text, size_t len, size_t *used)
{
	enum web_http_state s;
	size_t n;

	memset(r, 0, sizeof(*r));
	web_http_init(r);
	*used = 0;
	do {
		s = web_http_feed(r, text + *used, len - *used, &n);
		*used += n;
	} while (s == WEB_HTTP_MORE && n > 0 && *used < len);
	return s;
}

static void
test_head(void **state)
{
	static const char get[] = "GET /static/console.css?lang=en HTTP/1.1"
	    "\r\nHost: 127.0.0.1:8440\r\nRange: bytes=0-99\r\n\r\n"
	    "GET / HTTP/1.1\r\n\r\n";
	static const char post[] = "POST /inspections/1/export HTTP/1.1\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 9\r\nConnection: close\r\n\r\npurpose=x";
	struct web_http r;
	size_t used;

	(void)state;
	assert_int_equal(parse(&r, get, sizeof(get) - 1, &used),
	    WEB_HTTP_DONE);
	assert_int_equal(r.method, HTTP_GET);
	assert_string_equal(r.url, "/static/console.css?lang=en");
	assert_string_equal(r.host, "127.0.0.1:8440");
	assert_string_equal(r.range, "bytes=0-99");
	assert_true(r.keepalive);
	/* The pipelined request is left for the next round. */
	assert_string_equal(get + used, "GET / HTTP/1.1\r\n\r\n");
	web_http_free(&r);

	assert_int_equal(parse(&r, post, sizeof(post) - 1, &used),
	    WEB_HTTP_DONE);
	assert_int_equal(r.method, HTTP_POST);
	assert_int_equal(r.bodylen, 9);
	assert_string_equal(r.body, "purpose=x");
	assert_string_equal(r.ctype, "application/x-www-form-urlencoded");
	assert_false(r.keepalive);
	web_http_free(&r);
}

static void
test_limits(void **state)
{
	struct web_http r;
	char *big;
	size_t used, n;

	(void)state;
	big = malloc(20000);
	assert_non_null(big);
	n = (size_t)snprintf(big, 20000, "GET / HTTP/1.1\r\nX-A: ");
	memset(big + n, 'a', 17000);
	memcpy(big + n + 17000, "\r\n\r\n", 4);
	assert_int_equal(parse(&r, big, n + 17004, &used), WEB_HTTP_ERROR);
	assert_int_equal(r.status, 431);
	web_http_free(&r);

	n = (size_t)snprintf(big, 20000, "GET /");
	memset(big + n, 'a', WEB_MAX_URL + 10);
	memcpy(big + n + WEB_MAX_URL + 10, " HTTP/1.1\r\n\r\n", 13);
	assert_int_equal(parse(&r, big, n + WEB_MAX_URL + 23, &used),
	    WEB_HTTP_ERROR);
	assert_int_equal(r.status, 414);
	web_http_free(&r);

	n = (size_t)snprintf(big, 20000, "POST / HTTP/1.1\r\n"
	    "Content-Length: 65537\r\n\r\n");
	assert_int_equal(parse(&r, big, n, &used), WEB_HTTP_ERROR);
	assert_int_equal(r.status, 413);
	web_http_free(&r);

	n = (size_t)snprintf(big, 20000, "POST / HTTP/1.1\r\n"
	    "Expect: 100-continue\r\nContent-Length: 3\r\n\r\n");
	assert_int_equal(parse(&r, big, n, &used), WEB_HTTP_MORE);
	assert_int_equal(r.expect, 1);
	assert_true(r.head_done);
	web_http_free(&r);

	n = (size_t)snprintf(big, 20000, "BREW / HTTP/1.1\r\n\r\n");
	assert_int_equal(parse(&r, big, n, &used), WEB_HTTP_ERROR);
	assert_int_equal(r.status, 400);
	web_http_free(&r);
	free(big);
}

static void
test_form(void **state)
{
	static const char f[] = "csrf=ab12&purpose=%E5%A4%8D%E6%A0%B8+x"
	    "&empty=&flag&bad=%zz&ctl=%01&nul=a%00b&lang=en";
	char buf[64];

	(void)state;
	assert_int_equal(web_form_value(f, sizeof(f) - 1, "csrf", buf,
	    sizeof(buf)), 1);
	assert_string_equal(buf, "ab12");
	assert_int_equal(web_form_value(f, sizeof(f) - 1, "purpose", buf,
	    sizeof(buf)), 1);
	assert_string_equal(buf, "复核 x");
	assert_int_equal(web_form_value(f, sizeof(f) - 1, "empty", buf,
	    sizeof(buf)), 1);
	assert_string_equal(buf, "");
	assert_int_equal(web_form_value(f, sizeof(f) - 1, "flag", buf,
	    sizeof(buf)), 1);
	assert_int_equal(web_form_value(f, sizeof(f) - 1, "missing", buf,
	    sizeof(buf)), 0);
	assert_int_equal(web_form_value(f, sizeof(f) - 1, "bad", buf,
	    sizeof(buf)), -1);
	assert_int_equal(web_form_value(f, sizeof(f) - 1, "ctl", buf,
	    sizeof(buf)), -1);
	assert_int_equal(web_form_value(f, sizeof(f) - 1, "nul", buf,
	    sizeof(buf)), -1);
	assert_int_equal(web_form_value(f, sizeof(f) - 1, "purpose", buf,
	    5), -1);
	/* Only len bytes are read: "lang=en" is past them. */
	assert_int_equal(web_form_value(f, 10, "lang", buf, sizeof(buf)), 0);
	assert_int_equal(web_form_value("a=%E5%A4", 8, "a", buf,
	    sizeof(buf)), -1);
}

static void
test_routes(void **state)
{
	const struct web_route *rt;
	const char *allow;
	char p[WEB_MAX_PARAM];

	(void)state;
	assert_int_equal(web_table_find(HTTP_GET, "/", &rt, p, sizeof(p),
	    &allow), 200);
	assert_int_equal(rt->page, WEB_P_STATION);
	assert_int_equal(web_table_find(HTTP_HEAD, "/ledger.csv", &rt, p,
	    sizeof(p), &allow), 200);
	assert_int_equal(rt->page, WEB_P_LEDGER_CSV);
	assert_int_equal(rt->roles, 1u << CONFIG_ROLE_AUDITOR);
	assert_int_equal(web_table_find(HTTP_GET, "/inspections/2026%2D01",
	    &rt, p, sizeof(p), &allow), 200);
	assert_int_equal(rt->page, WEB_P_INSPECTION);
	assert_string_equal(p, "2026-01");
	assert_int_equal(web_table_find(HTTP_POST, "/inspections/7/clip",
	    &rt, p, sizeof(p), &allow), 200);
	assert_int_equal(rt->page, WEB_P_CLIP);
	assert_string_equal(p, "7");
	assert_int_equal(web_table_find(HTTP_GET, "/footage/12.mp4", &rt, p,
	    sizeof(p), &allow), 200);
	assert_string_equal(p, "12.mp4");
	assert_int_equal(rt->roles, (1u << CONFIG_ROLE_REVIEWER) |
	    (1u << CONFIG_ROLE_AUDITOR));
	assert_int_equal(web_table_find(HTTP_GET, "/metrics", &rt, p,
	    sizeof(p), &allow), 200);
	assert_int_equal(rt->roles, (1u << CONFIG_ROLE_AUDITOR) |
	    (1u << CONFIG_ROLE_METRICS));
	assert_int_equal(web_table_find(HTTP_GET, "/static/console.css", &rt,
	    p, sizeof(p), &allow), 200);
	assert_int_equal(rt->roles, WEB_ANYONE);

	/* A parameter is one clean segment. */
	assert_int_equal(web_table_find(HTTP_GET, "/footage/..", &rt, p,
	    sizeof(p), &allow), 404);
	assert_int_equal(web_table_find(HTTP_GET, "/static/%2E%2E", &rt, p,
	    sizeof(p), &allow), 404);
	assert_int_equal(web_table_find(HTTP_GET, "/static/a%2Fb", &rt, p,
	    sizeof(p), &allow), 404);
	assert_int_equal(web_table_find(HTTP_GET, "/static/a%0Ab", &rt, p,
	    sizeof(p), &allow), 404);
	assert_int_equal(web_table_find(HTTP_GET, "/static/", &rt, p,
	    sizeof(p), &allow), 404);
	assert_int_equal(web_table_find(HTTP_GET, "/inspections/", &rt, p,
	    sizeof(p), &allow), 404);
	assert_int_equal(web_table_find(HTTP_GET, "/ledger/", &rt, p,
	    sizeof(p), &allow), 404);

	assert_int_equal(web_table_find(HTTP_POST, "/ledger", &rt, p,
	    sizeof(p), &allow), 405);
	assert_null(rt);
	assert_string_equal(allow, "GET, HEAD");
	assert_int_equal(web_table_find(HTTP_GET, "/inspections/1/export",
	    &rt, p, sizeof(p), &allow), 405);
	assert_string_equal(allow, "POST");
	assert_int_equal(web_table_find(HTTP_DELETE, "/", &rt, p, sizeof(p),
	    &allow), 405);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_head),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_routes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
