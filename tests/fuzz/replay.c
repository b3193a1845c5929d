/*
 * A main() for the libFuzzer targets that replays files given on the
 * command line through LLVMFuzzerTestOneInput, once each.  "make check"
 * links every target with this driver and the objects already built for
 * the unit tests (ASan+UBSan), so the corpus replay costs one link per
 * target instead of a clang rebuild of every module; "make fuzz" still
 * builds the real libFuzzer binaries.
 *
 * Exit status: 0 when every file was replayed; 2 when a file could not
 * be read.  A finding aborts through the sanitizer, as under libFuzzer.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
slurp(const char *path, uint8_t **out, size_t *outlen)
{
	FILE *f;
	uint8_t *buf = NULL, *nbuf;
	size_t len = 0, cap = 0, n;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return -1;
			}
			buf = nbuf;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return -1;
	}
	fclose(f);
	*out = buf;
	*outlen = len;
	return 0;
}

int
main(int argc, char *argv[])
{
	uint8_t *data, *copy;
	size_t len;
	int i;

	for (i = 1; i < argc; i++) {
		if (slurp(argv[i], &data, &len) == -1) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			return 2;
		}
		/* An exact-size copy, so ASan sees reads past the input. */
		if ((copy = malloc(len ? len : 1)) == NULL) {
			free(data);
			fprintf(stderr, "replay: out of memory\n");
			return 2;
		}
		memcpy(copy, data, len);
		free(data);
		(void)LLVMFuzzerTestOneInput(copy, len);
		free(copy);
	}
	printf("replay: %d inputs\n", argc - 1);
	return fflush(stdout) == 0 ? 0 : 2;
}
