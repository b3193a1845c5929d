/*
 * timeline_int.h: what timeline.c asks of timeline_clock.c (the camera's
 * clock: the drift a dock session measured, applied to the times shown),
 * and no one else.
 */
#ifndef CUSTOS_TIMELINE_INT_H
#define CUSTOS_TIMELINE_INT_H

#include <stdint.h>

#include <jansson.h>

#include "custos/evidence.h"

/*
 * Adds the camera clock's members to the footage event of segment seg
 * (its segment.sealed entry in ev), recorded from from to to (Unix ms, as
 * rules_segment_span() reads the entry), and to its coverage item cover:
 *
 *	event	"recorded_time" (always), and when a dock.session of ev
 *		lists seg as "sealed" by the same camera: "drift_session"
 *		(its index) and either "drift_ms" (camera minus station)
 *		and "corrected_time" (from - drift_ms), or "drift_unknown"
 *		(why the session has no drift)
 *	cover	"drift_ms", "corrected_from", "corrected_to" when a drift
 *		applies
 *
 * Returns 0 or CUSTOS_ERR_NOMEM.
 */
int	 timeline_clock_note(const struct evidence *ev,
	    const struct evidence_entry *seg, int64_t from, int64_t to,
	    json_t *event, json_t *cover);

/*
 * The clock line of a footage event (one that timeline_clock_note()
 * annotated), without indentation or newline, as a new string the caller
 * frees; NULL when the event has no drift members (or out of memory).
 * Its text may hold an entry's strings: print it escaped.
 */
char	*timeline_clock_line(const json_t *event);

#endif
