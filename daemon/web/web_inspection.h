/*
 * web_inspection: the parts of the inspection page (web_inspection.c)
 * kept in web_inspection_proof.c: the inclusion proofs against the latest
 * checkpoint, the inspection's facts and the reviewer's forms.
 */
#ifndef CUSTOSD_WEB_INSPECTION_H
#define CUSTOSD_WEB_INSPECTION_H

#include <stdint.h>

#include <jansson.h>

#include "web_int.h"

struct station;
struct web_proofs;

/*
 * The latest checkpoint of st's log, opened with the station's verifier
 * (a checkpoint that does not verify is none).  Returns 0 and *out (free
 * with web_proofs_free(); NULL allowed), or CUSTOS_ERR_NOMEM.
 */
int	 web_proofs_new(struct station *st, struct web_proofs **out);
void	 web_proofs_free(struct web_proofs *p);

/*
 * Whether entry index is proven now: its exact bytes as the log holds
 * them, hashed to their leaf, with the inclusion proof built from the
 * stored tree, give the root of the latest signed checkpoint: 1.  0 when
 * they do not; -1 when there is no checkpoint or the entry is past it.
 */
int	 web_proof_check(struct web_proofs *p, uint64_t index);

/* "latest checkpoint: size N" (or none), escaped, into b. */
void	 web_proof_caption(struct web_buf *b, const struct web_req *req,
	    const struct web_proofs *p);

/* The inspection's facts (enterprise, officers, state, times). */
void	 web_inspection_facts(struct web_buf *b, const struct web_req *req,
	    const json_t *info);

/* The export and clip forms, for reviewers only (nothing for others). */
void	 web_inspection_forms(struct web_buf *b, const struct web_req *req,
	    const char *id);

#endif
