/*
 * restore_objects: the objects of a restored log fetched from the bucket
 * into the station's store (include/custos/restore.h, step 5).  Each is
 * hashed as it is written; an object already in the store is re-read and
 * kept when its bytes are right (a second run after an interrupted one).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/restore.h"
#include "custos/s3.h"
#include "custos/store.h"
#include "restore_int.h"

/* What the entries ask for, in the order they first seal each object. */
struct wanted {
	json_t		*order;		/* object strings */
	json_t		*first;		/* object -> {entry, size} */
	json_t		*deleted;	/* object -> the object.deleted */
	uint64_t	 at;		/* the entry being read */
};

static int
want_one(void *arg, uint64_t index, const uint8_t *data, size_t len)
{
	struct wanted *w = arg;
	const char *type, *object;
	json_t *e, *size;
	int rc = 0;

	w->at = index;
	if ((e = json_loadb((const char *)data, len, 0, NULL)) == NULL)
		return CUSTOS_ERR_CORRUPT;
	type = json_string_value(json_object_get(e, "type"));
	object = json_string_value(json_object_get(e, "object"));
	size = json_object_get(e, "size");
	if (type == NULL || object == NULL)
		goto out;
	if (strcmp(type, ENTRY_OBJECT_DELETED) == 0) {
		if (json_object_set_new(w->deleted, object,
		    json_integer((json_int_t)index)) != 0)
			rc = CUSTOS_ERR_NOMEM;
	}
	else if ((strcmp(type, ENTRY_SEGMENT_SEALED) == 0 ||
	    strcmp(type, ENTRY_DOCUMENT_SEALED) == 0) &&
	    json_object_get(w->first, object) == NULL) {
		if (!json_is_integer(size) || json_integer_value(size) < 0)
			rc = CUSTOS_ERR_CORRUPT;
		else if (json_object_set_new(w->first, object,
		    json_pack("{s:I, s:O, s:O}", "entry", (json_int_t)index,
		    "size", size, "time", json_object_get(e, "time"))) !=
		    0 ||
		    json_array_append_new(w->order, json_string(object)) != 0)
			rc = CUSTOS_ERR_NOMEM;
	}
out:
	json_decref(e);
	return rc;
}

/* Streams the bytes the server sends into the store writer. */
static int
write_cb(void *arg, const void *data, size_t len)
{
	return store_writer_write(arg, data, len);
}

static int
name(json_t *list, const char *object, json_t *first)
{
	return json_array_append_new(list, json_pack("{s:s, s:O}", "object",
	    object, "entry", json_object_get(first, "entry"))) == 0 ? 0 :
	    CUSTOS_ERR_NOMEM;
}

/* Fetches one object: 0 (stored, or named missing or altered) or an error. */
static int
fetch(const struct restore_params *p, struct store *st, const char *object,
    json_t *first, struct restore_report *rep)
{
	uint8_t want[DIGEST_LEN], got[DIGEST_LEN];
	struct store_writer *sw;
	struct s3_result res;
	enum digest_alg alg;
	const char *colon;
	char key[PATH_MAX];
	uint64_t size, n;
	int rc, existed;

	size = (uint64_t)json_integer_value(json_object_get(first, "size"));
	if (digest_parse(object, &alg, want) != 0 || alg != p->alg)
		return restore_fail(rep, CUSTOS_ERR_CORRUPT, "entry %lld "
		    "seals %s, not an object of this station's profile",
		    (long long)json_integer_value(json_object_get(first,
		    "entry")), object);
	if (store_verify(st, want, size) == 0) {
		rep->present++;
		rep->objects++;
		rep->bytes += size;
		return 0;
	}
	colon = strchr(object, ':');	/* digest_parse() found it */
	snprintf(key, sizeof(key), "%s/object/%.*s/%s", p->prefix,
	    (int)(colon - object), object, colon + 1);
	if ((rc = store_writer_new(st, &sw)) != 0)
		return restore_fail(rep, rc, "cannot write the store: %s",
		    custos_strerror(rc));
	if ((rc = s3_get_cb(p->s3, key, write_cb, sw, &n, &res)) != 0) {
		store_writer_abort(sw);
		if (rc == CUSTOS_ERR_NOTFOUND)
			return name(rep->missing, object, first);
		return restore_fail(rep, rc, "%s: %s", key, res.msg[0] !=
		    '\0' ? res.msg : custos_strerror(rc));
	}
	if ((rc = store_writer_commit(sw, got, &n, &existed)) != 0)
		return restore_fail(rep, rc, "cannot store %s: %s", object,
		    custos_strerror(rc));
	if (memcmp(got, want, DIGEST_LEN) != 0) {
		/* Kept under the hash of what came: not ours to keep. */
		if (!existed)
			(void)store_remove(st, got);
		return name(rep->altered, object, first);
	}
	rep->objects++;
	rep->bytes += n;
	return 0;
}

int
restore_wanted(struct log *l, uint64_t size, json_t **order, json_t **first,
    json_t **deleted, uint64_t *bad)
{
	struct wanted w = { json_array(), json_object(), json_object(), 0 };
	int rc;

	*bad = 0;
	if (w.order == NULL || w.first == NULL || w.deleted == NULL)
		rc = CUSTOS_ERR_NOMEM;
	else if ((rc = log_scan(l, 0, size, want_one, &w)) != 0)
		*bad = w.at;
	if (rc != 0) {
		json_decref(w.order);
		json_decref(w.first);
		json_decref(w.deleted);
		return rc;
	}
	*order = w.order;
	*first = w.first;
	*deleted = w.deleted;
	return 0;
}

int
restore_objects(const struct restore_params *p, struct restore_ctx *c,
    struct restore_report *rep)
{
	struct wanted w = { NULL, NULL, NULL, 0 };
	char dir[PATH_MAX];
	struct store *st = NULL;
	const char *object;
	size_t i, total;
	int rc;

	if ((rc = restore_wanted(c->log, c->size, &w.order, &w.first,
	    &w.deleted, &w.at)) != 0) {
		rc = restore_fail(rep, rc, "entry %llu: %s",
		    (unsigned long long)w.at, custos_strerror(rc));
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s/store", p->state_dir);
	if ((rc = store_open(dir, p->alg, &st)) != 0) {
		rc = restore_fail(rep, rc, "cannot open the store %s: %s",
		    dir, custos_strerror(rc));
		goto out;
	}
	total = json_array_size(w.order);
	for (i = 0; i < total && rc == 0; i++) {
		object = json_string_value(json_array_get(w.order, i));
		if (json_object_get(w.deleted, object) != NULL)
			rep->disposed++;
		else
			rc = fetch(p, st, object, json_object_get(w.first,
			    object), rep);
		if (p->progress != NULL)
			p->progress(p->arg, i + 1, total);
	}
out:
	store_close(st);
	json_decref(w.order);
	json_decref(w.first);
	json_decref(w.deleted);
	return rc;
}
