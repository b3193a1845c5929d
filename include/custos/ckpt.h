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
 * ckpt_free()), or CUSTOS_ERR_FORMAT.
 */
int	 ckpt_parse(const char *text, size_t len, struct checkpoint **out);

/*
 * Formats a checkpoint body into a newly allocated, NUL-terminated *out of
 * *outlen bytes.  ext may be NULL when next is 0.  Returns 0,
 * CUSTOS_ERR_INVALID for an empty origin or a line containing "\n", or
 * CUSTOS_ERR_NOMEM.
 */
int	 ckpt_format(const char *origin, uint64_t size,
	    const uint8_t root[DIGEST_LEN], char *const *ext, size_t next,
	    char **out, size_t *outlen);

/*
 * Opens a signed checkpoint: parses the note, checks its signature by v
 * and that the origin equals v's key name, and parses the body.  Returns 0
 * and *out, or the first error (CUSTOS_ERR_FORMAT, CUSTOS_ERR_KEY,
 * CUSTOS_ERR_VERIFY).
 */
int	 ckpt_open(const char *msg, size_t len, const struct note_verifier *v,
	    struct checkpoint **out);

void	 ckpt_free(struct checkpoint *c);

#endif
