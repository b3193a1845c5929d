/*
 * cli_registry: officer and enterprise verbs.  Writes are POSTs to the
 * daemon, which checks everything and appends the entry; a refusal is
 * printed as the daemon's one-line "error" and exits 1.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "custos/config.h"
#include "cli_registry.h"

#define REPLY_MAX	(1 << 22)

struct reply {
	char	*buf;
	size_t	 len;
};

static int
usage(void)
{
	cli_registry_usage(stderr);
	return 2;
}

void
cli_registry_usage(FILE *f)
{
	fprintf(f,
	    "usage: custos officer add ID --name NAME --unit UNIT "
	    "--credential NO --valid-until DATE [--json]\n"
	    "       custos officer show ID [--json]\n"
	    "       custos officer list [--json]\n"
	    "       custos enterprise add USCC --name NAME [--address A] "
	    "[--industry X] [--risk red|yellow|blue|green]\n"
	    "           [--json]\n"
	    "       custos enterprise risk USCC COLOUR [--json]\n"
	    "       custos enterprise show USCC [--json]\n"
	    "       custos enterprise list [--json]\n");
}

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	struct reply *r = arg;
	char *nb;

	if (r->len + size * n > REPLY_MAX ||
	    (nb = realloc(r->buf, r->len + size * n + 1)) == NULL)
		return 0;
	r->buf = nb;
	memcpy(r->buf + r->len, p, size * n);
	r->len += size * n;
	r->buf[r->len] = '\0';
	return size * n;
}

/*
 * Sends method path (with body when not NULL) to the control socket.
 * Returns the HTTP status and the answer in *r, or -1 after printing why.
 */
static long
request(const struct config *cfg, const char *path, const char *body,
    struct reply *r)
{
	char url[512], errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdr = NULL;
	CURL *h;
	CURLcode cc;
	long code = -1;

	if ((h = curl_easy_init()) == NULL)
		return -1;
	snprintf(url, sizeof(url), "http://localhost%s", path);
	curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, cfg->control_socket);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
	if (body != NULL) {
		/* No "Expect: 100-continue": the daemon answers at once. */
		hdr = curl_slist_append(hdr, "Content-Type: application/json");
		hdr = curl_slist_append(hdr, "Expect:");
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	}
	if ((cc = curl_easy_perform(h)) != CURLE_OK)
		cli_registry_unreachable(cfg->control_socket, h, cc, errbuf);
	else
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	return code;
}

/*
 * The group whose members may open path: the socket file's own group, or,
 * when the file cannot even be looked at (a directory on the way refuses
 * the search), its directory's.  Returns 0 with the name in buf, or -1.
 */
static int
access_group(const char *path, char *buf, size_t len)
{
	char copy[PATH_MAX];
	struct stat sb;
	struct group *gr;

	if (stat(path, &sb) == -1) {
		if (snprintf(copy, sizeof(copy), "%s", path) >=
		    (int)sizeof(copy) || stat(dirname(copy), &sb) == -1)
			return -1;
	}
	if ((gr = getgrgid(sb.st_gid)) != NULL)
		snprintf(buf, len, "%s", gr->gr_name);
	else
		snprintf(buf, len, "%lu", (unsigned long)sb.st_gid);
	return 0;
}

void
cli_registry_unreachable(const char *sock, CURL *h, CURLcode cc,
    const char *errbuf)
{
	char group[256];
	long oserr = 0;

	if (cc == CURLE_COULDNT_CONNECT)
		(void)curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &oserr);
	if (oserr == EACCES || oserr == EPERM) {
		if (access_group(sock, group, sizeof(group)) == 0)
			warnx("cannot connect to %s: permission denied "
			    "(members of group %s may use it)", sock, group);
		else
			warnx("cannot connect to %s: permission denied", sock);
	} else if (oserr == ENOENT || oserr == ECONNREFUSED)
		warnx("custosd is not answering on %s: %s (is custosd "
		    "running?)", sock, strerror((int)oserr));
	else if (oserr != 0)
		warnx("cannot connect to %s: %s", sock, strerror((int)oserr));
	else
		warnx("custosd is not answering on %s: %s", sock,
		    errbuf != NULL && errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(cc));
}

/*
 * Runs a request and parses the answer, whatever its status: returns
 * the JSON (a new reference) with the status in *code, or NULL after
 * printing why there is none.
 */
static json_t *
call(const struct config *cfg, const char *path, json_t *body, long *code)
{
	struct reply r = { NULL, 0 };
	char *text = NULL;
	json_t *j = NULL;

	if (body != NULL && (text = json_dumps(body, JSON_COMPACT)) == NULL)
		errx(1, "out of memory");
	*code = request(cfg, path, text, &r);
	free(text);
	if (*code > 0 && (j = json_loadb(r.buf ? r.buf : "", r.len, 0,
	    NULL)) == NULL)
		warnx("custosd answered %ld with no JSON", *code);
	free(r.buf);
	return j;
}

/*
 * Prints the daemon's refusal j: its "error" line, and the rule it
 * applies when it names one ("... (rule: time_in_future)").
 */
static void
refused(json_t *j)
{
	json_t *e = json_object_get(j, "error");
	const char *rule = json_string_value(json_object_get(j, "rule"));

	warnx("%s%s%s%s", json_is_string(e) ? json_string_value(e) :
	    "refused", rule != NULL ? " (rule: " : "", rule != NULL ? rule :
	    "", rule != NULL ? ")" : "");
}

/*
 * Runs a request and parses the answer.  Returns the JSON on a 2xx;
 * otherwise prints the daemon's "error" and returns NULL.
 */
json_t *
cli_registry_call(const struct config *cfg, const char *path, json_t *body)
{
	json_t *j;
	long code;

	if ((j = call(cfg, path, body, &code)) != NULL &&
	    (code < 200 || code > 299)) {
		refused(j);
		json_decref(j);
		j = NULL;
	}
	return j;
}

void
cli_registry_print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	if (s != NULL)
		printf("%s\n", s);
	free(s);
}

const char *
cli_registry_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "-";
}

/*
 * Prints o's string members fields[k][1] one a line after their labels
 * fields[k][0] (NULL-terminated), then the entry that o comes from.
 */
static void
print_fields(json_t *o, const char *const fields[][2])
{
	size_t k;

	for (k = 0; fields[k][0] != NULL; k++)
		printf("%-14s%s\n", fields[k][0], cli_registry_str(o,
		    fields[k][1]));
	printf("entry:        %lld\n",
	    (long long)json_integer_value(json_object_get(o, "index")));
}

static void
print_officer(json_t *o)
{
	static const char *const fields[][2] = { { "officer:", "id" },
	    { "name:", "name" }, { "unit:", "unit" },
	    { "credential:", "credential" }, { "valid until:", "valid_until" },
	    { NULL, NULL } };

	print_fields(o, fields);
}

static void
print_enterprise(json_t *e)
{
	static const char *const fields[][2] = { { "enterprise:", "uscc" },
	    { "name:", "name" }, { "address:", "address" },
	    { "industry:", "industry" }, { "risk:", "risk" }, { NULL, NULL } };
	json_t *r;
	size_t i;

	print_fields(e, fields);
	json_array_foreach(json_object_get(e, "risk_history"), i, r)
		printf("risk history: %-6s since %s (entry %lld)\n",
		    cli_registry_str(r, "risk"), cli_registry_str(r, "since"),
		    (long long)json_integer_value(json_object_get(r, "index")));
}

int
cli_registry_show(const struct config *cfg, const char *path, int json,
    void (*fn)(json_t *))
{
	json_t *j;

	if ((j = cli_registry_call(cfg, path, NULL)) == NULL)
		return 1;
	if (json)
		cli_registry_print_json(j);
	else
		fn(j);
	json_decref(j);
	return 0;
}

static void
print_officers(json_t *j)
{
	json_t *o;
	size_t i;

	json_array_foreach(json_object_get(j, "officers"), i, o)
		printf("%-20s %-12s %s  %s  valid until %s\n",
		    cli_registry_str(o, "id"), cli_registry_str(o, "name"),
		    cli_registry_str(o, "unit"),
		    cli_registry_str(o, "credential"),
		    cli_registry_str(o, "valid_until"));
}

static void
print_enterprises(json_t *j)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(j, "enterprises"), i, e)
		printf("%s  %-6s %s\n", cli_registry_str(e, "uscc"),
		    cli_registry_str(e, "risk"), cli_registry_str(e, "name"));
}

/* Parses "--flag VALUE" pairs named in flags into body; 0 or -1. */
static int
flags_to_json(int argc, char *argv[], const char *const flags[][2],
    json_t *body)
{
	int i, k;

	for (i = 0; i < argc; i += 2) {
		for (k = 0; flags[k][0] != NULL; k++)
			if (strcmp(argv[i], flags[k][0]) == 0)
				break;
		if (flags[k][0] == NULL || i + 1 >= argc ||
		    json_object_get(body, flags[k][1]) != NULL)
			return -1;
		json_object_set_new(body, flags[k][1], json_string(argv[i + 1]));
	}
	return 0;
}

int
cli_registry_post(const struct config *cfg, const char *path, json_t *body,
    const char *key, int json)
{
	json_t *j;
	long code;
	int ok;

	j = call(cfg, path, body, &code);
	json_decref(body);
	if (j == NULL)
		return 1;
	ok = code >= 200 && code <= 299;
	/* With --json a refusal is printed too: its "rule" is for scripts. */
	if (json)
		cli_registry_print_json(j);
	if (!ok)
		refused(j);
	else if (!json && key != NULL)
		printf("%s\n", json_string_value(json_object_get(j, key)));
	else if (!json)
		printf("entry %lld\n", (long long)json_integer_value(
		    json_object_get(j, "index")));
	json_decref(j);
	return ok ? 0 : 1;
}

int
cli_registry_json_flag(int *argc, char *argv[], int first)
{
	int i, k;

	for (i = first; i < *argc; i++) {
		if (strcmp(argv[i], "--json") != 0)
			continue;
		for (k = i; k + 1 < *argc; k++)
			argv[k] = argv[k + 1];
		(*argc)--;
		return 1;
	}
	return 0;
}

/*
 * Writes prefix, the percent-encoded id and suffix into path, so that no
 * argument can name another resource ("../", "?").  Returns 0 or -1.
 */
int
cli_registry_id_path(char *path, size_t len, const char *prefix, const char *id,
    const char *suffix)
{
	char *e;
	int n;

	if ((e = curl_easy_escape(NULL, id, 0)) == NULL)
		return -1;
	n = snprintf(path, len, "%s%s%s", prefix, e, suffix);
	curl_free(e);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* "show X [--json]" and "list [--json]": sets *json; 0 or -1. */
static int
json_flag(int argc, char *argv[], int first, int *json)
{
	*json = 0;
	if (argc == first + 1 && strcmp(argv[first], "--json") == 0)
		*json = 1;
	else if (argc != first)
		return -1;
	return 0;
}

/* What the officer and enterprise verbs differ in. */
struct noun {
	const char	*path;		/* the collection */
	const char	*item;		/* the prefix of one item's path */
	const char	*key;		/* the ID's member in an add */
	void		(*print_list)(json_t *);
	void		(*print_one)(json_t *);
	const char *const (*flags)[2];	/* add's, NULL-terminated */
	int		 nreq;		/* the first nreq flags are required */
};

static const char *const officer_flags[][2] = { { "--name", "name" },
    { "--unit", "unit" }, { "--credential", "credential" },
    { "--valid-until", "valid_until" }, { NULL, NULL } };

static const struct noun officers = { "/v1/officers", "/v1/officers/",
    "officer", print_officers, print_officer, officer_flags, 4 };

static const char *const enterprise_flags[][2] = { { "--name", "name" },
    { "--address", "address" }, { "--industry", "industry" },
    { "--risk", "risk" }, { NULL, NULL } };

static const struct noun enterprises = { "/v1/enterprises",
    "/v1/enterprises/", "enterprise", print_enterprises, print_enterprise,
    enterprise_flags, 1 };

/* "list", "show ID" and "add ID --flag VALUE ..." of n. */
static int
noun_verb(const struct config *cfg, const struct noun *n, int argc,
    char *argv[])
{
	char path[256];
	json_t *b;
	int json, k;

	if (argc >= 2 && strcmp(argv[1], "list") == 0) {
		if (json_flag(argc, argv, 2, &json) != 0)
			return usage();
		return cli_registry_show(cfg, n->path, json, n->print_list);
	}
	if (argc < 3 || argv[2][0] == '-' || strlen(argv[2]) > 64)
		return usage();
	if (strcmp(argv[1], "show") == 0) {
		if (json_flag(argc, argv, 3, &json) != 0 ||
		    cli_registry_id_path(path, sizeof(path), n->item, argv[2],
		    "") != 0)
			return usage();
		return cli_registry_show(cfg, path, json, n->print_one);
	}
	json = cli_registry_json_flag(&argc, argv, 3);
	if (strcmp(argv[1], "add") != 0 ||
	    (b = json_pack("{s:s}", n->key, argv[2])) == NULL)
		return usage();
	if (flags_to_json(argc - 3, argv + 3, n->flags, b) != 0)
		k = -1;
	else	/* every required flag given */
		for (k = 0; k < n->nreq && json_object_get(b,
		    n->flags[k][1]) != NULL; k++)
			;
	if (k != n->nreq) {
		json_decref(b);
		return usage();
	}
	return cli_registry_post(cfg, n->path, b, NULL, json);
}

int
cli_registry(const struct config *cfg, int argc, char *argv[])
{
	char path[256];
	int json;

	if (argc < 2)
		return usage();
	if (strcmp(argv[0], "officer") == 0)
		return noun_verb(cfg, &officers, argc, argv);
	if (strcmp(argv[1], "risk") != 0)
		return noun_verb(cfg, &enterprises, argc, argv);
	json = cli_registry_json_flag(&argc, argv, 3);
	if (argc != 4 || argv[2][0] == '-' || strlen(argv[2]) > 64 ||
	    cli_registry_id_path(path, sizeof(path), "/v1/enterprises/",
	    argv[2], "/risk") != 0)
		return usage();
	return cli_registry_post(cfg, path, json_pack("{s:s}", "risk", argv[3]),
	    NULL, json);
}
