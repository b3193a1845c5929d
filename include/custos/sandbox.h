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

#include <stddef.h>
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
