/*
 * libFuzzer target for the console's Range header parser
 * (daemon/web/web_range.c), the value a browser (or anyone) sends with a
 * footage request: the first 8 bytes are the file's size (big-endian),
 * the rest the header's value.  A range it grants must lie inside the
 * file and be non-empty; an empty file grants none.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/web/web_range.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t fsize = 0, off = 0, len = 0;
	char *value;
	size_t i;
	int r;

	if (size < 8)
		return 0;
	for (i = 0; i < 8; i++)
		fsize = fsize << 8 | data[i];
	if ((value = malloc(size - 8 + 1)) == NULL)
		return 0;
	memcpy(value, data + 8, size - 8);
	value[size - 8] = '\0';
	r = web_range_parse(value, fsize, &off, &len);
	if (r == 1 && (len == 0 || off >= fsize || len > fsize - off))
		abort();
	if (r != 0 && r != 1 && r != -1)
		abort();
	if (fsize == 0 && r == 1)
		abort();
	(void)web_range_from_start(value);
	free(value);
	return 0;
}
