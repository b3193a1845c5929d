/*
 * replica_audit: a central auditor's check of one station's replica in a
 * bucket that holds many (docs/replication.md, "The central audit").
 *
 * For the station whose verifier key is given: its published log is
 * fetched and proven as a restore proves it (restore.h, steps 1 to 3,
 * into a scratch log that is removed afterwards); the log must extend the
 * one the last audit saw (the root of the last audited size recomputed
 * from the entries equals the root recorded then: a station that rewound
 * or forked its log fails); the checkpoint's cosignatures are counted
 * against the witnesses given; every object an entry seals (and no
 * object.deleted names) is looked up in the bucket, and a sample of them
 * (all at rate 1) is read back and re-hashed; objects not there yet are
 * the replication lag, an object whose bytes are not its address is a
 * failure.
 */
#ifndef CUSTOS_REPLICA_AUDIT_H
#define CUSTOS_REPLICA_AUDIT_H

#include <stddef.h>

#include <jansson.h>

#include "custos/digest.h"

struct cosig_verifier;
struct note_verifier;
struct s3;

struct replica_audit_params {
	struct s3		*s3;		/* borrowed */
	const char		*scratch;	/* a directory for the scratch
						   log */
	enum digest_alg		 alg;
	const struct cosig_verifier *const *witnesses;
	size_t			 nwitnesses;
	size_t			 quorum;	/* cosignatures needed; 0: no
						   witness policy */
	unsigned		 sample_permille;	/* 0..1000: objects
						   re-hashed per thousand */
	int64_t			 now_ms;	/* for the ages */
};

/*
 * Audits the station of v (its origin is the bucket prefix) against last
 * (the station's record from the previous audit, {"size", "root"}, or
 * NULL for a first audit).  Sets *out to the station's report (a new
 * JSON object: "station", "ok", "problems" (sentences), "size", "root",
 * "previous", "consistent", "witnesses", "objects", "lag") and returns
 * 0, also when the audit found problems (ok false); another error only
 * when the audit could not run at all (out of memory).
 */
int	 replica_audit_station(const struct replica_audit_params *p,
	    const struct note_verifier *v, const json_t *last, json_t **out);

#endif
