/*
 * web_view: writers shared by the station, inspections, ledger and audit
 * pages (web_view.h).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <http_parser.h>
#include <jansson.h>

#include "custos/calendar.h"
#include "custos/rfc3339.h"
#include "custos/timeline.h"
#include "web_int.h"
#include "web_view.h"

void
web_view_inspection_href(struct web_buf *b, const struct web_req *req,
    const char *id)
{
	struct web_buf path = { 0 };
	char enc[4];

	web_buf_printf(&path, "/inspections/");
	for (; *id != '\0'; id++) {
		if (isalnum((unsigned char)*id) || strchr("-._~", *id) != NULL)
			web_buf_put(&path, id, 1);
		else {
			(void)snprintf(enc, sizeof(enc), "%%%02X",
			    (unsigned char)*id);
			web_buf_put(&path, enc, 3);
		}
	}
	if (path.failed)
		b->failed = 1;
	else
		web_href(b, req, path.p, "");
	web_buf_free(&path);
}

const char *
web_view_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

const char *
web_view_time_text(const struct web_req *req, const char *t, char *buf,
    size_t len)
{
	int64_t ms;

	if (t == NULL || rfc3339_parse(t, &ms) != 0) {
		snprintf(buf, len, "%s", t != NULL ? t : "—");
		return buf;
	}
	if (req->lang == WEB_EN) {
		/* "2026-02-13T02:00:00.000Z" → "2026-02-13 02:00:00 UTC" */
		rfc3339_format(ms, buf, len);
		if (strlen(buf) >= 19) {
			buf[10] = ' ';
			snprintf(buf + 19, len - 19, " %s",
			    WEB_S(req, S_UTC));
		}
	} else
		/* Beijing time, as the ledger and the CLI show it. */
		timeline_beijing(ms, buf, len);
	return buf;
}

void
web_view_time(struct web_buf *b, const struct web_req *req, const char *t)
{
	char buf[64];
	int64_t ms;

	if (t == NULL) {
		web_buf_printf(b, "—");
		return;
	}
	if (rfc3339_parse(t, &ms) != 0) {
		web_html(b, t);
		return;
	}
	web_buf_printf(b, "<time datetime=\"");
	web_html(b, t);
	if (req->lang != WEB_EN) {
		web_buf_printf(b, "\" title=\"");
		web_html(b, WEB_S(req, S_BEIJING));
	}
	web_buf_printf(b, "\">");
	web_html(b, web_view_time_text(req, t, buf, sizeof(buf)));
	web_buf_printf(b, "</time>");
}

void
web_view_th(struct web_buf *b, const struct web_req *req, enum web_str_id id,
    const char *cls)
{
	web_buf_printf(b, "<th scope=\"col\"%s%s%s>", cls != NULL ?
	    " class=\"" : "", cls != NULL ? cls : "", cls != NULL ? "\"" : "");
	web_html(b, WEB_S(req, id));
	web_buf_printf(b, "</th>");
}

int
web_view_date_ok(const char *s)
{
	struct cal_date d;

	return *s == '\0' || (strlen(s) == 10 && calendar_date_parse(s,
	    &d) == 0);
}

void
web_view_bytes(struct web_buf *b, uint64_t n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB",
	    "PiB" };
	double v = (double)n;
	size_t u = 0;

	if (n < 1024) {
		web_buf_printf(b, "%" PRIu64 " B", n);
		return;
	}
	v /= 1024.0;
	while (v >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024.0;
		u++;
	}
	web_buf_printf(b, "%.1f %s", v, units[u]);
}

const char *
web_view_label(const struct web_req *req, const struct web_label *table,
    const char *code)
{
	if (code == NULL)
		return "";
	for (; table->code != NULL; table++)
		if (strcmp(table->code, code) == 0)
			return WEB_S(req, table->id);
	return code;
}

int
web_view_get(const struct web_req *req, struct web_reply *rep,
    const char *path, const char *query, json_t **out)
{
	int status;

	*out = NULL;
	status = web_api(req, HTTP_GET, path, query != NULL ? query : "",
	    NULL, out);
	if (status == 200 && *out != NULL)
		return 0;
	web_api_error(req, rep, status == 200 ? 500 : status, *out);
	json_decref(*out);
	*out = NULL;
	return -1;
}
