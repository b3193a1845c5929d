/*
 * Tests for lib/evidence/clip_proof.c: clip_proof_check() on packet
 * proofs that clip_proof_write() makes for synthetic packets of two
 * streams, honest and then altered one way at a time: a changed packet,
 * an added one, a dropped one, two packets of a stream swapped, a
 * position twice, a wrong packet_root or count, and every single bit of
 * every packet flipped.  Each must fail, naming the packet's time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "custos/clip.h"
#include "custos/clip_proof.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "custos/merkle.h"

#include "fixture.h"

#define OBJECT	"sha256:00112233445566778899aabbccddeeff" \
		"00112233445566778899aabbccddeeff"
#define DLEN	16
#define SEGMENT	17

/* The original: n packets, their data, leaves and times. */
struct orig {
	enum digest_alg		 alg;
	struct clip_leaves	 leaves;
	uint8_t			 (*data)[DLEN];
};

/* The leaf of a packet: H(0x00 || be32(stream) || data). */
static void
leaf_of(enum digest_alg alg, uint32_t stream, const uint8_t data[DLEN],
    uint8_t out[DIGEST_LEN])
{
	uint8_t buf[4 + DLEN];

	buf[0] = (uint8_t)(stream >> 24);
	buf[1] = (uint8_t)(stream >> 16);
	buf[2] = (uint8_t)(stream >> 8);
	buf[3] = (uint8_t)stream;
	memcpy(buf + 4, data, DLEN);
	assert_int_equal(merkle_leaf_hash(alg, buf, sizeof(buf), out), 0);
}

/* n packets: every third of stream 1 (audio), the others stream 0. */
static void
orig_make(struct orig *o, enum digest_alg alg, size_t n)
{
	struct merkle_stream ms;
	struct clip_leaf *l;
	char text[64] = "";
	size_t i;

	memset(o, 0, sizeof(*o));
	o->alg = alg;
	o->leaves.v = calloc(n, sizeof(*o->leaves.v));
	o->data = calloc(n, sizeof(*o->data));
	assert_non_null(o->leaves.v);
	assert_non_null(o->data);
	o->leaves.n = n;
	merkle_stream_init(&ms, alg);
	for (i = 0; i < n; i++) {
		l = &o->leaves.v[i];
		l->stream = i % 3 == 2 ? 1 : 0;
		l->flags = i % 12 == 0 ? CLIP_KEY : 0;
		l->time_ms = (int64_t)i * 40;
		snprintf(text, sizeof(text), "pkt %05zu s%u", i, l->stream);
		memcpy(o->data[i], text, DLEN);
		leaf_of(alg, l->stream, o->data[i], l->leaf);
		assert_int_equal(merkle_stream_append(&ms, l->leaf), 0);
	}
	assert_int_equal(merkle_stream_root(&ms, o->leaves.res.packet_root),
	    0);
	o->leaves.res.packets = n;
}

static void
orig_free(struct orig *o)
{
	free(o->leaves.v);
	free(o->data);
}

/* The clip of [first, first + count): the same packets, times from 0. */
static void
clip_make(const struct orig *o, uint64_t first, uint64_t count,
    struct clip_leaves *c)
{
	uint64_t i;

	memset(c, 0, sizeof(*c));
	c->v = calloc(count + 1, sizeof(*c->v));
	assert_non_null(c->v);
	c->n = count;
	for (i = 0; i < count; i++) {
		c->v[i] = o->leaves.v[first + i];
		c->v[i].time_ms -= o->leaves.v[first].time_ms;
	}
}

/* The packet proof clip_proof_write() makes. */
static char *
proof_make(const struct orig *o, const struct clip_leaves *c, uint64_t first,
    uint64_t count)
{
	struct clip_proof_in in;
	char *out, why[256];
	size_t len;

	memset(&in, 0, sizeof(in));
	in.alg = o->alg;
	in.segment = SEGMENT;
	in.object = OBJECT;
	in.orig = &o->leaves;
	in.clip = c;
	in.first = first;
	in.count = count;
	in.from_ms = o->leaves.v[first].time_ms;
	in.to_ms = o->leaves.v[first + count - 1].time_ms + 40;
	assert_int_equal(clip_proof_write(&in, &out, &len, why, sizeof(why)),
	    0);
	return out;
}

static void
entry_of(const struct orig *o, struct clip_proof_entry *e)
{
	e->alg = o->alg;
	e->segment = SEGMENT;
	e->object = OBJECT;
	e->packet_root = o->leaves.res.packet_root;
	e->packets = o->leaves.n;
}

static void
check(const char *json, const struct clip_leaves *c,
    const struct clip_proof_entry *e, struct clip_proof_report *rep)
{
	assert_int_equal(clip_proof_check(json, strlen(json), c, e, rep), 0);
}

/* The kept failure of kind why, or NULL. */
static const struct clip_failure *
failure(const struct clip_proof_report *rep, enum clip_why why)
{
	size_t i;

	for (i = 0; i < rep->nkept; i++)
		if (rep->failures[i].why == why)
			return &rep->failures[i];
	return NULL;
}

/* json with its proofs edited by edit, dumped again. */
static char *
edit_json(const char *json, void (*edit)(json_t *root, void *arg), void *arg)
{
	json_t *root = json_loads(json, 0, NULL);
	char *s;

	assert_non_null(root);
	edit(root, arg);
	s = json_dumps(root, JSON_COMPACT);
	assert_non_null(s);
	json_decref(root);
	return s;
}

struct fixture {
	struct orig		 o;
	struct clip_leaves	 c;
	struct clip_proof_entry	 e;
	char			*json;
	uint64_t		 first, count;
};

static void
fixture_make(struct fixture *f, enum digest_alg alg)
{
	f->first = 30;
	f->count = 40;
	orig_make(&f->o, alg, 100);
	clip_make(&f->o, f->first, f->count, &f->c);
	f->json = proof_make(&f->o, &f->c, f->first, f->count);
	entry_of(&f->o, &f->e);
}

static void
fixture_free(struct fixture *f)
{
	free(f->json);
	free(f->c.v);
	orig_free(&f->o);
}

static void
test_honest(void **state)
{
	static const enum digest_alg algs[] = { DIGEST_SHA256, DIGEST_SM3 };
	struct clip_proof_report rep;
	struct fixture f;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		fixture_make(&f, algs[i]);
		check(f.json, &f.c, &f.e, &rep);
		assert_true(rep.ok);
		assert_int_equal(rep.fault, CLIP_FAULT_NONE);
		assert_int_equal(rep.proven, f.count);
		assert_int_equal(rep.packets, f.count);
		assert_int_equal(rep.proofs, f.count);
		assert_int_equal(rep.first, f.first);
		assert_int_equal(rep.count, f.count);
		assert_int_equal(rep.nfailures, 0);
		fixture_free(&f);
	}
}

static void
test_changed_leaf(void **state)
{
	struct clip_proof_report rep;
	const struct clip_failure *x;
	struct fixture f;

	(void)state;
	fixture_make(&f, DIGEST_SHA256);
	f.c.v[5].leaf[7] ^= 0x10;
	check(f.json, &f.c, &f.e, &rep);
	assert_false(rep.ok);
	assert_int_equal(rep.nfailures, 1);
	assert_non_null(x = failure(&rep, CLIP_WHY_ALTERED));
	assert_int_equal(x->time_ms, f.c.v[5].time_ms);
	assert_int_equal(x->position, f.first + 5);
	assert_int_equal(x->packet, 5);
	assert_int_equal(rep.proven, f.count - 1);
	fixture_free(&f);
}

/* A packet added after packet 10, with or without a proof of its own. */
static void
copy_proof(json_t *root, void *arg)
{
	json_t *p = json_object_get(root, "proofs");
	size_t k = *(size_t *)arg;

	json_array_insert_new(p, k + 1, json_deep_copy(json_array_get(p, k)));
}

static void
test_added(void **state)
{
	struct clip_proof_report rep;
	const struct clip_failure *x;
	struct fixture f;
	size_t k = 10;
	char *j;

	(void)state;
	fixture_make(&f, DIGEST_SHA256);
	/* At the end, no proof for it. */
	f.c.v[f.c.n] = f.c.v[f.c.n - 3];
	f.c.v[f.c.n].time_ms = 9999;
	f.c.n++;
	check(f.json, &f.c, &f.e, &rep);
	assert_false(rep.ok);
	assert_non_null(x = failure(&rep, CLIP_WHY_NOPROOF));
	assert_int_equal(x->time_ms, 9999);
	/* In the middle, a copy of packet 10 with a copy of its proof. */
	f.c.n--;
	memmove(&f.c.v[k + 2], &f.c.v[k + 1], (f.c.n - k - 1) *
	    sizeof(f.c.v[0]));
	f.c.v[k + 1] = f.c.v[k];
	f.c.n++;
	j = edit_json(f.json, copy_proof, &k);
	check(j, &f.c, &f.e, &rep);
	assert_false(rep.ok);
	assert_non_null(x = failure(&rep, CLIP_WHY_TWICE));
	assert_int_equal(x->position, f.first + k);
	assert_int_equal(x->time_ms, f.c.v[k].time_ms);
	free(j);
	fixture_free(&f);
}

static void
drop_proof(json_t *root, void *arg)
{
	json_array_remove(json_object_get(root, "proofs"), *(size_t *)arg);
}

static void
test_dropped(void **state)
{
	struct clip_proof_report rep;
	const struct clip_failure *x;
	struct fixture f;
	int64_t before, after;
	size_t k = 10;
	char *j;

	(void)state;
	fixture_make(&f, DIGEST_SHA256);
	before = f.c.v[k - 1].time_ms;
	after = f.c.v[k + 1].time_ms;
	memmove(&f.c.v[k], &f.c.v[k + 1], (f.c.n - k - 1) * sizeof(f.c.v[0]));
	f.c.n--;
	j = edit_json(f.json, drop_proof, &k);
	check(j, &f.c, &f.e, &rep);
	assert_false(rep.ok);
	assert_int_equal(rep.nfailures, 1);
	assert_non_null(x = failure(&rep, CLIP_WHY_MISSING));
	assert_int_equal(x->position, f.first + k);
	assert_int_equal(x->time_ms, before);
	assert_int_equal(x->next_ms, after);
	free(j);
	/* The packet dropped, its proof left: a proof without a packet. */
	check(f.json, &f.c, &f.e, &rep);
	assert_false(rep.ok);
	fixture_free(&f);
}

static void
swap_proofs(json_t *root, void *arg)
{
	const size_t *ab = arg;
	json_t *p = json_object_get(root, "proofs");
	json_t *a = json_incref(json_array_get(p, ab[0]));
	json_t *b = json_incref(json_array_get(p, ab[1]));

	json_array_set_new(p, ab[0], b);
	json_array_set_new(p, ab[1], a);
}

static void
test_swapped(void **state)
{
	struct clip_proof_report rep;
	const struct clip_failure *x;
	struct clip_leaf t;
	struct fixture f;
	size_t ab[2] = { 3, 6 };	/* positions 33 and 36: stream 0 */
	char *j;

	(void)state;
	fixture_make(&f, DIGEST_SHA256);
	assert_int_equal(f.c.v[ab[0]].stream, f.c.v[ab[1]].stream);
	t = f.c.v[ab[0]];
	f.c.v[ab[0]] = f.c.v[ab[1]];
	f.c.v[ab[1]] = t;
	/* Packets and proofs swapped: proven, but out of order. */
	j = edit_json(f.json, swap_proofs, ab);
	check(j, &f.c, &f.e, &rep);
	assert_false(rep.ok);
	/* The first packet of the stream found behind its predecessor. */
	assert_non_null(x = failure(&rep, CLIP_WHY_ORDER));
	assert_in_range(x->position, f.first + ab[0], f.first + ab[1]);
	assert_int_equal(x->time_ms, f.c.v[x->packet].time_ms);
	free(j);
	/* Packets swapped, proofs not: both altered. */
	check(f.json, &f.c, &f.e, &rep);
	assert_false(rep.ok);
	assert_int_equal(rep.nfailures, 2);
	assert_non_null(x = failure(&rep, CLIP_WHY_ALTERED));
	assert_int_equal(x->time_ms, f.c.v[ab[0]].time_ms);
	fixture_free(&f);
}

static void
dup_position(json_t *root, void *arg)
{
	json_t *p = json_object_get(root, "proofs");
	size_t k = *(size_t *)arg;

	json_array_set(json_array_get(p, k), 0,
	    json_array_get(json_array_get(p, k - 1), 0));
}

static void
test_twice(void **state)
{
	struct clip_proof_report rep;
	struct fixture f;
	size_t k = 20;
	char *j;

	(void)state;
	fixture_make(&f, DIGEST_SHA256);
	j = edit_json(f.json, dup_position, &k);
	check(j, &f.c, &f.e, &rep);
	assert_false(rep.ok);
	assert_non_null(failure(&rep, CLIP_WHY_TWICE));
	assert_non_null(failure(&rep, CLIP_WHY_MISSING));
	assert_int_equal(failure(&rep, CLIP_WHY_TWICE)->time_ms,
	    f.c.v[k].time_ms);
	free(j);
	fixture_free(&f);
}

static void
test_wrong_root(void **state)
{
	struct clip_proof_report rep;
	uint8_t root[DIGEST_LEN];
	struct fixture f;

	(void)state;
	fixture_make(&f, DIGEST_SHA256);
	memcpy(root, f.o.leaves.res.packet_root, DIGEST_LEN);
	root[0] ^= 1;
	f.e.packet_root = root;
	check(f.json, &f.c, &f.e, &rep);
	assert_false(rep.ok);
	assert_int_equal(rep.fault, CLIP_FAULT_ROOT);
	assert_int_equal(rep.proven, 0);
	assert_non_null(failure(&rep, CLIP_WHY_ALTERED));
	/* Another object, another size of tree. */
	f.e.packet_root = f.o.leaves.res.packet_root;
	f.e.object = "sha256:ff112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff";
	check(f.json, &f.c, &f.e, &rep);
	assert_false(rep.ok);
	assert_int_equal(rep.fault, CLIP_FAULT_OBJECT);
	f.e.object = OBJECT;
	f.e.packets = 101;
	check(f.json, &f.c, &f.e, &rep);
	assert_false(rep.ok);
	assert_int_equal(rep.fault, CLIP_FAULT_PACKETS);
	fixture_free(&f);
}

static void
set_count(json_t *root, void *arg)
{
	json_object_set_new(root, "count", json_integer(*(json_int_t *)arg));
}

static void
test_wrong_count(void **state)
{
	struct clip_proof_report rep;
	struct fixture f;
	json_int_t n;
	char *j;

	(void)state;
	fixture_make(&f, DIGEST_SHA256);
	n = (json_int_t)f.count + 1;
	j = edit_json(f.json, set_count, &n);
	check(j, &f.c, &f.e, &rep);
	assert_false(rep.ok);
	assert_non_null(failure(&rep, CLIP_WHY_MISSING));
	free(j);
	n = (json_int_t)f.count - 1;
	j = edit_json(f.json, set_count, &n);
	check(j, &f.c, &f.e, &rep);
	assert_false(rep.ok);
	assert_non_null(failure(&rep, CLIP_WHY_OUTSIDE));
	free(j);
	n = 71;		/* past the original's 100 packets */
	j = edit_json(f.json, set_count, &n);
	check(j, &f.c, &f.e, &rep);
	assert_false(rep.ok);
	assert_int_equal(rep.fault, CLIP_FAULT_RANGE);
	free(j);
	/* Not the format at all. */
	check("[1, 2]", &f.c, &f.e, &rep);
	assert_false(rep.ok);
	assert_int_equal(rep.fault, CLIP_FAULT_JSON);
	fixture_free(&f);
}

/* Every bit of every packet of a small recording, flipped one at a time. */
static void
test_every_bit(void **state)
{
	struct clip_proof_report rep;
	const struct clip_failure *x;
	struct clip_proof_entry e;
	struct clip_leaves c;
	struct orig o;
	uint8_t data[DLEN];
	size_t k, bit, tried = 0;
	char *json;

	(void)state;
	orig_make(&o, DIGEST_SHA256, 8);
	clip_make(&o, 0, 8, &c);
	json = proof_make(&o, &c, 0, 8);
	entry_of(&o, &e);
	check(json, &c, &e, &rep);
	assert_true(rep.ok);
	for (k = 0; k < 8; k++)
		for (bit = 0; bit < DLEN * 8; bit++) {
			memcpy(data, o.data[k], DLEN);
			data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			leaf_of(o.alg, c.v[k].stream, data, c.v[k].leaf);
			check(json, &c, &e, &rep);
			assert_false(rep.ok);
			assert_int_equal(rep.nfailures, 1);
			x = failure(&rep, CLIP_WHY_ALTERED);
			assert_non_null(x);
			assert_int_equal(x->position, k);
			assert_int_equal(x->time_ms, c.v[k].time_ms);
			memcpy(c.v[k].leaf, o.leaves.v[k].leaf, DIGEST_LEN);
			tried++;
		}
	assert_int_equal(tried, 8 * DLEN * 8);
	check(json, &c, &e, &rep);
	assert_true(rep.ok);
	free(json);
	free(c.v);
	orig_free(&o);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_honest),
		cmocka_unit_test(test_changed_leaf),
		cmocka_unit_test(test_added),
		cmocka_unit_test(test_dropped),
		cmocka_unit_test(test_swapped),
		cmocka_unit_test(test_twice),
		cmocka_unit_test(test_wrong_root),
		cmocka_unit_test(test_wrong_count),
		cmocka_unit_test(test_every_bit),
	};

	return FIXTURE_RUN(tests, argc, argv);
}
