/*
 * rules: the findings table of docs/inspection.md, computed from one
 * inspection's entries.  The chain is read once into a summary (who, when
 * entered and left, which segments are linked now); each rule then reads
 * the summary and appends its findings in the order of the table.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/calendar.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/rfc3339.h"
#include "custos/rules.h"

#define MS_PER_DAY	INT64_C(86400000)
#define NONE		INT64_C(-1)

/* A segment linked now: its evidence.linked entry and the segment. */
struct link {
	int64_t		 linked;	/* index of the evidence.linked */
	int64_t		 segment;	/* index of the segment.sealed */
};

struct summary {
	const struct rules_input *in;
	json_t		*out;

	int64_t		 first;		/* index of registration/emergency */
	int		 emergency;
	const char	*enterprise;
	const json_t	*officers;	/* the first entry's "officers" */

	int64_t		 entered;	/* index, or NONE */
	int64_t		 entered_ms;
	int64_t		 left;
	int64_t		 left_ms;
	int64_t		 closed;
	int64_t		 backfilled;
	int64_t		 backfilled_ms;
	int		 backfilled_late;

	struct link	*links;
	size_t		 nlinks;
	struct rules_span *reasons;	/* inspection.gap_reason [from, to] */
	size_t		 nreasons;
};

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

static const char *
str(const json_t *e, const char *key)
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

static int
time_of(const json_t *e, const char *key, int64_t *ms)
{
	return rules_time_parse(str(e, key), ms);
}

static void
beijing_date(int64_t ms, struct cal_date *d)
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

/*
 * Appends one finding.  idx holds n log indexes (NONE ones are skipped);
 * they are sorted and made unique.  extra, when not NULL, is an object
 * whose fields are added and whose reference is taken in every case.
 */
static int __attribute__((format(printf, 6, 7)))
add(struct summary *s, const char *rule, int64_t *idx, size_t n,
    json_t *extra, const char *fmt, ...)
{
	json_t *f = NULL, *ents;
	va_list ap;
	char *detail;
	size_t i;
	int rc = CUSTOS_ERR_NOMEM, len;

	va_start(ap, fmt);
	len = vasprintf(&detail, fmt, ap);
	va_end(ap);
	if (len < 0) {
		json_decref(extra);
		return CUSTOS_ERR_NOMEM;
	}
	qsort(idx, n, sizeof(*idx), cmp_i64);
	/* The documented field order: rule, detail, entries, extras. */
	if ((f = json_object()) == NULL ||
	    json_object_set_new(f, "rule", json_string(rule)) != 0 ||
	    json_object_set_new(f, "detail", json_string(detail)) != 0 ||
	    (ents = json_array()) == NULL ||
	    json_object_set_new(f, "entries", ents) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (idx[i] == NONE || (i > 0 && idx[i] == idx[i - 1]))
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
	return rc;
}

static const json_t *
find_segment(const struct rules_input *in, int64_t index)
{
	int64_t idx;
	size_t i;

	for (i = 0; i < in->nsegments; i++)
		if (rules_entry_index(in->segments[i], &idx) == 0 &&
		    idx == index)
			return in->segments[i];
	return NULL;
}

static int
link_segment(struct summary *s, const json_t *e, int64_t idx, int unlink)
{
	const json_t *v = json_object_get(e, "segment");
	int64_t seg;
	size_t i;

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return CUSTOS_ERR_FORMAT;
	seg = json_integer_value(v);
	for (i = 0; i < s->nlinks; i++)
		if (s->links[i].segment == seg)
			break;
	if (unlink) {
		if (i < s->nlinks)
			s->links[i] = s->links[--s->nlinks];
		return 0;
	}
	if (i == s->nlinks) {
		if (find_segment(s->in, seg) == NULL)
			return CUSTOS_ERR_NOTFOUND;
		s->links[s->nlinks].segment = seg;
		s->links[s->nlinks++].linked = idx;
	}
	return 0;
}

/*
 * Notes the first entry of a kind, e at index idx: the index in *at and
 * its time, member key, in *ms.  Later ones of the kind are ignored.
 */
static int
first_at(const json_t *e, int64_t idx, const char *key, int64_t *at,
    int64_t *ms)
{
	if (*at != NONE)
		return 0;
	*at = idx;
	return time_of(e, key, ms);
}

/* Reads the chain into s.  The first entry starts the inspection. */
static int
summarize(struct summary *s)
{
	const struct rules_input *in = s->in;
	const json_t *e;
	const char *type;
	struct rules_span *r;
	int64_t idx;
	size_t i;
	int rc;

	s->entered = s->left = s->closed = s->backfilled = NONE;
	if (in->nchain == 0)
		return CUSTOS_ERR_FORMAT;
	if ((s->links = calloc(in->nchain, sizeof(*s->links))) == NULL ||
	    (s->reasons = calloc(in->nchain, sizeof(*s->reasons))) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (i = 0; i < in->nchain; i++) {
		e = in->chain[i];
		if (!json_is_object(e) || (type = str(e, "type")) == NULL ||
		    rules_entry_index(e, &idx) != 0)
			return CUSTOS_ERR_FORMAT;
		if (i == 0) {
			s->first = idx;
			s->emergency = strcmp(type,
			    ENTRY_INSPECTION_EMERGENCY) == 0;
			if (!s->emergency &&
			    strcmp(type, ENTRY_INSPECTION_REGISTERED) != 0)
				return CUSTOS_ERR_FORMAT;
			s->enterprise = str(e, "enterprise");
			s->officers = json_object_get(e, "officers");
			if (s->enterprise == NULL ||
			    !json_is_array(s->officers))
				return CUSTOS_ERR_FORMAT;
			if (s->emergency && (rc = first_at(e, idx, "at",
			    &s->entered, &s->entered_ms)) != 0)
				return rc;
		} else if (strcmp(type, ENTRY_INSPECTION_ENTERED) == 0) {
			if ((rc = first_at(e, idx, "at", &s->entered,
			    &s->entered_ms)) != 0)
				return rc;
		} else if (strcmp(type, ENTRY_INSPECTION_LEFT) == 0) {
			if ((rc = first_at(e, idx, "at", &s->left,
			    &s->left_ms)) != 0)
				return rc;
		} else if (strcmp(type, ENTRY_INSPECTION_CLOSED) == 0) {
			if (s->closed == NONE)
				s->closed = idx;
		} else if (strcmp(type, ENTRY_INSPECTION_BACKFILLED) == 0) {
			if (s->backfilled == NONE)
				s->backfilled_late = json_is_true(
				    json_object_get(e, "late"));
			if ((rc = first_at(e, idx, "time", &s->backfilled,
			    &s->backfilled_ms)) != 0)
				return rc;
		} else if (strcmp(type, ENTRY_INSPECTION_GAP_REASON) == 0) {
			r = &s->reasons[s->nreasons];
			if ((rc = time_of(e, "from", &r->from)) != 0 ||
			    (rc = time_of(e, "to", &r->to)) != 0)
				return rc;
			if (r->to < r->from)
				return CUSTOS_ERR_FORMAT;
			s->nreasons++;
		} else if (strcmp(type, ENTRY_EVIDENCE_LINKED) == 0 ||
		    strcmp(type, ENTRY_EVIDENCE_UNLINKED) == 0) {
			if ((rc = link_segment(s, e, idx, strcmp(type,
			    ENTRY_EVIDENCE_UNLINKED) == 0)) != 0)
				return rc;
		}
	}
	return 0;
}

static int
rule_two_officers(struct summary *s)
{
	size_t i, j, n = 0;
	const char *id;

	for (i = 0; i < json_array_size(s->officers); i++) {
		if ((id = json_string_value(json_array_get(s->officers, i))) ==
		    NULL)
			return CUSTOS_ERR_FORMAT;
		for (j = 0; j < i; j++)
			if (strcmp(id, json_string_value(
			    json_array_get(s->officers, j))) == 0)
				break;
		n += j == i;
	}
	if (n >= 2)
		return 0;
	return add(s, "two_officers", &s->first, 1, NULL,
	    "The inspection has %zu distinct officer%s; the law asks for at "
	    "least two.", n, n == 1 ? "" : "s");
}

static const json_t *
find_officer(const struct rules_input *in, const char *id)
{
	const char *o;
	size_t i;

	for (i = 0; i < in->nofficers; i++)
		if ((o = str(in->officers[i], "officer")) != NULL &&
		    strcmp(o, id) == 0)
			return in->officers[i];
	return NULL;
}

/* Each officer's credential must be valid on the Beijing day of entering. */
static int
rule_credential(struct summary *s)
{
	struct cal_date day, until;
	const json_t *o;
	const char *id, *cred, *vu;
	char dbuf[16];
	int64_t idx[3];
	size_t i, j;
	int rc;

	if (s->entered == NONE)
		return 0;
	beijing_date(s->entered_ms, &day);
	calendar_date_format(&day, dbuf, sizeof(dbuf));
	for (i = 0; i < json_array_size(s->officers); i++) {
		id = json_string_value(json_array_get(s->officers, i));
		for (j = 0; j < i; j++)
			if (strcmp(id, json_string_value(
			    json_array_get(s->officers, j))) == 0)
				break;
		if (j < i)
			continue;
		idx[0] = s->first;
		idx[1] = s->entered;
		if ((o = find_officer(s->in, id)) == NULL) {
			rc = add(s, "credential", idx, 2, NULL, "Officer %s is "
			    "not in the registry, so no credential of theirs "
			    "is known for %s.", id, dbuf);
			if (rc != 0)
				return rc;
			continue;
		}
		if ((vu = str(o, "valid_until")) == NULL ||
		    calendar_date_parse(vu, &until) != 0 ||
		    rules_entry_index(o, &idx[2]) != 0)
			return CUSTOS_ERR_FORMAT;
		if (calendar_days(until.year, until.month, until.day) >=
		    calendar_days(day.year, day.month, day.day))
			continue;
		cred = str(o, "credential");
		rc = add(s, "credential", idx, 3, NULL, "Officer %s's "
		    "credential %s was valid until %s, before the day of "
		    "entering, %s.", id, cred != NULL ? cred : "(none)", vu,
		    dbuf);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
rule_no_footage(struct summary *s)
{
	if (s->entered == NONE || s->nlinks > 0)
		return 0;
	return add(s, "no_footage", &s->entered, 1, NULL,
	    "The inspection entered the site and no footage is linked to it.");
}

/* Where a segment's footage lies: recorded start (else mtime) + duration. */
static int
segment_interval(const json_t *seg, struct rules_span *iv)
{
	const json_t *media = json_object_get(seg, "media"), *dur;
	const char *start = str(media, "recorded_start");
	int rc;

	rc = start != NULL ? rules_time_parse(start, &iv->from) :
	    time_of(seg, "mtime", &iv->from);
	if (rc != 0)
		return rc;
	dur = json_object_get(media, "duration_ms");
	iv->to = iv->from;
	if (json_is_integer(dur) && json_integer_value(dur) > 0)
		iv->to += json_integer_value(dur);
	return 0;
}

int
rules_segment_span(const json_t *seg, int64_t *from, int64_t *to)
{
	struct rules_span iv;
	int rc;

	if ((rc = segment_interval(seg, &iv)) != 0)
		return rc;
	*from = iv.from;
	*to = iv.to;
	return 0;
}

static int
gap_finding(struct summary *s, int64_t from, int64_t to)
{
	char f[32], t[32];
	int64_t idx[2] = { s->entered, s->left };
	json_t *extra;

	rules_time_format(from, f, sizeof(f));
	rules_time_format(to, t, sizeof(t));
	if ((extra = json_pack("{ssss}", "from", f, "to", t)) == NULL)
		return CUSTOS_ERR_NOMEM;
	return add(s, "footage_gap", idx, 2, extra, "No linked footage "
	    "covers %s to %s (%lld s) between entering and leaving, and no "
	    "gap reason is logged for it.", f, t,
	    (long long)((to - from) / 1000));
}

/*
 * The visit [entered, left] minus linked footage and logged gap reasons:
 * every stretch left over longer than the tolerance is a finding.
 */
static int
rule_footage_gap(struct summary *s)
{
	struct rules_span *iv;
	size_t i, n = 0;
	int64_t cur;
	int rc = 0;

	if (s->entered == NONE || s->left == NONE ||
	    s->left_ms <= s->entered_ms)
		return 0;
	if ((iv = calloc(s->nlinks + s->nreasons + 1, sizeof(*iv))) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (i = 0; i < s->nlinks; i++)
		if ((rc = segment_interval(find_segment(s->in,
		    s->links[i].segment), &iv[n++])) != 0)
			goto out;
	for (i = 0; i < s->nreasons; i++)
		iv[n++] = s->reasons[i];
	qsort(iv, n, sizeof(*iv), rules_span_cmp);
	cur = s->entered_ms;
	for (i = 0; i < n && cur < s->left_ms; i++) {
		if (iv[i].from > cur) {
			int64_t end = iv[i].from < s->left_ms ? iv[i].from :
			    s->left_ms;

			if (end - cur > RULES_GAP_TOLERANCE_MS &&
			    (rc = gap_finding(s, cur, end)) != 0)
				goto out;
		}
		if (iv[i].to > cur)
			cur = iv[i].to;
	}
	if (s->left_ms - cur > RULES_GAP_TOLERANCE_MS)
		rc = gap_finding(s, cur, s->left_ms);
out:
	free(iv);
	return rc;
}

static const json_t *
find_device(const struct rules_input *in, const char *camera)
{
	const json_t *found = NULL;
	const char *c;
	size_t i;

	for (i = 0; i < in->ndevices; i++)
		if ((c = str(in->devices[i], "camera")) != NULL &&
		    strcmp(c, camera) == 0)
			found = in->devices[i];
	return found;
}

static int
rule_unreviewed_device(struct summary *s)
{
	const json_t *seg, *dev;
	const char *camera, *kind, *review;
	int64_t idx[3];
	size_t i;
	int rc;

	for (i = 0; i < s->nlinks; i++) {
		seg = find_segment(s->in, s->links[i].segment);
		if ((camera = str(seg, "camera")) == NULL)
			return CUSTOS_ERR_FORMAT;
		/* A camera never registered is a body camera
		 * (docs/inspection.md). */
		if ((dev = find_device(s->in, camera)) == NULL)
			continue;
		if ((kind = str(dev, "kind")) == NULL ||
		    rules_entry_index(dev, &idx[2]) != 0)
			return CUSTOS_ERR_FORMAT;
		review = str(dev, "review");
		if ((strcmp(kind, "drone") != 0 && strcmp(kind, "fixed") != 0)
		    || (review != NULL && review[0] != '\0'))
			continue;
		idx[0] = s->links[i].linked;
		idx[1] = s->links[i].segment;
		rc = add(s, "unreviewed_device", idx, 3, NULL, "Segment %lld "
		    "comes from %s camera %s, which has no legal and technical "
		    "review: not for penalty.", (long long)idx[1], kind,
		    camera);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/*
 * A deadline the calendar cannot compute is its own finding, so that it is
 * neither guessed nor silently dropped.
 */
static int
unknown(struct summary *s, const char *rule, int64_t *idx, size_t n,
    const struct cal_date *uncovered)
{
	char d[16];
	json_t *extra;

	calendar_date_format(uncovered, d, sizeof(d));
	if ((extra = json_pack("{ssss}", "for", rule, "uncovered", d)) ==
	    NULL)
		return CUSTOS_ERR_NOMEM;
	return add(s, "deadline_unknown", idx, n, extra, "The %s deadline "
	    "cannot be computed: calendar does not cover %s.", rule, d);
}

static int
rule_backfill(struct summary *s)
{
	const json_t *first = s->in->chain[0];
	struct cal_date day, end, uncovered;
	const char *due_s = str(first, "backfill_due");
	char due_buf[32], at_buf[32];
	int64_t due, idx[2] = { s->first, s->backfilled };
	int rc;

	if (!s->emergency)
		return 0;
	if (due_s != NULL) {
		if ((rc = rules_time_parse(due_s, &due)) != 0)
			return rc;
	} else {
		/*
		 * The station could not compute it when entering; the
		 * calendar may cover the day now.
		 */
		beijing_date(s->entered_ms, &day);
		rc = calendar_add_workdays(s->in->cal, &day, 1, &end,
		    &uncovered);
		if (rc == CUSTOS_ERR_RANGE) {
			if (s->backfilled != NONE && s->backfilled_late)
				goto late;
			if (s->backfilled != NONE)
				return 0;
			return unknown(s, "backfill_overdue", idx, 1,
			    &uncovered);
		}
		if (rc != 0)
			return rc;
		due = calendar_end_of_day(&end) * 1000;
	}
	rules_time_format(due, due_buf, sizeof(due_buf));
	if (s->backfilled == NONE) {
		if (s->in->now_ms <= due)
			return 0;
		return add(s, "backfill_overdue", idx, 1, NULL, "The emergency "
		    "inspection was due to be back-filled by %s and is not.",
		    due_buf);
	}
	if (!s->backfilled_late && s->backfilled_ms <= due)
		return 0;
late:
	rules_time_format(s->backfilled_ms, at_buf, sizeof(at_buf));
	return add(s, "backfill_late", idx, 2, NULL, "The emergency "
	    "inspection was back-filled at %s, after its deadline%s%s.",
	    at_buf, due_s != NULL ? " " : "", due_s != NULL ? due_buf : "");
}

/*
 * The risk code in effect at the reference time (entering, or now when the
 * inspection has not entered) and, when it is red, the entry that made it
 * red: a red code given again while red does not restart the deadline.
 */
static int
red_since(struct summary *s, int64_t ref, const json_t **red)
{
	const json_t *e;
	const char *type, *ent, *risk;
	int64_t t;
	size_t i;
	int rc;

	*red = NULL;
	for (i = 0; i < s->in->nrisk; i++) {
		e = s->in->risk[i];
		if ((type = str(e, "type")) == NULL ||
		    (ent = str(e, "enterprise")) == NULL)
			return CUSTOS_ERR_FORMAT;
		if (strcmp(ent, s->enterprise) != 0 ||
		    (strcmp(type, ENTRY_ENTERPRISE_ADDED) != 0 &&
		    strcmp(type, ENTRY_ENTERPRISE_RISK) != 0) ||
		    (risk = str(e, "risk")) == NULL)
			continue;
		if ((rc = time_of(e, "time", &t)) != 0)
			return rc;
		if (t > ref)
			break;
		if (strcmp(risk, "red") != 0)
			*red = NULL;
		else if (*red == NULL)
			*red = e;
	}
	return 0;
}

static int
rule_red_not_inspected(struct summary *s)
{
	struct cal_date day, end, uncovered;
	const json_t *red;
	char dbuf[16], ebuf[16], abuf[32];
	int64_t ref, t, deadline, idx[2];
	int rc;

	ref = s->entered != NONE ? s->entered_ms : s->in->now_ms;
	if ((rc = red_since(s, ref, &red)) != 0 || red == NULL)
		return rc;
	if ((rc = rules_entry_index(red, &idx[0])) != 0 ||
	    (rc = time_of(red, "time", &t)) != 0)
		return rc;
	idx[1] = s->entered != NONE ? s->entered : s->first;
	beijing_date(t, &day);
	rc = calendar_add_workdays(s->in->cal, &day, RULES_RED_WORKDAYS, &end,
	    &uncovered);
	if (rc == CUSTOS_ERR_RANGE)
		return unknown(s, "red_not_inspected", idx, 2, &uncovered);
	if (rc != 0)
		return rc;
	deadline = calendar_end_of_day(&end) * 1000;
	if (ref <= deadline)
		return 0;
	calendar_date_format(&day, dbuf, sizeof(dbuf));
	calendar_date_format(&end, ebuf, sizeof(ebuf));
	if (s->entered == NONE)
		return add(s, "red_not_inspected", idx, 2, NULL, "Enterprise "
		    "%s was coded red on %s and the inspection has not "
		    "entered by the end of %s, %d working days later.",
		    s->enterprise, dbuf, ebuf, RULES_RED_WORKDAYS);
	rules_time_format(s->entered_ms, abuf, sizeof(abuf));
	return add(s, "red_not_inspected", idx, 2, NULL, "Enterprise %s was "
	    "coded red on %s and the inspection entered at %s, after the end "
	    "of %s, %d working days later.", s->enterprise, dbuf, abuf, ebuf,
	    RULES_RED_WORKDAYS);
}

static int
rule_not_closed(struct summary *s)
{
	int64_t idx[2] = { s->entered, s->left };

	if (s->entered == NONE || s->closed != NONE)
		return 0;
	return add(s, "not_closed", idx, 2, NULL, "The inspection %s the "
	    "site and is not closed.", s->left != NONE ? "left" : "entered");
}

/* A review.recorded after the decision (inspection.closed) came too late. */
static int
rule_review_after_decision(struct summary *s)
{
	const char *type;
	int64_t idx[2];
	size_t i;
	int rc;

	if (s->closed == NONE)
		return 0;
	for (i = 0; i < s->in->nchain; i++) {
		type = str(s->in->chain[i], "type");
		if (rules_entry_index(s->in->chain[i], &idx[1]) != 0)
			return CUSTOS_ERR_FORMAT;
		if (strcmp(type, ENTRY_REVIEW_RECORDED) != 0 ||
		    idx[1] < s->closed)
			continue;
		idx[0] = s->closed;
		rc = add(s, "review_after_decision", idx, 2, NULL, "The legal "
		    "review (entry %lld) was recorded after the decision "
		    "(entry %lld).", (long long)idx[1], (long long)idx[0]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
rules_evaluate(const struct rules_input *in, json_t **findings)
{
	static int (*const rules[])(struct summary *) = {
		rule_two_officers, rule_credential, rule_no_footage,
		rule_footage_gap, rule_unreviewed_device, rule_backfill,
		rule_red_not_inspected, rule_not_closed,
		rule_review_after_decision,
	};
	struct summary s;
	size_t i;
	int rc;

	if (findings != NULL)
		*findings = NULL;
	if (in == NULL || findings == NULL || in->cal == NULL ||
	    (in->chain == NULL && in->nchain > 0) ||
	    (in->segments == NULL && in->nsegments > 0) ||
	    (in->devices == NULL && in->ndevices > 0) ||
	    (in->officers == NULL && in->nofficers > 0) ||
	    (in->risk == NULL && in->nrisk > 0))
		return CUSTOS_ERR_INVALID;
	memset(&s, 0, sizeof(s));
	s.in = in;
	if ((s.out = json_array()) == NULL)
		return CUSTOS_ERR_NOMEM;
	rc = summarize(&s);
	for (i = 0; rc == 0 && i < sizeof(rules) / sizeof(rules[0]); i++)
		rc = rules[i](&s);
	free(s.links);
	free(s.reasons);
	if (rc != 0) {
		json_decref(s.out);
		return rc;
	}
	*findings = s.out;
	return 0;
}
