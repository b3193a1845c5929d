/*
 * retention: the retention class of every stored object and the holds
 * that cover it, computed from the log alone (docs/retention.md).  Pure:
 * no file, no clock; the caller feeds the entries in log order (or has
 * retention_load(), in retention_view.c, read a whole log) and names the
 * date.
 *
 * A stored object is one hash in the store.  Every entry that holds it
 * (each segment.sealed, from any camera, and each document.sealed) has a
 * class and a date from which it is disposable:
 *
 *	unlinked	a segment linked to no inspection now: its sealing
 *			time + [retention] unlinked
 *	open		a segment linked to an inspection not closed yet:
 *			never disposable
 *	no_penalty	linked, every inspection closed, none with a
 *			decision.served: the inspection.closed time +
 *			[retention] no_penalty
 *	penalty		linked to a closed inspection with a decision.served:
 *			the later of its inspection.closed and
 *			decision.served times + [retention] penalty
 *	documents	a document.sealed: its sealing time + [retention]
 *			documents
 *
 * A segment linked to several inspections takes the latest date of them
 * (open and permanent are later than any date).  The object takes the
 * latest date of its holders and the class of the holder that sets it
 * (on a tie the higher class: open > penalty > no_penalty > documents >
 * unlinked).  Dates are Beijing calendar dates; months and years add to
 * the date, a day past the month's end becoming its last day.
 *
 * A hold (hold.placed not yet hold.released) covers an object when its
 * scope names it: object (its hash), camera (a segment.sealed holder of
 * that camera), inspection (a segment linked to it now, or a document
 * sealed in it), enterprise (the same for any inspection of the
 * enterprise).  An object with an object.deleted is disposed of.
 */
#ifndef CUSTOS_RETENTION_H
#define CUSTOS_RETENTION_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct config;
struct retention;
struct log;

enum retention_class {
	RETENTION_UNLINKED = 0,
	RETENTION_DOCUMENTS,
	RETENTION_NO_PENALTY,
	RETENTION_PENALTY,
	RETENTION_OPEN,
	RETENTION_NCLASSES
};

enum retention_state {
	RETENTION_KEEP = 0,	/* not disposable at the date */
	RETENTION_DISPOSABLE,	/* disposable at the date, no hold */
	RETENTION_HELD,		/* would be disposable or not: a hold
				   covers it */
	RETENTION_DISPOSED,	/* an object.deleted names it */
};

#define RETENTION_NEVER	INT64_MAX	/* a day that never comes */
#define RETENTION_NONE	UINT64_MAX	/* no entry */

struct retention_item {
	const char	*object;	/* "sha256:<hex>"; owned by the
					   retention */
	uint64_t	 size;
	enum retention_class cls;
	enum retention_state state;
	uint64_t	 entry;		/* the holder that sets the date */
	int64_t		 since;		/* Beijing day (days since
					   1970-01-01) the period counts
					   from, RETENTION_NEVER when open */
	int64_t		 due;		/* first day disposable, or
					   RETENTION_NEVER */
	uint64_t	 hold;		/* index of a hold.placed covering
					   it, or RETENTION_NONE */
	uint64_t	 holders;	/* entries that hold it */
};

struct retention_hold {
	uint64_t	 index;		/* of the hold.placed */
	const char	*scope, *target, *reason, *reference, *by;
	const char	*time;
	uint64_t	 released;	/* index of the hold.released, or
					   RETENTION_NONE */
};

/* A new, empty state: 0 and *out, or CUSTOS_ERR_NOMEM. */
int	 retention_new(struct retention **out);
void	 retention_free(struct retention *r);

/*
 * What one entry tells the retention state: its kind (the entry types
 * that count, above) and the members that kind needs.  An entry is read
 * into an event once (retention_event_of()); the retention view keeps
 * events as rows, so a plan does not parse the log's JSON again.
 */
enum retention_event_kind {
	RETENTION_EV_NONE = 0,		/* a type that does not count */
	RETENTION_EV_SEGMENT,		/* segment.sealed */
	RETENTION_EV_DOCUMENT,		/* document.sealed */
	RETENTION_EV_LINKED,		/* evidence.linked */
	RETENTION_EV_UNLINKED,		/* evidence.unlinked */
	RETENTION_EV_HOLD_PLACED,	/* hold.placed */
	RETENTION_EV_HOLD_RELEASED,	/* hold.released */
	RETENTION_EV_DELETED,		/* object.deleted */
	RETENTION_EV_INSPECTION,	/* inspection.registered or
					   inspection.emergency */
	RETENTION_EV_CLOSED,		/* inspection.closed */
	RETENTION_EV_DECISION,		/* decision.served */
};

struct retention_event {
	enum retention_event_kind kind;
	uint64_t	 index;		/* of the entry */
	int64_t		 ms;		/* its time, ms since the epoch */
	const char	*object;	/* SEGMENT, DOCUMENT; DELETED (may be
					   NULL there) */
	const char	*camera;	/* SEGMENT (may be NULL) */
	const char	*inspection;	/* DOCUMENT, LINKED, UNLINKED,
					   INSPECTION, CLOSED, DECISION */
	const char	*enterprise;	/* INSPECTION */
	uint64_t	 n;		/* SEGMENT, DOCUMENT: the size;
					   LINKED, UNLINKED: the segment's
					   index; HOLD_RELEASED: the hold's */
	const json_t	*entry;		/* HOLD_PLACED: the whole entry */
};

/*
 * Reads entry e into *ev, whose strings and entry point into e (valid
 * while e is).  Returns 0 (ev->kind RETENTION_EV_NONE for an entry that
 * does not count) or CUSTOS_ERR_CORRUPT for an entry without its index
 * or time, or of a counted type that lacks a member it must have.
 */
int	 retention_event_of(const json_t *e, struct retention_event *ev);

/*
 * Applies one event (events in log order; ev is borrowed, the state
 * copies what it keeps; a HOLD_PLACED's entry is referenced).  Returns
 * 0, CUSTOS_ERR_CORRUPT (a link of a segment not sealed, a release of a
 * hold not in force), CUSTOS_ERR_NOMEM.
 */
int	 retention_apply(struct retention *r, const struct retention_event *ev);

/*
 * Applies one log entry e (borrowed; entries in log order), of any type:
 * retention_event_of() then retention_apply().  Returns 0 or their error.
 */
int	 retention_add(struct retention *r, const json_t *e);

/*
 * Computes every stored object's class and state at Beijing day `day`
 * with the periods of cfg.  Sets *items to an array of *n (owned by r,
 * valid until the next retention_add(), retention_plan() or
 * retention_free()), in the order the objects were first sealed.
 * Returns 0 or CUSTOS_ERR_NOMEM.
 */
int	 retention_plan(struct retention *r, const struct config *cfg,
	    int64_t day, const struct retention_item **items, size_t *n);

/*
 * The holds placed so far, in log order (owned by r, valid as the items
 * are).  Sets *holds and *n.
 */
void	 retention_holds(const struct retention *r,
	    const struct retention_hold **holds, size_t *n);

/*
 * Whether the object hash ("sha256:<hex>"), camera serial, inspection ID
 * or enterprise USCC is known from the entries so far (an enterprise:
 * one that an inspection names).  1 or 0.
 */
int	 retention_known(const struct retention *r, const char *scope,
	    const char *target);

/* The class's name as the config and the plan spell it. */
const char *retention_class_name(enum retention_class c);

/*
 * The period cfg gives class c, as the plan and object.deleted's "rule"
 * write it: "6 months", "permanent", or "never" for an open
 * inspection's footage.  Returns buf or a constant string.
 */
const char *retention_period_text(const struct config *cfg,
	    enum retention_class c, char *buf, size_t len);

/*
 * Reads every entry of the log l into a new state *out (the caller frees
 * it with retention_free()).  Returns 0; on an error *out is NULL and
 * *bad the index of the entry that failed (CUSTOS_ERR_CORRUPT for one
 * that is not JSON or lacks a field, else log_entry()'s error, or
 * CUSTOS_ERR_NOMEM).
 */
int	 retention_load(struct log *l, struct retention **out,
	    uint64_t *bad);

/*
 * The retention view: the events of the log's entries kept as rows of a
 * table beside the log in its SQLite file (lib/log/view_int.h, like the
 * catalog's), which the daemon keeps at the log's size, so a plan reads
 * rows instead of parsing every entry (retention_view.c).
 *
 * retention_view_open() opens it in the log database at path (the file
 * log_open() created); readonly as for the catalog: then nothing is
 * created and CUSTOS_ERR_NOTFOUND says the daemon has not made the table
 * yet.  Returns 0 and *out (close with retention_view_close()) or an
 * error.
 */
struct retention_view;

int	 retention_view_open(const char *path, int readonly,
	    struct retention_view **out);
void	 retention_view_close(struct retention_view *v);

/* Applies the entries appended since the last sync (read-write only). */
int	 retention_view_sync(struct retention_view *v, struct log *l);

/*
 * retention_load() of the log l through the view v: the rows of the
 * entries the view has applied, then the entries of l past them parsed
 * one by one (a view the daemon has not brought up to date yet costs
 * only the entries it lacks).  v may be NULL: the whole log is parsed.
 * Returns as retention_load().
 */
int	 retention_view_load(struct retention_view *v, struct log *l,
	    struct retention **out, uint64_t *bad);

/*
 * The Beijing day of the UTC time ms (milliseconds since the epoch), and
 * back: day and "YYYY-MM-DD".  retention_day_parse() returns 0 or -1.
 */
int64_t	 retention_day_of(int64_t ms);
int	 retention_day_parse(const char *s, int64_t *day);
void	 retention_day_format(int64_t day, char buf[11]);

/* day + the period (not permanent). */
int64_t	 retention_day_add(int64_t day, unsigned n, int unit);

#endif
