/*
 * http: one request from bytes, with libhttp-parser's callbacks.
 */
#include <stdlib.h>
#include <string.h>

#include <http_parser.h>

#include "http.h"

static int
on_url(http_parser *p, const char *at, size_t len)
{
	struct http_request *r = p->data;

	if (len > sizeof(r->url) - 1 - r->urllen) {
		r->state = HTTP_URL_TOO_LONG;
		return 1;
	}
	memcpy(r->url + r->urllen, at, len);
	r->urllen += len;
	r->url[r->urllen] = '\0';
	return 0;
}

/*
 * Refuses a declared body over the limit before reading it.  Without a
 * Content-Length (chunked) the limit is applied as the body arrives.
 */
static int
on_headers_complete(http_parser *p)
{
	struct http_request *r = p->data;

	r->head_done = 1;
	r->method = (int)p->method;
	if (r->body_limit != NULL)
		r->maxbody = r->body_limit(r);
	if ((p->flags & F_CONTENTLENGTH) != 0 &&
	    p->content_length > r->maxbody) {
		r->state = HTTP_BODY_TOO_LARGE;
		return -1;	/* 1 and 2 mean "no body" here, not stop */
	}
	return 0;
}

static int
on_body(http_parser *p, const char *at, size_t len)
{
	struct http_request *r = p->data;
	size_t cap;
	char *nb;

	if (len > r->maxbody - r->bodylen) {
		r->state = HTTP_BODY_TOO_LARGE;
		return 1;
	}
	/* Grow geometrically: a large body arrives in many small reads. */
	if (r->bodylen + len + 1 > r->bodycap) {
		cap = r->bodycap < 4096 ? 4096 : r->bodycap;
		while (cap < r->bodylen + len + 1)
			cap *= 2;
		if ((nb = realloc(r->body, cap)) == NULL) {
			r->state = HTTP_BAD;
			return 1;
		}
		r->body = nb;
		r->bodycap = cap;
	}
	memcpy(r->body + r->bodylen, at, len);
	r->bodylen += len;
	r->body[r->bodylen] = '\0';
	return 0;
}

static int
on_message_complete(http_parser *p)
{
	struct http_request *r = p->data;

	r->method = (int)p->method;
	r->state = HTTP_DONE;
	/* One request per connection: stop parsing what follows. */
	return 1;
}

static const http_parser_settings settings = {
	.on_url = on_url,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
};

void
http_init(struct http_request *r)
{
	memset(r, 0, sizeof(*r));
	http_parser_init(&r->parser, HTTP_REQUEST);
	r->parser.data = r;
	r->maxbody = HTTP_MAX_BODY;
	r->state = HTTP_MORE;
}

enum http_state
http_feed(struct http_request *r, const char *buf, size_t len)
{
	size_t parsed;

	if (r->state != HTTP_MORE || len == 0)
		return r->state;
	parsed = http_parser_execute(&r->parser, &settings, buf, len);
	/* A callback that stopped the parser has set the state itself. */
	if (r->state == HTTP_MORE && (parsed != len ||
	    HTTP_PARSER_ERRNO(&r->parser) != HPE_OK))
		r->state = HTTP_BAD;
	return r->state;
}

void
http_path(const struct http_request *r, char *buf, size_t len)
{
	size_t n = strcspn(r->url, "?#");

	if (len == 0)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(buf, r->url, n);
	buf[n] = '\0';
}

void
http_free(struct http_request *r)
{
	free(r->body);
	r->body = NULL;
	r->bodylen = 0;
	r->bodycap = 0;
}
