/*
 * verify_html_int.h: what the parts of the HTML report share: the page
 * being written (its file, report and language), escaping, marks and the
 * list tables (verify_html_util.c).  verify_html.c writes the top of the
 * page (head, the two verdicts, key, timestamp, checks, segments) and
 * verify_html_sections.c the rest (Art. 12, factors, officers, timeline,
 * coverage, findings), verify_html_clip.c the clip of a clip bundle.
 * Private to custos-verify.
 */
#ifndef CUSTOS_VERIFY_HTML_INT_H
#define CUSTOS_VERIFY_HTML_INT_H

#include <stdio.h>

#include <jansson.h>

#include "verify_text.h"

#define HTML_DASH	"–"

struct page {
	FILE		*f;
	const json_t	*report;
	enum vt_lang	 lang;
};

/* Message m in the page's language. */
const char	*html_t(const struct page *p, enum vt_msg m);

/*
 * Writes s with the five characters that HTML gives meaning to escaped,
 * and control characters replaced; NULL prints as a dash (absent).
 */
void		 html_esc(FILE *f, const char *s);

/* A string member of o, or NULL. */
const char	*html_str(const json_t *o, const char *key);

/* An integer member of o, or -1 when absent or not an integer. */
long long	 html_num(const json_t *o, const char *key);

/* ✔, ✘ or ? for a JSON boolean that may be missing. */
void		 html_mark(FILE *f, const json_t *v);

/* html_mark() and yes, no or "not stated" in the page's language. */
void		 html_yesno(const struct page *p, const json_t *v);

/* A time as given, with Beijing time beside it when it parses. */
void		 html_time(const struct page *p, const char *t);

/* An h2 with id, its text message m. */
void		 html_h2(const struct page *p, enum vt_msg m, const char *id);

/* A table row: the label of message m and an escaped value. */
void		 html_row(const struct page *p, enum vt_msg m,
		    const char *value, int mono);

/*
 * The list tables: a header row, one row per element of an array of
 * objects, and a row that says so when the array is empty.
 */
enum cell {
	CELL_TEXT,	/* the string, escaped; a dash when absent */
	CELL_MONO,	/* the same, in monospace */
	CELL_PATH,	/* monospace, empty when absent */
	CELL_TIME,	/* html_time() */
	CELL_INDEX,	/* the integer, empty when absent */
	CELL_COUNT,	/* the integer, -1 when absent */
	CELL_OK,	/* html_mark(), ✘ when not a boolean */
	CELL_EXPLAINED,	/* a gap's explained or unexplained */
	CELL_ENTRIES,	/* an array of integers, comma-separated */
	CELL_VERDICT,	/* a segment's verdict and why */
	CELL_DURATION,	/* milliseconds as seconds */
	CELL_LINKED,	/* linked, unlinked or a dash */
	CELL_OBJECT,	/* a segment's object and path */
	CELL_KIND,	/* a segment's device kind */
	CELL_DRIFT,	/* milliseconds, signed, or a dash */
	CELL_SOURCE,	/* usb, upload, live as words */
	CELL_RULE,	/* a finding's rule: its label and code */
	CELL_FINDING,	/* a finding's sentence, verify_text_finding() */
	CELL_OFFICER,	/* officer ID and name */
	CELL_CHECK	/* a check's name: its label, else its code in mono */
};

struct column {
	const char	*lit;		/* the heading as it is, or NULL */
	enum vt_msg	 head;		/* else this message */
	const char	*key;		/* NULL ends the columns */
	enum cell	 kind;
};

struct table {
	const char	*key;		/* the array's member */
	enum vt_msg	 empty;		/* the row when the array is empty */
	int		 has_missing;	/* a row when it is no array: */
	enum vt_msg	 missing;	/* this one */
	int		 by_verdict;	/* rows have class v-<verdict> */
	struct column	 cols[14];
};

/* The table t of the array t->key of o. */
void		 html_list_table(const struct page *p, const json_t *o,
		    const struct table *t);

/* The sections of verify_html_sections.c. */
void		 html_art12_section(const struct page *p);
void		 html_factors_section(const struct page *p);
void		 html_officers_section(const struct page *p);
void		 html_timeline_section(const struct page *p, const json_t *tl);
/* The witnesses' cosignatures (--witness; verify_html_witness.c). */
void		 html_witness_section(const struct page *p);
void		 html_coverage_section(const struct page *p, const json_t *tl);
void		 html_findings_section(const struct page *p);

/*
 * The clip section (verify_html_clip.c): for a report with "clip", or
 * when not_included (a segment of the report is not in the bundle).
 */
void		 html_clip_section(const struct page *p, int not_included);

#endif
