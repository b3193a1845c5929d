/*
 * Unit tests for the daemon's counters (daemon/metrics.h): what each
 * counting function adds, where the seal latency falls in the histogram,
 * the refusal reasons of the dock's and the upload's texts and statuses,
 * and the text exposition: HELP and TYPE before the samples, cumulative
 * buckets, the label values escaped, the optional metrics left out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/metrics.h"

/* The exposition of m and v, a new string. */
static char *
render(const struct metrics *m, const struct metrics_values *v)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(metrics_write(f, m, v), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(text);
	return text;
}

/* Whether text holds line as a whole line. */
static int
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

static void
test_sealed(void **state)
{
	struct metrics m;

	(void)state;
	memset(&m, 0, sizeof(m));
	metrics_sealed(&m, metrics_source_of("usb"), 1000);
	metrics_sealed(&m, metrics_source_of("usb"), 24);
	metrics_sealed(&m, metrics_source_of("upload"), 7);
	metrics_sealed(&m, metrics_source_of("live"), 5);
	metrics_sealed(&m, metrics_source_of("floppy"), 99);	/* ignored */
	metrics_sealed(NULL, METRICS_DOCK, 1);			/* no-op */
	assert_int_equal(m.sealed_files[METRICS_DOCK], 2);
	assert_int_equal(m.sealed_bytes[METRICS_DOCK], 1024);
	assert_int_equal(m.sealed_files[METRICS_UPLOAD], 1);
	assert_int_equal(m.sealed_bytes[METRICS_UPLOAD], 7);
	assert_int_equal(m.sealed_files[METRICS_LIVE], 1);
	assert_int_equal(metrics_source_of(NULL), METRICS_NSOURCES);
}

static void
test_histogram(void **state)
{
	struct metrics m;

	(void)state;
	memset(&m, 0, sizeof(m));
	metrics_seal_time(&m, 0.01);	/* le 0.05 */
	metrics_seal_time(&m, 0.05);	/* le 0.05: bounds are inclusive */
	metrics_seal_time(&m, 0.3);	/* le 0.5 */
	metrics_seal_time(&m, 1000);	/* +Inf */
	metrics_seal_time(&m, -1);	/* a clock step: counted as 0 */
	assert_int_equal(m.seal_buckets[0], 3);
	assert_int_equal(m.seal_buckets[3], 1);
	assert_int_equal(m.seal_buckets[METRICS_NBOUNDS], 1);
	assert_int_equal(m.seal_count, 5);
	assert_true(m.seal_sum > 1000.35 && m.seal_sum < 1000.37);
}

static void
test_refusals(void **state)
{
	struct metrics m;

	(void)state;
	memset(&m, 0, sizeof(m));
	metrics_refused_dock(&m, "symlink");
	metrics_refused_dock(&m, "fifo");
	metrics_refused_dock(&m, "became a directory");
	metrics_refused_dock(&m, "not a regular file");
	metrics_refused_dock(&m, "directory too deep");
	metrics_refused_dock(&m, NULL);
	assert_int_equal(m.refused[METRICS_REF_SYMLINK], 1);
	assert_int_equal(m.refused[METRICS_REF_FIFO], 1);
	assert_int_equal(m.refused[METRICS_REF_NOT_REGULAR], 3);
	assert_int_equal(m.refused[METRICS_REF_TOO_DEEP], 1);
	metrics_refused_upload(&m, 200);	/* not refused */
	metrics_refused_upload(&m, 500);	/* the station's failure */
	metrics_refused_upload(&m, 201);
	metrics_refused_upload(&m, 400);
	metrics_refused_upload(&m, 413);
	metrics_refused_upload(&m, 403);
	metrics_refused_upload(&m, 409);
	metrics_refused_upload(&m, 507);
	assert_int_equal(m.refused[METRICS_REF_BAD_REQUEST], 2);
	assert_int_equal(m.refused[METRICS_REF_NOT_ALLOWED], 1);
	assert_int_equal(m.refused[METRICS_REF_CONFLICT], 1);
	assert_int_equal(m.refused[METRICS_REF_NO_SPACE], 1);
	assert_int_equal(m.refused[METRICS_REF_BUSY], 0);
	assert_string_equal(metrics_refusal_name(METRICS_REF_MOUNT),
	    "mount_inside_volume");
	assert_string_equal(metrics_refusal_name(METRICS_NREFUSALS),
	    "unknown");
}

static void
test_gauges(void **state)
{
	struct metrics m;

	(void)state;
	memset(&m, 0, sizeof(m));
	metrics_live_connected(&m, 1);
	metrics_live_connected(&m, 1);
	metrics_live_connected(&m, -1);
	assert_int_equal(m.live_connected, 1);
	metrics_live_connected(&m, -1);
	metrics_live_connected(&m, -1);	/* never below 0 */
	assert_int_equal(m.live_connected, 0);
	metrics_seal_queues(&m, 3, 2);
	assert_int_equal(m.seal_queue, 3);
	assert_int_equal(m.probe_queue, 2);
	metrics_web_request(&m, 200);
	metrics_web_request(&m, 200);
	metrics_web_request(&m, 403);
	metrics_web_request(&m, 99);
	metrics_web_request(&m, 600);
	assert_int_equal(m.web_requests[200 - METRICS_CODE_MIN], 2);
	assert_int_equal(m.web_requests[403 - METRICS_CODE_MIN], 1);
	assert_int_equal(m.web_requests_other, 2);
}

static void
test_exposition(void **state)
{
	struct metrics m;
	struct metrics_values v;
	char *t;

	(void)state;
	memset(&m, 0, sizeof(m));
	memset(&v, 0, sizeof(v));
	metrics_sealed(&m, METRICS_DOCK, 4096);
	metrics_seal_time(&m, 0.2);
	metrics_seal_time(&m, 2);
	metrics_refused(&m, METRICS_REF_SYMLINK);
	metrics_web_request(&m, 403);
	metrics_checkpoint(&m, 1000);
	v.now = 1042;
	v.checkpoint_size = 17;
	v.disk_known = 1;
	v.disk_free = 123456789;
	t = render(&m, &v);
	assert_true(has_line(t, "# TYPE custos_sealed_files_total counter"));
	assert_true(has_line(t, "custos_sealed_files_total{source=\"dock\"} 1"));
	assert_true(has_line(t, "custos_sealed_files_total{source=\"live\"} 0"));
	assert_true(has_line(t,
	    "custos_sealed_bytes_total{source=\"dock\"} 4096"));
	assert_true(has_line(t,
	    "# TYPE custos_seal_duration_seconds histogram"));
	assert_true(has_line(t,
	    "custos_seal_duration_seconds_bucket{le=\"0.1\"} 0"));
	assert_true(has_line(t,
	    "custos_seal_duration_seconds_bucket{le=\"0.25\"} 1"));
	assert_true(has_line(t,
	    "custos_seal_duration_seconds_bucket{le=\"2.5\"} 2"));
	assert_true(has_line(t,
	    "custos_seal_duration_seconds_bucket{le=\"+Inf\"} 2"));
	assert_true(has_line(t, "custos_seal_duration_seconds_sum 2.200000"));
	assert_true(has_line(t, "custos_seal_duration_seconds_count 2"));
	assert_true(has_line(t,
	    "custos_refused_files_total{reason=\"symlink\"} 1"));
	assert_true(has_line(t,
	    "custos_refused_files_total{reason=\"not_a_segment\"} 0"));
	assert_true(has_line(t, "custos_checkpoint_age_seconds 42"));
	assert_true(has_line(t, "custos_checkpoint_size 17"));
	assert_true(has_line(t, "custos_disk_free_bytes 123456789"));
	assert_true(has_line(t, "custos_queue_depth{queue=\"seal\"} 0"));
	assert_true(has_line(t, "custos_web_requests_total{code=\"403\"} 1"));
	/* Without [replica]: neither its queue nor its gauge. */
	assert_null(strstr(t, "queue=\"replica\""));
	assert_null(strstr(t, "custos_replica_objects_behind"));
	free(t);

	v.replica = 1;
	v.replica_behind = 5;
	v.disk_known = 0;
	m.checkpoint_at = 0;
	t = render(&m, &v);
	assert_true(has_line(t, "custos_queue_depth{queue=\"replica\"} 5"));
	assert_true(has_line(t, "custos_replica_objects_behind 5"));
	/* Unknown values have their HELP and TYPE, and no sample. */
	assert_true(has_line(t, "# TYPE custos_disk_free_bytes gauge"));
	assert_null(strstr(t, "\ncustos_disk_free_bytes "));
	assert_null(strstr(t, "\ncustos_checkpoint_age_seconds "));
	free(t);
}

/* Every sample's family has a HELP and a TYPE line before it. */
static void
test_every_family_typed(void **state)
{
	struct metrics m;
	struct metrics_values v;
	char *t, *copy, *line, *save = NULL, fam[128], want[200];
	const char *at;
	size_t n;
	int samples = 0;

	(void)state;
	memset(&m, 0, sizeof(m));
	memset(&v, 0, sizeof(v));
	v.replica = v.disk_known = 1;
	metrics_checkpoint(&m, 1);
	metrics_web_request(&m, 200);
	t = render(&m, &v);
	assert_non_null(copy = strdup(t));
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		samples++;
		n = strcspn(line, "{ ");
		assert_true(n < sizeof(fam));
		memcpy(fam, line, n);
		fam[n] = '\0';
		if (strstr(fam, "custos_seal_duration_seconds") == fam)
			strcpy(fam, "custos_seal_duration_seconds");
		snprintf(want, sizeof(want), "# HELP %s ", fam);
		assert_non_null(at = strstr(t, want));
		snprintf(want, sizeof(want), "# TYPE %s ", fam);
		assert_non_null(strstr(at, want));
		assert_true(strstr(t, want) < strstr(t, line));
	}
	assert_true(samples > 30);
	free(copy);
	free(t);
}

static void
test_label_escape(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(metrics_write_label(f, "a\\b\"c\nd"), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(text, "a\\\\b\\\"c\\nd");
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sealed),
		cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_gauges),
		cmocka_unit_test(test_exposition),
		cmocka_unit_test(test_every_family_typed),
		cmocka_unit_test(test_label_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
