/*
 * rules_deadline: the findings that count working days, all with the one
 * deadline engine of lib/inspection/calendar.c: an emergency inspection's
 * back-fill (1 working day), entering a red-coded enterprise (5) and the
 * answer to a credit-repair application (3).  A deadline that needs a day
 * the calendar does not cover is the finding deadline_unknown, never a
 * guess.
 */
#include <string.h>

#include <jansson.h>

#include "custos/calendar.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/rules.h"
#include "rules_int.h"

int
rules_backfill(struct rules_summary *s)
{
	const json_t *first = s->in->chain[0];
	struct cal_date day, end, uncovered;
	const char *due_s = rules_str(first, "backfill_due");
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
		rules_beijing_date(s->entered_ms, &day);
		rc = calendar_add_workdays(s->in->cal, &day, 1, &end,
		    &uncovered);
		if (rc == CUSTOS_ERR_RANGE) {
			if (s->backfilled != RULES_NONE && s->backfilled_late)
				goto late;
			if (s->backfilled != RULES_NONE)
				return 0;
			return rules_unknown(s, "backfill_overdue", idx, 1,
			    &uncovered);
		}
		if (rc != 0)
			return rc;
		due = calendar_end_of_day(&end) * 1000;
	}
	rules_time_format(due, due_buf, sizeof(due_buf));
	if (s->backfilled == RULES_NONE) {
		if (s->in->now_ms <= due)
			return 0;
		return rules_add(s, "backfill_overdue", idx, 1, NULL, "The "
		    "emergency inspection was due to be back-filled by %s and "
		    "is not.", "紧急检查应于 %s 前补录，至今未补录。", due_buf);
	}
	if (!s->backfilled_late && s->backfilled_ms <= due)
		return 0;
late:
	rules_time_format(s->backfilled_ms, at_buf, sizeof(at_buf));
	return rules_add(s, "backfill_late", idx, 2, NULL, "The emergency "
	    "inspection was back-filled at %s, after its deadline%s%s.",
	    "紧急检查于 %s 补录，晚于补录期限%s%s。", at_buf,
	    due_s != NULL ? " " : "", due_s != NULL ? due_buf : "");
}

/*
 * The risk code in effect at the reference time (entering, or now when the
 * inspection has not entered) and, when it is red, the entry that made it
 * red: a red code given again while red does not restart the deadline.
 */
static int
red_since(struct rules_summary *s, int64_t ref, const json_t **red)
{
	const json_t *e;
	const char *type, *ent, *risk;
	int64_t t;
	size_t i;
	int rc;

	*red = NULL;
	for (i = 0; i < s->in->nrisk; i++) {
		e = s->in->risk[i];
		if ((type = rules_str(e, "type")) == NULL ||
		    (ent = rules_str(e, "enterprise")) == NULL)
			return CUSTOS_ERR_FORMAT;
		if (strcmp(ent, s->enterprise) != 0 ||
		    (strcmp(type, ENTRY_ENTERPRISE_ADDED) != 0 &&
		    strcmp(type, ENTRY_ENTERPRISE_RISK) != 0) ||
		    (risk = rules_str(e, "risk")) == NULL)
			continue;
		if ((rc = rules_time_of(e, "time", &t)) != 0)
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

int
rules_red_not_inspected(struct rules_summary *s)
{
	struct cal_date day, end, uncovered;
	const json_t *red;
	char dbuf[16], ebuf[16], abuf[32];
	int64_t ref, t, deadline, idx[2];
	int rc;

	ref = s->entered != RULES_NONE ? s->entered_ms : s->in->now_ms;
	if ((rc = red_since(s, ref, &red)) != 0 || red == NULL)
		return rc;
	if ((rc = rules_entry_index(red, &idx[0])) != 0 ||
	    (rc = rules_time_of(red, "time", &t)) != 0)
		return rc;
	idx[1] = s->entered != RULES_NONE ? s->entered : s->first;
	rules_beijing_date(t, &day);
	rc = calendar_add_workdays(s->in->cal, &day, RULES_RED_WORKDAYS, &end,
	    &uncovered);
	if (rc == CUSTOS_ERR_RANGE)
		return rules_unknown(s, "red_not_inspected", idx, 2,
		    &uncovered);
	if (rc != 0)
		return rc;
	deadline = calendar_end_of_day(&end) * 1000;
	if (ref <= deadline)
		return 0;
	calendar_date_format(&day, dbuf, sizeof(dbuf));
	calendar_date_format(&end, ebuf, sizeof(ebuf));
	if (s->entered == RULES_NONE)
		return rules_add(s, "red_not_inspected", idx, 2, NULL,
		    "Enterprise %s was coded red on %s and the inspection has "
		    "not entered by the end of %s, %d working days later.",
		    "企业 %s 于 %s 被赋予红码，本次检查到 %s 日终（%d 个工作"
		    "日后）仍未进入现场。", s->enterprise, dbuf, ebuf,
		    RULES_RED_WORKDAYS);
	rules_time_format(s->entered_ms, abuf, sizeof(abuf));
	return rules_add(s, "red_not_inspected", idx, 2, NULL, "Enterprise "
	    "%s was coded red on %s and the inspection entered at %s, after "
	    "the end of %s, %d working days later.", "企业 %s 于 %s 被赋予红"
	    "码，本次检查于 %s 才进入现场，晚于 %s 日终（%d 个工作日后）。",
	    s->enterprise, dbuf, abuf, ebuf, RULES_RED_WORKDAYS);
}

/*
 * The first credit_repair.answered of the chain that answers the
 * application at log index app, or NULL.
 */
static int
find_answer(const struct rules_summary *s, int64_t app, const json_t **ans)
{
	const json_t *e, *v;
	size_t i;

	*ans = NULL;
	for (i = 0; i < s->in->nchain; i++) {
		e = s->in->chain[i];
		if (strcmp(rules_str(e, "type"),
		    ENTRY_CREDIT_REPAIR_ANSWERED) != 0)
			continue;
		v = json_object_get(e, "application");
		if (!json_is_integer(v))
			return CUSTOS_ERR_FORMAT;
		if (json_integer_value(v) == app) {
			*ans = e;
			return 0;
		}
	}
	return 0;
}

/*
 * Whether time t is by the end of the n-th working day after day: 1 if it
 * is by the end of one of the first n working days, 0 if it is after all
 * n, or CUSTOS_ERR_RANGE (*uncovered set) when the calendar ends first.
 * So an answer given on a day the calendar covers is decided even when
 * the n-th working day itself is not covered.
 */
static int
by_workday(const struct calendar *cal, const struct cal_date *day,
    unsigned n, int64_t t, struct cal_date *uncovered)
{
	struct cal_date end;
	unsigned k;
	int rc;

	for (k = 1; k <= n; k++) {
		rc = calendar_add_workdays(cal, day, k, &end, uncovered);
		if (rc != 0)
			return rc;
		if (t <= calendar_end_of_day(&end) * 1000)
			return 1;
	}
	return 0;
}

/*
 * The deadline of a credit_repair.applied, app, with no "due" (the station
 * could not compute it; the calendar may now): the end of the 3rd working
 * day after the Beijing date of its "at", in *due.  When the calendar
 * does not reach it, an answer given within the working days it does
 * reach is in time (1); otherwise the deadline is unknown, a finding.
 * late: the answer is marked late, so the deadline is not needed (*due
 * RULES_NONE).  Returns 0, 1 (nothing to find) or an error.
 */
static int
credit_repair_due(struct rules_summary *s, const json_t *app,
    const json_t *ans, int64_t answered, int late, int64_t *idx,
    int64_t *due)
{
	struct cal_date day, end, uncovered;
	int64_t at;
	int rc;

	*due = RULES_NONE;
	if ((rc = rules_time_of(app, "at", &at)) != 0)
		return rc;
	rules_beijing_date(at, &day);
	rc = calendar_add_workdays(s->in->cal, &day,
	    RULES_CREDIT_REPAIR_WORKDAYS, &end, &uncovered);
	if (rc == 0)
		*due = calendar_end_of_day(&end) * 1000;
	if (rc != CUSTOS_ERR_RANGE || late)
		return rc == CUSTOS_ERR_RANGE ? 0 : rc;
	if (ans != NULL && (rc = by_workday(s->in->cal, &day,
	    RULES_CREDIT_REPAIR_WORKDAYS, answered, &uncovered)) !=
	    CUSTOS_ERR_RANGE)
		return rc < 0 ? rc : 1;
	rc = rules_unknown(s, "credit_repair_overdue", idx, 2, &uncovered);
	return rc != 0 ? rc : 1;
}

/*
 * One credit_repair.applied, app: its deadline is its "due", else
 * computed (credit_repair_due()).  Answered (by the answer's entry time,
 * or marked late) after it, or not answered and now after it, is a
 * finding.
 */
static int
credit_repair(struct rules_summary *s, const json_t *app)
{
	const json_t *ans;
	const char *due_s = rules_str(app, "due");
	char due_buf[32] = "", at_buf[32];
	int64_t due, answered = RULES_NONE, idx[2];
	int rc, late;

	if ((rc = rules_entry_index(app, &idx[0])) != 0 ||
	    (rc = find_answer(s, idx[0], &ans)) != 0)
		return rc;
	idx[1] = RULES_NONE;
	if (ans != NULL && ((rc = rules_entry_index(ans, &idx[1])) != 0 ||
	    (rc = rules_time_of(ans, "time", &answered)) != 0))
		return rc;
	late = ans != NULL && json_is_true(json_object_get(ans, "late"));
	if (due_s != NULL)
		rc = rules_time_parse(due_s, &due);
	else
		rc = credit_repair_due(s, app, ans, answered, late, idx, &due);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if (due != RULES_NONE)
		rules_time_format(due, due_buf, sizeof(due_buf));
	if (ans == NULL) {
		if (s->in->now_ms <= due)
			return 0;
		return rules_add(s, "credit_repair_overdue", idx, 1, NULL,
		    "The credit-repair application (entry %lld) was due to be "
		    "answered by %s and is not.", "信用修复申请（条目 %lld）"
		    "应于 %s 前答复，至今未答复。", (long long)idx[0], due_buf);
	}
	if (!late && answered <= due)
		return 0;
	rules_time_format(answered, at_buf, sizeof(at_buf));
	return rules_add(s, "credit_repair_overdue", idx, 2, NULL, "The "
	    "credit-repair application (entry %lld) was answered at %s (entry "
	    "%lld), after its deadline%s%s.", "信用修复申请（条目 %lld）于 %s "
	    "答复（条目 %lld），晚于答复期限%s%s。", (long long)idx[0], at_buf,
	    (long long)idx[1], due_buf[0] != '\0' ? " " : "", due_buf);
}

int
rules_credit_repair_overdue(struct rules_summary *s)
{
	size_t i;
	int rc;

	for (i = 0; i < s->in->nchain; i++)
		if (strcmp(rules_str(s->in->chain[i], "type"),
		    ENTRY_CREDIT_REPAIR_APPLIED) == 0 &&
		    (rc = credit_repair(s, s->in->chain[i])) != 0)
			return rc;
	return 0;
}
