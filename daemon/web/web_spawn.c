/*
 * web_spawn: the custos children a page runs (web_int.h): uv_spawn of
 * "custos -c CONFIG ARGS...", stdout and stderr collected through pipes,
 * and, for a child acting for the web user, the control socket told
 * (api_delegate()) that this pid speaks in that user's name.  The
 * delegation is set before the loop can serve the child's first request
 * (both run on the loop thread) and ended when the child has exited.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "custos/err.h"
#include "daemon/api/api.h"
#include "daemon/journal.h"
#include "web_core.h"

#ifndef CUSTOS_BINDIR
#define CUSTOS_BINDIR	"/usr/local/bin"
#endif

#define MAX_ARGS	32
#define ERR_MAX		(64 * 1024)

struct web_child {
	uv_process_t	 proc;
	uv_pipe_t	 out, err;
	struct web	*w;
	struct web_child *next;
	struct web_buf	 obuf, ebuf;
	size_t		 max;
	int		 delegated;
	int		 status;	/* exit status, or -1 */
	int		 exited;
	int		 open;		/* pipes not at their end */
	int		 handles;
	web_spawn_done	*done;
	void		*arg;
	char		 rbuf[16384];
};

/* The custos beside custosd, else the installed one. */
static void
custos_path(const struct web *w, char *buf, size_t size)
{
	const char *self = w->env.self, *slash;

	if (self != NULL && (slash = strrchr(self, '/')) != NULL) {
		snprintf(buf, size, "%.*s/custos", (int)(slash - self), self);
		if (access(buf, X_OK) == 0)
			return;
	}
	snprintf(buf, size, "%s/custos", CUSTOS_BINDIR);
}

static void
child_closed(uv_handle_t *h)
{
	struct web_child *ch = h->data;
	struct web *w = ch->w;
	struct web_child **pp;

	if (--ch->handles > 0)
		return;
	for (pp = &w->children; *pp != NULL && *pp != ch; pp = &(*pp)->next)
		;
	if (*pp != NULL)
		*pp = ch->next;
	w->nchildren--;
	web_buf_free(&ch->obuf);
	web_buf_free(&ch->ebuf);
	free(ch);
	w->idle(w);
}

/* Once the child has exited and both pipes ended: done, then close. */
static void
maybe_done(struct web_child *ch)
{
	if (!ch->exited || ch->open > 0)
		return;
	if (ch->delegated && !ch->w->stopping)
		api_delegate_end(ch->w->env.api, ch->proc.pid);
	ch->delegated = 0;
	ch->done(ch->arg, ch->status, &ch->obuf, &ch->ebuf);
	uv_close((uv_handle_t *)&ch->proc, child_closed);
	uv_close((uv_handle_t *)&ch->out, child_closed);
	uv_close((uv_handle_t *)&ch->err, child_closed);
}

static void
on_exit_cb(uv_process_t *p, int64_t status, int sig)
{
	struct web_child *ch = p->data;

	ch->exited = 1;
	ch->status = sig == 0 ? (int)status : -1;
	maybe_done(ch);
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct web_child *ch = h->data;

	(void)hint;
	*buf = uv_buf_init(ch->rbuf, sizeof(ch->rbuf));
}

static void
on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct web_child *ch = s->data;
	struct web_buf *b = s == (uv_stream_t *)&ch->out ? &ch->obuf :
	    &ch->ebuf;
	size_t max = b == &ch->obuf ? ch->max : ERR_MAX, room;

	if (n < 0) {
		uv_read_stop(s);
		ch->open--;
		maybe_done(ch);
		return;
	}
	room = b->len < max ? max - b->len : 0;
	if (n > 0 && room > 0)
		web_buf_put(b, buf->base, (size_t)n < room ? (size_t)n : room);
}

int
web_spawn_custos(const struct web_req *req, char *const args[],
    int as_user, size_t max, web_spawn_done *done, void *arg)
{
	struct web *w = req->web;
	struct web_child *ch;
	uv_process_options_t o;
	uv_stdio_container_t io[3];
	char path[PATH_MAX], *argv[MAX_ARGS + 4];
	size_t n = 0, i;
	int r;

	if (w->stopping)
		return CUSTOS_ERR_SYSTEM;
	custos_path(w, path, sizeof(path));
	/* Each replays the log or copies footage: a few at a time. */
	if (w->nchildren >= WEB_MAX_CHILDREN) {
		log_warnx("web: user=%s: custos %s refused: %u children "
		    "running", req->user, args[0] != NULL ? args[0] : "",
		    w->nchildren);
		return CUSTOS_ERR_BUSY;
	}
	argv[n++] = path;
	if (w->env.config_path != NULL) {
		argv[n++] = (char *)(uintptr_t)"-c";
		argv[n++] = (char *)(uintptr_t)w->env.config_path;
	}
	for (i = 0; args[i] != NULL; i++) {
		if (i == MAX_ARGS)
			return CUSTOS_ERR_INVALID;
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	if ((ch = calloc(1, sizeof(*ch))) == NULL)
		return CUSTOS_ERR_NOMEM;
	ch->w = w;
	ch->max = max;
	ch->done = done;
	ch->arg = arg;
	ch->proc.data = ch->out.data = ch->err.data = ch;
	uv_pipe_init(w->loop, &ch->out, 0);
	uv_pipe_init(w->loop, &ch->err, 0);
	memset(&o, 0, sizeof(o));
	io[0].flags = UV_IGNORE;
	io[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	io[1].data.stream = (uv_stream_t *)&ch->out;
	io[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	io[2].data.stream = (uv_stream_t *)&ch->err;
	o.file = path;
	o.args = argv;
	o.stdio = io;
	o.stdio_count = 3;
	o.exit_cb = on_exit_cb;
	if ((r = uv_spawn(w->loop, &ch->proc, &o)) != 0) {
		log_warnx("web: cannot run %s: %s", path, uv_strerror(r));
		ch->handles = 2;
		ch->next = w->children;
		w->children = ch;
		w->nchildren++;
		/* Not started: done is never called. */
		uv_close((uv_handle_t *)&ch->out, child_closed);
		uv_close((uv_handle_t *)&ch->err, child_closed);
		errno = -r;
		return CUSTOS_ERR_SYSTEM;
	}
	ch->handles = 3;
	ch->open = 2;
	ch->next = w->children;
	w->children = ch;
	w->nchildren++;
	if (as_user && api_delegate(w->env.api, ch->proc.pid, req->uid,
	    req->roles) != 0) {
		/* It must not act as the daemon: it dies, done reports it. */
		uv_process_kill(&ch->proc, SIGKILL);
	} else
		ch->delegated = as_user;
	(void)uv_read_start((uv_stream_t *)&ch->out, on_alloc, on_read);
	(void)uv_read_start((uv_stream_t *)&ch->err, on_alloc, on_read);
	log_info("web: user=%s runs custos %s (pid %d)", req->user,
	    args[0] != NULL ? args[0] : "", ch->proc.pid);
	return 0;
}

void
web_spawn_kill(struct web *w)
{
	struct web_child *ch;

	for (ch = w->children; ch != NULL; ch = ch->next) {
		if (ch->exited)
			continue;
		if (ch->delegated)
			api_delegate_end(w->env.api, ch->proc.pid);
		ch->delegated = 0;
		(void)uv_process_kill(&ch->proc, SIGKILL);
	}
}
