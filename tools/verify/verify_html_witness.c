/*
 * verify_html_witness: the report page's witness section (--witness):
 * the reviewer's quorum and, per given witness, its key, whether its
 * cosignature of the checkpoint is valid, and when it was made.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "verify_html_int.h"
#include "verify_text.h"

void
html_witness_section(const struct page *p)
{
	const json_t *w = json_object_get(p->report, "witnesses"), *c;
	size_t i;

	if (w == NULL)
		return;
	html_h2(p, VT_H_WITNESSES, "witnesses");
	fputs("<p id=\"witnesses-text\">", p->f);
	html_mark(p->f, json_object_get(w, "ok"));
	fputc(' ', p->f);
	html_esc(p->f, html_str(w, "text"));
	fprintf(p->f, "</p>\n<table>\n<tr><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th></tr>\n", html_t(p, VT_H_WITNESS),
	    html_t(p, VT_H_WITNESS_KEY), html_t(p, VT_H_STATE),
	    html_t(p, VT_H_COSIGNED_AT));
	json_array_foreach(json_object_get(w, "cosignatures"), i, c) {
		fputs("<tr><td>", p->f);
		html_esc(p->f, html_str(c, "witness"));
		fputs("</td><td class=\"mono\">", p->f);
		html_esc(p->f, html_str(c, "key"));
		fputs("</td><td>", p->f);
		html_mark(p->f, json_object_get(c, "valid"));
		fputc(' ', p->f);
		html_esc(p->f, html_str(c, "state"));
		fputs("</td><td>", p->f);
		if (html_str(c, "time") != NULL)
			html_time(p, html_str(c, "time"));
		fputs("</td></tr>\n", p->f);
	}
	fputs("</table>\n", p->f);
}
