/*
 * gaps: the file-numbering check of a docked camera's session
 * (numbering.h does the finding): the names on the volume now and those
 * of the camera's previous session (from the catalog) are grouped into
 * series by [dock] file_numbering, and every hole becomes a member of
 * the dock.session entry's "numbering_gaps" and one warning in the log.
 */
#ifndef CUSTOSD_GAPS_H
#define CUSTOSD_GAPS_H

#include <jansson.h>

struct camera;

/*
 * The holes in camera c's numbering (its items, on the loop, before the
 * dock.session entry is appended): sets c->gaps to an array of {series,
 * missing_from, missing_to, after, before} (docs/dock.md) on its first
 * call for the session, logging one warning per hole, and returns it (a
 * borrowed reference; empty when there is no hole or the check could not
 * be made, which is logged).  *omitted counts the holes left out of the
 * array to keep the entry small.  Returns NULL only on allocation
 * failure.
 */
json_t	*gaps_of(struct camera *c, size_t *omitted);

#endif
