/*
 * libFuzzer target for what a verifier does with a cosigned checkpoint
 * (custos-verify --witness, and the token check of any bundle):
 * note_cosig_station() keeps the station key's signature lines only, and
 * cosig_verify_note() checks a witness's cosignature lines.  The keys are
 * fixed and parsed once: the station key of tests/data/fixture and the
 * witness key w1 of tests/data/witness, which made the seed
 * corpus/note_cosig/cosigned.note, and the fuzz station key.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "custos/cosig.h"
#include "custos/err.h"
#include "custos/note.h"
#include "custos/note_cosig.h"
#include "fuzz_util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const vkeys[] = {
	"fixture.example/station+123e019f+"
	    "AZJaqwliCSz8k3m38NhKgxqmSNuSLj60JMsOH8Y0CGQw",
	FUZZ_VKEY_ED25519, NULL,
};

#define WKEY	"witness.example/w1+89887662+" \
	"BIhT3ibwdAAd/K8xK4s6Qvd9mKPWXk0Doad57D3XfktB"

static struct cosig_verifier *
witness(void)
{
	static struct cosig_verifier *w;

	if (w == NULL && cosig_verifier_parse(WKEY, strlen(WKEY), &w) != 0)
		abort();
	return w;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct note_verifier *const *v = fuzz_verifiers(vkeys);
	struct note *n = NULL, *own = NULL;
	const char *text, *otext;
	size_t i, len, olen, tlen, otlen;
	char *out;
	uint64_t ts;
	int rc;

	for (i = 0; v[i] != NULL; i++) {
		rc = note_cosig_station((const char *)data, size, v[i], &out,
		    &len);
		if (rc != 0) {
			if (out != NULL)
				abort();
			continue;
		}
		/* Same text, only v's lines, still a note. */
		if (note_parse(out, len, &own) != 0 ||
		    note_parse((const char *)data, size, &n) != 0)
			abort();
		text = note_text(n, &tlen);
		otext = note_text(own, &otlen);
		if (tlen != otlen || memcmp(text, otext, tlen) != 0 ||
		    note_nsigs(own) == 0 || note_nsigs(own) > note_nsigs(n))
			abort();
		for (olen = 0; olen < note_nsigs(own); olen++)
			if (strcmp(note_sig(own, olen)->name,
			    note_verifier_name(v[i])) != 0 ||
			    note_sig(own, olen)->keyid !=
			    note_verifier_keyid(v[i]))
				abort();
		note_free(own);
		note_free(n);
		free(out);
	}
	if (note_parse((const char *)data, size, &n) == 0) {
		rc = cosig_verify_note(n, witness(), &ts);
		if (rc != 0 && rc != CUSTOS_ERR_KEY &&
		    rc != CUSTOS_ERR_VERIFY && rc != CUSTOS_ERR_NOMEM &&
		    rc != CUSTOS_ERR_CRYPTO)
			abort();
		note_free(n);
	}
	return 0;
}
