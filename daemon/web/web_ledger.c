/*
 * web_ledger: the inspection ledger (台账) as a table (GET /ledger) and
 * as the CSV `custos ledger` prints (GET /ledger.csv), both from the
 * control API's GET /v1/ledger and the one CSV writer of
 * lib/inspection/ledger.c: the same bytes, in Chinese (Beijing times,
 * labels) or with ?lang=en in English (codes, UTC times), as
 * `custos ledger --lang en`.  from and to (YYYY-MM-DD) narrow it as
 * `custos ledger --from --to` does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/ledger.h"
#include "web_int.h"
#include "web_view.h"

struct range {
	char	from[16];
	char	to[16];
	char	query[48];	/* "from=...&to=..." for the API and links */
};

/* Reads from and to: 0, or -1 with rep the 400 page. */
static int
range_read(const struct web_req *req, struct web_reply *rep,
    struct range *r)
{
	const char *q = req->query != NULL ? req->query : "";
	size_t n = strlen(q);

	memset(r, 0, sizeof(*r));
	if (web_form_value(q, n, "from", r->from, sizeof(r->from)) < 0 ||
	    web_form_value(q, n, "to", r->to, sizeof(r->to)) < 0 ||
	    !web_view_date_ok(r->from) || !web_view_date_ok(r->to)) {
		web_error(req, rep, 400, WEB_S(req, S_BAD_DATE));
		return -1;
	}
	(void)snprintf(r->query, sizeof(r->query), "%s%s%s%s%s",
	    r->from[0] != '\0' ? "from=" : "", r->from,
	    r->from[0] != '\0' && r->to[0] != '\0' ? "&" : "",
	    r->to[0] != '\0' ? "to=" : "", r->to);
	return 0;
}

int
web_ledger_csv(const struct web_req *req, struct web_reply *rep)
{
	struct range r;
	json_t *j;
	char *csv = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if (range_read(req, rep, &r) != 0 ||
	    web_view_get(req, rep, "/v1/ledger", r.query, &j) != 0)
		return 0;
	if ((f = open_memstream(&csv, &len)) == NULL) {
		json_decref(j);
		web_error(req, rep, 500, WEB_S(req, S_API_FAILED));
		return 0;
	}
	rc = ledger_csv(j, req->lang == WEB_EN, f);
	json_decref(j);
	if (fclose(f) != 0 || rc != 0) {
		free(csv);
		web_error(req, rep, 500, WEB_S(req, S_API_FAILED));
		return 0;
	}
	rep->type = "text/csv; charset=utf-8";
	web_buf_printf(&rep->headers, "Content-Disposition: attachment; "
	    "filename=\"ledger.csv\"\r\n");
	web_buf_put(&rep->body, csv, len);
	free(csv);
	return 0;
}

static void
range_form(struct web_buf *b, const struct web_req *req,
    const struct range *r)
{
	web_buf_printf(b, "<form id=\"range\" method=\"get\" "
	    "action=\"/ledger\" aria-label=\"");
	web_html(b, WEB_S(req, S_LEDGER_RANGE));
	web_buf_printf(b, "\">\n");
	if (req->lang == WEB_EN)
		web_buf_printf(b, "<input type=\"hidden\" name=\"lang\" "
		    "value=\"en\">\n");
	web_buf_printf(b, "<label for=\"l-from\">");
	web_html(b, WEB_S(req, S_F_FROM));
	web_buf_printf(b, "<input id=\"l-from\" name=\"from\" type=\"date\" "
	    "value=\"");
	web_html(b, r->from);
	web_buf_printf(b, "\"></label>\n<label for=\"l-to\">");
	web_html(b, WEB_S(req, S_F_TO));
	web_buf_printf(b, "<input id=\"l-to\" name=\"to\" type=\"date\" "
	    "value=\"");
	web_html(b, r->to);
	web_buf_printf(b, "\"></label>\n<button type=\"submit\">");
	web_html(b, WEB_S(req, S_F_APPLY));
	web_buf_printf(b, "</button>\n</form>\n");
}

int
web_ledger_page(const struct web_req *req, struct web_reply *rep)
{
	struct web_buf *b = &rep->body;
	const size_t ncol = ledger_ncolumns();
	const int en = req->lang == WEB_EN;
	const json_t *rows, *row;
	char cell[4096];
	struct range r;
	size_t k, c;
	json_t *j;

	if (range_read(req, rep, &r) != 0 ||
	    web_view_get(req, rep, "/v1/ledger", r.query, &j) != 0)
		return 0;
	rows = json_object_get(j, "rows");
	web_page_begin(b, req, "/ledger", WEB_S(req, S_NAV_LEDGER));
	range_form(b, req, &r);
	web_buf_printf(b, "<p><a id=\"csv\" href=\"");
	web_href(b, req, "/ledger.csv", r.query);
	web_buf_printf(b, "\" download>");
	web_html(b, WEB_S(req, S_LEDGER_CSV));
	web_buf_printf(b, "</a></p>\n<div class=\"table-wrap\" tabindex=\"0\" "
	    "role=\"region\" aria-labelledby=\"h-main\">"
	    "<table id=\"ledger\">\n<thead><tr>");
	for (c = 0; c < ncol; c++) {
		web_buf_printf(b, "<th scope=\"col\">");
		web_html(b, ledger_heading(c, en));
		web_buf_printf(b, "</th>");
	}
	web_buf_printf(b, "</tr></thead>\n<tbody>\n");
	json_array_foreach(rows, k, row) {
		web_buf_printf(b, "<tr>");
		for (c = 0; c < ncol; c++) {
			ledger_cell(c, row, en, cell, sizeof(cell));
			web_buf_printf(b, c == 0 ? "<th scope=\"row\">" :
			    "<td>");
			web_html(b, cell);
			web_buf_printf(b, c == 0 ? "</th>" : "</td>");
		}
		web_buf_printf(b, "</tr>\n");
	}
	web_buf_printf(b, "</tbody>\n</table></div>\n");
	if (json_array_size(rows) == 0) {
		web_buf_printf(b, "<p class=\"muted\">");
		web_html(b, WEB_S(req, S_LEDGER_NONE));
		web_buf_printf(b, "</p>\n");
	}
	web_page_end(b, req);
	json_decref(j);
	return 0;
}
