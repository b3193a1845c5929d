#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/note.h"
#include "custos/note_sign.h"

/*
 * Test vectors of golang.org/x/mod/sumdb/note (note_test.go and the
 * package documentation): PeterNeumann's key pair, EnochRoot's verifier
 * key, and their signatures of the same text.
 */
static const char peter_skey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+"
    "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char peter_vkey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char enoch_vkey[] =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
static const char go_text[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
static const char peter_sig[] =
    "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZ"
    "InNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
static const char enoch_sig[] =
    "\xe2\x80\x94 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n"
    "2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

/* Returns a newly allocated concatenation of up to four strings. */
static char *
cat(const char *a, const char *b, const char *c, const char *d)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + strlen(d) + 1;
	char *s = malloc(n);

	assert_non_null(s);
	snprintf(s, n, "%s%s%s%s", a, b, c, d);
	return s;
}

static struct note_verifier *
vkey(const char *s)
{
	struct note_verifier *v;

	assert_int_equal(note_verifier_parse(s, strlen(s), &v), 0);
	return v;
}

/* Parses msg and checks it against v; returns the first error or 0. */
static int
open_note(const char *msg, size_t len, const struct note_verifier *v)
{
	struct note *n;
	int rc;

	if ((rc = note_parse(msg, len, &n)) != 0) {
		assert_null(n);
		return rc;
	}
	rc = note_verify(n, v);
	note_free(n);
	return rc;
}

/*
 * Builds a verifier key string for name and an arbitrary blob, with the
 * key ID computed as C2SP defines it, to test what the parser does with
 * key types and lengths it must refuse.
 */
static char *
make_vkey(const char *name, const uint8_t *blob, size_t len)
{
	uint8_t buf[256], h[DIGEST_LEN];
	char *s, b64[B64_ENCLEN(256)];
	size_t n;

	n = strlen(name);
	memcpy(buf, name, n);
	buf[n] = '\n';
	memcpy(buf + n + 1, blob, len);
	assert_int_equal(digest_buf(DIGEST_SHA256, buf, n + 1 + len, h), 0);
	b64_encode(blob, len, b64);
	assert_non_null(s = malloc(n + 10 + strlen(b64) + 1));
	sprintf(s, "%s+%02x%02x%02x%02x+%s", name, h[0], h[1], h[2], h[3],
	    b64);
	return s;
}

static void
test_go_keys(void **state)
{
	struct note_verifier *v, *v2;
	struct note_signer *s;
	char *str;

	(void)state;
	v = vkey(peter_vkey);
	assert_string_equal(note_verifier_name(v), "PeterNeumann");
	assert_int_equal(note_verifier_keyid(v), 0xc74f20a3);
	assert_int_equal(note_verifier_alg(v), SIGN_ED25519);
	assert_int_equal(note_verifier_format(v, &str), 0);
	assert_string_equal(str, peter_vkey);
	free(str);

	assert_int_equal(note_signer_parse(peter_skey, strlen(peter_skey),
	    &s), 0);
	assert_string_equal(note_signer_name(s), "PeterNeumann");
	assert_int_equal(note_signer_keyid(s), 0xc74f20a3);
	assert_int_equal(note_signer_format(s, &str), 0);
	assert_string_equal(str, peter_skey);
	free(str);
	assert_int_equal(note_signer_verifier(s, &v2), 0);
	assert_int_equal(note_verifier_format(v2, &str), 0);
	assert_string_equal(str, peter_vkey);
	free(str);
	note_verifier_free(v2);
	note_signer_free(s);
	note_verifier_free(v);

	v = vkey(enoch_vkey);
	assert_string_equal(note_verifier_name(v), "EnochRoot");
	assert_int_equal(note_verifier_keyid(v), 0xaf0cfe78);
	note_verifier_free(v);
}

/* Ed25519 is deterministic, so our signed note is Go's byte for byte. */
static void
test_go_sign(void **state)
{
	struct note_signer *s;
	char *msg, *want;
	size_t len;

	(void)state;
	want = cat(go_text, "\n", peter_sig, "");
	assert_int_equal(note_signer_parse(peter_skey, strlen(peter_skey),
	    &s), 0);
	assert_int_equal(note_sign(go_text, strlen(go_text), s, &msg, &len),
	    0);
	assert_int_equal(len, strlen(want));
	assert_string_equal(msg, want);
	free(msg);
	free(want);
	note_signer_free(s);
}

static void
test_go_open(void **state)
{
	struct note_verifier *peter, *enoch, *other;
	struct note_signer *s;
	struct note *n;
	const struct note_sig *sig;
	const char *text;
	char *msg;
	size_t len;

	(void)state;
	peter = vkey(peter_vkey);
	enoch = vkey(enoch_vkey);
	assert_int_equal(note_signer_generate("PeterNeumann", SIGN_ED25519,
	    &s), 0);
	assert_int_equal(note_signer_verifier(s, &other), 0);
	note_signer_free(s);

	msg = cat(go_text, "\n", peter_sig, enoch_sig);
	assert_int_equal(note_parse(msg, strlen(msg), &n), 0);
	text = note_text(n, &len);
	assert_int_equal(len, strlen(go_text));
	assert_memory_equal(text, go_text, len);
	assert_int_equal(note_nsigs(n), 2);
	sig = note_sig(n, 0);
	assert_string_equal(sig->name, "PeterNeumann");
	assert_int_equal(sig->keyid, 0xc74f20a3);
	assert_int_equal(sig->siglen, 64);
	sig = note_sig(n, 1);
	assert_string_equal(sig->name, "EnochRoot");
	assert_int_equal(sig->keyid, 0xaf0cfe78);
	assert_null(note_sig(n, 2));

	/* Both Go signers verify; a key of the same name but not its ID. */
	assert_int_equal(note_verify(n, peter), 0);
	assert_int_equal(note_verify(n, enoch), 0);
	assert_int_equal(note_verify(n, other), CUSTOS_ERR_KEY);
	note_free(n);
	free(msg);

	note_verifier_free(other);
	note_verifier_free(enoch);
	note_verifier_free(peter);
}

/* The malformed notes of Go's TestOpen, and its other failure cases. */
static void
test_go_bad_notes(void **state)
{
	struct note_verifier *peter;
	struct note *n;
	char *bad[7], *msg, *p;
	size_t i;

	(void)state;
	peter = vkey(peter_vkey);
	bad[0] = cat(go_text, "", "", "");
	bad[1] = cat(go_text, "\n", "", "");
	bad[2] = cat(go_text, "\n", peter_sig, "");
	bad[2][strlen(bad[2]) - 1] = '\0';
	bad[3] = cat("\x01", go_text, "\n", peter_sig);
	bad[4] = cat("\xff", go_text, "\n", peter_sig);
	bad[5] = cat(go_text, "\n", "\xe2\x80\x94 Bad Name x08go/ZJkuBS9UG/"
	    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6"
	    "RyyBwJnAM=\n", "");
	bad[6] = cat(go_text, "\n", peter_sig, "Unexpected line.\n");
	for (i = 0; i < 7; i++) {
		assert_int_equal(note_parse(bad[i], strlen(bad[i]), &n),
		    CUSTOS_ERR_FORMAT);
		free(bad[i]);
	}

	/* 100 signature lines are allowed, 101 are not. */
	msg = malloc(strlen(go_text) + 1 + 101 * strlen(peter_sig) + 1);
	assert_non_null(msg);
	p = msg + sprintf(msg, "%s\n", go_text);
	for (i = 0; i < 100; i++)
		p += sprintf(p, "%s", peter_sig);
	assert_int_equal(open_note(msg, strlen(msg), peter), 0);
	sprintf(p, "%s", peter_sig);
	assert_int_equal(note_parse(msg, strlen(msg), &n), CUSTOS_ERR_TOOBIG);
	free(msg);

	/* "ABCD" inserted into the signature: well formed, but invalid. */
	msg = malloc(strlen(go_text) + strlen(peter_sig) + 6);
	assert_non_null(msg);
	sprintf(msg, "%s\n%.60sABCD%s", go_text, peter_sig, peter_sig + 60);
	assert_int_equal(open_note(msg, strlen(msg), peter),
	    CUSTOS_ERR_VERIFY);
	free(msg);

	/* Another name, or another key ID: not a line by this key. */
	msg = cat(go_text, "\n", "\xe2\x80\x94 CarmenSandiego x08go/ZJkuBS9UG/"
	    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6"
	    "RyyBwJnAM=\n", "");
	assert_int_equal(open_note(msg, strlen(msg), peter), CUSTOS_ERR_KEY);
	free(msg);
	msg = cat(go_text, "\n", "\xe2\x80\x94 PeterNeumann xxxxo/ZJkuBS9UG/"
	    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6"
	    "RyyBwJnAM=\n", "");
	assert_int_equal(open_note(msg, strlen(msg), peter), CUSTOS_ERR_KEY);
	free(msg);

	/* A valid line and a forged duplicate: the forgery is caught. */
	msg = malloc(strlen(go_text) + 2 * strlen(peter_sig) + 6);
	assert_non_null(msg);
	sprintf(msg, "%s\n%s%.60sABCD%s", go_text, peter_sig, peter_sig,
	    peter_sig + 60);
	assert_int_equal(open_note(msg, strlen(msg), peter),
	    CUSTOS_ERR_VERIFY);
	free(msg);
	note_verifier_free(peter);
}

/* Signature lines that break one rule each. */
static void
test_bad_sig_lines(void **state)
{
	static const char *const lines[] = {
		"\xe2\x80\x94 PeterNeumann\n",			/* no space */
		"\xe2\x80\x94 PeterNeumann \n",			/* no base64 */
		"\xe2\x80\x94 PeterNeumann AAAAAA==\n",		/* 4 bytes */
		"\xe2\x80\x94 PeterNeumann AAAAAB==\n",		/* non-canonical */
		"\xe2\x80\x94 PeterNeumann AAAAAAA\n",		/* unpadded */
		"\xe2\x80\x94 Peter+Neumann AAAAAAA=\n",	/* "+" in name */
		"\xe2\x80\x94  AAAAAAA=\n",			/* empty name */
		"\xe2\x80\x94 PeterNeumann AAAAAAA= \n",	/* trailing space */
		"\xe2\x80\x94 PeterNeumann  AAAAAAA=\n",	/* two spaces */
		"-- PeterNeumann AAAAAAA=\n",			/* not an em dash */
		"\xe2\x80\x94PeterNeumann AAAAAAA=\n",		/* no space */
		"\xe2\x80\x94 Peter\xc2\xa0Neumann AAAAAAA=\n",	/* NBSP */
		"\xe2\x80\x94 Peter\xe2\x80\x83Neumann AAAAAAA=\n", /* em space */
		"\xe2\x80\x94 Peter\x7fNeumann AAAAAAA=\n",	/* DEL */
	};
	struct note *n;
	char *msg;
	size_t i;

	(void)state;
	msg = cat("text\n\n", "\xe2\x80\x94 PeterNeumann AAAAAAA=\n", "", "");
	assert_int_equal(note_parse(msg, strlen(msg), &n), 0);
	assert_int_equal(note_nsigs(n), 1);
	assert_int_equal(note_sig(n, 0)->siglen, 1);
	note_free(n);
	free(msg);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		msg = cat("text\n\n", lines[i], "", "");
		assert_int_equal(note_parse(msg, strlen(msg), &n),
		    CUSTOS_ERR_FORMAT);
		free(msg);
	}
	/* Overlong, surrogate and truncated UTF-8 in the text. */
	msg = cat("\xc0\xaf\n\n", peter_sig, "", "");
	assert_int_equal(note_parse(msg, strlen(msg), &n), CUSTOS_ERR_FORMAT);
	free(msg);
	msg = cat("\xed\xa0\x80\n\n", peter_sig, "", "");
	assert_int_equal(note_parse(msg, strlen(msg), &n), CUSTOS_ERR_FORMAT);
	free(msg);
	msg = cat("\xe6\x97\n\n", peter_sig, "", "");
	assert_int_equal(note_parse(msg, strlen(msg), &n), CUSTOS_ERR_FORMAT);
	free(msg);
	/* A NUL byte is a control character too. */
	assert_int_equal(note_parse("a\0\n\n\xe2\x80\x94 a AAAAAAA=\n", 19,
	    &n), CUSTOS_ERR_FORMAT);
	assert_int_equal(note_parse("", 0, &n), CUSTOS_ERR_FORMAT);
	assert_int_equal(note_parse(go_text, NOTE_MAX_SIZE + 1, &n),
	    CUSTOS_ERR_TOOBIG);
}

/*
 * Parses len bytes of k as a signer key (signer) or a verifier key; the
 * result, and in *left_null whether the parser left its result NULL (it
 * starts as a pointer that is not).
 */
static int
key_parse(int signer, const char *k, size_t len, int *left_null)
{
	struct note_verifier *v = (void *)&v;
	struct note_signer *s = (void *)&s;
	int rc;

	if (signer) {
		rc = note_signer_parse(k, len, &s);
		*left_null = s == NULL;
		if (rc == 0)
			note_signer_free(s);
	} else {
		rc = note_verifier_parse(k, len, &v);
		*left_null = v == NULL;
		if (rc == 0)
			note_verifier_free(v);
	}
	return rc;
}

/*
 * Go's manglings of a key: every proper substring, and every byte
 * changed, is refused; a changed byte leaves no result.
 */
static void
assert_manglings_refused(int signer, const char *key)
{
	size_t i, j, len = strlen(key);
	int left_null;
	char *b;

	assert_non_null(b = strdup(key));
	for (i = 0; i <= len; i++)
		for (j = i + 1; j <= len; j++)
			if (i != 0 || j != len)
				assert_int_not_equal(key_parse(signer, b + i,
				    j - i, &left_null), 0);
	for (i = 0; i < len; i++) {
		b[i]++;
		assert_int_not_equal(key_parse(signer, b, len, &left_null),
		    0);
		assert_true(left_null);
		b[i]--;
	}
	free(b);
}

/* Go's TestNewVerifier and TestNewSigner manglings. */
static void
test_key_manglings(void **state)
{
	struct note_verifier *v;

	(void)state;
	assert_manglings_refused(0, peter_vkey);
	/* Wrong key length and unknown type, with matching key IDs. */
	assert_int_equal(note_verifier_parse("PeterNeumann+cc469956+ARpc2QcUP"
	    "DhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==", 65, &v),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(note_verifier_parse("PeterNeumann+173116ae+ZRpc2QcUP"
	    "DhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", 66, &v),
	    CUSTOS_ERR_UNSUPPORTED);
	/* Go takes upper-case hex; we only write and read lower case. */
	assert_int_equal(note_verifier_parse("PeterNeumann+C74F20A3+ARpc2QcUP"
	    "DhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", 66, &v), CUSTOS_ERR_FORMAT);
	assert_manglings_refused(1, peter_skey);
}

static void
test_vkey_types(void **state)
{
	struct note_verifier *v;
	struct note_signer *s;
	uint8_t blob[1 + 10 + 66];
	char *str;

	(void)state;
	/* Type 0x02 is not one we know. */
	memset(blob, 7, sizeof(blob));
	blob[0] = 0x02;
	str = make_vkey("k", blob, 33);
	assert_int_equal(note_verifier_parse(str, strlen(str), &v),
	    CUSTOS_ERR_UNSUPPORTED);
	free(str);
	/* Nor is 0xff with another identifier. */
	blob[0] = 0xff;
	memcpy(blob + 1, "custos-sm3", 10);
	str = make_vkey("k", blob, 76);
	assert_int_equal(note_verifier_parse(str, strlen(str), &v),
	    CUSTOS_ERR_UNSUPPORTED);
	free(str);
	/* Ed25519 with 31 bytes of key. */
	blob[0] = 0x01;
	str = make_vkey("k", blob, 32);
	assert_int_equal(note_verifier_parse(str, strlen(str), &v),
	    CUSTOS_ERR_FORMAT);
	free(str);
	/* An empty key. */
	assert_int_equal(note_verifier_parse("k+00000000+", 11, &v),
	    CUSTOS_ERR_FORMAT);

	/* SM2: a real key, then with the point moved off the curve. */
	assert_int_equal(note_signer_generate("sm.example/log", SIGN_SM2, &s),
	    0);
	assert_int_equal(note_signer_verifier(s, &v), 0);
	assert_int_equal(note_verifier_alg(v), SIGN_SM2);
	note_verifier_free(v);
	blob[0] = 0xff;
	memcpy(blob + 1, "custos-sm2", 10);
	blob[11] = 0x04;
	str = make_vkey("sm.example/log", blob, 76);
	assert_int_equal(note_verifier_parse(str, strlen(str), &v),
	    CUSTOS_ERR_FORMAT);
	free(str);
	/* ... and with a 66-byte point. */
	str = make_vkey("sm.example/log", blob, 77);
	assert_int_equal(note_verifier_parse(str, strlen(str), &v),
	    CUSTOS_ERR_FORMAT);
	free(str);
	note_signer_free(s);
}

/*
 * Round trip of a key pair of alg: key strings, signing, verifying; the
 * verifier key string is checked against the C2SP key ID computed here.
 */
static void
roundtrip(enum sign_alg alg, const char *name)
{
	struct note_signer *s, *s2;
	struct note_verifier *v, *v2;
	struct note *n;
	uint8_t blob[128], h[DIGEST_LEN], buf[512];
	char *skey, *skey2, *vk, *vk2, *msg;
	const char *text = "origin\n42\nsome text\n";
	const char *p;
	size_t len, bloblen, namelen = strlen(name);

	assert_int_equal(note_signer_generate(name, alg, &s), 0);
	assert_string_equal(note_signer_name(s), name);
	assert_int_equal(note_signer_format(s, &skey), 0);
	assert_int_equal(strncmp(skey, "PRIVATE+KEY+", 12), 0);
	assert_int_equal(note_signer_parse(skey, strlen(skey), &s2), 0);
	assert_int_equal(note_signer_format(s2, &skey2), 0);
	assert_string_equal(skey, skey2);
	assert_int_equal(note_signer_keyid(s2), note_signer_keyid(s));

	assert_int_equal(note_signer_verifier(s, &v), 0);
	assert_int_equal(note_verifier_alg(v), alg);
	assert_int_equal(note_verifier_format(v, &vk), 0);
	assert_int_equal(note_verifier_parse(vk, strlen(vk), &v2), 0);
	assert_int_equal(note_verifier_format(v2, &vk2), 0);
	assert_string_equal(vk, vk2);

	/* name+keyid+base64(blob), keyid = SHA-256(name\nblob)[:4]. */
	assert_int_equal(strncmp(vk, name, namelen), 0);
	p = vk + namelen + 10;
	assert_int_equal(b64_decode(p, strlen(p), blob, sizeof(blob),
	    &bloblen), 0);
	if (alg == SIGN_ED25519) {
		assert_int_equal(bloblen, 33);
		assert_int_equal(blob[0], 0x01);
	} else {
		assert_int_equal(bloblen, 76);
		assert_int_equal(blob[0], 0xff);
		assert_memory_equal(blob + 1, "custos-sm2", 10);
		assert_int_equal(blob[11], 0x04);
	}
	memcpy(buf, name, namelen);
	buf[namelen] = '\n';
	memcpy(buf + namelen + 1, blob, bloblen);
	assert_int_equal(digest_buf(DIGEST_SHA256, buf, namelen + 1 + bloblen,
	    h), 0);
	assert_int_equal(note_verifier_keyid(v), (uint32_t)h[0] << 24 |
	    (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3]);

	assert_int_equal(note_sign(text, strlen(text), s2, &msg, &len), 0);
	assert_int_equal(note_parse(msg, len, &n), 0);
	assert_int_equal(note_verify(n, v2), 0);
	note_free(n);

	free(msg);
	free(vk);
	free(vk2);
	free(skey);
	free(skey2);
	note_verifier_free(v);
	note_verifier_free(v2);
	note_signer_free(s);
	note_signer_free(s2);
}

static void
test_roundtrip(void **state)
{
	(void)state;
	roundtrip(SIGN_ED25519, "custos.example/station-1");
	roundtrip(SIGN_SM2, "custos.example/station-sm");
	roundtrip(SIGN_ED25519, "\xe6\x97\xa5\xe5\xbf\x97");	/* 日志 */
}

static void
test_bad_names_and_text(void **state)
{
	static const char *const names[] = {
		"", "a+b", "a b", "a\tb", "a\nb", "a\xc2\xa0" "b",
		"a\xe2\x80\x83" "b", "a\xe3\x80\x80" "b", "\xff", "\xc0\xaf",
		"a\x01" "b",
	};
	static const char *const texts[] = {
		"", "abc", "a\x01\n", "\xff\n", "a\rb\n", "a\n\n\x7f\x01\n",
	};
	struct note_signer *s;
	struct note *n;
	char name[NOTE_MAX_NAME + 2], *msg;
	const char *t;
	size_t i, len, tlen;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_int_equal(note_signer_generate(names[i], SIGN_ED25519,
		    &s), CUSTOS_ERR_INVALID);
	memset(name, 'a', sizeof(name));
	name[NOTE_MAX_NAME + 1] = '\0';
	assert_int_equal(note_signer_generate(name, SIGN_ED25519, &s),
	    CUSTOS_ERR_INVALID);
	name[NOTE_MAX_NAME] = '\0';
	assert_int_equal(note_signer_generate(name, SIGN_ED25519, &s), 0);

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		assert_int_equal(note_sign(texts[i], strlen(texts[i]), s,
		    &msg, &len), CUSTOS_ERR_FORMAT);

	/* Text may hold blank lines, or be a single newline. */
	for (i = 0; i < 3; i++) {
		t = (const char *[]){ "a\n\nb\n", "\n", "a\n\n\n" }[i];
		assert_int_equal(note_sign(t, strlen(t), s, &msg, &len), 0);
		assert_int_equal(note_parse(msg, len, &n), 0);
		assert_int_equal(note_nsigs(n), 1);
		assert_string_equal(note_sig(n, 0)->name, name);
		note_text(n, &tlen);
		assert_int_equal(tlen, strlen(t));
		note_free(n);
		free(msg);
	}
	note_signer_free(s);
}

/*
 * Changes every byte of msg to every other value, and deletes each byte,
 * and checks that no change leaves a note that verifies under all of vs.
 */
static void
every_byte(const char *msg, size_t len, struct note_verifier **vs, size_t nv,
    int all_values)
{
	char *m;
	size_t i, k;
	int v, rejected;

	assert_non_null(m = malloc(len));
	for (i = 0; i < len; i++) {
		memcpy(m, msg, len);
		for (v = 1; v < 256; v += all_values ? 1 : 37) {
			m[i] = (char)(msg[i] ^ v);
			for (rejected = 0, k = 0; k < nv; k++)
				if (open_note(m, len, vs[k]) != 0)
					rejected = 1;
			if (!rejected)
				fail_msg("byte %zu ^ 0x%02x accepted", i, v);
		}
		/* Delete byte i. */
		memcpy(m, msg, i);
		memcpy(m + i, msg + i + 1, len - i - 1);
		for (rejected = 0, k = 0; k < nv; k++)
			if (open_note(m, len - 1, vs[k]) != 0)
				rejected = 1;
		if (!rejected)
			fail_msg("deleting byte %zu accepted", i);
	}
	for (k = 0; k < nv; k++)
		assert_int_equal(open_note(msg, len, vs[k]), 0);
	free(m);
}

static void
test_every_byte_go(void **state)
{
	struct note_verifier *v[2];
	char *msg;

	(void)state;
	v[0] = vkey(peter_vkey);
	v[1] = vkey(enoch_vkey);
	msg = cat(go_text, "\n", peter_sig, "");
	every_byte(msg, strlen(msg), v, 1, 1);
	free(msg);
	/* Doubly signed: every change is caught by one of the two keys. */
	msg = cat(go_text, "\n", peter_sig, enoch_sig);
	every_byte(msg, strlen(msg), v, 2, 0);
	free(msg);
	note_verifier_free(v[0]);
	note_verifier_free(v[1]);
}

static void
test_multi_sm2(void **state)
{
	struct note_signer *a, *b, *c;
	struct note_verifier *v[3];
	struct note *n;
	const char *text = "custos.example/log\n7\n"
	    "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n";
	char *ma, *mb, *msg, *sigb;
	size_t la, lb;

	(void)state;
	assert_int_equal(note_signer_generate("custos.example/log",
	    SIGN_ED25519, &a), 0);
	assert_int_equal(note_signer_generate("custos.example/log-sm",
	    SIGN_SM2, &b), 0);
	assert_int_equal(note_signer_generate("custos.example/log",
	    SIGN_ED25519, &c), 0);
	assert_int_equal(note_signer_verifier(a, &v[0]), 0);
	assert_int_equal(note_signer_verifier(b, &v[1]), 0);
	assert_int_equal(note_signer_verifier(c, &v[2]), 0);

	assert_int_equal(note_sign(text, strlen(text), a, &ma, &la), 0);
	assert_int_equal(note_sign(text, strlen(text), b, &mb, &lb), 0);
	/* A note carrying both: b's signature line after a's. */
	sigb = mb + strlen(text) + 1;
	msg = cat(ma, sigb, "", "");
	assert_int_equal(note_parse(msg, strlen(msg), &n), 0);
	assert_int_equal(note_nsigs(n), 2);
	assert_int_equal(note_verify(n, v[0]), 0);
	assert_int_equal(note_verify(n, v[1]), 0);
	/* Same name as a, another key: no line by it. */
	assert_int_equal(note_verify(n, v[2]), CUSTOS_ERR_KEY);
	note_free(n);
	every_byte(msg, strlen(msg), v, 2, 0);

	/* Tampering with b's signature does not affect a's.  The changed
	 * character is another base64 letter inside the signature bytes (past
	 * the 4-byte key ID, before any padding), so the note still parses;
	 * SM2 signatures are random, so a blind bit flip could sometimes
	 * make a character that is not base64 at all. */
	{
		char *p = strstr(msg, "log-sm ");

		assert_non_null(p);
		p += strlen("log-sm ") + 8;
		*p = *p == 'A' ? 'B' : 'A';
	}
	assert_int_equal(note_parse(msg, strlen(msg), &n), 0);
	assert_int_equal(note_verify(n, v[0]), 0);
	assert_int_equal(note_verify(n, v[1]), CUSTOS_ERR_VERIFY);
	note_free(n);

	free(msg);
	free(ma);
	free(mb);
	note_verifier_free(v[0]);
	note_verifier_free(v[1]);
	note_verifier_free(v[2]);
	note_signer_free(a);
	note_signer_free(b);
	note_signer_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_keys),
		cmocka_unit_test(test_go_sign),
		cmocka_unit_test(test_go_open),
		cmocka_unit_test(test_go_bad_notes),
		cmocka_unit_test(test_bad_sig_lines),
		cmocka_unit_test(test_key_manglings),
		cmocka_unit_test(test_vkey_types),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_bad_names_and_text),
		cmocka_unit_test(test_every_byte_go),
		cmocka_unit_test(test_multi_sm2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
