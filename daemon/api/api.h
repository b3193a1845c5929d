/*
 * api: the control socket.  HTTP/1.1 over a unix socket (mode 0660),
 * parsed by libhttp-parser; one request per connection, JSON answers.
 * Every request goes to the handler set with api_set_handler() (the
 * daemon's is router_handle(), router.h, which holds the route table).
 *
 * Each connection's peer is identified with SO_PEERCRED and given its
 * roles (api_set_roles()): root and the daemon's own user hold every
 * role; with [roles], a user holds each role one of its groups (primary
 * or supplementary) is listed for; without, members of the group set
 * with api_set_group() hold every role and anyone else is auditor.  A
 * request is "authorised" when the peer holds a role besides auditor.
 * docs/api.md describes the protocol.
 */
#ifndef CUSTOSD_API_H
#define CUSTOSD_API_H

#include <sys/types.h>

#include <uv.h>

#include <jansson.h>

#include "custos/config.h"

struct api;

/* One parsed request, valid during the handler call only. */
struct api_request {
	int		 method;	/* enum http_method */
	const char	*path;		/* URL path, without the query */
	const char	*query;		/* after '?' (without '#...'), or "" */
	const char	*body;		/* NUL-terminated; NULL when empty */
	size_t		 bodylen;
	uid_t		 uid;		/* the peer's, from SO_PEERCRED */
	int		 authorised;	/* holds a role besides auditor */
	unsigned	 roles;		/* bit 1u << r of each role r
				   (enum config_role) it holds */
	const struct api *server;	/* the socket that took it */
};

/*
 * Answers req: returns the HTTP status and sets *body to a new reference
 * (the JSON answer; NULL makes a 500).  404 for a path it does not know.
 */
typedef int	 (*api_handler_fn)(void *arg, const struct api_request *req,
	    json_t **body);

/*
 * Binds path (replacing a stale socket file: the caller holds the state
 * lock) and starts accepting on loop.  Returns 0 and *out, or
 * CUSTOS_ERR_SYSTEM / CUSTOS_ERR_INVALID with errno set; on error nothing is
 * left listening.
 */
int	 api_start(uv_loop_t *loop, const char *path, struct api **out);

/*
 * Stops accepting, closes every connection and removes the socket file.
 * The api is freed once libuv has closed its handles.
 */
void	 api_stop(struct api *a);

/* Hands every request to fn(arg, ...); until then each gets a 404. */
void	 api_set_handler(struct api *a, api_handler_fn fn, void *arg);

/*
 * The socket's own state for the status document, a new reference or
 * NULL: {"connections": open now, this one included, "max_connections",
 * "max_per_peer", "refused": connections refused over a limit since the
 * start, "refused_role": requests refused for want of a role (403,
 * rule role_required) since the start}.
 */
json_t	*api_control_status(const struct api *a);

/*
 * Also authorises members of group (a group name; NULL: nobody more).
 * Returns 0 or CUSTOS_ERR_CONFIG if there is no such group.
 */
int	 api_set_group(struct api *a, const char *group);

/*
 * Maps roles from groups: roles[r] is the comma-separated group names of
 * role r (config.h), NULL for none; all NULL keeps the default (see
 * above).  Returns 0, or CUSTOS_ERR_CONFIG with "[roles] KEY: no such
 * group NAME" in err (len bytes), or CUSTOS_ERR_NOMEM.
 */
int	 api_set_roles(struct api *a, char *const roles[CONFIG_NROLES],
	    char *err, size_t len);

/* The name of role r, e.g. "operator". */
const char *api_role_name(enum config_role r);

/*
 * The roles (api_request's bits) the user named user would hold on
 * connecting (its primary group from the password database), mapped as
 * for a peer.  Returns 0 and *uid and *roles, or CUSTOS_ERR_NOTFOUND for
 * no such user.
 */
int	 api_user_roles(const struct api *a, const char *user, uid_t *uid,
	    unsigned *roles);

/*
 * Delegation, for the daemon's own children (the web console's custos
 * runs): a peer whose SO_PEERCRED uid is the daemon's own and whose pid
 * is pid is taken, from its next connection on, as uid holding roles
 * (api_request's bits) instead of the daemon, so what it logs names that
 * user.  Returns 0 or CUSTOS_ERR_NOMEM.  api_delegate_end() ends it (call
 * it when the child has exited, before its pid can be reused).
 */
int	 api_delegate(struct api *a, pid_t pid, uid_t uid, unsigned roles);
void	 api_delegate_end(struct api *a, pid_t pid);

#endif
