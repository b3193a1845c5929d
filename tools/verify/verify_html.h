/*
 * verify_html: the reviewer's report of "custos-verify bundle --html" as
 * one self-contained HTML5 page: inline CSS and SVG, no scripts, no
 * external resources, UTF-8, Chinese headings with English beside them.
 */
#ifndef CUSTOS_VERIFY_HTML_H
#define CUSTOS_VERIFY_HTML_H

#include <stdio.h>

#include <jansson.h>

/*
 * Writes the page for report (the custos-verify-report@1 object) to f.
 * Every string of the report is escaped: it comes from an untrusted
 * bundle.  Fields may be missing (a broken bundle yields a sparse report):
 * what is absent is shown as absent, and the page shows "proven" only
 * when the report's verdict is "proven" and nothing in it contradicts
 * that (a failed check, a segment that is not ok, fewer items found than
 * expected).
 *
 * The report's "factors" are taken in the order of the seven factors of
 * the Supreme People's Court's evidence rules, Art. 93 (REGULATION.md);
 * the page names each one itself and shows one the report leaves out as
 * not addressed.
 *
 * The overall verdict is <div id="verdict" class="proven|not_proven">,
 * its text starting with "✔ 证据完整性已证明 / Integrity proven" or
 * "✘ 未能证明 / NOT proven", followed by the counts.
 *
 * Returns 0, CUSTOS_ERR_INVALID for a NULL f or report, or
 * CUSTOS_ERR_SYSTEM when writing to f failed (errno holds the cause).
 * f stays open; the caller closes it and checks that too.
 */
int	 verify_html_write(FILE *f, const json_t *report);

#endif
