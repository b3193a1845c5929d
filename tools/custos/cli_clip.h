/*
 * cli_clip: "custos export" with --clip, a clip bundle of one segment
 * (docs/bundle.md, "Clips"); without --clip, the inspection's bundle
 * (cli_export.h).
 */
#ifndef CUSTOS_CLI_CLIP_H
#define CUSTOS_CLI_CLIP_H

#include <stdio.h>

struct config;

/*
 * Runs "export [INSPECTION] --clip SEGMENT --from T --to T -o OUT
 * --purpose TEXT ..." (argv[0] is "export"), or cli_export() when argv
 * has no --clip.  Returns the exit status: 0 written and logged, 1 failed
 * (nothing is left at the output path), 2 usage error.
 */
int	 cli_clip_export(const struct config *cfg, int argc, char *argv[]);

/* Prints both forms of the verb's usage on f. */
void	 cli_clip_usage(FILE *f);

#endif
