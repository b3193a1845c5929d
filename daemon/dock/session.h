/*
 * session: one docked camera's session once its volume has been walked.
 * The camera's regular files are sealed through seal.h one at a time (at
 * most one operation in flight per camera, so one slow camera stalls no
 * other); with after_ingest = delete a file is unlinked only after its
 * entry is committed and the stored object re-read and matched.  On
 * ENOSPC from the store every camera pauses and one of them retries on a
 * timer.  The session ends with a dock.session entry (camera, start, end,
 * inventory of every file seen with its digest or the reason it was
 * refused, files seen before and now gone unsealed as "missing", the
 * camera clock drift where measurable) and a signed checkpoint.
 */
#ifndef CUSTOSD_SESSION_H
#define CUSTOSD_SESSION_H

struct camera;

/*
 * Moves camera c (owned by its dock, on the loop) on: does nothing while
 * an operation is in flight or the camera is not sealing; otherwise
 * starts its next pending file, holds it back while the store is full,
 * or ends the session ("stopped" while the dock stops, "undocked" once
 * the camera is gone, "complete" when no file is left).  Ending the
 * session appends the dock.session entry, frees the items, and unlinks
 * and frees c if it is gone; errors are logged, not returned.
 */
void	 session_next(struct camera *c);

#endif
