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
#include "custos/lifecycle.h"
#include "custos/log.h"
#include "custos/registry.h"

#include "fixture.h"

/* Appends an entry as the daemon writes it, with rest after "station". */
static void
append(struct log *l, const char *type, const char *time, const char *rest)
{
	fixture_append(l, type, time, "t", rest);
}

#define T0	"2026-03-02T01:00:00.000Z"
#define T1	"2026-03-05T02:30:00.000Z"
#define USCC	"91350100M000100Y43"

static void
fill(struct log *l)
{
	append(l, ENTRY_STATION_STARTED, T0, "");
	fixture_officer_added(l, T0, "t", "PA-2", "张伟", "执法支队", "C-2",
	    "2026-06-30");
	fixture_officer_added(l, T0, "t", "PA-1", "李娜", "执法支队", "C-1",
	    "2027-12-31");
	append(l, ENTRY_ENTERPRISE_ADDED, T0, ",\"enterprise\":\"" USCC "\","
	    "\"name\":\"福州某化工有限公司\",\"industry\":\"化工\","
	    "\"risk\":\"yellow\"");
	/* A second add of the same officer: the first entry wins. */
	fixture_officer_added(l, T1, "t", "PA-1", "冒名", "x", "x", "2099-12-31");
	append(l, ENTRY_ENTERPRISE_RISK, T1, ",\"enterprise\":\"" USCC "\","
	    "\"risk\":\"red\"");
}

static void
check_contents(struct registry *r)
{
	struct registry_officer *o, *os;
	struct registry_enterprise *e;
	struct registry_risk *h;
	size_t n;

	assert_int_equal(registry_officer(r, "PA-1", &o), 0);
	assert_string_equal(o->name, "李娜");
	assert_string_equal(o->credential, "C-1");
	assert_string_equal(o->valid_until, "2027-12-31");
	assert_int_equal(o->index, 2);
	registry_officer_free(o);
	assert_int_equal(registry_officer(r, "PA-9", &o), CUSTOS_ERR_NOTFOUND);
	assert_null(o);
	assert_int_equal(registry_officers(r, &os, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(os[0].id, "PA-1");
	assert_string_equal(os[1].id, "PA-2");
	registry_officers_free(os, n);
	assert_int_equal(registry_enterprise(r, USCC, &e), 0);
	assert_string_equal(e->name, "福州某化工有限公司");
	assert_null(e->address);
	assert_string_equal(e->industry, "化工");
	assert_string_equal(e->risk, "red");
	assert_int_equal(e->index, 3);
	registry_enterprise_free(e);
	assert_int_equal(registry_risk_history(r, USCC, &h, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(h[0].risk, "yellow");
	assert_string_equal(h[0].since, T0);
	assert_string_equal(h[1].risk, "red");
	assert_string_equal(h[1].since, T1);
	assert_int_equal(h[1].index, 5);
	registry_risks_free(h, n);
}

/* Runs sql on the station's database file. */
static void
exec_sql(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
test_sync_and_rebuild(void **state)
{
	struct fixture_station *fx = *state;
	struct registry *r;
	struct log *l;

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	fill(l);
	assert_int_equal(registry_open(fx->path, &r), 0);
	assert_int_equal(registry_synced(r), 0);
	assert_int_equal(registry_sync(r, l), 0);
	assert_int_equal(registry_synced(r), 6);
	check_contents(r);
	registry_close(r);
	/* Dropping every table loses nothing: the log rebuilds them. */
	exec_sql(fx->path, "DROP TABLE officers; DROP TABLE enterprises; "
	    "DROP TABLE risk_history; DROP TABLE registry_state");
	assert_int_equal(registry_open(fx->path, &r), 0);
	assert_int_equal(registry_sync(r, l), 0);
	check_contents(r);
	registry_close(r);
	log_close(l);
}

#define INS	"INS-20260305-0001"

/* The leaf hash of entry index, computed here from its bytes. */
static void
leaf_of(struct log *l, uint64_t index, char *hex, size_t len)
{
	uint8_t *data, *buf, h[DIGEST_LEN];
	size_t n;

	assert_int_equal(log_entry(l, index, &data, &n), 0);
	assert_non_null(buf = malloc(n + 1));
	buf[0] = 0x00;
	memcpy(buf + 1, data, n);
	assert_int_equal(digest_buf(DIGEST_SHA256, buf, n + 1, h), 0);
	assert_int_equal(digest_format(DIGEST_SHA256, h, hex, len), 0);
	free(buf);
	free(data);
}

static void
fill_inspections(struct log *l)
{
	char prev[DIGEST_STRLEN], rest[512];

	append(l, ENTRY_DEVICE_REGISTERED, T0, ",\"camera\":\"DR-1\","
	    "\"kind\":\"drone\",\"model\":\"M30T\"");		/* 6 */
	append(l, ENTRY_CAMERA_ASSIGNED, T0, ",\"camera\":\"CAM-1\","
	    "\"officer\":\"PA-1\",\"from\":\"2026-03-01T00:00:00.000Z\"");
	append(l, ENTRY_CAMERA_ASSIGNED, T0, ",\"camera\":\"CAM-1\","
	    "\"officer\":\"PA-2\",\"from\":\"2026-03-04T00:00:00.000Z\"");
	append(l, ENTRY_INSPECTION_REGISTERED, T1, ",\"inspection\":\""
	    INS "\",\"enterprise\":\"" USCC "\",\"officers\":[\"PA-1\",\"PA-2\"],"
	    "\"basis\":\"安全生产法\",\"content\":\"检查\","
	    "\"method\":\"onsite\"");				/* 9 */
	leaf_of(l, 9, prev, sizeof(prev));
	snprintf(rest, sizeof(rest), ",\"inspection\":\"" INS "\","
	    "\"inspection_prev\":\"%s\",\"at\":\"%s\"", prev, T1);
	append(l, ENTRY_INSPECTION_ENTERED, T1, rest);		/* 10 */
	append(l, ENTRY_INSPECTION_EMERGENCY, T1, ",\"inspection\":"
	    "\"INS-20260305-0002\",\"enterprise\":\"" USCC "\",\"officers\":"
	    "[\"PA-1\",\"PA-2\"],\"method\":\"onsite\",\"at\":\"" T1 "\","
	    "\"backfill_due\":\"2026-03-06T16:00:00.000Z\"");	/* 11 */
	leaf_of(l, 10, prev, sizeof(prev));
	snprintf(rest, sizeof(rest), ",\"inspection\":\"" INS "\","
	    "\"inspection_prev\":\"%s\",\"result\":\"合格\","
	    "\"deadline\":\"2026-04-01\"", prev);
	append(l, ENTRY_INSPECTION_CLOSED, T1, rest);		/* 12 */
	append(l, ENTRY_INSPECTION_BACKFILLED, T1, ",\"inspection\":"
	    "\"INS-20260305-0002\",\"basis\":\"b\",\"content\":\"c\","
	    "\"late\":true");					/* 13 */
}

static void
check_inspections(struct registry *r, struct log *l)
{
	struct registry_inspection *i, *all;
	struct registry_chain_entry *c;
	struct registry_device *d;
	char hex[DIGEST_STRLEN], *who;
	uint64_t cnt;
	size_t n;

	assert_int_equal(registry_device(r, "DR-1", &d), 0);
	assert_string_equal(d->kind, "drone");
	assert_string_equal(d->model, "M30T");
	assert_null(d->review);
	registry_device_free(d);
	/* A camera first seen in an assignment is a body camera. */
	assert_int_equal(registry_device(r, "CAM-1", &d), 0);
	assert_string_equal(d->kind, "body");
	assert_int_equal(d->index, 7);
	registry_device_free(d);
	assert_int_equal(registry_camera_officer(r, "CAM-1",
	    "2026-03-02T00:00:00.000Z", &who), 0);
	assert_string_equal(who, "PA-1");
	free(who);
	assert_int_equal(registry_camera_officer(r, "CAM-1",
	    "2026-03-04T00:00:00.000Z", &who), 0);
	assert_string_equal(who, "PA-2");
	free(who);
	assert_int_equal(registry_camera_officer(r, "CAM-1",
	    "2026-02-28T00:00:00.000Z", &who), CUSTOS_ERR_NOTFOUND);

	assert_int_equal(registry_inspection(r, INS, &i), 0);
	assert_string_equal(i->state, "closed");
	assert_string_equal(i->officers, "[\"PA-1\",\"PA-2\"]");
	assert_string_equal(i->basis, "安全生产法");
	assert_string_equal(i->entered_at, T1);
	assert_string_equal(i->closed_at, T1);
	assert_string_equal(i->result, "合格");
	assert_string_equal(i->deadline, "2026-04-01");
	assert_null(i->left_at);
	assert_false(i->emergency);
	assert_int_equal(i->index, 9);
	assert_int_equal(i->last_index, 12);
	leaf_of(l, 12, hex, sizeof(hex));
	assert_string_equal(i->last_leaf, hex);
	registry_inspection_free(i);
	assert_int_equal(registry_inspection_chain(r, INS, &c, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(c[0].index, 9);
	assert_string_equal(c[1].type, "inspection.entered");
	assert_int_equal(c[2].index, 12);
	registry_chain_free(c, n);

	assert_int_equal(registry_inspections(r, &all, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(all[1].id, "INS-20260305-0002");
	assert_true(all[1].emergency);
	assert_string_equal(all[1].state, "entered");
	assert_null(all[1].backfill_due_unknown);
	assert_string_equal(all[1].backfill_due, "2026-03-06T16:00:00.000Z");
	assert_true(all[1].backfilled);
	assert_true(all[1].backfill_late);
	assert_string_equal(all[1].content, "c");
	registry_inspections_free(all, n);
	assert_int_equal(registry_inspections_on(r, "INS-20260305-", &cnt), 0);
	assert_int_equal(cnt, 2);
	assert_int_equal(registry_inspections_on(r, "INS-20260306-", &cnt), 0);
	assert_int_equal(cnt, 0);
	assert_int_equal(registry_inspection(r, "INS-20260305-0003", &i),
	    CUSTOS_ERR_NOTFOUND);
}

static void
test_inspections(void **state)
{
	struct fixture_station *fx = *state;
	struct registry *r;
	struct log *l;
	size_t n;
	struct registry_chain_entry *c;

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	fill(l);
	fill_inspections(l);
	assert_int_equal(registry_open(fx->path, &r), 0);
	assert_int_equal(registry_sync(r, l), 0);
	check_inspections(r, l);
	registry_close(r);
	/*
	 * Applying the whole log again (synced_to lost, tables kept) changes
	 * nothing: no assignment or chain entry counts twice.
	 */
	exec_sql(fx->path, "DROP TABLE registry_state");
	assert_int_equal(registry_open(fx->path, &r), 0);
	assert_int_equal(registry_sync(r, l), 0);
	check_inspections(r, l);
	assert_int_equal(registry_inspection_chain(r, INS, &c, &n), 0);
	assert_int_equal(n, 3);
	registry_chain_free(c, n);
	registry_close(r);
	log_close(l);
}

#define T2	"2026-03-09T03:00:00.000Z"
#define INS_J	",\"inspection\":\"" INS "\""

/*
 * After the visit of INS (closed, entry 12): a review, the decision, two
 * credit-repair applications and the answer to the first.
 */
static void
fill_procedure(struct log *l)
{
	append(l, ENTRY_REVIEW_RECORDED, T2, INS_J ",\"reviewer\":\"PA-9\","
	    "\"result\":\"approved\",\"note\":\"同意\"");	/* 14 */
	append(l, ENTRY_DECISION_SERVED, T2, INS_J ",\"number\":"
	    "\"闽应急罚〔2026〕7号\",\"penalty\":\"罚款一万元\",\"at\":\""
	    T2 "\"");						/* 15 */
	append(l, ENTRY_CREDIT_REPAIR_APPLIED, T2, INS_J ",\"at\":\"" T2
	    "\",\"text\":\"申请信用修复\",\"due\":"
	    "\"2026-03-12T16:00:00.000Z\"");			/* 16 */
	append(l, ENTRY_CREDIT_REPAIR_APPLIED, T2, INS_J ",\"at\":\"" T2
	    "\",\"text\":\"再次申请\",\"due_unknown\":\"calendar does "
	    "not cover 2027-01-01\"");				/* 17 */
	append(l, ENTRY_CREDIT_REPAIR_ANSWERED, T2, INS_J ",\"application\":"
	    "16,\"result\":\"granted\",\"at\":\"" T2 "\",\"late\":false");
	/* A second decision: the first one stands. */
	append(l, ENTRY_DECISION_SERVED, T2, INS_J ",\"number\":\"x\","
	    "\"penalty\":\"y\",\"at\":\"" T2 "\",\"credit_notice\":\"z\"");
}

static void
check_procedure(struct registry *r)
{
	struct registry_inspection *i;
	struct registry_decision *d;
	struct registry_credit_repair *c;
	struct registry_review *v;
	size_t n;

	assert_int_equal(registry_inspection(r, INS, &i), 0);
	assert_true(i->lifecycle.decided);
	assert_int_equal(i->lifecycle.credit_pending, 1);
	assert_int_equal(i->lifecycle.state, LIFECYCLE_CLOSED);
	registry_inspection_free(i);
	assert_int_equal(registry_decision(r, INS, &d), 0);
	assert_string_equal(d->number, "闽应急罚〔2026〕7号");
	assert_string_equal(d->penalty, "罚款一万元");
	assert_string_equal(d->at, T2);
	assert_null(d->credit_notice);
	assert_int_equal(d->index, 15);
	registry_decision_free(d);
	assert_int_equal(registry_decision(r, "INS-20260305-0002", &d),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(registry_credit_repairs(r, INS, &c, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(c[0].index, 16);
	assert_string_equal(c[0].text, "申请信用修复");
	assert_string_equal(c[0].due, "2026-03-12T16:00:00.000Z");
	assert_true(c[0].answered);
	assert_int_equal(c[0].answer_index, 18);
	assert_string_equal(c[0].result, "granted");
	assert_string_equal(c[0].answered_at, T2);
	assert_false(c[0].late);
	assert_null(c[0].note);
	assert_int_equal(c[1].index, 17);
	assert_null(c[1].due);
	assert_string_equal(c[1].due_unknown,
	    "calendar does not cover 2027-01-01");
	assert_false(c[1].answered);
	assert_null(c[1].result);
	registry_credit_repairs_free(c, n);
	assert_int_equal(registry_reviews(r, INS, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].index, 14);
	assert_string_equal(v[0].reviewer, "PA-9");
	assert_string_equal(v[0].result, "approved");
	assert_string_equal(v[0].note, "同意");
	assert_string_equal(v[0].time, T2);
	registry_reviews_free(v, n);
}

/* A log with the inspections and the steps after the visit. */
static struct log *
procedure_log(const char *path)
{
	struct log *l;

	assert_int_equal(log_open(path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	fill(l);
	fill_inspections(l);
	fill_procedure(l);
	return l;
}

/* Opens the registry, applies l and checks the steps after the visit. */
static void
sync_check(const char *path, struct log *l)
{
	struct registry *r;

	assert_int_equal(registry_open(path, &r), 0);
	assert_int_equal(registry_sync(r, l), 0);
	check_procedure(r);
	registry_close(r);
}

/*
 * The steps after the visit, and the lifecycle flags they set, come back
 * the same from the log alone: after dropping every table, and after
 * applying the log again over the tables kept.
 */
static void
test_procedure(void **state)
{
	struct fixture_station *fx = *state;
	struct log *l = procedure_log(fx->path);

	sync_check(fx->path, l);
	exec_sql(fx->path, "DROP TABLE registry_state");
	sync_check(fx->path, l);
	exec_sql(fx->path, "DROP TABLE registry_state; "
	    "DROP TABLE inspections; DROP TABLE inspection_entries; "
	    "DROP TABLE reviews; DROP TABLE decisions; "
	    "DROP TABLE credit_repairs");
	sync_check(fx->path, l);
	log_close(l);
}

/*
 * A registry made before the lifecycle had its decision flags is rebuilt
 * from the log: its reviews were applied before their table existed.
 */
static void
test_upgrade(void **state)
{
	struct fixture_station *fx = *state;
	struct log *l = procedure_log(fx->path);
	struct registry *r;

	assert_int_equal(registry_open(fx->path, &r), 0);
	assert_int_equal(registry_sync(r, l), 0);
	registry_close(r);
	/* As the old version left it: no flags, no tables of its own. */
	exec_sql(fx->path, "ALTER TABLE inspections DROP "
	    "COLUMN decided; ALTER TABLE inspections DROP COLUMN "
	    "credit_pending; DROP TABLE reviews; DROP TABLE decisions; "
	    "DROP TABLE credit_repairs");
	/* Read-only, it is not ready until the daemon upgrades it. */
	assert_int_equal(registry_open_ro(fx->path, &r), CUSTOS_ERR_NOTFOUND);
	assert_int_equal(registry_open(fx->path, &r), 0);
	assert_int_equal(registry_synced(r), 0);
	assert_int_equal(registry_sync(r, l), 0);
	check_procedure(r);
	check_contents(r);
	registry_close(r);
	log_close(l);
}

static void
test_valid_on(void **state)
{
	struct fixture_station *fx = *state;
	struct registry *r;
	struct log *l;

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	fill(l);
	assert_int_equal(registry_open(fx->path, &r), 0);
	assert_int_equal(registry_sync(r, l), 0);
	assert_int_equal(registry_officer_valid_on(r, "PA-2", "2026-06-30"), 0);
	assert_int_equal(registry_officer_valid_on(r, "PA-2", "2026-07-01"),
	    CUSTOS_ERR_RANGE);
	assert_int_equal(registry_officer_valid_on(r, "PA-9", "2026-01-01"),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(registry_officer_valid_on(r, "PA-2", "2026-6-30"),
	    CUSTOS_ERR_FORMAT);
	registry_close(r);
	log_close(l);
}

static void
test_corrupt(void **state)
{
	struct fixture_station *fx = *state;
	struct registry *r;
	struct log *l;
	size_t n;
	struct registry_officer *os;

	assert_int_equal(log_open(fx->path, DIGEST_SHA256, LOG_CREATE, &l), 0);
	append(l, ENTRY_OFFICER_ADDED, T0, ",\"officer\":\"PA-1\",\"name\":"
	    "\"x\",\"unit\":\"u\",\"credential\":\"c\"");
	assert_int_equal(registry_open(fx->path, &r), 0);
	assert_int_equal(registry_sync(r, l), CUSTOS_ERR_CORRUPT);
	/* The failed sync applied nothing. */
	assert_int_equal(registry_synced(r), 0);
	assert_int_equal(registry_officers(r, &os, &n), 0);
	assert_int_equal(n, 0);
	registry_officers_free(os, n);
	registry_close(r);
	log_close(l);
}

static void
test_checks(void **state)
{
	(void)state;
	assert_int_equal(registry_check_officer_id("PA-0001"), 0);
	assert_int_equal(registry_check_officer_id(""), CUSTOS_ERR_FORMAT);
	assert_int_equal(registry_check_officer_id("PA_1"), CUSTOS_ERR_FORMAT);
	assert_int_equal(registry_check_officer_id(
	    "123456789012345678901234567890123"), CUSTOS_ERR_FORMAT);
	assert_int_equal(registry_check_officer_id(
	    "12345678901234567890123456789012"), 0);
	assert_int_equal(registry_check_date("2028-02-29"), 0);
	assert_int_equal(registry_check_date("2000-02-29"), 0);
	assert_int_equal(registry_check_date("2100-02-29"), CUSTOS_ERR_FORMAT);
	assert_int_equal(registry_check_date("2026-02-29"), CUSTOS_ERR_FORMAT);
	assert_int_equal(registry_check_date("2026-04-31"), CUSTOS_ERR_FORMAT);
	assert_int_equal(registry_check_date("2026-13-01"), CUSTOS_ERR_FORMAT);
	assert_int_equal(registry_check_date("2026-1-01"), CUSTOS_ERR_FORMAT);
	assert_int_equal(registry_check_date("2026-01-01T"), CUSTOS_ERR_FORMAT);
	assert_int_equal(registry_check_risk("red"), 0);
	assert_int_equal(registry_check_risk("green"), 0);
	assert_int_equal(registry_check_risk("Red"), CUSTOS_ERR_FORMAT);
	assert_int_equal(registry_check_risk("orange"), CUSTOS_ERR_FORMAT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_sync_and_rebuild),
		FIXTURE_TEST(test_valid_on),
		FIXTURE_TEST(test_inspections),
		FIXTURE_TEST(test_procedure),
		FIXTURE_TEST(test_upgrade),
		FIXTURE_TEST(test_corrupt),
		cmocka_unit_test(test_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
