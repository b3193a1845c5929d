/*
 * cli_dispose: custos retention dispose --approver USER [--at DATE]
 * [--object sha256:HEX]... [--json].  POSTs /v1/retention/dispose
 * (docs/api.md) and prints each object disposed of with its entry.  Exit
 * 0 when every one named (or every disposable one) is disposed of and
 * its bytes removed, 1 after a refusal (nothing disposed of) or when
 * bytes stayed (the daemon removes them at its next start or disposal).
 */
#include <err.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli_dispose.h"
#include "cli_registry.h"
#include "tools/cli_util.h"

static int
usage(void)
{
	fprintf(stderr, "usage: custos [-c CONF] retention dispose --approver "
	    "USER [--at DATE]\n"
	    "           [--object sha256:HEX]... [--json]\n");
	return CLI_EXIT_USAGE;
}

/* Prints the answer; returns the exit status. */
static int
print(json_t *a)
{
	json_t *list = json_object_get(a, "disposed"), *o;
	int left = 0;
	size_t i;

	json_array_foreach(list, i, o) {
		printf("%s  %lld bytes  %s  disposed of by entry %lld under "
		    "rule %s%s\n", cli_registry_str(o, "object"),
		    (long long)json_integer_value(json_object_get(o, "size")),
		    cli_registry_str(o, "class"),
		    (long long)json_integer_value(json_object_get(o, "index")),
		    cli_registry_str(o, "rule"),
		    json_is_true(json_object_get(o, "removed")) ? "" :
		    "  (bytes not removed yet)");
		if (!json_is_true(json_object_get(o, "removed")))
			left++;
	}
	json_array_foreach(json_object_get(a, "skipped"), i, o)
		printf("%s  skipped: %s\n", cli_registry_str(o, "object"),
		    cli_registry_str(o, "reason"));
	printf("%zu object%s disposed of at %s, approved by %s\n",
	    json_array_size(list), json_array_size(list) == 1 ? "" : "s",
	    cli_registry_str(a, "at"), cli_registry_str(a, "approver"));
	if (left != 0)
		warnx("%d object%s kept %s bytes: custosd removes them at its "
		    "next start or disposal", left, left == 1 ? "" : "s",
		    left == 1 ? "its" : "their");
	return left != 0;
}

int
cli_dispose(const struct config *cfg, int argc, char *argv[])
{
	json_t *body, *objects, *a;
	int i, json = 0, rc;

	if ((body = json_object()) == NULL ||
	    (objects = json_array()) == NULL)
		errx(1, "out of memory");
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--approver") == 0 && i + 1 < argc)
			json_object_set_new(body, "approver",
			    json_string(argv[++i]));
		else if (strcmp(argv[i], "--at") == 0 && i + 1 < argc)
			json_object_set_new(body, "at", json_string(argv[++i]));
		else if (strcmp(argv[i], "--object") == 0 && i + 1 < argc)
			json_array_append_new(objects, json_string(argv[++i]));
		else {
			json_decref(objects);
			json_decref(body);
			return usage();
		}
	}
	if (json_array_size(objects) != 0)
		json_object_set(body, "objects", objects);
	json_decref(objects);
	if (json)
		return cli_registry_post(cfg, "/v1/retention/dispose", body,
		    NULL, 1);
	a = cli_registry_call(cfg, "/v1/retention/dispose", body);
	json_decref(body);
	if (a == NULL)
		return 1;
	rc = print(a);
	json_decref(a);
	return rc;
}
