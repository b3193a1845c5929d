/*
 * The findings of the procedure after the visit (docs/inspection.md,
 * "Findings"): the legal review and its reviewer, the penalty decision
 * served with its credit-repair notice, the credit-repair answer within 3
 * working days, and steps recorded long after the time they give.
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

#include "custos/err.h"
#include "custos/rules.h"

#include "fixture.h"
#include "fixture_rules.h"

#define REVIEW(idx, reviewer, result)	"{\"type\":\"review.recorded\"," \
	"\"index\":" #idx ",\"time\":\"2026-11-26T06:30:00.000Z\"," \
	"\"reviewer\":\"" reviewer "\",\"result\":\"" result "\"," \
	"\"note\":\"同意\"}"
#define NOTICE	",\"credit_notice\":\"闽应急信告〔2026〕12号\""
#define DECISION(idx, notice)	"{\"type\":\"decision.served\",\"index\":" \
	#idx ",\"time\":\"2026-11-27T02:00:00.000Z\",\"number\":" \
	"\"闽应急罚〔2026〕12号\",\"penalty\":\"罚款一万元\"," \
	"\"at\":\"2026-11-27T02:00:00.000Z\"" notice "}"
#define DUE(t)		",\"due\":\"" t "\""
#define DUE_UNKNOWN	",\"due_unknown\":" \
	"\"calendar does not cover 2027-01-01\""
#define APPLIED(idx, at, due)	"{\"type\":\"credit_repair.applied\"," \
	"\"index\":" #idx ",\"time\":\"" at "\",\"at\":\"" at "\"," \
	"\"text\":\"申请信用修复\"" due "}"
#define ANSWERED(idx, app, time, late)	"{\"type\":" \
	"\"credit_repair.answered\",\"index\":" #idx ",\"time\":\"" time \
	"\",\"application\":" #app ",\"result\":\"granted\",\"at\":\"" \
	time "\",\"late\":" late "}"

/*
 * The clean inspection (fixture_rules.h) with an approving review by
 * R-0001 at 15 and the decision served with its notice at 16, then the
 * entries of more.
 */
static void
decided(struct rfx *f, const char *const more[])
{
	rfx_clean(f);
	rfx_put_all(f->chain, &f->nchain, LIST(REVIEW(15, "R-0001",
	    "approved"), DECISION(16, NOTICE)));
	if (more != NULL)
		rfx_put_all(f->chain, &f->nchain, more);
}

static void
test_procedure_clean(void **state)
{
	struct rfx f = { 0 };

	(void)state;
	decided(&f, NULL);
	rfx_eval_ok(&f, NOW);
	rfx_none(&f);
	rfx_free(&f);

	/*
	 * Reviewed after closing but before the decision: the decision is
	 * the decision.served entry, not inspection.closed.
	 */
	decided(&f, LIST(APPLIED(17, "2026-11-30T02:00:00.000Z", ""),
	    ANSWERED(18, 17, "2026-12-01T02:00:00.000Z", "false")));
	rfx_eval_ok(&f, "2027-01-01T00:00:00Z");
	rfx_none(&f);
	rfx_free(&f);
}

static void
test_reviewer_is_officer(void **state)
{
	struct rfx f = { 0 };
	json_t *x;

	(void)state;
	rfx_clean(&f);
	rfx_put_all(f.chain, &f.nchain, LIST(REVIEW(15, "PA-0002", "approved"),
	    DECISION(16, NOTICE)));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(json_array_size(f.findings), 1);
	x = rfx_nth(&f, "reviewer_is_officer", 0);
	rfx_entries(x, "[10,15]");
	assert_non_null(strstr(json_string_value(json_object_get(x,
	    "detail")), "PA-0002"));
	rfx_free(&f);

	/* Each review by an officer is one finding; others are none. */
	rfx_clean(&f);
	rfx_put_all(f.chain, &f.nchain, LIST(REVIEW(15, "PA-0001", "returned"),
	    REVIEW(16, "R-0001", "approved"), REVIEW(17, "PA-0002",
	    "approved"), DECISION(18, NOTICE)));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "reviewer_is_officer"), 2);
	rfx_entries(rfx_nth(&f, "reviewer_is_officer", 0), "[10,15]");
	rfx_entries(rfx_nth(&f, "reviewer_is_officer", 1), "[10,17]");
	assert_int_equal(json_array_size(f.findings), 2);
	rfx_free(&f);

	/* A review without a reviewer is malformed. */
	rfx_clean(&f);
	rfx_put(f.chain, &f.nchain, "{\"type\":\"review.recorded\","
	    "\"index\":15,\"time\":\"2026-11-26T06:30:00.000Z\","
	    "\"result\":\"approved\"}");
	assert_int_equal(rfx_eval(&f, NOW), CUSTOS_ERR_FORMAT);
	rfx_free(&f);
}

static void
test_review_before_decision(void **state)
{
	struct rfx f = { 0 };

	(void)state;
	/* Served with no review at all. */
	rfx_clean(&f);
	rfx_put(f.chain, &f.nchain, DECISION(15, NOTICE));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(json_array_size(f.findings), 1);
	rfx_entries(rfx_nth(&f, "review_after_decision", 0), "[15]");
	assert_non_null(strstr(rfx_field(&f, "review_after_decision", 0,
	    "detail"), "no approving legal review"));
	rfx_free(&f);

	/* A review that returned the case does not approve the decision. */
	rfx_clean(&f);
	rfx_put_all(f.chain, &f.nchain, LIST(REVIEW(15, "R-0001", "returned"),
	    DECISION(16, NOTICE)));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(json_array_size(f.findings), 1);
	rfx_entries(rfx_nth(&f, "review_after_decision", 0), "[16]");
	rfx_free(&f);

	/* Reviewed only after the decision: both findings. */
	rfx_clean(&f);
	rfx_put_all(f.chain, &f.nchain, LIST(DECISION(15, NOTICE),
	    REVIEW(16, "R-0001", "approved")));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "review_after_decision"), 2);
	rfx_entries(rfx_nth(&f, "review_after_decision", 0), "[15,16]");
	rfx_entries(rfx_nth(&f, "review_after_decision", 1), "[15]");
	rfx_free(&f);

	/* Approved, then a second review after the decision. */
	decided(&f, LIST(REVIEW(17, "R-0002", "approved")));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(json_array_size(f.findings), 1);
	rfx_entries(rfx_nth(&f, "review_after_decision", 0), "[16,17]");
	rfx_free(&f);
}

static void
test_credit_notice_missing(void **state)
{
	struct rfx f = { 0 };

	(void)state;
	rfx_clean(&f);
	rfx_put_all(f.chain, &f.nchain, LIST(REVIEW(15, "R-0001", "approved"),
	    DECISION(16, "")));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(json_array_size(f.findings), 1);
	rfx_entries(rfx_nth(&f, "credit_notice_missing", 0), "[16]");
	rfx_free(&f);

	/* An empty reference is no notice either. */
	rfx_clean(&f);
	rfx_put_all(f.chain, &f.nchain, LIST(REVIEW(15, "R-0001", "approved"),
	    DECISION(16, ",\"credit_notice\":\"\"")));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "credit_notice_missing"), 1);
	rfx_free(&f);
}

/*
 * An application received on Thursday 2026-02-12 10:00 Beijing: the 3
 * working days after it are Friday 02-13, Saturday 02-14 (a make-up
 * working day, 调休) and, after the Spring Festival days off 02-15 to
 * 02-23, Tuesday 02-24.  Due 2026-02-24 24:00 Beijing.
 */
#define FEB_AT		"2026-02-12T10:00:00+08:00"
#define FEB_DUE		"2026-02-24T16:00:00.000Z"
#define FEB_BEFORE	"2026-02-24T15:59:59.999Z"
#define FEB_AFTER	"2026-02-24T16:00:00.001Z"

static void
test_credit_repair_unanswered(void **state)
{
	static const char *const apps[] = {
		APPLIED(17, FEB_AT, DUE(FEB_DUE)),	/* due in the entry */
		APPLIED(17, FEB_AT, DUE_UNKNOWN),	/* from the calendar */
		APPLIED(17, FEB_AT, ""),
	};
	struct rfx f = { 0 };
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(apps) / sizeof(apps[0]); k++) {
		decided(&f, LIST(apps[k]));
		rfx_eval_ok(&f, FEB_DUE);
		rfx_none(&f);
		rfx_eval_ok(&f, FEB_AFTER);
		assert_int_equal(json_array_size(f.findings), 1);
		rfx_entries(rfx_nth(&f, "credit_repair_overdue", 0), "[17]");
		assert_non_null(strstr(rfx_field(&f, "credit_repair_overdue",
		    0, "detail"), FEB_DUE));
		rfx_free(&f);
	}
}

static void
test_credit_repair_answered(void **state)
{
	struct rfx f = { 0 };

	(void)state;
	/* Answered by the entry's time in the last millisecond. */
	decided(&f, LIST(APPLIED(17, FEB_AT, ""),
	    ANSWERED(18, 17, FEB_BEFORE, "false")));
	rfx_eval_ok(&f, "2026-03-31T00:00:00Z");
	rfx_none(&f);
	rfx_free(&f);

	decided(&f, LIST(APPLIED(17, FEB_AT, DUE(FEB_DUE)),
	    ANSWERED(18, 17, FEB_AFTER, "false")));
	rfx_eval_ok(&f, "2026-03-31T00:00:00Z");
	assert_int_equal(json_array_size(f.findings), 1);
	rfx_entries(rfx_nth(&f, "credit_repair_overdue", 0), "[17,18]");
	rfx_free(&f);

	/* Marked late by the station: late whatever its time says. */
	decided(&f, LIST(APPLIED(17, FEB_AT, DUE(FEB_DUE)),
	    ANSWERED(18, 17, FEB_BEFORE, "true")));
	rfx_eval_ok(&f, "2026-03-31T00:00:00Z");
	assert_int_equal(rfx_count(&f, "credit_repair_overdue"), 1);
	rfx_free(&f);

	/*
	 * Two applications: the first answered in time, the second not
	 * answered and overdue; an answer to an index that is no
	 * application of this chain answers nothing.
	 */
	decided(&f, LIST(APPLIED(17, FEB_AT, ""),
	    ANSWERED(18, 17, "2026-02-13T02:00:00.000Z", "false"),
	    APPLIED(19, FEB_AT, ""),
	    ANSWERED(20, 3, "2026-02-13T03:00:00.000Z", "false")));
	rfx_eval_ok(&f, "2026-03-31T00:00:00Z");
	assert_int_equal(json_array_size(f.findings), 1);
	rfx_entries(rfx_nth(&f, "credit_repair_overdue", 0), "[19]");
	rfx_free(&f);

	/* An answer must name its application's index. */
	decided(&f, LIST(APPLIED(17, FEB_AT, ""), "{\"type\":"
	    "\"credit_repair.answered\",\"index\":18,\"time\":\"" FEB_BEFORE
	    "\",\"application\":\"17\",\"result\":\"granted\"}"));
	assert_int_equal(rfx_eval(&f, NOW), CUSTOS_ERR_FORMAT);
	assert_null(f.findings);
	rfx_free(&f);

	/* An application with no due needs its "at". */
	decided(&f, LIST("{\"type\":\"credit_repair.applied\",\"index\":17,"
	    "\"time\":\"" FEB_BEFORE "\",\"text\":\"t\"}"));
	assert_int_equal(rfx_eval(&f, NOW), CUSTOS_ERR_FORMAT);
	rfx_free(&f);
}

/*
 * Wednesday 2026-09-30: National Day's days off are 10-01 to 10-07, then
 * Thursday 10-08, Friday 10-09 and Saturday 10-10 (调休) are worked.  Due
 * 2026-10-10 24:00 Beijing, 2026-10-10T16:00:00Z.
 */
static void
test_credit_repair_national_day(void **state)
{
	struct rfx f = { 0 };

	(void)state;
	decided(&f, LIST(APPLIED(17, "2026-09-30T16:00:00+08:00", "")));
	rfx_eval_ok(&f, "2026-10-10T16:00:00.000Z");
	rfx_none(&f);
	rfx_eval_ok(&f, "2026-10-10T16:00:00.001Z");
	rfx_entries(rfx_nth(&f, "credit_repair_overdue", 0), "[17]");
	rfx_free(&f);

	/* Answered on the make-up Saturday: in time. */
	decided(&f, LIST(APPLIED(17, "2026-09-30T16:00:00+08:00", ""),
	    ANSWERED(18, 17, "2026-10-10T23:00:00+08:00", "false")));
	rfx_eval_ok(&f, "2026-11-01T00:00:00Z");
	rfx_none(&f);
	rfx_free(&f);

	/* On Sunday 10-11: late. */
	decided(&f, LIST(APPLIED(17, "2026-09-30T16:00:00+08:00", ""),
	    ANSWERED(18, 17, "2026-10-11T09:00:00+08:00", "false")));
	rfx_eval_ok(&f, "2026-11-01T00:00:00Z");
	rfx_entries(rfx_nth(&f, "credit_repair_overdue", 0), "[17,18]");
	rfx_free(&f);
}

/*
 * Tuesday 2026-12-29: 12-30 and 12-31 are worked, the third working day
 * is in 2027, which the calendar does not cover.
 */
#define DEC_AT	"2026-12-29T10:00:00+08:00"

static void
test_credit_repair_uncovered(void **state)
{
	struct rfx f = { 0 };
	json_t *x;

	(void)state;
	decided(&f, LIST(APPLIED(17, DEC_AT, DUE_UNKNOWN)));
	rfx_eval_ok(&f, "2027-02-01T00:00:00Z");
	assert_int_equal(json_array_size(f.findings), 1);
	x = rfx_nth(&f, "deadline_unknown", 0);
	rfx_entries(x, "[17]");
	assert_string_equal(json_string_value(json_object_get(x, "for")),
	    "credit_repair_overdue");
	assert_string_equal(json_string_value(json_object_get(x,
	    "uncovered")), "2027-01-01");
	rfx_free(&f);

	/* Answered on a working day the calendar covers: in time. */
	decided(&f, LIST(APPLIED(17, DEC_AT, DUE_UNKNOWN),
	    ANSWERED(18, 17, "2026-12-31T23:59:59.999+08:00", "false")));
	rfx_eval_ok(&f, "2027-02-01T00:00:00Z");
	rfx_none(&f);
	rfx_free(&f);

	/* Answered in 2027: not known whether in time. */
	decided(&f, LIST(APPLIED(17, DEC_AT, DUE_UNKNOWN),
	    ANSWERED(18, 17, "2027-01-04T10:00:00+08:00", "false")));
	rfx_eval_ok(&f, "2027-02-01T00:00:00Z");
	assert_int_equal(json_array_size(f.findings), 1);
	rfx_entries(rfx_nth(&f, "deadline_unknown", 0), "[17,18]");
	rfx_free(&f);

	/* ... unless the station marked it late. */
	decided(&f, LIST(APPLIED(17, DEC_AT, DUE_UNKNOWN),
	    ANSWERED(18, 17, "2027-01-20T10:00:00+08:00", "true")));
	rfx_eval_ok(&f, "2027-02-01T00:00:00Z");
	assert_int_equal(json_array_size(f.findings), 1);
	rfx_entries(rfx_nth(&f, "credit_repair_overdue", 0), "[17,18]");
	rfx_free(&f);
}

#define STEP(type, idx, at, time)	"{\"type\":\"inspection." type \
	"\",\"index\":" #idx ",\"time\":\"" time "\",\"at\":\"" at "\"}"

static void
test_recorded_late(void **state)
{
	struct rfx f = { 0 };
	char buf[512];

	(void)state;
	/* Entered 02:00Z, recorded 2 h later to the millisecond: fine. */
	rfx_officers(&f, "2027-12-31");
	rfx_put_all(f.chain, &f.nchain, LIST(REG(TWO),
	    STEP("entered", 11, "2026-11-26T02:00:00.000Z",
	    "2026-11-26T04:00:00.000Z"), LINK(12, 5),
	    STEP("left", 13, "2026-11-26T02:10:00.000Z",
	    "2026-11-26T04:10:00.001Z"), CLOSED(14)));
	rfx_put(f.seg, &f.nseg, SEG(5, "BC-1", "2026-11-26T02:00:00.000Z",
	    600000));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(json_array_size(f.findings), 1);
	rfx_entries(rfx_nth(&f, "recorded_late", 0), "[13]");
	assert_non_null(strstr(rfx_field(&f, "recorded_late", 0, "detail"),
	    "120 min later"));
	rfx_free(&f);

	/* An emergency inspection written a day after entering. */
	rfx_officers(&f, "2027-12-31");
	snprintf(buf, sizeof(buf), "{\"type\":\"inspection.emergency\","
	    "\"index\":10,\"time\":\"2026-02-14T02:00:00.000Z\","
	    "\"enterprise\":\"" ENT "\",\"officers\":" TWO ",\"method\":"
	    "\"onsite\",\"at\":\"2026-02-13T02:00:00.000Z\","
	    "\"backfill_due\":\"2026-02-14T16:00:00.000Z\"}");
	rfx_put(f.chain, &f.nchain, buf);
	rfx_eval_ok(&f, "2026-02-14T03:00:00Z");
	assert_int_equal(rfx_count(&f, "recorded_late"), 1);
	rfx_entries(rfx_nth(&f, "recorded_late", 0), "[10]");
	rfx_free(&f);

	/* A step recorded before the time it gives is no lag. */
	rfx_officers(&f, "2027-12-31");
	rfx_put_all(f.chain, &f.nchain, LIST(REG(TWO),
	    STEP("entered", 11, "2026-11-26T05:00:00.000Z",
	    "2026-11-26T02:00:00.000Z")));
	rfx_eval_ok(&f, NOW);
	assert_int_equal(rfx_count(&f, "recorded_late"), 0);
	rfx_free(&f);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_procedure_clean),
		cmocka_unit_test(test_reviewer_is_officer),
		cmocka_unit_test(test_review_before_decision),
		cmocka_unit_test(test_credit_notice_missing),
		cmocka_unit_test(test_credit_repair_unanswered),
		cmocka_unit_test(test_credit_repair_answered),
		cmocka_unit_test(test_credit_repair_national_day),
		cmocka_unit_test(test_credit_repair_uncovered),
		cmocka_unit_test(test_recorded_late),
	};

	fixture_args(argc, argv);
	return cmocka_run_group_tests(tests, rfx_setup, rfx_teardown);
}
