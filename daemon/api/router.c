/*
 * router: the control API's one route table.  A path names one resource:
 * the pattern of the first row it matches, so a literal row
 * ("/v1/inspections/emergency") listed before a parameter row
 * ("/v1/inspections/{id}") wins.  The rows of that pattern say which
 * methods it takes; another method gets a 405 naming the method of the
 * resource's last row.
 */
#include <stdio.h>
#include <string.h>

#include <http_parser.h>
#include <jansson.h>

#include "chain.h"
#include "decisions.h"
#include "dispose.h"
#include "holds.h"
#include "inspections.h"
#include "links.h"
#include "numbering_reason.h"
#include "registry.h"
#include "reply.h"
#include "reports.h"
#include "router.h"
#include "status.h"

/*
 * Who may call a route (docs/api.md, "Who may do what", whose table
 * tests/e2e/roles.sh holds to this one): the roles (api.h) any one of
 * which lets a peer in.  R_NONE: every peer, whatever the method: a
 * wrong one gets a 405, never a 403, so that anyone can ask the status
 * and learn how.
 */
enum {
	R_NONE = 0,
	R_OPERATOR = 1u << CONFIG_ROLE_OPERATOR,  /* dock, register, steps */
	R_REVIEWER = 1u << CONFIG_ROLE_REVIEWER,  /* export, view, review */
	R_AUDITOR = 1u << CONFIG_ROLE_AUDITOR,	  /* audit, ledger */
	R_ADMIN = 1u << CONFIG_ROLE_ADMIN,	  /* keys, holds, retention */
	R_READ = R_OPERATOR | R_REVIEWER | R_AUDITOR | R_ADMIN,
};

/* A route runs its handler or, on the inspection {id} names, its step. */
struct route {
	int			 method;  /* enum http_method */
	const char		*pattern; /* literal, with one {parameter} */
	unsigned		 roles;	  /* R_*: any one of them */
	route_fn		 handler;
	const struct chain_step	*step;
};

static const struct route routes[] = {
	{ HTTP_GET, "/v1/status", R_NONE, status_get, NULL },
	{ HTTP_POST, "/v1/checkpoint", R_OPERATOR | R_REVIEWER | R_ADMIN,
	    checkpoint_post, NULL },
	{ HTTP_POST, "/v1/calendar/reload", R_ADMIN,
	    calendar_reload_post, NULL },
	{ HTTP_GET, "/v1/officers", R_READ, officers_list, NULL },
	{ HTTP_POST, "/v1/officers", R_OPERATOR, officer_add, NULL },
	{ HTTP_GET, "/v1/officers/{id}", R_READ, officer_get, NULL },
	{ HTTP_GET, "/v1/enterprises", R_READ, enterprises_list, NULL },
	{ HTTP_POST, "/v1/enterprises", R_OPERATOR, enterprise_add, NULL },
	{ HTTP_GET, "/v1/enterprises/{uscc}", R_READ, enterprise_get, NULL },
	{ HTTP_POST, "/v1/enterprises/{uscc}/risk", R_OPERATOR,
	    enterprise_risk, NULL },
	{ HTTP_POST, "/v1/devices", R_OPERATOR, device_add, NULL },
	{ HTTP_POST, "/v1/cameras/{serial}/assign", R_OPERATOR,
	    camera_assign, NULL },
	{ HTTP_POST, "/v1/cameras/{serial}/numbering-reason", R_OPERATOR,
	    camera_numbering_reason, NULL },
	{ HTTP_GET, "/v1/inspections", R_READ, inspections_list, NULL },
	{ HTTP_POST, "/v1/inspections", R_OPERATOR, inspection_register, NULL },
	{ HTTP_POST, "/v1/inspections/emergency", R_OPERATOR,
	    inspection_emergency, NULL },
	{ HTTP_GET, "/v1/inspections/{id}", R_READ, inspection_get, NULL },
	{ HTTP_POST, "/v1/inspections/{id}/enter", R_OPERATOR,
	    NULL, &inspection_enter },
	{ HTTP_POST, "/v1/inspections/{id}/leave", R_OPERATOR,
	    NULL, &inspection_leave },
	{ HTTP_POST, "/v1/inspections/{id}/backfill", R_OPERATOR,
	    NULL, &inspection_backfill },
	{ HTTP_POST, "/v1/inspections/{id}/link", R_OPERATOR,
	    NULL, &inspection_link },
	{ HTTP_POST, "/v1/inspections/{id}/unlink", R_OPERATOR,
	    NULL, &inspection_unlink },
	{ HTTP_POST, "/v1/inspections/{id}/document", R_OPERATOR,
	    inspection_document, NULL },
	{ HTTP_POST, "/v1/inspections/{id}/gap", R_OPERATOR,
	    NULL, &inspection_gap },
	{ HTTP_POST, "/v1/inspections/{id}/close", R_OPERATOR,
	    NULL, &inspection_close },
	{ HTTP_POST, "/v1/inspections/{id}/review", R_REVIEWER,
	    NULL, &inspection_review },
	{ HTTP_POST, "/v1/inspections/{id}/feedback", R_OPERATOR,
	    NULL, &inspection_feedback },
	{ HTTP_POST, "/v1/inspections/{id}/decision", R_OPERATOR,
	    NULL, &inspection_decision },
	{ HTTP_POST, "/v1/inspections/{id}/credit-repair/apply", R_OPERATOR,
	    NULL, &inspection_credit_apply },
	{ HTTP_POST, "/v1/inspections/{id}/credit-repair/answer", R_OPERATOR,
	    NULL, &inspection_credit_answer },
	{ HTTP_POST, "/v1/inspections/{id}/exported", R_REVIEWER,
	    NULL, &inspection_exported },
	{ HTTP_POST, "/v1/inspections/{id}/clip-exported", R_REVIEWER,
	    NULL, &inspection_clip_exported },
	{ HTTP_POST, "/v1/inspections/{id}/viewed", R_REVIEWER | R_AUDITOR,
	    NULL, &inspection_viewed },
	{ HTTP_GET, "/v1/ledger", R_AUDITOR, ledger_get, NULL },
	{ HTTP_POST, "/v1/segments/{index}/accessed", R_REVIEWER | R_AUDITOR,
	    segment_accessed, NULL },
	{ HTTP_GET, "/v1/holds", R_READ, holds_list, NULL },
	{ HTTP_POST, "/v1/holds", R_ADMIN, hold_place, NULL },
	{ HTTP_POST, "/v1/holds/{id}/release", R_ADMIN, hold_release, NULL },
	{ HTTP_POST, "/v1/retention/dispose", R_ADMIN, retention_dispose,
	    NULL },
};

#define NROUTES		(sizeof(routes) / sizeof(routes[0]))

/*
 * The parameters a pattern may hold and the most bytes each may have: a
 * longer one names no resource (404).  A camera serial has up to 64
 * bytes (registry.c), so its limit lets the handler say why one is
 * invalid.
 */
static const struct {
	const char	*name;
	size_t		 max;
} params[] = {
	{ "{id}", 63 },
	{ "{uscc}", 63 },
	{ "{serial}", 79 },
	{ "{index}", 20 },	/* a log index: up to 20 digits */
};

#define PARAM_LEN	80	/* the largest max above and a NUL */

/* The most bytes the parameter at p (its "{name}") may have, 0 if none. */
static size_t
param_max(const char *p, size_t *namelen)
{
	size_t k;

	for (k = 0; k < sizeof(params) / sizeof(params[0]); k++) {
		*namelen = strlen(params[k].name);
		if (strncmp(p, params[k].name, *namelen) == 0)
			return params[k].max;
	}
	return 0;
}

/*
 * Whether path matches pattern: the same bytes, and for a {parameter} 1
 * to its max bytes other than '/', copied into param.
 */
static int
match(const char *pattern, const char *path, char *param)
{
	size_t max, namelen, n;

	param[0] = '\0';
	while (*pattern != '\0') {
		if (*pattern != '{') {
			if (*path++ != *pattern++)
				return 0;
			continue;
		}
		if ((max = param_max(pattern, &namelen)) == 0 ||
		    (n = strcspn(path, "/")) == 0 || n > max)
			return 0;
		memcpy(param, path, n);
		param[n] = '\0';
		pattern += namelen;
		path += n;
	}
	return *path == '\0';
}

/* The names of the roles in mask, "operator or admin", into buf. */
static const char *
role_names(unsigned mask, char *buf, size_t len)
{
	size_t n = 0;
	int r;

	buf[0] = '\0';
	for (r = 0; r < CONFIG_NROLES; r++)
		if (mask & (1u << r))
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
			    "%s%s", n > 0 ? " or " : "",
			    api_role_name((enum config_role)r));
	if (n == 0)
		snprintf(buf, len, "none");
	return buf;
}

/*
 * The 403 of a peer without any of r's roles (rule role_required, which
 * api.c counts): names the roles needed and those the peer holds.
 */
static int
forbidden(const struct api_request *req, const struct route *r,
    json_t **body)
{
	char need[64], held[64];

	return reply_refuse(body, 403, "role_required", "uid %ld may not %s: "
	    "%s %s needs the role %s; it holds %s", (long)req->uid,
	    req->method == HTTP_GET ?
	    "read" : "write", http_method_str(r->method), r->pattern,
	    role_names(r->roles, need, sizeof(need)),
	    role_names(req->roles, held, sizeof(held)));
}

int
router_handle(void *arg, const struct api_request *req, json_t **body)
{
	const struct route *r, *found = NULL, *last = NULL;
	char param[PARAM_LEN];
	size_t k;

	*body = NULL;
	for (k = 0; k < NROUTES && found == NULL; k++)
		if (match(routes[k].pattern, req->path, param))
			found = &routes[k];
	if (found == NULL)
		return reply_error(body, 404, "no such resource");
	for (r = found; r < routes + NROUTES; r++) {
		if (strcmp(r->pattern, found->pattern) != 0)
			continue;
		last = r;
		if (r->method != req->method)
			continue;
		/* Every route is checked here, so no handler can forget. */
		if (r->roles != R_NONE && (r->roles & req->roles) == 0)
			return forbidden(req, r, body);
		if (r->step != NULL)
			return chain_action(((const struct route_env *)arg)->st,
			    req, param, r->step, body);
		return r->handler(arg, req, strchr(r->pattern, '{') != NULL ?
		    param : NULL, body);
	}
	return reply_error(body, 405, "use %s", http_method_str(last->method));
}
