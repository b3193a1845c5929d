/*
 * web_inspection: GET /inspections/{id} (docs/console.md, "The player and
 * proofs").  The view is logged first (inspection.viewed, what=console,
 * through the control API: its refusal, or an unknown inspection, is the
 * answer).  Then the page: the chain from the API's answer, the time
 * axis and the playlist from the timeline (timeline.h) of the evidence
 * gathered from the station's log (the same one custos replay prints),
 * each segment's inclusion proof checked now against the latest signed
 * checkpoint (web_inspection_proof.c), the findings, and for reviewers
 * the export and clip forms.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <http_parser.h>
#include <jansson.h>

#include "custos/config.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/rfc3339.h"
#include "custos/timeline.h"
#include "daemon/station.h"
#include "web_inspection.h"
#include "web_int.h"
#include "web_view.h"

#define AXIS_W		1000
#define AXIS_H		40

static const char *
jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Appends inspection.viewed; 0, or the refusal is the answer. */
static int
log_view(const struct web_req *req, struct web_reply *rep, const char *id)
{
	char path[256];
	json_t *out = NULL;
	int status;

	snprintf(path, sizeof(path), "/v1/inspections/%s/viewed", id);
	status = web_api(req, HTTP_POST, path, "", "{\"what\":\"console\"}",
	    &out);
	if (status / 100 != 2) {
		web_api_error(req, rep, status, out);
		json_decref(out);
		return -1;
	}
	json_decref(out);
	return 0;
}

/* Who took a step: the entry's "by", its officer, else the station. */
static const char *
who(const json_t *e)
{
	const char *s;

	if ((s = jstr(e, "by")) != NULL || (s = jstr(e, "officer")) != NULL ||
	    (s = jstr(e, "reviewer")) != NULL)
		return s;
	return jstr(e, "station");
}

static void
chain(struct web_buf *b, const struct web_req *req, const json_t *info,
    const struct evidence *ev)
{
	const struct evidence_entry *ee;
	const json_t *c;
	const char *s;
	size_t i;
	json_int_t n;

	web_buf_printf(b, "<section id=\"chain-section\"><h2>%s</h2>\n"
	    "<ol id=\"chain\">\n", WEB_S(req, S_PL_CHAIN));
	json_array_foreach(json_object_get(info, "chain"), i, c) {
		n = json_integer_value(json_object_get(c, "index"));
		ee = evidence_find(ev, (uint64_t)n);
		web_buf_printf(b, "<li class=\"entry\" id=\"entry-%lld\" "
		    "data-index=\"%lld\"><span class=\"num\">%lld</span> "
		    "<span class=\"when\" title=\"%s\">", (long long)n,
		    (long long)n, (long long)n, WEB_S(req, S_PL_WHEN));
		web_view_time(b, req, ee != NULL ? jstr(ee->json, "time") :
		    NULL);
		web_buf_printf(b, "</span> <span class=\"who\" title=\"%s\">",
		    WEB_S(req, S_PL_WHO));
		web_html(b, ee != NULL && (s = who(ee->json)) != NULL ? s : "");
		web_buf_printf(b, "</span> <span class=\"what\" title=\"%s\">",
		    WEB_S(req, S_PL_WHAT));
		web_html(b, (s = jstr(c, "type")) != NULL ? s : "");
		web_buf_printf(b, "</span></li>\n");
	}
	web_buf_printf(b, "</ol></section>\n");
}

/* The time of the first event of kind, or -1. */
static int64_t
event_time(const json_t *tl, const char *kind)
{
	const json_t *e;
	const char *k, *t;
	int64_t ms;
	size_t i;

	json_array_foreach(json_object_get(tl, "events"), i, e) {
		k = jstr(e, "kind");
		t = jstr(e, "time");
		if (k != NULL && t != NULL && strcmp(k, kind) == 0 &&
		    rfc3339_parse(t, &ms) == 0)
			return ms;
	}
	return -1;
}

/* x of ms on the axis [from, to], clamped. */
static double
axis_x(int64_t ms, int64_t from, int64_t to)
{
	if (ms <= from)
		return 0;
	if (ms >= to)
		return AXIS_W;
	return (double)(ms - from) * AXIS_W / (double)(to - from);
}

static void
axis_rect(struct web_buf *b, const json_t *item, int64_t from, int64_t to,
    const char *cls, const char *title, long long index)
{
	int64_t a, z;
	double x0, x1;

	if (rfc3339_parse(jstr(item, "from") != NULL ? jstr(item, "from") : "",
	    &a) != 0 || rfc3339_parse(jstr(item, "to") != NULL ?
	    jstr(item, "to") : "", &z) != 0 || z <= from || a >= to)
		return;
	x0 = axis_x(a, from, to);
	x1 = axis_x(z, from, to);
	if (x1 - x0 < 1)
		x1 = x0 + 1;
	/* Presentation attributes, not style: the CSP allows them, and the
	 * stylesheet may override them. */
	web_buf_printf(b, "<rect class=\"%s\" fill=\"%s\"", cls,
	    strncmp(cls, "gap", 3) == 0 ? "#c62828" : "#2e7d32");
	if (index >= 0)
		web_buf_printf(b, " data-index=\"%lld\"", index);
	web_buf_printf(b, " x=\"%.2f\" y=\"8\" width=\"%.2f\" height=\"24\">"
	    "<title>", x0, x1 - x0);
	web_html(b, title);
	web_buf_printf(b, "</title></rect>\n");
}

static void
axis(struct web_buf *b, const struct web_req *req, const json_t *tl)
{
	int64_t from = event_time(tl, "entered"), to = event_time(tl, "left");
	const json_t *c;
	char title[512], t0[64], t1[64], f0[64], f1[64];
	const char *reason;
	size_t i;

	/* An emergency inspection's first entry is its entering. */
	if (from < 0)
		from = event_time(tl, "emergency");
	web_buf_printf(b, "<section id=\"axis-section\"><h2>%s</h2>\n",
	    WEB_S(req, S_PL_AXIS));
	if (from < 0 || to <= from) {
		web_buf_printf(b, "<p class=\"muted\">%s</p></section>\n",
		    WEB_S(req, S_AXIS_NONE));
		return;
	}
	rfc3339_format(from, t0, sizeof(t0));
	rfc3339_format(to, t1, sizeof(t1));

	web_buf_printf(b, "<svg id=\"axis\" role=\"img\" viewBox=\"0 0 %d %d\""
	    " preserveAspectRatio=\"none\"><title>", AXIS_W, AXIS_H);
	web_htmlf(b, "%s — %s", web_view_time_text(req, t0, f0, sizeof(f0)),
	    web_view_time_text(req, t1, f1, sizeof(f1)));
	web_buf_printf(b, "</title>\n<rect class=\"visit\" fill=\"#e0e0e0\" x=\"0\" "
	    "y=\"8\" width=\"%d\" height=\"24\"/>\n", AXIS_W);
	json_array_foreach(json_object_get(tl, "coverage"), i, c) {
		if (!json_is_true(json_object_get(c, "linked")))
			continue;
		snprintf(title, sizeof(title), "%s %lld: %s — %s",
		    WEB_S(req, S_LOG_INDEX), (long long)json_integer_value(
		    json_object_get(c, "segment")), web_view_time_text(req,
		    jstr(c, "from"), f0, sizeof(f0)), web_view_time_text(req,
		    jstr(c, "to"), f1, sizeof(f1)));
		axis_rect(b, c, from, to, "segment", title,
		    (long long)json_integer_value(json_object_get(c,
		    "segment")));
	}
	json_array_foreach(json_object_get(tl, "gaps"), i, c) {
		reason = jstr(c, "reason");
		snprintf(title, sizeof(title), "%s %s — %s: %s",
		    WEB_S(req, S_PL_GAP), web_view_time_text(req,
		    jstr(c, "from"), f0, sizeof(f0)), web_view_time_text(req,
		    jstr(c, "to"), f1, sizeof(f1)), reason != NULL ?
		    reason : WEB_S(req, S_GAP_UNEXPLAINED));
		axis_rect(b, c, from, to, json_is_true(json_object_get(c,
		    "explained")) ? "gap explained" : "gap", title, -1);
	}
	web_buf_printf(b, "</svg>\n<ul class=\"gaps\">\n");
	json_array_foreach(json_object_get(tl, "gaps"), i, c) {
		reason = jstr(c, "reason");
		web_buf_printf(b, "<li class=\"gap\">");
		web_htmlf(b, "%s ", WEB_S(req, S_PL_GAP));
		web_view_time(b, req, jstr(c, "from"));
		web_buf_printf(b, " — ");
		web_view_time(b, req, jstr(c, "to"));
		web_htmlf(b, ": %s", reason != NULL ? reason :
		    WEB_S(req, S_GAP_UNEXPLAINED));
		web_buf_printf(b, "</li>\n");
	}
	web_buf_printf(b, "</ul></section>\n");
}

/* One playlist item: the footage event e of the timeline. */
static void
segment(struct web_buf *b, const struct web_req *req, const json_t *e,
    const struct evidence *ev, struct web_proofs *p)
{
	const struct evidence_entry *ee;
	const json_t *probe;
	const char *cont = NULL, *status = "ok", *obj;
	json_int_t n = json_integer_value(json_object_get(e, "index"));
	int ok;

	if ((ee = evidence_find(ev, (uint64_t)n)) != NULL) {
		cont = jstr(json_object_get(ee->json, "media"), "container");
		probe = json_object_get(ee->json, "probe");
		if (jstr(probe, "status") != NULL)
			status = jstr(probe, "status");
	}
	ok = web_proof_check(p, (uint64_t)n);
	web_buf_printf(b, "<li class=\"segment\" data-index=\"%lld\" "
	    "data-src=\"/footage/%lld%s\"><button type=\"button\" "
	    "class=\"play\">%s</button> <span class=\"index\">%s "
	    "<span class=\"num\">%lld</span></span> <code class=\"hash\" "
	    "title=\"%s\">", (long long)n, (long long)n, cont != NULL &&
	    strncmp(cont, "mov,mp4", 7) == 0 ? "" : ".mp4",
	    WEB_S(req, S_PLAY), WEB_S(req, S_LOG_INDEX), (long long)n,
	    WEB_S(req, S_PL_OBJECT));
	obj = jstr(e, "object");
	web_html(b, obj != NULL ? obj : "");
	web_buf_printf(b, "</code> <span class=\"proof %s\" title=\"%s\">%s"
	    "</span> <span class=\"probe\">%s: ", ok == 1 ? "ok" : "bad",
	    WEB_S(req, ok == 1 ? S_PROOF_OK : ok == 0 ? S_PROOF_BAD :
	    S_PROOF_PENDING), ok == 1 ? "✔" : "✘", WEB_S(req, S_PL_PROBE));
	web_html(b, status);
	web_buf_printf(b, "</span> <span class=\"drift\">%s: ",
	    WEB_S(req, S_PL_DRIFT));
	if (json_is_integer(json_object_get(e, "drift_ms")))
		web_buf_printf(b, "%+lld ms", (long long)json_integer_value(
		    json_object_get(e, "drift_ms")));
	else
		web_html(b, WEB_S(req, S_PL_UNKNOWN));
	web_buf_printf(b, "</span> ");
	web_view_time(b, req, jstr(e, "time"));
	web_buf_printf(b, "</li>\n");
}

static void
playlist(struct web_buf *b, const struct web_req *req, const json_t *tl,
    const struct evidence *ev, struct web_proofs *p)
{
	const json_t *e;
	const char *k;
	size_t i, n = 0;

	web_buf_printf(b, "<section id=\"player-section\"><h2>%s</h2>\n"
	    "<video id=\"player\" controls preload=\"metadata\"></video>\n"
	    "<p class=\"muted\">", WEB_S(req, S_PLAYER));
	web_proof_caption(b, req, p);
	web_buf_printf(b, "</p>\n<h3>%s</h3>\n<ol id=\"playlist\">\n",
	    WEB_S(req, S_PLAYLIST));
	/* The timeline's events are in time order: recorded order. */
	json_array_foreach(json_object_get(tl, "events"), i, e) {
		k = jstr(e, "kind");
		if (k == NULL || strcmp(k, "footage") != 0 ||
		    !json_is_true(json_object_get(e, "linked")))
			continue;
		segment(b, req, e, ev, p);
		n++;
	}
	web_buf_printf(b, "</ol>\n");
	if (n == 0)
		web_buf_printf(b, "<p class=\"muted\">%s</p>\n",
		    WEB_S(req, S_NO_SEGMENTS));
	web_buf_printf(b, "</section>\n");
}

static void
findings(struct web_buf *b, const struct web_req *req, const json_t *info)
{
	const json_t *f, *x;
	const char *d;
	size_t i, k;

	web_buf_printf(b, "<section id=\"findings\"><h2>%s</h2>\n<ul>\n",
	    WEB_S(req, S_PL_FINDINGS));
	json_array_foreach(json_object_get(info, "findings"), i, f) {
		d = req->lang == WEB_ZH && jstr(f, "detail_zh") != NULL ?
		    jstr(f, "detail_zh") : jstr(f, "detail");
		web_buf_printf(b, "<li class=\"finding\" data-rule=\"");
		web_html(b, jstr(f, "rule") != NULL ? jstr(f, "rule") : "");
		web_buf_printf(b, "\"><code>");
		web_html(b, jstr(f, "rule") != NULL ? jstr(f, "rule") : "");
		web_buf_printf(b, "</code> ");
		web_html(b, d != NULL ? d : "");
		json_array_foreach(json_object_get(f, "entries"), k, x)
			web_buf_printf(b, " <a href=\"#entry-%lld\">#%lld</a>",
			    (long long)json_integer_value(x),
			    (long long)json_integer_value(x));
		web_buf_printf(b, "</li>\n");
	}
	if (json_array_size(json_object_get(info, "findings")) == 0)
		web_buf_printf(b, "<li class=\"muted\">%s</li>\n",
		    WEB_S(req, S_NO_FINDINGS));
	web_buf_printf(b, "</ul></section>\n");
}

/* The API's answer and the timeline; 0, or an error page. */
static int
gather(const struct web_req *req, struct web_reply *rep, const char *id,
    json_t **info, json_t **tl, struct evidence *ev)
{
	struct station *st = web_station(req->web);
	char path[256];
	int status, rc;

	snprintf(path, sizeof(path), "/v1/inspections/%s", id);
	status = web_api(req, HTTP_GET, path, "", NULL, info);
	if (status != 200) {
		web_api_error(req, rep, status, *info);
		return -1;
	}
	if ((rc = evidence_gather(st->log, st->registry, st->catalog, id,
	    ev)) != 0 || (rc = timeline_build(ev, json_object_get(*info,
	    "findings"), tl)) != 0) {
		web_error(req, rep, rc == CUSTOS_ERR_NOTFOUND ? 404 : 500,
		    custos_strerror(rc));
		return -1;
	}
	return 0;
}

int
web_inspection_page(const struct web_req *req, struct web_reply *rep)
{
	struct station *st = web_station(req->web);
	struct web_buf *b = &rep->body;
	struct web_proofs *p = NULL;
	struct evidence ev;
	json_t *info = NULL, *tl = NULL;
	char title[128];
	const char *id = req->param;

	memset(&ev, 0, sizeof(ev));
	if (id == NULL || log_view(req, rep, id) != 0 ||
	    gather(req, rep, id, &info, &tl, &ev) != 0)
		goto out;
	if (web_proofs_new(st, &p) != 0) {
		web_error(req, rep, 500, custos_strerror(CUSTOS_ERR_NOMEM));
		goto out;
	}
	snprintf(title, sizeof(title), "%s %s", WEB_S(req, S_PL_INSPECTION),
	    id);
	web_page_begin(b, req, "/inspections", title);
	web_inspection_facts(b, req, info);
	chain(b, req, info, &ev);
	axis(b, req, tl);
	playlist(b, req, tl, &ev, p);
	findings(b, req, info);
	web_inspection_forms(b, req, id);
	web_page_end(b, req);
out:
	web_proofs_free(p);
	json_decref(info);
	json_decref(tl);
	evidence_free(&ev);
	return 0;
}
