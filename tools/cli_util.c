#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custos/enc.h"
#include "custos/err.h"
#include "custos/note.h"
#include "custos/util.h"

#include "cli_util.h"

void
cli_exit(int code)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warn("stdout");
		_exit(2);
	}
	if (fclose(stdout) == EOF) {
		warn("stdout");
		_exit(2);
	}
	exit(code);
}

int
cli_parse_u64(const char *s, unsigned long long *out)
{
	uint64_t v;

	if (s == NULL || dec_decode(s, strlen(s), &v) != 0)
		return -1;
	*out = v;
	return 0;
}

int
cli_load_verifier(const char *path, struct note_verifier **v)
{
	char *text;
	size_t len;
	int rc;

	if ((rc = util_read_file(path, 4096, &text, &len)) != 0) {
		if (rc == CUSTOS_ERR_SYSTEM)
			warn("%s", path);
		else
			warnx("%s: %s", path, custos_strerror(rc));
		return 2;
	}
	if (len > 0 && text[len - 1] == '\n')
		len--;
	rc = note_verifier_parse(text, len, v);
	free(text);
	if (rc != 0) {
		warnx("%s: not a verifier key: %s", path, custos_strerror(rc));
		return 2;
	}
	return 0;
}
