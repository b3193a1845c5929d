/*
 * web_inspections: the list of inspections (GET /inspections) with its
 * filter form.  The rows come from the control API (GET
 * /v1/inspections?findings=1, with enterprise and officer names from
 * /v1/enterprises and /v1/officers) and are filtered here:
 *
 *	state		registered, entered, left or closed
 *	enterprise	part of the USCC or of the name (any case)
 *	officer		part of an officer's ID or name
 *	from, to	YYYY-MM-DD, both included: the Beijing date of
 *			entering the site, or the planned date before it
 *	finding		overdue (an emergency inspection not back-filled by
 *			its backfill_due), gaps (footage_gap) or red
 *			(red_not_inspected): the findings the inspection
 *			carries (docs/inspection.md, "Findings")
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "custos/calendar.h"
#include "custos/rfc3339.h"
#include "web_int.h"
#include "web_view.h"

#define FIELD	256

struct filter {
	char	state[16];
	char	enterprise[FIELD];
	char	officer[FIELD];
	char	from[16];
	char	to[16];
	char	finding[16];
};

static const struct web_label states[] = {
	{ "registered", S_STATE_REGISTERED }, { "entered", S_STATE_ENTERED },
	{ "left", S_STATE_LEFT }, { "closed", S_STATE_CLOSED }, { NULL, 0 }
};

static const struct web_label findings[] = {
	{ "overdue", S_FIND_OVERDUE }, { "gaps", S_FIND_GAPS },
	{ "red", S_FIND_RED }, { NULL, 0 }
};

static const struct web_label methods[] = {
	{ "onsite", S_METHOD_ONSITE }, { "offsite", S_METHOD_OFFSITE },
	{ "drone", S_METHOD_DRONE }, { NULL, 0 }
};

/* Whether v is "" or the code of a row of table. */
static int
known(const struct web_label *table, const char *v)
{
	if (*v == '\0')
		return 1;
	for (; table->code != NULL; table++)
		if (strcmp(table->code, v) == 0)
			return 1;
	return 0;
}

/*
 * Reads the filter from req's query: 0, or -1 with rep the 400 page
 * naming what is wrong.
 */
static int
filter_read(const struct web_req *req, struct web_reply *rep,
    struct filter *f)
{
	const char *q = req->query != NULL ? req->query : "";
	size_t n = strlen(q);

	memset(f, 0, sizeof(*f));
	if (web_form_value(q, n, "state", f->state, sizeof(f->state)) < 0 ||
	    web_form_value(q, n, "enterprise", f->enterprise,
	    sizeof(f->enterprise)) < 0 ||
	    web_form_value(q, n, "officer", f->officer,
	    sizeof(f->officer)) < 0 ||
	    web_form_value(q, n, "finding", f->finding,
	    sizeof(f->finding)) < 0 || !known(states, f->state) ||
	    !known(findings, f->finding)) {
		web_error(req, rep, 400, WEB_S(req, S_BAD_FILTER));
		return -1;
	}
	if (web_form_value(q, n, "from", f->from, sizeof(f->from)) < 0 ||
	    web_form_value(q, n, "to", f->to, sizeof(f->to)) < 0 ||
	    !web_view_date_ok(f->from) || !web_view_date_ok(f->to)) {
		web_error(req, rep, 400, WEB_S(req, S_BAD_DATE));
		return -1;
	}
	return 0;
}

/* Whether needle (not empty) is part of hay, ASCII letters in any case. */
static int
contains(const char *hay, const char *needle)
{
	return hay != NULL && strcasestr(hay, needle) != NULL;
}

/* The name of the row with member key equal to id in arr, or NULL. */
static const char *
name_of(const json_t *arr, const char *key, const char *id)
{
	const json_t *o;
	size_t k;

	if (id == NULL)
		return NULL;
	json_array_foreach(arr, k, o)
		if (web_view_str(o, key) != NULL &&
		    strcmp(web_view_str(o, key), id) == 0)
			return web_view_str(o, "name");
	return NULL;
}

/*
 * The date an inspection is filed under: the Beijing date of entering,
 * else its planned date; "" when it has neither.
 */
static void
row_date(const json_t *i, char *buf, size_t len)
{
	const char *s = web_view_str(i, "entered_at");
	struct cal_date d;
	int64_t ms;

	buf[0] = '\0';
	if (s != NULL && rfc3339_parse(s, &ms) == 0) {
		calendar_beijing_date(ms / 1000, &d);
		calendar_date_format(&d, buf, len);
	} else if ((s = web_view_str(i, "planned")) != NULL)
		(void)snprintf(buf, len, "%.10s", s);
}

static int
has_finding(const json_t *i, const char *rule)
{
	const json_t *f;
	size_t k;

	json_array_foreach(json_object_get(i, "findings"), k, f)
		if (web_view_str(f, "rule") != NULL &&
		    strcmp(web_view_str(f, "rule"), rule) == 0)
			return 1;
	return 0;
}

static int
matches(const struct filter *f, const json_t *i, const json_t *ents,
    const json_t *offs)
{
	const char *uscc = web_view_str(i, "enterprise");
	const json_t *o;
	char date[16];
	size_t k;
	int hit;

	if (f->state[0] != '\0' && (web_view_str(i, "state") == NULL ||
	    strcmp(web_view_str(i, "state"), f->state) != 0))
		return 0;
	if (f->enterprise[0] != '\0' && !contains(uscc, f->enterprise) &&
	    !contains(name_of(ents, "uscc", uscc), f->enterprise))
		return 0;
	if (f->officer[0] != '\0') {
		hit = 0;
		json_array_foreach(json_object_get(i, "officers"), k, o)
			if (contains(json_string_value(o), f->officer) ||
			    contains(name_of(offs, "id",
			    json_string_value(o)), f->officer))
				hit = 1;
		if (!hit)
			return 0;
	}
	if (f->from[0] != '\0' || f->to[0] != '\0') {
		row_date(i, date, sizeof(date));
		if (date[0] == '\0' || (f->from[0] != '\0' &&
		    strcmp(date, f->from) < 0) || (f->to[0] != '\0' &&
		    strcmp(date, f->to) > 0))
			return 0;
	}
	if (strcmp(f->finding, "overdue") == 0)
		return json_is_true(json_object_get(i, "overdue")) ||
		    has_finding(i, "backfill_overdue");
	if (strcmp(f->finding, "gaps") == 0)
		return has_finding(i, "footage_gap");
	if (strcmp(f->finding, "red") == 0)
		return has_finding(i, "red_not_inspected");
	return 1;
}

static void
select_field(struct web_buf *b, const struct web_req *req, const char *name,
    enum web_str_id label, const struct web_label *table, const char *value)
{
	web_buf_printf(b, "<label for=\"f-%s\">", name);
	web_html(b, WEB_S(req, label));
	web_buf_printf(b, "<select id=\"f-%s\" name=\"%s\">\n"
	    "<option value=\"\">", name, name);
	web_html(b, WEB_S(req, S_F_ANY));
	web_buf_printf(b, "</option>\n");
	for (; table->code != NULL; table++) {
		web_buf_printf(b, "<option value=\"%s\"%s>", table->code,
		    strcmp(value, table->code) == 0 ? " selected" : "");
		web_html(b, WEB_S(req, table->id));
		web_buf_printf(b, "</option>\n");
	}
	web_buf_printf(b, "</select></label>\n");
}

static void
input_field(struct web_buf *b, const struct web_req *req, const char *name,
    const char *type, enum web_str_id label, const char *value)
{
	web_buf_printf(b, "<label for=\"f-%s\">", name);
	web_html(b, WEB_S(req, label));
	web_buf_printf(b, "<input id=\"f-%s\" name=\"%s\" type=\"%s\" "
	    "value=\"", name, name, type);
	web_html(b, value);
	web_buf_printf(b, "\"></label>\n");
}

static void
filter_form(struct web_buf *b, const struct web_req *req,
    const struct filter *f)
{
	web_buf_printf(b, "<form id=\"filter\" method=\"get\" "
	    "action=\"/inspections\" aria-label=\"");
	web_html(b, WEB_S(req, S_INS_FILTER));
	web_buf_printf(b, "\">\n");
	if (req->lang == WEB_EN)
		web_buf_printf(b, "<input type=\"hidden\" name=\"lang\" "
		    "value=\"en\">\n");
	select_field(b, req, "state", S_F_STATE, states, f->state);
	input_field(b, req, "enterprise", "text", S_F_ENTERPRISE,
	    f->enterprise);
	input_field(b, req, "officer", "text", S_F_OFFICER, f->officer);
	input_field(b, req, "from", "date", S_F_FROM, f->from);
	input_field(b, req, "to", "date", S_F_TO, f->to);
	select_field(b, req, "finding", S_F_FINDING, findings, f->finding);
	web_buf_printf(b, "<button type=\"submit\">");
	web_html(b, WEB_S(req, S_F_APPLY));
	web_buf_printf(b, "</button>\n<a class=\"clear\" href=\"");
	web_href(b, req, "/inspections", "");
	web_buf_printf(b, "\">");
	web_html(b, WEB_S(req, S_F_CLEAR));
	web_buf_printf(b, "</a>\n</form>\n");
}

static void
officers_cell(struct web_buf *b, const json_t *i, const json_t *offs)
{
	const json_t *o;
	const char *name;
	size_t k;

	json_array_foreach(json_object_get(i, "officers"), k, o) {
		if (k > 0)
			web_buf_printf(b, ", ");
		if ((name = name_of(offs, "id", json_string_value(o))) !=
		    NULL) {
			web_html(b, name);
			web_buf_printf(b, " ");
		}
		web_buf_printf(b, "<span class=\"muted\">");
		web_html(b, json_string_value(o) ? json_string_value(o) : "?");
		web_buf_printf(b, "</span>");
	}
}

static void
findings_cell(struct web_buf *b, const struct web_req *req, const json_t *i)
{
	const json_t *f;
	const char *detail;
	size_t k;

	if (json_array_size(json_object_get(i, "findings")) == 0) {
		web_buf_printf(b, "—");
		return;
	}
	web_buf_printf(b, "<ul class=\"findings\">");
	json_array_foreach(json_object_get(i, "findings"), k, f) {
		detail = req->lang == WEB_ZH && web_view_str(f, "detail_zh") !=
		    NULL ? web_view_str(f, "detail_zh") :
		    web_view_str(f, "detail");
		web_buf_printf(b, "<li><code class=\"rule\">");
		web_html(b, web_view_str(f, "rule") ? web_view_str(f, "rule") :
		    "?");
		web_buf_printf(b, "</code>");
		if (detail != NULL) {
			web_buf_printf(b, " <span class=\"detail\">");
			web_html(b, detail);
			web_buf_printf(b, "</span>");
		}
		web_buf_printf(b, "</li>");
	}
	web_buf_printf(b, "</ul>");
}

static void
row(struct web_buf *b, const struct web_req *req, const json_t *i,
    const json_t *ents, const json_t *offs)
{
	const char *id = web_view_str(i, "id"), *uscc;
	const char *name;
	char date[16];

	web_buf_printf(b, "<tr data-id=\"");
	web_html(b, id);
	web_buf_printf(b, "\"><td><a class=\"inspection\" href=\"");
	web_view_inspection_href(b, req, id);
	web_buf_printf(b, "\">");
	web_html(b, id);
	web_buf_printf(b, "</a>");
	if (json_is_true(json_object_get(i, "emergency"))) {
		web_buf_printf(b, " <span class=\"tag\">");
		web_html(b, WEB_S(req, S_EMERGENCY));
		web_buf_printf(b, "</span>");
	}
	if (json_is_true(json_object_get(i, "overdue"))) {
		web_buf_printf(b, " <span class=\"tag bad overdue\">");
		web_html(b, WEB_S(req, S_OVERDUE));
		web_buf_printf(b, "</span>");
	}
	web_buf_printf(b, "</td><td>");
	uscc = web_view_str(i, "enterprise");
	if ((name = name_of(ents, "uscc", uscc)) != NULL) {
		web_html(b, name);
		web_buf_printf(b, "<br>");
	}
	web_buf_printf(b, "<span class=\"uscc\">");
	web_html(b, uscc != NULL ? uscc : "");
	web_buf_printf(b, "</span></td><td>");
	officers_cell(b, i, offs);
	web_buf_printf(b, "</td><td>");
	web_html(b, web_view_label(req, methods, web_view_str(i, "method")));
	web_buf_printf(b, "</td><td>");
	web_html(b, web_view_label(req, states, web_view_str(i, "state")));
	row_date(i, date, sizeof(date));
	web_buf_printf(b, "</td><td>");
	web_html(b, date[0] != '\0' ? date : "—");
	web_buf_printf(b, "</td><td>");
	findings_cell(b, req, i);
	web_buf_printf(b, "</td></tr>\n");
}

int
web_inspections_page(const struct web_req *req, struct web_reply *rep)
{
	struct web_buf *b = &rep->body;
	json_t *list = NULL, *ents = NULL, *offs = NULL, *i;
	const json_t *ea, *oa;
	struct filter f;
	size_t k, shown = 0, total;

	if (filter_read(req, rep, &f) != 0 ||
	    web_view_get(req, rep, "/v1/inspections", "findings=1",
	    &list) != 0 ||
	    web_view_get(req, rep, "/v1/enterprises", "", &ents) != 0 ||
	    web_view_get(req, rep, "/v1/officers", "", &offs) != 0) {
		json_decref(list);
		json_decref(ents);
		return 0;
	}
	ea = json_object_get(ents, "enterprises");
	oa = json_object_get(offs, "officers");
	total = json_array_size(json_object_get(list, "inspections"));
	web_page_begin(b, req, "/inspections", WEB_S(req, S_NAV_INSPECTIONS));
	filter_form(b, req, &f);
	web_buf_printf(b, "<p class=\"note\">");
	web_html(b, WEB_S(req, S_DATE_NOTE));
	web_buf_printf(b, "</p>\n<div class=\"table-wrap\" tabindex=\"0\" "
	    "role=\"region\" aria-labelledby=\"h-main\">"
	    "<table id=\"inspections\">\n<thead><tr>");
	web_view_th(b, req, S_COL_ID, NULL);
	web_view_th(b, req, S_COL_ENTERPRISE, NULL);
	web_view_th(b, req, S_COL_OFFICERS, NULL);
	web_view_th(b, req, S_COL_METHOD, NULL);
	web_view_th(b, req, S_COL_STATE, NULL);
	web_view_th(b, req, S_COL_DATE, NULL);
	web_view_th(b, req, S_COL_FINDINGS, NULL);
	web_buf_printf(b, "</tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(list, "inspections"), k, i)
		if (web_view_str(i, "id") != NULL && matches(&f, i, ea, oa)) {
			row(b, req, i, ea, oa);
			shown++;
		}
	web_buf_printf(b, "</tbody>\n</table></div>\n");
	if (shown == 0) {
		web_buf_printf(b, "<p class=\"muted\" id=\"none\">");
		web_html(b, WEB_S(req, S_INS_NONE));
		web_buf_printf(b, "</p>\n");
	}
	web_buf_printf(b, "<p class=\"count\">");
	web_html(b, WEB_S(req, S_INS_SHOWN));
	web_buf_printf(b, ": <span id=\"shown\">%zu</span> / %zu</p>\n",
	    shown, total);
	web_page_end(b, req);
	json_decref(list);
	json_decref(ents);
	json_decref(offs);
	return 0;
}
