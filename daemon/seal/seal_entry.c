/*
 * seal_entry: the segment.sealed entry of the seal pipeline (seal_int.h).
 *
 * The segment.sealed entry (after type, index, time and station, which
 * entry.c writes), in this order:
 *
 *	object		"<alg>:<hex>" of the exact bytes, alg the profile's
 *			hash ("sha256" or "sm3")
 *	size		bytes
 *	camera		camera serial
 *	source		"usb", "upload" or "live"
 *	path		name on the volume; when it is not valid UTF-8, each
 *			invalid byte is replaced by U+FFFD and path_hex
 *			follows with the exact bytes in lowercase hex
 *	mtime		the source's modification time from fstat, UTC
 *			"YYYY-MM-DDThh:mm:ss.sssZ"
 *	officer		assigned officer, only when known
 *	camera_prev	"<alg>:<hex>" leaf hash of the camera's previous
 *			segment.sealed entry; absent for its first segment
 *	same_object_as	log index of the object's first segment.sealed
 *			entry, which came from another camera; absent when
 *			this is the object's first
 *	decodable	true only when the probe demuxed it to the end
 *	media		for probe status ok and damaged:
 *			{container, streams: [{kind, codec, width, height}]
 *			(width and height for video streams only),
 *			duration_ms (absent if unknown), recorded_start
 *			(RFC 3339 as mtime; absent if the container has
 *			none), packets, packet_root "<alg>:<hex>"}
 *	probe		when the status is not ok: {status: "not_media",
 *			"damaged", "crashed", "timeout" or "failed", error:
 *			the child's or parent's text, absent if empty}
 *	...		then the request's extra fields
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "custos/catalog.h"
#include "custos/config.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/probe.h"
#include "custos/utf8.h"
#include "daemon/entry.h"
#include "daemon/station.h"
#include "seal_int.h"

/* 9999-12-31T23:59:59.999Z: beyond it a "recorded start" is noise. */
#define MAX_START_MS	INT64_C(253402300799999)

/* Keys the pipeline or entry.c sets; extra may not use them. */
static const char *const own_keys[] = {
	"type", "index", "time", "station", "object", "size", "camera",
	"source", "path", "path_hex", "mtime", "officer", "camera_prev",
	"same_object_as", "decodable", "media", "probe",
};

static const char *const probe_names[] = {
	[PROBE_OK] = "ok",
	[PROBE_NOT_MEDIA] = "not_media",
	[PROBE_DAMAGED] = "damaged",
	[PROBE_CRASHED] = "crashed",
	[PROBE_TIMEOUT] = "timeout",
	[PROBE_FAILED] = "failed",
};


/*
 * Returns a new JSON string of len bytes of s with every byte that is not
 * part of a valid UTF-8 sequence (and every NUL) replaced by U+FFFD, or
 * NULL on allocation failure.
 */
static json_t *
lossy_string(const char *s, size_t len)
{
	json_t *j;
	char *out;

	if (utf8_lossy(s, len, &out, NULL) != 0)
		return NULL;
	j = json_string(out);
	free(out);
	return j;
}


static int
put(json_t *o, const char *key, json_t *v)
{
	return json_object_set_new(o, key, v) == 0 ? 0 : CUSTOS_ERR_NOMEM;
}

/* A fixed-size string of the probe result, never trusted to be UTF-8. */
static json_t *
probe_str(const char *buf, size_t size)
{
	return lossy_string(buf, strnlen(buf, size));
}

static json_t *
stream_json(const struct probe_stream *ps)
{
	json_t *o;

	if ((o = json_object()) == NULL)
		return NULL;
	if (put(o, "kind", probe_str(ps->kind, sizeof(ps->kind))) != 0 ||
	    put(o, "codec", probe_str(ps->codec, sizeof(ps->codec))) != 0 ||
	    (strncmp(ps->kind, "video", sizeof(ps->kind)) == 0 &&
	    (put(o, "width", json_integer(ps->width)) != 0 ||
	    put(o, "height", json_integer(ps->height)) != 0))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
streams_json(const struct probe_result *r)
{
	json_t *a;
	uint32_t i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < r->nstreams && i < PROBE_MAX_STREAMS; i++) {
		if (json_array_append_new(a, stream_json(&r->streams[i])) !=
		    0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *
time_ms_json(int64_t ms)
{
	struct timespec t;
	char buf[40];

	t.tv_sec = (time_t)(ms / 1000);
	t.tv_nsec = (long)(ms % 1000) * 1000000;
	entry_time(&t, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
media_json(const struct probe_result *r, enum digest_alg alg)
{
	char root[DIGEST_STRLEN];
	json_t *m;
	int rc;

	if ((m = json_object()) == NULL)
		return NULL;
	digest_format(alg, r->packet_root, root, sizeof(root));
	rc = put(m, "container", probe_str(r->container,
	    sizeof(r->container)));
	if (rc == 0)
		rc = put(m, "streams", streams_json(r));
	if (rc == 0 && r->duration_ms >= 0)
		rc = put(m, "duration_ms", json_integer(r->duration_ms));
	if (rc == 0 && r->start_ms >= 0 && r->start_ms <= MAX_START_MS)
		rc = put(m, "recorded_start", time_ms_json(r->start_ms));
	if (rc == 0)
		rc = put(m, "packets", json_integer((json_int_t)r->packets));
	if (rc == 0)
		rc = put(m, "packet_root", json_string(root));
	if (rc != 0) {
		json_decref(m);
		return NULL;
	}
	return m;
}

static json_t *
probe_json(const struct probe_result *r)
{
	int st = r->status;
	json_t *p;

	if ((p = json_object()) == NULL)
		return NULL;
	if (st < 0 || st > PROBE_FAILED)
		st = PROBE_FAILED;
	if (put(p, "status", json_string(probe_names[st])) != 0 ||
	    (r->error[0] != '\0' &&
	    put(p, "error", probe_str(r->error, sizeof(r->error))) != 0)) {
		json_decref(p);
		return NULL;
	}
	return p;
}

/* "path", and "path_hex" when the name is not UTF-8. */
static int
put_path(json_t *o, const char *path)
{
	size_t len = strlen(path);
	char *hex;
	int rc;

	if (utf8_valid(path, len))
		return put(o, "path", json_string(path));
	if ((rc = put(o, "path", lossy_string(path, len))) != 0)
		return rc;
	if ((hex = malloc(HEX_ENCLEN(len))) == NULL)
		return CUSTOS_ERR_NOMEM;
	hex_encode((const uint8_t *)path, len, hex);
	rc = put(o, "path_hex", json_string(hex));
	free(hex);
	return rc;
}

/* "camera_prev" from the catalog, absent for a camera's first segment. */
static int
put_prev(struct job *j, json_t *o, enum digest_alg alg)
{
	uint8_t leaf[DIGEST_LEN];
	char s[DIGEST_STRLEN];
	uint64_t index;
	int rc;

	rc = catalog_camera_last(j->s->cat, j->camera, &index, leaf);
	if (rc == CUSTOS_ERR_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	digest_format(alg, leaf, s, sizeof(s));
	return put(o, "camera_prev", json_string(s));
}

/*
 * "same_object_as": the object's first segment.sealed entry.  The sealer
 * found none from this camera, so one found here is another camera's.
 */
static int
put_same(struct job *j, json_t *o)
{
	uint64_t index, size;
	int rc;

	rc = catalog_object(j->s->cat, j->object, &index, &size);
	if (rc == CUSTOS_ERR_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	j->has_same = 1;
	j->same_as = index;
	return put(o, "same_object_as", json_integer((json_int_t)index));
}

/* The fields before the probe's, in the documented order. */
static int
put_source(struct job *j, json_t *o, enum digest_alg alg)
{
	char obj[DIGEST_STRLEN], when[40];
	int rc;

	digest_format(alg, j->object, obj, sizeof(obj));
	entry_time(&j->mtime, when, sizeof(when));
	if ((rc = put(o, "object", json_string(obj))) != 0 ||
	    (rc = put(o, "size", json_integer((json_int_t)j->size))) != 0 ||
	    (rc = put(o, "camera", json_string(j->camera))) != 0 ||
	    (rc = put(o, "source", json_string(j->source))) != 0 ||
	    (rc = put_path(o, j->path)) != 0 ||
	    (rc = put(o, "mtime", json_string(when))) != 0)
		return rc;
	if (j->officer != NULL &&
	    (rc = put(o, "officer", json_string(j->officer))) != 0)
		return rc;
	if ((rc = put_prev(j, o, alg)) != 0)
		return rc;
	return put_same(j, o);
}

int
seal_entry_build(struct job *j, const struct probe_result *r, json_t **out)
{
	enum digest_alg alg = j->s->st->cfg->digest_alg;
	json_t *o;
	int rc;

	if ((*out = o = json_object()) == NULL)
		return CUSTOS_ERR_NOMEM;
	if ((rc = put_source(j, o, alg)) != 0 ||
	    (rc = put(o, "decodable", json_boolean(r->status == PROBE_OK)))
	    != 0)
		return rc;
	if ((r->status == PROBE_OK || r->status == PROBE_DAMAGED) &&
	    (rc = put(o, "media", media_json(r, alg))) != 0)
		return rc;
	if (r->status != PROBE_OK && (rc = put(o, "probe", probe_json(r))) != 0)
		return rc;
	if (j->extra != NULL && json_object_update(o, j->extra) != 0)
		return CUSTOS_ERR_NOMEM;
	return 0;
}


int
seal_entry_check_extra(json_t *extra)
{
	size_t i;

	if (!json_is_object(extra))
		return CUSTOS_ERR_INVALID;
	for (i = 0; i < sizeof(own_keys) / sizeof(own_keys[0]); i++) {
		if (json_object_get(extra, own_keys[i]) != NULL)
			return CUSTOS_ERR_INVALID;
	}
	return 0;
}
