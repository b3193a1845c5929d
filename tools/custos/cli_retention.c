/*
 * cli_retention: custos retention plan [--at DATE] [--json].
 *
 * Reads the log directly (read-only, custosd running or not), feeds each
 * entry to the retention module (include/custos/retention.h) and prints
 * what would be disposable at DATE (default today in Beijing), what is
 * held and by which hold, and counts and bytes per class.  Changes
 * nothing (docs/retention.md).
 */
#include <err.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "custos/config.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/retention.h"
#include "cli_dispose.h"
#include "cli_log.h"
#include "cli_retention.h"
#include "tools/cli_util.h"

void
cli_retention_usage(FILE *f)
{
	fprintf(f, "usage: custos [-c CONF] retention plan [--at DATE] "
	    "[--json]\n"
	    "       custos [-c CONF] retention dispose --approver USER "
	    "[--at DATE]\n"
	    "           [--object sha256:HEX]... [--json]\n");
}

static int
usage(void)
{
	cli_retention_usage(stderr);
	return CLI_EXIT_USAGE;
}

static const char *
rule(enum retention_class c)
{
	switch (c) {
	case RETENTION_UNLINKED:
		return "footage never linked to an inspection, from sealing";
	case RETENTION_DOCUMENTS:
		return "document sealed in an inspection, from sealing";
	case RETENTION_NO_PENALTY:
		return "footage of an inspection closed without a penalty "
		    "decision, from closing";
	case RETENTION_PENALTY:
		return "footage of an inspection with a penalty decision "
		    "(case file), from the later of closing and decision";
	default:
		return "footage of an inspection still open: never "
		    "disposable";
	}
}

static const char *
state_name(enum retention_state s)
{
	static const char *const names[] = { "keep", "disposable", "held",
	    "disposed" };

	return names[s];
}

static json_t *
item_json(const struct config *cfg, const struct retention_item *it)
{
	char since[11], due[11], per[32];
	json_t *j;

	j = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:I}",
	    "object", it->object, "size", (json_int_t)it->size,
	    "class", retention_class_name(it->cls), "state",
	    state_name(it->state), "rule", rule(it->cls), "period",
	    retention_period_text(cfg, it->cls, per, sizeof(per)), "entry",
	    (json_int_t)it->entry, "holders", (json_int_t)it->holders);
	if (j == NULL)
		return NULL;
	if (it->since != RETENTION_NEVER) {
		retention_day_format(it->since, since);
		json_object_set_new(j, "since", json_string(since));
	}
	if (it->due != RETENTION_NEVER) {
		retention_day_format(it->due, due);
		json_object_set_new(j, "disposable_from", json_string(due));
	}
	if (it->hold != RETENTION_NONE)
		json_object_set_new(j, "hold", json_integer((json_int_t)
		    it->hold));
	return j;
}

static int
print_plan(const struct config *cfg, struct retention *r, int64_t day,
    int json)
{
	const struct retention_item *items;
	unsigned long long count[RETENTION_NCLASSES] = { 0 };
	unsigned long long bytes[RETENTION_NCLASSES] = { 0 };
	unsigned long long dcount = 0, dbytes = 0;
	json_t *out, *disp, *held, *gone, *classes, *j;
	char at[11], due[11], per[32];
	size_t i, n;
	int c;

	if (retention_plan(r, cfg, day, &items, &n) != 0) {
		warnx("retention plan: out of memory");
		return 1;
	}
	retention_day_format(day, at);
	out = json_pack("{s:s}", "at", at);
	disp = json_array();
	held = json_array();
	gone = json_array();
	classes = json_object();
	if (out == NULL || disp == NULL || held == NULL || gone == NULL ||
	    classes == NULL)
		errx(1, "out of memory");
	for (i = 0; i < n; i++) {
		if (items[i].state == RETENTION_DISPOSED) {
			/* Its object.deleted is in the log: listed, not
			 * counted in its class. */
			if ((j = json_pack("{s:s, s:I, s:s, s:s}", "object",
			    items[i].object, "size", (json_int_t)items[i].size,
			    "class", retention_class_name(items[i].cls),
			    "state", "disposed")) == NULL)
				errx(1, "out of memory");
			json_array_append_new(gone, j);
			continue;
		}
		count[items[i].cls]++;
		bytes[items[i].cls] += items[i].size;
		if (items[i].state == RETENTION_DISPOSABLE) {
			dcount++;
			dbytes += items[i].size;
			if ((j = item_json(cfg, &items[i])) == NULL)
				errx(1, "out of memory");
			json_array_append_new(disp, j);
		} else if (items[i].state == RETENTION_HELD) {
			if ((j = item_json(cfg, &items[i])) == NULL)
				errx(1, "out of memory");
			json_array_append_new(held, j);
		}
	}
	for (c = 0; c < RETENTION_NCLASSES; c++)
		json_object_set_new(classes, retention_class_name(c),
		    json_pack("{s:I, s:I, s:s}", "objects",
		    (json_int_t)count[c], "bytes", (json_int_t)bytes[c],
		    "period", retention_period_text(cfg, c, per, sizeof(per))));
	json_object_set_new(out, "disposable", disp);
	json_object_set_new(out, "held", held);
	json_object_set_new(out, "disposed", gone);
	json_object_set_new(out, "classes", classes);
	json_object_set_new(out, "disposable_objects",
	    json_integer((json_int_t)dcount));
	json_object_set_new(out, "disposable_bytes",
	    json_integer((json_int_t)dbytes));
	if (json) {
		if (json_dumpf(out, stdout, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER) != 0)
			errx(1, "cannot write the plan");
		printf("\n");
		json_decref(out);
		return 0;
	}
	printf("retention plan at %s (nothing is changed)\n", at);
	printf("disposable: %llu object%s, %llu bytes\n", dcount,
	    dcount == 1 ? "" : "s", dbytes);
	json_array_foreach(disp, i, j) {
		printf("  %s  %" JSON_INTEGER_FORMAT " bytes  class %s "
		    "(%s), since %s, disposable from %s: %s; entry %"
		    JSON_INTEGER_FORMAT "\n",
		    json_string_value(json_object_get(j, "object")),
		    json_integer_value(json_object_get(j, "size")),
		    json_string_value(json_object_get(j, "class")),
		    json_string_value(json_object_get(j, "period")),
		    json_string_value(json_object_get(j, "since")),
		    json_string_value(json_object_get(j, "disposable_from")),
		    json_string_value(json_object_get(j, "rule")),
		    json_integer_value(json_object_get(j, "entry")));
	}
	printf("held: %zu object%s\n", json_array_size(held),
	    json_array_size(held) == 1 ? "" : "s");
	json_array_foreach(held, i, j) {
		const char *d = json_string_value(json_object_get(j,
		    "disposable_from"));

		snprintf(due, sizeof(due), "%s", d != NULL ? d : "never");
		printf("  %s  class %s, by hold %" JSON_INTEGER_FORMAT
		    " (otherwise disposable from %s)\n",
		    json_string_value(json_object_get(j, "object")),
		    json_string_value(json_object_get(j, "class")),
		    json_integer_value(json_object_get(j, "hold")), due);
	}
	printf("disposed: %zu object%s\n", json_array_size(gone),
	    json_array_size(gone) == 1 ? "" : "s");
	json_array_foreach(gone, i, j)
		printf("  %s  %" JSON_INTEGER_FORMAT " bytes  class %s  "
		    "DISPOSED\n",
		    json_string_value(json_object_get(j, "object")),
		    json_integer_value(json_object_get(j, "size")),
		    json_string_value(json_object_get(j, "class")));
	printf("classes:\n");
	for (c = 0; c < RETENTION_NCLASSES; c++)
		printf("  %-10s  %-10s  %llu object%s, %llu bytes\n",
		    retention_class_name(c), retention_period_text(cfg, c, per,
		    sizeof(per)), count[c], count[c] == 1 ? "" : "s",
		    bytes[c]);
	json_decref(out);
	return 0;
}

int
cli_retention(const struct config *cfg, int argc, char *argv[])
{
	struct retention *r = NULL;
	struct log *l = NULL;
	uint64_t bad;
	int64_t day;
	int i, json = 0, rc;

	if (argc >= 2 && strcmp(argv[1], "dispose") == 0)
		return cli_dispose(cfg, argc, argv);
	if (argc < 2 || strcmp(argv[1], "plan") != 0)
		return usage();
	day = retention_day_of((int64_t)time(NULL) * 1000);
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--at") == 0 && i + 1 < argc) {
			if (retention_day_parse(argv[++i], &day) != 0) {
				warnx("--at %s: expected a date YYYY-MM-DD",
				    argv[i]);
				return CLI_EXIT_USAGE;
			}
		} else
			return usage();
	}
	if ((rc = cli_log_open(cfg, &l)) != 0)
		return rc;
	if ((rc = retention_load(l, &r, &bad)) != 0) {
		warnx("log entry %" PRIu64 ": %s", bad, custos_strerror(rc));
		rc = CLI_EXIT_USAGE;
	} else
		rc = print_plan(cfg, r, day, json);
	retention_free(r);
	log_close(l);
	return rc;
}
