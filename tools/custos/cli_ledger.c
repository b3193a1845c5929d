/*
 * cli_ledger: "custos ledger", the inspection ledger (台账) read from
 * GET /v1/ledger (docs/api.md) and written as CSV (lib/inspection/ledger.c)
 * or JSON.  The CSV is for the people who keep the ledger: Beijing time
 * and Chinese labels; --lang en gives English headings, the codes and the
 * UTC times.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/config.h"
#include "custos/ledger.h"
#include "cli_inspect.h"
#include "cli_ledger.h"
#include "cli_registry.h"
#include "tools/cli_util.h"

static int
usage(void)
{
	cli_inspect_usage(stderr);
	return 2;
}

/*
 * The ledger as CSV (custos/ledger.h, the same bytes the web console's
 * /ledger.csv serves); a write error shows in cli_ledger()'s fflush.
 */
static void
print_ledger_zh(json_t *j)
{
	(void)ledger_csv(j, 0, stdout);
}

static void
print_ledger_en(json_t *j)
{
	(void)ledger_csv(j, 1, stdout);
}

/*
 * custos ledger [--from DATE] [--to DATE] [--format csv|json]
 * [--lang zh|en]
 */
int
cli_ledger(const struct config *cfg, int argc, char *argv[])
{
	const char *from = NULL, *to = NULL, *format = "csv", *lang = "zh";
	char path[256];
	int i;

	for (i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			return usage();
		if (strcmp(argv[i], "--from") == 0 && from == NULL)
			from = argv[i + 1];
		else if (strcmp(argv[i], "--to") == 0 && to == NULL)
			to = argv[i + 1];
		else if (strcmp(argv[i], "--format") == 0)
			format = argv[i + 1];
		else if (strcmp(argv[i], "--lang") == 0)
			lang = argv[i + 1];
		else
			return usage();
	}
	if ((strcmp(format, "csv") != 0 && strcmp(format, "json") != 0) ||
	    (strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0) ||
	    (from != NULL && strspn(from, "0123456789-") != strlen(from)) ||
	    (to != NULL && strspn(to, "0123456789-") != strlen(to)) ||
	    (from != NULL && strlen(from) > 16) ||
	    (to != NULL && strlen(to) > 16))
		return usage();
	snprintf(path, sizeof(path), "/v1/ledger%s%s%s%s%s",
	    from != NULL || to != NULL ? "?" : "",
	    from != NULL ? "from=" : "", from != NULL ? from : "",
	    from != NULL && to != NULL ? "&" : "", "");
	if (to != NULL)
		snprintf(path + strlen(path), sizeof(path) - strlen(path),
		    "to=%s", to);
	if (cli_registry_show(cfg, path, strcmp(format, "json") == 0,
	    strcmp(lang, "en") == 0 ? print_ledger_en : print_ledger_zh) != 0)
		return 1;
	return fflush(stdout) == 0 ? 0 : 1;
}
