/*
 * cli_replica: custos replica check [--json] (docs/replication.md).  With the
 * config's [replica] section and credentials, the station's own S3 client
 * puts a small probe object <station>/probe/<random>, reads its metadata
 * back, gets and compares it, finds it in the listing of <station>/probe/
 * and deletes it.  Each step is printed with its time; the first failure
 * ends the check with one sentence saying what went wrong (the server
 * cannot be reached, the credentials or signature were refused, no such
 * bucket, ...).  A probe left by a failure after the upload is deleted
 * on the way out when the server lets it.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/rand.h>

#include "custos/config.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/replica_conf.h"
#include "custos/s3.h"
#include "cli_replica.h"
#include "tools/cli_util.h"

#define PROBE_LEN	4096

struct probe {
	struct s3	*s;
	const struct config *cfg;
	char		*key;		/* <station>/probe/<random> */
	char		*prefix;	/* <station>/probe/ */
	uint8_t		 data[PROBE_LEN];
	char		 hex[2 * DIGEST_LEN + 1];	/* of data */
	int		 found;		/* the listing showed key */
	int		 stored;	/* the put succeeded */
	struct s3_result res;
	char		 why[256];	/* a failure of ours, not the lib's */
};

void
cli_replica_usage(FILE *f)
{
	fprintf(f, "usage: custos [-c CONF] replica check [--json]\n");
}

static int
usage(void)
{
	cli_replica_usage(stderr);
	return CLI_EXIT_USAGE;
}

static int
do_put(struct probe *p)
{
	int rc;

	rc = s3_put_mem(p->s, p->key, p->data, sizeof(p->data), &p->res);
	p->stored = rc == 0;
	return rc;
}

static int
do_head(struct probe *p)
{
	char hex[65];
	uint64_t size;
	int rc;

	if ((rc = s3_head(p->s, p->key, &size, hex, &p->res)) != 0)
		return rc;
	if (size != sizeof(p->data) || strcmp(hex, p->hex) != 0) {
		snprintf(p->why, sizeof(p->why), "the server reports %llu "
		    "bytes with sha256 \"%s\" for the %d bytes stored with "
		    "sha256 %s", (unsigned long long)size, hex, PROBE_LEN,
		    p->hex);
		return CUSTOS_ERR_VERIFY;
	}
	return 0;
}

static int
do_get(struct probe *p)
{
	uint8_t back[PROBE_LEN + 1];
	uint64_t size;
	ssize_t n;
	FILE *f;
	int rc;

	if ((f = tmpfile()) == NULL)
		err(CLI_EXIT_USAGE, "tmpfile");
	rc = s3_get_fd(p->s, p->key, fileno(f), &size, &p->res);
	if (rc == 0) {
		n = pread(fileno(f), back, sizeof(back), 0);
		if (n != (ssize_t)sizeof(p->data) || memcmp(back, p->data,
		    sizeof(p->data)) != 0) {
			snprintf(p->why, sizeof(p->why), "the %llu bytes got "
			    "back are not the %d bytes put",
			    (unsigned long long)size, PROBE_LEN);
			rc = CUSTOS_ERR_VERIFY;
		}
	}
	fclose(f);
	return rc;
}

static int
on_key(void *arg, const char *key, uint64_t size)
{
	struct probe *p = arg;

	if (strcmp(key, p->key) == 0 && size == sizeof(p->data))
		p->found = 1;
	return 0;
}

static int
do_list(struct probe *p)
{
	int rc;

	if ((rc = s3_list(p->s, p->prefix, on_key, p, &p->res)) != 0)
		return rc;
	if (!p->found) {
		snprintf(p->why, sizeof(p->why), "the listing of %s does not "
		    "show the probe", p->prefix);
		return CUSTOS_ERR_NOTFOUND;
	}
	return 0;
}

static int
do_delete(struct probe *p)
{
	char hex[65];
	uint64_t size;
	int rc;

	if ((rc = s3_delete(p->s, p->key, &p->res)) != 0)
		return rc;
	p->stored = 0;
	rc = s3_head(p->s, p->key, &size, hex, &p->res);
	if (rc == CUSTOS_ERR_NOTFOUND)
		return 0;
	if (rc == 0) {
		snprintf(p->why, sizeof(p->why), "the probe is still there "
		    "after its delete");
		return CUSTOS_ERR_EXISTS;
	}
	return rc;
}

static const struct {
	const char	*name;
	int		(*run)(struct probe *);
} steps[] = {
	{ "put", do_put }, { "head", do_head }, { "get", do_get },
	{ "list", do_list }, { "delete", do_delete },
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Runs the steps; the index of the one that failed, or -1. */
static int
run_steps(struct probe *p, json_t *jsteps, int json)
{
	double t0, ms;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		t0 = now_ms();
		rc = steps[i].run(p);
		ms = (double)(long long)((now_ms() - t0) * 10 + 0.5) / 10;
		if (rc != 0)
			return (int)i;
		if (json)
			json_array_append_new(jsteps, json_pack("{s:s, s:f}",
			    "step", steps[i].name, "ms", ms));
		else
			printf("%-7s %8.1f ms\n", steps[i].name, ms);
	}
	return -1;
}

/* The probe's key and bytes. */
static void
probe_init(struct probe *p, const struct config *cfg)
{
	uint8_t rnd[8], h[DIGEST_LEN];
	char rhex[17];

	if (RAND_bytes(rnd, sizeof(rnd)) != 1 ||
	    RAND_bytes(p->data, sizeof(p->data)) != 1)
		errx(CLI_EXIT_USAGE, "no random bytes");
	hex_encode(rnd, sizeof(rnd), rhex);
	if (asprintf(&p->prefix, "%s/probe/", cfg->station_name) == -1 ||
	    asprintf(&p->key, "%s%s", p->prefix, rhex) == -1)
		errx(CLI_EXIT_USAGE, "out of memory");
	if (digest_buf(DIGEST_SHA256, p->data, sizeof(p->data), h) != 0)
		errx(CLI_EXIT_USAGE, "cannot hash the probe");
	hex_encode(h, DIGEST_LEN, p->hex);
}

static int
report(struct probe *p, const struct s3_params *sp, int failed, json_t *js,
    int json)
{
	const char *msg = p->why[0] != '\0' ? p->why : p->res.msg;
	json_t *o;

	if (json) {
		o = json_pack("{s:s, s:s, s:s, s:b, s:o}", "endpoint",
		    sp->endpoint, "bucket", sp->bucket, "key", p->key, "ok",
		    failed < 0, "steps", js);
		if (o != NULL && failed >= 0)
			json_object_set_new(o, "failed", json_pack("{s:s, s:I, "
			    "s:s, s:s}", "step", steps[failed].name, "http",
			    (json_int_t)p->res.http, "code", p->res.code,
			    "message", msg));
		if (o == NULL || json_dumpf(o, stdout, JSON_INDENT(2)) != 0)
			errx(CLI_EXIT_USAGE, "cannot write the JSON answer");
		putchar('\n');
		json_decref(o);
	} else {
		json_decref(js);
		if (failed < 0)
			printf("OK\n");
	}
	if (failed < 0)
		return CLI_EXIT_OK;
	warnx("replica check: %s of %s failed: %s", steps[failed].name,
	    p->key, msg);
	return CLI_EXIT_NOT;
}

static int
check(const struct config *cfg, int json)
{
	struct replica_creds *creds;
	struct s3_params sp;
	struct s3_result ignored;
	struct probe p;
	char errbuf[512];
	json_t *js;
	int rc, failed;

	memset(&p, 0, sizeof(p));
	if (replica_conf_params(cfg, &sp, &creds, errbuf, sizeof(errbuf)) !=
	    0) {
		warnx("replica check: %s", errbuf);
		return CLI_EXIT_USAGE;
	}
	rc = s3_new(&sp, &p.s);
	if (rc != 0) {
		replica_creds_free(creds);
		warnx("replica check: [replica] of %s: %s", cfg->path,
		    custos_strerror(rc));
		return CLI_EXIT_USAGE;
	}
	probe_init(&p, cfg);
	if ((js = json_array()) == NULL)
		errx(CLI_EXIT_USAGE, "out of memory");
	if (!json)
		printf("replica %s bucket %s probe %s\n", sp.endpoint,
		    sp.bucket, p.key);
	failed = run_steps(&p, js, json);
	if (p.stored)
		(void)s3_delete(p.s, p.key, &ignored);
	rc = report(&p, &sp, failed, js, json);
	s3_free(p.s);
	replica_creds_free(creds);
	free(p.key);
	free(p.prefix);
	return rc;
}

int
cli_replica(const struct config *cfg, int argc, char *argv[])
{
	int json = 0;

	if (argc == 3 && strcmp(argv[2], "--json") == 0)
		json = 1;
	else if (argc != 2)
		return usage();
	if (strcmp(argv[1], "check") != 0)
		return usage();
	return check(cfg, json);
}
