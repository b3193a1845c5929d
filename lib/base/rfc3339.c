/*
 * rfc3339: RFC 3339 times as Unix milliseconds.  Dates go through the
 * calendar module's proleptic Gregorian arithmetic so that there is one
 * notion of a day in the tree.
 */
#include <stdio.h>
#include <string.h>

#include "custos/calendar.h"
#include "custos/err.h"
#include "custos/rfc3339.h"

static int64_t
floordiv(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Reads exactly n decimal digits at s. */
static int
digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return CUSTOS_ERR_FORMAT;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int
rfc3339_parse(const char *s, int64_t *ms)
{
	struct cal_date d;
	char date[11];
	const char *p;
	int hh, mm, ss, oh, om, frac = 0, nfrac = 0, sign;
	int64_t secs;

	if (s == NULL || strnlen(s, 20) < 20)
		return CUSTOS_ERR_FORMAT;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (calendar_date_parse(date, &d) != 0 || s[10] != 'T' ||
	    digits(s + 11, 2, &hh) != 0 || s[13] != ':' ||
	    digits(s + 14, 2, &mm) != 0 || s[16] != ':' ||
	    digits(s + 17, 2, &ss) != 0 || hh > 23 || mm > 59 || ss > 59)
		return CUSTOS_ERR_FORMAT;
	p = s + 19;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, nfrac++)
			if (nfrac < 3)
				frac = frac * 10 + (*p - '0');
		if (nfrac < 1 || nfrac > 9)
			return CUSTOS_ERR_FORMAT;
		for (; nfrac < 3; nfrac++)
			frac *= 10;
	}
	secs = calendar_days(d.year, d.month, d.day) * 86400 + hh * 3600 +
	    mm * 60 + ss;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		if (digits(p + 1, 2, &oh) != 0 || p[3] != ':' ||
		    digits(p + 4, 2, &om) != 0 || oh > 23 || om > 59)
			return CUSTOS_ERR_FORMAT;
		secs -= sign * (oh * 3600 + om * 60);
		p += 6;
	} else
		return CUSTOS_ERR_FORMAT;
	if (*p != '\0')
		return CUSTOS_ERR_FORMAT;
	*ms = secs * 1000 + frac;
	return 0;
}

void
rfc3339_format(int64_t ms, char *buf, size_t len)
{
	struct cal_date d;
	int64_t secs = floordiv(ms, 1000), sod = secs - floordiv(secs, 86400) *
	    86400;

	/*
	 * calendar has only the Beijing date of a time; eight hours earlier
	 * its Beijing date is the UTC date we want.
	 */
	calendar_beijing_date(secs - 8 * 3600, &d);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", d.year,
	    d.month, d.day, (int)(sod / 3600), (int)(sod / 60 % 60),
	    (int)(sod % 60), (int)(ms - secs * 1000));
}

