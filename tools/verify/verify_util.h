/*
 * verify_util: what the verifier's verbs in custos-verify.c and
 * verify_receipt.c share: the reviewer's key with its profile and name,
 * and printing hashes and numbers (reading inputs is cli_util.h's).
 * Private to custos-verify.
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
 * Loads the reviewer's verifier key file path with cli_load_verifier()
 * (at most VERIFY_KEY_MAX bytes).  Returns 0 with *v (free with
 * note_verifier_free()), *alg the hash of the key's profile and key
 * (keysz > 0) its "name+keyid", the name escaped; or a CUSTOS_ERR_* with
 * *v NULL and the reason, naming path, in why (whysz > 0), which the verbs
 * report as CLI_EXIT_USAGE.
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
