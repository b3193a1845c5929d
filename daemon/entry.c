#include <stdlib.h>
#include <string.h>

#include "custos/err.h"
#include "entry.h"

#define DUMP_FLAGS	(JSON_COMPACT | JSON_PRESERVE_ORDER)

void
entry_time(const struct timespec *t, char *buf, size_t bufsz)
{
	struct tm tm;
	char s[32];

	gmtime_r(&t->tv_sec, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, bufsz, "%.19s.%03dZ", s,
	    (int)(t->tv_nsec / 1000000 % 1000));
}

static int
reserved(const char *key)
{
	return strcmp(key, "type") == 0 || strcmp(key, "index") == 0 ||
	    strcmp(key, "time") == 0 || strcmp(key, "station") == 0;
}

int
entry_build(const char *type, uint64_t index, const struct timespec *now,
    const char *station, json_t *payload, char **out, size_t *len)
{
	json_t *e, *v;
	const char *key;
	char when[40];
	size_t n;
	int rc = CUSTOS_ERR_NOMEM;

	*out = NULL;
	entry_time(now, when, sizeof(when));
	if ((e = json_object()) == NULL)
		return CUSTOS_ERR_NOMEM;
	if (json_object_set_new(e, "type", json_string(type)) != 0 ||
	    json_object_set_new(e, "index",
	    json_integer((json_int_t)index)) != 0 ||
	    json_object_set_new(e, "time", json_string(when)) != 0 ||
	    json_object_set_new(e, "station", json_string(station)) != 0)
		goto done;
	if (payload != NULL) {
		json_object_foreach(payload, key, v) {
			if (reserved(key)) {
				rc = CUSTOS_ERR_INVALID;
				goto done;
			}
			if (json_object_set(e, key, v) != 0)
				goto done;
		}
	}
	/* Compact output escapes control characters, so "\n" never appears
	 * raw and the entry stays on one line.  json_dumpb() into a buffer
	 * of the measured size, not json_dumps(): jansson ignores a failed
	 * append of an object key (dump.c, do_dump), so json_dumps() out of
	 * memory can return a malformed entry as if all went well; a fixed
	 * buffer has no append that can fail. */
	if ((n = json_dumpb(e, NULL, 0, DUMP_FLAGS)) == 0 ||
	    (*out = malloc(n + 1)) == NULL)
		goto done;
	if (json_dumpb(e, *out, n, DUMP_FLAGS) != n) {
		free(*out);
		*out = NULL;
		goto done;
	}
	(*out)[n] = '\0';
	*len = n;
	rc = 0;
done:
	json_decref(e);
	return rc;
}
