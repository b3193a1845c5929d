/*
 * libFuzzer target for tsa_parse() and tsa_verify(): a TimeStampResp as
 * stored for a checkpoint, checked against a fixed checkpoint note and a
 * fixed CA.  The CA is written once to a temporary file (tsa_verify()
 * takes a PEM file) and removed at exit.
 *
 * The seed corpus in corpus/tsr/ was made once with tests/tools/mktsa.sh
 * and "openssl ts -reply"; ca_pem below is that run's ca.pem, so the good
 * seeds verify and reach every check.  good.tsr answers a request for
 * SHA-256(note) with nonce NONCE (built with "openssl asn1parse -genconf");
 * the others: no nonce, another policy, a rejection, no certificate in the
 * token, another message, a SHA-512 imprint; garbage is not DER.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custos/err.h"
#include "custos/tsa.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NONCE	UINT64_C(0x0123456789abcdef)

static const char note[] = "fuzz.example/station\n7\n"
    "qUOL0wQWTqkx+4pnt2D47e1bdTXIydVmTkRjoAj3i9E=\n\n"
    "\xe2\x80\x94 fuzz.example/station AAAAAAAA\n";

static const char ca_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBojCCAUigAwIBAgIUQTL0RKdOOBKQcFvuXOBoMwO9WaUwCgYIKoZIzj0EAwIw\n"
	"LzEUMBIGA1UECgwLQ3VzdG9zIHRlc3QxFzAVBgNVBAMMDkN1c3RvcyB0ZXN0IGNh\n"
	"MB4XDTI2MTEyNjA5MTEwMloXDTM2MTEyMzA5MTEwMlowLzEUMBIGA1UECgwLQ3Vz\n"
	"dG9zIHRlc3QxFzAVBgNVBAMMDkN1c3RvcyB0ZXN0IGNhMFkwEwYHKoZIzj0CAQYI\n"
	"KoZIzj0DAQcDQgAEwdAF6S73dEVFYXiVQEHWEa0MIqrPUTW1J6khNuL77vqVHXr8\n"
	"Q+l4yp5JiJGz6yH8WwozTkBi8lPXz1eq94/KTKNCMEAwDwYDVR0TAQH/BAUwAwEB\n"
	"/zAOBgNVHQ8BAf8EBAMCAQYwHQYDVR0OBBYEFOw61pwmh1+PvwfNop+tsag+gRS8\n"
	"MAoGCCqGSM49BAMCA0gAMEUCIQDZij00bdIBdBRcht8AnC0rNtpkVZnBLh0obIv+\n"
	"VWVeKgIgNsgjeeiFNDFBV6TA247AweN6+PsokNl4HSPVefBoRlc=\n"
	"-----END CERTIFICATE-----\n";

static char	 cafile[64];

static void
remove_ca(void)
{
	unlink(cafile);
}

static void
init(void)
{
	FILE	*f;
	int	 fd;

	if (cafile[0] != '\0')
		return;
	snprintf(cafile, sizeof(cafile), "/tmp/fuzz_tsr.XXXXXX");
	/* Without its CA the target would test nothing: a broken harness. */
	if ((fd = mkstemp(cafile)) == -1 || (f = fdopen(fd, "w")) == NULL)
		abort();
	if (fwrite(ca_pem, 1, sizeof(ca_pem) - 1, f) != sizeof(ca_pem) - 1 ||
	    fclose(f) != 0)
		abort();
	atexit(remove_ca);
}

/* Every string of the info is terminated inside its field. */
static void
check_info(const struct tsa_info *i)
{
	if (strnlen(i->time, sizeof(i->time)) == sizeof(i->time) ||
	    strnlen(i->serial, sizeof(i->serial)) == sizeof(i->serial) ||
	    strnlen(i->policy, sizeof(i->policy)) == sizeof(i->policy) ||
	    strnlen(i->tsa, sizeof(i->tsa)) == sizeof(i->tsa))
		abort();
}

static void
check_rc(int rc)
{
	if (rc != 0 && rc != CUSTOS_ERR_FORMAT && rc != CUSTOS_ERR_TOOBIG &&
	    rc != CUSTOS_ERR_VERIFY && rc != CUSTOS_ERR_NOMEM &&
	    rc != CUSTOS_ERR_CRYPTO)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tsa_info	 parsed, checked;
	uint64_t	 nonce = NONCE;
	char		 why[256];
	int		 prc, rc;

	init();
	prc = tsa_parse(data, size, &parsed);
	if (prc != 0 && prc != CUSTOS_ERR_FORMAT &&
	    prc != CUSTOS_ERR_TOOBIG && prc != CUSTOS_ERR_NOMEM)
		abort();
	if (prc == 0)
		check_info(&parsed);
	rc = tsa_verify(data, size, note, sizeof(note) - 1, cafile, &nonce,
	    &checked, why, sizeof(why));
	check_rc(rc);
	if (strnlen(why, sizeof(why)) == sizeof(why) || (rc != 0 &&
	    why[0] == '\0'))
		abort();
	/* What verifies was readable, and says the same as the parser. */
	if (rc == 0 && (prc != 0 ||
	    memcmp(&parsed, &checked, sizeof(parsed)) != 0))
		abort();
	rc = tsa_verify(data, size, note, sizeof(note) - 1, cafile, NULL,
	    NULL, NULL, 0);
	check_rc(rc);
	return 0;
}
