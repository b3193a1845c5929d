/*
 * evidence_int.h: what lib/evidence/evidence.c shares with lib/evidence/evidence_log.c.
 */
#ifndef CUSTOS_EVIDENCE_INT_H
#define CUSTOS_EVIDENCE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "custos/evidence.h"

/* An entry's "type", or "" when it has none. */
const char *evidence_type(const json_t *e);

/*
 * Adds an entry to role: takes bytes (owned from now on, freed on error
 * too), parses them and checks that they are a JSON object whose "index"
 * is index.  Returns 0, CUSTOS_ERR_FORMAT or CUSTOS_ERR_NOMEM.
 */
int	 evidence_push(struct evidence *ev, enum evidence_role role,
	    uint64_t index, uint8_t *bytes, size_t len);

/* Sorts every role by index. */
void	 evidence_sort(struct evidence *ev);

#endif
