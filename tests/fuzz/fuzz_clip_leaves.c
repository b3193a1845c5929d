/*
 * libFuzzer target for what the clip parent reads from an untrusted
 * leaves child: clip_leaves_parse() on arbitrary bytes.  Whatever it
 * accepts must be consistent: as many leaves as the answer's packets
 * (none unless OK or DAMAGED), every leaf's flags and stream in range,
 * strings clean; and clip_plan() must cope with any accepted set.
 *
 * Seeds (tests/fuzz/corpus/clip_leaves): real answers of the leaves core
 * for tiny MP4 and MPEG-TS files, and some junk.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "custos/clip.h"
#include "custos/err.h"
#include "custos/probe.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct clip_leaves l;
	uint64_t first, count;
	int64_t from, to;
	size_t i;
	int rc;

	rc = clip_leaves_parse(data, size, 1000000, &l);
	if (rc == CUSTOS_ERR_NOMEM || rc == CUSTOS_ERR_FORMAT)
		return 0;
	if (rc != 0 || l.n != l.res.packets)
		abort();
	if (l.n > 0 && l.res.status != PROBE_OK &&
	    l.res.status != PROBE_DAMAGED)
		abort();
	for (i = 0; i < l.n; i++)
		if ((l.v[i].flags & ~CLIP_KEY) != 0 ||
		    l.v[i].stream >= CLIP_MAX_STREAMS)
			abort();
	if (l.n > 0) {
		rc = clip_plan(&l, 0, 1000, &first, &count, &from, &to);
		if (rc == 0 && (count == 0 || first + count > l.n))
			abort();
	}
	clip_leaves_free(&l);
	return 0;
}
