/*
 * replica_conf: struct s3_params from the config and the credentials file
 * (include/custos/replica_conf.h).  The file is checked on the descriptor
 * it is read from (no window between the check and the read), read whole,
 * parsed with inih, and its buffer wiped.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "custos/config.h"
#include "custos/err.h"
#include "custos/replica_conf.h"
#include "custos/s3.h"

#define CREDS_MAX	4096	/* bytes of a credentials file */

struct replica_creds {
	char		*access_key;
	char		*secret_key;
	int		 bad;		/* 1: an unknown key, a section, a
					   duplicate */
	char		 what[96];	/* what was bad */
};

static void
wipe_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void
replica_creds_free(struct replica_creds *k)
{
	if (k == NULL)
		return;
	wipe_free(k->access_key);
	wipe_free(k->secret_key);
	free(k);
}

static int
on_key(void *arg, const char *section, const char *name, const char *value)
{
	struct replica_creds *k = arg;
	char **to = NULL;

	if (k->bad)
		return 0;
	if (section[0] != '\0')
		snprintf(k->what, sizeof(k->what), "a section [%.32s] (the "
		    "keys go before any section)", section);
	else if (strcmp(name, "access_key") == 0)
		to = &k->access_key;
	else if (strcmp(name, "secret_key") == 0)
		to = &k->secret_key;
	else
		snprintf(k->what, sizeof(k->what), "unknown key \"%.32s\" "
		    "(expected access_key and secret_key)", name);
	if (to != NULL && *to != NULL)
		snprintf(k->what, sizeof(k->what), "%s given twice", name);
	if (to == NULL || *to != NULL) {
		k->bad = 1;
		return 0;
	}
	if ((*to = strdup(value)) == NULL) {
		snprintf(k->what, sizeof(k->what), "out of memory");
		k->bad = 1;
		return 0;
	}
	return 1;
}

/* The file's bytes, once it is known to be private: 0 or an error. */
static int
read_private(const char *path, char *buf, size_t bufsz, char *err,
    size_t errlen)
{
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return CUSTOS_ERR_CONFIG;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: %s; it holds the replica's secret "
		    "key: chmod 600 it", path, !S_ISREG(st.st_mode) ?
		    "not a regular file" : (st.st_mode & 044) != 0 ?
		    "readable by its group or others" : "writable by its "
		    "group or others");
		close(fd);
		return CUSTOS_ERR_CONFIG;
	}
	while ((n = read(fd, buf + len, bufsz - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (n == -1 || len == bufsz - 1) {
		snprintf(err, errlen, "%s: %s", path, n == -1 ?
		    strerror(errno) : "larger than 4 KiB");
		return CUSTOS_ERR_CONFIG;
	}
	buf[len] = '\0';
	return 0;
}

/* The keys of the file at path into *out. */
static int
load_creds(const char *path, struct replica_creds **out, char *err,
    size_t errlen)
{
	struct replica_creds *k;
	char buf[CREDS_MAX];
	int line, rc;

	if ((rc = read_private(path, buf, sizeof(buf), err, errlen)) != 0)
		return rc;
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		explicit_bzero(buf, sizeof(buf));
		return CUSTOS_ERR_NOMEM;
	}
	line = ini_parse_string(buf, on_key, k);
	explicit_bzero(buf, sizeof(buf));
	if (line != 0 || k->bad || k->access_key == NULL ||
	    k->secret_key == NULL) {
		if (k->bad)
			snprintf(err, errlen, "%s:%d: %s", path, line, k->what);
		else if (line != 0)
			snprintf(err, errlen, "%s:%d: expected \"key = value\"",
			    path, line);
		else
			snprintf(err, errlen, "%s: %s missing", path,
			    k->access_key == NULL ? "access_key" :
			    "secret_key");
		replica_creds_free(k);
		return CUSTOS_ERR_CONFIG;
	}
	*out = k;
	return 0;
}

int
replica_conf_params(const struct config *c, struct s3_params *p,
    struct replica_creds **creds, char *err, size_t errlen)
{
	int rc;

	*creds = NULL;
	if (c->replica_endpoint == NULL) {
		snprintf(err, errlen, "%s: no [replica] endpoint", c->path);
		return CUSTOS_ERR_NOTFOUND;
	}
	if ((rc = load_creds(c->replica_credentials, creds, err, errlen)) !=
	    0)
		return rc;
	memset(p, 0, sizeof(*p));
	p->endpoint = c->replica_endpoint;
	p->bucket = c->replica_bucket;
	p->region = c->replica_region;
	p->access_key = (*creds)->access_key;
	p->secret_key = (*creds)->secret_key;
	p->ca = c->replica_ca;
	p->part_size = c->replica_part_size;
	p->multipart_threshold = c->replica_multipart_threshold;
	return 0;
}
