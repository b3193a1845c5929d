/*
 * verify_timeline: the timeline of a bundle (custos/timeline.h) in the
 * report's language.  timeline_build() writes each event's "text" in
 * English; in Chinese the sentence is said again from the event's
 * structured members ("type", "facts" and the footage members), and
 * every event gets "label": the name of its entry type.
 */
#ifndef CUSTOS_VERIFY_TIMELINE_H
#define CUSTOS_VERIFY_TIMELINE_H

#include <stdio.h>

#include <jansson.h>

#include "verify_text.h"

/*
 * Sets "label" (verify_text_entry_type() of the event's "type", or of
 * segment.sealed for footage) on every event of tl, and in VT_ZH
 * replaces its "text" with the Chinese sentence; VT_EN keeps the
 * English text.  Returns 0 or CUSTOS_ERR_NOMEM.
 */
int	 verify_timeline_lang(json_t *tl, enum vt_lang lang);

/*
 * timeline_print() in lang: VT_EN is timeline_print() itself; VT_ZH the
 * same layout with Chinese labels and each event's label and text.
 * Write errors are left in f's error indicator.
 */
void	 verify_timeline_print(FILE *f, const json_t *tl, enum vt_lang lang);

#endif
