/*
 * dock_state: the dock's state as others see it and its end (dock_int.h):
 * a camera taken off the dock, the STATUS= line for systemd, the status
 * answer (dock.h), and the dock freed once it has stopped.  dock.c (the
 * cameras docked and walked) and session.c (their files sealed) both
 * call here; nothing here calls them.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <systemd/sd-daemon.h>
#include <uv.h>

#include "daemon/disk.h"
#include "daemon/entry.h"
#include "daemon/station.h"
#include "dock.h"
#include "dock_int.h"
#include "walk.h"

static int64_t
ms_between(const struct timespec *a, const struct timespec *b)
{
	return (int64_t)(b->tv_sec - a->tv_sec) * 1000 +
	    (b->tv_nsec - a->tv_nsec) / 1000000;
}

static void
cam_free(struct camera *c)
{
	if (c->volfd != -1)
		close(c->volfd);
	walk_items_free(c->items, c->nitems);
	json_decref(c->gaps);
	free(c);
}

void
dock_cam_unlink(struct camera *c)
{
	struct camera **pp;

	for (pp = &c->d->cams; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	if (c->d->prober == c)
		c->d->prober = NULL;
	cam_free(c);
}

void
dock_notify(struct dock *d)
{
	struct camera *c;
	uint64_t done = 0, total = 0;
	unsigned ncam = 0, active = 0;
	char buf[640], disk[320];

	for (c = d->cams; c != NULL; c = c->next) {
		if (c->state == CAM_UNREADABLE)
			continue;
		ncam++;
		if (c->state == CAM_SCANNING || c->state == CAM_SEALING)
			active++;
		done += c->files_done;
		total += c->files_total;
	}
	disk_line(&d->st->disk, disk, sizeof(disk));
	snprintf(buf, sizeof(buf), "STATUS=%u camera%s docked, %u "
	    "ingesting, %" PRIu64 "/%" PRIu64 " files%s; %s%s%s", ncam,
	    ncam == 1 ? "" : "s", active, done, total,
	    !d->store_full ? "" : d->full_floor ? ", ingest paused: below "
	    "stop_ingest" : ", disk full: ingest paused", disk,
	    d->st->status_note[0] != '\0' ? "; WARNING: " : "",
	    d->st->status_note);
	if (strcmp(buf, d->notified) != 0) {
		memcpy(d->notified, buf, sizeof(buf));
		sd_notify(0, buf);
	}
}

void
dock_refresh(struct dock *d)
{
	if (d != NULL)
		dock_notify(d);
}

json_t *
dock_status(const struct dock *d)
{
	static const char *const states[] = { "scanning", "sealing", "done",
	    "unreadable" };
	const struct camera *c;
	struct timespec now;
	json_t *j, *arr, *o;
	char ts[32];
	int64_t ms;

	if ((j = json_object()) == NULL || (arr = json_array()) == NULL) {
		json_decref(j);
		return NULL;
	}
	/* "store_full" and "disk_full" are the ENOSPC pause; "ingest_paused"
	 * is any pause for room, the stop_ingest floor included. */
	json_object_set_new(j, "store_full", json_boolean(d->store_full &&
	    !d->full_floor));
	json_object_set_new(j, "disk_full", json_boolean(d->store_full &&
	    !d->full_floor));
	json_object_set_new(j, "ingest_paused", json_boolean(d->store_full));
	if (d->store_full) {
		entry_time(&d->full_since, ts, sizeof(ts));
		json_object_set_new(j, "paused_since", json_string(ts));
		json_object_set_new(j, "paused_reason",
		    json_string(d->full_why));
		json_object_set_new(j, "paused_for", json_string(
		    d->full_floor ? "stop_ingest" : "disk_full"));
		json_object_set_new(j, "paused_retries",
		    json_integer((json_int_t)d->full_retries));
	}
	if (d->store_full && !d->full_floor) {
		entry_time(&d->full_since, ts, sizeof(ts));
		json_object_set_new(j, "disk_full_since", json_string(ts));
		json_object_set_new(j, "disk_full_reason",
		    json_string(d->full_why));
		json_object_set_new(j, "disk_full_retries",
		    json_integer((json_int_t)d->full_retries));
	}
	json_object_set_new(j, "cameras", arr);
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (c = d->cams; c != NULL; c = c->next) {
		const char *state = states[c->state];

		if (c->state == CAM_SEALING && c->waiting && d->store_full)
			state = d->full_floor ? "paused: below stop_ingest" :
			    "waiting: store full";
		ms = ms_between(&c->start_mono, c->state == CAM_DONE ?
		    &c->end_mono : &now);
		entry_time(&c->start_rt, ts, sizeof(ts));
		o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
		    "s:s}", "camera", c->name, "state", state,
		    "files_done", (json_int_t)c->files_done,
		    "files_total", (json_int_t)c->files_total,
		    "bytes_done", (json_int_t)c->bytes_done,
		    "bytes_total", (json_int_t)c->bytes_total,
		    "rate_bps", (json_int_t)(ms > 0 ?
		    c->bytes_done * 1000 / (uint64_t)ms : 0),
		    "errors", (json_int_t)c->errors,
		    "refused", (json_int_t)c->refused,
		    "started", ts);
		/* The holes in the numbering of the session's files. */
		if (o != NULL && c->gaps != NULL &&
		    json_array_size(c->gaps) > 0 && json_object_set(o,
		    "numbering_gaps", c->gaps) != 0) {
			json_decref(o);
			o = NULL;
		}
		if (o == NULL || json_array_append_new(arr, o) != 0) {
			json_decref(j);
			return NULL;
		}
	}
	return j;
}

void
dock_maybe_stopped(struct dock *d)
{
	struct camera *c;
	size_t i;

	if (!d->stopping || d->scan_busy || d->handles > 0)
		return;
	for (c = d->cams; c != NULL; c = c->next)
		if (c->busy || c->state == CAM_SEALING)
			return;
	while ((c = d->cams) != NULL) {
		d->cams = c->next;
		cam_free(c);
	}
	for (i = 0; i < d->nignored; i++)
		free(d->ignored[i]);
	free(d->root);
	d->stopped(d->stopped_arg);
	free(d);
}

