/*
 * entry_type: the name of every entry type a Custos log carries, the
 * "type" field of each entry (docs/log.md section 2).  Code that writes
 * or reads an entry names its type through these constants, never as a
 * string literal, so that a search finds every place a type is made or
 * read.  docs/log.md lists the same set in its table of entry types;
 * tests/e2e/architecture.sh checks that the two agree.
 */
#ifndef CUSTOS_ENTRY_TYPE_H
#define CUSTOS_ENTRY_TYPE_H

/* The station itself (docs/log.md 2.1). */
#define ENTRY_STATION_STARTED		"station.started"
#define ENTRY_STATION_STOPPED		"station.stopped"
#define ENTRY_KEY_ROTATED		"key.rotated"

/* The registry (docs/log.md 2.2, docs/inspection.md). */
#define ENTRY_OFFICER_ADDED		"officer.added"
#define ENTRY_ENTERPRISE_ADDED		"enterprise.added"
#define ENTRY_ENTERPRISE_RISK		"enterprise.risk"
#define ENTRY_DEVICE_REGISTERED		"device.registered"
#define ENTRY_CAMERA_ASSIGNED		"camera.assigned"
#define ENTRY_CAMERA_NUMBERING_REASON	"camera.numbering_reason"

/* The inspection lifecycle (docs/inspection.md). */
#define ENTRY_INSPECTION_REGISTERED	"inspection.registered"
#define ENTRY_INSPECTION_EMERGENCY	"inspection.emergency"
#define ENTRY_INSPECTION_BACKFILLED	"inspection.backfilled"
#define ENTRY_INSPECTION_ENTERED	"inspection.entered"
#define ENTRY_INSPECTION_LEFT		"inspection.left"
#define ENTRY_INSPECTION_GAP_REASON	"inspection.gap_reason"
#define ENTRY_INSPECTION_CLOSED		"inspection.closed"
#define ENTRY_INSPECTION_VIEWED		"inspection.viewed"
#define ENTRY_ENTERPRISE_FEEDBACK	"enterprise.feedback"
#define ENTRY_REVIEW_RECORDED		"review.recorded"
#define ENTRY_BUNDLE_EXPORTED		"bundle.exported"
#define ENTRY_CLIP_EXPORTED		"clip.exported"
#define ENTRY_DECISION_SERVED		"decision.served"
#define ENTRY_CREDIT_REPAIR_APPLIED	"credit_repair.applied"
#define ENTRY_CREDIT_REPAIR_ANSWERED	"credit_repair.answered"

/* Evidence (docs/segment.md, docs/dock.md, docs/live.md). */
#define ENTRY_SEGMENT_SEALED		"segment.sealed"
#define ENTRY_DOCUMENT_SEALED		"document.sealed"
#define ENTRY_DOCK_SESSION		"dock.session"
#define ENTRY_LIVE_GAP			"live.gap"
#define ENTRY_EVIDENCE_LINKED		"evidence.linked"
#define ENTRY_EVIDENCE_UNLINKED		"evidence.unlinked"
#define ENTRY_EVIDENCE_ACCESSED		"evidence.accessed"
#define ENTRY_OBJECT_DELETED		"object.deleted"

/* Retention and legal hold (docs/retention.md). */
#define ENTRY_HOLD_PLACED		"hold.placed"
#define ENTRY_HOLD_RELEASED		"hold.released"

#endif
