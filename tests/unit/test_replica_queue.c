/*
 * Tests for lib/replica/queue.c on real SQLite files: logs built with
 * lib/log/log.c from entries as the daemon writes them, the queue synced
 * and queried: oldest first, backoff (next try), confirmation, stats,
 * objects disposed of before and after confirmation, a sealed-again
 * object, a rebuilt view that queues everything again but keeps every
 * confirmation, read-only opens and corrupt entries.
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

#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/replica.h"

#include "fixture.h"

/* The object "sha256:<hex>" of the bytes of s. */
static void
object_of(const char *s, char str[DIGEST_STRLEN])
{
	uint8_t raw[DIGEST_LEN];

	assert_int_equal(digest_buf(DIGEST_SHA256, s, strlen(s), raw), 0);
	assert_int_equal(digest_format(DIGEST_SHA256, raw, str,
	    DIGEST_STRLEN), 0);
}

static uint64_t
append(struct log *l, const char *type, const char *time, const char *obj,
    uint64_t size)
{
	char rest[512];

	snprintf(rest, sizeof(rest), ",\"object\":\"%s\",\"size\":%llu,"
	    "\"camera\":\"cam1\"", obj, (unsigned long long)size);
	return fixture_append(l, type, time, "test.example/station", rest);
}

struct env {
	struct log		*log;
	struct replica_queue	*q;
	char			 obj[4][DIGEST_STRLEN];
};

/* A log of three segments and a document, the queue synced to it. */
static void
env_open(struct fixture_station *fx, struct env *e)
{
	memset(e, 0, sizeof(*e));
	object_of("one", e->obj[0]);
	object_of("two", e->obj[1]);
	object_of("three", e->obj[2]);
	object_of("doc", e->obj[3]);
	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE,
	    &e->log), 0);
	fixture_append(e->log, ENTRY_STATION_STARTED,
	    "2026-01-01T00:00:00.000Z", "test.example/station", "");
	append(e->log, ENTRY_SEGMENT_SEALED, "2026-01-01T00:00:01.000Z",
	    e->obj[0], 100);
	append(e->log, ENTRY_SEGMENT_SEALED, "2026-01-01T00:00:02.000Z",
	    e->obj[1], 200);
	append(e->log, ENTRY_DOCUMENT_SEALED, "2026-01-01T00:00:03.000Z",
	    e->obj[3], 50);
	append(e->log, ENTRY_SEGMENT_SEALED, "2026-01-01T00:00:04.000Z",
	    e->obj[2], 300);
	assert_int_equal(replica_queue_open(fx->path, &e->q), 0);
	assert_int_equal(replica_queue_sync(e->q, e->log), 0);
}

static void
env_close(struct env *e)
{
	replica_queue_close(e->q);
	log_close(e->log);
}

static void
test_queue_order(void **state)
{
	struct replica_item it[8];
	struct replica_stats s;
	struct env e;
	int64_t next;
	size_t n;

	env_open(*state, &e);
	assert_int_equal(replica_queue_due(e.q, 0, it, 8, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(it[0].object, e.obj[0]);
	assert_string_equal(it[1].object, e.obj[1]);
	assert_string_equal(it[2].object, e.obj[3]);
	assert_string_equal(it[3].object, e.obj[2]);
	assert_int_equal(it[0].index, 1);
	assert_int_equal(it[0].size, 100);
	assert_int_equal(it[0].state, REPLICA_QUEUED);
	/* 2026-01-01T00:00:01Z */
	assert_int_equal(it[0].queued_ms, 1767225601000LL);
	assert_int_equal(replica_queue_due(e.q, 0, it, 2, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(replica_queue_stats(e.q, &s), 0);
	assert_int_equal(s.behind, 4);
	assert_int_equal(s.behind_bytes, 650);
	assert_int_equal(s.oldest_ms, 1767225601000LL);
	assert_int_equal(s.confirmed, 0);
	assert_int_equal(replica_queue_next(e.q, &next), 0);
	assert_int_equal(next, 0);
	env_close(&e);
}

static void
test_fail_and_confirm(void **state)
{
	struct replica_item it[8];
	struct replica_stats s;
	enum replica_state rs;
	uint64_t attempts;
	struct env e;
	int64_t next;
	size_t n;

	env_open(*state, &e);
	/* A failed try waits for its next one; the others go first. */
	assert_int_equal(replica_queue_fail(e.q, e.obj[0], 5000,
	    "server down"), 0);
	assert_int_equal(replica_queue_fail(e.q, e.obj[0], 7000,
	    "HTTP 403 SignatureDoesNotMatch"), 0);
	assert_int_equal(replica_queue_attempts(e.q, e.obj[0], &attempts), 0);
	assert_int_equal(attempts, 2);
	assert_int_equal(replica_queue_due(e.q, 6000, it, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(it[0].object, e.obj[1]);
	assert_int_equal(replica_queue_due(e.q, 7000, it, 8, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(it[0].object, e.obj[0]);
	assert_int_equal(it[0].attempts, 2);
	assert_int_equal(it[0].next_ms, 7000);
	assert_string_equal(it[0].error, "HTTP 403 SignatureDoesNotMatch");
	assert_int_equal(replica_queue_stats(e.q, &s), 0);
	assert_int_equal(s.failing, 1);
	assert_string_equal(s.error, "HTTP 403 SignatureDoesNotMatch");
	/* A start makes it due at once, its attempts kept. */
	assert_int_equal(replica_queue_rearm(e.q), 0);
	assert_int_equal(replica_queue_due(e.q, 0, it, 8, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(it[0].object, e.obj[0]);
	assert_int_equal(it[0].attempts, 2);

	/* Confirmed: out of the queue, its tries forgotten. */
	assert_int_equal(replica_queue_confirm(e.q, e.obj[0], 9000, "\"abc\"",
	    100), 0);
	assert_int_equal(replica_queue_confirm(e.q, e.obj[0], 9999, NULL,
	    100), 0);
	assert_int_equal(replica_queue_state(e.q, e.obj[0], &rs), 0);
	assert_int_equal(rs, REPLICA_CONFIRMED);
	assert_int_equal(replica_queue_attempts(e.q, e.obj[0], &attempts), 0);
	assert_int_equal(attempts, 0);
	assert_int_equal(replica_queue_stats(e.q, &s), 0);
	assert_int_equal(s.behind, 3);
	assert_int_equal(s.behind_bytes, 550);
	assert_int_equal(s.oldest_ms, 1767225602000LL);
	assert_int_equal(s.confirmed, 1);
	assert_int_equal(s.confirmed_bytes, 100);
	assert_int_equal(s.failing, 0);
	assert_string_equal(s.error, "");
	assert_int_equal(replica_queue_confirm(e.q, e.obj[1], 1, NULL, 200),
	    0);
	assert_int_equal(replica_queue_confirm(e.q, e.obj[2], 1, NULL, 300),
	    0);
	assert_int_equal(replica_queue_confirm(e.q, e.obj[3], 1, NULL, 50),
	    0);
	assert_int_equal(replica_queue_next(e.q, &next), CUSTOS_ERR_NOTFOUND);
	assert_int_equal(replica_queue_due(e.q, 0, it, 8, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(replica_queue_state(e.q, "sha256:00", &rs), 0);
	assert_int_equal(rs, REPLICA_UNKNOWN);
	env_close(&e);
}

static int
collect(void *arg, const struct replica_item *it)
{
	char (*names)[DIGEST_STRLEN + 12] = arg;
	size_t i;

	for (i = 0; names[i][0] != '\0'; i++)
		;
	snprintf(names[i], sizeof(names[i]), "%s %s",
	    replica_state_name(it->state), it->object + 7 + 60);
	return 0;
}

static void
test_deleted(void **state)
{
	struct fixture_station *fx = *state;
	char names[8][DIGEST_STRLEN + 12], want[300];
	struct replica_stats s;
	enum replica_state rs;
	struct env e;
	char rest[256];

	env_open(fx, &e);
	assert_int_equal(replica_queue_confirm(e.q, e.obj[1], 1, NULL, 200),
	    0);
	/* Disposed of before (obj 0) and after (obj 1) confirmation. */
	snprintf(rest, sizeof(rest), ",\"object\":\"%s\"", e.obj[0]);
	fixture_append(e.log, ENTRY_OBJECT_DELETED,
	    "2026-01-02T00:00:00.000Z", "test.example/station", rest);
	snprintf(rest, sizeof(rest), ",\"object\":\"%s\"", e.obj[1]);
	fixture_append(e.log, ENTRY_OBJECT_DELETED,
	    "2026-01-02T00:00:00.000Z", "test.example/station", rest);
	assert_int_equal(replica_queue_sync(e.q, e.log), 0);
	assert_int_equal(replica_queue_state(e.q, e.obj[0], &rs), 0);
	assert_int_equal(rs, REPLICA_LOST);
	assert_int_equal(replica_queue_state(e.q, e.obj[1], &rs), 0);
	assert_int_equal(rs, REPLICA_CONFIRMED);
	assert_int_equal(replica_queue_stats(e.q, &s), 0);
	assert_int_equal(s.behind, 2);
	assert_int_equal(s.lost, 1);
	memset(names, 0, sizeof(names));
	assert_int_equal(replica_queue_unconfirmed(e.q, collect, names), 0);
	snprintf(want, sizeof(want), "queued %.4s", e.obj[3] + 67);
	assert_string_equal(names[0], want);
	snprintf(want, sizeof(want), "queued %.4s", e.obj[2] + 67);
	assert_string_equal(names[1], want);
	snprintf(want, sizeof(want), "lost %.4s", e.obj[0] + 67);
	assert_string_equal(names[2], want);
	assert_string_equal(names[3], "");

	/* Sealed again: queued again, at its first entry's place. */
	append(e.log, ENTRY_SEGMENT_SEALED, "2026-01-03T00:00:00.000Z",
	    e.obj[0], 100);
	assert_int_equal(replica_queue_sync(e.q, e.log), 0);
	assert_int_equal(replica_queue_state(e.q, e.obj[0], &rs), 0);
	assert_int_equal(rs, REPLICA_QUEUED);
	assert_int_equal(replica_queue_stats(e.q, &s), 0);
	assert_int_equal(s.behind, 3);
	assert_int_equal(s.lost, 0);
	env_close(&e);
}

/* A rebuilt view queues every object again, keeps every confirmation. */
static void
test_rebuild_keeps_confirmations(void **state)
{
	struct fixture_station *fx = *state;
	struct replica_item it[8];
	struct replica_stats s;
	struct env e;
	sqlite3 *db;
	size_t n;

	env_open(fx, &e);
	assert_int_equal(replica_queue_confirm(e.q, e.obj[2], 1, "\"e\"",
	    300), 0);
	assert_int_equal(replica_queue_fail(e.q, e.obj[1], 1, "x"), 0);
	replica_queue_close(e.q);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE replica_objects;"
	    "DROP TABLE replica_state;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(replica_queue_open(fx->path, &e.q), 0);
	assert_int_equal(replica_queue_stats(e.q, &s), 0);
	assert_int_equal(s.behind, 0);
	assert_int_equal(replica_queue_sync(e.q, e.log), 0);
	assert_int_equal(replica_queue_stats(e.q, &s), 0);
	assert_int_equal(s.behind, 3);
	assert_int_equal(s.confirmed, 1);
	assert_int_equal(replica_queue_due(e.q, 0, it, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(it[0].object, e.obj[0]);
	assert_string_equal(it[1].object, e.obj[3]);
	assert_int_equal(replica_queue_due(e.q, 1, it, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(it[1].object, e.obj[1]);
	assert_int_equal(it[1].attempts, 1);
	env_close(&e);
}

static void
test_readonly_and_corrupt(void **state)
{
	struct fixture_station *fx = *state;
	struct replica_queue *ro;
	struct replica_stats s;
	struct env e;
	struct log *l;
	char obj[DIGEST_STRLEN];

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	assert_int_equal(replica_queue_open_ro(fx->path, &ro),
	    CUSTOS_ERR_NOTFOUND);
	assert_null(ro);
	log_close(l);
	env_open(fx, &e);
	assert_int_equal(replica_queue_open_ro(fx->path, &ro), 0);
	assert_int_equal(replica_queue_stats(ro, &s), 0);
	assert_int_equal(s.behind, 4);
	assert_int_not_equal(replica_queue_confirm(ro, e.obj[0], 1, NULL, 1),
	    0);
	replica_queue_close(ro);

	/* A segment in another algorithm, then one without a size: each
	 * fails the sync and keeps nothing of it. */
	object_of("four", obj);
	append(e.log, ENTRY_SEGMENT_SEALED, "2026-01-05T00:00:00.000Z",
	    e.obj[0], 1);
	fixture_append(e.log, ENTRY_SEGMENT_SEALED,
	    "2026-01-05T00:00:00.000Z", "test.example/station",
	    ",\"object\":\"sm3:00\",\"size\":1");
	assert_int_equal(replica_queue_sync(e.q, e.log), CUSTOS_ERR_CORRUPT);
	assert_int_equal(replica_queue_stats(e.q, &s), 0);
	assert_int_equal(s.behind, 4);
	env_close(&e);
	replica_queue_close(NULL);
	assert_string_equal(replica_state_name(REPLICA_LOST), "lost");
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_queue_order),
		FIXTURE_TEST(test_fail_and_confirm),
		FIXTURE_TEST(test_deleted),
		FIXTURE_TEST(test_rebuild_keeps_confirmations),
		FIXTURE_TEST(test_readonly_and_corrupt),
	};

	return FIXTURE_RUN(tests, argc, argv);
}
