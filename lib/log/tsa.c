/*
 * tsa: RFC 3161 time-stamp requests and replies on OpenSSL's TS API.
 *
 * The checks that can be stated simply (imprint algorithm and value,
 * nonce) are done here first, so that a failure says which one failed;
 * OpenSSL's TS_RESP_verify_response() then checks the same again
 * together with the version, the ESS signing-certificate binding, the
 * CMS signature and the certificate chain.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "custos/err.h"
#include "custos/tsa.h"

#define SHA256_LEN	32

/* PKIStatus values that carry a token (RFC 3161 section 2.4.2). */
#define PKISTATUS_GRANTED		0
#define PKISTATUS_GRANTED_WITH_MODS	1

static void
setwhy(char *why, size_t whylen, const char *fmt, const char *arg)
{
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, fmt, arg);
}

static int
sha256(const void *data, size_t len, uint8_t md[SHA256_LEN])
{
	unsigned int	 n = 0;

	if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1 ||
	    n != SHA256_LEN)
		return CUSTOS_ERR_CRYPTO;
	return 0;
}

/* A MessageImprint of SHA-256(data): 0, CUSTOS_ERR_NOMEM or _CRYPTO. */
static int
imprint_new(const void *data, size_t len, TS_MSG_IMPRINT **out)
{
	TS_MSG_IMPRINT	*mi = NULL;
	X509_ALGOR	*alg = NULL;
	uint8_t		 md[SHA256_LEN];
	int		 rc;

	*out = NULL;
	if ((rc = sha256(data, len, md)) != 0)
		return rc;
	rc = CUSTOS_ERR_NOMEM;
	if ((mi = TS_MSG_IMPRINT_new()) == NULL ||
	    (alg = X509_ALGOR_new()) == NULL)
		goto out;
	X509_ALGOR_set_md(alg, EVP_sha256());
	if (TS_MSG_IMPRINT_set_algo(mi, alg) != 1 ||
	    TS_MSG_IMPRINT_set_msg(mi, md, SHA256_LEN) != 1)
		goto out;
	*out = mi;
	mi = NULL;
	rc = 0;
out:
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	return rc;
}

/*
 * A TimeStampReq for SHA-256(data) with nonce (when not NULL) and
 * policy (dotted OID or NULL).  TS_REQ_to_TS_VERIFY_CTX() turns the same
 * request into the expectations a reply is checked against.
 */
static int
req_new(const void *data, size_t len, const char *policy,
    const uint64_t *nonce, TS_REQ **out)
{
	TS_REQ		*req = NULL;
	TS_MSG_IMPRINT	*mi = NULL;
	ASN1_OBJECT	*pol = NULL;
	ASN1_INTEGER	*n = NULL;
	int		 rc;

	*out = NULL;
	if ((rc = imprint_new(data, len, &mi)) != 0)
		return rc;
	rc = CUSTOS_ERR_NOMEM;
	if ((req = TS_REQ_new()) == NULL || TS_REQ_set_version(req, 1) != 1 ||
	    TS_REQ_set_msg_imprint(req, mi) != 1 ||
	    TS_REQ_set_cert_req(req, 1) != 1)
		goto out;
	if (policy != NULL) {
		if ((pol = OBJ_txt2obj(policy, 1)) == NULL) {
			rc = CUSTOS_ERR_INVALID;
			goto out;
		}
		if (TS_REQ_set_policy_id(req, pol) != 1)
			goto out;
	}
	if (nonce != NULL) {
		if ((n = ASN1_INTEGER_new()) == NULL ||
		    ASN1_INTEGER_set_uint64(n, *nonce) != 1 ||
		    TS_REQ_set_nonce(req, n) != 1)
			goto out;
	}
	*out = req;
	req = NULL;
	rc = 0;
out:
	ASN1_INTEGER_free(n);
	ASN1_OBJECT_free(pol);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
	ERR_clear_error();
	return rc;
}

int
tsa_request(const void *data, size_t len, const char *policy, uint8_t **req,
    size_t *reqlen, uint64_t *nonce)
{
	TS_REQ		*r = NULL;
	unsigned char	*der = NULL, *p;
	uint64_t	 n = 0;
	int		 dlen, rc;

	*req = NULL;
	*reqlen = 0;
	/* A zero nonce would be encoded, but looks like "no nonce" in logs. */
	while (n == 0)
		if (RAND_bytes((unsigned char *)&n, sizeof(n)) != 1) {
			ERR_clear_error();
			return CUSTOS_ERR_CRYPTO;
		}
	if ((rc = req_new(data, len, policy, &n, &r)) != 0)
		return rc;
	rc = CUSTOS_ERR_CRYPTO;
	if ((dlen = i2d_TS_REQ(r, NULL)) <= 0)
		goto out;
	rc = CUSTOS_ERR_NOMEM;
	if ((der = malloc((size_t)dlen)) == NULL)
		goto out;
	p = der;
	rc = CUSTOS_ERR_CRYPTO;
	if (i2d_TS_REQ(r, &p) != dlen)
		goto out;
	*req = der;
	*reqlen = (size_t)dlen;
	*nonce = n;
	der = NULL;
	rc = 0;
out:
	free(der);
	TS_REQ_free(r);
	ERR_clear_error();
	return rc;
}

/* The whole of reply as one TimeStampResp, nothing after it. */
static int
resp_decode(const uint8_t *reply, size_t replylen, TS_RESP **out)
{
	const unsigned char	*p = reply;
	TS_RESP			*resp;

	*out = NULL;
	if (replylen > TSA_MAX_REPLY)
		return CUSTOS_ERR_TOOBIG;
	if (replylen == 0)
		return CUSTOS_ERR_FORMAT;
	resp = d2i_TS_RESP(NULL, &p, (long)replylen);
	ERR_clear_error();
	if (resp == NULL)
		return CUSTOS_ERR_FORMAT;
	if (p != reply + replylen) {
		TS_RESP_free(resp);
		return CUSTOS_ERR_FORMAT;
	}
	*out = resp;
	return 0;
}

/*
 * genTime to Unix ms and RFC 3339.  DER demands GeneralizedTime in UTC
 * ("Z") with optional fractional seconds, which ASN1_TIME_to_tm() drops:
 * the milliseconds are read from the string itself.
 */
static int
info_time(const ASN1_GENERALIZEDTIME *gt, struct tsa_info *info)
{
	struct tm	 tm;
	const char	*s, *dot;
	int		 ms = 0, i, len;
	time_t		 t;

	memset(&tm, 0, sizeof(tm));
	if (gt == NULL || ASN1_TIME_to_tm(gt, &tm) != 1)
		return CUSTOS_ERR_FORMAT;
	s = (const char *)ASN1_STRING_get0_data(gt);
	len = ASN1_STRING_length(gt);
	if ((dot = memchr(s, '.', (size_t)len)) != NULL)
		for (i = 1; i <= 3 && dot + i < s + len &&
		    dot[i] >= '0' && dot[i] <= '9'; i++)
			ms += (dot[i] - '0') * (i == 1 ? 100 : i == 2 ? 10 : 1);
	if ((t = timegm(&tm)) == (time_t)-1)
		return CUSTOS_ERR_FORMAT;
	info->time_ms = (int64_t)t * 1000 + ms;
	/* GeneralizedTime has four-digit years: this always fits. */
	len = (int)strftime(info->time, sizeof(info->time),
	    "%Y-%m-%dT%H:%M:%S", &tm);
	if (ms != 0)
		snprintf(info->time + len, sizeof(info->time) - (size_t)len,
		    ".%03dZ", ms);
	else
		snprintf(info->time + len, sizeof(info->time) - (size_t)len,
		    "Z");
	return 0;
}

/* Lower-case hex; a serial too long for the field ends in "...". */
static int
info_serial(const ASN1_INTEGER *serial, struct tsa_info *info)
{
	BIGNUM	*bn;
	char	*hex, *p;
	size_t	 n;

	if (serial == NULL)
		return CUSTOS_ERR_FORMAT;
	if ((bn = ASN1_INTEGER_to_BN(serial, NULL)) == NULL)
		return CUSTOS_ERR_NOMEM;
	hex = BN_bn2hex(bn);
	BN_free(bn);
	if (hex == NULL)
		return CUSTOS_ERR_NOMEM;
	for (p = hex; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	n = strlen(hex);
	if (n >= sizeof(info->serial))
		snprintf(info->serial, sizeof(info->serial), "%.*s...",
		    (int)sizeof(info->serial) - 4, hex);
	else
		memcpy(info->serial, hex, n + 1);
	OPENSSL_free(hex);
	return 0;
}

static void
name_line(const X509_NAME *name, char *buf, size_t buflen)
{
	BIO	*b;
	char	*p;
	long	 n;

	buf[0] = '\0';
	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0 &&
	    (n = BIO_get_mem_data(b, &p)) > 0)
		snprintf(buf, buflen, "%.*s", (int)n, p);
	BIO_free(b);
}

/*
 * The signer's subject: the certificate in the token that signed it, or
 * else the directoryName the TSTInfo gives as tsa, or "".
 */
static void
info_signer(PKCS7 *token, TS_TST_INFO *tst, struct tsa_info *info)
{
	STACK_OF(X509)	*signers;
	GENERAL_NAME	*gn;

	info->tsa[0] = '\0';
	signers = PKCS7_get0_signers(token, NULL, 0);
	if (signers != NULL && sk_X509_num(signers) > 0)
		name_line(X509_get_subject_name(sk_X509_value(signers, 0)),
		    info->tsa, sizeof(info->tsa));
	sk_X509_free(signers);
	if (info->tsa[0] == '\0' && (gn = TS_TST_INFO_get_tsa(tst)) != NULL &&
	    gn->type == GEN_DIRNAME)
		name_line(gn->d.directoryName, info->tsa, sizeof(info->tsa));
	ERR_clear_error();
}

/* Status granted and a token present: else the reply claims nothing. */
static int
resp_token(TS_RESP *resp, TS_TST_INFO **tst)
{
	TS_STATUS_INFO		*si;
	const ASN1_INTEGER	*st;
	long			 v;

	*tst = NULL;
	if ((si = TS_RESP_get_status_info(resp)) == NULL ||
	    (st = TS_STATUS_INFO_get0_status(si)) == NULL)
		return CUSTOS_ERR_FORMAT;
	v = ASN1_INTEGER_get(st);
	if (v != PKISTATUS_GRANTED && v != PKISTATUS_GRANTED_WITH_MODS)
		return CUSTOS_ERR_FORMAT;
	if (TS_RESP_get_token(resp) == NULL ||
	    (*tst = TS_RESP_get_tst_info(resp)) == NULL)
		return CUSTOS_ERR_FORMAT;
	return 0;
}

static int
info_fill(TS_RESP *resp, TS_TST_INFO *tst, struct tsa_info *info)
{
	ASN1_OBJECT	*pol;
	int		 rc;

	memset(info, 0, sizeof(*info));
	if ((rc = info_time(TS_TST_INFO_get_time(tst), info)) != 0 ||
	    (rc = info_serial(TS_TST_INFO_get_serial(tst), info)) != 0)
		return rc;
	if ((pol = TS_TST_INFO_get_policy_id(tst)) == NULL ||
	    OBJ_obj2txt(info->policy, sizeof(info->policy), pol, 1) <= 0) {
		ERR_clear_error();
		return CUSTOS_ERR_FORMAT;
	}
	info_signer(TS_RESP_get_token(resp), tst, info);
	return 0;
}

int
tsa_parse(const uint8_t *reply, size_t replylen, struct tsa_info *info)
{
	TS_RESP		*resp;
	TS_TST_INFO	*tst;
	int		 rc;

	if ((rc = resp_decode(reply, replylen, &resp)) != 0)
		return rc;
	if ((rc = resp_token(resp, &tst)) == 0)
		rc = info_fill(resp, tst, info);
	TS_RESP_free(resp);
	ERR_clear_error();
	return rc;
}

/*
 * The CA certificates of a PEM file, as a store whose chain checks run at
 * time t.  Returns 0; CUSTOS_ERR_SYSTEM when it cannot be opened;
 * CUSTOS_ERR_CONFIG when it holds no certificate.
 */
static int
store_new(const char *cafile, time_t t, X509_STORE **out)
{
	X509_STORE	*st = NULL;
	X509		*x;
	FILE		*f;
	int		 n = 0, rc = CUSTOS_ERR_NOMEM, saved = 0;

	*out = NULL;
	if ((f = fopen(cafile, "r")) == NULL)
		return CUSTOS_ERR_SYSTEM;
	if ((st = X509_STORE_new()) == NULL)
		goto out;
	while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
		if (X509_STORE_add_cert(st, x) != 1) {
			X509_free(x);
			goto out;
		}
		X509_free(x);
		n++;
	}
	if (ferror(f)) {
		rc = CUSTOS_ERR_SYSTEM;
		saved = errno;
		goto out;
	}
	if (n == 0) {
		rc = CUSTOS_ERR_CONFIG;
		goto out;
	}
	X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(st), t);
	*out = st;
	st = NULL;
	rc = 0;
out:
	X509_STORE_free(st);
	fclose(f);
	ERR_clear_error();
	if (rc == CUSTOS_ERR_SYSTEM)
		errno = saved;
	return rc;
}

/* The first OpenSSL error with its data, as one line. */
static void
ossl_why(char *why, size_t whylen, const char *what)
{
	const char	*data = NULL;
	unsigned long	 e;
	int		 flags = 0;
	char		 buf[256];

	e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags);
	if (e == 0) {
		setwhy(why, whylen, "%s", what);
		return;
	}
	snprintf(buf, sizeof(buf), "%s: %s%s%s", what,
	    ERR_reason_error_string(e) != NULL ? ERR_reason_error_string(e) :
	    "unknown", (flags & ERR_TXT_STRING) && data != NULL &&
	    *data != '\0' ? ": " : "", (flags & ERR_TXT_STRING) &&
	    data != NULL ? data : "");
	setwhy(why, whylen, "%s", buf);
}

/* Imprint and nonce, compared here so the failure can be named. */
static int
check_claims(TS_TST_INFO *tst, const uint8_t md[SHA256_LEN],
    const uint64_t *nonce, char *why, size_t whylen)
{
	TS_MSG_IMPRINT		*mi;
	const ASN1_OBJECT	*oid;
	ASN1_OCTET_STRING	*msg;
	const ASN1_INTEGER	*n;
	uint64_t		 v;

	mi = TS_TST_INFO_get_msg_imprint(tst);
	X509_ALGOR_get0(&oid, NULL, NULL, TS_MSG_IMPRINT_get_algo(mi));
	if (OBJ_obj2nid(oid) != NID_sha256) {
		setwhy(why, whylen, "%s", "message imprint is not SHA-256");
		return CUSTOS_ERR_VERIFY;
	}
	msg = TS_MSG_IMPRINT_get_msg(mi);
	if (ASN1_STRING_length(msg) != SHA256_LEN ||
	    memcmp(ASN1_STRING_get0_data(msg), md, SHA256_LEN) != 0) {
		setwhy(why, whylen, "%s",
		    "message imprint does not match the data");
		return CUSTOS_ERR_VERIFY;
	}
	if (nonce == NULL)
		return 0;
	n = TS_TST_INFO_get_nonce(tst);
	if (n == NULL || ASN1_INTEGER_get_uint64(&v, n) != 1 || v != *nonce) {
		ERR_clear_error();
		setwhy(why, whylen, "%s", n == NULL ? "token has no nonce" :
		    "nonce does not match the request");
		return CUSTOS_ERR_VERIFY;
	}
	return 0;
}

/*
 * OpenSSL's full check.  The chain is checked at genTime, not now: a
 * token must stay verifiable after the TSA certificate expires, which is
 * what a timestamp is for; a TSA's later compromise is a matter for
 * revocation data, which the reviewer weighs, not for the clock.
 */
static int
check_openssl(TS_RESP *resp, const void *data, size_t len, const char *cafile,
    const uint64_t *nonce, time_t gentime, char *why, size_t whylen)
{
	TS_VERIFY_CTX	*ctx = NULL;
	TS_REQ		*req = NULL;
	X509_STORE	*st = NULL;
	int		 flags, rc;

	if ((rc = store_new(cafile, gentime, &st)) != 0)
		return rc;
	if ((rc = req_new(data, len, NULL, nonce, &req)) != 0)
		goto out;
	rc = CUSTOS_ERR_NOMEM;
	if ((ctx = TS_REQ_to_TS_VERIFY_CTX(req, NULL)) == NULL)
		goto out;
	flags = TS_VFY_VERSION | TS_VFY_SIGNER | TS_VFY_SIGNATURE |
	    TS_VFY_IMPRINT;
	if (nonce != NULL)
		flags |= TS_VFY_NONCE;
	TS_VERIFY_CTX_set_flags(ctx, flags);
	/* OpenSSL 3.0: the context owns the store from here on. */
	TS_VERIFY_CTX_set_store(ctx, st);
	st = NULL;
	ERR_clear_error();
	if (TS_RESP_verify_response(ctx, resp) != 1) {
		ossl_why(why, whylen, "token signature or certificate chain");
		rc = CUSTOS_ERR_VERIFY;
		goto out;
	}
	rc = 0;
out:
	TS_VERIFY_CTX_free(ctx);
	TS_REQ_free(req);
	X509_STORE_free(st);
	ERR_clear_error();
	return rc;
}

int
tsa_verify(const uint8_t *reply, size_t replylen, const void *data,
    size_t len, const char *cafile, const uint64_t *nonce,
    struct tsa_info *info, char *why, size_t whylen)
{
	struct tsa_info	 tmp;
	TS_RESP		*resp;
	TS_TST_INFO	*tst;
	uint8_t		 md[SHA256_LEN];
	int		 rc;

	setwhy(why, whylen, "%s", "");
	if (info == NULL)
		info = &tmp;
	if ((rc = resp_decode(reply, replylen, &resp)) != 0) {
		setwhy(why, whylen, "%s", rc == CUSTOS_ERR_TOOBIG ?
		    "reply too large" : "not a DER TimeStampResp");
		return rc;
	}
	if ((rc = resp_token(resp, &tst)) != 0) {
		setwhy(why, whylen, "%s", "reply status is not granted");
		goto out;
	}
	if ((rc = info_fill(resp, tst, info)) != 0) {
		setwhy(why, whylen, "%s", "token claims cannot be read");
		goto out;
	}
	if ((rc = sha256(data, len, md)) != 0 ||
	    (rc = check_claims(tst, md, nonce, why, whylen)) != 0)
		goto out;
	rc = check_openssl(resp, data, len, cafile, nonce,
	    (time_t)(info->time_ms / 1000), why, whylen);
	if (rc == CUSTOS_ERR_SYSTEM || rc == CUSTOS_ERR_CONFIG)
		setwhy(why, whylen, "%s", rc == CUSTOS_ERR_SYSTEM ?
		    "cannot read the CA file" :
		    "no certificate in the CA file");
out:
	TS_RESP_free(resp);
	ERR_clear_error();
	return rc;
}
