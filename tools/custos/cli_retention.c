/*
 * cli_retention: custos retention plan [--at DATE] [--json].
 *
 * Reads the log directly (read-only, custosd running or not) through the
 * retention view the daemon keeps (include/custos/retention.h) and prints
 * what would be disposable at DATE (default today in Beijing), what is
 * held and by which hold, and counts and bytes per class.  Changes
 * nothing (docs/retention.md).
 */
#include <err.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "custos/config.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/replica.h"
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

/*
 * The replication queue, read-only, when [replica] is configured, else
 * NULL: the plan then shows each object's replica state, since disposal
 * waits for its confirmation (docs/retention.md).
 */
static struct replica_queue *replica_q;

/* "confirmed", "unconfirmed", or NULL without a queue. */
static const char *
replica_of(const struct retention_item *it)
{
	enum replica_state s;

	if (replica_q == NULL ||
	    replica_queue_state(replica_q, it->object, &s) != 0)
		return NULL;
	return s == REPLICA_CONFIRMED ? "confirmed" : "unconfirmed";
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
	if (replica_of(it) != NULL)
		json_object_set_new(j, "replica", json_string(replica_of(it)));
	return j;
}

/* Counts and bytes of the plan's items, per class and disposable. */
struct totals {
	unsigned long long count[RETENTION_NCLASSES];
	unsigned long long bytes[RETENTION_NCLASSES];
	unsigned long long disposable, disposable_bytes, held, disposed;
};

static void
count_items(const struct retention_item *items, size_t n, struct totals *t)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++) {
		if (items[i].state == RETENTION_DISPOSED) {
			/* Its object.deleted is in the log: listed, not
			 * counted in its class. */
			t->disposed++;
			continue;
		}
		t->count[items[i].cls]++;
		t->bytes[items[i].cls] += items[i].size;
		if (items[i].state == RETENTION_DISPOSABLE) {
			t->disposable++;
			t->disposable_bytes += items[i].size;
		} else if (items[i].state == RETENTION_HELD)
			t->held++;
	}
}

/* One item of state s as a member of its JSON array. */
static void
print_item_json(const struct config *cfg, const struct retention_item *it,
    int first)
{
	char *text;
	json_t *j;

	if (it->state == RETENTION_DISPOSED)
		j = json_pack("{s:s, s:I, s:s, s:s}", "object", it->object,
		    "size", (json_int_t)it->size, "class",
		    retention_class_name(it->cls), "state", "disposed");
	else
		j = item_json(cfg, it);
	if (j == NULL || (text = json_dumps(j, JSON_COMPACT |
	    JSON_PRESERVE_ORDER)) == NULL)
		errx(1, "out of memory");
	printf("%s    %s", first ? "\n" : ",\n", text);
	free(text);
	json_decref(j);
}

/* One item of state s as a line of the text plan. */
static void
print_item_text(const struct config *cfg, const struct retention_item *it)
{
	char since[11], due[11], per[32];

	if (it->due != RETENTION_NEVER)
		retention_day_format(it->due, due);
	else
		snprintf(due, sizeof(due), "never");
	if (it->state == RETENTION_DISPOSED) {
		printf("  %s  %" PRIu64 " bytes  class %s  DISPOSED\n",
		    it->object, it->size, retention_class_name(it->cls));
		return;
	}
	if (it->state == RETENTION_HELD) {
		printf("  %s  class %s, by hold %" PRIu64 " (otherwise "
		    "disposable from %s)\n", it->object,
		    retention_class_name(it->cls), it->hold, due);
		return;
	}
	retention_day_format(it->since, since);
	printf("  %s  %" PRIu64 " bytes  class %s (%s), since %s, disposable "
	    "from %s: %s; entry %" PRIu64 "%s\n", it->object, it->size,
	    retention_class_name(it->cls), retention_period_text(cfg, it->cls,
	    per, sizeof(per)), since, due, rule(it->cls), it->entry,
	    replica_of(it) != NULL && strcmp(replica_of(it), "confirmed") !=
	    0 ? "; not yet confirmed off-station" : "");
}

/*
 * The items in state s, in the order they were first sealed: as the JSON
 * array member key (streamed, so a plan of a million objects is never
 * held as one JSON tree), or as text lines.
 */
static void
print_items(const struct config *cfg, const struct retention_item *items,
    size_t n, enum retention_state s, const char *key, int json)
{
	size_t i;
	int first = 1;

	if (json)
		printf(",\n  \"%s\": [", key);
	for (i = 0; i < n; i++) {
		if (items[i].state != s)
			continue;
		if (json)
			print_item_json(cfg, &items[i], first);
		else
			print_item_text(cfg, &items[i]);
		first = 0;
	}
	if (json)
		printf(first ? "]" : "\n  ]");
}

static const char *
plural(unsigned long long n)
{
	return n == 1 ? "" : "s";
}

static void
print_classes(const struct config *cfg, const struct totals *t, int json)
{
	const char *pt;
	char per[32];
	int c;

	if (!json)
		printf("classes:\n");
	else
		printf(",\n  \"classes\": {");
	for (c = 0; c < RETENTION_NCLASSES; c++) {
		pt = retention_period_text(cfg, c, per, sizeof(per));
		if (json)
			printf("%s\n    \"%s\": {\"objects\": %llu, \"bytes\": "
			    "%llu, \"period\": \"%s\"}", c == 0 ? "" : ",",
			    retention_class_name(c), t->count[c], t->bytes[c],
			    pt);
		else
			printf("  %-10s  %-10s  %llu object%s, %llu bytes\n",
			    retention_class_name(c), pt, t->count[c],
			    plural(t->count[c]), t->bytes[c]);
	}
	if (json)
		printf("\n  }");
}

static int
print_plan(const struct config *cfg, struct retention *r, int64_t day,
    int json)
{
	const struct retention_item *items;
	struct totals t;
	char at[11];
	size_t n;

	if (retention_plan(r, cfg, day, &items, &n) != 0) {
		warnx("retention plan: out of memory");
		return 1;
	}
	retention_day_format(day, at);
	count_items(items, n, &t);
	if (json) {
		printf("{\n  \"at\": \"%s\"", at);
		print_items(cfg, items, n, RETENTION_DISPOSABLE, "disposable",
		    1);
		print_items(cfg, items, n, RETENTION_HELD, "held", 1);
		print_items(cfg, items, n, RETENTION_DISPOSED, "disposed", 1);
		print_classes(cfg, &t, 1);
		printf(",\n  \"disposable_objects\": %llu,\n"
		    "  \"disposable_bytes\": %llu\n}\n", t.disposable,
		    t.disposable_bytes);
		return 0;
	}
	printf("retention plan at %s (nothing is changed)\n", at);
	printf("disposable: %llu object%s, %llu bytes\n", t.disposable,
	    plural(t.disposable), t.disposable_bytes);
	print_items(cfg, items, n, RETENTION_DISPOSABLE, NULL, 0);
	printf("held: %llu object%s\n", t.held, plural(t.held));
	print_items(cfg, items, n, RETENTION_HELD, NULL, 0);
	printf("disposed: %llu object%s\n", t.disposed, plural(t.disposed));
	print_items(cfg, items, n, RETENTION_DISPOSED, NULL, 0);
	print_classes(cfg, &t, 0);
	return 0;
}

int
cli_retention(const struct config *cfg, int argc, char *argv[])
{
	struct retention_view *v;
	struct retention *r = NULL;
	struct log *l = NULL;
	char path[PATH_MAX];
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
	/*
	 * The daemon keeps the retention view at the log's size; without it
	 * (custosd never ran this version) the whole log is parsed.
	 */
	snprintf(path, sizeof(path), "%s/log.db", cfg->state_dir);
	if (retention_view_open(path, 1, &v) != 0)
		v = NULL;
	if (cfg->replica_endpoint != NULL &&
	    replica_queue_open_ro(path, &replica_q) != 0)
		replica_q = NULL;
	if ((rc = retention_view_load(v, l, &r, &bad)) != 0) {
		warnx("log entry %" PRIu64 ": %s", bad, custos_strerror(rc));
		rc = CLI_EXIT_USAGE;
	} else
		rc = print_plan(cfg, r, day, json);
	retention_free(r);
	retention_view_close(v);
	replica_queue_close(replica_q);
	replica_q = NULL;
	log_close(l);
	return rc;
}
