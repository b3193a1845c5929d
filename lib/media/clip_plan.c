/*
 * clip_plan: which packets of an original make the clip of an asked span
 * (clip.h).  Pure: it reads the leaves and nothing else.
 */
#include <stdlib.h>
#include <string.h>

#include "custos/clip.h"
#include "custos/err.h"

/* The stream whose key packets may start a clip, or -1 for any. */
static long
key_stream(const struct clip_leaves *o)
{
	uint64_t cnt[PROBE_MAX_STREAMS];
	int first_key[PROBE_MAX_STREAMS], seen[PROBE_MAX_STREAMS];
	long best = -1;
	size_t i;
	uint32_t s;

	memset(cnt, 0, sizeof(cnt));
	memset(first_key, 0, sizeof(first_key));
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < o->n; i++) {
		if ((s = o->v[i].stream) >= PROBE_MAX_STREAMS ||
		    s >= o->res.nstreams)
			continue;
		if (!seen[s]) {
			seen[s] = 1;
			first_key[s] = (o->v[i].flags & CLIP_KEY) != 0;
		}
		cnt[s]++;
	}
	for (s = 0; s < o->res.nstreams && s < PROBE_MAX_STREAMS; s++)
		if (strcmp(o->res.streams[s].kind, "video") == 0 &&
		    (best < 0 || cnt[s] > cnt[best]))
			best = (long)s;
	if (best >= 0 && !first_key[best])
		best = -1;
	return best;
}

int
clip_plan(const struct clip_leaves *orig, int64_t from_ms, int64_t to_ms,
    uint64_t *first, uint64_t *count, int64_t *act_from, int64_t *act_to)
{
	int64_t *next, t, end, last_t = CLIP_NO_TIME, from = CLIP_NO_TIME;
	long ks;
	size_t i, f = 0, l, j;
	int found = 0;

	if (orig == NULL || orig->n == 0 || from_ms >= to_ms ||
	    from_ms == CLIP_NO_TIME)
		return CUSTOS_ERR_INVALID;
	ks = key_stream(orig);
	for (i = 0; i < orig->n; i++) {
		const struct clip_leaf *p = &orig->v[i];

		if (p->time_ms == CLIP_NO_TIME)
			continue;
		if (last_t == CLIP_NO_TIME || p->time_ms > last_t)
			last_t = p->time_ms;
		if ((p->flags & CLIP_KEY) && p->time_ms <= from_ms &&
		    (ks < 0 || p->stream == (uint32_t)ks))
			f = i;
	}
	if (last_t == CLIP_NO_TIME || last_t < from_ms)
		return CUSTOS_ERR_NOTFOUND;
	for (i = orig->n; i-- > f;)
		if (orig->v[i].time_ms != CLIP_NO_TIME &&
		    orig->v[i].time_ms <= to_ms) {
			found = 1;
			break;
		}
	if (!found)
		return CUSTOS_ERR_NOTFOUND;
	l = i;
	/* The end: each chosen packet lasts until the next of its stream. */
	if ((next = malloc(CLIP_MAX_STREAMS * sizeof(*next))) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (j = 0; j < CLIP_MAX_STREAMS; j++)
		next[j] = CLIP_NO_TIME;
	end = CLIP_NO_TIME;
	for (i = orig->n; i-- > f;) {
		const struct clip_leaf *p = &orig->v[i];

		if ((t = p->time_ms) == CLIP_NO_TIME ||
		    p->stream >= CLIP_MAX_STREAMS)
			continue;
		if (i <= l) {
			int64_t e = next[p->stream] != CLIP_NO_TIME &&
			    next[p->stream] > t ? next[p->stream] : t;

			if (end == CLIP_NO_TIME || e > end)
				end = e;
			if (ks < 0 || p->stream == (uint32_t)ks ||
			    from == CLIP_NO_TIME)
				from = t;
		}
		next[p->stream] = t;
	}
	free(next);
	*first = f;
	*count = l - f + 1;
	*act_from = from;
	*act_to = end;
	return 0;
}
