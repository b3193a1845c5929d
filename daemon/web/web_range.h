/*
 * web_range: the HTTP Range header of a footage request (RFC 9110
 * 14.1.2), the one parser of it (web_footage.c; tests/fuzz/
 * fuzz_web_range.c).
 */
#ifndef CUSTOSD_WEB_RANGE_H
#define CUSTOSD_WEB_RANGE_H

#include <stdint.h>

/*
 * The byte range range (the header's value, or NULL) asks of a file of
 * size bytes.  Returns 0: the whole file (no header, another unit, a
 * malformed value, or several ranges, which a server may ignore); 1:
 * [*off, *off + *len), with *len >= 1 and the end within the file
 * ("bytes=A-B" with B cut to the end, "bytes=A-", "bytes=-N" the last
 * N); -1: unsatisfiable (A at or past the end, "-0", any range of an
 * empty file): a 416.
 */
int	 web_range_parse(const char *range, uint64_t size, uint64_t *off,
	    uint64_t *len);

/*
 * Whether range asks for the start of the file (no header, or one that
 * starts at byte 0, or one that is ignored): a play, to be logged.
 */
int	 web_range_from_start(const char *range);

#endif
