#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "custos/ckpt.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/note.h"
#include "custos/note_sign.h"

/*
 * A checkpoint that golang.org/x/mod/sumdb/note signed with the
 * PeterNeumann key of its tests; the root is tlog.TreeHash of the five
 * records {"i":0} ... {"i":4}.  Ed25519 is deterministic, so signing the
 * same body with the same key must give these exact bytes.
 */
static const char peter_skey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+"
    "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char peter_vkey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char go_body[] =
    "PeterNeumann\n"
    "5\n"
    "OWzC8+pXpLvOMYsH2CT91q0pLUsT6Q9WrpQRsWTbETY=\n"
    "x-custos-profile default\n";
static const char go_ckpt[] =
    "PeterNeumann\n"
    "5\n"
    "OWzC8+pXpLvOMYsH2CT91q0pLUsT6Q9WrpQRsWTbETY=\n"
    "x-custos-profile default\n"
    "\n"
    "\xe2\x80\x94 PeterNeumann x08go42R2i3hjFtczNpH978M2X6V8oUiamAbyJ0QfJgJ"
    "TpSP86EN0H4oP0ODxIxZnP7hVU+JyuES5wXkvpzRgwAdXgg=\n";

#define ROOT_B64	"OWzC8+pXpLvOMYsH2CT91q0pLUsT6Q9WrpQRsWTbETY="

static void
root_of(uint8_t root[DIGEST_LEN])
{
	size_t n;

	assert_int_equal(b64_decode(ROOT_B64, strlen(ROOT_B64), root,
	    DIGEST_LEN, &n), 0);
	assert_int_equal(n, DIGEST_LEN);
}

static void
test_go_checkpoint(void **state)
{
	struct note_verifier *v;
	struct note_signer *s;
	struct checkpoint *c;
	uint8_t root[DIGEST_LEN];
	char *msg;
	size_t len;

	(void)state;
	root_of(root);
	assert_int_equal(note_verifier_parse(peter_vkey, strlen(peter_vkey),
	    &v), 0);
	assert_int_equal(ckpt_open(go_ckpt, strlen(go_ckpt), v, &c), 0);
	assert_string_equal(c->origin, "PeterNeumann");
	assert_int_equal(c->size, 5);
	assert_memory_equal(c->root, root, DIGEST_LEN);
	assert_int_equal(c->next, 1);
	assert_string_equal(c->ext[0], "x-custos-profile default");

	/* Our formatting and signing reproduce Go's bytes. */
	assert_int_equal(ckpt_format(c->origin, c->size, c->root, c->ext,
	    c->next, &msg, &len), 0);
	assert_int_equal(len, strlen(go_body));
	assert_string_equal(msg, go_body);
	ckpt_free(c);
	assert_int_equal(note_signer_parse(peter_skey, strlen(peter_skey),
	    &s), 0);
	free(msg);
	assert_int_equal(note_sign(go_body, strlen(go_body), s, &msg, &len),
	    0);
	assert_string_equal(msg, go_ckpt);
	free(msg);
	note_signer_free(s);
	note_verifier_free(v);
}

static void
test_roundtrip(void **state)
{
	static char *const ext[] = { "a", "second extension line", "x" };
	static const uint64_t sizes[] = { 0, 1, 9, 10, 4294967296ULL,
	    UINT64_MAX };
	struct checkpoint *c;
	uint8_t root[DIGEST_LEN];
	char *text, want[256];
	size_t i, len;

	(void)state;
	root_of(root);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(ckpt_format("custos.example/log", sizes[i],
		    root, ext, i % 4, &text, &len), 0);
		assert_int_equal(len, strlen(text));
		assert_int_equal(ckpt_parse(text, len, &c), 0);
		assert_string_equal(c->origin, "custos.example/log");
		assert_true(c->size == sizes[i]);
		assert_memory_equal(c->root, root, DIGEST_LEN);
		assert_int_equal(c->next, i % 4);
		free(text);
		ckpt_free(c);
	}
	assert_int_equal(ckpt_format("o", 18446744073709551615ULL, root, NULL,
	    0, &text, &len), 0);
	snprintf(want, sizeof(want), "o\n18446744073709551615\n%s\n",
	    ROOT_B64);
	assert_string_equal(text, want);
	free(text);
}

static void
test_format_invalid(void **state)
{
	char *const nl[] = { "a\nb" }, *const empty[] = { "" };
	char *const many[CKPT_MAX_EXT + 1] = {
	    "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
	    "13", "14", "15", "16", "17" };
	uint8_t root[DIGEST_LEN] = { 0 };
	char *text;
	size_t len;

	(void)state;
	assert_int_equal(ckpt_format("", 1, root, NULL, 0, &text, &len),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(ckpt_format("a\nb", 1, root, NULL, 0, &text, &len),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(ckpt_format("o", 1, root, nl, 1, &text, &len),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(ckpt_format("o", 1, root, empty, 1, &text, &len),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(ckpt_format("o", 1, root, NULL, 1, &text, &len),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(ckpt_format("o", 1, root, many, CKPT_MAX_EXT + 1,
	    &text, &len), CUSTOS_ERR_INVALID);
	assert_int_equal(ckpt_format("o", 1, root, many, CKPT_MAX_EXT,
	    &text, &len), 0);
	free(text);
}

static void
test_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"o\n",
		"o\n1\n",
		"\n1\n" ROOT_B64 "\n",			/* empty origin */
		"o\n01\n" ROOT_B64 "\n",		/* leading zero */
		"o\n00\n" ROOT_B64 "\n",
		"o\n+1\n" ROOT_B64 "\n",
		"o\n-1\n" ROOT_B64 "\n",
		"o\n 1\n" ROOT_B64 "\n",
		"o\n1 \n" ROOT_B64 "\n",
		"o\n1a\n" ROOT_B64 "\n",
		"o\n0x1\n" ROOT_B64 "\n",
		"o\n\n" ROOT_B64 "\n",			/* empty size */
		"o\n18446744073709551616\n" ROOT_B64 "\n", /* 2^64 */
		"o\n99999999999999999999\n" ROOT_B64 "\n",
		"o\n100000000000000000000\n" ROOT_B64 "\n",
		"o\n1\n" ROOT_B64,			/* no final newline */
		"o\n1\n" ROOT_B64 " \n",
		"o\n1\n\n",				/* empty root */
		"o\n1\nOWzC8+pXpLvOMYsH2CT91q0pLUsT6Q9WrpQRsWTbETZ=\n",
		"o\n1\nOWzC8+pXpLvOMYsH2CT91q0pLUsT6Q9WrpQRsWTbET\n",
		"o\n1\nOWzC8+pXpLvOMYsH2CT91q0pLUsT6Q9WrpQRsWTbEQ==\n",
		"o\n1\nOWzC8+pXpLvOMYsH2CT91q0pLUsT6Q9WrpQRsWTbETYA\n",
		"o\n1\nOWzC8+pXpLvOMYsH2CT91q0pLUsT6Q9WrpQRsWTbETYAAAA=\n",
		"o\n1\n" ROOT_B64 "\n\n",		/* empty extension */
		"o\n1\n" ROOT_B64 "\next\n\n",
		"o\n1\n" ROOT_B64 "\n\next\n",
		"o\x01\n1\n" ROOT_B64 "\n",		/* control character */
		"o\r\n1\n" ROOT_B64 "\n",
		"o\n1\n" ROOT_B64 "\nex\tt\n",
	};
	struct checkpoint *c;
	char text[512], *p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ckpt_parse(bad[i], strlen(bad[i]), &c) != CUSTOS_ERR_FORMAT)
			fail_msg("accepted bad checkpoint %zu: \"%s\"", i,
			    bad[i]);
		assert_null(c);
	}
	/* A NUL inside the origin. */
	assert_int_equal(ckpt_parse("o\0p\n1\n" ROOT_B64 "\n", 51, &c),
	    CUSTOS_ERR_FORMAT);

	/* CKPT_MAX_EXT extension lines are allowed, one more is not. */
	p = text + sprintf(text, "o\n1\n%s\n", ROOT_B64);
	for (i = 0; i < CKPT_MAX_EXT; i++)
		p += sprintf(p, "e%zu\n", i);
	assert_int_equal(ckpt_parse(text, strlen(text), &c), 0);
	assert_int_equal(c->next, CKPT_MAX_EXT);
	assert_string_equal(c->ext[CKPT_MAX_EXT - 1], "e15");
	ckpt_free(c);
	sprintf(p, "e%d\n", CKPT_MAX_EXT);
	assert_int_equal(ckpt_parse(text, strlen(text), &c),
	    CUSTOS_ERR_FORMAT);

	/* The largest size. */
	assert_int_equal(ckpt_parse("o\n18446744073709551615\n" ROOT_B64 "\n",
	    68, &c), 0);
	assert_true(c->size == UINT64_MAX);
	ckpt_free(c);
	assert_int_equal(ckpt_parse("o\n0\n" ROOT_B64 "\n", 49, &c), 0);
	assert_true(c->size == 0);
	ckpt_free(c);
}

/* Every change of every byte, and every deletion, is refused. */
static void
every_byte(const char *msg, size_t len, const struct note_verifier *v,
    int step)
{
	struct checkpoint *c;
	char *m;
	size_t i;
	int x;

	assert_non_null(m = malloc(len));
	for (i = 0; i < len; i++) {
		memcpy(m, msg, len);
		for (x = 1; x < 256; x += step) {
			m[i] = (char)(msg[i] ^ x);
			if (ckpt_open(m, len, v, &c) == 0)
				fail_msg("byte %zu ^ 0x%02x accepted", i, x);
			assert_null(c);
		}
		memcpy(m, msg, i);
		memcpy(m + i, msg + i + 1, len - i - 1);
		if (ckpt_open(m, len - 1, v, &c) == 0)
			fail_msg("deleting byte %zu accepted", i);
	}
	assert_int_equal(ckpt_open(msg, len, v, &c), 0);
	ckpt_free(c);
	free(m);
}

static void
test_every_byte(void **state)
{
	struct note_verifier *v;
	struct note_signer *s;
	uint8_t root[DIGEST_LEN];
	char *text, *msg;
	size_t len, mlen;

	(void)state;
	assert_int_equal(note_verifier_parse(peter_vkey, strlen(peter_vkey),
	    &v), 0);
	every_byte(go_ckpt, strlen(go_ckpt), v, 1);
	note_verifier_free(v);

	/* The same for an SM2-signed checkpoint, sampling byte values. */
	root_of(root);
	assert_int_equal(note_signer_generate("custos.example/sm", SIGN_SM2,
	    &s), 0);
	assert_int_equal(note_signer_verifier(s, &v), 0);
	assert_int_equal(ckpt_format("custos.example/sm", 1234, root, NULL, 0,
	    &text, &len), 0);
	assert_int_equal(note_sign(text, len, s, &msg, &mlen), 0);
	every_byte(msg, mlen, v, 29);
	free(msg);
	free(text);
	note_verifier_free(v);
	note_signer_free(s);
}

static void
test_open_errors(void **state)
{
	struct note_verifier *v, *other;
	struct note_signer *s, *s2;
	struct checkpoint *c;
	uint8_t root[DIGEST_LEN];
	char *text, *msg;
	size_t len, mlen;

	(void)state;
	root_of(root);
	assert_int_equal(note_signer_generate("custos.example/log",
	    SIGN_ED25519, &s), 0);
	assert_int_equal(note_signer_verifier(s, &v), 0);
	assert_int_equal(note_signer_generate("custos.example/log",
	    SIGN_ED25519, &s2), 0);
	assert_int_equal(note_signer_verifier(s2, &other), 0);

	/* A good checkpoint; then another key of the same name. */
	assert_int_equal(ckpt_format("custos.example/log", 3, root, NULL, 0,
	    &text, &len), 0);
	assert_int_equal(note_sign(text, len, s, &msg, &mlen), 0);
	assert_int_equal(ckpt_open(msg, mlen, v, &c), 0);
	assert_int_equal(c->size, 3);
	ckpt_free(c);
	assert_int_equal(ckpt_open(msg, mlen, other, &c), CUSTOS_ERR_KEY);
	assert_null(c);

	/* A tampered signature. */
	msg[mlen - 6] = msg[mlen - 6] == 'A' ? 'B' : 'A';
	assert_int_equal(ckpt_open(msg, mlen, v, &c), CUSTOS_ERR_VERIFY);
	free(msg);
	free(text);

	/* Signed by the right key, but for another origin. */
	assert_int_equal(ckpt_format("custos.example/other", 3, root, NULL, 0,
	    &text, &len), 0);
	assert_int_equal(note_sign(text, len, s, &msg, &mlen), 0);
	assert_int_equal(ckpt_open(msg, mlen, v, &c), CUSTOS_ERR_VERIFY);
	free(msg);
	free(text);

	/* Signed, but not a checkpoint. */
	assert_int_equal(note_sign("custos.example/log\n3\n", 21, s, &msg,
	    &mlen), 0);
	assert_int_equal(ckpt_open(msg, mlen, v, &c), CUSTOS_ERR_FORMAT);
	free(msg);
	assert_int_equal(ckpt_open("not a note", 10, v, &c),
	    CUSTOS_ERR_FORMAT);

	note_verifier_free(other);
	note_verifier_free(v);
	note_signer_free(s2);
	note_signer_free(s);
	ckpt_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_checkpoint),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_format_invalid),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
