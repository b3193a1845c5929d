/*
 * web_station: the station page (GET /) and its live JSON (GET
 * /station.json, polled by static/station.js every second).  Both are
 * read from the status document (web_status_doc(), the control API's
 * GET /v1/status) through one view, so the page and its updates show
 * the same words: the cameras docked now with their progress, the live
 * streams, the disk's room in camera-hours, the latest checkpoint with
 * its timestamp token, replication when configured, and the warnings an
 * operator must act on.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/log.h"
#include "daemon/station.h"
#include "web_int.h"
#include "web_view.h"

/*
 * The rate assumed when the last 7 days hold too little footage to
 * measure one: 1080p H.264 as body cameras record it, about 2 GiB per
 * camera-hour (the disk module's own unit, docs/dock.md).
 */
#define ASSUMED_BYTES_PER_HOUR	(2ull << 30)

static const struct web_label cam_states[] = {
	{ "scanning", S_CAM_SCANNING }, { "sealing", S_CAM_SEALING },
	{ "done", S_CAM_DONE }, { "unreadable", S_CAM_UNREADABLE },
	{ "waiting: store full", S_CAM_WAITING },
	{ "paused: below stop_ingest", S_CAM_PAUSED }, { NULL, 0 }
};

static const struct web_label live_states[] = {
	{ "starting", S_LIVE_STARTING }, { "listening", S_LIVE_LISTENING },
	{ "receiving", S_LIVE_RECEIVING },
	{ "reconnecting", S_LIVE_RECONNECTING },
	{ "stopped", S_LIVE_STOPPED }, { NULL, 0 }
};

static const struct web_label disk_states[] = {
	{ "ok", S_DISK_OK }, { "warn", S_DISK_WARN }, { "stop", S_DISK_STOP },
	{ NULL, 0 }
};

static const struct web_label token_states[] = {
	{ "ok", S_TOKEN_OK }, { "failing", S_TOKEN_FAILING },
	{ "off", S_TOKEN_OFF }, { NULL, 0 }
};

static const struct web_label replica_states[] = {
	{ "ok", S_REP_OK }, { "failing", S_REP_FAILING },
	{ "config_error", S_REP_CONFIG_ERROR }, { NULL, 0 }
};

static uint64_t
num(const json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));

	return v > 0 ? (uint64_t)v : 0;
}

/* A json string of what web_view_bytes() writes, plus suffix. */
static json_t *
bytes_text(uint64_t n, const char *suffix)
{
	struct web_buf b = { 0 };
	json_t *s;

	web_view_bytes(&b, n);
	web_buf_printf(&b, "%s", suffix);
	s = b.failed ? NULL : json_string(b.p);
	web_buf_free(&b);
	return s;
}

/* One docked camera as the page and station.js show it. */
static json_t *
camera_view(const struct web_req *req, const json_t *c)
{
	struct web_buf b = { 0 };
	char files[48];
	json_t *v;

	web_view_bytes(&b, num(c, "bytes_done"));
	web_buf_printf(&b, " / ");
	web_view_bytes(&b, num(c, "bytes_total"));
	v = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:o*, s:I, s:s*, "
	    "s:I}",
	    "camera", web_view_str(c, "camera") ? web_view_str(c, "camera") :
	    "?", "state", web_view_str(c, "state") ? web_view_str(c, "state") :
	    "", "state_text", web_view_label(req, cam_states,
	    web_view_str(c, "state")),
	    "files_done", (json_int_t)num(c, "files_done"),
	    "files_total", (json_int_t)num(c, "files_total"),
	    "bytes_done", (json_int_t)num(c, "bytes_done"),
	    "bytes_total", (json_int_t)num(c, "bytes_total"),
	    "rate_text", bytes_text(num(c, "rate_bps"), "/s"),
	    "errors", (json_int_t)num(c, "errors"),
	    "bytes_text", b.failed ? NULL : b.p,
	    "refused", (json_int_t)num(c, "refused"));
	web_buf_free(&b);
	(void)snprintf(files, sizeof(files), "%" PRIu64 "/%" PRIu64,
	    num(c, "files_done"), num(c, "files_total"));
	if (v != NULL)
		json_object_set_new(v, "files_text", json_string(files));
	return v;
}

/* Adds a warning {"text", "detail"?, "href"?} to arr. */
static void
warn(json_t *arr, const struct web_req *req, enum web_str_id id,
    const char *detail, const char *href)
{
	json_t *w = json_pack("{s:s}", "text", WEB_S(req, id));

	if (w == NULL)
		return;
	if (detail != NULL && *detail != '\0')
		json_object_set_new(w, "detail", json_string(detail));
	if (href != NULL)
		json_object_set_new(w, "href", json_string(href));
	json_array_append_new(arr, w);
}

/* The warnings an operator must act on, read from the status document. */
static json_t *
warnings(const struct web_req *req, const json_t *doc)
{
	const json_t *cal = json_object_get(doc, "calendar"),
	    *tsa = json_object_get(doc, "tsa"),
	    *disk = json_object_get(doc, "disk"),
	    *dock = json_object_get(doc, "dock"),
	    *rep = json_object_get(doc, "replica"),
	    *ins = json_object_get(doc, "inspections"), *x;
	const char *s;
	char n[32], href[64];
	json_t *arr;
	size_t k, late;

	if ((arr = json_array()) == NULL)
		return NULL;
	s = web_view_str(cal, "state");
	if (s != NULL && (strcmp(s, "ending") == 0 || strcmp(s, "ended") == 0))
		warn(arr, req, S_W_CALENDAR, web_view_str(cal, "warning"),
		    NULL);
	if ((s = web_view_str(tsa, "state")) != NULL &&
	    strcmp(s, "failing") == 0)
		warn(arr, req, S_W_TSA, web_view_str(tsa, "last_error"), NULL);
	if ((s = web_view_str(disk, "state")) != NULL) {
		if (strcmp(s, "warn") == 0)
			warn(arr, req, S_W_DISK_LOW, web_view_str(disk, "text"),
			    NULL);
		else if (strcmp(s, "stop") == 0)
			warn(arr, req, S_W_DISK_STOP,
			    web_view_str(disk, "text"), NULL);
	}
	if (json_is_true(json_object_get(dock, "ingest_paused")))
		warn(arr, req, S_W_PAUSED, web_view_str(dock,
		    "paused_reason"), NULL);
	json_array_foreach(json_object_get(doc, "witnesses"), k, x)
		if ((s = web_view_str(x, "state")) != NULL &&
		    strcmp(s, "conflict") == 0)
			warn(arr, req, S_W_WITNESS, web_view_str(x, "name"),
			    NULL);
	if ((s = web_view_str(rep, "state")) != NULL &&
	    (strcmp(s, "failing") == 0 || strcmp(s, "config_error") == 0))
		warn(arr, req, S_W_REPLICA, web_view_str(rep, "last_error"),
		    NULL);
	if ((k = json_array_size(json_object_get(ins, "overdue"))) > 0) {
		(void)snprintf(n, sizeof(n), "%zu", k);
		(void)snprintf(href, sizeof(href),
		    "/inspections?finding=overdue%s",
		    req->lang == WEB_EN ? "&lang=en" : "");
		warn(arr, req, S_W_OVERDUE, n, href);
	}
	late = 0;
	json_array_foreach(json_object_get(ins, "red_not_inspected"), k, x)
		if (json_is_true(json_object_get(x, "overdue")))
			late++;
	if (late > 0) {
		(void)snprintf(n, sizeof(n), "%zu", late);
		(void)snprintf(href, sizeof(href), "/inspections?finding=red%s",
		    req->lang == WEB_EN ? "&lang=en" : "");
		warn(arr, req, S_W_RED, n, href);
	}
	return arr;
}

/*
 * The "time" of the last entry the checkpoint of size covers into buf,
 * or "" when it cannot be read.
 */
static void
checkpoint_time(const struct web_req *req, uint64_t size, char *buf,
    size_t len)
{
	const struct station *st = web_station(req->web);
	uint8_t *data = NULL;
	size_t n;
	json_t *e;

	buf[0] = '\0';
	if (st == NULL || size == 0 || log_entry(st->log, size - 1, &data,
	    &n) != 0)
		return;
	if ((e = json_loadb((const char *)data, n, 0, NULL)) != NULL &&
	    web_view_str(e, "time") != NULL)
		(void)snprintf(buf, len, "%s", web_view_str(e, "time"));
	json_decref(e);
	free(data);
}

/*
 * The view both answers are drawn from: the status document's members
 * the page shows, the cameras with their texts in req's language, the
 * checkpoint and the warnings.  A new reference, or NULL.
 */
static json_t *
station_view(const struct web_req *req)
{
	json_t *doc, *v, *cams, *c, *ck;
	const json_t *tsa;
	char t[48];
	size_t k;
	static const char *const keep[] = { "station", "dock", "live", "disk",
	    "tsa", "replica", "calendar", "witnesses", NULL };
	const char *const *key;

	if (req->web == NULL || (doc = web_status_doc(req->web)) == NULL)
		return NULL;
	if ((v = json_object()) == NULL || (cams = json_array()) == NULL) {
		json_decref(v);
		json_decref(doc);
		return NULL;
	}
	for (key = keep; *key != NULL; key++)
		if (json_object_get(doc, *key) != NULL)
			json_object_set(v, *key, json_object_get(doc, *key));
	json_array_foreach(json_object_get(json_object_get(doc, "dock"),
	    "cameras"), k, c)
		json_array_append_new(cams, camera_view(req, c));
	json_object_set_new(v, "cameras", cams);
	tsa = json_object_get(doc, "tsa");
	checkpoint_time(req, num(doc, "checkpoint_size"), t, sizeof(t));
	ck = json_pack("{s:I, s:s*, s:s, s:s, s:I, s:I}",
	    "size", (json_int_t)num(doc, "checkpoint_size"),
	    "time", t[0] != '\0' ? t : NULL,
	    "token", web_view_str(tsa, "state") != NULL ?
	    web_view_str(tsa, "state") : "off",
	    "token_text", web_view_label(req, token_states,
	    web_view_str(tsa, "state") != NULL ? web_view_str(tsa, "state") :
	    "off"),
	    "timestamped_size", (json_int_t)num(tsa, "timestamped_size"),
	    "lag_entries", (json_int_t)num(tsa, "lag_entries"));
	json_object_set_new(v, "checkpoint", ck);
	json_object_set_new(v, "warnings", warnings(req, doc));
	json_decref(doc);
	return v;
}

int
web_station_json(const struct web_req *req, struct web_reply *rep)
{
	json_t *v;
	char *s;

	if ((v = station_view(req)) == NULL) {
		rep->status = 500;
		rep->type = "application/json";
		web_buf_printf(&rep->body, "{\"error\": \"out of memory\"}\n");
		return 0;
	}
	s = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	if (s == NULL) {
		rep->body.failed = 1;
		return 0;
	}
	rep->type = "application/json";
	web_buf_put(&rep->body, s, strlen(s));
	free(s);
	return 0;
}

/*
 * One camera's card; c NULL writes the empty card of the template that
 * station.js clones for a camera that docks while the page is open.
 */
static void
camera_card(struct web_buf *b, const struct web_req *req, const json_t *c)
{
	const char *serial = c != NULL ? web_view_str(c, "camera") : "";
	uint64_t total = c != NULL ? num(c, "bytes_total") : 0;

	web_buf_printf(b, "<div class=\"camera\" data-camera=\"");
	web_html(b, serial);
	web_buf_printf(b, "\">\n<h3 class=\"serial\">");
	web_html(b, serial);
	web_buf_printf(b, "</h3>\n<progress class=\"bytes\" value=\"%" PRIu64
	    "\" max=\"%" PRIu64 "\" aria-label=\"", c != NULL ?
	    num(c, "bytes_done") : 0, total > 0 ? total : 1);
	web_html(b, WEB_S(req, S_ST_BYTES));
	web_buf_printf(b, "\"></progress>\n<dl class=\"facts\">\n<dt>");
	web_html(b, WEB_S(req, S_ST_BYTES));
	web_buf_printf(b, "</dt><dd><span class=\"bytes-text\">");
	web_html(b, c != NULL ? web_view_str(c, "bytes_text") : "");
	web_buf_printf(b, "</span></dd>\n<dt>");
	web_html(b, WEB_S(req, S_ST_FILES));
	web_buf_printf(b, "</dt><dd><span class=\"files\">");
	web_html(b, c != NULL ? web_view_str(c, "files_text") : "");
	web_buf_printf(b, "</span></dd>\n<dt>");
	web_html(b, WEB_S(req, S_ST_RATE));
	web_buf_printf(b, "</dt><dd><span class=\"rate\">");
	web_html(b, c != NULL ? web_view_str(c, "rate_text") : "");
	web_buf_printf(b, "</span></dd>\n<dt>");
	web_html(b, WEB_S(req, S_ST_ERRORS));
	web_buf_printf(b, "</dt><dd><span class=\"errors%s\">%" PRIu64
	    "</span></dd>\n<dt>", c != NULL && num(c, "errors") > 0 ?
	    " bad" : "", c != NULL ? num(c, "errors") : 0);
	web_html(b, WEB_S(req, S_ST_STATE));
	web_buf_printf(b, "</dt><dd><span class=\"state\">");
	web_html(b, c != NULL ? web_view_str(c, "state_text") : "");
	web_buf_printf(b, "</span></dd>\n</dl>\n</div>\n");
}

static void
section_head(struct web_buf *b, const struct web_req *req, const char *id,
    enum web_str_id title)
{
	web_buf_printf(b, "<section id=\"%s\" aria-labelledby=\"h-%s\">\n"
	    "<h2 id=\"h-%s\">", id, id, id);
	web_html(b, WEB_S(req, title));
	web_buf_printf(b, "</h2>\n");
}

static void
cameras(struct web_buf *b, const struct web_req *req, const json_t *v)
{
	const json_t *cams = json_object_get(v, "cameras"), *c;
	size_t k;

	section_head(b, req, "cameras", S_ST_CAMERAS);
	web_buf_printf(b, "<p class=\"muted empty\"%s>",
	    json_array_size(cams) > 0 ? " hidden" : "");
	web_html(b, WEB_S(req, S_ST_NO_CAMERAS));
	web_buf_printf(b, "</p>\n<div class=\"cards\">\n");
	json_array_foreach(cams, k, c)
		camera_card(b, req, c);
	web_buf_printf(b, "</div>\n<template id=\"camera-template\">\n");
	camera_card(b, req, NULL);
	web_buf_printf(b, "</template>\n</section>\n");
}

static void
live(struct web_buf *b, const struct web_req *req, const json_t *v)
{
	const json_t *arr = json_object_get(v, "live"), *s;
	size_t k;

	section_head(b, req, "live", S_ST_LIVE);
	if (json_array_size(arr) == 0) {
		web_buf_printf(b, "<p class=\"muted\">");
		web_html(b, WEB_S(req, S_ST_NO_LIVE));
		web_buf_printf(b, "</p>\n</section>\n");
		return;
	}
	/* The section is the named region; its table scrolls by keyboard. */
	web_buf_printf(b, "<div class=\"table-wrap\" tabindex=\"0\"><table>\n"
	    "<thead><tr>");
	web_view_th(b, req, S_LIVE_NAME, NULL);
	web_view_th(b, req, S_LIVE_CAMERA, NULL);
	web_view_th(b, req, S_ST_STATE, NULL);
	web_view_th(b, req, S_LIVE_SEGMENTS, "num");
	web_view_th(b, req, S_LIVE_LAST, NULL);
	web_view_th(b, req, S_LIVE_GAPS, "num");
	web_buf_printf(b, "</tr></thead>\n<tbody>\n");
	json_array_foreach(arr, k, s) {
		web_buf_printf(b, "<tr data-live=\"");
		web_html(b, web_view_str(s, "name") ? web_view_str(s,
		    "name") : "");
		web_buf_printf(b, "\"><td>");
		web_html(b, web_view_str(s, "name") ? web_view_str(s,
		    "name") : "");
		web_buf_printf(b, "</td><td>");
		web_html(b, web_view_str(s, "camera") ? web_view_str(s,
		    "camera") : "");
		web_buf_printf(b, "</td><td>");
		web_html(b, web_view_label(req, live_states,
		    web_view_str(s, "state")));
		web_buf_printf(b, "</td><td class=\"num\">%" PRIu64
		    "</td><td>", num(s, "segments"));
		web_view_time(b, req, web_view_str(s, "last_segment_at"));
		web_buf_printf(b, "</td><td class=\"num\">%" PRIu64
		    "</td></tr>\n", num(s, "gaps"));
	}
	web_buf_printf(b, "</tbody>\n</table></div>\n</section>\n");
}

static void
fact(struct web_buf *b, const struct web_req *req, enum web_str_id id)
{
	web_buf_printf(b, "<dt>");
	web_html(b, WEB_S(req, id));
	web_buf_printf(b, "</dt><dd>");
}

static void
disk(struct web_buf *b, const struct web_req *req, const json_t *v)
{
	const json_t *d = json_object_get(v, "disk"), *h;
	uint64_t room = num(d, "room_bytes");

	section_head(b, req, "disk", S_ST_DISK);
	web_buf_printf(b, "<dl class=\"facts\">\n");
	fact(b, req, S_ST_STATE);
	web_html(b, json_is_true(json_object_get(d, "measured")) ?
	    web_view_label(req, disk_states, web_view_str(d, "state")) :
	    WEB_S(req, S_DISK_UNMEASURED));
	web_buf_printf(b, "</dd>\n");
	fact(b, req, S_DISK_FREE);
	web_buf_printf(b, "<span class=\"free\">");
	web_view_bytes(b, num(d, "free_bytes"));
	web_buf_printf(b, "</span></dd>\n");
	fact(b, req, S_DISK_ROOM);
	web_view_bytes(b, room);
	web_buf_printf(b, "</dd>\n");
	fact(b, req, S_DISK_HOURS);
	h = json_object_get(d, "camera_hours_left");
	if (json_is_number(h)) {
		web_buf_printf(b, "<span class=\"hours\">%.1f</span> (",
		    json_number_value(h));
		web_html(b, WEB_S(req, S_DISK_MEASURED));
		web_buf_printf(b, " ");
		web_view_bytes(b, num(d, "bytes_per_camera_hour"));
		web_buf_printf(b, ")");
	} else {
		web_buf_printf(b, "<span class=\"hours\">%.1f</span> (",
		    (double)room / (double)ASSUMED_BYTES_PER_HOUR);
		web_html(b, WEB_S(req, S_DISK_ASSUMED));
		web_buf_printf(b, ")");
	}
	web_buf_printf(b, "</dd>\n</dl>\n</section>\n");
}

static void
checkpoint(struct web_buf *b, const struct web_req *req, const json_t *v)
{
	const json_t *c = json_object_get(v, "checkpoint");
	const char *token = web_view_str(c, "token");

	section_head(b, req, "checkpoint", S_ST_CHECKPOINT);
	if (num(c, "size") == 0) {
		web_buf_printf(b, "<p class=\"muted\">");
		web_html(b, WEB_S(req, S_CKPT_NONE));
		web_buf_printf(b, "</p>\n</section>\n");
		return;
	}
	web_buf_printf(b, "<dl class=\"facts\">\n");
	fact(b, req, S_CKPT_SIZE);
	web_buf_printf(b, "<span class=\"size\">%" PRIu64 "</span></dd>\n",
	    num(c, "size"));
	fact(b, req, S_CKPT_TIME);
	web_view_time(b, req, web_view_str(c, "time"));
	web_buf_printf(b, "</dd>\n");
	fact(b, req, S_CKPT_TOKEN);
	web_buf_printf(b, "<span class=\"token %s\">", token != NULL &&
	    strcmp(token, "failing") == 0 ? "bad" : token != NULL &&
	    strcmp(token, "ok") == 0 ? "ok" : "muted");
	web_html(b, web_view_str(c, "token_text"));
	web_buf_printf(b, "</span></dd>\n");
	if (token != NULL && strcmp(token, "off") != 0) {
		fact(b, req, S_TOKEN_COVERS);
		web_buf_printf(b, "%" PRIu64 "</dd>\n",
		    num(c, "timestamped_size"));
		fact(b, req, S_TOKEN_LAG);
		web_buf_printf(b, "%" PRIu64 "</dd>\n", num(c, "lag_entries"));
	}
	web_buf_printf(b, "</dl>\n</section>\n");
}

static void
replica(struct web_buf *b, const struct web_req *req, const json_t *v)
{
	const json_t *r = json_object_get(v, "replica");
	const char *s = web_view_str(r, "state");

	if (s == NULL || strcmp(s, "off") == 0)
		return;
	section_head(b, req, "replica", S_ST_REPLICA);
	web_buf_printf(b, "<dl class=\"facts\">\n");
	fact(b, req, S_ST_STATE);
	web_buf_printf(b, "<span class=\"%s\">", strcmp(s, "ok") == 0 ?
	    "ok" : "bad");
	web_html(b, web_view_label(req, replica_states, s));
	web_buf_printf(b, "</span></dd>\n");
	fact(b, req, S_REP_BEHIND);
	web_buf_printf(b, "<span class=\"behind\">%" PRIu64 "</span> (",
	    num(r, "behind"));
	web_view_bytes(b, num(r, "behind_bytes"));
	web_buf_printf(b, ")</dd>\n");
	fact(b, req, S_REP_OLDEST);
	web_buf_printf(b, "%" PRIu64 "</dd>\n", num(r, "oldest_s"));
	fact(b, req, S_REP_CONFIRMED);
	web_buf_printf(b, "%" PRIu64 "</dd>\n</dl>\n</section>\n",
	    num(r, "confirmed"));
}

static void
warnings_list(struct web_buf *b, const struct web_req *req, const json_t *v)
{
	const json_t *arr = json_object_get(v, "warnings"), *w;
	size_t k;

	web_buf_printf(b, "<section id=\"warnings-section\" "
	    "aria-labelledby=\"h-warnings\">\n<h2 id=\"h-warnings\">");
	web_html(b, WEB_S(req, S_ST_WARNINGS));
	web_buf_printf(b, "</h2>\n<ul id=\"warnings\" data-none=\"");
	web_html(b, WEB_S(req, S_W_NONE));
	web_buf_printf(b, "\">\n");
	if (json_array_size(arr) == 0) {
		web_buf_printf(b, "<li class=\"none\">");
		web_html(b, WEB_S(req, S_W_NONE));
		web_buf_printf(b, "</li>\n");
	}
	json_array_foreach(arr, k, w) {
		web_buf_printf(b, "<li>");
		if (web_view_str(w, "href") != NULL) {
			web_buf_printf(b, "<a href=\"");
			web_html(b, web_view_str(w, "href"));
			web_buf_printf(b, "\">");
		}
		web_html(b, web_view_str(w, "text"));
		if (web_view_str(w, "href") != NULL)
			web_buf_printf(b, "</a>");
		if (web_view_str(w, "detail") != NULL) {
			web_buf_printf(b, ": <span class=\"detail\">");
			web_html(b, web_view_str(w, "detail"));
			web_buf_printf(b, "</span>");
		}
		web_buf_printf(b, "</li>\n");
	}
	web_buf_printf(b, "</ul>\n</section>\n");
}

int
web_station_page(const struct web_req *req, struct web_reply *rep)
{
	struct web_buf *b = &rep->body;
	json_t *v;

	if ((v = station_view(req)) == NULL) {
		web_error(req, rep, 500, WEB_S(req, S_API_FAILED));
		return 0;
	}
	web_page_begin(b, req, "/", WEB_S(req, S_NAV_STATION));
	warnings_list(b, req, v);
	cameras(b, req, v);
	live(b, req, v);
	disk(b, req, v);
	checkpoint(b, req, v);
	replica(b, req, v);
	web_page_end(b, req);
	json_decref(v);
	return 0;
}
