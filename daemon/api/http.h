/*
 * http: turns the bytes of one HTTP/1.1 request into method, path and
 * body with libhttp-parser.  No libuv and no sockets here, so the fuzz
 * target drives exactly the code the control socket runs.
 */
#ifndef CUSTOSD_HTTP_H
#define CUSTOSD_HTTP_H

#include <stddef.h>

#include <http_parser.h>

#define HTTP_MAX_URL	1024
#define HTTP_MAX_BODY	65536	/* bytes of request body */
#define HTTP_MAX_DOCUMENT (64UL << 20)	/* for routes that take files */

enum http_state {
	HTTP_MORE = 0,		/* feed more bytes */
	HTTP_DONE = 1,		/* one complete request */
	HTTP_BAD = 2,		/* malformed: 400 */
	HTTP_URL_TOO_LONG = 3,	/* 414 */
	HTTP_BODY_TOO_LARGE = 4,	/* 413 */
};

struct http_request {
	http_parser	 parser;
	int		 method;	/* enum http_method */
	char		 url[HTTP_MAX_URL];
	size_t		 urllen;
	char		*body;		/* NUL-terminated, NULL when empty */
	size_t		 bodylen;
	size_t		 bodycap;	/* bytes allocated for body */
	size_t		 maxbody;	/* limit; HTTP_MAX_BODY by default */
	/*
	 * Called once the head is complete (url and method are set) to
	 * choose this request's body limit; NULL keeps HTTP_MAX_BODY.
	 */
	size_t		(*body_limit)(const struct http_request *r);
	int		 head_done;	/* the headers are complete */
	enum http_state	 state;
};

/* Prepares r for a new request; free what it collects with http_free(). */
void	 http_init(struct http_request *r);

/*
 * Parses the next len bytes of the request.  Returns HTTP_MORE until the
 * request is complete (HTTP_DONE) or refused (one of the other states);
 * bytes after a complete request are ignored (one request per
 * connection).  Once not HTTP_MORE, the state stays.
 */
enum http_state http_feed(struct http_request *r, const char *buf,
	    size_t len);

/* The path of the URL: everything before '?' or '#'. */
void	 http_path(const struct http_request *r, char *buf, size_t len);

/* Frees the body; r may be fed again only after http_init(). */
void	 http_free(struct http_request *r);

#endif
