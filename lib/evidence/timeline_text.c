/*
 * timeline_text: the English one-line text of each timeline event
 * (timeline_int.h): the chain steps and the footage.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/timeline.h"
#include "timeline_int.h"

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* s, or a placeholder that shows the field was missing. */
static const char *
orq(const char *s)
{
	return s != NULL ? s : "?";
}

/* A new JSON string from a printf format, or NULL. */
static json_t * __attribute__((format(printf, 1, 2)))
jfmt(const char *fmt, ...)
{
	va_list ap;
	json_t *j;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	j = json_string(s);
	free(s);
	return j;
}

const char *
timeline_officer_name(const struct evidence *ev, const char *id)
{
	const struct evidence_entry *c = ev->e[EVIDENCE_CONTEXT];
	const char *o, *t;
	size_t i;

	if (id == NULL)
		return NULL;
	for (i = 0; i < ev->n[EVIDENCE_CONTEXT]; i++) {
		t = str(c[i].json, "type");
		o = str(c[i].json, "officer");
		if (t != NULL && strcmp(t, ENTRY_OFFICER_ADDED) == 0 &&
		    o != NULL && strcmp(o, id) == 0)
			return str(c[i].json, "name");
	}
	return NULL;
}

/* "PA-0001 张伟, PA-0002 李娜": the officers array with their names. */
static char *
officer_list(const struct evidence *ev, const json_t *arr)
{
	const char *id, *name;
	char *s = NULL, *t;
	size_t i;

	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return strdup("?");
	for (i = 0; i < json_array_size(arr); i++) {
		id = orq(json_string_value(json_array_get(arr, i)));
		name = timeline_officer_name(ev, id);
		if (asprintf(&t, "%s%s%s%s%s", s != NULL ? s : "",
		    s != NULL ? ", " : "", id, name != NULL ? " " : "",
		    name != NULL ? name : "") < 0) {
			free(s);
			return NULL;
		}
		free(s);
		s = t;
	}
	return s;
}

/* s with a prefix when s is there, else "": optional fields in a text. */
#define OPT(pre, s)	((s) != NULL ? (pre) : ""), ((s) != NULL ? (s) : "")

static json_t *
text_start(const struct evidence *ev, const json_t *e, int emergency)
{
	json_t *j;
	char *offs;

	if ((offs = officer_list(ev, json_object_get(e, "officers"))) == NULL)
		return NULL;
	if (emergency)
		j = jfmt("emergency inspection, entered without registration: "
		    "enterprise %s, officers %s, method %s; back-fill due %s",
		    orq(str(e, "enterprise")), offs, orq(str(e, "method")),
		    str(e, "backfill_due") != NULL ? str(e, "backfill_due") :
		    "unknown");
	else
		j = jfmt("registered: enterprise %s, officers %s, method %s, "
		    "basis %s, content %s%s%s", orq(str(e, "enterprise")),
		    offs, orq(str(e, "method")), orq(str(e, "basis")),
		    orq(str(e, "content")), OPT(", planned ",
		    str(e, "planned")));
	free(offs);
	return j;
}

static json_t *
text_registered(const struct evidence *ev, const json_t *e)
{
	return text_start(ev, e, 0);
}

static json_t *
text_emergency(const struct evidence *ev, const json_t *e)
{
	return text_start(ev, e, 1);
}

static json_t *
text_entered(const struct evidence *ev, const json_t *e)
{
	(void)ev;
	(void)e;
	return json_string("the officers entered the site");
}

static json_t *
text_left(const struct evidence *ev, const json_t *e)
{
	(void)ev;
	(void)e;
	return json_string("the officers left the site");
}

static json_t *
text_linked(const struct evidence *ev, const json_t *e)
{
	const char *by = str(e, "by");

	(void)ev;
	return jfmt("segment %lld%s%s linked %s%s%s", (long long)
	    json_integer_value(json_object_get(e, "segment")),
	    OPT(" of camera ", str(e, "camera")), by != NULL &&
	    strcmp(by, "auto") == 0 ? "automatically" : "by the operator",
	    OPT(": ", str(e, "reason")));
}

static json_t *
text_unlinked(const struct evidence *ev, const json_t *e)
{
	(void)ev;
	return jfmt("segment %lld unlinked: %s", (long long)
	    json_integer_value(json_object_get(e, "segment")),
	    orq(str(e, "reason")));
}

static json_t *
text_document(const struct evidence *ev, const json_t *e)
{
	(void)ev;
	return jfmt("document sealed: %s \"%s\", %lld bytes, %s",
	    orq(str(e, "kind")), orq(str(e, "name")), (long long)
	    json_integer_value(json_object_get(e, "size")),
	    orq(str(e, "object")));
}

static json_t *
text_backfilled(const struct evidence *ev, const json_t *e)
{
	(void)ev;
	return jfmt("back-filled%s: basis %s, content %s",
	    json_is_true(json_object_get(e, "late")) ? " late" : "",
	    orq(str(e, "basis")), orq(str(e, "content")));
}

static json_t *
text_gap_reason(const struct evidence *ev, const json_t *e)
{
	(void)ev;
	return jfmt("no footage from %s to %s because: %s",
	    orq(str(e, "from")), orq(str(e, "to")), orq(str(e, "reason")));
}

static json_t *
text_closed(const struct evidence *ev, const json_t *e)
{
	(void)ev;
	return jfmt("closed: result %s%s%s", orq(str(e, "result")),
	    OPT("; rectification deadline ", str(e, "deadline")));
}

static json_t *
text_review(const struct evidence *ev, const json_t *e)
{
	(void)ev;
	return jfmt("legal review (法制审核) by %s: %s%s%s",
	    orq(str(e, "reviewer")), orq(str(e, "result")),
	    OPT("; ", str(e, "note")));
}

static json_t *
text_feedback(const struct evidence *ev, const json_t *e)
{
	(void)ev;
	return jfmt("feedback from the enterprise: %s", orq(str(e, "text")));
}

static json_t *
text_exported(const struct evidence *ev, const json_t *e)
{
	(void)ev;
	return jfmt("evidence bundle exported%s%s", OPT(" by ", str(e, "by")));
}

static json_t *
text_viewed(const struct evidence *ev, const json_t *e)
{
	(void)ev;
	return jfmt("viewed at the station (%s)%s%s", orq(str(e, "what")),
	    OPT(" by ", str(e, "by")));
}

static json_t *
text_decision(const struct evidence *ev, const json_t *e)
{
	const char *notice = str(e, "credit_notice");

	(void)ev;
	return jfmt("penalty decision %s served at %s: %s; %s%s",
	    orq(str(e, "number")), orq(str(e, "at")), orq(str(e, "penalty")),
	    notice != NULL ? "credit-repair notice " :
	    "no credit-repair notice served with it",
	    notice != NULL ? notice : "");
}

static json_t *
text_credit_apply(const struct evidence *ev, const json_t *e)
{
	(void)ev;
	return jfmt("credit-repair application received at %s: %s; answer "
	    "due %s", orq(str(e, "at")), orq(str(e, "text")),
	    str(e, "due") != NULL ? str(e, "due") : str(e, "due_unknown") !=
	    NULL ? str(e, "due_unknown") : "unknown");
}

static json_t *
text_credit_answer(const struct evidence *ev, const json_t *e)
{
	(void)ev;
	return jfmt("credit-repair application %lld answered at %s: %s%s%s%s",
	    (long long)json_integer_value(json_object_get(e, "application")),
	    orq(str(e, "at")), orq(str(e, "result")), OPT("; ",
	    str(e, "note")), json_is_true(json_object_get(e, "late")) ?
	    " (late)" : "");
}

/* Each chain entry type: its event kind and its one-line text. */
static const struct step {
	const char	*type;
	const char	*kind;
	json_t		*(*text)(const struct evidence *, const json_t *);
} steps[] = {
	{ ENTRY_INSPECTION_REGISTERED, "registered", text_registered },
	{ ENTRY_INSPECTION_EMERGENCY, "emergency", text_emergency },
	{ ENTRY_INSPECTION_ENTERED, "entered", text_entered },
	{ ENTRY_INSPECTION_LEFT, "left", text_left },
	{ ENTRY_EVIDENCE_LINKED, "linked", text_linked },
	{ ENTRY_EVIDENCE_UNLINKED, "unlinked", text_unlinked },
	{ ENTRY_DOCUMENT_SEALED, "document", text_document },
	{ ENTRY_INSPECTION_BACKFILLED, "backfilled", text_backfilled },
	{ ENTRY_INSPECTION_GAP_REASON, "gap_reason", text_gap_reason },
	{ ENTRY_INSPECTION_CLOSED, "closed", text_closed },
	{ ENTRY_REVIEW_RECORDED, "review", text_review },
	{ ENTRY_ENTERPRISE_FEEDBACK, "feedback", text_feedback },
	{ ENTRY_BUNDLE_EXPORTED, "exported", text_exported },
	{ ENTRY_INSPECTION_VIEWED, "viewed", text_viewed },
	{ ENTRY_DECISION_SERVED, "decision", text_decision },
	{ ENTRY_CREDIT_REPAIR_APPLIED, "credit_apply", text_credit_apply },
	{ ENTRY_CREDIT_REPAIR_ANSWERED, "credit_answer", text_credit_answer },
};

json_t *
timeline_step_text(const struct evidence *ev, const json_t *e,
    const char *type, const char **kind)
{
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (strcmp(type, steps[i].type) == 0) {
			*kind = steps[i].kind;
			return steps[i].text(ev, e);
		}
	*kind = "other";
	return json_string(type);
}

json_t *
timeline_footage_text(const struct evidence *ev, const json_t *e,
    int64_t from, int64_t to, int linked)
{
	const char *cam = str(e, "camera"), *off = str(e, "officer");
	const char *name = timeline_officer_name(ev, off);
	const json_t *media = json_object_get(e, "media");
	const char *probe = str(json_object_get(e, "probe"), "status");
	char bj[32], *what;
	json_t *j;

	timeline_beijing(to, bj, sizeof(bj));
	if (json_is_false(json_object_get(e, "decodable"))) {
		if (probe == NULL || asprintf(&what, "not audio or video "
		    "(%s)", probe) < 0)
			what = strdup("not audio or video");
	} else if (asprintf(&what, "%.1f s, to %s Beijing%s", (double)(to -
	    from) / 1000.0, bj + 11, str(media, "recorded_start") != NULL ?
	    "" : " (times from the file's mtime: the container records "
	    "none)") < 0)
		what = NULL;
	if (what == NULL)
		return NULL;
	j = jfmt("%s from camera %s%s%s%s%s: %s; source %s; %s%s",
	    orq(str(e, "path")), orq(cam),
	    off != NULL ? " carried by " : "", off != NULL ? off : "",
	    name != NULL ? " " : "", name != NULL ? name : "", what,
	    orq(str(e, "source")), orq(str(e, "object")),
	    linked ? "" : "; unlinked from the inspection");
	free(what);
	return j;
}


/* The entry members copied into an event's "facts", as they are. */
static const char *const fact_keys[] = {
	"enterprise", "method", "basis", "content", "planned", "backfill_due",
	"backfill_due_unknown", "reason", "from", "to", "result", "deadline",
	"reviewer", "note", "text", "by", "what", "name", "size", "segment",
	"late", "number", "penalty", "credit_notice", "due", "due_unknown",
	"application", "at", "path", "source", "decodable", "object", "camera",
	NULL
};

int
timeline_facts(const struct evidence *ev, const json_t *e, const char *type,
    json_t *event)
{
	const json_t *v;
	const char *name;
	json_t *facts, *offs, *o;
	size_t i;

	if ((facts = json_object()) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (i = 0; fact_keys[i] != NULL; i++)
		if ((v = json_object_get(e, fact_keys[i])) != NULL &&
		    json_object_set_new(facts, fact_keys[i],
		    json_deep_copy(v)) != 0)
			goto nomem;
	if (str(e, "kind") != NULL && json_object_set_new(facts,
	    "document_kind", json_string(str(e, "kind"))) != 0)
		goto nomem;
	if (str(json_object_get(e, "probe"), "status") != NULL &&
	    json_object_set_new(facts, "probe", json_string(str(
	    json_object_get(e, "probe"), "status"))) != 0)
		goto nomem;
	if (json_is_array(json_object_get(e, "officers"))) {
		if ((offs = json_array()) == NULL ||
		    json_object_set_new(facts, "officers", offs) != 0)
			goto nomem;
		json_array_foreach(json_object_get(e, "officers"), i, v) {
			name = timeline_officer_name(ev, json_string_value(v));
			if ((o = json_pack("{s:s*, s:s*}", "id",
			    json_string_value(v), "name", name)) == NULL ||
			    json_array_append_new(offs, o) != 0)
				goto nomem;
		}
	}
	if (json_object_set_new(event, "type", json_string(type)) != 0 ||
	    json_object_set_new(event, "facts", facts) != 0)
		return CUSTOS_ERR_NOMEM;
	return 0;
nomem:
	json_decref(facts);
	return CUSTOS_ERR_NOMEM;
}
