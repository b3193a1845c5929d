/*
 * cli_audit_int: what the two files of "custos audit" share: the state of
 * one audit, which cli_audit.c fills part by part, and the report that
 * cli_audit_report.c prints from it.
 */
#ifndef CUSTOS_CLI_AUDIT_INT_H
#define CUSTOS_CLI_AUDIT_INT_H

#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "cli_replay.h"

enum part {
	P_LOG,
	P_TIMESTAMPS,
	P_OBJECTS,
	P_CAMERAS,
	P_INSPECTIONS,
	P_FINDINGS,
	P_COUNT
};

struct audit {
	struct cli_state s;
	int		 json;
	int		 rehash;	/* 0 with --no-objects */
	int		 tty;		/* progress bars on stderr */
	int		 unreadable;	/* a part could not be read: exit 2 */
	uint64_t	 size;		/* tree size audited */
	json_t		*part[P_COUNT];	/* each part's result */
	unsigned	 failures[P_COUNT];
	/* Filled by the pass over the entries. */
	json_t		*objects;	/* object -> {entry, size, type} */
	json_t		*deleted;	/* object -> index of object.deleted */
	json_t		*segments;	/* "index" -> object */
	json_t		*cameras;	/* camera -> {leaf, index} of its last
					   segment */
	json_t		*chains;	/* inspection -> {leaf, index} of its
					   last entry */
	json_t		*order;		/* inspection IDs, first seen first */
	json_t		*gaps;		/* numbering_gap findings of the
					   dock sessions, in log order */
	json_t		*reasons;	/* hole key -> {reason, index} of
					   its latest camera.numbering_reason */
	json_t		*accesses;	/* who accessed what: one object per
					   bundle.exported, clip.exported,
					   inspection.viewed or
					   evidence.accessed, log order */
	json_t		*replica;	/* the replication section
					   (cli_audit_replica.c), or NULL */
	uint64_t	 nsegments, nsessions, nchain;
	time_t		 drawn;		/* last progress redraw */
};

/*
 * Prints the audit's report on stdout, a headline per part with its
 * failures, then the findings and the verdict; total is the number of
 * integrity failures (the findings not counted).
 */
void	 cli_audit_print_text(struct audit *a, unsigned total);

/*
 * Prints the audit's report as one JSON object on stdout (docs/audit.md).
 * Returns 0, or warns and returns CLI_EXIT_USAGE if it could not be
 * built.
 */
int	 cli_audit_print_json(struct audit *a, unsigned total);

/*
 * Fills a->replica from the replication queue in the station's database,
 * read-only: counts, and each object not confirmed off-station.  Not an
 * integrity check: nothing it finds is a failure.
 */
void	 cli_audit_replica(struct audit *a);

/* Prints the replication section of cli_audit_replica(). */
void	 cli_audit_replica_text(const struct audit *a);

#endif
