/*
 * bench_witness: add-checkpoint requests per second of the witness
 * (lib/log/witness.c, docs/witness.md), without the HTTP transport.
 *
 *	bench_witness [-n requests] [dir]
 *
 * A log grows by one entry per request (lib/log, a real SQLite file); for
 * each size a checkpoint is signed and the request body made (old size,
 * consistency proof from the size the witness last cosigned, checkpoint
 * note), all before the clock starts.  Then, in the same process:
 *
 *	baseline	what a witness cannot do without for each request:
 *			open the checkpoint (parse the note, verify the
 *			log's signature) and cosign its body
 *	witness		witness_add_checkpoint() for each body in order:
 *			that and parsing the request, checking the
 *			consistency proof against the stored root, and
 *			committing the new state to its SQLite file
 *
 * and prints requests/s of both and the ratio.  Timings are printed,
 * never asserted.
 */
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custos/ckpt.h"
#include "custos/cosig.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/note.h"
#include "custos/note_sign.h"
#include "custos/sign.h"
#include "custos/witness.h"

#include "bench.h"

#define ORIGIN	"bench.example/station"
#define NOW	1765000000ULL

struct req {
	char	*body;
	size_t	 len;
	char	*note;		/* points into body */
	size_t	 notelen;
};

/* One request: old, the proof from old to size, the checkpoint of size. */
static void
make_req(struct log *l, const struct note_signer *s, uint64_t old,
    uint64_t size, struct req *r)
{
	uint8_t proof[64][DIGEST_LEN], root[DIGEST_LEN];
	char *text, *note, b64[64];
	size_t np = 0, tlen, nlen, i, off;
	int rc;

	if (old > 0 && (rc = log_prove_consistency(l, old, size, proof,
	    &np)) != 0)
		errx(1, "proof %llu-%llu: %s", (unsigned long long)old,
		    (unsigned long long)size, custos_strerror(rc));
	if ((rc = log_root(l, size, root)) != 0 ||
	    (rc = ckpt_format(ORIGIN, size, root, NULL, 0, &text,
	    &tlen)) != 0 || (rc = note_sign(text, tlen, s, &note, &nlen)) != 0)
		errx(1, "checkpoint %llu: %s", (unsigned long long)size,
		    custos_strerror(rc));
	if ((r->body = malloc(32 + np * 48 + nlen)) == NULL)
		err(1, "malloc");
	off = (size_t)sprintf(r->body, "old %llu\n", (unsigned long long)old);
	for (i = 0; i < np; i++) {
		b64_encode(proof[i], DIGEST_LEN, b64);
		off += (size_t)sprintf(r->body + off, "%s\n", b64);
	}
	r->body[off++] = '\n';
	memcpy(r->body + off, note, nlen);
	r->note = r->body + off;
	r->notelen = nlen;
	r->len = off + nlen;
	free(text);
	free(note);
}

static void
append_one(struct log *l, uint64_t i)
{
	char buf[128];
	const void *p = buf;
	size_t len;
	uint64_t first;
	int rc;

	len = (size_t)snprintf(buf, sizeof(buf), "{\"type\":\"bench\","
	    "\"index\":%llu}", (unsigned long long)i);
	if ((rc = log_append(l, &p, &len, 1, &first, NULL)) != 0)
		errx(1, "log_append: %s", custos_strerror(rc));
}

/* The floor: open each checkpoint with the log's key and cosign it. */
static double
run_baseline(const struct req *reqs, size_t n, const struct note_verifier *v,
    const struct cosig_signer *cs)
{
	struct checkpoint *ck;
	struct note *nt;
	const char *text;
	char *line;
	size_t i, tlen, llen;
	double t;

	t = bench_now();
	for (i = 0; i < n; i++) {
		if (ckpt_open(reqs[i].note, reqs[i].notelen, v, &ck) != 0 ||
		    note_parse(reqs[i].note, reqs[i].notelen, &nt) != 0)
			errx(1, "checkpoint %zu does not open", i);
		text = note_text(nt, &tlen);
		if (cosig_sign(cs, text, tlen, NOW + i, &line, &llen) != 0)
			errx(1, "cosign %zu", i);
		free(line);
		note_free(nt);
		ckpt_free(ck);
	}
	return bench_now() - t;
}

static double
run_witness(const struct req *reqs, size_t n, struct witness *w)
{
	struct witness_reply r;
	size_t i;
	double t;

	t = bench_now();
	for (i = 0; i < n; i++) {
		memset(&r, 0, sizeof(r));
		if (witness_add_checkpoint(w, reqs[i].body, reqs[i].len,
		    NOW + i, &r) != 0 || r.status != 200)
			errx(1, "request %zu: %d %s", i, r.status, r.msg);
		witness_reply_clear(&r);
	}
	return bench_now() - t;
}

int
main(int argc, char **argv)
{
	struct note_signer *s;
	struct note_verifier *v;
	struct cosig_signer *cs;
	struct witness *w;
	struct log *l;
	struct req *reqs;
	char path[4096];
	const char *dir;
	size_t n = 2000, i;
	double tb, tw;
	int ch, rc;

	while ((ch = getopt(argc, argv, "n:")) != -1) {
		if (ch != 'n' || (n = strtoul(optarg, NULL, 10)) == 0)
			errx(2, "usage: bench_witness [-n requests] [dir]");
	}
	argc -= optind;
	argv += optind;
	dir = bench_scratch(argc >= 1 ? argv[0] : NULL, "bench_witness");
	if ((rc = note_signer_generate(ORIGIN, SIGN_ED25519, &s)) != 0 ||
	    (rc = note_signer_verifier(s, &v)) != 0 ||
	    (rc = cosig_signer_generate("bench.example/witness", &cs)) != 0)
		errx(1, "keys: %s", custos_strerror(rc));
	snprintf(path, sizeof(path), "%s/log.db", dir);
	if ((rc = log_open(path, DIGEST_SHA256, LOG_CREATE, &l)) != 0)
		errx(1, "log_open: %s", custos_strerror(rc));
	if ((reqs = calloc(n, sizeof(*reqs))) == NULL)
		err(1, "calloc");
	for (i = 0; i < n; i++) {
		append_one(l, i);
		make_req(l, s, i, i + 1, &reqs[i]);
	}
	snprintf(path, sizeof(path), "%s/witness.db", dir);
	if ((rc = witness_open(path, cs, &w)) != 0 ||
	    (rc = witness_add_log(w, v)) != 0)
		errx(1, "witness: %s", custos_strerror(rc));
	tb = run_baseline(reqs, n, v, cs);
	tw = run_witness(reqs, n, w);
	printf("bench_witness: %zu add-checkpoint requests, each extending "
	    "the last by one entry\n", n);
	printf("bench_witness: baseline (open the checkpoint, cosign it) "
	    "%.0f requests/s\n", (double)n / tb);
	printf("bench_witness: witness_add_checkpoint (and its SQLite "
	    "commit) %.0f requests/s, ratio %.2f to the baseline\n",
	    (double)n / tw, tw / tb);
	for (i = 0; i < n; i++)
		free(reqs[i].body);
	free(reqs);
	witness_free(w);
	log_close(l);
	cosig_signer_free(cs);
	note_verifier_free(v);
	note_signer_free(s);
	return 0;
}
