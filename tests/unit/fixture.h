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
 * The helpers live in two objects of one archive linked into every unit
 * test: fixture.c needs only the C library, cmocka and enc, and
 * fixture_log.c also the log and signed-note modules, so a test that
 * uses no station does not have to link a log.
 */
#ifndef CUSTOS_TEST_FIXTURE_H
#define CUSTOS_TEST_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "custos/digest.h"
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
 * Appends one entry as the daemon writes it:
 * {"type":type,"index":<the next index>,"time":time,"station":station
 * followed by rest (the payload's fields, each with a leading comma, or
 * "") and "}".  Asserts that the append succeeds at the next index and
 * returns that index.
 */
uint64_t fixture_append(struct log *l, const char *type, const char *time,
	    const char *station, const char *rest);

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

#endif
