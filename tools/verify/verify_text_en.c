/*
 * verify_text_en: the English table of custos-verify's report
 * (verify_text.h).  Every message of enum vt_msg, with the same printf
 * conversions in the same order as in the other language's table.
 */
#include <inttypes.h>

#include "verify_text.h"

const char *const verify_text_en[VT_NMSGS] = {
	[VT_W_TAR] =
	    "tar",
	[VT_W_DIRECTORY] =
	    "directory",
	[VT_W_NOT_OBJECT] =
	    "not an object",
	[VT_W_NOBODY] =
	    "nobody",
	[VT_W_NO_READABLE_KEY] =
	    "no readable key",
	[VT_W_UNREADABLE] =
	    "unreadable",
	[VT_W_NOTHING_READABLE] =
	    "nothing readable",
	[VT_W_UNNAMED_TSA] =
	    "an unnamed TSA",
	[VT_W_THE_TSA] =
	    "the TSA",
	[VT_W_NOTHING] =
	    "nothing",
	[VT_W_DID_NOT_RUN] =
	    "did not run",
	[VT_W_ITEM_NO_PATH] =
	    "an item without a path",
	[VT_W_COMMA_INSPECTION] =
	    ", inspection ",
	[VT_W_UNKNOWN] =
	    "(unknown)",
	[VT_W_NONE] =
	    "none",
	[VT_W_YES] =
	    "yes",
	[VT_W_NO] =
	    "no",
	[VT_W_NOT_STATED] =
	    "not stated",
	[VT_W_BEIJING] =
	    "Beijing",
	[VT_W_ABSENT] =
	    "–",
	[VT_CK_LAYOUT_BAD] =
	    "bundle: %s",
	[VT_CK_LAYOUT_OK] =
	    "bundle layout: %zu files in a %s, every name and type as "
	    "docs/bundle.md allows, none twice, no links",
	[VT_CK_FILE_MISSING] =
	    "%s is missing",
	[VT_CK_MANIFEST_NOT_OBJECT] =
	    "%s is not a JSON object (line %d: %s)",
	[VT_CK_MANIFEST_FORMAT] =
	    "%s: format \"%s\" is not %s; this verifier does not know it",
	[VT_CK_MANIFEST_OK] =
	    "%s: format %s (informative: every claim in it is re-checked "
	    "below)",
	[VT_CK_VKEY_NOT_KEY] =
	    "%s is not a C2SP verifier key",
	[VT_CK_VKEY_SAME] =
	    "%s is the key you gave (%s)",
	[VT_CK_VKEY_OTHER] =
	    "%s names key %s, not the key you gave (%s): the bundle "
	    "claims another station key",
	[VT_KEY_OK] =
	    "The checkpoint is signed by %s, the key you gave with --key.",
	[VT_KEY_VKEY_SAME] =
	    " station.vkey in the bundle is the same key.",
	[VT_KEY_VKEY_DIFF] =
	    " station.vkey in the bundle is a different key (%s).",
	[VT_KEY_BAD] =
	    "The checkpoint is NOT signed by the key you gave (%s); it "
	    "carries signatures by: %s.  station.vkey in the bundle names "
	    "%s.  Compare the station's key out of band before trusting "
	    "anything in this bundle.",
	[VT_KEY_OTHER_SIG] =
	    "  The checkpoint also carries a signature under the "
	    "station's name by another key, %s: only the key you gave "
	    "(%s) was trusted and checked; the other signature was not "
	    "checked and proves nothing here.  Ask the station whose key "
	    "it is (an earlier key after a rotation, or one that is not "
	    "the station's).",
	[VT_CK_CKPT_MISSING] =
	    "checkpoint is missing: nothing in the bundle is signed",
	[VT_CK_CKPT_MALFORMED] =
	    "checkpoint is not a well-formed signed note",
	[VT_CK_CKPT_SIG_OK] =
	    "checkpoint signature by %s (the key you gave) verifies",
	[VT_CK_CKPT_NO_SIG] =
	    "checkpoint has no signature by the key you gave (%s); signed "
	    "by: %s",
	[VT_CK_CKPT_SIG_BAD] =
	    "checkpoint signature by %s does not verify: the checkpoint "
	    "is not what that key signed",
	[VT_CK_CKPT_NOT_CKPT] =
	    "checkpoint: the signed text is not a checkpoint (origin, "
	    "tree size, base64 root)",
	[VT_CK_CKPT_ORIGIN] =
	    "checkpoint: origin \"%s\" is not the key's name \"%s\"",
	[VT_CK_CKPT_OK] =
	    "checkpoint: station \"%s\", tree size %" PRIu64 ", root %s",
	[VT_TS_NONE] =
	    "no timestamp token (%s): there is no third-party anchor, "
	    "only the station's own log and clock",
	[VT_TS_ACCEPTED] =
	    " (accepted: --allow-untimestamped)",
	[VT_TS_NO_CKPT] =
	    "timestamp not checked: there is no checkpoint to check it "
	    "against",
	[VT_TS_NO_CA] =
	    "timestamp not checked: no --tsa-ca (the token claims %s by "
	    "%s; unchecked, it proves nothing)",
	[VT_TS_OK] =
	    "timestamp token: %s saw this exact checkpoint no later than "
	    "%s (serial %s, policy %s), chained to --tsa-ca",
	[VT_TS_NOT_GRANTED] =
	    "timestamp token: %s is not a granted RFC 3161 reply%s%s",
	[VT_TS_BAD] =
	    "timestamp token does not verify: %s",
	[VT_EN_NOT_JSON] =
	    "entry %" PRIu64 ": %s is not one JSON object",
	[VT_EN_INDEX] =
	    "entry %" PRIu64 ": its \"index\" field says %lld, not its "
	    "file name's %" PRIu64 " (moved or renamed)",
	[VT_EN_STATION] =
	    "entry %" PRIu64 ": station \"%s\" is not the checkpoint's "
	    "\"%s\"",
	[VT_EN_PROOF_MISSING] =
	    "entry %" PRIu64 ": proofs/%" PRIu64 ".proof is missing",
	[VT_EN_PROOF_RANGE] =
	    "entry %" PRIu64 ": not below the checkpoint's tree size "
	    "%" PRIu64 "",
	[VT_EN_PROOF_FORMAT] =
	    "entry %" PRIu64 ": %s is not a proof file (one base64 hash a "
	    "line)",
	[VT_EN_PROOF_BAD] =
	    "entry %" PRIu64 " (%s): its bytes and inclusion proof do not "
	    "lead to the checkpoint's root: the entry is not proven (it, "
	    "or its proof, is not what the station signed)",
	[VT_EN_LISTED_MISSING] =
	    "entry %lld (%s, role %s) is listed in MANIFEST.json but "
	    "entries/%lld.json is missing",
	[VT_MF_NO_ENTRIES] =
	    "%s has no \"entries\" list",
	[VT_MF_ENTRY_NO_INDEX] =
	    "%s: entries[%zu] has no index",
	[VT_EN_FOREIGN_UNLISTED] =
	    "entry %" PRIu64 " (%s) is in the bundle but not in "
	    "MANIFEST.json: a foreign entry",
	[VT_EN_NONE] =
	    "the bundle holds no entries",
	[VT_EN_NO_CKPT] =
	    "inclusion proofs not checked: no readable checkpoint",
	[VT_EN_ALL] =
	    "all %zu entries are in the signed tree of size %" PRIu64 " "
	    "(each by its RFC 9162 inclusion proof)",
	[VT_EN_FOREIGN_ROLE] =
	    "entry %" PRIu64 " (%s%s%s) has no role in inspection %s: a "
	    "foreign entry",
	[VT_CH_FIRST] =
	    "chain: its first entry in the bundle, %" PRIu64 " (%s), is "
	    "not the inspection's registration: the entries before it are "
	    "missing",
	[VT_CH_LINK] =
	    "chain: entry %" PRIu64 " (%s) links to %s, but the entry "
	    "before it, %" PRIu64 " (%s), has leaf %s: an entry between "
	    "them is missing, reordered or foreign",
	[VT_CH_MISSING] =
	    "chain: entry %lld of the chain (%s) is missing",
	[VT_CH_NOT_OURS] =
	    "chain: entry %lld, which %s puts in the chain, is not an "
	    "entry of %s",
	[VT_CH_NONE] =
	    "chain: no entry of inspection \"%s\" in the bundle",
	[VT_CH_ENDS] =
	    "chain: ends at entry %" PRIu64 " but %s says its last entry "
	    "is %lld",
	[VT_CH_OK] =
	    "chain: %zu entries of %s from %s (%" PRIu64 ") to %s "
	    "(%" PRIu64 "), every inspection_prev link intact, no link "
	    "missing%s",
	[VT_CH_NOT_CLOSED] =
	    " (the inspection is not closed at export)",
	[VT_MD_NO_OBJECT] =
	    "entry %" PRIu64 " names no object of this profile",
	[VT_MD_MISSING_WHY] =
	    "%s/%s.* is missing",
	[VT_MD_MISSING] =
	    "entry %" PRIu64 " (%s) seals %s: media file missing",
	[VT_MD_INCOMPLETE] =
	    "%s could not be read to its end",
	[VT_MD_HASH_WHY] =
	    "%s hashes to %s, not %s",
	[VT_MD_HASH] =
	    "%s: hash %s, but its name and entry %" PRIu64 " say %s: the "
	    "file was altered or replaced",
	[VT_MD_SIZE] =
	    "%s has %" PRIu64 " bytes, entry says %lld",
	[VT_MD_OK] =
	    "%s: %" PRIu64 " bytes, %s, as sealed by entry %" PRIu64 "",
	[VT_MD_ROOT_NOT] =
	    "packet root of %s not recomputed: the media child %s%s%s",
	[VT_MD_ROOT_WHY] =
	    "packet root of %s is %s, entry says %s",
	[VT_MD_ROOT_BAD] =
	    "%s: recomputed packet root %s (%" PRIu64 " packets) is not "
	    "the sealed %s",
	[VT_MD_ROOT_OK] =
	    "%s: packet root %s over %" PRIu64 " packets recomputed in "
	    "the sandboxed media child, as sealed",
	[VT_MD_FOREIGN] =
	    "%s: no entry in the bundle seals it: a foreign file",
	[VT_MF_ITEM_ABSENT] =
	    "%s lists %s, which is not in the bundle",
	[VT_MF_ITEM_OBJECT] =
	    "%s says %s is %s of entry %lld, but the entry seals %s",
	[VT_SG_ENTRY_MISSING] =
	    "entries/%" PRIu64 ".json is missing",
	[VT_SG_ENTRY_UNREADABLE] =
	    "entries/%" PRIu64 ".json is not readable",
	[VT_SG_ENTRY_CHECK] =
	    "segment %" PRIu64 " (linked to %s): its entry is missing",
	[VT_SG_UNPROVEN] =
	    "entry %" PRIu64 " is not proven in the signed tree, so the "
	    "segment is not proven (nothing shows that its bytes differ "
	    "from what was sealed)",
	[VT_SG_NOT_SEGMENT] =
	    "entry %" PRIu64 " is a %s, not a segment.sealed",
	[VT_SG_NONE] =
	    "segments: inspection %s has no linked footage",
	[VT_SG_ALL] =
	    "segments: all %zu linked segments present and unaltered",
	[VT_SG_SOME] =
	    "segments: %zu of %zu linked segments present and unaltered "
	    "(%zu found)",
	[VT_CL_NO_MANIFEST] =
	    "clip: %s names no clip (\"clip\"), yet the bundle holds %s",
	[VT_CL_NO_CLIP] =
	    "clip: the bundle holds no clip of segment %" PRIu64,
	[VT_CL_NO_PROOF] =
	    "clip: %s, the packet proof of the clip, is missing",
	[VT_CL_NO_ROOT] =
	    "clip: segment entry %" PRIu64 " names no packet_root and packet count: its clip cannot be proven",
	[VT_CL_NOT_DEMUXED] =
	    "clip: %s could not be demuxed in the sandbox: %s%s%s",
	[VT_CL_JSON] =
	    "clip: %s is not a packet proof (JSON of the shape of custos-clip@1)",
	[VT_CL_FORMAT] =
	    "clip: %s is not of the format custos-clip@1",
	[VT_CL_SEGMENT] =
	    "clip: %s is the packet proof of another segment, not of segment %" PRIu64,
	[VT_CL_DISAGREE] =
	    "clip: %s names a %s other than segment entry %" PRIu64 "'s",
	[VT_CL_RANGE] =
	    "clip: %s claims packets outside the %" PRIu64 " packets of segment %" PRIu64,
	[VT_CL_PROOF_OK] =
	    "clip: %s agrees with segment entry %" PRIu64 " (object, packet_root, %" PRIu64 " packets)",
	[VT_CL_ALTERED] =
	    "clip: the packet at %s s (position %s) is not the sealed packet at that position: altered",
	[VT_CL_OUTSIDE] =
	    "clip: the packet at %s s claims position %s, outside the clip's packets %s",
	[VT_CL_TWICE] =
	    "clip: the packet at %s s claims position %s, which another packet of the clip already has",
	[VT_CL_ORDER] =
	    "clip: the packet at %s s (position %s) comes after a later packet of its stream: reordered",
	[VT_CL_MISSING] =
	    "clip: packet %s of the sealed recording is missing from the clip, between %s s and %s s",
	[VT_CL_NOPROOF] =
	    "clip: the packet at %s s has no proof: it was added to the clip",
	[VT_CL_NOPACKET] =
	    "clip: the proof of position %s has no packet in the clip: dropped",
	[VT_CL_BADPROOF] =
	    "clip: the proof of the packet at %s s (position %s) is not [position, base64 hashes]",
	[VT_CL_MORE] =
	    "clip: %" PRIu64 " failures in all; the first %zu are listed",
	[VT_CL_PACKETS_OK] =
	    "clip: all %" PRIu64 " packets of %s, from %s s to %s s, are packets %s of segment %" PRIu64 ", unaltered and in order",
	[VT_CL_MANIFEST_CLIP] =
	    "clip: %s gives the clip %s as %s of %s bytes, but its bytes hash to %s, %" PRIu64 " bytes",
	[VT_SG_NOT_INCLUDED] =
	    "not in this clip bundle: a clip bundle carries the clip of one segment, not the rest of the footage",
	[VT_SG_CLIP] =
	    "segments: the clip bundle carries the clip of segment %" PRIu64 "; the other %zu linked segments are not included",
	[VT_PROVEN_CLIP] =
	    "Proven: the clip's %" PRIu64 " packets, from %s s to %s s of segment %" PRIu64 " (camera %s, sealed %s), are packets %s of that sealed recording, unaltered and in order, %s; they belong to inspection %s, whose chain of %zu entries from %s to %s has no link missing. The clip bundle does not carry the rest of the inspection's footage.",
	[VT_W_CLIP_START] =
	    "the start",
	[VT_W_CLIP_END] =
	    "the end",
	[VT_NOTE_FINDINGS] =
	    "findings not computed: %s",
	[VT_NOTE_TIMELINE] =
	    "timeline not built: %s",
	[VT_NOTE_NO_START] =
	    "findings and timeline need the inspection's proven first "
	    "entry",
	[VT_F1_TITLE] =
	    "(1) The system is complete and reliable",
	[VT_F2_TITLE] =
	    "(2) It ran normally, or a fault did not affect the data",
	[VT_F3_TITLE] =
	    "(3) It has effective means to detect and check errors",
	[VT_F4_TITLE] =
	    "(4) Keeping, transfer and extraction were complete and "
	    "reliable",
	[VT_F5_TITLE] =
	    "(5) Formed and stored in normal activity",
	[VT_F6_TITLE] =
	    "(6) Kept, transferred and extracted by the proper custodian",
	[VT_F7_TITLE] =
	    "(7) Other factors bearing on authenticity: the third-party "
	    "anchor",
	[VT_F1_STARTED] =
	    "custosd %s started %s (entry %" PRIu64 "): configuration %s, "
	    "key %s, profile %s",
	[VT_F1_KEY_DIFF] =
	    "that run's key %s is not the key that signed the checkpoint "
	    "(%s)",
	[VT_F1_NONE] =
	    "no station.started entry is in the bundle: the software "
	    "version and configuration in effect are not shown",
	[VT_F2_UNCLEAN] =
	    "fault record: the run before entry %" PRIu64 " (%s) ended "
	    "without a clean stop (crash, kill or power loss); footage "
	    "sealed after it was sealed by the new run",
	[VT_F2_FIRST] =
	    "entry %" PRIu64 ": the run before it stopped — none, it was "
	    "the first start",
	[VT_F2_CLEAN] =
	    "entry %" PRIu64 ": the run before it stopped cleanly",
	[VT_F2_UNDECODABLE] =
	    "segment %" PRIu64 " was sealed as not decodable (probe: %s)",
	[VT_F2_GAPS] =
	    "footage gaps between entering and leaving: %zu; without a "
	    "logged reason: %zu",
	[VT_F2_NO_GAP] =
	    "no footage gap between entering and leaving",
	[VT_F3_MEDIA] =
	    "every media file re-hashed here: %zu of %zu match the hash "
	    "and size their entry sealed",
	[VT_F3_ROOTS] =
	    "packet roots recomputed in a sandboxed media child: %zu of "
	    "%zu match",
	[VT_F3_PROOFS] =
	    "inclusion proofs: %zu of %zu entries lead to the signed root",
	[VT_F3_CHAIN_OK] =
	    "the inspection's hash chain: every link intact",
	[VT_F3_CHAIN_BAD] =
	    "the inspection's hash chain: broken (see the checks)",
	[VT_F3_VAC] =
	    "the station seals a file only after it re-read the stored "
	    "copy and matched its hash (verify-after-copy)",
	[VT_F4_SESSION] =
	    "segment %lld: camera %s → %s, dock session %" PRIu64 " (%s "
	    "to %s, %s) → sealed %s → this bundle: %s",
	[VT_F4_NOSESSION] =
	    "segment %lld: camera %s → %s → sealed %s → this bundle: %s%s",
	[VT_F4_NO_SESSION_USB] =
	    " (its dock session is not in the bundle)",
	[VT_F4_NONE] =
	    "no linked footage to follow",
	[VT_F5_MANUAL] =
	    "segment %lld linked by an operator (entry %" PRIu64 "): %s",
	[VT_F5_COUNT] =
	    "segment links made by the station itself as the footage was "
	    "sealed (camera assigned to an officer of the inspection, "
	    "recorded during the visit): %zu; by an operator: %zu",
	[VT_F5_LOG] =
	    "every step is an entry of the station's log, written as it "
	    "happened, in the order of the log",
	[VT_F6_KEPT] =
	    "kept by station \"%s\", whose log is signed with key %s%s",
	[VT_F6_NOT_SIGNED] =
	    " — but the checkpoint is not signed by it",
	[VT_F6_OFFICER] =
	    "officer %s %s, named in the inspection's first entry",
	[VT_F7_FINDINGS] =
	    "procedure findings (reported apart from integrity): %zu",
	[VT_ANCHOR_OK] =
	    "The outside time-stamping authority (%s), not the station's "
	    "own log, is the third-party anchor: it saw this checkpoint "
	    "no later than %s.  The entries' times are the station's own "
	    "clock; they are bounded from outside only by that time.",
	[VT_ANCHOR_UNVERIFIED] =
	    "The timestamp token was not verified, so there is no "
	    "third-party anchor: everything here rests on the station's "
	    "own log and clock, which are not neutral.",
	[VT_ANCHOR_NONE] =
	    "There is no timestamp token: no third-party anchor.  "
	    "Everything here rests on the station's own log and clock, "
	    "which are not neutral.",
	[VT_PROVEN_WHEN_TSA] =
	    "no later than %s (time-stamped by %s)",
	[VT_PROVEN_WHEN_OWN] =
	    "when the station signed its checkpoint (its own clock: there "
	    "is no third-party time)",
	[VT_PROVEN_ONE] =
	    "Proven: this %lld file existed, unaltered, %s, and is all of "
	    "inspection %s's recorded evidence%s: its chain of %zu "
	    "entries from %s to %s has no link missing, and its linked "
	    "segments (%lld) are present and unaltered.",
	[VT_PROVEN_MANY] =
	    "Proven: these %lld files existed, unaltered, %s, and are all "
	    "of inspection %s's recorded evidence%s: its chain of %zu "
	    "entries from %s to %s has no link missing, and its linked "
	    "segments (%lld) are present and unaltered.",
	[VT_PROVEN_NOT_CLOSED] =
	    " up to its last step in the bundle (it was not closed at "
	    "export, so later steps cannot be excluded)",
	[VT_PROVEN_NO] =
	    "NOT proven: %zu failed check(s), the first: %s.  Nothing in "
	    "this bundle may be taken as inspection %s's complete, "
	    "unaltered evidence until that is explained.",
	[VT_V_OK] =
	    "ok",
	[VT_V_ALTERED] =
	    "altered",
	[VT_V_MISSING] =
	    "missing",
	[VT_V_UNPROVEN] =
	    "not proven",
	[VT_V_NOT_INCLUDED] =
	    "not in this clip bundle",
	[VT_V_NONE] =
	    "no verdict",
	[VT_SRC_USB] =
	    "USB dock",
	[VT_SRC_UPLOAD] =
	    "upload",
	[VT_SRC_LIVE] =
	    "live stream",
	[VT_KIND_BODY] =
	    "body camera",
	[VT_KIND_DRONE] =
	    "drone",
	[VT_KIND_FIXED] =
	    "fixed camera",
	[VT_KIND_BODY_DEFAULT] =
	    "body camera (not registered with a kind)",
	[VT_VI_LABEL] =
	    "Evidence integrity",
	[VT_VI_OK] =
	    "✔ Integrity proven",
	[VT_VI_BAD] =
	    "✘ Integrity NOT proven",
	[VT_VI_COUNTS] =
	    " — %lld of %lld segments ok",
	[VT_VI_ALTERED] =
	    ", %lld altered",
	[VT_VI_MISSING] =
	    ", %lld missing",
	[VT_VI_UNPROVEN] =
	    ", %lld not proven",
	[VT_VI_OTHER] =
	    ", %lld without a verdict",
	[VT_VI_ENTRIES] =
	    "; %lld of %lld entries",
	[VT_VI_MEDIA] =
	    "; %lld of %lld media files",
	[VT_VI_CHECKS] =
	    "; %lld of %lld checks passed",
	[VT_VI_CONTRADICTION] =
	    " (the report says proven, but %s)",
	[VT_VI_NO_VERDICT] =
	    " (the report has no verdict)",
	[VT_VI_NO_CHECKS] =
	    "the report lists no checks",
	[VT_VI_FAILED_CHECK] =
	    "a check failed",
	[VT_VI_SEG_NOT_OK] =
	    "not every segment is ok",
	[VT_VI_FEWER] =
	    "fewer entries or media files found than expected",
	[VT_VI_NOT_SIGNED] =
	    "the checkpoint is not shown signed by the given key",
	[VT_VP_LABEL] =
	    "Procedure",
	[VT_VP_CLEAN] =
	    "✔ Procedure: no finding limits the use of this evidence",
	[VT_VP_LIMITED] =
	    "✘ Procedure: %zu finding(s) limit the use of this evidence",
	[VT_VP_UNKNOWN] =
	    "✘ Procedure: not assessed (%s)",
	[VT_VP_STRICT] =
	    "Procedure findings fail --strict (they are not integrity "
	    "failures).",
	[VT_R_TWO_OFFICERS] =
	    "fewer than two officers with valid credentials",
	[VT_R_NO_FOOTAGE] =
	    "no footage while on site",
	[VT_R_FOOTAGE_GAP] =
	    "unexplained footage gap",
	[VT_R_UNREVIEWED_DEVICE] =
	    "not for penalty: footage from a device without legal and "
	    "technical review",
	[VT_R_DEADLINE_UNKNOWN] =
	    "a deadline the working-day calendar does not cover",
	[VT_R_BACKFILL_OVERDUE] =
	    "back-fill of the emergency inspection overdue",
	[VT_R_BACKFILL_LATE] =
	    "back-fill of the emergency inspection late",
	[VT_R_RED_NOT_INSPECTED] =
	    "red-coded enterprise not inspected within 5 working days",
	[VT_R_NOT_CLOSED] =
	    "inspection not closed",
	[VT_R_REVIEW_AFTER_DECISION] =
	    "legal review missing or after the decision",
	[VT_R_REVIEWER_IS_OFFICER] =
	    "the legal reviewer is one of the inspecting officers",
	[VT_R_CREDIT_NOTICE_MISSING] =
	    "credit-repair notice not served with the penalty decision",
	[VT_R_CREDIT_REPAIR_OVERDUE] =
	    "credit-repair application not answered within 3 working days",
	[VT_R_RECORDED_LATE] =
	    "a step recorded more than 2 hours after the time it states",
	[VT_R_NUMBERING_GAP] =
	    "a hole in the camera's file numbering",
	[VT_R_OTHER] =
	    "other procedure finding",
	[VT_TX_HEAD] =
	    "bundle %s: inspection %s, station %s, profile %s",
	[VT_TX_PURPOSE] =
	    "Purpose (from MANIFEST.json): ",
	[VT_TX_ENTERPRISE] =
	    "Enterprise: %s (unified social credit code %s)",
	[VT_TX_KEY] =
	    "Key: ",
	[VT_TX_TS] =
	    "Timestamp: ",
	[VT_TX_CHECKS] =
	    "Checks",
	[VT_TX_SEGS] =
	    "Segments linked to the inspection: expected %lld, found "
	    "%lld, unaltered %lld",
	[VT_TX_SEG] =
	    "segment %lld %s: %s",
	[VT_TX_FILE_TIME] =
	    " (file time)",
	[VT_TX_UNLINKED] =
	    "unlinked later",
	[VT_TX_DEVICE] =
	    "camera %s (%s), carried by %s, source %s",
	[VT_TX_REVIEW] =
	    "device review: %s",
	[VT_TX_NO_REVIEW] =
	    "device review: none recorded",
	[VT_TX_DRIFT] =
	    "recorded %s%s; camera clock %+lld ms against the station "
	    "(dock session %lld); corrected %s",
	[VT_TX_NO_DRIFT] =
	    "recorded %s%s; camera clock drift not measured",
	[VT_TX_FACTORS] =
	    "Authenticity factors "
	    "(最高人民法院《关于民事诉讼证据的若干规定》Art. 93)",
	[VT_TX_ANCHOR] =
	    "Anchor: ",
	[VT_TX_FINDINGS] =
	    "Procedure findings (not integrity failures%s): %zu",
	[VT_TX_STRICT] =
	    "; failing under --strict",
	[VT_TX_NOTE] =
	    "note: ",
	[VT_TX_FINDING_EN] =
	    "entries %s; the station's English text: %s",
	[VT_TX_NO_ENTRIES] =
	    "none",
	[VT_TX_VERIFIED] =
	    "VERIFIED: integrity proven",
	[VT_TX_NOT_VERIFIED] =
	    "NOT VERIFIED: integrity not proven",
	[VT_TL_UNVERIFIED] =
	    "(not verified: built from the bundle's entries as they are; "
	    "give --key, or run custos-verify bundle, to check them)",
	[VT_TL_PROVEN_ONLY] =
	    "(only the entries proven in the tree signed by the key; the "
	    "timestamp is not checked here: custos-verify bundle gives "
	    "the verdict)",
	[VT_TL_NONE] =
	    "%s: no timeline can be built from its entries",
	[VT_A12_TITLE] =
	    "Art. 12 of the Supreme People's Court's rules on evidence in "
	    "administrative litigation: the method of making, the time, "
	    "the maker and what it is meant to prove",
	[VT_A12_NOTE] =
	    "For each recording, from the signed entries (the purpose "
	    "from MANIFEST.json, as the exporter stated it).  Audio comes "
	    "with a transcript; whether the bundle holds one is stated.",
	[VT_A12_ITEM] =
	    "segment %lld (%s)",
	[VT_A12_METHOD] =
	    "Method",
	[VT_A12_TIME] =
	    "Time",
	[VT_A12_MAKER] =
	    "Maker",
	[VT_A12_PURPOSE] =
	    "What it is meant to prove",
	[VT_A12_TRANSCRIPT] =
	    "Transcript",
	[VT_A12_DOCK] =
	    "recorded on %s %s, copied at the station's USB dock (dock "
	    "session %lld)",
	[VT_A12_UPLOAD] =
	    "recorded on %s %s, uploaded to the station over the network",
	[VT_A12_LIVE] =
	    "streamed live from %s %s to the station",
	[VT_A12_MODEL] =
	    "; model %s",
	[VT_A12_FIRMWARE] =
	    "; firmware %s",
	[VT_A12_RECORDED] =
	    "recorded from %s by the camera's clock",
	[VT_A12_CORRECTED] =
	    "; corrected for the camera's drift of %+lld ms: %s",
	[VT_A12_SEALED] =
	    "; sealed by the station at %s",
	[VT_A12_DRIFT_UNKNOWN] =
	    "; the camera's clock drift was not measured",
	[VT_A12_CARRIED] =
	    "officer %s %s, who carried the camera then",
	[VT_A12_STATION] =
	    "; kept and sealed by station %s",
	[VT_A12_PURPOSE_SRC] =
	    "%s (from MANIFEST.json, informative)",
	[VT_A12_NO_PURPOSE] =
	    "not stated (MANIFEST.json gives none)",
	[VT_A12_TRANSCRIPT_YES] =
	    "in the bundle: %s",
	[VT_A12_TRANSCRIPT_NO] =
	    "none in the bundle",
	[VT_A12_NONE] =
	    "no linked recording",
	[VT_H_TITLE] =
	    "Evidence verification report",
	[VT_H_INSPECTION] =
	    "Inspection",
	[VT_H_ENTERPRISE] =
	    "Enterprise",
	[VT_H_USCC] =
	    "Unified social credit code",
	[VT_H_PURPOSE] =
	    "Purpose (what the evidence is meant to prove)",
	[VT_H_STATION] =
	    "Station",
	[VT_H_BUNDLE] =
	    "Bundle",
	[VT_H_BUNDLE_FORMAT] =
	    "Bundle format",
	[VT_H_PROFILE] =
	    "Crypto profile",
	[VT_H_REPORT_FORMAT] =
	    "Report format",
	[VT_H_KEY] =
	    "Key trust",
	[VT_H_KEY_NOTE] =
	    "Key trust is judged apart from content: only a key received "
	    "out of band, not the one inside the bundle, makes the "
	    "signatures mean anything.",
	[VT_H_SIGNER] =
	    "Signer",
	[VT_H_SIGNER_ID] =
	    "Signer key ID",
	[VT_H_GIVEN_ID] =
	    "Given key ID",
	[VT_H_SIGNED_BY_GIVEN] =
	    "Checkpoint signed by the given key",
	[VT_H_VKEY_GIVEN] =
	    "The bundle's station.vkey is the given key",
	[VT_H_OTHER_SIGS] =
	    "Other signatures under the station's name (not checked)",
	[VT_H_NOTE] =
	    "Note",
	[VT_H_TS] =
	    "Third-party timestamp",
	[VT_H_TS_NOTE] =
	    "The third-party anchor is the outside timestamp (RFC 3161), "
	    "not the station's own log.",
	[VT_H_PRESENT] =
	    "Present",
	[VT_H_CHECKED] =
	    "Checked",
	[VT_H_VALID] =
	    "Valid",
	[VT_H_TIME] =
	    "Time",
	[VT_H_TSA] =
	    "TSA",
	[VT_H_SERIAL] =
	    "Serial",
	[VT_H_POLICY] =
	    "Policy",
	[VT_H_CHECKS] =
	    "Checks",
	[VT_H_CHECK] =
	    "Check",
	[VT_H_RESULT] =
	    "Result",
	[VT_H_ENTRY] =
	    "Entry",
	[VT_H_PATH] =
	    "Path",
	[VT_H_NO_CHECKS] =
	    "The report holds no checks.",
	[VT_H_SEGMENTS] =
	    "Footage segments",
	[VT_H_SEG_COUNTS] =
	    "expected %lld, found %lld, ok %lld, altered %lld, not proven "
	    "%lld, missing %lld.",
	[VT_H_VERDICT] =
	    "Verdict",
	[VT_H_CAMERA] =
	    "Camera",
	[VT_H_DEVICE_KIND] =
	    "Device kind",
	[VT_H_REVIEW] =
	    "Device review",
	[VT_H_OFFICER] =
	    "Officer",
	[VT_H_RECORDED] =
	    "Recorded start (camera clock)",
	[VT_H_DRIFT] =
	    "Camera clock drift",
	[VT_H_CORRECTED] =
	    "Corrected start",
	[VT_H_DURATION] =
	    "Duration",
	[VT_H_SOURCE] =
	    "Source",
	[VT_H_LINKED] =
	    "Linked",
	[VT_H_OBJECT] =
	    "Object, path",
	[VT_H_NO_SEGMENTS] =
	    "The report lists no segments.",
	[VT_H_LINKED_YES] =
	    "linked",
	[VT_H_LINKED_NO] =
	    "unlinked",
	[VT_H_FACTORS] =
	    "Authenticity factors",
	[VT_H_FACTORS_NOTE] =
	    "Art. 93 of the Supreme People's Court's rules on evidence in "
	    "civil procedure.",
	[VT_H_FACTOR] =
	    "Factor",
	[VT_H_EVIDENCE] =
	    "Evidence",
	[VT_H_NOT_ADDRESSED] =
	    "not addressed by the report",
	[VT_H_OFFICERS] =
	    "Officers",
	[VT_H_OFFICER_ID] =
	    "ID",
	[VT_H_NAME] =
	    "Name",
	[VT_H_NO_OFFICERS] =
	    "The report names no officers.",
	[VT_H_TIMELINE] =
	    "Timeline",
	[VT_H_TIMELINE_NOTE] =
	    "The descriptions are the station's own words.",
	[VT_H_TL_TIME] =
	    "Time (UTC)",
	[VT_H_KIND] =
	    "Kind",
	[VT_H_WHAT] =
	    "What happened",
	[VT_H_NO_TIMELINE] =
	    "The report holds no timeline.",
	[VT_H_COVERAGE] =
	    "Footage coverage",
	[VT_H_NO_COVERAGE] =
	    "The report holds no coverage.",
	[VT_H_LEGEND] =
	    "the vertical lines are entering and leaving",
	[VT_H_ON_SITE] =
	    "on site",
	[VT_H_FOOTAGE] =
	    "footage",
	[VT_H_GAPS_LANE] =
	    "gaps",
	[VT_H_EXPLAINED] =
	    "explained gap",
	[VT_H_UNEXPLAINED] =
	    "unexplained gap",
	[VT_H_FROM] =
	    "From",
	[VT_H_TO] =
	    "To",
	[VT_H_SECONDS] =
	    "Seconds",
	[VT_H_REASON] =
	    "Reason",
	[VT_H_NO_GAPS] =
	    "No stretch longer than 5 s between entering and leaving "
	    "lacks footage (or the inspection has not left).",
	[VT_H_FINDINGS] =
	    "Procedure findings",
	[VT_H_FINDINGS_NOTE] =
	    "Procedure findings are reported apart from integrity: they "
	    "do not mean the evidence was altered, but each limits how it "
	    "may be used.",
	[VT_H_RULE] =
	    "Rule",
	[VT_H_DETAIL] =
	    "Explanation",
	[VT_H_ENTRIES] =
	    "Entries",
	[VT_H_NO_FINDINGS] =
	    "None.",
	[VT_H_NO_FINDINGS_DATA] =
	    "The report holds no findings.",
	[VT_H_FOOTER] =
	    "Written by custos-verify; this page has no scripts and loads "
	    "nothing from elsewhere.",
	[VT_H_ART12] =
	    "Audio and video evidence (Art. 12)",
	[VT_VI_NOT_INCLUDED] =
	    ", %lld not in this clip bundle",
	[VT_H_SEG_NOT_INCLUDED] =
	    "%lld of them are not in this clip bundle: a clip bundle proves the "
	    "clip, not that the footage is complete.",
	[VT_H_CLIP] =
	    "Clip",
	[VT_H_CLIP_NOTE] =
	    "This bundle carries no original footage, only a clip of one "
	    "sealed segment; every packet of the clip comes with an inclusion "
	    "proof that it is the sealed recording's packet at a position "
	    "(against the segment entry's packet root).",
	[VT_H_CLIP_SEGMENT] =
	    "Segment clipped",
	[VT_H_CLIP_FILE] =
	    "Clip file",
	[VT_H_CLIP_SPAN] =
	    "Span (from the start of the recording)",
	[VT_H_CLIP_SPAN_FMT] =
	    "%s s to %s s",
	[VT_H_CLIP_PACKETS] =
	    "Packets",
	[VT_H_CLIP_PACKETS_FMT] =
	    "the clip holds %lld packets; its proof says they are packets "
	    "%lld to %lld of the sealed recording",
	[VT_H_CLIP_RESULT] =
	    "Packet by packet",
	[VT_H_CLIP_OK] =
	    "every packet proven: unaltered and in order",
	[VT_H_CLIP_BAD] =
	    "not proven: %lld problems",
	[VT_H_CLIP_NONE] =
	    "The report holds no result for the clip.",
	[VT_H_CLIP_TIME] =
	    "Time in the clip (s)",
	[VT_H_CLIP_POSITION] =
	    "Position in the sealed recording",
	[VT_H_CLIP_WHY] =
	    "Problem",
	[VT_H_CLIP_BETWEEN] =
	    "between %s and %s",
	[VT_H_CLIP_NO_TIME] =
	    "time unknown",
	[VT_H_CLIP_MORE] =
	    "%lld problems in all; the first %zu are listed.",
	[VT_TS_REGISTERED] =
	    "registered: enterprise %s, officers %s, method %s, basis %s,"
	    " content %s",
	[VT_TS_PLANNED] =
	    ", planned %s",
	[VT_TS_EMERGENCY] =
	    "emergency inspection, entered without registration: enterprise "
	    "%s, officers %s, method %s; back-fill due %s",
	[VT_TS_NOT_COVERED] =
	    "unknown (calendar does not cover %s)",
	[VT_TS_ENTERED] =
	    "the officers entered the site",
	[VT_TS_LEFT] =
	    "the officers left the site",
	[VT_TS_LINKED_AUTO] =
	    "segment %s%s linked automatically",
	[VT_TS_LINKED_HAND] =
	    "segment %s%s linked by the operator",
	[VT_TS_OF_CAMERA] =
	    " of camera %s",
	[VT_TS_COLON] =
	    ": %s",
	[VT_TS_SEMI] =
	    "; %s",
	[VT_TS_UNLINKED] =
	    "segment %s unlinked: %s",
	[VT_TS_DOCUMENT] =
	    "document sealed: %s \"%s\", %s bytes, %s",
	[VT_TS_BACKFILLED] =
	    "back-filled: basis %s, content %s",
	[VT_TS_BACKFILLED_LATE] =
	    "back-filled late: basis %s, content %s",
	[VT_TS_GAP_REASON] =
	    "no footage from %s to %s because: %s",
	[VT_TS_CLOSED] =
	    "closed: result %s",
	[VT_TS_DEADLINE] =
	    "; rectification deadline %s",
	[VT_TS_REVIEW] =
	    "legal review by %s: %s",
	[VT_TS_FEEDBACK] =
	    "feedback from the enterprise: %s",
	[VT_TS_EXPORTED] =
	    "evidence bundle exported",
	[VT_TS_BY] =
	    " by %s",
	[VT_TS_VIEWED] =
	    "viewed at the station (%s)",
	[VT_TS_DECISION] =
	    "penalty decision %s served: %s, at %s",
	[VT_TS_NOTICE] =
	    "; credit-repair notice %s served with it",
	[VT_TS_NO_NOTICE] =
	    "; no credit-repair notice served with it",
	[VT_TS_CREDIT_APPLIED] =
	    "credit-repair application received at %s: %s; answer due %s",
	[VT_TS_CREDIT_ANSWERED] =
	    "credit-repair application %s answered: %s, at %s",
	[VT_TS_LATE] =
	    " (late)",
	[VT_TS_FOOTAGE] =
	    "%s from camera %s%s: %s; source %s; %s",
	[VT_TS_CARRIED] =
	    " carried by %s",
	[VT_TS_DURATION] =
	    "%s s, to %s Beijing",
	[VT_TS_MTIME] =
	    " (times from the file's mtime: the container records none)",
	[VT_TS_NOT_AV] =
	    "not audio or video (%s)",
	[VT_TS_NOT_LINKED] =
	    "; unlinked from the inspection",
	[VT_TS_BEIJING_TIME] =
	    "%s Beijing",
	[VT_TP_HEADER] =
	    "Inspection %s: timeline (UTC, Beijing time beside it)",
	[VT_TP_NOT_TIME] =
	    "(not an RFC 3339 time)",
	[VT_TP_NO_STEPS] =
	    "(no steps)",
	[VT_TP_COVERAGE] =
	    "Footage coverage (by recorded start and duration):",
	[VT_TP_COVER] =
	    "%s s to %s, segment %s, camera %s",
	[VT_TP_UNLINKED] =
	    " (unlinked)",
	[VT_TP_NO_FOOTAGE] =
	    "(no footage)",
	[VT_TP_GAPS] =
	    "Gaps between entering and leaving (longer than %s s):",
	[VT_TP_EXPLAINED] =
	    "~ explained",
	[VT_TP_UNEXPLAINED] =
	    "! UNEXPLAINED",
	[VT_TP_GAP] =
	    "to %s (%s s)",
	[VT_TP_NONE] =
	    "(none)",
	[VT_TP_FINDINGS] =
	    "Findings:",
	[VT_TP_ENTRIES] =
	    " [entries %s]",
	[VT_TP_CLOCK] =
	    "camera clock %s %s s the station's (dock.session #%s): recorded "
	    "%s, corrected %s",
	[VT_TP_AHEAD] =
	    "ahead of",
	[VT_TP_BEHIND] =
	    "behind",
	[VT_TP_CLOCK_UNKNOWN] =
	    "camera clock: not checked at docking (dock.session #%s: %s); "
	    "recorded time as the camera gave it",
};
