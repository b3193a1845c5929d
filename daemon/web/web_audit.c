/*
 * web_audit: the audit report of the whole log (GET /audit): `custos
 * audit --json` run for the auditor (web_spawn_custos()), its verdict and
 * its parts drawn as a summary, the procedure findings, and who accessed
 * what (its "accesses": exports, clips, views, plays) as a table.  The
 * audit replays every entry, so the page answers later (web_later()).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/err.h"
#include "web_int.h"
#include "web_view.h"

/* The report of a log of millions of entries still fits. */
#define AUDIT_MAX	(256u << 20)

/* What the answer needs of the request once the page has returned. */
struct audit_job {
	struct web_later	*later;
	struct web_req		 req;
	char			*path;
	char			*query;
	char			*user;
	char			*csrf;
};

static const struct {
	const char		*name;
	enum web_str_id		 id;
} parts[] = {
	{ "log", S_PART_LOG }, { "timestamps", S_PART_TIMESTAMPS },
	{ "objects", S_PART_OBJECTS }, { "cameras", S_PART_CAMERAS },
	{ "inspections", S_PART_INSPECTIONS },
};

static void
job_free(struct audit_job *j)
{
	if (j == NULL)
		return;
	free(j->path);
	free(j->query);
	free(j->user);
	free(j->csrf);
	free(j);
}

static char *
dup_or_empty(const char *s)
{
	return strdup(s != NULL ? s : "");
}

/* A copy of req that outlives it (the strings it points to). */
static struct audit_job *
job_new(const struct web_req *req)
{
	struct audit_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->req = *req;
	j->path = dup_or_empty(req->path);
	j->query = dup_or_empty(req->query);
	j->user = dup_or_empty(req->user);
	j->csrf = dup_or_empty(req->csrf);
	if (j->path == NULL || j->query == NULL || j->user == NULL ||
	    j->csrf == NULL) {
		job_free(j);
		return NULL;
	}
	j->req.path = j->path;
	j->req.query = j->query;
	j->req.user = j->user;
	j->req.csrf = j->csrf;
	j->req.param = NULL;
	j->req.body = NULL;
	j->req.bodylen = 0;
	j->req.range = NULL;
	return j;
}

static long long
num(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* One part's failures as a list ("entry N: problem"). */
static void
failures(struct web_buf *b, const json_t *part)
{
	const json_t *f;
	size_t k;

	if (json_array_size(json_object_get(part, "failures")) == 0) {
		web_buf_printf(b, "—");
		return;
	}
	web_buf_printf(b, "<ul class=\"problems\">");
	json_array_foreach(json_object_get(part, "failures"), k, f) {
		web_buf_printf(b, "<li>");
		if (json_is_integer(json_object_get(f, "entry")))
			web_buf_printf(b, "%lld: ", num(f, "entry"));
		web_html(b, web_view_str(f, "problem") != NULL ?
		    web_view_str(f, "problem") : "?");
		web_buf_printf(b, "</li>");
	}
	web_buf_printf(b, "</ul>");
}

static void
summary(struct web_buf *b, const struct web_req *req, const json_t *a)
{
	int ok = json_is_true(json_object_get(a, "verified"));
	const json_t *p;
	size_t i;

	web_buf_printf(b, "<section id=\"audit-summary\" "
	    "aria-labelledby=\"h-summary\">\n<h2 id=\"h-summary\">");
	web_html(b, WEB_S(req, S_AUD_SUMMARY));
	web_buf_printf(b, "</h2>\n<p class=\"verdict %s\" id=\"verdict\" "
	    "data-verified=\"%s\">%s ", ok ? "ok" : "bad",
	    ok ? "true" : "false", ok ? "✔" : "✘");
	web_html(b, WEB_S(req, ok ? S_AUD_VERIFIED : S_AUD_NOT));
	web_buf_printf(b, "</p>\n<dl class=\"facts\">\n<dt>");
	web_html(b, WEB_S(req, S_CKPT_SIZE));
	web_buf_printf(b, "</dt><dd id=\"tree-size\">%lld</dd>\n<dt>",
	    num(a, "tree_size"));
	web_html(b, WEB_S(req, S_AUD_FAILURES));
	web_buf_printf(b, "</dt><dd id=\"failures\">%lld</dd>\n</dl>\n"
	    "<table id=\"parts\">\n<thead><tr>", num(a, "failures"));
	web_view_th(b, req, S_AUD_PART, NULL);
	web_view_th(b, req, S_AUD_RESULT, NULL);
	web_view_th(b, req, S_AUD_PROBLEMS, NULL);
	web_buf_printf(b, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if ((p = json_object_get(a, parts[i].name)) == NULL)
			continue;
		ok = json_is_true(json_object_get(p, "ok"));
		web_buf_printf(b, "<tr data-part=\"%s\"><th scope=\"row\">",
		    parts[i].name);
		web_html(b, WEB_S(req, parts[i].id));
		web_buf_printf(b, "</th><td class=\"%s\">%s ", ok ? "ok" :
		    "bad", ok ? "✔" : "✘");
		web_html(b, WEB_S(req, ok ? S_AUD_PASS : S_AUD_FAIL));
		web_buf_printf(b, "</td><td>");
		failures(b, p);
		web_buf_printf(b, "</td></tr>\n");
	}
	web_buf_printf(b, "</tbody>\n</table>\n</section>\n");
}

static void
findings(struct web_buf *b, const struct web_req *req, const json_t *a)
{
	const json_t *arr = json_object_get(json_object_get(a, "findings"),
	    "findings"), *f, *x;
	const char *detail;
	size_t k, i;

	web_buf_printf(b, "<section id=\"audit-findings\" "
	    "aria-labelledby=\"h-findings\">\n<h2 id=\"h-findings\">");
	web_html(b, WEB_S(req, S_PART_FINDINGS));
	web_buf_printf(b, " (%zu)</h2>\n", json_array_size(arr));
	if (json_array_size(arr) == 0) {
		web_buf_printf(b, "<p class=\"muted\">");
		web_html(b, WEB_S(req, S_NONE));
		web_buf_printf(b, "</p>\n</section>\n");
		return;
	}
	web_buf_printf(b, "<ul class=\"findings\">\n");
	json_array_foreach(arr, k, f) {
		detail = req->lang == WEB_ZH && web_view_str(f, "detail_zh") !=
		    NULL ? web_view_str(f, "detail_zh") :
		    web_view_str(f, "detail");
		web_buf_printf(b, "<li>");
		if (web_view_str(f, "inspection") != NULL) {
			web_buf_printf(b, "<a href=\"");
			web_view_inspection_href(b, req,
			    web_view_str(f, "inspection"));
			web_buf_printf(b, "\">");
			web_html(b, web_view_str(f, "inspection"));
			web_buf_printf(b, "</a>: ");
		}
		web_buf_printf(b, "<code class=\"rule\">");
		web_html(b, web_view_str(f, "rule") ? web_view_str(f, "rule") :
		    "?");
		web_buf_printf(b, "</code> ");
		web_html(b, detail != NULL ? detail : "");
		json_array_foreach(json_object_get(f, "entries"), i, x) {
			if (i == 0) {
				web_buf_printf(b, " (");
				web_html(b, WEB_S(req, S_ACC_ENTRY));
			}
			web_buf_printf(b, "%s%lld", i == 0 ? " " : ", ",
			    (long long)json_integer_value(x));
		}
		if (json_array_size(json_object_get(f, "entries")) > 0)
			web_buf_printf(b, ")");
		web_buf_printf(b, "</li>\n");
	}
	web_buf_printf(b, "</ul>\n</section>\n");
}

static void
accesses(struct web_buf *b, const struct web_req *req, const json_t *a)
{
	const json_t *arr = json_object_get(a, "accesses"), *x;
	size_t k;

	web_buf_printf(b, "<section id=\"audit-accesses\" "
	    "aria-labelledby=\"h-accesses\">\n<h2 id=\"h-accesses\">");
	web_html(b, WEB_S(req, S_AUD_ACCESSES));
	/* The section is the named region; its table scrolls by keyboard. */
	web_buf_printf(b, " (%zu)</h2>\n<div class=\"table-wrap\" "
	    "tabindex=\"0\"><table id=\"accesses\">\n<thead><tr>",
	    json_array_size(arr));
	web_view_th(b, req, S_ACC_ENTRY, NULL);
	web_view_th(b, req, S_ACC_TIME, NULL);
	web_view_th(b, req, S_ACC_USER, NULL);
	web_view_th(b, req, S_ACC_WHAT, NULL);
	web_view_th(b, req, S_ACC_OF, NULL);
	web_view_th(b, req, S_ACC_PURPOSE, NULL);
	web_buf_printf(b, "</tr></thead>\n<tbody>\n");
	json_array_foreach(arr, k, x) {
		web_buf_printf(b, "<tr id=\"entry-%lld\" data-entry=\"%lld\" "
		    "data-type=\"", num(x, "entry"), num(x, "entry"));
		web_html(b, web_view_str(x, "type") ? web_view_str(x, "type") :
		    "");
		web_buf_printf(b, "\"><td class=\"num\">%lld</td><td>",
		    num(x, "entry"));
		web_view_time(b, req, web_view_str(x, "time"));
		web_buf_printf(b, "</td><td class=\"user\">");
		web_html(b, web_view_str(x, "user") ? web_view_str(x, "user") :
		    "?");
		if (json_is_integer(json_object_get(x, "uid")))
			web_buf_printf(b, " <span class=\"muted\">(uid %lld)"
			    "</span>", num(x, "uid"));
		web_buf_printf(b, "</td><td class=\"what\">");
		web_html(b, web_view_str(x, "what") ? web_view_str(x, "what") :
		    "");
		web_buf_printf(b, "</td><td>");
		if (web_view_str(x, "inspection") != NULL)
			web_html(b, web_view_str(x, "inspection"));
		if (json_is_integer(json_object_get(x, "segment"))) {
			web_buf_printf(b, " ");
			web_html(b, WEB_S(req, S_SEGMENT));
			web_buf_printf(b, " %lld", num(x, "segment"));
		}
		web_buf_printf(b, "</td><td>");
		web_html(b, web_view_str(x, "purpose") ? web_view_str(x,
		    "purpose") : "");
		web_buf_printf(b, "</td></tr>\n");
	}
	web_buf_printf(b, "</tbody>\n</table></div>\n");
	if (json_array_size(arr) == 0) {
		web_buf_printf(b, "<p class=\"muted\">");
		web_html(b, WEB_S(req, S_ACC_NONE));
		web_buf_printf(b, "</p>\n");
	}
	web_buf_printf(b, "</section>\n");
}

/* The last non-empty line of err (the child's explanation), or "". */
static void
last_line(const struct web_buf *err, char *buf, size_t len)
{
	const char *s = err->p != NULL ? err->p : "", *e, *start;
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	e = s + n;
	for (start = e; start > s && start[-1] != '\n'; start--)
		;
	(void)snprintf(buf, len, "%.*s", (int)(e - start), start);
}

static void
audit_done(void *arg, int status, struct web_buf *out, struct web_buf *err)
{
	struct audit_job *j = arg;
	const struct web_req *req = &j->req;
	struct web_reply rep;
	char why[512], line[768];
	json_t *a = NULL;

	memset(&rep, 0, sizeof(rep));
	rep.fd = -1;
	rep.status = 200;
	if (out->p != NULL && !out->failed)
		a = json_loadb(out->p, out->len, 0, NULL);
	if (!json_is_object(a)) {
		last_line(err, why, sizeof(why));
		(void)snprintf(line, sizeof(line), "%s (custos audit: %s%s%d)",
		    WEB_S(req, S_AUD_CANNOT), why, why[0] != '\0' ?
		    "; exit status " : "exit status ", status);
		web_error(req, &rep, 500, line);
	} else {
		web_page_begin(&rep.body, req, "/audit",
		    WEB_S(req, S_NAV_AUDIT));
		summary(&rep.body, req, a);
		findings(&rep.body, req, a);
		accesses(&rep.body, req, a);
		web_page_end(&rep.body, req);
	}
	json_decref(a);
	if (j->later != NULL)
		web_finish(j->later, &rep);
	else {
		web_buf_free(&rep.body);
		web_buf_free(&rep.headers);
	}
	job_free(j);
}

int
web_audit_page(const struct web_req *req, struct web_reply *rep)
{
	static char *const args[] = { "audit", "--json", NULL };
	struct audit_job *j;
	int rc;

	if ((j = job_new(req)) == NULL) {
		web_error(req, rep, 500, custos_strerror(CUSTOS_ERR_NOMEM));
		return 0;
	}
	/*
	 * The child runs in the auditor's name: were it to ask the control
	 * socket anything, it would be with the auditor's roles.
	 */
	if ((rc = web_spawn_custos(req, args, 1, AUDIT_MAX, audit_done,
	    j)) != 0) {
		job_free(j);
		web_error(req, rep, rc == CUSTOS_ERR_BUSY ? 503 : 500,
		    WEB_S(req, S_AUD_CANNOT));
		return 0;
	}
	/* done runs on this loop thread, so never before this returns. */
	if ((j->later = web_later(req)) == NULL) {
		web_error(req, rep, 500, custos_strerror(CUSTOS_ERR_NOMEM));
		return 0;
	}
	return WEB_LATER;
}
