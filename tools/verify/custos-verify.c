/*
 * custos-verify: the reviewer's offline verifier.
 *
 * It checks a station's signed checkpoints, inclusion proofs of entries and
 * consistency proofs between checkpoints with nothing but the files and the
 * station's verifier key: no database, no network, no signing code.  The
 * crypto profile follows from the key: an Ed25519 key means SHA-256 trees,
 * an SM2 key means SM3 trees.
 *
 * Exit status: 0 verified, 1 not verified, 2 usage error or an input that
 * cannot be read (including a key file that is not a verifier key, which is
 * the reviewer's problem, not evidence about the log).
 */
#include <sys/stat.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/ckpt.h"
#include "custos/clip.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "custos/note.h"
#include "custos/probe.h"
#include "custos/version.h"

#include "tools/cli_util.h"
#include "verify_bundle.h"
#include "verify_receipt.h"
#include "verify_util.h"
#include "verify_witness.h"

#define PROG		"custos-verify"

/*
 * Limit for proof files; keys get VERIFY_KEY_MAX, checkpoints
 * NOTE_MAX_SIZE and entries LOG_MAX_ENTRY.
 */
#define SMALL_MAX	(1 << 20)

/* Option bits. */
#define F_KEY		0x01
#define F_CHECKPOINT	0x02
#define F_INDEX		0x04
#define F_PROOF		0x08
#define F_OLD		0x10
#define F_NEW		0x20
#define F_JSON		0x40

#define MAX_POS		4

struct opts {
	unsigned	 given;		/* F_* bits seen */
	const char	*key;
	const char	*checkpoint;
	const char	*proof;
	const char	*old;
	const char	*new;
	uint64_t	 index;
	const char	*pos[MAX_POS];
	int		 npos;
};

/*
 * What a verb found out.  Everything in it is either verified or says
 * what failed; the checkpoints are set only once their signature checked.
 */
struct result {
	const char		*check;
	int			 json;
	int			 code;
	char			 error[1024];
	enum digest_alg		 alg;
	char			 key[4 * NOTE_MAX_NAME + 16];
	struct checkpoint	*ckpt;		/* the (new) checkpoint */
	struct checkpoint	*old;		/* consistency: the old one */
	int			 have_index;
	uint64_t		 index;
	int			 have_leaf;
	uint8_t			 leaf[DIGEST_LEN];
	char			 cosigned[2048];	/* --witness: what
							   the policy found */
	json_t			*cosigs;	/* --witness: the list */
};

/* The checkpoint verb's --witness keys and --witness-quorum. */
static struct verify_witnesses witnesses;

struct verb {
	const char	*name;
	unsigned	 required;
	int		 npos;
	void		(*run)(const struct opts *, struct result *);
};

static const char usage_text[] =
    "usage: custos-verify checkpoint --key VKEYFILE [--json]\n"
    "                     [--witness VKEYFILE ...] [--witness-quorum K]"
    " CHECKPOINT\n"
    "       custos-verify inclusion --key VKEYFILE --checkpoint CHECKPOINT"
    " --index N\n"
    "                     --proof PROOF [--json] ENTRYFILE\n"
    "       custos-verify consistency --key VKEYFILE --old CHECKPOINT"
    " --new CHECKPOINT\n"
    "                     --proof PROOF [--json]\n"
    "       custos-verify receipt --key VKEYFILE [--json] RECEIPT [FILE]\n"
    "       custos-verify bundle --key VKEYFILE [--tsa-ca PEM] [--json]\n"
    "                     [--html REPORT] [--strict] "
    "[--allow-untimestamped]\n"
    "                     [--witness VKEYFILE ...] [--witness-quorum K]\n"
    "                     [--lang zh|en] BUNDLE\n"
    "       custos-verify timeline [--key VKEYFILE] [--json] [--lang zh|en]"
    " BUNDLE\n"
    "       custos-verify BUNDLE --key VKEYFILE ...   (bundle, the verb left"
    " out)\n"
    "       custos-verify [VERB ...] --help | --version\n";

static const char help_text[] =
    "\n"
    "Checks a Custos log's signed checkpoints and RFC 9162 proofs offline,\n"
    "with only the station's verifier key (compare it out of band).\n"
    "\n"
    "  checkpoint   the checkpoint note is signed by the key and names it\n"
    "               (with --witness: and carries valid cosignatures of at\n"
    "               least --witness-quorum of the witnesses, default all)\n"
    "  inclusion    ENTRYFILE holds the exact bytes of entry N of the tree\n"
    "               the checkpoint signs, by the inclusion proof\n"
    "  consistency  the old checkpoint's tree is a prefix of the new one's\n"
    "  bundle       an evidence bundle (directory or tar, docs/bundle.md):\n"
    "               the checkpoint's signature, its RFC 3161 timestamp\n"
    "               against the TSA CAs in --tsa-ca, every entry's\n"
    "               inclusion proof, every media file's hash and size and\n"
    "               its packet root (recomputed in a sandboxed child), the\n"
    "               inspection's chain and its segments; then procedure\n"
    "               findings, the court's authenticity factors and what is\n"
    "               proven.  --html REPORT also writes a self-contained\n"
    "               page to REPORT, a new file outside the bundle (an\n"
    "               existing file is never replaced).  A token that is\n"
    "               not checked (no --tsa-ca) or does not verify is a\n"
    "               failure; a bundle with no token at all fails unless\n"
    "               --allow-untimestamped is given.  With --witness\n"
    "               VKEYFILE (repeatable; cosignature/v1 keys) the\n"
    "               checkpoint must carry valid cosignatures of at least\n"
    "               --witness-quorum K of them (default: all).  The\n"
    "               report (text,\n"
    "               HTML and the sentences of --json) is in Chinese,\n"
    "               or in English with --lang en; it opens with two\n"
    "               verdicts, integrity and procedure.\n"
    "               Exit 0 integrity proven (findings fail only with\n"
    "               --strict), 1 not proven, 2 usage or unreadable input\n"
    "  timeline     the inspection's timeline from a bundle (with --key,\n"
    "               of the entries proven in the signed tree only)\n"
    "  receipt      the c2sp.org/tlog-proof@v1 receipt's entry is in the\n"
    "               log, and FILE (if given) is the entry's object\n"
    "\n"
    "VKEYFILE holds a C2SP verifier key (name+keyid+base64), optionally\n"
    "followed by one newline.  An Ed25519 key implies SHA-256 trees, an SM2\n"
    "key SM3 trees.  A proof file holds one base64 hash a line.\n"
    "--json prints one JSON object on stdout instead of the result line,\n"
    "also when an input cannot be read (usage errors still go to stderr).\n"
    "\n"
    "Exit status: 0 verified; 1 not verified (bad or missing signature,\n"
    "malformed note, checkpoint, proof, a proof of the wrong length, an\n"
    "entry or proof that does not lead to the signed root, an index out of\n"
    "range); 2 usage error, an input file that cannot be read, is too\n"
    "large or is not a regular file (a FIFO, a device), or a key file\n"
    "that is not a verifier key.\n"
    "\n"
    "custos-verify VERB --help prints the verb's usage.\n";

/* The verbs whose usage "custos-verify VERB --help" prints. */
static const char *const help_verbs[] = { "checkpoint", "inclusion",
    "consistency", "receipt", "bundle", "timeline", NULL };

static int	fail(struct result *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
/*
 * Prints the entries of text (usage_text or help_text) that are about
 * verb.  An entry starts on a line indented by at most indent columns
 * (a leading "usage:" counts as indent) whose first word, after prefix,
 * is verb; more deeply indented lines continue it, and a blank line ends
 * it.  The first line printed gets first in place of its indent when
 * first is not NULL.
 */
static void
print_entries(const char *text, size_t indent, const char *prefix,
    const char *verb, const char *first)
{
	const char *p, *nl, *w;
	size_t col, plen = strlen(prefix), vlen = strlen(verb);
	int on = 0, n = 0;

	for (p = text; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		col = strncmp(p, "usage:", 6) == 0 ? 6 : 0;
		while (p + col < nl && p[col] == ' ')
			col++;
		w = p + col;
		if (w == nl)
			on = 0;
		else if (col <= indent)
			on = (size_t)(nl - w) > plen + vlen &&
			    strncmp(w, prefix, plen) == 0 &&
			    strncmp(w + plen, verb, vlen) == 0 &&
			    w[plen + vlen] == ' ';
		if (!on)
			continue;
		if (n++ == 0 && first != NULL)
			printf("%s%.*s\n", first, (int)(nl - w), w);
		else
			printf("%.*s\n", (int)(nl - p), p);
	}
}

/*
 * "custos-verify VERB ... --help" (before any "--"): prints the verb's
 * usage and description on stdout.  Returns 1 if it did, 0 if argv asks
 * for no help.
 */
static int
verb_help(const char *verb, int argc, char **argv)
{
	int i, k;

	for (k = 0; help_verbs[k] != NULL; k++)
		if (strcmp(help_verbs[k], verb) == 0)
			break;
	if (help_verbs[k] == NULL)
		return 0;
	for (i = 0; i < argc && strcmp(argv[i], "--help") != 0; i++)
		if (strcmp(argv[i], "--") == 0)
			return 0;
	if (i == argc)
		return 0;
	print_entries(usage_text, 7, "custos-verify ", verb, "usage: ");
	if (strcmp(verb, "bundle") == 0)
		print_entries(usage_text, 7, "custos-verify ", "BUNDLE", NULL);
	putchar('\n');
	print_entries(help_text, 2, "", verb, NULL);
	return 1;
}

/*
 * Records the first failure with its exit code.  Later failures are
 * consequences of the first and would only blur it.  Returns -1.
 */
static int
fail(struct result *r, int code, const char *fmt, ...)
{
	va_list ap;

	if (r->code != CLI_EXIT_OK)
		return -1;
	r->code = code;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	return -1;
}

/* Reads path into *buf; an unreadable or oversized file is exit 2. */
static int
read_input(struct result *r, const char *path, size_t max, char **buf,
    size_t *len)
{
	char why[sizeof(r->error)];

	if (cli_read_input(NULL, path, max, buf, len, why,
	    sizeof(why)) == 0)
		return 0;
	return fail(r, CLI_EXIT_USAGE, "%s", why);
}

/*
 * Reads and parses the verifier key and sets the profile's hash and the
 * key's "name+keyid" in r.  A key the reviewer supplied that does not
 * parse is a usage problem (exit 2), not evidence about the log.
 */
static int
load_key(struct result *r, const char *path, struct note_verifier **v)
{
	char why[sizeof(r->error)];

	if (verify_load_key(path, v, &r->alg, r->key, sizeof(r->key), why,
	    sizeof(why)) == 0)
		return 0;
	return fail(r, CLI_EXIT_USAGE, "%s", why);
}

/* Checks the note's signature by v; what names the checkpoint. */
static int
check_signature(struct result *r, const char *what, const struct note *n,
    const struct note_verifier *v)
{
	char signers[512];
	int rc;

	if ((rc = note_verify(n, v)) == 0)
		return 0;
	if (rc == CUSTOS_ERR_KEY) {
		note_signers(n, signers, sizeof(signers));
		return fail(r, CLI_EXIT_NOT, "%s: no signature by key %s "
		    "(signed by: %s)", what, r->key, signers);
	}
	if (rc == CUSTOS_ERR_VERIFY)
		return fail(r, CLI_EXIT_NOT,
		    "%s: signature by %s does not verify",
		    what, r->key);
	return fail(r, CLI_EXIT_NOT, "%s: signature could not be checked: %s",
	    what, custos_strerror(rc));
}

/*
 * Opens a signed checkpoint the way ckpt_open() does (note, signature by
 * v, body, origin equal to the key's name), one step at a time so that a
 * failure says which step failed.
 */
static int
open_checkpoint(struct result *r, const char *what, const char *msg,
    size_t len, const struct note_verifier *v, struct checkpoint **out)
{
	struct note *n = NULL;
	const char *text;
	char o1[4 * NOTE_MAX_NAME + 1], o2[4 * NOTE_MAX_NAME + 1];
	size_t tlen;
	int rc;

	*out = NULL;
	if ((rc = note_parse(msg, len, &n)) != 0)
		return fail(r, CLI_EXIT_NOT,
		    "%s: not a well-formed signed note%s",
		    what, rc == CUSTOS_ERR_TOOBIG ? " (too many signatures)" :
		    "");
	if (check_signature(r, what, n, v) == -1) {
		note_free(n);
		return -1;
	}
	text = note_text(n, &tlen);
	rc = ckpt_parse(text, tlen, out);
	note_free(n);
	if (rc != 0)
		return fail(r, CLI_EXIT_NOT,
		    "%s: signed text is not a checkpoint "
		    "(origin, tree size, base64 root)", what);
	if (strcmp((*out)->origin, note_verifier_name(v)) != 0)
		return fail(r, CLI_EXIT_NOT,
		    "%s: origin \"%s\" is not the key's "
		    "name \"%s\"", what, esc_encode((*out)->origin, o1,
		    sizeof(o1)), esc_encode(note_verifier_name(v), o2,
		    sizeof(o2)));
	return 0;
}

/*
 * merkle_proof_parse() only says that a proof file is malformed.  Parsing
 * each line on its own with the same function finds the first bad line, so
 * the reviewer learns where to look and the rule stays the library's.
 */
static void
proof_diagnose(const char *text, size_t len, char *buf, size_t bufsz)
{
	uint8_t one[1][DIGEST_LEN];
	const char *p, *nl, *end = text + len;
	size_t line, n;

	for (p = text, line = 1; p < end; p = nl + 1, line++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			snprintf(buf, bufsz, "line %zu does not end in a "
			    "newline", line);
			return;
		}
		if (merkle_proof_parse(p, (size_t)(nl - p) + 1, one, 1,
		    &n) != 0 || n != 1) {
			snprintf(buf, bufsz, "line %zu is not a base64 hash",
			    line);
			return;
		}
	}
	snprintf(buf, bufsz, "not a proof file");
}

static int
parse_proof(struct result *r, const char *text, size_t len,
    uint8_t proof[][DIGEST_LEN], size_t *n)
{
	char why[128];
	int rc;

	if ((rc = merkle_proof_parse(text, len, proof, MERKLE_MAX_PROOF,
	    n)) == 0)
		return 0;
	if (rc == CUSTOS_ERR_TOOBIG)
		return fail(r, CLI_EXIT_NOT, "proof: more than %d hashes",
		    MERKLE_MAX_PROOF);
	proof_diagnose(text, len, why, sizeof(why));
	return fail(r, CLI_EXIT_NOT, "proof: %s", why);
}

static void
run_checkpoint(const struct opts *o, struct result *r)
{
	struct note_verifier *v = NULL;
	char *msg = NULL;
	size_t len;

	if (load_key(r, o->key, &v) == 0 &&
	    read_input(r, o->pos[0], NOTE_MAX_SIZE, &msg, &len) == 0 &&
	    open_checkpoint(r, "checkpoint", msg, len, v, &r->ckpt) == 0 &&
	    witnesses.n > 0 && verify_witness_sentence(&witnesses, msg, len,
	    r->cosigned, sizeof(r->cosigned), &r->cosigs) != 0)
		(void)fail(r, CLI_EXIT_NOT, "checkpoint: %s", r->cosigned);
	free(msg);
	note_verifier_free(v);
}

/* Checks entry bytes and proof against a verified checkpoint r->ckpt. */
static int
check_inclusion(struct result *r, const char *entry, size_t elen,
    const char *ptext, size_t plen)
{
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN];
	size_t n, want;

	if (merkle_leaf_hash(r->alg, entry, elen, r->leaf) != 0)
		return fail(r, CLI_EXIT_NOT, "entry: cannot hash");
	r->have_leaf = 1;
	if (r->index >= r->ckpt->size)
		return fail(r, CLI_EXIT_NOT, "entry index %" PRIu64 " is not "
		    "below the tree size %" PRIu64, r->index, r->ckpt->size);
	if (parse_proof(r, ptext, plen, proof, &n) == -1)
		return -1;
	if ((want = merkle_inclusion_len(r->index, r->ckpt->size)) != n)
		return fail(r, CLI_EXIT_NOT,
		    "inclusion proof has %zu hashes, but "
		    "entry %" PRIu64 " in a tree of size %" PRIu64 " needs %zu",
		    n, r->index, r->ckpt->size, want);
	if (merkle_verify_inclusion(r->alg, r->index, r->ckpt->size, r->leaf,
	    (const uint8_t (*)[DIGEST_LEN])proof, n, r->ckpt->root) != 0)
		return fail(r, CLI_EXIT_NOT,
		    "inclusion proof for entry %" PRIu64
		    " does not lead to the checkpoint's root", r->index);
	return 0;
}

static void
run_inclusion(const struct opts *o, struct result *r)
{
	struct note_verifier *v = NULL;
	char *msg = NULL, *ptext = NULL, *entry = NULL;
	size_t mlen, plen, elen;

	r->have_index = 1;
	r->index = o->index;
	if (load_key(r, o->key, &v) == 0 &&
	    read_input(r, o->checkpoint, NOTE_MAX_SIZE, &msg, &mlen) == 0 &&
	    read_input(r, o->proof, SMALL_MAX, &ptext, &plen) == 0 &&
	    read_input(r, o->pos[0], LOG_MAX_ENTRY, &entry, &elen) == 0 &&
	    open_checkpoint(r, "checkpoint", msg, mlen, v, &r->ckpt) == 0)
		(void)check_inclusion(r, entry, elen, ptext, plen);
	free(msg);
	free(ptext);
	free(entry);
	note_verifier_free(v);
}

/* Checks the proof between two verified checkpoints r->old, r->ckpt. */
static int
check_consistency(struct result *r, const char *ptext, size_t plen)
{
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN];
	uint64_t old = r->old->size, new = r->ckpt->size;
	size_t n, want;

	if (old > new)
		return fail(r, CLI_EXIT_NOT,
		    "old tree size %" PRIu64 " is larger "
		    "than new tree size %" PRIu64, old, new);
	/* merkle_verify_consistency() refuses it too; say why. */
	if (old == 0)
		return fail(r, CLI_EXIT_NOT,
		    "old tree size is 0: RFC 9162 defines "
		    "no consistency proof from the empty tree");
	if (parse_proof(r, ptext, plen, proof, &n) == -1)
		return -1;
	if ((want = merkle_consistency_len(old, new)) != n)
		return fail(r, CLI_EXIT_NOT,
		    "consistency proof has %zu hashes, "
		    "but one from size %" PRIu64 " to %" PRIu64 " needs %zu",
		    n, old, new, want);
	if (old == new && memcmp(r->old->root, r->ckpt->root, DIGEST_LEN))
		return fail(r, CLI_EXIT_NOT,
		    "both checkpoints are of tree size %"
		    PRIu64 " but their roots differ", old);
	if (merkle_verify_consistency(r->alg, old, new, r->old->root,
	    r->ckpt->root, (const uint8_t (*)[DIGEST_LEN])proof, n) != 0)
		return fail(r, CLI_EXIT_NOT,
		    "consistency proof does not show the "
		    "tree of size %" PRIu64 " to be a prefix of the tree of "
		    "size %" PRIu64, old, new);
	return 0;
}

static void
run_consistency(const struct opts *o, struct result *r)
{
	struct note_verifier *v = NULL;
	char *m1 = NULL, *m2 = NULL, *ptext = NULL;
	size_t l1, l2, plen;

	if (load_key(r, o->key, &v) == 0 &&
	    read_input(r, o->old, NOTE_MAX_SIZE, &m1, &l1) == 0 &&
	    read_input(r, o->new, NOTE_MAX_SIZE, &m2, &l2) == 0 &&
	    read_input(r, o->proof, SMALL_MAX, &ptext, &plen) == 0 &&
	    open_checkpoint(r, "old checkpoint", m1, l1, v, &r->old) == 0 &&
	    open_checkpoint(r, "new checkpoint", m2, l2, v, &r->ckpt) == 0)
		(void)check_consistency(r, ptext, plen);
	free(m1);
	free(m2);
	free(ptext);
	note_verifier_free(v);
}

static void
print_text(const struct result *r)
{
	char h1[DIGEST_STRLEN], h2[DIGEST_STRLEN];
	char origin[4 * NOTE_MAX_NAME + 1];
	const struct checkpoint *c = r->ckpt;

	if (r->code == CLI_EXIT_USAGE) {
		fprintf(stderr, "%s: %s\n", PROG, r->error);
		return;
	}
	if (r->code != CLI_EXIT_OK) {
		printf("NOT VERIFIED: %s\n", r->error);
		return;
	}
	esc_encode(c->origin, origin, sizeof(origin));
	verify_hash_str(r->alg, c->root, h1, sizeof(h1));
	if (strcmp(r->check, "checkpoint") == 0)
		printf("verified: checkpoint of \"%s\" at tree size %" PRIu64
		    ", root %s, signed by key %s%s%s\n", origin, c->size, h1,
		    r->key, r->cosigned[0] != '\0' ? "; " : "", r->cosigned);
	else if (strcmp(r->check, "inclusion") == 0)
		printf("verified: entry %" PRIu64 " (leaf %s) is in the tree "
		    "of size %" PRIu64 " of \"%s\" (root %s)\n", r->index,
		    verify_hash_str(r->alg, r->leaf, h2, sizeof(h2)), c->size,
		    origin, h1);
	else
		printf("verified: tree of size %" PRIu64 " (root %s) is a "
		    "prefix of tree of size %" PRIu64 " (root %s) of \"%s\"\n",
		    r->old->size, verify_hash_str(r->alg, r->old->root, h2,
		    sizeof(h2)), c->size, h1, origin);
}

static void
json_add_ckpt(const struct result *r, json_t *o)
{
	char h[DIGEST_STRLEN], origin[4 * NOTE_MAX_NAME + 1];

	if (r->ckpt != NULL) {
		json_object_set_new(o, "origin", json_string(esc_encode(
		    r->ckpt->origin, origin, sizeof(origin))));
		json_object_set_new(o, "tree_size",
		    verify_json_u64(r->ckpt->size));
		json_object_set_new(o, "root", json_string(verify_hash_str(
		    r->alg, r->ckpt->root, h, sizeof(h))));
	}
	if (r->old != NULL) {
		json_object_set_new(o, "old_tree_size",
		    verify_json_u64(r->old->size));
		json_object_set_new(o, "old_root", json_string(verify_hash_str(
		    r->alg, r->old->root, h, sizeof(h))));
	}
	if (r->key[0] != '\0')
		json_object_set_new(o, "key", json_string(r->key));
}

/*
 * Prints the result as one JSON object on stdout.  Only what was verified
 * (or computed, like the leaf hash) appears; "error" says what failed.
 * Returns -1 if jansson could not build or write it.
 */
static int
print_json(const struct result *r)
{
	char h[DIGEST_STRLEN];
	json_t *o;

	if ((o = json_object()) == NULL)
		return -1;
	json_object_set_new(o, "verified", json_boolean(r->code == 0));
	json_object_set_new(o, "check", json_string(r->check));
	json_add_ckpt(r, o);
	if (r->have_index)
		json_object_set_new(o, "index", verify_json_u64(r->index));
	if (r->have_leaf)
		json_object_set_new(o, "leaf", json_string(verify_hash_str(
		    r->alg, r->leaf, h, sizeof(h))));
	if (r->cosigs != NULL)
		json_object_set_new(o, "cosignatures", json_incref(r->cosigs));
	if (r->code != CLI_EXIT_OK)
		json_object_set_new(o, "error", json_string(r->error));
	return verify_json_print(o);
}

static const struct verb verbs[] = {
	{ "checkpoint", F_KEY, 1, run_checkpoint },
	{ "inclusion", F_KEY | F_CHECKPOINT | F_INDEX | F_PROOF, 1,
	    run_inclusion },
	{ "consistency", F_KEY | F_OLD | F_NEW | F_PROOF, 0, run_consistency },
};

/*
 * The options: a file option's value goes to the const char * member of
 * struct opts at offset text (0 for --index and --json).
 */
static const struct option_name {
	const char	*name;
	unsigned	 bit;
	size_t		 text;
} option_names[] = {
	{ "--key", F_KEY, offsetof(struct opts, key) },
	{ "--checkpoint", F_CHECKPOINT, offsetof(struct opts, checkpoint) },
	{ "--index", F_INDEX, 0 },
	{ "--proof", F_PROOF, offsetof(struct opts, proof) },
	{ "--old", F_OLD, offsetof(struct opts, old) },
	{ "--new", F_NEW, offsetof(struct opts, new) },
	{ "--json", F_JSON, 0 },
};

static void
set_option(struct opts *o, const struct option_name *on, const char *val)
{
	unsigned long long idx;

	if (o->given & on->bit)
		cli_usage_exit(PROG, usage_text, "option %s given twice",
		    on->name);
	o->given |= on->bit;
	if (on->text != 0)
		*(const char **)(void *)((char *)o + on->text) = val;
	else if (on->bit == F_INDEX) {
		if (cli_parse_u64(val, &idx) == -1)
			cli_usage_exit(PROG, usage_text,
			    "--index: not a decimal number: \"%s\"", val);
		o->index = idx;
	}
}

/* Parses one "--name" or "--name VALUE" at argv[i]; returns args used. */
static int
parse_option(struct opts *o, int argc, char **argv, int i)
{
	size_t k;

	for (k = 0; k < sizeof(option_names) / sizeof(option_names[0]); k++) {
		if (strcmp(argv[i], option_names[k].name) != 0)
			continue;
		if (option_names[k].bit == F_JSON) {
			set_option(o, &option_names[k], NULL);
			return 1;
		}
		if (i + 1 >= argc)
			cli_usage_exit(PROG, usage_text,
			    "option %s needs a value", argv[i]);
		set_option(o, &option_names[k], argv[i + 1]);
		return 2;
	}
	cli_usage_exit(PROG, usage_text, "unknown option %s", argv[i]);
}

/*
 * Parses the arguments after the verb.  "--" ends the options, so a file
 * whose name starts with "--" can still be given.
 */
static void
parse_args(struct opts *o, int argc, char **argv)
{
	int i = 0, opts_done = 0;

	memset(o, 0, sizeof(*o));
	while (i < argc) {
		if (!opts_done && strcmp(argv[i], "--") == 0) {
			opts_done = 1;
			i++;
		} else if (!opts_done && strncmp(argv[i], "--", 2) == 0) {
			i += parse_option(o, argc, argv, i);
		} else {
			if (o->npos == MAX_POS)
				cli_usage_exit(PROG, usage_text,
				    "too many arguments");
			o->pos[o->npos++] = argv[i++];
		}
	}
}

static const char *
option_name(unsigned bit)
{
	size_t k;

	for (k = 0; k < sizeof(option_names) / sizeof(option_names[0]); k++)
		if (option_names[k].bit == bit)
			return option_names[k].name;
	return "?";
}

/* Checks the options and arguments against what verb v takes. */
static void
check_args(const struct verb *v, const struct opts *o)
{
	unsigned bit, extra = o->given & ~(v->required | F_JSON);
	unsigned missing = v->required & ~o->given;

	for (bit = 1; bit <= F_JSON; bit <<= 1) {
		if (extra & bit)
			cli_usage_exit(PROG, usage_text, "%s does not take %s",
			    v->name, option_name(bit));
		if (missing & bit)
			cli_usage_exit(PROG, usage_text, "%s needs %s", v->name,
			    option_name(bit));
	}
	if (o->npos < v->npos)
		cli_usage_exit(PROG, usage_text, "%s needs a file argument",
		    v->name);
	if (o->npos > v->npos)
		cli_usage_exit(PROG, usage_text,
		    "%s: unexpected argument \"%s\"", v->name,
		    o->pos[v->npos]);
}

static const struct verb *
find_verb(const char *name)
{
	size_t k;

	for (k = 0; k < sizeof(verbs) / sizeof(verbs[0]); k++)
		if (strcmp(verbs[k].name, name) == 0)
			return &verbs[k];
	return NULL;
}

/*
 * "custos-verify BUNDLE --key VKEYFILE ..." is the bundle verb with the
 * verb left out, as the reviewer's instructions spell it: a first
 * argument that is no verb but an existing file or directory, or one of
 * the bundle verb's options.
 */
static int
bundle_form(const char *arg)
{
	static const char *const opts[] = { "--key", "--tsa-ca", "--json",
	    "--html", "--strict", "--allow-untimestamped", "--lang",
	    "--witness", "--witness-quorum", NULL };
	struct stat sb;
	size_t i;

	if (arg[0] != '-')
		return stat(arg, &sb) == 0;
	for (i = 0; opts[i] != NULL; i++)
		if (strcmp(arg, opts[i]) == 0)
			return 1;
	return 0;
}

/*
 * The checkpoint verb's --witness VKEYFILE (repeatable) and
 * --witness-quorum K, taken out of argv (before any "--") into witnesses.
 * Returns the new argc.
 */
static int
take_witnesses(int argc, char *argv[])
{
	const char *quorum = NULL;
	int i, o = 2;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				argv[o++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--witness") != 0 &&
		    strcmp(argv[i], "--witness-quorum") != 0) {
			argv[o++] = argv[i];
			continue;
		}
		if (i + 1 >= argc)
			cli_usage_exit(PROG, usage_text,
			    "option %s needs a value", argv[i]);
		if (strcmp(argv[i], "--witness") == 0)
			verify_witness_add(&witnesses, PROG, argv[++i]);
		else if (quorum != NULL)
			cli_usage_exit(PROG, usage_text,
			    "option --witness-quorum given twice");
		else
			quorum = argv[++i];
	}
	verify_witness_quorum(&witnesses, PROG, quorum);
	argv[o] = NULL;
	return o;
}

int
main(int argc, char *argv[])
{
	const struct verb *v;
	struct result r;
	struct opts o;
	int code;

	if (argc < 2)
		cli_usage_exit(PROG, usage_text, "no verb given");
	/* The bundle verb's media child (lib/media/probe.c), never a user's. */
	if (strcmp(argv[1], VERIFY_MEDIA_CHILD) == 0 && argc == 3) {
		if (strcmp(argv[2], "sha256") == 0)
			probe_child_main(DIGEST_SHA256);
		if (strcmp(argv[2], "sm3") == 0)
			probe_child_main(DIGEST_SM3);
		cli_usage_exit(PROG, usage_text,
		    "unknown media child digest \"%s\"", argv[2]);
	}
	/* The clip child (lib/media/clip.c), never a user's. */
	if (strcmp(argv[1], CLIP_CHILD) == 0)
		clip_child_main(argc, argv);
	if (verb_help(argv[1], argc - 2, argv + 2))
		cli_exit(CLI_EXIT_OK);
	if (strcmp(argv[1], "bundle") == 0)
		verify_bundle_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "timeline") == 0)
		verify_timeline_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		printf("%s%s", usage_text, help_text);
		cli_exit(CLI_EXIT_OK);
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", PROG, CUSTOS_VERSION);
		cli_exit(CLI_EXIT_OK);
	}
	if (strcmp(argv[1], "receipt") == 0)
		cli_exit(verify_receipt(argc - 2, argv + 2));
	if ((v = find_verb(argv[1])) == NULL) {
		if (bundle_form(argv[1])) {
			argv[0] = "bundle";	/* as if it had been given */
			verify_bundle_main(argc, argv);
		}
		cli_usage_exit(PROG, usage_text, "unknown verb \"%s\"",
		    argv[1]);
	}
	if (strcmp(v->name, "checkpoint") == 0)
		argc = take_witnesses(argc, argv);
	parse_args(&o, argc - 2, argv + 2);
	check_args(v, &o);

	memset(&r, 0, sizeof(r));
	r.check = v->name;
	r.json = (o.given & F_JSON) != 0;
	v->run(&o, &r);
	code = r.code;
	if (r.json) {
		if (print_json(&r) == -1) {
			fprintf(stderr, "%s: cannot write JSON\n", PROG);
			code = CLI_EXIT_USAGE;
		}
	} else
		print_text(&r);
	ckpt_free(r.ckpt);
	ckpt_free(r.old);
	json_decref(r.cosigs);
	verify_witness_free(&witnesses);
	cli_exit(code);
}
