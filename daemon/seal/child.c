/*
 * child: custosd started again as a sandboxed child (child.h).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "custos/err.h"
#include "custos/sandbox.h"
#include "child.h"

int
child_uv_err(int uverr)
{
	if (uverr == UV_ENOMEM)
		return CUSTOS_ERR_NOMEM;
	errno = -uverr;
	return CUSTOS_ERR_SYSTEM;
}

int
child_spawn(uv_loop_t *loop, uv_process_t *proc, char *const argv[],
    const struct child_stdio *io, uv_exit_cb exit_cb)
{
	uv_process_options_t opt;
	uv_stdio_container_t stdio[4];
	struct sandbox_env env;
	int r;

	/* The journal's stream and our pid, so the child dies with us
	 * (sandbox.h); nothing else of the daemon's environment. */
	sandbox_child_env(&env);
	memset(stdio, 0, sizeof(stdio));
	if (io->in != NULL) {
		stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE;
		stdio[0].data.stream = (uv_stream_t *)io->in;
	} else
		stdio[0].flags = UV_IGNORE;
	stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[1].data.stream = (uv_stream_t *)io->out;
	stdio[2].flags = UV_INHERIT_FD;
	stdio[2].data.fd = STDERR_FILENO;
	stdio[3].flags = UV_INHERIT_FD;
	stdio[3].data.fd = io->fd3;
	memset(&opt, 0, sizeof(opt));
	opt.exit_cb = exit_cb;
	opt.file = argv[0];
	opt.args = (char **)(uintptr_t)argv;
	opt.env = env.env;
	opt.stdio = stdio;
	opt.stdio_count = 4;
	if ((r = uv_spawn(loop, proc, &opt)) != 0)
		return child_uv_err(r);
	return 0;
}
