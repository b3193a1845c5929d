/*
 * Unit tests for the ledger's columns and CSV (lib/inspection/ledger.c),
 * the one writer behind `custos ledger` and the console's /ledger.csv:
 * the byte order mark, CRLF, RFC 4180 quoting, Beijing times and
 * Chinese labels (English: codes and UTC times), the nested columns.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "custos/ledger.h"

static const char row_json[] =
    "{\"rows\": [{\"id\": \"INS-1\", \"enterprise\": \"91350100M000100Y43\","
    " \"enterprise_name\": \"福州\\\"某\\\"化工, 有限公司\","
    " \"officers\": [{\"id\": \"PA-0001\", \"name\": \"张伟\"},"
    " {\"id\": \"PA-0002\"}], \"method\": \"onsite\", \"state\": \"closed\","
    " \"entered_at\": \"2026-02-13T02:00:00.000Z\","
    " \"reviews\": [{\"result\": \"returned\"}, {\"result\": \"approved\"}],"
    " \"decision\": {\"number\": \"闽应急罚〔2026〕1号\","
    " \"at\": \"2026-02-20T16:30:00.000Z\"},"
    " \"credit_repairs\": [{\"at\": \"2026-03-01T01:00:00.000Z\","
    " \"answered\": {\"at\": \"2026-03-02T01:00:00.000Z\","
    " \"result\": \"granted\"}}, {\"at\": \"2026-04-01T01:00:00.000Z\"}],"
    " \"footage_count\": 2, \"footage_duration_ms\": 61005,"
    " \"findings\": [\"footage_gap\", \"not_closed\"]}]}";

/* The CSV of row_json in en (0 or 1), a new string. */
static char *
csv_of(int en, size_t *len)
{
	json_t *j = json_loads(row_json, 0, NULL);
	char *out = NULL;
	FILE *f;

	assert_non_null(j);
	assert_non_null(f = open_memstream(&out, len));
	assert_int_equal(ledger_csv(j, en, f), 0);
	assert_int_equal(fclose(f), 0);
	json_decref(j);
	return out;
}

static size_t
crlfs(const char *s)
{
	size_t n = 0;

	for (; (s = strstr(s, "\r\n")) != NULL; s += 2)
		n++;
	return n;
}

/* Field n (from 0) of CSV line text, unquoted, into buf. */
static void
field(const char *line, int n, char *buf, size_t len)
{
	size_t k = 0;
	int i = 0, q = 0;

	for (; *line != '\0' && *line != '\r'; line++) {
		if (*line == '"') {
			if (q && line[1] == '"') {
				if (i == n && k + 1 < len)
					buf[k++] = '"';
				line++;
			} else
				q = !q;
			continue;
		}
		if (*line == ',' && !q) {
			i++;
			continue;
		}
		if (i == n && k + 1 < len)
			buf[k++] = *line;
	}
	buf[k] = '\0';
}

static void
test_csv_zh(void **state)
{
	size_t len;
	char *csv = csv_of(0, &len), *row, buf[256];

	(void)state;
	assert_memory_equal(csv, "\xef\xbb\xbf检查编号,被检查单位,", 29);
	assert_non_null(row = strstr(csv, "\r\nINS-1,"));
	row += 2;
	/* Two lines, each ending in CRLF, nothing after. */
	assert_int_equal(crlfs(csv), 2);
	assert_string_equal(csv + len - 2, "\r\n");
	assert_non_null(strstr(row, ",\"福州\"\"某\"\"化工, 有限公司\","));
	field(row, 3, buf, sizeof(buf));
	assert_string_equal(buf, "张伟(PA-0001); PA-0002");
	field(row, 4, buf, sizeof(buf));
	assert_string_equal(buf, "现场检查");
	field(row, 7, buf, sizeof(buf));
	assert_string_equal(buf, "已结案");
	field(row, 8, buf, sizeof(buf));
	assert_string_equal(buf, "2026-02-13 10:00:00");
	field(row, 12, buf, sizeof(buf));
	assert_string_equal(buf, "通过");	/* the last review */
	field(row, 14, buf, sizeof(buf));
	assert_string_equal(buf, "2026-02-21 00:30:00");
	field(row, 16, buf, sizeof(buf));
	assert_string_equal(buf, "2026-03-01 09:00:00; 2026-04-01 09:00:00");
	field(row, 18, buf, sizeof(buf));
	assert_string_equal(buf, "准予修复; ");
	field(row, 19, buf, sizeof(buf));
	assert_string_equal(buf, "2");
	field(row, 20, buf, sizeof(buf));
	assert_string_equal(buf, "61.005");
	field(row, 21, buf, sizeof(buf));
	assert_string_equal(buf, "footage_gap; not_closed");
	free(csv);
}

static void
test_csv_en(void **state)
{
	size_t len;
	char *csv = csv_of(1, &len), *row, buf[256];

	(void)state;
	assert_memory_equal(csv, "\xef\xbb\xbfInspection,Enterprise,USCC,", 29);
	assert_non_null(row = strstr(csv, "\r\nINS-1,"));
	row += 2;
	field(row, 4, buf, sizeof(buf));
	assert_string_equal(buf, "onsite");
	field(row, 8, buf, sizeof(buf));
	assert_string_equal(buf, "2026-02-13T02:00:00.000Z");
	field(row, 18, buf, sizeof(buf));
	assert_string_equal(buf, "granted; ");
	free(csv);
}

static void
test_columns(void **state)
{
	json_t *j = json_loads(row_json, 0, NULL);
	char small[8];
	size_t c;

	(void)state;
	assert_int_equal(ledger_ncolumns(), 22);
	for (c = 0; c < ledger_ncolumns(); c++) {
		assert_true(ledger_heading(c, 0)[0] != '\0');
		assert_true(ledger_heading(c, 1)[0] != '\0');
	}
	assert_string_equal(ledger_heading(ledger_ncolumns(), 0), "");
	/* A cell longer than the buffer is cut, still a string. */
	ledger_cell(1, json_array_get(json_object_get(j, "rows"), 0), 1,
	    small, sizeof(small));
	assert_int_equal(strlen(small), 7);
	json_decref(j);
}

/* An empty ledger is the heading line alone. */
static void
test_empty(void **state)
{
	json_t *j = json_pack("{s:[]}", "rows");
	char *out = NULL;
	size_t len;
	FILE *f;

	(void)state;
	assert_non_null(f = open_memstream(&out, &len));
	assert_int_equal(ledger_csv(j, 1, f), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(crlfs(out), 1);
	json_decref(j);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_zh),
		cmocka_unit_test(test_csv_en),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
