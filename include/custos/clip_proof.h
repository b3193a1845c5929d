/*
 * clip_proof: the packet proof of a clip, clips/<index>.packets
 * (docs/bundle.md, "Clips"): for every packet of the clip, in the clip's
 * demux order, its position among the original's packets and its RFC 9162
 * inclusion proof in the original's packet tree, whose root is the
 * segment entry's media.packet_root.
 */
#ifndef CUSTOS_CLIP_PROOF_H
#define CUSTOS_CLIP_PROOF_H

#include <stddef.h>
#include <stdint.h>

#include "custos/digest.h"

#define CLIP_PROOF_FORMAT	"custos-clip@1"

struct clip_leaves;

/* --- writing (clip_proof_write.c) --- */

/* What a packet proof says besides the proofs. */
struct clip_proof_in {
	enum digest_alg		 alg;
	uint64_t		 segment;	/* the segment entry's index */
	const char		*object;	/* its "object" */
	const struct clip_leaves *orig;		/* every packet of the original */
	const struct clip_leaves *clip;		/* every packet of the clip */
	uint64_t		 first;		/* the range clip_plan() chose */
	uint64_t		 count;
	int64_t			 from_ms;	/* the actual span */
	int64_t			 to_ms;
};

/*
 * Formats the packet proof of in: maps each packet of in->clip to its
 * position in [first, first + count) of in->orig, stream by stream in
 * order (the k-th clip packet of a stream is the k-th original packet of
 * that stream in the range, with the same leaf), and proves each position
 * in the tree of in->orig's leaves (built in memory once: O(n) time and
 * memory, then O(log n) per packet).  Sets *out (NUL-terminated, the
 * caller frees it) and *len.  Returns 0; CUSTOS_ERR_VERIFY when the clip
 * is not exactly those packets, with why (whylen bytes) naming the clip
 * packet's time ("the clip's packet at 12.480 s is not a packet of the
 * original: the muxer changed it") or the missing position;
 * CUSTOS_ERR_INVALID for a range outside orig; CUSTOS_ERR_NOMEM; or the
 * digest's codes.
 */
int	 clip_proof_write(const struct clip_proof_in *in, char **out,
	    size_t *len, char *why, size_t whylen);

/* --- end of writing --- */

/* --- checking (clip_proof.c) --- */

/* The most per-packet failures a report keeps (all are counted). */
#define CLIP_PROOF_MAX_FAILURES	20

/* What is wrong with the proof file as a whole (the first found). */
enum clip_proof_fault {
	CLIP_FAULT_NONE = 0,
	CLIP_FAULT_JSON,	/* not JSON, or not the format's shape */
	CLIP_FAULT_FORMAT,	/* "format" is not CLIP_PROOF_FORMAT */
	CLIP_FAULT_SEGMENT,	/* "segment" is another segment */
	CLIP_FAULT_OBJECT,	/* "object" disagrees with the entry */
	CLIP_FAULT_ROOT,	/* "packet_root" disagrees with the entry */
	CLIP_FAULT_PACKETS,	/* "packets" disagrees with the entry */
	CLIP_FAULT_RANGE,	/* first, count outside the entry's packets */
};

/* What is wrong with one packet, or one position. */
enum clip_why {
	CLIP_WHY_ALTERED = 1,	/* its leaf is not the one at its position */
	CLIP_WHY_OUTSIDE,	/* its position is outside first..last */
	CLIP_WHY_TWICE,		/* its position is another packet's too */
	CLIP_WHY_ORDER,		/* its position is not after its stream's
				   previous packet's: reordered */
	CLIP_WHY_MISSING,	/* no packet of the clip has this position */
	CLIP_WHY_NOPROOF,	/* a packet of the clip without a proof */
	CLIP_WHY_NOPACKET,	/* a proof without a packet of the clip */
	CLIP_WHY_BADPROOF,	/* its proof is not [position, base64...] */
};

struct clip_failure {
	enum clip_why	 why;
	/*
	 * The packet's time in the clip (clip_leaf.time_ms, CLIP_NO_TIME
	 * when unknown or when there is no packet); for CLIP_WHY_MISSING
	 * the time of the clip packet before the hole, and next_ms the one
	 * after it (CLIP_NO_TIME at either end).
	 */
	int64_t		 time_ms;
	int64_t		 next_ms;
	uint64_t	 position;	/* UINT64_MAX: none (NOPROOF,
					   BADPROOF without one) */
	uint64_t	 packet;	/* its index in the clip, UINT64_MAX:
					   none (MISSING, NOPACKET) */
};

/* The proven segment entry's values a packet proof must agree with. */
struct clip_proof_entry {
	enum digest_alg	 alg;		/* the profile's */
	uint64_t	 segment;	/* the entry's index */
	const char	*object;	/* its "object", "sha256:<hex>" */
	const uint8_t	*packet_root;	/* DIGEST_LEN bytes */
	uint64_t	 packets;	/* its media.packets */
};

struct clip_proof_report {
	int		 ok;		/* every packet proven, no fault */
	enum clip_proof_fault fault;
	/* What the file says (0 when it does not parse that far). */
	uint64_t	 first;
	uint64_t	 count;
	int64_t		 from_ms;
	int64_t		 to_ms;
	/* Counts. */
	uint64_t	 packets;	/* packets of the clip (leaves) */
	uint64_t	 proofs;	/* elements of "proofs" */
	uint64_t	 proven;	/* packets proven at their position */
	uint64_t	 nfailures;	/* all failures */
	size_t		 nkept;		/* kept in failures */
	struct clip_failure failures[CLIP_PROOF_MAX_FAILURES];
};

/*
 * Checks the packet proof json (len bytes, at most
 * BUNDLE_MAX_CLIP_PROOF, parsed with jansson, rejecting duplicate keys)
 * of a clip whose packets the leaves child reported as clip, against the
 * proven entry e (docs/bundle.md, "Clips"): the file's object,
 * packet_root and packets agree with e's; 0 < count and first + count <=
 * e->packets; the clip has count packets and "proofs" count elements; the
 * k-th element, [position, base64 hash...], proves the k-th packet's
 * leaf at that position in e's packet tree (of e->packets leaves, root
 * e->packet_root); the positions are first..first + count - 1, each once,
 * increasing within each stream in clip order.  Pure: no I/O.  Fills
 * *rep (ok set only when everything holds) and returns 0, or
 * CUSTOS_ERR_NOMEM, CUSTOS_ERR_INVALID (bad arguments) or
 * CUSTOS_ERR_CRYPTO.  A wrong proof is not an error: rep says what.
 */
int	 clip_proof_check(const char *json, size_t len,
	    const struct clip_leaves *clip, const struct clip_proof_entry *e,
	    struct clip_proof_report *rep);

/* The stable name of why for reports: "altered", "missing", ... */
const char *clip_why_name(enum clip_why why);

/* --- end of checking --- */

#endif
