/*
 * fixture: the set-up the unit tests share, so that each test file keeps
 * only what it checks.  A temporary directory per test, a station in it
 * (a log, a signer), entries appended as the daemon writes them, signed
 * checkpoints, and small helpers for hex and paths.
 *
 * Every function that cannot fail in a sound test environment checks its
 * own steps with cmocka assertions, so a broken set-up fails the test
 * that called it.  The cmocka set-up and tear-down callbacks
 * (fixture_setup(), fixture_teardown()) return -1 instead, as cmocka
 * expects of them.
 *
 * The helpers live in objects of one archive linked into every unit
 * test, each taken only by the tests that call it: fixture.c needs only
 * the C library, cmocka and enc; fixture_log.c also the log and
 * signed-note modules, so a test that uses no station does not have to
 * link a log; fixture_tree.c only merkle; fixture_entries.c the log and
 * merkle; fixture_times.c is data.
 */
#ifndef CUSTOS_TEST_FIXTURE_H
#define CUSTOS_TEST_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "custos/digest.h"
#include "custos/merkle.h"
#include "custos/sign.h"

struct log;
struct note_signer;
struct note_verifier;

/*
 * Makes a fresh directory "<TMPDIR or /tmp>/custos-<tag>-XXXXXX" and
 * writes its name to dir (size bytes).  Returns 0, or -1 with errno set
 * when the name does not fit or mkdtemp() fails.
 */
int	 fixture_dir_make(char *dir, size_t size, const char *tag);

/*
 * Removes dir and everything below it, without following symbolic
 * links.  Returns 0, or -1 if anything could not be removed.
 */
int	 fixture_dir_remove(const char *dir);

/* Writes "<dir>/<name>" to buf (size bytes); asserts that it fits. */
void	 fixture_path(char *buf, size_t size, const char *dir,
	    const char *name);

/*
 * dir/name opened for reading, or created (truncated, 0600) for reading
 * and writing; the descriptor (close-on-exec), the test failing if the
 * file cannot be opened.
 */
int	 fixture_open_in(const char *dir, const char *name);
int	 fixture_open_out(const char *dir, const char *name);

/*
 * The program of the same build that a test runs as a child, into buf
 * (size bytes): the path in the environment variable env when set, else
 * NAME beside the test's build directory (BUILD/asan/tests/test_x:
 * BUILD/asan/NAME).  Returns 0, or -1 when the test's own path is
 * unknown.
 */
int	 fixture_program(char *buf, size_t size, const char *env,
	    const char *name);

/*
 * Decodes hex, which must be exactly 2 * len hex digits, into out (len
 * bytes); asserts both.
 */
void	 fixture_unhex(const char *hex, uint8_t *out, size_t len);

/*
 * A station in a temporary directory: path is "<dir>/log.db".  log,
 * signer and v are NULL until opened, and each one that is not is
 * closed by fixture_station_free().
 */
struct fixture_station {
	char			 dir[240];
	char			 path[256];
	struct log		*log;
	struct note_signer	*signer;
	struct note_verifier	*v;
};

/*
 * Makes a station directory (see fixture_dir_make() for tag) with no log
 * yet.  Returns 0 and *out (free with fixture_station_free()), or -1.
 */
int	 fixture_station_new(const char *tag, struct fixture_station **out);

/*
 * fixture_station_new(), then the log at path created with dalg, and,
 * unless salg is 0, a freshly generated signer of salg named name with
 * its verifier.  Returns 0 and *out, or -1 having freed what it made.
 */
int	 fixture_station_open(const char *tag, enum digest_alg dalg,
	    enum sign_alg salg, const char *name,
	    struct fixture_station **out);

/* Closes what st holds, removes its directory and frees it; NULL is
 * allowed. */
void	 fixture_station_free(struct fixture_station *st);

/*
 * cmocka callbacks: fixture_setup() puts a fixture_station_new("unit")
 * station in *state, fixture_teardown() frees it.
 */
int	 fixture_setup(void **state);
int	 fixture_teardown(void **state);

/* The cmocka test f, run with a station of its own in *state. */
#define FIXTURE_TEST(f) \
	cmocka_unit_test_setup_teardown(f, fixture_setup, fixture_teardown)

/*
 * Applies the command line of a test program: a test name (or cmocka
 * pattern) as first argument runs only the tests it matches.
 */
void	 fixture_args(int argc, char **argv);

/* Runs the array tests as a test program's main() does (fixture_args()). */
#define FIXTURE_RUN(tests, argc, argv) \
	(fixture_args((argc), (argv)), \
	cmocka_run_group_tests((tests), NULL, NULL))

/*
 * Appends one entry as the daemon writes it:
 * {"type":type,"index":<the next index>,"time":time,"station":station
 * followed by rest (the payload's fields, each with a leading comma, or
 * "") and "}".  Asserts that the append succeeds at the next index and
 * returns that index.
 */
uint64_t fixture_append(struct log *l, const char *type, const char *time,
	    const char *station, const char *rest);

/*
 * Appends an officer.added entry (fixture_append()) for officer with its
 * name, unit, credential and the credential's valid_until.
 */
uint64_t fixture_officer_added(struct log *l, const char *time,
	    const char *station, const char *officer, const char *name,
	    const char *unit, const char *credential, const char *valid_until);

/*
 * Writes to *note (free it) and *len the checkpoint of (size, root) for
 * origin, signed by s.  Asserts that formatting and signing succeed.
 */
void	 fixture_checkpoint_sign(const struct note_signer *s,
	    const char *origin, uint64_t size, const uint8_t root[DIGEST_LEN],
	    char **note, size_t *len);

/*
 * Signs the checkpoint of the first size entries of l for origin with s
 * and stores it in l; asserts every step.
 */
void	 fixture_checkpoint_put(struct log *l, const struct note_signer *s,
	    const char *origin, uint64_t size);

/*
 * Generates a signer of alg named name into *s and its verifier into *v
 * (either may be freed by the caller); asserts both.
 */
void	 fixture_signer_make(const char *name, enum sign_alg alg,
	    struct note_signer **s, struct note_verifier **v);

/*
 * A Merkle tree in memory (fixture_tree.c), built by merkle.h from the
 * leaf hashes alone, to compare a log's roots and proofs with: level L
 * holds nodes (L, 0 .. len[L] - 1).  fixture_tree_read() is its
 * merkle_reader callback; it counts reads in reads and returns fail
 * instead when that is not 0.  Start from a zeroed tree with alg set.
 */
struct fixture_tree {
	enum digest_alg	  alg;
	uint64_t	  n;		/* leaves */
	uint8_t		(*lv[MERKLE_MAX_LEVELS])[DIGEST_LEN];
	uint64_t	  len[MERKLE_MAX_LEVELS];
	uint64_t	  cap[MERKLE_MAX_LEVELS];
	unsigned long	  reads;
	int		  fail;
};

int	 fixture_tree_read(void *arg, unsigned level, uint64_t index,
	    uint8_t out[DIGEST_LEN]);

/*
 * Appends the leaf hash leaf with merkle_append() and stores the nodes it
 * completes; asserts that it gives each level's nodes in order, one per
 * trailing one bit of the leaf count, reading one left sibling for each.
 */
void	 fixture_tree_append(struct fixture_tree *t,
	    const uint8_t leaf[DIGEST_LEN]);

/* fixture_tree_append() of the leaf hash of data (len bytes). */
void	 fixture_tree_append_data(struct fixture_tree *t, const void *data,
	    size_t len);

/* Frees what t holds and zeroes it. */
void	 fixture_tree_free(struct fixture_tree *t);

/*
 * Leaf data i of the Merkle tests' generated trees, "custos leaf <i>",
 * written to buf (bufsz bytes); returns its length.
 */
size_t	 fixture_leaf_data(uint64_t i, char *buf, size_t bufsz);

/*
 * The number of bits of n (0 for 0): the height the tests bound a
 * tree's node reads by.
 */
unsigned fixture_bitlen(uint64_t n);

/*
 * RFC 3339 times (fixture_times.c), each list ending in a NULL text:
 * fixture_times, what a parser must read them as (known answers from
 * Python's datetime); fixture_bad_times, what it must refuse;
 * fixture_formatted, how a formatter writes those times.
 */
struct fixture_time {
	const char	*text;
	int64_t		 ms;
};

extern const struct fixture_time fixture_times[];
extern const char *const fixture_bad_times[];
extern const struct fixture_time fixture_formatted[];

/*
 * Numbered log entries (fixture_entries.c), as the log tests append
 * them.  fixture_entry() writes entry i, JSON-like text of a length that
 * varies with i, to buf (bufsz bytes, at least 256) and returns its
 * length.
 */
size_t	 fixture_entry(uint64_t i, char *buf, size_t bufsz);

/*
 * Appends entries first .. first + n - 1 as one batch to l, and to t
 * unless it is NULL; asserts that they land at first with the leaf
 * hashes log_append() reports.
 */
void	 fixture_entries_append(struct log *l, struct fixture_tree *t,
	    uint64_t first, size_t n);

/*
 * The row id of node (level, index) in a log's nodes table: its position
 * in the order appends store nodes (leaf n, then the subtrees leaf n
 * completes, lowest first).  Counted out append by append, so that it
 * does not share the closed form log.c computes it with.
 */
uint64_t fixture_node_id(unsigned level, uint64_t index);

#endif
