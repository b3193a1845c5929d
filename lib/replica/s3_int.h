/*
 * s3_int: the parsers of the S3 client's XML replies (s3_xml.c, over
 * libxml2), shared by lib/replica/s3*.c and the fuzz target.  Every
 * reply is untrusted: a parser returns CUSTOS_ERR_FORMAT for anything
 * that is not the document it expects, and never loads a DTD, an
 * external entity or the network.  Private to lib/replica/.
 */
#ifndef CUSTOS_S3_INT_H
#define CUSTOS_S3_INT_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "custos/s3.h"

#define S3_XML_MAX	(4 << 20)	/* bytes of a reply body parsed */
#define S3_ID_MAX	1024		/* an upload id or continuation token */

/* A client (s3.c); the strings are its own copies. */
struct s3 {
	char		*endpoint;	/* without a trailing '/' */
	char		*bucket;
	char		*region;
	char		*sigv4;		/* "aws:amz:REGION:s3" */
	char		*userpwd;	/* "ACCESS:SECRET", wiped by s3_free */
	char		*ca;		/* or NULL */
	uint64_t	 part_size;
	uint64_t	 threshold;
	long		 timeout_s;
	unsigned	 list_page;
	CURL		*curl;		/* reused: its connections stay open */
};

/*
 * One request (s3_req.c).  The caller fills the first part; s3_request()
 * fills the second.  A body comes from in_mem (in_len bytes) or, when
 * in_mem is NULL and in_len is not 0, from in_fd; a 2xx reply's body goes
 * to out_fd, or is kept in body when out_fd is -1.  An error reply's body
 * is always kept, for its <Error>.
 */
struct s3_req {
	const char	*method;	/* GET, HEAD, PUT, POST, DELETE */
	const char	*key;		/* the object's key */
	const char	*query;		/* canonical (sorted, "k=v",
					   %XX-encoded), or NULL */
	const char	*sha256hex;	/* the body's hash, signed */
	const char	*meta_sha256;	/* x-amz-meta-sha256, or NULL */
	const char	*content_type;	/* or NULL */
	const char	*in_mem;
	uint64_t	 in_len;
	int		 in_fd;
	int		 out_fd;
	/* When set, a 2xx reply's body goes to out_cb instead of out_fd. */
	int		(*out_cb)(void *, const void *, size_t);
	void		*out_arg;
	int		 out_rc;	/* what out_cb returned, when not 0 */

	long		 http;		/* the status, 0: no reply */
	char		 etag[128];	/* the ETag header, "" without */
	char		 meta[65];	/* x-amz-meta-sha256, "" without */
	uint64_t	 length;	/* a HEAD's Content-Length */
	char		*body;		/* malloc()ed, or NULL */
	size_t		 body_len;
	uint64_t	 written;	/* bytes written to out_fd */
	int		 io_errno;	/* reading in_fd or writing out_fd */
	const char	*io_what;	/* what failed: "reading", "writing" */
	int		 too_big;	/* the reply body passed its limit */
	CURL		*curl;		/* the handle, for the callbacks */
	off_t		 in_start;	/* in_fd's offset at the start */
	uint64_t	 in_pos;	/* bytes of the body sent */
};

/*
 * Sends r (s3_req.c).  Returns 0 for a 2xx reply; else the error the
 * reply or the failure maps to (include/custos/s3.h) with res filled.
 * r->body is the caller's to free() whatever the result.
 */
int	 s3_request(struct s3 *s, struct s3_req *r, struct s3_result *res);

/*
 * The error of a reply that is not what it should be (status 2xx, body
 * of the wrong kind): sets res and returns CUSTOS_ERR_FORMAT.
 */
int	 s3_bad_reply(struct s3_result *res, const char *what);

/*
 * in percent-encoded as SigV4 wants (every byte but A-Z a-z 0-9 - _ . ~,
 * and '/' when keep_slash), malloc()ed, or NULL.
 */
char	*s3_uri_encode(const char *in, int keep_slash);

/* One key of a ListObjectsV2 page. */
struct s3_xml_item {
	char		*key;
	uint64_t	 size;
};

/* A ListObjectsV2 page. */
struct s3_xml_page {
	struct s3_xml_item *items;
	size_t		 n;
	int		 truncated;	/* IsTruncated is "true" */
	char		*next;		/* NextContinuationToken, or NULL */
};

/*
 * An <Error> body: 0 with code (the <Code>, "" without one; codesz
 * bytes) and msg (the <Message>, may be ""; msgsz bytes), both cut to fit
 * and stripped of control characters; CUSTOS_ERR_FORMAT when buf is not
 * an <Error> document.
 */
int	 s3_xml_error(const char *buf, size_t len, char *code, size_t codesz,
	    char *msg, size_t msgsz);

/*
 * An <InitiateMultipartUploadResult>: 0 and *id (its UploadId, at most
 * S3_ID_MAX bytes, free()), CUSTOS_ERR_FORMAT, CUSTOS_ERR_NOMEM.
 */
int	 s3_xml_upload_id(const char *buf, size_t len, char **id);

/*
 * The body of a completion's 200 reply: 0 when it is a
 * <CompleteMultipartUploadResult>; CUSTOS_ERR_FORMAT otherwise (S3 may
 * answer 200 with an <Error> body: s3_xml_error() reads it).
 */
int	 s3_xml_complete(const char *buf, size_t len);

/*
 * A <ListBucketResult> (ListObjectsV2): 0 and *page (free with
 * s3_xml_page_free()), CUSTOS_ERR_FORMAT (not that document, a key
 * without a size, a size that is not a number, a truncated page without
 * a token), CUSTOS_ERR_NOMEM.
 */
int	 s3_xml_list(const char *buf, size_t len, struct s3_xml_page *page);
void	 s3_xml_page_free(struct s3_xml_page *page);

#endif
