/*
 * procedure: the reviews, the decision and the credit repair of an
 * inspection as its answer shows them.
 */
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "custos/err.h"
#include "custos/registry.h"
#include "daemon/station.h"
#include "procedure.h"
#include "reply.h"

static json_t *
reviews_json(const struct registry_review *v, size_t n)
{
	json_t *arr = json_array(), *o;
	size_t k;

	for (k = 0; arr != NULL && k < n; k++) {
		o = json_pack("{s:I, s:s, s:s, s:s}", "index",
		    (json_int_t)v[k].index, "reviewer", v[k].reviewer,
		    "result", v[k].result, "time", v[k].time);
		reply_set_opt(o, "note", v[k].note);
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *
decision_json(const struct registry_decision *d)
{
	json_t *o;

	o = json_pack("{s:I, s:s, s:s, s:s}", "index", (json_int_t)d->index,
	    "number", d->number, "penalty", d->penalty, "at", d->at);
	reply_set_opt(o, "credit_notice", d->credit_notice);
	return o;
}

static json_t *
repairs_json(const struct registry_credit_repair *c, size_t n)
{
	json_t *arr = json_array(), *o, *a;
	size_t k;

	for (k = 0; arr != NULL && k < n; k++) {
		o = json_pack("{s:I, s:s, s:s}", "index",
		    (json_int_t)c[k].index, "at", c[k].at, "text", c[k].text);
		reply_set_opt(o, "due", c[k].due);
		reply_set_opt(o, "due_unknown", c[k].due_unknown);
		if (c[k].answered) {
			a = json_pack("{s:I, s:s*, s:s*, s:b}", "index",
			    (json_int_t)c[k].answer_index, "result",
			    c[k].result, "at", c[k].answered_at, "late",
			    c[k].late);
			reply_set_opt(a, "note", c[k].note);
			reply_set_new(o, "answered", a);
		}
		json_array_append_new(arr, o);
	}
	return arr;
}

int
procedure_json(struct station *st, const char *id, json_t *j)
{
	struct registry_review *v;
	struct registry_decision *d;
	struct registry_credit_repair *c;
	size_t n;
	int rc;

	if ((rc = registry_reviews(st->registry, id, &v, &n)) != 0)
		return rc;
	reply_set_new(j, "reviews", reviews_json(v, n));
	registry_reviews_free(v, n);
	if ((rc = registry_decision(st->registry, id, &d)) == 0) {
		reply_set_new(j, "decision", decision_json(d));
		registry_decision_free(d);
	} else if (rc != CUSTOS_ERR_NOTFOUND)
		return rc;
	if ((rc = registry_credit_repairs(st->registry, id, &c, &n)) != 0)
		return rc;
	reply_set_new(j, "credit_repairs", repairs_json(c, n));
	registry_credit_repairs_free(c, n);
	return 0;
}
