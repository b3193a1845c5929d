/*
 * mktiles: grows a log for the tiles tests (tests/interop/run.sh) to a
 * given size quickly, through lib/log/log.c in batches, and signs its
 * checkpoint, so that "custos log publish" has hundreds or tens of
 * thousands of entries to tile without a daemon sealing each one.
 *
 *	mktiles DIR NAME N [BIG]
 *
 * DIR/state/log.db is created (default profile) on the first run, with
 * the signer key DIR/station.key (generated, named NAME) and its
 * verifier key DIR/station.vkey; later runs reuse both.  Entries are
 * appended until the log holds N, then the checkpoint of size N is
 * signed and stored.  With BIG, the last entry appended is BIG bytes
 * long (to exceed what an entry bundle holds).  Entry i is JSON of a
 * length that varies with i.
 */
#include <err.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custos/ckpt.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/note.h"
#include "custos/note_sign.h"
#include "custos/util.h"

#define BATCH	1000

static void
check(int rc, const char *what)
{
	if (rc == CUSTOS_ERR_SYSTEM)
		err(1, "%s", what);
	if (rc != 0)
		errx(1, "%s: %s", what, custos_strerror(rc));
}

static struct note_signer *
load_signer(const char *dir, const char *name)
{
	struct note_signer *s;
	struct note_verifier *v;
	char path[PATH_MAX], *str;
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "%s/station.key", dir);
	if ((rc = util_read_file(path, 4096, &str, &len)) == 0) {
		check(note_signer_parse(str, len, &s), path);
		free(str);
		return s;
	}
	check(note_signer_generate(name, SIGN_ED25519, &s), "generate key");
	check(note_signer_format(s, &str), "format key");
	check(util_write_file(path, str, strlen(str), 0600, 0), path);
	free(str);
	check(note_signer_verifier(s, &v), "verifier");
	check(note_verifier_format(v, &str), "verifier key");
	len = strlen(str);
	str[len] = '\n';
	snprintf(path, sizeof(path), "%s/station.vkey", dir);
	check(util_write_file(path, str, len + 1, 0644, 0), path);
	free(str);
	note_verifier_free(v);
	return s;
}

/* Entry i into buf: JSON whose length varies with i. */
static size_t
entry(uint64_t i, char *buf, size_t bufsz)
{
	int n;

	n = snprintf(buf, bufsz, "{\"type\":\"tiles.test\",\"index\":%llu,"
	    "\"pad\":\"%.*s\"}", (unsigned long long)i, (int)(i * 7 % 61),
	    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghij");
	return (size_t)n;
}

static void
append(struct log *l, uint64_t want, size_t big)
{
	static char bufs[BATCH][160];
	const void *ents[BATCH];
	size_t lens[BATCH], n;
	uint64_t first;
	char *bigbuf = NULL;

	while (log_size(l) < want) {
		for (n = 0; n < BATCH && log_size(l) + n < want; n++) {
			lens[n] = entry(log_size(l) + n, bufs[n],
			    sizeof(bufs[n]));
			ents[n] = bufs[n];
		}
		if (big > 0 && log_size(l) + n == want) {
			if ((bigbuf = malloc(big)) == NULL)
				err(1, "malloc");
			memset(bigbuf, 'b', big);
			memcpy(bigbuf, "{\"big\":\"", 8);
			memcpy(bigbuf + big - 2, "\"}", 2);
			ents[n - 1] = bigbuf;
			lens[n - 1] = big;
		}
		check(log_append(l, ents, lens, n, &first, NULL), "append");
		free(bigbuf);
		bigbuf = NULL;
	}
}

int
main(int argc, char *argv[])
{
	struct note_signer *s;
	struct log *l;
	char path[PATH_MAX], *body, *note;
	uint8_t root[DIGEST_LEN];
	unsigned long long n, big = 0;
	size_t blen, nlen;

	if (argc < 4 || argc > 5 || (n = strtoull(argv[3], NULL, 10)) == 0 ||
	    (argc == 5 && (big = strtoull(argv[4], NULL, 10)) < 16))
		errx(2, "usage: mktiles DIR NAME N [BIG]");
	snprintf(path, sizeof(path), "%s/state", argv[1]);
	check(util_mkdirs(path, 0700), path);
	s = load_signer(argv[1], argv[2]);
	snprintf(path, sizeof(path), "%s/state/log.db", argv[1]);
	check(log_open(path, DIGEST_SHA256, LOG_CREATE, &l), path);
	if (log_size(l) > n)
		errx(1, "%s holds %llu entries, more than %llu", path,
		    (unsigned long long)log_size(l), n);
	append(l, n, (size_t)big);
	check(log_root(l, n, root), "root");
	check(ckpt_format(argv[2], n, root, NULL, 0, &body, &blen),
	    "checkpoint");
	check(note_sign(body, blen, s, &note, &nlen), "sign");
	check(log_checkpoint_put(l, n, note, nlen), "store checkpoint");
	free(body);
	free(note);
	note_signer_free(s);
	log_close(l);
	printf("%s: %llu entries, checkpoint signed\n", path, n);
	return 0;
}
