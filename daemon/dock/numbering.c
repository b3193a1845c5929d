/*
 * numbering: holes in a camera's file numbering (see numbering.h).
 *
 * A series key is the directory, then the base name with its number
 * written "/n" and each date or time part "/d".  No base name holds a
 * '/', so these marks never meet a name's own bytes and the key cannot
 * mix up two series.
 */
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "custos/err.h"
#include "numbering.h"

#define RUNS_MAX	32	/* digit runs looked at per base name */
#define REGEX_DIGITS	18	/* a number fits uint64_t */

enum mode {
	MODE_AUTO,
	MODE_NONE,
	MODE_REGEX,
};

struct numbering {
	enum mode	 mode;
	regex_t		 re;
};

/* A run of digits in a base name and what auto makes of it. */
struct run {
	size_t		 at, len;
	int		 datetime;	/* part of a date or time */
};

int
numbering_new(const char *spec, struct numbering **out)
{
	struct numbering *nb;

	if ((nb = calloc(1, sizeof(*nb))) == NULL)
		return CUSTOS_ERR_NOMEM;
	if (spec == NULL || strcmp(spec, "auto") == 0)
		nb->mode = MODE_AUTO;
	else if (strcmp(spec, "none") == 0)
		nb->mode = MODE_NONE;
	else {
		nb->mode = MODE_REGEX;
		if (regcomp(&nb->re, spec, REG_EXTENDED) != 0) {
			free(nb);
			return CUSTOS_ERR_INVALID;
		}
		if (nb->re.re_nsub < 1) {
			regfree(&nb->re);
			free(nb);
			return CUSTOS_ERR_INVALID;
		}
	}
	*out = nb;
	return 0;
}

void
numbering_free(struct numbering *nb)
{
	if (nb == NULL)
		return;
	if (nb->mode == MODE_REGEX)
		regfree(&nb->re);
	free(nb);
}

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* The value of the n digits at s. */
static uint64_t
value(const char *s, size_t n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v * 10 + (uint64_t)(*s++ - '0');
	return v;
}

static int
is_year(const char *s)
{
	uint64_t y = value(s, 4);

	return y >= 1970 && y <= 2099;
}

static int
is_mmdd(const char *s)
{
	uint64_t m = value(s, 2), d = value(s + 2, 2);

	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* hhmmss (a leap second allowed). */
static int
is_time(const char *s)
{
	return value(s, 2) <= 23 && value(s + 2, 2) <= 59 &&
	    value(s + 4, 2) <= 60;
}

/* Runs k and k + 1 are one separator byte apart. */
static int
adjacent(const struct run *r, size_t nr, size_t k)
{
	return k + 1 < nr && r[k].at + r[k].len + 1 == r[k + 1].at;
}

/*
 * The date that starts at run k, if one does: returns how many runs it
 * takes (YYYYMMDD and YYYYMMDDhhmmss one, YYYY_MMDD two, YYYY-MM-DD
 * three), else 0.  *timed says whether a time may follow.
 */
static size_t
date_at(const char *s, const struct run *r, size_t nr, size_t k,
    int *timed)
{
	const char *p = s + r[k].at;
	char md[4];

	*timed = 1;
	if (r[k].len == 8 && is_year(p) && is_mmdd(p + 4))
		return 1;
	*timed = 0;
	if (r[k].len == 14 && is_year(p) && is_mmdd(p + 4) &&
	    is_time(p + 8))
		return 1;
	*timed = 1;
	if (r[k].len != 4 || !is_year(p) || !adjacent(r, nr, k))
		return 0;
	if (r[k + 1].len == 4 && is_mmdd(s + r[k + 1].at))
		return 2;
	if (r[k + 1].len == 2 && adjacent(r, nr, k + 1) &&
	    r[k + 2].len == 2) {
		memcpy(md, s + r[k + 1].at, 2);
		memcpy(md + 2, s + r[k + 2].at, 2);
		if (is_mmdd(md))
			return 3;
	}
	return 0;
}

/*
 * Marks the runs of s that are dates, and the time right after a date
 * (one separator byte apart): hhmmss in one run, or up to three runs of
 * two digits (hh, mm, ss).  A four-digit run is never taken for a time:
 * it is too often the counter (REC_20261126_0001).
 */
static void
mark_dates(const char *s, struct run *r, size_t nr)
{
	static const uint64_t most[3] = { 23, 59, 60 };
	size_t k = 0, d, t;
	int timed;

	while (k < nr) {
		if ((d = date_at(s, r, nr, k, &timed)) == 0) {
			k++;
			continue;
		}
		while (d-- > 0)
			r[k++].datetime = 1;
		if (!timed || !adjacent(r, nr, k - 1))
			continue;
		if (r[k].len == 6 && is_time(s + r[k].at)) {
			r[k++].datetime = 1;
			continue;
		}
		for (t = 0; t < 3 && k < nr && r[k].len == 2 &&
		    value(s + r[k].at, 2) <= most[t] &&
		    adjacent(r, nr, k - 1); t++)
			r[k++].datetime = 1;
	}
}

/* The digit runs of the n bytes at s, at most RUNS_MAX. */
static size_t
find_runs(const char *s, size_t n, struct run *r)
{
	size_t i = 0, nr = 0;

	while (i < n && nr < RUNS_MAX) {
		if (!isdig(s[i])) {
			i++;
			continue;
		}
		r[nr].at = i;
		while (i < n && isdig(s[i]))
			i++;
		r[nr].len = i - r[nr].at;
		r[nr].datetime = 0;
		nr++;
	}
	return nr;
}

/*
 * GoPro: G[HXLSP]ccnnnn and GOPRnnnn (the stem, n bytes).  Returns 1 and
 * the two bytes that name the series (GOPR is the first chapter of GP).
 */
static int
gopro(const char *s, size_t n, const char **prefix)
{
	size_t i;

	if (n != 8 || s[0] != 'G')
		return 0;
	if (strncmp(s, "GOPR", 4) == 0)
		*prefix = "GP";
	else if (s[1] != '\0' && strchr("HXLSP", s[1]) != NULL &&
	    isdig(s[2]) && isdig(s[3]))
		*prefix = s;
	else
		return 0;
	for (i = 4; i < 8; i++)
		if (!isdig(s[i]))
			return 0;
	return 1;
}

/* Appends n bytes of s at *w. */
static void
put(char **w, const char *s, size_t n)
{
	memcpy(*w, s, n);
	*w += n;
}

/* Allocates the key and series buffers: 0 or CUSTOS_ERR_NOMEM. */
static int
buffers(size_t klen, size_t slen, char **key, char **series)
{
	if ((*key = malloc(klen)) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((*series = malloc(slen)) == NULL) {
		free(*key);
		*key = NULL;
		return CUSTOS_ERR_NOMEM;
	}
	return 0;
}

/* Auto for a GoPro name: stem is the 8 bytes before the extension. */
static int
parse_gopro(const char *path, size_t dir, const char *gp, char **key,
    char **series, uint64_t *number)
{
	const char *base = path + dir;
	char *kw, *sw;

	if (buffers(dir + strlen(base) + 3, dir + 3, key, series) != 0)
		return CUSTOS_ERR_NOMEM;
	kw = *key;
	put(&kw, path, dir);
	put(&kw, gp, 2);
	put(&kw, "/g", 2);
	strcpy(kw, base + 8);
	sw = *series;
	put(&sw, path, dir);
	put(&sw, gp, 2);
	*sw = '\0';
	*number = value(base + 4, 4);
	return 1;
}

/*
 * Auto: the key and the series of the base name after the dir bytes of
 * path.  Returns 1, 0 or CUSTOS_ERR_NOMEM.
 */
static int
parse_auto(const char *path, size_t dir, char **key, char **series,
    uint64_t *number)
{
	const char *base = path + dir, *dot = strrchr(base, '.'), *gp;
	struct run r[RUNS_MAX];
	size_t stem, nr, k, num, pos;
	char *kw, *sw;

	stem = dot != NULL && dot != base ? (size_t)(dot - base) :
	    strlen(base);
	if (gopro(base, stem, &gp))
		return parse_gopro(path, dir, gp, key, series, number);
	nr = find_runs(base, stem, r);
	mark_dates(base, r, nr);
	for (k = nr; k > 0; k--)
		if (!r[k - 1].datetime && r[k - 1].len >= 3 &&
		    r[k - 1].len <= 8)
			break;
	if (k == 0)
		return 0;
	num = k - 1;
	/* A mark (two bytes) replaces a run of at least two digits. */
	if (buffers(dir + strlen(base) + 3, dir + r[num].at + 1, key,
	    series) != 0)
		return CUSTOS_ERR_NOMEM;
	kw = *key;
	sw = *series;
	put(&kw, path, dir);
	put(&sw, path, dir);
	for (pos = 0, k = 0; k < nr; k++) {
		put(&kw, base + pos, r[k].at - pos);
		if (k <= num)
			put(&sw, base + pos, r[k].at - pos);
		if (k == num)
			put(&kw, "/n", 2);
		else if (r[k].datetime)
			put(&kw, "/d", 2);
		else
			put(&kw, base + r[k].at, r[k].len);
		if (k < num && r[k].datetime)
			put(&sw, "*", 1);
		else if (k < num)
			put(&sw, base + r[k].at, r[k].len);
		pos = r[k].at + r[k].len;
	}
	strcpy(kw, base + pos);
	*sw = '\0';
	*number = value(base + r[num].at, r[num].len);
	return 1;
}

/* Regex: group 1 of nb's pattern on base.  Returns 1, 0 or NOMEM. */
static int
parse_regex(const struct numbering *nb, const char *path, size_t dir,
    char **key, char **series, uint64_t *number)
{
	const char *base = path + dir;
	regmatch_t m[2];
	size_t so, eo, i;
	char *kw, *sw;

	if (regexec(&nb->re, base, 2, m, 0) != 0 || m[1].rm_so < 0)
		return 0;
	so = (size_t)m[1].rm_so;
	eo = (size_t)m[1].rm_eo;
	if (eo <= so || eo - so > REGEX_DIGITS)
		return 0;
	for (i = so; i < eo; i++)
		if (!isdig(base[i]))
			return 0;
	if (buffers(dir + strlen(base) + 3, dir + so + 1, key, series) != 0)
		return CUSTOS_ERR_NOMEM;
	kw = *key;
	put(&kw, path, dir);
	put(&kw, base, so);
	put(&kw, "/n", 2);
	strcpy(kw, base + eo);
	sw = *series;
	put(&sw, path, dir);
	put(&sw, base, so);
	*sw = '\0';
	*number = value(base + so, eo - so);
	return 1;
}

int
numbering_parse(const struct numbering *nb, const char *path, char **key,
    char **series, uint64_t *number)
{
	const char *slash = strrchr(path, '/');
	size_t dir = slash != NULL ? (size_t)(slash - path) + 1 : 0;

	if (path[dir] == '\0')
		return 0;
	switch (nb->mode) {
	case MODE_AUTO:
		return parse_auto(path, dir, key, series, number);
	case MODE_REGEX:
		return parse_regex(nb, path, dir, key, series, number);
	default:
		return 0;
	}
}

/* One numbered name. */
struct rec {
	char		*key;
	char		*series;
	uint64_t	 number;
	const char	*path;
	int		 cur;		/* on the camera now */
};

static int
by_series(const void *x, const void *y)
{
	const struct rec *a = x, *b = y;
	int c = strcmp(a->key, b->key);

	if (c != 0)
		return c;
	if (a->number != b->number)
		return a->number < b->number ? -1 : 1;
	/* The files on the camera now first, then by name (chapters). */
	if (a->cur != b->cur)
		return b->cur - a->cur;
	return strcmp(a->path, b->path);
}

static void
recs_free(struct rec *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].key);
		free(r[i].series);
	}
	free(r);
}

/* Adds the numbered names of names to r (room for them is there). */
static int
collect(const struct numbering *nb, const char *const *names, size_t n,
    int cur, struct rec *r, size_t *nr)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if (names[i] == NULL)
			continue;
		rc = numbering_parse(nb, names[i], &r[*nr].key,
		    &r[*nr].series, &r[*nr].number);
		if (rc < 0)
			return rc;
		if (rc == 0)
			continue;
		r[*nr].path = names[i];
		r[*nr].cur = cur;
		(*nr)++;
	}
	return 0;
}

/* Appends a hole to *g (*n of them, room for *cap). */
static int
add_gap(struct numbering_gap **g, size_t *n, size_t *cap,
    const struct rec *x, const struct rec *y)
{
	struct numbering_gap *ng;

	if (*n == *cap) {
		*cap = *cap == 0 ? 8 : *cap * 2;
		if ((ng = reallocarray(*g, *cap, sizeof(**g))) == NULL)
			return CUSTOS_ERR_NOMEM;
		*g = ng;
	}
	if (((*g)[*n].series = strdup(y->series)) == NULL)
		return CUSTOS_ERR_NOMEM;
	(*g)[*n].from = x->number + 1;
	(*g)[*n].to = y->number - 1;
	(*g)[*n].after = x->path;
	(*g)[*n].before = y->path;
	(*n)++;
	return 0;
}

/* The holes of the series r[0..n) (sorted by number). */
static int
series_gaps(const struct rec *r, size_t n, struct numbering_gap **g,
    size_t *ng, size_t *cap)
{
	uint64_t top = 0;
	size_t i, x, last;
	int earlier = 0, cur = 0, rc;

	for (i = 0; i < n; i++) {
		if (r[i].cur)
			cur = 1;
		else if (!earlier || r[i].number > top) {
			earlier = 1;
			top = r[i].number;
		}
	}
	if (!cur)
		return 0;
	for (x = 0, i = 1; i < n; i++) {
		if (r[i].number == r[x].number)
			continue;
		/* Before the hole: the last name of the number (its last
		 * chapter) on the camera now, else of the earlier session;
		 * after it: the first name of the next number. */
		for (last = x; last + 1 < i && r[last + 1].cur == r[x].cur;
		    last++)
			;
		if (r[i].number > r[x].number + 1 &&
		    (!earlier || r[i].number > top) &&
		    (rc = add_gap(g, ng, cap, &r[last], &r[i])) != 0)
			return rc;
		x = i;
	}
	return 0;
}

int
numbering_gaps(const struct numbering *nb, const char *const *cur,
    size_t ncur, const char *const *earlier, size_t nearlier,
    struct numbering_gap **out, size_t *n)
{
	struct numbering_gap *g = NULL;
	struct rec *r;
	size_t nr = 0, i, j, ng = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (nb->mode == MODE_NONE || ncur == 0)
		return 0;
	if ((r = calloc(ncur + nearlier, sizeof(*r))) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = collect(nb, cur, ncur, 1, r, &nr)) != 0 ||
	    (rc = collect(nb, earlier, nearlier, 0, r, &nr)) != 0)
		goto out;
	qsort(r, nr, sizeof(*r), by_series);
	for (i = 0; i < nr; i = j) {
		for (j = i + 1; j < nr && strcmp(r[j].key, r[i].key) == 0; j++)
			;
		if ((rc = series_gaps(r + i, j - i, &g, &ng, &cap)) != 0)
			goto out;
	}
out:
	recs_free(r, ncur + nearlier);
	if (rc != 0) {
		numbering_gaps_free(g, ng);
		return rc;
	}
	*out = g;
	*n = ng;
	return 0;
}

void
numbering_gaps_free(struct numbering_gap *g, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(g[i].series);
	free(g);
}
