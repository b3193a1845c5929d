/*
 * cli_keys: a new key pair written to PREFIX.key and PREFIX.vkey
 * (cli_keys.h), for the station's keys and a witness's alike.
 */
#include <err.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "custos/err.h"
#include "custos/util.h"
#include "cli_keys.h"

static int
write_one(const char *prefix, const char *suffix, const char *text,
    size_t len, mode_t mode)
{
	char path[PATH_MAX];
	int rc;

	if ((size_t)snprintf(path, sizeof(path), "%s%s", prefix, suffix) >=
	    sizeof(path)) {
		warnx("%s: name too long", prefix);
		return 1;
	}
	if ((rc = util_write_file(path, text, len, mode, 1)) != 0) {
		if (rc == CUSTOS_ERR_EXISTS)
			warnx("%s exists; not overwriting a key", path);
		else
			warn("%s", path);
		return 1;
	}
	return 0;
}

int
cli_keys_write(const char *prefix, const char *skey, const char *vkey)
{
	char line[1024];
	int n;

	n = snprintf(line, sizeof(line), "%s\n", vkey);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		warnx("%s.vkey: key too long", prefix);
		return 1;
	}
	if (write_one(prefix, ".key", skey, strlen(skey), 0600) != 0)
		return 1;
	return write_one(prefix, ".vkey", line, (size_t)n, 0644);
}
