/*
 * workdays: the daemon's working-day calendar: loading it from the
 * directory lib/base/config.c resolved ([station] calendar_dir, else
 * "calendar" beside the config file, else the installed data directory),
 * and how far it reaches.  The State Council publishes the next year's
 * holiday arrangement late in the year, so every station runs near the
 * end of its calendar each December: that is a warning, never a reason to
 * stop ingest.  Deadlines past the calendar are "not covered", never
 * guessed (docs/inspection.md).
 */
#ifndef CUSTOSD_WORKDAYS_H
#define CUSTOSD_WORKDAYS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "custos/calendar.h"
#include "custos/config.h"

/* Warn from this many days before the last covered day. */
#define WORKDAYS_WARN_DAYS	30

enum workdays_state {
	WORKDAYS_NONE,		/* calendar_dir = none: no calendar */
	WORKDAYS_OK,		/* today covered, more than 30 days left */
	WORKDAYS_ENDING,	/* the covered years end within 30 days */
	WORKDAYS_ENDED,		/* today is not covered */
};

/*
 * Loads the calendar cfg names into *out (free with calendar_free()); with
 * calendar_dir = none *out is an empty calendar.  Returns 0, or on error
 * (*out untouched, err one line naming the paths):
 * CUSTOS_ERR_CONFIG when the directory does not exist (the default names
 * both places it tried) or holds no *.cal file, calendar_load_dir()'s
 * errors for a file that cannot be read or is malformed, or
 * CUSTOS_ERR_NOMEM.
 */
int	 workdays_load(const struct config *cfg, struct calendar **out,
	    char *err, size_t errlen);

/*
 * The state of c on the Beijing date of now (Unix seconds).  *end (may be
 * NULL) is set to the last day of the run of covered years that holds
 * today; with WORKDAYS_ENDED to the last covered day before today (year 0
 * when there is none); with WORKDAYS_NONE to year 0.
 */
enum workdays_state workdays_state(const struct config *cfg,
	    const struct calendar *c, int64_t now, struct cal_date *end);

/* "2025-2026", "2024, 2026-2027", or "no year". */
void	 workdays_years(const struct calendar *c, char *buf, size_t len);

/*
 * The warning for an operator at now: what runs out and what to do.
 * Writes it to buf and returns 1 for WORKDAYS_ENDING and WORKDAYS_ENDED;
 * returns 0 with buf empty otherwise.
 */
int	 workdays_warning(const struct config *cfg, const struct calendar *c,
	    int64_t now, char *buf, size_t len);

/*
 * The same warning in a few words for sd_notify's STATUS= line (at most
 * WORKDAYS_NOTE_LEN bytes with the NUL): returns 1 and buf, or 0 and buf
 * empty, as workdays_warning().
 */
#define WORKDAYS_NOTE_LEN	96
int	 workdays_note(const struct config *cfg, const struct calendar *c,
	    int64_t now, char *buf, size_t len);

/*
 * The "calendar" member of GET /v1/status (a new reference, or NULL when
 * memory runs out): "state" (none, ok, ending, ended), "source" (config,
 * beside, installed, none), "dir" (absent with none), "years" (array),
 * "covered" (workdays_years()), "ends" (YYYY-MM-DD, absent when nothing
 * before today is covered), "days_left" (ok and ending) and "warning"
 * (ending and ended).
 */
json_t	*workdays_status(const struct config *cfg, const struct calendar *c,
	    int64_t now);

#endif
