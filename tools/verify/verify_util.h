/*
 * verify_util: what the verifier's verbs in custos-verify.c and
 * verify_receipt.c share: reading the reviewer's inputs and key, and
 * printing hashes and numbers.  Private to custos-verify.
 */
#ifndef CUSTOS_VERIFY_UTIL_H
#define CUSTOS_VERIFY_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "custos/digest.h"
#include "custos/note.h"

/* The most a verifier key file may hold. */
#define VERIFY_KEY_MAX	(1 << 20)

/*
 * Opens path, an input named on the command line, for reading: a regular
 * file, or a directory when dir_ok.  A FIFO, socket or device is refused
 * without blocking on it.  Returns 0 with *fd (blocking, close-on-exec;
 * the caller closes it), or CUSTOS_ERR_SYSTEM (errno) or
 * CUSTOS_ERR_INVALID (the wrong type) with *fd -1 and the reason in why
 * (whysz > 0): "cannot read [WHAT ]PATH: ...", what (such as "key file")
 * may be NULL.
 */
int	 verify_open(const char *what, const char *path, int dir_ok, int *fd,
	    char *why, size_t whysz);

/*
 * Reads path, at most max bytes, into a newly allocated *buf of *len bytes
 * (the caller frees it).  The file is opened with verify_open() (a
 * regular file only).  Returns 0, or CUSTOS_ERR_SYSTEM, _INVALID, _TOOBIG
 * or _NOMEM with a message naming path (after what, if not NULL) in why
 * (whysz > 0): an unreadable, oversized or non-regular input, which the
 * verbs report as exit 2.
 */
int	 verify_read_file(const char *what, const char *path, size_t max,
	    char **buf, size_t *len, char *why, size_t whysz);

/*
 * Reads and parses the reviewer's verifier key file path (one optional
 * trailing newline).  Returns 0 with *v (free with note_verifier_free()),
 * *alg the hash of the key's profile and key (keysz > 0) its
 * "name+keyid", the name escaped; or a CUSTOS_ERR_* with *v NULL and the
 * reason, naming path, in why (whysz > 0).  A key that does not parse is
 * the reviewer's problem, which the verbs report as exit 2.
 */
int	 verify_load_key(const char *path, struct note_verifier **v,
	    enum digest_alg *alg, char *key, size_t keysz, char *why,
	    size_t whysz);

/*
 * Formats h as "alg:hex" (digest_format()) into buf of bufsz bytes, or
 * "?" if it cannot be formatted.  Returns buf.
 */
const char *verify_hash_str(enum digest_alg alg, const uint8_t h[DIGEST_LEN],
	    char *buf, size_t bufsz);

/*
 * Returns a new JSON integer for v, or a decimal string where v exceeds
 * jansson's signed 64-bit integers; NULL if out of memory.  The caller
 * owns the reference.
 */
json_t	*verify_json_u64(uint64_t v);

/*
 * Writes o to stdout as one line of compact, ASCII-only JSON and drops
 * the caller's reference to o.  Returns 0, or -1 if it could not be
 * written.
 */
int	 verify_json_print(json_t *o);

#endif
