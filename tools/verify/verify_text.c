/*
 * verify_text: picks a message from the table of a language and checks
 * that the tables agree (verify_text.h).
 */
#include <string.h>

#include "verify_text.h"

const char *
verify_text_get(enum vt_lang lang, enum vt_msg m)
{
	const char *const *t = lang == VT_EN ? verify_text_en : verify_text_zh;
	const char *s;

	if ((unsigned)m >= VT_NMSGS)
		return "?";
	s = t[m];
	return s != NULL ? s : "?";
}

int
verify_text_lang(const char *s, enum vt_lang *lang)
{
	if (strcmp(s, "zh") == 0)
		*lang = VT_ZH;
	else if (strcmp(s, "en") == 0)
		*lang = VT_EN;
	else
		return -1;
	return 0;
}

const char *
verify_text_code(enum vt_lang lang)
{
	return lang == VT_EN ? "en" : "zh";
}

struct code {
	const char	*code;
	enum vt_msg	 msg;
};

static const char *
lookup(enum vt_lang lang, const struct code *t, const char *s)
{
	if (s == NULL)
		return "";
	for (; t->code != NULL; t++)
		if (strcmp(t->code, s) == 0)
			return verify_text_get(lang, t->msg);
	return s;
}

const char *
verify_text_verdict(enum vt_lang lang, const char *s)
{
	static const struct code t[] = {
		{ "ok", VT_V_OK }, { "altered", VT_V_ALTERED },
		{ "missing", VT_V_MISSING }, { "unproven", VT_V_UNPROVEN },
		{ NULL, VT_V_NONE }
	};

	return lookup(lang, t, s);
}

const char *
verify_text_source(enum vt_lang lang, const char *s)
{
	static const struct code t[] = {
		{ "usb", VT_SRC_USB }, { "upload", VT_SRC_UPLOAD },
		{ "live", VT_SRC_LIVE }, { NULL, VT_SRC_USB }
	};

	return lookup(lang, t, s);
}

const char *
verify_text_kind(enum vt_lang lang, const char *s)
{
	static const struct code t[] = {
		{ "body", VT_KIND_BODY }, { "drone", VT_KIND_DRONE },
		{ "fixed", VT_KIND_FIXED }, { NULL, VT_KIND_BODY }
	};

	return lookup(lang, t, s);
}

const char *
verify_text_rule(enum vt_lang lang, const char *s)
{
	static const struct code t[] = {
		{ "two_officers", VT_R_TWO_OFFICERS },
		{ "no_footage", VT_R_NO_FOOTAGE },
		{ "footage_gap", VT_R_FOOTAGE_GAP },
		{ "unreviewed_device", VT_R_UNREVIEWED_DEVICE },
		{ "deadline_unknown", VT_R_DEADLINE_UNKNOWN },
		{ "backfill_overdue", VT_R_BACKFILL_OVERDUE },
		{ "backfill_late", VT_R_BACKFILL_LATE },
		{ "red_not_inspected", VT_R_RED_NOT_INSPECTED },
		{ "not_closed", VT_R_NOT_CLOSED },
		{ "review_after_decision", VT_R_REVIEW_AFTER_DECISION },
		{ "reviewer_is_officer", VT_R_REVIEWER_IS_OFFICER },
		{ "credit_notice_missing", VT_R_CREDIT_NOTICE_MISSING },
		{ "credit_repair_overdue", VT_R_CREDIT_REPAIR_OVERDUE },
		{ "recorded_late", VT_R_RECORDED_LATE },
		{ "numbering_gap", VT_R_NUMBERING_GAP },
		{ NULL, VT_R_OTHER }
	};
	const char *l = lookup(lang, t, s);

	return l == s ? verify_text_get(lang, VT_R_OTHER) : l;
}

/*
 * The next conversion of format s from *p on, copied into spec (its
 * flags, width, precision, length and conversion letter).  Returns 1 with
 * *p past it, or 0 at the end of s.
 */
static int
next_conv(const char **p, char *spec, size_t specsz)
{
	const char *s = *p, *start;
	size_t n;

	for (;;) {
		if ((s = strchr(s, '%')) == NULL)
			return 0;
		if (s[1] == '%') {
			s += 2;
			continue;
		}
		start = ++s;
		s += strspn(s, "-+ #0123456789.*hljztL");
		if (*s != '\0')
			s++;
		n = (size_t)(s - start);
		if (n >= specsz)
			n = specsz - 1;
		memcpy(spec, start, n);
		spec[n] = '\0';
		*p = s;
		return 1;
	}
}

static int
same_convs(const char *a, const char *b)
{
	char sa[32], sb[32];
	int ha, hb;

	for (;;) {
		ha = next_conv(&a, sa, sizeof(sa));
		hb = next_conv(&b, sb, sizeof(sb));
		if (ha != hb)
			return 0;
		if (!ha)
			return 1;
		if (strcmp(sa, sb) != 0)
			return 0;
	}
}

int
verify_text_check(enum vt_msg *bad)
{
	size_t i;

	for (i = 0; i < VT_NMSGS; i++)
		if (verify_text_zh[i] == NULL || verify_text_en[i] == NULL ||
		    !same_convs(verify_text_zh[i], verify_text_en[i])) {
			*bad = (enum vt_msg)i;
			return -1;
		}
	return 0;
}
