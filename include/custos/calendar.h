/*
 * calendar: China's working days, from the official holiday arrangement
 * files in conf/calendar/ (one file a year), and the one deadline engine
 * every procedure rule uses.
 *
 * Days are Beijing dates (UTC+8, no daylight saving).  A deadline of N
 * working days after a day D does not count D itself (行政处罚法 Art. 85)
 * and ends at 24:00 Beijing time of the N-th working day after D; because
 * only working days are counted, a deadline never ends on a holiday.  A
 * year with no file is never guessed: the functions return
 * CUSTOS_ERR_RANGE and name the first date not covered.
 */
#ifndef CUSTOS_CALENDAR_H
#define CUSTOS_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#define CALENDAR_MIN_YEAR	2000
#define CALENDAR_MAX_YEAR	2099

struct cal_date {
	int	 year;
	int	 month;		/* 1..12 */
	int	 day;		/* 1..31 */
};

struct calendar;

/* Makes an empty calendar (it covers no year).  Returns 0 or NOMEM. */
int	 calendar_new(struct calendar **out);
void	 calendar_free(struct calendar *c);

/*
 * Adds one year from the text of a calendar file (len bytes; name is used
 * in messages).  Returns 0; CUSTOS_ERR_FORMAT with err = "<name>:<line>:
 * <problem>" for a malformed file or a date outside its year;
 * CUSTOS_ERR_EXISTS if that year is loaded already.  On error c is
 * unchanged.
 */
int	 calendar_load(struct calendar *c, const char *text, size_t len,
	    const char *name, char *err, size_t errlen);

/*
 * Loads every "*.cal" file in dir; a NULL dir ("calendar_dir = none")
 * loads nothing.  Returns 0, CUSTOS_ERR_SYSTEM (errno set, err names the
 * path) or calendar_load()'s errors.
 */
int	 calendar_load_dir(struct calendar *c, const char *dir, char *err,
	    size_t errlen);

/* Returns 1 if year is covered by a loaded file, 0 if not. */
int	 calendar_covers(const struct calendar *c, int year);

/*
 * Parses "YYYY-MM-DD" (a real date, nothing after it).  Returns 0 or
 * CUSTOS_ERR_FORMAT.
 */
int	 calendar_date_parse(const char *s, struct cal_date *d);

/* Writes "YYYY-MM-DD" and a NUL into buf (at least 11 bytes). */
void	 calendar_date_format(const struct cal_date *d, char *buf, size_t len);

/*
 * Sets *work to 1 if d is a working day, else 0.  Returns 0 or
 * CUSTOS_ERR_RANGE when d's year is not covered.
 */
int	 calendar_is_workday(const struct calendar *c, const struct cal_date *d,
	    int *work);

/*
 * Finds the n-th working day after start (start not counted; n >= 1) and
 * writes it to out.  Returns 0, or CUSTOS_ERR_RANGE with *uncovered (may
 * be NULL) the first date the calendar does not cover.
 */
int	 calendar_add_workdays(const struct calendar *c,
	    const struct cal_date *start, unsigned n, struct cal_date *out,
	    struct cal_date *uncovered);

/*
 * Returns the number of days from 1970-01-01 to year-month-day in the
 * proleptic Gregorian calendar (negative before 1970).  The date is not
 * checked: month must be 1..12 and day 1..31; a day past the month's end
 * counts on into the next month.
 */
int64_t	 calendar_days(int year, int month, int day);

/* The Beijing date of a Unix time (seconds, UTC). */
void	 calendar_beijing_date(int64_t unix_s, struct cal_date *d);

/*
 * The Unix time (UTC seconds) of 24:00 Beijing time at the end of d, the
 * moment a deadline ending on d has passed.
 */
int64_t	 calendar_end_of_day(const struct cal_date *d);

#endif
