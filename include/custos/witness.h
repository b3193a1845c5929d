/*
 * witness: the witness side of C2SP tlog-witness
 * (https://c2sp.org/tlog-witness), without the HTTP transport.
 *
 * A witness cosigns (tlog-cosignature cosignature/v1, see cosig.h) the
 * checkpoints of the logs it is configured for, each known by its origin
 * and the log's verifier key(s), after checking that every checkpoint is
 * consistent with the latest one it cosigned for that origin.  Its state
 * is an SQLite file it owns: one row per origin with the size, root hash
 * and signed note of the latest cosigned checkpoint.  Each request runs in
 * one write transaction, so two requests for one origin, even from two
 * processes, cannot both advance it from the same size.
 *
 * An add-checkpoint request body is
 *
 *	"old <size>\n"		(decimal, no leading zeros)
 *	"<base64 hash>\n"	(0 to WITNESS_MAX_PROOF consistency proof lines)
 *	"\n"
 *	<checkpoint note>	(a signed note, see note.h and ckpt.h)
 */
#ifndef CUSTOS_WITNESS_H
#define CUSTOS_WITNESS_H

#include <stddef.h>
#include <stdint.h>

#include "custos/cosig.h"
#include "custos/digest.h"
#include "custos/note.h"

#define WITNESS_MAX_PROOF	63		/* the spec's limit */
/* The largest request body accepted (a checkpoint note and a proof). */
#define WITNESS_MAX_BODY	(64 * 1024)
#define WITNESS_MAX_LOGS	64		/* log keys of one witness */
/* The HTTP content type of a 409 reply's body. */
#define WITNESS_SIZE_TYPE	"text/x.tlog.size"

struct witness;

/* A parsed add-checkpoint request; note points into the parsed body. */
struct witness_req {
	uint64_t	 old;
	uint8_t		 proof[WITNESS_MAX_PROOF][DIGEST_LEN];
	size_t		 nproof;
	const char	*note;
	size_t		 notelen;
};

/*
 * The outcome of a request: an HTTP status and the reply body, and what a
 * request log line says about it.
 *	200: body is the cosignature line(s)
 *	400: malformed request, or old size above the checkpoint's size
 *	403: no valid signature by a trusted key of the origin
 *	404: unknown origin
 *	409: old size is not the latest cosigned size; body is that size
 *	     and "\n", of type WITNESS_SIZE_TYPE
 *	422: the proof or the checkpoint is inconsistent with the state
 *	500: the witness failed (database, signing)
 * For the other statuses body is the message and "\n", text/plain.
 */
struct witness_reply {
	int		 status;
	const char	*content_type;	/* static string */
	char		*body;		/* NUL-terminated, owned */
	size_t		 bodylen;
	char		 msg[256];	/* one line, the reason; printable */
	char		 origin[128];	/* escaped (esc_encode), "" if unknown */
	uint64_t	 old, size;	/* from the request, 0 if not parsed */
	uint64_t	 stored;	/* the state's size before the request */
};

/*
 * Parses an add-checkpoint request body of len bytes into *req (whose
 * note points into body).  Returns 0, CUSTOS_ERR_TOOBIG past
 * WITNESS_MAX_BODY or WITNESS_MAX_PROOF proof lines, or CUSTOS_ERR_FORMAT,
 * with a one-line reason in err (errsz bytes, may be 0) either way.
 * The note itself is not parsed here.
 */
int	 witness_req_parse(const char *body, size_t len, struct witness_req *req,
	    char *err, size_t errsz);

/*
 * Opens (creating it and its table if needed) the state file path for a
 * witness that signs with signer, which the witness uses but does not own
 * (it must outlive the witness).  Returns 0 and *out (free with
 * witness_free()), CUSTOS_ERR_CORRUPT if the file holds another schema,
 * or a database error (CUSTOS_ERR_DB, CUSTOS_ERR_BUSY, ...).
 */
int	 witness_open(const char *path, const struct cosig_signer *signer,
	    struct witness **out);

/*
 * Adds a log the witness cosigns, known by its verifier key; the key's
 * name is the log's origin, and an origin may have several keys.  v is
 * copied.  Returns 0, CUSTOS_ERR_EXISTS for a key already added,
 * CUSTOS_ERR_TOOBIG past WITNESS_MAX_LOGS, or CUSTOS_ERR_NOMEM.
 */
int	 witness_add_log(struct witness *w, const struct note_verifier *v);

/*
 * Handles an add-checkpoint request body (len bytes) at time now (POSIX
 * seconds, the cosignature's timestamp) and fills *r (clear it with
 * witness_reply_clear()).  The state is updated, and committed, before a
 * 200 reply is returned; it changes only when the checkpoint is larger
 * than the one stored.  Returns 0 when *r holds a reply of any status, or
 * CUSTOS_ERR_NOMEM when not even a reply could be made.
 */
int	 witness_add_checkpoint(struct witness *w, const char *body,
	    size_t len, uint64_t now, struct witness_reply *r);

/*
 * The monitor retrieval of tlog-witness: fills *r with the latest
 * cosigned checkpoint (200, the note with the log's and the witness's
 * signatures) of the origin whose SHA-256 is hex (64 lowercase digits),
 * or a 404 reply.  Returns 0 or CUSTOS_ERR_NOMEM.
 */
int	 witness_checkpoint(struct witness *w, const char *hex,
	    struct witness_reply *r);

/*
 * Reads the state of origin: its cosigned size and root hash.  Returns 0,
 * CUSTOS_ERR_NOTFOUND when the witness has cosigned nothing for it, or a
 * database error.
 */
int	 witness_state(struct witness *w, const char *origin, uint64_t *size,
	    uint8_t root[DIGEST_LEN]);

/* Frees what r holds and zeroes it. */
void	 witness_reply_clear(struct witness_reply *r);

/* Closes the state file and frees w; NULL is allowed. */
void	 witness_free(struct witness *w);

#endif
