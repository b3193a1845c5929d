/*
 * s3put: the S3 client (include/custos/s3.h) driven from the command line,
 * for tests/e2e/replica_s3.sh.  The server and keys come from the
 * environment (S3_ENDPOINT, ACCESS_KEY, SECRET_KEY, as tests/e2e/lib.sh's
 * s3_up exports them):
 *
 *	s3put [-b BUCKET] [-p PART_MIB] [-t THRESHOLD_MIB] [-l PAGE] CMD ...
 *	  put KEY FILE [SHA256HEX]   s3_put_fd() of FILE (the hash given, or
 *	                             none: computed)
 *	  putmem KEY FILE            s3_put_mem() of FILE's bytes
 *	  head KEY                   prints "size=N sha256=HEX"
 *	  get KEY FILE               s3_get_fd() into FILE
 *	  delete KEY
 *	  list PREFIX                prints "KEY SIZE" per key (PAGE keys a
 *	                             page)
 *
 * Prints "ok" or "error RC http=N code=CODE: MESSAGE" (RC the
 * CUSTOS_ERR_ name without its prefix) and exits 0 or 1; 2 for usage.
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "custos/enc.h"
#include "custos/err.h"
#include "custos/s3.h"
#include "custos/util.h"

static const char *
rc_name(int rc)
{
	static const struct { int rc; const char *name; } names[] = {
		{ CUSTOS_ERR_SYSTEM, "SYSTEM" }, { CUSTOS_ERR_NOMEM, "NOMEM" },
		{ CUSTOS_ERR_INVALID, "INVALID" },
		{ CUSTOS_ERR_FORMAT, "FORMAT" },
		{ CUSTOS_ERR_VERIFY, "VERIFY" }, { CUSTOS_ERR_KEY, "KEY" },
		{ CUSTOS_ERR_NOTFOUND, "NOTFOUND" },
		{ CUSTOS_ERR_BUSY, "BUSY" }, { CUSTOS_ERR_TOOBIG, "TOOBIG" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].rc == rc)
			return names[i].name;
	return "OTHER";
}

static int
print_key(void *arg, const char *key, uint64_t size)
{
	(void)arg;
	printf("%s %llu\n", key, (unsigned long long)size);
	return 0;
}

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0')
		errx(2, "%s is not set", name);
	return v;
}

static int
put(struct s3 *s, char **argv, int argc, struct s3_result *res)
{
	uint8_t h[32];
	struct stat st;
	int fd, rc;

	if (argc == 4 && hex_decode(argv[3], strlen(argv[3]), h, 32) != 0)
		errx(2, "bad SHA-256 %s", argv[3]);
	if ((fd = open(argv[2], O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		err(2, "%s", argv[2]);
	rc = s3_put_fd(s, argv[1], fd, (uint64_t)st.st_size,
	    argc == 4 ? h : NULL, res);
	close(fd);
	return rc;
}

static int
putmem(struct s3 *s, char **argv, struct s3_result *res)
{
	char *buf;
	size_t len;
	int rc;

	if (util_read_file(argv[2], 64 << 20, &buf, &len) != 0)
		err(2, "%s", argv[2]);
	rc = s3_put_mem(s, argv[1], buf, len, res);
	free(buf);
	return rc;
}

static int
run(struct s3 *s, int argc, char **argv, struct s3_result *res)
{
	const char *cmd = argv[0];
	char hex[65];
	uint64_t size;
	int fd, rc;

	if (strcmp(cmd, "put") == 0 && (argc == 3 || argc == 4))
		return put(s, argv, argc, res);
	if (strcmp(cmd, "putmem") == 0 && argc == 3)
		return putmem(s, argv, res);
	if (strcmp(cmd, "head") == 0 && argc == 2) {
		if ((rc = s3_head(s, argv[1], &size, hex, res)) == 0)
			printf("size=%llu sha256=%s\n",
			    (unsigned long long)size, hex);
		return rc;
	}
	if (strcmp(cmd, "get") == 0 && argc == 3) {
		if ((fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600)) ==
		    -1)
			err(2, "%s", argv[2]);
		rc = s3_get_fd(s, argv[1], fd, &size, res);
		if (close(fd) == -1)
			err(2, "%s", argv[2]);
		return rc;
	}
	if (strcmp(cmd, "delete") == 0 && argc == 2)
		return s3_delete(s, argv[1], res);
	if (strcmp(cmd, "list") == 0 && argc == 2)
		return s3_list(s, argv[1], print_key, NULL, res);
	errx(2, "usage: s3put [-b BUCKET] [-p PART_MIB] [-t THRESHOLD_MIB] "
	    "[-l PAGE] put|putmem|head|get|delete|list ...");
}

int
main(int argc, char **argv)
{
	struct s3_params p;
	struct s3_result res;
	struct s3 *s;
	int ch, rc;

	memset(&p, 0, sizeof(p));
	p.bucket = "custos";
	p.region = "us-east-1";
	p.part_size = 16 << 20;
	p.multipart_threshold = 64 << 20;
	while ((ch = getopt(argc, argv, "b:p:t:l:")) != -1) {
		switch (ch) {
		case 'b':
			p.bucket = optarg;
			break;
		case 'p':
			p.part_size = strtoull(optarg, NULL, 10) << 20;
			break;
		case 't':
			p.multipart_threshold = strtoull(optarg, NULL, 10) << 20;
			break;
		case 'l':
			p.list_page = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		errx(2, "no command");
	p.endpoint = env("S3_ENDPOINT");
	p.access_key = env("ACCESS_KEY");
	p.secret_key = env("SECRET_KEY");
	if ((rc = s3_new(&p, &s)) != 0)
		errx(2, "s3_new: %s", custos_strerror(rc));
	rc = run(s, argc, argv, &res);
	s3_free(s);
	if (rc == 0)
		printf("ok\n");
	else
		printf("error %s http=%ld code=%s: %s\n", rc_name(rc),
		    res.http, res.code, res.msg);
	if (fflush(stdout) != 0)
		err(2, "stdout");
	return rc == 0 ? 0 : 1;
}
