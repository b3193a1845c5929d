/*
 * summary: counts and lists over the registry for the station's status:
 * open inspections, emergency inspections whose back-fill is overdue, and
 * red-code enterprises not yet inspected (docs/inspection.md, "Findings").
 * The rules are the ones lib/inspection/rules.c applies to one
 * inspection; here they are read across the station so that an operator
 * sees them at a glance.  The control API judges an inspection's
 * back-fill by the same summary_overdue() and the same clock.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "custos/calendar.h"
#include "custos/err.h"
#include "custos/registry.h"
#include "custos/rfc3339.h"
#include "custos/rules.h"
#include "station.h"
#include "summary.h"

int64_t
summary_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int
summary_overdue(const struct registry_inspection *i, const char *now)
{
	return i->emergency && !i->backfilled && i->backfill_due != NULL &&
	    strcmp(now, i->backfill_due) > 0;
}

int
summary_deadline(const struct calendar *cal, const struct cal_date *day,
    int n, int64_t *end, char *buf, size_t len)
{
	struct cal_date due, unc;
	char date[RFC3339_LEN];
	int rc;

	if ((rc = calendar_add_workdays(cal, day, n, &due, &unc)) == 0) {
		*end = calendar_end_of_day(&due) * 1000;
		rfc3339_format(*end, buf, len);
		return 0;
	}
	calendar_date_format(&unc, date, sizeof(date));
	snprintf(buf, len, "calendar does not cover %s", date);
	return rc;
}

/*
 * When uscc's current red code began: the first entry of the run of red
 * codes that ends its history, since a second red code while red does not
 * restart the clock.  Returns 0 and *since (borrowed from h), or
 * CUSTOS_ERR_NOTFOUND when the history does not end in red.
 */
static int
red_since(const struct registry_risk *h, size_t n, const char **since)
{
	size_t k = n;

	while (k > 0 && strcmp(h[k - 1].risk, "red") == 0)
		k--;
	if (k == n)
		return CUSTOS_ERR_NOTFOUND;
	*since = h[k].since;
	return 0;
}

/* Whether an inspection of uscc was entered at or after coded (ms). */
static int
inspected_since(const struct registry_inspection *ins, size_t n,
    const char *uscc, int64_t coded)
{
	int64_t at;
	size_t k;

	for (k = 0; k < n; k++) {
		if (strcmp(ins[k].enterprise, uscc) != 0 ||
		    ins[k].entered_at == NULL)
			continue;
		if (rfc3339_parse(ins[k].entered_at, &at) == 0 && at >= coded)
			return 1;
	}
	return 0;
}

/*
 * One red_not_inspected element for e coded red at since, or NULL when
 * memory runs out.
 */
static json_t *
red_item(struct station *st, const struct registry_enterprise *e,
    const char *since, int64_t coded, int64_t now)
{
	struct cal_date day;
	char buf[64];
	int64_t end;
	json_t *j;

	j = json_pack("{s:s, s:s, s:s}", "enterprise", e->uscc,
	    "name", e->name, "coded_red", since);
	if (j == NULL)
		return NULL;
	calendar_beijing_date(coded / 1000 - (coded % 1000 < 0 ? 1 : 0),
	    &day);
	if (summary_deadline(st->calendar, &day, RULES_RED_WORKDAYS, &end, buf,
	    sizeof(buf)) == 0) {
		json_object_set_new(j, "deadline", json_string(buf));
		json_object_set_new(j, "overdue", json_boolean(now > end));
	} else {
		json_object_set_new(j, "deadline_unknown", json_string(buf));
		json_object_set_new(j, "overdue", json_false());
	}
	return j;
}

/* Appends the red-code enterprises not inspected to arr. */
static int
red_not_inspected(struct station *st, const struct registry_inspection *ins,
    size_t nins, int64_t now, json_t *arr)
{
	struct registry_enterprise *ent = NULL;
	struct registry_risk *h;
	const char *since;
	int64_t coded;
	size_t n = 0, nh, k;
	json_t *item;
	int rc;

	if ((rc = registry_enterprises(st->registry, &ent, &n)) != 0)
		return rc;
	for (k = 0; k < n && rc == 0; k++) {
		if (ent[k].risk == NULL || strcmp(ent[k].risk, "red") != 0)
			continue;
		h = NULL;
		nh = 0;
		if ((rc = registry_risk_history(st->registry, ent[k].uscc, &h,
		    &nh)) != 0)
			break;
		if (red_since(h, nh, &since) == 0 &&
		    rfc3339_parse(since, &coded) == 0 &&
		    !inspected_since(ins, nins, ent[k].uscc, coded)) {
			if ((item = red_item(st, &ent[k], since, coded,
			    now)) == NULL ||
			    json_array_append_new(arr, item) != 0)
				rc = CUSTOS_ERR_NOMEM;
		}
		registry_risks_free(h, nh);
	}
	registry_enterprises_free(ent, n);
	return rc;
}

json_t *
summary_inspections(struct station *st)
{
	struct registry_inspection *ins = NULL;
	char now[RFC3339_LEN];
	json_t *j, *over, *red, *item;
	int64_t nms = summary_now_ms();
	size_t n = 0, k, open = 0;
	int rc;

	if (st->registry == NULL ||
	    registry_inspections(st->registry, &ins, &n) != 0)
		return NULL;
	rfc3339_format(nms, now, sizeof(now));
	over = json_array();
	red = json_array();
	rc = over == NULL || red == NULL ? CUSTOS_ERR_NOMEM : 0;
	for (k = 0; k < n && rc == 0; k++) {
		if (ins[k].lifecycle.state != LIFECYCLE_CLOSED)
			open++;
		/* A deadline the calendar did not cover when the inspection
		 * was entered may be covered now. */
		if ((rc = station_backfill_due(st, &ins[k])) != 0 ||
		    !summary_overdue(&ins[k], now))
			continue;
		item = json_pack("{s:s, s:s, s:s}", "inspection", ins[k].id,
		    "enterprise", ins[k].enterprise,
		    "backfill_due", ins[k].backfill_due);
		if (item == NULL || json_array_append_new(over, item) != 0)
			rc = CUSTOS_ERR_NOMEM;
	}
	if (rc == 0)
		rc = red_not_inspected(st, ins, n, nms, red);
	registry_inspections_free(ins, n);
	j = NULL;
	if (rc == 0)
		j = json_pack("{s:I, s:O, s:O}", "open", (json_int_t)open,
		    "overdue", over, "red_not_inspected", red);
	json_decref(over);
	json_decref(red);
	return j;
}
