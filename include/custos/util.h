/*
 * util: small file helpers shared by the daemon and the tools.
 */
#ifndef CUSTOS_UTIL_H
#define CUSTOS_UTIL_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Reads the whole regular file path, at most max bytes, into a newly
 * allocated, NUL-terminated *out of *len bytes (the caller frees it).
 * Returns 0, CUSTOS_ERR_SYSTEM (errno set), CUSTOS_ERR_TOOBIG or
 * CUSTOS_ERR_NOMEM.
 */
int	 util_read_file(const char *path, size_t max, char **out, size_t *len);

/*
 * Writes len bytes to path atomically and durably: a temporary file beside
 * it, fsync, chmod mode, rename, fsync of the directory.  With excl set,
 * fails with CUSTOS_ERR_EXISTS if path exists.  Returns 0,
 * CUSTOS_ERR_EXISTS, CUSTOS_ERR_NOSPACE or CUSTOS_ERR_SYSTEM.
 */
int	 util_write_file(const char *path, const void *buf, size_t len,
	    mode_t mode, int excl);

/* fsyncs the directory dir.  Returns 0 or CUSTOS_ERR_SYSTEM. */
int	 util_fsync_dir(const char *dir);

/*
 * Writes all len bytes to fd, retrying on EINTR and short writes.
 * Returns 0, CUSTOS_ERR_NOSPACE or CUSTOS_ERR_SYSTEM.
 */
int	 util_write_all(int fd, const void *buf, size_t len);

/*
 * Creates dir and its missing parents with mode.  Returns 0 or
 * CUSTOS_ERR_SYSTEM.
 */
int	 util_mkdirs(const char *dir, mode_t mode);

#endif
