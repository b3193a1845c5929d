/*
 * child: custosd started again as one of its sandboxed children, on the
 * libuv loop: the media child (probe.c, "-P") and the live child
 * (daemon/live, "-L").  Both get the same start: fork and exec of the
 * daemon's own executable with a role flag, the environment of
 * sandbox_child_env() and nothing else of ours, stderr shared with the
 * daemon, one descriptor of the parent's as fd 3, and pipes for stdin and
 * stdout as the role needs them.
 */
#ifndef CUSTOSD_CHILD_H
#define CUSTOSD_CHILD_H

#include <uv.h>

/* The child's descriptors. */
struct child_stdio {
	uv_pipe_t	*in;	/* stdin, a pipe the parent writes; NULL:
				   none (ignored) */
	uv_pipe_t	*out;	/* stdout, a pipe the parent reads */
	int		 fd3;	/* the parent's descriptor to pass as fd 3 */
};

/*
 * Starts argv[0] with argv (NULL-terminated; argv[0] is the executable's
 * path) on loop as proc, exit_cb its exit callback; io->in and io->out
 * must be initialised pipes, not yet opened.  proc is initialised even
 * when the spawn fails, and must then be closed too.  Returns 0,
 * CUSTOS_ERR_NOMEM, or CUSTOS_ERR_SYSTEM (errno set).
 */
int	 child_spawn(uv_loop_t *loop, uv_process_t *proc, char *const argv[],
	    const struct child_stdio *io, uv_exit_cb exit_cb);

/* A libuv error as a CUSTOS_ERR_* code: NOMEM, or SYSTEM with errno. */
int	 child_uv_err(int uverr);

#endif
