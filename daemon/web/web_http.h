/*
 * web_http: the console's request parsing, with libhttp-parser: the head
 * of one HTTP/1.1 request (method, URL, the headers the console uses:
 * Range, Host, Content-Type, Content-Length, Expect) and its form body,
 * a Range header against a length, and the route table's matching
 * (web_table.c).  No sockets, TLS or libuv here, so the fuzz target
 * drives exactly the code the listener runs.
 */
#ifndef CUSTOSD_WEB_HTTP_H
#define CUSTOSD_WEB_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <http_parser.h>

#define WEB_MAX_HEAD	16384		/* request line and headers: 431 */
#define WEB_MAX_BODY	65536		/* a form: 413 */
#define WEB_MAX_URL	4096		/* 414 */
#define WEB_MAX_PARAM	256		/* a route's {parameter}, decoded */

enum web_http_state {
	WEB_HTTP_MORE = 0,	/* feed more bytes */
	WEB_HTTP_DONE,		/* one complete request; parser paused */
	WEB_HTTP_ERROR,		/* refused: status and error say why */
};

struct web_http {
	http_parser	 parser;
	enum web_http_state state;
	int		 status;	/* ERROR: the HTTP status */
	const char	*error;		/* ERROR: static one-line text */
	int		 method;	/* enum http_method */
	char		 url[WEB_MAX_URL + 1];
	size_t		 urllen;
	size_t		 headbytes;	/* counted against WEB_MAX_HEAD */
	char		 field[32];
	size_t		 fieldlen;	/* > sizeof(field) - 1: not ours */
	char		 value[512];
	size_t		 valuelen;
	int		 in_value;
	char		 range[128];	/* "" when absent */
	char		 host[256];
	char		 ctype[128];
	int		 has_length;
	uint64_t	 length;
	int		 expect;	/* Expect: 100-continue */
	int		 head_done;
	int		 keepalive;	/* DONE: the connection may stay */
	char		*body;		/* NUL-terminated, NULL when empty */
	size_t		 bodylen;
};

/* Prepares r for a request (frees what a former one held). */
void	 web_http_init(struct web_http *r);

/* Frees the body. */
void	 web_http_free(struct web_http *r);

/*
 * Parses up to len bytes; *used says how many were taken (bytes after a
 * complete request are left for the next one).  Returns the state,
 * which stays once not WEB_HTTP_MORE.
 */
enum web_http_state web_http_feed(struct web_http *r, const char *buf,
	    size_t len, size_t *used);

/*
 * Whether path matches pattern, where "*" stands for one non-empty path
 * segment, percent-decoded into param (size bytes): refused when it
 * decodes to more than size - 1 bytes, to '/', NUL or a control byte, or
 * is "." or "..".  Returns 1 match, 0 not.
 */
int	 web_http_match(const char *pattern, const char *path, char *param,
	    size_t size);

/*
 * The path of url (before "?" or "#") into buf (size bytes).  Returns
 * 0, or -1 when it does not start with "/" or is too long.
 */
int	 web_http_path(const char *url, char *buf, size_t size);

#endif
