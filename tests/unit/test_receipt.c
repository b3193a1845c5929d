/*
 * Tests for lib/log/receipt.c and lib/log/receipt_log.c on a real SQLite log in a
 * temporary directory with checkpoints signed by a real key: format,
 * parse and verify round trips for every entry and both profiles, every
 * byte of a receipt flipped, the wrong key, origin, index and entry, and
 * the parser's strictness.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "custos/ckpt.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "custos/note.h"
#include "custos/note_sign.h"
#include "custos/receipt.h"

#include "fixture.h"

#define NAME		"test.example/station"
#define NENTRIES	7

/* Appends n entries, each with an object of its own. */
static void
append_entries(struct fixture_station *fx, uint64_t n)
{
	char rest[128];
	uint64_t i;

	for (i = 0; i < n; i++) {
		snprintf(rest, sizeof(rest), ",\"object\":\"sha256:%064llx\"",
		    (unsigned long long)i);
		fixture_append(fx->log, "test", "2026-01-01T00:00:00.000Z",
		    NAME, rest);
	}
}

/* Signs and stores the checkpoint of the log's first size entries. */
static void
put_checkpoint(struct fixture_station *fx, const char *origin, uint64_t size)
{
	fixture_checkpoint_put(fx->log, fx->signer, origin, size);
}

static int
setup_alg(void **state, enum digest_alg dalg, enum sign_alg salg)
{
	struct fixture_station *st;

	if (fixture_station_open("receipt", dalg, salg, NAME, &st) != 0)
		return -1;
	*state = st;
	return 0;
}

static int
setup(void **state)
{
	return setup_alg(state, DIGEST_SHA256, SIGN_ED25519);
}

static int
setup_sm(void **state)
{
	return setup_alg(state, DIGEST_SM3, SIGN_SM2);
}

/* The standard log: 7 entries, checkpoints at sizes 3 and 7. */
static void
standard_log(struct fixture_station *fx)
{
	append_entries(fx, 3);
	put_checkpoint(fx, NAME, 3);
	append_entries(fx, NENTRIES - 3);
	put_checkpoint(fx, NAME, NENTRIES);
}

/* Formats, parses and verifies; checks what the accessors report. */
static void
round_trip(struct fixture_station *fx, uint64_t index, uint64_t size,
    uint64_t want_size)
{
	struct receipt *r;
	uint8_t *entry, root[DIGEST_LEN];
	const uint8_t *extra;
	char *text, why[256];
	size_t len, elen, xlen;

	assert_int_equal(receipt_format(fx->log, index, size, &text, &len), 0);
	assert_int_equal(strlen(text), len);
	assert_int_equal(memcmp(text, RECEIPT_HEADER "\nextra ", 29), 0);
	assert_int_equal(receipt_parse(text, len, &r), 0);
	why[0] = '\0';
	assert_int_equal(receipt_verify(r, fx->v, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	assert_int_equal(receipt_index(r), index);
	assert_int_equal(receipt_size(r), want_size);
	assert_int_equal(log_root(fx->log, want_size, root), 0);
	assert_memory_equal(receipt_root(r), root, DIGEST_LEN);
	assert_string_equal(receipt_checkpoint(r)->origin, NAME);
	assert_int_equal(log_entry(fx->log, index, &entry, &elen), 0);
	extra = receipt_extra(r, &xlen);
	assert_int_equal(xlen, elen);
	assert_memory_equal(extra, entry, elen);
	free(entry);
	receipt_free(r);
	free(text);
}

static void
test_round_trip(void **state)
{
	struct fixture_station *fx = *state;
	uint64_t i;

	standard_log(fx);
	for (i = 0; i < NENTRIES; i++) {
		round_trip(fx, i, 0, NENTRIES);
		round_trip(fx, i, NENTRIES, NENTRIES);
	}
	for (i = 0; i < 3; i++)
		round_trip(fx, i, 3, 3);
}

static void
test_round_trip_sm(void **state)
{
	struct fixture_station *fx = *state;
	struct note_verifier *ed;
	struct note_signer *s;
	struct receipt *r;
	char *text;
	size_t len;

	standard_log(fx);
	round_trip(fx, 4, 0, NENTRIES);
	round_trip(fx, 0, 3, 3);
	/* An Ed25519 key of the same name is not the station's key. */
	assert_int_equal(note_signer_generate(NAME, SIGN_ED25519, &s), 0);
	assert_int_equal(note_signer_verifier(s, &ed), 0);
	assert_int_equal(receipt_format(fx->log, 4, 0, &text, &len), 0);
	assert_int_equal(receipt_parse(text, len, &r), 0);
	assert_int_equal(receipt_verify(r, ed, NULL, 0), CUSTOS_ERR_KEY);
	/* The inclusion proof holds in SM3 only. */
	assert_int_equal(receipt_verify_inclusion(r, DIGEST_SM3, NULL, NULL,
	    0), 0);
	assert_int_equal(receipt_verify_inclusion(r, DIGEST_SHA256, NULL,
	    NULL, 0), CUSTOS_ERR_VERIFY);
	receipt_free(r);
	free(text);
	note_verifier_free(ed);
	note_signer_free(s);
}

static void
test_not_covered(void **state)
{
	struct fixture_station *fx = *state;
	char *text = (char *)1;
	size_t len = 1;

	append_entries(fx, 2);
	/* No checkpoint at all yet. */
	assert_int_equal(receipt_format(fx->log, 0, 0, &text, &len),
	    CUSTOS_ERR_NOTFOUND);
	assert_null(text);
	assert_int_equal(len, 0);
	put_checkpoint(fx, NAME, 2);
	append_entries(fx, 3);
	/* Entries 2..4 are logged but no checkpoint covers them. */
	assert_int_equal(receipt_format(fx->log, 2, 0, &text, &len),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(receipt_format(fx->log, 4, 0, &text, &len),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(receipt_format(fx->log, 1, 3, &text, &len),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(receipt_format(fx->log, 1, 99, &text, &len),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(receipt_format(fx->log, 1, 0, &text, &len), 0);
	free(text);
}

/* Parses and verifies t; returns 0 only if both succeed. */
static int
check_text(struct fixture_station *fx, const char *t, size_t len,
    struct receipt **out)
{
	struct receipt *r;
	int rc;

	*out = NULL;
	if ((rc = receipt_parse(t, len, &r)) != 0)
		return rc;
	if ((rc = receipt_verify(r, fx->v, NULL, 0)) != 0) {
		receipt_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

static void
test_every_byte_flipped(void **state)
{
	struct fixture_station *fx = *state;
	struct receipt *orig, *r;
	const uint8_t *x1, *x2;
	char *text, *t;
	size_t len, i, l1, l2, bit, rejected = 0, same = 0;

	standard_log(fx);
	assert_int_equal(receipt_format(fx->log, 2, 0, &text, &len), 0);
	assert_int_equal(check_text(fx, text, len, &orig), 0);
	assert_non_null(t = malloc(len));
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(t, text, len);
			t[i] ^= (char)(1 << bit);
			if (check_text(fx, t, len, &r) != 0) {
				rejected++;
				continue;
			}
			/* Accepted: it must claim exactly the same. */
			x1 = receipt_extra(orig, &l1);
			x2 = receipt_extra(r, &l2);
			assert_int_equal(receipt_index(r), receipt_index(orig));
			assert_int_equal(receipt_size(r), receipt_size(orig));
			assert_memory_equal(receipt_root(r), receipt_root(orig),
			    DIGEST_LEN);
			assert_int_equal(l1, l2);
			assert_memory_equal(x1, x2, l1);
			same++;
			receipt_free(r);
		}
	}
	print_message("%zu of %zu bit flips rejected, %zu unchanged in "
	    "meaning\n", rejected, 8 * len, same);
	assert_int_equal(rejected + same, 8 * len);
	/* Every byte of a receipt is meaningful: nothing slips through. */
	assert_int_equal(same, 0);
	/* Truncated at any point: never verified. */
	for (i = 0; i < len; i++)
		assert_int_not_equal(check_text(fx, text, i, &r), 0);
	free(t);
	receipt_free(orig);
	free(text);
}

static void
test_wrong_key(void **state)
{
	struct fixture_station *fx = *state;
	struct note_signer *s;
	struct note_verifier *other;
	struct receipt *r;
	char *text, why[512];
	size_t len;

	standard_log(fx);
	assert_int_equal(receipt_format(fx->log, 5, 0, &text, &len), 0);
	assert_int_equal(receipt_parse(text, len, &r), 0);
	/* Same name, another key. */
	assert_int_equal(note_signer_generate(NAME, SIGN_ED25519, &s), 0);
	assert_int_equal(note_signer_verifier(s, &other), 0);
	assert_int_equal(receipt_verify(r, other, why, sizeof(why)),
	    CUSTOS_ERR_KEY);
	assert_non_null(strstr(why, "checkpoint: no signature by key "
	    NAME "+"));
	note_verifier_free(other);
	note_signer_free(s);
	/* Another name. */
	assert_int_equal(note_signer_generate("other.example/station",
	    SIGN_ED25519, &s), 0);
	assert_int_equal(note_signer_verifier(s, &other), 0);
	assert_int_equal(receipt_verify(r, other, why, sizeof(why)),
	    CUSTOS_ERR_KEY);
	note_verifier_free(other);
	note_signer_free(s);
	receipt_free(r);
	free(text);
}

/* Replaces the first occurrence of from in *text by to. */
static void
replace(char **text, size_t *len, const char *from, const char *to)
{
	char *p, *n;
	size_t off, fl = strlen(from), tl = strlen(to);

	assert_non_null(p = strstr(*text, from));
	off = (size_t)(p - *text);
	assert_non_null(n = malloc(*len - fl + tl + 1));
	memcpy(n, *text, off);
	memcpy(n + off, to, tl);
	memcpy(n + off + tl, p + fl, *len - off - fl + 1);
	free(*text);
	*text = n;
	*len = *len - fl + tl;
}

/*
 * Parses text, which must parse, and checks that verifying it fails with
 * CUSTOS_ERR_VERIFY and, unless want is NULL, that why says want.
 */
static void
assert_refused(struct fixture_station *fx, const char *text, size_t len,
    const char *want)
{
	struct receipt *r;
	char why[256];

	assert_int_equal(receipt_parse(text, len, &r), 0);
	assert_int_equal(receipt_verify(r, fx->v, why, sizeof(why)),
	    CUSTOS_ERR_VERIFY);
	if (want != NULL)
		assert_string_equal(why, want);
	receipt_free(r);
}

static void
test_wrong_index_and_entry(void **state)
{
	struct fixture_station *fx = *state;
	struct receipt *r;
	char *text, *t3;
	char *x2, *x3;
	size_t len, l3;

	standard_log(fx);
	assert_int_equal(receipt_format(fx->log, 2, 0, &text, &len), 0);
	assert_int_equal(receipt_format(fx->log, 3, 0, &t3, &l3), 0);

	/* Entry 2's proof and bytes, claimed as entry 3. */
	replace(&text, &len, "\nindex 2\n", "\nindex 3\n");
	assert_refused(fx, text, len, "inclusion: the proof for entry 3 does "
	    "not lead to the checkpoint's root");

	/* Index beyond the tree. */
	replace(&text, &len, "\nindex 3\n", "\nindex 7\n");
	assert_refused(fx, text, len, "inclusion: entry index 7 is not below "
	    "the tree size 7");
	replace(&text, &len, "\nindex 7\n", "\nindex 2\n");

	/* Entry 3's bytes with entry 2's index and proof. */
	x2 = strchr(text, ' ') + 1;
	x3 = strchr(t3, ' ') + 1;
	*strchr(x2, '\n') = '\0';
	*strchr(x3, '\n') = '\0';
	x2 = strdup(x2);
	x3 = strdup(x3);
	free(text);
	assert_int_equal(receipt_format(fx->log, 2, 0, &text, &len), 0);
	replace(&text, &len, x2, x3);
	assert_refused(fx, text, len, NULL);
	free(x2);
	free(x3);

	/* A proof of the wrong length: its first hash line removed. */
	free(t3);
	free(text);
	assert_int_equal(receipt_format(fx->log, 6, 0, &text, &len), 0);
	assert_int_equal(receipt_parse(text, len, &r), 0);
	assert_int_equal(receipt_nproof(r), 2);
	receipt_free(r);
	x2 = strstr(text, "\nindex 6\n") + 9;
	memmove(x2, x2 + 45, len - (size_t)(x2 - text) - 45 + 1);
	len -= 45;
	assert_refused(fx, text, len, "inclusion: proof has 1 hashes, but "
	    "entry 6 in a tree of size 7 needs 2");
	/* Without the blank line before the checkpoint. */
	replace(&text, &len, "=\n\n", "=\n");
	assert_int_equal(receipt_parse(text, len, &r), CUSTOS_ERR_FORMAT);
	free(text);
}

static void
test_origin(void **state)
{
	struct fixture_station *fx = *state;
	char *text;
	size_t len;

	append_entries(fx, 4);
	/* Signed by the station's key, but for another log's origin. */
	put_checkpoint(fx, "elsewhere.example/log", 4);
	assert_int_equal(receipt_format(fx->log, 1, 0, &text, &len), 0);
	assert_refused(fx, text, len, "checkpoint: origin "
	    "\"elsewhere.example/log\" is not the key's name \"" NAME "\"");
	free(text);
}

static void
test_strict_parse(void **state)
{
	struct fixture_station *fx = *state;
	struct receipt *r;
	char *text, *t, *big;
	size_t len, i, off;

	standard_log(fx);
	assert_int_equal(receipt_format(fx->log, 2, 0, &text, &len), 0);

	t = strdup(text);
	replace(&t, &len, "@v1\n", "@v1\r\n");
	assert_int_equal(receipt_parse(t, len, &r), CUSTOS_ERR_FORMAT);
	replace(&t, &len, "@v1\r\n", "@v2\n");
	assert_int_equal(receipt_parse(t, len, &r), CUSTOS_ERR_FORMAT);
	replace(&t, &len, "@v2\n", "@v1\n");
	assert_int_equal(receipt_parse(t, len, &r), 0);
	receipt_free(r);
	replace(&t, &len, "\nindex 2\n", "\nindex 02\n");
	assert_int_equal(receipt_parse(t, len, &r), CUSTOS_ERR_FORMAT);
	replace(&t, &len, "\nindex 02\n", "\nindex  2\n");
	assert_int_equal(receipt_parse(t, len, &r), CUSTOS_ERR_FORMAT);
	replace(&t, &len, "\nindex  2\n", "\nindex 18446744073709551616\n");
	assert_int_equal(receipt_parse(t, len, &r), CUSTOS_ERR_FORMAT);
	replace(&t, &len, "\nindex 18446744073709551616\n", "\nindex 2\n");
	replace(&t, &len, "\nextra ", "\nextra  ");
	assert_int_equal(receipt_parse(t, len, &r), CUSTOS_ERR_FORMAT);
	free(t);

	/* Without the extra line it parses (the format allows it), but
	 * there is nothing to verify. */
	t = strdup(text);
	len = strlen(t);
	off = (size_t)(strstr(t, "\nindex") - t);
	memmove(t + 23, t + off + 1, len - off);
	len -= off + 1 - 23;
	assert_int_equal(receipt_parse(t, len, &r), 0);
	assert_null(receipt_extra(r, &i));
	assert_int_equal(receipt_verify(r, fx->v, NULL, 0), CUSTOS_ERR_FORMAT);
	receipt_free(r);
	free(t);

	/* Trailing bytes after the note. */
	assert_non_null(t = malloc(strlen(text) + 2));
	strcpy(t, text);
	strcat(t, "x");
	assert_int_not_equal(receipt_parse(t, strlen(t), &r), 0);
	free(t);

	/* 64 proof lines are more than any tree needs. */
	off = (size_t)(strstr(text, "\nindex 2\n") - text) + 9;
	assert_non_null(big = malloc(strlen(text) + 64 * 45 + 1));
	memcpy(big, text, off);
	for (i = 0; i < 64; i++)
		memcpy(big + off + i * 45,
		    "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", 45);
	strcpy(big + off + 64 * 45, strstr(text, "\n\n") + 1);
	assert_int_equal(receipt_parse(big, strlen(big), &r),
	    CUSTOS_ERR_TOOBIG);
	free(big);

	assert_int_equal(receipt_parse("", 0, &r), CUSTOS_ERR_FORMAT);
	assert_int_equal(receipt_parse(text, RECEIPT_MAX_SIZE + 1, &r),
	    CUSTOS_ERR_TOOBIG);
	free(text);
}

/* The test vector of docs/log.md section 11.5, made by hand from the
 * vectors of sections 5 and 10: an independent known answer. */
static const char vector[] =
    "c2sp.org/tlog-proof@v1\n"
    "extra eyJ0eXBlIjoidGVzdCIsImluZGV4IjoyLCJ0aW1lIjoiMjAyNS0wMS0wMVQwMDow"
    "MDowMC4wMDBaIiwic3RhdGlvbiI6ImN1c3Rvcy5leGFtcGxlL3N0YXRpb24tMyJ9\n"
    "index 2\n"
    "uBhkfADCveuhCfvjn4npeqDLOwXUfwxj9AsW6gCSIyI=\n"
    "yifhnsSBgbg8r8W5CRpiKYYOSH35WTYz0YNUAGQeaIA=\n"
    "+MRiu855M6sOHgURV8IwJsgVkNvuzXYYCPQt+jUwY6c=\n"
    "\n"
    "custos.example/station-3\n"
    "7\n"
    "SCljYw3WBy5E2nRmquMHKfbT8YcSXrMeLBG6C7r7kPY=\n"
    "\n"
    "\xe2\x80\x94 custos.example/station-3 TJtyLWeAfhnNoXxhotkGtIdZPbZDdvFsSW+y"
    "pVxWwWaCKu1+bv7CaV1MvsNbVELbkF+SoQTVpWu3cm5Cz1eBFfgKNgE=\n";
static const char vector_key[] = "custos.example/station-3+4c9b722d+"
    "AUCXhCdeHps8DOEm/Kd1Rzs0SoXni2pAQfOg0SjJ9x2d";
static const char vector_entry[] = "{\"type\":\"test\",\"index\":2,"
    "\"time\":\"2025-01-01T00:00:00.000Z\","
    "\"station\":\"custos.example/station-3\"}";

static void
test_vector(void **state)
{
	struct note_verifier *v;
	struct receipt *r;
	const uint8_t *x;
	uint8_t leaf[DIGEST_LEN], want[DIGEST_LEN];
	char why[256];
	size_t len;

	(void)state;
	assert_int_equal(note_verifier_parse(vector_key, strlen(vector_key),
	    &v), 0);
	assert_int_equal(receipt_parse(vector, strlen(vector), &r), 0);
	assert_int_equal(receipt_verify(r, v, why, sizeof(why)), 0);
	assert_int_equal(receipt_index(r), 2);
	assert_int_equal(receipt_size(r), 7);
	assert_int_equal(receipt_nproof(r), 3);
	x = receipt_extra(r, &len);
	assert_int_equal(len, strlen(vector_entry));
	assert_memory_equal(x, vector_entry, len);
	assert_int_equal(receipt_verify_inclusion(r, DIGEST_SHA256, leaf,
	    NULL, 0), 0);
	assert_int_equal(hex_decode("9aded25a63f32ce27f87d7600bf32dfb45eded07"
	    "0f79fb51483b8b172f4cbc1d", 64, want, DIGEST_LEN), 0);
	assert_memory_equal(leaf, want, DIGEST_LEN);
	receipt_free(r);
	note_verifier_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_sm, setup_sm,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_not_covered, setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_every_byte_flipped, setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_key, setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_index_and_entry,
		    setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_origin, setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_strict_parse, setup,
		    fixture_teardown),
		cmocka_unit_test(test_vector),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
