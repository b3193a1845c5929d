/*
 * sandbox: how the media child and the live child restrict themselves
 * (sandbox.h): one builder, one policy per role.  Modelled on OpenSSH's
 * sandbox-seccomp-filter.c (an allowlist with argument checks, kill on
 * anything else) and the kernel's samples/landlock/sandboxer.c (ask the
 * kernel for its Landlock ABI and handle exactly what it knows).
 */
#if !defined(__linux__)
#error "the sandbox needs Linux: seccomp and Landlock"
#endif
#if defined(__has_include)
#if !__has_include(<seccomp.h>)
#error "libseccomp is required: Custos never runs a child unsandboxed"
#endif
#endif

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <unistd.h>

#include <linux/landlock.h>
#include <seccomp.h>

#include "custos/err.h"
#include "custos/sandbox.h"

#if !defined(SCMP_ACT_KILL_PROCESS)
#error "libseccomp >= 2.4 is required (SCMP_ACT_KILL_PROCESS)"
#endif

#ifdef SANDBOX_DEBUG
#define SANDBOX_DEFAULT_ACTION	SCMP_ACT_TRAP
#else
#define SANDBOX_DEFAULT_ACTION	SCMP_ACT_KILL_PROCESS
#endif

/*
 * Landlock rights newer than the installed <linux/landlock.h> may know.
 * The values are the kernel ABI and never change.
 */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER		(1ULL << 13)	/* ABI 2 */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE		(1ULL << 14)	/* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV		(1ULL << 15)	/* ABI 5 */
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP		(1ULL << 0)	/* ABI 4 */
#define LANDLOCK_ACCESS_NET_CONNECT_TCP		(1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET	(1ULL << 0)	/* ABI 6 */
#define LANDLOCK_SCOPE_SIGNAL			(1ULL << 1)
#endif

#define LL_FS_ABI1	((LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1)

/*
 * The ruleset attribute as of ABI 6.  Our own copy, because the installed
 * header may predate the later fields; the kernel accepts a larger struct
 * as long as the fields it does not know are zero, and we only set the
 * ones the running ABI has.
 */
struct ll_ruleset_attr {
	uint64_t	 handled_access_fs;
	uint64_t	 handled_access_net;
	uint64_t	 scoped;
};

/* The rule that grants rights beneath a directory, as the kernel has it. */
struct ll_path_beneath {
	uint64_t	 allowed_access;
	int32_t		 parent_fd;
} __attribute__((packed));

static int landlock_applied;

int
sandbox_landlock_abi(void)
{
	long abi;

	abi = syscall(__NR_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	return abi < 0 ? 0 : (int)abi;
}

int
sandbox_landlock_applied(void)
{
	return landlock_applied;
}

/*
 * The media child's limits: no file grows past fsize_max (0 for the
 * probe, the clip's limit for the clip child; never above a hard limit
 * we were given), no process, bounded CPU.
 */
static int
limits_probe(unsigned cpu_seconds, uint64_t fsize_max)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_FSIZE, &rl) == -1)
		return CUSTOS_ERR_SYSTEM;
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > fsize_max)
		rl.rlim_max = fsize_max;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
		return CUSTOS_ERR_SYSTEM;
	rl.rlim_cur = rl.rlim_max = 0;
	if (setrlimit(RLIMIT_NPROC, &rl) == -1)
		return CUSTOS_ERR_SYSTEM;
	/* SIGXCPU at the soft limit, SIGKILL a second later; never raise a
	 * hard limit we were given. */
	if (getrlimit(RLIMIT_CPU, &rl) == -1)
		return CUSTOS_ERR_SYSTEM;
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > cpu_seconds + 1)
		rl.rlim_max = cpu_seconds + 1;
	rl.rlim_cur = rl.rlim_max > 1 ? rl.rlim_max - 1 : rl.rlim_max;
	if (setrlimit(RLIMIT_CPU, &rl) == -1)
		return CUSTOS_ERR_SYSTEM;
	return 0;
}

/*
 * The live child's limits: segment files up to fsize_max, and no new
 * process.  libsrt starts threads after the connection, and RLIMIT_NPROC
 * counts threads, so a source with threads relies on the seccomp filter
 * alone, which allows clone only with CLONE_THREAD.
 */
static int
limits_live(uint64_t fsize_max, int threads)
{
	struct rlimit rl;

	rl.rlim_cur = rl.rlim_max = 0;
	if (!threads && setrlimit(RLIMIT_NPROC, &rl) == -1)
		return CUSTOS_ERR_SYSTEM;
	if (getrlimit(RLIMIT_FSIZE, &rl) == -1)
		return CUSTOS_ERR_SYSTEM;
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > fsize_max)
		rl.rlim_max = fsize_max;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
		return CUSTOS_ERR_SYSTEM;
	return 0;
}

static int
limits(const struct sandbox_policy *p)
{
	int rc;

	if (p->role == SANDBOX_PROBE)
		rc = limits_probe(p->cpu_seconds, 0);
	else if (p->role == SANDBOX_CLIP)
		rc = limits_probe(p->cpu_seconds, p->fsize_max);
	else
		rc = limits_live(p->fsize_max, p->threads);
	if (rc != 0)
		return rc;
	/*
	 * A write past RLIMIT_FSIZE would raise SIGXFSZ.  The media child's
	 * stderr may be a file (custosd 2>>log, or a tool's): its rare log
	 * lines should then fail with EFBIG, not turn a good probe into a
	 * crash; the live child's segment write fails and the stream ends
	 * with what was written.
	 */
	if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR)
		return CUSTOS_ERR_SYSTEM;
	return 0;
}

/*
 * Applies, for good, the Landlock ruleset of sandbox.h: every access
 * right the running kernel knows is handled, and none is granted, except,
 * when dir_fd >= 0, creating regular files beneath the directory open as
 * dir_fd and writing to files there (the live child's spool).  A kernel
 * without Landlock is no error.  Returns 0, or CUSTOS_ERR_SYSTEM.
 */
static int
landlock(int dir_fd)
{
	struct ll_ruleset_attr attr;
	struct ll_path_beneath pb;
	int abi, fd;

	abi = (int)syscall(__NR_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		/* Not built in, or disabled at boot: the callers' seccomp
		 * filters still deny the system calls that take a path. */
		if (errno == ENOSYS || errno == EOPNOTSUPP)
			return 0;
		return CUSTOS_ERR_SYSTEM;
	}
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = LL_FS_ABI1;
	if (abi >= 2)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 4)
		attr.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP |
		    LANDLOCK_ACCESS_NET_CONNECT_TCP;
	if (abi >= 5)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	if (abi >= 6)
		attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
		    LANDLOCK_SCOPE_SIGNAL;
	fd = (int)syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr),
	    0);
	if (fd < 0)
		return CUSTOS_ERR_SYSTEM;
	/* Without a rule, every handled right on every path is denied. */
	if (dir_fd >= 0) {
		pb.allowed_access = LANDLOCK_ACCESS_FS_MAKE_REG |
		    LANDLOCK_ACCESS_FS_WRITE_FILE;
		pb.parent_fd = dir_fd;
		if (syscall(__NR_landlock_add_rule, fd,
		    LANDLOCK_RULE_PATH_BENEATH, &pb, 0) == -1) {
			close(fd);
			return CUSTOS_ERR_SYSTEM;
		}
	}
	if (syscall(__NR_landlock_restrict_self, fd, 0) == -1) {
		close(fd);
		return CUSTOS_ERR_SYSTEM;
	}
	close(fd);
	landlock_applied = abi;
	return 0;
}

#ifdef SANDBOX_DEBUG
/* Debug builds only: name the forbidden call, then die. */
static void
sigsys(int sig, siginfo_t *info, void *ctx)
{
	char msg[] = "media: sandbox: forbidden system call 000\n";
	int nr = info->si_syscall, i;

	(void)sig;
	(void)ctx;
	for (i = 0; i < 3; i++, nr /= 10)
		msg[sizeof(msg) - 3 - i] = '0' + nr % 10;
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(128 + SIGSYS);
}

static int
debug_reporter(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigsys;
	sa.sa_flags = SA_SIGINFO;
	return sigaction(SIGSYS, &sa, NULL) == -1 ? CUSTOS_ERR_SYSTEM : 0;
}
#endif

/*
 * Each rule function adds its rules to ctx and returns 0, or the negative
 * errno of libseccomp; ALLOW and DENY return that from the function.
 */
#define ALLOW(nr, ...)							\
	do {								\
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW,		\
		    SCMP_SYS(nr), __VA_ARGS__)) < 0)			\
			return rc;					\
	} while (0)

#define DENY(nr, err, ...)						\
	do {								\
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err),	\
		    SCMP_SYS(nr), __VA_ARGS__)) < 0)			\
			return rc;					\
	} while (0)

/*
 * One argument comparison.  Spelled out rather than with SCMP_A0() and
 * friends, whose compound literals leave datum_b to a default that
 * clang's -Wextra rejects.  For SCMP_CMP_MASKED_EQ, a is the mask and b
 * the value.
 */
static struct scmp_arg_cmp
arg(unsigned n, enum scmp_compare op, scmp_datum_t a, scmp_datum_t b)
{
	struct scmp_arg_cmp c;

	c.arg = n;
	c.op = op;
	c.datum_a = a;
	c.datum_b = b;
	return c;
}

/* What every role needs: memory, never executable; locks; clocks; exit. */
static int
rules_common(scmp_filter_ctx ctx)
{
	int rc;

	ALLOW(brk, 0);
	ALLOW(mmap, 1, arg(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	ALLOW(munmap, 0);
	ALLOW(mremap, 0);
	ALLOW(madvise, 0);
	/* Locks (pthread_once in the libraries) and clocks. */
	ALLOW(futex, 0);
	ALLOW(clock_gettime, 0);
	ALLOW(rt_sigreturn, 0);
	ALLOW(exit, 0);
	ALLOW(exit_group, 0);
	return 0;
}

/*
 * The media child: demuxing from media_fd and answering on fd 1.  No
 * mprotect: glibc needs it only for the heaps of other threads, and
 * there are none.
 */
static int
rules_probe(scmp_filter_ctx ctx, int media_fd)
{
	int rc;

	/* The media, through the AVIO callbacks: pread (read when the fd
	 * cannot seek), seek, size. */
	ALLOW(pread64, 1, arg(0, SCMP_CMP_EQ, (scmp_datum_t)media_fd, 0));
	ALLOW(read, 1, arg(0, SCMP_CMP_EQ, (scmp_datum_t)media_fd, 0));
	ALLOW(lseek, 1, arg(0, SCMP_CMP_EQ, (scmp_datum_t)media_fd, 0));
	ALLOW(fstat, 1, arg(0, SCMP_CMP_EQ, (scmp_datum_t)media_fd, 0));
	/* glibc's fstat() is newfstatat(fd, "", buf, AT_EMPTY_PATH). */
	ALLOW(newfstatat, 2, arg(0, SCMP_CMP_EQ, (scmp_datum_t)media_fd, 0),
	    arg(3, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH,
	    AT_EMPTY_PATH));
	/* The answer on fd 1; log lines on fd 2. */
	ALLOW(write, 1, arg(0, SCMP_CMP_EQ, STDOUT_FILENO, 0));
	ALLOW(write, 1, arg(0, SCMP_CMP_EQ, STDERR_FILENO, 0));
#ifdef __SANITIZE_ADDRESS__
	/* The ASan+UBSan test build: the runtime takes down its alternate
	 * signal stack when the child exits. */
	ALLOW(sigaltstack, 0);
#endif
	/*
	 * Opening a path fails with EACCES instead of killing, as in
	 * OpenSSH's filter: libraries look for optional files on their own
	 * (the MPEG-TS demuxer calls iconv_open() for DVB text, which looks
	 * for gconv modules) and cope when they are missing.  Nothing is
	 * opened either way; Landlock denies it too.
	 */
	DENY(open, EACCES, 0);
	DENY(openat, EACCES, 0);
	return 0;
}

/*
 * The clip child: the probe's rules for the original on media_fd, and
 * its one output, out_fd, written with pwrite (or write after lseek) and
 * read back with pread to check the clip.
 */
static int
rules_clip(scmp_filter_ctx ctx, int media_fd, int out_fd)
{
	int rc;

	if ((rc = rules_probe(ctx, media_fd)) < 0)
		return rc;
	ALLOW(pwrite64, 1, arg(0, SCMP_CMP_EQ, (scmp_datum_t)out_fd, 0));
	ALLOW(write, 1, arg(0, SCMP_CMP_EQ, (scmp_datum_t)out_fd, 0));
	ALLOW(pread64, 1, arg(0, SCMP_CMP_EQ, (scmp_datum_t)out_fd, 0));
	ALLOW(read, 1, arg(0, SCMP_CMP_EQ, (scmp_datum_t)out_fd, 0));
	ALLOW(lseek, 1, arg(0, SCMP_CMP_EQ, (scmp_datum_t)out_fd, 0));
	ALLOW(fstat, 1, arg(0, SCMP_CMP_EQ, (scmp_datum_t)out_fd, 0));
	ALLOW(newfstatat, 2, arg(0, SCMP_CMP_EQ, (scmp_datum_t)out_fd, 0),
	    arg(3, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH));
	return 0;
}

/*
 * The live child: reading an open stream and writing segment files.
 * Socket I/O is allowed on any descriptor (the child holds only the
 * stream's), but no socket can be made, bound, accepted or connected.
 */
static int
rules_live(scmp_filter_ctx ctx, int spool_fd)
{
	int rc;

	/* Library threads (libsrt's) get the filter too. */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) < 0)
		return rc;
	/* The stream. */
	ALLOW(read, 0);
	ALLOW(recvfrom, 0);
	ALLOW(recvmsg, 0);
	ALLOW(sendto, 0);	/* TLS alerts, SRT acknowledgements */
	ALLOW(sendmsg, 0);
	ALLOW(poll, 0);
	ALLOW(ppoll, 0);
	ALLOW(getsockopt, 0);
	ALLOW(setsockopt, 0);
	ALLOW(shutdown, 0);
	/* Segment files: created beneath the spool only (Landlock checks
	 * the path), written, synced, closed. */
	ALLOW(openat, 2, arg(0, SCMP_CMP_EQ, (scmp_datum_t)spool_fd, 0),
	    arg(2, SCMP_CMP_MASKED_EQ, O_CREAT | O_EXCL, O_CREAT | O_EXCL));
	DENY(openat, EACCES, 1, arg(0, SCMP_CMP_NE, (scmp_datum_t)spool_fd,
	    0));
	DENY(open, EACCES, 0);
	ALLOW(write, 0);
	ALLOW(writev, 0);
	ALLOW(fsync, 0);
	ALLOW(close, 0);
	ALLOW(fstat, 0);
	ALLOW(newfstatat, 1, arg(3, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH,
	    AT_EMPTY_PATH));
	ALLOW(lseek, 0);
	/* TLS and libsrt change page protections, never to executable. */
	ALLOW(mprotect, 1, arg(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	/* Clocks, sleeps, randomness (TLS), signals. */
	ALLOW(gettimeofday, 0);
	ALLOW(clock_nanosleep, 0);
	ALLOW(nanosleep, 0);
	ALLOW(getrandom, 0);
	ALLOW(getpid, 0);
	ALLOW(gettid, 0);
	ALLOW(rt_sigprocmask, 0);
	ALLOW(sched_yield, 0);
	/* libsrt's threads: their names (for its log) and their own
	 * epoll over the sockets they already have. */
	ALLOW(prctl, 1, arg(0, SCMP_CMP_EQ, PR_GET_NAME, 0));
	ALLOW(prctl, 1, arg(0, SCMP_CMP_EQ, PR_SET_NAME, 0));
	ALLOW(epoll_wait, 0);
	/* libsrt starts a thread per connection once it is up: threads
	 * only (CLONE_THREAD), never a process.  clone3 hides its flags
	 * from the filter; ENOSYS makes glibc fall back to clone. */
	DENY(clone3, ENOSYS, 0);
	ALLOW(clone, 1, arg(0, SCMP_CMP_MASKED_EQ, CLONE_THREAD,
	    CLONE_THREAD));
	ALLOW(set_robust_list, 0);
	ALLOW(rseq, 0);
	ALLOW(sigaltstack, 0);
	ALLOW(sched_getaffinity, 0);
	ALLOW(epoll_pwait, 0);
	ALLOW(epoll_ctl, 0);
	ALLOW(select, 0);
	ALLOW(pselect6, 0);
	return 0;
}

/* Builds the role's filter and loads it. */
static int
filter(const struct sandbox_policy *p)
{
	scmp_filter_ctx ctx;
	int rc;

	if ((ctx = seccomp_init(SANDBOX_DEFAULT_ACTION)) == NULL) {
		errno = ENOMEM;
		return CUSTOS_ERR_SYSTEM;
	}
	if ((rc = rules_common(ctx)) == 0)
		rc = p->role == SANDBOX_PROBE ? rules_probe(ctx, p->fd) :
		    p->role == SANDBOX_CLIP ? rules_clip(ctx, p->fd,
		    p->out_fd) : rules_live(ctx, p->fd);
	/* libseccomp also sets PR_SET_NO_NEW_PRIVS (SCMP_FLTATR_CTL_NNP);
	 * we did already. */
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0) {
		errno = -rc;
		return CUSTOS_ERR_SYSTEM;
	}
	return 0;
}

int
sandbox_apply(const struct sandbox_policy *p)
{
	int rc;

	if (p->role != SANDBOX_PROBE && p->role != SANDBOX_LIVE &&
	    p->role != SANDBOX_CLIP)
		return CUSTOS_ERR_INVALID;
	if (p->fd < 0 || (p->role == SANDBOX_CLIP && p->out_fd < 0)) {
		errno = EBADF;
		return CUSTOS_ERR_SYSTEM;
	}
	if ((rc = limits(p)) != 0)
		return rc;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return CUSTOS_ERR_SYSTEM;
	if ((rc = landlock(p->role == SANDBOX_LIVE ? p->fd : -1)) != 0)
		return rc;
#ifdef SANDBOX_DEBUG
	/* The media child names a forbidden call before it dies. */
	if (p->role != SANDBOX_LIVE && (rc = debug_reporter()) != 0)
		return rc;
#endif
	return filter(p);
}

int
sandbox_enter(int media_fd, unsigned cpu_seconds)
{
	struct sandbox_policy p;

	memset(&p, 0, sizeof(p));
	p.role = SANDBOX_PROBE;
	p.fd = media_fd;
	p.cpu_seconds = cpu_seconds;
	return sandbox_apply(&p);
}

int
sandbox_parent_env(char *buf, size_t len)
{
	int n;

	n = snprintf(buf, len, "%s=%ld", SANDBOX_PARENT_ENV, (long)getpid());
	return n < 0 || (size_t)n >= len ? CUSTOS_ERR_INVALID : 0;
}

void
sandbox_child_env(struct sandbox_env *e)
{
	const char *js;
	int n = 0;

	memset(e->env, 0, sizeof(e->env));
	if ((js = getenv("JOURNAL_STREAM")) != NULL &&
	    (size_t)snprintf(e->journal, sizeof(e->journal),
	    "JOURNAL_STREAM=%s", js) < sizeof(e->journal))
		e->env[n++] = e->journal;
	if (sandbox_parent_env(e->parent, sizeof(e->parent)) == 0)
		e->env[n++] = e->parent;
}

/* The pid in SANDBOX_PARENT_ENV, or 0 if it is unset or malformed. */
static pid_t
parent_from_env(void)
{
	const char *s = getenv(SANDBOX_PARENT_ENV);
	char *end;
	long v;

	if (s == NULL || *s < '1' || *s > '9')
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || (long)(pid_t)v != v)
		return 0;
	return (pid_t)v;
}

int
sandbox_parent_death(pid_t parent)
{
	if (parent == 0 && (parent = parent_from_env()) == 0)
		parent = getppid();
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
		return CUSTOS_ERR_SYSTEM;
	/* Set after the parent died, the signal never comes: the child has
	 * been handed to a reaper whose pid is not the parent's. */
	if (getppid() != parent)
		return CUSTOS_ERR_NOTFOUND;
	return 0;
}
