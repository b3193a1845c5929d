/*
 * clip_proof: checking a clip's packet proof (clip_proof.h, "checking").
 * The file is untrusted: jansson parses it (duplicate keys refused), every
 * field is type-checked, and nothing in it sizes an allocation beyond the
 * range it claims, which must lie inside the proven entry's packets.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/bundle.h"
#include "custos/clip.h"
#include "custos/clip_proof.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/merkle.h"

/* Position of no clip packet, in the index of positions. */
#define NONE		SIZE_MAX

static void
fail(struct clip_proof_report *rep, enum clip_why why, int64_t time_ms,
    int64_t next_ms, uint64_t position, uint64_t packet)
{
	struct clip_failure *f;

	rep->nfailures++;
	if (rep->nkept == CLIP_PROOF_MAX_FAILURES)
		return;
	f = &rep->failures[rep->nkept++];
	f->why = why;
	f->time_ms = time_ms;
	f->next_ms = next_ms;
	f->position = position;
	f->packet = packet;
}

/* A non-negative JSON integer member. */
static int
get_u64(json_t *o, const char *key, uint64_t *v)
{
	json_t *j = json_object_get(o, key);

	if (!json_is_integer(j) || json_integer_value(j) < 0)
		return -1;
	*v = (uint64_t)json_integer_value(j);
	return 0;
}

static int
get_i64(json_t *o, const char *key, int64_t *v)
{
	json_t *j = json_object_get(o, key);

	if (!json_is_integer(j))
		return -1;
	*v = (int64_t)json_integer_value(j);
	return 0;
}

/*
 * The head of the file: its shape, then its agreement with e.  Returns
 * the first fault; sets *proofs when the shape is right.
 */
static enum clip_proof_fault
check_head(json_t *root, const struct clip_proof_entry *e,
    struct clip_proof_report *rep, json_t **proofs)
{
	const char *format, *object, *proot;
	char want[DIGEST_STRLEN];
	uint64_t segment, packets;

	format = json_string_value(json_object_get(root, "format"));
	object = json_string_value(json_object_get(root, "object"));
	proot = json_string_value(json_object_get(root, "packet_root"));
	*proofs = json_object_get(root, "proofs");
	if (!json_is_object(root) || format == NULL || object == NULL ||
	    proot == NULL || !json_is_array(*proofs) ||
	    get_u64(root, "segment", &segment) != 0 ||
	    get_u64(root, "packets", &packets) != 0 ||
	    get_u64(root, "first", &rep->first) != 0 ||
	    get_u64(root, "count", &rep->count) != 0 ||
	    get_i64(root, "from_ms", &rep->from_ms) != 0 ||
	    get_i64(root, "to_ms", &rep->to_ms) != 0) {
		*proofs = NULL;
		return CLIP_FAULT_JSON;
	}
	if (strcmp(format, CLIP_PROOF_FORMAT) != 0)
		return CLIP_FAULT_FORMAT;
	if (segment != e->segment)
		return CLIP_FAULT_SEGMENT;
	if (strcmp(object, e->object) != 0)
		return CLIP_FAULT_OBJECT;
	if (digest_format(e->alg, e->packet_root, want, sizeof(want)) != 0 ||
	    strcmp(proot, want) != 0)
		return CLIP_FAULT_ROOT;
	if (packets != e->packets)
		return CLIP_FAULT_PACKETS;
	return CLIP_FAULT_NONE;
}

/*
 * One element of "proofs": [position, base64 hash...].  Returns 0 with
 * *pos, proof and *n; -1 when it is not that shape (*pos set when the
 * position was readable, else UINT64_MAX).
 */
static int
parse_proof(json_t *el, uint64_t *pos, uint8_t proof[][DIGEST_LEN],
    size_t *n)
{
	const char *s;
	size_t i, size, got;
	json_t *j;

	*pos = UINT64_MAX;
	*n = 0;
	if (!json_is_array(el) || (size = json_array_size(el)) < 1)
		return -1;
	j = json_array_get(el, 0);
	if (!json_is_integer(j) || json_integer_value(j) < 0)
		return -1;
	*pos = (uint64_t)json_integer_value(j);
	if (size - 1 > MERKLE_MAX_PROOF)
		return -1;
	for (i = 1; i < size; i++) {
		if ((s = json_string_value(json_array_get(el, i))) == NULL ||
		    b64_decode(s, strlen(s), proof[i - 1], DIGEST_LEN,
		    &got) != 0 || got != DIGEST_LEN)
			return -1;
	}
	*n = size - 1;
	return 0;
}

/* Working state of the packet checks. */
struct work {
	const struct clip_leaves	*clip;
	const struct clip_proof_entry	*e;
	struct clip_proof_report	*rep;
	size_t				*at;	/* clip packet by position */
	uint64_t			*last;	/* per stream, last + 1 */
};

/* Packet k against proof element el. */
static int
check_packet(struct work *w, size_t k, json_t *el)
{
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN];
	const struct clip_leaf *l = &w->clip->v[k];
	struct clip_proof_report *rep = w->rep;
	uint64_t pos;
	size_t n;

	if (parse_proof(el, &pos, proof, &n) != 0) {
		fail(rep, CLIP_WHY_BADPROOF, l->time_ms, CLIP_NO_TIME, pos, k);
		return 0;
	}
	if (pos < rep->first || pos - rep->first >= rep->count) {
		fail(rep, CLIP_WHY_OUTSIDE, l->time_ms, CLIP_NO_TIME, pos, k);
		return 0;
	}
	if (w->at[pos - rep->first] != NONE) {
		fail(rep, CLIP_WHY_TWICE, l->time_ms, CLIP_NO_TIME, pos, k);
		return 0;
	}
	w->at[pos - rep->first] = k;
	if (l->stream >= CLIP_MAX_STREAMS || w->last[l->stream] > pos) {
		fail(rep, CLIP_WHY_ORDER, l->time_ms, CLIP_NO_TIME, pos, k);
		return 0;
	}
	w->last[l->stream] = pos + 1;
	if (merkle_verify_inclusion(w->e->alg, pos, w->e->packets, l->leaf,
	    (const uint8_t (*)[DIGEST_LEN])proof, n,
	    w->e->packet_root) != 0) {
		fail(rep, CLIP_WHY_ALTERED, l->time_ms, CLIP_NO_TIME, pos, k);
		return 0;
	}
	rep->proven++;
	return 0;
}

/* Names every position no packet took, with its neighbours' times. */
static void
find_holes(struct work *w)
{
	struct clip_proof_report *rep = w->rep;
	const struct clip_leaf *v = w->clip->v;
	int64_t before = CLIP_NO_TIME, after;
	uint64_t i, j;

	for (i = 0; i < rep->count; i++) {
		if (w->at[i] != NONE) {
			before = v[w->at[i]].time_ms;
			continue;
		}
		after = CLIP_NO_TIME;
		for (j = i + 1; j < rep->count; j++)
			if (w->at[j] != NONE) {
				after = v[w->at[j]].time_ms;
				break;
			}
		fail(rep, CLIP_WHY_MISSING, before, after, rep->first + i,
		    UINT64_MAX);
		/* A run of holes: its last one ends at j. */
		if (rep->nfailures > CLIP_PROOF_MAX_FAILURES) {
			rep->nfailures += j - i - 1;
			i = j - 1;
		}
	}
}

static int
check_packets(const struct clip_leaves *clip, const struct clip_proof_entry *e,
    json_t *proofs, struct clip_proof_report *rep)
{
	struct work w;
	size_t k, n;
	uint64_t i;
	int rc = 0;

	memset(&w, 0, sizeof(w));
	w.clip = clip;
	w.e = e;
	w.rep = rep;
	if ((w.at = reallocarray(NULL, (size_t)rep->count,
	    sizeof(*w.at))) == NULL ||
	    (w.last = calloc(CLIP_MAX_STREAMS, sizeof(*w.last))) == NULL) {
		free(w.at);
		return CUSTOS_ERR_NOMEM;
	}
	for (i = 0; i < rep->count; i++)
		w.at[i] = NONE;
	n = clip->n < rep->proofs ? clip->n : (size_t)rep->proofs;
	for (k = 0; k < n && rc == 0; k++)
		rc = check_packet(&w, k, json_array_get(proofs, k));
	for (k = n; k < clip->n; k++)
		fail(rep, CLIP_WHY_NOPROOF, clip->v[k].time_ms, CLIP_NO_TIME,
		    UINT64_MAX, k);
	for (k = n; k < rep->proofs; k++) {
		uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN];
		uint64_t pos;
		size_t np;

		(void)parse_proof(json_array_get(proofs, k), &pos, proof, &np);
		fail(rep, CLIP_WHY_NOPACKET, CLIP_NO_TIME, CLIP_NO_TIME, pos,
		    UINT64_MAX);
	}
	if (rc == 0)
		find_holes(&w);
	free(w.at);
	free(w.last);
	return rc;
}

int
clip_proof_check(const char *json, size_t len,
    const struct clip_leaves *clip, const struct clip_proof_entry *e,
    struct clip_proof_report *rep)
{
	json_t *root, *proofs;
	int rc;

	if (rep == NULL)
		return CUSTOS_ERR_INVALID;
	memset(rep, 0, sizeof(*rep));
	if (json == NULL || clip == NULL || e == NULL || e->object == NULL ||
	    e->packet_root == NULL || (clip->n > 0 && clip->v == NULL))
		return CUSTOS_ERR_INVALID;
	rep->packets = clip->n;
	if (len > BUNDLE_MAX_CLIP_PROOF || (root = json_loadb(json, len,
	    JSON_REJECT_DUPLICATES, NULL)) == NULL) {
		rep->fault = CLIP_FAULT_JSON;
		return 0;
	}
	rep->fault = check_head(root, e, rep, &proofs);
	if (proofs == NULL) {
		rep->first = rep->count = 0;
		rep->from_ms = rep->to_ms = 0;
		json_decref(root);
		return 0;
	}
	rep->proofs = json_array_size(proofs);
	if (rep->count == 0 || rep->count > CLIP_MAX_LEAVES ||
	    rep->first > e->packets || rep->count > e->packets - rep->first) {
		if (rep->fault == CLIP_FAULT_NONE)
			rep->fault = CLIP_FAULT_RANGE;
		json_decref(root);
		return 0;
	}
	/* Packets are checked even when the head disagrees: say which. */
	rc = check_packets(clip, e, proofs, rep);
	json_decref(root);
	if (rc != 0)
		return rc;
	rep->ok = rep->fault == CLIP_FAULT_NONE && rep->nfailures == 0 &&
	    rep->packets == rep->count && rep->proofs == rep->count &&
	    rep->proven == rep->count;
	return 0;
}

const char *
clip_why_name(enum clip_why why)
{
	switch (why) {
	case CLIP_WHY_ALTERED:
		return "altered";
	case CLIP_WHY_OUTSIDE:
		return "outside";
	case CLIP_WHY_TWICE:
		return "twice";
	case CLIP_WHY_ORDER:
		return "order";
	case CLIP_WHY_MISSING:
		return "missing";
	case CLIP_WHY_NOPROOF:
		return "no_proof";
	case CLIP_WHY_NOPACKET:
		return "no_packet";
	case CLIP_WHY_BADPROOF:
		return "bad_proof";
	}
	return "unknown";
}
