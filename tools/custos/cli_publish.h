/*
 * cli_publish: "custos log publish", the log published as C2SP
 * tlog-tiles (tiles.h) into a directory or the [replica] bucket, read
 * from the log read-only so that it works whether or not custosd runs.
 */
#ifndef CUSTOS_CLI_PUBLISH_H
#define CUSTOS_CLI_PUBLISH_H

#include <stdio.h>

#include "custos/config.h"

/*
 * Runs "log publish --dir DIR|--replica [--all] [--timestamped]
 * [--json]" (argv[0] is "log", argv[1] "publish").  Returns the exit
 * code: 0 published (or already up to date), 1 failed, 2 usage error or
 * an unusable input.
 */
int	 cli_publish(const struct config *cfg, int argc, char *argv[]);

/* Prints its usage line on f. */
void	 cli_publish_usage(FILE *f);

#endif
