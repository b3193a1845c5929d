/*
 * mkfixture: writes the deterministic verifier fixture used by the CLI
 * golden tests and the Go interoperability check.
 *
 *	mkfixture DIR
 *
 * It builds a real log through lib/log/log.c (13 entries appended in three
 * batches, signed checkpoints at sizes 5 and 13) and exports what a
 * reviewer gets:
 *
 *	DIR/log.db			the SQLite log itself
 *	DIR/station.vkey, DIR/key.vkey	the verifier key (same bytes)
 *	DIR/other.vkey			same name, another key: the wrong key
 *	DIR/checkpoint			signed checkpoint of size 13
 *	DIR/checkpoint.5		signed checkpoint of size 5
 *	DIR/entries/<i>.json		exact entry bytes, i = 0..12
 *	DIR/proofs/<i>.proof		inclusion of entry i in size 13
 *	DIR/consistency.5.proof		consistency from size 5 to 13
 *	DIR/sm/...			the same for the sm profile (SM2/SM3)
 *	DIR/bad/origin.checkpoint	signed by the station key, but the
 *					origin is not the key's name
 *	DIR/bad/body.checkpoint		signed, but the text is no checkpoint
 *	DIR/bad/fork.checkpoint		signed, size 13, another root: a fork
 *
 * The keys come from fixed seeds and Ed25519 signatures are deterministic,
 * so everything outside DIR/sm is byte-identical on every run (log.db
 * aside, whose layout is SQLite's business).  SM2 signatures are
 * randomized, so DIR/sm/checkpoint* differ between runs; their text,
 * roots and keys do not.
 */
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custos/ckpt.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "custos/note.h"
#include "custos/note_sign.h"
#include "custos/profile.h"
#include "custos/signer.h"
#include "custos/util.h"

#define NENTRIES	13
#define OLD_SIZE	5

/* Fixed private keys.  They sign nothing but test fixtures. */
static const uint8_t station_seed[SIGN_PRIV_LEN] = {
	0x63, 0x75, 0x73, 0x74, 0x6f, 0x73, 0x2d, 0x66,
	0x69, 0x78, 0x74, 0x75, 0x72, 0x65, 0x2d, 0x73,
	0x74, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x2d, 0x65,
	0x64, 0x32, 0x35, 0x35, 0x31, 0x39, 0x2d, 0x31,
};
static const uint8_t other_seed[SIGN_PRIV_LEN] = {
	0x63, 0x75, 0x73, 0x74, 0x6f, 0x73, 0x2d, 0x66,
	0x69, 0x78, 0x74, 0x75, 0x72, 0x65, 0x2d, 0x6f,
	0x74, 0x68, 0x65, 0x72, 0x2d, 0x6b, 0x65, 0x79,
	0x2d, 0x65, 0x64, 0x32, 0x35, 0x35, 0x31, 0x39,
};
/* An SM2 scalar must lie in [1, n - 2]; a small leading byte ensures it. */
static const uint8_t sm_scalar[SIGN_PRIV_LEN] = {
	0x01, 0x75, 0x73, 0x74, 0x6f, 0x73, 0x2d, 0x66,
	0x69, 0x78, 0x74, 0x75, 0x72, 0x65, 0x2d, 0x73,
	0x74, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x2d, 0x73,
	0x6d, 0x32, 0x2d, 0x6b, 0x65, 0x79, 0x2d, 0x31,
};

#define STATION_NAME	"fixture.example/station"
#define SM_NAME		"fixture.example/station-sm"

/* Entries are appended in these batches to exercise group commits. */
static const uint64_t batch_ends[] = { OLD_SIZE, 9, NENTRIES };

struct fixture {
	const char		*dir;
	const char		*name;
	enum sign_alg		 alg;
	enum digest_alg		 dalg;
	struct note_signer	*signer;
	struct log		*log;
};

static void	 check(int, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 join(char *, size_t, const char *, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

/* Exits with a message naming what failed if rc is an error. */
static void
check(int rc, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	if (rc == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (rc == CUSTOS_ERR_SYSTEM)
		err(1, "%s", what);
	errx(1, "%s: %s", what, custos_strerror(rc));
}

/* Writes dir + "/" + the formatted name into buf. */
static void
join(char *buf, size_t bufsz, const char *dir, const char *fmt, ...)
{
	char name[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if ((size_t)snprintf(buf, bufsz, "%s/%s", dir, name) >= bufsz)
		errx(1, "%s/%s: path too long", dir, name);
}

static void
put_file(const char *path, const void *buf, size_t len)
{
	check(util_write_file(path, buf, len, 0644, 0), "write %s", path);
}

/*
 * The type prefix of a key in C2SP key strings: 0x01 for Ed25519 as in
 * golang.org/x/mod/sumdb/note, 0xff "custos-sm2" for SM2 (note.h).
 */
static size_t
key_type(enum sign_alg alg, uint8_t *out)
{
	static const char sm2[] = "custos-sm2";

	if (alg == SIGN_ED25519) {
		out[0] = 0x01;
		return 1;
	}
	out[0] = 0xff;
	memcpy(out + 1, sm2, sizeof(sm2) - 1);
	return sizeof(sm2);
}

/*
 * Makes a note signer for name from a fixed private key.  note_sign.h has
 * no constructor from raw bytes, so the signer key string is assembled and
 * parsed; its key ID comes from note_keyid() over the public half.
 */
static struct note_signer *
make_signer(const char *name, enum sign_alg alg, const uint8_t *priv)
{
	struct sign_key *key;
	struct sign_pub *pub;
	struct note_signer *s;
	uint8_t raw[16 + SIGN_PRIV_LEN];
	char b64[B64_ENCLEN(sizeof(raw))], str[NOTE_MAX_NAME + 256];
	uint32_t keyid;
	size_t n;

	check(sign_key_from_raw(alg, priv, SIGN_PRIV_LEN, &key), "key");
	check(sign_key_public(key, &pub), "public key");
	check(note_keyid(name, pub, &keyid), "key ID");
	sign_pub_free(pub);
	sign_key_free(key);
	n = key_type(alg, raw);
	memcpy(raw + n, priv, SIGN_PRIV_LEN);
	b64_encode(raw, n + SIGN_PRIV_LEN, b64);
	snprintf(str, sizeof(str), "PRIVATE+KEY+%s+%08" PRIx32 "+%s", name,
	    keyid, b64);
	check(note_signer_parse(str, strlen(str), &s), "signer key %s", name);
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(str, sizeof(str));
	return s;
}

/* Writes s's verifier key string and a newline to each path given. */
static void
write_vkey(const struct note_signer *s, const char *dir, const char *name1,
    const char *name2)
{
	struct note_verifier *v;
	char *str, path[PATH_MAX];
	size_t len;

	check(note_signer_verifier(s, &v), "verifier");
	check(note_verifier_format(v, &str), "verifier key");
	len = strlen(str);
	str[len] = '\n';	/* overwrites the NUL; length is known */
	join(path, sizeof(path), dir, "%s", name1);
	put_file(path, str, len + 1);
	if (name2 != NULL) {
		join(path, sizeof(path), dir, "%s", name2);
		put_file(path, str, len + 1);
	}
	free(str);
	note_verifier_free(v);
}

/* Appends entries [log_size, end) in one transaction. */
static void
append_batch(struct fixture *f, uint64_t end)
{
	char bufs[NENTRIES][256];
	const void *ents[NENTRIES];
	size_t lens[NENTRIES], n = 0;
	uint64_t i, first;

	for (i = log_size(f->log); i < end; i++, n++) {
		lens[n] = (size_t)snprintf(bufs[n], sizeof(bufs[n]),
		    "{\"type\":\"fixture\",\"index\":%" PRIu64 ",\"time\":"
		    "\"2026-11-26T00:00:00Z\",\"station\":\"%s\",\"n\":%"
		    PRIu64 "}", i, f->name, i);
		ents[n] = bufs[n];
	}
	check(log_append(f->log, ents, lens, n, &first, NULL), "append");
}

/* Signs a checkpoint of the log's current size and stores it. */
static void
sign_checkpoint(struct fixture *f)
{
	uint8_t root[DIGEST_LEN];
	uint64_t size = log_size(f->log);
	char *text, *note;
	size_t tlen, nlen;

	check(log_root(f->log, size, root), "root of %" PRIu64, size);
	check(ckpt_format(f->name, size, root, NULL, 0, &text, &tlen),
	    "checkpoint text");
	check(note_sign(text, tlen, f->signer, &note, &nlen), "sign");
	check(log_checkpoint_put(f->log, size, note, nlen), "store checkpoint");
	free(text);
	free(note);
}

/* Exports the stored checkpoint of size to file (relative to the dir). */
static void
export_checkpoint(struct fixture *f, uint64_t size, const char *file)
{
	char *note, path[PATH_MAX];
	size_t len;

	check(log_checkpoint_get(f->log, size, &note, &len),
	    "checkpoint %" PRIu64, size);
	join(path, sizeof(path), f->dir, "%s", file);
	put_file(path, note, len);
	free(note);
}

static void
export_proof(const char *path, uint8_t proof[][DIGEST_LEN], size_t n)
{
	char *text;
	size_t len;

	check(merkle_proof_format((const uint8_t (*)[DIGEST_LEN])proof, n,
	    &text, &len), "format proof");
	put_file(path, text, len);
	free(text);
}

/* Exports entry i exactly as stored and its inclusion proof. */
static void
export_entry(struct fixture *f, uint64_t i)
{
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN], *data;
	char path[PATH_MAX];
	size_t len, n;

	check(log_entry(f->log, i, &data, &len), "entry %" PRIu64, i);
	join(path, sizeof(path), f->dir, "entries/%" PRIu64 ".json", i);
	put_file(path, data, len);
	free(data);
	check(log_prove_inclusion(f->log, i, NENTRIES, proof, &n),
	    "inclusion proof %" PRIu64, i);
	join(path, sizeof(path), f->dir, "proofs/%" PRIu64 ".proof", i);
	export_proof(path, proof, n);
}

static void
export_all(struct fixture *f)
{
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN];
	char path[PATH_MAX], name[32];
	uint64_t i;
	size_t n;

	export_checkpoint(f, NENTRIES, "checkpoint");
	snprintf(name, sizeof(name), "checkpoint.%d", OLD_SIZE);
	export_checkpoint(f, OLD_SIZE, name);
	for (i = 0; i < NENTRIES; i++)
		export_entry(f, i);
	check(log_prove_consistency(f->log, OLD_SIZE, NENTRIES, proof, &n),
	    "consistency proof");
	join(path, sizeof(path), f->dir, "consistency.%d.proof", OLD_SIZE);
	export_proof(path, proof, n);
}

/* Signs text with f's key and writes the note to bad/<file>. */
static void
put_signed(struct fixture *f, const char *text, size_t len, const char *file)
{
	char *note, path[PATH_MAX];
	size_t nlen;

	check(note_sign(text, len, f->signer, &note, &nlen), "sign %s", file);
	join(path, sizeof(path), f->dir, "bad/%s", file);
	put_file(path, note, nlen);
	free(note);
}

/*
 * Writes checkpoints that carry a valid signature by the station key and
 * are still wrong, so that the verifier's checks behind the signature
 * check are exercised too.
 */
static void
export_bad(struct fixture *f)
{
	uint8_t root[DIGEST_LEN];
	char path[PATH_MAX], *text, b64[B64_ENCLEN(DIGEST_LEN)], body[256];
	size_t len;

	join(path, sizeof(path), f->dir, "bad");
	check(util_mkdirs(path, 0755), "mkdir %s", path);
	check(log_root(f->log, NENTRIES, root), "root");
	check(ckpt_format("fixture.example/elsewhere", NENTRIES, root, NULL, 0,
	    &text, &len), "checkpoint text");
	put_signed(f, text, len, "origin.checkpoint");
	free(text);
	b64_encode(root, DIGEST_LEN, b64);
	len = (size_t)snprintf(body, sizeof(body), "%s\n0%d\n%s\n", f->name,
	    NENTRIES, b64);
	put_signed(f, body, len, "body.checkpoint");
	root[0] ^= 0x01;
	check(ckpt_format(f->name, NENTRIES, root, NULL, 0, &text, &len),
	    "checkpoint text");
	put_signed(f, text, len, "fork.checkpoint");
	free(text);
}

/* Creates dir, entries/ and proofs/ and opens a new log in it. */
static void
open_fresh(struct fixture *f)
{
	char path[PATH_MAX];

	join(path, sizeof(path), f->dir, "entries");
	check(util_mkdirs(path, 0755), "mkdir %s", path);
	join(path, sizeof(path), f->dir, "proofs");
	check(util_mkdirs(path, 0755), "mkdir %s", path);
	join(path, sizeof(path), f->dir, "log.db");
	/* Appending to an old fixture would make a different one. */
	if (access(path, F_OK) == 0)
		errx(1, "%s exists; give mkfixture a new directory", path);
	check(log_open(path, f->dalg, LOG_CREATE, &f->log), "open %s", path);
}

static void
build(const char *dir, const char *name, enum sign_alg alg,
    const uint8_t *priv, int bad)
{
	struct fixture f;
	size_t b;

	memset(&f, 0, sizeof(f));
	f.dir = dir;
	f.name = name;
	f.alg = alg;
	f.dalg = profile_digest(profile_of_sign(alg));
	f.signer = make_signer(name, alg, priv);
	open_fresh(&f);
	for (b = 0; b < sizeof(batch_ends) / sizeof(batch_ends[0]); b++) {
		append_batch(&f, batch_ends[b]);
		if (batch_ends[b] == OLD_SIZE || batch_ends[b] == NENTRIES)
			sign_checkpoint(&f);
	}
	export_all(&f);
	if (bad)
		export_bad(&f);
	write_vkey(f.signer, dir, "station.vkey", "key.vkey");
	log_close(f.log);
	note_signer_free(f.signer);
}

int
main(int argc, char *argv[])
{
	struct note_signer *other;
	char sm[PATH_MAX];

	if (argc != 2) {
		fprintf(stderr, "usage: mkfixture DIR\n");
		return 2;
	}
	build(argv[1], STATION_NAME, SIGN_ED25519, station_seed, 1);
	other = make_signer(STATION_NAME, SIGN_ED25519, other_seed);
	write_vkey(other, argv[1], "other.vkey", NULL);
	note_signer_free(other);
	join(sm, sizeof(sm), argv[1], "sm");
	build(sm, SM_NAME, SIGN_SM2, sm_scalar, 0);
	return 0;
}
