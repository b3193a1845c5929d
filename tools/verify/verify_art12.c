/*
 * verify_art12: one segment's answers to Art. 12 of the administrative
 * litigation evidence rules, composed from the report (verify_art12.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "custos/rfc3339.h"
#include "custos/timeline.h"
#include "verify_art12.h"
#include "verify_text.h"

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "?";
}

/* Appends to buf (at *off, of bufsz) the formatted text. */
static void
add(char *buf, size_t bufsz, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
add(char *buf, size_t bufsz, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= bufsz)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, bufsz - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n;
}

static void
method(enum vt_lang l, const json_t *s, char *buf, size_t bufsz)
{
	const char *src = str(s, "source"), *kind;
	size_t o = 0;

	kind = json_is_false(json_object_get(s, "device_registered")) ?
	    verify_text_get(l, VT_KIND_BODY_DEFAULT) :
	    verify_text_kind(l, str(s, "device_kind"));
	if (strcmp(src, "usb") == 0)
		add(buf, bufsz, &o, verify_text_get(l, VT_A12_DOCK), kind,
		    str(s, "camera"), json_is_integer(json_object_get(s,
		    "session")) ? (long long)json_integer_value(
		    json_object_get(s, "session")) : -1LL);
	else
		add(buf, bufsz, &o, verify_text_get(l, strcmp(src, "live") ==
		    0 ? VT_A12_LIVE : VT_A12_UPLOAD), kind, str(s, "camera"));
	if (json_object_get(s, "model") != NULL)
		add(buf, bufsz, &o, verify_text_get(l, VT_A12_MODEL),
		    str(s, "model"));
	if (json_object_get(s, "firmware") != NULL)
		add(buf, bufsz, &o, verify_text_get(l, VT_A12_FIRMWARE),
		    str(s, "firmware"));
}

const char *
verify_art12_time(enum vt_lang lang, const char *t, char *buf,
    size_t bufsz)
{
	char bj[32];
	int64_t ms;

	if (t == NULL)
		return "?";
	if (lang == VT_EN || bufsz == 0 || rfc3339_parse(t, &ms) != 0)
		return t;
	timeline_beijing(ms, bj, sizeof(bj));
	snprintf(buf, bufsz, "%s（%s %s）", t,
	    verify_text_get(lang, VT_W_BEIJING), bj);
	return buf;
}

static void
when(enum vt_lang l, const json_t *s, char *buf, size_t bufsz)
{
	char t[96];
	size_t o = 0;

	add(buf, bufsz, &o, verify_text_get(l, VT_A12_RECORDED),
	    verify_art12_time(l, str(s, "recorded_start"), t, sizeof(t)));
	if (json_is_integer(json_object_get(s, "clock_drift_ms")))
		add(buf, bufsz, &o, verify_text_get(l, VT_A12_CORRECTED),
		    (long long)json_integer_value(json_object_get(s,
		    "clock_drift_ms")), verify_art12_time(l,
		    str(s, "corrected_start"), t, sizeof(t)));
	else
		add(buf, bufsz, &o, "%s",
		    verify_text_get(l, VT_A12_DRIFT_UNKNOWN));
	if (json_object_get(s, "sealed") != NULL)
		add(buf, bufsz, &o, verify_text_get(l, VT_A12_SEALED),
		    verify_art12_time(l, str(s, "sealed"), t, sizeof(t)));
}

static void
maker(enum vt_lang l, const json_t *report, const json_t *s, char *buf,
    size_t bufsz)
{
	size_t o = 0;

	add(buf, bufsz, &o, verify_text_get(l, VT_A12_CARRIED),
	    str(s, "officer"), json_string_value(json_object_get(s,
	    "officer_name")) != NULL ? str(s, "officer_name") : "");
	add(buf, bufsz, &o, verify_text_get(l, VT_A12_STATION),
	    str(report, "station"));
}

const char *
verify_art12_label(enum vt_lang lang, enum art12_part part)
{
	static const enum vt_msg m[ART12_NPARTS] = { VT_A12_METHOD,
	    VT_A12_TIME, VT_A12_MAKER, VT_A12_PURPOSE, VT_A12_TRANSCRIPT };

	return (unsigned)part < ART12_NPARTS ? verify_text_get(lang,
	    m[part]) : "?";
}

void
verify_art12(enum vt_lang l, const json_t *report, const json_t *seg,
    enum art12_part part, char *buf, size_t bufsz)
{
	const char *p;
	size_t o = 0;

	buf[0] = '\0';
	switch (part) {
	case ART12_METHOD:
		method(l, seg, buf, bufsz);
		break;
	case ART12_TIME:
		when(l, seg, buf, bufsz);
		break;
	case ART12_MAKER:
		maker(l, report, seg, buf, bufsz);
		break;
	case ART12_PURPOSE:
		if ((p = json_string_value(json_object_get(seg,
		    "purpose"))) == NULL)
			p = json_string_value(json_object_get(report,
			    "purpose"));
		if (p != NULL)
			add(buf, bufsz, &o, verify_text_get(l,
			    VT_A12_PURPOSE_SRC), p);
		else
			add(buf, bufsz, &o, "%s",
			    verify_text_get(l, VT_A12_NO_PURPOSE));
		break;
	case ART12_TRANSCRIPT:
		if (json_object_get(seg, "transcript") != NULL)
			add(buf, bufsz, &o, verify_text_get(l,
			    VT_A12_TRANSCRIPT_YES), str(seg, "transcript"));
		else
			add(buf, bufsz, &o, "%s",
			    verify_text_get(l, VT_A12_TRANSCRIPT_NO));
		break;
	default:
		break;
	}
}
