/*
 * metrics: the daemon's counters (metrics.h).  Nothing here allocates or
 * fails: a counter is an integer in the station.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "metrics.h"

static const double bounds[METRICS_NBOUNDS] = { METRICS_SEAL_BOUNDS };

static const char *const source_names[METRICS_NSOURCES] = {
	[METRICS_DOCK] = "dock",
	[METRICS_UPLOAD] = "upload",
	[METRICS_LIVE] = "live",
};

static const char *const refusal_names[METRICS_NREFUSALS] = {
	[METRICS_REF_SYMLINK] = "symlink",
	[METRICS_REF_FIFO] = "fifo",
	[METRICS_REF_DEVICE] = "device",
	[METRICS_REF_SOCKET] = "socket",
	[METRICS_REF_NOT_REGULAR] = "not_regular_file",
	[METRICS_REF_MOUNT] = "mount_inside_volume",
	[METRICS_REF_TOO_DEEP] = "directory_too_deep",
	[METRICS_REF_BAD_REQUEST] = "bad_request",
	[METRICS_REF_NOT_ALLOWED] = "not_allowed",
	[METRICS_REF_NOT_FOUND] = "not_found",
	[METRICS_REF_TIMEOUT] = "timeout",
	[METRICS_REF_CONFLICT] = "conflict",
	[METRICS_REF_BUSY] = "busy",
	[METRICS_REF_NO_SPACE] = "no_space",
	[METRICS_REF_MALFORMED] = "malformed_message",
	[METRICS_REF_NOT_SEGMENT] = "not_a_segment",
};

/* The dock's reason texts (daemon/dock/walk.c) and their refusals. */
static const struct {
	const char		*why;
	enum metrics_refusal	 r;
} dock_reasons[] = {
	{ "symlink", METRICS_REF_SYMLINK },
	{ "fifo", METRICS_REF_FIFO },
	{ "device", METRICS_REF_DEVICE },
	{ "socket", METRICS_REF_SOCKET },
	{ "another file system mounted inside the volume", METRICS_REF_MOUNT },
	{ "directory too deep", METRICS_REF_TOO_DEEP },
};

const char *
metrics_source_name(enum metrics_source s)
{
	return (unsigned)s < METRICS_NSOURCES ? source_names[s] : "unknown";
}

const char *
metrics_refusal_name(enum metrics_refusal r)
{
	return (unsigned)r < METRICS_NREFUSALS ? refusal_names[r] : "unknown";
}

double
metrics_seal_bound(int i)
{
	return i >= 0 && i < METRICS_NBOUNDS ? bounds[i] : 0;
}

enum metrics_source
metrics_source_of(const char *source)
{
	if (source == NULL)
		return METRICS_NSOURCES;
	if (strcmp(source, "usb") == 0)
		return METRICS_DOCK;
	if (strcmp(source, "upload") == 0)
		return METRICS_UPLOAD;
	if (strcmp(source, "live") == 0)
		return METRICS_LIVE;
	return METRICS_NSOURCES;
}

void
metrics_sealed(struct metrics *m, enum metrics_source source, uint64_t bytes)
{
	if (m == NULL || (unsigned)source >= METRICS_NSOURCES)
		return;
	m->sealed_files[source]++;
	m->sealed_bytes[source] += bytes;
}

void
metrics_seal_time(struct metrics *m, double seconds)
{
	int i;

	if (m == NULL)
		return;
	if (!(seconds >= 0))	/* also NaN */
		seconds = 0;
	for (i = 0; i < METRICS_NBOUNDS && seconds > bounds[i]; i++)
		;
	m->seal_buckets[i]++;
	m->seal_count++;
	m->seal_sum += seconds;
}

void
metrics_refused(struct metrics *m, enum metrics_refusal reason)
{
	if (m == NULL || (unsigned)reason >= METRICS_NREFUSALS)
		return;
	m->refused[reason]++;
}

void
metrics_refused_dock(struct metrics *m, const char *why)
{
	size_t i;

	for (i = 0; why != NULL &&
	    i < sizeof(dock_reasons) / sizeof(dock_reasons[0]); i++) {
		if (strcmp(why, dock_reasons[i].why) == 0) {
			metrics_refused(m, dock_reasons[i].r);
			return;
		}
	}
	metrics_refused(m, METRICS_REF_NOT_REGULAR);
}

void
metrics_refused_upload(struct metrics *m, int status)
{
	enum metrics_refusal r;

	switch (status) {
	case 401:
	case 403:
		r = METRICS_REF_NOT_ALLOWED;
		break;
	case 404:
		r = METRICS_REF_NOT_FOUND;
		break;
	case 408:
		r = METRICS_REF_TIMEOUT;
		break;
	case 409:
	case 412:
		r = METRICS_REF_CONFLICT;
		break;
	case 503:
		r = METRICS_REF_BUSY;
		break;
	case 507:
		r = METRICS_REF_NO_SPACE;
		break;
	default:
		if (status < 400 || status > 499)
			return;
		r = METRICS_REF_BAD_REQUEST;
	}
	metrics_refused(m, r);
}

void
metrics_tsa_failure(struct metrics *m)
{
	if (m != NULL)
		m->tsa_failures++;
}

void
metrics_seal_queues(struct metrics *m, uint64_t seal, uint64_t probe)
{
	if (m == NULL)
		return;
	m->seal_queue = seal;
	m->probe_queue = probe;
}

void
metrics_live_connected(struct metrics *m, int delta)
{
	if (m == NULL)
		return;
	if (delta > 0)
		m->live_connected++;
	else if (delta < 0 && m->live_connected > 0)
		m->live_connected--;
}

void
metrics_checkpoint(struct metrics *m, time_t when)
{
	if (m != NULL)
		m->checkpoint_at = when;
}

void
metrics_web_request(struct metrics *m, int code)
{
	if (m == NULL)
		return;
	if (code >= METRICS_CODE_MIN && code <= METRICS_CODE_MAX)
		m->web_requests[code - METRICS_CODE_MIN]++;
	else
		m->web_requests_other++;
}
