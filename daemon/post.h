/*
 * post: one HTTP POST by libcurl, for the daemon's clients of outside
 * services that answer a small body (daemon/tsa.c, daemon/witness.c).
 * Runs in a thread-pool thread; blocking.
 */
#ifndef CUSTOSD_POST_H
#define CUSTOSD_POST_H

#include <stdatomic.h>
#include <stddef.h>

#define POST_WHY_LEN	256

/*
 * The request (the caller fills the first part) and what came back.
 * headers is a NULL-terminated list of extra header lines, or NULL.
 * abort, when set by another thread, cuts the transfer short within
 * about a second.  The reply is kept up to max bytes and NUL-terminated
 * (reply is malloc()ed; the caller frees it).
 */
struct post {
	const char	*url;
	const char *const *headers;
	const void	*body;
	size_t		 len;
	size_t		 max;
	long		 timeout_s, connect_timeout_s;
	atomic_int	*abort;

	long		 code;		/* HTTP status, 0: no reply */
	char		*reply;
	size_t		 replylen;
	int		 toobig;	/* the reply passed max */
	char		 why[POST_WHY_LEN];	/* on failure */
};

/*
 * Sends p.  Returns 0 when a reply came (of any status: p->code), else
 * CUSTOS_ERR_TOOBIG (the reply passed max), CUSTOS_ERR_NOMEM or
 * CUSTOS_ERR_SYSTEM (no reply: p->why says why, as libcurl put it).
 */
int	 post_send(struct post *p);

#endif
