/*
 * lifecycle: an inspection's states and steps as one table
 * (custos/lifecycle.h).
 */
#include <stddef.h>
#include <string.h>

#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/lifecycle.h"

/*
 * Which states a step may follow, by rule; each row gives, for every
 * state (none, registered, entered, left, closed), LIFECYCLE_OK or why
 * the step is refused there.
 */
enum rule {
	STARTS,		/* register, emergency: a new inspection */
	ENTERS,
	LEAVES,
	WHILE_OPEN,	/* anything up to and including closing */
	EVEN_CLOSED,	/* the case file's steps, also after closing */
	DECIDES,	/* the penalty decision: once entered, also closed */
	NRULES
};

static const enum lifecycle_refusal rules[NRULES][LIFECYCLE_NSTATES] = {
	[STARTS] = { LIFECYCLE_OK, LIFECYCLE_EXISTS, LIFECYCLE_EXISTS,
	    LIFECYCLE_EXISTS, LIFECYCLE_EXISTS },
	[ENTERS] = { LIFECYCLE_UNKNOWN, LIFECYCLE_OK, LIFECYCLE_HAS_ENTERED,
	    LIFECYCLE_HAS_ENTERED, LIFECYCLE_IS_CLOSED },
	[LEAVES] = { LIFECYCLE_UNKNOWN, LIFECYCLE_NOT_ENTERED, LIFECYCLE_OK,
	    LIFECYCLE_HAS_LEFT, LIFECYCLE_IS_CLOSED },
	[WHILE_OPEN] = { LIFECYCLE_UNKNOWN, LIFECYCLE_OK, LIFECYCLE_OK,
	    LIFECYCLE_OK, LIFECYCLE_IS_CLOSED },
	[EVEN_CLOSED] = { LIFECYCLE_UNKNOWN, LIFECYCLE_OK, LIFECYCLE_OK,
	    LIFECYCLE_OK, LIFECYCLE_OK },
	[DECIDES] = { LIFECYCLE_UNKNOWN, LIFECYCLE_NOT_ENTERED, LIFECYCLE_OK,
	    LIFECYCLE_OK, LIFECYCLE_OK },
};

/*
 * Each step: its entry type, its rule, and the state it leads to
 * (LIFECYCLE_NONE: it keeps the state; no step leads back to none).
 */
static const struct {
	const char		*type;
	enum rule		 rule;
	enum lifecycle_state	 to;
} steps[LIFECYCLE_NSTEPS] = {
	[LIFECYCLE_REGISTER] = { ENTRY_INSPECTION_REGISTERED, STARTS,
	    LIFECYCLE_REGISTERED },
	[LIFECYCLE_EMERGENCY] = { ENTRY_INSPECTION_EMERGENCY, STARTS,
	    LIFECYCLE_ENTERED },
	[LIFECYCLE_ENTER] = { ENTRY_INSPECTION_ENTERED, ENTERS,
	    LIFECYCLE_ENTERED },
	[LIFECYCLE_LEAVE] = { ENTRY_INSPECTION_LEFT, LEAVES, LIFECYCLE_LEFT },
	[LIFECYCLE_BACKFILL] = { ENTRY_INSPECTION_BACKFILLED, WHILE_OPEN,
	    LIFECYCLE_NONE },
	[LIFECYCLE_LINK] = { ENTRY_EVIDENCE_LINKED, WHILE_OPEN,
	    LIFECYCLE_NONE },
	[LIFECYCLE_UNLINK] = { ENTRY_EVIDENCE_UNLINKED, WHILE_OPEN,
	    LIFECYCLE_NONE },
	[LIFECYCLE_DOCUMENT] = { ENTRY_DOCUMENT_SEALED, WHILE_OPEN,
	    LIFECYCLE_NONE },
	[LIFECYCLE_GAP_REASON] = { ENTRY_INSPECTION_GAP_REASON, WHILE_OPEN,
	    LIFECYCLE_NONE },
	[LIFECYCLE_CLOSE] = { ENTRY_INSPECTION_CLOSED, WHILE_OPEN,
	    LIFECYCLE_CLOSED },
	[LIFECYCLE_REVIEW] = { ENTRY_REVIEW_RECORDED, EVEN_CLOSED,
	    LIFECYCLE_NONE },
	[LIFECYCLE_FEEDBACK] = { ENTRY_ENTERPRISE_FEEDBACK, EVEN_CLOSED,
	    LIFECYCLE_NONE },
	[LIFECYCLE_EXPORT] = { ENTRY_BUNDLE_EXPORTED, EVEN_CLOSED,
	    LIFECYCLE_NONE },
	[LIFECYCLE_CLIP_EXPORT] = { ENTRY_CLIP_EXPORTED, EVEN_CLOSED,
	    LIFECYCLE_NONE },
	[LIFECYCLE_VIEW] = { ENTRY_INSPECTION_VIEWED, EVEN_CLOSED,
	    LIFECYCLE_NONE },
	[LIFECYCLE_DECISION] = { ENTRY_DECISION_SERVED, DECIDES,
	    LIFECYCLE_NONE },
	[LIFECYCLE_CREDIT_APPLY] = { ENTRY_CREDIT_REPAIR_APPLIED, EVEN_CLOSED,
	    LIFECYCLE_NONE },
	[LIFECYCLE_CREDIT_ANSWER] = { ENTRY_CREDIT_REPAIR_ANSWERED,
	    EVEN_CLOSED, LIFECYCLE_NONE },
};

static const char *const state_names[LIFECYCLE_NSTATES] = {
	[LIFECYCLE_REGISTERED] = "registered",
	[LIFECYCLE_ENTERED] = "entered",
	[LIFECYCLE_LEFT] = "left",
	[LIFECYCLE_CLOSED] = "closed",
};

static const char *const refusal_texts[LIFECYCLE_NREFUSALS] = {
	[LIFECYCLE_OK] = "",
	[LIFECYCLE_EXISTS] = "exists already",
	[LIFECYCLE_UNKNOWN] = "does not exist",
	[LIFECYCLE_IS_CLOSED] = "is closed",
	[LIFECYCLE_HAS_ENTERED] = "has entered the site already",
	[LIFECYCLE_NOT_ENTERED] = "has not entered the site",
	[LIFECYCLE_HAS_LEFT] = "has left the site already",
	[LIFECYCLE_NOT_EMERGENCY] = "was registered, not an emergency: "
	    "nothing to back-fill",
	[LIFECYCLE_BACKFILLED] = "is back-filled already",
	[LIFECYCLE_DECIDED] = "has its penalty decision already",
	[LIFECYCLE_NOT_DECIDED] = "has no penalty decision",
	[LIFECYCLE_NO_APPLICATION] = "has no credit-repair application "
	    "waiting for an answer",
};

/* The rule each refusal applies, the "rule" of the station's answer. */
static const char *const refusal_rules[LIFECYCLE_NREFUSALS] = {
	[LIFECYCLE_OK] = "",
	[LIFECYCLE_EXISTS] = "inspection_exists",
	[LIFECYCLE_UNKNOWN] = "inspection_unknown",
	[LIFECYCLE_IS_CLOSED] = "inspection_closed",
	[LIFECYCLE_HAS_ENTERED] = "enter_once",
	[LIFECYCLE_NOT_ENTERED] = "not_entered",
	[LIFECYCLE_HAS_LEFT] = "leave_once",
	[LIFECYCLE_NOT_EMERGENCY] = "backfill_emergency_only",
	[LIFECYCLE_BACKFILLED] = "backfill_once",
	[LIFECYCLE_DECIDED] = "decision_once",
	[LIFECYCLE_NOT_DECIDED] = "credit_repair_after_decision",
	[LIFECYCLE_NO_APPLICATION] = "credit_repair_answer_needs_application",
};

/* Why the table refuses step from *from, or OK. */
static enum lifecycle_refusal
refusal(const struct lifecycle *from, enum lifecycle_step step)
{
	enum lifecycle_refusal why = rules[steps[step].rule][from->state];

	if (why != LIFECYCLE_OK)
		return why;
	switch (step) {
	case LIFECYCLE_BACKFILL:
		if (!from->emergency)
			return LIFECYCLE_NOT_EMERGENCY;
		return from->backfilled ? LIFECYCLE_BACKFILLED : LIFECYCLE_OK;
	case LIFECYCLE_DECISION:
		return from->decided ? LIFECYCLE_DECIDED : LIFECYCLE_OK;
	case LIFECYCLE_CREDIT_APPLY:
		return from->decided ? LIFECYCLE_OK : LIFECYCLE_NOT_DECIDED;
	case LIFECYCLE_CREDIT_ANSWER:
		return from->credit_pending > 0 ? LIFECYCLE_OK :
		    LIFECYCLE_NO_APPLICATION;
	default:
		return LIFECYCLE_OK;
	}
}

/* The flags step sets in *next, as the log records them. */
static void
set_flags(struct lifecycle *next, enum lifecycle_step step)
{
	switch (step) {
	case LIFECYCLE_EMERGENCY:
		next->emergency = 1;
		break;
	case LIFECYCLE_BACKFILL:
		next->backfilled = 1;
		break;
	case LIFECYCLE_DECISION:
		next->decided = 1;
		break;
	case LIFECYCLE_CREDIT_APPLY:
		next->credit_pending++;
		break;
	case LIFECYCLE_CREDIT_ANSWER:
		if (next->credit_pending > 0)
			next->credit_pending--;
		break;
	default:
		break;
	}
}

int
lifecycle_step(const struct lifecycle *from, enum lifecycle_step step,
    struct lifecycle *to, enum lifecycle_refusal *why)
{
	struct lifecycle next = *from;

	if ((unsigned)from->state >= LIFECYCLE_NSTATES ||
	    (unsigned)step >= LIFECYCLE_NSTEPS) {
		*to = next;
		*why = LIFECYCLE_NREFUSALS;
		return CUSTOS_ERR_INVALID;
	}
	*why = refusal(from, step);
	/* The first entry of an inspection wins: a second one changes
	 * nothing. */
	if (*why != LIFECYCLE_EXISTS) {
		if (steps[step].to != LIFECYCLE_NONE)
			next.state = steps[step].to;
		set_flags(&next, step);
	}
	*to = next;
	return *why == LIFECYCLE_OK ? 0 : CUSTOS_ERR_INVALID;
}

const char *
lifecycle_state_name(enum lifecycle_state state)
{
	if ((unsigned)state >= LIFECYCLE_NSTATES)
		return NULL;
	return state_names[state];
}

int
lifecycle_state_parse(const char *name, enum lifecycle_state *state)
{
	int s;

	for (s = LIFECYCLE_REGISTERED; s < LIFECYCLE_NSTATES; s++)
		if (strcmp(name, state_names[s]) == 0) {
			*state = (enum lifecycle_state)s;
			return 0;
		}
	return CUSTOS_ERR_FORMAT;
}

const char *
lifecycle_step_type(enum lifecycle_step step)
{
	if ((unsigned)step >= LIFECYCLE_NSTEPS)
		return NULL;
	return steps[step].type;
}

int
lifecycle_step_of(const char *type, enum lifecycle_step *step)
{
	int k;

	for (k = 0; k < LIFECYCLE_NSTEPS; k++)
		if (strcmp(type, steps[k].type) == 0) {
			*step = (enum lifecycle_step)k;
			return 0;
		}
	return CUSTOS_ERR_NOTFOUND;
}

const char *
lifecycle_refusal_text(enum lifecycle_refusal why)
{
	if ((unsigned)why >= LIFECYCLE_NREFUSALS)
		return NULL;
	return refusal_texts[why];
}

const char *
lifecycle_refusal_rule(enum lifecycle_refusal why)
{
	if ((unsigned)why >= LIFECYCLE_NREFUSALS)
		return NULL;
	return refusal_rules[why];
}
