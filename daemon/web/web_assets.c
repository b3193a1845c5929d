/*
 * web_assets: GET /static/{name} (web_int.h): an embedded file
 * (web_assets.h), cacheable, with HTTP Range.
 */
#include <stdint.h>
#include <string.h>

#include "web_assets.h"
#include "web_http.h"
#include "web_int.h"
#include "web_range.h"

static const char *
type_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL)
		return "application/octet-stream";
	if (strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	if (strcmp(dot, ".svg") == 0)
		return "image/svg+xml";
	if (strcmp(dot, ".png") == 0)
		return "image/png";
	if (strcmp(dot, ".ico") == 0)
		return "image/x-icon";
	return "application/octet-stream";
}

int
web_static(const struct web_req *req, struct web_reply *rep)
{
	const struct web_asset *a;
	uint64_t off = 0, len;
	int r = 1;

	for (a = web_assets; a->name != NULL; a++)
		if (req->param != NULL && strcmp(a->name, req->param) == 0)
			break;
	if (a->name == NULL) {
		web_error(req, rep, 404, req->path);
		return 0;
	}
	len = a->len;
	web_buf_printf(&rep->headers, "Accept-Ranges: bytes\r\n");
	if ((r = web_range_parse(req->range, a->len, &off, &len)) < 0) {
		web_buf_printf(&rep->headers, "Content-Range: bytes */%zu\r\n",
		    a->len);
		rep->status = 416;
		rep->type = "text/plain; charset=utf-8";
		return 0;
	}
	if (r == 1) {
		rep->status = 206;
		web_buf_printf(&rep->headers, "Content-Range: bytes "
		    "%llu-%llu/%zu\r\n", (unsigned long long)off,
		    (unsigned long long)(off + len - 1), a->len);
	}
	rep->type = type_of(a->name);
	rep->cacheable = 1;
	web_buf_put(&rep->body, a->data + off, (size_t)len);
	return 0;
}
