/*
 * web_http: the console's request parsing (web_http.h) and the form
 * values the pages read (web_int.h).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <http_parser.h>

#include "custos/enc.h"
#include "custos/utf8.h"
#include "web_http.h"
#include "web_int.h"

static void
fail(struct web_http *r, int status, const char *error)
{
	if (r->state == WEB_HTTP_ERROR)
		return;
	r->state = WEB_HTTP_ERROR;
	r->status = status;
	r->error = error;
}

static int
count_head(struct web_http *r, size_t len)
{
	r->headbytes += len;
	if (r->headbytes > WEB_MAX_HEAD) {
		fail(r, 431, "request head over 16 KiB");
		return -1;
	}
	return 0;
}

static int
on_url(http_parser *p, const char *at, size_t len)
{
	struct web_http *r = p->data;

	if (count_head(r, len) != 0)
		return -1;
	if (r->urllen + len > WEB_MAX_URL) {
		fail(r, 414, "URL too long");
		return -1;
	}
	memcpy(r->url + r->urllen, at, len);
	r->urllen += len;
	r->url[r->urllen] = '\0';
	return 0;
}

/* The header just read in full: keep it when it is one of ours. */
static int
header_done(struct web_http *r)
{
	char *end;

	r->in_value = 0;
	/* ": " and CRLF, which the callbacks do not see. */
	if (count_head(r, 4) != 0)
		return -1;
	if (r->fieldlen >= sizeof(r->field))
		goto next;
	r->field[r->fieldlen] = '\0';
	if (r->valuelen >= sizeof(r->value)) {
		if (strcasecmp(r->field, "Range") == 0 ||
		    strcasecmp(r->field, "Host") == 0 ||
		    strcasecmp(r->field, "Content-Type") == 0) {
			fail(r, 400, "header value too long");
			return -1;
		}
		goto next;
	}
	r->value[r->valuelen] = '\0';
	if (strcasecmp(r->field, "Range") == 0) {
		if (r->valuelen >= sizeof(r->range)) {
			fail(r, 400, "Range header too long");
			return -1;
		}
		memcpy(r->range, r->value, r->valuelen + 1);
	} else if (strcasecmp(r->field, "Host") == 0) {
		if (r->valuelen >= sizeof(r->host)) {
			fail(r, 400, "Host header too long");
			return -1;
		}
		memcpy(r->host, r->value, r->valuelen + 1);
	} else if (strcasecmp(r->field, "Content-Type") == 0) {
		if (r->valuelen >= sizeof(r->ctype)) {
			fail(r, 400, "Content-Type header too long");
			return -1;
		}
		memcpy(r->ctype, r->value, r->valuelen + 1);
	} else if (strcasecmp(r->field, "Content-Length") == 0) {
		if (r->has_length || r->value[0] < '0' || r->value[0] > '9') {
			fail(r, 400, "bad Content-Length");
			return -1;
		}
		r->length = strtoull(r->value, &end, 10);
		if (*end != '\0') {
			fail(r, 400, "bad Content-Length");
			return -1;
		}
		r->has_length = 1;
	} else if (strcasecmp(r->field, "Expect") == 0) {
		if (strcasecmp(r->value, "100-continue") != 0) {
			fail(r, 417, "only Expect: 100-continue is known");
			return -1;
		}
		r->expect = 1;
	}
next:
	r->fieldlen = r->valuelen = 0;
	return 0;
}

static int
on_field(http_parser *p, const char *at, size_t len)
{
	struct web_http *r = p->data;

	if (count_head(r, len) != 0)
		return -1;
	if (r->in_value && header_done(r) != 0)
		return -1;
	if (r->fieldlen < sizeof(r->field) - 1 &&
	    r->fieldlen + len < sizeof(r->field))
		memcpy(r->field + r->fieldlen, at, len);
	r->fieldlen += len;
	if (r->fieldlen > sizeof(r->field))
		r->fieldlen = sizeof(r->field);
	return 0;
}

static int
on_value(http_parser *p, const char *at, size_t len)
{
	struct web_http *r = p->data;

	if (count_head(r, len) != 0)
		return -1;
	r->in_value = 1;
	if (r->valuelen + len < sizeof(r->value))
		memcpy(r->value + r->valuelen, at, len);
	r->valuelen += len;
	if (r->valuelen > sizeof(r->value))
		r->valuelen = sizeof(r->value);
	return 0;
}

static int
on_headers(http_parser *p)
{
	struct web_http *r = p->data;

	if (r->in_value && header_done(r) != 0)
		return -1;
	r->method = p->method;
	r->head_done = 1;
	if (r->urllen == 0) {
		fail(r, 400, "no URL");
		return -1;
	}
	if (r->has_length && r->length > WEB_MAX_BODY) {
		fail(r, 413, "request body over 64 KiB");
		return -1;
	}
	return 0;
}

static int
on_body(http_parser *p, const char *at, size_t len)
{
	struct web_http *r = p->data;
	char *nb;

	if (r->bodylen + len > WEB_MAX_BODY) {
		fail(r, 413, "request body over 64 KiB");
		return -1;
	}
	if (r->body == NULL && (r->body = malloc(WEB_MAX_BODY + 1)) == NULL) {
		fail(r, 500, "out of memory");
		return -1;
	}
	nb = r->body;
	memcpy(nb + r->bodylen, at, len);
	r->bodylen += len;
	nb[r->bodylen] = '\0';
	return 0;
}

static int
on_complete(http_parser *p)
{
	struct web_http *r = p->data;

	r->keepalive = http_should_keep_alive(p);
	r->state = WEB_HTTP_DONE;
	http_parser_pause(p, 1);
	return 0;
}

static const http_parser_settings settings = {
	.on_url = on_url,
	.on_header_field = on_field,
	.on_header_value = on_value,
	.on_headers_complete = on_headers,
	.on_body = on_body,
	.on_message_complete = on_complete,
};

void
web_http_init(struct web_http *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
	http_parser_init(&r->parser, HTTP_REQUEST);
	r->parser.data = r;
}

void
web_http_free(struct web_http *r)
{
	free(r->body);
	r->body = NULL;
	r->bodylen = 0;
}

enum web_http_state
web_http_feed(struct web_http *r, const char *buf, size_t len, size_t *used)
{
	size_t n;

	*used = 0;
	if (r->state != WEB_HTTP_MORE)
		return r->state;
	n = http_parser_execute(&r->parser, &settings, buf, len);
	*used = n;
	if (r->state == WEB_HTTP_DONE)
		return r->state;
	if (r->state == WEB_HTTP_MORE &&
	    HTTP_PARSER_ERRNO(&r->parser) != HPE_OK) {
		if (!r->head_done && r->headbytes + n > WEB_MAX_HEAD)
			fail(r, 431, "request head over 16 KiB");
		else
			fail(r, 400, http_errno_description(
			    HTTP_PARSER_ERRNO(&r->parser)));
	}
	return r->state;
}

/*
 * Decodes n bytes of s (percent escapes, pct_decode(); '+' as space
 * when plus, as forms write it) into buf of size bytes.  Returns the
 * length, or -1 when bad or too long.
 */
static long
decode(const char *s, size_t n, int plus, char *buf, size_t size)
{
	char *tmp;
	size_t i;
	int rc;

	if (memchr(s, '\0', n) != NULL || (tmp = malloc(n + 1)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		tmp[i] = plus && s[i] == '+' ? ' ' : s[i];
	rc = pct_decode(tmp, n, buf, size);
	free(tmp);
	return rc == 0 ? (long)strlen(buf) : -1;
}

/* No NUL, no control byte, valid UTF-8. */
static int
clean(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return utf8_valid(s, n);
}

int
web_form_value(const char *form, size_t len, const char *key, char *buf,
    size_t size)
{
	size_t klen = strlen(key), n, i = 0;
	const char *pair, *eq;
	long got;

	if (size == 0)
		return -1;
	while (i < len) {
		pair = form + i;
		n = 0;
		while (i + n < len && form[i + n] != '&' && form[i + n] != ';')
			n++;
		i += n + 1;
		eq = memchr(pair, '=', n);
		if ((size_t)((eq != NULL ? eq : pair + n) - pair) != klen ||
		    memcmp(pair, key, klen) != 0)
			continue;
		if (eq == NULL) {
			buf[0] = '\0';
			return 1;
		}
		got = decode(eq + 1, n - klen - 1, 1, buf, size);
		if (got < 0 || !clean(buf, (size_t)got)) {
			buf[0] = '\0';
			return -1;
		}
		return 1;
	}
	buf[0] = '\0';
	return 0;
}

int
web_http_match(const char *pattern, const char *path, char *param,
    size_t size)
{
	const char *seg;
	size_t n;
	long got;

	if (size > 0)
		param[0] = '\0';
	for (;;) {
		if (*pattern == '*') {
			seg = path;
			n = strcspn(seg, "/");
			if (n == 0 || (got = decode(seg, n, 0, param, size)) <= 0 ||
			    memchr(param, '/', (size_t)got) != NULL ||
			    !clean(param, (size_t)got) ||
			    strcmp(param, ".") == 0 || strcmp(param, "..") == 0) {
				if (size > 0)
					param[0] = '\0';
				return 0;
			}
			pattern++;
			path += n;
			continue;
		}
		if (*pattern != *path) {
			if (size > 0)
				param[0] = '\0';
			return 0;
		}
		if (*pattern == '\0')
			return 1;
		pattern++;
		path++;
	}
}

int
web_http_path(const char *url, char *buf, size_t size)
{
	size_t n = strcspn(url, "?#");

	if (url[0] != '/' || n >= size)
		return -1;
	memcpy(buf, url, n);
	buf[n] = '\0';
	return 0;
}
