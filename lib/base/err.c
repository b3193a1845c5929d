#include "custos/err.h"

const char *
custos_strerror(int code)
{
	switch (code) {
	case CUSTOS_OK:			return "success";
	case CUSTOS_ERR_SYSTEM:		return "system error";
	case CUSTOS_ERR_NOMEM:		return "out of memory";
	case CUSTOS_ERR_INVALID:	return "invalid argument";
	case CUSTOS_ERR_FORMAT:		return "malformed input";
	case CUSTOS_ERR_VERIFY:		return "verification failed";
	case CUSTOS_ERR_CRYPTO:		return "cryptographic library error";
	case CUSTOS_ERR_DB:		return "database error";
	case CUSTOS_ERR_NOTFOUND:	return "not found";
	case CUSTOS_ERR_RANGE:		return "out of range";
	case CUSTOS_ERR_KEY:		return "not signed by the expected key";
	case CUSTOS_ERR_CORRUPT:	return "stored data is inconsistent";
	case CUSTOS_ERR_BUSY:		return "in use by another process";
	case CUSTOS_ERR_CONFIG:		return "configuration error";
	case CUSTOS_ERR_EXISTS:		return "already exists";
	case CUSTOS_ERR_UNSUPPORTED:	return "not supported";
	case CUSTOS_ERR_TOOBIG:		return "too large";
	case CUSTOS_ERR_NOSPACE:	return "no space left on device";
	}
	return "unknown error";
}
