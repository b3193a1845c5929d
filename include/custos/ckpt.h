/*
 * ckpt: C2SP tlog-checkpoint bodies (https://c2sp.org/tlog-checkpoint).
 *
 *	<origin>\n
 *	<tree size, decimal, no leading zeros>\n
 *	<base64 root hash>\n
 *	[<extension line>\n ...]
 */
#ifndef CUSTOS_CKPT_H
#define CUSTOS_CKPT_H

#include <stddef.h>
#include <stdint.h>

#include "custos/digest.h"
#include "custos/note.h"

#define CKPT_MAX_EXT	16

struct checkpoint {
	char		*origin;
	uint64_t	 size;
	uint8_t		 root[DIGEST_LEN];
	char		*ext[CKPT_MAX_EXT];	/* extension lines, no "\n" */
	size_t		 next;
};

/*
 * Parses a checkpoint body (a note's text).  Returns 0 and *out (free with
 * ckpt_free()), CUSTOS_ERR_FORMAT (also for an empty extension line, more
 * than CKPT_MAX_EXT of them, or a control character other than "\n"), or
 * CUSTOS_ERR_NOMEM.
 */
int	 ckpt_parse(const char *text, size_t len, struct checkpoint **out);

/*
 * Formats a checkpoint body into a newly allocated, NUL-terminated *out of
 * *outlen bytes.  ext may be NULL when next is 0.  Returns 0,
 * CUSTOS_ERR_INVALID for an empty origin or extension line, a line
 * containing "\n" or another control character, or more than CKPT_MAX_EXT
 * extension lines, or CUSTOS_ERR_NOMEM.
 */
int	 ckpt_format(const char *origin, uint64_t size,
	    const uint8_t root[DIGEST_LEN], char *const *ext, size_t next,
	    char **out, size_t *outlen);

/*
 * Opens a signed checkpoint: parses the note, checks its signature by v
 * and that the origin equals v's key name, and parses the body.  Returns 0
 * and *out, or the first error: CUSTOS_ERR_FORMAT or CUSTOS_ERR_TOOBIG for
 * a malformed note or body, CUSTOS_ERR_KEY if no line is by v,
 * CUSTOS_ERR_VERIFY for a bad signature or a validly signed checkpoint
 * whose origin is not v's name.
 */
int	 ckpt_open(const char *msg, size_t len, const struct note_verifier *v,
	    struct checkpoint **out);

void	 ckpt_free(struct checkpoint *c);

#endif
