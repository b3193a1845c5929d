/*
 * cli_hold: custos hold add|release|list (docs/retention.md), through
 * the daemon's POST /v1/holds, POST /v1/holds/{index}/release and GET
 * /v1/holds.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli_hold.h"
#include "cli_registry.h"
#include "tools/cli_util.h"

void
cli_hold_usage(FILE *f)
{
	fprintf(f, "usage: custos [-c CONF] hold add --inspection ID|"
	    "--enterprise USCC|--camera SERIAL|\n"
	    "           --object sha256:HEX --reason TEXT --reference REF "
	    "[--json]\n"
	    "       custos [-c CONF] hold release INDEX --reason TEXT "
	    "[--json]\n"
	    "       custos [-c CONF] hold list [--json]\n");
}

static int
usage(void)
{
	cli_hold_usage(stderr);
	return CLI_EXIT_USAGE;
}

static int
hold_add(const struct config *cfg, int argc, char *argv[], int json)
{
	static const char *const scopes[] = { "inspection", "enterprise",
	    "camera", "object" };
	const char *scope = NULL, *target = NULL, *reason = NULL;
	const char *reference = NULL;
	json_t *body;
	size_t k;
	int i;

	for (i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--reason") == 0)
			reason = argv[i + 1];
		else if (strcmp(argv[i], "--reference") == 0)
			reference = argv[i + 1];
		else {
			for (k = 0; k < 4; k++)
				if (strncmp(argv[i], "--", 2) == 0 &&
				    strcmp(argv[i] + 2, scopes[k]) == 0)
					break;
			if (k == 4 || scope != NULL)
				return usage();
			scope = scopes[k];
			target = argv[i + 1];
		}
	}
	if (i != argc || scope == NULL || reason == NULL || reference == NULL)
		return usage();
	if ((body = json_pack("{s:s, s:s, s:s, s:s}", "scope", scope,
	    "target", target, "reason", reason, "reference",
	    reference)) == NULL)
		errx(1, "out of memory");
	return cli_registry_post(cfg, "/v1/holds", body, NULL, json);
}

static int
hold_release(const struct config *cfg, int argc, char *argv[], int json)
{
	unsigned long long index;
	char path[64];
	json_t *body;

	if (argc != 5 || cli_parse_u64(argv[2], &index) != 0 ||
	    strcmp(argv[3], "--reason") != 0)
		return usage();
	snprintf(path, sizeof(path), "/v1/holds/%llu/release", index);
	if ((body = json_pack("{s:s}", "reason", argv[4])) == NULL)
		errx(1, "out of memory");
	return cli_registry_post(cfg, path, body, NULL, json);
}

static void
print_holds(json_t *j)
{
	json_t *h;
	size_t i;

	json_array_foreach(json_object_get(j, "holds"), i, h) {
		printf("hold %lld  %s %s  %s  reference %s  reason %s  by %s",
		    (long long)json_integer_value(json_object_get(h, "index")),
		    cli_registry_str(h, "scope"), cli_registry_str(h, "target"),
		    cli_registry_str(h, "time"), cli_registry_str(h,
		    "reference"), cli_registry_str(h, "reason"),
		    cli_registry_str(h, "by"));
		if (json_is_integer(json_object_get(h, "released")))
			printf("  released by entry %lld\n", (long long)
			    json_integer_value(json_object_get(h,
			    "released")));
		else
			printf("  active\n");
	}
}

int
cli_hold(const struct config *cfg, int argc, char *argv[])
{
	int json;

	json = cli_registry_json_flag(&argc, argv, 1);
	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "add") == 0)
		return hold_add(cfg, argc, argv, json);
	if (strcmp(argv[1], "release") == 0)
		return hold_release(cfg, argc, argv, json);
	if (strcmp(argv[1], "list") == 0 && argc == 2)
		return cli_registry_show(cfg, "/v1/holds", json, print_holds);
	return usage();
}
