/*
 * disposal: the bytes of disposed objects (docs/retention.md,
 * "Disposal").  An object.deleted entry is appended and durable before
 * its object's bytes are removed from the store, so a crash in between
 * leaves an entry whose bytes remain; disposal_finish() removes them.
 * custosd calls it at the start and the dispose route before each
 * disposal: removing what is already gone is a no-op.
 */
#ifndef CUSTOSD_DISPOSAL_H
#define CUSTOSD_DISPOSAL_H

#include <stdint.h>

struct station;

/*
 * Reads the log and removes from the store every object whose latest
 * entry of its own is an object.deleted (one sealed again after its
 * disposal is stored anew and stays).  Sets *removed (may be NULL) to how
 * many were removed.  Returns 0, or the log's or the store's error (the
 * rest stay for the next call).
 */
int	 disposal_finish(struct station *st, uint64_t *removed);

#endif
