/*
 * evidence: one inspection's entries, sorted from a bundle (here) or
 * gathered from the station's log (evidence_log.c, which custos-verify
 * does not link: it needs SQLite).
 *
 * Entries are loaded role by role, in the order of enum evidence_role,
 * and an entry already held in any role is not loaded again: so each
 * entry ends up in the first role that applies, as evidence.h promises.
 * Every lookup goes through an index (the registry's chain, the catalog's
 * segment_sessions, starts and assignments tables), never a scan of the
 * log, so gathering costs O(entries gathered), whatever the log's size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/rules.h"
#include "evidence_int.h"

const char *
evidence_type(const json_t *e)
{
	const char *t = json_string_value(json_object_get(e, "type"));

	return t != NULL ? t : "";
}

const struct evidence_entry *
evidence_find(const struct evidence *ev, uint64_t index)
{
	size_t r, k;

	for (r = 0; r < EVIDENCE_NROLES; r++)
		for (k = 0; k < ev->n[r]; k++)
			if (ev->e[r][k].index == index)
				return &ev->e[r][k];
	return NULL;
}

void
evidence_free(struct evidence *ev)
{
	size_t r, k;

	if (ev == NULL)
		return;
	for (r = 0; r < EVIDENCE_NROLES; r++) {
		for (k = 0; k < ev->n[r]; k++) {
			json_decref(ev->e[r][k].json);
			free(ev->e[r][k].bytes);
		}
		free(ev->e[r]);
	}
	free(ev->inspection);
	memset(ev, 0, sizeof(*ev));
}

/*
 * Adds an entry to role: takes bytes (owned from now on, freed on
 * error too), parses them and checks that they are a JSON object whose
 * "index" is index.  Returns 0, CUSTOS_ERR_FORMAT or CUSTOS_ERR_NOMEM.
 */
int
evidence_push(struct evidence *ev, enum evidence_role role,
    uint64_t index, uint8_t *bytes, size_t len)
{
	struct evidence_entry *a;
	json_t *j, *idx;

	j = json_loadb((const char *)bytes, len, JSON_REJECT_DUPLICATES,
	    NULL);
	idx = json_object_get(j, "index");
	if (!json_is_object(j) || !json_is_integer(idx) ||
	    json_integer_value(idx) < 0 ||
	    (uint64_t)json_integer_value(idx) != index) {
		json_decref(j);
		free(bytes);
		return CUSTOS_ERR_FORMAT;
	}
	if ((a = reallocarray(ev->e[role], ev->n[role] + 1,
	    sizeof(*a))) == NULL) {
		json_decref(j);
		free(bytes);
		return CUSTOS_ERR_NOMEM;
	}
	ev->e[role] = a;
	a[ev->n[role]].index = index;
	a[ev->n[role]].json = j;
	a[ev->n[role]].bytes = bytes;
	a[ev->n[role]].len = len;
	a[ev->n[role]].role = role;
	ev->n[role]++;
	return 0;
}

static int
cmp_index(const void *a, const void *b)
{
	uint64_t x = ((const struct evidence_entry *)a)->index;
	uint64_t y = ((const struct evidence_entry *)b)->index;

	return (x > y) - (x < y);
}

void
evidence_sort(struct evidence *ev)
{
	size_t r;

	for (r = 0; r < EVIDENCE_NROLES; r++)
		if (ev->n[r] > 1)
			qsort(ev->e[r], ev->n[r], sizeof(*ev->e[r]),
			    cmp_index);
}

/*
 * The role of a bundle entry for inspection id, or EVIDENCE_NROLES when
 * it belongs to none (another inspection's, or a type a bundle does not
 * carry).
 */
static enum evidence_role
role_of(const json_t *e, const char *id)
{
	static const char *const context[] = { ENTRY_DEVICE_REGISTERED,
	    ENTRY_CAMERA_ASSIGNED, ENTRY_OFFICER_ADDED, ENTRY_ENTERPRISE_ADDED,
	    ENTRY_ENTERPRISE_RISK, NULL };
	const char *ins = json_string_value(json_object_get(e, "inspection"));
	const char *t = evidence_type(e);
	size_t k;

	if (ins != NULL)
		return strcmp(ins, id) == 0 ? EVIDENCE_CHAIN : EVIDENCE_NROLES;
	if (json_object_get(e, "inspection") != NULL)
		return EVIDENCE_NROLES;
	if (strcmp(t, ENTRY_SEGMENT_SEALED) == 0)
		return EVIDENCE_SEGMENT;
	if (strcmp(t, ENTRY_DOCK_SESSION) == 0)
		return EVIDENCE_SESSION;
	for (k = 0; context[k] != NULL; k++)
		if (strcmp(t, context[k]) == 0)
			return EVIDENCE_CONTEXT;
	if (strcmp(t, ENTRY_STATION_STARTED) == 0)
		return EVIDENCE_STATION;
	if (strcmp(t, ENTRY_OBJECT_DELETED) == 0)
		return EVIDENCE_DISPOSAL;
	return EVIDENCE_NROLES;
}

/* Whether a segment of ev, or a document of its chain, seals object. */
static int
sealed_here(const struct evidence *ev, const char *object)
{
	const json_t *e;
	const char *o;
	size_t k, r;

	for (r = EVIDENCE_CHAIN; r <= EVIDENCE_SEGMENT; r++)
		for (k = 0; k < ev->n[r]; k++) {
			e = ev->e[r][k].json;
			o = json_string_value(json_object_get(e, "object"));
			if (o != NULL && strcmp(o, object) == 0 &&
			    (r == EVIDENCE_SEGMENT || strcmp(evidence_type(e),
			    ENTRY_DOCUMENT_SEALED) == 0))
				return 1;
		}
	return 0;
}

/*
 * Drops the object.deleted entries that name no object the evidence
 * seals (another inspection's footage): they serve no role.  Returns how
 * many went.
 */
static size_t
prune_disposals(struct evidence *ev)
{
	struct evidence_entry *d = ev->e[EVIDENCE_DISPOSAL];
	const char *o;
	size_t k, kept = 0, n = ev->n[EVIDENCE_DISPOSAL];

	for (k = 0; k < n; k++) {
		o = json_string_value(json_object_get(d[k].json, "object"));
		if (o != NULL && sealed_here(ev, o)) {
			d[kept++] = d[k];
			continue;
		}
		json_decref(d[k].json);
		free(d[k].bytes);
	}
	ev->n[EVIDENCE_DISPOSAL] = kept;
	return n - kept;
}

int
evidence_from_entries(const char *id, const uint64_t *index,
    const uint8_t *const *bytes, const size_t *len, size_t n,
    struct evidence *ev, size_t *foreign)
{
	enum evidence_role role;
	struct evidence_entry *last;
	uint8_t *copy;
	size_t k;
	int rc;

	memset(ev, 0, sizeof(*ev));
	*foreign = 0;
	if (id == NULL || (n > 0 && (index == NULL || bytes == NULL ||
	    len == NULL)))
		return CUSTOS_ERR_INVALID;
	if ((ev->inspection = strdup(id)) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (k = 0; k < n; k++) {
		/* One spare byte: a zero-length entry still gets a buffer. */
		if ((copy = malloc(len[k] + 1)) == NULL) {
			evidence_free(ev);
			return CUSTOS_ERR_NOMEM;
		}
		memcpy(copy, bytes[k], len[k]);
		/* Parsed into CHAIN first, then moved to its real role. */
		if ((rc = evidence_push(ev, EVIDENCE_CHAIN, index[k], copy,
		    len[k])) != 0) {
			evidence_free(ev);
			return rc;
		}
		last = &ev->e[EVIDENCE_CHAIN][ev->n[EVIDENCE_CHAIN] - 1];
		if ((role = role_of(last->json, id)) == EVIDENCE_CHAIN)
			continue;
		ev->n[EVIDENCE_CHAIN]--;
		if (role == EVIDENCE_NROLES) {
			(*foreign)++;
			json_decref(last->json);
			free(last->bytes);
			continue;
		}
		if ((rc = evidence_push(ev, role, last->index, last->bytes,
		    last->len)) != 0) {
			json_decref(last->json);
			evidence_free(ev);
			return rc;
		}
		json_decref(last->json);
	}
	*foreign += prune_disposals(ev);
	evidence_sort(ev);
	return 0;
}

/*
 * The parsed entries of role whose type is one of types (NULL: all), as
 * the borrowed array rules_evaluate() reads.  *out is NULL for none.
 */
static int
pick(const struct evidence *ev, enum evidence_role role,
    const char *const *types, const json_t ***out, size_t *n)
{
	const json_t **a;
	size_t k, t;

	*out = NULL;
	*n = 0;
	if (ev->n[role] == 0)
		return 0;
	if ((a = calloc(ev->n[role], sizeof(*a))) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (k = 0; k < ev->n[role]; k++) {
		for (t = 0; types != NULL && types[t] != NULL &&
		    strcmp(evidence_type(ev->e[role][k].json), types[t]) != 0;
		    t++)
			;
		if (types == NULL || types[t] != NULL)
			a[(*n)++] = ev->e[role][k].json;
	}
	*out = a;
	return 0;
}

int
evidence_findings(const struct evidence *ev, const struct calendar *cal,
    int64_t now_ms, json_t **findings)
{
	static const char *const devices[] = { ENTRY_DEVICE_REGISTERED, NULL };
	static const char *const officers[] = { ENTRY_OFFICER_ADDED, NULL };
	static const char *const risk[] = { ENTRY_ENTERPRISE_ADDED,
	    ENTRY_ENTERPRISE_RISK, NULL };
	const json_t **chain = NULL, **segs = NULL, **devs = NULL,
	    **offs = NULL, **rsk = NULL;
	struct rules_input in;
	int rc;

	*findings = NULL;
	if (ev == NULL || cal == NULL)
		return CUSTOS_ERR_INVALID;
	memset(&in, 0, sizeof(in));
	if ((rc = pick(ev, EVIDENCE_CHAIN, NULL, &chain, &in.nchain)) == 0 &&
	    (rc = pick(ev, EVIDENCE_SEGMENT, NULL, &segs,
	    &in.nsegments)) == 0 &&
	    (rc = pick(ev, EVIDENCE_CONTEXT, devices, &devs,
	    &in.ndevices)) == 0 &&
	    (rc = pick(ev, EVIDENCE_CONTEXT, officers, &offs,
	    &in.nofficers)) == 0 &&
	    (rc = pick(ev, EVIDENCE_CONTEXT, risk, &rsk, &in.nrisk)) == 0) {
		in.chain = (const json_t *const *)chain;
		in.segments = (const json_t *const *)segs;
		in.devices = (const json_t *const *)devs;
		in.officers = (const json_t *const *)offs;
		in.risk = (const json_t *const *)rsk;
		in.cal = cal;
		in.now_ms = now_ms;
		rc = rules_evaluate(&in, findings);
	}
	free(chain);
	free(segs);
	free(devs);
	free(offs);
	free(rsk);
	return rc;
}
