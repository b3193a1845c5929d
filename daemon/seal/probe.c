/*
 * probe: the daemon's side of the media child (probe.h): starts it on the
 * libuv loop and turns its answer, or its silence, into one callback.
 * The child is the clip leaves child (clip.h, lib/media/clip.c: the
 * probe's demux core in the probe's sandbox), so the answer is every
 * packet's leaf and then the probe's result; the root is the same by
 * construction.
 *
 * The parent never looks at media; it checks the framing of the records
 * as they come (clip_stream_feed()), copies the stream as it is into the
 * object's leaves side file (store_leaves_new(), the station's cache for
 * clips), and turns everything else (a signal, an exit status, silence,
 * garbage) into CRASHED, TIMEOUT or FAILED.  The side file is kept only
 * when the answer is whole and PROBE_OK or PROBE_DAMAGED; failing to keep
 * it is a warning, never a failed seal.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custos/clip.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "custos/store.h"
#include "daemon/journal.h"
#include "child.h"
#include "probe.h"

#define PROBE_CHUNK	65536

/*
 * The parent.
 */

struct probe {
	uv_process_t	 proc;
	uv_pipe_t	 pipe;
	uv_timer_t	 timer;
	probe_cb	 cb;
	void		*arg;
	unsigned	 timeout_ms;
	int		 open_handles;
	int		 exited;	/* exit_cb ran */
	int		 eof;		/* the pipe is done (EOF, error, or
					   we stopped reading) */
	int		 pipe_closed;
	int		 done;		/* cb called */
	int		 timed_out;
	int		 malformed;	/* the stream failed its framing */
	int		 read_err;
	int64_t		 exit_status;
	int		 term_signal;
	size_t		 got;		/* bytes of the answer so far */
	struct clip_stream cs;
	struct store_writer *side;	/* the leaves side file, or NULL */
	uint8_t		 object[DIGEST_LEN];
	unsigned char	 in[PROBE_CHUNK];
	struct probe_result res;
};

/* Frees p and a side file it still holds. */
static void
probe_free(struct probe *p)
{
	store_writer_abort(p->side);
	free(p);
}

static void
handle_closed(uv_handle_t *h)
{
	struct probe *p = h->data;

	if (--p->open_handles == 0)
		probe_free(p);
}

static void
close_pipe(struct probe *p)
{
	if (p->pipe_closed)
		return;
	p->pipe_closed = 1;
	uv_read_stop((uv_stream_t *)&p->pipe);
	uv_close((uv_handle_t *)&p->pipe, handle_closed);
}

/* Keeps the side file of a whole answer, or drops it. */
static void
keep_leaves(struct probe *p, const struct probe_result *r)
{
	struct store_writer *w = p->side;
	int rc;

	p->side = NULL;
	if (w == NULL)
		return;
	if (r->status != PROBE_OK && r->status != PROBE_DAMAGED) {
		store_writer_abort(w);
		return;
	}
	if ((rc = store_leaves_put(w, p->object)) != 0)
		log_warnx_r(rc, "seal: cannot keep the packet leaves of a "
		    "sealed object; clips of it will demux the original");
}

/* Decides once the child has exited and its pipe is done. */
static void
finish(struct probe *p)
{
	struct probe_result *r = &p->res;
	const char *sigtext;

	if (p->done || !p->exited || !p->eof)
		return;
	p->done = 1;
	uv_timer_stop(&p->timer);
	if (p->timed_out)
		probe_result_fail(r, PROBE_TIMEOUT, "no answer within %u ms; "
		    "killed", p->timeout_ms);
	else if (p->malformed)
		probe_result_fail(r, PROBE_FAILED, "malformed answer: a bad "
		    "record within %zu bytes, after %llu packets", p->got,
		    (unsigned long long)p->cs.n);
	else if (p->read_err)
		probe_result_fail(r, PROBE_FAILED, "reading the answer: %s",
		    uv_strerror(p->read_err));
	else if (p->term_signal != 0) {
		sigtext = strsignal(p->term_signal);
		probe_result_fail(r, PROBE_CRASHED, "killed by signal %d (%s)",
		    p->term_signal, sigtext ? sigtext : "?");
	} else if (p->exit_status != 0)
		probe_result_fail(r, PROBE_CRASHED, "exited with status %lld",
		    (long long)p->exit_status);
	else if (clip_stream_end(&p->cs, r) != 0)
		probe_result_fail(r, PROBE_FAILED, "malformed answer: %zu "
		    "bytes, no whole result", p->got);
	keep_leaves(p, r);
	p->cb(p->arg, r);
	close_pipe(p);
	uv_close((uv_handle_t *)&p->timer, handle_closed);
	uv_close((uv_handle_t *)&p->proc, handle_closed);
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct probe *p = h->data;

	(void)hint;
	*buf = uv_buf_init((char *)p->in, (unsigned)sizeof(p->in));
}

static void
on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct probe *p = s->data;

	int rc;

	if (n > 0 && !p->eof) {
		p->got += (size_t)n;
		if (clip_stream_feed(&p->cs, buf->base, (size_t)n) != 0) {
			/* Garbage or too many packets: stop it. */
			p->malformed = 1;
			p->eof = 1;
			uv_process_kill(&p->proc, SIGKILL);
		} else if (p->side != NULL &&
		    (rc = store_writer_write(p->side, buf->base, (size_t)n)) !=
		    0) {
			log_warnx_r(rc, "seal: cannot write the packet leaves "
			    "of a sealed object; clips of it will demux the "
			    "original");
			store_writer_abort(p->side);
			p->side = NULL;
		}
	} else if (n == UV_EOF)
		p->eof = 1;
	else if (n < 0) {
		p->read_err = (int)n;
		p->eof = 1;
	}
	if (p->eof) {
		close_pipe(p);
		finish(p);
	}
}

static void
on_exit_cb(uv_process_t *proc, int64_t status, int sig)
{
	struct probe *p = proc->data;

	p->exited = 1;
	p->exit_status = status;
	p->term_signal = sig;
	finish(p);
}

static void
on_timeout(uv_timer_t *t)
{
	struct probe *p = t->data;

	p->timed_out = 1;
	/* The child may be gone already while something it started holds
	 * the pipe; either way we stop waiting for the pipe. */
	(void)uv_process_kill(&p->proc, SIGKILL);
	p->eof = 1;
	close_pipe(p);
	finish(p);
}

int
probe_start(uv_loop_t *loop, const char *self, int fd, enum digest_alg alg,
    unsigned timeout_ms, struct store *store,
    const uint8_t object[DIGEST_LEN], probe_cb cb, void *arg)
{
	struct child_stdio io;
	struct probe *p;
	char *argv[5];
	int r, rc, saved;

	if (timeout_ms == 0 || fd < 0 || cb == NULL || self == NULL)
		return CUSTOS_ERR_INVALID;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return CUSTOS_ERR_NOMEM;
	p->cb = cb;
	p->arg = arg;
	p->timeout_ms = timeout_ms;
	clip_stream_init(&p->cs, CLIP_MAX_LEAVES, NULL, NULL);
	if (store != NULL && object != NULL) {
		memcpy(p->object, object, DIGEST_LEN);
		if ((rc = store_leaves_new(store, &p->side)) != 0) {
			log_warnx_r(rc, "seal: cannot start the packet leaves "
			    "of a sealed object");
			p->side = NULL;
		}
	}
	p->proc.data = p->pipe.data = p->timer.data = p;
	if ((r = uv_pipe_init(loop, &p->pipe, 0)) != 0) {
		probe_free(p);
		return child_uv_err(r);
	}
	p->open_handles++;
	if ((r = uv_timer_init(loop, &p->timer)) != 0) {
		p->pipe_closed = 1;
		uv_close((uv_handle_t *)&p->pipe, handle_closed);
		return child_uv_err(r);
	}
	p->open_handles++;

	/* The child gets no environment but the journal's and our pid (it
	 * dies with us: sandbox.h), so nothing the daemon was started with
	 * steers the parser. */
	argv[0] = (char *)(uintptr_t)self;
	argv[1] = (char *)(uintptr_t)CLIP_CHILD;
	argv[2] = (char *)(uintptr_t)"leaves";
	argv[3] = (char *)(uintptr_t)digest_name(alg);
	argv[4] = NULL;
	io.in = NULL;
	io.out = &p->pipe;
	io.fd3 = fd;
	rc = child_spawn(loop, &p->proc, argv, &io, on_exit_cb);
	/* Initialised even when the spawn failed: it must be closed. */
	p->open_handles++;
	if (rc == 0 && ((r = uv_read_start((uv_stream_t *)&p->pipe, on_alloc,
	    on_read)) != 0 || (r = uv_timer_start(&p->timer, on_timeout,
	    timeout_ms, 0)) != 0))
		rc = child_uv_err(r);
	if (rc != 0) {
		saved = errno;
		if (uv_is_active((uv_handle_t *)&p->proc))
			(void)uv_process_kill(&p->proc, SIGKILL);
		p->done = 1;	/* never call back */
		close_pipe(p);
		uv_close((uv_handle_t *)&p->timer, handle_closed);
		uv_close((uv_handle_t *)&p->proc, handle_closed);
		errno = saved;
		return rc;
	}
	return 0;
}
