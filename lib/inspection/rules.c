/*
 * rules: the findings table of docs/inspection.md, computed from one
 * inspection's entries.  The chain is read once into a summary (who, when
 * entered and left, which segments are linked now); each rule then reads
 * the summary and appends its findings in the order of the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/calendar.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/rfc3339.h"
#include "custos/rules.h"
#include "rules_int.h"

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
link_segment(struct rules_summary *s, const json_t *e, int64_t idx,
    int unlink)
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
	if (*at != RULES_NONE)
		return 0;
	*at = idx;
	return rules_time_of(e, key, ms);
}

/* Reads the chain into s.  The first entry starts the inspection. */
static int
summarize(struct rules_summary *s)
{
	const struct rules_input *in = s->in;
	const json_t *e;
	const char *type;
	struct rules_span *r;
	int64_t idx;
	size_t i;
	int rc;

	s->entered = s->left = s->closed = s->decision = RULES_NONE;
	s->backfilled = RULES_NONE;
	if (in->nchain == 0)
		return CUSTOS_ERR_FORMAT;
	if ((s->links = calloc(in->nchain, sizeof(*s->links))) == NULL ||
	    (s->reasons = calloc(in->nchain, sizeof(*s->reasons))) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (i = 0; i < in->nchain; i++) {
		e = in->chain[i];
		if (!json_is_object(e) ||
		    (type = rules_str(e, "type")) == NULL ||
		    rules_entry_index(e, &idx) != 0)
			return CUSTOS_ERR_FORMAT;
		if (i == 0) {
			s->first = idx;
			s->emergency = strcmp(type,
			    ENTRY_INSPECTION_EMERGENCY) == 0;
			if (!s->emergency &&
			    strcmp(type, ENTRY_INSPECTION_REGISTERED) != 0)
				return CUSTOS_ERR_FORMAT;
			s->enterprise = rules_str(e, "enterprise");
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
			if (s->closed == RULES_NONE)
				s->closed = idx;
		} else if (strcmp(type, ENTRY_DECISION_SERVED) == 0) {
			if (s->decision == RULES_NONE)
				s->decision = idx;
		} else if (strcmp(type, ENTRY_INSPECTION_BACKFILLED) == 0) {
			if (s->backfilled == RULES_NONE)
				s->backfilled_late = json_is_true(
				    json_object_get(e, "late"));
			if ((rc = first_at(e, idx, "time", &s->backfilled,
			    &s->backfilled_ms)) != 0)
				return rc;
		} else if (strcmp(type, ENTRY_INSPECTION_GAP_REASON) == 0) {
			r = &s->reasons[s->nreasons];
			if ((rc = rules_time_of(e, "from", &r->from)) != 0 ||
			    (rc = rules_time_of(e, "to", &r->to)) != 0)
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
rule_two_officers(struct rules_summary *s)
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
	return rules_add(s, "two_officers", &s->first, 1, NULL,
	    "The inspection has %zu distinct officer%s; the law asks for at "
	    "least two.", "本次检查只有 %zu 名执法人员%.0s；法律要求至少两名。",
	    n, n == 1 ? "" : "s");
}

static const json_t *
find_officer(const struct rules_input *in, const char *id)
{
	const char *o;
	size_t i;

	for (i = 0; i < in->nofficers; i++)
		if ((o = rules_str(in->officers[i], "officer")) != NULL &&
		    strcmp(o, id) == 0)
			return in->officers[i];
	return NULL;
}

/* Each officer's credential must be valid on the Beijing day of entering. */
static int
rule_credential(struct rules_summary *s)
{
	struct cal_date day, until;
	const json_t *o;
	const char *id, *cred, *vu;
	char dbuf[16];
	int64_t idx[3];
	size_t i, j;
	int rc;

	if (s->entered == RULES_NONE)
		return 0;
	rules_beijing_date(s->entered_ms, &day);
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
			rc = rules_add(s, "credential", idx, 2, NULL, "Officer "
			    "%s is not in the registry, so no credential of "
			    "theirs is known for %s.", "执法人员 %s 不在登记册"
			    "中，无从得知其在 %s 持有的执法证。", id, dbuf);
			if (rc != 0)
				return rc;
			continue;
		}
		if ((vu = rules_str(o, "valid_until")) == NULL ||
		    calendar_date_parse(vu, &until) != 0 ||
		    rules_entry_index(o, &idx[2]) != 0)
			return CUSTOS_ERR_FORMAT;
		if (calendar_days(until.year, until.month, until.day) >=
		    calendar_days(day.year, day.month, day.day))
			continue;
		cred = rules_str(o, "credential");
		rc = rules_add(s, "credential", idx, 3, NULL, "Officer %s's "
		    "credential %s%.0s was valid until %s, before the day of "
		    "entering, %s.", "执法人员 %s 的执法证 %.0s%s 有效期至 "
		    "%s，早于进入现场之日 %s。", id,
		    cred != NULL ? cred : "(none)",
		    cred != NULL ? cred : "（无）", vu, dbuf);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
rule_no_footage(struct rules_summary *s)
{
	if (s->entered == RULES_NONE || s->nlinks > 0)
		return 0;
	return rules_add(s, "no_footage", &s->entered, 1, NULL,
	    "The inspection entered the site and no footage is linked to it.",
	    "本次检查已进入现场，但没有关联任何录像。");
}

/* Where a segment's footage lies: recorded start (else mtime) + duration. */
static int
segment_interval(const json_t *seg, struct rules_span *iv)
{
	const json_t *media = json_object_get(seg, "media"), *dur;
	const char *start = rules_str(media, "recorded_start");
	int rc;

	rc = start != NULL ? rules_time_parse(start, &iv->from) :
	    rules_time_of(seg, "mtime", &iv->from);
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
gap_finding(struct rules_summary *s, int64_t from, int64_t to)
{
	char f[32], t[32];
	int64_t idx[2] = { s->entered, s->left };
	json_t *extra;

	rules_time_format(from, f, sizeof(f));
	rules_time_format(to, t, sizeof(t));
	if ((extra = json_pack("{ssss}", "from", f, "to", t)) == NULL)
		return CUSTOS_ERR_NOMEM;
	return rules_add(s, "footage_gap", idx, 2, extra, "No linked footage "
	    "covers %s to %s (%lld s) between entering and leaving, and no "
	    "gap reason is logged for it.", "进入与离开现场之间，%s 至 %s"
	    "（%lld 秒）没有关联录像覆盖，日志中也没有记录原因。", f, t,
	    (long long)((to - from) / 1000));
}

/*
 * The visit [entered, left] minus linked footage and logged gap reasons:
 * every stretch left over longer than the tolerance is a finding.
 */
static int
rule_footage_gap(struct rules_summary *s)
{
	struct rules_span *iv;
	size_t i, n = 0;
	int64_t cur;
	int rc = 0;

	if (s->entered == RULES_NONE || s->left == RULES_NONE ||
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
		if ((c = rules_str(in->devices[i], "camera")) != NULL &&
		    strcmp(c, camera) == 0)
			found = in->devices[i];
	return found;
}

static int
rule_unreviewed_device(struct rules_summary *s)
{
	const json_t *seg, *dev;
	const char *camera, *kind, *review;
	int64_t idx[3];
	size_t i;
	int rc;

	for (i = 0; i < s->nlinks; i++) {
		seg = find_segment(s->in, s->links[i].segment);
		if ((camera = rules_str(seg, "camera")) == NULL)
			return CUSTOS_ERR_FORMAT;
		/* A camera never registered is a body camera
		 * (docs/inspection.md). */
		if ((dev = find_device(s->in, camera)) == NULL)
			continue;
		if ((kind = rules_str(dev, "kind")) == NULL ||
		    rules_entry_index(dev, &idx[2]) != 0)
			return CUSTOS_ERR_FORMAT;
		review = rules_str(dev, "review");
		if ((strcmp(kind, "drone") != 0 && strcmp(kind, "fixed") != 0)
		    || (review != NULL && review[0] != '\0'))
			continue;
		idx[0] = s->links[i].linked;
		idx[1] = s->links[i].segment;
		rc = rules_add(s, "unreviewed_device", idx, 3, NULL, "Segment "
		    "%lld comes from %s%.0s camera %s, which has no legal and "
		    "technical review: not for penalty.", "录像段（条目 %lld）"
		    "来自%.0s%s %s，该设备未经法制和技术审核：不得用于处罚。",
		    (long long)idx[1], kind, strcmp(kind, "drone") == 0 ?
		    "无人机" : "固定摄像头", camera);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
rule_not_closed(struct rules_summary *s)
{
	int64_t idx[2] = { s->entered, s->left };

	if (s->entered == RULES_NONE || s->closed != RULES_NONE)
		return 0;
	return rules_add(s, "not_closed", idx, 2, NULL, "The inspection %s%.0s "
	    "the site and is not closed.", "本次检查%.0s已%s现场，尚未结案。",
	    s->left != RULES_NONE ? "left" : "entered",
	    s->left != RULES_NONE ? "离开" : "进入");
}

/*
 * The legal review (法制审核) comes before the decision: the decision.served
 * entry when there is one, else inspection.closed.  A review.recorded
 * after it came too late, and a decision.served with no approving review
 * before it had none.
 */
static int
rule_review_after_decision(struct rules_summary *s)
{
	int64_t decision, idx[2];
	const char *result;
	size_t i;
	int rc, approved = 0;

	decision = s->decision != RULES_NONE ? s->decision : s->closed;
	if (decision == RULES_NONE)
		return 0;
	idx[0] = decision;
	for (i = 0; i < s->in->nchain; i++) {
		if (strcmp(rules_str(s->in->chain[i], "type"),
		    ENTRY_REVIEW_RECORDED) != 0)
			continue;
		if (rules_entry_index(s->in->chain[i], &idx[1]) != 0)
			return CUSTOS_ERR_FORMAT;
		if (idx[1] < decision) {
			result = rules_str(s->in->chain[i], "result");
			approved |= result != NULL &&
			    strcmp(result, "approved") == 0;
			continue;
		}
		rc = rules_add(s, "review_after_decision", idx, 2, NULL,
		    "The legal review (entry %lld) was recorded after the "
		    "decision (entry %lld).", "法制审核（条目 %lld）记录于决定"
		    "（条目 %lld）之后。", (long long)idx[1],
		    (long long)decision);
		if (rc != 0)
			return rc;
	}
	if (s->decision == RULES_NONE || approved)
		return 0;
	return rules_add(s, "review_after_decision", &s->decision, 1, NULL,
	    "The penalty decision (entry %lld) was served with no approving "
	    "legal review recorded before it.", "行政处罚决定书（条目 %lld）"
	    "送达前没有记录通过的法制审核。", (long long)s->decision);
}

/* The legal reviewer is someone other than the inspection's officers. */
static int
rule_reviewer_is_officer(struct rules_summary *s)
{
	const json_t *e;
	const char *reviewer, *o;
	int64_t idx[2] = { s->first, RULES_NONE };
	size_t i, k;
	int rc;

	for (i = 0; i < s->in->nchain; i++) {
		e = s->in->chain[i];
		if (strcmp(rules_str(e, "type"), ENTRY_REVIEW_RECORDED) != 0)
			continue;
		if ((reviewer = rules_str(e, "reviewer")) == NULL ||
		    rules_entry_index(e, &idx[1]) != 0)
			return CUSTOS_ERR_FORMAT;
		for (k = 0; k < json_array_size(s->officers); k++)
			if ((o = json_string_value(json_array_get(s->officers,
			    k))) != NULL && strcmp(o, reviewer) == 0)
				break;
		if (k == json_array_size(s->officers))
			continue;
		rc = rules_add(s, "reviewer_is_officer", idx, 2, NULL, "The "
		    "legal review (entry %lld) was recorded by %s, one of the "
		    "inspection's officers; the reviewer must be someone "
		    "else.", "法制审核（条目 %lld）由本次检查的执法人员 %s "
		    "记录；审核人必须是其他人。", (long long)idx[1], reviewer);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The credit-repair notice is served together with the penalty decision. */
static int
rule_credit_notice_missing(struct rules_summary *s)
{
	const json_t *e;
	const char *notice;
	int64_t idx;
	size_t i;
	int rc;

	for (i = 0; i < s->in->nchain; i++) {
		e = s->in->chain[i];
		if (strcmp(rules_str(e, "type"), ENTRY_DECISION_SERVED) != 0)
			continue;
		if (rules_entry_index(e, &idx) != 0)
			return CUSTOS_ERR_FORMAT;
		notice = rules_str(e, "credit_notice");
		if (notice != NULL && notice[0] != '\0')
			continue;
		rc = rules_add(s, "credit_notice_missing", &idx, 1, NULL, "The "
		    "penalty decision (entry %lld) was served without a "
		    "credit-repair notice; the two are served together.",
		    "行政处罚决定书（条目 %lld）送达时没有信用修复告知书；"
		    "两者应一并送达。", (long long)idx);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/*
 * A step whose hand-entered "at" lies more than RULES_RECORD_LAG_MS
 * before the entry's own "time": accepted, but only the time it was
 * recorded is proven.
 */
static int
rule_recorded_late(struct rules_summary *s)
{
	static const char *const steps[] = { ENTRY_INSPECTION_EMERGENCY,
	    ENTRY_INSPECTION_ENTERED, ENTRY_INSPECTION_LEFT, NULL };
	const json_t *e;
	const char *type;
	char at_buf[32], time_buf[32];
	int64_t idx, at, t;
	size_t i, k;
	int rc;

	for (i = 0; i < s->in->nchain; i++) {
		e = s->in->chain[i];
		type = rules_str(e, "type");
		for (k = 0; steps[k] != NULL && strcmp(type, steps[k]) != 0;
		    k++)
			;
		if (steps[k] == NULL)
			continue;
		if (rules_entry_index(e, &idx) != 0 ||
		    (rc = rules_time_of(e, "at", &at)) != 0 ||
		    (rc = rules_time_of(e, "time", &t)) != 0)
			return CUSTOS_ERR_FORMAT;
		if (t - at <= RULES_RECORD_LAG_MS)
			continue;
		rules_time_format(at, at_buf, sizeof(at_buf));
		rules_time_format(t, time_buf, sizeof(time_buf));
		rc = rules_add(s, "recorded_late", &idx, 1, NULL, "Entry %lld "
		    "(%s) gives %s as the time of the step but was recorded at "
		    "%s, %lld min later; the log proves only when it was "
		    "recorded.", "条目 %lld（%s）所载的步骤时间为 %s，但记录于 "
		    "%s，晚了 %lld 分钟；日志只能证明其记录时间。",
		    (long long)idx, type, at_buf, time_buf,
		    (long long)((t - at) / 60000));
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
rules_evaluate(const struct rules_input *in, json_t **findings)
{
	static int (*const rules[])(struct rules_summary *) = {
		rule_two_officers, rule_credential, rule_no_footage,
		rule_footage_gap, rule_unreviewed_device, rules_backfill,
		rules_red_not_inspected, rule_not_closed,
		rule_review_after_decision, rule_reviewer_is_officer,
		rule_credit_notice_missing, rules_credit_repair_overdue,
		rule_recorded_late,
	};
	struct rules_summary s;
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
