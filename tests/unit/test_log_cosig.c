/*
 * Tests for lib/log/log_cosig.c (the cosignatures table) and
 * lib/log/note_cosig.c (a checkpoint note with and without cosignature
 * lines), on a real SQLite log with checkpoints signed by a real key and
 * cosignatures made by lib/log/cosig_sign.c; and for the [witness NAME]
 * sections of the config (lib/base/config_witness.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "custos/config.h"
#include "custos/cosig.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/note.h"
#include "custos/note_cosig.h"

#include "fixture.h"

#define NAME	"test.example/station"
#define WNAME	"witness.example/w1"

static int
setup(void **state)
{
	struct fixture_station *st;
	uint64_t i;

	if (fixture_station_open("cosig", DIGEST_SHA256, SIGN_ED25519, NAME,
	    &st) != 0)
		return -1;
	for (i = 0; i < 5; i++)
		fixture_append(st->log, "test", "2026-01-01T00:00:00.000Z",
		    NAME, "");
	fixture_checkpoint_put(st->log, st->signer, NAME, 3);
	fixture_checkpoint_put(st->log, st->signer, NAME, 5);
	*state = st;
	return 0;
}

static int
teardown(void **state)
{
	fixture_station_free(*state);
	return 0;
}

/* Runs sql on the log file through a connection of its own: the result. */
static int
raw_sql(const char *path, const char *sql)
{
	sqlite3 *db;
	int rc;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

/* A cosignature line of a fresh witness key over the checkpoint's text. */
static char *
cosign(const char *note, size_t len, const char *wname, uint64_t ts,
    struct cosig_verifier **v, size_t *linelen)
{
	struct cosig_signer *s;
	struct note *n;
	const char *text;
	size_t tlen;
	char *line;

	assert_int_equal(cosig_signer_generate(wname, &s), 0);
	if (v != NULL)
		assert_int_equal(cosig_signer_verifier(s, v), 0);
	assert_int_equal(note_parse(note, len, &n), 0);
	text = note_text(n, &tlen);
	assert_int_equal(cosig_sign(s, text, tlen, ts, &line, linelen), 0);
	note_free(n);
	cosig_signer_free(s);
	return line;
}

static void
test_put_list_latest(void **state)
{
	struct fixture_station *st = *state;
	struct log_cosig *cs;
	char *note, *line;
	size_t len, llen, n;
	uint64_t size, time;

	assert_int_equal(log_cosig_latest(st->log, WNAME, &size, &time),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(log_cosig_list(st->log, 5, &cs, &n), 0);
	assert_int_equal(n, 0);
	assert_null(cs);
	assert_int_equal(log_checkpoint_get(st->log, 3, &note, &len), 0);
	line = cosign(note, len, WNAME, 1767225600, NULL, &llen);
	assert_int_equal(log_cosig_put(st->log, 3, WNAME, line, llen,
	    1767225600), 0);
	assert_int_equal(log_cosig_put(st->log, 3, WNAME, line, llen,
	    1767225600), CUSTOS_ERR_EXISTS);
	/* No checkpoint of size 4, none beyond the log. */
	assert_int_equal(log_cosig_put(st->log, 4, WNAME, line, llen, 1),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(log_cosig_put(st->log, 9, WNAME, line, llen, 1),
	    CUSTOS_ERR_NOTFOUND);
	/* A line must end in a newline. */
	assert_int_equal(log_cosig_put(st->log, 5, WNAME, line, llen - 1, 1),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(log_cosig_list(st->log, 3, &cs, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(cs[0].witness, WNAME);
	assert_int_equal(cs[0].size, 3);
	assert_int_equal(cs[0].time, 1767225600);
	assert_int_equal(cs[0].linelen, llen);
	assert_memory_equal(cs[0].line, line, llen);
	log_cosig_free(cs, n);
	assert_int_equal(log_cosig_latest(st->log, WNAME, &size, &time), 0);
	assert_int_equal(size, 3);
	assert_int_equal(time, 1767225600);
	assert_int_equal(log_cosig_latest(st->log, "other.example/w", &size,
	    NULL), CUSTOS_ERR_NOTFOUND);
	/* The table is append-only, like the others. */
	assert_int_not_equal(raw_sql(st->path,
	    "UPDATE cosignatures SET time = 1"), 0);
	free(line);
	free(note);
}

static void
test_note_append_strip(void **state)
{
	struct fixture_station *st = *state;
	struct cosig_verifier *v;
	struct note *n;
	const char *lines[2];
	size_t lens[2], len, olen, slen;
	char *note, *out, *own, *l1, *l2;
	uint64_t ts;

	assert_int_equal(log_checkpoint_get(st->log, 5, &note, &len), 0);
	l1 = cosign(note, len, WNAME, 1767225601, &v, &lens[0]);
	l2 = cosign(note, len, "witness.example/w2", 1767225602, NULL,
	    &lens[1]);
	lines[0] = l1;
	lines[1] = l2;
	assert_int_equal(note_cosig_append(note, len, lines, lens, 2, &out,
	    &olen), 0);
	assert_int_equal(olen, len + lens[0] + lens[1]);
	/* Still a note of the station key, now with the witness's line. */
	assert_int_equal(note_parse(out, olen, &n), 0);
	assert_int_equal(note_nsigs(n), 3);
	assert_int_equal(note_verify(n, st->v), 0);
	assert_int_equal(cosig_verify_note(n, v, &ts), 0);
	assert_int_equal(ts, 1767225601);
	note_free(n);
	/* Without the other keys' lines: the note as the station signed it. */
	assert_int_equal(note_cosig_station(out, olen, st->v, &own, &slen), 0);
	assert_int_equal(slen, len);
	assert_memory_equal(own, note, len);
	free(own);
	/* A note without the station's line has nothing to keep. */
	assert_int_equal(note_cosig_station(l1, lens[0], st->v, &own, &slen),
	    CUSTOS_ERR_FORMAT);
	/* What is not one signature line is refused. */
	lines[0] = "not a signature line\n";
	lens[0] = strlen(lines[0]);
	assert_int_equal(note_cosig_append(note, len, lines, lens, 1, &own,
	    &slen), CUSTOS_ERR_FORMAT);
	lines[0] = "\xe2\x80\x94 a b\n\xe2\x80\x94 c d\n";
	lens[0] = strlen(lines[0]);
	assert_int_equal(note_cosig_append(note, len, lines, lens, 1, &own,
	    &slen), CUSTOS_ERR_FORMAT);
	cosig_verifier_free(v);
	free(out);
	free(l1);
	free(l2);
	free(note);
}

static void
test_config_witness(void **state)
{
	static const char head[] = "[station]\nname = s.example/a\n"
	    "calendar_dir = none\n";
	struct config *c;
	char buf[1024], err[512];
	static const struct {
		const char	*text;
		const char	*err;	/* NULL: loads */
	} cases[] = {
		{ "[witness w.example/w1]\nurl = https://w.example/\n"
		    "key = w1.vkey\n[witness w2]\nurl = http://127.0.0.1:9\n"
		    "key = /k/w2.vkey\n", NULL },
		{ "[witness w.example/w1]\nurl = https://w.example\n",
		    "t.conf:4: [witness w.example/w1] key: required" },
		{ "[witness w.example/w1]\nkey = k\n",
		    "t.conf:4: [witness w.example/w1] url: required" },
		{ "[witness w+1]\nurl = http://a\nkey = k\n",
		    "t.conf:4: [witness w+1]: witness name must be a key name" },
		{ "[witness w1]\nurl = ftp://a\nkey = k\n",
		    "t.conf:5: [witness w1] url: expected an http:// or "
		    "https:// URL" },
		{ "[witness w1]\nurl = http://a?x=1\nkey = k\n",
		    "t.conf:5: [witness w1] url: expected" },
		{ "[witness w1]\nurl = http://a\nurl = http://b\nkey = k\n",
		    "t.conf:6: [witness w1] url: duplicate key" },
		{ "[witness w1]\nurl = http://a\nkey = k\nport = 1\n",
		    "t.conf:7: [witness w1] port: unknown key" },
		{ "[witness w1]\nurl = http://a\nkey = k\n[witness w1]\n",
		    "t.conf:7: [witness w1]: duplicate section" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "%s%s", head, cases[i].text);
		err[0] = '\0';
		if (cases[i].err == NULL) {
			assert_int_equal(config_parse(buf, strlen(buf),
			    "/etc/custos/t.conf", &c, err, sizeof(err)), 0);
			assert_int_equal(c->nwitness, 2);
			assert_string_equal(c->witness[0].name,
			    "w.example/w1");
			assert_string_equal(c->witness[0].url,
			    "https://w.example");
			assert_string_equal(c->witness[0].key,
			    "/etc/custos/w1.vkey");
			assert_string_equal(c->witness[1].url,
			    "http://127.0.0.1:9");
			assert_string_equal(c->witness[1].key, "/k/w2.vkey");
			config_free(c);
			continue;
		}
		assert_int_equal(config_parse(buf, strlen(buf), "t.conf", &c,
		    err, sizeof(err)), CUSTOS_ERR_CONFIG);
		assert_null(c);
		if (strncmp(err, cases[i].err, strlen(cases[i].err)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s...\"", i,
			    err, cases[i].err);
	}
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_put_list_latest, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_note_append_strip, setup,
		    teardown),
		cmocka_unit_test(test_config_witness),
	};

	return FIXTURE_RUN(tests, argc, argv);
}
