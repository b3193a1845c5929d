/*
 * cli_ledger: "custos ledger", the inspection ledger (台账) read from
 * GET /v1/ledger (docs/api.md) and written as CSV or JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/config.h"
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

/*
 * The ledger (台账) as CSV: UTF-8 with a byte order mark, so that
 * spreadsheet programs read the Chinese text as UTF-8, RFC 4180 quoting
 * and CRLF line ends.
 */
static void
print_ledger_csv(json_t *j)
{
	static const char *const head[] = { "检查编号", "被检查单位",
	    "统一社会信用代码", "执法人员", "检查方式", "检查依据",
	    "检查内容", "进入时间", "离开时间", "检查结果", "整改期限",
	    "视频数量", "视频时长(秒)", "发现问题", NULL };
	char offs[4096], fnd[1024], num[32], dur[32];
	json_t *r;
	size_t k;
	long long ms;
	int h;

	fputs("\xef\xbb\xbf", stdout);
	for (h = 0; head[h] != NULL; h++)
		csv_field(head[h], head[h + 1] == NULL);
	json_array_foreach(json_object_get(j, "rows"), k, r) {
		join(json_object_get(r, "officers"), offs, sizeof(offs));
		join(json_object_get(r, "findings"), fnd, sizeof(fnd));
		snprintf(num, sizeof(num), "%lld", (long long)
		    json_integer_value(json_object_get(r, "footage_count")));
		ms = (long long)json_integer_value(json_object_get(r,
		    "footage_duration_ms"));
		snprintf(dur, sizeof(dur), "%lld.%03lld", ms / 1000,
		    ms % 1000);
		csv_field(cli_registry_str(r, "id"), 0);
		csv_field(json_string_value(json_object_get(r,
		    "enterprise_name")), 0);
		csv_field(cli_registry_str(r, "enterprise"), 0);
		csv_field(offs, 0);
		csv_field(json_string_value(json_object_get(r, "method")), 0);
		csv_field(json_string_value(json_object_get(r, "basis")), 0);
		csv_field(json_string_value(json_object_get(r, "content")), 0);
		csv_field(json_string_value(json_object_get(r, "entered_at")),
		    0);
		csv_field(json_string_value(json_object_get(r, "left_at")), 0);
		csv_field(json_string_value(json_object_get(r, "result")), 0);
		csv_field(json_string_value(json_object_get(r, "deadline")), 0);
		csv_field(num, 0);
		csv_field(dur, 0);
		csv_field(fnd, 1);
	}
}

/* custos ledger [--from DATE] [--to DATE] [--format csv|json] */
int
cli_ledger(const struct config *cfg, int argc, char *argv[])
{
	const char *from = NULL, *to = NULL, *format = "csv";
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
		else
			return usage();
	}
	if ((strcmp(format, "csv") != 0 && strcmp(format, "json") != 0) ||
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
	    print_ledger_csv) != 0)
		return 1;
	return fflush(stdout) == 0 ? 0 : 1;
}
