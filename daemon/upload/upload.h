/*
 * upload: the HTTPS upload listener ([upload] in custos.conf;
 * docs/upload.md).  Cameras and phones PUT their files over mutual TLS:
 * the client certificate, issued by [upload] client_ca and not revoked
 * by [upload] crl, names the camera (subject CN, or a SAN DNS name, or a
 * SAN URI urn:custos:camera:<SERIAL>), which must be the SERIAL of the
 * path and a registered device.  The body streams into the store while
 * it is received (constant memory per connection), then goes through the
 * seal pipeline (seal_start_stored()) as a segment.sealed entry with
 * source "upload".  An interrupted upload of known length is kept for
 * 24 hours and resumed with HEAD and PATCH (Upload-Offset).  Receipts
 * (c2sp.org/tlog-proof@v1) and the latest checkpoint are served too.
 *
 * Everything runs on the loop thread except the commit (fsync, rename)
 * and the seal's re-read, which run on the thread pool.
 */
#ifndef CUSTOSD_UPLOAD_H
#define CUSTOSD_UPLOAD_H

#include <stddef.h>

#include <jansson.h>
#include <uv.h>

struct upload;
struct sealer;
struct station;

/*
 * Starts listening on st->cfg->upload_listen with the certificate, key,
 * client CA and CRL of [upload], sealing through s.  Without [upload]
 * sets *out to NULL and returns 0.  Returns 0 and *out, or
 * CUSTOS_ERR_CONFIG (a TLS file cannot be loaded or does not fit),
 * CUSTOS_ERR_SYSTEM (the address cannot be bound), CUSTOS_ERR_NOMEM; err
 * (errlen bytes) then holds one line saying what failed.
 */
int	 upload_start(uv_loop_t *loop, struct station *st,
	    struct sealer *s, struct upload **out, char *err, size_t errlen);

/*
 * {"listen", "connections", "in_flight", "partial", "bytes", "sealed",
 * "refused"} for the status answer (docs/upload.md).  Returns a new
 * reference or NULL.
 */
json_t	*upload_status(const struct upload *u);

/*
 * Stops accepting, cuts the open connections (their partial uploads are
 * dropped), lets the uploads already being sealed finish, then calls
 * stopped(arg) once and frees u.  u may be NULL: stopped is called at
 * once.
 */
void	 upload_stop(struct upload *u, void (*stopped)(void *arg), void *arg);

#endif
