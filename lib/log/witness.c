/*
 * witness: the decisions of a tlog-witness add-checkpoint call and the
 * witness's state (c2sp.org/tlog-witness).
 *
 * The checks run in the specification's order: a malformed request or
 * note (400), an unknown origin (404), no valid signature by a trusted
 * key (403), an old size above the checkpoint's (400), an old size that
 * is not the stored one (409), then consistency (422).  The state is read
 * and written inside one BEGIN IMMEDIATE transaction, which takes
 * SQLite's write lock first, so the check of the old size and the update
 * are atomic against every other connection to the file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "custos/ckpt.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/merkle.h"
#include "custos/witness.h"
#include "lib/base/db_int.h"

#define T_PLAIN		"text/plain; charset=utf-8"

enum {
	ST_GET,
	ST_PUT,
	ST_BYHASH,
	NSTMT
};

static const char *const schema =
	"CREATE TABLE IF NOT EXISTS witness_state ("
	" origin TEXT PRIMARY KEY NOT NULL,"
	" origin_hash TEXT NOT NULL UNIQUE,"
	" size INTEGER NOT NULL CHECK (size >= 0),"
	" root BLOB NOT NULL CHECK (length(root) = 32),"
	" note TEXT NOT NULL,"
	" updated INTEGER NOT NULL)";

static const char *const sql[NSTMT] = {
	[ST_GET] = "SELECT size, root FROM witness_state WHERE origin = ?1",
	[ST_PUT] = "INSERT INTO witness_state (origin, origin_hash, size,"
	    " root, note, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	    " ON CONFLICT (origin) DO UPDATE SET size = excluded.size,"
	    " root = excluded.root, note = excluded.note,"
	    " updated = excluded.updated",
	[ST_BYHASH] = "SELECT note FROM witness_state WHERE origin_hash = ?1",
};

struct witness {
	sqlite3				*db;
	sqlite3_stmt			*st[NSTMT];
	const struct cosig_signer	*signer;
	struct cosig_verifier		*self;
	struct note_verifier		*logs[WITNESS_MAX_LOGS];
	size_t				 nlogs;
};

/* What one request brings along while it is decided. */
struct call {
	struct witness_req	 req;
	struct note		*note;
	struct checkpoint	*ckpt;
	enum digest_alg		 alg;
	char			*line;		/* our cosignature */
	size_t			 linelen;
};

static int reply(struct witness_reply *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* Sets a status and message; the body is the message (text/plain). */
static int
reply(struct witness_reply *r, int status, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 n;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	r->status = status;
	r->content_type = T_PLAIN;
	free(r->body);
	n = strlen(r->msg);
	if ((r->body = malloc(n + 2)) == NULL) {
		r->bodylen = 0;
		return CUSTOS_ERR_NOMEM;
	}
	memcpy(r->body, r->msg, n);
	memcpy(r->body + n, "\n", 2);
	r->bodylen = n + 1;
	return 0;
}

int
witness_open(const char *path, const struct cosig_signer *signer,
    struct witness **out)
{
	struct witness	*w;
	int		 rc;

	*out = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return CUSTOS_ERR_NOMEM;
	w->signer = signer;
	if ((rc = cosig_signer_verifier(signer, &w->self)) != 0 ||
	    (rc = db_open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	    &w->db)) != 0 ||
	    (rc = db_set_wal(w->db, db_err)) != 0 ||
	    (rc = db_exec(w->db, schema)) != 0)
		goto fail;
	if (!db_prepares(w->db, sql[ST_PUT])) {
		rc = CUSTOS_ERR_CORRUPT;
		goto fail;
	}
	if ((rc = db_prepare_all(w->db, sql, w->st, NSTMT)) != 0)
		goto fail;
	*out = w;
	return 0;
fail:
	witness_free(w);
	return rc;
}

int
witness_add_log(struct witness *w, const struct note_verifier *v)
{
	char	*s;
	size_t	 i;
	int	 rc;

	for (i = 0; i < w->nlogs; i++)
		if (note_verifier_keyid(w->logs[i]) == note_verifier_keyid(v) &&
		    strcmp(note_verifier_name(w->logs[i]),
		    note_verifier_name(v)) == 0)
			return CUSTOS_ERR_EXISTS;
	if (w->nlogs == WITNESS_MAX_LOGS)
		return CUSTOS_ERR_TOOBIG;
	/* A round trip through the key string copies the verifier. */
	if ((rc = note_verifier_format(v, &s)) != 0)
		return rc;
	rc = note_verifier_parse(s, strlen(s), &w->logs[w->nlogs]);
	free(s);
	if (rc == 0)
		w->nlogs++;
	return rc;
}

void
witness_reply_clear(struct witness_reply *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

void
witness_free(struct witness *w)
{
	size_t	 i;

	if (w == NULL)
		return;
	db_finalize_all(w->st, NSTMT);
	sqlite3_close(w->db);
	for (i = 0; i < w->nlogs; i++)
		note_verifier_free(w->logs[i]);
	cosig_verifier_free(w->self);
	free(w);
}

int
witness_state(struct witness *w, const char *origin, uint64_t *size,
    uint8_t root[DIGEST_LEN])
{
	sqlite3_stmt	*st = w->st[ST_GET];
	const void	*blob;
	int		 rc;

	if (sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC) != SQLITE_OK) {
		db_reset(st);
		return CUSTOS_ERR_DB;
	}
	if ((rc = db_step_row(st)) != 0) {
		db_reset(st);
		return rc;
	}
	blob = sqlite3_column_blob(st, 1);
	if (db_column_uint(st, 0, size) != 0 || blob == NULL ||
	    sqlite3_column_bytes(st, 1) != DIGEST_LEN) {
		db_reset(st);
		return CUSTOS_ERR_CORRUPT;
	}
	memcpy(root, blob, DIGEST_LEN);
	db_reset(st);
	return 0;
}

/*
 * Checks the note's signature by the origin's keys: 0 with the tree hash
 * of the key that verified in c->alg, or a 404 or 403 reply (returns 1).
 * Every line naming a trusted key must verify, as signed-note requires.
 */
static int
check_log_sig(struct witness *w, struct call *c, struct witness_reply *r)
{
	const char	*origin = c->ckpt->origin;
	size_t		 i;
	int		 known = 0, ok = 0, rc;

	for (i = 0; i < w->nlogs; i++) {
		if (strcmp(note_verifier_name(w->logs[i]), origin) != 0)
			continue;
		known = 1;
		rc = note_verify(c->note, w->logs[i]);
		if (rc == CUSTOS_ERR_KEY)
			continue;
		if (rc != 0) {
			reply(r, 403, "signature by log key %08x does not "
			    "verify: %s", note_verifier_keyid(w->logs[i]),
			    custos_strerror(rc));
			return 1;
		}
		ok = 1;
		c->alg = note_verifier_alg(w->logs[i]) == SIGN_SM2 ?
		    DIGEST_SM3 : DIGEST_SHA256;
	}
	if (!known) {
		reply(r, 404, "unknown log origin");
		return 1;
	}
	if (!ok) {
		reply(r, 403, "no signature by a trusted key of the origin");
		return 1;
	}
	return 0;
}

/* Parses the request, its note and its checkpoint; 1 after a reply. */
static int
parse_call(struct witness *w, const char *body, size_t len, struct call *c,
    struct witness_reply *r)
{
	const char	*text;
	char		 why[sizeof(r->msg)];
	size_t		 tlen;
	int		 rc;

	if (witness_req_parse(body, len, &c->req, why, sizeof(why)) != 0) {
		reply(r, 400, "%s", why);
		return 1;
	}
	r->old = c->req.old;
	if ((rc = note_parse(c->req.note, c->req.notelen, &c->note)) != 0) {
		reply(r, 400, "checkpoint is not a signed note: %s",
		    custos_strerror(rc));
		return 1;
	}
	text = note_text(c->note, &tlen);
	if ((rc = ckpt_parse(text, tlen, &c->ckpt)) != 0) {
		reply(r, 400, "note is not a checkpoint: %s",
		    custos_strerror(rc));
		return 1;
	}
	esc_encode(c->ckpt->origin, r->origin, sizeof(r->origin));
	r->size = c->ckpt->size;
	if (check_log_sig(w, c, r) != 0)
		return 1;
	if (c->req.old > c->ckpt->size) {
		reply(r, 400, "old size %llu exceeds the checkpoint size %llu",
		    (unsigned long long)c->req.old,
		    (unsigned long long)c->ckpt->size);
		return 1;
	}
	if (c->ckpt->size > INT64_MAX) {
		reply(r, 400, "tree size %llu is too large",
		    (unsigned long long)c->ckpt->size);
		return 1;
	}
	return 0;
}

/*
 * The consistency rules, given the stored size and root (size 0 when
 * nothing is stored): 0 if the checkpoint may be cosigned, else 1 after a
 * 409 or 422 reply.
 */
static int
check_consistency(struct call *c, uint64_t stored,
    const uint8_t sroot[DIGEST_LEN], struct witness_reply *r)
{
	const struct witness_req	*q = &c->req;
	uint8_t				 empty[DIGEST_LEN];
	char				 num[24];
	int				 n;

	if (q->old != stored) {
		n = snprintf(num, sizeof(num), "%llu\n",
		    (unsigned long long)stored);
		reply(r, 409, "old size %llu is not the latest cosigned size "
		    "%llu", (unsigned long long)q->old,
		    (unsigned long long)stored);
		if ((r->body = realloc(r->body, (size_t)n + 1)) != NULL) {
			memcpy(r->body, num, (size_t)n + 1);
			r->bodylen = (size_t)n;
		}
		r->content_type = WITNESS_SIZE_TYPE;
		return 1;
	}
	if (c->ckpt->size == 0) {
		if (digest_buf(c->alg, "", 0, empty) != 0 ||
		    memcmp(empty, c->ckpt->root, DIGEST_LEN) != 0) {
			reply(r, 422, "checkpoint of size 0 does not have the "
			    "empty tree's root hash");
			return 1;
		}
	}
	if (q->old == 0) {
		if (q->nproof != 0) {
			reply(r, 422, "old size 0 takes no consistency proof, "
			    "got %zu lines", q->nproof);
			return 1;
		}
		return 0;
	}
	if (q->old == c->ckpt->size &&
	    memcmp(sroot, c->ckpt->root, DIGEST_LEN) != 0) {
		reply(r, 422, "checkpoint of the cosigned size %llu has "
		    "another root hash", (unsigned long long)q->old);
		return 1;
	}
	if (merkle_verify_consistency(c->alg, q->old, c->ckpt->size, sroot,
	    c->ckpt->root, (const uint8_t (*)[DIGEST_LEN])q->proof,
	    q->nproof) != 0) {
		reply(r, 422, "consistency proof from size %llu to %llu does "
		    "not verify", (unsigned long long)q->old,
		    (unsigned long long)c->ckpt->size);
		return 1;
	}
	return 0;
}

/*
 * The note the state keeps: the checkpoint with the signatures it came
 * with, less any earlier cosignature of ours, and our new one.
 */
static int
state_note(struct witness *w, struct call *c, char **out)
{
	const char	*text, *p, *end, *nl;
	size_t		 tlen, n = 0;
	char		*s;

	text = note_text(c->note, &tlen);
	if ((s = malloc(c->req.notelen + c->linelen + 1)) == NULL)
		return CUSTOS_ERR_NOMEM;
	memcpy(s, text, tlen + 1);		/* the text and blank line */
	n = tlen + 1;
	end = c->req.note + c->req.notelen;
	for (p = c->req.note + tlen + 1; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (cosig_verify_line(w->self, "\n", 1, p, (size_t)(nl - p),
		    NULL) == CUSTOS_ERR_KEY) {
			memcpy(s + n, p, (size_t)(nl - p) + 1);
			n += (size_t)(nl - p) + 1;
		}
	}
	memcpy(s + n, c->line, c->linelen + 1);
	*out = s;
	return 0;
}

static int
put_state(struct witness *w, struct call *c, uint64_t now)
{
	sqlite3_stmt	*st = w->st[ST_PUT];
	uint8_t		 h[DIGEST_LEN];
	char		 hex[HEX_ENCLEN(DIGEST_LEN)], *note;
	int		 rc;

	if ((rc = digest_buf(DIGEST_SHA256, c->ckpt->origin,
	    strlen(c->ckpt->origin), h)) != 0)
		return rc;
	hex_encode(h, DIGEST_LEN, hex);
	if ((rc = state_note(w, c, &note)) != 0)
		return rc;
	if (sqlite3_bind_text(st, 1, c->ckpt->origin, -1,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, hex, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, (sqlite3_int64)c->ckpt->size) !=
	    SQLITE_OK ||
	    sqlite3_bind_blob(st, 4, c->ckpt->root, DIGEST_LEN,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 5, note, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 6, (sqlite3_int64)(now > INT64_MAX ?
	    INT64_MAX : now)) != SQLITE_OK) {
		db_reset(st);
		free(note);
		return CUSTOS_ERR_DB;
	}
	rc = db_step_done(st);
	free(note);
	return rc;
}

/*
 * The transaction: reads the state, checks, cosigns and stores.  Returns
 * 0 with a reply in *r (of any status) or an error to report as 500.
 */
static int
decide(struct witness *w, struct call *c, uint64_t now,
    struct witness_reply *r)
{
	const char	*text;
	uint8_t		 sroot[DIGEST_LEN];
	uint64_t	 stored = 0;
	size_t		 tlen;
	int		 rc, have;

	rc = witness_state(w, c->ckpt->origin, &stored, sroot);
	if (rc != 0 && rc != CUSTOS_ERR_NOTFOUND)
		return rc;
	have = rc == 0;
	r->stored = stored;
	if (check_consistency(c, stored, sroot, r) != 0)
		return 0;
	text = note_text(c->note, &tlen);
	if ((rc = cosig_sign(w->signer, text, tlen, now, &c->line,
	    &c->linelen)) != 0)
		return rc;
	if ((!have || c->ckpt->size > stored) &&
	    (rc = put_state(w, c, now)) != 0)
		return rc;
	if ((rc = db_exec(w->db, "COMMIT")) != 0)
		return rc;
	r->status = 200;
	r->content_type = T_PLAIN;
	snprintf(r->msg, sizeof(r->msg), "cosigned");
	free(r->body);
	r->body = c->line;
	r->bodylen = c->linelen;
	c->line = NULL;
	return 0;
}

int
witness_add_checkpoint(struct witness *w, const char *body, size_t len,
    uint64_t now, struct witness_reply *r)
{
	struct call	 c;
	int		 rc;

	memset(r, 0, sizeof(*r));
	memset(&c, 0, sizeof(c));
	if (parse_call(w, body, len, &c, r) != 0)
		goto out;
	if ((rc = db_exec(w->db, "BEGIN IMMEDIATE")) != 0) {
		reply(r, 500, "witness state unavailable: %s",
		    custos_strerror(rc));
		goto out;
	}
	if ((rc = decide(w, &c, now, r)) != 0)
		reply(r, 500, "witness failed: %s", custos_strerror(rc));
	if (r->status != 200)
		(void)db_exec(w->db, "ROLLBACK");
out:
	free(c.line);
	ckpt_free(c.ckpt);
	note_free(c.note);
	if (r->body == NULL) {
		witness_reply_clear(r);
		return CUSTOS_ERR_NOMEM;
	}
	return 0;
}

int
witness_checkpoint(struct witness *w, const char *hex,
    struct witness_reply *r)
{
	sqlite3_stmt	*st = w->st[ST_BYHASH];
	const char	*note;
	int		 rc;

	memset(r, 0, sizeof(*r));
	if (strlen(hex) != 2 * DIGEST_LEN ||
	    strspn(hex, "0123456789abcdef") != 2 * DIGEST_LEN)
		rc = reply(r, 404, "not an origin hash");
	else if (sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC) !=
	    SQLITE_OK)
		rc = reply(r, 500, "witness state unavailable");
	else if ((rc = db_step_row(st)) != 0)
		rc = reply(r, rc == CUSTOS_ERR_NOTFOUND ? 404 : 500, "%s",
		    rc == CUSTOS_ERR_NOTFOUND ? "no cosigned checkpoint for "
		    "that origin" : custos_strerror(rc));
	else if ((note = (const char *)sqlite3_column_text(st, 0)) == NULL)
		rc = reply(r, 500, "witness state holds no note");
	else {
		r->status = 200;
		r->content_type = T_PLAIN;
		snprintf(r->msg, sizeof(r->msg), "checkpoint");
		rc = (r->body = strdup(note)) == NULL ? CUSTOS_ERR_NOMEM : 0;
		r->bodylen = rc == 0 ? strlen(note) : 0;
	}
	db_reset(st);
	if (rc != 0)
		witness_reply_clear(r);
	return rc;
}
