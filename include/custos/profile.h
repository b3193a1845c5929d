/*
 * profile: the crypto profile ties a hash to a signature algorithm.
 * "default" is SHA-256 with Ed25519, "sm" is SM3 with SM2.
 */
#ifndef CUSTOS_PROFILE_H
#define CUSTOS_PROFILE_H

#include <string.h>

#include "custos/digest.h"
#include "custos/sign.h"

enum profile {
	PROFILE_DEFAULT = 0,
	PROFILE_SM = 1,
};

static inline const char *
profile_name(enum profile p)
{
	return p == PROFILE_SM ? "sm" : "default";
}

/* Returns 0 and sets *p for "default" or "sm"; -1 for anything else. */
static inline int
profile_parse(const char *s, enum profile *p)
{
	if (strcmp(s, "default") == 0)
		*p = PROFILE_DEFAULT;
	else if (strcmp(s, "sm") == 0)
		*p = PROFILE_SM;
	else
		return -1;
	return 0;
}

static inline enum digest_alg
profile_digest(enum profile p)
{
	return p == PROFILE_SM ? DIGEST_SM3 : DIGEST_SHA256;
}

static inline enum sign_alg
profile_sign(enum profile p)
{
	return p == PROFILE_SM ? SIGN_SM2 : SIGN_ED25519;
}

/* The profile a verifier key implies: its signature algorithm decides. */
static inline enum profile
profile_of_sign(enum sign_alg a)
{
	return a == SIGN_SM2 ? PROFILE_SM : PROFILE_DEFAULT;
}

#endif
