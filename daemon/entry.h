/*
 * entry: builds log entries.  An entry is one compact JSON object on a
 * single line (UTF-8, no newline inside):
 *
 *	{"type":T,"index":N,"time":"<UTC RFC 3339, ms>","station":S,...}
 *
 * followed by the payload's fields in their insertion order.  These bytes
 * are what gets hashed and stored; nothing re-serialises them later.
 */
#ifndef CUSTOSD_ENTRY_H
#define CUSTOSD_ENTRY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

/*
 * Formats t as "YYYY-MM-DDThh:mm:ss.sssZ" into buf (at least 25 bytes).
 */
void	 entry_time(const struct timespec *t, char *buf, size_t bufsz);

/*
 * Builds the entry bytes into a newly allocated *out (NUL-terminated, *len
 * bytes without it); the caller frees it.  payload (borrowed, may be NULL)
 * must not use the reserved keys type, index, time or station.  Returns 0,
 * CUSTOS_ERR_INVALID for a reserved key, or CUSTOS_ERR_NOMEM.
 */
int	 entry_build(const char *type, uint64_t index,
	    const struct timespec *now, const char *station,
	    json_t *payload, char **out, size_t *len);

#endif
