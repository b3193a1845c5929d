/*
 * libFuzzer target for clip_proof_check(): arbitrary bytes as a clip's
 * packet proof (clips/<index>.packets), checked against a clip whose
 * packets the input chooses among a synthetic original's.
 *
 * The original has N packets; packet i is of stream 1 when i % 3 == 2,
 * else of stream 0, and its data is the 16 bytes "pkt %05u s%u" padded
 * with NULs (the originals of tests/unit/test_clip_proof.c), so the
 * packet proofs that test's honest cases write are valid seeds.
 *
 * Input layout (the seeds in tests/fuzz/corpus/clip_proof/):
 *	byte 0		flags: bit 0 SM3, bit 1 clip times unknown
 *	bytes 1..2	little-endian uint16: N, the entry's packets (1..MAX_N)
 *	bytes 3..4	little-endian uint16: n, the clip's packets (<= MAX_CLIP)
 *	next 2n bytes	little-endian uint16 each: the original packet whose
 *			stream and leaf clip packet k has (mod N)
 *	the rest	the packet proof, as JSON
 *
 * Besides never crashing or leaking, the oracle: when the check says ok,
 * the file is re-read here independently and every clip packet's leaf
 * must be proven at its claimed position with merkle_verify_inclusion(),
 * be the original's leaf there, the positions must be first..first +
 * count - 1 once each and increase within each stream.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/clip.h"
#include "custos/clip_proof.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/merkle.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OBJECT		"sha256:00112233445566778899aabbccddeeff" \
			"00112233445566778899aabbccddeeff"
#define SEGMENT		17
#define DLEN		16
#define MAX_N		1024
#define MAX_CLIP	512
#define HDR_LEN		5

/* Per profile: the leaves of the original and the roots of its prefixes. */
struct orig {
	int		 ready;
	uint8_t		 leaf[MAX_N][DIGEST_LEN];
	uint8_t		 root[MAX_N + 1][DIGEST_LEN];	/* root[N] */
};

static struct orig origs[2];

static uint32_t
stream_of(uint64_t i)
{
	return i % 3 == 2 ? 1 : 0;
}

static const struct orig *
orig_get(enum digest_alg alg)
{
	struct orig *o = &origs[alg == DIGEST_SM3];
	struct merkle_stream ms;
	uint8_t buf[4 + DLEN];
	char text[64];
	uint32_t s;
	size_t i;

	if (o->ready)
		return o;
	merkle_stream_init(&ms, alg);
	for (i = 0; i < MAX_N; i++) {
		s = stream_of(i);
		memset(text, 0, sizeof(text));
		snprintf(text, sizeof(text), "pkt %05zu s%u", i, s);
		buf[0] = (uint8_t)(s >> 24);
		buf[1] = (uint8_t)(s >> 16);
		buf[2] = (uint8_t)(s >> 8);
		buf[3] = (uint8_t)s;
		memcpy(buf + 4, text, DLEN);
		if (merkle_leaf_hash(alg, buf, sizeof(buf), o->leaf[i]) != 0 ||
		    merkle_stream_append(&ms, o->leaf[i]) != 0 ||
		    merkle_stream_root(&ms, o->root[i + 1]) != 0)
			abort();
	}
	o->ready = 1;
	return o;
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* The oracle: rep says ok, so every claim of json must hold. */
static void
recheck(const char *json, size_t len, const struct clip_leaves *clip,
    const struct clip_proof_entry *e, const struct orig *o,
    const struct clip_proof_report *rep)
{
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN];
	uint64_t last[2] = { 0, 0 }, first, count, pos;
	uint8_t seen[MAX_N];
	json_t *root, *proofs, *el, *j;
	const char *s;
	size_t k, i, got;

	if (rep->fault != CLIP_FAULT_NONE || rep->nfailures != 0 ||
	    rep->nkept != 0 || rep->proven != clip->n)
		abort();
	if ((root = json_loadb(json, len, JSON_REJECT_DUPLICATES,
	    NULL)) == NULL)
		abort();
	proofs = json_object_get(root, "proofs");
	s = json_string_value(json_object_get(root, "object"));
	if (!json_is_array(proofs) || s == NULL || strcmp(s, e->object) != 0)
		abort();
	first = (uint64_t)json_integer_value(json_object_get(root, "first"));
	count = (uint64_t)json_integer_value(json_object_get(root, "count"));
	if (first != rep->first || count != rep->count || count == 0 ||
	    count != clip->n || json_array_size(proofs) != count ||
	    first + count > e->packets)
		abort();
	memset(seen, 0, sizeof(seen));
	for (k = 0; k < clip->n; k++) {
		el = json_array_get(proofs, k);
		j = json_array_get(el, 0);
		if (!json_is_integer(j) || json_integer_value(j) < 0)
			abort();
		pos = (uint64_t)json_integer_value(j);
		if (pos < first || pos >= first + count || seen[pos]++)
			abort();
		if (json_array_size(el) - 1 > MERKLE_MAX_PROOF)
			abort();
		for (i = 1; i < json_array_size(el); i++) {
			s = json_string_value(json_array_get(el, i));
			if (s == NULL || b64_decode(s, strlen(s), proof[i - 1],
			    DIGEST_LEN, &got) != 0 || got != DIGEST_LEN)
				abort();
		}
		if (merkle_verify_inclusion(e->alg, pos, e->packets,
		    clip->v[k].leaf, (const uint8_t (*)[DIGEST_LEN])proof,
		    json_array_size(el) - 1, e->packet_root) != 0)
			abort();
		if (memcmp(clip->v[k].leaf, o->leaf[pos], DIGEST_LEN) != 0)
			abort();
		if (clip->v[k].stream > 1 || last[clip->v[k].stream] > pos)
			abort();
		last[clip->v[k].stream] = pos + 1;
	}
	json_decref(root);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct clip_leaf leaves[MAX_CLIP];
	struct clip_proof_report rep;
	struct clip_proof_entry e;
	struct clip_leaves clip;
	const struct orig *o;
	enum digest_alg alg;
	size_t n, k, off, len;
	const char *json;
	uint16_t at;
	int rc;

	if (size < HDR_LEN)
		return 0;
	alg = (data[0] & 1) ? DIGEST_SM3 : DIGEST_SHA256;
	o = orig_get(alg);
	memset(&e, 0, sizeof(e));
	e.alg = alg;
	e.segment = SEGMENT;
	e.object = OBJECT;
	e.packets = le16(data + 1) % MAX_N + 1;
	e.packet_root = o->root[e.packets];
	n = le16(data + 3);
	if (n > MAX_CLIP || size - HDR_LEN < 2 * n)
		return 0;
	memset(&clip, 0, sizeof(clip));
	memset(leaves, 0, sizeof(leaves));
	for (k = 0; k < n; k++) {
		at = (uint16_t)(le16(data + HDR_LEN + 2 * k) % e.packets);
		leaves[k].stream = stream_of(at);
		leaves[k].time_ms = (data[0] & 2) ? CLIP_NO_TIME :
		    (int64_t)k * 40;
		memcpy(leaves[k].leaf, o->leaf[at], DIGEST_LEN);
	}
	clip.v = leaves;
	clip.n = n;
	off = HDR_LEN + 2 * n;
	json = (const char *)data + off;
	len = size - off;
	rc = clip_proof_check(json, len, &clip, &e, &rep);
	if (rc == CUSTOS_ERR_NOMEM)
		return 0;
	if (rc != 0)
		abort();
	if (rep.nkept > CLIP_PROOF_MAX_FAILURES ||
	    rep.nkept > rep.nfailures ||
	    (rep.nfailures > 0 && rep.nkept == 0) ||
	    rep.proven > rep.packets || rep.packets != n)
		abort();
	for (k = 0; k < rep.nkept; k++)
		if (strcmp(clip_why_name(rep.failures[k].why), "unknown") == 0)
			abort();
	if (rep.ok)
		recheck(json, len, &clip, &e, o, &rep);
	return 0;
}
