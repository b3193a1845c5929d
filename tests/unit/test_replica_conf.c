/*
 * Unit tests for the [replica] section (lib/base/config_replica.c), the
 * credentials file (lib/replica/replica_conf.c) and the S3 reply parsers
 * (lib/replica/s3_xml.c) on replies captured from radosgw.
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "custos/config.h"
#include "custos/err.h"
#include "custos/replica_conf.h"
#include "custos/s3.h"
#include "lib/replica/s3_int.h"

#include "fixture.h"

#define HEAD	"[station]\nname = t.example/s\ncalendar_dir = none\n" \
		"[replica]\n"

static struct config *
parse(const char *text, int want, char *err, size_t errlen)
{
	struct config *c = NULL;

	assert_int_equal(config_parse(text, strlen(text), "/etc/t.conf", &c,
	    err, errlen), want);
	return c;
}

static void
test_defaults(void **state)
{
	struct config *c;
	char err[256];

	(void)state;
	c = parse(HEAD "endpoint = http://127.0.0.1:7480/\nbucket = ev-1\n"
	    "credentials = keys\n", 0, err, sizeof(err));
	assert_string_equal(c->replica_endpoint, "http://127.0.0.1:7480");
	assert_string_equal(c->replica_bucket, "ev-1");
	assert_string_equal(c->replica_region, "us-east-1");
	assert_string_equal(c->replica_credentials, "/etc/keys");
	assert_null(c->replica_ca);
	assert_int_equal(c->replica_part_size, 16 << 20);
	assert_int_equal(c->replica_multipart_threshold, 1 << 30);
	config_free(c);
	c = parse("[station]\nname = t.example/s\ncalendar_dir = none\n", 0,
	    err, sizeof(err));
	assert_null(c->replica_endpoint);
	config_free(c);
	c = parse(HEAD "endpoint = https://s3.example.org\nbucket = abc\n"
	    "credentials = /k\nregion = cn-north-1\nca = /ca.pem\n"
	    "part_size = 5 MiB\nmultipart_threshold = 256MiB\n", 0, err,
	    sizeof(err));
	assert_string_equal(c->replica_region, "cn-north-1");
	assert_string_equal(c->replica_ca, "/ca.pem");
	assert_int_equal(c->replica_part_size, 5 << 20);
	assert_int_equal(c->replica_multipart_threshold, 256 << 20);
	config_free(c);
}

static void
test_errors(void **state)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "bucket = abc\n", "/etc/t.conf:5: [replica] endpoint: "
		    "required with bucket" },
		{ "endpoint = http://h\ncredentials = k\n", "/etc/t.conf:5: "
		    "[replica] bucket: required with endpoint" },
		{ "endpoint = s3://h\n", "/etc/t.conf:5: [replica] endpoint: "
		    "expected an http:// or https:// URL" },
		{ "endpoint = http://k:s@h\n", "/etc/t.conf:5: [replica] "
		    "endpoint: expected a URL without user, query or fragment "
		    "(the keys go in the credentials file)" },
		{ "bucket = -ab\n", "/etc/t.conf:5: [replica] bucket: expected "
		    "a bucket name: 3 to 63 of a-z, 0-9, '.' and '-', a "
		    "letter or digit at each end" },
		{ "part_size = 4 MiB\n", "/etc/t.conf:5: [replica] part_size: "
		    "expected a size from 5 MiB to 5 GiB" },
		{ "multipart_threshold = 6 GiB\n", "/etc/t.conf:5: [replica] "
		    "multipart_threshold: expected a size from 5 MiB to 5 GiB" },
		{ "secret_key = x\n", "/etc/t.conf:5: [replica] secret_key: "
		    "unknown key" },
	};
	char text[512], err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), HEAD "%s", cases[i].text);
		assert_null(parse(text, CUSTOS_ERR_CONFIG, err, sizeof(err)));
		assert_string_equal(err, cases[i].err);
	}
}

/* Writes text to dir/keys with mode and loads the params. */
static int
load(const char *dir, const char *text, mode_t mode, char *err,
    size_t errlen)
{
	struct replica_creds *k = NULL;
	struct s3_params p;
	struct config *c;
	char path[512], conf[1024];
	FILE *f;
	int rc;

	fixture_path(path, sizeof(path), dir, "keys");
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
	snprintf(conf, sizeof(conf), HEAD "endpoint = http://h:1\n"
	    "bucket = abc\ncredentials = %s\n", path);
	c = parse(conf, 0, err, errlen);
	rc = replica_conf_params(c, &p, &k, err, errlen);
	if (rc == 0) {
		assert_string_equal(p.access_key, "AK");
		assert_string_equal(p.secret_key, "s=k");
		assert_string_equal(p.endpoint, "http://h:1");
		assert_int_equal(p.part_size, 16 << 20);
	} else
		assert_null(k);
	replica_creds_free(k);
	config_free(c);
	return rc;
}

static void
test_credentials(void **state)
{
	char dir[256], err[512], want[600];

	(void)state;
	assert_int_equal(fixture_dir_make(dir, sizeof(dir), "replica"), 0);
	assert_int_equal(load(dir, "access_key = AK\nsecret_key = s=k\n",
	    0600, err, sizeof(err)), 0);
	assert_int_equal(load(dir, "access_key = AK\nsecret_key = s=k\n",
	    0640, err, sizeof(err)), CUSTOS_ERR_CONFIG);
	snprintf(want, sizeof(want), "%s/keys: readable by its group or "
	    "others; it holds the replica's secret key: chmod 600 it", dir);
	assert_string_equal(err, want);
	assert_int_equal(load(dir, "access_key = AK\n", 0400, err,
	    sizeof(err)), CUSTOS_ERR_CONFIG);
	snprintf(want, sizeof(want), "%s/keys: secret_key missing", dir);
	assert_string_equal(err, want);
	assert_int_equal(load(dir, "access_key = AK\nsecret = x\n", 0600, err,
	    sizeof(err)), CUSTOS_ERR_CONFIG);
	snprintf(want, sizeof(want), "%s/keys:2: unknown key \"secret\" "
	    "(expected access_key and secret_key)", dir);
	assert_string_equal(err, want);
	assert_int_equal(fixture_dir_remove(dir), 0);
}

/* Replies of radosgw (Ceph 16), as tests/fuzz/corpus/s3_reply has them. */
static const char err_sig[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Error><Code>SignatureDoesNotMatch</Code><Message></Message>"
    "<RequestId>tx0</RequestId><HostId>1-default</HostId></Error>";
static const char initiate[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/"
    "2006-03-01/\"><Bucket>custos</Bucket><Key>st/seed</Key><UploadId>"
    "2~D-rENTdKJRj8lXhPkQX5VtrdzCgbzJY</UploadId>"
    "</InitiateMultipartUploadResult>";
static const char page[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
    "<Name>custos</Name><Prefix>st/pg/</Prefix><MaxKeys>2</MaxKeys>"
    "<IsTruncated>true</IsTruncated><Contents><Key>st/pg/k1</Key>"
    "<Size>2</Size></Contents><Contents><Key>st/pg/a&amp;b</Key>"
    "<Size>18446744073709551615</Size></Contents><NextContinuationToken>"
    "st/pg/k2</NextContinuationToken><KeyCount>2</KeyCount>"
    "</ListBucketResult>";

static const char notoken[] = "<ListBucketResult><IsTruncated>true"
    "</IsTruncated></ListBucketResult>";
static const char big[] = "<ListBucketResult><Contents><Key>k</Key>"
    "<Size>18446744073709551616</Size></Contents></ListBucketResult>";
static const char doctype[] = "<!DOCTYPE Error [<!ENTITY a \"x\">]>"
    "<Error><Code>&a;</Code></Error>";

static void
test_xml(void **state)
{
	struct s3_xml_page pg;
	char code[64], msg[8], *id = NULL;

	(void)state;
	assert_int_equal(s3_xml_error(err_sig, strlen(err_sig), code,
	    sizeof(code), msg, sizeof(msg)), 0);
	assert_string_equal(code, "SignatureDoesNotMatch");
	assert_string_equal(msg, "");
	assert_int_equal(s3_xml_error(initiate, strlen(initiate), code,
	    sizeof(code), msg, sizeof(msg)), CUSTOS_ERR_FORMAT);
	assert_int_equal(s3_xml_upload_id(initiate, strlen(initiate), &id), 0);
	assert_string_equal(id, "2~D-rENTdKJRj8lXhPkQX5VtrdzCgbzJY");
	free(id);
	assert_int_equal(s3_xml_upload_id(err_sig, strlen(err_sig), &id),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(s3_xml_list(page, strlen(page), &pg), 0);
	assert_int_equal(pg.n, 2);
	assert_string_equal(pg.items[1].key, "st/pg/a&b");
	assert_true(pg.items[1].size == UINT64_MAX);
	assert_true(pg.truncated);
	assert_string_equal(pg.next, "st/pg/k2");
	s3_xml_page_free(&pg);
	/* Truncated without a token, a size past 2^64, a cut document. */
	assert_int_equal(s3_xml_list(notoken, strlen(notoken), &pg),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(s3_xml_list(big, strlen(big), &pg),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(s3_xml_complete(initiate, 40), CUSTOS_ERR_FORMAT);
	/* A DOCTYPE (entities) is refused before anything is read. */
	assert_int_equal(s3_xml_error(doctype, strlen(doctype), code,
	    sizeof(code), msg, sizeof(msg)), CUSTOS_ERR_FORMAT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_credentials),
		cmocka_unit_test(test_xml),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
