/*
 * config_replica: the [replica] section of custos.conf, the S3-compatible
 * bucket the station's objects and log are replicated to
 * (docs/replication.md).  The keys themselves never appear here: credentials
 * names a file of their own (lib/replica/replica_conf.c reads it), so the
 * main config can be shown and copied freely.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custos/config.h"
#include "custos/err.h"
#include "config_int.h"

#define MIB		(1024ULL * 1024)
#define PART_MIN	(5 * MIB)	/* S3's smallest part */
#define PUT_MAX		(5 * 1024 * MIB)	/* S3's largest single PUT */
#define URL_MAX		2048

/* The defaults of the keys left out (docs/replication.md). */
#define REGION_DEFAULT	"us-east-1"
#define PART_DEFAULT	(16 * MIB)
#define THRESHOLD_DEFAULT (1024 * MIB)

static int	 set_endpoint(struct parse *, const char *);
static int	 set_bucket(struct parse *, const char *);
static int	 set_region(struct parse *, const char *);
static int	 set_size(struct parse *, const char *);
static int	 set_path(struct parse *, const char *);

static const struct keydef replica_keys[NREPLICAKEYS] = {
	[R_ENDPOINT] = { "replica", "endpoint", set_endpoint, 0 },
	[R_BUCKET] = { "replica", "bucket", set_bucket, 0 },
	[R_REGION] = { "replica", "region", set_region, 0 },
	[R_CREDENTIALS] = { "replica", "credentials", set_path,
	    offsetof(struct config, replica_credentials) },
	[R_CA] = { "replica", "ca", set_path,
	    offsetof(struct config, replica_ca) },
	[R_PART_SIZE] = { "replica", "part_size", set_size,
	    offsetof(struct config, replica_part_size) },
	[R_THRESHOLD] = { "replica", "multipart_threshold", set_size,
	    offsetof(struct config, replica_multipart_threshold) },
};

static int
set_path(struct parse *p, const char *v)
{
	return config_set_path(p, v, (char **)((char *)p->c + p->key->path));
}

/* endpoint: http:// or https://, a host, no user, query or fragment. */
static int
set_endpoint(struct parse *p, const char *v)
{
	const char *host, *u;
	size_t len = strlen(v);

	host = strncmp(v, "https://", 8) == 0 ? v + 8 :
	    strncmp(v, "http://", 7) == 0 ? v + 7 : NULL;
	if (host == NULL || *host == '\0' || *host == '/')
		return config_bad(p, "expected an http:// or https:// URL");
	if (len > URL_MAX)
		return config_bad(p, "longer than %d bytes", URL_MAX);
	for (u = v; *u != '\0'; u++)
		if ((unsigned char)*u <= 0x20 || *u == 0x7f || *u == '?' ||
		    *u == '#' || *u == '@')
			return config_bad(p, "expected a URL without user, "
			    "query or fragment (the keys go in the "
			    "credentials file)");
	while (len > 0 && v[len - 1] == '/')
		len--;
	free(p->c->replica_endpoint);
	if ((p->c->replica_endpoint = strndup(v, len)) == NULL)
		return config_fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	return 0;
}

/* bucket: an S3 bucket name (3-63 of a-z 0-9 . -, a letter or digit at
 * each end). */
static int
set_bucket(struct parse *p, const char *v)
{
	size_t len = strlen(v);

	if (len < 3 || len > 63 || strspn(v,
	    "abcdefghijklmnopqrstuvwxyz0123456789.-") != len ||
	    !isalnum((unsigned char)v[0]) || !isalnum((unsigned char)v[len -
	    1]))
		return config_bad(p, "expected a bucket name: 3 to 63 of "
		    "a-z, 0-9, '.' and '-', a letter or digit at each end");
	free(p->c->replica_bucket);
	if ((p->c->replica_bucket = strdup(v)) == NULL)
		return config_fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	return 0;
}

/* region: 1-32 of a-z 0-9 -, as SigV4 signs it. */
static int
set_region(struct parse *p, const char *v)
{
	size_t len = strlen(v);

	if (len > 32 || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
	    len)
		return config_bad(p, "expected a region such as us-east-1");
	free(p->c->replica_region);
	if ((p->c->replica_region = strdup(v)) == NULL)
		return config_fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	return 0;
}

/*
 * part_size, multipart_threshold: a whole size "N UNIT" (the units of
 * [disk]: B, KiB, MiB, GiB, TiB, KB, MB, GB, TB; the blank optional),
 * 5 MiB to 5 GiB, into the uint64_t at p->key->path.
 */
static int
set_size(struct parse *p, const char *v)
{
	static const struct { const char *name; uint64_t mult; } units[] = {
		{ "B", 1 }, { "KiB", 1ULL << 10 }, { "MiB", 1ULL << 20 },
		{ "GiB", 1ULL << 30 }, { "TiB", 1ULL << 40 }, { "KB", 1000 },
		{ "MB", 1000000 }, { "GB", 1000000000 },
		{ "TB", 1000000000000ULL } };
	const char *s = v;
	uint64_t n = 0;
	size_t i, digits = 0;

	for (; isdigit((unsigned char)*s) && digits < 16; s++, digits++)
		n = n * 10 + (uint64_t)(*s - '0');
	if (*s == ' ')
		s++;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(s, units[i].name) == 0)
			break;
	if (digits == 0 || i == sizeof(units) / sizeof(units[0]))
		return config_bad(p, "expected a size such as \"16 MiB\" (B, "
		    "KiB, MiB, GiB, TiB, KB, MB, GB, TB)");
	if (n > PUT_MAX / units[i].mult || n * units[i].mult < PART_MIN)
		return config_bad(p, "expected a size from 5 MiB to 5 GiB");
	*(uint64_t *)((char *)p->c + p->key->path) = n * units[i].mult;
	return 0;
}

int
config_replica_set(struct parse *p, const char *name, const char *value)
{
	char q[ESCAPED_MAX];
	int k;

	for (k = 0; k < NREPLICAKEYS; k++)
		if (strcmp(replica_keys[k].key, name) == 0)
			break;
	if (k == NREPLICAKEYS) {
		config_fail(p, CUSTOS_ERR_CONFIG, p->line,
		    "[replica] %s: unknown key",
		    config_escape(name, strlen(name), q, sizeof(q)));
		return 0;
	}
	p->key = &replica_keys[k];
	p->live_key = 0;
	p->witness_key = 0;
	return config_set_key(p, &p->rseen[k], value, 1);
}

/*
 * With an endpoint, bucket and credentials are required; without one,
 * no other [replica] key may be set (it would be silently unused).
 * Fills the defaults.
 */
int
config_replica_check(struct parse *p)
{
	const int *seen = p->rseen;
	int k;

	for (k = 0; k < NREPLICAKEYS; k++)
		if (seen[k] != 0 && seen[R_ENDPOINT] == 0)
			return config_fail(p, CUSTOS_ERR_CONFIG, seen[k],
			    "[replica] endpoint: required with %s",
			    replica_keys[k].key);
	if (seen[R_ENDPOINT] == 0)
		return 0;
	if (seen[R_BUCKET] == 0 || seen[R_CREDENTIALS] == 0)
		return config_fail(p, CUSTOS_ERR_CONFIG, seen[R_ENDPOINT],
		    "[replica] %s: required with endpoint",
		    seen[R_BUCKET] == 0 ? "bucket" : "credentials");
	if (p->c->replica_region == NULL &&
	    (p->c->replica_region = strdup(REGION_DEFAULT)) == NULL)
		return config_fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	if (p->c->replica_part_size == 0)
		p->c->replica_part_size = PART_DEFAULT;
	if (p->c->replica_multipart_threshold == 0)
		p->c->replica_multipart_threshold = THRESHOLD_DEFAULT;
	return 0;
}

void
config_replica_free(struct config *c)
{
	free(c->replica_endpoint);
	free(c->replica_bucket);
	free(c->replica_region);
	free(c->replica_credentials);
	free(c->replica_ca);
}
