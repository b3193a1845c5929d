/*
 * replica_audit: one station's replica audited from the bucket
 * (include/custos/replica_audit.h): the log proven as a restore proves
 * it, its consistency with the last audit, witness coverage, and the
 * objects looked up and, for a sample, re-hashed.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "custos/cosig.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/note.h"
#include "custos/replica_audit.h"
#include "custos/restore.h"
#include "custos/rfc3339.h"
#include "custos/s3.h"
#include "restore_int.h"

/* One audit: the report being built and what it reads. */
struct audit {
	const struct replica_audit_params *p;
	const char	*prefix;
	struct restore_ctx c;
	json_t		*r;		/* the station's report */
	json_t		*problems;
};

static void
problem(struct audit *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
problem(struct audit *a, const char *fmt, ...)
{
	char buf[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_append_new(a->problems, json_string(buf));
	json_object_set_new(a->r, "ok", json_false());
}

/* The last audit's root of size old must be this log's root of old. */
static void
consistency(struct audit *a, const json_t *last)
{
	uint8_t want[DIGEST_LEN], got[DIGEST_LEN];
	const char *root;
	enum digest_alg alg;
	uint64_t old;

	if (last == NULL) {
		json_object_set_new(a->r, "consistent", json_null());
		return;
	}
	json_object_set(a->r, "previous", (json_t *)(uintptr_t)last);
	old = (uint64_t)json_integer_value(json_object_get(last, "size"));
	root = json_string_value(json_object_get(last, "root"));
	if (root == NULL || digest_parse(root, &alg, want) != 0) {
		problem(a, "the last audit's record of %s is malformed",
		    a->prefix);
		return;
	}
	if (old > a->c.size) {
		json_object_set_new(a->r, "consistent", json_false());
		problem(a, "rewound: the published log has %" PRIu64
		    " entries, the last audit saw %" PRIu64, a->c.size, old);
		return;
	}
	if (old > 0 && (log_root(a->c.log, old, got) != 0 ||
	    memcmp(got, want, DIGEST_LEN) != 0)) {
		json_object_set_new(a->r, "consistent", json_false());
		problem(a, "forked: the first %" PRIu64 " entries published now "
		    "do not have the root %s the last audit saw", old, root);
		return;
	}
	json_object_set_new(a->r, "consistent", json_true());
}

/* Which of the given witnesses cosigned the published checkpoint. */
static void
witnesses(struct audit *a)
{
	const struct replica_audit_params *p = a->p;
	json_t *signed_by = json_array(), *absent = json_array();
	struct note *n = NULL;
	uint64_t ts;
	size_t i, count = 0;
	int rc;

	if (p->nwitnesses == 0 || signed_by == NULL || absent == NULL ||
	    note_parse(a->c.note, a->c.notelen, &n) != 0)
		goto out;
	for (i = 0; i < p->nwitnesses; i++) {
		rc = cosig_verify_note(n, p->witnesses[i], &ts);
		if (rc == 0) {
			count++;
			json_array_append_new(signed_by, json_pack("{s:s, "
			    "s:I}", "witness", cosig_verifier_name(
			    p->witnesses[i]), "time", (json_int_t)ts));
		} else if (rc == CUSTOS_ERR_KEY)
			json_array_append_new(absent, json_string(
			    cosig_verifier_name(p->witnesses[i])));
		else
			problem(a, "the cosignature of witness %s on the "
			    "published checkpoint does not verify",
			    cosig_verifier_name(p->witnesses[i]));
	}
	if (count < p->quorum)
		problem(a, "the published checkpoint has %zu of the %zu "
		    "cosignatures the policy needs", count, p->quorum);
	json_object_set_new(a->r, "witnesses", json_pack("{s:O, s:O, s:I}",
	    "cosigned", signed_by, "absent", absent, "quorum",
	    (json_int_t)p->quorum));
out:
	note_free(n);
	json_decref(signed_by);
	json_decref(absent);
}

static int
hash_cb(void *arg, const void *data, size_t len)
{
	return digest_update(arg, data, len);
}

/* What became of one object: 0 present, 1 missing, 2 altered, <0 error. */
static int
look_up(struct audit *a, struct digest *d, const char *object,
    uint64_t size, int rehash, struct s3_result *res)
{
	uint8_t want[DIGEST_LEN], got[DIGEST_LEN];
	char key[PATH_MAX], meta[65], hex[2 * DIGEST_LEN + 1];
	const char *colon = strchr(object, ':');
	enum digest_alg alg;
	uint64_t n;
	int rc;

	if (colon == NULL || digest_parse(object, &alg, want) != 0)
		return 2;
	snprintf(key, sizeof(key), "%s/object/%.*s/%s", a->prefix,
	    (int)(colon - object), object, colon + 1);
	if (!rehash) {
		rc = s3_head(a->p->s3, key, &n, meta, res);
		if (rc == CUSTOS_ERR_NOTFOUND)
			return 1;
		if (rc != 0)
			return rc;
		hex_encode(want, DIGEST_LEN, hex);
		/* The SHA-256 the uploader stored is the address itself in
		 * the default profile. */
		return n != size || (alg == DIGEST_SHA256 && meta[0] != '\0' &&
		    strcmp(meta, hex) != 0) ? 2 : 0;
	}
	if ((rc = digest_reset(d)) != 0)
		return rc;
	rc = s3_get_cb(a->p->s3, key, hash_cb, d, &n, res);
	if (rc == CUSTOS_ERR_NOTFOUND)
		return 1;
	if (rc != 0 || (rc = digest_final(d, got)) != 0)
		return rc;
	return memcmp(got, want, DIGEST_LEN) != 0 ? 2 : 0;
}

/* Whether object is in the sample (its address decides: repeatable). */
static int
sampled(const char *object, unsigned permille)
{
	const char *hex = strchr(object, ':');
	unsigned v;

	if (permille >= 1000)
		return 1;
	if (hex == NULL || sscanf(hex + 1, "%3x", &v) != 1)
		return 1;
	return v % 1000 < permille;
}

static void
objects(struct audit *a)
{
	json_t *order, *first, *deleted, *f, *altered = json_array();
	uint64_t bad, present = 0, rehashed = 0, missing = 0, disposed = 0;
	const char *object, *oldest = NULL, *t;
	struct s3_result res;
	struct digest *d = NULL;
	size_t i;
	int rc, re;

	if (altered == NULL || digest_new(a->p->alg, &d) != 0 ||
	    restore_wanted(a->c.log, a->c.size, &order, &first, &deleted,
	    &bad) != 0) {
		problem(a, "cannot read the objects of the published log");
		json_decref(altered);
		digest_free(d);
		return;
	}
	for (i = 0; i < json_array_size(order); i++) {
		object = json_string_value(json_array_get(order, i));
		f = json_object_get(first, object);
		if (json_object_get(deleted, object) != NULL) {
			disposed++;
			continue;
		}
		re = sampled(object, a->p->sample_permille);
		memset(&res, 0, sizeof(res));
		rc = look_up(a, d, object, (uint64_t)json_integer_value(
		    json_object_get(f, "size")), re, &res);
		if (rc < 0) {
			problem(a, "cannot read %s from the bucket: %s", object,
			    res.msg[0] != '\0' ? res.msg : custos_strerror(rc));
			break;
		}
		if (rc == 0) {
			present++;
			rehashed += re;
		} else if (rc == 1) {
			missing++;
			t = json_string_value(json_object_get(f, "time"));
			if (oldest == NULL || (t != NULL && strcmp(t,
			    oldest) < 0))
				oldest = t;
		} else {
			json_array_append_new(altered, json_pack("{s:s, s:O}",
			    "object", object, "entry", json_object_get(f,
			    "entry")));
			problem(a, "%s (entry %" JSON_INTEGER_FORMAT ") is "
			    "altered in the bucket: its bytes are not the "
			    "sealed object", object, json_integer_value(
			    json_object_get(f, "entry")));
		}
	}
	json_object_set_new(a->r, "objects", json_pack("{s:I, s:I, s:I, s:I, "
	    "s:I, s:O}", "sealed", (json_int_t)json_array_size(order),
	    "disposed", (json_int_t)disposed, "present", (json_int_t)present,
	    "rehashed", (json_int_t)rehashed, "missing", (json_int_t)missing,
	    "altered", altered));
	json_object_set_new(json_object_get(a->r, "lag"), "objects_missing",
	    json_integer((json_int_t)missing));
	json_object_set_new(json_object_get(a->r, "lag"), "oldest_missing",
	    oldest != NULL ? json_string(oldest) : json_null());
	json_decref(altered);
	json_decref(order);
	json_decref(first);
	json_decref(deleted);
	digest_free(d);
}

/* The time of the last published entry: how far the bucket's log goes. */
static void
published_to(struct audit *a)
{
	uint8_t *data;
	size_t len;
	json_t *e = NULL, *lag;
	int64_t ms;

	lag = json_object();
	json_object_set_new(a->r, "lag", lag);
	if (a->c.size == 0 || log_entry(a->c.log, a->c.size - 1, &data,
	    &len) != 0)
		return;
	e = json_loadb((const char *)data, len, 0, NULL);
	free(data);
	if (rfc3339_parse(json_string_value(json_object_get(e, "time")),
	    &ms) == 0) {
		json_object_set(lag, "log_published_to", json_object_get(e,
		    "time"));
		json_object_set_new(lag, "log_age_s", json_integer(
		    (a->p->now_ms - ms) / 1000));
	}
	json_decref(e);
}

/* The scratch log's path for prefix, and its files removed. */
static void
scratch(const struct audit *a, char *path, size_t len, int clear)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char f[PATH_MAX + 16];
	size_t i, n;

	n = (size_t)snprintf(path, len, "%s/audit-", a->p->scratch);
	for (i = 0; a->prefix[i] != '\0' && n + 4 < len; i++)
		path[n++] = isalnum((unsigned char)a->prefix[i]) ?
		    a->prefix[i] : '_';
	snprintf(path + n, len - n, ".db");
	for (i = 0; clear && i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(f, sizeof(f), "%s%s", path, sfx[i]);
		(void)unlink(f);
	}
}

int
replica_audit_station(const struct replica_audit_params *p,
    const struct note_verifier *v, const json_t *last, json_t **out)
{
	struct restore_params rp;
	struct restore_report rep;
	struct audit a;
	char path[PATH_MAX];
	int rc;

	*out = NULL;
	memset(&a, 0, sizeof(a));
	memset(&rp, 0, sizeof(rp));
	a.p = p;
	a.prefix = note_verifier_name(v);
	rp.s3 = p->s3;
	rp.prefix = a.prefix;
	rp.alg = p->alg;
	rp.v = v;
	if ((a.problems = json_array()) == NULL || (a.r = json_pack("{s:s, "
	    "s:b, s:O}", "station", a.prefix, "ok", 1, "problems",
	    a.problems)) == NULL) {
		json_decref(a.problems);
		return CUSTOS_ERR_NOMEM;
	}
	scratch(&a, path, sizeof(path), 1);
	if ((rc = restore_begin(&rp, &a.c, &rep)) == 0)
		rc = restore_log_fetch(&rp, &a.c, path, &rep);
	if (rc != 0)
		problem(&a, "%s", rep.what[0] != '\0' ? rep.what :
		    custos_strerror(rc));
	else {
		json_object_set_new(a.r, "size", json_integer(
		    (json_int_t)a.c.size));
		json_object_set_new(a.r, "root", json_string(rep.root));
		consistency(&a, last);
		witnesses(&a);
		published_to(&a);
		objects(&a);
	}
	log_close(a.c.log);
	free(a.c.note);
	restore_report_free(&rep);
	scratch(&a, path, sizeof(path), 1);
	json_decref(a.problems);
	*out = a.r;
	return 0;
}
