/*
 * test_tiles: C2SP tlog-tiles paths and the publication of a log as
 * tiles (tiles.h) into a directory: the files, their bytes checked
 * against the log's own leaves, nodes and roots, incremental publication,
 * entries too big for a bundle, a destination holding a fork, the sm
 * profile and the RFC 3161 token beside the checkpoint.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "custos/digest.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "custos/sign.h"
#include "custos/tiles.h"
#include "custos/util.h"
#include "fixture.h"

#define ORIGIN	"unit.example/tiles"

static void
path_is(int level, uint64_t n, unsigned width, const char *want)
{
	char buf[TILE_PATH_MAX];

	assert_int_equal(tile_path(level, n, width, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
}

static void
test_paths(void **state)
{
	char buf[TILE_PATH_MAX];

	(void)state;
	/* The spec's example, and Go's tlog.Tile.Path without the height. */
	path_is(0, 1234067, TILE_WIDTH, "tile/0/x001/x234/067");
	path_is(4, 1234067, 1, "tile/4/x001/x234/067.p/1");
	path_is(TILE_ENTRIES, 1234067, 8, "tile/entries/x001/x234/067.p/8");
	path_is(0, 0, TILE_WIDTH, "tile/0/000");
	path_is(1, 0, 1, "tile/1/000.p/1");
	path_is(0, 1, 44, "tile/0/001.p/44");
	path_is(0, 999, 255, "tile/0/999.p/255");
	path_is(2, 1000, TILE_WIDTH, "tile/2/x001/000");
	path_is(TILE_ENTRIES, 123456789, TILE_WIDTH,
	    "tile/entries/x123/x456/789");
	path_is(63, UINT64_MAX, 255,
	    "tile/63/x018/x446/x744/x073/x709/x551/615.p/255");
	path_is(TILE_ENTRIES, UINT64_MAX, 255,
	    "tile/entries/x018/x446/x744/x073/x709/x551/615.p/255");
	assert_int_equal(tile_path(0, 0, 0, buf, sizeof(buf)),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(tile_path(0, 0, 257, buf, sizeof(buf)),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(tile_path(64, 0, 1, buf, sizeof(buf)),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(tile_path(-2, 0, 1, buf, sizeof(buf)),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(tile_path(0, 1234067, TILE_WIDTH, buf, 20),
	    CUSTOS_ERR_TOOBIG);
}

/* A directory sink that counts (and lists) the files written. */
struct counting {
	struct tiles_dir	 d;
	struct tiles_sink	 inner;
	char			 paths[64][TILE_PATH_MAX];
	unsigned		 n;
};

static int
count_put(void *arg, const char *path, const void *data, size_t len)
{
	struct counting *c = arg;

	if (c->n < 64)
		snprintf(c->paths[c->n], TILE_PATH_MAX, "%s", path);
	c->n++;
	return c->inner.put(c->inner.arg, path, data, len);
}

static int
count_get(void *arg, const char *path, size_t max, uint8_t **data,
    size_t *len)
{
	struct counting *c = arg;

	return c->inner.get(c->inner.arg, path, max, data, len);
}

static int
count_remove(void *arg, const char *path)
{
	struct counting *c = arg;

	return c->inner.remove(c->inner.arg, path);
}

static void
sink_make(struct counting *c, const char *dir, struct tiles_sink *s)
{
	memset(c, 0, sizeof(*c));
	assert_int_equal(tiles_dir_sink(&c->d, dir, &c->inner), 0);
	s->put = count_put;
	s->get = count_get;
	s->remove = count_remove;
	s->arg = c;
}

/* Reads dir/name into a new *buf; returns its length, asserts it exists. */
static size_t
slurp(const char *dir, const char *name, char **buf)
{
	char path[512];
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (util_read_file(path, 32 << 20, buf, &len) != 0)
		fail_msg("cannot read %s", path);
	return len;
}

static int
exists(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/*
 * Checks that level-0 tile n of width w holds the leaves, and that its
 * entry bundle holds the entries, of the log.
 */
static void
check_level0(struct log *l, const char *dir, uint64_t n, unsigned w)
{
	char path[TILE_PATH_MAX], *buf;
	uint8_t leaf[DIGEST_LEN], *entry;
	size_t len, elen, off = 0;
	unsigned i;

	assert_int_equal(tile_path(0, n, w, path, sizeof(path)), 0);
	len = slurp(dir, path, &buf);
	assert_int_equal(len, (size_t)w * DIGEST_LEN);
	for (i = 0; i < w; i++) {
		assert_int_equal(log_leaf(l, n * TILE_WIDTH + i, leaf), 0);
		assert_memory_equal(buf + i * DIGEST_LEN, leaf, DIGEST_LEN);
	}
	free(buf);
	assert_int_equal(tile_path(TILE_ENTRIES, n, w, path, sizeof(path)),
	    0);
	len = slurp(dir, path, &buf);
	for (i = 0; i < w; i++) {
		assert_int_equal(log_entry(l, n * TILE_WIDTH + i, &entry,
		    &elen), 0);
		assert_true(off + 2 + elen <= len);
		assert_int_equal(((uint8_t)buf[off] << 8) |
		    (uint8_t)buf[off + 1], elen);
		assert_memory_equal(buf + off + 2, entry, elen);
		off += 2 + elen;
		free(entry);
	}
	assert_int_equal(off, len);
	free(buf);
}

/* The root of the w hashes of a tile, as the tile above holds it. */
static void
tile_root(enum digest_alg alg, const char *buf, unsigned w,
    uint8_t out[DIGEST_LEN])
{
	struct merkle_stream m;
	unsigned i;

	merkle_stream_init(&m, alg);
	for (i = 0; i < w; i++)
		assert_int_equal(merkle_stream_append(&m,
		    (const uint8_t *)buf + i * DIGEST_LEN), 0);
	assert_int_equal(merkle_stream_root(&m, out), 0);
}

static void
grow(struct fixture_station *st, uint64_t to)
{
	uint64_t n = log_size(st->log);

	fixture_entries_append(st->log, NULL, n, (size_t)(to - n));
	fixture_checkpoint_put(st->log, st->signer, ORIGIN, to);
}

static void
publish_ok(struct fixture_station *st, const char *dir, struct counting *c,
    struct tiles_result *res)
{
	struct tiles_sink s;
	int rc;

	sink_make(c, dir, &s);
	if ((rc = tiles_publish(st->log, &s, 0, res)) != 0)
		fail_msg("tiles_publish: %s: %s", custos_strerror(rc),
		    res->what);
}

/*
 * A tree of 300 entries, then of 600: the files of each, their bytes,
 * and the root the tiles hash to; the second publication writes only
 * what changed and keeps the old partial tiles.
 */
static void
test_publish_twice(void **state)
{
	struct fixture_station *st;
	struct tiles_result res;
	struct counting *c = malloc(sizeof(*c));
	char dir[512], *buf, *cp, *note;
	uint8_t h8[DIGEST_LEN], rest[DIGEST_LEN], root[DIGEST_LEN];
	uint64_t size;
	size_t len, nlen;

	(void)state;
	assert_non_null(c);
	assert_int_equal(fixture_station_open("tiles", DIGEST_SHA256,
	    SIGN_ED25519, ORIGIN, &st), 0);
	snprintf(dir, sizeof(dir), "%s/pub", st->dir);
	grow(st, 300);
	publish_ok(st, dir, c, &res);
	assert_int_equal(res.old_size, 0);
	assert_int_equal(res.size, 300);
	assert_int_equal(res.tiles, 3);
	assert_int_equal(res.bundles, 2);
	assert_false(res.timestamp);
	assert_int_equal(c->n, 6);
	assert_string_equal(c->paths[5], "checkpoint");
	check_level0(st->log, dir, 0, TILE_WIDTH);
	check_level0(st->log, dir, 1, 44);
	/* The level-1 partial tile holds the root of the full tile below. */
	assert_int_equal(slurp(dir, "tile/0/000", &buf), 8192);
	tile_root(DIGEST_SHA256, buf, TILE_WIDTH, h8);
	free(buf);
	assert_int_equal(slurp(dir, "tile/1/000.p/1", &buf), DIGEST_LEN);
	assert_memory_equal(buf, h8, DIGEST_LEN);
	free(buf);
	/* And the tiles give the checkpoint's root. */
	assert_int_equal(slurp(dir, "tile/0/001.p/44", &buf), 44 * DIGEST_LEN);
	tile_root(DIGEST_SHA256, buf, 44, rest);
	free(buf);
	assert_int_equal(merkle_node_hash(DIGEST_SHA256, h8, rest, root), 0);
	assert_int_equal(log_root(st->log, 300, h8), 0);
	assert_memory_equal(root, h8, DIGEST_LEN);
	len = slurp(dir, "checkpoint", &cp);
	assert_int_equal(log_checkpoint_latest(st->log, &size, &note, &nlen),
	    0);
	assert_int_equal(len, nlen);
	assert_memory_equal(cp, note, len);
	free(cp);
	free(note);

	grow(st, 600);
	publish_ok(st, dir, c, &res);
	assert_int_equal(res.old_size, 300);
	assert_int_equal(res.size, 600);
	assert_int_equal(res.tiles, 3);
	assert_int_equal(res.bundles, 2);
	assert_int_equal(c->n, 6);
	assert_string_equal(c->paths[0], "tile/entries/001");
	assert_string_equal(c->paths[1], "tile/entries/002.p/88");
	assert_string_equal(c->paths[2], "tile/0/001");
	assert_string_equal(c->paths[3], "tile/0/002.p/88");
	assert_string_equal(c->paths[4], "tile/1/000.p/2");
	assert_string_equal(c->paths[5], "checkpoint");
	check_level0(st->log, dir, 1, TILE_WIDTH);
	check_level0(st->log, dir, 2, 88);
	/* The partial tiles of 300 stay for clients of that checkpoint. */
	assert_true(exists(dir, "tile/0/001.p/44"));
	assert_true(exists(dir, "tile/1/000.p/1"));
	assert_true(exists(dir, "tile/entries/001.p/44"));

	/* Nothing new: nothing written. */
	publish_ok(st, dir, c, &res);
	assert_true(res.uptodate);
	assert_int_equal(c->n, 0);
	free(c);
	fixture_station_free(st);
}

/*
 * The log takes entries up to LOG_MAX_ENTRY, an entry bundle only up to
 * 65535 bytes: publishing refuses and writes nothing at all.
 */
static void
test_too_big(void **state)
{
	struct fixture_station *st;
	struct tiles_result res;
	struct tiles_dir d;
	struct tiles_sink s;
	char dir[512], *big;
	const void *ents[1];
	size_t lens[1];
	uint64_t first;

	(void)state;
	assert_int_equal(fixture_station_open("tiles", DIGEST_SHA256,
	    SIGN_ED25519, ORIGIN, &st), 0);
	fixture_entries_append(st->log, NULL, 0, 3);
	assert_non_null(big = malloc(TILE_MAX_ENTRY + 1));
	memset(big, 'x', TILE_MAX_ENTRY + 1);
	ents[0] = big;
	lens[0] = TILE_MAX_ENTRY + 1;
	assert_int_equal(log_append(st->log, ents, lens, 1, &first, NULL), 0);
	free(big);
	fixture_checkpoint_put(st->log, st->signer, ORIGIN, 4);
	snprintf(dir, sizeof(dir), "%s/pub", st->dir);
	assert_int_equal(tiles_dir_sink(&d, dir, &s), 0);
	assert_int_equal(tiles_publish(st->log, &s, 0, &res),
	    CUSTOS_ERR_TOOBIG);
	assert_int_equal(res.bad_index, 3);
	assert_non_null(strstr(res.what, "entry 3 is 65536 bytes"));
	assert_non_null(strstr(res.what, "at most 65535"));
	assert_false(exists(dir, "checkpoint"));
	assert_false(exists(dir, "tile"));
	fixture_station_free(st);
}

/* A destination holding another log of the same name is refused. */
static void
test_fork(void **state)
{
	struct fixture_station *a, *b;
	struct tiles_result res;
	struct tiles_dir d;
	struct tiles_sink s;
	char dir[512];
	const void *ents[1] = { "{\"other\":1}" };
	size_t lens[1] = { 11 };
	uint64_t first;

	(void)state;
	assert_int_equal(fixture_station_open("tiles", DIGEST_SHA256,
	    SIGN_ED25519, ORIGIN, &a), 0);
	assert_int_equal(fixture_station_open("tiles", DIGEST_SHA256,
	    SIGN_ED25519, ORIGIN, &b), 0);
	grow(a, 5);
	assert_int_equal(log_append(b->log, ents, lens, 1, &first, NULL), 0);
	grow(b, 9);
	snprintf(dir, sizeof(dir), "%s/pub", a->dir);
	assert_int_equal(tiles_dir_sink(&d, dir, &s), 0);
	assert_int_equal(tiles_publish(a->log, &s, 0, &res), 0);
	assert_int_equal(tiles_publish(b->log, &s, 0, &res),
	    CUSTOS_ERR_VERIFY);
	assert_non_null(strstr(res.what, "a fork"));
	/* And a destination ahead of the log. */
	grow(a, 20);
	assert_int_equal(tiles_publish(a->log, &s, 0, &res), 0);
	fixture_station_free(b);
	assert_int_equal(fixture_station_open("tiles", DIGEST_SHA256,
	    SIGN_ED25519, ORIGIN, &b), 0);
	grow(b, 9);
	assert_int_equal(tiles_publish(b->log, &s, 0, &res),
	    CUSTOS_ERR_RANGE);
	assert_non_null(strstr(res.what, "tree size 20"));
	fixture_station_free(a);
	fixture_station_free(b);
}

/* The sm profile: the tiles hold SM3 hashes, the log's own leaves. */
static void
test_sm(void **state)
{
	struct fixture_station *st;
	struct tiles_result res;
	struct counting *c = malloc(sizeof(*c));
	char dir[512], *buf;
	uint8_t h8[DIGEST_LEN], rest[DIGEST_LEN], root[DIGEST_LEN];
	uint8_t want[DIGEST_LEN];

	(void)state;
	assert_non_null(c);
	assert_int_equal(fixture_station_open("tiles", DIGEST_SM3, SIGN_SM2,
	    ORIGIN, &st), 0);
	snprintf(dir, sizeof(dir), "%s/pub", st->dir);
	grow(st, 260);
	publish_ok(st, dir, c, &res);
	check_level0(st->log, dir, 0, TILE_WIDTH);
	check_level0(st->log, dir, 1, 4);
	assert_int_equal(slurp(dir, "tile/0/000", &buf), 8192);
	tile_root(DIGEST_SM3, buf, TILE_WIDTH, h8);
	free(buf);
	assert_int_equal(slurp(dir, "tile/0/001.p/4", &buf), 4 * DIGEST_LEN);
	tile_root(DIGEST_SM3, buf, 4, rest);
	free(buf);
	assert_int_equal(merkle_node_hash(DIGEST_SM3, h8, rest, root), 0);
	assert_int_equal(log_root(st->log, 260, want), 0);
	assert_memory_equal(root, want, DIGEST_LEN);
	free(c);
	fixture_station_free(st);
}

/*
 * checkpoint.tsr is the stored token of the published checkpoint: with
 * TILES_TIMESTAMPED the newest checkpoint that has one is published; a
 * newer checkpoint without one removes the stale token, and a token
 * stored later for it is published on the next run.
 */
static void
test_token(void **state)
{
	static const uint8_t tsr[] = "not parsed: a stand-in token";
	struct fixture_station *st;
	struct tiles_result res;
	struct tiles_sink s;
	struct counting *c = malloc(sizeof(*c));
	char dir[512], *buf;

	(void)state;
	assert_non_null(c);
	assert_int_equal(fixture_station_open("tiles", DIGEST_SHA256,
	    SIGN_ED25519, ORIGIN, &st), 0);
	snprintf(dir, sizeof(dir), "%s/pub", st->dir);
	grow(st, 10);
	sink_make(c, dir, &s);
	assert_int_equal(tiles_publish(st->log, &s, TILES_TIMESTAMPED, &res),
	    CUSTOS_ERR_NOTFOUND);
	assert_non_null(strstr(res.what, "no checkpoint of the log has an "
	    "RFC 3161 token"));
	assert_int_equal(c->n, 0);
	assert_int_equal(log_timestamp_put(st->log, 10, tsr, sizeof(tsr)),
	    0);
	grow(st, 12);
	sink_make(c, dir, &s);
	assert_int_equal(tiles_publish(st->log, &s, TILES_TIMESTAMPED, &res),
	    0);
	assert_int_equal(res.size, 10);
	assert_true(res.timestamp);
	assert_int_equal(slurp(dir, "checkpoint.tsr", &buf), sizeof(tsr));
	assert_memory_equal(buf, tsr, sizeof(tsr));
	free(buf);
	assert_string_equal(c->paths[c->n - 2], "checkpoint.tsr");
	assert_string_equal(c->paths[c->n - 1], "checkpoint");

	publish_ok(st, dir, c, &res);
	assert_int_equal(res.size, 12);
	assert_false(res.timestamp);
	assert_false(exists(dir, "checkpoint.tsr"));

	assert_int_equal(log_timestamp_put(st->log, 12, tsr, sizeof(tsr)),
	    0);
	publish_ok(st, dir, c, &res);
	assert_false(res.uptodate);
	assert_true(res.timestamp);
	assert_int_equal(res.tiles + res.bundles, 0);
	assert_true(exists(dir, "checkpoint.tsr"));
	publish_ok(st, dir, c, &res);
	assert_true(res.uptodate);
	free(c);
	fixture_station_free(st);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_publish_twice),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_fork),
		cmocka_unit_test(test_sm),
		cmocka_unit_test(test_token),
	};

	return FIXTURE_RUN(tests, argc, argv);
}
