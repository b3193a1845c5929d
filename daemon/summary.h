/*
 * summary: the station's procedure status for GET /v1/status, computed
 * from the registry each time it is asked (nothing is stored).
 */
#ifndef CUSTOSD_SUMMARY_H
#define CUSTOSD_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct cal_date;
struct calendar;
struct registry_inspection;
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

/*
 * Now in Unix milliseconds UTC: the clock by which the status and the
 * control API judge deadlines and date new inspections.
 */
int64_t	 summary_now_ms(void);

/*
 * Whether inspection i is overdue at now: an emergency inspection, not
 * back-filled, whose backfill_due has passed.  now and backfill_due are
 * UTC times as entries write them (rfc3339_format(), or computed by
 * station_backfill_due()), so they compare as text.
 */
int	 summary_overdue(const struct registry_inspection *i, const char *now);

/*
 * The deadline n working days after the Beijing date day: 24:00 Beijing
 * of that working day.  Returns 0 with it in *end (Unix milliseconds)
 * and in buf as an RFC 3339 UTC time; or CUSTOS_ERR_RANGE with "calendar
 * does not cover DATE" in buf when the calendar does not reach it (a
 * deadline not covered is reported, never guessed).  buf should hold 64
 * bytes.
 */
int	 summary_deadline(const struct calendar *cal,
	    const struct cal_date *day, int n, int64_t *end, char *buf,
	    size_t len);

#endif
