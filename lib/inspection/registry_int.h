/*
 * registry_int: what lib/inspection/registry.c shares with lib/inspection/registry_inspect.c.
 * Not a public interface: only these two files include it.
 */
#ifndef CUSTOS_REGISTRY_INT_H
#define CUSTOS_REGISTRY_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

struct log;
struct registry;

/* What a list of one row type needs: its size, copy and clear. */
struct rowtype {
	size_t	  size;
	int	(*copy)(sqlite3_stmt *, void *);
	void	(*clear)(void *);
};

/*
 * Copies text column col into a new string *out; a NULL column stays NULL
 * unless required (then CUSTOS_ERR_CORRUPT).  Returns 0 or an error.
 */
int	 registry_dup_col(sqlite3_stmt *st, int col, char **out, int required);

/* Frees an array of n rows of type t (their members too); NULL is fine. */
void	 registry_rows_free(const struct rowtype *t, void *arr, size_t n);

/*
 * Runs st (bound with key, or nothing when key is NULL) and collects its
 * rows into a new array *out of *n.  Returns 0 or an error; st is reset.
 */
int	 registry_list_rows(const struct rowtype *t, sqlite3_stmt *st,
	    const char *key, void **out, size_t *n);

/* Looks up the one row of st for key: 0, CUSTOS_ERR_NOTFOUND, ... */
int	 registry_one_row(const struct rowtype *t, sqlite3_stmt *st,
	    const char *key, void **out);

/* Creates the device and inspection tables if needed: 0 or an error. */
int	 registry_inspect_schema(sqlite3 *db);

/*
 * Applies entry index (parsed as e, of type type) of l if it is a device,
 * camera or inspection entry; other entries are left alone.  Returns 0,
 * CUSTOS_ERR_CORRUPT for a missing required field, or an error.
 */
int	 registry_inspect_apply(sqlite3 *db, struct log *l, uint64_t index,
	    const char *type, json_t *e);

/* The registry's database connection (borrowed). */
sqlite3	*registry_db(struct registry *r);

#endif
