/*
 * verify_html_sections: the lower sections of the HTML report
 * (verify_html_int.h): Art. 12 of the administrative litigation evidence
 * rules, the seven factors of the civil evidence rules' Art. 93, the
 * officers, the timeline, the footage coverage and the findings.  Each
 * reads only its own part of the report and shows what is missing as
 * missing.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "custos/rfc3339.h"

#include "verify_art12.h"
#include "verify_html_int.h"
#include "verify_text.h"

/*
 * The seven factors by which a court weighs electronic data (最高人民法院
 * 《关于民事诉讼证据的若干规定》Art. 93), in its order; the report's
 * "factors" fill them, and a factor the report leaves out shows as not
 * addressed rather than vanishing.
 */
static const enum vt_msg factor_titles[7] = {
	VT_F1_TITLE, VT_F2_TITLE, VT_F3_TITLE, VT_F4_TITLE, VT_F5_TITLE,
	VT_F6_TITLE, VT_F7_TITLE
};

/*
 * Art. 12: how each recording was made, when, by whom, what it is meant
 * to prove, and its transcript; beside the civil rules' factors below.
 */
void
html_art12_section(const struct page *p)
{
	const json_t *s;
	char buf[2048];
	size_t i, n = 0;
	int k;

	html_h2(p, VT_H_ART12, "art12");
	fprintf(p->f, "<p class=\"note\">%s<br>%s</p>\n",
	    html_t(p, VT_A12_TITLE), html_t(p, VT_A12_NOTE));
	json_array_foreach(json_object_get(p->report, "segments"), i, s) {
		if (json_object_get(s, "camera") == NULL)
			continue;
		n++;
		fputs("<table class=\"art12\">\n<tr><th colspan=\"2\">", p->f);
		snprintf(buf, sizeof(buf), html_t(p, VT_A12_ITEM),
		    html_num(s, "index"), html_str(s, "path") != NULL ?
		    html_str(s, "path") : html_str(s, "object") != NULL ?
		    html_str(s, "object") : "?");
		html_esc(p->f, buf);
		fputs("</th></tr>\n", p->f);
		for (k = 0; k < ART12_NPARTS; k++) {
			verify_art12(p->lang, p->report, s, (enum art12_part)k,
			    buf, sizeof(buf));
			fprintf(p->f, "<tr><th>%s</th><td>", verify_art12_label(
			    p->lang, (enum art12_part)k));
			html_esc(p->f, buf);
			fputs("</td></tr>\n", p->f);
		}
		fputs("</table>\n", p->f);
	}
	if (n == 0)
		fprintf(p->f, "<p>%s</p>\n", html_t(p, VT_A12_NONE));
}

/* The evidence strings of a factor as a list. */
static void
evidence_list(FILE *f, const json_t *x)
{
	const json_t *e;
	size_t j;

	fputs("<ul class=\"ev\">", f);
	json_array_foreach(json_object_get(x, "evidence"), j, e) {
		fputs("<li>", f);
		html_esc(f, json_string_value(e));
		fputs("</li>", f);
	}
	fputs("</ul>", f);
}

void
html_factors_section(const struct page *p)
{
	const json_t *factors = json_object_get(p->report, "factors"), *x;
	size_t i, n = json_array_size(factors);
	const char *title;

	html_h2(p, VT_H_FACTORS, "factors");
	fprintf(p->f, "<p class=\"note\">%s</p>\n<table>\n<tr><th></th>"
	    "<th>%s</th><th>%s</th></tr>\n", html_t(p, VT_H_FACTORS_NOTE),
	    html_t(p, VT_H_FACTOR), html_t(p, VT_H_EVIDENCE));
	/* The rule's seven always; a report with more keeps them all. */
	for (i = 0; i < 7 || i < n; i++) {
		x = json_array_get(factors, i);
		title = html_str(x, "title");
		fputs("<tr><td>", p->f);
		html_mark(p->f, json_object_get(x, "ok"));
		fputs("</td><td>", p->f);
		if (i >= 7)
			html_esc(p->f, title);
		else {
			fputs(html_t(p, factor_titles[i]), p->f);
			if (title != NULL && strcmp(title,
			    html_t(p, factor_titles[i])) != 0) {
				fputs("<br><span class=\"note\">", p->f);
				html_esc(p->f, title);
				fputs("</span>", p->f);
			}
		}
		fputs("</td><td>", p->f);
		if (x == NULL)
			fputs(html_t(p, VT_H_NOT_ADDRESSED), p->f);
		else
			evidence_list(p->f, x);
		fputs("</td></tr>\n", p->f);
	}
	fputs("</table>\n", p->f);
}

static const struct table officers_table = { "officers", VT_H_NO_OFFICERS,
	0, VT_H_NO_OFFICERS, 0, {
	{ NULL, VT_H_OFFICER_ID, "id", CELL_MONO },
	{ NULL, VT_H_NAME, "name", CELL_TEXT },
	{ NULL, VT_NMSGS, NULL, CELL_TEXT } } };

static const struct table events_table = { "events", VT_H_NO_TIMELINE,
	0, VT_H_NO_TIMELINE, 0, {
	{ NULL, VT_H_TL_TIME, "time", CELL_TIME },
	{ "#", VT_NMSGS, "index", CELL_INDEX },
	{ NULL, VT_H_KIND, "label", CELL_TEXT },
	{ NULL, VT_H_WHAT, "text", CELL_TEXT },
	{ NULL, VT_NMSGS, NULL, CELL_TEXT } } };

static const struct table gaps_table = { "gaps", VT_H_NO_GAPS,
	0, VT_H_NO_GAPS, 0, {
	{ "", VT_NMSGS, "explained", CELL_EXPLAINED },
	{ NULL, VT_H_FROM, "from", CELL_TIME },
	{ NULL, VT_H_TO, "to", CELL_TIME },
	{ NULL, VT_H_SECONDS, "seconds", CELL_COUNT },
	{ NULL, VT_H_REASON, "reason", CELL_TEXT },
	{ NULL, VT_NMSGS, NULL, CELL_TEXT } } };

static const struct table findings_table = { "findings", VT_H_NO_FINDINGS,
	1, VT_H_NO_FINDINGS_DATA, 0, {
	{ NULL, VT_H_RULE, "rule", CELL_RULE },
	{ NULL, VT_H_DETAIL, "detail", CELL_FINDING },
	{ NULL, VT_H_ENTRIES, "entries", CELL_ENTRIES },
	{ NULL, VT_NMSGS, NULL, CELL_TEXT } } };

void
html_officers_section(const struct page *p)
{
	html_h2(p, VT_H_OFFICERS, "officers");
	html_list_table(p, p->report, &officers_table);
}

void
html_timeline_section(const struct page *p, const json_t *tl)
{
	html_h2(p, VT_H_TIMELINE, "timeline");
	fprintf(p->f, "<p class=\"note\">%s</p>\n",
	    html_t(p, VT_H_TIMELINE_NOTE));
	html_list_table(p, tl, &events_table);
}

struct range {
	int64_t		 lo, hi;
	int		 set;
};

static void
widen(struct range *r, const char *t)
{
	int64_t ms;

	if (t == NULL || rfc3339_parse(t, &ms) != 0)
		return;
	if (!r->set || ms < r->lo)
		r->lo = ms;
	if (!r->set || ms > r->hi)
		r->hi = ms;
	r->set = 1;
}

/* A block from..to on the bar, positioned in per cent of the range. */
static void
block(FILE *f, const struct range *r, const char *from, const char *to,
    const char *cls, const char *title)
{
	int64_t a, b;
	double span = (double)(r->hi - r->lo);

	if (from == NULL || to == NULL || rfc3339_parse(from, &a) != 0 ||
	    rfc3339_parse(to, &b) != 0)
		return;
	fprintf(f, "<div class=\"%s\" style=\"left:%.3f%%;width:%.3f%%\" "
	    "title=\"", cls, 100.0 * (double)(a - r->lo) / span,
	    100.0 * (double)(b - a) / span);
	html_esc(f, title);
	fputs(" ", f);
	html_esc(f, from);
	fputs(" – ", f);
	html_esc(f, to);
	fputs("\"></div>", f);
}

/* The first event of kind in the timeline, its time. */
static const char *
event_time(const json_t *tl, const char *kind)
{
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(tl, "events"), i, e)
		if (html_str(e, "kind") != NULL &&
		    strcmp(html_str(e, "kind"), kind) == 0)
			return html_str(e, "time");
	return NULL;
}

/* One lane of the bar: the coverage of camera (NULL: no camera named). */
static void
camera_lane(const struct page *p, const json_t *tl, const struct range *r,
    const char *camera, const char *enter, const char *leave)
{
	const json_t *c;
	const char *cam;
	size_t i;

	fputs("<div class=\"lane\"><span class=\"lanelabel\">", p->f);
	html_esc(p->f, camera);
	fputs("</span>", p->f);
	if (enter != NULL && leave != NULL)
		block(p->f, r, enter, leave, "visit", html_t(p, VT_H_ON_SITE));
	json_array_foreach(json_object_get(tl, "coverage"), i, c) {
		cam = html_str(c, "camera");
		if ((cam == NULL) != (camera == NULL) ||
		    (cam != NULL && strcmp(cam, camera) != 0))
			continue;
		block(p->f, r, html_str(c, "from"), html_str(c, "to"),
		    json_is_false(json_object_get(c, "linked")) ?
		    "blk cov unlinked" : "blk cov", html_t(p, VT_H_FOOTAGE));
	}
	fputs("</div>\n", p->f);
}

/* Whether an earlier coverage entry than k names the same camera. */
static int
seen_camera(const json_t *cov, size_t k)
{
	const char *a = html_str(json_array_get(cov, k), "camera"), *b;
	size_t i;

	for (i = 0; i < k; i++) {
		b = html_str(json_array_get(cov, i), "camera");
		if ((a == NULL && b == NULL) ||
		    (a != NULL && b != NULL && strcmp(a, b) == 0))
			return 1;
	}
	return 0;
}

void
html_coverage_section(const struct page *p, const json_t *tl)
{
	const json_t *cov = json_object_get(tl, "coverage"), *x;
	const char *enter, *leave;
	struct range r = { 0, 0, 0 };
	char lo[RFC3339_LEN], hi[RFC3339_LEN];
	size_t i;

	html_h2(p, VT_H_COVERAGE, "coverage");
	if ((enter = event_time(tl, "entered")) == NULL)
		enter = event_time(tl, "emergency");
	leave = event_time(tl, "left");
	widen(&r, enter);
	widen(&r, leave);
	json_array_foreach(cov, i, x) {
		widen(&r, html_str(x, "from"));
		widen(&r, html_str(x, "to"));
	}
	if (!r.set) {
		fprintf(p->f, "<p>%s</p>\n", html_t(p, VT_H_NO_COVERAGE));
		html_list_table(p, tl, &gaps_table);
		return;
	}
	if (r.hi <= r.lo)
		r.hi = r.lo + 1000;
	fprintf(p->f, "<p class=\"legend\"><span class=\"cov\"></span>%s"
	    "<span class=\"cov unlinked\"></span>%s<span class=\"gap\"></span>"
	    "%s<span class=\"gap explained\"></span>%s; %s</p>\n",
	    html_t(p, VT_H_FOOTAGE), html_t(p, VT_H_LINKED_NO),
	    html_t(p, VT_H_UNEXPLAINED), html_t(p, VT_H_EXPLAINED),
	    html_t(p, VT_H_LEGEND));
	json_array_foreach(cov, i, x)
		if (!seen_camera(cov, i))
			camera_lane(p, tl, &r, html_str(x, "camera"), enter,
			    leave);
	fprintf(p->f, "<div class=\"lane\"><span class=\"lanelabel\">%s"
	    "</span>", html_t(p, VT_H_GAPS_LANE));
	json_array_foreach(json_object_get(tl, "gaps"), i, x)
		block(p->f, &r, html_str(x, "from"), html_str(x, "to"),
		    json_is_true(json_object_get(x, "explained")) ?
		    "blk gap explained" : "blk gap", html_t(p, json_is_true(
		    json_object_get(x, "explained")) ? VT_H_EXPLAINED :
		    VT_H_UNEXPLAINED));
	/* The ends of the bar, which are not always entering and leaving:
	 * footage may start before or end after the visit. */
	fputs("</div>\n<div class=\"axis\"><span>", p->f);
	rfc3339_format(r.lo, lo, sizeof(lo));
	rfc3339_format(r.hi, hi, sizeof(hi));
	html_time(p, lo);
	fputs("</span><span>", p->f);
	html_time(p, hi);
	fputs("</span></div>\n", p->f);
	html_list_table(p, tl, &gaps_table);
}

void
html_findings_section(const struct page *p)
{
	html_h2(p, VT_H_FINDINGS, "findings");
	fprintf(p->f, "<p class=\"note\">%s</p>\n",
	    html_t(p, VT_H_FINDINGS_NOTE));
	html_list_table(p, p->report, &findings_table);
}
