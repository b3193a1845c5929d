/*
 * verify_util: the helpers custos-verify's verbs share (verify_util.h).
 * The messages are the verifier's documented output: keep them as they
 * are (tests/cli/custos-verify.exp).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custos/enc.h"
#include "custos/err.h"
#include "custos/profile.h"
#include "custos/util.h"

#include "verify_util.h"

int
verify_read_file(const char *path, size_t max, char **buf, size_t *len,
    char *why, size_t whysz)
{
	int rc;

	if ((rc = util_read_file(path, max, buf, len)) == 0)
		return 0;
	if (rc == CUSTOS_ERR_SYSTEM)
		snprintf(why, whysz, "cannot read %s: %s", path,
		    strerror(errno));
	else if (rc == CUSTOS_ERR_TOOBIG)
		snprintf(why, whysz, "%s: larger than %zu bytes", path, max);
	else
		snprintf(why, whysz, "cannot read %s: %s", path,
		    custos_strerror(rc));
	return rc;
}

int
verify_load_key(const char *path, struct note_verifier **v,
    enum digest_alg *alg, char *key, size_t keysz, char *why, size_t whysz)
{
	char *buf, name[4 * NOTE_MAX_NAME + 1];
	size_t len;
	int rc;

	*v = NULL;
	if ((rc = verify_read_file(path, VERIFY_KEY_MAX, &buf, &len, why,
	    whysz)) != 0)
		return rc;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	rc = note_verifier_parse(buf, len, v);
	free(buf);
	if (rc == CUSTOS_ERR_UNSUPPORTED) {
		snprintf(why, whysz, "key file %s: unsupported key type", path);
		return rc;
	}
	if (rc != 0) {
		snprintf(why, whysz, "key file %s: not a C2SP verifier key "
		    "(%s)", path, custos_strerror(rc));
		return rc;
	}
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
