/*
 * restore: a station rebuilt from its replica (docs/replication.md).
 *
 * What the bucket holds under the station's prefix: the log as C2SP
 * tlog-tiles (tiles.h: checkpoint, checkpoint.tsr, hash tiles, entry
 * bundles) and each sealed object under object/<alg>/<hex>.  A restore
 * trusts none of it until proven:
 *
 *	1. the checkpoint is verified with the station's own verifier key
 *	   (the operator holds the station key: its backup is what lets a
 *	   lost station go on signing);
 *	2. the entry bundles are fetched, appended to a new log, and the
 *	   tree they make must have the checkpoint's root;
 *	3. every hash tile published for that size must equal the tree's
 *	   own nodes (a mirror relies on them);
 *	4. the RFC 3161 token, when published, is stored with the
 *	   checkpoint it stamps (its imprint covers the note as the station
 *	   signed it, without witness cosignature lines);
 *	5. every object an entry seals (and no object.deleted names) is
 *	   fetched into the store, hashed while written: one that is not in
 *	   the bucket is named missing, one whose bytes do not hash to its
 *	   address is named altered and not kept.  A server that fails
 *	   otherwise stops the restore.
 *
 * The new log is built beside the final name and renamed into place last,
 * so an interrupted restore leaves no log (objects already fetched stay in
 * the store; a second run finds them there).
 */
#ifndef CUSTOS_RESTORE_H
#define CUSTOS_RESTORE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "custos/digest.h"

struct note_verifier;
struct s3;

struct restore_params {
	struct s3		*s3;		/* borrowed */
	const char		*prefix;	/* "<station>": the keys are
						   "<prefix>/..." */
	const char		*state_dir;	/* where log.db and the store
						   go; must hold no log.db */
	enum digest_alg		 alg;		/* the station's profile's */
	const struct note_verifier *v;		/* the station's verifier */
	const char		*tsa_ca;	/* [tsa] ca, to check the
						   token, or NULL */
	/* Called after each object (may be NULL): done of total. */
	void			(*progress)(void *arg, uint64_t done,
				    uint64_t total);
	void			*arg;
};

/* What a restore did, or where it failed. */
struct restore_report {
	uint64_t	 size;		/* entries restored: the checkpoint's
					   tree size */
	char		 root[DIGEST_STRLEN];	/* its root, "<alg>:<hex>" */
	int		 timestamp;	/* its RFC 3161 token was restored */
	int		 timestamp_unchecked;	/* one is published but no
					   [tsa] ca checks it: not kept */
	uint64_t	 tiles;		/* hash tiles checked */
	uint64_t	 objects;	/* objects fetched and stored */
	uint64_t	 bytes;		/* their bytes */
	uint64_t	 present;	/* of those, already in the store */
	uint64_t	 disposed;	/* objects not fetched: an
					   object.deleted names them */
	json_t		*missing;	/* [{object, entry}]: not in the
					   bucket (never confirmed off the
					   station) */
	json_t		*altered;	/* [{object, entry}]: the bucket's
					   bytes are not the object's */
	char		 what[512];	/* on failure: what failed, for the
					   operator */
};

/*
 * Restores into p->state_dir.  rep is filled as far as the restore got
 * (free its lists with restore_report_free()).  Returns 0 when the log is
 * in place (objects may still be missing or altered: see rep); else
 * CUSTOS_ERR_EXISTS (state_dir holds a log already), CUSTOS_ERR_NOTFOUND
 * (no checkpoint or a tile missing in the bucket), CUSTOS_ERR_VERIFY (the
 * checkpoint's signature, the entries' root or a hash tile does not
 * prove), CUSTOS_ERR_FORMAT (a malformed entry bundle), the S3 client's
 * errors (s3.h) for a server that fails, or a log, store or system error;
 * rep->what says which.
 */
int	 restore_run(const struct restore_params *p,
	    struct restore_report *rep);

void	 restore_report_free(struct restore_report *rep);

#endif
