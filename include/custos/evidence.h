/*
 * evidence: everything the log holds about one inspection, gathered in one
 * place for the findings (rules.h), the export (docs/bundle.md), replay
 * and audit.  Two sources fill the same struct: a log with its registry
 * (the station, read-only is enough), or the entries of a bundle.
 *
 * Every entry is kept twice: parsed (json) and as its exact bytes, because
 * a bundle ships the bytes that were hashed, never a re-serialisation.
 */
#ifndef CUSTOS_EVIDENCE_H
#define CUSTOS_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct log;
struct registry;
struct catalog;
struct calendar;

enum evidence_role {
	EVIDENCE_CHAIN = 0,	/* entries with "inspection": this one */
	EVIDENCE_SEGMENT,	/* segment.sealed named by an evidence.linked */
	EVIDENCE_SESSION,	/* dock.session a segment came from */
	EVIDENCE_CONTEXT,	/* device.registered, camera.assigned,
				   officer.added, enterprise.added,
				   enterprise.risk */
	EVIDENCE_STATION,	/* station.started in effect for a segment */
	EVIDENCE_DISPOSAL,	/* object.deleted that disposed of the
				   object a segment or document seals */
	EVIDENCE_NROLES
};

struct evidence_entry {
	uint64_t	 index;
	json_t		*json;		/* parsed; owned */
	uint8_t		*bytes;		/* exact entry bytes; owned */
	size_t		 len;
	enum evidence_role role;
};

struct evidence {
	char		*inspection;	/* its ID */
	/* One array per role, each ascending by index; an entry is in one
	 * role only (the first that applies, in enum order). */
	struct evidence_entry *e[EVIDENCE_NROLES];
	size_t		 n[EVIDENCE_NROLES];
};

/*
 * Gathers inspection id from log l, its registry r and its catalog c (all
 * only read; the caller has synced r and c): its chain, the segments its
 * evidence.linked and evidence.unlinked entries name, the dock.session
 * each segment came from (catalog_segment_session()), the context
 * entries (the device.registered of each camera and the camera.assigned
 * in effect before each segment, the officer.added of the inspection's
 * officers and of each segment's officer, the enterprise's
 * enterprise.added and enterprise.risk entries), and for each segment
 * the latest station.started before it, and for each object the segments
 * and the chain's document.sealed entries seal whose bytes are gone, the
 * object.deleted that disposed of it (catalog_deleted()).  Every lookup
 * is an index query: nothing scans the log.  c may be NULL: then no
 * sessions, assignments, station.started or object.deleted entries are
 * gathered (the findings need none of them).
 * Returns 0 and fills *ev (free with evidence_free()),
 * CUSTOS_ERR_NOTFOUND for an unknown inspection, CUSTOS_ERR_RANGE when
 * the registry or catalog names an entry past the end of l (l was opened
 * before they were synced), CUSTOS_ERR_FORMAT for an entry that is not a
 * JSON object, CUSTOS_ERR_DB, CUSTOS_ERR_NOMEM.  On error *ev is empty.
 */
int	 evidence_gather(struct log *l, struct registry *r, struct catalog *c,
	    const char *id, struct evidence *ev);

/*
 * Sorts a bundle's entries into *ev for inspection id: takes n entries
 * (index, bytes, len; bytes copied) and assigns each its role by its type
 * and fields.  Entries of another inspection go nowhere and are counted in
 * *foreign, and so are object.deleted entries that name no object a
 * segment or a document of the chain seals.  Returns 0,
 * CUSTOS_ERR_FORMAT (an entry that is not a JSON object or whose "index"
 * differs from the index given) or CUSTOS_ERR_NOMEM.
 */
int	 evidence_from_entries(const char *id, const uint64_t *index,
	    const uint8_t *const *bytes, const size_t *len, size_t n,
	    struct evidence *ev, size_t *foreign);

/*
 * Procedure findings of the gathered inspection at now_ms (rules.h):
 * a new array in *findings.  Returns rules_evaluate()'s codes.
 */
int	 evidence_findings(const struct evidence *ev,
	    const struct calendar *cal, int64_t now_ms, json_t **findings);

/* The entry of ev with index, in any role, or NULL. */
const struct evidence_entry *evidence_find(const struct evidence *ev,
	    uint64_t index);

/* Frees what ev holds (not ev itself) and empties it; NULL is allowed. */
void	 evidence_free(struct evidence *ev);

#endif
