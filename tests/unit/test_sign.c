#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "custos/enc.h"
#include "custos/err.h"
#include "custos/sign.h"
#include "custos/signer.h"

/* RFC 8032 section 7.1, TEST 1, 2 and 3: secret, public, message, sig. */
static const char *const rfc8032[][4] = {
	{ "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
	  "",
	  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	  "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
	{ "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	  "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
	  "72",
	  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
	  "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
	{ "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
	  "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
	  "af82",
	  "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
	  "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
};

/*
 * The signature example of GM/T 0003.5-2012 (GB/T 32918.5-2017) annex A on
 * the recommended SM2 curve: ID "1234567812345678", message
 * "message digest".  The published (r, s) is encoded here as DER, the
 * encoding OpenSSL and Custos use; both integers have the top bit set, so
 * each gets a leading zero byte.
 */
static const char sm2_priv_hex[] =
    "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
static const char sm2_pub_hex[] = "04"
    "09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020"
    "ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13";
static const char sm2_sig_hex[] = "3046" "022100"
    "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3"
    "022100"
    "b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa";
static const char sm2_msg[] = "message digest";

/* The SM2 group order n and field prime p. */
static const char sm2_n_hex[] =
    "fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123";
static const char sm2_p_hex[] =
    "fffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffff";

static size_t
unhex(const char *s, uint8_t *out, size_t outsz)
{
	size_t n = strlen(s) / 2;

	assert_true(n <= outsz);
	assert_int_equal(hex_decode(s, strlen(s), out, n), 0);
	return n;
}

/* Adds a small value to a big-endian number in place (no overflow). */
static void
be_add(uint8_t *b, size_t len, int v)
{
	int i, c = v;

	for (i = (int)len - 1; i >= 0 && c != 0; i--) {
		c += b[i];
		b[i] = (uint8_t)c;
		c >>= 8;
	}
}

static void
test_ed25519_rfc8032(void **state)
{
	uint8_t seed[32], pk[32], msg[8], want[64], sig[SIGN_SIG_MAX];
	uint8_t raw[SIGN_PUB_MAX];
	struct sign_key *key;
	struct sign_pub *pub, *pub2;
	size_t i, mlen, siglen, rawlen;

	(void)state;
	for (i = 0; i < sizeof(rfc8032) / sizeof(rfc8032[0]); i++) {
		unhex(rfc8032[i][0], seed, sizeof(seed));
		unhex(rfc8032[i][1], pk, sizeof(pk));
		mlen = unhex(rfc8032[i][2], msg, sizeof(msg));
		unhex(rfc8032[i][3], want, sizeof(want));

		assert_int_equal(sign_key_from_raw(SIGN_ED25519, seed, 32,
		    &key), 0);
		assert_int_equal(sign_key_alg(key), SIGN_ED25519);
		assert_int_equal(sign_key_public(key, &pub), 0);
		assert_int_equal(sign_pub_raw(pub, raw, &rawlen), 0);
		assert_int_equal(rawlen, 32);
		assert_memory_equal(raw, pk, 32);

		assert_int_equal(sign_key_sign(key, msg, mlen, sig, &siglen),
		    0);
		assert_int_equal(siglen, 64);
		assert_memory_equal(sig, want, 64);

		/* The published key and signature verify on their own. */
		assert_int_equal(sign_pub_from_raw(SIGN_ED25519, pk, 32,
		    &pub2), 0);
		assert_int_equal(sign_pub_alg(pub2), SIGN_ED25519);
		assert_int_equal(sign_verify(pub2, msg, mlen, want, 64), 0);
		sign_pub_free(pub2);
		sign_pub_free(pub);
		sign_key_free(key);
	}
}

/* Every one of the 255 other values of every byte must be refused. */
static void
test_ed25519_every_byte(void **state)
{
	uint8_t pk[32], msg[8], sig[64];
	struct sign_pub *pub;
	size_t i, mlen;
	int v;

	(void)state;
	unhex(rfc8032[2][1], pk, sizeof(pk));
	mlen = unhex(rfc8032[2][2], msg, sizeof(msg));
	unhex(rfc8032[2][3], sig, sizeof(sig));
	assert_int_equal(sign_pub_from_raw(SIGN_ED25519, pk, 32, &pub), 0);
	assert_int_equal(sign_verify(pub, msg, mlen, sig, 64), 0);

	for (i = 0; i < 64; i++)
		for (v = 1; v < 256; v++) {
			sig[i] ^= (uint8_t)v;
			assert_int_equal(sign_verify(pub, msg, mlen, sig, 64),
			    CUSTOS_ERR_VERIFY);
			sig[i] ^= (uint8_t)v;
		}
	for (i = 0; i < mlen; i++)
		for (v = 1; v < 256; v++) {
			msg[i] ^= (uint8_t)v;
			assert_int_equal(sign_verify(pub, msg, mlen, sig, 64),
			    CUSTOS_ERR_VERIFY);
			msg[i] ^= (uint8_t)v;
		}
	/* A longer or shorter message is a different message. */
	assert_int_equal(sign_verify(pub, msg, mlen - 1, sig, 64),
	    CUSTOS_ERR_VERIFY);
	assert_int_equal(sign_verify(pub, msg, mlen + 1, sig, 64),
	    CUSTOS_ERR_VERIFY);
	assert_int_equal(sign_verify(pub, msg, mlen, sig, 64), 0);
	sign_pub_free(pub);
}

static void
test_ed25519_lengths(void **state)
{
	uint8_t pk[33], sig[SIGN_SIG_MAX + 1], seed[33];
	struct sign_pub *pub;
	struct sign_key *key;

	(void)state;
	memset(sig, 0, sizeof(sig));
	unhex(rfc8032[0][1], pk, sizeof(pk));
	unhex(rfc8032[0][3], sig, sizeof(sig));
	unhex(rfc8032[0][0], seed, sizeof(seed));
	assert_int_equal(sign_pub_from_raw(SIGN_ED25519, pk, 31, &pub),
	    CUSTOS_ERR_FORMAT);
	assert_null(pub);
	assert_int_equal(sign_pub_from_raw(SIGN_ED25519, pk, 33, &pub),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(sign_pub_from_raw(SIGN_ED25519, pk, 0, &pub),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(sign_pub_from_raw((enum sign_alg)7, pk, 32, &pub),
	    CUSTOS_ERR_UNSUPPORTED);
	assert_int_equal(sign_key_from_raw(SIGN_ED25519, seed, 31, &key),
	    CUSTOS_ERR_FORMAT);
	assert_null(key);
	assert_int_equal(sign_key_from_raw(SIGN_ED25519, seed, 33, &key),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(sign_key_from_raw((enum sign_alg)0, seed, 32, &key),
	    CUSTOS_ERR_UNSUPPORTED);

	assert_int_equal(sign_pub_from_raw(SIGN_ED25519, pk, 32, &pub), 0);
	assert_int_equal(sign_verify(pub, "", 0, sig, 64), 0);
	assert_int_equal(sign_verify(pub, "", 0, sig, 63), CUSTOS_ERR_VERIFY);
	assert_int_equal(sign_verify(pub, "", 0, sig, 65), CUSTOS_ERR_VERIFY);
	assert_int_equal(sign_verify(pub, "", 0, sig, 0), CUSTOS_ERR_VERIFY);
	assert_int_equal(sign_verify(pub, "", 0, sig, SIGN_SIG_MAX + 1),
	    CUSTOS_ERR_VERIFY);
	assert_int_equal(sign_verify(pub, "", 0, NULL, 64), CUSTOS_ERR_VERIFY);
	/* The message may be NULL when it is empty. */
	assert_int_equal(sign_verify(pub, NULL, 0, sig, 64), 0);
	sign_pub_free(pub);
}

static void
test_ed25519_generate(void **state)
{
	uint8_t raw[SIGN_PRIV_LEN], sig[SIGN_SIG_MAX], sig2[SIGN_SIG_MAX];
	struct sign_key *key, *key2;
	struct sign_pub *pub;
	size_t siglen, siglen2;

	(void)state;
	assert_int_equal(sign_key_generate(SIGN_ED25519, &key), 0);
	assert_int_equal(sign_key_public(key, &pub), 0);
	assert_int_equal(sign_key_sign(key, "hi", 2, sig, &siglen), 0);
	assert_int_equal(sign_verify(pub, "hi", 2, sig, siglen), 0);
	assert_int_equal(sign_verify(pub, "ho", 2, sig, siglen),
	    CUSTOS_ERR_VERIFY);

	/* The raw private part reproduces the same deterministic key. */
	assert_int_equal(sign_key_raw(key, raw), 0);
	assert_int_equal(sign_key_from_raw(SIGN_ED25519, raw, sizeof(raw),
	    &key2), 0);
	assert_int_equal(sign_key_sign(key2, "hi", 2, sig2, &siglen2), 0);
	assert_int_equal(siglen2, siglen);
	assert_memory_equal(sig2, sig, siglen);
	sign_key_free(key2);
	sign_pub_free(pub);
	sign_key_free(key);
}

static void
test_sm2_known_answer(void **state)
{
	uint8_t priv[32], pk[65], sig[SIGN_SIG_MAX], raw[SIGN_PUB_MAX];
	struct sign_key *key;
	struct sign_pub *pub, *pub2;
	size_t siglen, rawlen;

	(void)state;
	unhex(sm2_priv_hex, priv, sizeof(priv));
	unhex(sm2_pub_hex, pk, sizeof(pk));
	siglen = unhex(sm2_sig_hex, sig, sizeof(sig));
	assert_int_equal(siglen, 72);

	/* The published key pair: d*G is the published point. */
	assert_int_equal(sign_key_from_raw(SIGN_SM2, priv, 32, &key), 0);
	assert_int_equal(sign_key_alg(key), SIGN_SM2);
	assert_int_equal(sign_key_public(key, &pub), 0);
	assert_int_equal(sign_pub_raw(pub, raw, &rawlen), 0);
	assert_int_equal(rawlen, 65);
	assert_memory_equal(raw, pk, 65);

	/* The published signature verifies, with the ID built in. */
	assert_int_equal(sign_pub_from_raw(SIGN_SM2, pk, 65, &pub2), 0);
	assert_int_equal(sign_pub_alg(pub2), SIGN_SM2);
	assert_int_equal(sign_verify(pub2, sm2_msg, strlen(sm2_msg), sig,
	    siglen), 0);
	assert_int_equal(sign_verify(pub2, sm2_msg, strlen(sm2_msg) - 1, sig,
	    siglen), CUSTOS_ERR_VERIFY);
	sign_pub_free(pub2);
	sign_pub_free(pub);
	sign_key_free(key);
}

/*
 * SM2 verification is slow enough that trying all 255 values of each byte
 * would take several seconds; several values per byte, including the ones
 * that keep DER lengths plausible, still cover every position.
 */
static void
test_sm2_every_byte(void **state)
{
	static const uint8_t deltas[] = { 0x01, 0x02, 0x10, 0x7f, 0x80, 0xff };
	uint8_t pk[65], sig[SIGN_SIG_MAX + 1], msg[sizeof(sm2_msg)];
	struct sign_pub *pub;
	size_t i, j, siglen, mlen = strlen(sm2_msg);

	(void)state;
	unhex(sm2_pub_hex, pk, sizeof(pk));
	siglen = unhex(sm2_sig_hex, sig, sizeof(sig));
	memcpy(msg, sm2_msg, sizeof(msg));
	assert_int_equal(sign_pub_from_raw(SIGN_SM2, pk, 65, &pub), 0);
	for (i = 0; i < siglen; i++)
		for (j = 0; j < sizeof(deltas); j++) {
			sig[i] ^= deltas[j];
			assert_int_equal(sign_verify(pub, msg, mlen, sig,
			    siglen), CUSTOS_ERR_VERIFY);
			sig[i] ^= deltas[j];
		}
	for (i = 0; i < mlen; i++)
		for (j = 0; j < sizeof(deltas); j++) {
			msg[i] ^= deltas[j];
			assert_int_equal(sign_verify(pub, msg, mlen, sig,
			    siglen), CUSTOS_ERR_VERIFY);
			msg[i] ^= deltas[j];
		}
	/* Truncated, extended and empty signatures. */
	assert_int_equal(sign_verify(pub, msg, mlen, sig, siglen - 1),
	    CUSTOS_ERR_VERIFY);
	sig[siglen] = 0;
	assert_int_equal(sign_verify(pub, msg, mlen, sig, siglen + 1),
	    CUSTOS_ERR_VERIFY);
	assert_int_equal(sign_verify(pub, msg, mlen, sig, 0),
	    CUSTOS_ERR_VERIFY);
	assert_int_equal(sign_verify(pub, msg, mlen, sig, siglen), 0);
	sign_pub_free(pub);
}

static void
test_sm2_roundtrip(void **state)
{
	uint8_t raw[SIGN_PRIV_LEN], sig[SIGN_SIG_MAX], sig2[SIGN_SIG_MAX];
	uint8_t pk[SIGN_PUB_MAX], pk2[SIGN_PUB_MAX];
	struct sign_key *key, *key2;
	struct sign_pub *pub, *pub2;
	size_t siglen, siglen2, pklen, pklen2;
	static const char msg[] = "custos checkpoint\n";

	(void)state;
	assert_int_equal(sign_key_generate(SIGN_SM2, &key), 0);
	assert_int_equal(sign_key_public(key, &pub), 0);
	assert_int_equal(sign_key_sign(key, msg, strlen(msg), sig, &siglen),
	    0);
	assert_in_range(siglen, 8, SIGN_SIG_MAX);
	assert_int_equal(sig[0], 0x30);
	assert_int_equal(sign_verify(pub, msg, strlen(msg), sig, siglen), 0);

	/* SM2 signatures are randomized; both verify. */
	assert_int_equal(sign_key_sign(key, msg, strlen(msg), sig2, &siglen2),
	    0);
	assert_false(siglen == siglen2 && memcmp(sig, sig2, siglen) == 0);
	assert_int_equal(sign_verify(pub, msg, strlen(msg), sig2, siglen2),
	    0);

	/* The raw scalar round-trips to the same public key. */
	assert_int_equal(sign_key_raw(key, raw), 0);
	assert_int_equal(sign_key_from_raw(SIGN_SM2, raw, sizeof(raw), &key2),
	    0);
	assert_int_equal(sign_key_public(key2, &pub2), 0);
	assert_int_equal(sign_pub_raw(pub, pk, &pklen), 0);
	assert_int_equal(sign_pub_raw(pub2, pk2, &pklen2), 0);
	assert_int_equal(pklen, 65);
	assert_int_equal(pklen2, 65);
	assert_memory_equal(pk, pk2, 65);
	assert_int_equal(pk[0], 0x04);
	assert_int_equal(sign_verify(pub2, msg, strlen(msg), sig, siglen), 0);
	sign_pub_free(pub2);
	sign_key_free(key2);

	/* Another key's signature does not verify. */
	assert_int_equal(sign_key_generate(SIGN_SM2, &key2), 0);
	assert_int_equal(sign_key_public(key2, &pub2), 0);
	assert_int_equal(sign_verify(pub2, msg, strlen(msg), sig, siglen),
	    CUSTOS_ERR_VERIFY);
	sign_pub_free(pub2);
	sign_key_free(key2);
	sign_pub_free(pub);
	sign_key_free(key);
}

static void
test_sm2_bad_keys(void **state)
{
	uint8_t pk[66], bad[66], d[33];
	struct sign_pub *pub;
	struct sign_key *key;

	(void)state;
	unhex(sm2_pub_hex, pk, sizeof(pk));
	pk[65] = 0;
	assert_int_equal(sign_pub_from_raw(SIGN_SM2, pk, 64, &pub),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(sign_pub_from_raw(SIGN_SM2, pk, 66, &pub),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(sign_pub_from_raw(SIGN_SM2, pk, 33, &pub),
	    CUSTOS_ERR_FORMAT);

	/* Only the uncompressed form is accepted. */
	memcpy(bad, pk, 65);
	bad[0] = 0x02;
	assert_int_equal(sign_pub_from_raw(SIGN_SM2, bad, 65, &pub),
	    CUSTOS_ERR_FORMAT);
	bad[0] = 0x06;
	assert_int_equal(sign_pub_from_raw(SIGN_SM2, bad, 65, &pub),
	    CUSTOS_ERR_FORMAT);

	/* A point off the curve. */
	memcpy(bad, pk, 65);
	bad[64] ^= 1;
	assert_int_equal(sign_pub_from_raw(SIGN_SM2, bad, 65, &pub),
	    CUSTOS_ERR_FORMAT);
	assert_null(pub);

	/* The all-zero point (infinity has no affine encoding). */
	memset(bad, 0, 65);
	bad[0] = 0x04;
	assert_int_equal(sign_pub_from_raw(SIGN_SM2, bad, 65, &pub),
	    CUSTOS_ERR_FORMAT);

	/* x = p + 0 is outside the field. */
	memcpy(bad, pk, 65);
	unhex(sm2_p_hex, bad + 1, 32);
	assert_int_equal(sign_pub_from_raw(SIGN_SM2, bad, 65, &pub),
	    CUSTOS_ERR_FORMAT);

	/* The private scalar must be in [1, n-2]. */
	memset(d, 0, sizeof(d));
	assert_int_equal(sign_key_from_raw(SIGN_SM2, d, 32, &key),
	    CUSTOS_ERR_FORMAT);
	assert_null(key);
	unhex(sm2_n_hex, d, sizeof(d));
	assert_int_equal(sign_key_from_raw(SIGN_SM2, d, 32, &key),
	    CUSTOS_ERR_FORMAT);
	be_add(d, 32, -1);	/* n - 1 */
	assert_int_equal(sign_key_from_raw(SIGN_SM2, d, 32, &key),
	    CUSTOS_ERR_FORMAT);
	be_add(d, 32, -1);	/* n - 2, the largest valid scalar */
	assert_int_equal(sign_key_from_raw(SIGN_SM2, d, 32, &key), 0);
	sign_key_free(key);
	memset(d, 0xff, sizeof(d));
	assert_int_equal(sign_key_from_raw(SIGN_SM2, d, 32, &key),
	    CUSTOS_ERR_FORMAT);
	memset(d, 0, sizeof(d));
	d[31] = 1;
	assert_int_equal(sign_key_from_raw(SIGN_SM2, d, 32, &key), 0);
	sign_key_free(key);
	assert_int_equal(sign_key_from_raw(SIGN_SM2, d, 31, &key),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(sign_key_from_raw(SIGN_SM2, d, 33, &key),
	    CUSTOS_ERR_FORMAT);
}

/* A signature of one algorithm never verifies under the other. */
static void
test_cross_alg(void **state)
{
	uint8_t pk[65], sig[SIGN_SIG_MAX];
	struct sign_pub *sm2, *ed;
	size_t siglen;

	(void)state;
	unhex(sm2_pub_hex, pk, sizeof(pk));
	assert_int_equal(sign_pub_from_raw(SIGN_SM2, pk, 65, &sm2), 0);
	unhex(rfc8032[0][1], pk, sizeof(pk));
	assert_int_equal(sign_pub_from_raw(SIGN_ED25519, pk, 32, &ed), 0);
	siglen = unhex(rfc8032[0][3], sig, sizeof(sig));
	assert_int_equal(sign_verify(sm2, "", 0, sig, siglen),
	    CUSTOS_ERR_VERIFY);
	siglen = unhex(sm2_sig_hex, sig, sizeof(sig));
	assert_int_equal(sign_verify(ed, sm2_msg, strlen(sm2_msg), sig,
	    siglen), CUSTOS_ERR_VERIFY);
	sign_pub_free(sm2);
	sign_pub_free(ed);
	assert_int_equal(sign_pub_len(SIGN_ED25519), 32);
	assert_int_equal(sign_pub_len(SIGN_SM2), 65);
	assert_int_equal(sign_pub_len((enum sign_alg)9), 0);
	assert_string_equal(sign_alg_name(SIGN_ED25519), "ed25519");
	assert_string_equal(sign_alg_name(SIGN_SM2), "sm2");
	sign_pub_free(NULL);
	sign_key_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ed25519_rfc8032),
		cmocka_unit_test(test_ed25519_every_byte),
		cmocka_unit_test(test_ed25519_lengths),
		cmocka_unit_test(test_ed25519_generate),
		cmocka_unit_test(test_sm2_known_answer),
		cmocka_unit_test(test_sm2_every_byte),
		cmocka_unit_test(test_sm2_roundtrip),
		cmocka_unit_test(test_sm2_bad_keys),
		cmocka_unit_test(test_cross_alg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
