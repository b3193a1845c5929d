/*
 * Unit tests for the dock's numbering check (daemon/dock/numbering.c):
 * what auto takes for a camera's file number (DCF, GoPro chapters, date
 * and time parts), a regex's group, and the holes found in one session
 * and continued from the camera's earlier one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "custos/err.h"
#include "daemon/dock/numbering.h"
#include "fixture.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* A name, and the series and number auto finds (series NULL: none). */
struct parse_case {
	const char	*path;
	const char	*series;
	uint64_t	 number;
};

static const struct parse_case auto_cases[] = {
	{ "REC0001.MP4", "REC", 1 },
	{ "DCIM/100MEDIA/DSCF0012.MP4", "DCIM/100MEDIA/DSCF", 12 },
	{ "DCIM/100MEDIA/IMG_1234.JPG", "DCIM/100MEDIA/IMG_", 1234 },
	{ "执法记录_001.mp4", "执法记录_", 1 },
	{ "C0001M01.MP4", "C", 1 },
	{ "x1234y5678.z", "x1234y", 5678 },
	/* GoPro: the chapter is not the number. */
	{ "DCIM/100GOPRO/GX010034.MP4", "DCIM/100GOPRO/GX", 34 },
	{ "DCIM/100GOPRO/GX020034.MP4", "DCIM/100GOPRO/GX", 34 },
	{ "GH011234.MP4", "GH", 1234 },
	{ "GOPR0034.MP4", "GP", 34 },
	{ "GP010034.MP4", "GP", 34 },
	/* Dates and times are neither the number nor the series. */
	{ "20261126_100000_0003.MP4", "*_*_", 3 },
	{ "2026_1126_100000_001.MP4", "*_*_*_", 1 },
	{ "DJI_20261126100000_0001_D.MP4", "DJI_*_", 1 },
	{ "REC_20261126_0001.MP4", "REC_*_", 1 },
	{ "REC0001_20261126_100000.MP4", "REC", 1 },
	{ "VID_20261126_100000.mp4", NULL, 0 },
	{ "2026-11-26 10.00.00.mp4", NULL, 0 },
	{ "IMG_2024_1231.JPG", NULL, 0 },
	/* Too short, too long, or no digits at all. */
	{ "12.mp4", NULL, 0 },
	{ "123456789.mp4", NULL, 0 },
	{ "clip.mp4", NULL, 0 },
	{ "TIME.TXT", NULL, 0 },
	{ "DCIM/100MEDIA/", NULL, 0 },
	{ "", NULL, 0 },
};

static struct numbering *
nb_new(const char *spec)
{
	struct numbering *nb = NULL;

	assert_int_equal(numbering_new(spec, &nb), 0);
	assert_non_null(nb);
	return nb;
}

static void
test_auto_parse(void **state)
{
	struct numbering *nb = nb_new("auto");
	char *key, *series;
	uint64_t number;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < NELEM(auto_cases); i++) {
		const struct parse_case *pc = &auto_cases[i];

		rc = numbering_parse(nb, pc->path, &key, &series, &number);
		if (pc->series == NULL) {
			if (rc != 0)
				fail_msg("%s: numbered, expected not", pc->path);
			continue;
		}
		if (rc != 1)
			fail_msg("%s: not numbered (%d)", pc->path, rc);
		if (strcmp(series, pc->series) != 0 || number != pc->number)
			fail_msg("%s: series \"%s\" number %llu, expected "
			    "\"%s\" %llu", pc->path, series,
			    (unsigned long long)number, pc->series,
			    (unsigned long long)pc->number);
		free(key);
		free(series);
	}
	numbering_free(nb);
}

/* The holes of cur after earlier as "series from-to after before;". */
static void
assert_gaps(const char *spec, const char *const *cur, size_t ncur,
    const char *const *earlier, size_t nearlier, const char *want)
{
	struct numbering *nb = nb_new(spec);
	struct numbering_gap *g;
	char got[1024];
	size_t n, i, o = 0;

	assert_int_equal(numbering_gaps(nb, cur, ncur, earlier, nearlier, &g,
	    &n), 0);
	got[0] = '\0';
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(got + o, sizeof(got) - o,
		    "%s %llu-%llu %s %s;", g[i].series,
		    (unsigned long long)g[i].from,
		    (unsigned long long)g[i].to, g[i].after, g[i].before);
	assert_string_equal(got, want);
	numbering_gaps_free(g, n);
	numbering_free(nb);
}

#define GAPS(spec, cur, earlier, want) \
	assert_gaps((spec), (cur), NELEM(cur), (earlier), NELEM(earlier), \
	    (want))

static const char *const none[] = { NULL };

static void
test_one_session(void **state)
{
	static const char *const rec[] = { "REC0004.MP4", "REC0001.MP4",
	    "REC0002.MP4", "clip.mp4", NULL };
	static const char *const two[] = { "REC0001.MP4", "REC0005.MP4",
	    "REC0009.MP4" };
	/* Another directory, another extension: other series. */
	static const char *const apart[] = { "DCIM/100MEDIA/DSCF0001.MP4",
	    "DCIM/101MEDIA/DSCF0003.MP4", "REC0001.MP4", "REC0003.JPG" };
	/* Chapters of one recording share its number. */
	static const char *const gopro[] = { "GX010001.MP4", "GX020001.MP4",
	    "GX030001.MP4", "GX010003.MP4" };
	static const char *const dated[] = { "20261126_100000_0001.MP4",
	    "20261126_113000_0002.MP4", "20261127_080000_0005.MP4" };

	(void)state;
	GAPS("auto", rec, none, "REC 3-3 REC0002.MP4 REC0004.MP4;");
	GAPS("auto", two, none, "REC 2-4 REC0001.MP4 REC0005.MP4;"
	    "REC 6-8 REC0005.MP4 REC0009.MP4;");
	GAPS("auto", apart, none, "");
	GAPS("auto", gopro, none, "GX 2-2 GX030001.MP4 GX010003.MP4;");
	GAPS("auto", dated, none, "*_*_ 3-4 20261126_113000_0002.MP4 "
	    "20261127_080000_0005.MP4;");
	GAPS("none", rec, none, "");
	/* A series may start anywhere: no hole before its first number. */
	assert_gaps("auto", two + 1, 2, none, 1,
	    "REC 6-8 REC0005.MP4 REC0009.MP4;");
}

static void
test_across_sessions(void **state)
{
	static const char *const earlier[] = { "REC0001.MP4", "REC0002.MP4",
	    "REC0004.MP4", "A0010.MP4" };
	static const char *const seven[] = { "REC0007.MP4" };
	static const char *const kept[] = { "REC0001.MP4", "REC0002.MP4",
	    "REC0004.MP4", "REC0005.MP4" };
	static const char *const reset[] = { "REC0001.MP4", "REC0002.MP4" };
	static const char *const other[] = { "B0001.MP4", "B0003.MP4" };

	(void)state;
	/* Continues from the highest number of the earlier session. */
	GAPS("auto", seven, earlier, "REC 5-6 REC0004.MP4 REC0007.MP4;");
	/* Its own hole (3) was the earlier session's to report. */
	GAPS("auto", kept, earlier, "");
	/* Numbering started again (camera formatted): nothing new. */
	GAPS("auto", reset, earlier, "");
	/* A series only the earlier session had says nothing now. */
	GAPS("auto", other, earlier, "B 2-2 B0001.MP4 B0003.MP4;");
	GAPS("auto", none, earlier, "");
}

static void
test_regex(void **state)
{
	static const char *const clips[] = { "clip-1-cam.mp4", "clip-2-cam.mp4",
	    "clip-5-cam.mp4", "clip-x-cam.mp4", "REC0001.MP4", "REC0003.MP4",
	    "d/clip-9-cam.mp4" };
	struct numbering *nb = NULL;
	char *key, *series;
	uint64_t number;

	(void)state;
	GAPS("^clip-([0-9]+)-cam\\.mp4$", clips, none,
	    "clip- 3-4 clip-2-cam.mp4 clip-5-cam.mp4;");
	/* The group must be digits, at most 18 of them. */
	nb = nb_new("^V(.*)\\.mp4$");
	assert_int_equal(numbering_parse(nb, "V12a.mp4", &key, &series,
	    &number), 0);
	assert_int_equal(numbering_parse(nb, "V1234567890123456789.mp4",
	    &key, &series, &number), 0);
	assert_int_equal(numbering_parse(nb, "d/V123456789012345678.mp4",
	    &key, &series, &number), 1);
	assert_string_equal(series, "d/V");
	assert_true(number == 123456789012345678ULL);
	free(key);
	free(series);
	/* An optional group that did not take part. */
	numbering_free(nb);
	nb = nb_new("^A([0-9]+)?B$");
	assert_int_equal(numbering_parse(nb, "AB", &key, &series, &number),
	    0);
	numbering_free(nb);
	assert_int_equal(numbering_new("REC[0-9", &nb),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(numbering_new("REC[0-9]+", &nb),
	    CUSTOS_ERR_INVALID);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_parse),
		cmocka_unit_test(test_one_session),
		cmocka_unit_test(test_across_sessions),
		cmocka_unit_test(test_regex),
	};

	return FIXTURE_RUN(tests, argc, argv);
}
