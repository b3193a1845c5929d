/*
 * err: the error codes every lib/ module returns.
 *
 * Module functions return 0 on success or one of the negative CUSTOS_ERR_*
 * values below.  CUSTOS_ERR_SYSTEM means errno holds the cause; every other
 * code is complete in itself.  Lower layers return codes and never log: the
 * caller that decides the policy reports the error once.
 */
#ifndef CUSTOS_ERR_H
#define CUSTOS_ERR_H

enum {
	CUSTOS_OK = 0,
	CUSTOS_ERR_SYSTEM = -1,		/* a system call failed; see errno */
	CUSTOS_ERR_NOMEM = -2,		/* memory allocation failed */
	CUSTOS_ERR_INVALID = -3,	/* invalid argument from the caller */
	CUSTOS_ERR_FORMAT = -4,		/* malformed input */
	CUSTOS_ERR_VERIFY = -5,		/* signature or proof does not verify */
	CUSTOS_ERR_CRYPTO = -6,		/* the crypto library failed */
	CUSTOS_ERR_DB = -7,		/* the database failed */
	CUSTOS_ERR_NOTFOUND = -8,	/* no such entry, object or key */
	CUSTOS_ERR_RANGE = -9,		/* index or size out of range */
	CUSTOS_ERR_KEY = -10,		/* no signature by the expected key */
	CUSTOS_ERR_CORRUPT = -11,	/* stored data contradicts itself */
	CUSTOS_ERR_BUSY = -12,		/* held by another process */
	CUSTOS_ERR_CONFIG = -13,	/* configuration error */
	CUSTOS_ERR_EXISTS = -14,	/* already exists */
	CUSTOS_ERR_UNSUPPORTED = -15,	/* algorithm or feature not supported */
	CUSTOS_ERR_TOOBIG = -16,	/* input exceeds a fixed limit */
	CUSTOS_ERR_NOSPACE = -17,	/* no space left on the store */
};

/*
 * Returns a static, human-readable description of code.  Never NULL;
 * unknown codes give "unknown error".  For CUSTOS_ERR_SYSTEM the text is
 * generic: callers append strerror(errno) themselves.
 */
const char	*custos_strerror(int code);

#endif
