/*
 * cli_inspect: camera and inspection verbs.  Like cli_registry.c, writes
 * are POSTs that the daemon checks; a refusal prints the daemon's line
 * and exits 1, a usage error exits 2.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "custos/config.h"
#include "cli_inspect.h"
#include "cli_registry.h"
#include "tools/cli_util.h"

static int
usage(void)
{
	cli_inspect_usage(stderr);
	return 2;
}

void
cli_inspect_usage(FILE *f)
{
	fprintf(f,
	    "usage: custos camera add SERIAL --kind body|drone|fixed "
	    "[--model M] [--review REF]\n"
	    "       custos camera assign SERIAL --officer ID [--from TIME]\n"
	    "       custos camera explain SERIAL --session INDEX --from N "
	    "--to N [--series S]\n"
	    "           --reason TEXT\n"
	    "       custos inspection register --enterprise USCC --officer ID "
	    "--officer ID\n"
	    "           --basis TEXT --content TEXT [--planned DATE] "
	    "[--method onsite|offsite|drone]\n"
	    "       custos inspection emergency --enterprise USCC --officer ID "
	    "--officer ID [--at TIME]\n"
	    "       custos inspection enter|leave ID [--at TIME]\n"
	    "       custos inspection backfill ID --basis TEXT --content TEXT\n"
	    "       custos inspection link|unlink ID --segment INDEX "
	    "--reason TEXT\n"
	    "       custos inspection gap ID --from TIME --to TIME "
	    "--reason TEXT\n"
	    "       custos inspection close ID --result TEXT "
	    "[--deadline DATE]\n"
	    "       custos inspection review ID --reviewer OFFICER "
	    "--result approved|returned\n"
	    "           [--opinion TEXT]\n"
	    "       custos inspection decision ID --number NO --penalty TEXT "
	    "[--credit-notice REF]\n"
	    "           [--at TIME]\n"
	    "       custos inspection credit-repair apply ID --text TEXT "
	    "[--at TIME]\n"
	    "       custos inspection credit-repair answer ID "
	    "--result granted|refused [--note TEXT]\n"
	    "           [--application INDEX] [--at TIME]\n"
	    "       custos inspection feedback ID --text TEXT\n"
	    "       custos inspection document ID --kind "
	    "record|refusal|notice|photo|other\n"
	    "           --file PATH [--name NAME]\n"
	    "       custos inspection show ID [--json]\n"
	    "       custos inspection list [--open|--overdue] [--json]\n"
	    "       custos ledger [--from DATE] [--to DATE] "
	    "[--format csv|json]\n"
	    "TIME is RFC 3339, such as 2026-11-26T10:00:00+08:00.  Every "
	    "verb that writes\n"
	    "takes --json: it prints the daemon's answer, a refusal's too "
	    "(with its \"rule\").\n");
}

/* Whether the body member is an integer (a log index or a number). */
static int
is_integer(const char *member)
{
	static const char *const ints[] = { "segment", "application",
	    "session", "missing_from", "missing_to", NULL };
	size_t k;

	for (k = 0; ints[k] != NULL; k++)
		if (strcmp(member, ints[k]) == 0)
			return 1;
	return 0;
}

/*
 * Parses "--flag VALUE" pairs named in flags (flag, member) into body.
 * "--officer" may repeat and collects into "officers"; "--segment" and
 * "--application", "--session" and the numbers of a numbering hole must
 * be non-negative integers.  Returns 0 or -1.
 */
static int
parse_flags(int argc, char *argv[], const char *const flags[][2],
    json_t *body)
{
	unsigned long long n;
	json_t *arr;
	int i, k;

	for (i = 0; i < argc; i += 2) {
		for (k = 0; flags[k][0] != NULL; k++)
			if (strcmp(argv[i], flags[k][0]) == 0)
				break;
		if (flags[k][0] == NULL || i + 1 >= argc)
			return -1;
		if (strcmp(flags[k][1], "officers") == 0) {
			if ((arr = json_object_get(body, "officers")) == NULL) {
				arr = json_array();
				json_object_set_new(body, "officers", arr);
			}
			json_array_append_new(arr, json_string(argv[i + 1]));
			continue;
		}
		if (json_object_get(body, flags[k][1]) != NULL)
			return -1;
		if (is_integer(flags[k][1])) {
			if (cli_parse_u64(argv[i + 1], &n) != 0 ||
			    n > (unsigned long long)INT64_MAX)
				return -1;
			json_object_set_new(body, flags[k][1],
			    json_integer((json_int_t)n));
		} else
			json_object_set_new(body, flags[k][1],
			    json_string(argv[i + 1]));
	}
	return 0;
}

/* Whether every member in need (NULL-terminated) is in body. */
static int
has(json_t *body, const char *const *need)
{
	for (; *need != NULL; need++)
		if (json_object_get(body, *need) == NULL)
			return 0;
	return 1;
}

/* A camera verb: its flags, the members it needs and its path's end. */
struct camera_verb {
	const char	 *verb;
	const char *const (*flags)[2];
	const char *const *need;
	const char	 *suffix;	/* NULL: POST /v1/devices */
};

static const char *const f_add[][2] = { { "--kind", "kind" },
    { "--model", "model" }, { "--review", "review" }, { NULL, NULL } };
static const char *const f_assign[][2] = { { "--officer", "officer" },
    { "--from", "from" }, { NULL, NULL } };
static const char *const f_explain[][2] = { { "--session", "session" },
    { "--from", "missing_from" }, { "--to", "missing_to" },
    { "--series", "series" }, { "--reason", "reason" }, { NULL, NULL } };
static const char *const n_add[] = { "kind", NULL };
static const char *const n_assign[] = { "officer", NULL };
static const char *const n_explain[] = { "session", "missing_from",
    "missing_to", "reason", NULL };

static const struct camera_verb camera_verbs[] = {
	{ "add",	f_add,		n_add,		NULL },
	{ "assign",	f_assign,	n_assign,	"/assign" },
	{ "explain",	f_explain,	n_explain,	"/numbering-reason" },
};

static int
camera(const struct config *cfg, int argc, char *argv[])
{
	const struct camera_verb *v = NULL;
	char path[256];
	json_t *b;
	size_t k;
	int json = cli_registry_json_flag(&argc, argv, 3);

	if (argc < 3 || argv[2][0] == '-' || strlen(argv[2]) > 64)
		return usage();
	for (k = 0; k < sizeof(camera_verbs) / sizeof(camera_verbs[0]); k++)
		if (strcmp(argv[1], camera_verbs[k].verb) == 0)
			v = &camera_verbs[k];
	if (v == NULL)
		return usage();
	b = v->suffix == NULL ? json_pack("{s:s}", "camera", argv[2]) :
	    json_object();
	if (b == NULL || parse_flags(argc - 3, argv + 3, v->flags, b) != 0 ||
	    !has(b, v->need) || (v->suffix != NULL &&
	    cli_registry_id_path(path, sizeof(path), "/v1/cameras/", argv[2],
	    v->suffix) != 0)) {
		json_decref(b);
		return usage();
	}
	return cli_registry_post(cfg, v->suffix == NULL ? "/v1/devices" :
	    path, b, NULL, json);
}

/* Prints an array of log indexes as " 1 2 3". */
static void
print_indexes(json_t *arr)
{
	json_t *v;
	size_t k;

	json_array_foreach(arr, k, v)
		printf(" %lld", (long long)json_integer_value(v));
}

/* The reviews, the decision and the credit repair of inspection i. */
static void
print_procedure(json_t *i)
{
	json_t *v, *d = json_object_get(i, "decision"), *a;
	size_t k;

	json_array_foreach(json_object_get(i, "reviews"), k, v)
		printf("review:       %s by %s at %s%s%s (entry %lld)\n",
		    cli_registry_str(v, "result"), cli_registry_str(v,
		    "reviewer"), cli_registry_str(v, "time"),
		    json_object_get(v, "note") != NULL ? ": " : "",
		    json_object_get(v, "note") != NULL ? cli_registry_str(v,
		    "note") : "", (long long)json_integer_value(
		    json_object_get(v, "index")));
	if (d != NULL)
		printf("decision:     %s served %s: %s (entry %lld)\n"
		    "credit notice: %s\n", cli_registry_str(d, "number"),
		    cli_registry_str(d, "at"), cli_registry_str(d, "penalty"),
		    (long long)json_integer_value(json_object_get(d, "index")),
		    json_object_get(d, "credit_notice") != NULL ?
		    cli_registry_str(d, "credit_notice") :
		    "(not served with the decision)");
	json_array_foreach(json_object_get(i, "credit_repairs"), k, v) {
		printf("credit repair: entry %lld at %s, due %s: %s\n",
		    (long long)json_integer_value(json_object_get(v, "index")),
		    cli_registry_str(v, "at"), json_object_get(v, "due") !=
		    NULL ? cli_registry_str(v, "due") : cli_registry_str(v,
		    "due_unknown"), cli_registry_str(v, "text"));
		if ((a = json_object_get(v, "answered")) == NULL)
			printf("              not answered\n");
		else
			printf("              %s at %s%s (entry %lld)\n",
			    cli_registry_str(a, "result"),
			    cli_registry_str(a, "at"),
			    json_is_true(json_object_get(a, "late")) ?
			    ", LATE" : "", (long long)json_integer_value(
			    json_object_get(a, "index")));
	}
}

static void
print_inspection(json_t *i)
{
	json_t *v, *e;
	size_t k;

	printf("inspection:   %s\nenterprise:   %s\nofficers:    ",
	    cli_registry_str(i, "id"), cli_registry_str(i, "enterprise"));
	json_array_foreach(json_object_get(i, "officers"), k, v)
		printf(" %s", json_string_value(v));
	printf("\nstate:        %s\nmethod:       %s\nbasis:        %s\n"
	    "content:      %s\nplanned:      %s\nentered:      %s\n"
	    "left:         %s\nclosed:       %s\nresult:       %s\n"
	    "deadline:     %s\n",
	    cli_registry_str(i, "state"), cli_registry_str(i, "method"),
	    cli_registry_str(i, "basis"), cli_registry_str(i, "content"),
	    cli_registry_str(i, "planned"), cli_registry_str(i, "entered_at"),
	    cli_registry_str(i, "left_at"), cli_registry_str(i, "closed_at"),
	    cli_registry_str(i, "result"), cli_registry_str(i, "deadline"));
	if (json_is_true(json_object_get(i, "emergency")))
		printf("emergency:    back-fill due %s%s%s%s%s\n",
		    cli_registry_str(i, "backfill_due"),
		    json_object_get(i, "backfill_due_unknown") ? " (" : "",
		    json_object_get(i, "backfill_due_unknown") ?
		    cli_registry_str(i, "backfill_due_unknown") : "",
		    json_object_get(i, "backfill_due_unknown") ? ")" : "",
		    json_is_true(json_object_get(i, "backfill_late")) ?
		    ", back-filled late" : json_is_true(json_object_get(i,
		    "backfilled")) ? ", back-filled" : json_is_true(
		    json_object_get(i, "overdue")) ? ", OVERDUE" : "");
	print_procedure(i);
	json_array_foreach(json_object_get(i, "chain"), k, e)
		printf("chain:        entry %lld %s\n",
		    (long long)json_integer_value(json_object_get(e, "index")),
		    cli_registry_str(e, "type"));
	if (!json_is_array(json_object_get(i, "findings")))
		printf("findings:     (not available)\n");
	else if (json_array_size(json_object_get(i, "findings")) == 0)
		printf("findings:     none\n");
	json_array_foreach(json_object_get(i, "findings"), k, e) {
		printf("finding:      %s: %s (entries", cli_registry_str(e,
		    "rule"), cli_registry_str(e, "detail"));
		print_indexes(json_object_get(e, "entries"));
		printf(")\n");
	}
}

static void
print_list(json_t *j)
{
	json_t *i;
	size_t k;

	json_array_foreach(json_object_get(j, "inspections"), k, i)
		printf("%s  %-10s %s  findings %zu%s%s\n",
		    cli_registry_str(i, "id"), cli_registry_str(i, "state"),
		    cli_registry_str(i, "enterprise"),
		    json_array_size(json_object_get(i, "findings")),
		    json_is_true(json_object_get(i, "emergency")) ?
		    "  emergency" : "",
		    json_is_true(json_object_get(i, "overdue")) ?
		    "  OVERDUE" : "");
}

static int
list(const struct config *cfg, int argc, char *argv[])
{
	const char *path = "/v1/inspections?findings=1";
	int i, json = 0;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 && !json)
			json = 1;
		else if (strcmp(argv[i], "--open") == 0 && path[16] == 'f')
			path = "/v1/inspections?open=1&findings=1";
		else if (strcmp(argv[i], "--overdue") == 0 && path[16] == 'f')
			path = "/v1/inspections?overdue=1&findings=1";
		else
			return usage();
	}
	return cli_registry_show(cfg, path, json, print_list);
}

/* A new inspection: "register" or "emergency". */
static int
create(const struct config *cfg, int argc, char *argv[], int emergency)
{
	static const char *const f_reg[][2] = {
	    { "--enterprise", "enterprise" }, { "--officer", "officers" },
	    { "--basis", "basis" }, { "--content", "content" },
	    { "--planned", "planned" }, { "--method", "method" },
	    { NULL, NULL } };
	static const char *const f_em[][2] = {
	    { "--enterprise", "enterprise" }, { "--officer", "officers" },
	    { "--at", "at" }, { "--method", "method" }, { NULL, NULL } };
	static const char *const n_reg[] = { "enterprise", "officers",
	    "basis", "content", NULL };
	static const char *const n_em[] = { "enterprise", "officers", NULL };
	json_t *b;
	int json = cli_registry_json_flag(&argc, argv, 2);

	if ((b = json_object()) == NULL || parse_flags(argc - 2, argv + 2,
	    emergency ? f_em : f_reg, b) != 0 || !has(b, emergency ? n_em :
	    n_reg)) {
		json_decref(b);
		return usage();
	}
	return cli_registry_post(cfg, emergency ? "/v1/inspections/emergency" :
	    "/v1/inspections", b, "inspection", json);
}

/*
 * The verbs that take one step on an inspection: the path after its ID,
 * the "--flag VALUE" pairs (flag, member) and the members required.
 */
struct step_verb {
	const char		*verb;
	const char		*suffix;
	const char *const	 (*flags)[2];
	const char *const	*need;
};

static const char *const f_at[][2] = { { "--at", "at" }, { NULL, NULL } };
static const char *const f_fill[][2] = { { "--basis", "basis" },
    { "--content", "content" }, { NULL, NULL } };
static const char *const f_link[][2] = { { "--segment", "segment" },
    { "--reason", "reason" }, { NULL, NULL } };
static const char *const f_close[][2] = { { "--result", "result" },
    { "--deadline", "deadline" }, { NULL, NULL } };
static const char *const f_gap[][2] = { { "--from", "from" },
    { "--to", "to" }, { "--reason", "reason" }, { NULL, NULL } };
static const char *const f_review[][2] = { { "--reviewer", "reviewer" },
    { "--result", "result" }, { "--opinion", "note" }, { NULL, NULL } };
static const char *const f_feedback[][2] = { { "--text", "text" },
    { NULL, NULL } };
static const char *const f_decision[][2] = { { "--number", "number" },
    { "--penalty", "penalty" }, { "--credit-notice", "credit_notice" },
    { "--at", "at" }, { NULL, NULL } };
static const char *const f_apply[][2] = { { "--text", "text" },
    { "--at", "at" }, { NULL, NULL } };
static const char *const f_answer[][2] = { { "--result", "result" },
    { "--note", "note" }, { "--application", "application" },
    { "--at", "at" }, { NULL, NULL } };
static const char *const n_none[] = { NULL };
static const char *const n_fill[] = { "basis", "content", NULL };
static const char *const n_link[] = { "segment", "reason", NULL };
static const char *const n_result[] = { "result", NULL };
static const char *const n_gap[] = { "from", "to", "reason", NULL };
static const char *const n_review[] = { "reviewer", "result", NULL };
static const char *const n_text[] = { "text", NULL };
static const char *const n_decision[] = { "number", "penalty", NULL };

static const struct step_verb step_verbs[] = {
	{ "enter", "/enter", f_at, n_none },
	{ "leave", "/leave", f_at, n_none },
	{ "backfill", "/backfill", f_fill, n_fill },
	{ "link", "/link", f_link, n_link },
	{ "unlink", "/unlink", f_link, n_link },
	{ "close", "/close", f_close, n_result },
	{ "gap", "/gap", f_gap, n_gap },
	{ "review", "/review", f_review, n_review },
	{ "feedback", "/feedback", f_feedback, n_text },
	{ "decision", "/decision", f_decision, n_decision },
	{ "apply", "/credit-repair/apply", f_apply, n_text },
	{ "answer", "/credit-repair/answer", f_answer, n_result },
};

/*
 * A step of inspection argv[2]: enter, leave, backfill, link ...; for
 * "credit-repair apply|answer ID", argv is taken one word further on.
 */
static int
action(const struct config *cfg, int argc, char *argv[])
{
	const struct step_verb *v = NULL;
	char path[256];
	json_t *b;
	size_t k;
	int json, credit = strcmp(argv[1], "credit-repair") == 0;

	if (credit) {
		argc--;
		argv++;
		if (argc < 3 || argv[2][0] == '-' || strlen(argv[2]) > 64)
			return usage();
	}
	for (k = 0; k < sizeof(step_verbs) / sizeof(step_verbs[0]); k++)
		if (strcmp(argv[1], step_verbs[k].verb) == 0 &&
		    credit == (strncmp(step_verbs[k].suffix, "/credit", 7) ==
		    0))
			v = &step_verbs[k];
	if (v == NULL)
		return usage();
	json = cli_registry_json_flag(&argc, argv, 3);
	if ((b = json_object()) == NULL || parse_flags(argc - 3, argv + 3,
	    v->flags, b) != 0 || !has(b, v->need) || cli_registry_id_path(path,
	    sizeof(path), "/v1/inspections/", argv[2], v->suffix) != 0) {
		json_decref(b);
		return usage();
	}
	return cli_registry_post(cfg, path, b, NULL, json);
}

#define DOC_REPLY_MAX	65536

struct doc_reply {
	char	 buf[DOC_REPLY_MAX];
	size_t	 len;
};

static size_t
doc_collect(char *p, size_t size, size_t n, void *arg)
{
	struct doc_reply *r = arg;

	if (size * n > sizeof(r->buf) - 1 - r->len)
		return 0;
	memcpy(r->buf + r->len, p, size * n);
	r->len += size * n;
	r->buf[r->len] = '\0';
	return size * n;
}

/*
 * POSTs the len bytes at data to path as application/octet-stream.
 * Returns the answer on a 201 (a new reference), or prints why not and
 * returns NULL.
 */
static json_t *
upload(const struct config *cfg, const char *path, const void *data,
    size_t len)
{
	static struct doc_reply r;
	char url[2100], errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdr = NULL;
	json_t *j = NULL, *e;
	long code = -1;
	CURLcode cc;
	CURL *h;

	r.len = 0;
	r.buf[0] = '\0';
	if ((h = curl_easy_init()) == NULL)
		errx(1, "out of memory");
	snprintf(url, sizeof(url), "http://localhost%s", path);
	hdr = curl_slist_append(hdr, "Content-Type: application/octet-stream");
	/* No "Expect: 100-continue": the daemon reads the body at once. */
	hdr = curl_slist_append(hdr, "Expect:");
	curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, cfg->control_socket);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, data);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, doc_collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	if ((cc = curl_easy_perform(h)) != CURLE_OK)
		cli_registry_unreachable(cfg->control_socket, h, cc, errbuf);
	else
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	if (code < 0)
		return NULL;
	if ((j = json_loadb(r.buf, r.len, 0, NULL)) == NULL)
		warnx("custosd answered %ld with no JSON", code);
	else if (code != 201) {
		e = json_object_get(j, "error");
		warnx("%s", json_is_string(e) ? json_string_value(e) :
		    "refused");
		json_decref(j);
		j = NULL;
	}
	return j;
}

/*
 * "inspection document ID --kind K --file PATH [--name NAME]": seals the
 * file as an object in the inspection's chain.  The file is mapped, not
 * copied, so a document of several MiB costs no heap.
 */
static int
document(const struct config *cfg, int argc, char *argv[])
{
	const char *kind = NULL, *file = NULL, *name = NULL;
	char path[2048], prefix[256], *copy, *ename, *ekind;
	struct stat sb;
	void *data;
	json_t *j;
	int i, fd, n, json = cli_registry_json_flag(&argc, argv, 3);

	for (i = 3; i < argc; i += 2) {
		if (i + 1 >= argc)
			return usage();
		if (strcmp(argv[i], "--kind") == 0 && kind == NULL)
			kind = argv[i + 1];
		else if (strcmp(argv[i], "--file") == 0 && file == NULL)
			file = argv[i + 1];
		else if (strcmp(argv[i], "--name") == 0 && name == NULL)
			name = argv[i + 1];
		else
			return usage();
	}
	if (kind == NULL || file == NULL)
		return usage();
	if ((copy = strdup(file)) == NULL)
		errx(1, "out of memory");
	if (name == NULL)
		name = basename(copy);
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1) {
		warn("%s", file);
		if (fd != -1)
			close(fd);
		free(copy);
		return 1;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size == 0) {
		warnx("%s: %s", file, S_ISREG(sb.st_mode) ? "empty file" :
		    "not a regular file");
		close(fd);
		free(copy);
		return 1;
	}
	data = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (data == MAP_FAILED) {
		warn("%s", file);
		free(copy);
		return 1;
	}
	ename = curl_easy_escape(NULL, name, 0);
	ekind = curl_easy_escape(NULL, kind, 0);
	j = NULL;
	if (ename == NULL || ekind == NULL)
		warnx("out of memory");
	else if (cli_registry_id_path(prefix, sizeof(prefix),
	    "/v1/inspections/", argv[2], "/document") != 0 ||
	    (n = snprintf(path, sizeof(path), "%s?kind=%s&name=%s", prefix,
	    ekind, ename)) < 0 || (size_t)n >= sizeof(path))
		warnx("the name is too long");
	else
		j = upload(cfg, path, data, (size_t)sb.st_size);
	curl_free(ename);
	curl_free(ekind);
	munmap(data, (size_t)sb.st_size);
	free(copy);
	if (j == NULL)
		return 1;
	if (json)
		cli_registry_print_json(j);
	else
		printf("%" JSON_INTEGER_FORMAT " %s\n", json_integer_value(
		    json_object_get(j, "index")), cli_registry_str(j,
		    "object"));
	json_decref(j);
	return 0;
}

static int
inspection(const struct config *cfg, int argc, char *argv[])
{
	char path[256];
	int json;

	if (strcmp(argv[1], "list") == 0)
		return list(cfg, argc, argv);
	if (strcmp(argv[1], "register") == 0)
		return create(cfg, argc, argv, 0);
	if (strcmp(argv[1], "emergency") == 0)
		return create(cfg, argc, argv, 1);
	if (argc < 3 || argv[2][0] == '-' || strlen(argv[2]) > 64)
		return usage();
	if (strcmp(argv[1], "show") == 0) {
		json = argc == 4 && strcmp(argv[3], "--json") == 0;
		if ((argc != 3 && !json) || cli_registry_id_path(path,
		    sizeof(path), "/v1/inspections/", argv[2], "") != 0)
			return usage();
		return cli_registry_show(cfg, path, json, print_inspection);
	}
	if (strcmp(argv[1], "document") == 0)
		return document(cfg, argc, argv);
	return action(cfg, argc, argv);
}

int
cli_inspect(const struct config *cfg, int argc, char *argv[])
{
	if (argc < 2)
		return usage();
	if (strcmp(argv[0], "camera") == 0)
		return camera(cfg, argc, argv);
	return inspection(cfg, argc, argv);
}
