/*
 * cli_witness_http: one HTTP/1.1 request of a witness client, parsed by
 * libhttp-parser, answered and logged.
 *
 *	POST /add-checkpoint		tlog-witness add-checkpoint
 *	GET /<origin hash>/checkpoint	tlog-witness monitor retrieval
 *
 * Every reply closes the connection: the server handles one connection at
 * a time, so a client idling on a kept-alive one would hold the others
 * off (keep-alive is a SHOULD of the specification that a bureau's few
 * stations, each sending a checkpoint every few minutes, do not need).
 */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <http_parser.h>

#include "custos/util.h"
#include "custos/witness.h"
#include "cli_witness_int.h"

#define URL_MAX		256
/* The request line and headers together; curl sends a few hundred. */
#define HEAD_MAX	(16 * 1024)
#define T_PLAIN		"text/plain; charset=utf-8"

struct conn {
	int		 fd;
	http_parser	 p;
	char		 url[URL_MAX];
	size_t		 urllen;
	char		*body;
	size_t		 bodylen;
	size_t		 headlen;
	char		 field[16];	/* the current header's name */
	size_t		 fieldlen;
	int		 in_value;
	int		 expect;	/* "Expect: 100-continue" was sent */
	int		 complete;
	int		 status;	/* an error found while reading */
	const char	*why;
	const char	*allow;		/* the Allow header of a 405 */
};

static int
stop(struct conn *c, int status, const char *why)
{
	c->status = status;
	c->why = why;
	return 1;
}

static int
on_url(http_parser *p, const char *at, size_t len)
{
	struct conn	*c = p->data;

	if (len >= sizeof(c->url) - c->urllen)
		return stop(c, 414, "URL too long");
	memcpy(c->url + c->urllen, at, len);
	c->urllen += len;
	c->url[c->urllen] = '\0';
	return 0;
}

/* Keeps the start of each header's name, to find "Expect". */
static int
on_field(http_parser *p, const char *at, size_t len)
{
	struct conn	*c = p->data;
	size_t		 n;

	if (c->in_value) {
		c->fieldlen = 0;
		c->in_value = 0;
	}
	n = sizeof(c->field) - 1 - c->fieldlen;
	if (len < n)
		n = len;
	memcpy(c->field + c->fieldlen, at, n);
	c->fieldlen += n;
	c->field[c->fieldlen] = '\0';
	return 0;
}

static int
on_value(http_parser *p, const char *at, size_t len)
{
	struct conn	*c = p->data;

	c->in_value = 1;
	if (strcasecmp(c->field, "expect") == 0 && len == 12 &&
	    strncasecmp(at, "100-continue", 12) == 0)
		c->expect = 1;
	return 0;
}

static int
on_headers_complete(http_parser *p)
{
	struct conn	*c = p->data;

	if ((p->flags & F_CONTENTLENGTH) != 0 &&
	    p->content_length > WITNESS_MAX_BODY) {
		stop(c, 413, "request body too large");
		return -1;	/* 1 would mean "no body", not stop */
	}
	return 0;
}

static int
on_body(http_parser *p, const char *at, size_t len)
{
	struct conn	*c = p->data;
	char		*nb;

	if (len > WITNESS_MAX_BODY - c->bodylen)
		return stop(c, 413, "request body too large");
	if ((nb = realloc(c->body, c->bodylen + len + 1)) == NULL)
		return stop(c, 500, "out of memory");
	c->body = nb;
	memcpy(c->body + c->bodylen, at, len);
	c->bodylen += len;
	c->body[c->bodylen] = '\0';
	return 0;
}

static int
on_complete(http_parser *p)
{
	struct conn	*c = p->data;

	c->complete = 1;
	return 1;	/* one request per connection */
}

static const http_parser_settings settings = {
	.on_url = on_url,
	.on_header_field = on_field,
	.on_header_value = on_value,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_complete,
};

static const char *
reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 422: return "Unprocessable Entity";
	}
	return "Internal Server Error";
}

static void
respond(int fd, int status, const char *type, const char *body, size_t len,
    const char *extra)
{
	char	 head[512];
	int	 n;

	n = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\n"
	    "Content-Type: %s\r\nContent-Length: %zu\r\n%s"
	    "Connection: close\r\n\r\n", status, reason(status), type, len,
	    extra != NULL ? extra : "");
	/* A client that went away gets nothing; the request was logged. */
	if (util_write_all(fd, head, (size_t)n) == 0 && len > 0)
		(void)util_write_all(fd, body, len);
}

/* Seconds left before the connection's deadline, at least 0. */
static int
left(const struct timespec *deadline)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec >= deadline->tv_sec)
		return 0;
	return (int)(deadline->tv_sec - now.tv_sec);
}

/* Reads until a whole request is parsed or an error; 0 or an HTTP status. */
static int
read_request(struct conn *c)
{
	struct timespec	 deadline;
	struct pollfd	 pfd = { c->fd, POLLIN, 0 };
	char		 buf[4096];
	ssize_t		 n;
	size_t		 parsed;
	int		 t, sent_continue = 0;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += WITNESS_CONN_TIMEOUT;
	while (!c->complete) {
		if ((t = left(&deadline)) > WITNESS_IO_TIMEOUT)
			t = WITNESS_IO_TIMEOUT;
		if (t == 0 || poll(&pfd, 1, t * 1000) == 0)
			return stop(c, 408, "request timed out"), 408;
		if ((n = read(c->fd, buf, sizeof(buf))) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return stop(c, 400, "read failed"), 400;
		}
		parsed = http_parser_execute(&c->p, &settings, buf, (size_t)n);
		if (c->status != 0)
			return c->status;
		if (!c->complete && (parsed != (size_t)n || n == 0))
			return stop(c, 400, n == 0 ? "connection closed "
			    "before the request ended" :
			    http_errno_description(HTTP_PARSER_ERRNO(&c->p))),
			    400;
		if (c->p.nread > HEAD_MAX)
			return stop(c, 400, "request head too large"), 400;
		if (c->expect && !sent_continue && !c->complete) {
			sent_continue = 1;
			(void)util_write_all(c->fd,
			    "HTTP/1.1 100 Continue\r\n\r\n", 25);
		}
	}
	return 0;
}

static void
log_line(const char *peer, const struct conn *c, int status,
    const struct witness_reply *r)
{
	fprintf(stderr, "custos witness: %s %s %s", peer,
	    http_method_str((enum http_method)c->p.method),
	    c->urllen > 0 && c->urllen < 96 && strspn(c->url,
	    "abcdefghijklmnopqrstuvwxyz0123456789/-_.") == c->urllen ?
	    c->url : "-");
	if (r != NULL && r->origin[0] != '\0')
		fprintf(stderr, " origin=%s old=%llu size=%llu", r->origin,
		    (unsigned long long)r->old, (unsigned long long)r->size);
	/* The state is read only once the request and signature pass. */
	if (r != NULL && r->origin[0] != '\0' &&
	    (status == 200 || status == 409 || status == 422))
		fprintf(stderr, " stored=%llu", (unsigned long long)r->stored);
	fprintf(stderr, " status=%d: %s\n", status,
	    r != NULL ? r->msg : c->why != NULL ? c->why : reason(status));
}

/* Dispatches a parsed request; fills *r or returns an HTTP status. */
static int
route(struct witness *w, struct conn *c, struct witness_reply *r)
{
	char	 hex[65];
	int	 isget = c->p.method == HTTP_GET;

	if (strcmp(c->url, "/add-checkpoint") == 0) {
		c->allow = "Allow: POST\r\n";
		if (c->p.method != HTTP_POST)
			return 405;
		return witness_add_checkpoint(w, c->body != NULL ? c->body : "",
		    c->bodylen, (uint64_t)time(NULL), r) == 0 ? 0 : 500;
	}
	if (c->urllen == 1 + 64 + 11 &&
	    strcmp(c->url + 65, "/checkpoint") == 0 && c->url[0] == '/') {
		c->allow = "Allow: GET\r\n";
		if (!isget)
			return 405;
		memcpy(hex, c->url + 1, 64);
		hex[64] = '\0';
		return witness_checkpoint(w, hex, r) == 0 ? 0 : 500;
	}
	return 404;
}

/*
 * After an error reply to a request that was not read to its end, reads
 * and drops what the client still sends (for a second, at most
 * WITNESS_MAX_BODY bytes), so that closing the socket with unread data
 * does not reset the connection before the client has read the reply.
 */
static void
drain(int fd)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	char		 buf[4096];
	size_t		 total = 0;
	ssize_t		 n;

	if (shutdown(fd, SHUT_WR) != 0)
		return;
	while (total < WITNESS_MAX_BODY && poll(&pfd, 1, 1000) > 0) {
		if ((n = read(fd, buf, sizeof(buf))) <= 0)
			break;
		total += (size_t)n;
	}
}

void
witness_http_serve(struct witness *w, int fd, const char *peer)
{
	struct conn		 c;
	struct witness_reply	 r;
	struct timeval		 tv = { WITNESS_IO_TIMEOUT, 0 };
	char			 text[128];
	int			 status;

	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	/* A client that does not read its reply cannot hold the server. */
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	c.fd = fd;
	http_parser_init(&c.p, HTTP_REQUEST);
	c.p.data = &c;
	if ((status = read_request(&c)) == 0)
		status = route(w, &c, &r);
	if (status == 0) {
		respond(fd, r.status, r.content_type, r.body, r.bodylen, NULL);
		log_line(peer, &c, r.status, &r);
	} else {
		if (status == 405)
			c.why = "method not allowed";
		else if (status == 404)
			c.why = "no such resource";
		snprintf(text, sizeof(text), "%s\n", c.why != NULL ? c.why :
		    reason(status));
		respond(fd, status, T_PLAIN, text, strlen(text),
		    status == 405 ? c.allow : NULL);
		log_line(peer, &c, status, NULL);
		if (!c.complete)
			drain(fd);
	}
	witness_reply_clear(&r);
	free(c.body);
}
