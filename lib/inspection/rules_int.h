/*
 * rules_int: what the three files of the rules module share.  rules.c
 * reads the chain into a summary and runs the rules table;
 * rules_deadline.c holds the rules that count working days (back-fill,
 * red code, credit repair); rules_finding.c writes a finding and reads
 * the fields every rule reads.  Calls go downwards only: rules.c calls
 * the other two, rules_deadline.c calls rules_finding.c, which calls
 * neither.  Not a public interface: only these three files include it.
 */
#ifndef CUSTOS_RULES_INT_H
#define CUSTOS_RULES_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "custos/rules.h"

struct cal_date;

/* An index or time that is not there. */
#define RULES_NONE	INT64_C(-1)

/* A segment linked now: its evidence.linked entry and the segment. */
struct rules_link {
	int64_t		 linked;	/* the evidence.linked's index */
	int64_t		 segment;	/* the segment.sealed's index */
};

/* One inspection's chain as the rules read it (rules.c summarize()). */
struct rules_summary {
	const struct rules_input *in;
	json_t		*out;		/* the findings array */

	int64_t		 first;		/* the registration or emergency */
	int		 emergency;
	const char	*enterprise;
	const json_t	*officers;	/* the first entry's "officers" */

	int64_t		 entered;	/* index, or RULES_NONE */
	int64_t		 entered_ms;
	int64_t		 left;
	int64_t		 left_ms;
	int64_t		 closed;
	int64_t		 decision;	/* the first decision.served */
	int64_t		 backfilled;
	int64_t		 backfilled_ms;
	int		 backfilled_late;

	struct rules_link *links;
	size_t		 nlinks;
	struct rules_span *reasons;	/* gap_reason [from, to] */
	size_t		 nreasons;
};

/* rules_finding.c */

/* The string member key of e, or NULL (absent or not a string). */
const char	*rules_str(const json_t *e, const char *key);

/* Parses e's time member key into *ms: 0 or CUSTOS_ERR_FORMAT. */
int	 rules_time_of(const json_t *e, const char *key, int64_t *ms);

/* The Beijing date of ms (Unix milliseconds UTC). */
void	 rules_beijing_date(int64_t ms, struct cal_date *d);

/*
 * Appends one finding to s->out.  idx holds n log indexes (RULES_NONE
 * ones are skipped); they are sorted in place and made unique.  extra,
 * when not NULL, is an object whose fields are added after "entries";
 * its reference is taken in every case.  The finding's sentence is
 * written twice from the same arguments: en gives "detail" (English),
 * zh "detail_zh" (Chinese, the same facts).  Both formats take every
 * argument in the same order (a word one language does not show is
 * consumed with "%.0s"), so that the compiler checks each against the
 * arguments.  Returns 0 or CUSTOS_ERR_NOMEM.
 */
int	 rules_add(struct rules_summary *s, const char *rule, int64_t *idx,
	    size_t n, json_t *extra, const char *en, const char *zh, ...)
	    __attribute__((format(printf, 6, 8), format(printf, 7, 8)));

/*
 * Appends the deadline_unknown finding of rule, whose deadline needs the
 * date uncovered the calendar lacks.  Returns rules_add()'s codes.
 */
int	 rules_unknown(struct rules_summary *s, const char *rule,
	    int64_t *idx, size_t n, const struct cal_date *uncovered);

/* rules_deadline.c: each appends its findings; 0 or an error. */
int	 rules_backfill(struct rules_summary *s);
int	 rules_red_not_inspected(struct rules_summary *s);
int	 rules_credit_repair_overdue(struct rules_summary *s);

#endif
