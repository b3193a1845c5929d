/*
 * digest: streaming hash functions of a crypto profile.
 *
 * The default profile hashes with SHA-256, the "sm" profile with SM3; both
 * give 32-byte digests, so every hash in Custos is DIGEST_LEN bytes.  The
 * implementation is OpenSSL's EVP interface, which uses the CPU's SHA
 * extensions when it has them.
 */
#ifndef CUSTOS_DIGEST_H
#define CUSTOS_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define DIGEST_LEN	32
/* "sha256:" or "sm3:" followed by 64 hex digits and a NUL. */
#define DIGEST_STRLEN	(7 + 2 * DIGEST_LEN + 1)

enum digest_alg {
	DIGEST_SHA256 = 0,
	DIGEST_SM3 = 1,
};

struct digest;

/*
 * Allocates a hashing context for alg in *out.  Returns 0, or
 * CUSTOS_ERR_NOMEM, CUSTOS_ERR_UNSUPPORTED or CUSTOS_ERR_CRYPTO.  The caller
 * owns *out and frees it with digest_free().
 */
int	 digest_new(enum digest_alg alg, struct digest **out);

/* Starts a new hash on d, discarding any state.  Returns 0 or an error. */
int	 digest_reset(struct digest *d);

/* Hashes len bytes of buf (buf may be NULL when len is 0). */
int	 digest_update(struct digest *d, const void *buf, size_t len);

/*
 * Writes the DIGEST_LEN-byte digest to out.  d must be reset before it is
 * used again.  Returns 0 or CUSTOS_ERR_CRYPTO.
 */
int	 digest_final(struct digest *d, uint8_t out[DIGEST_LEN]);

/* Frees d; NULL is allowed. */
void	 digest_free(struct digest *d);

/* Returns the algorithm d was made for. */
enum digest_alg digest_alg(const struct digest *d);

/* One-shot hash of buf into out.  Returns 0 or an error. */
int	 digest_buf(enum digest_alg alg, const void *buf, size_t len,
	    uint8_t out[DIGEST_LEN]);

/* Returns "sha256" or "sm3". */
const char *digest_name(enum digest_alg alg);

/*
 * Writes "<name>:<lowercase hex>" (DIGEST_STRLEN bytes with the NUL) into
 * buf of size bufsz.  Returns 0 or CUSTOS_ERR_INVALID if buf is too small.
 */
int	 digest_format(enum digest_alg alg, const uint8_t hash[DIGEST_LEN],
	    char *buf, size_t bufsz);

/*
 * Parses "<name>:<64 hex digits>" (lowercase hex only, nothing after it).
 * On success sets *alg and hash and returns 0; otherwise CUSTOS_ERR_FORMAT.
 */
int	 digest_parse(const char *s, enum digest_alg *alg,
	    uint8_t hash[DIGEST_LEN]);

#endif
