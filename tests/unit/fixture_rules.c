/*
 * fixture_rules: the findings tests' set-up (fixture_rules.h).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "custos/calendar.h"
#include "custos/err.h"
#include "custos/rules.h"
#include "custos/utf8.h"

#include "fixture_rules.h"

#ifndef CALENDAR_DIR
#define CALENDAR_DIR	"conf/calendar"
#endif

struct calendar *rfx_cal;

int
rfx_setup(void **state)
{
	char err[256] = "";

	(void)state;
	if (calendar_new(&rfx_cal) != 0 ||
	    calendar_load_dir(rfx_cal, CALENDAR_DIR, err, sizeof(err)) != 0) {
		fprintf(stderr, "loading %s: %s\n", CALENDAR_DIR, err);
		return -1;
	}
	return 0;
}

int
rfx_teardown(void **state)
{
	(void)state;
	calendar_free(rfx_cal);
	rfx_cal = NULL;
	return 0;
}

void
rfx_put(json_t **list, size_t *n, const char *text)
{
	json_error_t e;

	assert_true(*n < RFX_MAX);
	if ((list[*n] = json_loads(text, 0, &e)) == NULL)
		fail_msg("bad test JSON %s: %s", text, e.text);
	(*n)++;
}

void
rfx_put_all(json_t **list, size_t *n, const char *const texts[])
{
	for (; *texts != NULL; texts++)
		rfx_put(list, n, *texts);
}

void
rfx_free(struct rfx *f)
{
	size_t i;

	for (i = 0; i < f->nchain; i++)
		json_decref(f->chain[i]);
	for (i = 0; i < f->nseg; i++)
		json_decref(f->seg[i]);
	for (i = 0; i < f->ndev; i++)
		json_decref(f->dev[i]);
	for (i = 0; i < f->noff; i++)
		json_decref(f->off[i]);
	for (i = 0; i < f->nrisk; i++)
		json_decref(f->risk[i]);
	json_decref(f->findings);
	memset(f, 0, sizeof(*f));
}

int64_t
rfx_time(const char *s)
{
	int64_t ms;

	assert_int_equal(rules_time_parse(s, &ms), 0);
	return ms;
}

/*
 * A fact of an English sentence: a run of letters, digits and ":._-+/"
 * holding a digit or an "_" (an ID, a log index, a count, a time, a date,
 * a rule code), less a final "." ending the sentence.  Returns its length
 * at s, 0 when the run at s is no fact; *run is the run's length.
 */
static size_t
fact_at(const char *s, size_t *run)
{
	size_t n = 0, fact = 0;

	while (s[n] != '\0' && (isalnum((unsigned char)s[n]) ||
	    strchr(":._-+/", s[n]) != NULL)) {
		fact |= isdigit((unsigned char)s[n]) || s[n] == '_';
		n++;
	}
	*run = n > 0 ? n : 1;
	while (n > 0 && s[n - 1] == '.')
		n--;
	return fact ? n : 0;
}

void
rfx_check_zh(const json_t *findings)
{
	const json_t *x;
	const char *en, *zh, *p;
	char fact[128];
	size_t i, n, run, cjk;

	json_array_foreach(findings, i, x) {
		en = json_string_value(json_object_get(x, "detail"));
		zh = json_string_value(json_object_get(x, "detail_zh"));
		if (en == NULL || zh == NULL)
			fail_msg("finding %zu has no detail or detail_zh", i);
		assert_true(utf8_valid(zh, strlen(zh)));
		/* A Chinese sentence: at least one CJK ideograph. */
		for (p = zh, cjk = 0; *p != '\0'; p++)
			cjk += (unsigned char)*p >= 0xe4 &&
			    (unsigned char)*p <= 0xe9;
		if (cjk == 0)
			fail_msg("detail_zh is not Chinese: %s", zh);
		for (p = en; *p != '\0'; p += run) {
			if ((n = fact_at(p, &run)) == 0)
				continue;
			assert_true(n < sizeof(fact));
			memcpy(fact, p, n);
			fact[n] = '\0';
			if (strstr(zh, fact) == NULL)
				fail_msg("detail_zh lacks \"%s\" of the "
				    "detail \"%s\": %s", fact, en, zh);
		}
	}
}

int
rfx_eval(struct rfx *f, const char *now)
{
	struct rules_input in = {
		(const json_t *const *)f->chain, f->nchain,
		(const json_t *const *)f->seg, f->nseg,
		(const json_t *const *)f->dev, f->ndev,
		(const json_t *const *)f->off, f->noff,
		(const json_t *const *)f->risk, f->nrisk,
		rfx_cal, rfx_time(now),
	};

	int rc;

	json_decref(f->findings);
	f->findings = NULL;
	if ((rc = rules_evaluate(&in, &f->findings)) == 0)
		rfx_check_zh(f->findings);
	return rc;
}

void
rfx_eval_ok(struct rfx *f, const char *now)
{
	int rc = rfx_eval(f, now);

	if (rc != 0)
		fail_msg("rules_evaluate: %d (%s)", rc, custos_strerror(rc));
	assert_non_null(f->findings);
}

size_t
rfx_count(const struct rfx *f, const char *rule)
{
	json_t *x;
	size_t i, n = 0;

	json_array_foreach(f->findings, i, x)
		n += strcmp(json_string_value(json_object_get(x, "rule")),
		    rule) == 0;
	return n;
}

json_t *
rfx_nth(const struct rfx *f, const char *rule, size_t k)
{
	json_t *x;
	size_t i;

	json_array_foreach(f->findings, i, x)
		if (strcmp(json_string_value(json_object_get(x, "rule")),
		    rule) == 0 && k-- == 0)
			return x;
	fail_msg("no finding %s", rule);
	return NULL;
}

const char *
rfx_field(const struct rfx *f, const char *rule, size_t k, const char *key)
{
	return json_string_value(json_object_get(rfx_nth(f, rule, k), key));
}

void
rfx_entries(const json_t *finding, const char *want)
{
	char *got = json_dumps(json_object_get(finding, "entries"),
	    JSON_COMPACT);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

void
rfx_none(const struct rfx *f)
{
	char *s;

	if (json_array_size(f->findings) == 0)
		return;
	s = json_dumps(f->findings, JSON_INDENT(1));
	fail_msg("expected no findings, got %s", s);
}

void
rfx_officers(struct rfx *f, const char *until2)
{
	char buf[512];

	rfx_put(f->off, &f->noff, OFF1);
	snprintf(buf, sizeof(buf), OFF2("%s"), until2);
	rfx_put(f->off, &f->noff, buf);
}

void
rfx_visit_start(struct rfx *f, const char *officers_json)
{
	char buf[1024];

	rfx_officers(f, "2027-12-31");
	snprintf(buf, sizeof(buf), REG("%s"), officers_json);
	rfx_put(f->chain, &f->nchain, buf);
	rfx_put(f->chain, &f->nchain, ENTERED(11, "2026-11-26T02:00:00.000Z"));
}

void
rfx_visit(struct rfx *f, const char *const seg[], const char *const chain[])
{
	rfx_visit_start(f, TWO);
	rfx_put_all(f->seg, &f->nseg, seg);
	rfx_put_all(f->chain, &f->nchain, chain);
}

void
rfx_clean(struct rfx *f)
{
	rfx_visit(f, LIST(SEG(5, "BC-1", "2026-11-26T02:00:00.000Z", 600000)),
	    LIST(LINK(12, 5), LEFT(13, "2026-11-26T02:10:00.000Z"),
	    CLOSED(14)));
}
