/*
 * probe: the daemon's parent of the media child.  The child, its result
 * and its checks are custos/probe.h (lib/media/probe.c), shared with the tools;
 * custosd starts the child as "custosd --clip-child leaves sha256|sm3"
 * (the leaves child of custos/clip.h) on its libuv loop.
 */
#ifndef CUSTOSD_PROBE_H
#define CUSTOSD_PROBE_H

#include <uv.h>

#include "custos/digest.h"
#include "custos/probe.h"
#include "custos/store.h"

typedef void	(*probe_cb)(void *arg, const struct probe_result *res);

/*
 * Starts a child on fd (read-only; the caller keeps it and may close it
 * once this returns) with the executable self (custosd's own path).  The
 * callback is called exactly once on the loop, with PROBE_OK/NOT_MEDIA/
 * DAMAGED from the child or CRASHED/TIMEOUT/FAILED from the parent; the
 * result is valid during the callback only.  Returns 0, or an error and
 * then never calls cb: CUSTOS_ERR_SYSTEM (errno set) when the child could
 * not be started (self missing or not executable, no processes left),
 * CUSTOS_ERR_NOMEM, CUSTOS_ERR_INVALID for a timeout of 0 or a bad fd.
 * The child reads fd with pread() from offset 0, so the file offset the
 * caller shares with it is not moved (unless fd cannot seek).  When store
 * is not NULL, the child's packet leaves are kept as the leaves side file
 * of object (store_leaves_put()) if its answer is whole and PROBE_OK or
 * PROBE_DAMAGED; a side file that cannot be kept is logged, and the
 * result is the same either way.
 */
int	 probe_start(uv_loop_t *loop, const char *self, int fd,
	    enum digest_alg alg, unsigned timeout_ms, struct store *store,
	    const uint8_t object[DIGEST_LEN], probe_cb cb, void *arg);

#endif
