/*
 * libFuzzer target for note_verifier_parse().  A verifier key has one
 * canonical spelling (lowercase hex key ID, canonical base64), so whatever
 * parses must format back to exactly the input: if it does not, two
 * different strings name the same key, and that is a bug worth a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "custos/note.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct note_verifier *v = NULL;
	char *s = NULL;

	if (note_verifier_parse((const char *)data, size, &v) != 0)
		return 0;
	if (note_verifier_format(v, &s) != 0)
		abort();
	if (strlen(s) != size || memcmp(s, data, size) != 0)
		abort();
	/* The accessors agree with what was parsed. */
	if (note_verifier_name(v) == NULL ||
	    strncmp(note_verifier_name(v), s, strlen(note_verifier_name(v)))
	    != 0)
		abort();
	(void)note_verifier_keyid(v);
	(void)note_verifier_alg(v);
	free(s);
	note_verifier_free(v);
	return 0;
}
