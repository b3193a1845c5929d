/*
 * s3_req: one S3 request over libcurl, signed by libcurl's own AWS
 * Signature Version 4 (CURLOPT_AWS_SIGV4), and what its reply means.
 *
 * libcurl 7.88 signs the path and the query string exactly as it is given
 * them, and signs the payload hash given in x-amz-content-sha256 rather
 * than hashing the body itself.  So the URL is built here already in
 * SigV4's canonical form (the key %XX-encoded, the query's parameters
 * sorted, each "name=value", "uploads=" rather than "uploads"), and the
 * payload hash is always computed here and set as that header: what the
 * server checks the body against is the hash of the bytes we read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "custos/err.h"
#include "lib/replica/s3_int.h"

#define ERRBODY_MAX	(64 << 10)	/* bytes of an error reply kept */

char *
s3_uri_encode(const char *in, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(in), i, n = 0;
	unsigned char c;
	char *out;

	if ((out = malloc(3 * len + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		c = (unsigned char)in[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~' || (c == '/' && keep_slash)) {
			out[n++] = (char)c;
			continue;
		}
		out[n++] = '%';
		out[n++] = hex[c >> 4];
		out[n++] = hex[c & 15];
	}
	out[n] = '\0';
	return out;
}

/* The body of a PUT or POST, from memory or from the fd. */
static size_t
on_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct s3_req *r = arg;
	uint64_t left = r->in_len - r->in_pos;
	size_t n = size * nitems;
	ssize_t got;

	if (n > left)
		n = (size_t)left;
	if (n == 0)
		return 0;
	if (r->in_mem != NULL) {
		memcpy(buf, r->in_mem + r->in_pos, n);
		r->in_pos += n;
		return n;
	}
	do
		got = read(r->in_fd, buf, n);
	while (got == -1 && errno == EINTR);
	if (got <= 0) {
		r->io_errno = got == 0 ? ENODATA : errno;
		r->io_what = "reading";
		return CURL_READFUNC_ABORT;
	}
	r->in_pos += (uint64_t)got;
	return (size_t)got;
}

/* libcurl rewinds the body when it must send it again. */
static int
on_seek(void *arg, curl_off_t off, int origin)
{
	struct s3_req *r = arg;

	if (origin != SEEK_SET || off < 0 || (uint64_t)off > r->in_len)
		return CURL_SEEKFUNC_CANTSEEK;
	if (r->in_mem == NULL && lseek(r->in_fd, r->in_start + off,
	    SEEK_SET) == -1)
		return CURL_SEEKFUNC_CANTSEEK;
	r->in_pos = (uint64_t)off;
	return CURL_SEEKFUNC_OK;
}

/* Keeps len more bytes of the reply in r->body, up to max. */
static int
keep(struct s3_req *r, const char *buf, size_t len, size_t max)
{
	char *b;

	if (r->body_len + len > max) {
		r->too_big = 1;
		return -1;
	}
	if ((b = realloc(r->body, r->body_len + len + 1)) == NULL) {
		r->io_errno = ENOMEM;
		r->io_what = "keeping";
		return -1;
	}
	memcpy(b + r->body_len, buf, len);
	r->body = b;
	r->body_len += len;
	r->body[r->body_len] = '\0';
	return 0;
}

/*
 * The reply's body: a 2xx one to out_fd (or kept when there is none), an
 * error's kept for its <Error>.
 */
static size_t
on_write(char *buf, size_t size, size_t nitems, void *arg)
{
	struct s3_req *r = arg;
	size_t len = size * nitems, off;
	long code = 0;
	ssize_t n;

	(void)curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code / 100 != 2)
		return keep(r, buf, len, ERRBODY_MAX) == 0 ? len : 0;
	if (r->out_cb != NULL) {
		if ((r->out_rc = r->out_cb(r->out_arg, buf, len)) != 0)
			return 0;	/* aborts the transfer */
		r->written += len;
		return len;
	}
	if (r->out_fd < 0)
		return keep(r, buf, len, S3_XML_MAX) == 0 ? len : 0;
	for (off = 0; off < len; off += (size_t)n) {
		n = write(r->out_fd, buf + off, len - off);
		if (n == -1 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0) {
			r->io_errno = n == 0 ? EIO : errno;
			r->io_what = "writing";
			return 0;
		}
	}
	r->written += len;
	return len;
}

/* Copies the value of header line h (len bytes) after name into out. */
static void
header_value(const char *h, size_t len, size_t namelen, char *out,
    size_t outsz)
{
	size_t i = namelen, n = 0;

	while (i < len && (h[i] == ' ' || h[i] == '\t'))
		i++;
	while (len > i && (h[len - 1] == '\r' || h[len - 1] == '\n' ||
	    h[len - 1] == ' '))
		len--;
	if (len - i >= outsz)
		return;
	for (; i < len; i++)
		out[n++] = (unsigned char)h[i] < 0x20 ? '?' : h[i];
	out[n] = '\0';
}

static size_t
on_header(char *buf, size_t size, size_t nitems, void *arg)
{
	static const char etag[] = "etag:", meta[] = "x-amz-meta-sha256:";
	struct s3_req *r = arg;
	size_t len = size * nitems;

	/* A 100 Continue comes before the reply: forget its headers. */
	if (len >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
		r->etag[0] = '\0';
		r->meta[0] = '\0';
	} else if (len > sizeof(etag) - 1 && strncasecmp(buf, etag,
	    sizeof(etag) - 1) == 0)
		header_value(buf, len, sizeof(etag) - 1, r->etag,
		    sizeof(r->etag));
	else if (len > sizeof(meta) - 1 && strncasecmp(buf, meta,
	    sizeof(meta) - 1) == 0)
		header_value(buf, len, sizeof(meta) - 1, r->meta,
		    sizeof(r->meta));
	return len;
}

/* The request's URL, path-style, in canonical form. */
static char *
url_of(struct s3 *s, const struct s3_req *r)
{
	char *key, *url;
	int n;

	if ((key = s3_uri_encode(r->key != NULL ? r->key : "", 1)) == NULL)
		return NULL;
	n = asprintf(&url, "%s/%s/%s%s%s", s->endpoint, s->bucket, key,
	    r->query != NULL ? "?" : "", r->query != NULL ? r->query : "");
	free(key);
	return n == -1 ? NULL : url;
}

static struct curl_slist *
headers_of(const struct s3_req *r)
{
	struct curl_slist *h = NULL, *t;
	char line[128];

	snprintf(line, sizeof(line), "x-amz-content-sha256: %s",
	    r->sha256hex);
	if ((h = curl_slist_append(NULL, line)) == NULL)
		return NULL;
	if (r->meta_sha256 != NULL) {
		snprintf(line, sizeof(line), "x-amz-meta-sha256: %s",
		    r->meta_sha256);
		if ((t = curl_slist_append(h, line)) == NULL)
			goto nomem;
		h = t;
	}
	if (r->content_type != NULL) {
		snprintf(line, sizeof(line), "Content-Type: %s",
		    r->content_type);
		if ((t = curl_slist_append(h, line)) == NULL)
			goto nomem;
		h = t;
	}
	return h;
nomem:
	curl_slist_free_all(h);
	return NULL;
}

/* The options of one request on the reset handle. */
static void
setup(struct s3 *s, struct s3_req *r, const char *url,
    struct curl_slist *h, char *cerr)
{
	CURL *c = s->curl;

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, s->timeout_s);
	curl_easy_setopt(c, CURLOPT_AWS_SIGV4, s->sigv4);
	curl_easy_setopt(c, CURLOPT_USERPWD, s->userpwd);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	if (s->ca != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, s->ca);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(c, CURLOPT_READDATA, r);
	curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, on_seek);
	curl_easy_setopt(c, CURLOPT_SEEKDATA, r);
	if (strcmp(r->method, "PUT") == 0) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE,
		    (curl_off_t)r->in_len);
	} else if (strcmp(r->method, "POST") == 0) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)r->in_len);
	} else if (strcmp(r->method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(r->method, "DELETE") == 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
}

int
s3_bad_reply(struct s3_result *res, const char *what)
{
	snprintf(res->msg, sizeof(res->msg), "HTTP %ld: %s", res->http,
	    what);
	return CUSTOS_ERR_FORMAT;
}

/* A failure with no reply (or one cut short): res and the code. */
static int
no_reply(struct s3 *s, struct s3_req *r, CURLcode cc, const char *cerr,
    struct s3_result *res)
{
	if (r->io_errno != 0) {
		snprintf(res->msg, sizeof(res->msg), "%s the object: %s",
		    r->io_what, r->io_errno == ENODATA ? "the file ended "
		    "before its size" : strerror(r->io_errno));
		errno = r->io_errno;
		return r->io_errno == ENOMEM ? CUSTOS_ERR_NOMEM :
		    CUSTOS_ERR_SYSTEM;
	}
	if (r->too_big)
		return s3_bad_reply(res, "reply body too large");
	res->http = 0;
	snprintf(res->msg, sizeof(res->msg), "cannot reach %.64s: %.160s",
	    s->endpoint, cerr[0] != '\0' ? cerr : curl_easy_strerror(cc));
	return CUSTOS_ERR_BUSY;
}

/* What an error status and its <Error> body mean: res and the code. */
static int
refused(struct s3 *s, struct s3_req *r, struct s3_result *res)
{
	char m[128] = "";
	const char *c = res->code;
	long h = r->http;

	if (r->body != NULL)
		(void)s3_xml_error(r->body, r->body_len, res->code,
		    sizeof(res->code), m, sizeof(m));
	if (strcmp(c, "XAmzContentSHA256Mismatch") == 0 ||
	    strcmp(c, "BadDigest") == 0) {
		snprintf(res->msg, sizeof(res->msg), "HTTP %ld %s: the "
		    "server refused the payload hash (the bytes sent are not "
		    "the bytes hashed)", h, c);
		return CUSTOS_ERR_VERIFY;
	}
	if (h == 403) {
		snprintf(res->msg, sizeof(res->msg), "HTTP 403 %s: the server "
		    "refused the credentials or the signature; check the "
		    "replica credentials", c[0] != '\0' ? c : "Forbidden");
		return CUSTOS_ERR_KEY;
	}
	if (h == 404) {
		if (strcmp(c, "NoSuchBucket") == 0)
			snprintf(res->msg, sizeof(res->msg), "HTTP 404 "
			    "NoSuchBucket: there is no bucket %s at %s",
			    s->bucket, s->endpoint);
		else
			snprintf(res->msg, sizeof(res->msg), "HTTP 404 %s: no "
			    "such key", c[0] != '\0' ? c : "NoSuchKey");
		return CUSTOS_ERR_NOTFOUND;
	}
	snprintf(res->msg, sizeof(res->msg), "HTTP %ld%s%s%s%s", h,
	    c[0] != '\0' ? " " : "", c, m[0] != '\0' ? ": " : "", m);
	return h >= 500 || h == 429 ? CUSTOS_ERR_BUSY : CUSTOS_ERR_INVALID;
}

int
s3_request(struct s3 *s, struct s3_req *r, struct s3_result *res)
{
	struct curl_slist *h = NULL;
	char cerr[CURL_ERROR_SIZE] = "", *url;
	curl_off_t len;
	CURLcode cc;

	memset(res, 0, sizeof(*res));
	r->http = 0;
	r->etag[0] = r->meta[0] = '\0';
	r->curl = s->curl;
	if (r->in_mem == NULL && r->in_len != 0 &&
	    (r->in_start = lseek(r->in_fd, 0, SEEK_CUR)) == -1)
		r->in_start = 0;	/* a pipe: libcurl cannot rewind it */
	if ((url = url_of(s, r)) == NULL || (h = headers_of(r)) == NULL) {
		free(url);
		snprintf(res->msg, sizeof(res->msg), "out of memory");
		return CUSTOS_ERR_NOMEM;
	}
	setup(s, r, url, h, cerr);
	cc = curl_easy_perform(s->curl);
	curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(h);
	free(url);
	(void)curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &r->http);
	res->http = r->http;
	if (curl_easy_getinfo(s->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T,
	    &len) == CURLE_OK && len >= 0)
		r->length = (uint64_t)len;
	if (cc != CURLE_OK)
		return no_reply(s, r, cc, cerr, res);
	if (r->http / 100 == 2) {
		snprintf(res->msg, sizeof(res->msg), "HTTP %ld", r->http);
		return 0;
	}
	return refused(s, r, res);
}
