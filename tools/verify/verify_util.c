/*
 * verify_util: the helpers custos-verify's verbs share (verify_util.h).
 */
#include <inttypes.h>
#include <stdio.h>

#include "custos/enc.h"
#include "custos/profile.h"

#include "tools/cli_util.h"
#include "verify_util.h"

int
verify_load_key(const char *path, struct note_verifier **v,
    enum digest_alg *alg, char *key, size_t keysz, char *why, size_t whysz)
{
	char name[4 * NOTE_MAX_NAME + 1];
	int rc;

	if ((rc = cli_load_verifier(NULL, path, VERIFY_KEY_MAX, v, why,
	    whysz)) != 0)
		return rc;
	*alg = profile_digest(profile_of_sign(note_verifier_alg(*v)));
	snprintf(key, keysz, "%s+%08" PRIx32,
	    esc_encode(note_verifier_name(*v), name, sizeof(name)),
	    note_verifier_keyid(*v));
	return 0;
}

const char *
verify_hash_str(enum digest_alg alg, const uint8_t h[DIGEST_LEN], char *buf,
    size_t bufsz)
{
	if (digest_format(alg, h, buf, bufsz) != 0)
		snprintf(buf, bufsz, "?");
	return buf;
}

/*
 * JSON integers are signed 64-bit in jansson; a tree size beyond that
 * (which no real log reaches) is given as a decimal string instead.
 */
json_t *
verify_json_u64(uint64_t v)
{
	char buf[24];

	if (v <= INT64_MAX)
		return json_integer((json_int_t)v);
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return json_string(buf);
}

int
verify_json_print(json_t *o)
{
	int rc;

	rc = json_dumpf(o, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (rc != 0 || putchar('\n') == EOF)
		return -1;
	return 0;
}
