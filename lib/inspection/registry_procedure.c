/*
 * registry_procedure: what follows an inspection's visit, derived from
 * the log into tables beside it (docs/inspection.md, "Lifecycle"): the
 * legal reviews, the penalty decision served and the credit-repair
 * applications with their answers.
 *
 *	review.recorded		a row in reviews
 *	decision.served		the inspection's row in decisions (the
 *				first one wins)
 *	credit_repair.applied	a row in credit_repairs
 *	credit_repair.answered	fills in the answer of the application
 *				its "application" names, unless that one
 *				is answered already (the first answer wins)
 *
 * registry_inspect.c hands these steps here after the lifecycle has
 * moved the inspection's flags (decided, credit_pending); nothing here
 * calls back.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>
#include <sqlite3.h>

#include "custos/err.h"
#include "custos/lifecycle.h"
#include "custos/registry.h"
#include "lib/base/db_int.h"
#include "lib/log/view_int.h"
#include "registry_int.h"

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS reviews (idx INTEGER PRIMARY KEY,"
	"    inspection TEXT NOT NULL, reviewer TEXT NOT NULL,"
	"    result TEXT NOT NULL, note TEXT, time TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS reviews_inspection"
	"    ON reviews (inspection, idx);"
	"CREATE TABLE IF NOT EXISTS decisions (inspection TEXT PRIMARY KEY,"
	"    number TEXT NOT NULL, penalty TEXT NOT NULL, at TEXT NOT NULL,"
	"    credit_notice TEXT, idx INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS credit_repairs (idx INTEGER PRIMARY KEY,"
	"    inspection TEXT NOT NULL, at TEXT NOT NULL, text TEXT NOT NULL,"
	"    due TEXT, due_unknown TEXT, answer_idx INTEGER, result TEXT,"
	"    note TEXT, answered_at TEXT, late INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX IF NOT EXISTS credit_repairs_inspection"
	"    ON credit_repairs (inspection, idx);";

int
registry_procedure_schema(sqlite3 *db)
{
	return db_exec(db, schema_sql);
}

static const char *
get_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int
apply_review(sqlite3 *db, uint64_t index, const char *id, json_t *e)
{
	const char *reviewer = get_str(e, "reviewer"), *result = get_str(e,
	    "result"), *time = get_str(e, "time");

	if (reviewer == NULL || result == NULL || time == NULL)
		return CUSTOS_ERR_CORRUPT;
	return view_exec(db, "INSERT OR IGNORE INTO reviews (idx, inspection, "
	    "reviewer, result, note, time) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	    "isssss", (int64_t)index, id, reviewer, result, get_str(e, "note"),
	    time);
}

static int
apply_decision(sqlite3 *db, uint64_t index, const char *id, json_t *e)
{
	const char *number = get_str(e, "number"), *penalty = get_str(e,
	    "penalty"), *at = get_str(e, "at");

	if (number == NULL || penalty == NULL || at == NULL)
		return CUSTOS_ERR_CORRUPT;
	return view_exec(db, "INSERT OR IGNORE INTO decisions (inspection, "
	    "number, penalty, at, credit_notice, idx) VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6)", "sssssi", id, number, penalty, at, get_str(e,
	    "credit_notice"), (int64_t)index);
}

static int
apply_apply(sqlite3 *db, uint64_t index, const char *id, json_t *e)
{
	const char *at = get_str(e, "at"), *text = get_str(e, "text");

	if (at == NULL || text == NULL)
		return CUSTOS_ERR_CORRUPT;
	return view_exec(db, "INSERT OR IGNORE INTO credit_repairs (idx, "
	    "inspection, at, text, due, due_unknown) VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6)", "isssss", (int64_t)index, id, at, text, get_str(e,
	    "due"), get_str(e, "due_unknown"));
}

static int
apply_answer(sqlite3 *db, uint64_t index, const char *id, json_t *e)
{
	const char *result = get_str(e, "result"), *at = get_str(e, "at");
	json_t *app = json_object_get(e, "application");

	if (result == NULL || at == NULL || !json_is_integer(app) ||
	    json_integer_value(app) < 0 ||
	    !json_is_boolean(json_object_get(e, "late")))
		return CUSTOS_ERR_CORRUPT;
	/* An answer to an application of another inspection, or to none,
	 * stays in the chain only. */
	return view_exec(db, "UPDATE credit_repairs SET answer_idx = ?3, "
	    "result = ?4, note = ?5, answered_at = ?6, late = ?7 "
	    "WHERE idx = ?1 AND inspection = ?2 AND answer_idx IS NULL",
	    "isisssi", (int64_t)json_integer_value(app), id,
	    (int64_t)index, result, get_str(e, "note"), at,
	    (int64_t)json_is_true(json_object_get(e, "late")));
}

int
registry_procedure_apply(sqlite3 *db, uint64_t index, const char *id,
    enum lifecycle_step step, json_t *e)
{
	switch (step) {
	case LIFECYCLE_REVIEW:
		return apply_review(db, index, id, e);
	case LIFECYCLE_DECISION:
		return apply_decision(db, index, id, e);
	case LIFECYCLE_CREDIT_APPLY:
		return apply_apply(db, index, id, e);
	case LIFECYCLE_CREDIT_ANSWER:
		return apply_answer(db, index, id, e);
	default:
		return 0;
	}
}

static const struct view_col decision_cols[] = {
	{ 0, offsetof(struct registry_decision, number), VIEW_TEXT },
	{ 1, offsetof(struct registry_decision, penalty), VIEW_TEXT },
	{ 2, offsetof(struct registry_decision, at), VIEW_TEXT },
	{ 3, offsetof(struct registry_decision, credit_notice),
	    VIEW_TEXT_NULL },
	{ 4, offsetof(struct registry_decision, index), VIEW_UINT }
};

static const struct view_rowtype decision_type = {
	sizeof(struct registry_decision), decision_cols,
	sizeof(decision_cols) / sizeof(decision_cols[0]), NULL, NULL
};

int
registry_decision(struct registry *r, const char *id,
    struct registry_decision **out)
{
	return view_query(r->db, &decision_type, "SELECT number, penalty, at, "
	    "credit_notice, idx FROM decisions WHERE inspection = ?1", id,
	    (void **)out, NULL);
}

void
registry_decision_free(struct registry_decision *d)
{
	view_rows_free(&decision_type, d, 1);
}

static const struct view_col repair_cols[] = {
	{ 0, offsetof(struct registry_credit_repair, index), VIEW_UINT },
	{ 1, offsetof(struct registry_credit_repair, at), VIEW_TEXT },
	{ 2, offsetof(struct registry_credit_repair, text), VIEW_TEXT },
	{ 3, offsetof(struct registry_credit_repair, due), VIEW_TEXT_NULL },
	{ 4, offsetof(struct registry_credit_repair, due_unknown),
	    VIEW_TEXT_NULL },
	{ 6, offsetof(struct registry_credit_repair, result), VIEW_TEXT_NULL },
	{ 7, offsetof(struct registry_credit_repair, note), VIEW_TEXT_NULL },
	{ 8, offsetof(struct registry_credit_repair, answered_at),
	    VIEW_TEXT_NULL }
};

/* The answer's index (a NULL column: not answered) and late flag. */
static int
repair_row(sqlite3_stmt *st, void *p)
{
	struct registry_credit_repair *c = p;

	c->answered = sqlite3_column_type(st, 5) != SQLITE_NULL;
	c->answer_index = c->answered ?
	    (uint64_t)sqlite3_column_int64(st, 5) : 0;
	c->late = sqlite3_column_int(st, 9) != 0;
	return 0;
}

static const struct view_rowtype repair_type = {
	sizeof(struct registry_credit_repair), repair_cols,
	sizeof(repair_cols) / sizeof(repair_cols[0]), repair_row, NULL
};

int
registry_credit_repairs(struct registry *r, const char *id,
    struct registry_credit_repair **out, size_t *n)
{
	return view_query(r->db, &repair_type, "SELECT idx, at, text, due, "
	    "due_unknown, answer_idx, result, note, answered_at, late FROM "
	    "credit_repairs WHERE inspection = ?1 ORDER BY idx", id,
	    (void **)out, n);
}

void
registry_credit_repairs_free(struct registry_credit_repair *c, size_t n)
{
	view_rows_free(&repair_type, c, n);
}

static const struct view_col review_cols[] = {
	{ 0, offsetof(struct registry_review, index), VIEW_UINT },
	{ 1, offsetof(struct registry_review, reviewer), VIEW_TEXT },
	{ 2, offsetof(struct registry_review, result), VIEW_TEXT },
	{ 3, offsetof(struct registry_review, note), VIEW_TEXT_NULL },
	{ 4, offsetof(struct registry_review, time), VIEW_TEXT }
};

static const struct view_rowtype review_type = {
	sizeof(struct registry_review), review_cols,
	sizeof(review_cols) / sizeof(review_cols[0]), NULL, NULL
};

int
registry_reviews(struct registry *r, const char *id,
    struct registry_review **out, size_t *n)
{
	return view_query(r->db, &review_type, "SELECT idx, reviewer, result, "
	    "note, time FROM reviews WHERE inspection = ?1 ORDER BY idx", id,
	    (void **)out, n);
}

void
registry_reviews_free(struct registry_review *v, size_t n)
{
	view_rows_free(&review_type, v, n);
}
