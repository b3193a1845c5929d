/*
 * calendar: working days from the yearly holiday files.  Each loaded year
 * is a bitmap of its days (bit set = working day), built from the default
 * week (Monday to Friday) and the file's "off" and "work" lines.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custos/calendar.h"
#include "custos/err.h"
#include "custos/util.h"

#define NYEARS		(CALENDAR_MAX_YEAR - CALENDAR_MIN_YEAR + 1)
#define BEIJING_OFFSET	(8 * 3600)
#define CAL_MAX_FILE	(64 * 1024)

struct calendar {
	uint8_t		 loaded[NYEARS];
	uint8_t		 work[NYEARS][(366 + 7) / 8];
};

/*
 * Howard Hinnant's days_from_civil.  The year is widened first, so that no
 * int year can overflow.
 */
int64_t
calendar_days(int year, int month, int day)
{
	int64_t y = year, era, yoe, doy, doe;

	y -= month <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, struct cal_date *out)
{
	int64_t era, doe, yoe, y, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	out->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	out->year = (int)(y + (out->month <= 2));
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

int
calendar_new(struct calendar **out)
{
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return CUSTOS_ERR_NOMEM;
	return 0;
}

void
calendar_free(struct calendar *c)
{
	free(c);
}

int
calendar_covers(const struct calendar *c, int year)
{
	return year >= CALENDAR_MIN_YEAR && year <= CALENDAR_MAX_YEAR &&
	    c->loaded[year - CALENDAR_MIN_YEAR];
}

int
calendar_date_parse(const char *s, struct cal_date *d)
{
	int i;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return CUSTOS_ERR_FORMAT;
		} else if (s[i] < '0' || s[i] > '9')
			return CUSTOS_ERR_FORMAT;
	}
	if (s[10] != '\0')
		return CUSTOS_ERR_FORMAT;
	d->year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
	    (s[2] - '0') * 10 + (s[3] - '0');
	d->month = (s[5] - '0') * 10 + (s[6] - '0');
	d->day = (s[8] - '0') * 10 + (s[9] - '0');
	if (d->month < 1 || d->month > 12 || d->day < 1 ||
	    d->day > days_in_month(d->year, d->month))
		return CUSTOS_ERR_FORMAT;
	return 0;
}

void
calendar_date_format(const struct cal_date *d, char *buf, size_t len)
{
	snprintf(buf, len, "%04d-%02d-%02d", d->year, d->month, d->day);
}

/* Day of the year, 0-based. */
static int
yday(const struct cal_date *d)
{
	return (int)(calendar_days(d->year, d->month, d->day) -
	    calendar_days(d->year, 1, 1));
}

static void
set_work(uint8_t *bits, int n, int work)
{
	if (work)
		bits[n / 8] |= (uint8_t)(1u << (n % 8));
	else
		bits[n / 8] &= (uint8_t)~(1u << (n % 8));
}

static int
loaderr(char *err, size_t errlen, const char *name, int line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int
loaderr(char *err, size_t errlen, const char *name, int line,
    const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, errlen, "%s:%d: ", name, line);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return CUSTOS_ERR_FORMAT;
}

/* The default week: Monday to Friday worked. */
static void
default_week(int year, uint8_t *bits)
{
	int64_t first = calendar_days(year, 1, 1), i;
	int n = (int)(calendar_days(year + 1, 1, 1) - first);

	for (i = 0; i < n; i++) {
		/* 1970-01-01 was a Thursday: (days + 3) % 7 is 0 on Monday. */
		int wd = (int)(((first + i) % 7 + 7 + 3) % 7);

		set_work(bits, (int)i, wd < 5);
	}
}

struct parse {
	const char	*name;
	int		 line;
	int		 year;		/* 0 until the "year" line */
	uint8_t		 bits[(366 + 7) / 8];
	char		*err;
	size_t		 errlen;
};

static int
parse_item(struct parse *p, char *kw, char *a, char *b)
{
	struct cal_date from, to;
	int64_t i, lo, hi;

	if (strcmp(kw, "year") == 0) {
		if (p->year != 0 || a == NULL || b != NULL ||
		    strlen(a) != 4 || (p->year = atoi(a)) < CALENDAR_MIN_YEAR ||
		    p->year > CALENDAR_MAX_YEAR)
			return loaderr(p->err, p->errlen, p->name, p->line,
			    "expected one \"year YYYY\" (%d..%d)",
			    CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR);
		default_week(p->year, p->bits);
		return 0;
	}
	if (p->year == 0)
		return loaderr(p->err, p->errlen, p->name, p->line,
		    "the first item must be \"year YYYY\"");
	if ((strcmp(kw, "off") != 0 && strcmp(kw, "work") != 0) || a == NULL ||
	    (b != NULL && strcmp(kw, "work") == 0))
		return loaderr(p->err, p->errlen, p->name, p->line,
		    "expected \"off DATE [DATE]\" or \"work DATE\"");
	if (calendar_date_parse(a, &from) != 0 ||
	    (b != NULL && calendar_date_parse(b, &to) != 0))
		return loaderr(p->err, p->errlen, p->name, p->line,
		    "not a date (YYYY-MM-DD)");
	if (b == NULL)
		to = from;
	if (from.year != p->year || to.year != p->year ||
	    (lo = yday(&from)) > (hi = yday(&to)))
		return loaderr(p->err, p->errlen, p->name, p->line,
		    "dates must be in %d, the first not after the second",
		    p->year);
	for (i = lo; i <= hi; i++)
		set_work(p->bits, (int)i, kw[0] == 'w');
	return 0;
}

static int
parse_line(struct parse *p, char *line)
{
	char *hash, *save = NULL, *kw, *a, *b;

	if ((hash = strchr(line, '#')) != NULL)
		*hash = '\0';
	if ((kw = strtok_r(line, " \t\r", &save)) == NULL)
		return 0;
	a = strtok_r(NULL, " \t\r", &save);
	b = a != NULL ? strtok_r(NULL, " \t\r", &save) : NULL;
	if (b != NULL && strtok_r(NULL, " \t\r", &save) != NULL)
		return loaderr(p->err, p->errlen, p->name, p->line,
		    "too many fields");
	return parse_item(p, kw, a, b);
}

int
calendar_load(struct calendar *c, const char *text, size_t len,
    const char *name, char *err, size_t errlen)
{
	struct parse p;
	char *buf, *line, *nl;
	int rc = 0;

	memset(&p, 0, sizeof(p));
	p.name = name;
	p.err = err;
	p.errlen = errlen;
	if (memchr(text, '\0', len) != NULL)
		return loaderr(err, errlen, name, 0, "contains a NUL byte");
	if ((buf = strndup(text, len)) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (line = buf; rc == 0 && line != NULL; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		p.line++;
		rc = parse_line(&p, line);
	}
	free(buf);
	if (rc == 0 && p.year == 0)
		rc = loaderr(err, errlen, name, p.line, "no \"year\" line");
	if (rc == 0 && calendar_covers(c, p.year)) {
		snprintf(err, errlen, "%s: year %d is loaded twice", name,
		    p.year);
		rc = CUSTOS_ERR_EXISTS;
	}
	if (rc != 0)
		return rc;
	memcpy(c->work[p.year - CALENDAR_MIN_YEAR], p.bits, sizeof(p.bits));
	c->loaded[p.year - CALENDAR_MIN_YEAR] = 1;
	return 0;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

int
calendar_load_dir(struct calendar *c, const char *dir, char *err,
    size_t errlen)
{
	struct dirent *de;
	char path[4096], *text;
	size_t len;
	DIR *d;
	int rc = 0;

	if (dir == NULL)
		return 0;
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return CUSTOS_ERR_SYSTEM;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (!has_suffix(de->d_name, ".cal"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((rc = util_read_file(path, CAL_MAX_FILE, &text,
		    &len)) != 0) {
			snprintf(err, errlen, "%s: %s", path,
			    rc == CUSTOS_ERR_SYSTEM ? strerror(errno) :
			    custos_strerror(rc));
			break;
		}
		rc = calendar_load(c, text, len, path, err, errlen);
		free(text);
	}
	closedir(d);
	return rc;
}

int
calendar_is_workday(const struct calendar *c, const struct cal_date *d,
    int *work)
{
	int n;

	if (!calendar_covers(c, d->year))
		return CUSTOS_ERR_RANGE;
	n = yday(d);
	*work = (c->work[d->year - CALENDAR_MIN_YEAR][n / 8] >> (n % 8)) & 1;
	return 0;
}

int
calendar_add_workdays(const struct calendar *c, const struct cal_date *start,
    unsigned n, struct cal_date *out, struct cal_date *uncovered)
{
	struct cal_date d;
	int64_t z = calendar_days(start->year, start->month, start->day);
	int work, rc;

	if (n == 0)
		return CUSTOS_ERR_INVALID;
	while (n > 0) {
		civil_from_days(++z, &d);
		if ((rc = calendar_is_workday(c, &d, &work)) != 0) {
			if (uncovered != NULL)
				*uncovered = d;
			return rc;
		}
		n -= (unsigned)work;
	}
	*out = d;
	return 0;
}

void
calendar_beijing_date(int64_t unix_s, struct cal_date *d)
{
	int64_t s = unix_s + BEIJING_OFFSET;
	int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);

	civil_from_days(days, d);
}

int64_t
calendar_end_of_day(const struct cal_date *d)
{
	return (calendar_days(d->year, d->month, d->day) + 1) * 86400 -
	    BEIJING_OFFSET;
}
