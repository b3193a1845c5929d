/*
 * evidence_log: evidence_gather(), the half of lib/evidence/evidence.c
 * that reads the station's log, registry and catalog (SQLite).
 *
 * Entries are loaded role by role, in the order of enum evidence_role,
 * and an entry already held in any role is not loaded again: so each
 * entry ends up in the first role that applies, as evidence.h promises.
 * Every lookup goes through an index (the registry's chain, the catalog's
 * segment_sessions, starts, assignments and deleted tables), never a
 * scan of the log, so gathering costs O(entries gathered), whatever the
 * log's size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/catalog.h"
#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/log.h"
#include "custos/registry.h"
#include "evidence_int.h"

/* Loads log entry index into role unless ev holds it already. */
static int
load(struct evidence *ev, struct log *l, enum evidence_role role,
    uint64_t index)
{
	uint8_t *data;
	size_t len;
	int rc;

	if (evidence_find(ev, index) != NULL)
		return 0;
	if ((rc = log_entry(l, index, &data, &len)) != 0)
		return rc;
	return evidence_push(ev, role, index, data, len);
}

/* The inspection's own entries, by the registry's chain. */
static int
gather_chain(struct evidence *ev, struct log *l, struct registry *r)
{
	struct registry_chain_entry *c = NULL;
	size_t k, n = 0;
	int rc;

	if ((rc = registry_inspection_chain(r, ev->inspection, &c, &n)) != 0)
		return rc;
	for (k = 0; k < n && rc == 0; k++)
		rc = load(ev, l, EVIDENCE_CHAIN, c[k].index);
	registry_chain_free(c, n);
	return rc;
}

/* The segments that evidence.linked and evidence.unlinked name. */
static int
gather_segments(struct evidence *ev, struct log *l)
{
	const char *t;
	json_t *e, *v;
	size_t k;
	int rc;

	for (k = 0; k < ev->n[EVIDENCE_CHAIN]; k++) {
		e = ev->e[EVIDENCE_CHAIN][k].json;
		t = evidence_type(e);
		v = json_object_get(e, "segment");
		if ((strcmp(t, ENTRY_EVIDENCE_LINKED) != 0 &&
		    strcmp(t, ENTRY_EVIDENCE_UNLINKED) != 0) ||
		    !json_is_integer(v) || json_integer_value(v) < 0)
			continue;
		if ((rc = load(ev, l, EVIDENCE_SEGMENT,
		    (uint64_t)json_integer_value(v))) != 0)
			return rc;
	}
	return 0;
}

/*
 * Loads the index a catalog lookup found: rc is its return, and its
 * NOTFOUND means "none", not an error.
 */
static int
maybe(struct evidence *ev, struct log *l, enum evidence_role role, int rc,
    uint64_t index)
{
	if (rc == CUSTOS_ERR_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	return load(ev, l, role, index);
}

/* Each segment's dock.session. */
static int
gather_sessions(struct evidence *ev, struct log *l, struct catalog *c)
{
	uint64_t s = 0;
	size_t k;
	int rc;

	for (k = 0; k < ev->n[EVIDENCE_SEGMENT]; k++) {
		rc = catalog_segment_session(c,
		    ev->e[EVIDENCE_SEGMENT][k].index, &s);
		if ((rc = maybe(ev, l, EVIDENCE_SESSION, rc, s)) != 0)
			return rc;
	}
	return 0;
}

/*
 * The device.registered of camera and the officer.added of officer, each
 * if not NULL and known to the registry (an unknown officer is the
 * credential rule's to report).  The registry also knows a camera that
 * was only assigned, and then points at that camera.assigned: it is
 * context as well, so it is kept either way.
 */
static int
load_known(struct evidence *ev, struct log *l, struct registry *r,
    const char *camera, const char *officer)
{
	struct registry_device *d = NULL;
	struct registry_officer *o = NULL;
	uint64_t di = 0, oi = 0;
	int drc = CUSTOS_ERR_NOTFOUND, orc = CUSTOS_ERR_NOTFOUND, rc;

	if (camera != NULL && (drc = registry_device(r, camera, &d)) == 0)
		di = d->index;
	registry_device_free(d);
	if ((rc = maybe(ev, l, EVIDENCE_CONTEXT, drc, di)) != 0)
		return rc;
	if (officer != NULL && (orc = registry_officer(r, officer, &o)) == 0)
		oi = o->index;
	registry_officer_free(o);
	return maybe(ev, l, EVIDENCE_CONTEXT, orc, oi);
}

/* Devices, assignments and officers of each segment. */
static int
gather_cameras(struct evidence *ev, struct log *l, struct registry *r,
    struct catalog *c)
{
	const struct evidence_entry *s;
	const char *cam;
	uint64_t a = 0;
	size_t k;
	int rc;

	for (k = 0; k < ev->n[EVIDENCE_SEGMENT]; k++) {
		s = &ev->e[EVIDENCE_SEGMENT][k];
		cam = json_string_value(json_object_get(s->json, "camera"));
		if ((rc = load_known(ev, l, r, cam, json_string_value(
		    json_object_get(s->json, "officer")))) != 0)
			return rc;
		if (c == NULL || cam == NULL)
			continue;
		rc = catalog_assignment_before(c, cam, s->index, &a);
		if ((rc = maybe(ev, l, EVIDENCE_CONTEXT, rc, a)) != 0)
			return rc;
	}
	return 0;
}

/* The inspection's officers and its enterprise with its risk codes. */
static int
gather_people(struct evidence *ev, struct log *l, struct registry *r,
    const struct registry_inspection *i)
{
	struct registry_enterprise *ent = NULL;
	struct registry_risk *h = NULL;
	json_t *offs, *v;
	uint64_t ei = 0;
	size_t k, nh = 0;
	int rc = 0;

	offs = json_loads(i->officers, 0, NULL);
	json_array_foreach(offs, k, v)
		if ((rc = load_known(ev, l, r, NULL,
		    json_string_value(v))) != 0)
			break;
	json_decref(offs);
	if (rc != 0)
		return rc;
	if ((rc = registry_enterprise(r, i->enterprise, &ent)) == 0)
		ei = ent->index;
	registry_enterprise_free(ent);
	if ((rc = maybe(ev, l, EVIDENCE_CONTEXT, rc, ei)) != 0 ||
	    (rc = registry_risk_history(r, i->enterprise, &h, &nh)) != 0)
		return rc;
	for (k = 0; k < nh && rc == 0; k++)
		rc = load(ev, l, EVIDENCE_CONTEXT, h[k].index);
	registry_risks_free(h, nh);
	return rc;
}

/* The station.started in effect when each segment was sealed. */
static int
gather_starts(struct evidence *ev, struct log *l, struct catalog *c)
{
	uint64_t s = 0;
	size_t k;
	int rc;

	for (k = 0; k < ev->n[EVIDENCE_SEGMENT]; k++) {
		rc = catalog_start_before(c, ev->e[EVIDENCE_SEGMENT][k].index,
		    &s);
		if ((rc = maybe(ev, l, EVIDENCE_STATION, rc, s)) != 0)
			return rc;
	}
	return 0;
}

/* The object.deleted of the object entry e seals, if its bytes are gone. */
static int
load_disposal(struct evidence *ev, struct log *l, struct catalog *c,
    const json_t *e)
{
	const char *obj = json_string_value(json_object_get(e, "object"));
	uint8_t hash[DIGEST_LEN];
	enum digest_alg alg;
	uint64_t d = 0;
	int rc;

	if (obj == NULL || digest_parse(obj, &alg, hash) != 0 ||
	    alg != log_alg(l))
		return 0;
	rc = catalog_deleted(c, hash, &d);
	return maybe(ev, l, EVIDENCE_DISPOSAL, rc, d);
}

/* The disposals of the segments' and the documents' objects. */
static int
gather_disposals(struct evidence *ev, struct log *l, struct catalog *c)
{
	const json_t *e;
	size_t k;
	int rc;

	for (k = 0; k < ev->n[EVIDENCE_SEGMENT]; k++)
		if ((rc = load_disposal(ev, l, c,
		    ev->e[EVIDENCE_SEGMENT][k].json)) != 0)
			return rc;
	for (k = 0; k < ev->n[EVIDENCE_CHAIN]; k++) {
		e = ev->e[EVIDENCE_CHAIN][k].json;
		if (strcmp(evidence_type(e), ENTRY_DOCUMENT_SEALED) == 0 &&
		    (rc = load_disposal(ev, l, c, e)) != 0)
			return rc;
	}
	return 0;
}

int
evidence_gather(struct log *l, struct registry *r, struct catalog *c,
    const char *id, struct evidence *ev)
{
	struct registry_inspection *i;
	int rc;

	memset(ev, 0, sizeof(*ev));
	if (l == NULL || r == NULL || id == NULL)
		return CUSTOS_ERR_INVALID;
	if ((rc = registry_inspection(r, id, &i)) != 0)
		return rc;
	if ((ev->inspection = strdup(id)) == NULL) {
		registry_inspection_free(i);
		return CUSTOS_ERR_NOMEM;
	}
	if ((rc = gather_chain(ev, l, r)) == 0) {
		evidence_sort(ev);
		rc = gather_segments(ev, l);
	}
	if (rc == 0) {
		evidence_sort(ev);
		if (c != NULL)
			rc = gather_sessions(ev, l, c);
	}
	if (rc == 0 && (rc = gather_cameras(ev, l, r, c)) == 0 &&
	    (rc = gather_people(ev, l, r, i)) == 0 && c != NULL &&
	    (rc = gather_starts(ev, l, c)) == 0)
		rc = gather_disposals(ev, l, c);
	registry_inspection_free(i);
	if (rc != 0) {
		evidence_free(ev);
		return rc;
	}
	evidence_sort(ev);
	return 0;
}
