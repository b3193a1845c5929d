/*
 * cli_audit_report: the report of "custos audit" (docs/audit.md): as
 * text, one headline per part with its failures, then the findings and
 * the verdict; or as one JSON object.  The audit itself is cli_audit.c's.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "custos/config.h"
#include "cli_audit_int.h"
#include "cli_replay.h"
#include "tools/cli_util.h"

static const char *const part_names[P_COUNT] = {
	"log", "timestamps", "objects", "cameras", "inspections", "findings",
};

/* A string member of o for printing: "?" when absent. */
static const char *
text(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "?";
}

static long long
num(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* "s" unless n is 1. */
static const char *
plural(long long n)
{
	return n == 1 ? "" : "s";
}

/* The latest verified timestamp, for the headline. */
static void
print_latest(const json_t *o)
{
	const json_t *t = json_array_get(json_object_get(o, "timestamps"),
	    json_array_size(json_object_get(o, "timestamps")) - 1);

	if (t != NULL)
		printf("; the latest covers tree size %lld at %s",
		    num(t, "tree_size"), text(t, "time"));
}

/* Prints "<n> <one>" or "<n> <many>". */
static void
count(long long n, const char *one, const char *many)
{
	printf("%lld %s", n, n == 1 ? one : many);
}

/* Each disposed object: a state of its own, not a failure. */
static void
print_disposed(json_t *list)
{
	json_t *d;
	size_t i;

	json_array_foreach(list, i, d)
		printf("    %s disposed of by entry %lld on %s under rule "
		    "%s\n", text(d, "object"), num(d, "entry"),
		    text(d, "date"), text(d, "rule"));
}

/* The part's headline: its mark, name and counts. */
static void
print_head(struct audit *a, enum part p)
{
	json_t *o = a->part[p];

	printf("%s %-12s ", a->failures[p] ? "\u2718" : "\u2714",
	    part_names[p]);
	switch (p) {
	case P_LOG:
		count(num(o, "entries"), "entry", "entries");
		printf(" re-hashed, tree recomputed, ");
		count(num(o, "checkpoints"), "checkpoint", "checkpoints");
		printf(" signed and consistent; root %s\n", text(o, "root"));
		break;
	case P_TIMESTAMPS:
		if (json_object_get(o, "not_checked") != NULL)
			printf("%lld stored, not checked: %s\n",
			    num(o, "stored"), text(o, "not_checked"));
		else if (num(o, "stored") == 0)
			printf("none stored%s\n", a->s.cfg->tsa_url == NULL ?
			    " (no [tsa] configured)" : "");
		else {
			printf("%lld of %lld verified against %s",
			    num(o, "verified"), num(o, "stored"),
			    text(o, "ca"));
			print_latest(o);
			printf("\n");
		}
		break;
	case P_OBJECTS:
		printf("%lld of ", num(o, "good"));
		count(num(o, "checked"), "object", "objects");
		printf(" %s, %lld disposed of by object.deleted\n", a->rehash ?
		    "present and re-hashed" : "present (not re-hashed: "
		    "--no-objects)", num(o, "disposed"));
		print_disposed(json_object_get(o, "disposed_of"));
		break;
	case P_CAMERAS:
		count(num(o, "cameras"), "camera chain", "camera chains");
		printf(" of ");
		count(num(o, "segments"), "segment", "segments");
		printf(", ");
		count(num(o, "sessions"), "dock session", "dock sessions");
		printf("; ");
		count((long long)json_array_size(json_object_get(o,
		    "missing_files")), "file", "files");
		printf(" gone from cameras unsealed\n");
		break;
	case P_INSPECTIONS:
		count(num(o, "inspections"), "chain", "chains");
		printf(" of ");
		count(num(o, "entries"), "entry", "entries");
		printf("\n");
		break;
	default:
		break;
	}
}

static void
print_findings(struct audit *a)
{
	json_t *o = a->part[P_FINDINGS], *f, *x;
	long long gaps = num(o, "numbering_gaps");
	char detail[1024], reason[1024];
	size_t i, k;

	printf("- %-12s %lld in %lld inspection%s", "findings",
	    (long long)json_array_size(json_object_get(o, "findings")) - gaps,
	    num(o, "inspections"), plural(num(o, "inspections")));
	if (gaps > 0)
		printf(", %lld numbering gap%s in dock sessions (%lld "
		    "unexplained)", gaps, plural(gaps),
		    num(o, "numbering_gaps_unexplained"));
	printf(" (procedure, not integrity)\n");
	json_array_foreach(json_object_get(o, "findings"), i, f) {
		if (json_object_get(f, "inspection") == NULL) {
			/* Names from cameras may hold control bytes. */
			cli_safe_name(text(f, "detail"), detail,
			    sizeof(detail));
			printf("    dock session %lld: %s: %s: ",
			    num(f, "session"), text(f, "rule"), detail);
			if (json_is_true(json_object_get(f, "explained"))) {
				cli_safe_name(text(f, "reason"), reason,
				    sizeof(reason));
				printf("explained (entry %lld): %s\n",
				    num(f, "reason_entry"), reason);
			} else
				printf("unexplained\n");
			continue;
		}
		printf("    %s: %s: %s (entries", text(f, "inspection"),
		    text(f, "rule"), text(f, "detail"));
		json_array_foreach(json_object_get(f, "entries"), k, x)
			printf("%s%lld", k ? ", " : " ",
			    (long long)json_integer_value(x));
		printf(")\n");
	}
	json_array_foreach(json_object_get(o, "not_evaluated"), i, f)
		printf("    %s: not evaluated: %s\n", text(f, "inspection"),
		    text(f, "problem"));
}

/*
 * Who accessed what: one line per access entry, in log order (time,
 * user and uid, what, of which inspection or segment, purpose).
 */
static void
print_accesses(const struct audit *a)
{
	const json_t *x;
	size_t i;

	printf("accesses: %zu\n", json_array_size(a->accesses));
	json_array_foreach(a->accesses, i, x) {
		printf("    entry %lld: %s %s (uid %lld) %s", num(x, "entry"),
		    text(x, "time"), text(x, "user"), num(x, "uid"),
		    text(x, "what"));
		if (json_is_string(json_object_get(x, "inspection")))
			printf(" of %s", text(x, "inspection"));
		if (json_is_integer(json_object_get(x, "segment")))
			printf(" segment %lld", num(x, "segment"));
		if (json_is_string(json_object_get(x, "purpose")))
			printf(", purpose: %s", text(x, "purpose"));
		printf("\n");
	}
}

void
cli_audit_print_text(struct audit *a, unsigned total)
{
	char name[256];
	json_t *f, *m;
	enum part p;
	size_t i;

	for (p = P_LOG; p < P_FINDINGS; p++) {
		print_head(a, p);
		json_array_foreach(json_object_get(a->part[p], "failures"), i,
		    f) {
			if (json_object_get(f, "entry") != NULL)
				printf("    entry %lld: %s\n", num(f, "entry"),
				    text(f, "problem"));
			else
				printf("    %s\n", text(f, "problem"));
		}
		if (p != P_CAMERAS)
			continue;
		json_array_foreach(json_object_get(a->part[p],
		    "missing_files"), i, m) {
			cli_safe_name(text(m, "path"), name, sizeof(name));
			printf("    dock session %lld: %s: %s (%lld bytes, "
			    "last %s) gone from the camera unsealed\n",
			    num(m, "session"), text(m, "camera"), name,
			    num(m, "size"), text(m, "last_status"));
		}
	}
	print_findings(a);
	print_accesses(a);
	cli_audit_replica_text(a);
	if (total == 0)
		printf("integrity proven: tree size %llu\n",
		    (unsigned long long)a->size);
	else
		printf("NOT PROVEN: %u integrity failure%s\n", total,
		    total == 1 ? "" : "s");
}

int
cli_audit_print_json(struct audit *a, unsigned total)
{
	json_t *j;
	enum part p;
	char *s;

	j = json_pack("{s:s, s:I, s:b, s:I}", "station",
	    a->s.cfg->station_name, "tree_size", (json_int_t)a->size,
	    "verified", total == 0, "failures", (json_int_t)total);
	for (p = P_LOG; p < P_COUNT; p++) {
		if (p != P_FINDINGS)
			json_object_set_new(a->part[p], "ok",
			    json_boolean(a->failures[p] == 0));
		else
			json_object_del(a->part[p], "failures");
		json_object_set(j, part_names[p], a->part[p]);
	}
	json_object_set(j, "accesses", a->accesses);
	if (a->replica != NULL)
		json_object_set(j, "replication", a->replica);
	s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (s == NULL) {
		warnx("out of memory");
		return CLI_EXIT_USAGE;
	}
	printf("%s\n", s);
	free(s);
	return 0;
}
