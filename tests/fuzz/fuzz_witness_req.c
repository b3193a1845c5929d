/*
 * libFuzzer target for witness_req_parse(), the add-checkpoint request
 * body of c2sp.org/tlog-witness that custos witness serve reads from any
 * client.  The note it points to must lie inside the input, and a refused
 * body must be refused with a reason.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "custos/err.h"
#include "custos/witness.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct witness_req	 req;
	const char		*body = (const char *)data;
	char			 err[160];
	int			 rc;

	rc = witness_req_parse(body, size, &req, err, sizeof(err));
	if (rc != 0) {
		if ((rc != CUSTOS_ERR_FORMAT && rc != CUSTOS_ERR_TOOBIG) ||
		    err[0] == '\0' || strlen(err) >= sizeof(err))
			abort();
		return 0;
	}
	if (req.nproof > WITNESS_MAX_PROOF || req.notelen == 0 ||
	    req.note < body || req.note + req.notelen != body + size ||
	    req.note[-1] != '\n' || req.note[-2] != '\n')
		abort();
	return 0;
}
