/*
 * libFuzzer target for the web console's request handling without
 * sockets (daemon/web/web_http.c, web_table.c): the bytes are fed to the
 * request parser whole and split at a point the input chooses, and both
 * ways must end alike; a complete request's path goes through the route
 * table, whose parameter must be one clean path segment; the input is
 * also read as a form (query or POST body) for several keys, and as a
 * Range header against a length.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "custos/utf8.h"
#include "daemon/web/web_http.h"
#include "daemon/web/web_int.h"
#include "daemon/web/web_table.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum web_http_state
feed(struct web_http *r, const char *buf, size_t len)
{
	enum web_http_state s = r->state;
	size_t used;

	while (len > 0) {
		s = web_http_feed(r, buf, len, &used);
		if (s != WEB_HTTP_MORE || used == 0)
			break;
		buf += used;
		len -= used;
	}
	return s;
}

static void
check_clean(const char *s, size_t size)
{
	size_t i, n = strlen(s);

	if (n >= size || !utf8_valid(s, n))
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

static void
check_route(const struct web_http *r)
{
	const struct web_route *rt;
	const char *allow;
	char path[WEB_MAX_URL + 1], param[WEB_MAX_PARAM];
	int code;

	if (web_http_path(r->url, path, sizeof(path)) != 0)
		return;
	code = web_table_find(r->method, path, &rt, param, sizeof(param),
	    &allow);
	if (code == 200) {
		if (rt == NULL || rt->page >= WEB_NPAGES)
			abort();
		if (strchr(rt->pattern, '*') != NULL) {
			check_clean(param, sizeof(param));
			if (param[0] == '\0' || strchr(param, '/') != NULL ||
			    strcmp(param, ".") == 0 ||
			    strcmp(param, "..") == 0)
				abort();
		}
	} else if (code == 405) {
		if (allow == NULL || rt != NULL)
			abort();
	} else if (code != 404 || rt != NULL)
		abort();
}

static void
check_forms(const char *s, size_t n)
{
	static const char *const keys[] = { "lang", "csrf", "purpose",
	    "state", "from", "" };
	char buf[64];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		rc = web_form_value(s, n, keys[i], buf, sizeof(buf));
		if (rc < -1 || rc > 1)
			abort();
		if (rc == 1)
			check_clean(buf, sizeof(buf));
		else if (buf[0] != '\0')
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct web_http a, b;
	enum web_http_state sa, sb;
	size_t cut;
	char *s;

	if (size > 200000)
		return 0;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	web_http_init(&a);
	web_http_init(&b);
	sa = feed(&a, (const char *)data, size);
	cut = size > 0 ? data[0] % (size + 1) : 0;
	sb = feed(&b, (const char *)data, cut);
	if (sb == WEB_HTTP_MORE)
		sb = feed(&b, (const char *)data + cut, size - cut);
	/* A refused request's partial URL may differ: where it stopped. */
	if (sa != sb || (sa == WEB_HTTP_DONE && (a.method != b.method ||
	    strcmp(a.url, b.url) != 0 || a.bodylen != b.bodylen ||
	    a.keepalive != b.keepalive)))
		abort();
	if (a.urllen > WEB_MAX_URL || strlen(a.url) != a.urllen ||
	    a.bodylen > WEB_MAX_BODY)
		abort();
	if (sa == WEB_HTTP_ERROR && (a.status < 400 || a.error == NULL))
		abort();
	if (sa == WEB_HTTP_DONE)
		check_route(&a);
	web_http_free(&a);
	web_http_free(&b);

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_forms(s, size);
	{
		const struct web_route *rt;
		const char *allow;
		char param[WEB_MAX_PARAM];

		if (web_table_find(size > 0 && data[0] & 1 ? HTTP_POST :
		    HTTP_GET, s, &rt, param, sizeof(param), &allow) == 200 &&
		    strchr(rt->pattern, '*') != NULL)
			check_clean(param, sizeof(param));
	}
	free(s);
	return 0;
}
