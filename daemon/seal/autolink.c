/*
 * autolink: links a newly sealed segment to open inspections (autolink.h).
 *
 * An inspection is open for automatic linking from its entering (the
 * inspection.entered "at", or an emergency inspection's "at") until it is
 * closed, and only for footage recorded between its entering and its
 * leaving (or now, while it has not left).  Footage recorded before the
 * officers entered or after they left is not linked automatically: an
 * operator links it by hand, with a reason.  Every time compared here was
 * written by the station in one format ("YYYY-MM-DDThh:mm:ss.sssZ", UTC),
 * so such times compare as strings.
 *
 * Each link is appended through station_append(), which syncs the
 * registry, so the inspection is read again before each link and its
 * "inspection_prev" is always its latest entry's leaf hash.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/registry.h"
#include "autolink.h"
#include "daemon/journal.h"
#include "daemon/station.h"

/* The segment's recorded time: media.recorded_start, else its mtime. */
static const char *
recorded_time(json_t *seg)
{
	const char *t;

	t = json_string_value(json_object_get(json_object_get(seg, "media"),
	    "recorded_start"));
	if (t != NULL)
		return t;
	return json_string_value(json_object_get(seg, "mtime"));
}

/* Whether inspection i is open for footage recorded at when. */
static int
open_at(const struct registry_inspection *i, const char *when)
{
	if (i->lifecycle.state == LIFECYCLE_CLOSED || i->entered_at == NULL)
		return 0;
	if (strcmp(i->entered_at, when) > 0)
		return 0;
	if (i->left_at != NULL && strcmp(when, i->left_at) > 0)
		return 0;
	return 1;
}

/* Whether officer is one of i's officers (a JSON array of IDs). */
static int
has_officer(const struct registry_inspection *i, const char *officer)
{
	json_t *a, *v;
	size_t k;
	int found = 0;

	if ((a = json_loads(i->officers, 0, NULL)) == NULL)
		return 0;
	json_array_foreach(a, k, v) {
		if (json_is_string(v) &&
		    strcmp(json_string_value(v), officer) == 0) {
			found = 1;
			break;
		}
	}
	json_decref(a);
	return found;
}

/*
 * Appends one evidence.linked entry of segment index to inspection id,
 * read again from the registry so that its last leaf is current.
 */
static int
link_one(struct station *st, const char *id, uint64_t index, json_t *seg,
    const char *officer, const char *when)
{
	struct registry_inspection *i;
	uint64_t at = 0;
	json_t *p;
	int rc;

	if ((rc = registry_inspection(st->registry, id, &i)) != 0)
		return rc;
	if (!open_at(i, when)) {
		registry_inspection_free(i);
		return 0;
	}
	if (i->last_leaf == NULL || i->last_leaf[0] == '\0') {
		registry_inspection_free(i);
		return CUSTOS_ERR_CORRUPT;
	}
	p = json_pack("{s:s, s:s, s:I, s:O, s:O, s:s}", "inspection", i->id,
	    "inspection_prev", i->last_leaf, "segment", (json_int_t)index,
	    "object", json_object_get(seg, "object"), "camera",
	    json_object_get(seg, "camera"), "by", "auto");
	registry_inspection_free(i);
	if (p == NULL)
		return CUSTOS_ERR_NOMEM;
	rc = station_append(st, ENTRY_EVIDENCE_LINKED, p, &at, NULL);
	json_decref(p);
	if (rc != 0)
		return rc;
	log_info("linked inspection=%s segment=%" PRIu64 " camera=%s "
	    "officer=%s by=auto index=%" PRIu64, id, index,
	    json_string_value(json_object_get(seg, "camera")), officer, at);
	return 0;
}

int
autolink_segment(struct station *st, uint64_t index, json_t *seg,
    unsigned *linked)
{
	struct registry_inspection *list = NULL;
	const char *camera, *when;
	char *officer = NULL;
	size_t n = 0, k;
	uint64_t before;
	int rc, first = 0;

	if (linked != NULL)
		*linked = 0;
	camera = json_string_value(json_object_get(seg, "camera"));
	when = recorded_time(seg);
	if (camera == NULL || when == NULL ||
	    !json_is_string(json_object_get(seg, "object")))
		return 0;
	/* The assignments and inspections must include every entry. */
	if ((rc = registry_sync(st->registry, st->log)) != 0)
		return rc;
	rc = registry_camera_officer(st->registry, camera, when, &officer);
	if (rc == CUSTOS_ERR_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if ((rc = registry_inspections(st->registry, &list, &n)) != 0) {
		free(officer);
		return rc;
	}
	for (k = 0; k < n; k++) {
		if (!open_at(&list[k], when) || !has_officer(&list[k], officer))
			continue;
		/* One inspection's failure does not keep the others from
		 * their link; the first error is returned. */
		before = log_size(st->log);
		rc = link_one(st, list[k].id, index, seg, officer, when);
		if (linked != NULL && log_size(st->log) > before)
			(*linked)++;
		if (rc != 0 && first == 0)
			first = rc;
	}
	registry_inspections_free(list, n);
	free(officer);
	return first;
}
