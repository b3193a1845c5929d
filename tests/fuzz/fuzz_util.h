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
 * The station keys that signed the seed corpora: Ed25519 from
 * tests/fuzz/gen_corpus.go, SM2 (sm profile) made once with
 * lib/log/note_sign.c.
 */
#define FUZZ_VKEY_ED25519	"example.gov.cn/station-01+e7b1533e+" \
	"AZVRfWMNfmOnc1qjZHrsqwMM+TBFP9r+5VFfza2lH9YT"
#define FUZZ_VKEY_SM2	"example.gov.cn/station-sm+80992f28+" \
	"/2N1c3Rvcy1zbTIEv4Hz+lDag3kN7EKdY2Drjkt3PN1RJ4ZvuDV47klos5N3SGkwJTo" \
	"kOfKvBRgpfoZ/iTbe1ulv2iV2Fob4A1E6ZQ=="

#define FUZZ_MAX_VKEYS	8

/*
 * The verifiers of the keys vkeys (ending in NULL, at most FUZZ_MAX_VKEYS),
 * parsed on the first call and kept: the same vkeys on every call.  The
 * array ends in NULL.  A key that does not parse is a broken harness and
 * aborts.
 */
static inline struct note_verifier *const *
fuzz_verifiers(const char *const *vkeys)
{
	static struct note_verifier *v[FUZZ_MAX_VKEYS + 1];
	size_t i;

	for (i = 0; vkeys[i] != NULL; i++) {
		if (i == FUZZ_MAX_VKEYS)
			abort();
		if (v[i] == NULL &&
		    note_verifier_parse(vkeys[i], strlen(vkeys[i]), &v[i]) != 0)
			abort();
	}
	return v;
}

#endif
