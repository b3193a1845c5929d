/*
 * metrics_text: the Prometheus text exposition of the daemon's counters
 * (metrics.h; the format: Prometheus "Exposition formats", text format
 * 0.0.4).  Each metric is one HELP line, one TYPE line and its samples;
 * a counter's name ends in _total, times are in seconds and sizes in
 * bytes.  Label values come from fixed tables, but every one is written
 * through metrics_write_label() all the same.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "custos/err.h"
#include "metrics.h"

static void
head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One sample with one label. */
static void
sample(FILE *f, const char *name, const char *label, const char *value,
    uint64_t n)
{
	fprintf(f, "%s{%s=\"", name, label);
	(void)metrics_write_label(f, value);
	fprintf(f, "\"} %llu\n", (unsigned long long)n);
}

static void
plain(FILE *f, const char *name, uint64_t n)
{
	fprintf(f, "%s %llu\n", name, (unsigned long long)n);
}

static void
write_sealed(FILE *f, const struct metrics *m)
{
	int i;

	head(f, "custos_sealed_files_total", "counter",
	    "Files sealed (new segment.sealed entries), by source.");
	for (i = 0; i < METRICS_NSOURCES; i++)
		sample(f, "custos_sealed_files_total", "source",
		    metrics_source_name(i), m->sealed_files[i]);
	head(f, "custos_sealed_bytes_total", "counter",
	    "Bytes of the files sealed, by source.");
	for (i = 0; i < METRICS_NSOURCES; i++)
		sample(f, "custos_sealed_bytes_total", "source",
		    metrics_source_name(i), m->sealed_bytes[i]);
}

static void
write_histogram(FILE *f, const struct metrics *m)
{
	const char *name = "custos_seal_duration_seconds";
	uint64_t cum = 0;
	int i;

	head(f, name, "histogram", "Time from a file's first byte read to "
	    "its segment.sealed entry durable.");
	for (i = 0; i < METRICS_NBOUNDS; i++) {
		cum += m->seal_buckets[i];
		fprintf(f, "%s_bucket{le=\"%g\"} %llu\n", name,
		    metrics_seal_bound(i), (unsigned long long)cum);
	}
	cum += m->seal_buckets[METRICS_NBOUNDS];
	fprintf(f, "%s_bucket{le=\"+Inf\"} %llu\n", name,
	    (unsigned long long)cum);
	fprintf(f, "%s_sum %.6f\n", name, m->seal_sum);
	fprintf(f, "%s_count %llu\n", name, (unsigned long long)m->seal_count);
}

static void
write_queues(FILE *f, const struct metrics *m, const struct metrics_values *v)
{
	head(f, "custos_queue_depth", "gauge", "Work waiting or under way: "
	    "seal (copy, hash, re-read), probe (media child running), "
	    "replica (objects not yet confirmed off-station).");
	sample(f, "custos_queue_depth", "queue", "seal", m->seal_queue);
	sample(f, "custos_queue_depth", "queue", "probe", m->probe_queue);
	if (v->replica)
		sample(f, "custos_queue_depth", "queue", "replica",
		    v->replica_behind);
}

static void
write_refused(FILE *f, const struct metrics *m)
{
	int i;

	head(f, "custos_refused_files_total", "counter",
	    "Files refused and not sealed, by reason.");
	for (i = 0; i < METRICS_NREFUSALS; i++)
		sample(f, "custos_refused_files_total", "reason",
		    metrics_refusal_name(i), m->refused[i]);
}

static void
write_station(FILE *f, const struct metrics *m,
    const struct metrics_values *v)
{
	head(f, "custos_checkpoint_age_seconds", "gauge",
	    "Seconds since this daemon signed its latest checkpoint.");
	if (m->checkpoint_at != 0)
		plain(f, "custos_checkpoint_age_seconds",
		    v->now > m->checkpoint_at ?
		    (uint64_t)(v->now - m->checkpoint_at) : 0);
	head(f, "custos_checkpoint_size", "gauge",
	    "Tree size of the latest signed checkpoint.");
	plain(f, "custos_checkpoint_size", v->checkpoint_size);
	head(f, "custos_tsa_failures_total", "counter",
	    "Requests to the timestamp authority that failed.");
	plain(f, "custos_tsa_failures_total", m->tsa_failures);
	head(f, "custos_disk_free_bytes", "gauge",
	    "Bytes free to the daemon on the store's file system.");
	if (v->disk_known)
		plain(f, "custos_disk_free_bytes", v->disk_free);
	head(f, "custos_live_sources_connected", "gauge",
	    "Live sources whose stream is connected now.");
	plain(f, "custos_live_sources_connected", m->live_connected);
	if (v->replica) {
		head(f, "custos_replica_objects_behind", "gauge",
		    "Sealed objects not yet confirmed by the replica.");
		plain(f, "custos_replica_objects_behind", v->replica_behind);
	}
}

static void
write_web(FILE *f, const struct metrics *m)
{
	char code[16];
	int i;

	head(f, "custos_web_requests_total", "counter",
	    "Requests the web console answered, by status code.");
	for (i = METRICS_CODE_MIN; i <= METRICS_CODE_MAX; i++) {
		if (m->web_requests[i - METRICS_CODE_MIN] == 0)
			continue;
		snprintf(code, sizeof(code), "%d", i);
		sample(f, "custos_web_requests_total", "code", code,
		    m->web_requests[i - METRICS_CODE_MIN]);
	}
	if (m->web_requests_other != 0)
		sample(f, "custos_web_requests_total", "code", "other",
		    m->web_requests_other);
}

int
metrics_write(FILE *f, const struct metrics *m,
    const struct metrics_values *v)
{
	write_sealed(f, m);
	write_histogram(f, m);
	write_queues(f, m, v);
	write_refused(f, m);
	write_station(f, m, v);
	write_web(f, m);
	if (fflush(f) != 0 || ferror(f)) {
		if (errno == 0)
			errno = EIO;
		return CUSTOS_ERR_SYSTEM;
	}
	return 0;
}

int
metrics_write_label(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	return ferror(f) ? CUSTOS_ERR_SYSTEM : 0;
}
