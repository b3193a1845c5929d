/*
 * verify_html: the reviewer's report of "custos-verify bundle --html" as
 * one self-contained HTML5 page: inline CSS and SVG, no scripts, no
 * external resources, UTF-8, in Chinese (or English with --lang en).
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
 * The page's language is the report's "lang" ("zh", the default, or
 * "en"): <html lang="zh-CN"> or lang="en", every sentence and label from
 * that language's table (verify_text.h), and a CJK font-family list in
 * the inline CSS so Chinese renders on any reviewer's machine.
 *
 * Two verdicts open the page: <div id="verdict-integrity"> with class
 * "ok" (proven) or "bad", its text starting with "✔ 证据完整性已证明" /
 * "✔ Integrity proven" or "✘ 证据完整性未能证明" / "✘ Integrity NOT
 * proven" followed by the counts; and <div id="verdict-procedure"> with
 * class "ok" only when the report's "procedure" is "clean" and it lists
 * no finding, else "limited", naming every finding that limits the use
 * of the evidence.  Never one green banner over a finding.
 *
 * Returns 0, CUSTOS_ERR_INVALID for a NULL f or report, or
 * CUSTOS_ERR_SYSTEM when writing to f failed (errno holds the cause).
 * f stays open; the caller closes it and checks that too.
 */
int	 verify_html_write(FILE *f, const json_t *report);

#endif
