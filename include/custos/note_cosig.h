/*
 * note_cosig: a checkpoint note with and without its witnesses'
 * cosignature lines (c2sp.org/tlog-cosignature).  The station signs its
 * checkpoint and has the RFC 3161 token made over that note; witnesses
 * later add their signature lines after the station's.  A verifier checks
 * the token over the note as the station signed it: the same text with
 * only the station key's signature lines.
 */
#ifndef CUSTOS_NOTE_COSIG_H
#define CUSTOS_NOTE_COSIG_H

#include <stddef.h>

#include "custos/note.h"

/*
 * Writes to a newly allocated *out (*outlen bytes, NUL-terminated; the
 * caller frees it) the note of len bytes with every signature line that is
 * not v's (name and key ID) left out, in the order of the original.
 * Returns 0, note_parse()'s errors for a malformed note, CUSTOS_ERR_KEY
 * when no line is v's, or CUSTOS_ERR_NOMEM.  Nothing is verified.
 */
int	 note_cosig_station(const char *note, size_t len,
	    const struct note_verifier *v, char **out, size_t *outlen);

/*
 * Writes to a newly allocated *out (*outlen bytes, NUL-terminated) the
 * note of len bytes followed by the n signature lines lines[i] (lens[i]
 * bytes, each "— " ... "\n").  Returns 0, CUSTOS_ERR_FORMAT if a line is
 * not one signature line, CUSTOS_ERR_TOOBIG past NOTE_MAX_SIZE or
 * NOTE_MAX_SIGS, or CUSTOS_ERR_NOMEM.  The result is parsed again to check
 * it.
 */
int	 note_cosig_append(const char *note, size_t len,
	    const char *const *lines, const size_t *lens, size_t n,
	    char **out, size_t *outlen);

#endif
