/*
 * libFuzzer target for config_parse(): any bytes either parse or give
 * CUSTOS_ERR_CONFIG (or CUSTOS_ERR_NOMEM) with a one-line message.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "custos/config.h"
#include "custos/err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c = NULL;
	char err[256];
	int rc;

	memset(err, 'x', sizeof(err));
	rc = config_parse((const char *)data, size, "fuzz/custos.conf", &c,
	    err, sizeof(err));
	if (rc == 0) {
		/* A parsed config always has a name and absolute paths. */
		if (c == NULL || c->station_name == NULL ||
		    c->state_dir[0] != '/' || c->dock_root[0] != '/' ||
		    c->control_socket[0] != '/' || c->file_numbering == NULL)
			abort();
		config_free(c);
		return 0;
	}
	/* An error leaves no config and a terminated, one-line message. */
	if (c != NULL || (rc != CUSTOS_ERR_CONFIG && rc != CUSTOS_ERR_NOMEM &&
	    rc != CUSTOS_ERR_SYSTEM) || memchr(err, '\0', sizeof(err)) ==
	    NULL || err[0] == '\0' || strchr(err, '\n') != NULL)
		abort();
	return 0;
}
