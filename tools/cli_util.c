/*
 * cli_util: what custos and custos-verify share (cli_util.h).  The
 * messages are the tools' documented output: keep them as they are
 * (tests/cli/custos-verify.exp).
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custos/enc.h"
#include "custos/err.h"
#include "custos/note.h"

#include "cli_util.h"

void
cli_exit(int code)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warn("stdout");
		_exit(CLI_EXIT_USAGE);
	}
	if (fclose(stdout) == EOF) {
		warn("stdout");
		_exit(CLI_EXIT_USAGE);
	}
	exit(code);
}

void
cli_usage_exit(const char *prog, const char *text, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", text);
	cli_exit(CLI_EXIT_USAGE);
}

int
cli_parse_u64(const char *s, unsigned long long *out)
{
	uint64_t v;

	if (s == NULL || dec_decode(s, strlen(s), &v) != 0)
		return -1;
	*out = v;
	return 0;
}

/* What a file that is neither regular nor a directory is, for people. */
static const char *
file_kind(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	return "of an unknown type";
}

int
cli_open_input(const char *what, const char *path, int dir_ok, int *fdp,
    char *why, size_t whysz)
{
	const char *sp = what != NULL ? " " : "";
	struct stat sb;
	int fd, fl, err = 0, rc = CUSTOS_ERR_SYSTEM;

	if (what == NULL)
		what = "";
	*fdp = -1;
	/*
	 * O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
	 * writer forever (and a device could do anything); the type is
	 * checked on what was opened, so nothing can be swapped in between.
	 */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) == -1 || fstat(fd, &sb) == -1 ||
	    (fl = fcntl(fd, F_GETFL)) == -1)
		err = errno;
	else if (S_ISDIR(sb.st_mode) && !dir_ok)
		err = EISDIR;
	else if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)) {
		snprintf(why, whysz, "cannot read %s%s%s: not a regular "
		    "file (%s)", what, sp, path, file_kind(sb.st_mode));
		rc = CUSTOS_ERR_INVALID;
	} else if (fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1)
		err = errno;
	else {
		*fdp = fd;
		return 0;
	}
	if (err != 0)
		snprintf(why, whysz, "cannot read %s%s%s: %s", what, sp, path,
		    strerror(err));
	if (fd != -1)
		close(fd);
	errno = err;
	return rc;
}

int
cli_read_input(const char *what, const char *path, size_t max, char **buf,
    size_t *len, char *why, size_t whysz)
{
	const char *sp = what != NULL ? " " : "";
	char *b = NULL, *nb;
	size_t cap = 0, n = 0;
	ssize_t r;
	int fd, rc, saved;

	*buf = NULL;
	*len = 0;
	if ((rc = cli_open_input(what, path, 0, &fd, why, whysz)) != 0)
		return rc;
	if (what == NULL)
		what = "";
	for (;;) {
		if (n == cap) {
			/* One byte beyond max tells a file that is too big. */
			cap = cap == 0 ? 4096 : 2 * cap;
			if (cap > max + 1)
				cap = max + 1;
			if (n == cap) {
				rc = CUSTOS_ERR_TOOBIG;
				break;
			}
			if ((nb = realloc(b, cap + 1)) == NULL) {
				rc = CUSTOS_ERR_NOMEM;
				break;
			}
			b = nb;
		}
		if ((r = read(fd, b + n, cap - n)) == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			rc = CUSTOS_ERR_SYSTEM;
			snprintf(why, whysz, "cannot read %s%s%s: %s", what,
			    sp, path, strerror(errno));
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	saved = errno;
	close(fd);
	if (rc == 0 && b == NULL && (b = malloc(1)) == NULL)
		rc = CUSTOS_ERR_NOMEM;
	if (rc != 0) {
		free(b);
		errno = saved;
		if (rc == CUSTOS_ERR_TOOBIG)
			snprintf(why, whysz, "%s%s%s: larger than %zu bytes",
			    what, sp, path, max);
		else if (rc == CUSTOS_ERR_NOMEM)
			snprintf(why, whysz, "cannot read %s%s%s: %s", what,
			    sp, path, custos_strerror(rc));
		return rc;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int
cli_load_verifier(const char *what, const char *path, size_t max,
    struct note_verifier **v, char *why, size_t whysz)
{
	char *buf;
	size_t len;
	int rc;

	*v = NULL;
	if ((rc = cli_read_input(what, path, max, &buf, &len, why,
	    whysz)) != 0)
		return rc;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	rc = note_verifier_parse(buf, len, v);
	free(buf);
	if (rc == CUSTOS_ERR_UNSUPPORTED)
		snprintf(why, whysz, "key file %s: unsupported key type", path);
	else if (rc != 0)
		snprintf(why, whysz, "key file %s: not a C2SP verifier key "
		    "(%s)", path, custos_strerror(rc));
	return rc;
}
