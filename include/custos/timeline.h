/*
 * timeline: an inspection's full story in time order, built from its
 * gathered evidence (evidence.h): every step of its chain, the footage
 * with its recorded times, the coverage of the site visit by footage, the
 * gaps in it and the procedure findings.  `custos replay` prints it from
 * the station's log; `custos-verify bundle` shows the same from a bundle.
 *
 * Pure: no database, no I/O but the FILE the caller passes to
 * timeline_print(), no clock.
 */
#ifndef CUSTOS_TIMELINE_H
#define CUSTOS_TIMELINE_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

struct evidence;

/*
 * Builds the timeline of ev as a new JSON object (the caller owns the
 * reference in *out):
 *
 *	{"inspection": "<ID>",
 *	 "events": [{"time": "<RFC 3339 UTC>", "kind": "<kind>",
 *	   "index": <log index>, "text": "<one line>", ...}],
 *	 "coverage": [{"from", "to", "segment", "camera", "linked"}],
 *	 "gaps": [{"from", "to", "seconds", "explained", "reason"?}],
 *	 "findings": [...]}
 *
 * kind is one of registered, emergency, entered, footage, document,
 * gap_reason, left, closed, backfilled, review, feedback, decision,
 * credit_apply, credit_answer, linked, unlinked, exported, viewed or
 * other.  Events are sorted by time, then index.
 * The time of entering and leaving is their "at", of footage its recorded
 * start, of every other step its entry's "time".  Extra fields: camera,
 * officer, officer_name, duration_ms, object, segment, start_source
 * ("recorded_start" or "mtime"), linked, where they apply.
 *
 * The camera's clock (docs/audit.md): every footage event has
 * "recorded_time" (its "time": the camera's clock).  When a dock.session
 * of ev lists the segment as "sealed" by the same camera, the event has
 * "drift_session" (that session's index) and either "drift_ms" (its
 * clock_drift: camera minus station) and "corrected_time" (recorded time
 * minus drift_ms), or "drift_unknown" (why the session measured none);
 * the coverage item then has "drift_ms", "corrected_from" and
 * "corrected_to".  Nothing else moves: events are ordered, and coverage
 * and gaps computed, by the recorded times as the entries hold them.
 *
 * coverage lists every segment of ev by recorded start and duration (the
 * reading of rules_segment_span()), ordered by start; "linked" is false
 * for a segment unlinked again.  gaps are the stretches between entering
 * and leaving that no linked footage covers and that are longer than
 * RULES_GAP_TOLERANCE_MS; a stretch covered by an inspection.gap_reason is
 * its own gap with "explained": true and the reason, the rest is
 * unexplained (the footage_gap findings).  No gaps are computed before
 * the inspection has left.  findings is a reference to the findings
 * passed in (an empty array for NULL).
 *
 * Returns 0; CUSTOS_ERR_INVALID for a NULL ev or out; CUSTOS_ERR_FORMAT
 * when an entry that a step needs is malformed (no index or type, a bad
 * time); CUSTOS_ERR_NOMEM.  On error *out is NULL.
 */
int	 timeline_build(const struct evidence *ev, const json_t *findings,
	    json_t **out);

/*
 * Writes timeline (timeline_build()'s object) to f as readable text, one
 * line a step: UTC time with Beijing time beside it, the log index, the
 * kind and the text; footage lines with their recorded times and
 * durations, and under each one with a dock session a line on the
 * camera's clock (its drift and the corrected time); then the coverage, the gaps (unexplained ones marked) and
 * the findings.  Fields missing from timeline are skipped.  Write errors
 * are left in f's error indicator for the caller to check.
 */
void	 timeline_print(FILE *f, const json_t *timeline);

/*
 * Writes "YYYY-MM-DD hh:mm:ss" of ms (Unix milliseconds UTC) in Beijing
 * time (UTC+8, no daylight saving) and a NUL into buf; a buf shorter than
 * 20 bytes gets a truncated string.
 */
void	 timeline_beijing(int64_t ms, char *buf, size_t len);

#endif
