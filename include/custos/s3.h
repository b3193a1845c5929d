/*
 * s3: a client of S3-compatible object storage (Ceph RGW, MinIO, any
 * cloud that speaks S3), over libcurl with AWS Signature Version 4
 * (docs/replication.md).
 *
 * Every request carries a signed payload hash (x-amz-content-sha256), so
 * the server itself refuses bytes that do not match what was signed: for
 * a whole-object PUT that hash is the object's SHA-256.  Bodies are
 * streamed from and to file descriptors; memory stays bounded by one part
 * of a multipart upload whatever the object's size.
 *
 * Blocking: each call runs its requests to the end (or the timeout).  The
 * daemon calls it from its thread pool, one struct s3 per thread at a
 * time (a struct s3 is not shared between threads while a call runs).
 */
#ifndef CUSTOS_S3_H
#define CUSTOS_S3_H

#include <stddef.h>
#include <stdint.h>

struct s3;

/* Where and how to reach the bucket; the strings are copied by s3_new(). */
struct s3_params {
	const char	*endpoint;	/* "https://host[:port]" or "http://..."
					   (path-style requests:
					   ENDPOINT/BUCKET/KEY) */
	const char	*bucket;
	const char	*region;	/* e.g. "us-east-1" */
	const char	*access_key;
	const char	*secret_key;	/* wiped by s3_free() */
	const char	*ca;		/* CA file for https, or NULL for the
					   system's */
	uint64_t	 part_size;	/* multipart part size, >= 5 MiB */
	uint64_t	 multipart_threshold;	/* objects larger than this go
					   in parts */
	long		 timeout_s;	/* per request: seconds without any
					   progress (a dead server or
					   network) before it is given up;
					   0: a default (60) */
	unsigned	 list_page;	/* keys per ListObjectsV2 page,
					   1-1000; 0: 1000 (tests lower it
					   to walk several pages) */
};

/*
 * What one call ended with, for the operator: the HTTP status (0 when no
 * reply came), the S3 error code of the reply's XML body when there was
 * one ("SignatureDoesNotMatch", "XAmzContentSHA256Mismatch",
 * "NoSuchBucket", ...; else "") and one line saying what happened
 * ("server down: Failed to connect to 127.0.0.1 port 9 ...",
 * "HTTP 403 SignatureDoesNotMatch: check the replica credentials").
 */
struct s3_result {
	long		 http;
	char		 code[64];
	char		 msg[256];
};

/*
 * A new client: 0 and *out (free with s3_free()), CUSTOS_ERR_INVALID for
 * a missing or malformed parameter (an endpoint that is not http(s)://,
 * a part size under 5 MiB), CUSTOS_ERR_NOMEM.  A program with threads
 * calls curl_global_init() before it starts them.
 */
int	 s3_new(const struct s3_params *p, struct s3 **out);
void	 s3_free(struct s3 *s);

/*
 * Uploads size bytes read from fd (from its current offset; fd is not
 * closed) as key.  sha256 is the bytes' SHA-256 when the caller knows it
 * (the content address in the default profile), or NULL: then it is
 * computed by a first read of the bytes (fd must be seekable).  Objects
 * up to multipart_threshold go in one PUT whose signed payload hash is
 * that SHA-256; larger ones go in parts, each part read into one buffer
 * of part_size, hashed and sent with its own signed payload hash, then
 * completed (an upload that fails is aborted).  Either way the object
 * gets the metadata x-amz-meta-sha256 = the hex SHA-256 of the whole.
 *
 * Returns 0 only when the server acknowledged the object (HTTP 200 to the
 * PUT or to the completion); else CUSTOS_ERR_VERIFY (the server refused
 * the payload hash: the bytes read were not the bytes hashed),
 * CUSTOS_ERR_KEY (403: refused credentials or signature),
 * CUSTOS_ERR_NOTFOUND (no such bucket), CUSTOS_ERR_SYSTEM (reading fd;
 * errno), CUSTOS_ERR_BUSY (no reply: the server is down or timed out,
 * or a 5xx; worth a retry), CUSTOS_ERR_FORMAT (a reply that makes no
 * sense), CUSTOS_ERR_INVALID (another 4xx: the server refused the
 * request), CUSTOS_ERR_NOMEM.  res (may be NULL) says more.  With
 * multipart, a given sha256 is also checked against the bytes read
 * before the upload is completed (CUSTOS_ERR_VERIFY, the upload
 * aborted): the server checks each part's hash, not the whole's.
 */
int	 s3_put_fd(struct s3 *s, const char *key, int fd, uint64_t size,
	    const uint8_t *sha256, struct s3_result *res);

/* s3_put_fd() of len bytes in memory (tiles, checkpoints). */
int	 s3_put_mem(struct s3 *s, const char *key, const void *data,
	    size_t len, struct s3_result *res);

/*
 * The object's size and, when it has the metadata, the SHA-256 s3_put_fd()
 * stored (sha256hex, 65 bytes, "" without): 0, CUSTOS_ERR_NOTFOUND (no
 * such key), or an error as s3_put_fd()'s.
 */
int	 s3_head(struct s3 *s, const char *key, uint64_t *size,
	    char sha256hex[65], struct s3_result *res);

/*
 * Writes the object's bytes to fd (at its current offset) as they arrive;
 * *size gets the number written.  0, CUSTOS_ERR_NOTFOUND, or an error as
 * s3_put_fd()'s (CUSTOS_ERR_SYSTEM: writing fd).
 */
int	 s3_get_fd(struct s3 *s, const char *key, int fd, uint64_t *size,
	    struct s3_result *res);

/*
 * s3_get_fd() handing the bytes to cb as they arrive instead (len > 0
 * each time; data valid during the call): cb returns 0 to go on or an
 * error, which stops the transfer and is returned.  *size gets the
 * number of bytes cb took.
 */
int	 s3_get_cb(struct s3 *s, const char *key,
	    int (*cb)(void *arg, const void *data, size_t len), void *arg,
	    uint64_t *size, struct s3_result *res);

/* Deletes key (no error when it did not exist): 0 or an error. */
int	 s3_delete(struct s3 *s, const char *key, struct s3_result *res);

/*
 * Calls cb for every key under prefix, in the server's (lexical) order,
 * page after page (ListObjectsV2).  cb returns 0 to go on or an error,
 * which stops the listing and is returned.  0 or an error.
 */
int	 s3_list(struct s3 *s, const char *prefix,
	    int (*cb)(void *arg, const char *key, uint64_t size), void *arg,
	    struct s3_result *res);

#endif
