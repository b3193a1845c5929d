/*
 * libFuzzer target for the media child's core, without fork or sandbox:
 *
 *   1. the input as a media file: written to a memfd and demuxed by
 *      probe_demux_fd() exactly as the child does on its fd 3; the result
 *      must pass probe_result_check(), as the parent will require;
 *   2. the input as a child's answer: the first bytes as a struct
 *      probe_result (zero-padded) through probe_result_check(); whatever
 *      it accepts must have strings a JSON library takes as UTF-8.
 *
 * Seeds (tests/fuzz/corpus/probe): tiny real MP4, MPEG-TS, MOV, WAV and
 * JPEG files and some junk.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "custos/digest.h"
#include "custos/err.h"
#include "custos/probe.h"
#include "fuzz_util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
must_be_utf8(const char *s)
{
	json_t *j;

	if ((j = json_string(s)) == NULL)
		abort();
	json_decref(j);
}

static void
must_be_clean(const struct probe_result *r)
{
	uint32_t i;

	must_be_utf8(r->container);
	must_be_utf8(r->error);
	for (i = 0; i < r->nstreams; i++) {
		must_be_utf8(r->streams[i].kind);
		must_be_utf8(r->streams[i].codec);
	}
}

static void
as_media(const uint8_t *data, size_t size)
{
	struct probe_result res;
	int fd, rc;

	fd = fuzz_memfd("fuzz_probe", data, size);
	rc = probe_demux_fd(fd, DIGEST_SHA256, &res);
	close(fd);
	if (rc == CUSTOS_ERR_NOMEM)
		return;
	if (rc != 0)
		abort();
	if (res.status != PROBE_OK && res.status != PROBE_NOT_MEDIA &&
	    res.status != PROBE_DAMAGED)
		abort();
	/* The parent's check must accept every honest answer. */
	if (probe_result_check(&res, sizeof(res)) != 0)
		abort();
	must_be_clean(&res);
	if (res.status == PROBE_NOT_MEDIA && res.packets != 0)
		abort();
}

static void
as_answer(const uint8_t *data, size_t size)
{
	struct probe_result r;

	memset(&r, 0, sizeof(r));
	memcpy(&r, data, size < sizeof(r) ? size : sizeof(r));
	/* Wrong lengths are refused before anything is read. */
	if (size != sizeof(r) && probe_result_check(&r, size) == 0)
		abort();
	if (probe_result_check(&r, sizeof(r)) == 0)
		must_be_clean(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	as_media(data, size);
	as_answer(data, size);
	return 0;
}
