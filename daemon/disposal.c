/*
 * disposal: finishes disposals a crash interrupted (disposal.h).  One
 * pass over the log; only the entries that can name a disposed object
 * are parsed (object.deleted, and the sealing entries once a disposal
 * has been seen), so a log with no disposal costs a scan of its bytes.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/store.h"
#include "daemon/journal.h"
#include "disposal.h"
#include "station.h"

static int
has(const uint8_t *data, size_t len, const char *s)
{
	return memmem(data, len, s, strlen(s)) != NULL;
}

/* Records entry data (len bytes) in left: object -> 1 while disposed. */
static int
note(json_t *left, const uint8_t *data, size_t len)
{
	const char *type, *obj;
	json_t *e;

	if (!has(data, len, ENTRY_OBJECT_DELETED) &&
	    (json_object_size(left) == 0 || !has(data, len, ".sealed")))
		return 0;
	if ((e = json_loadb((const char *)data, len, 0, NULL)) == NULL)
		return CUSTOS_ERR_CORRUPT;
	type = json_string_value(json_object_get(e, "type"));
	obj = json_string_value(json_object_get(e, "object"));
	if (type != NULL && obj != NULL) {
		if (strcmp(type, ENTRY_OBJECT_DELETED) == 0)
			json_object_set_new(left, obj, json_true());
		else if (strcmp(type, ENTRY_SEGMENT_SEALED) == 0 ||
		    strcmp(type, ENTRY_DOCUMENT_SEALED) == 0)
			json_object_del(left, obj);
	}
	json_decref(e);
	return 0;
}

int
disposal_finish(struct station *st, uint64_t *removed)
{
	uint8_t hash[DIGEST_LEN], *data;
	uint64_t i, n = 0, size = log_size(st->log);
	enum digest_alg alg;
	const char *obj;
	json_t *left, *v;
	size_t len;
	int rc = 0, r;

	if (removed != NULL)
		*removed = 0;
	if ((left = json_object()) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (i = 0; i < size && rc == 0; i++) {
		if ((rc = log_entry(st->log, i, &data, &len)) != 0)
			break;
		rc = note(left, data, len);
		free(data);
	}
	if (rc != 0) {
		log_warnx_r(rc, "disposal: cannot read log entry %" PRIu64, i);
		json_decref(left);
		return rc;
	}
	json_object_foreach(left, obj, v) {
		if (digest_parse(obj, &alg, hash) != 0)
			continue;
		if ((r = store_remove(st->store, hash)) == 0) {
			log_info("disposal: removed the bytes of %s, whose "
			    "object.deleted was already in the log", obj);
			n++;
		} else if (r != CUSTOS_ERR_NOTFOUND) {
			log_warnx_r(r, "disposal: cannot remove %s", obj);
			rc = r;
		}
	}
	json_decref(left);
	if (removed != NULL)
		*removed = n;
	return rc;
}
