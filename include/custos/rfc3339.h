/*
 * rfc3339: the one parser and formatter of the times entries and the
 * control API carry.  Pure: no clock, no locale, no time zone database.
 */
#ifndef CUSTOS_RFC3339_H
#define CUSTOS_RFC3339_H

#include <stddef.h>
#include <stdint.h>

/* Bytes rfc3339_format() needs: "YYYY-MM-DDThh:mm:ss.sssZ" and a NUL. */
#define RFC3339_LEN	25

/*
 * Parses an RFC 3339 time, strictly: "YYYY-MM-DDThh:mm:ss", an optional
 * fraction of 1 to 9 digits (truncated to milliseconds), then "Z" or
 * "+hh:mm"/"-hh:mm"; upper-case "T" and "Z" only, no leap second, a real
 * date, nothing after it.  Stores Unix milliseconds UTC in *ms (left
 * alone on error).  Returns 0 or CUSTOS_ERR_FORMAT (also for a NULL s).
 */
int	 rfc3339_parse(const char *s, int64_t *ms);

/*
 * Writes ms (Unix milliseconds UTC, may be negative) as
 * "YYYY-MM-DDThh:mm:ss.sssZ" and a NUL into buf, which should hold
 * RFC3339_LEN bytes; a shorter buf gets a truncated, NUL-ended string.
 */
void	 rfc3339_format(int64_t ms, char *buf, size_t len);

#endif
