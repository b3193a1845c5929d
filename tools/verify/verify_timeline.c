/*
 * verify_timeline: the timeline in the report's language
 * (verify_timeline.h).  Each Chinese sentence is composed from the
 * members timeline_build() gives the event: the entry's facts, its
 * officers with their names, the footage's camera, officer, duration and
 * linked state.  Times the reader compares with a calendar or a document
 * (deadlines, times served, gaps) are shown in Beijing time.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/rfc3339.h"
#include "custos/rules.h"
#include "custos/timeline.h"
#include "verify_text.h"
#include "verify_timeline.h"

/* A growing sentence; s is NULL after running out of memory. */
struct sb {
	char	*s;
};

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const char *
orq(const char *s)
{
	return s != NULL ? s : "?";
}

static void
sb_fmt(struct sb *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sb_fmt(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	char *add, *s;
	int n;

	if (b->s == NULL)
		return;
	va_start(ap, fmt);
	n = vasprintf(&add, fmt, ap);
	va_end(ap);
	if (n < 0 || asprintf(&s, "%s%s", b->s, add) < 0) {
		if (n >= 0)
			free(add);
		free(b->s);
		b->s = NULL;
		return;
	}
	free(add);
	free(b->s);
	b->s = s;
}

static void
sb_put(struct sb *b, const char *s)
{
	sb_fmt(b, "%s", s);
}

/* "2026-11-26 09:02:03（北京时间）" of RFC 3339 time t, or t itself. */
static void
sb_time(struct sb *b, enum vt_lang lang, const char *t)
{
	char bj[32];
	int64_t ms;

	if (t == NULL || rfc3339_parse(t, &ms) != 0) {
		sb_put(b, orq(t));
		return;
	}
	timeline_beijing(ms, bj, sizeof(bj));
	sb_fmt(b, verify_text_get(lang, VT_TS_BEIJING_TIME), bj);
}

/* A time as its own string (for a format with several). */
static char *
time_str(enum vt_lang lang, const char *t)
{
	struct sb b = { strdup("") };

	sb_time(&b, lang, t);
	return b.s;
}

/* "PA-0001 张伟、PA-0002 李娜". */
static char *
officers(const json_t *facts)
{
	struct sb b = { strdup("") };
	const json_t *o;
	size_t i;

	json_array_foreach(json_object_get(facts, "officers"), i, o) {
		sb_fmt(&b, "%s%s", i > 0 ? "、" : "", orq(str(o, "id")));
		if (str(o, "name") != NULL)
			sb_fmt(&b, " %s", str(o, "name"));
	}
	return b.s;
}

/* A deadline: its time, or why the calendar could not give it. */
static char *
due_str(enum vt_lang lang, const char *due, const char *unknown)
{
	static const char pre[] = "calendar does not cover ";
	struct sb b = { strdup("") };

	if (due != NULL)
		sb_time(&b, lang, due);
	else if (unknown != NULL && strncmp(unknown, pre, sizeof(pre) - 1) == 0)
		sb_fmt(&b, verify_text_get(lang, VT_TS_NOT_COVERED),
		    unknown + sizeof(pre) - 1);
	else
		sb_put(&b, unknown != NULL ? unknown :
		    verify_text_get(lang, VT_W_UNKNOWN));
	return b.s;
}

static void
say_start(struct sb *b, enum vt_lang lang, const json_t *f, int emergency)
{
	const char *method = verify_text_word(lang, str(f, "method"));
	char *offs = officers(f), *due;

	if (offs == NULL) {
		free(b->s);
		b->s = NULL;
		return;
	}
	if (emergency) {
		due = due_str(lang, str(f, "backfill_due"),
		    str(f, "backfill_due_unknown"));
		sb_fmt(b, verify_text_get(lang, VT_TS_EMERGENCY),
		    orq(str(f, "enterprise")), offs, method, orq(due));
		free(due);
	} else {
		sb_fmt(b, verify_text_get(lang, VT_TS_REGISTERED),
		    orq(str(f, "enterprise")), offs, method,
		    orq(str(f, "basis")), orq(str(f, "content")));
		if (str(f, "planned") != NULL) {
			due = time_str(lang, str(f, "planned"));
			sb_fmt(b, verify_text_get(lang, VT_TS_PLANNED),
			    orq(due));
			free(due);
		}
	}
	free(offs);
}

/* An optional part: fmt of s when the fact is there. */
static void
opt(struct sb *b, enum vt_lang lang, enum vt_msg m, const char *s)
{
	if (s != NULL)
		sb_fmt(b, verify_text_get(lang, m), s);
}

static void
say_linked(struct sb *b, enum vt_lang lang, const json_t *f)
{
	char seg[24], cam[256] = "";
	const char *by = str(f, "by");

	snprintf(seg, sizeof(seg), "%" PRId64, (int64_t)json_integer_value(
	    json_object_get(f, "segment")));
	if (str(f, "camera") != NULL)
		snprintf(cam, sizeof(cam), verify_text_get(lang,
		    VT_TS_OF_CAMERA), str(f, "camera"));
	sb_fmt(b, verify_text_get(lang, by != NULL && strcmp(by, "auto") == 0 ?
	    VT_TS_LINKED_AUTO : VT_TS_LINKED_HAND), seg, cam);
	opt(b, lang, VT_TS_COLON, str(f, "reason"));
}

static void
say_decision(struct sb *b, enum vt_lang lang, const json_t *f)
{
	char *at = time_str(lang, str(f, "at"));

	sb_fmt(b, verify_text_get(lang, VT_TS_DECISION), orq(str(f, "number")),
	    orq(str(f, "penalty")), orq(at));
	free(at);
	if (str(f, "credit_notice") != NULL)
		opt(b, lang, VT_TS_NOTICE, str(f, "credit_notice"));
	else
		sb_put(b, verify_text_get(lang, VT_TS_NO_NOTICE));
}

static void
say_credit(struct sb *b, enum vt_lang lang, const json_t *f, int answer)
{
	char *at = time_str(lang, str(f, "at")), *due, app[24];

	if (!answer) {
		due = due_str(lang, str(f, "due"), str(f, "due_unknown"));
		sb_fmt(b, verify_text_get(lang, VT_TS_CREDIT_APPLIED), orq(at),
		    orq(str(f, "text")), orq(due));
		free(due);
	} else {
		snprintf(app, sizeof(app), "%" PRId64, (int64_t)
		    json_integer_value(json_object_get(f, "application")));
		sb_fmt(b, verify_text_get(lang, VT_TS_CREDIT_ANSWERED), app,
		    verify_text_word(lang, str(f, "result")), orq(at));
		opt(b, lang, VT_TS_SEMI, str(f, "note"));
		if (json_is_true(json_object_get(f, "late")))
			sb_put(b, verify_text_get(lang, VT_TS_LATE));
	}
	free(at);
}

static void
say_footage(struct sb *b, enum vt_lang lang, const json_t *e)
{
	const json_t *f = json_object_get(e, "facts");
	char who[256] = "", *what, secs[32], bj[32];
	int64_t from;
	double dur = (double)json_integer_value(json_object_get(e,
	    "duration_ms")) / 1000.0;

	if (str(e, "officer") != NULL)
		snprintf(who, sizeof(who), verify_text_get(lang,
		    VT_TS_CARRIED), str(e, "officer_name") != NULL ?
		    str(e, "officer_name") : str(e, "officer"));
	if (json_is_false(json_object_get(f, "decodable"))) {
		if (asprintf(&what, verify_text_get(lang, VT_TS_NOT_AV),
		    orq(str(f, "probe"))) < 0)
			what = NULL;
	} else {
		snprintf(secs, sizeof(secs), "%.1f", dur);
		if (rfc3339_parse(str(e, "time"), &from) == 0)
			timeline_beijing(from + json_integer_value(
			    json_object_get(e, "duration_ms")), bj, sizeof(bj));
		else
			snprintf(bj, sizeof(bj), "?");
		if (asprintf(&what, verify_text_get(lang, VT_TS_DURATION),
		    secs, bj) < 0)
			what = NULL;
	}
	if (what == NULL) {
		free(b->s);
		b->s = NULL;
		return;
	}
	sb_fmt(b, verify_text_get(lang, VT_TS_FOOTAGE), orq(str(f, "path")),
	    orq(str(e, "camera")), who, what,
	    verify_text_source(lang, str(f, "source")), orq(str(e, "object")));
	free(what);
	if (str(e, "start_source") != NULL &&
	    strcmp(str(e, "start_source"), "mtime") == 0)
		sb_put(b, verify_text_get(lang, VT_TS_MTIME));
	if (json_is_false(json_object_get(e, "linked")))
		sb_put(b, verify_text_get(lang, VT_TS_NOT_LINKED));
}

/* The sentence of event e in lang, as a new string or NULL. */
static char *
sentence(const json_t *e, enum vt_lang lang)
{
	const json_t *f = json_object_get(e, "facts");
	const char *type = str(e, "type");
	struct sb b = { strdup("") };
	char *x, *y, size[24];

	if (type == NULL)
		sb_put(&b, orq(str(e, "text")));
	else if (strcmp(type, ENTRY_INSPECTION_REGISTERED) == 0 ||
	    strcmp(type, ENTRY_INSPECTION_EMERGENCY) == 0)
		say_start(&b, lang, f, strcmp(type,
		    ENTRY_INSPECTION_EMERGENCY) == 0);
	else if (strcmp(type, ENTRY_INSPECTION_ENTERED) == 0)
		sb_put(&b, verify_text_get(lang, VT_TS_ENTERED));
	else if (strcmp(type, ENTRY_INSPECTION_LEFT) == 0)
		sb_put(&b, verify_text_get(lang, VT_TS_LEFT));
	else if (strcmp(type, ENTRY_EVIDENCE_LINKED) == 0)
		say_linked(&b, lang, f);
	else if (strcmp(type, ENTRY_EVIDENCE_UNLINKED) == 0) {
		snprintf(size, sizeof(size), "%" PRId64, (int64_t)
		    json_integer_value(json_object_get(f, "segment")));
		sb_fmt(&b, verify_text_get(lang, VT_TS_UNLINKED), size,
		    orq(str(f, "reason")));
	} else if (strcmp(type, ENTRY_DOCUMENT_SEALED) == 0) {
		snprintf(size, sizeof(size), "%" PRId64, (int64_t)
		    json_integer_value(json_object_get(f, "size")));
		sb_fmt(&b, verify_text_get(lang, VT_TS_DOCUMENT),
		    verify_text_doc_kind(lang, orq(str(f, "document_kind"))),
		    orq(str(f, "name")), size,
		    orq(str(f, "object")));
	} else if (strcmp(type, ENTRY_INSPECTION_BACKFILLED) == 0)
		sb_fmt(&b, verify_text_get(lang, json_is_true(json_object_get(f,
		    "late")) ? VT_TS_BACKFILLED_LATE : VT_TS_BACKFILLED),
		    orq(str(f, "basis")), orq(str(f, "content")));
	else if (strcmp(type, ENTRY_INSPECTION_GAP_REASON) == 0) {
		x = time_str(lang, str(f, "from"));
		y = time_str(lang, str(f, "to"));
		sb_fmt(&b, verify_text_get(lang, VT_TS_GAP_REASON), orq(x),
		    orq(y), orq(str(f, "reason")));
		free(x);
		free(y);
	} else if (strcmp(type, ENTRY_INSPECTION_CLOSED) == 0) {
		sb_fmt(&b, verify_text_get(lang, VT_TS_CLOSED),
		    orq(str(f, "result")));
		if (str(f, "deadline") != NULL) {
			x = time_str(lang, str(f, "deadline"));
			opt(&b, lang, VT_TS_DEADLINE, orq(x));
			free(x);
		}
	} else if (strcmp(type, ENTRY_REVIEW_RECORDED) == 0) {
		sb_fmt(&b, verify_text_get(lang, VT_TS_REVIEW),
		    orq(str(f, "reviewer")),
		    verify_text_word(lang, str(f, "result")));
		opt(&b, lang, VT_TS_SEMI, str(f, "note"));
	} else if (strcmp(type, ENTRY_ENTERPRISE_FEEDBACK) == 0)
		sb_fmt(&b, verify_text_get(lang, VT_TS_FEEDBACK),
		    orq(str(f, "text")));
	else if (strcmp(type, ENTRY_BUNDLE_EXPORTED) == 0) {
		sb_put(&b, verify_text_get(lang, VT_TS_EXPORTED));
		opt(&b, lang, VT_TS_BY, str(f, "by"));
	} else if (strcmp(type, ENTRY_INSPECTION_VIEWED) == 0) {
		sb_fmt(&b, verify_text_get(lang, VT_TS_VIEWED),
		    orq(str(f, "what")));
		opt(&b, lang, VT_TS_BY, str(f, "by"));
	} else if (strcmp(type, ENTRY_DECISION_SERVED) == 0)
		say_decision(&b, lang, f);
	else if (strcmp(type, ENTRY_CREDIT_REPAIR_APPLIED) == 0 ||
	    strcmp(type, ENTRY_CREDIT_REPAIR_ANSWERED) == 0)
		say_credit(&b, lang, f, strcmp(type,
		    ENTRY_CREDIT_REPAIR_ANSWERED) == 0);
	else if (strcmp(type, ENTRY_SEGMENT_SEALED) == 0)
		say_footage(&b, lang, e);
	else
		sb_fmt(&b, verify_text_get(lang, VT_ET_OTHER), type);
	return b.s;
}

int
verify_timeline_lang(json_t *tl, enum vt_lang lang)
{
	const char *type;
	json_t *e;
	size_t i;
	char *s;

	json_array_foreach(json_object_get(tl, "events"), i, e) {
		type = str(e, "type");
		if (type != NULL && json_object_set_new(e, "label",
		    json_string(verify_text_entry_type(lang, type))) != 0)
			return CUSTOS_ERR_NOMEM;
		if (lang == VT_EN || type == NULL)
			continue;
		if ((s = sentence(e, lang)) == NULL)
			return CUSTOS_ERR_NOMEM;
		if (json_object_set_new(e, "text", json_string(s)) != 0) {
			free(s);
			return CUSTOS_ERR_NOMEM;
		}
		free(s);
	}
	return 0;
}

/* s (or "?") with control characters replaced, as timeline_print(). */
static void
put(FILE *f, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)orq(s); *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fputs("\xef\xbf\xbd", f);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fputs("\xef\xbf\xbd", f);
			p++;
		} else
			putc(*p, f);
	}
}

static void
putfmt(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A formatted part, escaped as put(). */
static void
putfmt(FILE *f, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	put(f, s);
	free(s);
}

static void
print_time(FILE *f, const char *t)
{
	char bj[32];
	int64_t ms;

	if (t == NULL || rfc3339_parse(t, &ms) != 0) {
		put(f, t);
		fprintf(f, "  %s", verify_text_get(VT_ZH, VT_TP_NOT_TIME));
		return;
	}
	timeline_beijing(ms, bj, sizeof(bj));
	fprintf(f, "%-24s [北京 %s]", t, bj);
}

static void
print_clock(FILE *f, const json_t *e)
{
	const json_t *d = json_object_get(e, "drift_ms");
	char sess[24], secs[32], *rec, *cor;
	int64_t abs_ms;

	if (json_object_get(e, "drift_session") == NULL)
		return;
	snprintf(sess, sizeof(sess), "%" PRId64, (int64_t)json_integer_value(
	    json_object_get(e, "drift_session")));
	fprintf(f, "%*s", 60, "");
	if (!json_is_integer(d) || str(e, "corrected_time") == NULL)
		putfmt(f, verify_text_get(VT_ZH, VT_TP_CLOCK_UNKNOWN), sess,
		    str(e, "drift_unknown") != NULL ? verify_text_drift_why(
		    VT_ZH, str(e, "drift_unknown")) :
		    verify_text_get(VT_ZH, VT_W_UNKNOWN));
	else {
		abs_ms = json_integer_value(d) < 0 ? -json_integer_value(d) :
		    json_integer_value(d);
		snprintf(secs, sizeof(secs), "%" PRId64 ".%03" PRId64,
		    abs_ms / 1000, abs_ms % 1000);
		rec = time_str(VT_ZH, str(e, "recorded_time"));
		cor = time_str(VT_ZH, str(e, "corrected_time"));
		putfmt(f, verify_text_get(VT_ZH, VT_TP_CLOCK),
		    verify_text_get(VT_ZH, json_integer_value(d) < 0 ?
		    VT_TP_BEHIND : VT_TP_AHEAD), secs, sess, orq(rec),
		    orq(cor));
		free(rec);
		free(cor);
	}
	fputc('\n', f);
}

static void
print_events(FILE *f, const json_t *events)
{
	const json_t *e;
	size_t i;

	json_array_foreach(events, i, e) {
		fputs("  ", f);
		print_time(f, str(e, "time"));
		fprintf(f, "  #%-5" PRId64 " ", (int64_t)json_integer_value(
		    json_object_get(e, "index")));
		put(f, str(e, "label") != NULL ? str(e, "label") :
		    str(e, "kind"));
		fputs("  ", f);
		put(f, str(e, "text"));
		fputc('\n', f);
		print_clock(f, e);
	}
	if (json_array_size(events) == 0)
		fprintf(f, "  %s\n", verify_text_get(VT_ZH, VT_TP_NO_STEPS));
}

static void
print_coverage(FILE *f, const json_t *coverage)
{
	const json_t *c;
	char secs[32], seg[24];
	int64_t a, b;
	size_t i;

	fprintf(f, "\n%s\n", verify_text_get(VT_ZH, VT_TP_COVERAGE));
	json_array_foreach(coverage, i, c) {
		fputs("  ", f);
		print_time(f, str(c, "from"));
		if (rfc3339_parse(str(c, "from"), &a) == 0 &&
		    rfc3339_parse(str(c, "to"), &b) == 0)
			snprintf(secs, sizeof(secs), "%.1f",
			    (double)(b - a) / 1000.0);
		else
			snprintf(secs, sizeof(secs), "?");
		snprintf(seg, sizeof(seg), "%" PRId64, (int64_t)
		    json_integer_value(json_object_get(c, "segment")));
		fputs("  ", f);
		putfmt(f, verify_text_get(VT_ZH, VT_TP_COVER), secs,
		    orq(str(c, "to")), seg, orq(str(c, "camera")));
		if (json_is_false(json_object_get(c, "linked")))
			fputs(verify_text_get(VT_ZH, VT_TP_UNLINKED), f);
		fputc('\n', f);
	}
	if (json_array_size(coverage) == 0)
		fprintf(f, "  %s\n", verify_text_get(VT_ZH, VT_TP_NO_FOOTAGE));
}

static void
print_gaps(FILE *f, const json_t *gaps)
{
	const json_t *g;
	char tol[16], secs[24];
	size_t i;

	snprintf(tol, sizeof(tol), "%d", RULES_GAP_TOLERANCE_MS / 1000);
	fputc('\n', f);
	putfmt(f, verify_text_get(VT_ZH, VT_TP_GAPS), tol);
	fputc('\n', f);
	json_array_foreach(gaps, i, g) {
		fprintf(f, "  %s ", verify_text_get(VT_ZH, json_is_true(
		    json_object_get(g, "explained")) ? VT_TP_EXPLAINED :
		    VT_TP_UNEXPLAINED));
		print_time(f, str(g, "from"));
		snprintf(secs, sizeof(secs), "%" PRId64, (int64_t)
		    json_integer_value(json_object_get(g, "seconds")));
		fputs("  ", f);
		putfmt(f, verify_text_get(VT_ZH, VT_TP_GAP), orq(str(g, "to")),
		    secs);
		if (str(g, "reason") != NULL)
			putfmt(f, verify_text_get(VT_ZH, VT_TS_COLON),
			    str(g, "reason"));
		fputc('\n', f);
	}
	if (json_array_size(gaps) == 0)
		fprintf(f, "  %s\n", verify_text_get(VT_ZH, VT_TP_NONE));
}

static void
print_findings(FILE *f, const json_t *findings)
{
	const json_t *x, *idx;
	struct sb list;
	char buf[2048];
	size_t i, j;

	fprintf(f, "\n%s\n", verify_text_get(VT_ZH, VT_TP_FINDINGS));
	json_array_foreach(findings, i, x) {
		fputs("  ", f);
		put(f, verify_text_rule(VT_ZH, str(x, "rule")));
		fputs("（", f);
		put(f, str(x, "rule"));
		fputs("）：", f);
		put(f, verify_text_finding(VT_ZH, x, buf, sizeof(buf)));
		list.s = strdup("");
		json_array_foreach(json_object_get(x, "entries"), j, idx)
			sb_fmt(&list, "%s%" PRId64, j == 0 ? "" : ", ",
			    (int64_t)json_integer_value(idx));
		if (list.s != NULL && list.s[0] != '\0')
			putfmt(f, verify_text_get(VT_ZH, VT_TP_ENTRIES), list.s);
		free(list.s);
		fputc('\n', f);
	}
	if (json_array_size(findings) == 0)
		fprintf(f, "  %s\n", verify_text_get(VT_ZH, VT_TP_NONE));
}

void
verify_timeline_print(FILE *f, const json_t *tl, enum vt_lang lang)
{
	if (lang == VT_EN) {
		timeline_print(f, tl);
		return;
	}
	putfmt(f, verify_text_get(VT_ZH, VT_TP_HEADER),
	    orq(str(tl, "inspection")));
	fputc('\n', f);
	print_events(f, json_object_get(tl, "events"));
	print_coverage(f, json_object_get(tl, "coverage"));
	print_gaps(f, json_object_get(tl, "gaps"));
	print_findings(f, json_object_get(tl, "findings"));
}
