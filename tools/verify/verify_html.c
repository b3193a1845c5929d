/*
 * verify_html: renders a custos-verify-report@1 object as one HTML page
 * (verify_html.h): the head and the two verdicts, key trust, timestamp,
 * checks and segments here; the later sections in
 * verify_html_sections.c; escaping and tables in verify_html_util.c.
 * Each section reads only its own part of the report and shows what is
 * missing as missing, so the page of a bundle that is broken beyond most
 * checks still says plainly that nothing is proven.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "custos/err.h"

#include "verify_html.h"
#include "verify_html_int.h"
#include "verify_text.h"

static const char css[] =
    "body{font-family:'Noto Sans CJK SC','Source Han Sans SC',"
    "'Noto Sans SC','WenQuanYi Micro Hei','WenQuanYi Zen Hei',"
    "'Microsoft YaHei','PingFang SC','Hiragino Sans GB',SimHei,"
    "sans-serif;margin:2em auto;max-width:72em;"
    "padding:0 1em;color:#222;line-height:1.45}\n"
    "h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;"
    "padding-bottom:.2em;margin-top:1.6em}\n"
    "h2 .en,h1 .en{color:#555;font-weight:normal}\n"
    ".verdict{font-size:1.25em;font-weight:bold;padding:.6em 1em;"
    "border-radius:6px;margin:.6em 0}\n"
    ".verdict.ok{background:#e3f4e3;border:2px solid #2a7d2a;"
    "color:#1d5e1d}\n"
    ".verdict.bad{background:#fbe4e4;border:2px solid #b22;"
    "color:#8b1a1a}\n"
    ".verdict.limited{background:#fff1d6;border:2px solid #b36b00;"
    "color:#7a4a00}\n"
    ".verdict ul{font-size:.85em;margin:.3em 0 0;font-weight:normal}\n"
    "table{border-collapse:collapse;width:100%;margin:.5em 0}\n"
    "th,td{border:1px solid #ccc;padding:.25em .45em;text-align:left;"
    "vertical-align:top;font-size:.92em}th{background:#f2f2f2}\n"
    "td.mono,span.mono{font-family:'Noto Sans Mono CJK SC',monospace;"
    "overflow-wrap:anywhere}\n"
    "td.v{overflow-wrap:anywhere;min-width:12em}\n"
    ".ok{color:#1d6e1d;font-weight:bold}.bad{color:#b01818;"
    "font-weight:bold}.unk{color:#8a6d00;font-weight:bold}\n"
    "tr.v-ok td.v{background:#e3f4e3}tr.v-altered td.v,"
    "tr.v-missing td.v{background:#fbe4e4}"
    "tr.v-unproven td.v{background:#fff1d6}"
    "tr.v-disposed td.v{background:#e8eef7}"
    "tr.v-not_included td.v{background:#f0f0f0;color:#555}\n"
    "table.art12 th{width:9em}\n"
    ".anchor{background:#eef3fb;border-left:4px solid #3465a4;"
    "padding:.6em 1em}\n"
    ".note{color:#555;font-size:.9em}\n"
    ".bj{color:#666;font-size:.85em}\n"
    ".lane{position:relative;height:1.6em;background:#f4f4f4;"
    "border:1px solid #bbb;margin:.2em 0 .2em 9em}\n"
    ".lanelabel{position:absolute;left:-9em;width:8.6em;overflow:hidden;"
    "white-space:nowrap;font-size:.85em;line-height:1.6em}\n"
    ".blk{position:absolute;top:0;bottom:0;min-width:2px}\n"
    ".cov{background:#4a9a4a}.cov.unlinked{background:#aaa}\n"
    ".gap{background:repeating-linear-gradient(45deg,#d22,#d22 4px,"
    "#f88 4px,#f88 8px)}.gap.explained{background:#e0b040}\n"
    ".visit{position:absolute;top:-3px;bottom:-3px;border-left:2px solid "
    "#225;border-right:2px solid #225}\n"
    ".legend span{display:inline-block;width:1.2em;height:.8em;"
    "margin:0 .3em 0 1em;vertical-align:middle}\n"
    "ul.ev{margin:.2em 0;padding-left:1.2em}\n"
    ".axis{display:flex;justify-content:space-between;margin:0 0 1em 10.59em;"
    "font-size:.85em}.axis span:last-child{text-align:right}\n";

struct tally {
	long long	 seg_expected, seg_found, seg_ok;
	long long	 seg_altered, seg_missing, seg_unproven, seg_other;
	long long	 seg_disposed, seg_notincl;
	long long	 checks, checks_failed;
	long long	 ent_expected, ent_found, med_expected, med_found;
};

/*
 * Counts what the report says, from its segment list and checks, and from
 * "counts" where it gives them.  The larger of the two stands: a report
 * that lists four segments but counts three expected has lost one.
 */
static void
tally(const json_t *report, struct tally *t)
{
	const json_t *segs = json_object_get(report, "segments");
	const json_t *counts = json_object_get(report, "counts"), *s;
	const char *v;
	long long n;
	size_t i;

	memset(t, 0, sizeof(*t));
	json_array_foreach(segs, i, s) {
		v = html_str(s, "verdict");
		if (v != NULL && strcmp(v, "ok") == 0)
			t->seg_ok++;
		else if (v != NULL && strcmp(v, "altered") == 0)
			t->seg_altered++;
		else if (v != NULL && strcmp(v, "missing") == 0)
			t->seg_missing++;
		else if (v != NULL && strcmp(v, "unproven") == 0)
			t->seg_unproven++;
		else if (v != NULL && strcmp(v, "disposed") == 0)
			t->seg_disposed++;
		else if (v != NULL && strcmp(v, "not_included") == 0)
			t->seg_notincl++;
		else
			t->seg_other++;
	}
	t->seg_expected = (long long)json_array_size(segs);
	if ((n = html_num(counts, "segments_expected")) > t->seg_expected)
		t->seg_expected = n;
	t->seg_found = t->seg_expected - t->seg_missing - t->seg_disposed -
	    t->seg_notincl;
	if ((n = html_num(counts, "segments_found")) >= 0 && n < t->seg_found)
		t->seg_found = n;
	if ((n = html_num(counts, "segments_ok")) >= 0 && n < t->seg_ok)
		t->seg_ok = n;
	if (t->seg_expected - t->seg_found - t->seg_disposed -
	    t->seg_notincl > t->seg_missing)
		t->seg_missing = t->seg_expected - t->seg_found -
		    t->seg_disposed - t->seg_notincl;
	json_array_foreach(json_object_get(report, "checks"), i, s) {
		t->checks++;
		if (!json_is_true(json_object_get(s, "ok")))
			t->checks_failed++;
	}
	t->ent_expected = html_num(counts, "entries_expected");
	t->ent_found = html_num(counts, "entries_found");
	t->med_expected = html_num(counts, "media_expected");
	t->med_found = html_num(counts, "media_found");
}

/*
 * Why a report that says "proven" must not be shown so, or 0.  The
 * verifier should never produce such a report; if it does, the page errs
 * on the side of "not proven".
 */
static enum vt_msg
contradiction(const json_t *report, const struct tally *t)
{
	if (t->checks == 0)
		return VT_VI_NO_CHECKS;
	if (t->checks_failed > 0)
		return VT_VI_FAILED_CHECK;
	/* Segments left out are no failure of a clip bundle whose clip is
	   proven, and only of one. */
	if (t->seg_notincl > 0 && !json_is_true(json_object_get(
	    json_object_get(report, "clip"), "ok")))
		return VT_VI_SEG_NOT_OK;
	if (t->seg_ok + t->seg_disposed + t->seg_notincl < t->seg_expected)
		return VT_VI_SEG_NOT_OK;
	if (t->ent_found < t->ent_expected || t->med_found < t->med_expected)
		return VT_VI_FEWER;
	if (!json_is_true(json_object_get(json_object_get(report, "key"),
	    "matches_given")))
		return VT_VI_NOT_SIGNED;
	return VT_NMSGS;
}

/* The integrity verdict: proven or not, with the counts behind it. */
static void
verdict_integrity(const struct page *p, const struct tally *t)
{
	const char *v = html_str(p->report, "verdict");
	enum vt_msg why = VT_NMSGS;
	int proven = v != NULL && strcmp(v, "proven") == 0;
	FILE *f = p->f;

	if (proven && (why = contradiction(p->report, t)) != VT_NMSGS)
		proven = 0;
	fprintf(f, "<div id=\"verdict-integrity\" class=\"verdict %s\">%s",
	    proven ? "ok" : "bad", html_t(p, proven ? VT_VI_OK : VT_VI_BAD));
	fprintf(f, html_t(p, VT_VI_COUNTS), t->seg_ok, t->seg_expected);
	if (t->seg_altered > 0)
		fprintf(f, html_t(p, VT_VI_ALTERED), t->seg_altered);
	if (t->seg_unproven > 0)
		fprintf(f, html_t(p, VT_VI_UNPROVEN), t->seg_unproven);
	if (t->seg_missing > 0)
		fprintf(f, html_t(p, VT_VI_MISSING), t->seg_missing);
	if (t->seg_disposed > 0)
		fprintf(f, html_t(p, VT_VI_DISPOSED), t->seg_disposed);
	if (t->seg_notincl > 0)
		fprintf(f, html_t(p, VT_VI_NOT_INCLUDED), t->seg_notincl);
	if (t->seg_other > 0)
		fprintf(f, html_t(p, VT_VI_OTHER), t->seg_other);
	if (t->ent_expected >= 0)
		fprintf(f, html_t(p, VT_VI_ENTRIES), t->ent_found < 0 ? 0 :
		    t->ent_found, t->ent_expected);
	if (t->med_expected >= 0)
		fprintf(f, html_t(p, VT_VI_MEDIA), t->med_found < 0 ? 0 :
		    t->med_found, t->med_expected);
	fprintf(f, html_t(p, VT_VI_CHECKS), t->checks - t->checks_failed,
	    t->checks);
	if (why != VT_NMSGS)
		fprintf(f, html_t(p, VT_VI_CONTRADICTION), html_t(p, why));
	else if (v == NULL)
		fputs(html_t(p, VT_VI_NO_VERDICT), f);
	fputs("</div>\n", f);
}

/*
 * The procedure verdict: green only when the report's "procedure" says
 * clean and no finding is listed; every finding is named, with what it
 * limits.  A report without a procedure section is not assessed.
 */
static void
verdict_procedure(const struct page *p)
{
	const json_t *pr = json_object_get(p->report, "procedure"), *x;
	const json_t *fi = json_object_get(p->report, "findings");
	const char *v = html_str(pr, "verdict");
	int clean = v != NULL && strcmp(v, "clean") == 0 &&
	    json_array_size(fi) == 0;
	FILE *f = p->f;
	size_t i;

	fprintf(f, "<div id=\"verdict-procedure\" class=\"verdict %s\">",
	    clean ? "ok" : "limited");
	if (clean)
		fputs(html_t(p, VT_VP_CLEAN), f);
	else if (json_array_size(fi) > 0)
		fprintf(f, html_t(p, VT_VP_LIMITED), json_array_size(fi));
	else
		fprintf(f, html_t(p, VT_VP_UNKNOWN), html_t(p,
		    VT_NOTE_NO_START));
	if (json_array_size(fi) > 0) {
		fputs("<ul>", f);
		json_array_foreach(fi, i, x) {
			fputs("<li>", f);
			html_esc(f, verify_text_rule(p->lang, html_str(x,
			    "rule")));
			fputs(" <span class=\"mono\">[", f);
			html_esc(f, html_str(x, "rule"));
			fputs("]</span></li>", f);
		}
		fputs("</ul>", f);
	}
	fputs("</div>\n", f);
	if (json_is_true(json_object_get(p->report, "strict_failed")))
		fprintf(f, "<p class=\"bad\">%s</p>\n", html_t(p,
		    VT_VP_STRICT));
	fputs("<p id=\"proven\">", f);
	html_esc(f, html_str(p->report, "proven"));
	fputs("</p>\n", f);
}

static void
header(const struct page *p)
{
	FILE *f = p->f;

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<title>%s: ", p->lang == VT_EN ? "en" : "zh-CN",
	    html_t(p, VT_H_TITLE));
	html_esc(f, html_str(p->report, "inspection"));
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n"
	    "<h1>%s</h1>\n", css, html_t(p, VT_H_TITLE));
}

static void
meta_table(const struct page *p)
{
	const json_t *r = p->report, *ent = json_object_get(r, "enterprise");

	fputs("<table class=\"meta\">\n", p->f);
	html_row(p, VT_H_INSPECTION, html_str(r, "inspection"), 1);
	html_row(p, VT_H_ENTERPRISE, html_str(ent, "name"), 0);
	html_row(p, VT_H_USCC, html_str(ent, "code"), 1);
	html_row(p, VT_H_PURPOSE, html_str(r, "purpose"), 0);
	html_row(p, VT_H_STATION, html_str(r, "station"), 1);
	html_row(p, VT_H_BUNDLE, html_str(r, "bundle"), 1);
	html_row(p, VT_H_BUNDLE_FORMAT, html_str(r, "bundle_format"), 1);
	html_row(p, VT_H_PROFILE, html_str(r, "profile") != NULL ?
	    verify_text_profile(p->lang, html_str(r, "profile")) : NULL, 1);
	html_row(p, VT_H_REPORT_FORMAT, html_str(r, "format"), 1);
	fputs("</table>\n", p->f);
}

static void
yesno_row(const struct page *p, enum vt_msg m, const json_t *v)
{
	fprintf(p->f, "<tr><th>%s</th><td>", html_t(p, m));
	html_yesno(p, v);
	fputs("</td></tr>\n", p->f);
}

static void
key_section(const struct page *p)
{
	const json_t *k = json_object_get(p->report, "key"), *o;
	size_t i;

	html_h2(p, VT_H_KEY, "key");
	fprintf(p->f, "<p class=\"note\">%s</p>\n<table>\n",
	    html_t(p, VT_H_KEY_NOTE));
	html_row(p, VT_H_SIGNER, html_str(k, "signer"), 1);
	html_row(p, VT_H_SIGNER_ID, html_str(k, "signer_key_id"), 1);
	html_row(p, VT_H_GIVEN_ID, html_str(k, "given_key_id"), 1);
	yesno_row(p, VT_H_SIGNED_BY_GIVEN, json_object_get(k,
	    "matches_given"));
	yesno_row(p, VT_H_VKEY_GIVEN, json_object_get(k,
	    "bundle_vkey_matches_given"));
	if (json_array_size(json_object_get(k, "other_signers")) > 0) {
		fprintf(p->f, "<tr id=\"other-signers\"><th>%s</th>"
		    "<td class=\"mono bad\">", html_t(p, VT_H_OTHER_SIGS));
		json_array_foreach(json_object_get(k, "other_signers"), i, o) {
			fputs(i > 0 ? ", " : "", p->f);
			html_esc(p->f, json_string_value(o));
		}
		fputs("</td></tr>\n", p->f);
	}
	html_row(p, VT_H_NOTE, html_str(k, "text"), 0);
	fputs("</table>\n", p->f);
}

static void
timestamp_section(const struct page *p)
{
	const json_t *ts = json_object_get(p->report, "timestamp");

	html_h2(p, VT_H_TS, "timestamp");
	fputs("<p class=\"anchor\" id=\"anchor\">", p->f);
	html_esc(p->f, html_str(p->report, "anchor"));
	fprintf(p->f, "<br><span class=\"note\">%s</span></p>\n<table>\n",
	    html_t(p, VT_H_TS_NOTE));
	yesno_row(p, VT_H_PRESENT, json_object_get(ts, "present"));
	yesno_row(p, VT_H_CHECKED, json_object_get(ts, "checked"));
	yesno_row(p, VT_H_VALID, json_object_get(ts, "ok"));
	fprintf(p->f, "<tr><th>%s</th><td>", html_t(p, VT_H_TIME));
	html_time(p, html_str(ts, "time"));
	fputs("</td></tr>\n", p->f);
	html_row(p, VT_H_TSA, html_str(ts, "tsa"), 1);
	html_row(p, VT_H_SERIAL, html_str(ts, "serial"), 1);
	html_row(p, VT_H_POLICY, html_str(ts, "policy"), 1);
	html_row(p, VT_H_NOTE, html_str(ts, "text"), 0);
	fputs("</table>\n", p->f);
}

static const struct table checks_table = { "checks", VT_H_NO_CHECKS,
	0, VT_H_NO_CHECKS, 0, {
	{ "", VT_NMSGS, "ok", CELL_OK },
	{ NULL, VT_H_CHECK, "id", CELL_CHECK },
	{ NULL, VT_H_RESULT, "text", CELL_TEXT },
	{ NULL, VT_H_ENTRY, "index", CELL_INDEX },
	{ NULL, VT_H_PATH, "path", CELL_PATH },
	{ NULL, VT_NMSGS, NULL, CELL_TEXT } } };

static const struct table segments_table = { "segments", VT_H_NO_SEGMENTS,
	0, VT_H_NO_SEGMENTS, 1, {
	{ "#", VT_NMSGS, "index", CELL_INDEX },
	{ NULL, VT_H_VERDICT, "verdict", CELL_VERDICT },
	{ NULL, VT_H_CAMERA, "camera", CELL_TEXT },
	{ NULL, VT_H_DEVICE_KIND, "device_kind", CELL_KIND },
	{ NULL, VT_H_REVIEW, "review", CELL_TEXT },
	{ NULL, VT_H_OFFICER, "officer", CELL_OFFICER },
	{ NULL, VT_H_RECORDED, "recorded_start", CELL_TIME },
	{ NULL, VT_H_DRIFT, "clock_drift_ms", CELL_DRIFT },
	{ NULL, VT_H_CORRECTED, "corrected_start", CELL_TIME },
	{ NULL, VT_H_DURATION, "duration_ms", CELL_DURATION },
	{ NULL, VT_H_SOURCE, "source", CELL_SOURCE },
	{ NULL, VT_H_LINKED, "linked", CELL_LINKED },
	{ NULL, VT_H_OBJECT, "object", CELL_OBJECT },
	{ NULL, VT_NMSGS, NULL, CELL_TEXT } } };

static void
checks_section(const struct page *p)
{
	html_h2(p, VT_H_CHECKS, "checks");
	html_list_table(p, p->report, &checks_table);
}

static void
segments_section(const struct page *p, const struct tally *t)
{
	html_h2(p, VT_H_SEGMENTS, "segments");
	fputs("<p>", p->f);
	fprintf(p->f, html_t(p, VT_H_SEG_COUNTS), t->seg_expected,
	    t->seg_found, t->seg_ok, t->seg_altered, t->seg_unproven,
	    t->seg_missing);
	if (t->seg_notincl > 0) {
		fputs(" ", p->f);
		fprintf(p->f, html_t(p, VT_H_SEG_NOT_INCLUDED),
		    t->seg_notincl);
	}
	fputs("</p>\n", p->f);
	html_list_table(p, p->report, &segments_table);
	html_clip_section(p, t->seg_notincl > 0);
}

int
verify_html_write(FILE *f, const json_t *report)
{
	struct page p;
	const json_t *tl;
	struct tally t;

	if (f == NULL || report == NULL)
		return CUSTOS_ERR_INVALID;
	p.f = f;
	p.report = report;
	if (verify_text_lang(json_string_value(json_object_get(report,
	    "lang")) ? json_string_value(json_object_get(report, "lang")) :
	    "zh", &p.lang) != 0)
		p.lang = VT_ZH;
	tl = json_object_get(report, "timeline");
	tally(report, &t);
	header(&p);
	verdict_integrity(&p, &t);
	verdict_procedure(&p);
	meta_table(&p);
	key_section(&p);
	timestamp_section(&p);
	html_witness_section(&p);
	checks_section(&p);
	segments_section(&p, &t);
	html_art12_section(&p);
	html_factors_section(&p);
	html_officers_section(&p);
	html_timeline_section(&p, tl);
	html_coverage_section(&p, tl);
	html_findings_section(&p);
	fprintf(f, "<p class=\"note\">%s</p>\n</body>\n</html>\n",
	    html_t(&p, VT_H_FOOTER));
	if (fflush(f) == EOF || ferror(f)) {
		if (errno == 0)
			errno = EIO;
		return CUSTOS_ERR_SYSTEM;
	}
	return 0;
}
