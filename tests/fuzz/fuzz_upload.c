/*
 * libFuzzer target for the upload listener's request parsing
 * (daemon/upload/upload_req.c): any bytes are fed whole and then split at a point
 * the input chooses, resuming after the head as the listener does; both
 * ways must end in the same state with the same body byte count.  A
 * request that got past its head names a route whose parts were checked:
 * a serial of the allowed characters, a file name without '/', '\\', a
 * control byte, "." or "..".  The Content-Digest parser gets the input too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/upload/upload_req.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
sink(void *arg, const char *buf, size_t len)
{
	uint64_t *n = arg;

	(void)buf;
	*n += len;
	return 0;
}

/* Feeds len bytes, resuming after the head; returns the final state. */
static enum upload_req_state
feed(struct upload_req *r, const char *buf, size_t len)
{
	enum upload_req_state s = r->state;
	size_t used;

	while (len > 0) {
		s = upload_req_feed(r, buf, len, &used);
		buf += used;
		len -= used;
		if (s != UPLOAD_REQ_HEAD)
			break;
		upload_req_resume(r);
		s = r->state;
	}
	return s;
}

static void
check(const struct upload_req *r, enum upload_req_state s)
{
	size_t i, n;

	if (r->urllen > UPLOAD_MAX_URL || strlen(r->url) != r->urllen ||
	    r->headbytes > UPLOAD_MAX_HEAD)
		abort();
	if (s == UPLOAD_REQ_ERROR && (r->status < 400 || r->error == NULL))
		abort();
	if (r->route != UPLOAD_R_FILE)
		return;
	if (!upload_serial_valid(r->serial) || (n = strlen(r->name)) == 0 ||
	    strcmp(r->name, ".") == 0 || strcmp(r->name, "..") == 0)
		abort();
	for (i = 0; i < n; i++) {
		if ((unsigned char)r->name[i] < 0x20 || r->name[i] == '/' ||
		    r->name[i] == '\\')
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct upload_req a, b;
	enum upload_req_state sa, sb;
	uint64_t na = 0, nb = 0;
	uint8_t sha[32];
	size_t split = size > 0 ? data[0] % (size + 1) : 0;

	upload_req_init(&a, sink, &na);
	sa = feed(&a, (const char *)data, size);
	check(&a, sa);
	upload_req_init(&b, sink, &nb);
	sb = feed(&b, (const char *)data, split);
	if (sb == UPLOAD_REQ_MORE)
		sb = feed(&b, (const char *)data + split, size - split);
	check(&b, sb);
	/* Which of two faults is found first may depend on the split. */
	if (sa != sb || (sa != UPLOAD_REQ_ERROR && na != nb))
		abort();
	(void)upload_parse_digest((const char *)data, size, sha);
	return 0;
}
