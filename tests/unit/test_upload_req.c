/*
 * The upload listener's request parsing (daemon/upload/upload_req.c): routes and
 * their checks, the headers it uses, limits, the pause after the head,
 * body bytes to the sink, and bytes after the body.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "custos/err.h"
#include "daemon/upload/upload_req.h"

struct body {
	char		 buf[256];
	size_t		 len;
};

static int
sink(void *arg, const char *buf, size_t len)
{
	struct body *b = arg;

	if (len > sizeof(b->buf) - b->len)
		return -1;
	memcpy(b->buf + b->len, buf, len);
	b->len += len;
	return 0;
}

/*
 * Parses text as the listener does: resume after the head.  Returns the
 * final state; *left is the count of bytes after the request.
 */
static enum upload_req_state
parse(struct upload_req *r, struct body *b, const char *text, size_t *left)
{
	enum upload_req_state s;
	size_t len = strlen(text), used;

	memset(b, 0, sizeof(*b));
	upload_req_init(r, sink, b);
	for (;;) {
		s = upload_req_feed(r, text, len, &used);
		text += used;
		len -= used;
		if (s != UPLOAD_REQ_HEAD)
			break;
		upload_req_resume(r);
	}
	if (left != NULL)
		*left = len;
	return s;
}

static void
expect_error(const char *text, int status)
{
	struct upload_req r;
	struct body b;

	assert_int_equal(parse(&r, &b, text, NULL), UPLOAD_REQ_ERROR);
	assert_int_equal(r.status, status);
	assert_non_null(r.error);
}

static void
test_put(void **state)
{
	struct upload_req r;
	struct body b;
	size_t left;

	(void)state;
	assert_int_equal(parse(&r, &b, "PUT /v1/cameras/CAM-1.a/files/"
	    "%E5%BD%95%E5%83%8F%201.mp4 HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 5\r\n"
	    "content-digest: sha-512=:AAAA:, sha-256=:"
	    "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=:\r\n"
	    "X-Recorded-At: 2026-11-26T08:00:00+08:00\r\n"
	    "Expect: 100-continue\r\n\r\nhello", &left), UPLOAD_REQ_DONE);
	assert_int_equal(left, 0);
	assert_int_equal(r.route, UPLOAD_R_FILE);
	assert_string_equal(r.serial, "CAM-1.a");
	assert_string_equal(r.name, "\345\275\225\345\203\217 1.mp4");
	assert_true(r.has_length);
	assert_int_equal(r.length, 5);
	assert_true(r.has_digest);
	assert_int_equal(r.digest[0], 0x2c);	/* sha256("hello") */
	assert_int_equal(r.digest[31], 0x24);
	assert_true(r.has_recorded);
	assert_int_equal(r.recorded_ms, INT64_C(1795651200000));
	assert_true(r.expect);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.buf, "hello", 5);
}

static void
test_chunked_and_after(void **state)
{
	struct upload_req r;
	struct body b;
	size_t left;

	(void)state;
	assert_int_equal(parse(&r, &b, "PUT /v1/cameras/C/files/a HTTP/1.1\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"
	    "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", &left), UPLOAD_REQ_DONE);
	assert_true(r.chunked);
	assert_int_equal(b.len, 5);
	assert_int_equal(left, 0);
	/* Bytes past Content-Length are not part of the request. */
	assert_int_equal(parse(&r, &b, "PUT /v1/cameras/C/files/a HTTP/1.1\r\n"
	    "Content-Length: 2\r\n\r\nabEXTRA", &left), UPLOAD_REQ_DONE);
	assert_int_equal(b.len, 2);
	assert_int_equal(left, 5);
}

static void
test_routes(void **state)
{
	struct upload_req r;
	struct body b;

	(void)state;
	assert_int_equal(parse(&r, &b, "GET /v1/checkpoint HTTP/1.1\r\n\r\n",
	    NULL), UPLOAD_REQ_DONE);
	assert_int_equal(r.route, UPLOAD_R_CHECKPOINT);
	assert_int_equal(parse(&r, &b, "GET /v1/entries/1234/receipt "
	    "HTTP/1.1\r\n\r\n", NULL), UPLOAD_REQ_DONE);
	assert_int_equal(r.route, UPLOAD_R_RECEIPT);
	assert_int_equal(r.index, 1234);
	assert_int_equal(parse(&r, &b, "HEAD /v1/cameras/C/files/a "
	    "HTTP/1.1\r\n\r\n", NULL), UPLOAD_REQ_DONE);
	assert_int_equal(r.method, HTTP_HEAD);
	assert_int_equal(parse(&r, &b, "PATCH /v1/cameras/C/files/a HTTP/1.1"
	    "\r\nUpload-Offset: 2097152\r\nUpload-Length: 3145728\r\n"
	    "Content-Length: 1\r\n\r\nz", NULL), UPLOAD_REQ_DONE);
	assert_int_equal(r.offset, 2097152);
	assert_int_equal(r.total, 3145728);
	expect_error("GET /v1/entries/01/receipt HTTP/1.1\r\n\r\n", 400);
	expect_error("GET /v1/entries/1/proof HTTP/1.1\r\n\r\n", 404);
	expect_error("GET /v1/other HTTP/1.1\r\n\r\n", 404);
	expect_error("GET /v1/checkpoint?x=1 HTTP/1.1\r\n\r\n", 400);
	expect_error("POST /v1/checkpoint HTTP/1.1\r\n\r\n", 405);
	expect_error("DELETE /v1/cameras/C/files/a HTTP/1.1\r\n\r\n", 405);
	expect_error("GET /v1/checkpoint HTTP/2.0\r\n\r\n", 505);
}

static void
test_names(void **state)
{
	static const char *const bad[] = {
		"%2e%2e", "..%2fx", "%2e", "a%2fb", "a%5cb", "a%00b", "a%0ab",
		"a%ff", "a%2", "a%zz", "",
	};
	char req[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(req, sizeof(req), "PUT /v1/cameras/C/files/%s "
		    "HTTP/1.1\r\nContent-Length: 1\r\n\r\nx", bad[i]);
		expect_error(req, 400);
	}
	expect_error("PUT /v1/cameras/C/files/../x HTTP/1.1\r\n"
	    "Content-Length: 1\r\n\r\nx", 400);
	expect_error("PUT /v1/cameras/.C/files/x HTTP/1.1\r\n"
	    "Content-Length: 1\r\n\r\nx", 400);
	expect_error("PUT /v1/cameras/C%41/files/x HTTP/1.1\r\n"
	    "Content-Length: 1\r\n\r\nx", 400);
	assert_true(upload_serial_valid("CAM0001"));
	assert_false(upload_serial_valid("-CAM"));
	assert_false(upload_serial_valid(""));
	assert_false(upload_serial_valid("a/b"));
}

static void
test_headers(void **state)
{
	static const char head[] = "GET /v1/checkpoint HTTP/1.1\r\nX-Big: ";
	char *big;
	size_t n;

	(void)state;
	expect_error("PUT /v1/cameras/C/files/a HTTP/1.1\r\n\r\n", 411);
	expect_error("PUT /v1/cameras/C/files/a HTTP/1.1\r\n"
	    "Content-Length: 0\r\n\r\n", 400);
	expect_error("PATCH /v1/cameras/C/files/a HTTP/1.1\r\n"
	    "Content-Length: 1\r\n\r\nx", 400);
	expect_error("PUT /v1/cameras/C/files/a HTTP/1.1\r\n"
	    "Content-Length: 99999999999999\r\n\r\n", 413);
	expect_error("PUT /v1/cameras/C/files/a HTTP/1.1\r\nContent-Length: 3"
	    "\r\nUpload-Length: 2\r\n\r\nabc", 400);
	expect_error("PUT /v1/cameras/C/files/a HTTP/1.1\r\nContent-Length: 1"
	    "\r\nContent-Digest: sha-512=:AAAA:\r\n\r\nx", 400);
	expect_error("PUT /v1/cameras/C/files/a HTTP/1.1\r\nContent-Length: 1"
	    "\r\nContent-Digest: sha-256=:AAAA:\r\n\r\nx", 400);
	expect_error("PUT /v1/cameras/C/files/a HTTP/1.1\r\nContent-Length: 1"
	    "\r\nX-Recorded-At: yesterday\r\n\r\nx", 400);
	expect_error("PUT /v1/cameras/C/files/a HTTP/1.1\r\nContent-Length: 1"
	    "\r\nUpload-Offset: -1\r\n\r\nx", 400);
	expect_error("PUT /v1/cameras/C/files/a HTTP/1.1\r\nContent-Length: 1"
	    "\r\nUpload-Offset: 1\r\nUpload-Offset: 1\r\n\r\nx", 400);
	expect_error("PUT /v1/cameras/C/files/a HTTP/1.1\r\nContent-Length: 1"
	    "\r\nExpect: something\r\n\r\nx", 417);
	expect_error("PUT /v1/cameras/C/files/a HTTP/1.1\r\nContent-Length: 1"
	    "\r\nContent-Length: 2\r\n\r\nx", 400);
	/* 16 KiB of head at most, however it is split into headers. */
	assert_non_null(big = malloc(20000));
	n = strlen(head);
	memcpy(big, head, n);
	memset(big + n, 'a', 17000);
	memcpy(big + n + 17000, "\r\n\r\n", 5);
	expect_error(big, 431);
	free(big);
}

static void
test_digest(void **state)
{
	static const char good[] = "sha-256=:LPJNul+wow4m6Dsqxbninh"
	    "sWHlwfp0JecwQzYpOLmCQ=:";
	uint8_t h[32];

	(void)state;
	assert_int_equal(upload_parse_digest(good, strlen(good), h), 0);
	assert_int_equal(h[0], 0x2c);
	assert_int_equal(upload_parse_digest("md5=:AAAA:", 10, h),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(upload_parse_digest("sha-256=AAAA", 12, h),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(upload_parse_digest("", 0, h), CUSTOS_ERR_FORMAT);
	assert_int_equal(upload_parse_digest("sha-256=:AA=A:", 14, h),
	    CUSTOS_ERR_FORMAT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put),
		cmocka_unit_test(test_chunked_and_after),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_digest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
