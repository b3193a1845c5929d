/*
 * procedure: what an inspection's answer shows of the steps after its
 * visit (docs/api.md, GET /v1/inspections/ID): its legal reviews, its
 * penalty decision and its credit-repair applications with their
 * answers, read from the registry.  Not a handler: the reading routes
 * (reports.c) call it.
 */
#ifndef CUSTOSD_PROCEDURE_H
#define CUSTOSD_PROCEDURE_H

#include <jansson.h>

struct station;

/*
 * Adds to j the members "reviews" (an array, oldest first), "decision"
 * (absent when none was served) and "credit_repairs" (an array, oldest
 * first) of inspection id.  Returns 0, or an error of the registry
 * (logged by the caller); j may be NULL (memory ran out): nothing is
 * added.
 */
int	 procedure_json(struct station *st, const char *id, json_t *j);

#endif
