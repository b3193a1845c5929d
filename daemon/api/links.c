/*
 * links: the routes that put evidence into an inspection's chain: links
 * to sealed segments and their removal, and documents (the inspection
 * record, a refusal, a notice, photos) sealed from the request body.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <http_parser.h>
#include <jansson.h>

#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/registry.h"
#include "custos/store.h"
#include "custos/utf8.h"
#include "daemon/station.h"
#include "chain.h"
#include "links.h"
#include "reply.h"

#define NAME_MAX_LEN	255	/* bytes of a document's file name */

/*
 * Reads entry index from the log: it must be a segment.sealed; sets
 * *seg to it (a new reference).
 */
static int
sealed_segment(struct station *st, json_t *obj, json_t **seg,
    uint64_t *index, json_t **body)
{
	json_t *v = json_object_get(obj, "segment"), *e;
	uint8_t *data;
	size_t len;
	int rc;

	*seg = NULL;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return reply_error(body, 400, "field \"segment\" must be a log "
		    "index");
	*index = (uint64_t)json_integer_value(v);
	if (*index >= log_size(st->log))
		return reply_error(body, 400, "no entry %" PRIu64 " in the log",
		    *index);
	if ((rc = log_entry(st->log, *index, &data, &len)) != 0)
		return reply_failed(body, rc, "cannot read the log");
	e = json_loadb((const char *)data, len, 0, NULL);
	free(data);
	if (!json_is_object(e) || !json_is_string(json_object_get(e,
	    "type")) || strcmp(json_string_value(json_object_get(e, "type")),
	    ENTRY_SEGMENT_SEALED) != 0 || !json_is_string(json_object_get(e,
	    "object"))) {
		json_decref(e);
		return reply_error(body, 400, "entry %" PRIu64 " is not a "
		    ENTRY_SEGMENT_SEALED, *index);
	}
	*seg = e;
	return 0;
}

/* evidence.linked (link) or evidence.unlinked: segment and reason. */
static int
link_step(struct station *st, const struct registry_inspection *i,
    json_t *obj, int link, json_t **body)
{
	const char *reason;
	uint64_t index = 0;
	json_t *seg, *p;
	int code;

	if ((code = reply_text(obj, "reason", 0, &reason, body)) != 0 ||
	    (code = sealed_segment(st, obj, &seg, &index, body)) != 0)
		return code;
	if (!link)
		p = json_pack("{s:I, s:s}", "segment", (json_int_t)index,
		    "reason", reason);
	else if ((p = json_pack("{s:I, s:O}", "segment", (json_int_t)index,
	    "object", json_object_get(seg, "object"))) != NULL) {
		if (json_is_string(json_object_get(seg, "camera")))
			json_object_set(p, "camera", json_object_get(seg,
			    "camera"));
		json_object_set_new(p, "by", json_string("operator"));
		json_object_set_new(p, "reason", json_string(reason));
	}
	json_decref(seg);
	return chain_step(st, i, link ? LIFECYCLE_LINK : LIFECYCLE_UNLINK, p,
	    body);
}

static const char *const k_link[] = { "segment", "reason", NULL };

static int
do_link(struct station *st, const struct registry_inspection *i, json_t *obj,
    const struct api_request *req, json_t **body)
{
	(void)req;
	return link_step(st, i, obj, 1, body);
}

static int
do_unlink(struct station *st, const struct registry_inspection *i,
    json_t *obj, const struct api_request *req, json_t **body)
{
	(void)req;
	return link_step(st, i, obj, 0, body);
}

const struct chain_step inspection_link = { k_link, LIFECYCLE_LINK,
    do_link };
const struct chain_step inspection_unlink = { k_link, LIFECYCLE_UNLINK,
    do_unlink };

/*
 * Whether s is a file name we seal: 1 to NAME_MAX_LEN bytes of valid
 * UTF-8 (lib/base/utf8.c), no '/', no C0 or C1 control characters, no
 * DEL, not "." or "..".
 */
static int
name_ok(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i, n;
	uint32_t cp;

	if (len == 0 || len > NAME_MAX_LEN || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return 0;
	for (i = 0; i < len; i += n)
		if ((n = utf8_seq(u + i, len - i, &cp)) == 0 || cp < 0x20 ||
		    (cp >= 0x7f && cp < 0xa0) || cp == '/')
			return 0;
	return 1;
}

/*
 * Writes the request body into the store, verifies the stored copy and
 * formats its name into object.  Returns 0 or a 500.
 */
static int
store_body(struct station *st, const struct api_request *req,
    char *object, size_t len, uint64_t *size, json_t **body)
{
	struct store_writer *w;
	uint8_t hash[DIGEST_LEN];
	int rc, existed;

	if ((rc = store_writer_new(st->store, &w)) != 0)
		return reply_failed(body, rc, "cannot store the document");
	if ((rc = store_writer_write(w, req->body, req->bodylen)) != 0) {
		store_writer_abort(w);
		return reply_failed(body, rc, "cannot store the document");
	}
	if ((rc = store_writer_commit(w, hash, size, &existed)) != 0)
		return reply_failed(body, rc, "cannot store the document");
	/* Read it back from the disk: an entry names only checked bytes. */
	if ((rc = store_verify(st->store, hash, *size)) != 0)
		return reply_failed(body, rc,
		    "the stored document does not verify");
	if ((rc = digest_format(st->cfg->digest_alg, hash, object, len)) != 0)
		return reply_failed(body, rc, "cannot name the document");
	return 0;
}

int
inspection_document(const struct route_env *env,
    const struct api_request *req, const char *id, json_t **body)
{
	static const char *const keys[] = { "kind", "name", NULL };
	static const char *const kinds[] = { "record", "refusal", "notice",
	    "photo", "other", NULL };
	char kind[16], query[1024], name[1024], object[DIGEST_STRLEN];
	struct station *st = env->st;
	struct registry_inspection *i;
	uint64_t size;
	json_t *p;
	size_t k;
	int code;

	if (!reply_query_only(req->query, keys))
		return reply_error(body, 400, "the query takes only kind and "
		    "name");
	if (!reply_query_value(req->query, "kind", kind, sizeof(kind)))
		kind[0] = '\0';
	for (k = 0; kinds[k] != NULL && strcmp(kind, kinds[k]) != 0; k++)
		;
	if (kinds[k] == NULL)
		return reply_error(body, 400, "kind must be record, refusal, "
		    "notice, photo or other");
	if (!reply_query_value(req->query, "name", query, sizeof(query)) ||
	    query[0] == '\0')
		return reply_error(body, 400, "the document needs a name");
	if (pct_decode(query, strlen(query), name, sizeof(name)) != 0 ||
	    !name_ok(name))
		return reply_error(body, 400, "the name must be a file name: "
		    "UTF-8, at most %d bytes, without '/' or control "
		    "characters", NAME_MAX_LEN);
	if (req->bodylen == 0)
		return reply_error(body, 400, "the document is empty");
	if ((code = chain_load(st, id, LIFECYCLE_DOCUMENT, &i, body)) != 0)
		return code;
	if ((code = store_body(st, req, object, sizeof(object), &size,
	    body)) == 0) {
		p = json_pack("{s:s, s:I, s:s, s:s}", "object", object,
		    "size", (json_int_t)size, "kind", kind, "name", name);
		if ((code = chain_step(st, i, LIFECYCLE_DOCUMENT, p,
		    body)) == 201)
			json_object_set_new(*body, "object",
			    json_string(object));
	}
	registry_inspection_free(i);
	return code;
}
