/*
 * libFuzzer target for note_parse() and note_verify().  The verifier keys
 * are fixed and parsed once, on the first call; they are read-only
 * afterwards, so runs do not influence each other.  The keys are those
 * that signed the seed corpus: the Go note package's test key, the
 * station key of tests/fuzz/gen_corpus.go and an SM2 key made once with
 * lib/log/note_sign.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "custos/err.h"
#include "custos/note.h"
#include "fuzz_util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The SM2 key signed corpus/note/sm2.note. */
static const char *const vkeys[] = {
	"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
	FUZZ_VKEY_ED25519, FUZZ_VKEY_SM2, NULL,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct note_verifier *const *verifiers;
	const struct note_sig *sig;
	struct note *n = NULL;
	const char *text;
	size_t i, len;
	int rc;

	verifiers = fuzz_verifiers(vkeys);
	if (note_parse((const char *)data, size, &n) != 0)
		return 0;
	/* The signed text is a prefix of the input and ends in "\n". */
	text = note_text(n, &len);
	if (len == 0 || len > size || text[len - 1] != '\n' ||
	    memcmp(text, data, len) != 0)
		abort();
	if (note_nsigs(n) == 0 || note_nsigs(n) > NOTE_MAX_SIGS)
		abort();
	for (i = 0; i < note_nsigs(n); i++) {
		sig = note_sig(n, i);
		if (sig == NULL || sig->name == NULL)
			abort();
	}
	for (i = 0; verifiers[i] != NULL; i++) {
		rc = note_verify(n, verifiers[i]);
		if (rc != 0 && rc != CUSTOS_ERR_KEY &&
		    rc != CUSTOS_ERR_VERIFY && rc != CUSTOS_ERR_NOMEM &&
		    rc != CUSTOS_ERR_CRYPTO)
			abort();
	}
	note_free(n);
	return 0;
}
