/*
 * retention: classes, dates and holds of stored objects, from the log's
 * entries (include/custos/retention.h, docs/retention.md).
 *
 * Objects, holders (the entries that hold an object) and inspections are
 * C arrays; jansson objects map an object hash, a segment's index and an
 * inspection ID to a position in them, so memory grows with the number
 * of objects and inspections, not with the log.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/config.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/retention.h"
#include "custos/rfc3339.h"

#define BEIJING_MS	(8 * 3600 * 1000LL)
#define DAY_MS		(86400 * 1000LL)
#define NOTIME		INT64_MIN

struct obj {
	char		*object;
	uint64_t	 size;
	size_t		*holders;
	size_t		 nh, caph;
	int		 disposed;
};

struct holder {
	uint64_t	 index;
	int64_t		 sealed;	/* ms */
	int		 doc;
	size_t		 obj;
	char		*camera;	/* segment: its camera, or NULL */
	size_t		*insps;		/* segment: linked now; document:
					   its inspection (one) */
	size_t		 ni, capi;
};

struct insp {
	char		*id;
	char		*enterprise;
	int64_t		 closed, decision;	/* ms or NOTIME */
};

struct retention {
	struct obj	*objs;
	size_t		 nobjs, capobjs;
	struct holder	*holders;
	size_t		 nholders, capholders;
	struct insp	*insps;
	size_t		 ninsps, capinsps;
	json_t		*objmap, *segmap, *inspmap, *cameras, *enterprises;
	json_t		*hold_entries;	/* the hold.placed entries */
	struct retention_hold *holds;
	size_t		 nholds, capholds;
	struct retention_item *items;
};

static int
grow(void **p, size_t *cap, size_t n, size_t sz)
{
	size_t c = *cap == 0 ? 16 : *cap * 2;
	void *q;

	if (n < *cap)
		return 0;
	if ((q = realloc(*p, c * sz)) == NULL)
		return CUSTOS_ERR_NOMEM;
	*p = q;
	*cap = c;
	return 0;
}

int
retention_new(struct retention **out)
{
	struct retention *r;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return CUSTOS_ERR_NOMEM;
	r->objmap = json_object();
	r->segmap = json_object();
	r->inspmap = json_object();
	r->cameras = json_object();
	r->enterprises = json_object();
	r->hold_entries = json_array();
	if (r->objmap == NULL || r->segmap == NULL || r->inspmap == NULL ||
	    r->cameras == NULL || r->enterprises == NULL ||
	    r->hold_entries == NULL) {
		retention_free(r);
		return CUSTOS_ERR_NOMEM;
	}
	*out = r;
	return 0;
}

void
retention_free(struct retention *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nobjs; i++) {
		free(r->objs[i].object);
		free(r->objs[i].holders);
	}
	for (i = 0; i < r->nholders; i++) {
		free(r->holders[i].camera);
		free(r->holders[i].insps);
	}
	for (i = 0; i < r->ninsps; i++) {
		free(r->insps[i].id);
		free(r->insps[i].enterprise);
	}
	free(r->objs);
	free(r->holders);
	free(r->insps);
	free(r->holds);
	free(r->items);
	json_decref(r->objmap);
	json_decref(r->segmap);
	json_decref(r->inspmap);
	json_decref(r->cameras);
	json_decref(r->enterprises);
	json_decref(r->hold_entries);
	free(r);
}

static const char *
str(const json_t *e, const char *key)
{
	return json_string_value(json_object_get(e, key));
}

/* The non-negative integer member key into *v: 0 or -1. */
static int
uint_member(const json_t *e, const char *key, uint64_t *v)
{
	json_t *m = json_object_get(e, key);

	if (!json_is_integer(m) || json_integer_value(m) < 0)
		return -1;
	*v = (uint64_t)json_integer_value(m);
	return 0;
}

/* The position of inspection id, added if new: 0 and *pos, or NOMEM. */
static int
insp_find(struct retention *r, const char *id, int add, size_t *pos)
{
	json_t *m = json_object_get(r->inspmap, id);
	struct insp *in;

	if (m != NULL) {
		*pos = (size_t)json_integer_value(m);
		return 0;
	}
	if (!add)
		return CUSTOS_ERR_NOTFOUND;
	if (grow((void **)&r->insps, &r->capinsps, r->ninsps,
	    sizeof(*r->insps)) != 0)
		return CUSTOS_ERR_NOMEM;
	in = &r->insps[r->ninsps];
	memset(in, 0, sizeof(*in));
	in->closed = in->decision = NOTIME;
	if ((in->id = strdup(id)) == NULL ||
	    json_object_set_new(r->inspmap, id,
	    json_integer((json_int_t)r->ninsps)) != 0) {
		free(in->id);
		return CUSTOS_ERR_NOMEM;
	}
	*pos = r->ninsps++;
	return 0;
}

static int
add_link(struct holder *h, size_t insp)
{
	size_t i;

	for (i = 0; i < h->ni; i++)
		if (h->insps[i] == insp)
			return 0;
	if (grow((void **)&h->insps, &h->capi, h->ni, sizeof(*h->insps)) != 0)
		return CUSTOS_ERR_NOMEM;
	h->insps[h->ni++] = insp;
	return 0;
}

/* A segment.sealed or document.sealed: a new holder of its object. */
static int
add_holder(struct retention *r, const struct retention_event *ev)
{
	int doc = ev->kind == RETENTION_EV_DOCUMENT;
	struct holder *h;
	struct obj *o;
	json_t *m;
	size_t op, ip;
	char key[24];

	if ((m = json_object_get(r->objmap, ev->object)) != NULL)
		op = (size_t)json_integer_value(m);
	else {
		if (grow((void **)&r->objs, &r->capobjs, r->nobjs,
		    sizeof(*r->objs)) != 0)
			return CUSTOS_ERR_NOMEM;
		o = &r->objs[r->nobjs];
		memset(o, 0, sizeof(*o));
		o->size = ev->n;
		if ((o->object = strdup(ev->object)) == NULL ||
		    json_object_set_new(r->objmap, ev->object,
		    json_integer((json_int_t)r->nobjs)) != 0) {
			free(o->object);
			return CUSTOS_ERR_NOMEM;
		}
		op = r->nobjs++;
	}
	if (grow((void **)&r->holders, &r->capholders, r->nholders,
	    sizeof(*r->holders)) != 0)
		return CUSTOS_ERR_NOMEM;
	o = &r->objs[op];
	if (grow((void **)&o->holders, &o->caph, o->nh,
	    sizeof(*o->holders)) != 0)
		return CUSTOS_ERR_NOMEM;
	h = &r->holders[r->nholders];
	memset(h, 0, sizeof(*h));
	h->index = ev->index;
	h->sealed = ev->ms;
	h->doc = doc;
	h->obj = op;
	if (!doc && ev->camera != NULL &&
	    ((h->camera = strdup(ev->camera)) == NULL ||
	    json_object_set_new(r->cameras, ev->camera, json_true()) != 0)) {
		free(h->camera);
		return CUSTOS_ERR_NOMEM;
	}
	if (doc && (insp_find(r, ev->inspection, 1, &ip) != 0 ||
	    add_link(h, ip) != 0)) {
		free(h->insps);
		return CUSTOS_ERR_NOMEM;
	}
	if (!doc) {
		snprintf(key, sizeof(key), "%" PRIu64, ev->index);
		if (json_object_set_new(r->segmap, key,
		    json_integer((json_int_t)r->nholders)) != 0) {
			free(h->camera);
			return CUSTOS_ERR_NOMEM;
		}
	}
	o->holders[o->nh++] = r->nholders++;
	return 0;
}

/* evidence.linked or evidence.unlinked. */
static int
link_segment(struct retention *r, const struct retention_event *ev)
{
	struct holder *h;
	json_t *m;
	size_t ip, i;
	char key[24];

	snprintf(key, sizeof(key), "%" PRIu64, ev->n);
	if ((m = json_object_get(r->segmap, key)) == NULL)
		return CUSTOS_ERR_CORRUPT;
	h = &r->holders[json_integer_value(m)];
	if (ev->kind == RETENTION_EV_LINKED)
		return insp_find(r, ev->inspection, 1, &ip) != 0 ?
		    CUSTOS_ERR_NOMEM : add_link(h, ip);
	if (insp_find(r, ev->inspection, 0, &ip) != 0)
		return 0;
	for (i = 0; i < h->ni; i++)
		if (h->insps[i] == ip) {
			h->insps[i] = h->insps[--h->ni];
			break;
		}
	return 0;
}

static int
add_hold(struct retention *r, const struct retention_event *ev)
{
	json_t *e = (json_t *)(uintptr_t)ev->entry;
	struct retention_hold *hd;

	if (grow((void **)&r->holds, &r->capholds, r->nholds,
	    sizeof(*r->holds)) != 0 ||
	    json_array_append(r->hold_entries, e) != 0)
		return CUSTOS_ERR_NOMEM;
	hd = &r->holds[r->nholds++];
	hd->index = ev->index;
	hd->scope = str(e, "scope");
	hd->target = str(e, "target");
	hd->reason = str(e, "reason");
	hd->reference = str(e, "reference");
	hd->by = str(e, "by");
	hd->time = str(e, "time");
	hd->released = RETENTION_NONE;
	return 0;
}

static int
release_hold(struct retention *r, const struct retention_event *ev)
{
	size_t i;

	for (i = 0; i < r->nholds; i++)
		if (r->holds[i].index == ev->n &&
		    r->holds[i].released == RETENTION_NONE) {
			r->holds[i].released = ev->index;
			return 0;
		}
	return CUSTOS_ERR_CORRUPT;
}

/* inspection.registered or inspection.emergency: its enterprise. */
static int
add_inspection(struct retention *r, const struct retention_event *ev)
{
	size_t ip;

	if (insp_find(r, ev->inspection, 1, &ip) != 0)
		return CUSTOS_ERR_NOMEM;
	free(r->insps[ip].enterprise);
	if ((r->insps[ip].enterprise = strdup(ev->enterprise)) == NULL ||
	    json_object_set_new(r->enterprises, ev->enterprise,
	    json_true()) != 0)
		return CUSTOS_ERR_NOMEM;
	return 0;
}

static const struct {
	const char		*type;
	enum retention_event_kind kind;
} event_types[] = {
	{ ENTRY_SEGMENT_SEALED, RETENTION_EV_SEGMENT },
	{ ENTRY_DOCUMENT_SEALED, RETENTION_EV_DOCUMENT },
	{ ENTRY_EVIDENCE_LINKED, RETENTION_EV_LINKED },
	{ ENTRY_EVIDENCE_UNLINKED, RETENTION_EV_UNLINKED },
	{ ENTRY_HOLD_PLACED, RETENTION_EV_HOLD_PLACED },
	{ ENTRY_HOLD_RELEASED, RETENTION_EV_HOLD_RELEASED },
	{ ENTRY_OBJECT_DELETED, RETENTION_EV_DELETED },
	{ ENTRY_INSPECTION_REGISTERED, RETENTION_EV_INSPECTION },
	{ ENTRY_INSPECTION_EMERGENCY, RETENTION_EV_INSPECTION },
	{ ENTRY_INSPECTION_CLOSED, RETENTION_EV_CLOSED },
	{ ENTRY_DECISION_SERVED, RETENTION_EV_DECISION },
};

/* Whether ev has the members its kind needs: 0 or CUSTOS_ERR_CORRUPT. */
static int
event_complete(struct retention_event *ev, const json_t *e)
{
	switch (ev->kind) {
	case RETENTION_EV_DOCUMENT:
		if (ev->inspection == NULL)
			return CUSTOS_ERR_CORRUPT;
		/* FALLTHROUGH */
	case RETENTION_EV_SEGMENT:
		return ev->object == NULL ||
		    uint_member(e, "size", &ev->n) != 0 ? CUSTOS_ERR_CORRUPT :
		    0;
	case RETENTION_EV_LINKED:
	case RETENTION_EV_UNLINKED:
		return ev->inspection == NULL ||
		    uint_member(e, "segment", &ev->n) != 0 ?
		    CUSTOS_ERR_CORRUPT : 0;
	case RETENTION_EV_HOLD_PLACED:
		return str(e, "scope") == NULL || str(e, "target") == NULL ?
		    CUSTOS_ERR_CORRUPT : 0;
	case RETENTION_EV_HOLD_RELEASED:
		return uint_member(e, "hold", &ev->n) != 0 ?
		    CUSTOS_ERR_CORRUPT : 0;
	case RETENTION_EV_INSPECTION:
		return ev->inspection == NULL || ev->enterprise == NULL ?
		    CUSTOS_ERR_CORRUPT : 0;
	case RETENTION_EV_CLOSED:
	case RETENTION_EV_DECISION:
		return ev->inspection == NULL ? CUSTOS_ERR_CORRUPT : 0;
	default:
		return 0;
	}
}

int
retention_event_of(const json_t *e, struct retention_event *ev)
{
	const char *type = str(e, "type");
	size_t i;

	memset(ev, 0, sizeof(*ev));
	if (type == NULL || uint_member(e, "index", &ev->index) != 0)
		return CUSTOS_ERR_CORRUPT;
	for (i = 0; i < sizeof(event_types) / sizeof(event_types[0]); i++)
		if (strcmp(type, event_types[i].type) == 0)
			break;
	if (i == sizeof(event_types) / sizeof(event_types[0]))
		return 0;	/* RETENTION_EV_NONE: a type that does not
				   count */
	ev->kind = event_types[i].kind;
	if (rfc3339_parse(str(e, "time"), &ev->ms) != 0)
		return CUSTOS_ERR_CORRUPT;
	ev->object = str(e, "object");
	ev->camera = ev->kind == RETENTION_EV_SEGMENT ? str(e, "camera") :
	    NULL;
	ev->inspection = str(e, "inspection");
	ev->enterprise = ev->kind == RETENTION_EV_INSPECTION ?
	    str(e, "enterprise") : NULL;
	ev->entry = ev->kind == RETENTION_EV_HOLD_PLACED ? e : NULL;
	return event_complete(ev, e);
}

int
retention_apply(struct retention *r, const struct retention_event *ev)
{
	json_t *m;
	size_t ip;

	switch (ev->kind) {
	case RETENTION_EV_SEGMENT:
	case RETENTION_EV_DOCUMENT:
		return add_holder(r, ev);
	case RETENTION_EV_LINKED:
	case RETENTION_EV_UNLINKED:
		return link_segment(r, ev);
	case RETENTION_EV_HOLD_PLACED:
		return add_hold(r, ev);
	case RETENTION_EV_HOLD_RELEASED:
		return release_hold(r, ev);
	case RETENTION_EV_DELETED:
		if (ev->object != NULL &&
		    (m = json_object_get(r->objmap, ev->object)) != NULL)
			r->objs[json_integer_value(m)].disposed = 1;
		return 0;
	case RETENTION_EV_INSPECTION:
		return add_inspection(r, ev);
	case RETENTION_EV_CLOSED:
	case RETENTION_EV_DECISION:
		if (insp_find(r, ev->inspection, 1, &ip) != 0)
			return CUSTOS_ERR_NOMEM;
		if (ev->kind == RETENTION_EV_CLOSED)
			r->insps[ip].closed = ev->ms;
		else if (r->insps[ip].decision == NOTIME)
			r->insps[ip].decision = ev->ms;
		return 0;
	default:
		return 0;
	}
}

int
retention_add(struct retention *r, const json_t *e)
{
	struct retention_event ev;
	int rc;

	if ((rc = retention_event_of(e, &ev)) != 0)
		return rc;
	return retention_apply(r, &ev);
}

static const struct config_period *
period(const struct config *cfg, enum retention_class c)
{
	switch (c) {
	case RETENTION_UNLINKED:
		return &cfg->retention_unlinked;
	case RETENTION_DOCUMENTS:
		return &cfg->retention_documents;
	case RETENTION_NO_PENALTY:
		return &cfg->retention_no_penalty;
	default:
		return &cfg->retention_penalty;
	}
}

/* Sets it's class, since and due to c from ms, if later than it has. */
static void
consider(struct retention_item *it, const struct config *cfg,
    enum retention_class c, int64_t ms, uint64_t entry)
{
	const struct config_period *p;
	int64_t since, due;

	if (c == RETENTION_OPEN) {
		since = due = RETENTION_NEVER;
	} else {
		p = period(cfg, c);
		since = retention_day_of(ms);
		due = p->permanent ? RETENTION_NEVER :
		    retention_day_add(since, p->n, (int)p->unit);
	}
	if (it->entry != RETENTION_NONE && (due < it->due ||
	    (due == it->due && c <= it->cls)))
		return;
	it->cls = c;
	it->since = since;
	it->due = due;
	it->entry = entry;
}

static void
classify(const struct retention *r, const struct config *cfg,
    const struct holder *h, struct retention_item *it)
{
	const struct insp *in;
	int64_t ms;
	size_t i;

	if (h->doc) {
		consider(it, cfg, RETENTION_DOCUMENTS, h->sealed, h->index);
		return;
	}
	if (h->ni == 0) {
		consider(it, cfg, RETENTION_UNLINKED, h->sealed, h->index);
		return;
	}
	for (i = 0; i < h->ni; i++) {
		in = &r->insps[h->insps[i]];
		if (in->closed == NOTIME)
			consider(it, cfg, RETENTION_OPEN, 0, h->index);
		else if (in->decision != NOTIME) {
			ms = in->decision > in->closed ? in->decision :
			    in->closed;
			consider(it, cfg, RETENTION_PENALTY, ms, h->index);
		} else
			consider(it, cfg, RETENTION_NO_PENALTY, in->closed,
			    h->index);
	}
}

/*
 * The holds in force, by scope: for each target, the position in
 * r->holds of the earliest hold in force on it.  A plan looks each
 * holder up in these instead of trying every hold, so it stays linear in
 * the log however many holds there are.
 */
enum { HS_OBJECT, HS_CAMERA, HS_INSPECTION, HS_ENTERPRISE, HS_N };

static const char *const hold_scopes[HS_N] = {
	"object", "camera", "inspection", "enterprise"
};

static void
holds_in_force_free(json_t *by[HS_N])
{
	int s;

	for (s = 0; s < HS_N; s++) {
		json_decref(by[s]);
		by[s] = NULL;
	}
}

static int
holds_in_force(const struct retention *r, json_t *by[HS_N])
{
	const struct retention_hold *hd;
	size_t j;
	int s;

	for (s = 0; s < HS_N; s++)
		if ((by[s] = json_object()) == NULL) {
			holds_in_force_free(by);
			return CUSTOS_ERR_NOMEM;
		}
	for (j = 0; j < r->nholds; j++) {
		hd = &r->holds[j];
		if (hd->released != RETENTION_NONE)
			continue;
		for (s = 0; s < HS_N; s++)
			if (strcmp(hd->scope, hold_scopes[s]) == 0)
				break;
		/* The earliest hold on a target is the one named. */
		if (s == HS_N || json_object_get(by[s], hd->target) != NULL)
			continue;
		if (json_object_set_new(by[s], hd->target,
		    json_integer((json_int_t)j)) != 0) {
			holds_in_force_free(by);
			return CUSTOS_ERR_NOMEM;
		}
	}
	return 0;
}

/* Keeps in *best the earliest hold on target in map, if any. */
static void
hold_lookup(const json_t *map, const char *target, size_t *best)
{
	const json_t *v;

	if (target == NULL || (v = json_object_get(map, target)) == NULL)
		return;
	if ((size_t)json_integer_value(v) < *best)
		*best = (size_t)json_integer_value(v);
}

/* The position in r->holds of the earliest hold in force on h, or nholds. */
static size_t
holder_hold(const struct retention *r, json_t *const by[HS_N],
    const struct holder *h)
{
	const struct insp *in;
	size_t i, best = r->nholds;

	hold_lookup(by[HS_OBJECT], r->objs[h->obj].object, &best);
	hold_lookup(by[HS_CAMERA], h->camera, &best);
	for (i = 0; i < h->ni; i++) {
		in = &r->insps[h->insps[i]];
		hold_lookup(by[HS_INSPECTION], in->id, &best);
		hold_lookup(by[HS_ENTERPRISE], in->enterprise, &best);
	}
	return best;
}

int
retention_plan(struct retention *r, const struct config *cfg, int64_t day,
    const struct retention_item **items, size_t *n)
{
	struct retention_item *it;
	const struct holder *h;
	const struct obj *o;
	json_t *by[HS_N];
	size_t i, k, j;
	int rc;

	*items = NULL;
	*n = 0;
	free(r->items);
	r->items = NULL;
	if (r->nobjs == 0)
		return 0;
	if ((r->items = calloc(r->nobjs, sizeof(*r->items))) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = holds_in_force(r, by)) != 0) {
		free(r->items);
		r->items = NULL;
		return rc;
	}
	for (i = 0; i < r->nobjs; i++) {
		o = &r->objs[i];
		it = &r->items[i];
		it->object = o->object;
		it->size = o->size;
		it->entry = RETENTION_NONE;
		it->hold = RETENTION_NONE;
		it->holders = o->nh;
		for (k = 0; k < o->nh; k++) {
			h = &r->holders[o->holders[k]];
			classify(r, cfg, h, it);
			if (it->hold == RETENTION_NONE &&
			    (j = holder_hold(r, by, h)) < r->nholds)
				it->hold = r->holds[j].index;
		}
		if (o->disposed)
			it->state = RETENTION_DISPOSED;
		else if (it->hold != RETENTION_NONE)
			it->state = RETENTION_HELD;
		else if (it->due <= day)
			it->state = RETENTION_DISPOSABLE;
		else
			it->state = RETENTION_KEEP;
	}
	holds_in_force_free(by);
	*items = r->items;
	*n = r->nobjs;
	return 0;
}

void
retention_holds(const struct retention *r,
    const struct retention_hold **holds, size_t *n)
{
	*holds = r->holds;
	*n = r->nholds;
}

int
retention_known(const struct retention *r, const char *scope,
    const char *target)
{
	const json_t *map;

	if (strcmp(scope, "object") == 0)
		map = r->objmap;
	else if (strcmp(scope, "camera") == 0)
		map = r->cameras;
	else if (strcmp(scope, "inspection") == 0)
		map = r->inspmap;
	else if (strcmp(scope, "enterprise") == 0)
		map = r->enterprises;
	else
		return 0;
	return json_object_get(map, target) != NULL;
}

const char *
retention_class_name(enum retention_class c)
{
	static const char *const names[RETENTION_NCLASSES] = {
		[RETENTION_UNLINKED] = "unlinked",
		[RETENTION_DOCUMENTS] = "documents",
		[RETENTION_NO_PENALTY] = "no_penalty",
		[RETENTION_PENALTY] = "penalty",
		[RETENTION_OPEN] = "open",
	};

	return (unsigned)c < RETENTION_NCLASSES ? names[c] : "?";
}

const char *
retention_period_text(const struct config *cfg, enum retention_class c,
    char *buf, size_t len)
{
	static const char *const units[] = { "days", "months", "years" };
	const struct config_period *p;

	if ((unsigned)c >= RETENTION_NCLASSES || c == RETENTION_OPEN)
		return "never";
	p = period(cfg, c);
	if (p->permanent)
		return "permanent";
	snprintf(buf, len, "%u %s", p->n, units[p->unit]);
	return buf;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static unsigned
month_days(int64_t y, unsigned m)
{
	static const unsigned days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

int64_t
retention_day_of(int64_t ms)
{
	int64_t t = ms + BEIJING_MS;

	return t >= 0 ? t / DAY_MS : -((-t + DAY_MS - 1) / DAY_MS);
}

int
retention_day_parse(const char *s, int64_t *day)
{
	unsigned y, m, d;
	char tail;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 ||
	    m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return -1;
	*day = days_from_civil(y, m, d);
	return 0;
}

void
retention_day_format(int64_t day, char buf[11])
{
	unsigned m, d;
	int64_t y;

	civil_from_days(day, &y, &m, &d);
	snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)y % 10000, m, d);
}

int64_t
retention_day_add(int64_t day, unsigned n, int unit)
{
	unsigned m, d;
	int64_t y, months;

	if (unit == CONFIG_DAYS)
		return day + n;
	civil_from_days(day, &y, &m, &d);
	months = (int64_t)m - 1 + (unit == CONFIG_YEARS ? 12LL * n : n);
	y += months / 12;
	m = (unsigned)(months % 12) + 1;
	if (d > month_days(y, m))
		d = month_days(y, m);
	return days_from_civil(y, m, d);
}
