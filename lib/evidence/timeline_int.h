/*
 * timeline_int.h: what timeline.c asks of timeline_clock.c (the camera's
 * clock: the drift a dock session measured, applied to the times shown)
 * and of timeline_text.c (what each event says), and no one else.
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

/* The name officer.added gives officer id in ev, or NULL. */
const char *timeline_officer_name(const struct evidence *ev, const char *id);

/*
 * The English one-line text of chain entry e of type, as a new JSON
 * string (NULL: out of memory), and its event kind in *kind ("other"
 * with the type as its text for a type that is no step).
 */
json_t	*timeline_step_text(const struct evidence *ev, const json_t *e,
	    const char *type, const char **kind);

/*
 * "DCIM/a.mp4 from camera C carried by PA-0001 张伟: 60.0 s, to 09:01:02
 * Beijing; source usb; sha256:...", the text of footage e recorded from
 * from to to (Unix ms), as a new JSON string or NULL.  A file the media
 * child could not read as audio or video says so instead of a duration.
 */
json_t	*timeline_footage_text(const struct evidence *ev, const json_t *e,
	    int64_t from, int64_t to, int linked);

/*
 * Sets event's "type" (the entry's type) and "facts": the members of
 * entry e that its sentence tells, copied as they are (enterprise,
 * method, basis, content, planned, backfill_due(_unknown), reason, from,
 * to, result, deadline, reviewer, note, text, by, what, name, size,
 * segment, late, number, penalty, credit_notice, due(_unknown),
 * application, at, path, source, decodable, object, camera), the entry's "kind"
 * as "document_kind", its probe status as "probe", and its officers as
 * [{"id", "name"}] (name from officer.added, when there is one), so that
 * a reader can say the same in another language.  Returns 0 or
 * CUSTOS_ERR_NOMEM (event then may hold neither).
 */
int	 timeline_facts(const struct evidence *ev, const json_t *e,
	    const char *type, json_t *event);

#endif
