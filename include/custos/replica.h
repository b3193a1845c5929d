/*
 * replica: the replication queue, which of the station's stored objects
 * are confirmed off-station (docs/replication.md, "Object replication").
 *
 * The list of objects to replicate is a derived view of the log, in
 * tables beside it in log.db (like the catalog): every segment.sealed and
 * document.sealed entry's object enters the queue when the view syncs,
 * so a crash between sealing and queuing forgets nothing and a rebuilt
 * view queues everything again.  What the bucket holds is no fact of the
 * log: the confirmations (object, confirmed time, the server's ETag,
 * size) and the tries (attempts, next try, last error) live in tables a
 * rebuild of the view never drops.
 *
 * An object is, in this order of precedence:
 *	confirmed	the server acknowledged its bytes (s3_put_fd()
 *			returned 0), whatever happened to it since;
 *	lost		disposed of (object.deleted) before it was
 *			confirmed, and not sealed again since: its bytes
 *			are nowhere off-station;
 *	queued		waiting for an upload (attempts 0) or for its
 *			next try after a failure (attempts > 0).
 *
 * One writer (custosd); readers open it read-only.
 */
#ifndef CUSTOS_REPLICA_H
#define CUSTOS_REPLICA_H

#include <stddef.h>
#include <stdint.h>

#include "custos/digest.h"

struct log;
struct replica_queue;

enum replica_state {
	REPLICA_UNKNOWN = 0,	/* no sealing entry names it */
	REPLICA_QUEUED,
	REPLICA_CONFIRMED,
	REPLICA_LOST
};

/* One object of the queue. */
struct replica_item {
	char		 object[DIGEST_STRLEN];	/* "sha256:<hex>" */
	enum replica_state state;
	uint64_t	 size;		/* from its sealing entry */
	uint64_t	 index;		/* its first sealing entry */
	int64_t		 queued_ms;	/* that entry's time */
	uint64_t	 attempts;	/* failed tries so far */
	int64_t		 next_ms;	/* next try (wall clock ms), 0: now */
	char		 error[256];	/* the last try's error, or "" */
	int64_t		 confirmed_ms;	/* 0 unless confirmed */
};

/* The queue at a glance. */
struct replica_stats {
	uint64_t	 behind;	/* queued objects */
	uint64_t	 behind_bytes;
	int64_t		 oldest_ms;	/* the oldest queued one's entry
					   time, 0 when none */
	uint64_t	 failing;	/* queued ones with attempts > 0 */
	uint64_t	 confirmed;
	uint64_t	 confirmed_bytes;
	uint64_t	 lost;
	char		 error[256];	/* the most recent error of a
					   queued object, or "" */
};

/*
 * Opens the queue of the log database at path (the file log_open()
 * created) read-write, creating its tables: 0 and *out (close with
 * replica_queue_close()), CUSTOS_ERR_NOMEM or an SQLite error's code.
 * The _ro variant writes nothing and fails with CUSTOS_ERR_NOTFOUND
 * when the daemon has not made the tables yet.
 */
int	 replica_queue_open(const char *path, struct replica_queue **out);
int	 replica_queue_open_ro(const char *path, struct replica_queue **out);
void	 replica_queue_close(struct replica_queue *q);

/*
 * Applies the log's entries not yet applied (one transaction).  Returns
 * 0, CUSTOS_ERR_CORRUPT for a sealing or object.deleted entry without a
 * valid "object" in the log's algorithm (or a sealing entry without
 * "size"), or a database error; nothing is kept on error.
 */
int	 replica_queue_sync(struct replica_queue *q, struct log *l);

/*
 * Up to max queued objects whose next try is due at now_ms, oldest
 * (lowest entry index) first, into items (the caller's array).  *n gets
 * how many.  Returns 0 or a database error.
 */
int	 replica_queue_due(struct replica_queue *q, int64_t now_ms,
	    struct replica_item *items, size_t max, size_t *n);

/*
 * The earliest next try of a queued object into *next_ms (0: one is due
 * now); CUSTOS_ERR_NOTFOUND when nothing is queued.
 */
int	 replica_queue_next(struct replica_queue *q, int64_t *next_ms);

/*
 * Records that the server acknowledged object (text, "sha256:<hex>") at
 * at_ms with etag (may be NULL or "") and size; its tries are forgotten.
 * Confirming it again keeps the first confirmation.  Returns 0 or a
 * database error.
 */
int	 replica_queue_confirm(struct replica_queue *q, const char *object,
	    int64_t at_ms, const char *etag, uint64_t size);

/*
 * Records a failed try of object: attempts + 1, the next try at next_ms
 * and error (copied; may be NULL).  Returns 0 or a database error.
 */
int	 replica_queue_fail(struct replica_queue *q, const char *object,
	    int64_t next_ms, const char *error);

/*
 * Makes every queued object due now, whatever its recorded next try: a
 * start of the uploader tries again at once (a restart is how an
 * operator applies a fix).  Returns 0 or a database error.
 */
int	 replica_queue_rearm(struct replica_queue *q);

/* The attempts recorded for object so far (0 when none) into *attempts. */
int	 replica_queue_attempts(struct replica_queue *q, const char *object,
	    uint64_t *attempts);

/*
 * The state of object (text): REPLICA_UNKNOWN when no sealing entry
 * names it.  Returns 0 or a database error.
 */
int	 replica_queue_state(struct replica_queue *q, const char *object,
	    enum replica_state *state);

/* The counts and the last error into *s: 0 or a database error. */
int	 replica_queue_stats(struct replica_queue *q, struct replica_stats *s);

/*
 * Calls cb for every object that is not confirmed (queued, then lost),
 * oldest first; cb returns 0 to go on, or an error that stops the walk
 * and is returned.  Returns 0 or an error.
 */
int	 replica_queue_unconfirmed(struct replica_queue *q,
	    int (*cb)(void *arg, const struct replica_item *it), void *arg);

/* "queued", "confirmed", "lost", "unknown". */
const char *replica_state_name(enum replica_state s);

#endif
