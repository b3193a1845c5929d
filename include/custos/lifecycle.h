/*
 * lifecycle: the states of an inspection and the steps between them
 * (docs/inspection.md, "Lifecycle"), the one place that says which step
 * may follow which.  The station asks lifecycle_step() before it appends
 * a step and refuses what it refuses; the registry asks it again when it
 * applies the step from the log, so both read the same table.
 *
 * Pure: no database, no I/O, no allocation.
 *
 *	step			allowed from			leads to
 *	register		(none)				registered
 *	emergency		(none)				entered
 *	enter			registered			entered
 *	leave			entered				left
 *	close			registered, entered, left	closed
 *	back-fill		registered, entered, left	(stays)
 *	link, unlink,		registered, entered, left	(stays)
 *	document, gap reason
 *	review, feedback,	registered, entered, left,	(stays)
 *	export, view		closed
 *	decision		entered, left, closed		(stays)
 *	credit-repair apply,	registered, entered, left,	(stays)
 *	credit-repair answer	closed
 *
 * Back-fill also needs an emergency inspection not back-filled yet.
 * The penalty decision (decision.served) is served once, after entering;
 * a credit-repair application needs the decision, and an answer needs an
 * application that waits for one (the flags decided and credit_pending).
 * Review, feedback, export, view, the decision and credit repair may
 * follow closing: the case file is reviewed, decided and handed over
 * afterwards.  lifecycle_step() holds the whole table;
 * tests/unit/test_lifecycle.c checks every cell.
 */
#ifndef CUSTOS_LIFECYCLE_H
#define CUSTOS_LIFECYCLE_H

/*
 * The states.  Their names (lifecycle_state_name()) are the "state" the
 * API answers with and the registry's inspections table stores.
 */
enum lifecycle_state {
	LIFECYCLE_NONE,		/* no inspection yet */
	LIFECYCLE_REGISTERED,	/* "registered" */
	LIFECYCLE_ENTERED,	/* "entered" */
	LIFECYCLE_LEFT,		/* "left" */
	LIFECYCLE_CLOSED,	/* "closed" */
	LIFECYCLE_NSTATES
};

/* The steps, each written as one entry type (lifecycle_step_type()). */
enum lifecycle_step {
	LIFECYCLE_REGISTER,	/* inspection.registered */
	LIFECYCLE_EMERGENCY,	/* inspection.emergency: also its entering */
	LIFECYCLE_ENTER,	/* inspection.entered */
	LIFECYCLE_LEAVE,	/* inspection.left */
	LIFECYCLE_BACKFILL,	/* inspection.backfilled */
	LIFECYCLE_LINK,		/* evidence.linked */
	LIFECYCLE_UNLINK,	/* evidence.unlinked */
	LIFECYCLE_DOCUMENT,	/* document.sealed */
	LIFECYCLE_GAP_REASON,	/* inspection.gap_reason */
	LIFECYCLE_CLOSE,	/* inspection.closed */
	LIFECYCLE_REVIEW,	/* review.recorded */
	LIFECYCLE_FEEDBACK,	/* enterprise.feedback */
	LIFECYCLE_EXPORT,	/* bundle.exported */
	LIFECYCLE_CLIP_EXPORT,	/* clip.exported */
	LIFECYCLE_VIEW,		/* inspection.viewed */
	LIFECYCLE_DECISION,	/* decision.served: the penalty decision */
	LIFECYCLE_CREDIT_APPLY,	/* credit_repair.applied */
	LIFECYCLE_CREDIT_ANSWER, /* credit_repair.answered */
	LIFECYCLE_NSTEPS
};

/*
 * Why a step is refused.  lifecycle_refusal_text() gives the words the
 * station's answer puts after "inspection <ID> ".
 */
enum lifecycle_refusal {
	LIFECYCLE_OK,
	LIFECYCLE_EXISTS,	/* "exists already" */
	LIFECYCLE_UNKNOWN,	/* "does not exist" */
	LIFECYCLE_IS_CLOSED,	/* "is closed" */
	LIFECYCLE_HAS_ENTERED,	/* "has entered the site already" */
	LIFECYCLE_NOT_ENTERED,	/* "has not entered the site" */
	LIFECYCLE_HAS_LEFT,	/* "has left the site already" */
	LIFECYCLE_NOT_EMERGENCY, /* "was registered, not an emergency: ..." */
	LIFECYCLE_BACKFILLED,	/* "is back-filled already" */
	LIFECYCLE_DECIDED,	/* "has its penalty decision already" */
	LIFECYCLE_NOT_DECIDED,	/* "has no penalty decision" */
	LIFECYCLE_NO_APPLICATION, /* "has no credit-repair application ..." */
	LIFECYCLE_NREFUSALS
};

/*
 * Where an inspection stands: its state, the two back-fill flags and
 * how far its decision and credit repair have come.
 */
struct lifecycle {
	enum lifecycle_state	 state;
	int			 emergency;	/* began as an emergency */
	int			 backfilled;	/* has its back-fill */
	int			 decided;	/* has its decision.served */
	int			 credit_pending; /* credit-repair applications
						   not answered yet */
};

/*
 * The one transition function.  Sets *to to where step leads from *from
 * and *why to LIFECYCLE_OK, and returns 0 when the station allows step
 * now; else sets *why and returns CUSTOS_ERR_INVALID.  *to is set in both
 * cases: it is what the step records, which a replay of a log follows
 * even where this table would refuse the step (an entry written by
 * another station); a refused register or emergency leaves *to as *from
 * (the first entry of an inspection wins).  A decision sets decided, an
 * application adds one to credit_pending and an answer takes one away
 * (never below 0).  from and to may be the same
 * object.  An unknown state or step is CUSTOS_ERR_INVALID with *why
 * LIFECYCLE_NREFUSALS and *to unchanged from *from.
 */
int	 lifecycle_step(const struct lifecycle *from, enum lifecycle_step step,
	    struct lifecycle *to, enum lifecycle_refusal *why);

/*
 * The name of state ("registered", ...), or NULL for LIFECYCLE_NONE and
 * anything that is not a state.
 */
const char *lifecycle_state_name(enum lifecycle_state state);

/*
 * The state named name (one of lifecycle_state_name()'s): 0 and *state,
 * or CUSTOS_ERR_FORMAT.
 */
int	 lifecycle_state_parse(const char *name, enum lifecycle_state *state);

/* The entry type of step (an ENTRY_* of custos/entry_type.h), or NULL. */
const char *lifecycle_step_type(enum lifecycle_step step);

/*
 * The step an entry of type type is: 0 and *step, or CUSTOS_ERR_NOTFOUND
 * for a type that is not an inspection step.
 */
int	 lifecycle_step_of(const char *type, enum lifecycle_step *step);

/* The words for why (see enum lifecycle_refusal); "" for LIFECYCLE_OK. */
const char *lifecycle_refusal_text(enum lifecycle_refusal why);

/*
 * The name of the rule behind why, as the station's refusals name it
 * in their "rule" member ("inspection_closed", "decision_once", ...);
 * "" for LIFECYCLE_OK, NULL for anything that is not a refusal.
 */
const char *lifecycle_refusal_rule(enum lifecycle_refusal why);

#endif
