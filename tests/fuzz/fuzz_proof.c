/*
 * libFuzzer target for merkle_proof_parse() and the RFC 9162 proof checks.
 *
 * Input layout (tests/fuzz/gen_corpus.go writes valid seeds this way):
 *	byte 0		flags: bit 0 consistency (else inclusion), bit 1 SM3
 *	bytes 1..8	little-endian uint64: leaf index, or old tree size
 *	bytes 9..16	little-endian uint64: tree size, or new tree size
 *	bytes 17..48	leaf hash, or old root
 *	bytes 49..80	root, or new root
 *	bytes 81..	the proof file text
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "custos/err.h"
#include "custos/merkle.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HDR_LEN	(1 + 8 + 8 + 2 * DIGEST_LEN)

static uint64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN];
	const uint8_t *h1, *h2;
	enum digest_alg alg;
	uint64_t a, b;
	size_t n = 0;
	int rc;

	if (size < HDR_LEN)
		return 0;
	alg = (data[0] & 2) ? DIGEST_SM3 : DIGEST_SHA256;
	a = le64(data + 1);
	b = le64(data + 9);
	h1 = data + 17;
	h2 = data + 17 + DIGEST_LEN;
	rc = merkle_proof_parse((const char *)data + HDR_LEN, size - HDR_LEN,
	    proof, MERKLE_MAX_PROOF, &n);
	if (rc != 0) {
		if (rc != CUSTOS_ERR_FORMAT && rc != CUSTOS_ERR_TOOBIG)
			abort();
		return 0;
	}
	if (n > MERKLE_MAX_PROOF)
		abort();
	if (data[0] & 1)
		rc = merkle_verify_consistency(alg, a, b, h1, h2,
		    (const uint8_t (*)[DIGEST_LEN])proof, n);
	else
		rc = merkle_verify_inclusion(alg, a, b, h1,
		    (const uint8_t (*)[DIGEST_LEN])proof, n, h2);
	if (rc != 0 && rc != CUSTOS_ERR_VERIFY)
		abort();
	return 0;
}
