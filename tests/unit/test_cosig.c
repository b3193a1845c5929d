#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "custos/cosig.h"
#include "custos/err.h"
#include "custos/note.h"
#include "custos/note_sign.h"

/*
 * A key pair and cosignature made outside Custos, with the openssl CLI
 * (Ed25519 over the message of c2sp.org/tlog-cosignature, seed 0x01..0x20)
 * and Python's hashlib and base64 (key ID and encodings), over the
 * specification's example checkpoint at its example time.
 */
static const char w1_skey[] = "PRIVATE+KEY+witness.example/w1+468d99bb+"
    "BAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g";
static const char w1_vkey[] = "witness.example/w1+468d99bb+"
    "BHm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk";
static const char body[] = "example.com/behind-the-sofa\n20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
#define BODY_TS	1679315147
static const char w1_line[] = "\xe2\x80\x94 witness.example/w1 "
    "Ro2ZuwAAAABkGFDLQB2dbiQ7rPMIDjq/twq5Ixt42T+awjiYS4+fxrnLnI31x5abVjZ"
    "lhDVvZAcRRLyAiG4oQlhTgi4DsxiPwiDaDg==\n";
/* The cosignature line of the specification's example (no key given). */
static const char spec_line[] = "\xe2\x80\x94 witness.example.com/w1 "
    "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2"
    "oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==";

static struct cosig_verifier *
vkey(const char *s)
{
	struct cosig_verifier *v;

	assert_int_equal(cosig_verifier_parse(s, strlen(s), &v), 0);
	return v;
}

static void
test_vector(void **state)
{
	struct cosig_signer *s;
	struct cosig_verifier *v = vkey(w1_vkey);
	char *line, *str;
	size_t len;
	uint64_t ts = 0;

	(void)state;
	assert_int_equal(cosig_verify_line(v, body, strlen(body), w1_line,
	    strlen(w1_line), &ts), 0);
	assert_int_equal(ts, BODY_TS);
	assert_string_equal(cosig_verifier_name(v), "witness.example/w1");
	assert_int_equal(cosig_verifier_keyid(v), 0x468d99bb);

	/* Ed25519 is deterministic: our signer writes the same line. */
	assert_int_equal(cosig_signer_parse(w1_skey, strlen(w1_skey), &s), 0);
	assert_int_equal(cosig_sign(s, body, strlen(body), BODY_TS, &line,
	    &len), 0);
	assert_string_equal(line, w1_line);
	assert_int_equal(len, strlen(w1_line));
	free(line);
	assert_int_equal(cosig_signer_format(s, &str), 0);
	assert_string_equal(str, w1_skey);
	free(str);
	cosig_verifier_free(v);
	assert_int_equal(cosig_signer_verifier(s, &v), 0);
	assert_int_equal(cosig_verifier_format(v, &str), 0);
	assert_string_equal(str, w1_vkey);
	free(str);
	cosig_verifier_free(v);
	cosig_signer_free(s);
}

static void
test_refusals(void **state)
{
	struct cosig_verifier *v = vkey(w1_vkey), *other;
	struct cosig_signer *s;
	char line[sizeof(w1_line)], *bad;
	size_t n = strlen(body);

	(void)state;
	/* Another body, another time, a flipped signature bit. */
	bad = strdup(body);
	bad[30] = '4';
	assert_int_equal(cosig_verify_line(v, bad, n, w1_line,
	    strlen(w1_line), NULL), CUSTOS_ERR_VERIFY);
	free(bad);
	memcpy(line, w1_line, sizeof(line));
	line[strlen("\xe2\x80\x94 witness.example/w1 Ro2ZuwAAAABk")] = 'H';
	assert_int_equal(cosig_verify_line(v, body, n, line, strlen(line),
	    NULL), CUSTOS_ERR_VERIFY);
	memcpy(line, w1_line, sizeof(line));
	n = strlen(line) - 20;
	line[n] = line[n] == 'A' ? 'B' : 'A';
	n = strlen(body);
	assert_int_equal(cosig_verify_line(v, body, n, line, strlen(line),
	    NULL), CUSTOS_ERR_VERIFY);
	/* Not ours, not a signature line at all. */
	assert_int_equal(cosig_verify_line(v, body, n, spec_line,
	    strlen(spec_line), NULL), CUSTOS_ERR_KEY);
	assert_int_equal(cosig_verify_line(v, body, n, "- x AAAA", 8, NULL),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(cosig_verify_line(v, body, n, w1_line, 30, NULL),
	    CUSTOS_ERR_FORMAT);
	/* Another key under the same name has another key ID. */
	assert_int_equal(cosig_signer_generate("witness.example/w1", &s), 0);
	assert_int_equal(cosig_signer_verifier(s, &other), 0);
	assert_int_not_equal(cosig_verifier_keyid(other), 0x468d99bb);
	assert_int_equal(cosig_verify_line(other, body, n, w1_line,
	    strlen(w1_line), NULL), CUSTOS_ERR_KEY);
	/* Timestamps 0 and past 2^63-1, bodies without a final newline. */
	assert_int_equal(cosig_sign(s, body, n, 0, &bad, &n), CUSTOS_ERR_RANGE);
	n = strlen(body);
	assert_int_equal(cosig_sign(s, body, n, (uint64_t)INT64_MAX + 1, &bad,
	    &n), CUSTOS_ERR_RANGE);
	n = strlen(body);
	assert_int_equal(cosig_sign(s, body, n - 1, 5, &bad, &n),
	    CUSTOS_ERR_FORMAT);
	cosig_signer_free(s);
	assert_int_equal(cosig_signer_generate("bad name", &s),
	    CUSTOS_ERR_INVALID);
	cosig_verifier_free(other);
	cosig_verifier_free(v);
}

static void
test_keys(void **state)
{
	struct cosig_verifier *v;
	struct cosig_signer *s;
	struct note_signer *ns;
	char *str;

	(void)state;
	/* A log's note key (type 0x01) is no witness key, either way. */
	assert_int_equal(note_signer_generate("log.example", SIGN_ED25519,
	    &ns), 0);
	assert_int_equal(note_signer_format(ns, &str), 0);
	assert_int_equal(cosig_signer_parse(str, strlen(str), &s),
	    CUSTOS_ERR_UNSUPPORTED);
	free(str);
	note_signer_free(ns);
	assert_int_equal(cosig_verifier_parse("PeterNeumann+c74f20a3+"
	    "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", 66, &v),
	    CUSTOS_ERR_UNSUPPORTED);
	{
		struct note_verifier *nv;

		assert_int_equal(note_verifier_parse(w1_vkey,
		    strlen(w1_vkey), &nv), CUSTOS_ERR_UNSUPPORTED);
	}
	/* A wrong key ID, a short key, non-canonical base64, a bad name. */
	assert_int_equal(cosig_verifier_parse("witness.example/w1+468d99bc+"
	    "BHm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk", 72, &v),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(cosig_verifier_parse("witness.example/w1+468d99bb+"
	    "BHm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZl", 72, &v),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(cosig_verifier_parse("w+00000000+BA==", 15, &v),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(cosig_verifier_parse("", 0, &v), CUSTOS_ERR_FORMAT);
	assert_int_equal(cosig_signer_generate("a+b", &s), CUSTOS_ERR_INVALID);
	assert_int_equal(cosig_signer_generate("", &s), CUSTOS_ERR_INVALID);
	assert_null(s);
}

/* Cosignatures among a note's signature lines, next to the log's. */
static void
test_note(void **state)
{
	struct note_signer *log;
	struct note_verifier *lv;
	struct cosig_signer *w, *w2;
	struct cosig_verifier *wv, *wv2, *w1 = vkey(w1_vkey);
	struct note *n;
	char *signed_, *c1, *c2, *msg;
	size_t slen, l1, l2, mlen;
	uint64_t ts;

	(void)state;
	assert_int_equal(note_signer_generate("example.com/behind-the-sofa",
	    SIGN_ED25519, &log), 0);
	assert_int_equal(note_signer_verifier(log, &lv), 0);
	assert_int_equal(note_sign(body, strlen(body), log, &signed_, &slen),
	    0);
	assert_int_equal(cosig_signer_generate("w.example/a", &w), 0);
	assert_int_equal(cosig_signer_generate("w.example/b", &w2), 0);
	assert_int_equal(cosig_signer_verifier(w, &wv), 0);
	assert_int_equal(cosig_signer_verifier(w2, &wv2), 0);
	assert_int_equal(cosig_sign(w, body, strlen(body), 100, &c1, &l1), 0);
	assert_int_equal(cosig_sign(w, body, strlen(body), 200, &c2, &l2), 0);
	mlen = slen + l1 + l2;
	msg = malloc(mlen + 1);
	snprintf(msg, mlen + 1, "%s%s%s", signed_, c1, c2);

	assert_int_equal(note_parse(msg, mlen, &n), 0);
	assert_int_equal(note_verify(n, lv), 0);
	assert_int_equal(cosig_verify_note(n, wv, &ts), 0);
	assert_int_equal(ts, 200);
	assert_int_equal(cosig_verify_note(n, wv2, &ts), CUSTOS_ERR_KEY);
	assert_int_equal(cosig_verify_note(n, w1, &ts), CUSTOS_ERR_KEY);
	note_free(n);

	/*
	 * One bad line of the witness's spoils the lot: a character of its
	 * signature swapped for another base64 character (a flipped bit
	 * could leave the alphabet, and the line would not even parse).
	 */
	msg[slen + l1 + l2 - 5] = msg[slen + l1 + l2 - 5] == 'A' ? 'B' : 'A';
	assert_int_equal(note_parse(msg, mlen, &n), 0);
	assert_int_equal(cosig_verify_note(n, wv, &ts), CUSTOS_ERR_VERIFY);
	assert_int_equal(note_verify(n, lv), 0);
	note_free(n);

	free(msg);
	free(c1);
	free(c2);
	free(signed_);
	cosig_verifier_free(w1);
	cosig_verifier_free(wv);
	cosig_verifier_free(wv2);
	cosig_signer_free(w);
	cosig_signer_free(w2);
	note_verifier_free(lv);
	note_signer_free(log);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_note),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
