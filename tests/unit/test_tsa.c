/*
 * Tests for lib/log/tsa.c against a real TSA: the CA and TSA certificates of
 * tests/tools/mktsa.sh, made in a temporary directory when the tests
 * start, and replies made by "openssl ts -reply" to the requests that
 * tsa_request() builds.  The path of mktsa.sh may be given in MKTSA; the
 * default is relative to the top of the source tree, where the tests run.
 * Also the timestamps table of lib/log/log.c, with such tokens, in a real
 * SQLite file, including a log made before the table existed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "custos/digest.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/tsa.h"

#include "fixture.h"

static char	 dir[160];
static char	 ca[192], other[192];

static const char data[] = "e2e.example/station\n3\n"
    "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n"
    "\xe2\x80\x94 e2e.example/station AAAA\n";

static void
path(char *buf, size_t len, const char *name)
{
	int	 n;

	n = snprintf(buf, len, "%s/%s", dir, name);
	assert_true(n > 0 && (size_t)n < len);
}

static void
write_file(const char *name, const void *p, size_t len)
{
	char	 fn[256];
	FILE	*f;

	path(fn, sizeof(fn), name);
	assert_non_null(f = fopen(fn, "wb"));
	assert_int_equal(fwrite(p, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static uint8_t *
read_file(const char *name, size_t *len)
{
	static uint8_t	 buf[TSA_MAX_REPLY + 1];
	char		 fn[256];
	FILE		*f;

	path(fn, sizeof(fn), name);
	assert_non_null(f = fopen(fn, "rb"));
	*len = fread(buf, 1, sizeof(buf), f);
	assert_int_equal(fclose(f), 0);
	assert_true(*len > 0 && *len <= TSA_MAX_REPLY);
	return buf;
}

static void
sh(const char *fmt, ...)
{
	char	 cmd[1024];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(cmd));
	assert_int_equal(system(cmd), 0);
}

/* openssl ts -reply to q.tsq, with extra options; the reply in r.tsr. */
static uint8_t *
reply(const char *opts, size_t *len)
{
	sh("cd %s && openssl ts -reply -config tsa.cnf -queryfile q.tsq "
	    "-inkey tsa.key -signer tsa.pem -out r.tsr %s 2>/dev/null", dir,
	    opts);
	return read_file("r.tsr", len);
}

/* A token for d made from tsa_request()'s own request. */
static uint8_t *
token(const void *d, size_t dlen, const char *policy, uint64_t *nonce,
    size_t *len)
{
	uint8_t	*req;
	size_t	 reqlen;

	assert_int_equal(tsa_request(d, dlen, policy, &req, &reqlen, nonce),
	    0);
	write_file("q.tsq", req, reqlen);
	free(req);
	return reply("", len);
}

static int
setup(void **state)
{
	const char	*mk;

	(void)state;
	if (fixture_dir_make(dir, sizeof(dir), "tsa") != 0)
		return -1;
	if ((mk = getenv("MKTSA")) == NULL)
		mk = "tests/tools/mktsa.sh";
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	snprintf(other, sizeof(other), "%s/other-ca.pem", dir);
	{
		char	 cmd[512];

		snprintf(cmd, sizeof(cmd), "sh %s %s", mk, dir);
		if (system(cmd) != 0)
			return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return fixture_dir_remove(dir);
}

/*
 * Gets a token for all of data and verifies it against its first dlen
 * bytes and cafile, with the request's nonce.  Returns tsa_verify()'s
 * result, with info and why as it left them.
 */
static int
fresh_verify(size_t dlen, const char *cafile, struct tsa_info *info,
    char *why, size_t whylen)
{
	uint8_t	*r;
	uint64_t nonce;
	size_t	 len;

	r = token(data, sizeof(data) - 1, NULL, &nonce, &len);
	return tsa_verify(r, len, data, dlen, cafile, &nonce, info, why,
	    whylen);
}

static void
test_good(void **state)
{
	struct tsa_info	 info, pinfo;
	uint8_t		*r;
	uint64_t	 nonce;
	size_t		 len;
	char		 why[256];
	int64_t		 now = (int64_t)time(NULL) * 1000;

	(void)state;
	r = token(data, sizeof(data) - 1, NULL, &nonce, &len);
	assert_int_equal(tsa_verify(r, len, data, sizeof(data) - 1, ca,
	    &nonce, &info, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	assert_string_equal(info.policy, "1.2.3.4.1");
	assert_string_equal(info.tsa, "CN=Custos test TSA,O=Custos test");
	assert_true(strlen(info.serial) > 0);
	assert_true(info.time_ms > now - 60000 && info.time_ms < now + 60000);
	assert_int_equal(strlen(info.time), 20);
	assert_int_equal(info.time[19], 'Z');
	/* Without the nonce the same token verifies too. */
	assert_int_equal(tsa_verify(r, len, data, sizeof(data) - 1, ca,
	    NULL, NULL, NULL, 0), 0);
	assert_int_equal(tsa_parse(r, len, &pinfo), 0);
	assert_memory_equal(&info, &pinfo, sizeof(info));
	/* Generic tools agree. */
	write_file("d", data, sizeof(data) - 1);
	sh("cd %s && openssl ts -verify -data d -in r.tsr -CAfile ca.pem "
	    ">/dev/null 2>&1", dir);
}

static void
test_serials_differ(void **state)
{
	struct tsa_info	 a, b;
	uint8_t		*r;
	uint64_t	 n1, n2;
	size_t		 len;

	(void)state;
	r = token(data, 4, NULL, &n1, &len);
	assert_int_equal(tsa_verify(r, len, data, 4, ca, &n1, &a, NULL, 0), 0);
	r = token(data, 4, NULL, &n2, &len);
	assert_int_equal(tsa_verify(r, len, data, 4, ca, &n2, &b, NULL, 0), 0);
	assert_true(n1 != n2);
	assert_string_not_equal(a.serial, b.serial);
}

static void
test_other_data(void **state)
{
	struct tsa_info	 info;
	char		 why[256];

	(void)state;
	assert_int_equal(fresh_verify(sizeof(data) - 2, ca, &info, why,
	    sizeof(why)), CUSTOS_ERR_VERIFY);
	assert_string_equal(why, "message imprint does not match the data");
	/* What the token claims is still reported. */
	assert_string_equal(info.policy, "1.2.3.4.1");
}

static void
test_wrong_ca(void **state)
{
	struct tsa_info	 info;
	char		 why[256];

	(void)state;
	assert_int_equal(fresh_verify(sizeof(data) - 1, other, &info, why,
	    sizeof(why)), CUSTOS_ERR_VERIFY);
	assert_non_null(strstr(why, "certificate"));
	assert_string_equal(info.tsa, "CN=Custos test TSA,O=Custos test");
}

static void
test_nonce(void **state)
{
	uint8_t		*r;
	uint64_t	 nonce, bad;
	size_t		 len;
	char		 why[256];

	(void)state;
	r = token(data, sizeof(data) - 1, NULL, &nonce, &len);
	bad = nonce ^ 1;
	assert_int_equal(tsa_verify(r, len, data, sizeof(data) - 1, ca,
	    &bad, NULL, why, sizeof(why)), CUSTOS_ERR_VERIFY);
	assert_string_equal(why, "nonce does not match the request");
	/* A token without a nonce when one was asked for. */
	write_file("d", data, sizeof(data) - 1);
	sh("cd %s && openssl ts -query -data d -sha256 -cert -no_nonce "
	    "-out q.tsq 2>/dev/null", dir);
	r = reply("", &len);
	assert_int_equal(tsa_verify(r, len, data, sizeof(data) - 1, ca,
	    NULL, NULL, NULL, 0), 0);
	assert_int_equal(tsa_verify(r, len, data, sizeof(data) - 1, ca,
	    &nonce, NULL, why, sizeof(why)), CUSTOS_ERR_VERIFY);
	assert_string_equal(why, "token has no nonce");
}

static void
test_garbage(void **state)
{
	static uint8_t	 big[TSA_MAX_REPLY + 1];
	struct tsa_info	 info;
	uint8_t		 copy[TSA_MAX_REPLY + 1];
	uint8_t		*r;
	uint64_t	 nonce;
	size_t		 len;
	char		 why[256];

	(void)state;
	assert_int_equal(tsa_verify((const uint8_t *)"garbage", 7, data, 3,
	    ca, NULL, NULL, why, sizeof(why)), CUSTOS_ERR_FORMAT);
	assert_string_equal(why, "not a DER TimeStampResp");
	assert_int_equal(tsa_parse((const uint8_t *)"", 0, &info),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(tsa_parse(big, sizeof(big), &info),
	    CUSTOS_ERR_TOOBIG);
	r = token(data, sizeof(data) - 1, NULL, &nonce, &len);
	memcpy(copy, r, len);
	/* Cut short, or followed by anything: not one TimeStampResp. */
	assert_int_equal(tsa_parse(copy, len - 1, &info), CUSTOS_ERR_FORMAT);
	copy[len] = 0;
	assert_int_equal(tsa_parse(copy, len + 1, &info), CUSTOS_ERR_FORMAT);
	assert_int_equal(tsa_verify(copy, len + 1, data, sizeof(data) - 1,
	    ca, &nonce, NULL, NULL, 0), CUSTOS_ERR_FORMAT);
}

/* One flipped byte in the signature value at the end of the token. */
static void
test_tampered(void **state)
{
	uint8_t		 copy[TSA_MAX_REPLY];
	uint8_t		*r;
	uint64_t	 nonce;
	size_t		 len;
	char		 why[256];

	(void)state;
	r = token(data, sizeof(data) - 1, NULL, &nonce, &len);
	memcpy(copy, r, len);
	copy[len - 5] ^= 0x01;
	assert_int_equal(tsa_verify(copy, len, data, sizeof(data) - 1, ca,
	    &nonce, NULL, why, sizeof(why)), CUSTOS_ERR_VERIFY);
	assert_non_null(strstr(why, "signature"));
}

static void
test_rejection(void **state)
{
	struct tsa_info	 info;
	uint8_t		*req, *r;
	uint64_t	 nonce;
	size_t		 reqlen, len;

	(void)state;
	/* A policy the TSA does not offer: status rejection, no token. */
	assert_int_equal(tsa_request(data, 3, "1.2.3.9", &req, &reqlen,
	    &nonce), 0);
	write_file("q.tsq", req, reqlen);
	free(req);
	r = reply("", &len);
	assert_int_equal(tsa_parse(r, len, &info), CUSTOS_ERR_FORMAT);
	assert_int_equal(tsa_verify(r, len, data, 3, ca, &nonce, &info,
	    NULL, 0), CUSTOS_ERR_FORMAT);
}

static void
test_policy(void **state)
{
	struct tsa_info	 info;
	uint8_t		*req, *r;
	uint64_t	 nonce;
	size_t		 reqlen, len;

	(void)state;
	r = token(data, 3, "1.2.3.4.5", &nonce, &len);
	assert_int_equal(tsa_verify(r, len, data, 3, ca, &nonce, &info,
	    NULL, 0), 0);
	assert_string_equal(info.policy, "1.2.3.4.5");
	assert_int_equal(tsa_request(data, 3, "not an oid", &req, &reqlen,
	    &nonce), CUSTOS_ERR_INVALID);
	assert_null(req);
}

static void
test_cafile(void **state)
{
	char		 fn[256];
	uint8_t		*r;
	uint64_t	 nonce;
	size_t		 len;
	char		 why[256];

	(void)state;
	r = token(data, 3, NULL, &nonce, &len);
	path(fn, sizeof(fn), "missing.pem");
	errno = 0;
	assert_int_equal(tsa_verify(r, len, data, 3, fn, &nonce, NULL, why,
	    sizeof(why)), CUSTOS_ERR_SYSTEM);
	assert_int_equal(errno, ENOENT);
	write_file("empty.pem", "no certificate here\n", 20);
	path(fn, sizeof(fn), "empty.pem");
	assert_int_equal(tsa_verify(r, len, data, 3, fn, &nonce, NULL, why,
	    sizeof(why)), CUSTOS_ERR_CONFIG);
	assert_string_equal(why, "no certificate in the CA file");
}

static struct log *
open_log(int flags)
{
	struct log	*l;
	char		 fn[256];

	path(fn, sizeof(fn), "log.db");
	assert_int_equal(log_open(fn, DIGEST_SHA256, flags, &l), 0);
	return l;
}

static void
test_log_timestamps(void **state)
{
	static const char *const e[] = { "{\"a\":1}", "{\"a\":2}",
	    "{\"a\":3}" };
	const size_t	 lens[] = { 7, 7, 7 };
	struct log	*l, *ro;
	uint8_t		*r, *got, copy[TSA_MAX_REPLY + 1];
	uint64_t	 nonce, first, size;
	size_t		 len, glen;
	sqlite3		*db;
	char		 fn[256];

	(void)state;
	l = open_log(LOG_CREATE);
	assert_int_equal(log_append(l, (const void *const *)e, lens, 3,
	    &first, NULL), 0);
	assert_int_equal(log_checkpoint_put(l, 2, "note 2\n", 7), 0);
	assert_int_equal(log_checkpoint_put(l, 3, "note 3\n", 7), 0);
	assert_int_equal(log_timestamp_latest(l, &size), CUSTOS_ERR_NOTFOUND);
	r = token("note 2\n", 7, NULL, &nonce, &len);
	memcpy(copy, r, len);
	/* Only for a stored checkpoint, once, within the size limit. */
	assert_int_equal(log_timestamp_put(l, 1, copy, len),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(log_timestamp_put(l, 99, copy, len),
	    CUSTOS_ERR_NOTFOUND);
	assert_int_equal(log_timestamp_put(l, 2, copy, 0), CUSTOS_ERR_INVALID);
	assert_int_equal(log_timestamp_put(l, 2, copy, TSA_MAX_REPLY + 1),
	    CUSTOS_ERR_TOOBIG);
	assert_int_equal(log_timestamp_put(l, 2, copy, len), 0);
	assert_int_equal(log_timestamp_put(l, 2, copy, len),
	    CUSTOS_ERR_EXISTS);
	assert_int_equal(log_timestamp_latest(l, &size), 0);
	assert_int_equal(size, 2);
	assert_int_equal(log_timestamp_get(l, 3, &got, &glen),
	    CUSTOS_ERR_NOTFOUND);
	assert_null(got);
	/* A reader in another connection sees the exact bytes. */
	ro = open_log(LOG_RDONLY);
	assert_int_equal(log_timestamp_get(ro, 2, &got, &glen), 0);
	assert_int_equal(glen, len);
	assert_memory_equal(got, copy, len);
	free(got);
	assert_int_equal(log_timestamp_put(ro, 3, copy, len),
	    CUSTOS_ERR_INVALID);
	log_close(ro);
	assert_int_equal(tsa_verify(copy, len, "note 2\n", 7, ca, &nonce,
	    NULL, NULL, 0), 0);
	r = token("note 3\n", 7, NULL, &nonce, &len);
	assert_int_equal(log_timestamp_put(l, 3, r, len), 0);
	assert_int_equal(log_timestamp_latest(l, &size), 0);
	assert_int_equal(size, 3);
	log_close(l);

	/* A log from before the table: readers find nothing, a writer
	 * makes the table. */
	path(fn, sizeof(fn), "log.db");
	assert_int_equal(sqlite3_open(fn, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE timestamps", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	ro = open_log(LOG_RDONLY);
	assert_int_equal(log_timestamp_latest(ro, &size), CUSTOS_ERR_NOTFOUND);
	assert_int_equal(log_timestamp_get(ro, 3, &got, &glen),
	    CUSTOS_ERR_NOTFOUND);
	log_close(ro);
	l = open_log(0);
	assert_int_equal(log_timestamp_latest(l, &size), CUSTOS_ERR_NOTFOUND);
	assert_int_equal(log_timestamp_put(l, 3, r, len), 0);
	assert_int_equal(log_timestamp_latest(l, &size), 0);
	assert_int_equal(size, 3);
	log_close(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_serials_differ),
		cmocka_unit_test(test_other_data),
		cmocka_unit_test(test_wrong_ca),
		cmocka_unit_test(test_nonce),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_rejection),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_cafile),
		cmocka_unit_test(test_log_timestamps),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
