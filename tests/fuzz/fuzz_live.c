/*
 * libFuzzer target for the parent's check of the live child's messages
 * (live_msg_check(), live.h).  The input is what a child might write on
 * its stdout: cut into records of sizeof(struct live_msg) as the parent
 * reads them, each checked with the sequence number the parent would
 * expect next (a SEGMENT it accepts moves it on); a short tail is checked
 * with its short length and must be refused.  Whatever is accepted must
 * have the expected type, sequence and times, and an error text that is
 * printable ASCII, NUL-padded, and a string a JSON library takes.
 *
 * Seeds (tests/fuzz/corpus/live): a child's whole session (LISTENING,
 * CONNECTED, three SEGMENTs with and without dropped packets, END), a bad
 * magic, a skipped seq, a short record, bad error texts, an END with
 * drops, drop counts that overflow, drops in a message that has none.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/err.h"
#include "daemon/live/live.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
must_be_clean(const struct live_msg *m)
{
	size_t i, n = strnlen(m->error, sizeof(m->error));
	json_t *j;

	if (n == sizeof(m->error))
		abort();
	for (i = 0; i < n; i++)
		if (m->error[i] < 0x20 || m->error[i] > 0x7e)
			abort();
	for (; i < sizeof(m->error); i++)
		if (m->error[i] != '\0')
			abort();
	if ((j = json_string(m->error)) == NULL)
		abort();
	json_decref(j);
}

/* Drop counts only in SEGMENT and END, each sum within a JSON integer. */
static void
must_count_drops(const struct live_msg *m)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < LIVE_DROP_NREASONS; i++) {
		if (m->dropped[i] > (uint64_t)INT64_MAX - sum)
			abort();
		sum += m->dropped[i];
	}
	if (m->dropped_bytes > (uint64_t)INT64_MAX)
		abort();
	if ((sum != 0 || m->dropped_bytes != 0) &&
	    m->type != LIVE_MSG_SEGMENT && m->type != LIVE_MSG_END)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct live_msg m;
	uint32_t next = 0;
	size_t off;

	for (off = 0; off + sizeof(m) <= size; off += sizeof(m)) {
		memcpy(&m, data + off, sizeof(m));
		if (live_msg_check(&m, sizeof(m), next) != 0)
			continue;
		if (m.magic != LIVE_MSG_MAGIC || m.size != sizeof(m) ||
		    m.type < LIVE_MSG_LISTENING || m.type > LIVE_MSG_END)
			abort();
		if (m.type == LIVE_MSG_SEGMENT) {
			if (m.seq != next || m.packets == 0 ||
			    (m.first_ms >= 0 && m.last_ms < m.first_ms) ||
			    m.first_ms < -1 || m.last_ms < -1)
				abort();
			next = m.seq + 1;
		}
		must_count_drops(&m);
		must_be_clean(&m);
	}
	if (off < size) {
		memset(&m, 0, sizeof(m));
		memcpy(&m, data + off, size - off);
		if (live_msg_check(&m, size - off, next) == 0)
			abort();
	}
	return 0;
}
