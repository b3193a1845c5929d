/*
 * verify_util: the helpers custos-verify's verbs share (verify_util.h).
 * The messages are the verifier's documented output: keep them as they
 * are (tests/cli/custos-verify.exp).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custos/enc.h"
#include "custos/err.h"
#include "custos/profile.h"

#include "verify_util.h"

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
verify_open(const char *what, const char *path, int dir_ok, int *fdp,
    char *why, size_t whysz)
{
	const char *sp = what != NULL ? " " : "";
	struct stat sb;
	int fd, fl;

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
	    (fl = fcntl(fd, F_GETFL)) == -1) {
		snprintf(why, whysz, "cannot read %s%s%s: %s", what, sp, path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return CUSTOS_ERR_SYSTEM;
	}
	if (S_ISDIR(sb.st_mode) && !dir_ok) {
		snprintf(why, whysz, "cannot read %s%s%s: %s", what, sp, path,
		    strerror(EISDIR));
		close(fd);
		return CUSTOS_ERR_INVALID;
	}
	if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)) {
		snprintf(why, whysz, "cannot read %s%s%s: not a regular "
		    "file (%s)", what, sp, path, file_kind(sb.st_mode));
		close(fd);
		return CUSTOS_ERR_INVALID;
	}
	if (fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
		snprintf(why, whysz, "cannot read %s%s%s: %s", what, sp, path,
		    strerror(errno));
		close(fd);
		return CUSTOS_ERR_SYSTEM;
	}
	*fdp = fd;
	return 0;
}

int
verify_read_file(const char *what, const char *path, size_t max, char **buf,
    size_t *len, char *why, size_t whysz)
{
	const char *sp = what != NULL ? " " : "";
	char *b = NULL, *nb;
	size_t cap = 0, n = 0;
	ssize_t r;
	int fd, rc;

	*buf = NULL;
	*len = 0;
	if ((rc = verify_open(what, path, 0, &fd, why, whysz)) != 0)
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
	close(fd);
	if (rc == 0 && b == NULL && (b = malloc(1)) == NULL)
		rc = CUSTOS_ERR_NOMEM;
	if (rc != 0) {
		free(b);
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
verify_load_key(const char *path, struct note_verifier **v,
    enum digest_alg *alg, char *key, size_t keysz, char *why, size_t whysz)
{
	char *buf, name[4 * NOTE_MAX_NAME + 1];
	size_t len;
	int rc;

	*v = NULL;
	if ((rc = verify_read_file(NULL, path, VERIFY_KEY_MAX, &buf, &len, why,
	    whysz)) != 0)
		return rc;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	rc = note_verifier_parse(buf, len, v);
	free(buf);
	if (rc == CUSTOS_ERR_UNSUPPORTED) {
		snprintf(why, whysz, "key file %s: unsupported key type", path);
		return rc;
	}
	if (rc != 0) {
		snprintf(why, whysz, "key file %s: not a C2SP verifier key "
		    "(%s)", path, custos_strerror(rc));
		return rc;
	}
	*alg = profile_digest(profile_of_sign(note_verifier_alg(*v)));
	snprintf(key, keysz, "%s+%08" PRIx32,
	    esc_encode(note_verifier_name(*v), name, sizeof(name)),
	    note_verifier_keyid(*v));
	return 0;
}

const char *
verify_hash_str(enum digest_alg alg, const uint8_t h[DIGEST_LEN], char *buf,
    size_t bufsz)
{
	if (digest_format(alg, h, buf, bufsz) != 0)
		snprintf(buf, bufsz, "?");
	return buf;
}

/*
 * JSON integers are signed 64-bit in jansson; a tree size beyond that
 * (which no real log reaches) is given as a decimal string instead.
 */
json_t *
verify_json_u64(uint64_t v)
{
	char buf[24];

	if (v <= INT64_MAX)
		return json_integer((json_int_t)v);
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return json_string(buf);
}

int
verify_json_print(json_t *o)
{
	int rc;

	rc = json_dumpf(o, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (rc != 0 || putchar('\n') == EOF)
		return -1;
	return 0;
}
