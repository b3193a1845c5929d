/*
 * sandbox: the media child's self-restriction (sandbox.h).  Modelled on
 * OpenSSH's sandbox-seccomp-filter.c (an allowlist with argument checks,
 * kill on anything else) and the kernel's samples/landlock/sandboxer.c
 * (ask the kernel for its Landlock ABI and handle exactly what it knows).
 */
#if !defined(__linux__)
#error "the media sandbox needs Linux: seccomp and Landlock"
#endif
#if defined(__has_include)
#if !__has_include(<seccomp.h>)
#error "libseccomp is required: Custos never runs the media child unsandboxed"
#endif
#endif

#include <errno.h>
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

static int
limits(unsigned cpu_seconds)
{
	struct rlimit rl;

	rl.rlim_cur = rl.rlim_max = 0;
	if (setrlimit(RLIMIT_FSIZE, &rl) == -1 ||
	    setrlimit(RLIMIT_NPROC, &rl) == -1)
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
	/*
	 * With FSIZE 0 a write to a regular file would raise SIGXFSZ.  The
	 * child's stderr may be a file (custosd 2>>log, or a tool's); its rare log lines
	 * should then fail with EFBIG, not turn a good probe into a crash.
	 */
	if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR)
		return CUSTOS_ERR_SYSTEM;
	return 0;
}

int
sandbox_landlock(int dir_fd)
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

#define ALLOW(nr, ...)							\
	do {								\
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW,	\
		    SCMP_SYS(nr), __VA_ARGS__)) < 0)			\
			goto fail;					\
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

#define DENY(nr, err)							\
	do {								\
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err),	\
		    SCMP_SYS(nr), 0)) < 0)				\
			goto fail;					\
	} while (0)

static int
filter(int media_fd)
{
	scmp_filter_ctx ctx;
	int rc;

	if ((ctx = seccomp_init(SANDBOX_DEFAULT_ACTION)) == NULL) {
		errno = ENOMEM;
		return CUSTOS_ERR_SYSTEM;
	}
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
	/* malloc; never executable memory.  No mprotect: glibc needs it
	 * only for the heaps of other threads, and there are none. */
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
	DENY(open, EACCES);
	DENY(openat, EACCES);
	/* libseccomp also sets PR_SET_NO_NEW_PRIVS (SCMP_FLTATR_CTL_NNP);
	 * we did already. */
	if ((rc = seccomp_load(ctx)) < 0)
		goto fail;
	seccomp_release(ctx);
	return 0;
fail:
	seccomp_release(ctx);
	errno = -rc;
	return CUSTOS_ERR_SYSTEM;
}

int
sandbox_enter(int media_fd, unsigned cpu_seconds)
{
	int rc;

	if (media_fd < 0) {
		errno = EBADF;
		return CUSTOS_ERR_SYSTEM;
	}
	if ((rc = limits(cpu_seconds)) != 0)
		return rc;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return CUSTOS_ERR_SYSTEM;
	if ((rc = sandbox_landlock(-1)) != 0)
		return rc;
#ifdef SANDBOX_DEBUG
	if ((rc = debug_reporter()) != 0)
		return rc;
#endif
	return filter(media_fd);
}

int
sandbox_parent_env(char *buf, size_t len)
{
	int n;

	n = snprintf(buf, len, "%s=%ld", SANDBOX_PARENT_ENV, (long)getpid());
	return n < 0 || (size_t)n >= len ? CUSTOS_ERR_INVALID : 0;
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
