/*
 * tsa: RFC 3161 time-stamp requests and replies, on OpenSSL's TS API.
 * No network and no global state: the daemon (daemon/tsa.c) sends the
 * request with libcurl; custos-verify and custos audit only verify.
 *
 * The message imprint is always SHA-256 of the exact bytes given (for
 * Custos: the exact checkpoint note), whatever the station's profile, so
 * that `openssl ts -verify -data checkpoint` works with generic tools.
 */
#ifndef CUSTOS_TSA_H
#define CUSTOS_TSA_H

#include <stddef.h>
#include <stdint.h>

/* Largest TimeStampResp accepted anywhere. */
#define TSA_MAX_REPLY	(64 * 1024)

struct tsa_info {
	int64_t		 time_ms;	/* genTime, Unix ms UTC */
	char		 time[32];	/* genTime as RFC 3339 UTC */
	char		 serial[80];	/* serial number, hex */
	char		 policy[80];	/* policy OID, dotted */
	char		 tsa[256];	/* signer certificate subject, one line
					   (RFC 2253), or "" */
};

/*
 * Builds a DER TimeStampReq for SHA-256(data), with a random nonce, certReq
 * true and policy (dotted OID) when not NULL.  Returns 0 and a newly
 * allocated *req of *reqlen bytes (free()), and the nonce (the caller
 * checks the reply against it); CUSTOS_ERR_INVALID for a bad policy OID,
 * CUSTOS_ERR_CRYPTO, CUSTOS_ERR_NOMEM.
 */
int	 tsa_request(const void *data, size_t len, const char *policy,
	    uint8_t **req, size_t *reqlen, uint64_t *nonce);

/*
 * Verifies a DER TimeStampResp (as stored in checkpoint.tsr) for data:
 * status granted, the token's signature, the signer certificate chaining
 * to the CA certificates in the PEM file cafile with the timeStamping
 * extended key usage, and the message imprint equal to SHA-256(data);
 * when nonce is not NULL also the nonce.  Fills *info (may be NULL) also
 * when only the imprint or the chain fails, so the caller can say what
 * the token claims.  The chain is checked as of the token's genTime, so a
 * token stays verifiable after the TSA certificate has expired.  Returns
 * 0; CUSTOS_ERR_FORMAT when reply is not exactly one DER TimeStampResp or
 * its status is not granted; CUSTOS_ERR_TOOBIG when replylen exceeds
 * TSA_MAX_REPLY; CUSTOS_ERR_VERIFY when the signature, chain, imprint or
 * nonce is wrong; CUSTOS_ERR_SYSTEM when cafile cannot be read (errno
 * set); CUSTOS_ERR_CONFIG when it holds no PEM certificate;
 * CUSTOS_ERR_NOMEM, CUSTOS_ERR_CRYPTO.  On every failure why (when not
 * NULL) gets one line of at most whylen bytes saying which check failed.
 */
int	 tsa_verify(const uint8_t *reply, size_t replylen, const void *data,
	    size_t len, const char *cafile, const uint64_t *nonce,
	    struct tsa_info *info, char *why, size_t whylen);

/*
 * Reads what a TimeStampResp claims without checking it: for reports of a
 * token that fails.  Returns 0, CUSTOS_ERR_FORMAT (also for a reply
 * without a token), CUSTOS_ERR_TOOBIG, CUSTOS_ERR_NOMEM.
 */
int	 tsa_parse(const uint8_t *reply, size_t replylen, struct tsa_info *info);

#endif
