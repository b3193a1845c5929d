/*
 * seal_int.h: the sealer and its jobs, shared by seal.c (the pipeline on
 * the loop), seal_copy.c (step 1 on the thread pool) and seal_entry.c
 * (the segment.sealed entry), and by no one else.
 */
#ifndef CUSTOSD_SEAL_INT_H
#define CUSTOSD_SEAL_INT_H

#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include <uv.h>

#include "custos/digest.h"
#include "custos/probe.h"
#include "seal.h"

struct sealer {
	uv_loop_t	*loop;
	struct station	*st;
	struct catalog	*cat;
	char		*self;
	unsigned	 pending;
	unsigned	 probing;	/* of pending: media child running */
	struct job	*held;		/* past step 1, one per object and
					   camera */
	struct job	*waiting;	/* for an object and camera another
					   job holds */
};

struct job {
	uv_work_t	 work;
	struct sealer	*s;
	struct job	*next;		/* in s->held or s->waiting */
	seal_cb		 cb;
	void		*arg;
	int		 fd;
	char		*camera, *source, *path, *officer;
	json_t		*extra;
	/* The fast path's hint, set on the loop before step 1. */
	struct stat	 st0;		/* stat_work's fstat */
	int		 st0_err;	/* its errno, 0 if it worked */
	int		 hint;		/* the catalog named an object */
	uint8_t		 hint_object[DIGEST_LEN];
	int		 verify_fast;	/* re-read X too (after delete) */
	/* Written by step 1 on the thread pool, read on the loop after. */
	int		 fast;		/* X confirmed by hash only */
	int		 mismatch;	/* hashed to found, not X */
	int		 store_lacks;	/* hashed to X, store lacks X */
	uint8_t		 found[DIGEST_LEN];
	uint64_t	 stored;	/* bytes written to the store */
	int		 rc;
	int		 err;		/* errno for CUSTOS_ERR_SYSTEM */
	const char	*what;		/* what failed, static text */
	int		 plain;		/* what says it all: no rc text */
	struct timespec	 mtime;
	uint8_t		 object[DIGEST_LEN];
	uint64_t	 size;
	/* Loop thread only. */
	struct timespec	 t0;		/* started (monotonic): the seal
					   latency's start */
	char		 reason[256];
	uint64_t	 index;
	uint8_t		 leaf[DIGEST_LEN];
	int		 decodable;
	int		 has_same;	/* the entry has same_object_as */
	uint64_t	 same_as;	/* its value */
};


/* seal_copy.c: on the thread pool; each fills in the job's step 1. */

/*
 * Before step 1: fstat()s the source into j->st0 (j->st0_err on
 * failure), for the fast path's hint.
 */
void	 seal_stat_work(uv_work_t *work);

/*
 * Step 1: copies and hashes the source into the store and re-reads it
 * (or, with a hint that applies, only hashes it: j->fast, j->mismatch,
 * j->store_lacks).  On failure sets j->rc, j->err, j->what.
 */
void	 seal_copy_work(uv_work_t *work);

/* Step 1 for an object already in the store: only the re-read. */
void	 seal_verify_work(uv_work_t *work);

/* seal_entry.c: the segment.sealed entry. */

/*
 * Builds the entry's payload for j and the probe's answer r into *out (a
 * new object, which the caller frees also on failure).  Returns 0,
 * CUSTOS_ERR_NOMEM, or the catalog's error (camera_prev, same_object_as).
 * Sets j->has_same and j->same_as.
 */
int	 seal_entry_build(struct job *j, const struct probe_result *r,
	    json_t **out);

/*
 * Whether extra may extend the entry: an object that sets none of the
 * keys the pipeline or entry.c writes.  Returns 0 or CUSTOS_ERR_INVALID.
 */
int	 seal_entry_check_extra(json_t *extra);

#endif
