/*
 * What the fuzz targets share: the input put in an anonymous file (a
 * memfd) and read as a bundle from it, and the verifier keys of the
 * targets that check signed notes, parsed once.  Static inline,
 * so that a target compiles in only what it calls and links no module
 * for the rest.  A failure of the set-up itself aborts, as a finding.
 */
#ifndef CUSTOS_FUZZ_UTIL_H
#define CUSTOS_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include "custos/bundle.h"
#include "custos/err.h"
#include "custos/note.h"

/* A memfd named name holding the size bytes of data; its fd. */
static inline int
fuzz_memfd(const char *name, const uint8_t *data, size_t size)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	if ((fd = memfd_create(name, MFD_CLOEXEC)) == -1)
		abort();
	while (off < size) {
		if ((n = write(fd, data + off, size - off)) <= 0)
			abort();
		off += (size_t)n;
	}
	return fd;
}

/*
 * Reads the size bytes of data as a bundle with SHA-256 into *b.
 * Returns 0, or -1 when memory ran out (not a finding); any other
 * failure aborts: a readable file is always a bundle to judge.
 */
static inline int
fuzz_bundle_read(const char *name, const uint8_t *data, size_t size,
    struct bundle **b)
{
	struct bundle_opts bo;
	char path[64];
	int fd, rc;

	fd = fuzz_memfd(name, data, size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(&bo, 0, sizeof(bo));
	bo.alg = DIGEST_SHA256;
	rc = bundle_read(path, &bo, b);
	close(fd);
	if (rc == CUSTOS_ERR_NOMEM)
		return -1;
	if (rc != 0)
		abort();
	return 0;
}

/*
 * Parses the n keys vkeys into v, each once: the v[i] that are set are
 * kept.  A key that does not parse is a broken harness and aborts.
 */
static inline void
fuzz_verifiers(const char *const *vkeys, struct note_verifier **v,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == NULL &&
		    note_verifier_parse(vkeys[i], strlen(vkeys[i]), &v[i]) != 0)
			abort();
}

#endif
