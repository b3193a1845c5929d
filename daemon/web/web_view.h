/*
 * web_view: small writers the station, inspections, ledger and audit
 * pages share (web_view.c): times, byte counts, a code's label and a
 * control API call whose refusal becomes the page.
 */
#ifndef CUSTOSD_WEB_VIEW_H
#define CUSTOSD_WEB_VIEW_H

#include <stdint.h>

#include <jansson.h>

#include "web_int.h"

/*
 * Writes the RFC 3339 UTC time t as <time datetime=t>: Beijing time
 * "YYYY-MM-DD hh:mm:ss" in Chinese, the UTC time with " UTC" in
 * English; "—" when t is NULL, and t escaped as is when it does not
 * parse.
 */
void	 web_view_time(struct web_buf *b, const struct web_req *req,
	    const char *t);

/*
 * The same as plain text into buf (len bytes; 64 is enough), for an
 * attribute or an SVG <title>: returns buf.
 */
const char *web_view_time_text(const struct web_req *req, const char *t,
	    char *buf, size_t len);

/* A column header <th scope="col"> of string id, with class cls (NULL:
 * none). */
void	 web_view_th(struct web_buf *b, const struct web_req *req,
	    enum web_str_id id, const char *cls);

/* Whether s is "" (no date asked for) or a YYYY-MM-DD date. */
int	 web_view_date_ok(const char *s);

/* Writes n bytes the way people read it: "512 B", "1.5 GiB". */
void	 web_view_bytes(struct web_buf *b, uint64_t n);

/* A code and the string that shows it; a table ends with code NULL. */
struct web_label {
	const char		*code;
	enum web_str_id		 id;
};

/*
 * The text of code in table, or code itself when the table has no row
 * for it ("" for NULL).
 */
const char *web_view_label(const struct web_req *req,
	    const struct web_label *table, const char *code);

/*
 * The control API's GET path?query in req's user's name: 0 and *out (a
 * new reference), or -1 with rep already the error page showing the
 * API's refusal (403, 404, 500 ...).
 */
int	 web_view_get(const struct web_req *req, struct web_reply *rep,
	    const char *path, const char *query, json_t **out);

/*
 * Writes the escaped href of inspection id's page, /inspections/ID with
 * ID percent-encoded, keeping req's language.
 */
void	 web_view_inspection_href(struct web_buf *b, const struct web_req *req,
	    const char *id);

/* The member key of o as a string, or NULL. */
const char *web_view_str(const json_t *o, const char *key);

#endif
