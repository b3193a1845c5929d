/*
 * upload_req: one HTTP/1.1 request of the upload listener, from plaintext
 * bytes to a checked request, with libhttp-parser.  No sockets, TLS or
 * libuv here, so the fuzz target drives exactly the code the listener
 * runs.
 *
 * Routes (docs/upload.md):
 *	PUT   /v1/cameras/<SERIAL>/files/<NAME>	a new upload
 *	HEAD  /v1/cameras/<SERIAL>/files/<NAME>	how much of it is kept
 *	PATCH /v1/cameras/<SERIAL>/files/<NAME>	the rest, from Upload-Offset
 *	GET   /v1/checkpoint				latest signed checkpoint
 *	GET   /v1/entries/<INDEX>/receipt		tlog-proof@v1 receipt
 *
 * SERIAL is 1-64 of [A-Za-z0-9._-] starting alphanumeric.  NAME is
 * percent-decoded and must then be 1-255 bytes of UTF-8 without '/', '\\',
 * control characters or NUL, and neither "." nor "..": a name can never
 * leave the camera's directory, nor name another one.
 *
 * The parser pauses once the head is complete (upload_req_feed() returns
 * UPLOAD_REQ_HEAD), so that the caller can authorise the request before a
 * single body byte is accepted; body bytes then go to the sink.
 */
#ifndef CUSTOSD_UPLOAD_REQ_H
#define CUSTOSD_UPLOAD_REQ_H

#include <stddef.h>
#include <stdint.h>

#include <http_parser.h>

#include "custos/digest.h"

#define UPLOAD_MAX_HEAD		16384	/* request line and headers */
#define UPLOAD_MAX_URL		1024
#define UPLOAD_SERIAL_MAX	64
#define UPLOAD_NAME_MAX		255
#define UPLOAD_MAX_SIZE		(UINT64_C(64) << 30)	/* one file */

enum upload_route {
	UPLOAD_R_NONE = 0,
	UPLOAD_R_FILE,		/* /v1/cameras/S/files/N */
	UPLOAD_R_CHECKPOINT,	/* /v1/checkpoint */
	UPLOAD_R_RECEIPT,	/* /v1/entries/I/receipt */
};

enum upload_req_state {
	UPLOAD_REQ_MORE = 0,	/* feed more bytes */
	UPLOAD_REQ_HEAD,	/* head complete and checked; parser paused */
	UPLOAD_REQ_DONE,	/* message complete */
	UPLOAD_REQ_ERROR,	/* refused: status and error say why */
};

/*
 * Receives body bytes; returns 0, or non-zero to stop the request (the
 * sink sets the request's status and error with upload_req_fail()).
 */
typedef int	(*upload_sink)(void *arg, const char *buf, size_t len);

struct upload_req {
	http_parser	 parser;
	enum upload_req_state state;
	int		 status;	/* ERROR: the HTTP status to answer */
	const char	*error;		/* ERROR: static one-line text */
	int		 method;	/* enum http_method */
	enum upload_route route;
	char		 url[UPLOAD_MAX_URL + 1];
	size_t		 urllen;
	size_t		 headbytes;	/* counted against UPLOAD_MAX_HEAD */
	char		 serial[UPLOAD_SERIAL_MAX + 1];
	char		 name[UPLOAD_NAME_MAX + 1];
	uint64_t	 index;		/* RECEIPT */
	/* Headers: the current one and the ones we use. */
	char		 field[32];
	size_t		 fieldlen;	/* > sizeof(field): not ours */
	char		 value[256];
	size_t		 valuelen;
	int		 in_value;
	int		 has_length;	/* Content-Length given */
	uint64_t	 length;
	int		 chunked;
	int		 has_digest;	/* Content-Digest with sha-256 */
	uint8_t		 digest[32];
	int		 has_offset;	/* Upload-Offset */
	uint64_t	 offset;
	int		 has_total;	/* Upload-Length */
	uint64_t	 total;
	int64_t		 recorded_ms;	/* X-Recorded-At, UTC */
	int		 has_recorded;
	int		 expect;	/* Expect: 100-continue */
	unsigned	 seen;		/* bit per header: duplicates */
	uint64_t	 body;		/* body bytes passed to the sink */
	upload_sink	 sink;
	void		*sink_arg;
};

/* Prepares r for one request; sink (may be NULL: body refused) and arg. */
void	 upload_req_init(struct upload_req *r, upload_sink sink, void *arg);

/*
 * Parses up to len bytes, sets *used to the bytes consumed and returns
 * the state.  After UPLOAD_REQ_HEAD, call upload_req_resume() and feed
 * the rest (buf + *used) again.  Once DONE, the bytes left over are not
 * part of this request (one request per connection).  Once ERROR, the
 * state stays.
 */
enum upload_req_state upload_req_feed(struct upload_req *r, const char *buf,
	    size_t len, size_t *used);

/* Unpauses the parser after UPLOAD_REQ_HEAD. */
void	 upload_req_resume(struct upload_req *r);

/*
 * Sets r to ERROR with the HTTP status and static text error; the first
 * failure wins.  Returns -1, for use as a callback's "stop".
 */
int	 upload_req_fail(struct upload_req *r, int status, const char *error);

/*
 * Parses an RFC 9530 Content-Digest value: a comma-separated dictionary
 * of algorithm=:base64: members.  Sets sha256 from the "sha-256" member.
 * Returns 0, CUSTOS_ERR_NOTFOUND when well-formed without sha-256, or
 * CUSTOS_ERR_FORMAT.
 */
int	 upload_parse_digest(const char *v, size_t len, uint8_t sha256[32]);

/* Whether s (NUL-terminated) is a camera serial. */
int	 upload_serial_valid(const char *s);

#endif
