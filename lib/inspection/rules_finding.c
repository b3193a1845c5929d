/*
 * rules_finding: what every rule of lib/inspection/rules.c reads and
 * writes: a finding appended to the findings array, and the log indexes,
 * times and strings of entries.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "custos/calendar.h"
#include "custos/err.h"
#include "custos/rfc3339.h"
#include "custos/rules.h"
#include "rules_int.h"

static int64_t
floordiv(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int
rules_time_parse(const char *s, int64_t *ms)
{
	return rfc3339_parse(s, ms);
}

void
rules_time_format(int64_t ms, char *buf, size_t len)
{
	rfc3339_format(ms, buf, len);
}

const char *
rules_str(const json_t *e, const char *key)
{
	return json_string_value(json_object_get(e, key));
}

int
rules_entry_index(const json_t *e, int64_t *idx)
{
	const json_t *v = json_object_get(e, "index");

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return CUSTOS_ERR_FORMAT;
	*idx = json_integer_value(v);
	return 0;
}

int
rules_time_of(const json_t *e, const char *key, int64_t *ms)
{
	return rules_time_parse(rules_str(e, key), ms);
}

void
rules_beijing_date(int64_t ms, struct cal_date *d)
{
	calendar_beijing_date(floordiv(ms, 1000), d);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int
rules_span_cmp(const void *a, const void *b)
{
	const struct rules_span *x = a, *y = b;

	if (x->from != y->from)
		return (x->from > y->from) - (x->from < y->from);
	return (x->to > y->to) - (x->to < y->to);
}

int
rules_add(struct rules_summary *s, const char *rule, int64_t *idx, size_t n,
    json_t *extra, const char *en, const char *zh, ...)
{
	json_t *f = NULL, *ents;
	va_list ap, aq;
	char *detail = NULL, *detail_zh = NULL;
	size_t i;
	int rc = CUSTOS_ERR_NOMEM, len, len_zh;

	va_start(ap, zh);
	va_copy(aq, ap);
	len = vasprintf(&detail, en, ap);
	len_zh = vasprintf(&detail_zh, zh, aq);
	va_end(aq);
	va_end(ap);
	if (len < 0)
		detail = NULL;
	if (len_zh < 0)
		detail_zh = NULL;
	if (len < 0 || len_zh < 0)
		goto out;
	qsort(idx, n, sizeof(*idx), cmp_i64);
	/* The documented field order: rule, detail, detail_zh, entries,
	 * extras. */
	if ((f = json_object()) == NULL ||
	    json_object_set_new(f, "rule", json_string(rule)) != 0 ||
	    json_object_set_new(f, "detail", json_string(detail)) != 0 ||
	    json_object_set_new(f, "detail_zh", json_string(detail_zh)) != 0 ||
	    (ents = json_array()) == NULL ||
	    json_object_set_new(f, "entries", ents) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (idx[i] == RULES_NONE || (i > 0 && idx[i] == idx[i - 1]))
			continue;
		if (json_array_append_new(ents, json_integer(idx[i])) != 0)
			goto out;
	}
	if ((extra != NULL && json_object_update(f, extra) != 0) ||
	    json_array_append(s->out, f) != 0)
		goto out;
	rc = 0;
out:
	json_decref(f);
	json_decref(extra);
	free(detail);
	free(detail_zh);
	return rc;
}

/*
 * A deadline the calendar cannot compute is its own finding, so that it is
 * neither guessed nor silently dropped.
 */
int
rules_unknown(struct rules_summary *s, const char *rule, int64_t *idx,
    size_t n, const struct cal_date *uncovered)
{
	char d[16];
	json_t *extra;

	calendar_date_format(uncovered, d, sizeof(d));
	if ((extra = json_pack("{ssss}", "for", rule, "uncovered", d)) ==
	    NULL)
		return CUSTOS_ERR_NOMEM;
	return rules_add(s, "deadline_unknown", idx, n, extra, "The %s "
	    "deadline cannot be computed: calendar does not cover %s.",
	    "无法计算 %s 的期限：工作日历未覆盖 %s。", rule, d);
}
