/*
 * The unit tests' shared stations: a log and a signer in a temporary
 * directory, entries appended as the daemon writes them, and signed
 * checkpoints (fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "custos/ckpt.h"
#include "custos/entry_type.h"
#include "custos/log.h"
#include "custos/note.h"
#include "custos/note_sign.h"
#include "fixture.h"

int
fixture_station_new(const char *tag, struct fixture_station **out)
{
	struct fixture_station *st;
	int n;

	*out = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return -1;
	if (fixture_dir_make(st->dir, sizeof(st->dir), tag) != 0) {
		free(st);
		return -1;
	}
	n = snprintf(st->path, sizeof(st->path), "%s/log.db", st->dir);
	if (n < 0 || (size_t)n >= sizeof(st->path)) {
		fixture_station_free(st);
		return -1;
	}
	*out = st;
	return 0;
}

int
fixture_station_open(const char *tag, enum digest_alg dalg,
    enum sign_alg salg, const char *name, struct fixture_station **out)
{
	struct fixture_station *st;

	if (fixture_station_new(tag, &st) != 0)
		return -1;
	if (log_open(st->path, dalg, LOG_CREATE, &st->log) != 0 ||
	    (salg != 0 &&
	    (note_signer_generate(name, salg, &st->signer) != 0 ||
	    note_signer_verifier(st->signer, &st->v) != 0))) {
		fixture_station_free(st);
		return -1;
	}
	*out = st;
	return 0;
}

void
fixture_station_free(struct fixture_station *st)
{
	if (st == NULL)
		return;
	log_close(st->log);
	note_signer_free(st->signer);
	note_verifier_free(st->v);
	(void)fixture_dir_remove(st->dir);
	free(st);
}

int
fixture_setup(void **state)
{
	struct fixture_station *st;

	if (fixture_station_new("unit", &st) != 0)
		return -1;
	*state = st;
	return 0;
}

int
fixture_teardown(void **state)
{
	fixture_station_free(*state);
	*state = NULL;
	return 0;
}

uint64_t
fixture_append(struct log *l, const char *type, const char *time,
    const char *station, const char *rest)
{
	uint64_t index = log_size(l), got;
	const void *p;
	char *buf;
	size_t len;
	int n;

	n = asprintf(&buf, "{\"type\":\"%s\",\"index\":%llu,\"time\":\"%s\","
	    "\"station\":\"%s\"%s}", type, (unsigned long long)index, time,
	    station, rest);
	assert_true(n > 0);
	p = buf;
	len = (size_t)n;
	assert_int_equal(log_append(l, &p, &len, 1, &got, NULL), 0);
	assert_int_equal(got, index);
	free(buf);
	return index;
}

uint64_t
fixture_officer_added(struct log *l, const char *time, const char *station,
    const char *officer, const char *name, const char *unit,
    const char *credential, const char *valid_until)
{
	uint64_t index;
	char *rest;

	assert_true(asprintf(&rest, ",\"officer\":\"%s\",\"name\":\"%s\","
	    "\"unit\":\"%s\",\"credential\":\"%s\",\"valid_until\":\"%s\"",
	    officer, name, unit, credential, valid_until) > 0);
	index = fixture_append(l, ENTRY_OFFICER_ADDED, time, station, rest);
	free(rest);
	return index;
}

void
fixture_checkpoint_sign(const struct note_signer *s, const char *origin,
    uint64_t size, const uint8_t root[DIGEST_LEN], char **note, size_t *len)
{
	char *body;
	size_t blen;

	assert_int_equal(ckpt_format(origin, size, root, NULL, 0, &body,
	    &blen), 0);
	assert_int_equal(note_sign(body, blen, s, note, len), 0);
	free(body);
}

void
fixture_checkpoint_put(struct log *l, const struct note_signer *s,
    const char *origin, uint64_t size)
{
	uint8_t root[DIGEST_LEN];
	char *note;
	size_t len;

	assert_int_equal(log_root(l, size, root), 0);
	fixture_checkpoint_sign(s, origin, size, root, &note, &len);
	assert_int_equal(log_checkpoint_put(l, size, note, len), 0);
	free(note);
}

void
fixture_signer_make(const char *name, enum sign_alg alg,
    struct note_signer **s, struct note_verifier **v)
{
	assert_int_equal(note_signer_generate(name, alg, s), 0);
	assert_int_equal(note_signer_verifier(*s, v), 0);
}
