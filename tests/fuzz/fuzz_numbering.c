/*
 * libFuzzer target for the dock's numbering check (daemon/dock/
 * numbering.c) on the untrusted part, the file names a camera volume
 * holds: the input's first byte picks the pattern (auto, none, a fixed
 * regex), then come names a line each, those of the volume now, a line
 * "--", and those of the camera's earlier session.  Every hole found
 * must be a real one between two names given.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "custos/err.h"
#include "daemon/dock/numbering.h"

#define NAMES_MAX	512

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Splits text (modified) into lines: before "--" into cur, after into
 * earlier. */
static void
split(char *text, const char **cur, size_t *ncur, const char **earlier,
    size_t *nearlier)
{
	char *line, *save = NULL;
	int after = 0;

	*ncur = *nearlier = 0;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, "--") == 0)
			after = 1;
		else if (!after && *ncur < NAMES_MAX)
			cur[(*ncur)++] = line;
		else if (after && *nearlier < NAMES_MAX)
			earlier[(*nearlier)++] = line;
	}
}

/* p is one of the n names of names. */
static int
among(const char *p, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p == names[i])
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const specs[] = { "auto", "none",
	    "^([0-9]+)", "_([0-9]{2,6})\\.(MP4|mp4)$" };
	static const char *cur[NAMES_MAX], *earlier[NAMES_MAX];
	struct numbering *nb = NULL;
	struct numbering_gap *g = NULL;
	size_t ncur, nearlier, n = 0, i;
	uint64_t number;
	char *text, *key, *series;

	if (size < 1 || (text = malloc(size)) == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (numbering_new(specs[data[0] % 4], &nb) != 0)
		abort();
	split(text, cur, &ncur, earlier, &nearlier);
	for (i = 0; i < ncur; i++)
		if (numbering_parse(nb, cur[i], &key, &series, &number) == 1) {
			if (strstr(key, "/n") == NULL &&
			    strstr(key, "/g") == NULL)
				abort();
			free(key);
			free(series);
		}
	if (numbering_gaps(nb, cur, ncur, earlier, nearlier, &g, &n) != 0)
		abort();
	for (i = 0; i < n; i++)
		if (g[i].from > g[i].to || g[i].series == NULL ||
		    !among(g[i].before, cur, ncur) ||
		    (!among(g[i].after, cur, ncur) &&
		    !among(g[i].after, earlier, nearlier)))
			abort();
	numbering_gaps_free(g, n);
	numbering_free(nb);
	free(text);
	return 0;
}
