/*
 * cli_audit_replica: the replication section of custos audit, read-only
 * from the replication queue custosd keeps in the log's database
 * (include/custos/replica.h, docs/audit.md): how many objects are
 * confirmed off-station, and each one that is not.  A report, not an
 * integrity check: an object waiting for its upload fails nothing.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "custos/config.h"
#include "custos/err.h"
#include "custos/replica.h"
#include "cli_audit_int.h"

/* An RFC 3339 UTC time of ms, "" for 0. */
static void
utc(int64_t ms, char buf[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	buf[0] = '\0';
	if (ms > 0 && gmtime_r(&t, &tm) != NULL)
		strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
add_unconfirmed(void *arg, const struct replica_item *it)
{
	json_t *list = arg;
	char queued[32];

	utc(it->queued_ms, queued);
	return json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:I, "
	    "s:s, s:I, s:s?}", "object", it->object, "state",
	    replica_state_name(it->state), "size", (json_int_t)it->size,
	    "entry", (json_int_t)it->index, "queued", queued, "attempts",
	    (json_int_t)it->attempts, "last_error", it->error[0] != '\0' ?
	    it->error : NULL)) == 0 ? 0 : CUSTOS_ERR_NOMEM;
}

void
cli_audit_replica(struct audit *a)
{
	const struct config *cfg = a->s.cfg;
	struct replica_queue *q = NULL;
	struct replica_stats st;
	char path[PATH_MAX];
	json_t *list;
	int rc;

	a->replica = NULL;
	if (cfg->replica_endpoint == NULL)
		return;
	snprintf(path, sizeof(path), "%s/log.db", cfg->state_dir);
	if ((rc = replica_queue_open_ro(path, &q)) != 0) {
		a->replica = json_pack("{s:b, s:s}", "available", 0, "why",
		    rc == CUSTOS_ERR_NOTFOUND ? "custosd has not made the "
		    "replication queue yet" : custos_strerror(rc));
		return;
	}
	if ((list = json_array()) == NULL ||
	    (rc = replica_queue_stats(q, &st)) != 0 ||
	    (rc = replica_queue_unconfirmed(q, add_unconfirmed, list)) != 0)
		a->replica = json_pack("{s:b, s:s}", "available", 0, "why",
		    custos_strerror(list == NULL ? CUSTOS_ERR_NOMEM : rc));
	else
		a->replica = json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:O}",
		    "available", 1, "confirmed", (json_int_t)st.confirmed,
		    "confirmed_bytes", (json_int_t)st.confirmed_bytes,
		    "behind", (json_int_t)st.behind, "behind_bytes",
		    (json_int_t)st.behind_bytes, "lost", (json_int_t)st.lost,
		    "unconfirmed", list);
	json_decref(list);
	replica_queue_close(q);
}

void
cli_audit_replica_text(const struct audit *a)
{
	const json_t *r = a->replica, *o;
	size_t i;

	if (r == NULL)
		return;
	if (!json_is_true(json_object_get(r, "available"))) {
		printf("replication: not available: %s\n",
		    json_string_value(json_object_get(r, "why")));
		return;
	}
	printf("replication: %" JSON_INTEGER_FORMAT " objects confirmed "
	    "off-station, %" JSON_INTEGER_FORMAT " not yet (%"
	    JSON_INTEGER_FORMAT " bytes), %" JSON_INTEGER_FORMAT " lost "
	    "(disposed of before confirmation)\n",
	    json_integer_value(json_object_get(r, "confirmed")),
	    json_integer_value(json_object_get(r, "behind")),
	    json_integer_value(json_object_get(r, "behind_bytes")),
	    json_integer_value(json_object_get(r, "lost")));
	json_array_foreach(json_object_get(r, "unconfirmed"), i, o) {
		printf("  %s  %s  entry %" JSON_INTEGER_FORMAT ", %"
		    JSON_INTEGER_FORMAT " bytes, queued %s",
		    json_string_value(json_object_get(o, "object")),
		    json_string_value(json_object_get(o, "state")),
		    json_integer_value(json_object_get(o, "entry")),
		    json_integer_value(json_object_get(o, "size")),
		    json_string_value(json_object_get(o, "queued")));
		if (json_integer_value(json_object_get(o, "attempts")) > 0)
			printf(", %" JSON_INTEGER_FORMAT " failed tries, last: "
			    "%s", json_integer_value(json_object_get(o,
			    "attempts")), json_string_value(json_object_get(o,
			    "last_error")) != NULL ? json_string_value(
			    json_object_get(o, "last_error")) : "?");
		printf("\n");
	}
}
