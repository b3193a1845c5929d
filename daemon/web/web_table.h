/*
 * web_table: the console's route table (docs/console.md): which page
 * answers which method and path, and which roles may call it.  Data and
 * a pure lookup, so the fuzz target drives the table the listener uses;
 * web_route.c maps each page id to its function and enforces the rest.
 */
#ifndef CUSTOSD_WEB_TABLE_H
#define CUSTOSD_WEB_TABLE_H

#include <stddef.h>

#include "custos/config.h"

enum web_page_id {
	WEB_P_STATION = 0,
	WEB_P_STATION_JSON,
	WEB_P_INSPECTIONS,
	WEB_P_INSPECTION,
	WEB_P_EXPORT,
	WEB_P_CLIP,
	WEB_P_DOWNLOAD,
	WEB_P_FOOTAGE,
	WEB_P_LEDGER,
	WEB_P_LEDGER_CSV,
	WEB_P_AUDIT,
	WEB_P_METRICS,
	WEB_P_STATIC,
	WEB_NPAGES
};

#define WEB_ROLE(r)	(1u << (r))
#define WEB_ANYONE	0u	/* no role needed */

struct web_route {
	int		 method;	/* enum http_method */
	const char	*pattern;	/* "*": one path segment */
	unsigned	 roles;		/* any one of these; 0: anyone */
	enum web_page_id page;
};

extern const struct web_route web_routes[];
extern const size_t web_nroutes;

/*
 * The route of method and path (as sent, without the query): returns
 * 200 with *route and the decoded {parameter} in param (size bytes), 404
 * when no route has the path, or 405 when no route of the path takes the
 * method (*allow: the methods that path takes, as a header value, with
 * HEAD for GET).  A HEAD request is looked up as GET.
 */
int	 web_table_find(int method, const char *path,
	    const struct web_route **route, char *param, size_t size,
	    const char **allow);

#endif
