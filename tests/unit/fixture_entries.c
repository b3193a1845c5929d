/*
 * The log tests' numbered entries, appended in batches beside a tree in
 * memory, and the ids under which a log stores its nodes (fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "custos/entry_type.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "fixture.h"

size_t
fixture_entry(uint64_t i, char *buf, size_t bufsz)
{
	size_t n;

	n = (size_t)snprintf(buf, bufsz, "{\"type\":\"" ENTRY_SEGMENT_SEALED
	    "\",\"index\":%llu,\"pad\":\"", (unsigned long long)i);
	for (; n < bufsz - 3 && n < 40 + (i * 37) % 200; n++)
		buf[n] = (char)('a' + (i + n) % 26);
	buf[n++] = '"';
	buf[n++] = '}';
	buf[n] = '\0';
	return n;
}

void
fixture_entries_append(struct log *l, struct fixture_tree *t,
    uint64_t first, size_t n)
{
	char (*bufs)[256];
	const void **ptrs;
	size_t *lens, i;
	uint8_t (*leaves)[DIGEST_LEN], want[DIGEST_LEN];
	uint64_t got;

	assert_non_null(bufs = calloc(n, sizeof(*bufs)));
	assert_non_null(ptrs = calloc(n, sizeof(*ptrs)));
	assert_non_null(lens = calloc(n, sizeof(*lens)));
	assert_non_null(leaves = calloc(n, sizeof(*leaves)));
	for (i = 0; i < n; i++) {
		lens[i] = fixture_entry(first + i, bufs[i], sizeof(bufs[i]));
		ptrs[i] = bufs[i];
	}
	assert_int_equal(log_append(l, ptrs, lens, n, &got, leaves), 0);
	assert_int_equal(got, first);
	for (i = 0; i < n; i++) {
		if (t != NULL)
			fixture_tree_append_data(t, bufs[i], lens[i]);
		assert_int_equal(merkle_leaf_hash(log_alg(l), bufs[i],
		    lens[i], want), 0);
		assert_memory_equal(leaves[i], want, DIGEST_LEN);
	}
	free(bufs);
	free(ptrs);
	free(lens);
	free(leaves);
}

uint64_t
fixture_node_id(unsigned level, uint64_t index)
{
	uint64_t n, id = 0;
	unsigned l;

	for (n = 0;; n++) {
		if (level == 0 && index == n)
			return id;
		id++;
		for (l = 1; l < 63 && (n + 1) % (UINT64_C(1) << l) == 0; l++) {
			if (l == level && index == (n + 1) / (UINT64_C(1) << l)
			    - 1)
				return id;
			id++;
		}
	}
}
