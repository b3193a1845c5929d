/*
 * s3: the S3 client's calls (include/custos/s3.h): whole and multipart
 * uploads, HEAD, GET, DELETE and ListObjectsV2 over s3_req.c's signed
 * requests.
 *
 * A multipart upload reads one part at a time into a buffer of part_size
 * bytes, hashes it and sends it with that hash signed, so memory stays at
 * one part whatever the object's size; the whole object's SHA-256 is
 * computed on the way and, when the caller gave one, compared before the
 * upload is completed, since the server checks each part, not the whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/s3.h"
#include "lib/replica/s3_int.h"

#define MIB		(1024ULL * 1024)
#define PART_MIN	(5 * MIB)	/* S3's smallest part but the last */
#define PART_MAX	(5 * 1024 * MIB)
#define PARTS_MAX	10000
#define LIST_MAX	1000
#define TIMEOUT_DEFAULT	60

/* The hash of an empty body. */
static const char empty_sha256[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/* Where an upload's bytes come from: memory, or an fd. */
struct src {
	const char	*mem;		/* or NULL: fd */
	int		 fd;
	uint64_t	 size;
};

static int
check_params(const struct s3_params *p)
{
	if (p->endpoint == NULL || (strncmp(p->endpoint, "http://", 7) != 0 &&
	    strncmp(p->endpoint, "https://", 8) != 0) ||
	    strpbrk(p->endpoint, "?# ") != NULL)
		return CUSTOS_ERR_INVALID;
	if (p->bucket == NULL || p->bucket[0] == '\0' ||
	    strlen(p->bucket) > 63 || strspn(p->bucket,
	    "abcdefghijklmnopqrstuvwxyz0123456789.-") != strlen(p->bucket))
		return CUSTOS_ERR_INVALID;
	if (p->region == NULL || p->region[0] == '\0' ||
	    strspn(p->region, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
	    strlen(p->region))
		return CUSTOS_ERR_INVALID;
	if (p->access_key == NULL || p->access_key[0] == '\0' ||
	    strchr(p->access_key, ':') != NULL || p->secret_key == NULL ||
	    p->secret_key[0] == '\0')
		return CUSTOS_ERR_INVALID;
	if (p->part_size < PART_MIN || p->part_size > PART_MAX ||
	    p->list_page > LIST_MAX || p->timeout_s < 0)
		return CUSTOS_ERR_INVALID;
	return 0;
}

int
s3_new(const struct s3_params *p, struct s3 **out)
{
	struct s3 *s;
	size_t n;
	int rc;

	if ((rc = check_params(p)) != 0)
		return rc;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return CUSTOS_ERR_NOMEM;
	n = strlen(p->endpoint);
	while (n > 0 && p->endpoint[n - 1] == '/')
		n--;
	s->endpoint = strndup(p->endpoint, n);
	s->bucket = strdup(p->bucket);
	s->region = strdup(p->region);
	s->ca = p->ca != NULL ? strdup(p->ca) : NULL;
	if (asprintf(&s->sigv4, "aws:amz:%s:s3", p->region) == -1)
		s->sigv4 = NULL;
	if (asprintf(&s->userpwd, "%s:%s", p->access_key, p->secret_key) ==
	    -1)
		s->userpwd = NULL;
	s->curl = curl_easy_init();
	if (s->endpoint == NULL || s->bucket == NULL || s->region == NULL ||
	    (p->ca != NULL && s->ca == NULL) || s->sigv4 == NULL ||
	    s->userpwd == NULL || s->curl == NULL) {
		s3_free(s);
		return CUSTOS_ERR_NOMEM;
	}
	s->part_size = p->part_size;
	s->threshold = p->multipart_threshold;
	s->timeout_s = p->timeout_s != 0 ? p->timeout_s : TIMEOUT_DEFAULT;
	s->list_page = p->list_page != 0 ? p->list_page : LIST_MAX;
	*out = s;
	return 0;
}

void
s3_free(struct s3 *s)
{
	if (s == NULL)
		return;
	if (s->curl != NULL)
		curl_easy_cleanup(s->curl);
	if (s->userpwd != NULL) {
		explicit_bzero(s->userpwd, strlen(s->userpwd));
		free(s->userpwd);
	}
	free(s->endpoint);
	free(s->bucket);
	free(s->region);
	free(s->sigv4);
	free(s->ca);
	free(s);
}

/* A request struct for method on key, nothing sent, nothing kept. */
static void
req_init(struct s3_req *r, const char *method, const char *key)
{
	memset(r, 0, sizeof(*r));
	r->method = method;
	r->key = key;
	r->sha256hex = empty_sha256;
	r->in_fd = -1;
	r->out_fd = -1;
}

/* Reads exactly len bytes of fd into buf. */
static int
read_full(int fd, char *buf, size_t len, struct s3_result *res)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = read(fd, buf + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENODATA;
			snprintf(res->msg, sizeof(res->msg), "reading the "
			    "object: %s", n == 0 ? "the file ended before its "
			    "size" : strerror(errno));
			return CUSTOS_ERR_SYSTEM;
		}
		off += (size_t)n;
	}
	return 0;
}

/* The SHA-256 of the fd's next size bytes; the fd goes back after. */
static int
hash_fd(int fd, uint64_t size, uint8_t out[DIGEST_LEN],
    struct s3_result *res)
{
	struct digest *d;
	char *buf;
	off_t start;
	uint64_t done;
	size_t n;
	int rc;

	if ((start = lseek(fd, 0, SEEK_CUR)) == -1) {
		snprintf(res->msg, sizeof(res->msg), "reading the object: %s",
		    strerror(errno));
		return CUSTOS_ERR_SYSTEM;
	}
	if ((buf = malloc(1 << 20)) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = digest_new(DIGEST_SHA256, &d)) != 0) {
		free(buf);
		return rc;
	}
	for (done = 0; rc == 0 && done < size; done += n) {
		n = size - done < (1 << 20) ? (size_t)(size - done) : 1 << 20;
		if ((rc = read_full(fd, buf, n, res)) == 0)
			rc = digest_update(d, buf, n);
	}
	if (rc == 0)
		rc = digest_final(d, out);
	digest_free(d);
	free(buf);
	if (rc == 0 && lseek(fd, start, SEEK_SET) == -1) {
		snprintf(res->msg, sizeof(res->msg), "reading the object: %s",
		    strerror(errno));
		rc = CUSTOS_ERR_SYSTEM;
	}
	return rc;
}

/* One PUT of the whole object. */
static int
put_whole(struct s3 *s, const char *key, const struct src *src,
    const char *hex, struct s3_result *res)
{
	struct s3_req r;
	int rc;

	req_init(&r, "PUT", key);
	r.sha256hex = hex;
	r.meta_sha256 = hex;
	r.in_mem = src->mem;
	r.in_fd = src->fd;
	r.in_len = src->size;
	rc = s3_request(s, &r, res);
	free(r.body);
	return rc;
}

/* A multipart upload under way. */
struct upload {
	char		*id;		/* UploadId, raw */
	char		*query_id;	/* UploadId %XX-encoded */
	char		(*etags)[128];	/* each part's ETag */
	unsigned	 nparts;
	char		*buf;		/* one part, for an fd's bytes */
};

static int
mp_start(struct s3 *s, const char *key, const char *hex, struct upload *u,
    struct s3_result *res)
{
	struct s3_req r;
	int rc;

	req_init(&r, "POST", key);
	r.query = "uploads=";
	r.meta_sha256 = hex;
	r.content_type = "application/octet-stream";
	if ((rc = s3_request(s, &r, res)) == 0) {
		rc = s3_xml_upload_id(r.body, r.body_len, &u->id);
		if (rc == CUSTOS_ERR_FORMAT)
			rc = s3_bad_reply(res, "no UploadId in the reply to "
			    "the initiation of a multipart upload");
		if (rc == 0 && (u->query_id = s3_uri_encode(u->id, 0)) ==
		    NULL)
			rc = CUSTOS_ERR_NOMEM;
	}
	free(r.body);
	return rc;
}

/* Part number n (from 1) of len bytes at data, hashed and sent. */
static int
mp_part(struct s3 *s, const char *key, struct upload *u, unsigned n,
    const char *data, size_t len, struct s3_result *res)
{
	uint8_t h[DIGEST_LEN];
	char hex[2 * DIGEST_LEN + 1], *q;
	struct s3_req r;
	int rc;

	if ((rc = digest_buf(DIGEST_SHA256, data, len, h)) != 0)
		return rc;
	hex_encode(h, DIGEST_LEN, hex);
	if (asprintf(&q, "partNumber=%u&uploadId=%s", n, u->query_id) == -1)
		return CUSTOS_ERR_NOMEM;
	req_init(&r, "PUT", key);
	r.query = q;
	r.sha256hex = hex;
	r.in_mem = data;
	r.in_len = len;
	rc = s3_request(s, &r, res);
	free(r.body);
	free(q);
	if (rc != 0)
		return rc;
	if (r.etag[0] == '\0' || strpbrk(r.etag, "<>&") != NULL)
		return s3_bad_reply(res, "no usable ETag in the reply to a "
		    "part");
	memcpy(u->etags[n - 1], r.etag, sizeof(r.etag));
	u->nparts = n;
	return 0;
}

/* The CompleteMultipartUpload document of u's parts. */
static char *
mp_document(const struct upload *u, size_t *len)
{
	FILE *f;
	char *doc = NULL;
	unsigned i;

	if ((f = open_memstream(&doc, len)) == NULL)
		return NULL;
	fputs("<CompleteMultipartUpload>", f);
	for (i = 0; i < u->nparts; i++)
		fprintf(f, "<Part><PartNumber>%u</PartNumber><ETag>%s</ETag>"
		    "</Part>", i + 1, u->etags[i]);
	fputs("</CompleteMultipartUpload>", f);
	if (fclose(f) != 0) {
		free(doc);
		return NULL;
	}
	return doc;
}

static int
mp_complete(struct s3 *s, const char *key, struct upload *u,
    struct s3_result *res)
{
	uint8_t h[DIGEST_LEN];
	char hex[2 * DIGEST_LEN + 1], m[96], *doc, *q;
	struct s3_req r;
	size_t len;
	int rc;

	if ((doc = mp_document(u, &len)) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = digest_buf(DIGEST_SHA256, doc, len, h)) != 0 ||
	    asprintf(&q, "uploadId=%s", u->query_id) == -1) {
		free(doc);
		return rc != 0 ? rc : CUSTOS_ERR_NOMEM;
	}
	hex_encode(h, DIGEST_LEN, hex);
	req_init(&r, "POST", key);
	r.query = q;
	r.sha256hex = hex;
	r.content_type = "application/xml";
	r.in_mem = doc;
	r.in_len = len;
	rc = s3_request(s, &r, res);
	/* S3 may answer the completion 200 with an <Error> body. */
	if (rc == 0 && s3_xml_complete(r.body, r.body_len) != 0) {
		rc = s3_bad_reply(res, "the completion of a multipart upload "
		    "was not confirmed");
		if (r.body != NULL && s3_xml_error(r.body, r.body_len,
		    res->code, sizeof(res->code), m, sizeof(m)) == 0 &&
		    res->code[0] != '\0') {
			snprintf(res->msg, sizeof(res->msg), "HTTP %ld %s: "
			    "the completion of a multipart upload failed: %s",
			    res->http, res->code, m);
			rc = CUSTOS_ERR_BUSY;
		}
	}
	free(r.body);
	free(q);
	free(doc);
	return rc;
}

/* Aborts u, so the server drops its parts; what it says is ignored. */
static void
mp_abort(struct s3 *s, const char *key, struct upload *u)
{
	struct s3_result ignored;
	struct s3_req r;
	char *q;

	if (u->query_id == NULL || asprintf(&q, "uploadId=%s", u->query_id) ==
	    -1)
		return;
	req_init(&r, "DELETE", key);
	r.query = q;
	(void)s3_request(s, &r, &ignored);
	free(r.body);
	free(q);
}

/* The parts of src, each hashed into whole as well. */
static int
mp_parts(struct s3 *s, const char *key, const struct src *src,
    struct upload *u, struct digest *whole, struct s3_result *res)
{
	uint64_t off, len;
	const char *data;
	unsigned n;
	int rc;

	for (n = 1, off = 0; off < src->size; n++, off += len) {
		len = src->size - off < s->part_size ? src->size - off :
		    s->part_size;
		if (src->mem != NULL)
			data = src->mem + off;
		else if ((rc = read_full(src->fd, u->buf, (size_t)len, res)) ==
		    0)
			data = u->buf;
		else
			return rc;
		if ((rc = digest_update(whole, data, (size_t)len)) != 0 ||
		    (rc = mp_part(s, key, u, n, data, (size_t)len, res)) != 0)
			return rc;
	}
	return 0;
}

static int
put_multipart(struct s3 *s, const char *key, const struct src *src,
    const uint8_t sha256[DIGEST_LEN], const char *hex,
    struct s3_result *res)
{
	struct upload u;
	struct digest *whole = NULL;
	uint8_t got[DIGEST_LEN];
	uint64_t nparts = (src->size + s->part_size - 1) / s->part_size;
	int rc;

	memset(&u, 0, sizeof(u));
	if (nparts > PARTS_MAX) {
		snprintf(res->msg, sizeof(res->msg), "%llu parts needed, more "
		    "than S3's %d: raise the part size",
		    (unsigned long long)nparts, PARTS_MAX);
		return CUSTOS_ERR_TOOBIG;
	}
	if ((u.etags = calloc((size_t)nparts, sizeof(*u.etags))) == NULL ||
	    (src->mem == NULL && (u.buf = malloc((size_t)s->part_size)) ==
	    NULL)) {
		rc = CUSTOS_ERR_NOMEM;
		goto out;
	}
	if ((rc = digest_new(DIGEST_SHA256, &whole)) != 0 ||
	    (rc = mp_start(s, key, hex, &u, res)) != 0)
		goto out;
	if ((rc = mp_parts(s, key, src, &u, whole, res)) == 0 &&
	    (rc = digest_final(whole, got)) == 0 &&
	    memcmp(got, sha256, DIGEST_LEN) != 0) {
		res->http = 0;
		res->code[0] = '\0';
		snprintf(res->msg, sizeof(res->msg), "the bytes read do not "
		    "have the SHA-256 given (%.16s...): upload aborted", hex);
		rc = CUSTOS_ERR_VERIFY;
	}
	if (rc == 0)
		rc = mp_complete(s, key, &u, res);
	if (rc != 0)
		mp_abort(s, key, &u);
out:
	digest_free(whole);
	free(u.buf);
	free(u.etags);
	free(u.id);
	free(u.query_id);
	return rc;
}

static int
put_src(struct s3 *s, const char *key, const struct src *src,
    const uint8_t *sha256, struct s3_result *res)
{
	uint8_t h[DIGEST_LEN];
	char hex[2 * DIGEST_LEN + 1];
	int rc;

	if (sha256 == NULL) {
		if (src->mem != NULL)
			rc = digest_buf(DIGEST_SHA256, src->mem,
			    (size_t)src->size, h);
		else
			rc = hash_fd(src->fd, src->size, h, res);
		if (rc != 0)
			return rc;
		sha256 = h;
	}
	hex_encode(sha256, DIGEST_LEN, hex);
	if (src->size <= s->threshold)
		return put_whole(s, key, src, hex, res);
	return put_multipart(s, key, src, sha256, hex, res);
}

int
s3_put_fd(struct s3 *s, const char *key, int fd, uint64_t size,
    const uint8_t *sha256, struct s3_result *res)
{
	struct s3_result local;
	struct src src = { NULL, fd, size };

	return put_src(s, key, &src, sha256, res != NULL ? res : &local);
}

int
s3_put_mem(struct s3 *s, const char *key, const void *data, size_t len,
    struct s3_result *res)
{
	struct s3_result local;
	struct src src = { data, -1, len };

	if (len == 0)
		src.mem = "";
	return put_src(s, key, &src, NULL, res != NULL ? res : &local);
}

int
s3_head(struct s3 *s, const char *key, uint64_t *size, char sha256hex[65],
    struct s3_result *res)
{
	struct s3_result local;
	struct s3_req r;
	uint8_t h[DIGEST_LEN];
	int rc;

	req_init(&r, "HEAD", key);
	rc = s3_request(s, &r, res != NULL ? res : &local);
	free(r.body);
	if (rc != 0)
		return rc;
	*size = r.length;
	sha256hex[0] = '\0';
	if (strlen(r.meta) == 2 * DIGEST_LEN && hex_decode(r.meta,
	    2 * DIGEST_LEN, h, DIGEST_LEN) == 0)
		hex_encode(h, DIGEST_LEN, sha256hex);
	return 0;
}

int
s3_get_fd(struct s3 *s, const char *key, int fd, uint64_t *size,
    struct s3_result *res)
{
	struct s3_result local;
	struct s3_req r;
	int rc;

	req_init(&r, "GET", key);
	r.out_fd = fd;
	rc = s3_request(s, &r, res != NULL ? res : &local);
	free(r.body);
	*size = r.written;
	return rc;
}

int
s3_get_cb(struct s3 *s, const char *key,
    int (*cb)(void *arg, const void *data, size_t len), void *arg,
    uint64_t *size, struct s3_result *res)
{
	struct s3_result local;
	struct s3_req r;
	int rc;

	if (res == NULL)
		res = &local;
	req_init(&r, "GET", key);
	r.out_cb = cb;
	r.out_arg = arg;
	rc = s3_request(s, &r, res);
	free(r.body);
	*size = r.written;
	if (r.out_rc != 0) {
		/* The callback's own error, not the transfer's. */
		snprintf(res->msg, sizeof(res->msg), "GET %s: stopped by its "
		    "reader: %s", key, custos_strerror(r.out_rc));
		return r.out_rc;
	}
	return rc;
}

int
s3_delete(struct s3 *s, const char *key, struct s3_result *res)
{
	struct s3_result local;
	struct s3_req r;
	int rc;

	if (res == NULL)
		res = &local;
	req_init(&r, "DELETE", key);
	rc = s3_request(s, &r, res);
	free(r.body);
	if (rc == CUSTOS_ERR_NOTFOUND && strcmp(res->code, "NoSuchKey") == 0)
		return 0;
	return rc;
}

/* One page's query: parameters sorted by name, values encoded. */
static char *
list_query(struct s3 *s, const char *prefix, const char *token)
{
	char *p, *t = NULL, *q = NULL;

	if ((p = s3_uri_encode(prefix, 0)) == NULL ||
	    (token != NULL && (t = s3_uri_encode(token, 0)) == NULL))
		goto out;
	if (asprintf(&q, "%s%s%slist-type=2&max-keys=%u&prefix=%s",
	    t != NULL ? "continuation-token=" : "", t != NULL ? t : "",
	    t != NULL ? "&" : "", s->list_page, p) == -1)
		q = NULL;
out:
	free(p);
	free(t);
	return q;
}

/* One page: its keys to cb, *token the next page's token or NULL. */
static int
list_page(struct s3 *s, const char *prefix, char **token,
    int (*cb)(void *, const char *, uint64_t), void *arg,
    struct s3_result *res)
{
	struct s3_xml_page page;
	struct s3_req r;
	char *q;
	size_t i;
	int rc;

	req_init(&r, "GET", NULL);
	if ((q = list_query(s, prefix, *token)) == NULL)
		return CUSTOS_ERR_NOMEM;
	r.query = q;
	rc = s3_request(s, &r, res);
	free(q);
	if (rc == 0 && (rc = s3_xml_list(r.body, r.body_len, &page)) ==
	    CUSTOS_ERR_FORMAT)
		rc = s3_bad_reply(res, "the reply to ListObjectsV2 is not a "
		    "listing");
	free(r.body);
	if (rc != 0)
		return rc;
	for (i = 0; i < page.n && rc == 0; i++)
		rc = cb(arg, page.items[i].key, page.items[i].size);
	if (rc == 0 && page.truncated && *token != NULL &&
	    strcmp(*token, page.next) == 0)
		rc = s3_bad_reply(res, "ListObjectsV2 gave the same "
		    "continuation token twice");
	free(*token);
	*token = NULL;
	if (rc == 0 && page.truncated) {
		*token = page.next;
		page.next = NULL;
	}
	s3_xml_page_free(&page);
	return rc;
}

int
s3_list(struct s3 *s, const char *prefix,
    int (*cb)(void *arg, const char *key, uint64_t size), void *arg,
    struct s3_result *res)
{
	struct s3_result local;
	char *token = NULL;
	int rc;

	do
		rc = list_page(s, prefix, &token, cb, arg,
		    res != NULL ? res : &local);
	while (rc == 0 && token != NULL);
	free(token);
	return rc;
}
