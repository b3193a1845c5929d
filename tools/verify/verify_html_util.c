/*
 * verify_html_util: escaping, marks, rows and the list tables of the
 * HTML report (verify_html_int.h).  Every string from the report goes
 * through html_esc(): the report repeats what an untrusted bundle says,
 * down to file names and officers' names.  Markup comes only from the
 * literals of the verify_html files and the tables of verify_text.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "custos/rfc3339.h"
#include "custos/timeline.h"

#include "verify_html_int.h"
#include "verify_text.h"

const char *
html_t(const struct page *p, enum vt_msg m)
{
	return verify_text_get(p->lang, m);
}

void
html_esc(FILE *f, const char *s)
{
	const unsigned char *c;

	if (s == NULL) {
		fputs(HTML_DASH, f);
		return;
	}
	for (c = (const unsigned char *)s; *c != '\0'; c++) {
		switch (*c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			if ((*c < 0x20 && *c != '\t' && *c != '\n') ||
			    *c == 0x7f)
				fputs("\xef\xbf\xbd", f);
			else
				putc(*c, f);
		}
	}
}

const char *
html_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

long long
html_num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

void
html_mark(FILE *f, const json_t *v)
{
	if (json_is_true(v))
		fputs("<span class=\"ok\">✔</span>", f);
	else if (json_is_false(v))
		fputs("<span class=\"bad\">✘</span>", f);
	else
		fputs("<span class=\"unk\">?</span>", f);
}

void
html_yesno(const struct page *p, const json_t *v)
{
	html_mark(p->f, v);
	fputc(' ', p->f);
	fputs(html_t(p, json_is_true(v) ? VT_W_YES : json_is_false(v) ?
	    VT_W_NO : VT_W_NOT_STATED), p->f);
}

void
html_time(const struct page *p, const char *t)
{
	char bj[32];
	int64_t ms;

	html_esc(p->f, t);
	if (t != NULL && rfc3339_parse(t, &ms) == 0) {
		timeline_beijing(ms, bj, sizeof(bj));
		fprintf(p->f, "<br><span class=\"bj\">%s %s</span>",
		    html_t(p, VT_W_BEIJING), bj);
	}
}

void
html_h2(const struct page *p, enum vt_msg m, const char *id)
{
	fprintf(p->f, "<h2 id=\"%s\">%s</h2>\n", id, html_t(p, m));
}

void
html_row(const struct page *p, enum vt_msg m, const char *value, int mono)
{
	fprintf(p->f, "<tr><th>%s</th><td%s>", html_t(p, m), mono ?
	    " class=\"mono\"" : "");
	html_esc(p->f, value);
	fputs("</td></tr>\n", p->f);
}

static void
cell_verdict(const struct page *p, const json_t *x, const char *s)
{
	fputs(s != NULL && strcmp(s, "ok") == 0 ? "✔ " : "✘ ", p->f);
	html_esc(p->f, s != NULL ? verify_text_verdict(p->lang, s) : NULL);
	if (html_str(x, "why") != NULL) {
		fputs("<br>", p->f);
		html_esc(p->f, html_str(x, "why"));
	}
}

static void
cell_body(const struct page *p, const json_t *x, const struct column *c)
{
	const json_t *v = json_object_get(x, c->key), *e;
	const char *s = json_string_value(v);
	FILE *f = p->f;
	char buf[2048];
	size_t j;

	switch (c->kind) {
	case CELL_TEXT:
	case CELL_MONO:
		html_esc(f, s);
		break;
	case CELL_PATH:
		if (s != NULL)
			html_esc(f, s);
		break;
	case CELL_TIME:
		html_time(p, s);
		break;
	case CELL_INDEX:
		if (html_num(x, c->key) >= 0)
			fprintf(f, "%lld", html_num(x, c->key));
		break;
	case CELL_COUNT:
		fprintf(f, "%lld", html_num(x, c->key));
		break;
	case CELL_OK:
		html_mark(f, json_is_boolean(v) ? v : json_false());
		break;
	case CELL_EXPLAINED:
		fprintf(f, json_is_true(v) ? "<span class=\"unk\">~ %s</span>" :
		    "<span class=\"bad\">✘ %s</span>", html_t(p, json_is_true(v) ?
		    VT_H_EXPLAINED : VT_H_UNEXPLAINED));
		break;
	case CELL_ENTRIES:
		json_array_foreach(v, j, e)
			fprintf(f, "%s%lld", j > 0 ? ", " : "",
			    (long long)json_integer_value(e));
		break;
	case CELL_VERDICT:
		cell_verdict(p, x, s);
		break;
	case CELL_DURATION:
		if (html_num(x, c->key) >= 0)
			fprintf(f, "%.1f s", (double)html_num(x, c->key) /
			    1000.0);
		else
			fputs(HTML_DASH, f);
		break;
	case CELL_LINKED:
		fputs(json_is_true(v) ? html_t(p, VT_H_LINKED_YES) :
		    json_is_false(v) ? html_t(p, VT_H_LINKED_NO) : HTML_DASH, f);
		break;
	case CELL_OBJECT:
		html_esc(f, s);
		fputs("<br>", f);
		html_esc(f, html_str(x, "path"));
		break;
	case CELL_KIND:
		if (json_is_false(json_object_get(x, "device_registered")))
			fputs(html_t(p, VT_KIND_BODY_DEFAULT), f);
		else
			html_esc(f, s != NULL ? verify_text_kind(p->lang, s) :
			    NULL);
		break;
	case CELL_DRIFT:
		if (json_is_integer(v))
			fprintf(f, "%+lld ms", (long long)json_integer_value(v));
		else
			fputs(HTML_DASH, f);
		break;
	case CELL_SOURCE:
		html_esc(f, s != NULL ? verify_text_source(p->lang, s) : NULL);
		break;
	case CELL_RULE:
		html_esc(f, verify_text_rule(p->lang, s));
		fputs("<br><span class=\"mono note\">", f);
		html_esc(f, s);
		fputs("</span>", f);
		break;
	case CELL_FINDING:
		html_esc(f, verify_text_finding(p->lang, x, buf, sizeof(buf)));
		break;
	case CELL_CHECK:
		html_esc(f, s != NULL ? verify_text_check_name(p->lang, s) :
		    NULL);
		break;
	case CELL_OFFICER:
		html_esc(f, s);
		if (html_str(x, "officer_name") != NULL) {
			fputc(' ', f);
			html_esc(f, html_str(x, "officer_name"));
		}
		break;
	}
}

static void
cell(const struct page *p, const json_t *x, const struct column *c)
{
	const char *s = json_string_value(json_object_get(x, c->key));
	int mono = c->kind == CELL_MONO || c->kind == CELL_PATH ||
	    c->kind == CELL_OBJECT || (c->kind == CELL_CHECK &&
	    (s == NULL || strcmp(verify_text_check_name(p->lang, s), s) ==
	    0));

	fputs(mono ? "<td class=\"mono\">" :
	    c->kind == CELL_VERDICT ? "<td class=\"v\">" : "<td>", p->f);
	cell_body(p, x, c);
	fputs("</td>", p->f);
}

void
html_list_table(const struct page *p, const json_t *o, const struct table *t)
{
	const json_t *arr = json_object_get(o, t->key), *x;
	const struct column *c;
	const char *v;
	size_t i, ncols = 0;

	fputs("<table>\n<tr>", p->f);
	for (c = t->cols; c->key != NULL; c++, ncols++)
		fprintf(p->f, "<th>%s</th>", c->lit != NULL ? c->lit :
		    html_t(p, c->head));
	fputs("</tr>\n", p->f);
	json_array_foreach(arr, i, x) {
		v = html_str(x, "verdict");
		if (!t->by_verdict)
			fputs("<tr>", p->f);
		/* A verdict the page has no colour for shows as missing. */
		else if (v != NULL && (strcmp(v, "ok") == 0 ||
		    strcmp(v, "altered") == 0 || strcmp(v, "missing") == 0 ||
		    strcmp(v, "unproven") == 0 || strcmp(v, "disposed") == 0 ||
		    strcmp(v, "not_included") == 0))
			fprintf(p->f, "<tr class=\"v-%s\">", v);
		else
			fputs("<tr class=\"v-missing\">", p->f);
		for (c = t->cols; c->key != NULL; c++)
			cell(p, x, c);
		fputs("</tr>\n", p->f);
	}
	if (!json_is_array(arr) && t->has_missing)
		fprintf(p->f, "<tr><td colspan=\"%zu\">%s</td></tr>\n", ncols,
		    html_t(p, t->missing));
	else if (json_array_size(arr) == 0)
		fprintf(p->f, "<tr><td colspan=\"%zu\">%s</td></tr>\n", ncols,
		    html_t(p, t->empty));
	fputs("</table>\n", p->f);
}
