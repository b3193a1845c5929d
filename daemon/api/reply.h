/*
 * reply: what every control API handler uses to read a request and to
 * refuse one (docs/api.md, "Status codes").  Each function that refuses
 * sets *body to {"error": "<one line>", "rule": "<name>"} and returns the
 * HTTP status; it returns 0 when the request passes.  Nothing here appends to the log or
 * calls back into a handler.
 */
#ifndef CUSTOSD_REPLY_H
#define CUSTOSD_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "api.h"

#define REPLY_TEXT_MAX	512	/* bytes of a name, unit, basis ... */

/* Sets *body to {"error": the formatted line} and returns code. */
int	 reply_error(json_t **body, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * A refusal that applies a rule: sets *body to {"error": the formatted
 * line, "rule": rule} and returns code.  rule is a stable name
 * (docs/api.md, "Status codes") that a client may test, unlike the
 * line's words.
 */
int	 reply_refuse(json_t **body, int code, const char *rule,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A 500 for the internal failure rc while doing what, logged here. */
int	 reply_failed(json_t **body, int rc, const char *what);

/*
 * Parses the request body as a JSON object whose members are all in
 * allowed (NULL-terminated) into *obj, a new reference the caller frees.
 * Returns 0, or a 400 with *obj NULL.
 */
int	 reply_parse_body(const struct api_request *req,
	    const char *const *allowed, json_t **obj, json_t **body);

/*
 * The text member key of obj: required unless optional, a string of 1
 * to REPLY_TEXT_MAX bytes without control characters.  Returns 0 and
 * *out (borrowed from obj; NULL when an optional one is absent), or a
 * 400.
 */
int	 reply_text(json_t *obj, const char *key, int optional,
	    const char **out, json_t **body);

/*
 * reply_parse_body() with keys, then reply_text() of each key in turn
 * into v (one per key), the first nreq required and the others optional.
 * Returns 0 with *obj, which the caller frees and v borrows from, or a
 * 400 with *obj NULL.
 */
int	 reply_parse_texts(const struct api_request *req,
	    const char *const *keys, size_t nreq, json_t **obj, const char **v,
	    json_t **body);

/*
 * The optional time member key of obj, an RFC 3339 time, or now when
 * absent: sets *ms and writes it into buf (RFC3339_LEN bytes) as entries
 * write times, in UTC.  Returns 0 or a 400.
 */
int	 reply_time(json_t *obj, const char *key, char *buf, size_t len,
	    int64_t *ms, json_t **body);

/*
 * Sets the member key of j to the string s, an optional member: nothing
 * when s is NULL (or j is, memory having run out).
 */
void	 reply_set_opt(json_t *j, const char *key, const char *s);

/*
 * Sets the member key of j to v, taking v: it is dropped when j is NULL
 * (memory having run out).
 */
void	 reply_set_new(json_t *j, const char *key, json_t *v);

/*
 * Copies the value of "key=VALUE" in the &-separated query (not decoded)
 * into buf of len bytes, cut to fit.  Returns 1 if the key is there,
 * else 0.
 */
int	 reply_query_value(const char *query, const char *key, char *buf,
	    size_t len);

/* 1 if every &-separated member of query is "KEY=..." with KEY in keys
 * (NULL-terminated), else 0. */
int	 reply_query_only(const char *query, const char *const *keys);

#endif
