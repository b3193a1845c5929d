/*
 * autolink: links a newly sealed segment to the open inspections of the
 * officer who carried its camera when it was recorded (docs/inspection.md,
 * "Automatic linking").
 */
#ifndef CUSTOSD_AUTOLINK_H
#define CUSTOSD_AUTOLINK_H

#include <stdint.h>

#include <jansson.h>

struct station;

/*
 * Called right after the segment.sealed entry index with payload seg
 * (borrowed: the members given to station_append(), at least "object",
 * "camera" and "mtime") was appended.  Finds the officer the camera was
 * assigned to at the segment's recorded time (media.recorded_start, else
 * mtime) and appends one evidence.linked entry, "by": "auto", to each
 * inspection of that officer that is open at that time: entered at or
 * before it, not closed, and not left before it.  Logs one line per link.
 * Sets *linked (may be NULL) to the number of entries appended.  Returns
 * 0 (also when there is nothing to link), or the first error; a failure
 * for one inspection does not keep the others from their link, and links
 * appended stay.  The seal never depends on the result.
 */
int	 autolink_segment(struct station *st, uint64_t index, json_t *seg,
	    unsigned *linked);

#endif
