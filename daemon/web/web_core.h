/*
 * web_core: the console's server, shared by its files (daemon/web only):
 * the listener (web.c), each connection (web_conn.c), who the peer is
 * (web_peer.c), the route table's checks (web_route.c), the control API
 * in the web user's name (web_api.c), the custos children (web_spawn.c).
 *
 * The calls go one way: web.c calls the others; a connection hands a
 * complete request to the route table only through w->serve and tells
 * the listener it is gone through w->idle, so no file calls back into
 * the one that called it (the pages call web_later() of web_conn.c).
 * Everything runs on the loop thread.
 */
#ifndef CUSTOSD_WEB_CORE_H
#define CUSTOSD_WEB_CORE_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>
#include <uv.h>

#include "web.h"
#include "web_http.h"
#include "web_int.h"

#define WEB_MAX_CONNS	64
#define WEB_IDLE_MS	60000		/* between requests, and while one
					   arrives */
#define WEB_READ_BUF	(64 * 1024)
#define WEB_MAX_CHILDREN 4		/* custos children at once */
#define WEB_CSRF_LEN	32		/* hex digits */

struct web_child;

/* Who the peer of a connection is. */
struct web_ident {
	int		 known;		/* user and uid are set */
	char		 user[WEB_USER_MAX];
	uid_t		 uid;
	char		 why[192];	/* !known: why not, for the 403 */
};

struct web {
	uv_loop_t	*loop;
	struct web_env	 env;		/* self and config_path: w's own
					   absolute copies */
	SSL_CTX		*ctx;		/* NULL: plain HTTP on loopback */
	uv_tcp_t	 listener;
	char		 listen[80];	/* the bound address */
	struct web_conn	*conns;
	unsigned	 nconns;
	struct web_child *children;	/* web_spawn.c's */
	unsigned	 nchildren;
	uint8_t		 secret[32];	/* of the CSRF tokens */
	uint64_t	 accepted;
	uint64_t	 requests;
	uint64_t	 refused_role;
	uint64_t	 refused_csrf;
	uint64_t	 refused_conns;	/* over WEB_MAX_CONNS */
	uint64_t	 codes[6];	/* answers by status class (1xx..5xx) */
	/* web_route_serve(): a complete request of c. */
	void		(*serve)(struct web_conn *c);
	/* A connection or child is gone: while stopping, w may be freed. */
	void		(*idle)(struct web *w);
	int		 stopping;
	int		 handles;	/* the listener */
};

enum web_conn_state {
	WC_HANDSHAKE = 0,
	WC_READ,		/* reading a request */
	WC_SERVE,		/* handed to the page; reading paused */
	WC_SEND,		/* the answer is going out */
	WC_LINGER,		/* answered with close: waiting for the end */
};

struct web_conn {
	uv_tcp_t	 tcp;
	uv_timer_t	 timer;
	uv_shutdown_t	 shut;
	struct web	*w;
	struct web_conn	*next;
	enum web_conn_state state;
	SSL		*ssl;		/* NULL: plain */
	BIO		*rbio, *wbio;
	struct sockaddr_storage local, peer;
	char		 peername[64];
	struct web_ident ident;
	struct web_http	 http;
	uint64_t	 t0;		/* uv_hrtime() of the complete request */
	/* The request's parts, valid until its answer (struct web_req). */
	char		 path[WEB_MAX_URL + 1];
	char		 query[WEB_MAX_URL + 1];
	char		 param[WEB_MAX_PARAM];
	char		 csrf[WEB_CSRF_LEN + 1];
	int		 keepalive;	/* after this answer */
	int		 later;		/* web_later() handed out */
	/* A file being sent. */
	int		 fd;
	uint64_t	 off, left;
	size_t		 queued;	/* bytes in uv_write not yet done */
	unsigned	 writes;
	int		 closing;
	int		 handles;
	int		 shut_sent;
	size_t		 plen, poff;	/* plaintext held, fed so far */
	char		 rbuf[WEB_READ_BUF];	/* TLS: ciphertext */
	char		 pbuf[WEB_READ_BUF];	/* plaintext */
};

/* web_conn.c */

/* The listener's connection callback (server->data is the struct web). */
void	 web_conn_accept(uv_stream_t *server, int status);

/* Closes c (once); freed when its handles are closed and no page holds
 * it (web_later()). */
void	 web_conn_close(struct web_conn *c);

/*
 * Sends rep as the answer to c's request (the security headers,
 * Cache-Control and Server-Timing added) and takes its body, headers
 * and fd; then reads the next request or closes.
 */
void	 web_conn_reply(struct web_conn *c, struct web_reply *rep);

/* web_peer.c */

/*
 * The uid owning the TCP socket at the other end of the loopback
 * connection local <- peer, asked from the kernel (NETLINK_SOCK_DIAG,
 * exact lookup of the 4-tuple).  Returns 0 and *uid, CUSTOS_ERR_NOTFOUND
 * (no such socket), or CUSTOS_ERR_SYSTEM with errno.
 */
int	 web_peer_uid(const struct sockaddr *local, const struct sockaddr *peer,
	    uid_t *uid);

/* Whether sa is a loopback address (127.0.0.0/8, ::1, v4-mapped). */
int	 web_peer_loopback(const struct sockaddr *sa);

/*
 * Fills id for the connection: the local user owning the peer socket
 * (plain), or the user the client certificate's subject CN names (ssl).
 * Never fails: an unknown peer gets id->known 0 and id->why.
 */
void	 web_peer_identify(struct web_ident *id, SSL *ssl,
	    const struct sockaddr *local, const struct sockaddr *peer);

/* The CSRF token of user (WEB_CSRF_LEN hex digits and a NUL). */
void	 web_peer_csrf(const uint8_t secret[32], const char *user,
	    char out[WEB_CSRF_LEN + 1]);

/* web_route.c: a complete request of c (w->serve). */
void	 web_route_serve(struct web_conn *c);

/* web_spawn.c: kills every child still running (web_stop()). */
void	 web_spawn_kill(struct web *w);

#endif
