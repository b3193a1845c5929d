/*
 * verify_text: picks a message from the table of a language and checks
 * that the tables agree (verify_text.h).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "custos/entry_type.h"
#include "verify_text.h"

const char *
verify_text_get(enum vt_lang lang, enum vt_msg m)
{
	const char *const *t;
	const char *s;

	if ((unsigned)m >= VT_NMSGS)
		return "?";
	if (m >= VT_WS_LABEL)
		t = lang == VT_EN ? verify_text_witness_en :
		    verify_text_witness_zh;
	else if (m >= VT_CODES_FIRST)
		t = lang == VT_EN ? verify_text_codes_en : verify_text_codes_zh;
	else
		t = lang == VT_EN ? verify_text_en : verify_text_zh;
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
		{ "disposed", VT_V_DISPOSED },
		{ "not_included", VT_V_NOT_INCLUDED },
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

const char *
verify_text_entry_type(enum vt_lang lang, const char *type)
{
	static const struct code t[] = {
		{ ENTRY_STATION_STARTED, VT_ET_STATION_STARTED },
		{ ENTRY_STATION_STOPPED, VT_ET_STATION_STOPPED },
		{ ENTRY_KEY_ROTATED, VT_ET_KEY_ROTATED },
		{ ENTRY_OFFICER_ADDED, VT_ET_OFFICER_ADDED },
		{ ENTRY_ENTERPRISE_ADDED, VT_ET_ENTERPRISE_ADDED },
		{ ENTRY_ENTERPRISE_RISK, VT_ET_ENTERPRISE_RISK },
		{ ENTRY_DEVICE_REGISTERED, VT_ET_DEVICE_REGISTERED },
		{ ENTRY_CAMERA_ASSIGNED, VT_ET_CAMERA_ASSIGNED },
		{ ENTRY_INSPECTION_REGISTERED, VT_ET_INSPECTION_REGISTERED },
		{ ENTRY_INSPECTION_EMERGENCY, VT_ET_INSPECTION_EMERGENCY },
		{ ENTRY_INSPECTION_BACKFILLED, VT_ET_INSPECTION_BACKFILLED },
		{ ENTRY_INSPECTION_ENTERED, VT_ET_INSPECTION_ENTERED },
		{ ENTRY_INSPECTION_LEFT, VT_ET_INSPECTION_LEFT },
		{ ENTRY_INSPECTION_GAP_REASON, VT_ET_INSPECTION_GAP_REASON },
		{ ENTRY_INSPECTION_CLOSED, VT_ET_INSPECTION_CLOSED },
		{ ENTRY_INSPECTION_VIEWED, VT_ET_INSPECTION_VIEWED },
		{ ENTRY_ENTERPRISE_FEEDBACK, VT_ET_ENTERPRISE_FEEDBACK },
		{ ENTRY_REVIEW_RECORDED, VT_ET_REVIEW_RECORDED },
		{ ENTRY_BUNDLE_EXPORTED, VT_ET_BUNDLE_EXPORTED },
		{ ENTRY_DECISION_SERVED, VT_ET_DECISION_SERVED },
		{ ENTRY_CREDIT_REPAIR_APPLIED, VT_ET_CREDIT_REPAIR_APPLIED },
		{ ENTRY_CREDIT_REPAIR_ANSWERED, VT_ET_CREDIT_REPAIR_ANSWERED },
		{ ENTRY_SEGMENT_SEALED, VT_ET_SEGMENT_SEALED },
		{ ENTRY_DOCUMENT_SEALED, VT_ET_DOCUMENT_SEALED },
		{ ENTRY_DOCK_SESSION, VT_ET_DOCK_SESSION },
		{ ENTRY_LIVE_GAP, VT_ET_LIVE_GAP },
		{ ENTRY_EVIDENCE_LINKED, VT_ET_EVIDENCE_LINKED },
		{ ENTRY_EVIDENCE_UNLINKED, VT_ET_EVIDENCE_UNLINKED },
		{ ENTRY_OBJECT_DELETED, VT_ET_OBJECT_DELETED },
		{ NULL, VT_ET_OTHER }
	};

	return lookup(lang, t, type);
}

const char *
verify_text_word(enum vt_lang lang, const char *s)
{
	static const struct code t[] = {
		{ "onsite", VT_C_ONSITE }, { "offsite", VT_C_OFFSITE },
		{ "drone", VT_C_DRONE }, { "approved", VT_C_APPROVED },
		{ "returned", VT_C_RETURNED }, { "granted", VT_C_GRANTED },
		{ "refused", VT_C_REFUSED }, { NULL, VT_C_ONSITE }
	};

	return lookup(lang, t, s);
}

const char *
verify_text_probe(enum vt_lang lang, const char *s)
{
	static const struct code t[] = {
		{ "ok", VT_PR_OK }, { "not_media", VT_PR_NOT_MEDIA },
		{ "damaged", VT_PR_DAMAGED }, { "crashed", VT_PR_CRASHED },
		{ "timeout", VT_PR_TIMEOUT }, { "failed", VT_PR_FAILED },
		{ "unknown", VT_PR_UNKNOWN }, { NULL, VT_PR_UNKNOWN }
	};

	return lookup(lang, t, s);
}

const char *
verify_text_session_end(enum vt_lang lang, const char *s)
{
	static const struct code t[] = {
		{ "complete", VT_SE_COMPLETE }, { "stopped", VT_SE_STOPPED },
		{ "undocked", VT_SE_UNDOCKED }, { NULL, VT_SE_COMPLETE }
	};

	return lookup(lang, t, s);
}

const char *
verify_text_doc_kind(enum vt_lang lang, const char *s)
{
	static const struct code t[] = {
		{ "record", VT_DK_RECORD }, { "refusal", VT_DK_REFUSAL },
		{ "notice", VT_DK_NOTICE }, { "photo", VT_DK_PHOTO },
		{ "other", VT_DK_OTHER }, { NULL, VT_DK_OTHER }
	};

	return lookup(lang, t, s);
}

const char *
verify_text_profile(enum vt_lang lang, const char *s)
{
	static const struct code t[] = {
		{ "default", VT_PF_DEFAULT }, { "sm", VT_PF_SM },
		{ NULL, VT_PF_DEFAULT }
	};

	return lookup(lang, t, s);
}

/* The sentences of daemon/dock/session.c and lib/evidence/timeline_clock.c. */
const char *
verify_text_drift_why(enum vt_lang lang, const char *s)
{
	static const struct code t[] = {
		{ "no clock file on the volume", VT_DR_NO_FILE },
		{ "clock file's first line is not YYYY-MM-DD HH:MM:SS",
		    VT_DR_BAD_LINE },
		{ "the session measured no drift", VT_DR_NOT_MEASURED },
		{ "the session's drift_ms is not a clock reading",
		    VT_DR_NOT_READING },
		{ NULL, VT_DR_NOT_MEASURED }
	};

	return lookup(lang, t, s);
}

const char *
verify_text_check_name(enum vt_lang lang, const char *s)
{
	static const struct code t[] = {
		{ "bundle.layout", VT_CN_BUNDLE_LAYOUT },
		{ "bundle.manifest", VT_CN_BUNDLE_MANIFEST },
		{ "chain.complete", VT_CN_CHAIN_COMPLETE },
		{ "chain.link", VT_CN_CHAIN_LINK },
		{ "checkpoint.body", VT_CN_CHECKPOINT_BODY },
		{ "checkpoint.signature", VT_CN_CHECKPOINT_SIGNATURE },
		{ "checkpoint.witnesses", VT_CN_CHECKPOINT_WITNESSES },
		{ "clip.packets", VT_CN_CLIP_PACKETS },
		{ "clip.proof", VT_CN_CLIP_PROOF },
		{ "entry.foreign", VT_CN_ENTRY_FOREIGN },
		{ "entry.format", VT_CN_ENTRY_FORMAT },
		{ "entry.index", VT_CN_ENTRY_INDEX },
		{ "entry.present", VT_CN_ENTRY_PRESENT },
		{ "entry.proof", VT_CN_ENTRY_PROOF },
		{ "entry.station", VT_CN_ENTRY_STATION },
		{ "key.station_vkey", VT_CN_KEY_STATION_VKEY },
		{ "media.foreign", VT_CN_MEDIA_FOREIGN },
		{ "media.hash", VT_CN_MEDIA_HASH },
		{ "media.packet_root", VT_CN_MEDIA_PACKET_ROOT },
		{ "media.present", VT_CN_MEDIA_PRESENT },
		{ "media.disposed", VT_CN_MEDIA_DISPOSED },
		{ "segments.present", VT_CN_SEGMENTS_PRESENT },
		{ "timestamp.token", VT_CN_TIMESTAMP_TOKEN },
		{ NULL, VT_CN_BUNDLE_LAYOUT }
	};

	return lookup(lang, t, s);
}

const char *
verify_text_type_name(enum vt_lang lang, const char *type)
{
	if (type == NULL)
		return "";
	return lang == VT_EN ? type : verify_text_entry_type(lang, type);
}

/* Cuts s (len bytes, NUL-terminated) back to a whole UTF-8 character. */
static void
utf8_trim(char *s, size_t len)
{
	size_t n = strlen(s), k;

	if (n + 1 < len || n == 0)
		return;
	for (k = n; k > 0 && ((unsigned char)s[k - 1] & 0xc0) == 0x80; k--)
		;
	/* k - 1 is the lead byte of the last character: keep it whole. */
	if (k > 0 && (unsigned char)s[k - 1] >= 0xc0) {
		unsigned char c = (unsigned char)s[k - 1];
		size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

		if (n - (k - 1) < want)
			s[k - 1] = '\0';
	}
}

const char *
verify_text_finding(enum vt_lang lang, const json_t *f, char *buf,
    size_t len)
{
	const char *en = json_string_value(json_object_get(f, "detail"));
	const char *zh = json_string_value(json_object_get(f, "detail_zh"));
	const json_t *e;
	char ents[256];
	size_t i;
	int o = 0;

	if (len == 0)
		return buf;
	if (en == NULL)
		en = "";
	ents[0] = '\0';
	if (lang == VT_EN || zh != NULL) {
		snprintf(buf, len, "%s", lang == VT_EN ? en : zh);
		utf8_trim(buf, len);
		return buf;
	}
	json_array_foreach(json_object_get(f, "entries"), i, e)
		if (o >= 0 && (size_t)o < sizeof(ents))
			o += snprintf(ents + o, sizeof(ents) - (size_t)o,
			    "%s#%lld", i > 0 ? ", " : "",
			    (long long)json_integer_value(e));
	snprintf(buf, len, verify_text_get(lang, VT_TX_FINDING_EN),
	    ents[0] != '\0' ? ents : verify_text_get(lang, VT_TX_NO_ENTRIES),
	    en);
	utf8_trim(buf, len);
	return buf;
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
	const char *zh, *en;
	size_t i;

	for (i = 0; i < VT_NMSGS; i++) {
		zh = i >= VT_WS_LABEL ? verify_text_witness_zh[i] :
		    i >= VT_CODES_FIRST ? verify_text_codes_zh[i] :
		    verify_text_zh[i];
		en = i >= VT_WS_LABEL ? verify_text_witness_en[i] :
		    i >= VT_CODES_FIRST ? verify_text_codes_en[i] :
		    verify_text_en[i];
		if (zh == NULL || en == NULL || !same_convs(zh, en)) {
			*bad = (enum vt_msg)i;
			return -1;
		}
	}
	return 0;
}
