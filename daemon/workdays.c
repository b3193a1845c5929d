/*
 * workdays: loading the working-day calendar and telling how far it
 * reaches.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "custos/err.h"
#include "workdays.h"

/* How a message names the source of the directory. */
static const char *
source_name(enum config_calendar from)
{
	switch (from) {
	case CONFIG_CALENDAR_SET:
		return "config";
	case CONFIG_CALENDAR_BESIDE:
		return "beside";
	case CONFIG_CALENDAR_INSTALLED:
		return "installed";
	case CONFIG_CALENDAR_NONE:
		break;
	}
	return "none";
}

/* Why the calendar directory is missing, naming every path tried. */
static void
missing(const struct config *cfg, char *err, size_t errlen)
{
	if (cfg->calendar_from == CONFIG_CALENDAR_INSTALLED)
		snprintf(err, errlen, "no working-day calendar: neither %s "
		    "(beside the config file) nor %s (installed) exists; set "
		    "[station] calendar_dir, or \"calendar_dir = none\" to run "
		    "without one", cfg->calendar_beside, cfg->calendar_dir);
	else
		snprintf(err, errlen, "[station] calendar_dir %s does not "
		    "exist (\"calendar_dir = none\" runs without a calendar)",
		    cfg->calendar_dir);
}

static int
any_year(const struct calendar *c)
{
	int y;

	for (y = CALENDAR_MIN_YEAR; y <= CALENDAR_MAX_YEAR; y++)
		if (calendar_covers(c, y))
			return 1;
	return 0;
}

int
workdays_load(const struct config *cfg, struct calendar **out,
    char *err, size_t errlen)
{
	struct calendar *c;
	struct stat sb;
	char why[512];
	int rc;

	if ((rc = calendar_new(&c)) != 0)
		return rc;
	if (cfg->calendar_from == CONFIG_CALENDAR_NONE) {
		*out = c;
		return 0;
	}
	if (stat(cfg->calendar_dir, &sb) == -1 && errno == ENOENT) {
		missing(cfg, err, errlen);
		calendar_free(c);
		return CUSTOS_ERR_CONFIG;
	}
	if ((rc = calendar_load_dir(c, cfg->calendar_dir, why,
	    sizeof(why))) != 0)
		snprintf(err, errlen, "cannot load the calendar from %s: %s",
		    cfg->calendar_dir, rc == CUSTOS_ERR_NOMEM ?
		    "out of memory" : why);
	else if (!any_year(c)) {
		snprintf(err, errlen, "no calendar file (cn-YYYY.cal) in %s",
		    cfg->calendar_dir);
		rc = CUSTOS_ERR_CONFIG;
	}
	if (rc != 0) {
		calendar_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

static void
last_day(int year, struct cal_date *d)
{
	d->year = year;
	d->month = 12;
	d->day = 31;
}

enum workdays_state
workdays_state(const struct config *cfg, const struct calendar *c,
    int64_t now, struct cal_date *end)
{
	struct cal_date today, e = { 0, 0, 0 };
	enum workdays_state s;
	int y;

	calendar_beijing_date(now, &today);
	if (cfg->calendar_from == CONFIG_CALENDAR_NONE)
		s = WORKDAYS_NONE;
	else if (!calendar_covers(c, today.year)) {
		for (y = today.year - 1; y >= CALENDAR_MIN_YEAR &&
		    !calendar_covers(c, y); y--)
			;
		if (y >= CALENDAR_MIN_YEAR)
			last_day(y, &e);
		s = WORKDAYS_ENDED;
	} else {
		for (y = today.year; calendar_covers(c, y + 1); y++)
			;
		last_day(y, &e);
		s = calendar_days(y, 12, 31) - calendar_days(today.year,
		    today.month, today.day) <= WORKDAYS_WARN_DAYS ?
		    WORKDAYS_ENDING : WORKDAYS_OK;
	}
	if (end != NULL)
		*end = e;
	return s;
}

void
workdays_years(const struct calendar *c, char *buf, size_t len)
{
	size_t n = 0;
	int y, from;

	buf[0] = '\0';
	for (y = CALENDAR_MIN_YEAR; y <= CALENDAR_MAX_YEAR && n < len; y++) {
		if (!calendar_covers(c, y))
			continue;
		for (from = y; calendar_covers(c, y + 1); y++)
			;
		if (from == y)
			n += (size_t)snprintf(buf + n, len - n, "%s%d",
			    n > 0 ? ", " : "", y);
		else
			n += (size_t)snprintf(buf + n, len - n, "%s%d-%d",
			    n > 0 ? ", " : "", from, y);
	}
	if (n == 0)
		snprintf(buf, len, "no year");
}

int
workdays_warning(const struct config *cfg, const struct calendar *c,
    int64_t now, char *buf, size_t len)
{
	struct cal_date today, end;
	char t[16], e[16];
	int64_t left;

	buf[0] = '\0';
	calendar_beijing_date(now, &today);
	calendar_date_format(&today, t, sizeof(t));
	switch (workdays_state(cfg, c, now, &end)) {
	case WORKDAYS_ENDING:
		calendar_date_format(&end, e, sizeof(e));
		left = calendar_days(end.year, end.month, end.day) -
		    calendar_days(today.year, today.month, today.day);
		snprintf(buf, len, "the calendar ends %s, in %lld day%s: add "
		    "cn-%d.cal to %s once the %d holidays are published, then "
		    "run \"custos calendar reload\"; deadlines after %s are "
		    "\"not covered\" until then", e, (long long)left,
		    left == 1 ? "" : "s", end.year + 1, cfg->calendar_dir,
		    end.year + 1, e);
		return 1;
	case WORKDAYS_ENDED:
		if (end.year != 0) {
			calendar_date_format(&end, e, sizeof(e));
			snprintf(buf, len, "the calendar does not cover today "
			    "(%s), it ends %s: add cn-%d.cal to %s and run "
			    "\"custos calendar reload\"; deadlines are \"not "
			    "covered\" until then", t, e, today.year,
			    cfg->calendar_dir);
		} else
			snprintf(buf, len, "the calendar does not cover today "
			    "(%s): add cn-%d.cal to %s and run \"custos "
			    "calendar reload\"; deadlines are \"not covered\" "
			    "until then", t, today.year, cfg->calendar_dir);
		return 1;
	case WORKDAYS_NONE:
	case WORKDAYS_OK:
		break;
	}
	return 0;
}

int
workdays_note(const struct config *cfg, const struct calendar *c,
    int64_t now, char *buf, size_t len)
{
	struct cal_date today, end;
	char e[16];

	buf[0] = '\0';
	calendar_beijing_date(now, &today);
	switch (workdays_state(cfg, c, now, &end)) {
	case WORKDAYS_ENDING:
		calendar_date_format(&end, e, sizeof(e));
		snprintf(buf, len, "calendar ends %s: add cn-%d.cal", e,
		    end.year + 1);
		return 1;
	case WORKDAYS_ENDED:
		snprintf(buf, len, "calendar does not cover today: add "
		    "cn-%d.cal", today.year);
		return 1;
	case WORKDAYS_NONE:
	case WORKDAYS_OK:
		break;
	}
	return 0;
}

static const char *
state_name(enum workdays_state s)
{
	switch (s) {
	case WORKDAYS_OK:
		return "ok";
	case WORKDAYS_ENDING:
		return "ending";
	case WORKDAYS_ENDED:
		return "ended";
	case WORKDAYS_NONE:
		break;
	}
	return "none";
}

/* Adds the members that need a calendar directory to j. */
static int
status_dir(const struct config *cfg, const struct calendar *c, int64_t now,
    json_t *j)
{
	struct cal_date today, end;
	enum workdays_state s = workdays_state(cfg, c, now, &end);
	char buf[1024];
	json_t *years;
	int y;

	if ((years = json_array()) == NULL ||
	    json_object_set_new(j, "years", years) != 0 ||
	    json_object_set_new(j, "dir", json_string(cfg->calendar_dir)) != 0)
		return CUSTOS_ERR_NOMEM;
	for (y = CALENDAR_MIN_YEAR; y <= CALENDAR_MAX_YEAR; y++)
		if (calendar_covers(c, y) &&
		    json_array_append_new(years, json_integer(y)) != 0)
			return CUSTOS_ERR_NOMEM;
	workdays_years(c, buf, sizeof(buf));
	if (json_object_set_new(j, "covered", json_string(buf)) != 0)
		return CUSTOS_ERR_NOMEM;
	if (end.year != 0) {
		calendar_date_format(&end, buf, sizeof(buf));
		if (json_object_set_new(j, "ends", json_string(buf)) != 0)
			return CUSTOS_ERR_NOMEM;
	}
	if (s == WORKDAYS_OK || s == WORKDAYS_ENDING) {
		calendar_beijing_date(now, &today);
		if (json_object_set_new(j, "days_left", json_integer(
		    calendar_days(end.year, end.month, end.day) -
		    calendar_days(today.year, today.month, today.day))) != 0)
			return CUSTOS_ERR_NOMEM;
	}
	if (workdays_warning(cfg, c, now, buf, sizeof(buf)) &&
	    json_object_set_new(j, "warning", json_string(buf)) != 0)
		return CUSTOS_ERR_NOMEM;
	return 0;
}

json_t *
workdays_status(const struct config *cfg, const struct calendar *c,
    int64_t now)
{
	json_t *j;

	if ((j = json_pack("{s:s, s:s}", "state", state_name(workdays_state(
	    cfg, c, now, NULL)), "source",
	    source_name(cfg->calendar_from))) == NULL)
		return NULL;
	if (cfg->calendar_from != CONFIG_CALENDAR_NONE &&
	    status_dir(cfg, c, now, j) != 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}
