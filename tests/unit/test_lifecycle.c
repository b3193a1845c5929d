#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/lifecycle.h"

/* The refusals of the steps that start an inspection. */
static const enum lifecycle_refusal starts[LIFECYCLE_NSTATES] = {
	LIFECYCLE_OK, LIFECYCLE_EXISTS, LIFECYCLE_EXISTS, LIFECYCLE_EXISTS,
	LIFECYCLE_EXISTS };
/* The steps of an open inspection, whether on the site or not. */
static const enum lifecycle_refusal while_open[LIFECYCLE_NSTATES] = {
	LIFECYCLE_UNKNOWN, LIFECYCLE_OK, LIFECYCLE_OK, LIFECYCLE_OK,
	LIFECYCLE_IS_CLOSED };
/* The case file's steps, also after closing. */
static const enum lifecycle_refusal case_file[LIFECYCLE_NSTATES] = {
	LIFECYCLE_UNKNOWN, LIFECYCLE_OK, LIFECYCLE_OK, LIFECYCLE_OK,
	LIFECYCLE_OK };
static const enum lifecycle_refusal enter[LIFECYCLE_NSTATES] = {
	LIFECYCLE_UNKNOWN, LIFECYCLE_OK, LIFECYCLE_HAS_ENTERED,
	LIFECYCLE_HAS_ENTERED, LIFECYCLE_IS_CLOSED };
static const enum lifecycle_refusal leave[LIFECYCLE_NSTATES] = {
	LIFECYCLE_UNKNOWN, LIFECYCLE_NOT_ENTERED, LIFECYCLE_OK,
	LIFECYCLE_HAS_LEFT, LIFECYCLE_IS_CLOSED };
/* The penalty decision: once entered, also after closing. */
static const enum lifecycle_refusal decide[LIFECYCLE_NSTATES] = {
	LIFECYCLE_UNKNOWN, LIFECYCLE_NOT_ENTERED, LIFECYCLE_OK, LIFECYCLE_OK,
	LIFECYCLE_OK };

/*
 * The expected table, written from docs/inspection.md ("Order: ...; the
 * station refuses out-of-order steps") and the station's answers, apart
 * from the module's own: for each step, from each state (none,
 * registered, entered, left, closed), LIFECYCLE_OK or the refusal, and the
 * state the step records (-1: it keeps the state).
 */
static const struct {
	enum lifecycle_step		 step;
	const char			*type;
	const enum lifecycle_refusal	*from;
	int				 to;
} want[] = {
	{ LIFECYCLE_REGISTER, ENTRY_INSPECTION_REGISTERED, starts,
	    LIFECYCLE_REGISTERED },
	{ LIFECYCLE_EMERGENCY, ENTRY_INSPECTION_EMERGENCY, starts,
	    LIFECYCLE_ENTERED },
	{ LIFECYCLE_ENTER, ENTRY_INSPECTION_ENTERED, enter, LIFECYCLE_ENTERED },
	{ LIFECYCLE_LEAVE, ENTRY_INSPECTION_LEFT, leave, LIFECYCLE_LEFT },
	/* Back-fill: for an emergency not back-filled (test_backfill). */
	{ LIFECYCLE_BACKFILL, ENTRY_INSPECTION_BACKFILLED, while_open, -1 },
	{ LIFECYCLE_LINK, ENTRY_EVIDENCE_LINKED, while_open, -1 },
	{ LIFECYCLE_UNLINK, ENTRY_EVIDENCE_UNLINKED, while_open, -1 },
	{ LIFECYCLE_DOCUMENT, ENTRY_DOCUMENT_SEALED, while_open, -1 },
	{ LIFECYCLE_GAP_REASON, ENTRY_INSPECTION_GAP_REASON, while_open, -1 },
	{ LIFECYCLE_CLOSE, ENTRY_INSPECTION_CLOSED, while_open,
	    LIFECYCLE_CLOSED },
	{ LIFECYCLE_REVIEW, ENTRY_REVIEW_RECORDED, case_file, -1 },
	{ LIFECYCLE_FEEDBACK, ENTRY_ENTERPRISE_FEEDBACK, case_file, -1 },
	{ LIFECYCLE_EXPORT, ENTRY_BUNDLE_EXPORTED, case_file, -1 },
	{ LIFECYCLE_CLIP_EXPORT, ENTRY_CLIP_EXPORTED, case_file, -1 },
	{ LIFECYCLE_VIEW, ENTRY_INSPECTION_VIEWED, case_file, -1 },
	/* Not decided yet (test_decision has the flags). */
	{ LIFECYCLE_DECISION, ENTRY_DECISION_SERVED, decide, -1 },
	/* Decided, one application waiting. */
	{ LIFECYCLE_CREDIT_APPLY, ENTRY_CREDIT_REPAIR_APPLIED, case_file, -1 },
	{ LIFECYCLE_CREDIT_ANSWER, ENTRY_CREDIT_REPAIR_ANSWERED, case_file,
	    -1 },
};

#define NWANT	(sizeof(want) / sizeof(want[0]))

/* Every step once, and the steps in the order of the enum. */
static void
test_steps_covered(void **state)
{
	size_t k;

	(void)state;
	assert_int_equal(NWANT, LIFECYCLE_NSTEPS);
	for (k = 0; k < NWANT; k++)
		assert_int_equal(want[k].step, k);
}

/*
 * Every cell: each step from each state, as an emergency inspection not
 * back-filled yet, decided unless the step is the decision, with one
 * credit-repair application waiting (so that each step is decided by the
 * state alone).
 */
static void
test_every_cell(void **state)
{
	struct lifecycle from, to;
	enum lifecycle_refusal why;
	size_t k;
	int s, rc, allowed = 0, refused = 0;

	(void)state;
	for (k = 0; k < NWANT; k++)
		for (s = 0; s < LIFECYCLE_NSTATES; s++) {
			from.state = (enum lifecycle_state)s;
			from.emergency = 1;
			from.backfilled = 0;
			from.decided = want[k].step != LIFECYCLE_DECISION;
			from.credit_pending = 1;
			rc = lifecycle_step(&from, want[k].step, &to, &why);
			if (why != want[k].from[s])
				print_message("%s from state %d\n",
				    want[k].type, s);
			assert_int_equal(why, want[k].from[s]);
			assert_int_equal(rc, why == LIFECYCLE_OK ? 0 :
			    CUSTOS_ERR_INVALID);
			if (why == LIFECYCLE_OK)
				allowed++;
			else
				refused++;
			/* A refused start changes nothing (the first entry
			 * wins); every other step records its state. */
			if (why == LIFECYCLE_EXISTS || want[k].to < 0)
				assert_int_equal(to.state, from.state);
			else
				assert_int_equal(to.state, want[k].to);
			assert_true(to.emergency);
			assert_int_equal(to.backfilled,
			    want[k].step == LIFECYCLE_BACKFILL);
			assert_true(to.decided);
			assert_int_equal(to.credit_pending,
			    want[k].step == LIFECYCLE_CREDIT_APPLY ? 2 :
			    want[k].step == LIFECYCLE_CREDIT_ANSWER ? 0 : 1);
		}
	/* The expected table has this many of each. */
	assert_int_equal(allowed, 53);
	assert_int_equal(refused, 37);
}

/* The flags: a registration is not an emergency, a back-fill is once. */
static void
test_backfill(void **state)
{
	static const struct lifecycle none = { LIFECYCLE_NONE, 0, 0, 0, 0 };
	struct lifecycle lc, to;
	enum lifecycle_refusal why;
	int s;

	(void)state;
	assert_int_equal(lifecycle_step(&none, LIFECYCLE_REGISTER, &lc, &why),
	    0);
	assert_int_equal(lc.state, LIFECYCLE_REGISTERED);
	assert_false(lc.emergency);
	assert_int_equal(lifecycle_step(&none, LIFECYCLE_EMERGENCY, &lc,
	    &why), 0);
	assert_int_equal(lc.state, LIFECYCLE_ENTERED);
	assert_true(lc.emergency);
	assert_false(lc.backfilled);
	for (s = LIFECYCLE_REGISTERED; s < LIFECYCLE_CLOSED; s++) {
		lc.state = (enum lifecycle_state)s;
		lc.emergency = 0;
		lc.backfilled = 0;
		assert_int_equal(lifecycle_step(&lc, LIFECYCLE_BACKFILL, &to,
		    &why), CUSTOS_ERR_INVALID);
		assert_int_equal(why, LIFECYCLE_NOT_EMERGENCY);
		lc.emergency = 1;
		assert_int_equal(lifecycle_step(&lc, LIFECYCLE_BACKFILL, &lc,
		    &why), 0);
		assert_true(lc.backfilled);
		assert_int_equal(lc.state, s);
		assert_int_equal(lifecycle_step(&lc, LIFECYCLE_BACKFILL, &to,
		    &why), CUSTOS_ERR_INVALID);
		assert_int_equal(why, LIFECYCLE_BACKFILLED);
	}
	/* Closed comes first, as the station answers it. */
	lc.state = LIFECYCLE_CLOSED;
	lc.emergency = 0;
	assert_int_equal(lifecycle_step(&lc, LIFECYCLE_BACKFILL, &to, &why),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(why, LIFECYCLE_IS_CLOSED);
}

/*
 * The decision is served once; an application needs it, an answer needs
 * an application waiting; each answer takes one application away.
 */
static void
test_decision(void **state)
{
	struct lifecycle lc = { LIFECYCLE_ENTERED, 0, 0, 0, 0 }, to;
	enum lifecycle_refusal why;
	int s;

	(void)state;
	for (s = LIFECYCLE_ENTERED; s < LIFECYCLE_NSTATES; s++) {
		memset(&lc, 0, sizeof(lc));
		lc.state = (enum lifecycle_state)s;
		assert_int_equal(lifecycle_step(&lc, LIFECYCLE_CREDIT_APPLY,
		    &to, &why), CUSTOS_ERR_INVALID);
		assert_int_equal(why, LIFECYCLE_NOT_DECIDED);
		assert_int_equal(lifecycle_step(&lc, LIFECYCLE_CREDIT_ANSWER,
		    &to, &why), CUSTOS_ERR_INVALID);
		assert_int_equal(why, LIFECYCLE_NO_APPLICATION);
		/* A replay of such an answer never goes below 0. */
		assert_int_equal(to.credit_pending, 0);
		assert_int_equal(lifecycle_step(&lc, LIFECYCLE_DECISION, &lc,
		    &why), 0);
		assert_true(lc.decided);
		assert_int_equal(lc.state, s);
		assert_int_equal(lifecycle_step(&lc, LIFECYCLE_DECISION, &to,
		    &why), CUSTOS_ERR_INVALID);
		assert_int_equal(why, LIFECYCLE_DECIDED);
		assert_int_equal(lifecycle_step(&lc, LIFECYCLE_CREDIT_APPLY,
		    &lc, &why), 0);
		assert_int_equal(lifecycle_step(&lc, LIFECYCLE_CREDIT_APPLY,
		    &lc, &why), 0);
		assert_int_equal(lc.credit_pending, 2);
		assert_int_equal(lifecycle_step(&lc, LIFECYCLE_CREDIT_ANSWER,
		    &lc, &why), 0);
		assert_int_equal(lifecycle_step(&lc, LIFECYCLE_CREDIT_ANSWER,
		    &lc, &why), 0);
		assert_int_equal(lc.credit_pending, 0);
		assert_int_equal(lifecycle_step(&lc, LIFECYCLE_CREDIT_ANSWER,
		    &to, &why), CUSTOS_ERR_INVALID);
		assert_int_equal(why, LIFECYCLE_NO_APPLICATION);
		assert_int_equal(lc.state, s);
	}
	/* Not before entering: a registered inspection has no decision. */
	memset(&lc, 0, sizeof(lc));
	lc.state = LIFECYCLE_REGISTERED;
	assert_int_equal(lifecycle_step(&lc, LIFECYCLE_DECISION, &to, &why),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(why, LIFECYCLE_NOT_ENTERED);
}

/* A whole inspection, as docs/inspection.md orders it. */
static void
test_walk(void **state)
{
	static const enum lifecycle_step walk[] = { LIFECYCLE_REGISTER,
	    LIFECYCLE_ENTER, LIFECYCLE_LINK, LIFECYCLE_DOCUMENT,
	    LIFECYCLE_GAP_REASON, LIFECYCLE_UNLINK, LIFECYCLE_LEAVE,
	    LIFECYCLE_CLOSE, LIFECYCLE_REVIEW, LIFECYCLE_DECISION,
	    LIFECYCLE_CREDIT_APPLY, LIFECYCLE_CREDIT_ANSWER,
	    LIFECYCLE_FEEDBACK, LIFECYCLE_EXPORT, LIFECYCLE_VIEW };
	static const char *const names[] = { "registered", "entered",
	    "entered", "entered", "entered", "entered", "left", "closed",
	    "closed", "closed", "closed", "closed", "closed", "closed",
	    "closed" };
	struct lifecycle lc = { LIFECYCLE_NONE, 0, 0, 0, 0 };
	enum lifecycle_refusal why;
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(walk) / sizeof(walk[0]); k++) {
		assert_int_equal(lifecycle_step(&lc, walk[k], &lc, &why), 0);
		assert_string_equal(lifecycle_state_name(lc.state), names[k]);
	}
}

static void
test_names(void **state)
{
	static const char *const names[LIFECYCLE_NSTATES] = { NULL,
	    "registered", "entered", "left", "closed" };
	enum lifecycle_state st;
	enum lifecycle_step step;
	size_t k;
	int s;

	(void)state;
	for (s = 0; s < LIFECYCLE_NSTATES; s++) {
		if (names[s] == NULL) {
			assert_null(lifecycle_state_name(
			    (enum lifecycle_state)s));
			continue;
		}
		assert_string_equal(lifecycle_state_name(
		    (enum lifecycle_state)s), names[s]);
		assert_int_equal(lifecycle_state_parse(names[s], &st), 0);
		assert_int_equal(st, s);
	}
	assert_null(lifecycle_state_name(LIFECYCLE_NSTATES));
	assert_int_equal(lifecycle_state_parse("open", &st),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(lifecycle_state_parse("", &st), CUSTOS_ERR_FORMAT);
	for (k = 0; k < NWANT; k++) {
		assert_string_equal(lifecycle_step_type(want[k].step),
		    want[k].type);
		assert_int_equal(lifecycle_step_of(want[k].type, &step), 0);
		assert_int_equal(step, want[k].step);
	}
	assert_null(lifecycle_step_type(LIFECYCLE_NSTEPS));
	assert_int_equal(lifecycle_step_of(ENTRY_SEGMENT_SEALED, &step),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(lifecycle_step_of(ENTRY_CAMERA_ASSIGNED, &step),
	    CUSTOS_ERR_NOTFOUND);
}

/*
 * The station's 409 answers, which are wire: "inspection <ID> " and the
 * words for why.
 */
static void
test_refusal_texts(void **state)
{
	static const struct {
		enum lifecycle_refusal	 why;
		const char		*answer;
	} answers[] = {
		{ LIFECYCLE_OK, "inspection INS-1 " },
		{ LIFECYCLE_EXISTS, "inspection INS-1 exists already" },
		{ LIFECYCLE_UNKNOWN, "inspection INS-1 does not exist" },
		{ LIFECYCLE_IS_CLOSED, "inspection INS-1 is closed" },
		{ LIFECYCLE_HAS_ENTERED, "inspection INS-1 has entered the "
		    "site already" },
		{ LIFECYCLE_NOT_ENTERED, "inspection INS-1 has not entered "
		    "the site" },
		{ LIFECYCLE_HAS_LEFT, "inspection INS-1 has left the site "
		    "already" },
		{ LIFECYCLE_NOT_EMERGENCY, "inspection INS-1 was registered, "
		    "not an emergency: nothing to back-fill" },
		{ LIFECYCLE_BACKFILLED, "inspection INS-1 is back-filled "
		    "already" },
		{ LIFECYCLE_DECIDED, "inspection INS-1 has its penalty "
		    "decision already" },
		{ LIFECYCLE_NOT_DECIDED, "inspection INS-1 has no penalty "
		    "decision" },
		{ LIFECYCLE_NO_APPLICATION, "inspection INS-1 has no "
		    "credit-repair application waiting for an answer" },
	};
	char buf[128];
	size_t k;

	(void)state;
	assert_int_equal(sizeof(answers) / sizeof(answers[0]),
	    LIFECYCLE_NREFUSALS);
	for (k = 0; k < LIFECYCLE_NREFUSALS; k++) {
		snprintf(buf, sizeof(buf), "inspection %s %s", "INS-1",
		    lifecycle_refusal_text(answers[k].why));
		assert_string_equal(buf, answers[k].answer);
	}
	assert_null(lifecycle_refusal_text(LIFECYCLE_NREFUSALS));
}

/* Every refusal names a rule of its own: the "rule" of a 409. */
static void
test_refusal_rules(void **state)
{
	const char *a, *b;
	int k, m;

	(void)state;
	assert_string_equal(lifecycle_refusal_rule(LIFECYCLE_OK), "");
	assert_string_equal(lifecycle_refusal_rule(LIFECYCLE_DECIDED),
	    "decision_once");
	for (k = 1; k < LIFECYCLE_NREFUSALS; k++) {
		a = lifecycle_refusal_rule((enum lifecycle_refusal)k);
		assert_non_null(a);
		assert_true(strlen(a) > 0);
		for (m = 1; m < k; m++) {
			b = lifecycle_refusal_rule((enum lifecycle_refusal)m);
			assert_true(strcmp(a, b) != 0);
		}
	}
	assert_null(lifecycle_refusal_rule(LIFECYCLE_NREFUSALS));
}

static void
test_invalid(void **state)
{
	struct lifecycle from = { LIFECYCLE_NSTATES, 1, 1, 0, 0 }, to;
	enum lifecycle_refusal why;

	(void)state;
	assert_int_equal(lifecycle_step(&from, LIFECYCLE_ENTER, &to, &why),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(why, LIFECYCLE_NREFUSALS);
	assert_int_equal(to.state, LIFECYCLE_NSTATES);
	from.state = LIFECYCLE_REGISTERED;
	assert_int_equal(lifecycle_step(&from, LIFECYCLE_NSTEPS, &to, &why),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(why, LIFECYCLE_NREFUSALS);
	assert_int_equal(to.state, LIFECYCLE_REGISTERED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps_covered),
		cmocka_unit_test(test_every_cell),
		cmocka_unit_test(test_backfill),
		cmocka_unit_test(test_decision),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_refusal_texts),
		cmocka_unit_test(test_refusal_rules),
		cmocka_unit_test(test_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
