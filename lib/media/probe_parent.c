/*
 * probe_parent: the tools' synchronous parent of a media child (probe.h,
 * and clip.h through media_int.h).  It never looks at media: it starts
 * the child on a descriptor, reads what the child sends up to a bound and
 * a deadline, and turns everything else (a signal, an exit status,
 * silence, too much) into CRASHED, TIMEOUT or FAILED.  The daemon's
 * parent runs on its libuv loop (daemon/seal/probe.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "custos/digest.h"
#include "custos/err.h"
#include "custos/probe.h"
#include "custos/sandbox.h"
#include "media_int.h"

void
probe_result_fail(struct probe_result *r, int status, const char *fmt, ...)
{
	va_list ap;

	memset(r, 0, sizeof(*r));
	r->magic = PROBE_MAGIC;
	r->size = sizeof(*r);
	r->status = status;
	r->duration_ms = -1;
	r->start_ms = -1;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
}

void
probe_result_take(struct probe_result *r, const void *buf, size_t got)
{
	if (got != sizeof(struct probe_result)) {
		probe_result_fail(r, PROBE_FAILED, "malformed answer: %zu "
		    "bytes", got);
		return;
	}
	memcpy(r, buf, sizeof(*r));
	if (probe_result_check(r, sizeof(*r)) != 0)
		probe_result_fail(r, PROBE_FAILED,
		    "malformed answer: fails the result check");
}

/*
 * In the forked child, before exec: only async-signal-safe calls.  Dies
 * with parent (SIGKILL), puts fd on 3, out_fd (if any) on 4, aux_fd (if
 * any) on 5 and the pipe on 1, closes everything else, and execs.
 */
static void
exec_child(const char *self, char *const argv[], char *const env[], int fd,
    int out_fd, int aux_fd, int wfd, pid_t parent)
{
	int null, top, last = PROBE_FD;

	if (sandbox_parent_death(parent) != 0)
		_exit(127);

	/* Move them out of the way of 0..4 before placing them. */
	if ((fd = fcntl(fd, F_DUPFD, 10)) == -1 ||
	    (wfd = fcntl(wfd, F_DUPFD, 10)) == -1 ||
	    (out_fd >= 0 && (out_fd = fcntl(out_fd, F_DUPFD, 10)) == -1) ||
	    (aux_fd >= 0 && (aux_fd = fcntl(aux_fd, F_DUPFD, 10)) == -1))
		_exit(127);
	if ((null = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(null, STDIN_FILENO) == -1 ||
	    dup2(wfd, STDOUT_FILENO) == -1 ||
	    dup2(fd, PROBE_FD) == -1)
		_exit(127);
	if (out_fd >= 0) {
		if (dup2(out_fd, PROBE_FD + 1) == -1)
			_exit(127);
		last = PROBE_FD + 1;
	}
	if (aux_fd >= 0) {
		if (dup2(aux_fd, PROBE_FD + 2) == -1)
			_exit(127);
		last = PROBE_FD + 2;
	}
	top = (int)sysconf(_SC_OPEN_MAX);
	if (top < 0 || top > 65536)
		top = 65536;
	/* close_range() would do, but is newer than some libcs. */
	for (null = last + 1; null < top; null++)
		(void)close(null);
	execve(self, argv, env);
	_exit(127);
}

int
media_spawn(const char *self, char *const argv[], int in_fd, int out_fd,
    struct probe_child **out)
{
	return media_spawn_aux(self, argv, in_fd, out_fd, -1, out);
}

int
media_spawn_aux(const char *self, char *const argv[], int in_fd, int out_fd,
    int aux_fd, struct probe_child **out)
{
	struct probe_child *c;
	struct sandbox_env env;
	pid_t self_pid = getpid();
	int p[2], e;

	*out = NULL;
	if (self == NULL || in_fd < 0 || (aux_fd >= 0 && out_fd < 0))
		return CUSTOS_ERR_INVALID;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return CUSTOS_ERR_NOMEM;
	/* Everything the child needs is ready before fork(). */
	sandbox_child_env(&env);
	if (pipe2(p, O_CLOEXEC) == -1) {
		free(c);
		return CUSTOS_ERR_SYSTEM;
	}
	(void)clock_gettime(CLOCK_MONOTONIC, &c->start);
	if ((c->pid = fork()) == -1) {
		e = errno;
		close(p[0]);
		close(p[1]);
		free(c);
		errno = e;
		return CUSTOS_ERR_SYSTEM;
	}
	if (c->pid == 0)
		exec_child(self, argv, env.env, in_fd, out_fd, aux_fd, p[1],
		    self_pid);
	close(p[1]);
	c->rfd = p[0];
	*out = c;
	return 0;
}

int
probe_spawn(const char *self, const char *role, int fd, enum digest_alg alg,
    struct probe_child **out)
{
	char *argv[4];

	*out = NULL;
	if (self == NULL || role == NULL || fd < 0)
		return CUSTOS_ERR_INVALID;
	argv[0] = (char *)(uintptr_t)self;
	argv[1] = (char *)(uintptr_t)role;
	argv[2] = (char *)(uintptr_t)digest_name(alg);
	argv[3] = NULL;
	return media_spawn(self, argv, fd, -1, out);
}

static long long
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Makes room for at least one more byte in *buf of *cap, up to max + 1. */
static int
grow(unsigned char **buf, size_t *cap, size_t got, size_t max)
{
	unsigned char *nb;
	size_t ncap;

	if (got < *cap)
		return 0;
	ncap = *cap == 0 ? 65536 : *cap * 2;
	if (ncap > max + 1 || ncap < *cap)
		ncap = max + 1;
	if ((nb = realloc(*buf, ncap)) == NULL)
		return -1;
	*buf = nb;
	*cap = ncap;
	return 0;
}

ssize_t
media_read_all(struct probe_child *c, unsigned timeout_ms, size_t max,
    unsigned char **buf)
{
	struct pollfd pfd;
	size_t got = 0, cap = 0;
	long long left;
	ssize_t n, ret;
	int r, e;

	*buf = NULL;
	if (max >= SSIZE_MAX)
		max = SSIZE_MAX - 1;
	for (;;) {
		if ((left = (long long)timeout_ms - elapsed_ms(&c->start)) <=
		    0) {
			ret = MEDIA_READ_TIMEOUT;
			break;
		}
		pfd.fd = c->rfd;
		pfd.events = POLLIN;
		if ((r = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX :
		    (int)left)) == -1) {
			if (errno == EINTR)
				continue;
			ret = MEDIA_READ_ERROR;
			break;
		}
		if (r == 0) {
			ret = MEDIA_READ_TIMEOUT;
			break;
		}
		/* One byte more than max, to see an answer that is too
		 * long. */
		if (grow(buf, &cap, got, max) == -1) {
			ret = MEDIA_READ_NOMEM;
			break;
		}
		if ((n = read(c->rfd, *buf + got, cap - got)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			ret = MEDIA_READ_ERROR;
			break;
		}
		if (n == 0)
			return (ssize_t)got;
		if ((got += (size_t)n) > max) {
			ret = MEDIA_READ_TOOLONG;
			break;
		}
	}
	e = errno;
	free(*buf);
	*buf = NULL;
	errno = e;
	return ret;
}

int
media_reap(struct probe_child *c, ssize_t got, int e, unsigned timeout_ms,
    struct probe_result *res)
{
	const char *sigtext;
	int status, rc = 0;

	/* Whatever it sent, it is done talking: make sure it is gone. */
	if (got < 0)
		(void)kill(c->pid, SIGKILL);
	close(c->rfd);
	while (waitpid(c->pid, &status, 0) == -1) {
		if (errno != EINTR) {
			e = errno;
			probe_result_fail(res, PROBE_FAILED, "waitpid: %s",
			    strerror(e));
			free(c);
			errno = e;
			return CUSTOS_ERR_SYSTEM;
		}
	}
	free(c);
	if (got == MEDIA_READ_TIMEOUT)
		probe_result_fail(res, PROBE_TIMEOUT, "no answer within %u ms; "
		    "killed", timeout_ms);
	else if (got == MEDIA_READ_ERROR) {
		probe_result_fail(res, PROBE_FAILED, "reading the answer: %s",
		    strerror(e));
		errno = e;
		rc = CUSTOS_ERR_SYSTEM;
	} else if (got == MEDIA_READ_NOMEM) {
		probe_result_fail(res, PROBE_FAILED, "reading the answer: %s",
		    custos_strerror(CUSTOS_ERR_NOMEM));
		rc = CUSTOS_ERR_NOMEM;
	} else if (got == MEDIA_READ_TOOLONG)
		probe_result_fail(res, PROBE_FAILED, "malformed answer: too "
		    "long");
	else if (WIFSIGNALED(status)) {
		sigtext = strsignal(WTERMSIG(status));
		probe_result_fail(res, PROBE_CRASHED, "killed by signal %d "
		    "(%s)", WTERMSIG(status), sigtext ? sigtext : "?");
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		probe_result_fail(res, PROBE_CRASHED, "exited with status %d",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else
		return 1;
	return rc;
}

int
probe_wait(struct probe_child *c, unsigned timeout_ms,
    struct probe_result *res)
{
	unsigned char *buf;
	ssize_t got;
	int rc;

	got = media_read_all(c, timeout_ms, sizeof(*res), &buf);
	rc = media_reap(c, got, errno, timeout_ms, res);
	if (got == MEDIA_READ_TOOLONG)
		probe_result_fail(res, PROBE_FAILED, "malformed answer: more "
		    "than %zu bytes", sizeof(struct probe_result));
	if (rc == 1) {
		probe_result_take(res, buf, (size_t)got);
		rc = 0;
	}
	free(buf);
	return rc;
}

int
probe_run_sync(const char *self, const char *role, int fd,
    enum digest_alg alg, unsigned timeout_ms, struct probe_result *res)
{
	struct probe_child *c;
	int rc;

	if (timeout_ms == 0)
		return CUSTOS_ERR_INVALID;
	if ((rc = probe_spawn(self, role, fd, alg, &c)) != 0)
		return rc;
	return probe_wait(c, timeout_ms, res);
}
