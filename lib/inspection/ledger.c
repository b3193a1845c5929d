/*
 * ledger: the inspection ledger's columns and its CSV (custos/ledger.h),
 * one home for `custos ledger` and the web console's /ledger.csv.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "custos/err.h"
#include "custos/ledger.h"
#include "custos/rfc3339.h"
#include "custos/timeline.h"

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

#define NCOLUMNS	(sizeof(columns) / sizeof(columns[0]))

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "-";
}

/* Joins the array arr into buf: "name(id)" for officers, else strings. */
static void
join(const json_t *arr, char *buf, size_t len)
{
	json_t *v;
	size_t k, n = 0;

	buf[0] = '\0';
	json_array_foreach(arr, k, v) {
		if (n >= len)
			break;
		if (json_is_object(v) && json_object_get(v, "name") != NULL)
			n += (size_t)snprintf(buf + n, len - n, "%s%s(%s)",
			    k ? "; " : "", str(v, "name"), str(v, "id"));
		else if (json_is_object(v))
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    k ? "; " : "", str(v, "id"));
		else
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    k ? "; " : "", json_string_value(v) ?
			    json_string_value(v) : "");
	}
}

/* Member key of o, "a.b" being member b of member a. */
static json_t *
dig(const json_t *o, const char *key)
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
cell(const struct column *c, const json_t *v, int en, char *buf, size_t len)
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

size_t
ledger_ncolumns(void)
{
	return NCOLUMNS;
}

const char *
ledger_heading(size_t c, int en)
{
	if (c >= NCOLUMNS)
		return "";
	return en ? columns[c].en : columns[c].zh;
}

void
ledger_cell(size_t c, const json_t *row, int en, char *buf, size_t len)
{
	const struct column *col = &columns[c];
	const json_t *arr, *o;
	size_t k, n;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (c >= NCOLUMNS)
		return;
	if (col->in == NULL || strcmp(col->in, "decision") == 0) {
		o = col->in != NULL ? json_object_get(row, col->in) : row;
		cell(col, dig(o, col->key), en, buf, len);
		return;
	}
	arr = json_object_get(row, col->in);
	if (strcmp(col->in, "reviews") == 0) {
		cell(col, dig(json_array_get(arr, json_array_size(arr) - 1),
		    col->key), en, buf, len);
		return;
	}
	for (k = 0; k < json_array_size(arr); k++) {
		o = json_array_get(arr, k);
		n = strlen(buf);
		if (k > 0 && n + 2 < len)
			n += (size_t)snprintf(buf + n, len - n, "; ");
		cell(col, dig(o, col->key), en, buf + n, len - n);
	}
}

/* Writes s as one RFC 4180 field: quoted when it needs to be. */
static void
csv_field(FILE *f, const char *s, int last)
{
	const char *p;

	if (strpbrk(s, ",\"\r\n") == NULL)
		fputs(s, f);
	else {
		putc('"', f);
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				putc('"', f);
			putc(*p, f);
		}
		putc('"', f);
	}
	fputs(last ? "\r\n" : ",", f);
}

int
ledger_csv(const json_t *ledger, int en, FILE *f)
{
	char buf[4096];
	const json_t *rows = json_object_get(ledger, "rows");
	size_t k, c;

	fputs("\xef\xbb\xbf", f);
	for (c = 0; c < NCOLUMNS; c++)
		csv_field(f, ledger_heading(c, en), c + 1 == NCOLUMNS);
	for (k = 0; k < json_array_size(rows); k++)
		for (c = 0; c < NCOLUMNS; c++) {
			ledger_cell(c, json_array_get(rows, k), en, buf,
			    sizeof(buf));
			csv_field(f, buf, c + 1 == NCOLUMNS);
		}
	if (ferror(f)) {
		if (errno == 0)
			errno = EIO;
		return CUSTOS_ERR_SYSTEM;
	}
	return 0;
}
