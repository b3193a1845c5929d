/*
 * cli_logdb: the station's log opened read-only for the CLI's verbs
 * (cli_log.h), kept apart from the log verbs themselves so that the verbs
 * cli_log.c hands on (publish) can open it without calling back into it.
 */
#include <err.h>
#include <limits.h>
#include <stdio.h>

#include "custos/config.h"
#include "custos/err.h"
#include "custos/log.h"
#include "cli_log.h"

int
cli_log_open(const struct config *cfg, struct log **out)
{
	char path[PATH_MAX];
	int rc;

	snprintf(path, sizeof(path), "%s/log.db", cfg->state_dir);
	if ((rc = log_open(path, cfg->digest_alg, LOG_RDONLY, out)) != 0) {
		if (rc == CUSTOS_ERR_NOTFOUND)
			warnx("%s: no log here yet (has custosd run?)", path);
		else if (rc == CUSTOS_ERR_SYSTEM)
			warn("%s", path);
		else
			warnx("%s: %s", path, custos_strerror(rc));
		return 2;
	}
	return 0;
}
