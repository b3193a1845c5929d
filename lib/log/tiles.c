/*
 * tiles: the hash tiles and entry bundles of C2SP tlog-tiles, built from
 * the stored tree nodes and entries of the log (tiles.h), and the
 * publication of a checkpoint with them.
 *
 * A level-L tile holds the nodes at tree level 8 * L, which the log
 * stores for every complete subtree, so a tile is 256 node reads and
 * never a re-hash of the leaves below it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custos/ckpt.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "custos/note.h"
#include "custos/note_cosig.h"
#include "custos/tiles.h"
#include "custos/tsa.h"
#include "log_int.h"

/* Room for the length prefixes and the largest entries of one bundle. */
#define BUNDLE_MAX	((size_t)TILE_WIDTH * (2 + TILE_MAX_ENTRY))

static void
whatf(struct tiles_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
whatf(struct tiles_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->what, sizeof(res->what), fmt, ap);
	va_end(ap);
}

/* A failure of the sink: what it was doing, kept apart for the caller. */
static void
sinkfail(struct tiles_result *res, int rc, const char *doing)
{
	res->sink = 1;
	snprintf(res->doing, sizeof(res->doing), "%s", doing);
	whatf(res, "%s: %s", doing, custos_strerror(rc));
}

int
tile_path(int level, uint64_t n, unsigned width, char *buf, size_t bufsz)
{
	char digits[32], *p;
	size_t len, off;
	int k;

	if (level < TILE_ENTRIES || level > 63 || width == 0 ||
	    width > TILE_WIDTH)
		return CUSTOS_ERR_INVALID;
	if (level == TILE_ENTRIES)
		k = snprintf(buf, bufsz, "tile/entries/");
	else
		k = snprintf(buf, bufsz, "tile/%d/", level);
	if (k < 0 || (size_t)k >= bufsz)
		return CUSTOS_ERR_TOOBIG;
	off = (size_t)k;
	/* The index in groups of three digits, zero-padded to a multiple
	 * of three, every group but the last with an "x". */
	len = (size_t)snprintf(digits, sizeof(digits), "%llu",
	    (unsigned long long)n);
	p = digits;
	if (len % 3 != 0) {
		memmove(digits + 3 - len % 3, digits, len + 1);
		memset(digits, '0', 3 - len % 3);
		len += 3 - len % 3;
	}
	for (; len > 3; p += 3, len -= 3) {
		k = snprintf(buf + off, bufsz - off, "x%.3s/", p);
		if (k < 0 || (size_t)k >= bufsz - off)
			return CUSTOS_ERR_TOOBIG;
		off += (size_t)k;
	}
	if (width == TILE_WIDTH)
		k = snprintf(buf + off, bufsz - off, "%.3s", p);
	else
		k = snprintf(buf + off, bufsz - off, "%.3s.p/%u", p, width);
	if (k < 0 || (size_t)k >= bufsz - off)
		return CUSTOS_ERR_TOOBIG;
	return 0;
}

static int
put(const struct tiles_sink *s, struct tiles_result *res, const char *path,
    const void *data, size_t len)
{
	char doing[TILE_PATH_MAX + 16];
	int rc;

	if ((rc = s->put(s->arg, path, data, len)) != 0) {
		snprintf(doing, sizeof(doing), "writing %s", path);
		sinkfail(res, rc, doing);
		return rc;
	}
	res->bytes += len;
	return 0;
}

/* Writes hash tile n of level, width hashes wide. */
static int
write_tile(struct log *l, const struct tiles_sink *s, struct tiles_result *res,
    int level, uint64_t n, unsigned width)
{
	uint8_t data[TILE_WIDTH][DIGEST_LEN];
	char path[TILE_PATH_MAX];
	unsigned i;
	int rc;

	if ((rc = tile_path(level, n, width, path, sizeof(path))) != 0) {
		whatf(res, "tile %d/%llu: %s", level, (unsigned long long)n,
		    custos_strerror(rc));
		return rc;
	}
	for (i = 0; i < width; i++) {
		if ((rc = log_node_read(l, (unsigned)(TILE_HEIGHT * level),
		    n * TILE_WIDTH + i, data[i])) != 0) {
			whatf(res, "reading the tree node (%d, %llu) of %s: %s",
			    TILE_HEIGHT * level,
			    (unsigned long long)(n * TILE_WIDTH + i), path,
			    custos_strerror(rc));
			return rc;
		}
	}
	if ((rc = put(s, res, path, data, (size_t)width * DIGEST_LEN)) != 0)
		return rc;
	res->tiles++;
	return 0;
}

struct bundle {
	uint8_t		*buf;
	size_t		 len;
	size_t		 cap;
};

static int
bundle_add(void *arg, uint64_t index, const uint8_t *data, size_t len)
{
	struct bundle *b = arg;
	uint8_t *nbuf;
	size_t cap;

	(void)index;
	if (len > TILE_MAX_ENTRY)
		return CUSTOS_ERR_TOOBIG;
	if (b->cap - b->len < 2 + len) {
		cap = b->cap ? b->cap : 64 * 1024;
		while (cap - b->len < 2 + len)
			cap *= 2;
		if ((nbuf = realloc(b->buf, cap)) == NULL)
			return CUSTOS_ERR_NOMEM;
		b->buf = nbuf;
		b->cap = cap;
	}
	b->buf[b->len++] = (uint8_t)(len >> 8);
	b->buf[b->len++] = (uint8_t)len;
	memcpy(b->buf + b->len, data, len);
	b->len += len;
	return 0;
}

/* Writes entry bundle n, width entries wide. */
static int
write_bundle(struct log *l, const struct tiles_sink *s,
    struct tiles_result *res, struct bundle *b, uint64_t n, unsigned width)
{
	char path[TILE_PATH_MAX];
	int rc;

	if ((rc = tile_path(TILE_ENTRIES, n, width, path, sizeof(path))) != 0) {
		whatf(res, "entry bundle %llu: %s", (unsigned long long)n,
		    custos_strerror(rc));
		return rc;
	}
	b->len = 0;
	if ((rc = log_scan(l, n * TILE_WIDTH, n * TILE_WIDTH + width,
	    bundle_add, b)) != 0) {
		whatf(res, "reading the entries of %s: %s", path,
		    custos_strerror(rc));
		return rc;
	}
	if ((rc = put(s, res, path, b->buf, b->len)) != 0)
		return rc;
	res->bundles++;
	return 0;
}

struct precheck {
	struct log		*l;
	struct tiles_result	*res;
};

/*
 * Refuses, before anything is written, an entry the format cannot hold
 * or that does not hash to its stored leaf (a bundle must hash to its
 * level-0 tile, or a mirror would reject the whole publication).
 */
static int
precheck_one(void *arg, uint64_t index, const uint8_t *data, size_t len)
{
	struct precheck *p = arg;
	uint8_t leaf[DIGEST_LEN], stored[DIGEST_LEN];
	int rc;

	p->res->bad_index = index;
	if (len > TILE_MAX_ENTRY) {
		whatf(p->res, "entry %llu is %zu bytes: a tlog-tiles entry "
		    "bundle holds entries of at most %d bytes (a uint16 "
		    "length prefix)", (unsigned long long)index, len,
		    TILE_MAX_ENTRY);
		return CUSTOS_ERR_TOOBIG;
	}
	if ((rc = merkle_leaf_hash(log_alg(p->l), data, len, leaf)) != 0 ||
	    (rc = log_node_read(p->l, 0, index, stored)) != 0) {
		whatf(p->res, "leaf hash of entry %llu: %s",
		    (unsigned long long)index, custos_strerror(rc));
		return rc;
	}
	if (memcmp(leaf, stored, DIGEST_LEN) != 0) {
		whatf(p->res, "entry %llu does not hash to its stored leaf",
		    (unsigned long long)index);
		return CUSTOS_ERR_CORRUPT;
	}
	return 0;
}

/*
 * Writes the tiles of one level (TILE_ENTRIES: the entry bundles) whose
 * level holds count hashes now and held oldcount before: the full tiles
 * from the one oldcount was in, and the new partial tile unless nothing
 * changed on the level.
 */
static int
write_level(struct log *l, const struct tiles_sink *s,
    struct tiles_result *res, struct bundle *b, int level, uint64_t oldcount,
    uint64_t count)
{
	uint64_t n;
	unsigned w;
	int rc;

	if (oldcount == count)
		return 0;
	for (n = oldcount / TILE_WIDTH; n < count / TILE_WIDTH; n++) {
		rc = level == TILE_ENTRIES ?
		    write_bundle(l, s, res, b, n, TILE_WIDTH) :
		    write_tile(l, s, res, level, n, TILE_WIDTH);
		if (rc != 0)
			return rc;
	}
	if ((w = (unsigned)(count % TILE_WIDTH)) == 0)
		return 0;
	return level == TILE_ENTRIES ? write_bundle(l, s, res, b, n, w) :
	    write_tile(l, s, res, level, n, w);
}

int
tiles_write(struct log *l, uint64_t old, uint64_t size,
    const struct tiles_sink *s, struct tiles_result *res)
{
	struct precheck pc = { l, res };
	struct bundle b = { NULL, 0, 0 };
	uint64_t start;
	unsigned shift;
	int level, rc;

	if (old > size || size > log_size(l)) {
		whatf(res, "tree sizes %llu to %llu: the log holds %llu "
		    "entries", (unsigned long long)old,
		    (unsigned long long)size, (unsigned long long)log_size(l));
		return CUSTOS_ERR_RANGE;
	}
	start = old / TILE_WIDTH * TILE_WIDTH;
	if ((rc = log_scan(l, start, size, precheck_one, &pc)) != 0) {
		if (res->what[0] == '\0')
			whatf(res, "reading entries %llu to %llu: %s",
			    (unsigned long long)start,
			    (unsigned long long)size, custos_strerror(rc));
		return rc;
	}
	res->bad_index = 0;
	rc = write_level(l, s, res, &b, TILE_ENTRIES, old, size);
	/* At most 8 levels: a shift of 64 bits would be undefined. */
	for (level = 0; rc == 0 && TILE_HEIGHT * level < 64 &&
	    (size >> (TILE_HEIGHT * level)) > 0; level++) {
		shift = TILE_HEIGHT * (unsigned)level;
		rc = write_level(l, s, res, &b, level, old >> shift,
		    size >> shift);
	}
	free(b.buf);
	return rc;
}

/* The checkpoint the destination holds: its note bytes and its parsed
 * body, or NULLs when it holds none. */
struct published {
	uint8_t			*note;
	size_t			 len;
	struct checkpoint	*cp;
};

static int
read_published(const struct tiles_sink *s, struct tiles_result *res,
    struct published *p)
{
	struct note *n = NULL;
	const char *text;
	size_t tlen;
	int rc;

	rc = s->get(s->arg, "checkpoint", NOTE_MAX_SIZE, &p->note, &p->len);
	if (rc == CUSTOS_ERR_NOTFOUND)
		return 0;
	if (rc != 0) {
		sinkfail(res, rc, "reading the published checkpoint");
		return rc;
	}
	if ((rc = note_parse((const char *)p->note, p->len, &n)) == 0) {
		text = note_text(n, &tlen);
		rc = ckpt_parse(text, tlen, &p->cp);
		note_free(n);
	}
	if (rc != 0) {
		whatf(res, "the published checkpoint does not parse: %s",
		    custos_strerror(rc));
		return rc == CUSTOS_ERR_NOMEM ? rc : CUSTOS_ERR_VERIFY;
	}
	return 0;
}

/*
 * Checks that the published checkpoint pub belongs to the log whose
 * checkpoint cur is to be published: same origin, not newer, and the
 * same root as the log's tree at its size.
 */
static int
check_published(struct log *l, const struct published *pub,
    const struct checkpoint *cur, struct tiles_result *res)
{
	uint8_t root[DIGEST_LEN];
	int rc;

	if (strcmp(pub->cp->origin, cur->origin) != 0) {
		whatf(res, "the published checkpoint is of the log \"%s\", "
		    "not \"%s\"", pub->cp->origin, cur->origin);
		return CUSTOS_ERR_VERIFY;
	}
	if (pub->cp->size > cur->size) {
		whatf(res, "the published checkpoint has tree size %llu, "
		    "newer than the one to publish (%llu)",
		    (unsigned long long)pub->cp->size,
		    (unsigned long long)cur->size);
		return CUSTOS_ERR_RANGE;
	}
	if ((rc = log_root(l, pub->cp->size, root)) != 0) {
		whatf(res, "root of tree size %llu: %s",
		    (unsigned long long)pub->cp->size, custos_strerror(rc));
		return rc;
	}
	if (memcmp(root, pub->cp->root, DIGEST_LEN) != 0) {
		whatf(res, "the published checkpoint of tree size %llu has "
		    "another root than this log's tree of that size: a fork",
		    (unsigned long long)pub->cp->size);
		return CUSTOS_ERR_VERIFY;
	}
	return 0;
}

/* Parses the body of the stored checkpoint note. */
static int
parse_stored(const char *note, size_t len, struct checkpoint **cp,
    struct tiles_result *res)
{
	struct note *n;
	const char *text;
	size_t tlen;
	int rc;

	if ((rc = note_parse(note, len, &n)) == 0) {
		text = note_text(n, &tlen);
		rc = ckpt_parse(text, tlen, cp);
		note_free(n);
	}
	if (rc != 0) {
		whatf(res, "the log's latest checkpoint: %s",
		    custos_strerror(rc));
		return rc == CUSTOS_ERR_NOMEM ? rc : CUSTOS_ERR_CORRUPT;
	}
	return 0;
}

/*
 * Writes checkpoint.tsr (the stored token of size) or removes a stale
 * one, and sets res->timestamp.  *same is set when the destination
 * already holds exactly that token.
 */
static int
publish_token(struct log *l, const struct tiles_sink *s, uint64_t size,
    struct tiles_result *res, int dry, int *same)
{
	uint8_t *tsr = NULL, *old = NULL;
	size_t len, oldlen;
	int rc;

	*same = 0;
	rc = log_timestamp_get(l, size, &tsr, &len);
	if (rc != 0 && rc != CUSTOS_ERR_NOTFOUND) {
		whatf(res, "timestamp of tree size %llu: %s",
		    (unsigned long long)size, custos_strerror(rc));
		return rc;
	}
	res->timestamp = rc == 0;
	rc = s->get(s->arg, "checkpoint.tsr", TSA_MAX_REPLY, &old, &oldlen);
	if (rc != 0 && rc != CUSTOS_ERR_NOTFOUND) {
		sinkfail(res, rc, "reading the published checkpoint.tsr");
		free(tsr);
		return rc;
	}
	*same = tsr == NULL ? old == NULL : (old != NULL && oldlen == len &&
	    memcmp(old, tsr, len) == 0);
	free(old);
	rc = 0;
	if (!dry && !*same) {
		if (tsr != NULL)
			rc = put(s, res, "checkpoint.tsr", tsr, len);
		else if ((rc = s->remove(s->arg, "checkpoint.tsr")) != 0)
			sinkfail(res, rc, "removing the stale checkpoint.tsr");
	}
	free(tsr);
	return rc;
}

/*
 * The checkpoint as published: the note the station signed with the
 * witnesses' cosignature lines stored for it appended (c2sp.org/
 * tlog-cosignature), so a mirror gets the cosigned checkpoint.  Replaces
 * *note; 0 or an error.
 */
static int
cosigned(struct log *l, uint64_t size, char **note, size_t *len)
{
	struct log_cosig *c = NULL;
	const char **lines = NULL;
	size_t n, i, *lens = NULL, outlen;
	char *out;
	int rc;

	if ((rc = log_cosig_list(l, size, &c, &n)) != 0 || n == 0)
		return rc;
	if ((lines = calloc(n, sizeof(*lines))) == NULL ||
	    (lens = calloc(n, sizeof(*lens))) == NULL)
		rc = CUSTOS_ERR_NOMEM;
	for (i = 0; rc == 0 && i < n; i++) {
		lines[i] = c[i].line;
		lens[i] = c[i].linelen;
	}
	if (rc == 0 && (rc = note_cosig_append(*note, *len, lines, lens, n,
	    &out, &outlen)) == 0) {
		free(*note);
		*note = out;
		*len = outlen;
	}
	free(lines);
	free(lens);
	log_cosig_free(c, n);
	return rc;
}

int
tiles_publish(struct log *l, const struct tiles_sink *s, int flags,
    struct tiles_result *res)
{
	struct published pub = { NULL, 0, NULL };
	struct checkpoint *cur = NULL;
	char *note = NULL;
	uint64_t size;
	size_t len;
	int rc, same;

	memset(res, 0, sizeof(*res));
	if (flags & TILES_TIMESTAMPED) {
		if ((rc = log_timestamp_latest(l, &size)) == 0)
			rc = log_checkpoint_get(l, size, &note, &len);
	} else
		rc = log_checkpoint_latest(l, &size, &note, &len);
	if (rc != 0) {
		whatf(res, "%s", rc != CUSTOS_ERR_NOTFOUND ?
		    custos_strerror(rc) : flags & TILES_TIMESTAMPED ?
		    "no checkpoint of the log has an RFC 3161 token yet" :
		    "the log has no checkpoint yet");
		return rc;
	}
	res->size = size;
	if ((rc = cosigned(l, size, &note, &len)) != 0) {
		whatf(res, "the cosignatures of checkpoint %llu: %s",
		    (unsigned long long)size, custos_strerror(rc));
		goto out;
	}
	if ((rc = parse_stored(note, len, &cur, res)) != 0 ||
	    (rc = read_published(s, res, &pub)) != 0)
		goto out;
	if (pub.cp != NULL) {
		if ((rc = check_published(l, &pub, cur, res)) != 0)
			goto out;
		res->old_size = pub.cp->size;
		if (!(flags & TILES_ALL) && pub.len == len &&
		    memcmp(pub.note, note, len) == 0) {
			if ((rc = publish_token(l, s, size, res, 1,
			    &same)) != 0)
				goto out;
			if (same) {
				res->uptodate = 1;
				goto out;
			}
		}
	}
	if ((rc = tiles_write(l, flags & TILES_ALL ? 0 : res->old_size, size,
	    s, res)) != 0 ||
	    (rc = publish_token(l, s, size, res, 0, &same)) != 0)
		goto out;
	rc = put(s, res, "checkpoint", note, len);
out:
	if (pub.cp != NULL)
		ckpt_free(pub.cp);
	free(pub.note);
	if (cur != NULL)
		ckpt_free(cur);
	free(note);
	return rc;
}
