/*
 * verify_art12: the answers to 最高人民法院《关于行政诉讼证据若干问题的规定》
 * Art. 12 for one segment of a custos-verify-report@1 object: how the
 * recording was made, when, by whom, what it is meant to prove, and
 * whether a transcript of its audio is in the bundle.  The text report
 * and the HTML page both print these sentences; they are composed only
 * from the report (its segments' members, "station" and "purpose").
 */
#ifndef CUSTOS_VERIFY_ART12_H
#define CUSTOS_VERIFY_ART12_H

#include <stddef.h>

#include <jansson.h>

#include "verify_text.h"

enum art12_part {
	ART12_METHOD = 0,	/* device, kind, model, firmware, dock... */
	ART12_TIME,		/* recorded, corrected, sealed */
	ART12_MAKER,		/* the officer who carried it, the station */
	ART12_PURPOSE,		/* 证明对象, from MANIFEST.json */
	ART12_TRANSCRIPT,	/* transcripts/ of the bundle */
	ART12_NPARTS
};

/* The label of part in lang ("制作方法" ...). */
const char	*verify_art12_label(enum vt_lang lang, enum art12_part part);

/*
 * Writes the answer of part for segment seg of report into buf (bufsz >
 * 0 bytes, NUL-terminated, cut short when full), in lang.  Strings from
 * the report are copied as they are: the caller escapes them for its
 * output.
 */
void		 verify_art12(enum vt_lang lang, const json_t *report,
		    const json_t *seg, enum art12_part part, char *buf,
		    size_t bufsz);

/*
 * RFC 3339 time t (a time of making: recorded, corrected, sealed) as a
 * reader compares it with a calendar: in Chinese
 * "t（北京时间 YYYY-MM-DD HH:MM:SS）", written into buf (bufsz bytes); in
 * English, or when t is not a time, t itself.  Returns buf or t; "?" for
 * a NULL t.
 */
const char	*verify_art12_time(enum vt_lang lang, const char *t,
		    char *buf, size_t bufsz);

#endif
