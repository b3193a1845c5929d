/*
 * cli_registry: "custos officer ..." and "custos enterprise ...", through
 * the daemon's control socket (docs/api.md).
 */
#ifndef CUSTOS_CLI_REGISTRY_H
#define CUSTOS_CLI_REGISTRY_H

#include <stddef.h>
#include <stdio.h>

#include <curl/curl.h>
#include <jansson.h>

struct config;

/* argv[0] is "officer" or "enterprise".  Returns the exit status. */
int	 cli_registry(const struct config *cfg, int argc, char *argv[]);

/* Prints the usage of the officer and enterprise verbs on f. */
void	 cli_registry_usage(FILE *f);

/*
 * Sends a GET of path (body NULL) or a POST of body (borrowed) to the
 * daemon.  Returns the answer on a 2xx (a new reference), or prints the
 * daemon's "error" line and returns NULL.
 */
json_t	*cli_registry_call(const struct config *cfg, const char *path,
	    json_t *body);

/*
 * Prints, once, why the transfer on h to the control socket sock failed
 * with cc (not CURLE_OK); errbuf is h's CURLOPT_ERRORBUFFER or NULL.  A
 * connect refused for lack of permission names the group that grants
 * access; only a socket that is missing or refuses connections suggests
 * that custosd is not running.
 */
void	 cli_registry_unreachable(const char *sock, CURL *h, CURLcode cc,
	    const char *errbuf);

/*
 * GETs path and prints the answer: as JSON with json, else with fn.
 * Returns the exit status: 0, or 1 after the daemon's error line.
 */
int	 cli_registry_show(const struct config *cfg, const char *path,
	    int json, void (*fn)(json_t *));

/*
 * POSTs body (consumed) to path and prints the answer's string member
 * key, or with key NULL "entry N" for the new entry's index; with json,
 * the daemon's JSON answer instead, a refusal's too (with its "rule").
 * Returns the exit status: 0, or 1 after the daemon's error line.
 */
int	 cli_registry_post(const struct config *cfg, const char *path,
	    json_t *body, const char *key, int json);

/*
 * Takes a "--json" out of argv[first .. *argc - 1] (shifting the rest
 * down and lowering *argc): 1 if there was one, else 0.
 */
int	 cli_registry_json_flag(int *argc, char *argv[], int first);

/* The string member key of o as the verbs print it: "-" when absent. */
const char	*cli_registry_str(json_t *o, const char *key);

/* Prints j indented, in its members' order. */
void	 cli_registry_print_json(json_t *j);

/*
 * Writes prefix, the percent-encoded id and suffix into path (len bytes).
 * Returns 0 or -1.
 */
int	 cli_registry_id_path(char *path, size_t len, const char *prefix,
	    const char *id, const char *suffix);

#endif
