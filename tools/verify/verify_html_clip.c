/*
 * verify_html_clip: the clip section of the HTML report
 * (verify_html_int.h), shown for a clip bundle only (a report with
 * "clip", or with a segment not included): which segment was clipped,
 * the clip's span and packets, whether every packet is proven, and each
 * failure the report keeps with the packet's time in the clip.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "verify_html_int.h"
#include "verify_text.h"

/* Milliseconds as seconds with three decimals, "?" when not a number. */
static const char *
secs(const json_t *ms, char *buf, size_t len)
{
	long long v, a;

	if (!json_is_integer(ms))
		return "?";
	v = (long long)json_integer_value(ms);
	a = v < 0 ? -(v / 1000) : v / 1000;
	snprintf(buf, len, "%s%lld.%03lld", v < 0 ? "-" : "", a,
	    v < 0 ? -(v % 1000) : v % 1000);
	return buf;
}

/* A failure's time: its packet's, or for a hole the two around it. */
static void
failure_time(const struct page *p, const json_t *x)
{
	const json_t *t = json_object_get(x, "time_ms");
	const json_t *n = json_object_get(x, "next_ms");
	const char *why = html_str(x, "why");
	char a[32], b[32], s1[64], s2[64], out[160];

	if (why != NULL && strcmp(why, "missing") == 0) {
		snprintf(s1, sizeof(s1), "%s", json_is_integer(t) ?
		    secs(t, a, sizeof(a)) : html_t(p, VT_W_CLIP_START));
		snprintf(s2, sizeof(s2), "%s", json_is_integer(n) ?
		    secs(n, b, sizeof(b)) : html_t(p, VT_W_CLIP_END));
		snprintf(out, sizeof(out), html_t(p, VT_H_CLIP_BETWEEN), s1,
		    s2);
		html_esc(p->f, out);
		return;
	}
	if (!json_is_integer(t)) {
		html_esc(p->f, html_t(p, VT_H_CLIP_NO_TIME));
		return;
	}
	html_esc(p->f, secs(t, a, sizeof(a)));
}

static const char *
why_text(const struct page *p, const char *why)
{
	static const struct {
		const char	*code;
		enum vt_msg	 m;
	} names[] = {
		{ "altered", VT_CW_ALTERED }, { "outside", VT_CW_OUTSIDE },
		{ "twice", VT_CW_TWICE }, { "order", VT_CW_ORDER },
		{ "missing", VT_CW_MISSING }, { "no_proof", VT_CW_NOPROOF },
		{ "no_packet", VT_CW_NOPACKET },
		{ "bad_proof", VT_CW_BADPROOF }
	};
	size_t i;

	for (i = 0; why != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(why, names[i].code) == 0)
			return html_t(p, names[i].m);
	return NULL;
}

static void
failures_table(const struct page *p, const json_t *c)
{
	const json_t *fl = json_object_get(c, "failures"), *x;
	long long total = html_num(c, "failures_total");
	const char *why, *text;
	size_t i;

	if (json_array_size(fl) == 0)
		return;
	fprintf(p->f, "<table id=\"clip-failures\">\n<tr><th>%s</th>"
	    "<th>%s</th><th>%s</th></tr>\n", html_t(p, VT_H_CLIP_TIME),
	    html_t(p, VT_H_CLIP_POSITION), html_t(p, VT_H_CLIP_WHY));
	json_array_foreach(fl, i, x) {
		fputs("<tr><td class=\"bad\">", p->f);
		failure_time(p, x);
		fputs("</td><td>", p->f);
		if (html_num(x, "position") >= 0)
			fprintf(p->f, "%lld", html_num(x, "position"));
		else
			fputs(HTML_DASH, p->f);
		fputs("</td><td>", p->f);
		why = html_str(x, "why");
		if ((text = why_text(p, why)) != NULL) {
			html_esc(p->f, text);
			fputs(" <span class=\"mono\">[", p->f);
		} else
			fputs("<span class=\"mono\">[", p->f);
		html_esc(p->f, why);
		fputs("]</span></td></tr>\n", p->f);
	}
	fputs("</table>\n", p->f);
	if (total > (long long)json_array_size(fl)) {
		fputs("<p class=\"note\">", p->f);
		fprintf(p->f, html_t(p, VT_H_CLIP_MORE), total,
		    json_array_size(fl));
		fputs("</p>\n", p->f);
	}
}

void
html_clip_section(const struct page *p, int not_included)
{
	const json_t *c = json_object_get(p->report, "clip");
	long long first = html_num(c, "first"), count = html_num(c, "count");
	char a[32], b[32], buf[512];
	int ok = json_is_true(json_object_get(c, "ok"));

	if (!json_is_object(c) && !not_included)
		return;
	html_h2(p, VT_H_CLIP, "clip");
	fprintf(p->f, "<p class=\"note\">%s</p>\n", html_t(p,
	    VT_H_CLIP_NOTE));
	if (!json_is_object(c)) {
		fprintf(p->f, "<p class=\"bad\">%s</p>\n", html_t(p,
		    VT_H_CLIP_NONE));
		return;
	}
	fputs("<table id=\"clip-head\">\n", p->f);
	if (html_num(c, "segment") >= 0)
		snprintf(buf, sizeof(buf), "#%lld", html_num(c, "segment"));
	html_row(p, VT_H_CLIP_SEGMENT, html_num(c, "segment") >= 0 ? buf :
	    NULL, 1);
	html_row(p, VT_H_CLIP_FILE, html_str(c, "path"), 1);
	snprintf(buf, sizeof(buf), html_t(p, VT_H_CLIP_SPAN_FMT),
	    secs(json_object_get(c, "from_ms"), a, sizeof(a)),
	    secs(json_object_get(c, "to_ms"), b, sizeof(b)));
	html_row(p, VT_H_CLIP_SPAN, buf, 0);
	snprintf(buf, sizeof(buf), html_t(p, VT_H_CLIP_PACKETS_FMT),
	    html_num(c, "packets"), first, count > 0 ? first + count - 1 :
	    first);
	html_row(p, VT_H_CLIP_PACKETS, buf, 0);
	fprintf(p->f, "<tr id=\"clip-result\"><th>%s</th><td class=\"%s\">",
	    html_t(p, VT_H_CLIP_RESULT), ok ? "ok" : "bad");
	html_mark(p->f, json_object_get(c, "ok"));
	fputs(" ", p->f);
	if (ok)
		html_esc(p->f, html_t(p, VT_H_CLIP_OK));
	else if (html_num(c, "failures_total") > 0)
		fprintf(p->f, html_t(p, VT_H_CLIP_BAD),
		    html_num(c, "failures_total"));
	else
		html_esc(p->f, html_t(p, VT_V_UNPROVEN));
	fputs("</td></tr>\n</table>\n", p->f);
	failures_table(p, c);
}
