/*
 * libFuzzer target for the bundle reader alone (lib/evidence/bundle.c and
 * the layout's names, bundle_layout.c): the input is a tar, read as a
 * bundle, and what the reader yields must keep the promises of bundle.h
 * whatever the bytes: every member it holds has a name of the layout of
 * its kind and index, within its kind's size limit and NUL-terminated;
 * every media name is media/<hex>.<ext> with name_hash its hex; no name
 * is held twice unless a problem says so.  A broken promise aborts.
 * fuzz_bundle covers what the verifier then makes of a bundle.
 *
 * Seeds (tests/fuzz/corpus/bundle_read): tars written by the bundle
 * writer itself (BUNDLE_CORPUS=DIR test_bundle_write, test_corpus_seeds),
 * one with a token and a calendar and one without.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custos/bundle.h"
#include "custos/enc.h"
#include "fuzz_util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_file(const struct bundle_file *f)
{
	enum bundle_kind kind;
	const char *why;
	uint64_t index;

	if (bundle_name_check(f->name, &kind, &index, &why) != 0 ||
	    kind != f->kind || index != f->index)
		abort();
	if (f->len > bundle_kind_limit(f->kind) || f->data[f->len] != '\0')
		abort();
}

static void
check_media(const struct bundle_media *m)
{
	enum bundle_kind kind;
	const char *why;
	uint64_t index;
	uint8_t h[DIGEST_LEN];
	size_t skip = strlen(bundle_kind_name(BUNDLE_MEDIA)) + 1;

	if (bundle_name_check(m->name, &kind, &index, &why) != 0 ||
	    kind != BUNDLE_MEDIA)
		abort();
	if (hex_decode(m->name + skip, 2 * DIGEST_LEN, h, DIGEST_LEN) < 0 ||
	    memcmp(h, m->name_hash, DIGEST_LEN) != 0)
		abort();
}

/* A name held twice must be named in a problem. */
static void
check_twice(const struct bundle *b)
{
	size_t i, k;
	int twice = 0;

	for (i = 0; i < b->nfiles; i++)
		for (k = i + 1; k < b->nfiles; k++)
			twice |= strcmp(b->files[i].name,
			    b->files[k].name) == 0;
	if (!twice)
		return;
	for (i = 0; i < b->nproblems; i++)
		if (strstr(b->problems[i], "more than once") != NULL)
			return;
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle *b;
	size_t i;

	if (fuzz_bundle_read("fuzz_bundle_read", data, size, &b) != 0)
		return 0;
	if (!b->is_tar && b->nproblems == 0)
		abort();	/* not a tar: that is a problem */
	for (i = 0; i < b->nfiles; i++)
		check_file(&b->files[i]);
	for (i = 0; i < b->nmedia; i++)
		check_media(&b->media[i]);
	check_twice(b);
	bundle_free(b);
	return 0;
}
