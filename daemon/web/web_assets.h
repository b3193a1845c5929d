/*
 * web_assets: the console's static files (daemon/web/static/), embedded
 * in custosd at build time (scripts/embed_static.sh writes the table),
 * so nothing the pages load comes from outside the binary.
 */
#ifndef CUSTOSD_WEB_ASSETS_H
#define CUSTOSD_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char		*name;	/* "console.css"; NULL ends */
	const unsigned char	*data;
	size_t			 len;
};

/* Every file, then { NULL, NULL, 0 }. */
extern const struct web_asset web_assets[];

#endif
