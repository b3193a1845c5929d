/*
 * util: file helpers.  util_write_file() is the one way small state files
 * (keys, the verifier key) are written, so none is ever seen half-written.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "custos/err.h"
#include "custos/util.h"

static int
errno_code(void)
{
	return (errno == ENOSPC || errno == EDQUOT) ? CUSTOS_ERR_NOSPACE :
	    CUSTOS_ERR_SYSTEM;
}

int
util_read_file(const char *path, size_t max, char **out, size_t *len)
{
	struct stat st;
	char *buf = NULL, *nbuf;
	size_t cap = 0, n = 0;
	ssize_t r;
	int fd, saved;

	*out = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return CUSTOS_ERR_SYSTEM;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	for (;;) {
		if (n == cap) {
			if (cap > max) {
				close(fd);
				free(buf);
				return CUSTOS_ERR_TOOBIG;
			}
			cap = cap ? 2 * cap : 4096;
			if ((nbuf = realloc(buf, cap + 1)) == NULL) {
				close(fd);
				free(buf);
				return CUSTOS_ERR_NOMEM;
			}
			buf = nbuf;
		}
		if ((r = read(fd, buf + n, cap - n)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {
		free(buf);
		return CUSTOS_ERR_TOOBIG;
	}
	if (buf == NULL && (buf = malloc(1)) == NULL)
		return CUSTOS_ERR_NOMEM;
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
fail:
	saved = errno;
	close(fd);
	free(buf);
	errno = saved;
	return CUSTOS_ERR_SYSTEM;
}

int
util_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t r;

	while (len > 0) {
		if ((r = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return errno_code();
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

int
util_fsync_dir(const char *dir)
{
	int fd, rc = 0, saved;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return CUSTOS_ERR_SYSTEM;
	if (fsync(fd) == -1)
		rc = CUSTOS_ERR_SYSTEM;
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

static int
dir_of(const char *path, char *buf, size_t bufsz)
{
	char tmp[PATH_MAX];

	if (strlen(path) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return CUSTOS_ERR_SYSTEM;
	}
	strcpy(tmp, path);
	if ((size_t)snprintf(buf, bufsz, "%s", dirname(tmp)) >= bufsz) {
		errno = ENAMETOOLONG;
		return CUSTOS_ERR_SYSTEM;
	}
	return 0;
}

int
util_write_file(const char *path, const void *buf, size_t len, mode_t mode,
    int excl)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	int fd, rc, saved;

	if ((rc = dir_of(path, dir, sizeof(dir))) != 0)
		return rc;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >=
	    sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return CUSTOS_ERR_SYSTEM;
	}
	if (excl && access(path, F_OK) == 0)
		return CUSTOS_ERR_EXISTS;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		return errno_code();
	if ((rc = util_write_all(fd, buf, len)) != 0)
		goto fail;
	if (fchmod(fd, mode) == -1 || fsync(fd) == -1) {
		rc = errno_code();
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		rc = errno_code();
		goto fail;
	}
	fd = -1;
	/*
	 * renameat2(RENAME_NOREPLACE) and link() refuse to replace, which is
	 * what excl asks for; link() where the file system has no
	 * RENAME_NOREPLACE, renameat2() for those without hard links (FAT).
	 */
	if (excl) {
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path,
		    RENAME_NOREPLACE) == 0)
			return util_fsync_dir(dir);
		if ((errno != EINVAL && errno != ENOSYS) ||
		    link(tmp, path) == -1) {
			rc = errno == EEXIST ? CUSTOS_ERR_EXISTS : errno_code();
			goto fail;
		}
		unlink(tmp);
	} else if (rename(tmp, path) == -1) {
		rc = errno_code();
		goto fail;
	}
	return util_fsync_dir(dir);
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	errno = saved;
	return rc;
}

int
util_mkdirs(const char *dir, mode_t mode)
{
	char buf[PATH_MAX];
	char *p;

	if (strlen(dir) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return CUSTOS_ERR_SYSTEM;
	}
	strcpy(buf, dir);
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) == -1 && errno != EEXIST)
			return CUSTOS_ERR_SYSTEM;
		*p = '/';
	}
	if (mkdir(buf, mode) == -1 && errno != EEXIST)
		return CUSTOS_ERR_SYSTEM;
	return 0;
}
