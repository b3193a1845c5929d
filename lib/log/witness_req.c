/*
 * witness_req: the add-checkpoint request body of c2sp.org/tlog-witness.
 * Every line ends in "\n"; the old size is canonical decimal and each
 * proof line the canonical base64 of one hash.  The checkpoint note after
 * the blank line is left to note_parse().
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "custos/enc.h"
#include "custos/err.h"
#include "custos/witness.h"

#define OLD_PREFIX	"old "
#define OLD_PREFIX_LEN	(sizeof(OLD_PREFIX) - 1)

static int fail(int, char *, size_t, const char *, ...)
	    __attribute__((format(printf, 4, 5)));

static int
fail(int rc, char *err, size_t errsz, const char *fmt, ...)
{
	va_list	 ap;

	if (errsz > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return rc;
}

int
witness_req_parse(const char *body, size_t len, struct witness_req *req,
    char *err, size_t errsz)
{
	const char	*p = body, *end = body + len, *nl;
	size_t		 n;

	memset(req, 0, sizeof(*req));
	if (errsz > 0)
		err[0] = '\0';
	if (len > WITNESS_MAX_BODY)
		return fail(CUSTOS_ERR_TOOBIG, err, errsz,
		    "request body of %zu bytes exceeds %d", len,
		    WITNESS_MAX_BODY);
	if (body == NULL || (nl = memchr(p, '\n', len)) == NULL ||
	    (size_t)(nl - p) < OLD_PREFIX_LEN ||
	    memcmp(p, OLD_PREFIX, OLD_PREFIX_LEN) != 0)
		return fail(CUSTOS_ERR_FORMAT, err, errsz,
		    "request does not start with an \"old <size>\" line");
	if (dec_decode(p + OLD_PREFIX_LEN, (size_t)(nl - p) - OLD_PREFIX_LEN,
	    &req->old) != 0)
		return fail(CUSTOS_ERR_FORMAT, err, errsz,
		    "old size is not a canonical decimal number");
	for (p = nl + 1; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return fail(CUSTOS_ERR_FORMAT, err, errsz,
			    "request ends before the blank line");
		if (nl == p)
			break;
		if (req->nproof == WITNESS_MAX_PROOF)
			return fail(CUSTOS_ERR_TOOBIG, err, errsz,
			    "more than %d consistency proof lines",
			    WITNESS_MAX_PROOF);
		if (b64_decode(p, (size_t)(nl - p), req->proof[req->nproof],
		    DIGEST_LEN, &n) != 0 || n != DIGEST_LEN)
			return fail(CUSTOS_ERR_FORMAT, err, errsz,
			    "proof line %zu is not the base64 of a %d-byte "
			    "hash", req->nproof + 1, DIGEST_LEN);
		req->nproof++;
	}
	if (p >= end)
		return fail(CUSTOS_ERR_FORMAT, err, errsz,
		    "request has no blank line before the checkpoint");
	req->note = nl + 1;
	req->notelen = (size_t)(end - req->note);
	if (req->notelen == 0)
		return fail(CUSTOS_ERR_FORMAT, err, errsz,
		    "request has no checkpoint after the blank line");
	return 0;
}
