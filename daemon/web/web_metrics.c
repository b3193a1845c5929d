/*
 * web_metrics: GET /metrics, the daemon's counters in the Prometheus text
 * exposition format 0.0.4 (daemon/metrics.h, docs/console.md "Metrics").
 * The route table lets in the roles auditor and metrics.  What the
 * counters do not hold is read from the station now: the checkpoint's
 * tree size, the disk's free bytes as the disk timer last measured them
 * and, with [replica], the replication queue's count.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "custos/err.h"
#include "custos/replica.h"
#include "daemon/journal.h"
#include "daemon/metrics.h"
#include "daemon/station.h"
#include "web_int.h"

#define METRICS_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/* The values beside the counters. */
static void
gather(struct station *st, struct metrics_values *v)
{
	struct replica_stats rs;
	int rc;

	memset(v, 0, sizeof(*v));
	v->now = time(NULL);
	v->checkpoint_size = st->checkpoint_size;
	v->disk_known = st->disk.known;
	v->disk_free = st->disk.avail;
	if (!st->replica_required)
		return;
	/* A queue that cannot be read leaves its metrics out of this
	 * answer: the scrape still gets the rest. */
	if ((rc = replica_queue_stats(st->replica, &rs)) != 0) {
		log_warnx_r(rc, "metrics: cannot read the replication queue");
		return;
	}
	v->replica = 1;
	v->replica_behind = rs.behind;
}

int
web_metrics_page(const struct web_req *req, struct web_reply *rep)
{
	struct station *st = web_station(req->web);
	struct metrics_values v;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if (st == NULL) {
		web_error(req, rep, 500, "no station");
		return 0;
	}
	gather(st, &v);
	if ((f = open_memstream(&text, &len)) == NULL) {
		log_warn("metrics: open_memstream");
		web_error(req, rep, 500, "out of memory");
		return 0;
	}
	rc = metrics_write(f, &st->metrics, &v);
	if (fclose(f) != 0 && rc == 0)
		rc = CUSTOS_ERR_SYSTEM;
	if (rc != 0) {
		log_warnx_r(rc, "metrics: cannot write the exposition");
		free(text);
		web_error(req, rep, 500, "cannot write the metrics");
		return 0;
	}
	rep->status = 200;
	rep->type = METRICS_TYPE;
	web_buf_put(&rep->body, text, len);
	free(text);
	return 0;
}
