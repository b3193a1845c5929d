#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	unsigned long long v = 0;
	const char *p;

	if (s == NULL || *s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (v > (~0ULL - (unsigned)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
	}
	*out = v;
	return 0;
}
