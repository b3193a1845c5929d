/*
 * note_cosig: a checkpoint note with and without its cosignature lines
 * (include/custos/note_cosig.h).  note.c parses; this file only cuts and
 * joins lines, so the verifier links it without any signing code.
 */
#include <stdlib.h>
#include <string.h>

#include "custos/err.h"
#include "custos/note.h"
#include "custos/note_cosig.h"

#define DASH	"\xe2\x80\x94 "		/* U+2014 and a space */

int
note_cosig_station(const char *note, size_t len,
    const struct note_verifier *v, char **out, size_t *outlen)
{
	const struct note_sig *s;
	struct note *n = NULL;
	const char *p, *nl, *end = note + len;
	size_t tlen, i = 0, o, kept = 0;
	char *buf;
	int rc;

	*out = NULL;
	*outlen = 0;
	if ((rc = note_parse(note, len, &n)) != 0)
		return rc;
	(void)note_text(n, &tlen);
	if ((buf = malloc(len + 1)) == NULL) {
		note_free(n);
		return CUSTOS_ERR_NOMEM;
	}
	/* The text and the blank line, then the signature lines, which
	 * note_parse() found in this order. */
	memcpy(buf, note, tlen + 1);
	o = tlen + 1;
	for (p = note + tlen + 1; p < end && i < note_nsigs(n); p = nl + 1,
	    i++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		s = note_sig(n, i);
		if (strcmp(s->name, note_verifier_name(v)) != 0 ||
		    s->keyid != note_verifier_keyid(v))
			continue;
		memcpy(buf + o, p, (size_t)(nl - p) + 1);
		o += (size_t)(nl - p) + 1;
		kept++;
	}
	note_free(n);
	if (kept == 0) {
		free(buf);
		return CUSTOS_ERR_KEY;
	}
	buf[o] = '\0';
	*out = buf;
	*outlen = o;
	return 0;
}

int
note_cosig_append(const char *note, size_t len, const char *const *lines,
    const size_t *lens, size_t n, char **out, size_t *outlen)
{
	struct note *parsed = NULL;
	size_t total = len, i, o;
	char *buf;
	int rc;

	*out = NULL;
	*outlen = 0;
	for (i = 0; i < n; i++) {
		if (lens[i] < strlen(DASH) + 2 ||
		    memcmp(lines[i], DASH, strlen(DASH)) != 0 ||
		    lines[i][lens[i] - 1] != '\n' ||
		    memchr(lines[i], '\n', lens[i] - 1) != NULL)
			return CUSTOS_ERR_FORMAT;
		if (lens[i] > NOTE_MAX_SIZE - total)
			return CUSTOS_ERR_TOOBIG;
		total += lens[i];
	}
	if ((buf = malloc(total + 1)) == NULL)
		return CUSTOS_ERR_NOMEM;
	memcpy(buf, note, len);
	o = len;
	for (i = 0; i < n; i++) {
		memcpy(buf + o, lines[i], lens[i]);
		o += lens[i];
	}
	buf[o] = '\0';
	if ((rc = note_parse(buf, o, &parsed)) != 0) {
		free(buf);
		return rc;
	}
	note_free(parsed);
	*out = buf;
	*outlen = o;
	return 0;
}
