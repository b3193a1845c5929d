/*
 * sandbox: how a child restricts itself before it touches untrusted
 * bytes (STYLE.md 7).  One policy builder, one policy per role:
 *
 *   SANDBOX_PROBE	the media child (probe.h): demuxes one file it
 *			reads through media_fd and answers on fd 1;
 *   SANDBOX_CLIP	the clip child's cut (clip.h): the PROBE policy on
 *			its original, plus one output file, fd out_fd,
 *			that it may write, seek and read back, up to
 *			fsize_max bytes;
 *   SANDBOX_LIVE	the live child (daemon/live): reads a stream over
 *			the network or TLS on sockets it opened before, and
 *			writes segment files beneath its spool directory.
 *
 * Linux only; a build without libseccomp fails to compile, it never
 * falls back to no sandbox.  In order:
 *   - setrlimit: PROBE: FSIZE 0 (no file grows), NPROC 0 (no new
 *     process), CPU cpu_seconds (SIGXCPU, then SIGKILL one second
 *     later); CLIP: as PROBE but FSIZE fsize_max; LIVE: FSIZE fsize_max, NPROC 0 unless the source starts
 *     threads (SRT: RLIMIT_NPROC counts threads; the filter still allows
 *     clone only with CLONE_THREAD).  SIGXFSZ is ignored: a write past
 *     the limit fails with EFBIG;
 *   - PR_SET_NO_NEW_PRIVS;
 *   - a Landlock ruleset that handles every access right the running
 *     kernel knows and grants no path (and, from ABI 4, no TCP bind or
 *     connect; from ABI 6, no signals or abstract sockets outside the
 *     process), except for LIVE the creation and writing of regular
 *     files beneath the spool.  A kernel without Landlock (ENOSYS,
 *     EOPNOTSUPP) is no error: seccomp below already denies every
 *     path-taking system call;
 *   - a seccomp allowlist that kills the process on anything else
 *     (RET_TRAP, and for PROBE a SIGSYS reporter, only when built with
 *     -DSANDBOX_DEBUG).
 *
 * The allowed system calls (see sandbox.c for the argument checks).
 * Both roles: brk, mmap (never PROT_EXEC), munmap, mremap, madvise,
 * futex, clock_gettime, rt_sigreturn, exit, exit_group.
 * PROBE adds: pread64, read, lseek, fstat, newfstatat (media_fd only;
 *	newfstatat with AT_EMPTY_PATH), write (fd 1 and 2 only), and
 *	sigaltstack in the ASan build only; open and openat fail with
 *	EACCES (libraries probe for optional files and cope).
 * CLIP adds to PROBE: pwrite64, write, pread64, read, lseek, fstat and
 *	newfstatat (AT_EMPTY_PATH) on out_fd only.
 * LIVE adds: socket I/O on descriptors already open (read, recvfrom,
 *	recvmsg, sendto, sendmsg, poll, ppoll, select, pselect6,
 *	getsockopt, setsockopt, shutdown, epoll_wait, epoll_pwait,
 *	epoll_ctl), openat beneath the spool with O_CREAT | O_EXCL only
 *	(any other openat and open fail with EACCES), write, writev,
 *	fsync, close, fstat, newfstatat (AT_EMPTY_PATH), lseek, mprotect
 *	(never PROT_EXEC), gettimeofday, clock_nanosleep, nanosleep,
 *	getrandom, getpid, gettid, rt_sigprocmask, sched_yield, prctl
 *	(PR_GET_NAME, PR_SET_NAME), clone with CLONE_THREAD (clone3 fails
 *	with ENOSYS), set_robust_list, rseq, sigaltstack,
 *	sched_getaffinity; the filter covers every thread (TSYNC).
 */
#ifndef CUSTOS_SANDBOX_H
#define CUSTOS_SANDBOX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The CPU limit of the media child, far above any honest demux. */
#define SANDBOX_CPU_SECONDS	300

/*
 * The environment variable in which a parent names itself to a child it
 * starts with exec, for sandbox_parent_death(0): libuv's uv_spawn() runs
 * no code of ours between fork and exec.
 */
#define SANDBOX_PARENT_ENV	"CUSTOS_PARENT"

/*
 * Writes SANDBOX_PARENT_ENV "=<the caller's pid>" to buf, for the
 * environment of a child.  Returns 0, or CUSTOS_ERR_INVALID if buf is too
 * small.
 */
int	 sandbox_parent_env(char *buf, size_t len);

/*
 * The whole environment of a child: JOURNAL_STREAM when the caller has
 * one (the child's log lines then reach the journal as the parent's do)
 * and SANDBOX_PARENT_ENV, so it dies with us; nothing else of the
 * caller's, so nothing the parent was started with steers the child.
 * env points into the struct itself: fill it where it is used, never
 * copy it.
 */
struct sandbox_env {
	char		*env[3];	/* NULL-terminated */
	char		 journal[512];
	char		 parent[64];
};

/* Fills *e as described above; a variable that does not fit is left out. */
void	 sandbox_child_env(struct sandbox_env *e);

/*
 * Has the kernel SIGKILL the calling process when its parent dies
 * (PR_SET_PDEATHSIG), so a child never outlives a daemon killed with
 * SIGKILL.  A parent that died before that call is seen too: getppid()
 * is then no longer parent, the pid the child expects.  parent 0 takes
 * the pid from SANDBOX_PARENT_ENV, or getppid() when that is unset.  With
 * a non-zero parent it makes system calls only, so it may run between
 * fork and exec.  Returns 0; CUSTOS_ERR_NOTFOUND if the parent is gone
 * already (the caller must exit at once); CUSTOS_ERR_SYSTEM (errno set).
 */
int	 sandbox_parent_death(pid_t parent);

enum sandbox_role {
	SANDBOX_PROBE = 1,
	SANDBOX_LIVE,
	SANDBOX_CLIP,
};

/* What a child is, and what its policy needs to know. */
struct sandbox_policy {
	enum sandbox_role role;
	int		 fd;		/* PROBE, CLIP: the media; LIVE: the
					   spool directory */
	int		 out_fd;	/* CLIP: the output file */
	unsigned	 cpu_seconds;	/* PROBE, CLIP: the CPU limit */
	uint64_t	 fsize_max;	/* LIVE, CLIP: the largest file it
					   writes */
	int		 threads;	/* LIVE: the source starts threads
					   (no RLIMIT_NPROC) */
};

/*
 * Restricts the calling process for good with the policy of p->role, as
 * described above.  Call it single-threaded, after everything that opens
 * files (libraries' lazy initialisation, certificates, the source's
 * sockets) has run.  Returns 0; CUSTOS_ERR_INVALID for an unknown role;
 * CUSTOS_ERR_SYSTEM (errno set) if a restriction could not be applied
 * (also for a negative p->fd): the caller must then not go on.
 */
int	 sandbox_apply(const struct sandbox_policy *p);

/* sandbox_apply() with the PROBE policy for media_fd and cpu_seconds. */
int	 sandbox_enter(int media_fd, unsigned cpu_seconds);

/*
 * The Landlock ABI version the running kernel offers (0 if it has none),
 * and the one sandbox_apply() applied (0 before it ran or without
 * Landlock).  For tests and the child's debug line.
 */
int	 sandbox_landlock_abi(void);
int	 sandbox_landlock_applied(void);

#endif
