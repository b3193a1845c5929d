/*
 * cli_ledger: "custos ledger", the inspection ledger (台账) read from
 * GET /v1/ledger (docs/api.md) and written as CSV or JSON.  The CSV is
 * for the people who keep the ledger: Beijing time and Chinese labels;
 * --lang en gives English headings, the codes and the UTC times.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/config.h"
#include "custos/rfc3339.h"
#include "custos/timeline.h"
#include "cli_inspect.h"
#include "cli_ledger.h"
#include "cli_registry.h"
#include "tools/cli_util.h"

static int
usage(void)
{
	cli_inspect_usage(stderr);
	return 2;
}

/* Writes s as one RFC 4180 field: quoted when it needs to be. */
static void
csv_field(const char *s, int last)
{
	const char *p;

	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") == NULL)
		fputs(s, stdout);
	else {
		putchar('"');
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				putchar('"');
			putchar(*p);
		}
		putchar('"');
	}
	fputs(last ? "\r\n" : ",", stdout);
}

/* Joins the array arr into buf: "name(id)" for officers, else strings. */
static void
join(json_t *arr, char *buf, size_t len)
{
	json_t *v;
	size_t k, n = 0;

	buf[0] = '\0';
	json_array_foreach(arr, k, v) {
		if (n >= len)
			break;
		if (json_is_object(v) && json_object_get(v, "name") != NULL)
			n += (size_t)snprintf(buf + n, len - n, "%s%s(%s)",
			    k ? "; " : "", cli_registry_str(v, "name"),
			    cli_registry_str(v, "id"));
		else if (json_is_object(v))
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    k ? "; " : "", cli_registry_str(v, "id"));
		else
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    k ? "; " : "", json_string_value(v) ?
			    json_string_value(v) : "");
	}
}

/* A code of the ledger and the label the Chinese ledger shows for it. */
struct label {
	const char	*code;
	const char	*zh;
};

static const struct label methods[] = { { "onsite", "现场检查" },
    { "offsite", "非现场检查" }, { "drone", "无人机巡查" }, { NULL, NULL } };
static const struct label states[] = { { "registered", "已登记" },
    { "entered", "检查中" }, { "left", "已离开" }, { "closed", "已结案" },
    { NULL, NULL } };
static const struct label reviews[] = { { "approved", "通过" },
    { "returned", "退回" }, { NULL, NULL } };
static const struct label repairs[] = { { "granted", "准予修复" },
    { "refused", "不予修复" }, { NULL, NULL } };

enum kind {
	K_TEXT,		/* the string as is */
	K_TIME,		/* RFC 3339 UTC; Beijing time in Chinese */
	K_LABEL,	/* a code; its label in Chinese */
	K_LIST,		/* an array, join()ed */
	K_COUNT,	/* an integer */
	K_SECONDS	/* milliseconds written as seconds */
};

/*
 * One column of the ledger: its Chinese and English heading, where its
 * value is (in the row; in the row's "decision"; in the last of its
 * "reviews"; in each of its "credit_repairs", joined by "; ") and which
 * member, "a.b" for member b of member a.
 */
struct column {
	const char	*zh;
	const char	*en;
	const char	*in;
	const char	*key;
	enum kind	 kind;
	const struct label *labels;
};

static const struct column columns[] = {
	{ "检查编号", "Inspection", NULL, "id", K_TEXT, NULL },
	{ "被检查单位", "Enterprise", NULL, "enterprise_name", K_TEXT, NULL },
	{ "统一社会信用代码", "USCC", NULL, "enterprise", K_TEXT, NULL },
	{ "执法人员", "Officers", NULL, "officers", K_LIST, NULL },
	{ "检查方式", "Method", NULL, "method", K_LABEL, methods },
	{ "检查依据", "Basis", NULL, "basis", K_TEXT, NULL },
	{ "检查内容", "Content", NULL, "content", K_TEXT, NULL },
	{ "状态", "State", NULL, "state", K_LABEL, states },
	{ "进入时间(北京时间)", "Entered (UTC)", NULL, "entered_at", K_TIME,
	    NULL },
	{ "离开时间(北京时间)", "Left (UTC)", NULL, "left_at", K_TIME, NULL },
	{ "检查结果", "Result", NULL, "result", K_TEXT, NULL },
	{ "整改期限", "Rectification deadline", NULL, "deadline", K_TEXT,
	    NULL },
	{ "法制审核", "Legal review", "reviews", "result", K_LABEL, reviews },
	{ "处罚决定书文号", "Decision number", "decision", "number", K_TEXT,
	    NULL },
	{ "处罚决定送达时间(北京时间)", "Decision served (UTC)", "decision",
	    "at", K_TIME, NULL },
	{ "信用修复告知书", "Credit-repair notice", "decision",
	    "credit_notice", K_TEXT, NULL },
	{ "信用修复申请时间(北京时间)", "Credit repair applied (UTC)",
	    "credit_repairs", "at", K_TIME, NULL },
	{ "信用修复答复时间(北京时间)", "Credit repair answered (UTC)",
	    "credit_repairs", "answered.at", K_TIME, NULL },
	{ "信用修复结果", "Credit repair result", "credit_repairs",
	    "answered.result", K_LABEL, repairs },
	{ "视频数量", "Footage count", NULL, "footage_count", K_COUNT, NULL },
	{ "视频时长(秒)", "Footage duration (s)", NULL, "footage_duration_ms",
	    K_SECONDS, NULL },
	{ "发现问题", "Findings", NULL, "findings", K_LIST, NULL },
};

/* Member key of o, "a.b" being member b of member a. */
static json_t *
dig(json_t *o, const char *key)
{
	const char *dot = strchr(key, '.');
	char first[32];

	if (dot == NULL)
		return json_object_get(o, key);
	snprintf(first, sizeof(first), "%.*s", (int)(dot - key), key);
	return json_object_get(json_object_get(o, first), dot + 1);
}

/* Writes the value v of column c into buf (len bytes): "" when absent. */
static void
cell(const struct column *c, json_t *v, int en, char *buf, size_t len)
{
	const char *s = json_string_value(v);
	const struct label *l;
	long long ms;
	int64_t t;

	buf[0] = '\0';
	switch (c->kind) {
	case K_LIST:
		join(v, buf, len);
		return;
	case K_COUNT:
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		return;
	case K_SECONDS:
		ms = (long long)json_integer_value(v);
		snprintf(buf, len, "%lld.%03lld", ms / 1000, ms % 1000);
		return;
	case K_TIME:
		if (!en && s != NULL && rfc3339_parse(s, &t) == 0) {
			timeline_beijing(t, buf, len);
			return;
		}
		break;
	case K_LABEL:
		for (l = c->labels; !en && s != NULL && l->code != NULL; l++)
			if (strcmp(l->code, s) == 0) {
				s = l->zh;
				break;
			}
		break;
	case K_TEXT:
		break;
	}
	snprintf(buf, len, "%s", s != NULL ? s : "");
}

/* The text of column c in row r. */
static void
column_text(const struct column *c, json_t *r, int en, char *buf,
    size_t len)
{
	json_t *arr, *o;
	size_t k, n;

	if (c->in == NULL || strcmp(c->in, "decision") == 0) {
		o = c->in != NULL ? json_object_get(r, c->in) : r;
		cell(c, dig(o, c->key), en, buf, len);
		return;
	}
	arr = json_object_get(r, c->in);
	if (strcmp(c->in, "reviews") == 0) {
		cell(c, dig(json_array_get(arr, json_array_size(arr) - 1),
		    c->key), en, buf, len);
		return;
	}
	buf[0] = '\0';
	json_array_foreach(arr, k, o) {
		n = strlen(buf);
		if (k > 0 && n + 2 < len)
			n += (size_t)snprintf(buf + n, len - n, "; ");
		cell(c, dig(o, c->key), en, buf + n, len - n);
	}
}

/*
 * The ledger (台账) as CSV: UTF-8 with a byte order mark, so that
 * spreadsheet programs read the Chinese text as UTF-8, RFC 4180 quoting
 * and CRLF line ends.  In Chinese (en 0) times are Beijing time and
 * codes are labels; in English, codes and UTC times as the API has them.
 */
static void
print_ledger(json_t *j, int en)
{
	const size_t ncol = sizeof(columns) / sizeof(columns[0]);
	char buf[4096];
	json_t *r;
	size_t k, c;

	fputs("\xef\xbb\xbf", stdout);
	for (c = 0; c < ncol; c++)
		csv_field(en ? columns[c].en : columns[c].zh, c + 1 == ncol);
	json_array_foreach(json_object_get(j, "rows"), k, r)
		for (c = 0; c < ncol; c++) {
			column_text(&columns[c], r, en, buf, sizeof(buf));
			csv_field(buf, c + 1 == ncol);
		}
}

static void
print_ledger_zh(json_t *j)
{
	print_ledger(j, 0);
}

static void
print_ledger_en(json_t *j)
{
	print_ledger(j, 1);
}

/*
 * custos ledger [--from DATE] [--to DATE] [--format csv|json]
 * [--lang zh|en]
 */
int
cli_ledger(const struct config *cfg, int argc, char *argv[])
{
	const char *from = NULL, *to = NULL, *format = "csv", *lang = "zh";
	char path[256];
	int i;

	for (i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			return usage();
		if (strcmp(argv[i], "--from") == 0 && from == NULL)
			from = argv[i + 1];
		else if (strcmp(argv[i], "--to") == 0 && to == NULL)
			to = argv[i + 1];
		else if (strcmp(argv[i], "--format") == 0)
			format = argv[i + 1];
		else if (strcmp(argv[i], "--lang") == 0)
			lang = argv[i + 1];
		else
			return usage();
	}
	if ((strcmp(format, "csv") != 0 && strcmp(format, "json") != 0) ||
	    (strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0) ||
	    (from != NULL && strspn(from, "0123456789-") != strlen(from)) ||
	    (to != NULL && strspn(to, "0123456789-") != strlen(to)) ||
	    (from != NULL && strlen(from) > 16) ||
	    (to != NULL && strlen(to) > 16))
		return usage();
	snprintf(path, sizeof(path), "/v1/ledger%s%s%s%s%s",
	    from != NULL || to != NULL ? "?" : "",
	    from != NULL ? "from=" : "", from != NULL ? from : "",
	    from != NULL && to != NULL ? "&" : "", "");
	if (to != NULL)
		snprintf(path + strlen(path), sizeof(path) - strlen(path),
		    "to=%s", to);
	if (cli_registry_show(cfg, path, strcmp(format, "json") == 0,
	    strcmp(lang, "en") == 0 ? print_ledger_en : print_ledger_zh) != 0)
		return 1;
	return fflush(stdout) == 0 ? 0 : 1;
}
