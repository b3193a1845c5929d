/*
 * registry_int: what lib/inspection/registry.c shares with
 * lib/inspection/registry_inspect.c and registry_procedure.c.
 * registry.c opens, syncs and closes the registry and applies the
 * officer and enterprise entries; it hands every other entry to
 * registry_inspect.c, which never calls back and hands the steps after
 * the visit (reviews, decision, credit repair) to registry_procedure.c.
 * Not a public interface: only these three files include it.
 */
#ifndef CUSTOS_REGISTRY_INT_H
#define CUSTOS_REGISTRY_INT_H

#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "custos/lifecycle.h"

struct log;
struct view;

/* The registry: a derived view of the log (lib/log/view_int.h). */
struct registry {
	struct view	*view;
	sqlite3		*db;		/* view_db(view), borrowed */
};

/* Creates the device and inspection tables if needed: 0 or an error. */
int	 registry_inspect_schema(sqlite3 *db);

/*
 * Applies entry index (parsed as e, of type type) of l if it is a device,
 * camera or inspection entry; other entries are left alone.  Returns 0,
 * CUSTOS_ERR_CORRUPT for a missing required field, or an error.
 */
int	 registry_inspect_apply(sqlite3 *db, struct log *l, uint64_t index,
	    const char *type, json_t *e);

/*
 * Creates the tables of reviews, decisions and credit repairs
 * (registry_procedure.c) if needed: 0 or an error.
 */
int	 registry_procedure_schema(sqlite3 *db);

/*
 * Applies entry index (parsed as e) of inspection id, the lifecycle step
 * step, if it is a review, a decision or a credit-repair step; others are
 * left alone.  Returns 0, CUSTOS_ERR_CORRUPT for a missing required
 * field, or an error.
 */
int	 registry_procedure_apply(sqlite3 *db, uint64_t index, const char *id,
	    enum lifecycle_step step, json_t *e);

#endif
