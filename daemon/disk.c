/*
 * disk: room on the store's file system and the recent rate (disk.h).
 */
#include <sys/statvfs.h>

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "custos/config.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/rfc3339.h"
#include "disk.h"
#include "journal.h"

/* How far back the start looks for the window, at most. */
#define LOOKBACK_MAX	200000

static const char *const level_names[] = { "ok", "warn", "stop" };

/* A size for people: "512 B", "3.0 MiB", "1.2 GiB". */
static void
fmt_size(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB",
	    "TiB", "PiB" };
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", n);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
}

static uint64_t
threshold(const struct config_room *r, uint64_t total)
{
	if (!r->share)
		return r->bytes;
	return (uint64_t)((double)total * r->bp / 10000.0);
}

/* The window summed at now: bytes and milliseconds of footage. */
static void
window(const struct disk *d, time_t now, uint64_t *bytes, uint64_t *ms)
{
	int64_t hour = (int64_t)now / 3600;
	size_t i;

	*bytes = *ms = 0;
	for (i = 0; i < DISK_WINDOW_H; i++) {
		const struct disk_hour *h = &d->hours[i];

		if (h->hour > hour - DISK_WINDOW_H && h->hour <= hour) {
			*bytes += h->bytes;
			*ms += h->ms;
		}
	}
}

/* Bytes per camera-hour, or 0 when the window holds too little. */
static uint64_t
rate(const struct disk *d, time_t now, uint64_t *ms)
{
	uint64_t bytes;

	window(d, now, &bytes, ms);
	if (*ms < DISK_MIN_MS)
		return 0;
	return (uint64_t)((double)bytes * 3600000.0 / (double)*ms);
}

/* Room for ingest: free space above the stop_ingest floor. */
static uint64_t
room(const struct disk *d)
{
	return d->avail > d->stop ? d->avail - d->stop : 0;
}

void
disk_segment(struct disk *d, const json_t *payload, time_t when)
{
	json_t *size, *ms;
	struct disk_hour *h;
	int64_t hour = (int64_t)when / 3600;

	size = json_object_get(payload, "size");
	ms = json_object_get(json_object_get(payload, "media"),
	    "duration_ms");
	if (!json_is_integer(size) || !json_is_integer(ms) ||
	    json_integer_value(size) < 0 || json_integer_value(ms) <= 0)
		return;
	h = &d->hours[(uint64_t)hour % DISK_WINDOW_H];
	if (h->hour != hour) {
		if (h->hour > hour)
			return;		/* older than what the slot holds */
		h->hour = hour;
		h->bytes = h->ms = 0;
	}
	h->bytes += (uint64_t)json_integer_value(size);
	h->ms += (uint64_t)json_integer_value(ms);
}

/* One entry of the look back: 1 to go on, 0 once it is too old. */
static int
look_entry(struct disk *d, const uint8_t *data, size_t len, time_t now)
{
	json_t *e;
	int64_t ms;
	int more = 0;

	if ((e = json_loadb((const char *)data, len, 0, NULL)) == NULL)
		return 0;
	if (rfc3339_parse(json_string_value(json_object_get(e, "time")),
	    &ms) == 0 && ms / 1000 / 3600 > (int64_t)now / 3600 -
	    DISK_WINDOW_H) {
		more = 1;
		if (json_is_string(json_object_get(e, "type")) &&
		    strcmp(json_string_value(json_object_get(e, "type")),
		    ENTRY_SEGMENT_SEALED) == 0)
			disk_segment(d, e, (time_t)(ms / 1000));
	}
	json_decref(e);
	return more;
}

int
disk_init(struct disk *d, const struct config *cfg, const char *store_dir,
    struct log *l)
{
	uint64_t i, n = log_size(l);
	time_t now = time(NULL);
	uint8_t *data;
	size_t len;

	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	if ((d->path = strdup(store_dir)) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (i = 0; i < n && i < LOOKBACK_MAX; i++) {
		int more;

		if (log_entry(l, n - 1 - i, &data, &len) != 0)
			break;
		more = look_entry(d, data, len, now);
		free(data);
		if (!more)
			break;
	}
	return 0;
}

void
disk_free(struct disk *d)
{
	free(d->path);
	d->path = NULL;
}

void
disk_line(const struct disk *d, char *buf, size_t len)
{
	char fr[32], rt[32];
	uint64_t r, ms;

	if (!d->known) {
		snprintf(buf, len, "disk: free space not measured");
		return;
	}
	fmt_size(d->avail, fr, sizeof(fr));
	if ((r = rate(d, time(NULL), &ms)) == 0) {
		snprintf(buf, len, "disk: %s free%s%s, camera-hours left "
		    "unknown: not enough history (%.1f camera-hours sealed "
		    "in the last %d days, %d needed)", fr,
		    d->level != DISK_OK ? ", " : "", d->level == DISK_STOP ?
		    "below stop_ingest: ingest paused" : d->level ==
		    DISK_WARN ? "below warn" : "", (double)ms / 3600000.0,
		    DISK_WINDOW_H / 24, DISK_MIN_MS / 3600000);
		return;
	}
	fmt_size(r, rt, sizeof(rt));
	snprintf(buf, len, "disk: %s free%s%s, about %.1f camera-hours at "
	    "%s/camera-hour", fr, d->level != DISK_OK ? ", " : "",
	    d->level == DISK_STOP ? "below stop_ingest: ingest paused" :
	    d->level == DISK_WARN ? "below warn" : "",
	    (double)room(d) / (double)r, rt);
}

/* Logs the state d->level changed to, once. */
static void
log_change(const struct disk *d, enum disk_level was)
{
	char line[320], th[32];

	disk_line(d, line, sizeof(line));
	if (d->level == DISK_STOP) {
		fmt_size(d->stop, th, sizeof(th));
		log_warnx("%s (stop_ingest %s): docking and uploads paused "
		    "until there is room again; nothing is deleted to make "
		    "room", line, th);
	} else if (d->level == DISK_WARN) {
		fmt_size(d->warn, th, sizeof(th));
		log_warnx("%s (warn %s)%s", line, th, was == DISK_STOP ?
		    ": above stop_ingest again, ingest resumed" : "");
	} else
		log_info("%s: above warn again%s", line, was == DISK_STOP ?
		    ", ingest resumed" : "");
}

enum disk_level
disk_check(struct disk *d)
{
	struct statvfs sv;
	enum disk_level was = d->level, now;
	int first;

	if (statvfs(d->path, &sv) != 0) {
		if (errno != d->err)
			log_warn("disk: cannot measure %s", d->path);
		d->err = errno;
		return d->level;
	}
	d->err = 0;
	d->avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	d->total = (uint64_t)sv.f_blocks * sv.f_frsize;
	d->warn = threshold(&d->cfg->disk_warn, d->total);
	d->stop = threshold(&d->cfg->disk_stop, d->total);
	if (d->avail < d->stop)
		now = DISK_STOP;
	else if (d->avail < d->warn)
		now = DISK_WARN;
	else
		now = DISK_OK;
	d->level = now;
	/* The first check logs only trouble: a station with room says
	 * nothing at the start but its status. */
	first = !d->known;
	d->known = 1;
	if (now != was || (first && now != DISK_OK))
		log_change(d, was);
	return now;
}

int
disk_admit(struct disk *d, char *why, size_t whylen)
{
	char fr[32], th[32];

	if (disk_check(d) != DISK_STOP)
		return 0;
	fmt_size(d->avail, fr, sizeof(fr));
	fmt_size(d->stop, th, sizeof(th));
	snprintf(why, whylen, "free space %s below stop_ingest %s", fr, th);
	return CUSTOS_ERR_NOSPACE;
}

json_t *
disk_status(const struct disk *d)
{
	uint64_t r, ms;
	json_t *j;
	char line[320];

	r = rate(d, time(NULL), &ms);
	disk_line(d, line, sizeof(line));
	j = json_pack("{s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:f, "
	    "s:s}", "state", level_names[d->level], "path", d->path,
	    "measured", d->known, "free_bytes", (json_int_t)d->avail,
	    "total_bytes", (json_int_t)d->total,
	    "warn_bytes", (json_int_t)d->warn,
	    "stop_ingest_bytes", (json_int_t)d->stop,
	    "room_bytes", (json_int_t)room(d),
	    "window_hours", (json_int_t)DISK_WINDOW_H,
	    "window_camera_hours", (double)ms / 3600000.0,
	    "text", line);
	if (j == NULL)
		return NULL;
	if (r == 0) {
		if (json_object_set_new(j, "bytes_per_camera_hour",
		    json_null()) != 0 || json_object_set_new(j,
		    "camera_hours_left", json_null()) != 0 ||
		    json_object_set_new(j, "rate_unknown", json_string(
		    "not enough history")) != 0) {
			json_decref(j);
			return NULL;
		}
		return j;
	}
	if (json_object_set_new(j, "bytes_per_camera_hour",
	    json_integer((json_int_t)r)) != 0 || json_object_set_new(j,
	    "camera_hours_left", json_real((double)room(d) / (double)r)) !=
	    0) {
		json_decref(j);
		return NULL;
	}
	return j;
}
