/*
 * clip_proof_write: the packet proof of a clip (clip_proof.h).  The
 * original's packet tree is built once in memory, every complete subtree
 * kept (about 2n hashes), so that merkle_prove_inclusion() reads its
 * nodes through a merkle_reader as it reads the log's; each of the clip's
 * packets then costs O(log n).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custos/clip.h"
#include "custos/clip_proof.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/merkle.h"

/* Every complete subtree of a tree of n leaves: level l has n >> l. */
struct tree {
	uint8_t		(*level[MERKLE_MAX_LEVELS])[DIGEST_LEN];
	uint64_t	 n[MERKLE_MAX_LEVELS];
	unsigned	 nlevels;
};

static void
tree_free(struct tree *t)
{
	unsigned l;

	for (l = 1; l < t->nlevels; l++)
		free(t->level[l]);
}

/* Builds the tree over leaves (borrowed as level 0). */
static int
tree_build(enum digest_alg alg, const struct clip_leaves *leaves,
    struct tree *t)
{
	uint8_t (*l0)[DIGEST_LEN];
	uint64_t i;
	unsigned l;
	int rc;

	memset(t, 0, sizeof(*t));
	/* Level 0 is a copy: struct clip_leaf holds more than the hash. */
	if ((l0 = reallocarray(NULL, leaves->n ? leaves->n : 1,
	    DIGEST_LEN)) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (i = 0; i < leaves->n; i++)
		memcpy(l0[i], leaves->v[i].leaf, DIGEST_LEN);
	t->level[0] = l0;
	t->n[0] = leaves->n;
	t->nlevels = 1;
	for (l = 1; l < MERKLE_MAX_LEVELS && (t->n[l - 1] >> 1) > 0; l++) {
		t->n[l] = t->n[l - 1] >> 1;
		if ((t->level[l] = reallocarray(NULL, t->n[l],
		    DIGEST_LEN)) == NULL)
			return CUSTOS_ERR_NOMEM;
		t->nlevels = l + 1;
		for (i = 0; i < t->n[l]; i++)
			if ((rc = merkle_node_hash(alg, t->level[l - 1][2 * i],
			    t->level[l - 1][2 * i + 1], t->level[l][i])) != 0)
				return rc;
	}
	return 0;
}

static int
tree_read(void *arg, unsigned level, uint64_t index, uint8_t out[DIGEST_LEN])
{
	const struct tree *t = arg;

	if (level >= t->nlevels || index >= t->n[level])
		return CUSTOS_ERR_NOTFOUND;
	memcpy(out, t->level[level][index], DIGEST_LEN);
	return 0;
}

/* A packet's time as the messages give it: "12.480 s". */
static void
time_text(int64_t ms, char *buf, size_t len)
{
	if (ms == CLIP_NO_TIME)
		snprintf(buf, len, "(no time)");
	else
		snprintf(buf, len, "%s%" PRId64 ".%03" PRId64 " s", ms < 0 ?
		    "-" : "", (ms < 0 ? -ms : ms) / 1000, (ms < 0 ? -ms : ms) %
		    1000);
}

/*
 * The next position at or after *cur, before end, of a packet of stream
 * s in orig; end when there is none.
 */
static uint64_t
next_of(const struct clip_leaves *orig, uint32_t s, uint64_t cur,
    uint64_t end)
{
	while (cur < end && orig->v[cur].stream != s)
		cur++;
	return cur;
}

/*
 * Maps each clip packet to its position (pos[k]).  cur[s] is the next
 * unused position of stream s; streams outside orig's range never match.
 */
static int
map_packets(const struct clip_proof_in *in, uint64_t *pos, char *why,
    size_t whylen)
{
	const struct clip_leaves *o = in->orig, *c = in->clip;
	uint64_t end = in->first + in->count, *cur = NULL, p;
	uint32_t ns = 0, s;
	char t[32];
	size_t k;

	for (p = in->first; p < end; p++)
		if (o->v[p].stream >= ns)
			ns = o->v[p].stream + 1;
	if ((cur = calloc(ns ? ns : 1, sizeof(*cur))) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (s = 0; s < ns; s++)
		cur[s] = next_of(o, s, in->first, end);
	for (k = 0; k < c->n; k++) {
		s = c->v[k].stream;
		if (s >= ns || cur[s] >= end || memcmp(o->v[cur[s]].leaf,
		    c->v[k].leaf, DIGEST_LEN) != 0) {
			time_text(c->v[k].time_ms, t, sizeof(t));
			snprintf(why, whylen, "the clip's packet at %s (stream %"
			    PRIu32 ") is not a packet of the original: the "
			    "muxer changed it", t, s);
			free(cur);
			return CUSTOS_ERR_VERIFY;
		}
		pos[k] = cur[s];
		cur[s] = next_of(o, s, cur[s] + 1, end);
	}
	for (s = 0; s < ns; s++)
		if (cur[s] < end) {
			time_text(o->v[cur[s]].time_ms, t, sizeof(t));
			snprintf(why, whylen, "the clip lacks packet %" PRIu64
			    " of the original (stream %" PRIu32 ", at %s): the "
			    "muxer dropped it", cur[s], s, t);
			free(cur);
			return CUSTOS_ERR_VERIFY;
		}
	free(cur);
	return 0;
}

/* The head of the file, up to "proofs": [ */
static void
print_head(FILE *f, const struct clip_proof_in *in)
{
	char root[DIGEST_STRLEN];

	digest_format(in->alg, in->orig->res.packet_root, root, sizeof(root));
	fprintf(f, "{\"format\": \"%s\", \"segment\": %" PRIu64 ", "
	    "\"object\": \"%s\",\n \"packet_root\": \"%s\", \"packets\": %"
	    PRIu64 ", \"first\": %" PRIu64 ", \"count\": %" PRIu64 ",\n "
	    "\"from_ms\": %" PRId64 ", \"to_ms\": %" PRId64 ",\n "
	    "\"proofs\": [", CLIP_PROOF_FORMAT, in->segment, in->object, root,
	    (uint64_t)in->orig->n, in->first, in->count, in->from_ms,
	    in->to_ms);
}

/* Writes the proofs of the positions pos, one array a line. */
static int
print_proofs(FILE *f, const struct clip_proof_in *in, const uint64_t *pos)
{
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN];
	char b64[B64_ENCLEN(DIGEST_LEN)];
	struct merkle_reader r;
	struct tree t;
	size_t k, i, n;
	int rc;

	if ((rc = tree_build(in->alg, in->orig, &t)) != 0) {
		free(t.level[0]);
		tree_free(&t);
		return rc;
	}
	r.read = tree_read;
	r.arg = &t;
	for (k = 0; k < in->clip->n; k++) {
		if ((rc = merkle_prove_inclusion(in->alg, pos[k],
		    in->orig->n, &r, proof, &n)) != 0)
			break;
		fprintf(f, "%s\n  [%" PRIu64, k > 0 ? "," : "", pos[k]);
		for (i = 0; i < n; i++) {
			b64_encode(proof[i], DIGEST_LEN, b64);
			fprintf(f, ", \"%s\"", b64);
		}
		fputc(']', f);
	}
	free(t.level[0]);
	tree_free(&t);
	return rc;
}

int
clip_proof_write(const struct clip_proof_in *in, char **out, size_t *len,
    char *why, size_t whylen)
{
	uint64_t *pos;
	FILE *f;
	int rc;

	*out = NULL;
	*len = 0;
	snprintf(why, whylen, "%s", "");
	if (in->count == 0 || in->first > in->orig->n ||
	    in->count > in->orig->n - in->first)
		return CUSTOS_ERR_INVALID;
	if (in->clip->n != in->count) {
		snprintf(why, whylen, "the clip has %zu packets, not the %"
		    PRIu64 " packets %" PRIu64 "..%" PRIu64 " of the original: "
		    "the muxer %s packets", in->clip->n, in->count, in->first,
		    in->first + in->count - 1, in->clip->n < in->count ?
		    "dropped" : "added");
		return CUSTOS_ERR_VERIFY;
	}
	if ((pos = reallocarray(NULL, in->count, sizeof(*pos))) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = map_packets(in, pos, why, whylen)) != 0) {
		free(pos);
		return rc;
	}
	if ((f = open_memstream(out, len)) == NULL) {
		free(pos);
		return CUSTOS_ERR_NOMEM;
	}
	print_head(f, in);
	rc = print_proofs(f, in, pos);
	fprintf(f, "\n ]}\n");
	free(pos);
	if (fclose(f) != 0 && rc == 0)
		rc = CUSTOS_ERR_NOMEM;
	if (rc != 0) {
		free(*out);
		*out = NULL;
		*len = 0;
	}
	return rc;
}
