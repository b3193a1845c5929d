/*
 * html-run: renders a verification report (a custos-verify-report@1 JSON
 * file) as HTML with verify_html_write(), the renderer custos-verify
 * bundle --html uses.  Lets the page be tested on reports written by hand:
 * hostile strings, sparse reports of broken bundles, every verdict.
 *
 *	html-run REPORT.json [OUT.html]		(default: stdout)
 *
 * Exit status: 0 written, 2 usage, unreadable report or write error.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "custos/err.h"
#include "tools/verify/verify_html.h"

int
main(int argc, char *argv[])
{
	json_error_t jerr;
	json_t *report;
	FILE *f = stdout;
	int rc;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: html-run REPORT.json [OUT.html]\n");
		return 2;
	}
	if ((report = json_load_file(argv[1], 0, &jerr)) == NULL)
		errx(2, "%s:%d: %s", argv[1], jerr.line, jerr.text);
	if (argc == 3 && (f = fopen(argv[2], "w")) == NULL)
		err(2, "%s", argv[2]);
	rc = verify_html_write(f, report);
	json_decref(report);
	if (rc == CUSTOS_ERR_SYSTEM)
		err(2, "%s", argc == 3 ? argv[2] : "stdout");
	if (rc != 0)
		errx(2, "%s", custos_strerror(rc));
	if ((f == stdout ? fflush(f) : fclose(f)) == EOF)
		err(2, "%s", argc == 3 ? argv[2] : "stdout");
	return 0;
}
