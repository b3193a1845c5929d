/*
 * verify_text_codes_en: the English labels of the codes and names a
 * report shows (verify_text.h, the messages from VT_CODES_FIRST on):
 * entry types, inspection methods and results, probe status, how a dock
 * session ended, document kinds, profiles, why a camera clock was not
 * checked, the names of the checks, the words of a disposal (its
 * verdict, its sentences, its rule: docs/retention.md) and the problems
 * of a clip's packets.  Where a code
 * has no English name its label is the code itself, so that the English
 * report shows it as it is.
 */
#include <inttypes.h>

#include "verify_text.h"

const char *const verify_text_codes_en[VT_NMSGS] = {
	[VT_ET_STATION_STARTED] =
	    "station started",
	[VT_ET_STATION_STOPPED] =
	    "station stopped",
	[VT_ET_KEY_ROTATED] =
	    "signing key rotated",
	[VT_ET_OFFICER_ADDED] =
	    "officer added",
	[VT_ET_ENTERPRISE_ADDED] =
	    "enterprise added",
	[VT_ET_ENTERPRISE_RISK] =
	    "enterprise risk level",
	[VT_ET_DEVICE_REGISTERED] =
	    "device registered",
	[VT_ET_CAMERA_ASSIGNED] =
	    "camera assigned",
	[VT_ET_INSPECTION_REGISTERED] =
	    "inspection registered",
	[VT_ET_INSPECTION_EMERGENCY] =
	    "emergency inspection",
	[VT_ET_INSPECTION_BACKFILLED] =
	    "registration back-filled",
	[VT_ET_INSPECTION_ENTERED] =
	    "entered the site",
	[VT_ET_INSPECTION_LEFT] =
	    "left the site",
	[VT_ET_INSPECTION_GAP_REASON] =
	    "footage gap explained",
	[VT_ET_INSPECTION_CLOSED] =
	    "closed",
	[VT_ET_INSPECTION_VIEWED] =
	    "viewed",
	[VT_ET_ENTERPRISE_FEEDBACK] =
	    "enterprise feedback",
	[VT_ET_REVIEW_RECORDED] =
	    "legal review",
	[VT_ET_BUNDLE_EXPORTED] =
	    "bundle exported",
	[VT_ET_DECISION_SERVED] =
	    "penalty decision served",
	[VT_ET_CREDIT_REPAIR_APPLIED] =
	    "credit repair applied for",
	[VT_ET_CREDIT_REPAIR_ANSWERED] =
	    "credit repair answered",
	[VT_ET_SEGMENT_SEALED] =
	    "footage",
	[VT_ET_DOCUMENT_SEALED] =
	    "document sealed",
	[VT_ET_DOCK_SESSION] =
	    "dock session",
	[VT_ET_LIVE_GAP] =
	    "live gap",
	[VT_ET_EVIDENCE_LINKED] =
	    "evidence linked",
	[VT_ET_EVIDENCE_UNLINKED] =
	    "evidence unlinked",
	[VT_ET_OBJECT_DELETED] =
	    "object deleted",
	[VT_ET_OTHER] =
	    "other (%s)",
	[VT_C_ONSITE] =
	    "on-site inspection",
	[VT_C_OFFSITE] =
	    "off-site inspection",
	[VT_C_DRONE] =
	    "drone patrol",
	[VT_C_APPROVED] =
	    "approved",
	[VT_C_RETURNED] =
	    "returned",
	[VT_C_GRANTED] =
	    "granted",
	[VT_C_REFUSED] =
	    "refused",
	[VT_PR_OK] =
	    "ok",
	[VT_PR_NOT_MEDIA] =
	    "not_media",
	[VT_PR_DAMAGED] =
	    "damaged",
	[VT_PR_CRASHED] =
	    "crashed",
	[VT_PR_TIMEOUT] =
	    "timeout",
	[VT_PR_FAILED] =
	    "failed",
	[VT_PR_UNKNOWN] =
	    "unknown",
	[VT_SE_COMPLETE] =
	    "complete",
	[VT_SE_STOPPED] =
	    "stopped",
	[VT_SE_UNDOCKED] =
	    "undocked",
	[VT_DK_RECORD] =
	    "record",
	[VT_DK_REFUSAL] =
	    "refusal",
	[VT_DK_NOTICE] =
	    "notice",
	[VT_DK_PHOTO] =
	    "photo",
	[VT_DK_OTHER] =
	    "other",
	[VT_PF_DEFAULT] =
	    "default",
	[VT_PF_SM] =
	    "sm",
	[VT_CN_BUNDLE_LAYOUT] =
	    "bundle.layout",
	[VT_CN_BUNDLE_MANIFEST] =
	    "bundle.manifest",
	[VT_CN_CHAIN_COMPLETE] =
	    "chain.complete",
	[VT_CN_CHAIN_LINK] =
	    "chain.link",
	[VT_CN_CHECKPOINT_BODY] =
	    "checkpoint.body",
	[VT_CN_CHECKPOINT_SIGNATURE] =
	    "checkpoint.signature",
	[VT_CN_CLIP_PACKETS] =
	    "clip.packets",
	[VT_CN_CLIP_PROOF] =
	    "clip.proof",
	[VT_CN_ENTRY_FOREIGN] =
	    "entry.foreign",
	[VT_CN_ENTRY_FORMAT] =
	    "entry.format",
	[VT_CN_ENTRY_INDEX] =
	    "entry.index",
	[VT_CN_ENTRY_PRESENT] =
	    "entry.present",
	[VT_CN_ENTRY_PROOF] =
	    "entry.proof",
	[VT_CN_ENTRY_STATION] =
	    "entry.station",
	[VT_CN_KEY_STATION_VKEY] =
	    "key.station_vkey",
	[VT_CN_MEDIA_FOREIGN] =
	    "media.foreign",
	[VT_CN_MEDIA_HASH] =
	    "media.hash",
	[VT_CN_MEDIA_PACKET_ROOT] =
	    "media.packet_root",
	[VT_CN_MEDIA_PRESENT] =
	    "media.present",
	[VT_CN_SEGMENTS_PRESENT] =
	    "segments.present",
	[VT_CN_TIMESTAMP_TOKEN] =
	    "timestamp.token",
	[VT_DR_NO_FILE] =
	    "no clock file on the volume",
	[VT_DR_BAD_LINE] =
	    "clock file's first line is not YYYY-MM-DD HH:MM:SS",
	[VT_DR_NOT_MEASURED] =
	    "the session measured no drift",
	[VT_DR_NOT_READING] =
	    "the session's drift_ms is not a clock reading",
	[VT_CN_MEDIA_DISPOSED] =
	    "media.disposed",
	[VT_V_DISPOSED] =
	    "disposed of",
	[VT_VI_DISPOSED] =
	    ", %lld disposed of under the retention rules",
	[VT_SG_ALL_DISPOSED] =
	    "segments: all %zu linked segments accounted for: %zu present "
	    "and unaltered, %zu disposed of under the retention rules",
	[VT_SG_DISPOSED] =
	    "disposed of by entry %" PRIu64 " on %s under rule %s",
	[VT_MD_DISPOSED] =
	    "entry %" PRIu64 " (%s) seals %s: disposed of by entry %" PRIu64
	    " on %s under rule %s; its hash remains in the log",
	[VT_PROVEN_DISPOSED] =
	    " %lld more linked segment(s) were disposed of under the "
	    "retention rules; their hashes remain in the log.",
	[VT_RULE] =
	    "%s = %s",
	[VT_RULE_DAYS] =
	    "%u days",
	[VT_RULE_MONTHS] =
	    "%u months",
	[VT_RULE_YEARS] =
	    "%u years",
	[VT_CW_ALTERED] =
	    "packet altered",
	[VT_CW_OUTSIDE] =
	    "position outside the clipped range",
	[VT_CW_TWICE] =
	    "position used twice",
	[VT_CW_ORDER] =
	    "packets reordered",
	[VT_CW_MISSING] =
	    "no packet at this position",
	[VT_CW_NOPROOF] =
	    "packet without a proof",
	[VT_CW_NOPACKET] =
	    "proof without a packet",
	[VT_CW_BADPROOF] =
	    "malformed proof",
};
