/*
 * verify_text: every sentence and label of custos-verify's bundle report
 * (text and HTML) and of its timeline verb, one table per language:
 * verify_text_zh.c (Chinese, the default) and verify_text_en.c.  Both
 * tables hold every message; a message that is a printf format has the
 * same conversions, in the same order, in both (verify_text_check()
 * proves it, and tests/unit/test_verify_text.c runs that check).
 *
 * The JSON report keeps its keys and codes in English; its sentences
 * ("text", "why", "evidence", "anchor", "proven") are in the language
 * the report was made in, named by its "lang" member.
 */
#ifndef CUSTOS_VERIFY_TEXT_H
#define CUSTOS_VERIFY_TEXT_H

#include <stddef.h>

#include <jansson.h>

enum vt_lang {
	VT_ZH = 0,
	VT_EN,
	VT_NLANGS
};

enum vt_msg {
	/* Words used inside sentences. */
	VT_W_TAR,
	VT_W_DIRECTORY,
	VT_W_NOT_OBJECT,
	VT_W_NOBODY,
	VT_W_NO_READABLE_KEY,
	VT_W_UNREADABLE,
	VT_W_NOTHING_READABLE,
	VT_W_UNNAMED_TSA,
	VT_W_THE_TSA,
	VT_W_NOTHING,
	VT_W_DID_NOT_RUN,
	VT_W_ITEM_NO_PATH,
	VT_W_COMMA_INSPECTION,
	VT_W_UNKNOWN,
	VT_W_NONE,
	VT_W_YES,
	VT_W_NO,
	VT_W_NOT_STATED,
	VT_W_BEIJING,
	VT_W_ABSENT,

	/* Checks: layout and manifest. */
	VT_CK_LAYOUT_BAD,
	VT_CK_LAYOUT_OK,
	VT_CK_FILE_MISSING,
	VT_CK_MANIFEST_NOT_OBJECT,
	VT_CK_MANIFEST_FORMAT,
	VT_CK_MANIFEST_OK,
	/* Key and checkpoint. */
	VT_CK_VKEY_NOT_KEY,
	VT_CK_VKEY_SAME,
	VT_CK_VKEY_OTHER,
	VT_KEY_OK,
	VT_KEY_VKEY_SAME,
	VT_KEY_VKEY_DIFF,
	VT_KEY_BAD,
	VT_KEY_OTHER_SIG,
	VT_CK_CKPT_MISSING,
	VT_CK_CKPT_MALFORMED,
	VT_CK_CKPT_SIG_OK,
	VT_CK_CKPT_NO_SIG,
	VT_CK_CKPT_SIG_BAD,
	VT_CK_CKPT_NOT_CKPT,
	VT_CK_CKPT_ORIGIN,
	VT_CK_CKPT_OK,
	/* Timestamp. */
	VT_TS_NONE,
	VT_TS_ACCEPTED,
	VT_TS_NO_CKPT,
	VT_TS_NO_CA,
	VT_TS_OK,
	VT_TS_NOT_GRANTED,
	VT_TS_BAD,
	/* Entries. */
	VT_EN_NOT_JSON,
	VT_EN_INDEX,
	VT_EN_STATION,
	VT_EN_PROOF_MISSING,
	VT_EN_PROOF_RANGE,
	VT_EN_PROOF_FORMAT,
	VT_EN_PROOF_BAD,
	VT_EN_LISTED_MISSING,
	VT_MF_NO_ENTRIES,
	VT_MF_ENTRY_NO_INDEX,
	VT_EN_FOREIGN_UNLISTED,
	VT_EN_NONE,
	VT_EN_NO_CKPT,
	VT_EN_ALL,
	VT_EN_FOREIGN_ROLE,
	/* Chain. */
	VT_CH_FIRST,
	VT_CH_LINK,
	VT_CH_MISSING,
	VT_CH_NOT_OURS,
	VT_CH_NONE,
	VT_CH_ENDS,
	VT_CH_OK,
	VT_CH_NOT_CLOSED,
	/* Media. */
	VT_MD_NO_OBJECT,
	VT_MD_MISSING_WHY,
	VT_MD_MISSING,
	VT_MD_INCOMPLETE,
	VT_MD_HASH_WHY,
	VT_MD_HASH,
	VT_MD_SIZE,
	VT_MD_OK,
	VT_MD_ROOT_NOT,
	VT_MD_ROOT_WHY,
	VT_MD_ROOT_BAD,
	VT_MD_ROOT_OK,
	VT_MD_FOREIGN,
	VT_MF_ITEM_ABSENT,
	VT_MF_ITEM_OBJECT,
	/* Segments. */
	VT_SG_ENTRY_MISSING,
	VT_SG_ENTRY_UNREADABLE,
	VT_SG_ENTRY_CHECK,
	VT_SG_UNPROVEN,
	VT_SG_NOT_SEGMENT,
	VT_SG_NONE,
	VT_SG_ALL,
	VT_SG_SOME,
	VT_CL_NO_MANIFEST,
	VT_CL_NO_CLIP,
	VT_CL_NO_PROOF,
	VT_CL_NO_ROOT,
	VT_CL_NOT_DEMUXED,
	VT_CL_JSON,
	VT_CL_FORMAT,
	VT_CL_SEGMENT,
	VT_CL_DISAGREE,
	VT_CL_RANGE,
	VT_CL_PROOF_OK,
	VT_CL_ALTERED,
	VT_CL_OUTSIDE,
	VT_CL_TWICE,
	VT_CL_ORDER,
	VT_CL_MISSING,
	VT_CL_NOPROOF,
	VT_CL_NOPACKET,
	VT_CL_BADPROOF,
	VT_CL_MORE,
	VT_CL_PACKETS_OK,
	VT_CL_MANIFEST_CLIP,
	VT_SG_NOT_INCLUDED,
	VT_SG_CLIP,
	VT_PROVEN_CLIP,
	VT_W_CLIP_START,
	VT_W_CLIP_END,

	/* Findings and timeline notes. */
	VT_NOTE_FINDINGS,
	VT_NOTE_TIMELINE,
	VT_NOTE_NO_START,
	/* The seven factors of Art. 93 and their evidence. */
	VT_F1_TITLE,
	VT_F2_TITLE,
	VT_F3_TITLE,
	VT_F4_TITLE,
	VT_F5_TITLE,
	VT_F6_TITLE,
	VT_F7_TITLE,
	VT_F1_STARTED,
	VT_F1_KEY_DIFF,
	VT_F1_NONE,
	VT_F2_UNCLEAN,
	VT_F2_FIRST,
	VT_F2_CLEAN,
	VT_F2_UNDECODABLE,
	VT_F2_GAPS,
	VT_F2_NO_GAP,
	VT_F3_MEDIA,
	VT_F3_ROOTS,
	VT_F3_PROOFS,
	VT_F3_CHAIN_OK,
	VT_F3_CHAIN_BAD,
	VT_F3_VAC,
	VT_F4_SESSION,
	VT_F4_NOSESSION,
	VT_F4_NO_SESSION_USB,
	VT_F4_NONE,
	VT_F5_MANUAL,
	VT_F5_COUNT,
	VT_F5_LOG,
	VT_F6_KEPT,
	VT_F6_NOT_SIGNED,
	VT_F6_OFFICER,
	VT_F7_FINDINGS,
	VT_ANCHOR_OK,
	VT_ANCHOR_UNVERIFIED,
	VT_ANCHOR_NONE,
	/* What is proven. */
	VT_PROVEN_WHEN_TSA,
	VT_PROVEN_WHEN_OWN,
	VT_PROVEN_ONE,
	VT_PROVEN_MANY,
	VT_PROVEN_NOT_CLOSED,
	VT_PROVEN_NO,

	/* Segment verdicts, sources, device kinds. */
	VT_V_OK,
	VT_V_ALTERED,
	VT_V_MISSING,
	VT_V_UNPROVEN,
	VT_V_NOT_INCLUDED,
	VT_V_NONE,
	VT_SRC_USB,
	VT_SRC_UPLOAD,
	VT_SRC_LIVE,
	VT_KIND_BODY,
	VT_KIND_DRONE,
	VT_KIND_FIXED,
	VT_KIND_BODY_DEFAULT,

	/* The two verdicts. */
	VT_VI_LABEL,
	VT_VI_OK,
	VT_VI_BAD,
	VT_VI_COUNTS,
	VT_VI_ALTERED,
	VT_VI_MISSING,
	VT_VI_UNPROVEN,
	VT_VI_OTHER,
	VT_VI_ENTRIES,
	VT_VI_MEDIA,
	VT_VI_CHECKS,
	VT_VI_CONTRADICTION,
	VT_VI_NO_VERDICT,
	VT_VI_NO_CHECKS,
	VT_VI_FAILED_CHECK,
	VT_VI_SEG_NOT_OK,
	VT_VI_FEWER,
	VT_VI_NOT_SIGNED,
	VT_VP_LABEL,
	VT_VP_CLEAN,
	VT_VP_LIMITED,
	VT_VP_UNKNOWN,
	VT_VP_STRICT,

	/* Finding rules: a label each (what limits the use). */
	VT_R_TWO_OFFICERS,
	VT_R_NO_FOOTAGE,
	VT_R_FOOTAGE_GAP,
	VT_R_UNREVIEWED_DEVICE,
	VT_R_DEADLINE_UNKNOWN,
	VT_R_BACKFILL_OVERDUE,
	VT_R_BACKFILL_LATE,
	VT_R_RED_NOT_INSPECTED,
	VT_R_NOT_CLOSED,
	VT_R_REVIEW_AFTER_DECISION,
	VT_R_REVIEWER_IS_OFFICER,
	VT_R_CREDIT_NOTICE_MISSING,
	VT_R_CREDIT_REPAIR_OVERDUE,
	VT_R_RECORDED_LATE,
	VT_R_NUMBERING_GAP,
	VT_R_OTHER,

	/* Text report. */
	VT_TX_HEAD,
	VT_TX_PURPOSE,
	VT_TX_ENTERPRISE,
	VT_TX_KEY,
	VT_TX_TS,
	VT_TX_CHECKS,
	VT_TX_SEGS,
	VT_TX_SEG,
	VT_TX_FILE_TIME,
	VT_TX_UNLINKED,
	VT_TX_DEVICE,
	VT_TX_REVIEW,
	VT_TX_NO_REVIEW,
	VT_TX_DRIFT,
	VT_TX_NO_DRIFT,
	VT_TX_FACTORS,
	VT_TX_ANCHOR,
	VT_TX_FINDINGS,
	VT_TX_STRICT,
	VT_TX_NOTE,
	VT_TX_FINDING_EN,
	VT_TX_NO_ENTRIES,
	VT_TX_VERIFIED,
	VT_TX_NOT_VERIFIED,
	VT_TL_UNVERIFIED,
	VT_TL_PROVEN_ONLY,
	VT_TL_NONE,

	/* Article 12 of the administrative litigation evidence rules. */
	VT_A12_TITLE,
	VT_A12_NOTE,
	VT_A12_ITEM,
	VT_A12_METHOD,
	VT_A12_TIME,
	VT_A12_MAKER,
	VT_A12_PURPOSE,
	VT_A12_TRANSCRIPT,
	VT_A12_DOCK,
	VT_A12_UPLOAD,
	VT_A12_LIVE,
	VT_A12_MODEL,
	VT_A12_FIRMWARE,
	VT_A12_RECORDED,
	VT_A12_CORRECTED,
	VT_A12_SEALED,
	VT_A12_DRIFT_UNKNOWN,
	VT_A12_CARRIED,
	VT_A12_STATION,
	VT_A12_PURPOSE_SRC,
	VT_A12_NO_PURPOSE,
	VT_A12_TRANSCRIPT_YES,
	VT_A12_TRANSCRIPT_NO,
	VT_A12_NONE,

	/* HTML page. */
	VT_H_TITLE,
	VT_H_INSPECTION,
	VT_H_ENTERPRISE,
	VT_H_USCC,
	VT_H_PURPOSE,
	VT_H_STATION,
	VT_H_BUNDLE,
	VT_H_BUNDLE_FORMAT,
	VT_H_PROFILE,
	VT_H_REPORT_FORMAT,
	VT_H_KEY,
	VT_H_KEY_NOTE,
	VT_H_SIGNER,
	VT_H_SIGNER_ID,
	VT_H_GIVEN_ID,
	VT_H_SIGNED_BY_GIVEN,
	VT_H_VKEY_GIVEN,
	VT_H_OTHER_SIGS,
	VT_H_NOTE,
	VT_H_TS,
	VT_H_TS_NOTE,
	VT_H_PRESENT,
	VT_H_CHECKED,
	VT_H_VALID,
	VT_H_TIME,
	VT_H_TSA,
	VT_H_SERIAL,
	VT_H_POLICY,
	VT_H_CHECKS,
	VT_H_CHECK,
	VT_H_RESULT,
	VT_H_ENTRY,
	VT_H_PATH,
	VT_H_NO_CHECKS,
	VT_H_SEGMENTS,
	VT_H_SEG_COUNTS,
	VT_H_VERDICT,
	VT_H_CAMERA,
	VT_H_DEVICE_KIND,
	VT_H_REVIEW,
	VT_H_OFFICER,
	VT_H_RECORDED,
	VT_H_DRIFT,
	VT_H_CORRECTED,
	VT_H_DURATION,
	VT_H_SOURCE,
	VT_H_LINKED,
	VT_H_OBJECT,
	VT_H_NO_SEGMENTS,
	VT_H_LINKED_YES,
	VT_H_LINKED_NO,
	VT_H_FACTORS,
	VT_H_FACTORS_NOTE,
	VT_H_FACTOR,
	VT_H_EVIDENCE,
	VT_H_NOT_ADDRESSED,
	VT_H_OFFICERS,
	VT_H_OFFICER_ID,
	VT_H_NAME,
	VT_H_NO_OFFICERS,
	VT_H_TIMELINE,
	VT_H_TIMELINE_NOTE,
	VT_H_TL_TIME,
	VT_H_KIND,
	VT_H_WHAT,
	VT_H_NO_TIMELINE,
	VT_H_COVERAGE,
	VT_H_NO_COVERAGE,
	VT_H_LEGEND,
	VT_H_ON_SITE,
	VT_H_FOOTAGE,
	VT_H_GAPS_LANE,
	VT_H_EXPLAINED,
	VT_H_UNEXPLAINED,
	VT_H_FROM,
	VT_H_TO,
	VT_H_SECONDS,
	VT_H_REASON,
	VT_H_NO_GAPS,
	VT_H_FINDINGS,
	VT_H_FINDINGS_NOTE,
	VT_H_RULE,
	VT_H_DETAIL,
	VT_H_ENTRIES,
	VT_H_NO_FINDINGS,
	VT_H_NO_FINDINGS_DATA,
	VT_H_FOOTER,
	VT_H_ART12,
	VT_VI_NOT_INCLUDED,
	VT_H_SEG_NOT_INCLUDED,
	VT_H_CLIP,
	VT_H_CLIP_NOTE,
	VT_H_CLIP_SEGMENT,
	VT_H_CLIP_FILE,
	VT_H_CLIP_SPAN,
	VT_H_CLIP_SPAN_FMT,
	VT_H_CLIP_PACKETS,
	VT_H_CLIP_PACKETS_FMT,
	VT_H_CLIP_RESULT,
	VT_H_CLIP_OK,
	VT_H_CLIP_BAD,
	VT_H_CLIP_NONE,
	VT_H_CLIP_TIME,
	VT_H_CLIP_POSITION,
	VT_H_CLIP_WHY,
	VT_H_CLIP_BETWEEN,
	VT_H_CLIP_NO_TIME,
	VT_H_CLIP_MORE,

	/* Timeline: entry types, codes, sentences, the printed timeline. */
	VT_TS_REGISTERED,
	VT_TS_PLANNED,
	VT_TS_EMERGENCY,
	VT_TS_NOT_COVERED,
	VT_TS_ENTERED,
	VT_TS_LEFT,
	VT_TS_LINKED_AUTO,
	VT_TS_LINKED_HAND,
	VT_TS_OF_CAMERA,
	VT_TS_COLON,
	VT_TS_SEMI,
	VT_TS_UNLINKED,
	VT_TS_DOCUMENT,
	VT_TS_BACKFILLED,
	VT_TS_BACKFILLED_LATE,
	VT_TS_GAP_REASON,
	VT_TS_CLOSED,
	VT_TS_DEADLINE,
	VT_TS_REVIEW,
	VT_TS_FEEDBACK,
	VT_TS_EXPORTED,
	VT_TS_BY,
	VT_TS_VIEWED,
	VT_TS_DECISION,
	VT_TS_NOTICE,
	VT_TS_NO_NOTICE,
	VT_TS_CREDIT_APPLIED,
	VT_TS_CREDIT_ANSWERED,
	VT_TS_LATE,
	VT_TS_FOOTAGE,
	VT_TS_CARRIED,
	VT_TS_DURATION,
	VT_TS_MTIME,
	VT_TS_NOT_AV,
	VT_TS_NOT_LINKED,
	VT_TS_BEIJING_TIME,
	VT_TP_HEADER,
	VT_TP_NOT_TIME,
	VT_TP_NO_STEPS,
	VT_TP_COVERAGE,
	VT_TP_COVER,
	VT_TP_UNLINKED,
	VT_TP_NO_FOOTAGE,
	VT_TP_GAPS,
	VT_TP_EXPLAINED,
	VT_TP_UNEXPLAINED,
	VT_TP_GAP,
	VT_TP_NONE,
	VT_TP_FINDINGS,
	VT_TP_ENTRIES,
	VT_TP_CLOCK,
	VT_TP_AHEAD,
	VT_TP_BEHIND,
	VT_TP_CLOCK_UNKNOWN,

	/*
	 * Labels of codes and names (verify_text_codes_zh.c and
	 * verify_text_codes_en.c; in English each is the code itself).
	 */
	VT_CODES_FIRST,
	VT_ET_STATION_STARTED = VT_CODES_FIRST,
	VT_ET_STATION_STOPPED,
	VT_ET_KEY_ROTATED,
	VT_ET_OFFICER_ADDED,
	VT_ET_ENTERPRISE_ADDED,
	VT_ET_ENTERPRISE_RISK,
	VT_ET_DEVICE_REGISTERED,
	VT_ET_CAMERA_ASSIGNED,
	VT_ET_INSPECTION_REGISTERED,
	VT_ET_INSPECTION_EMERGENCY,
	VT_ET_INSPECTION_BACKFILLED,
	VT_ET_INSPECTION_ENTERED,
	VT_ET_INSPECTION_LEFT,
	VT_ET_INSPECTION_GAP_REASON,
	VT_ET_INSPECTION_CLOSED,
	VT_ET_INSPECTION_VIEWED,
	VT_ET_ENTERPRISE_FEEDBACK,
	VT_ET_REVIEW_RECORDED,
	VT_ET_BUNDLE_EXPORTED,
	VT_ET_DECISION_SERVED,
	VT_ET_CREDIT_REPAIR_APPLIED,
	VT_ET_CREDIT_REPAIR_ANSWERED,
	VT_ET_SEGMENT_SEALED,
	VT_ET_DOCUMENT_SEALED,
	VT_ET_DOCK_SESSION,
	VT_ET_LIVE_GAP,
	VT_ET_EVIDENCE_LINKED,
	VT_ET_EVIDENCE_UNLINKED,
	VT_ET_OBJECT_DELETED,
	VT_ET_OTHER,
	VT_C_ONSITE,
	VT_C_OFFSITE,
	VT_C_DRONE,
	VT_C_APPROVED,
	VT_C_RETURNED,
	VT_C_GRANTED,
	VT_C_REFUSED,
	/* Probe status of a sealed file (lib/media/probe.c). */
	VT_PR_OK,
	VT_PR_NOT_MEDIA,
	VT_PR_DAMAGED,
	VT_PR_CRASHED,
	VT_PR_TIMEOUT,
	VT_PR_FAILED,
	VT_PR_UNKNOWN,
	/* How a dock session ended. */
	VT_SE_COMPLETE,
	VT_SE_STOPPED,
	VT_SE_UNDOCKED,
	/* Kinds of sealed document. */
	VT_DK_RECORD,
	VT_DK_REFUSAL,
	VT_DK_NOTICE,
	VT_DK_PHOTO,
	VT_DK_OTHER,
	/* Cryptographic profiles. */
	VT_PF_DEFAULT,
	VT_PF_SM,
	/* Why a dock session measured no clock drift. */
	VT_DR_NO_FILE,
	VT_DR_BAD_LINE,
	VT_DR_NOT_MEASURED,
	VT_DR_NOT_READING,
	/* The checks of the report (the "check" of each). */
	VT_CN_BUNDLE_LAYOUT,
	VT_CN_BUNDLE_MANIFEST,
	VT_CN_CHAIN_COMPLETE,
	VT_CN_CHAIN_LINK,
	VT_CN_CHECKPOINT_BODY,
	VT_CN_CHECKPOINT_SIGNATURE,
	VT_CN_CLIP_PACKETS,
	VT_CN_CLIP_PROOF,
	VT_CN_ENTRY_FOREIGN,
	VT_CN_ENTRY_FORMAT,
	VT_CN_ENTRY_INDEX,
	VT_CN_ENTRY_PRESENT,
	VT_CN_ENTRY_PROOF,
	VT_CN_ENTRY_STATION,
	VT_CN_KEY_STATION_VKEY,
	VT_CN_MEDIA_FOREIGN,
	VT_CN_MEDIA_HASH,
	VT_CN_MEDIA_PACKET_ROOT,
	VT_CN_MEDIA_PRESENT,
	VT_CN_SEGMENTS_PRESENT,
	VT_CN_TIMESTAMP_TOKEN,
	VT_CN_MEDIA_DISPOSED,
	/*
	 * A disposed object (docs/retention.md): the verdict, the sentences
	 * that name the disposal and the words of its rule.
	 */
	VT_V_DISPOSED,
	VT_VI_DISPOSED,
	VT_SG_ALL_DISPOSED,
	VT_SG_DISPOSED,
	VT_MD_DISPOSED,
	VT_PROVEN_DISPOSED,
	VT_RULE,
	VT_RULE_DAYS,
	VT_RULE_MONTHS,
	VT_RULE_YEARS,
	/* The problems of a clip's packets (clip_why_name()). */
	VT_CW_ALTERED,
	VT_CW_OUTSIDE,
	VT_CW_TWICE,
	VT_CW_ORDER,
	VT_CW_MISSING,
	VT_CW_NOPROOF,
	VT_CW_NOPACKET,
	VT_CW_BADPROOF,

	/* Witness cosignatures (verify_text_witness.c), from VT_WS_LABEL on. */
	VT_WS_LABEL,
	VT_WS_OK,
	VT_WS_SHORT,
	VT_WS_BAD,
	VT_WS_VALID,
	VT_WS_MISSING,
	VT_WS_BAD_ITEM,
	VT_WS_NO_CKPT,
	VT_CN_CHECKPOINT_WITNESSES,
	VT_H_WITNESSES,
	VT_H_WITNESS,
	VT_H_WITNESS_KEY,
	VT_H_COSIGNED_AT,
	VT_H_STATE,

	VT_NMSGS
};

/*
 * The tables, indexed by enum vt_msg: verify_text_zh and verify_text_en
 * set every message before VT_CODES_FIRST, verify_text_codes_zh and
 * verify_text_codes_en every one from it up to VT_WS_LABEL, and
 * verify_text_witness_zh and verify_text_witness_en every one from
 * VT_WS_LABEL on.
 */
extern const char *const verify_text_zh[VT_NMSGS];
extern const char *const verify_text_en[VT_NMSGS];
extern const char *const verify_text_codes_zh[VT_NMSGS];
extern const char *const verify_text_codes_en[VT_NMSGS];
extern const char *const verify_text_witness_zh[VT_NMSGS];
extern const char *const verify_text_witness_en[VT_NMSGS];

/* Message m in lang (an unknown lang is Chinese).  Never NULL. */
const char	*verify_text_get(enum vt_lang lang, enum vt_msg m);

/*
 * Parses a --lang value, "zh" or "en".  Returns 0 with *lang set, or -1
 * for anything else.
 */
int		 verify_text_lang(const char *s, enum vt_lang *lang);

/* "zh" or "en": the report's "lang". */
const char	*verify_text_code(enum vt_lang lang);

/*
 * The label in lang of a code of the report: a segment verdict (ok,
 * altered, unproven, missing), a source (usb, upload, live), a device
 * kind (body, drone, fixed), a finding's rule.  An unknown verdict,
 * source or kind is returned as it is, an unknown rule gets the label
 * "other procedure finding" (the report shows the code beside it).
 * Never NULL; s may be NULL.
 */
const char	*verify_text_verdict(enum vt_lang lang, const char *s);
const char	*verify_text_source(enum vt_lang lang, const char *s);
const char	*verify_text_kind(enum vt_lang lang, const char *s);
const char	*verify_text_rule(enum vt_lang lang, const char *s);

/*
 * The sentence of finding f (rules.h) in lang, written into buf (len
 * bytes, truncated on a UTF-8 boundary) and returned: in English its
 * "detail"; in Chinese its "detail_zh", or, for a finding that has none
 * (one computed by an older station), the log entries it cites and its
 * English "detail" marked as the station's English text.
 */
const char	*verify_text_finding(enum vt_lang lang, const json_t *f,
		    char *buf, size_t len);

/*
 * The name in lang of a log entry type (every ENTRY_* of
 * custos/entry_type.h), and of a code an entry holds (inspection method
 * onsite, offsite, drone; review result approved, returned;
 * credit-repair result granted, refused).  An unknown type or code is
 * returned as it is (the caller may show it with VT_ET_OTHER).  Never
 * NULL; s may be NULL.
 */
const char	*verify_text_entry_type(enum vt_lang lang, const char *type);
const char	*verify_text_word(enum vt_lang lang, const char *s);

/*
 * The label in lang of a code a report shows: a probe status (ok,
 * not_media, damaged, crashed, timeout, failed, unknown), how a dock
 * session ended (complete, stopped, undocked), a document's kind
 * (record, refusal, notice, photo, other), a cryptographic profile
 * (default, sm), the reason a dock session gives for measuring no clock
 * drift (the station's English sentence), the name of a check
 * ("bundle.layout", ...).  In Chinese the label of a code keeps the code
 * in brackets ("不是媒体文件（not_media）"); in English it is the code or
 * sentence itself.  An unknown code is returned as it is.  Never NULL;
 * s may be NULL.
 */
const char	*verify_text_probe(enum vt_lang lang, const char *s);
const char	*verify_text_session_end(enum vt_lang lang, const char *s);
const char	*verify_text_doc_kind(enum vt_lang lang, const char *s);
const char	*verify_text_profile(enum vt_lang lang, const char *s);
const char	*verify_text_drift_why(enum vt_lang lang, const char *s);
const char	*verify_text_check_name(enum vt_lang lang, const char *s);

/*
 * An entry type as a sentence of the report names it: in Chinese its
 * name (verify_text_entry_type()), in English the type itself.  Never
 * NULL; type may be NULL.
 */
const char	*verify_text_type_name(enum vt_lang lang, const char *type);

/*
 * Checks both tables: every message is set, and its printf conversions
 * (flags, width, precision, length and conversion, "%%" aside) are the
 * same in every language.  Returns 0, or -1 with the first message that
 * is not in *bad.
 */
int		 verify_text_check(enum vt_msg *bad);

#endif
