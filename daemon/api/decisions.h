/*
 * decisions: the handlers of the routes that follow the inspection's
 * visit in its procedure (docs/api.md, docs/inspection.md): the penalty
 * decision served (行政处罚决定书, with or without the credit-repair notice)
 * and the enterprise's credit-repair (信用修复) applications with the
 * bureau's answers.  Each is a chain_step (chain.h) on the inspection
 * the path names, allowed also once it is closed; only router.c uses
 * them.
 */
#ifndef CUSTOSD_DECISIONS_H
#define CUSTOSD_DECISIONS_H

#include "chain.h"

/* POST /v1/inspections/{id}/decision: decision.served, once. */
extern const struct chain_step	 inspection_decision;
/* POST /v1/inspections/{id}/credit-repair/apply: credit_repair.applied
 * with its due date, once the decision is served. */
extern const struct chain_step	 inspection_credit_apply;
/* POST /v1/inspections/{id}/credit-repair/answer: credit_repair.answered
 * for an application that waits for its answer. */
extern const struct chain_step	 inspection_credit_answer;

#endif
