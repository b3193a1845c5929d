/*
 * sandbox: how the media child restricts itself before it touches
 * untrusted bytes (STYLE.md 7).  Linux only; a build without libseccomp
 * fails to compile, it never falls back to no sandbox.
 *
 * In order:
 *   - setrlimit: FSIZE 0 (no file grows), NPROC 0 (no new process),
 *     CPU cpu_seconds (SIGXCPU, then SIGKILL one second later);
 *   - PR_SET_NO_NEW_PRIVS;
 *   - a Landlock ruleset that handles every access right the running
 *     kernel knows and grants no path (and, from ABI 4, no TCP bind or
 *     connect; from ABI 6, no signals or abstract sockets outside the
 *     process).  A kernel without Landlock (ENOSYS, EOPNOTSUPP) is no
 *     error: seccomp below already denies every path-taking system call;
 *   - a seccomp filter that allows only what demuxing from media_fd and
 *     answering on fd 1 need, and kills the process on anything else
 *     (RET_TRAP with a SIGSYS reporter only when built with
 *     -DSANDBOX_DEBUG).
 *
 * The allowed system calls (see sandbox.c for the argument checks):
 *	pread64, read, lseek, fstat, newfstatat (media_fd only; newfstatat with
 *	AT_EMPTY_PATH), write (fd 1 and 2 only), brk, mmap (never
 *	PROT_EXEC), munmap, mremap, madvise, futex, clock_gettime,
 *	rt_sigreturn, exit, exit_group.
 * open and openat fail with EACCES instead (libraries probe for optional
 * files and cope); everything else kills the process with SIGSYS.
 */
#ifndef CUSTOS_SANDBOX_H
#define CUSTOS_SANDBOX_H

/* The CPU limit of the media child, far above any honest demux. */
#define SANDBOX_CPU_SECONDS	300

/*
 * Restricts the calling process for good as described above, allowing
 * reads only from media_fd.  Call it single-threaded, after everything
 * that opens files (libraries' lazy initialisation) has run.  Returns 0,
 * or CUSTOS_ERR_SYSTEM (errno set) if a restriction could not be applied:
 * the caller must then not go on.
 */
int	 sandbox_enter(int media_fd, unsigned cpu_seconds);

/*
 * Applies, for good, the Landlock ruleset described above: every access
 * right the running kernel knows is handled, and none is granted, except,
 * when dir_fd >= 0, creating regular files beneath the directory open as
 * dir_fd and writing to files there (the live child's spool).  A kernel
 * without Landlock is no error.  Returns 0, or CUSTOS_ERR_SYSTEM (errno
 * set).  sandbox_enter() calls it with -1; a child that restricts itself
 * otherwise calls it after PR_SET_NO_NEW_PRIVS.
 */
int	 sandbox_landlock(int dir_fd);

/*
 * The Landlock ABI version the running kernel offers (0 if it has none),
 * and the one sandbox_enter() applied (0 before it ran or without
 * Landlock).  For tests and the child's debug line.
 */
int	 sandbox_landlock_abi(void);
int	 sandbox_landlock_applied(void);

#endif
