/*
 * numbering: holes in a camera's file numbering.  Cameras number the
 * files they record (REC0001, DCIM/100MEDIA/DSCF0001.MP4, GX010001.MP4,
 * 20261126_100000_0003.MP4); a number missing between two that are there
 * is a recording deleted on the camera before the station ever saw it.
 *
 * A file name belongs to a series: its directory, its base name with the
 * number taken out, and its extension.  How the number is found is the
 * pattern ([dock] file_numbering, docs/dock.md):
 *
 *	auto	the last run of 3 to 8 digits in the base name (without
 *		its extension) that is not part of a date or a time;
 *		digit runs that are (YYYYMMDD, YYYYMMDDhhmmss, YYYY_MMDD,
 *		YYYY-MM-DD and the hhmmss, hhmm or hh-mm-ss right after
 *		one) are left out of the series too, so date-named files
 *		with a counter form one series and files named only by
 *		date and time form none.  GoPro names (GH, GX, GL, GS
 *		plus a 2-digit chapter and a 4-digit number; GOPRnnnn and
 *		GPccnnnn of older models) are numbered by the 4 digits,
 *		the chapters of one recording sharing a number.
 *	none	no file is numbered.
 *	REGEX	a POSIX extended regex matched against the base name
 *		(extension included); its first group, all digits (1 to
 *		18), is the number.  Names it does not match are not
 *		numbered.
 *
 * Nothing here logs, allocates beyond what it returns, or touches the
 * dock: the functions are pure, for the unit tests and the fuzzer.
 */
#ifndef CUSTOSD_NUMBERING_H
#define CUSTOSD_NUMBERING_H

#include <stddef.h>
#include <stdint.h>

struct numbering;

/*
 * Compiles spec ("auto", "none" or a regex as above).  Returns 0 and *out
 * (free with numbering_free()), CUSTOS_ERR_INVALID if the regex does not
 * compile or has no group, or CUSTOS_ERR_NOMEM.
 */
int	 numbering_new(const char *spec, struct numbering **out);

/* Frees nb; NULL is allowed. */
void	 numbering_free(struct numbering *nb);

/*
 * Places path ('/'-separated, relative to the volume) in its series.
 * Returns 1 and sets *key (the series' identity), *series (for people:
 * the directory and the part of the base name before the number, date
 * and time parts shown as "*") and *number; both strings are new and
 * freed by the caller.  Returns 0 (and sets nothing) when the name has
 * no number, or CUSTOS_ERR_NOMEM.
 */
int	 numbering_parse(const struct numbering *nb, const char *path,
	    char **key, char **series, uint64_t *number);

/* A hole: the numbers from..to (inclusive) of series are missing. */
struct numbering_gap {
	char		*series;	/* owned */
	uint64_t	 from, to;
	const char	*after;		/* the name before the hole, and the */
	const char	*before;	/* one after it: borrowed from the
					   caller's arrays */
};

/*
 * Finds the holes in the numbering of the ncur names of cur (the files
 * on the camera now), continuing from the nearlier names of earlier (the
 * camera's earlier session): per series that has a file in cur, every
 * hole between two consecutive numbers present in cur or earlier, except
 * those below the highest number of earlier (the earlier session saw
 * them already).  A series whose first number is not 1 has no hole
 * before it: a camera may start anywhere.  NULL names are skipped.
 *
 * Returns 0 and a new array *out of *n holes, ordered by series and
 * number (free with numbering_gaps_free(); NULL when *n is 0), or
 * CUSTOS_ERR_NOMEM.
 */
int	 numbering_gaps(const struct numbering *nb, const char *const *cur,
	    size_t ncur, const char *const *earlier, size_t nearlier,
	    struct numbering_gap **out, size_t *n);

/* Frees n holes and the array g; g may be NULL. */
void	 numbering_gaps_free(struct numbering_gap *g, size_t n);

#endif
