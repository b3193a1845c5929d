/*
 * web_table: the console's route table (web_table.h).
 */
#include <http_parser.h>
#include <stddef.h>

#include "web_http.h"
#include "web_table.h"

#define STAFF	(WEB_ROLE(CONFIG_ROLE_OPERATOR) | \
		 WEB_ROLE(CONFIG_ROLE_REVIEWER) | \
		 WEB_ROLE(CONFIG_ROLE_AUDITOR) | WEB_ROLE(CONFIG_ROLE_ADMIN))
#define REVIEW	(WEB_ROLE(CONFIG_ROLE_REVIEWER) | WEB_ROLE(CONFIG_ROLE_AUDITOR))

const struct web_route web_routes[] = {
	{ HTTP_GET, "/", STAFF, WEB_P_STATION },
	{ HTTP_GET, "/station.json", STAFF, WEB_P_STATION_JSON },
	{ HTTP_GET, "/inspections", STAFF, WEB_P_INSPECTIONS },
	{ HTTP_GET, "/inspections/*", REVIEW, WEB_P_INSPECTION },
	{ HTTP_POST, "/inspections/*/export", WEB_ROLE(CONFIG_ROLE_REVIEWER),
	    WEB_P_EXPORT },
	{ HTTP_POST, "/inspections/*/clip", WEB_ROLE(CONFIG_ROLE_REVIEWER),
	    WEB_P_CLIP },
	{ HTTP_GET, "/downloads/*", WEB_ROLE(CONFIG_ROLE_REVIEWER),
	    WEB_P_DOWNLOAD },
	{ HTTP_GET, "/footage/*", REVIEW, WEB_P_FOOTAGE },
	{ HTTP_GET, "/ledger", WEB_ROLE(CONFIG_ROLE_AUDITOR), WEB_P_LEDGER },
	{ HTTP_GET, "/ledger.csv", WEB_ROLE(CONFIG_ROLE_AUDITOR),
	    WEB_P_LEDGER_CSV },
	{ HTTP_GET, "/audit", WEB_ROLE(CONFIG_ROLE_AUDITOR), WEB_P_AUDIT },
	{ HTTP_GET, "/metrics", WEB_ROLE(CONFIG_ROLE_AUDITOR) |
	    WEB_ROLE(CONFIG_ROLE_METRICS), WEB_P_METRICS },
	{ HTTP_GET, "/static/*", WEB_ANYONE, WEB_P_STATIC },
};
const size_t web_nroutes = sizeof(web_routes) / sizeof(web_routes[0]);

int
web_table_find(int method, const char *path, const struct web_route **route,
    char *param, size_t size, const char **allow)
{
	int get = 0, post = 0;
	size_t i;

	*route = NULL;
	*allow = NULL;
	if (method == HTTP_HEAD)
		method = HTTP_GET;
	for (i = 0; i < web_nroutes; i++) {
		if (!web_http_match(web_routes[i].pattern, path, param, size))
			continue;
		if (web_routes[i].method == method) {
			*route = &web_routes[i];
			return 200;
		}
		get |= web_routes[i].method == HTTP_GET;
		post |= web_routes[i].method == HTTP_POST;
	}
	if (size > 0)
		param[0] = '\0';
	if (!get && !post)
		return 404;
	*allow = get && post ? "GET, HEAD, POST" : get ? "GET, HEAD" : "POST";
	return 405;
}
