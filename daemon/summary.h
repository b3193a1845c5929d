/*
 * summary: the station's procedure status for GET /v1/status, computed
 * from the registry each time it is asked (nothing is stored).
 */
#ifndef CUSTOSD_SUMMARY_H
#define CUSTOSD_SUMMARY_H

#include <jansson.h>

struct station;

/*
 * Returns a new object (the caller owns the reference) with
 *	"open"			inspections not closed
 *	"overdue"		[{"inspection", "enterprise", "backfill_due"}]:
 *				emergency inspections not back-filled by their
 *				backfill_due (the entry's, or computed from
 *				the calendar in use when the entry has none:
 *				station_backfill_due())
 *	"red_not_inspected"	[{"enterprise", "name", "coded_red",
 *				"deadline" or "deadline_unknown", "overdue"}]:
 *				enterprises whose current risk is red and that
 *				have no inspection entered at or after the
 *				time they were coded red; the deadline is 24:00
 *				Beijing of the 5th working day after that
 *				Beijing date
 * or NULL when the registry cannot be read or memory runs out.
 */
json_t	*summary_inspections(struct station *st);

#endif
