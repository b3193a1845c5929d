/*
 * upload_req: the upload listener's request parsing (upload_req.h).
 *
 * libhttp-parser does the HTTP: request line, header framing,
 * Content-Length and chunked bodies.  This file only collects the few
 * headers the upload uses, splits the path into a route and checks every
 * part of it, so that nothing later sees a name it did not check.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <http_parser.h>

#include "custos/enc.h"
#include "custos/err.h"
#include "custos/rfc3339.h"
#include "custos/utf8.h"
#include "upload_req.h"

enum {
	H_DIGEST = 1 << 0,
	H_OFFSET = 1 << 1,
	H_TOTAL = 1 << 2,
	H_RECORDED = 1 << 3,
	H_EXPECT = 1 << 4,
};

static const struct {
	const char	*name;
	unsigned	 bit;
} known[] = {
	{ "content-digest", H_DIGEST },
	{ "upload-offset", H_OFFSET },
	{ "upload-length", H_TOTAL },
	{ "x-recorded-at", H_RECORDED },
	{ "expect", H_EXPECT },
};

int
upload_req_fail(struct upload_req *r, int status, const char *error)
{
	if (r->state != UPLOAD_REQ_ERROR) {
		r->state = UPLOAD_REQ_ERROR;
		r->status = status;
		r->error = error;
	}
	return -1;
}

int
upload_serial_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > UPLOAD_SERIAL_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')
		    || (s[i] >= '0' && s[i] <= '9'))
			continue;
		if (i == 0 || (s[i] != '.' && s[i] != '_' && s[i] != '-'))
			return 0;
	}
	return 1;
}

/* Counts n more bytes of head; refuses a head over the limit. */
static int
count_head(struct upload_req *r, size_t n)
{
	if (n > UPLOAD_MAX_HEAD - r->headbytes)
		return upload_req_fail(r, 431,
		    "request header fields too large");
	r->headbytes += n;
	return 0;
}

/* A structured-field integer: 1 to 19 digits. */
static int
parse_uint(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 19)
		return CUSTOS_ERR_FORMAT;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return CUSTOS_ERR_FORMAT;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * An integer header's value into *out, setting *has; error is the answer
 * to a malformed one.
 */
static int
header_uint(struct upload_req *r, const char *v, size_t len, uint64_t *out,
    int *has, const char *error)
{
	if (parse_uint(v, len, out) != 0)
		return upload_req_fail(r, 400, error);
	*has = 1;
	return 0;
}

static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * One dictionary member "key=:b64:" of len bytes, white space trimmed.
 * Sets *found when it is sha-256.
 */
static int
digest_member(const char *m, size_t len, uint8_t sha256[32], int *found)
{
	const char *eq;
	uint8_t buf[64];
	size_t klen, outlen;

	while (len > 0 && is_ows(*m)) {
		m++;
		len--;
	}
	while (len > 0 && is_ows(m[len - 1]))
		len--;
	if ((eq = memchr(m, '=', len)) == NULL)
		return CUSTOS_ERR_FORMAT;
	klen = (size_t)(eq - m);
	len -= klen + 1;
	if (len < 2 || eq[1] != ':' || eq[len] != ':')
		return CUSTOS_ERR_FORMAT;
	if (b64_decode(eq + 2, len - 2, buf, sizeof(buf), &outlen) != 0)
		return CUSTOS_ERR_FORMAT;
	if (klen == 7 && memcmp(m, "sha-256", 7) == 0) {
		if (outlen != 32)
			return CUSTOS_ERR_FORMAT;
		memcpy(sha256, buf, 32);
		*found = 1;
	}
	return 0;
}

int
upload_parse_digest(const char *v, size_t len, uint8_t sha256[32])
{
	const char *comma;
	size_t n;
	int found = 0;

	for (;;) {
		comma = memchr(v, ',', len);
		n = comma != NULL ? (size_t)(comma - v) : len;
		if (digest_member(v, n, sha256, &found) != 0)
			return CUSTOS_ERR_FORMAT;
		if (comma == NULL)
			break;
		v += n + 1;
		len -= n + 1;
	}
	return found ? 0 : CUSTOS_ERR_NOTFOUND;
}

/* Applies the header whose name and value are collected. */
static int
end_header(struct upload_req *r)
{
	const char *v = r->value;
	size_t i, len = r->valuelen;
	unsigned bit = 0;
	int rc;

	r->in_value = 0;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (r->fieldlen == strlen(known[i].name) &&
		    strncasecmp(r->field, known[i].name, r->fieldlen) == 0)
			bit = known[i].bit;
	}
	if (bit == 0)
		return 0;
	if (len > sizeof(r->value) - 1)
		return upload_req_fail(r, 400, "header value too long");
	if ((r->seen & bit) != 0)
		return upload_req_fail(r, 400, "duplicate header");
	r->seen |= bit;
	while (len > 0 && is_ows(*v)) {
		v++;
		len--;
	}
	while (len > 0 && is_ows(v[len - 1]))
		len--;
	switch (bit) {
	case H_DIGEST:
		rc = upload_parse_digest(v, len, r->digest);
		if (rc == CUSTOS_ERR_NOTFOUND)
			return upload_req_fail(r, 400,
			    "Content-Digest: no sha-256 member");
		if (rc != 0)
			return upload_req_fail(r, 400,
			    "Content-Digest: malformed");
		r->has_digest = 1;
		break;
	case H_OFFSET:
		return header_uint(r, v, len, &r->offset, &r->has_offset,
		    "Upload-Offset: expected a non-negative integer");
	case H_TOTAL:
		return header_uint(r, v, len, &r->total, &r->has_total,
		    "Upload-Length: expected a non-negative integer");
	case H_RECORDED:
		r->value[(size_t)(v - r->value) + len] = '\0';
		if (rfc3339_parse(v, &r->recorded_ms) != 0)
			return upload_req_fail(r, 400,
			    "X-Recorded-At: expected an RFC 3339 time");
		r->has_recorded = 1;
		break;
	case H_EXPECT:
		if (len != 12 || strncasecmp(v, "100-continue", 12) != 0)
			return upload_req_fail(r, 417,
			    "Expect: only 100-continue");
		r->expect = 1;
		break;
	}
	return 0;
}

static int
on_url(http_parser *p, const char *at, size_t len)
{
	struct upload_req *r = p->data;

	if (count_head(r, len) != 0)
		return -1;
	if (len > UPLOAD_MAX_URL - r->urllen)
		return upload_req_fail(r, 414, "URI too long");
	memcpy(r->url + r->urllen, at, len);
	r->urllen += len;
	r->url[r->urllen] = '\0';
	return 0;
}

static int
on_header_field(http_parser *p, const char *at, size_t len)
{
	struct upload_req *r = p->data;

	if (count_head(r, len + 4) != 0)	/* ": " and CRLF too */
		return -1;
	if (r->in_value) {
		if (end_header(r) != 0)
			return -1;
		r->fieldlen = 0;
		r->valuelen = 0;
	}
	if (r->fieldlen + len <= sizeof(r->field))
		memcpy(r->field + r->fieldlen, at, len);
	/* A longer name is none of ours; its length says so. */
	r->fieldlen += len;
	return 0;
}

static int
on_header_value(http_parser *p, const char *at, size_t len)
{
	struct upload_req *r = p->data;

	if (count_head(r, len) != 0)
		return -1;
	r->in_value = 1;
	if (r->valuelen + len < sizeof(r->value))
		memcpy(r->value + r->valuelen, at, len);
	r->valuelen += len;
	return 0;
}

/* A decoded file name: no way out of its directory, printable UTF-8. */
static int
name_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '/' ||
		    s[i] == '\\')
			return 0;
	}
	return utf8_valid(s, n);
}

/* "/v1/cameras/S/files/N": the serial and the decoded name. */
static int
route_file(struct upload_req *r, const char *rest)
{
	const char *slash = strchr(rest, '/');
	size_t n;

	if (slash == NULL || (n = (size_t)(slash - rest)) > UPLOAD_SERIAL_MAX)
		return upload_req_fail(r, 404, "no such resource");
	memcpy(r->serial, rest, n);
	r->serial[n] = '\0';
	if (!upload_serial_valid(r->serial))
		return upload_req_fail(r, 400, "bad camera serial");
	if (strncmp(slash, "/files/", 7) != 0)
		return upload_req_fail(r, 404, "no such resource");
	rest = slash + 7;
	if (strchr(rest, '/') != NULL)
		return upload_req_fail(r, 400,
		    "bad file name: '/' is not allowed");
	n = strlen(rest);
	if (pct_decode(rest, n, r->name, sizeof(r->name)) != 0 ||
	    !name_valid(r->name))
		return upload_req_fail(r, 400, "bad file name");
	r->route = UPLOAD_R_FILE;
	return 0;
}

/* "/v1/entries/I/receipt": I in decimal without leading zeros. */
static int
route_receipt(struct upload_req *r, const char *rest)
{
	const char *slash = strchr(rest, '/');
	size_t n;

	if (slash == NULL || strcmp(slash, "/receipt") != 0)
		return upload_req_fail(r, 404, "no such resource");
	n = (size_t)(slash - rest);
	if (parse_uint(rest, n, &r->index) != 0 || (n > 1 && rest[0] == '0')
	    || r->index > INT64_MAX)
		return upload_req_fail(r, 400, "bad entry index");
	r->route = UPLOAD_R_RECEIPT;
	return 0;
}

static int
route(struct upload_req *r)
{
	const char *u = r->url;

	if (strpbrk(u, "?#") != NULL)
		return upload_req_fail(r, 400, "no query string is accepted");
	if (strcmp(u, "/v1/checkpoint") == 0) {
		r->route = UPLOAD_R_CHECKPOINT;
		return 0;
	}
	if (strncmp(u, "/v1/cameras/", 12) == 0)
		return route_file(r, u + 12);
	if (strncmp(u, "/v1/entries/", 12) == 0)
		return route_receipt(r, u + 12);
	return upload_req_fail(r, 404, "no such resource");
}

/* The method fits the route, and a body comes with the file methods. */
static int
check_method(struct upload_req *r)
{
	int m = r->method;

	if (r->route != UPLOAD_R_FILE)
		return m == HTTP_GET ? 0 : upload_req_fail(r, 405,
		    "method not allowed");
	if (m == HTTP_HEAD)
		return 0;
	if (m != HTTP_PUT && m != HTTP_PATCH)
		return upload_req_fail(r, 405, "method not allowed");
	if (!r->has_length && !r->chunked)
		return upload_req_fail(r, 411, "Content-Length or chunked "
		    "Transfer-Encoding required");
	if (r->has_length && r->length == 0 && m == HTTP_PUT)
		return upload_req_fail(r, 400, "empty body");
	if (m == HTTP_PATCH && !r->has_offset)
		return upload_req_fail(r, 400, "PATCH needs Upload-Offset");
	if ((r->has_length && r->length > UPLOAD_MAX_SIZE) ||
	    (r->has_total && r->total > UPLOAD_MAX_SIZE))
		return upload_req_fail(r, 413, "file too large");
	if (m == HTTP_PUT && r->has_total && r->has_length &&
	    r->length > r->total)
		return upload_req_fail(r, 400,
		    "Content-Length exceeds Upload-Length");
	return 0;
}

/* The head is complete: check it and pause before the body. */
static int
on_headers_complete(http_parser *p)
{
	struct upload_req *r = p->data;

	if (r->in_value && end_header(r) != 0)
		return -1;
	r->method = (int)p->method;
	r->chunked = (p->flags & F_CHUNKED) != 0;
	r->has_length = (p->flags & F_CONTENTLENGTH) != 0;
	r->length = r->has_length ? p->content_length : 0;
	if (p->http_major != 1)
		return upload_req_fail(r, 505, "HTTP/1.x only");
	if (route(r) != 0 || check_method(r) != 0)
		return -1;
	r->state = UPLOAD_REQ_HEAD;
	http_parser_pause(p, 1);
	return 0;
}

static int
on_body(http_parser *p, const char *at, size_t len)
{
	struct upload_req *r = p->data;

	if (r->sink == NULL || r->method == HTTP_GET || r->method == HTTP_HEAD)
		return upload_req_fail(r, 400, "unexpected body");
	if (len > UPLOAD_MAX_SIZE - r->body)
		return upload_req_fail(r, 413, "file too large");
	r->body += len;
	return r->sink(r->sink_arg, at, len) != 0 ? -1 : 0;
}

static int
on_message_complete(http_parser *p)
{
	struct upload_req *r = p->data;

	r->state = UPLOAD_REQ_DONE;
	http_parser_pause(p, 1);
	return 0;
}

static const http_parser_settings settings = {
	.on_url = on_url,
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
};

void
upload_req_init(struct upload_req *r, upload_sink sink, void *arg)
{
	memset(r, 0, sizeof(*r));
	http_parser_init(&r->parser, HTTP_REQUEST);
	r->parser.data = r;
	r->sink = sink;
	r->sink_arg = arg;
}

void
upload_req_resume(struct upload_req *r)
{
	if (r->state == UPLOAD_REQ_HEAD) {
		r->state = UPLOAD_REQ_MORE;
		http_parser_pause(&r->parser, 0);
	}
}

enum upload_req_state
upload_req_feed(struct upload_req *r, const char *buf, size_t len,
    size_t *used)
{
	enum http_errno e;
	size_t n;

	*used = 0;
	if (r->state != UPLOAD_REQ_MORE || len == 0)
		return r->state;
	n = http_parser_execute(&r->parser, &settings, buf, len);
	*used = n > len ? len : n;
	e = HTTP_PARSER_ERRNO(&r->parser);
	if (r->state == UPLOAD_REQ_MORE && (e != HPE_OK || n != len)) {
		if (e == HPE_HEADER_OVERFLOW)
			upload_req_fail(r, 431,
			    "request header fields too large");
		else
			upload_req_fail(r, 400, http_errno_description(e));
	}
	return r->state;
}
