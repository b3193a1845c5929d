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
#include "inspections.h"
#include "links.h"
#include "numbering_reason.h"
#include "registry.h"
#include "reply.h"
#include "reports.h"
#include "router.h"
#include "status.h"

/* Who may call a route (docs/api.md, "Who may do what"). */
enum role {
	/*
	 * Every peer, whatever the method: a wrong one gets a 405, never a
	 * 403, so that anyone can ask the status and learn how.
	 */
	ROLE_ANY,
	ROLE_READ,	/* every peer */
	ROLE_WRITE,	/* authorised peers: root, the daemon's user, the
			   [control] group */
};

/* A route runs its handler or, on the inspection {id} names, its step. */
struct route {
	int			 method;  /* enum http_method */
	const char		*pattern; /* literal, with one {parameter} */
	enum role		 role;
	route_fn		 handler;
	const struct chain_step	*step;
};

static const struct route routes[] = {
	{ HTTP_GET,  "/v1/status",		ROLE_ANY, status_get, NULL },
	{ HTTP_POST, "/v1/checkpoint",		ROLE_WRITE,
	    checkpoint_post, NULL },
	{ HTTP_POST, "/v1/calendar/reload",	ROLE_WRITE,
	    calendar_reload_post, NULL },

	{ HTTP_GET,  "/v1/officers",		ROLE_READ,
	    officers_list, NULL },
	{ HTTP_POST, "/v1/officers",		ROLE_WRITE, officer_add, NULL },
	{ HTTP_GET,  "/v1/officers/{id}",	ROLE_READ, officer_get, NULL },
	{ HTTP_GET,  "/v1/enterprises",		ROLE_READ,
	    enterprises_list, NULL },
	{ HTTP_POST, "/v1/enterprises",		ROLE_WRITE,
	    enterprise_add, NULL },
	{ HTTP_GET,  "/v1/enterprises/{uscc}",	ROLE_READ,
	    enterprise_get, NULL },
	{ HTTP_POST, "/v1/enterprises/{uscc}/risk", ROLE_WRITE,
	    enterprise_risk, NULL },
	{ HTTP_POST, "/v1/devices",		ROLE_WRITE, device_add, NULL },
	{ HTTP_POST, "/v1/cameras/{serial}/assign", ROLE_WRITE,
	    camera_assign, NULL },
	{ HTTP_POST, "/v1/cameras/{serial}/numbering-reason", ROLE_WRITE,
	    camera_numbering_reason, NULL },

	{ HTTP_GET,  "/v1/inspections",		ROLE_READ,
	    inspections_list, NULL },
	{ HTTP_POST, "/v1/inspections",		ROLE_WRITE,
	    inspection_register, NULL },
	{ HTTP_POST, "/v1/inspections/emergency", ROLE_WRITE,
	    inspection_emergency, NULL },
	{ HTTP_GET,  "/v1/inspections/{id}",	ROLE_READ,
	    inspection_get, NULL },
	{ HTTP_POST, "/v1/inspections/{id}/enter", ROLE_WRITE,
	    NULL, &inspection_enter },
	{ HTTP_POST, "/v1/inspections/{id}/leave", ROLE_WRITE,
	    NULL, &inspection_leave },
	{ HTTP_POST, "/v1/inspections/{id}/backfill", ROLE_WRITE,
	    NULL, &inspection_backfill },
	{ HTTP_POST, "/v1/inspections/{id}/link", ROLE_WRITE,
	    NULL, &inspection_link },
	{ HTTP_POST, "/v1/inspections/{id}/unlink", ROLE_WRITE,
	    NULL, &inspection_unlink },
	{ HTTP_POST, "/v1/inspections/{id}/document", ROLE_WRITE,
	    inspection_document, NULL },
	{ HTTP_POST, "/v1/inspections/{id}/gap", ROLE_WRITE,
	    NULL, &inspection_gap },
	{ HTTP_POST, "/v1/inspections/{id}/close", ROLE_WRITE,
	    NULL, &inspection_close },
	{ HTTP_POST, "/v1/inspections/{id}/review", ROLE_WRITE,
	    NULL, &inspection_review },
	{ HTTP_POST, "/v1/inspections/{id}/feedback", ROLE_WRITE,
	    NULL, &inspection_feedback },
	{ HTTP_POST, "/v1/inspections/{id}/decision", ROLE_WRITE,
	    NULL, &inspection_decision },
	{ HTTP_POST, "/v1/inspections/{id}/credit-repair/apply", ROLE_WRITE,
	    NULL, &inspection_credit_apply },
	{ HTTP_POST, "/v1/inspections/{id}/credit-repair/answer", ROLE_WRITE,
	    NULL, &inspection_credit_answer },
	{ HTTP_POST, "/v1/inspections/{id}/exported", ROLE_WRITE,
	    NULL, &inspection_exported },
	{ HTTP_POST, "/v1/inspections/{id}/viewed", ROLE_WRITE,
	    NULL, &inspection_viewed },
	{ HTTP_GET,  "/v1/ledger",		ROLE_READ, ledger_get, NULL },
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

/* The 403 of a peer that may not write. */
static int
forbidden(const struct api_request *req, json_t **body)
{
	return reply_error(body, 403, "uid %ld may not write: it must be "
	    "root, the daemon's user or in the [control] group",
	    (long)req->uid);
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
	/*
	 * A request other than a GET can only be a write: a peer that may
	 * not write is refused here, before the path is looked at, so no
	 * handler can forget the check.
	 */
	if (req->method != HTTP_GET && !req->authorised &&
	    (found == NULL || found->role != ROLE_ANY))
		return forbidden(req, body);
	if (found == NULL)
		return reply_error(body, 404, "no such resource");
	for (r = found; r < routes + NROUTES; r++) {
		if (strcmp(r->pattern, found->pattern) != 0)
			continue;
		last = r;
		if (r->method != req->method)
			continue;
		if (r->role == ROLE_WRITE && !req->authorised)
			return forbidden(req, body);
		if (r->step != NULL)
			return chain_action(((const struct route_env *)arg)->st,
			    req, param, r->step, body);
		return r->handler(arg, req, strchr(r->pattern, '{') != NULL ?
		    param : NULL, body);
	}
	return reply_error(body, 405, "use %s", http_method_str(last->method));
}
