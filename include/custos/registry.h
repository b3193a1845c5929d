/*
 * registry: officers and enterprises, derived from the log into tables
 * beside it in log.db, like the catalog.  Every change is a log entry
 * first (officer.added, enterprise.added, enterprise.risk; docs/log.md
 * has their fields), so the log alone rebuilds the registry:
 * registry_sync() applies the entries it has not seen, by index.
 *
 * Tables (informative; none of them is evidence):
 *	registry_state(key, value)	"synced_to": entries applied
 *	officers(id, name, unit, credential, valid_until, idx)
 *	enterprises(uscc, name, address, industry, risk, idx)
 *	risk_history(uscc, risk, since, idx)	since: the entry's "time"
 *	devices(camera, kind, model, review, idx)
 *	assignments(camera, officer, since, idx)	since: the "from" time
 *	inspections(id, ...)	one row an inspection (docs/inspection.md),
 *				with its state and its chain's last entry
 *	inspection_entries(inspection, idx, type)	its chain
 *	reviews(idx, inspection, reviewer, result, note, time)
 *	decisions(inspection, number, penalty, at, credit_notice, idx)
 *	credit_repairs(idx, inspection, at, text, due, due_unknown,
 *	    answer_idx, result, note, answered_at, late)
 *
 * Text is UTF-8 as the entries carry it; names may be Chinese.
 */
#ifndef CUSTOS_REGISTRY_H
#define CUSTOS_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "custos/lifecycle.h"

struct registry;
struct log;

/*
 * Opens the registry in the log database at path (the file log_open()
 * created), creating its tables if needed.  Returns 0 and *out (close with
 * registry_close()), or CUSTOS_ERR_DB / CUSTOS_ERR_NOMEM.
 */
int	 registry_open(const char *path, struct registry **out);

/*
 * Opens the registry of a log database read-only, for the tools that only
 * look (replay, audit, export): no table is created, nothing is written
 * and no write lock is taken, so a running daemon is not disturbed.
 * registry_sync() on it fails.  Returns 0 and *out, CUSTOS_ERR_NOTFOUND
 * when the daemon has not built the registry yet, CUSTOS_ERR_DB,
 * CUSTOS_ERR_NOMEM.
 */
int	 registry_open_ro(const char *path, struct registry **out);
void	 registry_close(struct registry *r);

/*
 * Applies the entries of l from the registry's synced_to up to
 * log_size(l), in one transaction.  An entry that re-adds an officer or
 * enterprise does not replace the first one (the daemon refuses such
 * writes; the first entry wins if one is in the log anyway).  Returns 0,
 * CUSTOS_ERR_CORRUPT if a registry entry lacks a required field, or
 * CUSTOS_ERR_DB.
 */
int	 registry_sync(struct registry *r, struct log *l);

/* Number of log entries applied. */
uint64_t registry_synced(const struct registry *r);

/*
 * Input checks shared by the daemon and the sync: each returns 0 or
 * CUSTOS_ERR_FORMAT.  An officer ID is 1-32 characters of [A-Za-z0-9-]; a
 * date is a real calendar day written YYYY-MM-DD; a risk colour is red,
 * yellow, blue or green.
 */
int	 registry_check_officer_id(const char *id);
int	 registry_check_date(const char *date);
int	 registry_check_risk(const char *risk);

struct registry_officer {
	char		*id;
	char		*name;
	char		*unit;
	char		*credential;
	char		*valid_until;	/* YYYY-MM-DD */
	uint64_t	 index;		/* the officer.added entry */
};

struct registry_enterprise {
	char		*uscc;
	char		*name;
	char		*address;	/* NULL when not given */
	char		*industry;	/* NULL when not given */
	char		*risk;		/* current colour, NULL when none */
	uint64_t	 index;		/* the enterprise.added entry */
};

struct registry_risk {
	char		*risk;
	char		*since;		/* the entry's "time" */
	uint64_t	 index;		/* the entry that set it */
};

/*
 * Looks up officer id.  Returns 0 and *out (free with
 * registry_officer_free()), CUSTOS_ERR_NOTFOUND, CUSTOS_ERR_NOMEM or
 * CUSTOS_ERR_DB.
 */
int	 registry_officer(struct registry *r, const char *id,
	    struct registry_officer **out);
void	 registry_officer_free(struct registry_officer *o);

/*
 * Whether officer id's credential is valid on date (YYYY-MM-DD, the last
 * valid day included).  Returns 0 if it is, CUSTOS_ERR_RANGE if it has
 * expired by then, CUSTOS_ERR_NOTFOUND for an unknown officer,
 * CUSTOS_ERR_FORMAT for a bad date, or CUSTOS_ERR_DB / CUSTOS_ERR_NOMEM.
 */
int	 registry_officer_valid_on(struct registry *r, const char *id,
	    const char *date);

/*
 * Lists all officers by ID.  Sets a new array *out of *n (free with
 * registry_officers_free(), which frees the elements too).  Returns 0,
 * CUSTOS_ERR_NOMEM or CUSTOS_ERR_DB.
 */
int	 registry_officers(struct registry *r, struct registry_officer **out,
	    size_t *n);
void	 registry_officers_free(struct registry_officer *o, size_t n);

/* Like registry_officer(), for an enterprise by its USCC. */
int	 registry_enterprise(struct registry *r, const char *uscc,
	    struct registry_enterprise **out);
void	 registry_enterprise_free(struct registry_enterprise *e);

/* Like registry_officers(), for all enterprises by USCC. */
int	 registry_enterprises(struct registry *r,
	    struct registry_enterprise **out, size_t *n);
void	 registry_enterprises_free(struct registry_enterprise *e, size_t n);

/*
 * Lists uscc's risk colours, oldest first.  Sets a new array *out of *n
 * (possibly 0; free with registry_risks_free()).  Returns 0,
 * CUSTOS_ERR_NOMEM or CUSTOS_ERR_DB.
 */
int	 registry_risk_history(struct registry *r, const char *uscc,
	    struct registry_risk **out, size_t *n);
void	 registry_risks_free(struct registry_risk *h, size_t n);

/*
 * Devices, assignments and inspections (docs/inspection.md), applied by
 * registry_sync() from device.registered, camera.assigned and every entry
 * that names an "inspection" (lib/inspection/registry_inspect.c).
 */
struct registry_device {
	char		*camera;
	char		*kind;		/* body, drone or fixed */
	char		*model;		/* NULL when not given */
	char		*review;	/* NULL when not given */
	uint64_t	 index;		/* the entry that registered it */
};

/* Like registry_officer(), for a device by its serial. */
int	 registry_device(struct registry *r, const char *camera,
	    struct registry_device **out);
void	 registry_device_free(struct registry_device *d);

/*
 * Who carries camera at time (RFC 3339 UTC, as the entries write it): sets
 * *officer (a new string) from the camera's latest camera.assigned whose
 * "from" is not after time.  Returns 0, CUSTOS_ERR_NOTFOUND, or an error.
 */
int	 registry_camera_officer(struct registry *r, const char *camera,
	    const char *time, char **officer);

struct registry_inspection {
	char		*id;		/* INS-YYYYMMDD-NNNN */
	char		*enterprise;
	char		*officers;	/* JSON array of officer IDs */
	char		*basis;		/* NULL until back-filled (emergency) */
	char		*content;	/* likewise */
	char		*planned;	/* YYYY-MM-DD or NULL */
	char		*method;
	int		 emergency;
	char		*state;		/* its lifecycle's state name */
	char		*entered_at;	/* RFC 3339 or NULL */
	char		*left_at;
	char		*closed_at;	/* the closing entry's "time" */
	char		*result;
	char		*deadline;
	char		*backfill_due;	/* RFC 3339 or NULL */
	char		*backfill_due_unknown;	/* why there is none, or NULL */
	int		 backfilled;
	int		 backfill_late;
	uint64_t	 index;		/* its first entry */
	uint64_t	 last_index;	/* its latest entry */
	char		*last_leaf;	/* its leaf hash, "sha256:<hex>" */
	/*
	 * Where it stands (custos/lifecycle.h): a step is allowed when
	 * lifecycle_step(&lifecycle, step, ...) returns 0.
	 */
	struct lifecycle lifecycle;
};

struct registry_chain_entry {
	uint64_t	 index;
	char		*type;
};

/*
 * Looks up inspection id.  Returns 0 and *out (free with
 * registry_inspection_free()), CUSTOS_ERR_NOTFOUND, or an error.
 */
int	 registry_inspection(struct registry *r, const char *id,
	    struct registry_inspection **out);
void	 registry_inspection_free(struct registry_inspection *i);

/* Lists all inspections by ID, like registry_officers(). */
int	 registry_inspections(struct registry *r,
	    struct registry_inspection **out, size_t *n);
void	 registry_inspections_free(struct registry_inspection *i, size_t n);

/*
 * Lists the entries of inspection id, first to last.  Sets a new array
 * *out of *n (free with registry_chain_free()).  Returns 0 or an error.
 */
int	 registry_inspection_chain(struct registry *r, const char *id,
	    struct registry_chain_entry **out, size_t *n);
void	 registry_chain_free(struct registry_chain_entry *c, size_t n);

/*
 * What follows an inspection's visit (lib/inspection/registry_procedure.c):
 * its legal reviews, its penalty decision (decision.served) and its
 * credit-repair applications (credit_repair.applied) with their answers
 * (credit_repair.answered), each as the log's entries wrote it.
 */
struct registry_review {
	uint64_t	 index;		/* the review.recorded entry */
	char		*reviewer;	/* officer ID */
	char		*result;	/* approved or returned */
	char		*note;		/* NULL when not given */
	char		*time;		/* the entry's "time" */
};

struct registry_decision {
	char		*number;	/* the decision's document number */
	char		*penalty;	/* what was decided */
	char		*at;		/* when it was served */
	char		*credit_notice;	/* NULL: not served with it */
	uint64_t	 index;		/* the decision.served entry */
};

struct registry_credit_repair {
	uint64_t	 index;		/* the credit_repair.applied entry */
	char		*at;		/* when the application came in */
	char		*text;
	char		*due;		/* RFC 3339, or NULL */
	char		*due_unknown;	/* why there is no due, or NULL */
	int		 answered;	/* the fields below are set */
	uint64_t	 answer_index;	/* the credit_repair.answered entry */
	char		*result;	/* granted or refused; NULL */
	char		*note;		/* NULL when not given */
	char		*answered_at;	/* the answer's "at"; NULL */
	int		 late;		/* answered after due */
};

/*
 * The legal reviews of inspection id, oldest first: a new array *out of
 * *n (possibly 0; free with registry_reviews_free()).  Returns 0 or an
 * error.
 */
int	 registry_reviews(struct registry *r, const char *id,
	    struct registry_review **out, size_t *n);
void	 registry_reviews_free(struct registry_review *v, size_t n);

/*
 * The penalty decision of inspection id: 0 and *out (free with
 * registry_decision_free()), CUSTOS_ERR_NOTFOUND when none was served,
 * or an error.
 */
int	 registry_decision(struct registry *r, const char *id,
	    struct registry_decision **out);
void	 registry_decision_free(struct registry_decision *d);

/*
 * The credit-repair applications of inspection id, oldest first, like
 * registry_reviews() (free with registry_credit_repairs_free()).
 */
int	 registry_credit_repairs(struct registry *r, const char *id,
	    struct registry_credit_repair **out, size_t *n);
void	 registry_credit_repairs_free(struct registry_credit_repair *c,
	    size_t n);

/*
 * Sets *n to the number of inspections whose ID starts with prefix
 * ("INS-YYYYMMDD-"), so that the next one is numbered *n + 1.  Returns 0
 * or an error.
 */
int	 registry_inspections_on(struct registry *r, const char *prefix,
	    uint64_t *n);

#endif
