/*
 * libFuzzer target for the control socket's request parsing
 * (daemon/api/http.c): any bytes, fed whole and then again split in two at a
 * point the input chooses, end in the same state; a complete request has
 * a terminated URL and a body within the limit.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/api/http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum http_state
parse(const uint8_t *data, size_t size, size_t split, struct http_request *r)
{
	enum http_state st;

	http_init(r);
	st = http_feed(r, (const char *)data, split);
	if (st == HTTP_MORE)
		st = http_feed(r, (const char *)data + split, size - split);
	return st;
}

static void
check(const struct http_request *r, enum http_state st)
{
	char path[HTTP_MAX_URL];

	if (r->urllen >= sizeof(r->url) || memchr(r->url, '\0',
	    sizeof(r->url)) == NULL || r->bodylen > HTTP_MAX_BODY ||
	    (r->body != NULL && r->body[r->bodylen] != '\0'))
		abort();
	if (st == HTTP_DONE) {
		http_path(r, path, sizeof(path));
		if (strlen(path) > r->urllen)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request a, b;
	enum http_state sa, sb;
	size_t split = size > 0 ? data[0] % (size + 1) : 0;

	sa = parse(data, size, size, &a);
	sb = parse(data, size, split, &b);
	check(&a, sa);
	check(&b, sb);
	/* Where the bytes were split must not change a finished parse. */
	if (sa == HTTP_DONE && (sb != HTTP_DONE || a.method != b.method ||
	    strcmp(a.url, b.url) != 0 || a.bodylen != b.bodylen ||
	    (a.bodylen > 0 && memcmp(a.body, b.body, a.bodylen) != 0)))
		abort();
	http_free(&a);
	http_free(&b);
	return 0;
}
