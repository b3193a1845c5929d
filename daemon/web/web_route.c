/*
 * web_route: a complete request through the route table (web_table.c):
 * who the user is and which roles it holds now, 404 and 405, 403 naming
 * the roles a page needs, the CSRF token of every POST (after the
 * roles), then the page.  The answer goes back to the connection, which
 * adds the headers every answer carries.
 */
#include <string.h>

#include <http_parser.h>
#include <openssl/crypto.h>

#include "custos/config.h"
#include "daemon/api/api.h"
#include "daemon/journal.h"
#include "web_core.h"
#include "web_table.h"

static web_page *const pages[WEB_NPAGES] = {
	[WEB_P_STATION] = web_station_page,
	[WEB_P_STATION_JSON] = web_station_json,
	[WEB_P_INSPECTIONS] = web_inspections_page,
	[WEB_P_INSPECTION] = web_inspection_page,
	[WEB_P_EXPORT] = web_export_post,
	[WEB_P_CLIP] = web_clip_post,
	[WEB_P_DOWNLOAD] = web_download,
	[WEB_P_FOOTAGE] = web_footage,
	[WEB_P_LEDGER] = web_ledger_page,
	[WEB_P_LEDGER_CSV] = web_ledger_csv,
	[WEB_P_AUDIT] = web_audit_page,
	[WEB_P_METRICS] = web_metrics_page,
	[WEB_P_STATIC] = web_static,
};

/* "reviewer or auditor", "operator、reviewer 或 auditor" ... */
static void
role_list(char *buf, size_t size, unsigned roles, enum web_lang lang,
    const char *none)
{
	size_t len = 0;
	int r, n = 0, total = 0, k;

	for (r = 0; r < CONFIG_NROLES; r++)
		total += (roles >> r) & 1;
	buf[0] = '\0';
	if (total == 0) {
		snprintf(buf, size, "%s", none);
		return;
	}
	for (r = 0; r < CONFIG_NROLES && len < size; r++) {
		if (!((roles >> r) & 1))
			continue;
		n++;
		k = snprintf(buf + len, size - len, "%s%s", n == 1 ? "" :
		    web_str(lang, n == total ? S_RT_OR : S_RT_LIST),
		    api_role_name((enum config_role)r));
		if (k < 0)
			break;
		len += (size_t)k;
	}
}

static void
refuse_role(const struct web_req *req, struct web_reply *rep,
    unsigned need)
{
	char line[512], needs[128], held[128];

	role_list(needs, sizeof(needs), need, req->lang, "");
	role_list(held, sizeof(held), req->roles, req->lang,
	    web_str(req->lang, S_RT_NONE));
	snprintf(line, sizeof(line), web_str(req->lang, S_RT_NEEDS), needs,
	    req->user, held);
	web_error(req, rep, 403, line);
}

/* Whether the POST's form carries the user's token. */
static int
csrf_ok(const struct web_req *req)
{
	char got[WEB_CSRF_LEN + 8];

	if (req->body == NULL || web_form_value(req->body, req->bodylen,
	    "csrf", got, sizeof(got)) != 1 || strlen(got) != WEB_CSRF_LEN)
		return 0;
	return CRYPTO_memcmp(got, req->csrf, WEB_CSRF_LEN) == 0;
}

static void
query_of(const char *url, char *buf, size_t size)
{
	const char *q = strchr(url, '?');

	snprintf(buf, size, "%.*s", q == NULL ? 0 : (int)strcspn(q + 1, "#"),
	    q == NULL ? "" : q + 1);
}

/* Serves req; returns WEB_LATER when the page answers later. */
static int
route(struct web_conn *c, struct web_req *req, struct web_reply *rep,
    char *param, size_t size)
{
	struct web *w = c->w;
	const struct web_route *rt;
	const char *allow;
	char line[WEB_MAX_URL + 256];
	int code;

	code = web_table_find(req->method, req->path, &rt, param, size,
	    &allow);
	if (code == 404) {
		snprintf(line, sizeof(line), web_str(req->lang, S_RT_NOPAGE),
		    req->path);
		web_error(req, rep, 404, line);
		return 0;
	}
	if (code == 405) {
		web_buf_printf(&rep->headers, "Allow: %s\r\n", allow);
		snprintf(line, sizeof(line), web_str(req->lang, S_RT_METHOD),
		    allow);
		web_error(req, rep, 405, line);
		return 0;
	}
	req->param = strchr(rt->pattern, '*') != NULL ? param : NULL;
	if (rt->roles != WEB_ANYONE) {
		if (!c->ident.known) {
			w->refused_role++;
			snprintf(line, sizeof(line),
			    web_str(req->lang, S_RT_UNKNOWN), c->ident.why);
			log_info("web: peer=%s refused %s: %s", c->peername,
			    req->path, c->ident.why);
			web_error(req, rep, 403, line);
			return 0;
		}
		if ((rt->roles & req->roles) == 0) {
			w->refused_role++;
			log_info("web: peer=%s user=%s refused %s: role "
			    "required", c->peername, req->user, req->path);
			refuse_role(req, rep, rt->roles);
			return 0;
		}
	}
	if (req->method == HTTP_POST && !csrf_ok(req)) {
		w->refused_csrf++;
		log_info("web: peer=%s user=%s refused POST %s: CSRF token",
		    c->peername, req->user, req->path);
		web_error(req, rep, 403, web_str(req->lang, S_RT_CSRF));
		return 0;
	}
	return pages[rt->page](req, rep);
}

void
web_route_serve(struct web_conn *c)
{
	struct web *w = c->w;
	struct web_reply rep;
	struct web_req req;
	char lang[8];
	uid_t uid;
	unsigned roles = 0;

	memset(&rep, 0, sizeof(rep));
	rep.fd = -1;
	memset(&req, 0, sizeof(req));
	req.method = c->http.method;
	req.web = w;
	req.conn = c;
	req.user = "";
	c->csrf[0] = '\0';
	req.csrf = c->csrf;
	if (web_http_path(c->http.url, c->path, sizeof(c->path)) != 0)
		snprintf(c->path, sizeof(c->path), "/");
	query_of(c->http.url, c->query, sizeof(c->query));
	req.path = c->path;
	req.query = c->query;
	if (web_form_value(c->query, strlen(c->query), "lang", lang,
	    sizeof(lang)) == 1 && strcmp(lang, "en") == 0)
		req.lang = WEB_EN;
	req.body = c->http.body;
	req.bodylen = c->http.bodylen;
	req.range = c->http.range[0] != '\0' ? c->http.range : NULL;
	if (c->ident.known) {
		req.user = c->ident.user;
		req.uid = c->ident.uid;
		if (api_user_roles(w->env.api, c->ident.user, &uid,
		    &roles) == 0)
			req.roles = roles;
		web_peer_csrf(w->secret, c->ident.user, c->csrf);
	}
	if (c->http.url[0] != '/') {
		web_error(&req, &rep, 400, web_str(req.lang, S_RT_URL));
		web_conn_reply(c, &rep);
		return;
	}
	/*
	 * The request's strings (in c) stay valid until the answer: the
	 * connection reads no more meanwhile.  req itself does not: a page
	 * that answers later copies the fields it keeps.
	 */
	if (route(c, &req, &rep, c->param, sizeof(c->param)) == WEB_LATER)
		return;
	web_conn_reply(c, &rep);
}
