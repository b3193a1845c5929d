/*
 * retention_log: feeds a whole log to the retention state, for the
 * daemon's holds and disposal routes and for "custos retention plan"
 * (retention.c itself stays pure: it never reads a log).
 */
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "custos/err.h"
#include "custos/log.h"
#include "custos/retention.h"

int
retention_load(struct log *l, struct retention **out, uint64_t *bad)
{
	uint64_t i, size = log_size(l);
	uint8_t *data;
	size_t len;
	json_t *e;
	int rc;

	*out = NULL;
	*bad = 0;
	if ((rc = retention_new(out)) != 0)
		return rc;
	for (i = 0; i < size; i++) {
		if ((rc = log_entry(l, i, &data, &len)) != 0)
			break;
		e = json_loadb((const char *)data, len, 0, NULL);
		free(data);
		rc = e == NULL ? CUSTOS_ERR_CORRUPT : retention_add(*out, e);
		json_decref(e);
		if (rc != 0)
			break;
	}
	if (rc != 0) {
		retention_free(*out);
		*out = NULL;
		*bad = i;
	}
	return rc;
}
