/*
 * fixture_rules: the findings tests' set-up (tests/unit/test_rules*.c),
 * the "rfx" fixture.  One inspection's inputs to rules_evaluate(), each
 * list given as JSON texts the way the log holds entries, the shipped
 * working-day calendar, and the entries of a clean inspection that the
 * tests add to or leave out of.
 *
 * Entries of the clean inspection: the officers PA-0001 and PA-0002
 * (indexes 1, 2), registered at 10 for enterprise ENT, entered at 11
 * (2026-11-26 02:00Z), one ten-minute segment (5) from BC-1 covering the
 * visit exactly, linked at 12, left at 13 (02:10Z), closed at 14.
 */
#ifndef CUSTOS_TEST_FIXTURE_RULES_H
#define CUSTOS_TEST_FIXTURE_RULES_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct calendar;

#define RFX_MAX		32
#define ENT		"91350100M000100Y43"

struct rfx {
	json_t		*chain[RFX_MAX], *seg[RFX_MAX], *dev[RFX_MAX],
			*off[RFX_MAX], *risk[RFX_MAX];
	size_t		 nchain, nseg, ndev, noff, nrisk;
	json_t		*findings;	/* of the last rfx_eval() */
};

/*
 * cmocka group set-up and tear-down: load the calendar from conf/calendar
 * (CALENDAR_DIR when compiled with it) into rfx_cal, and free it.
 */
extern struct calendar *rfx_cal;
int	 rfx_setup(void **state);
int	 rfx_teardown(void **state);

/* Parses text into list[*n] and counts it; fails the test if it is bad. */
void	 rfx_put(json_t **list, size_t *n, const char *text);

/* rfx_put() of each of texts, a NULL-terminated list (LIST()). */
void	 rfx_put_all(json_t **list, size_t *n, const char *const texts[]);
#define LIST(...)	((const char *const []){ __VA_ARGS__, NULL })

/* Drops every entry and the findings, and zeroes f. */
void	 rfx_free(struct rfx *f);

/* An RFC 3339 time in Unix milliseconds; fails the test if it is bad. */
int64_t	 rfx_time(const char *s);

/* rules_evaluate() of f at now into f->findings: returns its code. */
int	 rfx_eval(struct rfx *f, const char *now);

/*
 * Fails the test unless every finding has "detail" and "detail_zh", the
 * latter valid UTF-8, Chinese, and holding every fact of the former (each
 * ID, log index, count, time, date and rule code).  rfx_eval() runs it on
 * the findings of every evaluation that succeeds.
 */
void	 rfx_check_zh(const json_t *findings);

/* rfx_eval() that fails the test unless it returns 0. */
void	 rfx_eval_ok(struct rfx *f, const char *now);

/* The number of findings of rule. */
size_t	 rfx_count(const struct rfx *f, const char *rule);

/* The k-th finding of rule (0-based); fails the test if there is none. */
json_t	*rfx_nth(const struct rfx *f, const char *rule, size_t k);

/* A member of the k-th finding of rule as a string, or NULL. */
const char *rfx_field(const struct rfx *f, const char *rule, size_t k,
	    const char *key);

/* Fails unless finding's entries, compact JSON, are want ("[1,2]"). */
void	 rfx_entries(const json_t *finding, const char *want);

/* Fails, printing them, unless there are no findings. */
void	 rfx_none(const struct rfx *f);

/* Puts officer PA-0001 and PA-0002 (valid until until2) in the registry. */
void	 rfx_officers(struct rfx *f, const char *until2);

/* rfx_officers(), the registration by officers_json, and the entering. */
void	 rfx_visit_start(struct rfx *f, const char *officers_json);

/*
 * A visit by the two officers (rfx_visit_start()) with the segments seg,
 * and the chain entries after the entering.
 */
void	 rfx_visit(struct rfx *f, const char *const seg[],
	    const char *const chain[]);

/* The clean inspection (the comment at the top). */
void	 rfx_clean(struct rfx *f);

/* Entries as the log holds them (index and time given where they vary). */
#define OFF1	"{\"type\":\"officer.added\",\"index\":1," \
	"\"time\":\"2026-03-02T01:00:00.000Z\",\"officer\":\"PA-0001\"," \
	"\"name\":\"张伟\",\"unit\":\"U\",\"credential\":\"C-1\"," \
	"\"valid_until\":\"2027-12-31\"}"
#define OFF2(until)	"{\"type\":\"officer.added\",\"index\":2," \
	"\"time\":\"2026-03-02T01:00:00.000Z\",\"officer\":\"PA-0002\"," \
	"\"name\":\"李娜\",\"unit\":\"U\",\"credential\":\"C-2\"," \
	"\"valid_until\":\"" until "\"}"
#define REG(officers)	"{\"type\":\"inspection.registered\",\"index\":10," \
	"\"time\":\"2026-11-20T01:00:00.000Z\",\"inspection\":" \
	"\"INS-20261120-0001\",\"enterprise\":\"" ENT "\",\"officers\":" \
	officers ",\"basis\":\"B\",\"content\":\"C\",\"method\":\"onsite\"}"
#define TWO	"[\"PA-0001\",\"PA-0002\"]"
#define ENTERED(idx, at)	"{\"type\":\"inspection.entered\",\"index\":" \
	#idx ",\"time\":\"" at "\",\"at\":\"" at "\"}"
#define SEG(idx, cam, start, dur)	"{\"type\":\"segment.sealed\"," \
	"\"index\":" #idx ",\"time\":\"2026-11-26T05:00:00.000Z\"," \
	"\"camera\":\"" cam "\",\"mtime\":\"2026-11-26T04:00:00.000Z\"," \
	"\"media\":{\"container\":\"mp4\",\"duration_ms\":" #dur \
	",\"recorded_start\":\"" start "\"}}"
#define LINK(idx, seg)	"{\"type\":\"evidence.linked\",\"index\":" #idx \
	",\"time\":\"2026-11-26T05:00:00.000Z\",\"segment\":" #seg \
	",\"by\":\"auto\"}"
#define UNLINK(idx, seg)	"{\"type\":\"evidence.unlinked\",\"index\":" \
	#idx ",\"time\":\"2026-11-26T05:01:00.000Z\",\"segment\":" #seg \
	",\"reason\":\"wrong site\"}"
#define LEFT(idx, at)	"{\"type\":\"inspection.left\",\"index\":" #idx \
	",\"time\":\"" at "\",\"at\":\"" at "\"}"
#define CLOSED(idx)	"{\"type\":\"inspection.closed\",\"index\":" #idx \
	",\"time\":\"2026-11-26T06:00:00.000Z\",\"result\":\"ok\"}"
#define NOW	"2026-11-26T07:00:00.000Z"

#endif
