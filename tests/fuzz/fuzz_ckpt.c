/*
 * libFuzzer target for ckpt_parse() and ckpt_open().
 *
 * The input is tried as a checkpoint body, as a signed note whose text is
 * parsed as a body, and as a signed checkpoint opened with the fixed
 * station keys that signed the seed corpus, parsed once and read-only
 * afterwards.  ckpt.h promises one spelling per
 * checkpoint, so a parsed body must format back to exactly its bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "custos/ckpt.h"
#include "custos/err.h"
#include "custos/note.h"
#include "fuzz_util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The SM2 key signed corpus/ckpt/sm2.note. */
static const char *const vkeys[] = { FUZZ_VKEY_ED25519, FUZZ_VKEY_SM2,
    NULL };

/* Parses a body and checks that it formats back to the same bytes. */
static void
body(const char *text, size_t len)
{
	struct checkpoint *c;
	size_t outlen;
	char *out;
	int rc;

	if ((rc = ckpt_parse(text, len, &c)) != 0) {
		if (rc != CUSTOS_ERR_FORMAT && rc != CUSTOS_ERR_NOMEM)
			abort();
		return;
	}
	if (ckpt_format(c->origin, c->size, c->root, c->ext, c->next, &out,
	    &outlen) != 0)
		abort();
	if (outlen != len || memcmp(out, text, len) != 0)
		abort();
	free(out);
	ckpt_free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *msg = (const char *)data;
	struct note_verifier *const *verifiers;
	struct checkpoint *c;
	struct note *n;
	const char *text;
	size_t i, len;
	int rc;

	verifiers = fuzz_verifiers(vkeys);

	body(msg, size);
	if (note_parse(msg, size, &n) == 0) {
		text = note_text(n, &len);
		body(text, len);
		note_free(n);
	}

	for (i = 0; verifiers[i] != NULL; i++) {
		rc = ckpt_open(msg, size, verifiers[i], &c);
		if (rc == 0) {
			if (strcmp(c->origin,
			    note_verifier_name(verifiers[i])) != 0)
				abort();
			ckpt_free(c);
		} else if (rc != CUSTOS_ERR_FORMAT && rc != CUSTOS_ERR_KEY &&
		    rc != CUSTOS_ERR_VERIFY && rc != CUSTOS_ERR_TOOBIG &&
		    rc != CUSTOS_ERR_NOMEM && rc != CUSTOS_ERR_CRYPTO)
			abort();
	}
	return 0;
}
