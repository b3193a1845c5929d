/*
 * libFuzzer target for receipt_parse() and receipt_verify().
 *
 * The input is parsed as a receipt and, when it parses, verified against
 * the fixed keys that signed the seed corpus (the verifier fixture's
 * station keys, both profiles, from tests/tools/mkfixture.c, and the
 * test-vector key of docs/log.md).  Every
 * error code must be one the header promises, and a verified receipt
 * must name an entry inside its tree.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "custos/ckpt.h"
#include "custos/err.h"
#include "custos/note.h"
#include "custos/receipt.h"
#include "fuzz_util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const vkeys[] = {
	"fixture.example/station+123e019f+"
	    "AZJaqwliCSz8k3m38NhKgxqmSNuSLj60JMsOH8Y0CGQw",
	"fixture.example/station-sm+75925e85+/2N1c3Rvcy1zbTIEnQwb3vcXW3HcS+3V"
	    "JUn+mdqysl+Hr7hDid5Nct3Uxzb2wVKsx67PykMIpO0ydaOHC/emPByvaFPN//Tmx"
	    "hIu3Q==",
	"custos.example/station-3+4c9b722d+"
	    "AUCXhCdeHps8DOEm/Kd1Rzs0SoXni2pAQfOg0SjJ9x2d",
	NULL,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct note_verifier *const *verifiers;
	struct receipt *r;
	const uint8_t *extra;
	char why[512];
	size_t i, len;
	int rc;

	verifiers = fuzz_verifiers(vkeys);

	if ((rc = receipt_parse((const char *)data, size, &r)) != 0) {
		if (rc != CUSTOS_ERR_FORMAT && rc != CUSTOS_ERR_TOOBIG &&
		    rc != CUSTOS_ERR_NOMEM)
			abort();
		return 0;
	}
	extra = receipt_extra(r, &len);
	if ((extra == NULL) != (len == 0) || len > RECEIPT_MAX_EXTRA ||
	    receipt_nproof(r) > RECEIPT_MAX_PROOF ||
	    receipt_checkpoint(r) == NULL)
		abort();
	for (i = 0; verifiers[i] != NULL; i++) {
		why[0] = '\0';
		rc = receipt_verify(r, verifiers[i], why, sizeof(why));
		if (rc == 0) {
			if (receipt_index(r) >= receipt_size(r) ||
			    extra == NULL || why[0] != '\0')
				abort();
		} else if ((rc != CUSTOS_ERR_FORMAT && rc != CUSTOS_ERR_KEY &&
		    rc != CUSTOS_ERR_VERIFY && rc != CUSTOS_ERR_NOMEM &&
		    rc != CUSTOS_ERR_CRYPTO) || why[0] == '\0')
			abort();
	}
	receipt_free(r);
	return 0;
}
