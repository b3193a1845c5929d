/*
 * retention_log: feeds a whole log to the retention state, for the
 * daemon's holds and disposal routes and for "custos retention plan"
 * (retention.c itself stays pure: it never reads a log).  The entries are
 * read with one statement (log_scan()) and each is parsed by jansson.
 */
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "custos/err.h"
#include "custos/log.h"
#include "custos/retention.h"

struct load {
	struct retention	*r;
	uint64_t		 at;	/* the entry being added */
};

static int
load_one(void *arg, uint64_t index, const uint8_t *data, size_t len)
{
	struct load *ld = arg;
	json_t *e;
	int rc;

	ld->at = index;
	if ((e = json_loadb((const char *)data, len, 0, NULL)) == NULL)
		return CUSTOS_ERR_CORRUPT;
	rc = retention_add(ld->r, e);
	json_decref(e);
	return rc;
}

int
retention_load(struct log *l, struct retention **out, uint64_t *bad)
{
	struct load ld;
	int rc;

	*out = NULL;
	*bad = 0;
	ld.at = 0;
	if ((rc = retention_new(&ld.r)) != 0)
		return rc;
	if ((rc = log_scan(l, 0, log_size(l), load_one, &ld)) != 0) {
		retention_free(ld.r);
		*bad = ld.at;
		return rc;
	}
	*out = ld.r;
	return 0;
}
