/*
 * web_html: the byte buffer every reply is built in, the escaping HTML
 * writers and the frame around every page (web_int.h).  Text that came
 * from the station (names, log payloads, an API's error) only ever
 * reaches a page through web_html(), which escapes it for element
 * content and quoted attribute values alike.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/config.h"
#include "custos/utf8.h"
#include "daemon/api/api.h"
#include "daemon/station.h"
#include "web_int.h"

/* The pages of the navigation and the roles that may open them. */
#define R(r)	(1u << (r))
static const struct {
	const char		*path;
	enum web_str_id		 name;
	unsigned		 roles;
} nav_pages[] = {
	{ "/", S_NAV_STATION, R(CONFIG_ROLE_OPERATOR) |
	    R(CONFIG_ROLE_REVIEWER) | R(CONFIG_ROLE_AUDITOR) |
	    R(CONFIG_ROLE_ADMIN) },
	{ "/inspections", S_NAV_INSPECTIONS, R(CONFIG_ROLE_OPERATOR) |
	    R(CONFIG_ROLE_REVIEWER) | R(CONFIG_ROLE_AUDITOR) |
	    R(CONFIG_ROLE_ADMIN) },
	{ "/ledger", S_NAV_LEDGER, R(CONFIG_ROLE_AUDITOR) },
	{ "/audit", S_NAV_AUDIT, R(CONFIG_ROLE_AUDITOR) },
};

void
web_buf_free(struct web_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* Room for n more bytes and the NUL; 0, or -1 (b->failed set). */
static int
reserve(struct web_buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->failed)
		return -1;
	if (n < SIZE_MAX - b->len - 1 && b->len + n + 1 <= b->cap)
		return 0;
	if (n >= SIZE_MAX / 2 - b->len) {
		b->failed = 1;
		return -1;
	}
	cap = b->cap > 0 ? b->cap : 256;
	while (cap < b->len + n + 1)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL) {
		b->failed = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void
web_buf_put(struct web_buf *b, const void *p, size_t n)
{
	if (reserve(b, n) != 0)
		return;
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_vprintf(struct web_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if (reserve(b, (size_t)n) != 0)
		return;
	(void)vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
web_buf_printf(struct web_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* web_html() of the n bytes at text. */
static void
html_n(struct web_buf *b, const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, run = 0, len;
	const char *esc;

	while (i < n) {
		esc = NULL;
		len = 1;
		switch (s[i]) {
		case '&': esc = "&amp;"; break;
		case '<': esc = "&lt;"; break;
		case '>': esc = "&gt;"; break;
		case '"': esc = "&quot;"; break;
		case '\'': esc = "&#39;"; break;
		default:
			if ((len = utf8_seq(s + i, n - i, NULL)) == 0) {
				esc = "\xef\xbf\xbd";	/* U+FFFD */
				len = 1;
			}
		}
		if (esc == NULL) {
			i += len;
			run += len;
			continue;
		}
		web_buf_put(b, s + i - run, run);
		web_buf_put(b, esc, strlen(esc));
		run = 0;
		i += len;
	}
	web_buf_put(b, s + i - run, run);
}

void
web_html(struct web_buf *b, const char *text)
{
	html_n(b, text, strlen(text));
}

void
web_htmlf(struct web_buf *b, const char *fmt, ...)
{
	struct web_buf t = { 0 };
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&t, fmt, ap);
	va_end(ap);
	if (t.failed)
		b->failed = 1;
	else if (t.p != NULL)
		web_html(b, t.p);
	web_buf_free(&t);
}

void
web_href(struct web_buf *b, const struct web_req *req, const char *path,
    const char *query)
{
	web_html(b, path);
	if (query != NULL && *query != '\0') {
		web_buf_put(b, "?", 1);
		web_html(b, query);
	}
	if (req->lang == WEB_EN)
		web_html(b, query != NULL && *query != '\0' ? "&lang=en" :
		    "?lang=en");
}

void
web_csrf_input(struct web_buf *b, const struct web_req *req)
{
	web_buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
	web_html(b, req->csrf != NULL ? req->csrf : "");
	web_buf_printf(b, "\">");
	if (req->lang == WEB_EN)
		web_buf_printf(b,
		    "<input type=\"hidden\" name=\"lang\" value=\"en\">");
}

/*
 * The link to the same page in the other language: req's query without
 * its lang parameters, with lang=en added for English.
 */
static void
lang_switch(struct web_buf *b, const struct web_req *req)
{
	const char *q = req->query != NULL ? req->query : "", *e;
	int first = 1;
	size_t n;

	web_buf_printf(b, "<a id=\"lang\" href=\"");
	web_html(b, req->path);
	for (; *q != '\0'; q = *e == '&' ? e + 1 : e) {
		e = q + strcspn(q, "&");
		n = (size_t)(e - q);
		if (n == 0 || (n >= 5 && strncmp(q, "lang=", 5) == 0) ||
		    (n == 4 && strncmp(q, "lang", 4) == 0))
			continue;
		web_buf_put(b, first ? "?" : "&amp;", first ? 1 : 5);
		first = 0;
		html_n(b, q, n);
	}
	if (req->lang != WEB_EN)
		web_html(b, first ? "?lang=en" : "&lang=en");
	web_buf_printf(b, "\" lang=\"%s\" hreflang=\"%s\">",
	    req->lang == WEB_EN ? "zh-CN" : "en",
	    req->lang == WEB_EN ? "zh-CN" : "en");
	web_html(b, WEB_S(req, S_LANG_SWITCH));
	web_buf_printf(b, "</a>");
}

static void
user_roles(struct web_buf *b, const struct web_req *req)
{
	int r, n = 0;

	web_buf_printf(b, "<span id=\"user\">");
	web_html(b, WEB_S(req, S_SIGNED_IN_AS));
	web_buf_printf(b, " <strong>");
	web_html(b, req->user != NULL ? req->user : "?");
	web_buf_printf(b, "</strong> · ");
	web_html(b, WEB_S(req, S_ROLES));
	web_buf_printf(b, " ");
	for (r = 0; r < CONFIG_NROLES; r++) {
		if ((req->roles & R(r)) == 0)
			continue;
		if (n++ > 0)
			web_buf_printf(b, ", ");
		web_html(b, api_role_name((enum config_role)r));
	}
	if (n == 0)
		web_buf_printf(b, "—");
	web_buf_printf(b, "</span>");
}

static const char *
station_name(const struct web_req *req)
{
	const struct station *st;

	if (req->web == NULL || (st = web_station(req->web)) == NULL ||
	    st->cfg == NULL || st->cfg->station_name == NULL)
		return "";
	return st->cfg->station_name;
}

void
web_page_begin(struct web_buf *b, const struct web_req *req,
    const char *nav, const char *title)
{
	size_t i;

	web_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>",
	    req->lang == WEB_EN ? "en" : "zh-CN");
	web_html(b, title);
	web_buf_printf(b, " · ");
	web_html(b, WEB_S(req, S_CONSOLE));
	web_buf_printf(b, "</title>\n");
	/*
	 * The user's form token, also for a page without a form (a script,
	 * or a test, posting in the user's name reads it here).
	 */
	if (req->csrf != NULL) {
		web_buf_printf(b, "<meta name=\"csrf-token\" content=\"");
		web_html(b, req->csrf);
		web_buf_printf(b, "\">\n");
	}
	web_buf_printf(b,
	    "<link rel=\"stylesheet\" href=\"/static/console.css\">\n"
	    "<script src=\"/static/station.js\" defer></script>\n"
	    "<script src=\"/static/player.js\" defer></script>\n"
	    "</head>\n<body>\n<header id=\"top\">\n<p class=\"brand\">");
	web_html(b, WEB_S(req, S_CONSOLE));
	if (*station_name(req) != '\0') {
		web_buf_printf(b, " <span class=\"station\">");
		web_html(b, station_name(req));
		web_buf_printf(b, "</span>");
	}
	web_buf_printf(b, "</p>\n<nav id=\"nav\" aria-label=\"");
	web_html(b, WEB_S(req, S_NAV));
	web_buf_printf(b, "\">\n<ul>\n");
	for (i = 0; i < sizeof(nav_pages) / sizeof(nav_pages[0]); i++) {
		if ((req->roles & nav_pages[i].roles) == 0)
			continue;
		web_buf_printf(b, "<li><a href=\"");
		web_href(b, req, nav_pages[i].path, "");
		web_buf_printf(b, "\"%s>", nav != NULL &&
		    strcmp(nav, nav_pages[i].path) == 0 ?
		    " aria-current=\"page\"" : "");
		web_html(b, WEB_S(req, nav_pages[i].name));
		web_buf_printf(b, "</a></li>\n");
	}
	web_buf_printf(b, "</ul>\n</nav>\n<p class=\"who\">");
	user_roles(b, req);
	web_buf_printf(b, " ");
	lang_switch(b, req);
	web_buf_printf(b, "</p>\n</header>\n<main id=\"main\">\n"
	    "<h1 id=\"h-main\">");
	web_html(b, title);
	web_buf_printf(b, "</h1>\n");
}

void
web_page_end(struct web_buf *b, const struct web_req *req)
{
	(void)req;
	web_buf_printf(b, "</main>\n</body>\n</html>\n");
}

void
web_error(const struct web_req *req, struct web_reply *rep, int status,
    const char *line)
{
	/* Whatever the page had written so far is dropped. */
	rep->body.len = 0;
	if (rep->body.p != NULL)
		rep->body.p[0] = '\0';
	rep->status = status;
	rep->type = NULL;
	web_page_begin(&rep->body, req, NULL, WEB_S(req, S_ERROR));
	web_buf_printf(&rep->body, "<p id=\"error\" role=\"alert\">");
	web_html(&rep->body, line);
	web_buf_printf(&rep->body, "</p>\n");
	web_page_end(&rep->body, req);
}

void
web_api_error(const struct web_req *req, struct web_reply *rep,
    int status, json_t *answer)
{
	const char *e;
	char line[64];

	e = json_string_value(json_object_get(answer, "error"));
	if (e == NULL) {
		(void)snprintf(line, sizeof(line), "%s (HTTP %d)",
		    WEB_S(req, S_API_FAILED), status);
		e = line;
	}
	web_error(req, rep, status, e);
}
