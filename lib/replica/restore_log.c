/*
 * restore_log: a station's published log fetched and proven
 * (include/custos/restore.h, steps 1 to 4): the checkpoint verified, the
 * entry bundles appended to a new log whose tree must have the
 * checkpoint's root, the published hash tiles compared with that tree,
 * the token kept.  What a restore (restore.c) and the central audit
 * (replica_audit.c) share.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "custos/ckpt.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/note.h"
#include "custos/note_cosig.h"
#include "custos/restore.h"
#include "custos/s3.h"
#include "custos/tiles.h"
#include "custos/tsa.h"
#include "custos/util.h"
#include "restore_int.h"

#define NOTE_MAX	(64 << 10)
#define BUNDLE_MAX	(TILE_WIDTH * (TILE_MAX_ENTRY + 2))

int
restore_fail(struct restore_report *rep, int rc, const char *fmt, ...)
{
	va_list ap;

	if (rep->what[0] != '\0')
		return rc;
	va_start(ap, fmt);
	vsnprintf(rep->what, sizeof(rep->what), fmt, ap);
	va_end(ap);
	return rc;
}

/* The sink's last S3 failure, for a sentence. */
static const char *
last(const struct tiles_s3 *t)
{
	return t->last.msg[0] != '\0' ? t->last.msg : "no reply";
}

/*
 * Fetches and verifies the checkpoint: *note (the bytes as published,
 * cosignature lines and all), *size and root.
 */
static int
fetch_checkpoint(const struct restore_params *p, struct restore_ctx *c,
    struct restore_report *rep)
{
	struct checkpoint *ck = NULL;
	int rc;

	rc = c->sink.get(c->sink.arg, "checkpoint", NOTE_MAX,
	    (uint8_t **)&c->note, &c->notelen);
	if (rc == CUSTOS_ERR_NOTFOUND)
		return restore_fail(rep, rc, "%s/checkpoint: not in the "
		    "bucket: nothing of this station was published",
		    p->prefix);
	if (rc != 0)
		return restore_fail(rep, rc, "%s/checkpoint: %s", p->prefix,
		    last(&c->t));
	if ((rc = ckpt_open(c->note, c->notelen, p->v, &ck)) != 0)
		return restore_fail(rep, CUSTOS_ERR_VERIFY, "%s/checkpoint "
		    "does not verify with the station's key %s: %s",
		    p->prefix, note_verifier_name(p->v), custos_strerror(rc));
	c->size = ck->size;
	memcpy(c->root, ck->root, DIGEST_LEN);
	ckpt_free(ck);
	rep->size = c->size;
	return digest_format(p->alg, c->root, rep->root, sizeof(rep->root));
}

/*
 * Splits an entry bundle of want entries (tlog-tiles: each a big-endian
 * uint16 length and its bytes) into ptr/len, pointing into data.
 */
static int
split_bundle(const uint8_t *data, size_t n, unsigned want,
    const void **ptr, size_t *len)
{
	size_t off = 0, l;
	unsigned i;

	for (i = 0; i < want; i++) {
		if (n - off < 2)
			return CUSTOS_ERR_FORMAT;
		l = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (l == 0 || n - off < l)
			return CUSTOS_ERR_FORMAT;
		ptr[i] = data + off;
		len[i] = l;
		off += l;
	}
	return off == n ? 0 : CUSTOS_ERR_FORMAT;
}

/* Appends the entries of every bundle of the checkpoint's tree to l. */
static int
fetch_entries(struct restore_ctx *c, struct restore_report *rep)
{
	const void *ptr[TILE_WIDTH];
	size_t len[TILE_WIDTH], n;
	char path[TILE_PATH_MAX];
	uint64_t t, first;
	uint8_t *data;
	unsigned w;
	int rc;

	for (t = 0; t * TILE_WIDTH < c->size; t++) {
		w = c->size - t * TILE_WIDTH >= TILE_WIDTH ? TILE_WIDTH :
		    (unsigned)(c->size - t * TILE_WIDTH);
		if ((rc = tile_path(TILE_ENTRIES, t, w, path,
		    sizeof(path))) != 0)
			return rc;
		rc = c->sink.get(c->sink.arg, path, BUNDLE_MAX, &data, &n);
		if (rc == CUSTOS_ERR_NOTFOUND)
			return restore_fail(rep, rc, "%s: not in the bucket "
			    "(entries %llu to %llu of the checkpoint's %llu)",
			    path, (unsigned long long)(t * TILE_WIDTH),
			    (unsigned long long)(t * TILE_WIDTH + w - 1),
			    (unsigned long long)c->size);
		if (rc != 0)
			return restore_fail(rep, rc, "%s: %s", path,
			    last(&c->t));
		if ((rc = split_bundle(data, n, w, ptr, len)) != 0)
			rc = restore_fail(rep, rc, "%s: not an entry bundle "
			    "of %u entries", path, w);
		else if ((rc = log_append(c->log, ptr, len, w, &first,
		    NULL)) != 0)
			rc = restore_fail(rep, rc, "%s: cannot append its "
			    "entries to the new log: %s", path,
			    custos_strerror(rc));
		free(data);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/*
 * The compare sink: tiles_write() hands it every tile of the tree it
 * rebuilt, and each must be in the bucket with exactly those bytes.
 */
struct compare {
	struct restore_ctx	*c;
	struct restore_report	*rep;
};

static int
compare_put(void *arg, const char *path, const void *data, size_t len)
{
	struct compare *k = arg;
	uint8_t *got;
	size_t n;
	int rc;

	/* Entry bundles were proven by the root; only hash tiles here. */
	if (strncmp(path, "tile/entries/", 13) == 0)
		return 0;
	rc = k->c->sink.get(k->c->sink.arg, path, len, &got, &n);
	if (rc == CUSTOS_ERR_NOTFOUND)
		return restore_fail(k->rep, rc, "%s: not in the bucket", path);
	if (rc == CUSTOS_ERR_TOOBIG || (rc == 0 && (n != len ||
	    memcmp(got, data, len) != 0)))
		rc = restore_fail(k->rep, CUSTOS_ERR_VERIFY, "%s in the "
		    "bucket differs from the tree of the entries (a mirror "
		    "reading it would fail)", path);
	else if (rc != 0)
		rc = restore_fail(k->rep, rc, "%s: %s", path, last(&k->c->t));
	else
		k->rep->tiles++;
	if (rc == 0 || rc == CUSTOS_ERR_VERIFY)
		free(got);
	return rc;
}

static int
compare_get(void *arg, const char *path, size_t max, uint8_t **data,
    size_t *len)
{
	(void)arg;
	(void)path;
	(void)max;
	*data = NULL;
	*len = 0;
	return CUSTOS_ERR_NOTFOUND;
}

static int
compare_remove(void *arg, const char *path)
{
	(void)arg;
	(void)path;
	return 0;
}

/* The tree of the entries must have the checkpoint's root and tiles. */
static int
check_tree(const struct restore_params *p, struct restore_ctx *c,
    struct restore_report *rep)
{
	struct compare k = { c, rep };
	struct tiles_sink cmp = { compare_put, compare_get, compare_remove,
	    &k };
	struct tiles_result tr;
	uint8_t root[DIGEST_LEN];
	char hex[DIGEST_STRLEN];
	int rc;

	if ((rc = log_root(c->log, c->size, root)) != 0)
		return restore_fail(rep, rc, "cannot compute the new log's "
		    "root: %s", custos_strerror(rc));
	if (memcmp(root, c->root, DIGEST_LEN) != 0) {
		digest_format(p->alg, root, hex, sizeof(hex));
		return restore_fail(rep, CUSTOS_ERR_VERIFY, "the %llu entries "
		    "in the bucket make the root %s, not the checkpoint's %s: "
		    "the bucket's entries were altered",
		    (unsigned long long)c->size, hex, rep->root);
	}
	memset(&tr, 0, sizeof(tr));
	if ((rc = tiles_write(c->log, 0, c->size, &cmp, &tr)) != 0 &&
	    rep->what[0] == '\0')
		restore_fail(rep, rc, "checking the hash tiles: %s",
		    tr.what[0] != '\0' ? tr.what : custos_strerror(rc));
	return rc;
}

/*
 * The checkpoint as the station signed it goes into the log (the token's
 * imprint covers exactly those bytes), and the token, when published,
 * once its imprint matches.
 */
int
restore_keep_checkpoint(const struct restore_params *p, struct restore_ctx *c,
    struct restore_report *rep)
{
	char *own = NULL;
	uint8_t *tsr = NULL;
	size_t ownlen, tsrlen;
	char why[256];
	int rc;

	if ((rc = note_cosig_station(c->note, c->notelen, p->v, &own,
	    &ownlen)) != 0)
		return restore_fail(rep, rc, "checkpoint: %s",
		    custos_strerror(rc));
	if ((rc = log_checkpoint_put(c->log, c->size, own, ownlen)) != 0) {
		free(own);
		return restore_fail(rep, rc, "cannot store the checkpoint: "
		    "%s", custos_strerror(rc));
	}
	rc = c->sink.get(c->sink.arg, "checkpoint.tsr", TSA_MAX_REPLY, &tsr,
	    &tsrlen);
	if (rc == CUSTOS_ERR_NOTFOUND)
		rc = 0;
	else if (rc != 0)
		rc = restore_fail(rep, rc, "checkpoint.tsr: %s", last(&c->t));
	else if (p->tsa_ca == NULL)
		rep->timestamp_unchecked = 1;	/* no CA to check it with */
	else if (tsa_verify(tsr, tsrlen, own, ownlen, p->tsa_ca, NULL, NULL,
	    why, sizeof(why)) != 0)
		rc = restore_fail(rep, CUSTOS_ERR_VERIFY, "checkpoint.tsr "
		    "does not verify for the published checkpoint: %s", why);
	else if ((rc = log_timestamp_put(c->log, c->size, tsr, tsrlen)) != 0)
		rc = restore_fail(rep, rc, "cannot store the token: %s",
		    custos_strerror(rc));
	else
		rep->timestamp = 1;
	free(tsr);
	free(own);
	return rc;
}

int
restore_log_fetch(const struct restore_params *p, struct restore_ctx *c,
    const char *path, struct restore_report *rep)
{
	int rc;

	if ((rc = fetch_checkpoint(p, c, rep)) != 0)
		return rc;
	if ((rc = log_open(path, p->alg, LOG_CREATE, &c->log)) != 0)
		return restore_fail(rep, rc, "cannot create %s: %s", path,
		    custos_strerror(rc));
	if ((rc = fetch_entries(c, rep)) != 0)
		return rc;
	return check_tree(p, c, rep);
}

int
restore_begin(const struct restore_params *p, struct restore_ctx *c,
    struct restore_report *rep)
{
	int rc;

	memset(rep, 0, sizeof(*rep));
	memset(c, 0, sizeof(*c));
	if ((rep->missing = json_array()) == NULL ||
	    (rep->altered = json_array()) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = tiles_s3_sink(&c->t, p->s3, p->prefix, &c->sink)) != 0)
		return restore_fail(rep, rc, "prefix %s: %s", p->prefix,
		    custos_strerror(rc));
	return 0;
}

void
restore_report_free(struct restore_report *rep)
{
	json_decref(rep->missing);
	json_decref(rep->altered);
	rep->missing = rep->altered = NULL;
}
