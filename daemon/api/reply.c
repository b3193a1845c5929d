/*
 * reply: reading and refusing control API requests, shared by every
 * handler so that the same mistake gets the same answer on every route.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "custos/err.h"
#include "custos/rfc3339.h"
#include "daemon/journal.h"
#include "daemon/summary.h"
#include "reply.h"

/* The answer {"error": MSG} with "rule" when rule is not NULL. */
static int
vreply(json_t **body, int code, const char *rule, const char *fmt,
    va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	*body = rule != NULL ? json_pack("{s:s, s:s}", "error", msg, "rule",
	    rule) : json_pack("{s:s}", "error", msg);
	return code;
}

int
reply_error(json_t **body, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = vreply(body, code, NULL, fmt, ap);
	va_end(ap);
	return code;
}

int
reply_refuse(json_t **body, int code, const char *rule, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = vreply(body, code, rule, fmt, ap);
	va_end(ap);
	return code;
}

/* An internal failure, logged here where the policy is decided. */
int
reply_failed(json_t **body, int rc, const char *what)
{
	log_warnx_r(rc, "control: %s", what);
	return reply_error(body, 500, "%s: %s", what, custos_strerror(rc));
}

int
reply_parse_body(const struct api_request *req, const char *const *allowed,
    json_t **obj, json_t **body)
{
	json_error_t e;
	const char *key;
	json_t *v;
	size_t i;

	*obj = NULL;
	if (req->body == NULL)
		return reply_refuse(body, 400, "body_json", "request body "
		    "must be a JSON object");
	*obj = json_loadb(req->body, req->bodylen, JSON_REJECT_DUPLICATES, &e);
	if (!json_is_object(*obj)) {
		json_decref(*obj);
		*obj = NULL;
		return reply_refuse(body, 400, "body_json", "request body is "
		    "not a JSON object: %s", e.text);
	}
	json_object_foreach(*obj, key, v) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL) {
			json_decref(*obj);
			*obj = NULL;
			return reply_refuse(body, 400, "field_unknown",
			    "unknown field \"%s\"", key);
		}
	}
	return 0;
}

int
reply_text(json_t *obj, const char *key, int optional, const char **out,
    json_t **body)
{
	json_t *v = json_object_get(obj, key);
	const unsigned char *s;
	size_t n;

	*out = NULL;
	if (v == NULL && optional)
		return 0;
	if (v == NULL)
		return reply_refuse(body, 400, "field_missing",
		    "missing field \"%s\"", key);
	if (!json_is_string(v))
		return reply_refuse(body, 400, "field_type",
		    "field \"%s\" must be a string", key);
	n = json_string_length(v);
	if (n == 0 || n > REPLY_TEXT_MAX)
		return reply_refuse(body, 400, "field_length", "field \"%s\" "
		    "must have 1 to %d bytes", key, REPLY_TEXT_MAX);
	for (s = (const unsigned char *)json_string_value(v); *s; s++)
		if (*s < 0x20 || *s == 0x7f)
			return reply_refuse(body, 400, "field_text", "field "
			    "\"%s\" contains a control character", key);
	*out = json_string_value(v);
	return 0;
}

int
reply_parse_texts(const struct api_request *req, const char *const *keys,
    size_t nreq, json_t **obj, const char **v, json_t **body)
{
	size_t i;
	int code;

	if ((code = reply_parse_body(req, keys, obj, body)) != 0)
		return code;
	for (i = 0; keys[i] != NULL; i++)
		if ((code = reply_text(*obj, keys[i], i >= nreq, &v[i],
		    body)) != 0) {
			json_decref(*obj);
			*obj = NULL;
			return code;
		}
	return 0;
}

int
reply_time(json_t *obj, const char *key, char *buf, size_t len, int64_t *ms,
    json_t **body)
{
	const char *s;
	int code;

	if ((code = reply_text(obj, key, 1, &s, body)) != 0)
		return code;
	if (s == NULL)
		*ms = summary_now_ms();
	else if (rfc3339_parse(s, ms) != 0)
		return reply_refuse(body, 400, "time_format", "%s \"%s\" is "
		    "not an RFC 3339 time such as 2026-11-26T10:00:00+08:00",
		    key, s);
	rfc3339_format(*ms, buf, len);
	return 0;
}

int
reply_query_value(const char *query, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key), vl;
	const char *p = query;

	while (*p != '\0') {
		vl = strcspn(p, "&");
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			snprintf(buf, len, "%.*s", (int)(vl - kl - 1),
			    p + kl + 1);
			return 1;
		}
		p += vl;
		if (*p == '&')
			p++;
	}
	return 0;
}

int
reply_query_only(const char *query, const char *const *keys)
{
	const char *p = query;
	size_t vl, kl, k;

	while (*p != '\0') {
		vl = strcspn(p, "&");
		for (k = 0; keys[k] != NULL; k++) {
			kl = strlen(keys[k]);
			if (vl > kl && strncmp(p, keys[k], kl) == 0 &&
			    p[kl] == '=')
				break;
		}
		if (keys[k] == NULL)
			return 0;
		p += vl;
		if (*p == '&')
			p++;
	}
	return 1;
}

void
reply_set_opt(json_t *j, const char *key, const char *s)
{
	if (j != NULL && s != NULL)
		json_object_set_new(j, key, json_string(s));
}

void
reply_set_new(json_t *j, const char *key, json_t *v)
{
	if (j != NULL)
		json_object_set_new(j, key, v);
	else
		json_decref(v);
}
