/*
 * gaps: the file-numbering check of a docked camera's session (see
 * gaps.h and numbering.h).  It runs on the loop once the camera's files
 * are done: the names are in memory and the catalog is one indexed read.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/catalog.h"
#include "custos/config.h"
#include "custos/err.h"
#include "daemon/journal.h"
#include "daemon/station.h"
#include "dock_int.h"
#include "gaps.h"
#include "numbering.h"

/* The holes' share of the entry's 64 KiB (session.c), as "missing"'s. */
#define GAPS_BUDGET		(6 * 1024)

/* One hole: logged, and added to arr while the budget lasts. */
static int
gap_add(struct camera *c, const struct numbering_gap *g, json_t *arr,
    size_t *used, size_t *omitted)
{
	char series[LOG_QUOTE_LEN], after[LOG_QUOTE_LEN], before[LOG_QUOTE_LEN];
	json_t *j;

	log_warnx("dock: camera=%s numbering gap series=%s missing=%" PRIu64
	    "..%" PRIu64 " after=%s before=%s", c->name,
	    log_quote(g->series, series, sizeof(series)), g->from, g->to,
	    log_quote(g->after, after, sizeof(after)),
	    log_quote(g->before, before, sizeof(before)));
	*used += 160 + 6 * (strlen(g->series) + strlen(g->after) +
	    strlen(g->before));
	if (*used > GAPS_BUDGET) {
		(*omitted)++;
		return 0;
	}
	if ((j = json_pack("{s:s, s:I, s:I, s:s, s:s}", "series", g->series,
	    "missing_from", (json_int_t)g->from, "missing_to",
	    (json_int_t)g->to, "after", g->after, "before",
	    g->before)) == NULL || json_array_append_new(arr, j) != 0)
		return CUSTOS_ERR_NOMEM;
	return 0;
}

/* Finds the holes of c into c->gaps; errors are returned, not logged. */
static int
find(struct camera *c, size_t *omitted)
{
	struct numbering *nb = NULL;
	struct numbering_gap *g = NULL;
	struct catalog_file *f = NULL;
	const char **cur = NULL, **earlier = NULL;
	size_t i, n = 0, nf = 0, used = 0;
	int rc;

	if ((rc = numbering_new(c->d->st->cfg->file_numbering, &nb)) != 0 ||
	    (rc = catalog_camera_files(c->d->st->catalog, c->name, &f,
	    &nf)) != 0)
		goto out;
	if ((cur = calloc(c->nitems + 1, sizeof(*cur))) == NULL ||
	    (earlier = calloc(nf + 1, sizeof(*earlier))) == NULL) {
		rc = CUSTOS_ERR_NOMEM;
		goto out;
	}
	/* The names as the inventory writes them ("path"). */
	for (i = 0; i < c->nitems; i++)
		cur[i] = c->items[i].jpath;
	for (i = 0; i < nf; i++)
		earlier[i] = f[i].path;
	if ((rc = numbering_gaps(nb, cur, c->nitems, earlier, nf, &g,
	    &n)) != 0)
		goto out;
	for (i = 0; i < n && rc == 0; i++)
		rc = gap_add(c, &g[i], c->gaps, &used, omitted);
out:
	numbering_gaps_free(g, n);
	free(cur);
	free(earlier);
	catalog_files_free(f, nf);
	numbering_free(nb);
	return rc;
}

json_t *
gaps_of(struct camera *c, size_t *omitted)
{
	int rc;

	*omitted = c->gaps_omitted;
	if (c->gaps != NULL)
		return c->gaps;
	if ((c->gaps = json_array()) == NULL)
		return NULL;
	/* A truncated walk does not know what is on the volume. */
	if (c->truncated)
		return c->gaps;
	if ((rc = find(c, &c->gaps_omitted)) != 0) {
		log_warnx_r(rc, "dock: camera=%s: numbering not checked",
		    c->name);
		if (rc == CUSTOS_ERR_NOMEM) {
			json_decref(c->gaps);
			c->gaps = NULL;
			return NULL;
		}
		json_array_clear(c->gaps);
		c->gaps_omitted = 0;
	}
	*omitted = c->gaps_omitted;
	return c->gaps;
}
