/*
 * rules: an inspection's procedure findings, computed from its log
 * entries (docs/inspection.md, "Findings").  Pure: no database, no I/O,
 * no clock; the caller gathers the entries and says what "now" is.
 *
 * Entries are parsed JSON objects as the log holds them (each with
 * "index", "time" and "type").  The module only reads them: it takes no
 * references and frees nothing the caller passed.
 */
#ifndef CUSTOS_RULES_H
#define CUSTOS_RULES_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct calendar;

/*
 * An uncovered stretch of footage between entering and leaving is a
 * footage_gap finding only when it is longer than this: camera clocks and
 * the gap between two files of one recording are not exact.
 */
#define RULES_GAP_TOLERANCE_MS	5000

/* Working days after being coded red within which an inspection enters. */
#define RULES_RED_WORKDAYS	5

/*
 * Working days after the day a credit-repair application is received
 * within which the bureau answers it (credit_repair_overdue).
 */
#define RULES_CREDIT_REPAIR_WORKDAYS	3

/*
 * A hand-entered "at" of inspection.emergency, inspection.entered or
 * inspection.left more than this before the entry's own "time" is the
 * finding recorded_late: the log proves only when the step was recorded.
 */
#define RULES_RECORD_LAG_MS	(INT64_C(2) * 60 * 60 * 1000)

struct rules_input {
	/*
	 * The inspection's entries in log order, from its
	 * inspection.registered or inspection.emergency (which must be the
	 * first) to its last.
	 */
	const json_t *const	*chain;
	size_t			 nchain;
	/* The segment.sealed entries its evidence.linked entries name. */
	const json_t *const	*segments;
	size_t			 nsegments;
	/*
	 * device.registered entries of the cameras involved, in log order
	 * (the last one of a camera counts); may be empty: a camera without
	 * one is a body camera.
	 */
	const json_t *const	*devices;
	size_t			 ndevices;
	/* officer.added entries of its officers. */
	const json_t *const	*officers;
	size_t			 nofficers;
	/*
	 * The enterprise's enterprise.added and enterprise.risk entries in
	 * log order (entries of other enterprises are ignored).
	 */
	const json_t *const	*risk;
	size_t			 nrisk;
	/* Working days (conf/calendar); not NULL. */
	const struct calendar	*cal;
	/* The evaluation time, Unix milliseconds UTC. */
	int64_t			 now_ms;
};

/*
 * Computes the findings of one inspection.  On success *findings is a new
 * JSON array (the caller owns the reference) of objects
 *	{"rule": "<rule>", "detail": "<one sentence, English>",
 *	 "detail_zh": "<the same sentence, Chinese>",
 *	 "entries": [<log indexes, ascending>]}
 * in the order of the rules table; a footage_gap finding also has "from"
 * and "to" (RFC 3339 UTC) and a deadline_unknown finding has "for" (the
 * rule it could not decide) and "uncovered" (the first date the calendar
 * lacks).  An empty array means no findings.
 *
 * Returns 0; CUSTOS_ERR_FORMAT when an entry lacks a field a rule needs
 * or holds a malformed one (a bad time, no officers array, a first entry
 * that is neither registration nor emergency); CUSTOS_ERR_NOTFOUND when
 * an evidence.linked names a segment not in segments; CUSTOS_ERR_INVALID
 * for a NULL argument; CUSTOS_ERR_NOMEM.  On error *findings is NULL.
 */
int	 rules_evaluate(const struct rules_input *in, json_t **findings);

/*
 * Where the footage of a segment.sealed entry lies, read as the
 * footage_gap rule reads it: from media.recorded_start (the entry's mtime
 * when the container has none) for media.duration_ms (0 when absent).
 * Stores Unix milliseconds UTC in *from and *to.  Returns 0 or
 * CUSTOS_ERR_FORMAT (no usable time).
 */
int	 rules_segment_span(const json_t *seg, int64_t *from, int64_t *to);

/* A stretch of time [from, to], Unix milliseconds UTC. */
struct rules_span {
	int64_t		 from;
	int64_t		 to;
};

/* qsort() order of struct rules_span: by from, then by to. */
int	 rules_span_cmp(const void *a, const void *b);

/*
 * The "index" of log entry e: 0 with it in *idx, or CUSTOS_ERR_FORMAT when
 * it is missing, not an integer or negative.
 */
int	 rules_entry_index(const json_t *e, int64_t *idx);

/*
 * Parses an RFC 3339 time, strictly: "YYYY-MM-DDThh:mm:ss", an optional
 * fraction of 1 to 9 digits (truncated to milliseconds), then "Z" or
 * "+hh:mm"/"-hh:mm"; upper-case "T" and "Z" only, no leap second, a real
 * date, nothing after it.  Stores Unix milliseconds UTC in *ms.  Returns
 * 0 or CUSTOS_ERR_FORMAT.
 */
int	 rules_time_parse(const char *s, int64_t *ms);

/*
 * Writes ms as "YYYY-MM-DDThh:mm:ss.sssZ" and a NUL into buf (at least
 * 25 bytes; less is truncated).
 */
void	 rules_time_format(int64_t ms, char *buf, size_t len);

#endif
