/*
 * web_int: what the files of the web console share (daemon/web only).
 * The listener and its connections (web.c) parse a request, find who
 * the peer is (web_peer.c) and hand it to the route table (web_route.c),
 * which checks the roles and the CSRF token and calls a page.  A page
 * fills a struct web_reply: HTML built in a struct web_buf with the
 * escaping writers of web_html.c, a file to send, or a later answer.
 * Pages read the station through the control API's route table
 * (web_api(): the same handlers, roles and refusals as the control
 * socket) or, for what the API has no route for, through the station's
 * modules directly.  Everything runs on the loop thread.
 */
#ifndef CUSTOSD_WEB_INT_H
#define CUSTOSD_WEB_INT_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <uv.h>

#include "web_strings.h"

struct web;
struct web_conn;
struct station;

/* A growable byte buffer; all writers keep it NUL-terminated. */
struct web_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 failed;	/* memory ran out: the reply becomes a 500 */
};

void	 web_buf_free(struct web_buf *b);
void	 web_buf_put(struct web_buf *b, const void *p, size_t n);
void	 web_buf_printf(struct web_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * HTML writers (web_html.c).  web_html() copies text escaped for element
 * content and attribute values (& < > " ' escaped; bytes that are not
 * UTF-8 replaced by U+FFFD), web_htmlf() formats, then escapes.
 */
void	 web_html(struct web_buf *b, const char *text);
void	 web_htmlf(struct web_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

enum web_lang {
	WEB_ZH = 0,	/* zh-CN, the default */
	WEB_EN,
	WEB_NLANGS
};

#define WEB_USER_MAX	64	/* bytes of a user name and its NUL */

/* One request, as the route table hands it to a page. */
struct web_req {
	int		 method;	/* enum http_method */
	const char	*path;		/* as sent, without the query */
	const char	*query;		/* after '?', or "" */
	const char	*param;		/* the route's {parameter}, or NULL */
	const char	*body;		/* a POST's form, or NULL */
	size_t		 bodylen;
	const char	*range;		/* the Range header, or NULL */
	enum web_lang	 lang;		/* ?lang=en, else zh-CN */
	const char	*user;		/* the user's name */
	uid_t		 uid;		/* its uid (the control API's peer) */
	unsigned	 roles;		/* 1u << enum config_role it holds */
	const char	*csrf;		/* this user's form token */
	struct web	*web;
	struct web_conn	*conn;		/* for web_later() */
};

/* How a page answers. */
struct web_reply {
	int		 status;	/* 200 unless set */
	const char	*type;		/* Content-Type; default
					   "text/html; charset=utf-8" */
	struct web_buf	 body;
	/*
	 * Extra header lines, each "Name: value\r\n" (Content-Range,
	 * Content-Disposition, Location, Accept-Ranges ...).
	 */
	struct web_buf	 headers;
	/*
	 * Instead of body: len bytes of the open file fd from off; the
	 * connection sends them in pieces and closes fd.  -1: body.
	 */
	int		 fd;
	uint64_t	 off;
	uint64_t	 len;
	int		 cacheable;	/* static asset: may be cached */
};

/* A page: fills rep and returns 0, or WEB_LATER (see web_later()). */
typedef int	 web_page(const struct web_req *req, struct web_reply *rep);
#define WEB_LATER	1

/*
 * For a page that answers later (a remux, an export): takes hold of the
 * request's connection and returns a handle for web_finish(), which
 * sends rep (then owned by the connection) and frees the handle.  A
 * connection closed meanwhile is kept until web_finish().  The page
 * returns WEB_LATER after calling it.
 */
struct web_later;
struct web_later *web_later(const struct web_req *req);
void	 web_finish(struct web_later *l, struct web_reply *rep);

/*
 * The control API's answer to method path (with query, may be "") in
 * the name of req's user (uid and roles): the same route table, roles
 * and refusals as on the control socket (daemon/api/router.c); body is
 * the JSON body of a POST or NULL.  Returns the HTTP status and *out (a
 * new reference, NULL only on a 500).
 */
int	 web_api(const struct web_req *req, int method, const char *path,
	    const char *query, const char *body, json_t **out);

/* The station (for what the control API has no route for). */
struct station *web_station(const struct web *w);
/* The daemon's loop (for a page's work in the thread pool) and its own
 * executable (the media child's). */
uv_loop_t *web_loop(const struct web *w);
const char *web_self(const struct web *w);
/* The status document (the control API's GET /v1/status answer). */
json_t	*web_status_doc(const struct web *w);

/*
 * The value of key in an application/x-www-form-urlencoded string (a
 * query or a POST body of len bytes), percent- and '+'-decoded into buf
 * of size bytes (refused when longer or not UTF-8 or holding a control
 * character).  Returns 1 found, 0 absent, -1 refused (web_http.c).
 */
int	 web_form_value(const char *form, size_t len, const char *key,
	    char *buf, size_t size);

/*
 * The page frame (web_html.c): web_page_begin() writes the doctype,
 * <html lang>, head (title, the user's CSRF token as <meta
 * name="csrf-token">, /static/console.css, /static/station.js and
 * /static/player.js deferred: each does nothing on a page without its
 * elements), the header with the station name, the navigation (the
 * pages req's roles may see, current one marked aria-current), the
 * language switch and the user with its roles, and opens <main> with
 * the page's one <h1> (title); web_page_end() closes it.  nav is the page's path ("/", "/inspections",
 * "/ledger", "/audit").
 */
void	 web_page_begin(struct web_buf *b, const struct web_req *req,
	    const char *nav, const char *title);
void	 web_page_end(struct web_buf *b, const struct web_req *req);

/*
 * A link to path (with its own query, may be "") that keeps req's
 * language: writes the escaped href value.
 */
void	 web_href(struct web_buf *b, const struct web_req *req,
	    const char *path, const char *query);

/* A hidden input with req's CSRF token, for every form. */
void	 web_csrf_input(struct web_buf *b, const struct web_req *req);

/*
 * An error page: status and one line (escaped), in the frame.  For the
 * control API's refusals, web_api_error() shows its "error" member.
 */
void	 web_error(const struct web_req *req, struct web_reply *rep,
	    int status, const char *line);
void	 web_api_error(const struct web_req *req, struct web_reply *rep,
	    int status, json_t *answer);

/*
 * The console's copies of evidence (web_cache.c): state_dir/NAME (a
 * directory of state_dir/console) made when missing, into buf (0, or -1
 * with errno), and a pruning of dir: files older than max_age seconds
 * go, then the oldest until the rest holds at most max_bytes (0: no
 * limit).  The kept copies: the remuxes of footage (STATION_REMUX_DIR,
 * daemon/station.h, whose disposal removes them too) and
 */
#define WEB_REMUX_AGE	(24 * 3600)
#define WEB_REMUX_BYTES	(4ULL << 30)
#define WEB_DOWNLOAD_DIR "console/downloads"	/* bundles and clips */
#define WEB_DOWNLOAD_AGE 3600
int	 web_cache_dir(const struct web *w, const char *name, char *buf,
	    size_t size);
void	 web_cache_prune(const char *dir, time_t max_age, uint64_t max_bytes);

/* The string id in req's language (web_strings.h). */
#define WEB_S(req, id)	web_str((req)->lang, (id))

/*
 * Runs "custos -c CONFIG ARGS..." (the custos beside custosd, else the
 * installed one) for a page: stdout is collected (at most max bytes),
 * stderr too (its last line explains a failure).  With as_user, the
 * child's requests on the control socket are made in req's user's name
 * (api_delegate(): the daemon knows its own child by pid), so the
 * entries it logs (bundle.exported ...) name that user.  done(arg, exit
 * status or -1, out, err) is called once on the loop thread; out and err
 * are freed after it returns.  Returns 0, CUSTOS_ERR_BUSY when the
 * console's children are at their limit (a 503), or an error when the
 * child cannot start (done is then never called).
 */
typedef void	 web_spawn_done(void *arg, int status, struct web_buf *out,
	    struct web_buf *err);
int	 web_spawn_custos(const struct web_req *req, char *const args[],
	    int as_user, size_t max, web_spawn_done *done, void *arg);

/*
 * The pages (each in its own file), for the route table.  Paths and
 * roles: docs/console.md and web_route.c.
 */
web_page	 web_station_page;	/* GET / */
web_page	 web_station_json;	/* GET /station.json */
web_page	 web_inspections_page;	/* GET /inspections */
web_page	 web_inspection_page;	/* GET /inspections/{id} */
web_page	 web_export_post;	/* POST /inspections/{id}/export */
web_page	 web_clip_post;		/* POST /inspections/{id}/clip */
web_page	 web_download;		/* GET /downloads/{name} */
web_page	 web_footage;		/* GET /footage/{index} */
web_page	 web_ledger_page;	/* GET /ledger */
web_page	 web_ledger_csv;	/* GET /ledger.csv */
web_page	 web_audit_page;	/* GET /audit */
web_page	 web_metrics_page;	/* GET /metrics */
web_page	 web_static;		/* GET /static/{name} */

#endif
