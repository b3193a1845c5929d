/*
 * timeline: one inspection's steps, footage, coverage and gaps in time
 * order (timeline.h).  The chain is walked once: each entry becomes an
 * event, and the same walk notes entering, leaving, the gap reasons and
 * which segments are linked now.  Footage times come from
 * rules_segment_span(), so the timeline and the footage_gap findings can
 * never disagree about where a segment lies; the camera's clock drift is
 * shown beside those times (timeline_clock.c), never applied to them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/rfc3339.h"
#include "custos/rules.h"
#include "custos/timeline.h"
#include "timeline_int.h"

#define NONE		INT64_C(-1)

/* A gap reason: when, why, and its entry. */
struct reason {
	struct rules_span at;
	const char	*reason;
	int64_t		 index;
};

/* An event before sorting: its time, its index and the object. */
struct event {
	int64_t		 ms;
	int64_t		 index;
	json_t		*obj;
};

struct builder {
	const struct evidence *ev;
	struct event	*events;
	size_t		 nevents;
	int64_t		 entered_ms;	/* NONE until entered */
	int64_t		 left_ms;
	struct reason	*reasons;
	size_t		 nreasons;
	int64_t		*linked;	/* segments linked now */
	size_t		 nlinked;
};

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* s, or a placeholder that shows the field was missing. */
static const char *
orq(const char *s)
{
	return s != NULL ? s : "?";
}

static int
cmp_event(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->ms != y->ms)
		return (x->ms > y->ms) - (x->ms < y->ms);
	return (x->index > y->index) - (x->index < y->index);
}

static int
cmp_reason(const void *a, const void *b)
{
	const struct reason *x = a, *y = b;

	return rules_span_cmp(&x->at, &y->at);
}

static json_t *
jtime(int64_t ms)
{
	char t[RFC3339_LEN];

	rfc3339_format(ms, t, sizeof(t));
	return json_string(t);
}

/* Takes the reference to obj in every case. */
static int
add_event(struct builder *b, int64_t ms, int64_t index, json_t *obj)
{
	struct event *ev;

	if (obj == NULL)
		return CUSTOS_ERR_NOMEM;
	ev = realloc(b->events, (b->nevents + 1) * sizeof(*ev));
	if (ev == NULL) {
		json_decref(obj);
		return CUSTOS_ERR_NOMEM;
	}
	b->events = ev;
	ev[b->nevents].ms = ms;
	ev[b->nevents].index = index;
	ev[b->nevents++].obj = obj;
	return 0;
}

static int
set(json_t *o, const char *key, json_t *v)
{
	return v == NULL || json_object_set_new(o, key, v) != 0 ?
	    CUSTOS_ERR_NOMEM : 0;
}

/* Copies the string field key of e into o, when e has it. */
static int
copy_str(json_t *o, const json_t *e, const char *key)
{
	const char *s = str(e, key);

	return s == NULL ? 0 : set(o, key, json_string(s));
}

/* Notes what the gaps need from one chain entry. */
static int
note_step(struct builder *b, const json_t *e, const char *type, int64_t ms)
{
	struct reason *r;
	const json_t *v;
	size_t i;
	int unlink;

	if ((strcmp(type, ENTRY_INSPECTION_ENTERED) == 0 ||
	    strcmp(type, ENTRY_INSPECTION_EMERGENCY) == 0) &&
	    b->entered_ms == NONE)
		b->entered_ms = ms;
	else if (strcmp(type, ENTRY_INSPECTION_LEFT) == 0 && b->left_ms == NONE)
		b->left_ms = ms;
	else if (strcmp(type, ENTRY_INSPECTION_GAP_REASON) == 0) {
		r = &b->reasons[b->nreasons];
		if (rfc3339_parse(str(e, "from"), &r->at.from) != 0 ||
		    rfc3339_parse(str(e, "to"), &r->at.to) != 0 ||
		    r->at.to < r->at.from ||
		    rules_entry_index(e, &r->index) != 0)
			return CUSTOS_ERR_FORMAT;
		r->reason = orq(str(e, "reason"));
		b->nreasons++;
	} else if (strcmp(type, ENTRY_EVIDENCE_LINKED) == 0 ||
	    strcmp(type, ENTRY_EVIDENCE_UNLINKED) == 0) {
		v = json_object_get(e, "segment");
		if (!json_is_integer(v))
			return CUSTOS_ERR_FORMAT;
		unlink = strcmp(type, ENTRY_EVIDENCE_UNLINKED) == 0;
		for (i = 0; i < b->nlinked; i++)
			if (b->linked[i] == json_integer_value(v))
				break;
		if (unlink && i < b->nlinked)
			b->linked[i] = b->linked[--b->nlinked];
		else if (!unlink && i == b->nlinked)
			b->linked[b->nlinked++] = json_integer_value(v);
	}
	return 0;
}

static int
chain_event(struct builder *b, const struct evidence_entry *ent)
{
	const json_t *e = ent->json;
	const char *type, *kind, *at;
	json_t *o;
	int64_t ms;
	int rc;

	if ((type = str(e, "type")) == NULL)
		return CUSTOS_ERR_FORMAT;
	/* Entering and leaving happen at "at", which may be before the
	 * entry was written (custos inspection enter --at). */
	at = strcmp(type, ENTRY_INSPECTION_ENTERED) == 0 ||
	    strcmp(type, ENTRY_INSPECTION_LEFT) == 0 ||
	    strcmp(type, ENTRY_INSPECTION_EMERGENCY) == 0 ? str(e, "at") :
	    str(e, "time");
	if (rfc3339_parse(at, &ms) != 0)
		return CUSTOS_ERR_FORMAT;
	if ((rc = note_step(b, e, type, ms)) != 0)
		return rc;
	if ((o = json_object()) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = set(o, "time", jtime(ms))) != 0 ||
	    (rc = set(o, "index", json_integer((json_int_t)ent->index))) != 0 ||
	    (rc = set(o, "text", timeline_step_text(b->ev, e, type,
	    &kind))) != 0 ||
	    (rc = timeline_facts(b->ev, e, type, o)) != 0 ||
	    (rc = set(o, "kind", json_string(kind))) != 0 ||
	    (rc = copy_str(o, e, "object")) != 0 ||
	    (rc = copy_str(o, e, "camera")) != 0 ||
	    (json_is_integer(json_object_get(e, "segment")) &&
	    (rc = set(o, "segment", json_copy(json_object_get(e,
	    "segment")))) != 0)) {
		json_decref(o);
		return rc;
	}
	return add_event(b, ms, (int64_t)ent->index, o);
}

static int
is_linked(const struct builder *b, uint64_t index)
{
	size_t i;

	for (i = 0; i < b->nlinked; i++)
		if (b->linked[i] == (int64_t)index)
			return 1;
	return 0;
}

/* The footage event and the coverage entry of one segment. */
static int
segment_event(struct builder *b, const struct evidence_entry *ent,
    json_t *coverage)
{
	const json_t *e = ent->json, *dur;
	const char *off = str(e, "officer"), *name;
	int linked = is_linked(b, ent->index);
	int64_t from, to;
	json_t *o, *c;
	int rc;

	if ((rc = rules_segment_span(e, &from, &to)) != 0)
		return rc;
	dur = json_object_get(json_object_get(e, "media"), "duration_ms");
	name = timeline_officer_name(b->ev, off);
	if ((o = json_object()) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = set(o, "time", jtime(from))) != 0 ||
	    (rc = set(o, "kind", json_string("footage"))) != 0 ||
	    (rc = timeline_facts(b->ev, e, ENTRY_SEGMENT_SEALED, o)) != 0 ||
	    (rc = set(o, "index", json_integer((json_int_t)ent->index))) != 0 ||
	    (rc = set(o, "text", timeline_footage_text(b->ev, e, from,
	    to, linked))) != 0 ||
	    (rc = copy_str(o, e, "camera")) != 0 ||
	    (rc = copy_str(o, e, "officer")) != 0 ||
	    (name != NULL && (rc = set(o, "officer_name",
	    json_string(name))) != 0) ||
	    (rc = set(o, "duration_ms", json_integer(json_is_integer(dur) ?
	    json_integer_value(dur) : 0))) != 0 ||
	    (rc = copy_str(o, e, "object")) != 0 ||
	    (rc = set(o, "start_source", json_string(str(json_object_get(e,
	    "media"), "recorded_start") != NULL ? "recorded_start" :
	    "mtime"))) != 0 ||
	    (rc = set(o, "linked", json_boolean(linked))) != 0 ||
	    (c = json_pack("{s:o, s:o, s:I, s:s*, s:b}", "from", jtime(from),
	    "to", jtime(to), "segment", (json_int_t)ent->index, "camera",
	    str(e, "camera"), "linked", linked)) == NULL) {
		json_decref(o);
		return rc != 0 ? rc : CUSTOS_ERR_NOMEM;
	}
	/* The camera's clock: shown beside the recorded times. */
	if ((rc = timeline_clock_note(b->ev, ent, from, to, o, c)) != 0)
		json_decref(o);
	else
		rc = add_event(b, from, (int64_t)ent->index, o);
	if (rc != 0) {
		json_decref(c);
		return rc;
	}
	return json_array_append_new(coverage, c) != 0 ? CUSTOS_ERR_NOMEM : 0;
}

static int
add_gap(json_t *gaps, int64_t from, int64_t to, const struct reason *why)
{
	json_t *g;

	g = json_pack("{s:o, s:o, s:I, s:b}", "from", jtime(from), "to",
	    jtime(to), "seconds", (json_int_t)((to - from) / 1000),
	    "explained", why != NULL);
	if (g == NULL ||
	    (why != NULL && (set(g, "reason", json_string(why->reason)) != 0 ||
	    set(g, "reason_entry", json_integer(why->index)) != 0)) ||
	    json_array_append_new(gaps, g) != 0) {
		json_decref(g);
		return CUSTOS_ERR_NOMEM;
	}
	return 0;
}

/*
 * One stretch [a, b] with no linked footage, split by the gap reasons
 * (sorted by start) into explained and unexplained parts.  Unexplained
 * parts within the tolerance are not gaps, as for the footage_gap rule.
 */
static int
split_gap(const struct builder *b, json_t *gaps, int64_t a, int64_t e)
{
	const struct reason *r;
	int64_t cur = a, lo, hi;
	size_t i;
	int rc;

	for (i = 0; i < b->nreasons; i++) {
		r = &b->reasons[i];
		if (r->at.to <= cur || r->at.from >= e)
			continue;
		if (r->at.from > cur &&
		    r->at.from - cur > RULES_GAP_TOLERANCE_MS &&
		    (rc = add_gap(gaps, cur, r->at.from, NULL)) != 0)
			return rc;
		lo = r->at.from > cur ? r->at.from : cur;
		hi = r->at.to < e ? r->at.to : e;
		if (hi > lo && (rc = add_gap(gaps, lo, hi, r)) != 0)
			return rc;
		cur = hi;
	}
	if (e - cur > RULES_GAP_TOLERANCE_MS)
		return add_gap(gaps, cur, e, NULL);
	return 0;
}

/* The visit [entered, left] minus the linked footage in coverage. */
static int
find_gaps(struct builder *b, const json_t *coverage, json_t *gaps)
{
	struct rules_span *iv;
	const json_t *c;
	size_t i, n = 0;
	int64_t cur, end;
	int rc = 0;

	if (b->entered_ms == NONE || b->left_ms == NONE ||
	    b->left_ms <= b->entered_ms)
		return 0;
	if ((iv = calloc(json_array_size(coverage) + 1, sizeof(*iv))) == NULL)
		return CUSTOS_ERR_NOMEM;
	json_array_foreach(coverage, i, c) {
		if (!json_is_true(json_object_get(c, "linked")))
			continue;
		if (rfc3339_parse(str(c, "from"), &iv[n].from) != 0 ||
		    rfc3339_parse(str(c, "to"), &iv[n].to) != 0) {
			rc = CUSTOS_ERR_FORMAT;
			goto out;
		}
		n++;
	}
	qsort(iv, n, sizeof(*iv), rules_span_cmp);
	qsort(b->reasons, b->nreasons, sizeof(*b->reasons), cmp_reason);
	cur = b->entered_ms;
	for (i = 0; i <= n && cur < b->left_ms; i++) {
		end = i == n || iv[i].from > b->left_ms ? b->left_ms :
		    iv[i].from;
		if (end - cur > RULES_GAP_TOLERANCE_MS &&
		    (rc = split_gap(b, gaps, cur, end)) != 0)
			goto out;
		if (i < n && iv[i].to > cur)
			cur = iv[i].to;
	}
out:
	free(iv);
	return rc;
}

static int
cmp_coverage(const void *a, const void *b)
{
	const json_t *x = *(const json_t *const *)a;
	const json_t *y = *(const json_t *const *)b;
	int c = strcmp(str(x, "from"), str(y, "from"));

	if (c != 0)
		return c;
	return (json_integer_value(json_object_get(x, "segment")) >
	    json_integer_value(json_object_get(y, "segment"))) -
	    (json_integer_value(json_object_get(x, "segment")) <
	    json_integer_value(json_object_get(y, "segment")));
}

/* Sorts coverage by start (the strings sort as the times do). */
static int
sort_coverage(json_t *coverage)
{
	size_t i, n = json_array_size(coverage);
	json_t **v;
	int rc = 0;

	if (n < 2)
		return 0;
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(coverage, i));
	qsort(v, n, sizeof(*v), cmp_coverage);
	json_array_clear(coverage);
	for (i = 0; i < n; i++)
		if (json_array_append_new(coverage, v[i]) != 0)
			rc = CUSTOS_ERR_NOMEM;
	free(v);
	return rc;
}

static int
build(struct builder *b, json_t *tl)
{
	const struct evidence *ev = b->ev;
	json_t *events, *coverage, *gaps;
	size_t i;
	int rc;

	if ((events = json_array()) == NULL ||
	    json_object_set_new(tl, "events", events) != 0 ||
	    (coverage = json_array()) == NULL ||
	    json_object_set_new(tl, "coverage", coverage) != 0 ||
	    (gaps = json_array()) == NULL ||
	    json_object_set_new(tl, "gaps", gaps) != 0)
		return CUSTOS_ERR_NOMEM;
	for (i = 0; i < ev->n[EVIDENCE_CHAIN]; i++)
		if ((rc = chain_event(b, &ev->e[EVIDENCE_CHAIN][i])) != 0)
			return rc;
	/* After the chain: linked-now depends on every (un)link. */
	for (i = 0; i < ev->n[EVIDENCE_SEGMENT]; i++)
		if ((rc = segment_event(b, &ev->e[EVIDENCE_SEGMENT][i],
		    coverage)) != 0)
			return rc;
	if ((rc = sort_coverage(coverage)) != 0 ||
	    (rc = find_gaps(b, coverage, gaps)) != 0)
		return rc;
	qsort(b->events, b->nevents, sizeof(*b->events), cmp_event);
	for (i = 0; i < b->nevents; i++) {
		rc = json_array_append_new(events, b->events[i].obj);
		b->events[i].obj = NULL;
		if (rc != 0)
			return CUSTOS_ERR_NOMEM;
	}
	return 0;
}

int
timeline_build(const struct evidence *ev, const json_t *findings,
    json_t **out)
{
	struct builder b;
	json_t *tl;
	size_t i, nchain;
	int rc = CUSTOS_ERR_NOMEM;

	if (out != NULL)
		*out = NULL;
	if (ev == NULL || out == NULL)
		return CUSTOS_ERR_INVALID;
	memset(&b, 0, sizeof(b));
	b.ev = ev;
	b.entered_ms = b.left_ms = NONE;
	nchain = ev->n[EVIDENCE_CHAIN];
	if ((tl = json_object()) == NULL ||
	    json_object_set_new(tl, "inspection", json_string(
	    ev->inspection != NULL ? ev->inspection : "")) != 0 ||
	    (b.reasons = calloc(nchain + 1, sizeof(*b.reasons))) == NULL ||
	    (b.linked = calloc(nchain + 1, sizeof(*b.linked))) == NULL)
		goto out;
	if ((rc = build(&b, tl)) != 0)
		goto out;
	rc = json_object_set_new(tl, "findings", findings != NULL ?
	    json_deep_copy(findings) : json_array()) != 0 ?
	    CUSTOS_ERR_NOMEM : 0;
out:
	for (i = 0; i < b.nevents; i++)
		json_decref(b.events[i].obj);
	free(b.events);
	free(b.reasons);
	free(b.linked);
	if (rc != 0) {
		json_decref(tl);
		return rc;
	}
	*out = tl;
	return 0;
}

/*
 * Writes s (or "?") with control characters replaced: the strings come
 * from log entries or a bundle, and an escape sequence in an officer's
 * name must not reach the reviewer's terminal as one.  C1 controls
 * (U+0080-U+009F, UTF-8 C2 80-9F) are replaced too: some terminals obey
 * them.
 */
static void
put(FILE *f, const char *s)
{
	const unsigned char *p;

	if (s == NULL)
		s = "?";
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fputs("\xef\xbf\xbd", f);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fputs("\xef\xbf\xbd", f);
			p++;
		} else
			putc(*p, f);
	}
}

/* "2026-11-26T01:02:03.000Z [北京 2026-11-26 09:02:03]" or the raw text. */
static void
print_time(FILE *f, const char *t)
{
	char bj[32];
	int64_t ms;

	if (t == NULL || rfc3339_parse(t, &ms) != 0) {
		put(f, t);
		fputs("  (not an RFC 3339 time)", f);
		return;
	}
	timeline_beijing(ms, bj, sizeof(bj));
	fprintf(f, "%-24s [北京 %s]", t, bj);
}

static void
print_events(FILE *f, const json_t *events)
{
	const json_t *e;
	const char *kind;
	char *clock;
	size_t i;

	json_array_foreach(events, i, e) {
		kind = str(e, "kind");
		fputs("  ", f);
		print_time(f, str(e, "time"));
		fprintf(f, "  #%-5lld ", (long long)json_integer_value(
		    json_object_get(e, "index")));
		put(f, kind);
		fprintf(f, "%*s", kind != NULL && strlen(kind) < 11 ?
		    (int)(11 - strlen(kind)) : 1, "");
		put(f, str(e, "text"));
		fputc('\n', f);
		if ((clock = timeline_clock_line(e)) != NULL) {
			fprintf(f, "%*s", 60, "");
			put(f, clock);
			fputc('\n', f);
			free(clock);
		}
	}
	if (json_array_size(events) == 0)
		fputs("  (no steps)\n", f);
}

static void
print_coverage(FILE *f, const json_t *coverage)
{
	const json_t *c;
	int64_t a, b;
	size_t i;

	fputs("\nFootage coverage (by recorded start and duration):\n", f);
	json_array_foreach(coverage, i, c) {
		fputs("  ", f);
		print_time(f, str(c, "from"));
		if (rfc3339_parse(str(c, "from"), &a) == 0 &&
		    rfc3339_parse(str(c, "to"), &b) == 0)
			fprintf(f, "  %8.1f s", (double)(b - a) / 1000.0);
		fputs("  to ", f);
		put(f, str(c, "to"));
		fprintf(f, "  segment %lld, camera ", (long long)
		    json_integer_value(json_object_get(c, "segment")));
		put(f, str(c, "camera"));
		fprintf(f, "%s\n", json_is_false(json_object_get(c, "linked")) ?
		    " (unlinked)" : "");
	}
	if (json_array_size(coverage) == 0)
		fputs("  (no footage)\n", f);
}

static void
print_gaps(FILE *f, const json_t *gaps)
{
	const json_t *g;
	size_t i;

	fprintf(f, "\nGaps between entering and leaving (longer than %d s):\n",
	    RULES_GAP_TOLERANCE_MS / 1000);
	json_array_foreach(gaps, i, g) {
		fprintf(f, "  %s ", json_is_true(json_object_get(g,
		    "explained")) ? "~ explained  " : "! UNEXPLAINED");
		print_time(f, str(g, "from"));
		fputs("  to ", f);
		put(f, str(g, "to"));
		fprintf(f, " (%lld s)", (long long)json_integer_value(
		    json_object_get(g, "seconds")));
		if (str(g, "reason") != NULL) {
			fputs(": ", f);
			put(f, str(g, "reason"));
		}
		fputc('\n', f);
	}
	if (json_array_size(gaps) == 0)
		fputs("  (none)\n", f);
}

static void
print_findings(FILE *f, const json_t *findings)
{
	const json_t *x, *idx;
	size_t i, j;

	fputs("\nFindings:\n", f);
	json_array_foreach(findings, i, x) {
		fputs("  ", f);
		put(f, str(x, "rule"));
		fputs(": ", f);
		put(f, str(x, "detail"));
		json_array_foreach(json_object_get(x, "entries"), j, idx)
			fprintf(f, "%s%lld", j == 0 ? " [entries " : ", ",
			    (long long)json_integer_value(idx));
		fprintf(f, "%s\n", json_array_size(json_object_get(x,
		    "entries")) > 0 ? "]" : "");
	}
	if (json_array_size(findings) == 0)
		fputs("  (none)\n", f);
}

void
timeline_print(FILE *f, const json_t *timeline)
{
	fputs("Inspection ", f);
	put(f, str(timeline, "inspection"));
	fputs(": timeline (UTC, Beijing time beside it)\n", f);
	print_events(f, json_object_get(timeline, "events"));
	print_coverage(f, json_object_get(timeline, "coverage"));
	print_gaps(f, json_object_get(timeline, "gaps"));
	print_findings(f, json_object_get(timeline, "findings"));
}
