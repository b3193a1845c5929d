/*
 * verify_html: renders a custos-verify-report@1 object as one HTML page
 * (verify_html.h).  Each section reads only its own part of the report
 * and shows what is missing as missing, so the page of a bundle that is
 * broken beyond most checks still says plainly that nothing is proven.
 *
 * Every string from the report goes through esc(): the report repeats
 * what an untrusted bundle says, down to file names and officers' names.
 * Markup comes only from the literals in this file.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "custos/err.h"
#include "custos/rfc3339.h"
#include "custos/timeline.h"

#include "verify_html.h"

#define DASH	"–"

/*
 * The seven factors by which a court weighs electronic data (最高人民法院
 * 《关于民事诉讼证据的若干规定》Art. 93), in its order; the report's
 * "factors" fill them, and a factor the report leaves out shows as not
 * addressed rather than vanishing.
 */
static const char *const factor_titles[7] = {
	"（一）计算机系统的硬件、软件环境是否完整、可靠 / "
	    "the system is complete and reliable",
	"（二）系统是否处于正常运行状态，或不正常运行对数据的形成和完整性是否有影响 / "
	    "it ran normally, or a fault did not affect the data",
	"（三）系统是否具备有效的防止出错的监测、核查手段 / "
	    "it has effective means to detect and check errors",
	"（四）数据是否被完整地保存、传输、提取，方法是否可靠 / "
	    "keeping, transfer and extraction were complete and reliable",
	"（五）数据是否在正常的往来活动中形成和存储 / "
	    "formed and stored in normal activity",
	"（六）保存、传输、提取数据的主体是否适当 / "
	    "kept, transferred and extracted by the proper custodian",
	"（七）影响真实性的其他因素 / other factors bearing on authenticity",
};

static const char css[] =
    "body{font-family:'Noto Sans CJK SC','Source Han Sans SC',"
    "'Microsoft YaHei',sans-serif;margin:2em auto;max-width:72em;"
    "padding:0 1em;color:#222;line-height:1.45}\n"
    "h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;"
    "padding-bottom:.2em;margin-top:1.6em}\n"
    "h2 .en,h1 .en{color:#555;font-weight:normal}\n"
    "#verdict{font-size:1.35em;font-weight:bold;padding:.8em 1em;"
    "border-radius:6px;margin:1em 0}\n"
    "#verdict.proven{background:#e3f4e3;border:2px solid #2a7d2a;"
    "color:#1d5e1d}\n"
    "#verdict.not_proven{background:#fbe4e4;border:2px solid #b22;"
    "color:#8b1a1a}\n"
    "table{border-collapse:collapse;width:100%;margin:.5em 0}\n"
    "th,td{border:1px solid #ccc;padding:.25em .45em;text-align:left;"
    "vertical-align:top;font-size:.92em}th{background:#f2f2f2}\n"
    "td.mono,span.mono{font-family:monospace;overflow-wrap:anywhere}\n"
    "td.v{overflow-wrap:anywhere;min-width:12em}\n"
    ".ok{color:#1d6e1d;font-weight:bold}.bad{color:#b01818;"
    "font-weight:bold}.unk{color:#8a6d00;font-weight:bold}\n"
    "tr.v-ok td.v{background:#e3f4e3}tr.v-altered td.v,"
    "tr.v-missing td.v{background:#fbe4e4}\n"
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

/*
 * Writes s with the five characters that HTML gives meaning to escaped,
 * and control characters (which no report string should hold) replaced,
 * so no string can close an element or an attribute.  NULL prints as a
 * dash: absent, not empty.
 */
static void
esc(FILE *f, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs(DASH, f);
		return;
	}
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
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
			if ((*p < 0x20 && *p != '\t' && *p != '\n') ||
			    *p == 0x7f)
				fputs("\xef\xbf\xbd", f);
			else
				putc(*p, f);
		}
	}
}

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* An integer field, or -1 when it is absent or not an integer. */
static long long
num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

/* ✔, ✘ or ? for a JSON boolean that may be missing. */
static void
mark(FILE *f, const json_t *v)
{
	if (json_is_true(v))
		fputs("<span class=\"ok\">✔</span>", f);
	else if (json_is_false(v))
		fputs("<span class=\"bad\">✘</span>", f);
	else
		fputs("<span class=\"unk\">?</span>", f);
}

static void
yesno(FILE *f, const json_t *v, const char *yes, const char *no)
{
	mark(f, v);
	fputc(' ', f);
	fputs(json_is_true(v) ? yes : json_is_false(v) ? no :
	    "not stated / 未说明", f);
}

/* A time as given, with Beijing time beside it when it parses. */
static void
time_html(FILE *f, const char *t)
{
	char bj[32];
	int64_t ms;

	esc(f, t);
	if (t != NULL && rfc3339_parse(t, &ms) == 0) {
		timeline_beijing(ms, bj, sizeof(bj));
		fprintf(f, "<br><span class=\"bj\">北京 %s</span>", bj);
	}
}

static void
h2(FILE *f, const char *zh, const char *en, const char *id)
{
	fprintf(f, "<h2 id=\"%s\">%s <span class=\"en\">/ %s</span></h2>\n",
	    id, zh, en);
}

/* A table row: label and an escaped value. */
static void
row(FILE *f, const char *label, const char *value)
{
	fprintf(f, "<tr><th>%s</th><td>", label);
	esc(f, value);
	fputs("</td></tr>\n", f);
}

static void
row_mono(FILE *f, const char *label, const char *value)
{
	fprintf(f, "<tr><th>%s</th><td class=\"mono\">", label);
	esc(f, value);
	fputs("</td></tr>\n", f);
}

struct tally {
	long long	 seg_expected, seg_found, seg_ok;
	long long	 seg_altered, seg_missing, seg_other;
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
		v = str(s, "verdict");
		if (v != NULL && strcmp(v, "ok") == 0)
			t->seg_ok++;
		else if (v != NULL && strcmp(v, "altered") == 0)
			t->seg_altered++;
		else if (v != NULL && strcmp(v, "missing") == 0)
			t->seg_missing++;
		else
			t->seg_other++;
	}
	t->seg_expected = (long long)json_array_size(segs);
	if ((n = num(counts, "segments_expected")) > t->seg_expected)
		t->seg_expected = n;
	t->seg_found = t->seg_expected - t->seg_missing;
	if ((n = num(counts, "segments_found")) >= 0 && n < t->seg_found)
		t->seg_found = n;
	if ((n = num(counts, "segments_ok")) >= 0 && n < t->seg_ok)
		t->seg_ok = n;
	if (t->seg_expected - t->seg_found > t->seg_missing)
		t->seg_missing = t->seg_expected - t->seg_found;
	json_array_foreach(json_object_get(report, "checks"), i, s) {
		t->checks++;
		if (!json_is_true(json_object_get(s, "ok")))
			t->checks_failed++;
	}
	t->ent_expected = num(counts, "entries_expected");
	t->ent_found = num(counts, "entries_found");
	t->med_expected = num(counts, "media_expected");
	t->med_found = num(counts, "media_found");
}

/*
 * Why a report that says "proven" must not be shown so, or NULL.  The
 * verifier should never produce such a report; if it does, the page errs
 * on the side of "not proven".
 */
static const char *
contradiction(const json_t *report, const struct tally *t)
{
	if (t->checks == 0)
		return "the report lists no checks";
	if (t->checks_failed > 0)
		return "a check failed";
	if (t->seg_ok < t->seg_expected)
		return "not every segment is ok";
	if (t->ent_found < t->ent_expected || t->med_found < t->med_expected)
		return "fewer entries or media files found than expected";
	if (!json_is_true(json_object_get(json_object_get(report, "key"),
	    "matches_given")))
		return "the checkpoint is not shown signed by the given key";
	return NULL;
}

static void
verdict(FILE *f, const json_t *report, const struct tally *t)
{
	const char *v = str(report, "verdict"), *why = NULL;
	int proven = v != NULL && strcmp(v, "proven") == 0;

	if (proven && (why = contradiction(report, t)) != NULL)
		proven = 0;
	fprintf(f, "<div id=\"verdict\" class=\"%s\">%s — %lld of %lld "
	    "segments ok", proven ? "proven" : "not_proven", proven ?
	    "✔ 证据完整性已证明 / Integrity proven" :
	    "✘ 未能证明 / NOT proven", t->seg_ok, t->seg_expected);
	if (t->seg_altered > 0)
		fprintf(f, ", %lld altered", t->seg_altered);
	if (t->seg_missing > 0)
		fprintf(f, ", %lld missing", t->seg_missing);
	if (t->seg_other > 0)
		fprintf(f, ", %lld without a verdict", t->seg_other);
	if (t->ent_expected >= 0)
		fprintf(f, "; %lld of %lld entries", t->ent_found < 0 ? 0 :
		    t->ent_found, t->ent_expected);
	if (t->med_expected >= 0)
		fprintf(f, "; %lld of %lld media files", t->med_found < 0 ? 0 :
		    t->med_found, t->med_expected);
	fprintf(f, "; %lld of %lld checks passed", t->checks -
	    t->checks_failed, t->checks);
	if (why != NULL)
		fprintf(f, " (the report says proven, but %s)", why);
	else if (v == NULL)
		fputs(" (the report has no verdict)", f);
	fputs("</div>\n", f);
	if (json_is_true(json_object_get(report, "strict_failed")))
		fputs("<p class=\"bad\">程序问题导致 --strict 核验失败 / "
		    "Procedure findings fail --strict (they are not integrity "
		    "failures; see the findings below).</p>\n", f);
	fputs("<p id=\"proven\">", f);
	esc(f, str(report, "proven"));
	fputs("</p>\n", f);
}

static void
header(FILE *f, const json_t *report)
{
	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<title>证据核验报告 / Evidence verification report: ", f);
	esc(f, str(report, "inspection"));
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
	fputs("<h1>证据核验报告 <span class=\"en\">/ Evidence verification "
	    "report</span></h1>\n<table class=\"meta\">\n", f);
	row_mono(f, "检查 / Inspection", str(report, "inspection"));
	row_mono(f, "工作站 / Station", str(report, "station"));
	row_mono(f, "证据包 / Bundle", str(report, "bundle"));
	row_mono(f, "格式 / Bundle format", str(report, "bundle_format"));
	row_mono(f, "密码配置 / Crypto profile", str(report, "profile"));
	row_mono(f, "报告格式 / Report format", str(report, "format"));
	fputs("</table>\n", f);
}

static void
key_section(FILE *f, const json_t *report)
{
	const json_t *k = json_object_get(report, "key");

	h2(f, "密钥信任", "Key trust", "key");
	fputs("<p class=\"note\">密钥信任与内容完整性分开判断：内容可以与包内密钥一致，"
	    "但只有与审核人另行取得的密钥一致才可信。 / Key trust is judged "
	    "apart from content: only a key received out of band, not the one "
	    "inside the bundle, makes the signatures mean anything.</p>\n"
	    "<table>\n", f);
	row_mono(f, "签名者 / Signer", str(k, "signer"));
	row_mono(f, "签名密钥 ID / Signer key ID", str(k, "signer_key_id"));
	row_mono(f, "给定密钥 ID / Given key ID", str(k, "given_key_id"));
	fputs("<tr><th>检查点由给定密钥签名 / Checkpoint signed by the given "
	    "key</th><td>", f);
	yesno(f, json_object_get(k, "matches_given"), "yes / 是", "no / 否");
	fputs("</td></tr>\n<tr><th>包内 station.vkey 与给定密钥一致 / The "
	    "bundle's station.vkey is the given key</th><td>", f);
	yesno(f, json_object_get(k, "bundle_vkey_matches_given"),
	    "yes / 是", "no / 否");
	fputs("</td></tr>\n", f);
	row(f, "说明 / Note", str(k, "text"));
	fputs("</table>\n", f);
}

static void
timestamp_section(FILE *f, const json_t *report)
{
	const json_t *ts = json_object_get(report, "timestamp");

	h2(f, "可信时间戳", "Third-party timestamp", "timestamp");
	fputs("<p class=\"anchor\" id=\"anchor\">", f);
	esc(f, str(report, "anchor"));
	fputs("<br><span class=\"note\">第三方锚点是外部时间戳机构（RFC 3161）"
	    "的时间戳，而不是工作站自己的日志。 / The third-party anchor is "
	    "the outside timestamp (RFC 3161), not the station's own log."
	    "</span></p>\n<table>\n", f);
	fputs("<tr><th>存在 / Present</th><td>", f);
	yesno(f, json_object_get(ts, "present"), "yes / 有", "no / 无");
	fputs("</td></tr>\n<tr><th>已核验 / Checked</th><td>", f);
	yesno(f, json_object_get(ts, "checked"), "yes / 已核验",
	    "no / 未核验");
	fputs("</td></tr>\n<tr><th>有效 / Valid</th><td>", f);
	yesno(f, json_object_get(ts, "ok"), "valid / 有效",
	    "not valid / 无效");
	fputs("</td></tr>\n<tr><th>时间 / Time</th><td>", f);
	time_html(f, str(ts, "time"));
	fputs("</td></tr>\n", f);
	row_mono(f, "时间戳机构 / TSA", str(ts, "tsa"));
	row_mono(f, "序列号 / Serial", str(ts, "serial"));
	row_mono(f, "策略 / Policy", str(ts, "policy"));
	row(f, "说明 / Note", str(ts, "text"));
	fputs("</table>\n", f);
}

/*
 * The list tables: a header row, one row per element of an array of
 * objects, and a row that says so when the array is empty.  A column
 * names a member of the element and how its cell shows it.
 */
enum cell {
	CELL_TEXT,	/* the string, escaped; a dash when absent */
	CELL_MONO,	/* the same, in monospace */
	CELL_PATH,	/* monospace, empty when absent */
	CELL_TIME,	/* time_html() */
	CELL_INDEX,	/* the integer, empty when absent */
	CELL_COUNT,	/* the integer, -1 when absent */
	CELL_OK,	/* mark(), ✘ when not a boolean */
	CELL_EXPLAINED,	/* a gap's explained or unexplained */
	CELL_ENTRIES,	/* an array of integers, comma-separated */
	CELL_VERDICT,	/* a segment's verdict and why */
	CELL_DURATION,	/* milliseconds as seconds */
	CELL_LINKED,	/* linked, unlinked or a dash */
	CELL_OBJECT	/* a segment's object and path */
};

struct column {
	const char	*head;
	const char	*key;
	enum cell	 kind;
};

struct table {
	const char	*key;		/* the array's member */
	const char	*empty;		/* the row when the array is empty */
	const char	*missing;	/* the row when it is no array, or NULL */
	int		 by_verdict;	/* rows have class v-<verdict> */
	struct column	 cols[10];	/* up to the first NULL head */
};

static void
cell(FILE *f, const json_t *x, const struct column *c)
{
	const json_t *v = json_object_get(x, c->key), *e;
	const char *s = json_string_value(v);
	size_t j;

	fputs(c->kind == CELL_MONO || c->kind == CELL_PATH ||
	    c->kind == CELL_OBJECT ? "<td class=\"mono\">" :
	    c->kind == CELL_VERDICT ? "<td class=\"v\">" : "<td>", f);
	switch (c->kind) {
	case CELL_TEXT:
	case CELL_MONO:
		esc(f, s);
		break;
	case CELL_PATH:
		if (s != NULL)
			esc(f, s);
		break;
	case CELL_TIME:
		time_html(f, s);
		break;
	case CELL_INDEX:
		if (num(x, c->key) >= 0)
			fprintf(f, "%lld", num(x, c->key));
		break;
	case CELL_COUNT:
		fprintf(f, "%lld", num(x, c->key));
		break;
	case CELL_OK:
		mark(f, json_is_boolean(v) ? v : json_false());
		break;
	case CELL_EXPLAINED:
		fputs(json_is_true(v) ?
		    "<span class=\"unk\">~ 已说明 / explained</span>" :
		    "<span class=\"bad\">✘ 未说明 / unexplained</span>", f);
		break;
	case CELL_ENTRIES:
		json_array_foreach(v, j, e)
			fprintf(f, "%s%lld", j > 0 ? ", " : "",
			    (long long)json_integer_value(e));
		break;
	case CELL_VERDICT:
		fputs(s != NULL && strcmp(s, "ok") == 0 ? "✔ " : "✘ ", f);
		esc(f, s);
		if (str(x, "why") != NULL) {
			fputs("<br>", f);
			esc(f, str(x, "why"));
		}
		break;
	case CELL_DURATION:
		if (num(x, c->key) >= 0)
			fprintf(f, "%.1f s", (double)num(x, c->key) / 1000.0);
		else
			fputs(DASH, f);
		break;
	case CELL_LINKED:
		fputs(json_is_true(v) ? "linked / 关联" : json_is_false(v) ?
		    "unlinked / 已解除" : DASH, f);
		break;
	case CELL_OBJECT:
		esc(f, s);
		fputs("<br>", f);
		esc(f, str(x, "path"));
		break;
	}
	fputs("</td>", f);
}

/* The table of the array t->key of o. */
static void
list_table(FILE *f, const json_t *o, const struct table *t)
{
	const json_t *arr = json_object_get(o, t->key), *x;
	const struct column *c;
	const char *v;
	size_t i;

	fputs("<table>\n<tr>", f);
	for (c = t->cols; c->head != NULL; c++)
		fprintf(f, "<th>%s</th>", c->head);
	fputs("</tr>\n", f);
	json_array_foreach(arr, i, x) {
		v = str(x, "verdict");
		if (!t->by_verdict)
			fputs("<tr>", f);
		/* A verdict the page has no colour for shows as missing. */
		else if (v != NULL && (strcmp(v, "ok") == 0 ||
		    strcmp(v, "altered") == 0 || strcmp(v, "missing") == 0))
			fprintf(f, "<tr class=\"v-%s\">", v);
		else
			fputs("<tr class=\"v-missing\">", f);
		for (c = t->cols; c->head != NULL; c++)
			cell(f, x, c);
		fputs("</tr>\n", f);
	}
	if (!json_is_array(arr) && t->missing != NULL)
		fputs(t->missing, f);
	else if (json_array_size(arr) == 0)
		fputs(t->empty, f);
	fputs("</table>\n", f);
}

static const struct table checks_table = { "checks",
	"<tr><td><span class=\"bad\">✘</span></td><td colspan=\"4\">"
	"报告中没有核验项 / The report holds no checks.</td></tr>\n", NULL, 0, {
	{ "", "ok", CELL_OK },
	{ "检查 / Check", "id", CELL_MONO },
	{ "结果 / Result", "text", CELL_TEXT },
	{ "条目 / Entry", "index", CELL_INDEX },
	{ "文件 / Path", "path", CELL_PATH },
	{ NULL, NULL, CELL_TEXT } } };

static const struct table segments_table = { "segments",
	"<tr><td colspan=\"9\">报告中没有片段 / The report lists no segments."
	"</td></tr>\n", NULL, 1, {
	{ "#", "index", CELL_INDEX },
	{ "结论 / Verdict", "verdict", CELL_VERDICT },
	{ "摄像机 / Camera", "camera", CELL_TEXT },
	{ "执法人员 / Officer", "officer", CELL_TEXT },
	{ "录制开始 / Recorded start", "recorded_start", CELL_TIME },
	{ "时长 / Duration", "duration_ms", CELL_DURATION },
	{ "来源 / Source", "source", CELL_TEXT },
	{ "关联 / Linked", "linked", CELL_LINKED },
	{ "对象 / Object, path", "object", CELL_OBJECT },
	{ NULL, NULL, CELL_TEXT } } };

static const struct table officers_table = { "officers",
	"<tr><td colspan=\"2\">报告中没有执法人员 / The report names no "
	"officers.</td></tr>\n", NULL, 0, {
	{ "编号 / ID", "id", CELL_MONO },
	{ "姓名 / Name", "name", CELL_TEXT },
	{ NULL, NULL, CELL_TEXT } } };

static const struct table events_table = { "events",
	"<tr><td colspan=\"4\">报告中没有时间线 / The report holds no "
	"timeline.</td></tr>\n", NULL, 0, {
	{ "时间 / Time (UTC)", "time", CELL_TIME },
	{ "#", "index", CELL_INDEX },
	{ "事项 / Kind", "kind", CELL_TEXT },
	{ "内容 / What happened", "text", CELL_TEXT },
	{ NULL, NULL, CELL_TEXT } } };

static const struct table gaps_table = { "gaps",
	"<tr><td colspan=\"5\">进出现场之间没有超过 5 秒的录像空白 / No "
	"stretch longer than 5 s between entering and leaving lacks footage "
	"(or the inspection has not left).</td></tr>\n", NULL, 0, {
	{ "", "explained", CELL_EXPLAINED },
	{ "从 / From", "from", CELL_TIME },
	{ "到 / To", "to", CELL_TIME },
	{ "秒 / Seconds", "seconds", CELL_COUNT },
	{ "原因 / Reason", "reason", CELL_TEXT },
	{ NULL, NULL, CELL_TEXT } } };

static const struct table findings_table = { "findings",
	"<tr><td colspan=\"3\">无 / None.</td></tr>\n",
	"<tr><td colspan=\"3\">报告中没有程序问题数据 / The report holds no "
	"findings.</td></tr>\n", 0, {
	{ "规则 / Rule", "rule", CELL_MONO },
	{ "说明 / Detail", "detail", CELL_TEXT },
	{ "条目 / Entries", "entries", CELL_ENTRIES },
	{ NULL, NULL, CELL_TEXT } } };

static void
checks_section(FILE *f, const json_t *report)
{
	h2(f, "核验项", "Checks", "checks");
	list_table(f, report, &checks_table);
}

static void
segments_section(FILE *f, const json_t *report, const struct tally *t)
{
	h2(f, "录像片段", "Footage segments", "segments");
	fprintf(f, "<p>应有 / expected %lld, 找到 / found %lld, 完好 / ok "
	    "%lld, 被改动 / altered %lld, 缺失 / missing %lld.</p>\n",
	    t->seg_expected, t->seg_found, t->seg_ok, t->seg_altered,
	    t->seg_missing);
	list_table(f, report, &segments_table);
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
		esc(f, json_string_value(e));
		fputs("</li>", f);
	}
	fputs("</ul>", f);
}

static void
factors_section(FILE *f, const json_t *report)
{
	const json_t *factors = json_object_get(report, "factors"), *x;
	size_t i, n = json_array_size(factors);

	h2(f, "真实性因素", "Authenticity factors", "factors");
	fputs("<p class=\"note\">最高人民法院《关于民事诉讼证据的若干规定》第九十三条"
	    " / Art. 93 of the Supreme People's Court's rules on evidence in "
	    "civil procedure.</p>\n<table>\n<tr><th></th><th>因素 / Factor"
	    "</th><th>依据 / Evidence</th></tr>\n", f);
	/* The rule's seven always; a report with more keeps them all. */
	for (i = 0; i < 7 || i < n; i++) {
		x = json_array_get(factors, i);
		fputs("<tr><td>", f);
		mark(f, json_object_get(x, "ok"));
		fputs("</td><td>", f);
		if (i >= 7)
			esc(f, str(x, "title"));
		else {
			fputs(factor_titles[i], f);
			if (str(x, "title") != NULL) {
				fputs("<br><span class=\"note\">", f);
				esc(f, str(x, "title"));
				fputs("</span>", f);
			}
		}
		fputs("</td><td>", f);
		if (x == NULL)
			fputs("报告未涉及 / not addressed by the report", f);
		else
			evidence_list(f, x);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void
officers_section(FILE *f, const json_t *report)
{
	h2(f, "执法人员", "Officers", "officers");
	list_table(f, report, &officers_table);
}

static void
timeline_section(FILE *f, const json_t *tl)
{
	h2(f, "时间线", "Timeline", "timeline");
	list_table(f, tl, &events_table);
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

static const char *
jtime_str(int64_t ms, char *buf, size_t len)
{
	rfc3339_format(ms, buf, len);
	return buf;
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
	esc(f, title);
	fputs(" ", f);
	esc(f, from);
	fputs(" – ", f);
	esc(f, to);
	fputs("\"></div>", f);
}

/* The first event of kind in the timeline, its time. */
static const char *
event_time(const json_t *tl, const char *kind)
{
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(tl, "events"), i, e)
		if (str(e, "kind") != NULL && strcmp(str(e, "kind"), kind) == 0)
			return str(e, "time");
	return NULL;
}

/* One lane of the bar: the coverage of camera (NULL: no camera named). */
static void
camera_lane(FILE *f, const json_t *tl, const struct range *r,
    const char *camera, const char *enter, const char *leave)
{
	const json_t *c;
	const char *cam;
	size_t i;

	fputs("<div class=\"lane\"><span class=\"lanelabel\">", f);
	esc(f, camera);
	fputs("</span>", f);
	if (enter != NULL && leave != NULL)
		block(f, r, enter, leave, "visit", "现场 / on site");
	json_array_foreach(json_object_get(tl, "coverage"), i, c) {
		cam = str(c, "camera");
		if ((cam == NULL) != (camera == NULL) ||
		    (cam != NULL && strcmp(cam, camera) != 0))
			continue;
		block(f, r, str(c, "from"), str(c, "to"), json_is_false(
		    json_object_get(c, "linked")) ? "blk cov unlinked" :
		    "blk cov", "录像 / footage");
	}
	fputs("</div>\n", f);
}

/* Whether an earlier coverage entry than k names the same camera. */
static int
seen_camera(const json_t *cov, size_t k)
{
	const char *a = str(json_array_get(cov, k), "camera"), *b;
	size_t i;

	for (i = 0; i < k; i++) {
		b = str(json_array_get(cov, i), "camera");
		if ((a == NULL && b == NULL) ||
		    (a != NULL && b != NULL && strcmp(a, b) == 0))
			return 1;
	}
	return 0;
}

static void
coverage_section(FILE *f, const json_t *tl)
{
	const json_t *cov = json_object_get(tl, "coverage"), *x;
	const char *enter, *leave;
	struct range r = { 0, 0, 0 };
	char lo[RFC3339_LEN], hi[RFC3339_LEN];
	size_t i;

	h2(f, "录像覆盖", "Footage coverage", "coverage");
	if ((enter = event_time(tl, "entered")) == NULL)
		enter = event_time(tl, "emergency");
	leave = event_time(tl, "left");
	widen(&r, enter);
	widen(&r, leave);
	json_array_foreach(cov, i, x) {
		widen(&r, str(x, "from"));
		widen(&r, str(x, "to"));
	}
	if (!r.set) {
		fputs("<p>报告中没有录像覆盖数据 / The report holds no coverage."
		    "</p>\n", f);
		list_table(f, tl, &gaps_table);
		return;
	}
	if (r.hi <= r.lo)
		r.hi = r.lo + 1000;
	fputs("<p class=\"legend\"><span class=\"cov\"></span>录像 / footage"
	    "<span class=\"cov unlinked\"></span>已解除关联 / unlinked"
	    "<span class=\"gap\"></span>未说明的空白 / unexplained gap"
	    "<span class=\"gap explained\"></span>已说明的空白 / explained gap"
	    "; 竖线为进入和离开现场 / the vertical lines are entering and "
	    "leaving</p>\n", f);
	json_array_foreach(cov, i, x)
		if (!seen_camera(cov, i))
			camera_lane(f, tl, &r, str(x, "camera"), enter, leave);
	fputs("<div class=\"lane\"><span class=\"lanelabel\">空白 / gaps"
	    "</span>", f);
	json_array_foreach(json_object_get(tl, "gaps"), i, x)
		block(f, &r, str(x, "from"), str(x, "to"), json_is_true(
		    json_object_get(x, "explained")) ? "blk gap explained" :
		    "blk gap", json_is_true(json_object_get(x, "explained")) ?
		    "已说明 / explained" : "未说明 / unexplained");
	/* The ends of the bar, which are not always entering and leaving:
	 * footage may start before or end after the visit. */
	fputs("</div>\n<div class=\"axis\"><span>", f);
	time_html(f, jtime_str(r.lo, lo, sizeof(lo)));
	fputs("</span><span>", f);
	time_html(f, jtime_str(r.hi, hi, sizeof(hi)));
	fputs("</span></div>\n", f);
	list_table(f, tl, &gaps_table);
}

static void
findings_section(FILE *f, const json_t *report)
{
	h2(f, "程序问题", "Procedure findings", "findings");
	fputs("<p class=\"note\">程序问题与完整性分开报告：它们不表示证据被篡改。"
	    " / Procedure findings are reported apart from integrity: they do "
	    "not mean the evidence was altered.</p>\n", f);
	list_table(f, report, &findings_table);
}

int
verify_html_write(FILE *f, const json_t *report)
{
	const json_t *tl;
	struct tally t;

	if (f == NULL || report == NULL)
		return CUSTOS_ERR_INVALID;
	tl = json_object_get(report, "timeline");
	tally(report, &t);
	header(f, report);
	verdict(f, report, &t);
	key_section(f, report);
	timestamp_section(f, report);
	checks_section(f, report);
	segments_section(f, report, &t);
	factors_section(f, report);
	officers_section(f, report);
	timeline_section(f, tl);
	coverage_section(f, tl);
	findings_section(f, report);
	fputs("<p class=\"note\">由 custos-verify 生成；本页不含脚本，不引用外部资源。"
	    " / Written by custos-verify; this page has no scripts and loads "
	    "nothing from elsewhere.</p>\n</body>\n</html>\n", f);
	if (fflush(f) == EOF || ferror(f)) {
		if (errno == 0)
			errno = EIO;
		return CUSTOS_ERR_SYSTEM;
	}
	return 0;
}
