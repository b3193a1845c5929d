/*
 * cli_log: custos log checkpoint | entry | proof | consistency | verify |
 * receipt | timestamp (and publish, in cli_publish.c).
 */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "custos/ckpt.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "custos/note.h"
#include "custos/note_cosig.h"
#include "custos/receipt.h"
#include "custos/rfc3339.h"
#include "custos/tsa.h"
#include "custos/util.h"
#include "cli_log.h"
#include "cli_publish.h"
#include "tools/cli_util.h"

struct logcmd {
	const struct config	*cfg;
	struct log		*log;
	int			 json;
	const char		*key;	/* --key VKEYFILE for verify */
	const char		*size;	/* --size S for proof */
	const char		*out;	/* -o FILE for receipt */
	char			*args[3];
	int			 nargs;
};

static int
logusage(void)
{
	cli_log_usage(stderr);
	return 2;
}

void
cli_log_usage(FILE *f)
{
	fprintf(f, "usage: custos [-c CONF] log checkpoint [--size S] "
	    "[--json]\n"
	    "       custos [-c CONF] log entry N [--json]\n"
	    "       custos [-c CONF] log proof N [--size S] [--json]\n"
	    "       custos [-c CONF] log consistency OLD NEW [--json]\n"
	    "       custos [-c CONF] log receipt N [--size S] [-o FILE] "
	    "[--json]\n"
	    "       custos [-c CONF] log verify [--key VKEYFILE] [--json]\n"
	    "       custos [-c CONF] log timestamp [--size S] [-o FILE] "
	    "[--json]\n");
	cli_publish_usage(f);
}

static int
print_json(json_t *j)
{
	char *s;

	if (j == NULL || (s = json_dumps(j, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER)) == NULL) {
		json_decref(j);
		warnx("out of memory");
		return 1;
	}
	printf("%s\n", s);
	free(s);
	json_decref(j);
	return 0;
}

static int
number(const char *what, const char *s, uint64_t *out)
{
	unsigned long long v;

	if (cli_parse_u64(s, &v) != 0) {
		warnx("%s: not a number: %s", what, s);
		return 2;
	}
	*out = v;
	return 0;
}

/*
 * The arguments of proof and receipt, "N [--size S]": sets *index and,
 * with --size, *size.  Returns 0 or the exit status.
 */
static int
entry_args(const struct logcmd *c, uint64_t *index, uint64_t *size)
{
	int rc;

	if (c->nargs != 1)
		return logusage();
	if ((rc = number("entry", c->args[0], index)) != 0 ||
	    (c->size != NULL && (rc = number("--size", c->size, size)) != 0))
		return rc;
	return 0;
}

/* Root of a stored checkpoint note, formatted, or "" if it does not parse. */
static void
note_root(const struct logcmd *c, const char *note, size_t len,
    char root[DIGEST_STRLEN], char **origin)
{
	struct note *n = NULL;
	struct checkpoint *cp = NULL;
	const char *text;
	size_t tlen;

	root[0] = '\0';
	*origin = NULL;
	if (note_parse(note, len, &n) != 0)
		return;
	text = note_text(n, &tlen);
	if (ckpt_parse(text, tlen, &cp) == 0) {
		digest_format(c->cfg->digest_alg, cp->root, root,
		    DIGEST_STRLEN);
		*origin = strdup(cp->origin);
	}
	ckpt_free(cp);
	note_free(n);
}

/*
 * Appends the stored witness cosignatures of the checkpoint of size to
 * *note (*len bytes), which is replaced; *cosigs gets their list for
 * --json (a new reference, or NULL without memory).  Returns 0 or 1
 * (reported).
 */
static int
add_cosigs(struct logcmd *c, uint64_t size, char **note, size_t *len,
    json_t **cosigs)
{
	struct log_cosig *cs = NULL;
	const char **lines = NULL;
	size_t n = 0, *lens = NULL, i, nlen;
	char *nnote, when[RFC3339_LEN];
	int rc;

	*cosigs = json_array();
	if ((rc = log_cosig_list(c->log, size, &cs, &n)) != 0) {
		warnx("cannot read the cosignatures of checkpoint %llu: %s",
		    (unsigned long long)size, custos_strerror(rc));
		return 1;
	}
	if (n == 0)
		return 0;
	if ((lines = calloc(n, sizeof(*lines))) == NULL ||
	    (lens = calloc(n, sizeof(*lens))) == NULL) {
		rc = CUSTOS_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		lines[i] = cs[i].line;
		lens[i] = cs[i].linelen;
		rfc3339_format((int64_t)cs[i].time * 1000, when, sizeof(when));
		json_array_append_new(*cosigs, json_pack("{s:s, s:s}",
		    "witness", cs[i].witness, "time", when));
	}
	if ((rc = note_cosig_append(*note, *len, lines, lens, n, &nnote,
	    &nlen)) == 0) {
		free(*note);
		*note = nnote;
		*len = nlen;
	}
out:
	if (rc != 0)
		warnx("cannot append the cosignatures of checkpoint %llu: %s",
		    (unsigned long long)size, custos_strerror(rc));
	free(lines);
	free(lens);
	log_cosig_free(cs, n);
	return rc != 0;
}

static int
cmd_checkpoint(struct logcmd *c)
{
	char *note, *origin, root[DIGEST_STRLEN];
	json_t *cosigs = NULL;
	uint64_t size;
	size_t len;
	int rc;

	if (c->nargs != 0)
		return logusage();
	if (c->size != NULL) {
		if ((rc = number("--size", c->size, &size)) != 0)
			return rc;
		rc = log_checkpoint_get(c->log, size, &note, &len);
	} else
		rc = log_checkpoint_latest(c->log, &size, &note, &len);
	if (rc != 0) {
		if (c->size != NULL)
			warnx("no checkpoint of tree size %s: %s", c->size,
			    custos_strerror(rc));
		else
			warnx("no checkpoint: %s", custos_strerror(rc));
		return 1;
	}
	if (add_cosigs(c, size, &note, &len, &cosigs) != 0) {
		json_decref(cosigs);
		free(note);
		return 1;
	}
	if (!c->json) {
		json_decref(cosigs);
		fwrite(note, 1, len, stdout);
		free(note);
		return 0;
	}
	note_root(c, note, len, root, &origin);
	rc = print_json(json_pack("{s:s, s:I, s:s, s:s, s:o}",
	    "origin", origin != NULL ? origin : "",
	    "tree_size", (json_int_t)size, "root", root, "note", note,
	    "cosignatures", cosigs != NULL ? cosigs : json_array()));
	free(origin);
	free(note);
	return rc;
}

static int
cmd_entry(struct logcmd *c)
{
	uint8_t *data, leaf[DIGEST_LEN];
	char leafs[DIGEST_STRLEN];
	uint64_t index;
	size_t len;
	json_t *e;
	int rc;

	if (c->nargs != 1)
		return logusage();
	if ((rc = number("entry", c->args[0], &index)) != 0)
		return rc;
	if ((rc = log_entry(c->log, index, &data, &len)) != 0) {
		warnx("entry %s: %s (the log has %llu entries)", c->args[0],
		    custos_strerror(rc),
		    (unsigned long long)log_size(c->log));
		return 1;
	}
	if (!c->json) {
		/* The exact stored bytes: nothing added, not even "\n". */
		fwrite(data, 1, len, stdout);
		free(data);
		return 0;
	}
	merkle_leaf_hash(c->cfg->digest_alg, data, len, leaf);
	digest_format(c->cfg->digest_alg, leaf, leafs, sizeof(leafs));
	e = json_loadb((const char *)data, len, 0, NULL);
	rc = print_json(json_pack("{s:I, s:s, s:o*, s:s%}",
	    "index", (json_int_t)index, "leaf", leafs, "entry", e,
	    "bytes", (const char *)data, len));
	free(data);
	return rc;
}

static int
print_proof(struct logcmd *c, uint8_t proof[][DIGEST_LEN], size_t n,
    json_t *j)
{
	char *text, b64[B64_ENCLEN(DIGEST_LEN)];
	json_t *arr;
	size_t len, i;

	if (!c->json) {
		json_decref(j);
		if (merkle_proof_format((const uint8_t (*)[DIGEST_LEN])proof,
		    n, &text, &len) != 0) {
			warnx("out of memory");
			return 1;
		}
		fwrite(text, 1, len, stdout);
		free(text);
		return 0;
	}
	arr = json_array();
	for (i = 0; i < n; i++) {
		b64_encode(proof[i], DIGEST_LEN, b64);
		json_array_append_new(arr, json_string(b64));
	}
	json_object_set_new(j, "proof", arr);
	return print_json(j);
}

static int
latest_size(struct logcmd *c, uint64_t *size)
{
	char *note;
	size_t len;

	if (log_checkpoint_latest(c->log, size, &note, &len) != 0) {
		warnx("the log has no checkpoint yet");
		return 1;
	}
	free(note);
	return 0;
}

static int
cmd_proof(struct logcmd *c)
{
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN], root[DIGEST_LEN];
	char roots[DIGEST_STRLEN];
	uint64_t index, size;
	size_t n;
	int rc;

	if ((rc = entry_args(c, &index, &size)) != 0)
		return rc;
	if (c->size == NULL && (rc = latest_size(c, &size)) != 0)
		return rc;
	if (size > log_size(c->log) || index >= size) {
		warnx("no proof: entry %llu is not in a tree of size %llu "
		    "(the log has %llu entries)", (unsigned long long)index,
		    (unsigned long long)size,
		    (unsigned long long)log_size(c->log));
		return 1;
	}
	if ((rc = log_prove_inclusion(c->log, index, size, proof, &n)) != 0 ||
	    (rc = log_root(c->log, size, root)) != 0) {
		warnx("proof: %s", custos_strerror(rc));
		return 1;
	}
	digest_format(c->cfg->digest_alg, root, roots, sizeof(roots));
	return print_proof(c, proof, n, json_pack("{s:I, s:I, s:s}",
	    "index", (json_int_t)index, "tree_size", (json_int_t)size,
	    "root", roots));
}

static int
cmd_consistency(struct logcmd *c)
{
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN];
	uint64_t old, new;
	size_t n;
	int rc;

	if (c->nargs != 2)
		return logusage();
	if ((rc = number("OLD", c->args[0], &old)) != 0 ||
	    (rc = number("NEW", c->args[1], &new)) != 0)
		return rc;
	if (old == 0 || old > new || new > log_size(c->log)) {
		warnx("no proof: need 0 < OLD <= NEW <= %llu (the log size)",
		    (unsigned long long)log_size(c->log));
		return 1;
	}
	if ((rc = log_prove_consistency(c->log, old, new, proof, &n)) != 0) {
		warnx("consistency proof: %s", custos_strerror(rc));
		return 1;
	}
	return print_proof(c, proof, n, json_pack("{s:I, s:I}",
	    "old_size", (json_int_t)old, "new_size", (json_int_t)new));
}

static void
progress(void *arg, uint64_t done, uint64_t total)
{
	(void)arg;
	fprintf(stderr, "\rverifying: %llu of %llu entries (%3d%%)",
	    (unsigned long long)done, (unsigned long long)total,
	    total ? (int)(done * 100 / total) : 100);
	if (done == total)
		fputc('\n', stderr);
}

/* The most a verifier key file may hold, as in a bundle. */
#define KEY_MAX		4096

int
cli_log_verify(const struct config *cfg, struct log *l, const char *keyfile,
    void (*show)(void *, uint64_t, uint64_t), void *arg,
    struct log_verify_result *res, int *vrc)
{
	struct note_verifier *v;
	char path[PATH_MAX], why[PATH_MAX + 128];
	int rc;

	if (keyfile == NULL) {
		snprintf(path, sizeof(path), "%s/station.vkey",
		    cfg->state_dir);
		keyfile = path;
	}
	/* The operator's messages, in err(3)'s words (tests/cli/custos.exp):
	 * what cannot be read, or what is not a key. */
	if ((rc = cli_load_verifier(NULL, keyfile, KEY_MAX, &v, why,
	    sizeof(why))) == CUSTOS_ERR_SYSTEM)
		warn("%s", keyfile);
	else if (rc == CUSTOS_ERR_INVALID || rc == CUSTOS_ERR_TOOBIG ||
	    rc == CUSTOS_ERR_NOMEM)
		warnx("%s: %s", keyfile, custos_strerror(rc));
	else if (rc != 0)
		warnx("%s: not a verifier key: %s", keyfile,
		    custos_strerror(rc));
	if (rc != 0)
		return CLI_EXIT_USAGE;
	memset(res, 0, sizeof(*res));
	*vrc = log_verify_all(l, v, show, arg, res);
	note_verifier_free(v);
	return 0;
}

static int
cmd_verify(struct logcmd *c)
{
	struct log_verify_result res;
	char root[DIGEST_STRLEN] = "";
	uint8_t r[DIGEST_LEN];
	int rc;

	if (c->nargs != 0)
		return logusage();
	if (cli_log_verify(c->cfg, c->log, c->key, !c->json &&
	    isatty(STDERR_FILENO) ? progress : NULL, NULL, &res, &rc) != 0)
		return CLI_EXIT_USAGE;
	if (rc == 0 && log_root(c->log, log_size(c->log), r) == 0)
		digest_format(c->cfg->digest_alg, r, root, sizeof(root));
	if (c->json)
		print_json(json_pack("{s:b, s:I, s:I, s:s, s:s?}",
		    "verified", rc == 0, "entries", (json_int_t)res.entries,
		    "checkpoints", (json_int_t)res.checkpoints,
		    "root", root, "error", rc ? res.what : NULL));
	else if (rc == 0)
		printf("verified: %llu entries and %llu checkpoints, tree "
		    "size %llu, root %s\n", (unsigned long long)res.entries,
		    (unsigned long long)res.checkpoints,
		    (unsigned long long)log_size(c->log), root);
	else
		printf("NOT VERIFIED: %s\n", res.what[0] ? res.what :
		    custos_strerror(rc));
	return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_NOT;
}

/* Says why entry index has no receipt (receipt_format() gave NOTFOUND). */
static void
no_receipt(struct logcmd *c, uint64_t index)
{
	uint64_t latest;
	char *note;
	size_t len;

	if (index >= log_size(c->log))
		warnx("no entry %llu (the log has %llu entries)",
		    (unsigned long long)index,
		    (unsigned long long)log_size(c->log));
	else if (c->size != NULL)
		warnx("no receipt: no checkpoint of tree size %s covers entry "
		    "%llu", c->size, (unsigned long long)index);
	else if (log_checkpoint_latest(c->log, &latest, &note, &len) != 0)
		warnx("no receipt: the log has no checkpoint yet");
	else {
		free(note);
		warnx("no receipt yet: entry %llu is not covered by a signed "
		    "checkpoint (the latest is of tree size %llu)",
		    (unsigned long long)index, (unsigned long long)latest);
	}
}

/* The receipt's tree size, root and origin as JSON, with the text. */
static int
print_receipt_json(struct logcmd *c, uint64_t index, const char *text,
    size_t len)
{
	struct receipt *r;
	const struct checkpoint *cp;
	char roots[DIGEST_STRLEN];
	int rc;

	if ((rc = receipt_parse(text, len, &r)) != 0) {
		warnx("receipt: %s", custos_strerror(rc));
		return 1;
	}
	cp = receipt_checkpoint(r);
	digest_format(c->cfg->digest_alg, cp->root, roots, sizeof(roots));
	rc = print_json(json_pack("{s:I, s:I, s:s, s:s, s:s?, s:s%}",
	    "index", (json_int_t)index, "tree_size", (json_int_t)cp->size,
	    "origin", cp->origin, "root", roots, "file", c->out,
	    "receipt", text, len));
	receipt_free(r);
	return rc;
}

/* Writes -o's file atomically; returns 0, or warns and returns 1. */
static int
write_out(const char *path, const void *buf, size_t len)
{
	int rc;

	if ((rc = util_write_file(path, buf, len, 0644, 0)) == 0)
		return 0;
	if (rc == CUSTOS_ERR_SYSTEM)
		warn("%s", path);
	else
		warnx("%s: %s", path, custos_strerror(rc));
	return 1;
}

/*
 * The receipt of entry N (c2sp.org/tlog-proof@v1, docs/log.md): what a
 * camera or phone keeps to show, offline, that the station logged it.
 * -o writes it to a file atomically instead of to stdout.
 */
static int
cmd_receipt(struct logcmd *c)
{
	uint64_t index, size = 0;
	char *text;
	size_t len;
	int rc;

	if ((rc = entry_args(c, &index, &size)) != 0)
		return rc;
	/* The library reads size 0 as "the latest"; no tree of size 0 is
	 * ever signed. */
	if (c->size != NULL && size == 0) {
		warnx("--size: no checkpoint of tree size 0");
		return 1;
	}
	if ((rc = receipt_format(c->log, index, size, &text, &len)) != 0) {
		if (rc == CUSTOS_ERR_NOTFOUND)
			no_receipt(c, index);
		else
			warnx("receipt of entry %llu: %s",
			    (unsigned long long)index, custos_strerror(rc));
		return 1;
	}
	if (c->out != NULL && write_out(c->out, text, len) != 0) {
		free(text);
		return 1;
	}
	if (c->json)
		rc = print_receipt_json(c, index, text, len);
	else if (c->out == NULL)
		fwrite(text, 1, len, stdout);
	free(text);
	return rc;
}

/*
 * Checks a stored token against its checkpoint and [tsa] ca, when the
 * config names one: 1 verified, 0 not, -1 not checked (*why says why).
 */
static int
timestamp_check(struct logcmd *c, uint64_t size, const uint8_t *tsr,
    size_t len, char *why, size_t whylen)
{
	char	*note;
	size_t	 nlen;
	int	 rc;

	if (c->cfg->tsa_ca == NULL) {
		snprintf(why, whylen, "no [tsa] ca in the config");
		return -1;
	}
	if ((rc = log_checkpoint_get(c->log, size, &note, &nlen)) != 0) {
		snprintf(why, whylen, "checkpoint of tree size %llu: %s",
		    (unsigned long long)size, custos_strerror(rc));
		return 0;
	}
	rc = tsa_verify(tsr, len, note, nlen, c->cfg->tsa_ca, NULL, NULL,
	    why, whylen);
	free(note);
	if (rc == CUSTOS_ERR_SYSTEM) {
		snprintf(why, whylen, "%s: %s", c->cfg->tsa_ca,
		    strerror(errno));
		return -1;
	}
	return rc == 0;
}

/*
 * The RFC 3161 token (DER TimeStampResp) stored for a checkpoint: -o
 * writes it to a file for "openssl ts -verify -in FILE -data CHECKPOINT";
 * without -o, what it says.  With [tsa] ca in the config the token is
 * also checked against the checkpoint note; a token that fails is exit 1.
 */
static int
cmd_timestamp(struct logcmd *c)
{
	struct tsa_info info;
	uint8_t *tsr;
	uint64_t size;
	size_t len;
	char why[256];
	int rc, ok;

	if (c->nargs != 0)
		return logusage();
	if (c->size != NULL) {
		if ((rc = number("--size", c->size, &size)) != 0)
			return rc;
	} else if ((rc = log_timestamp_latest(c->log, &size)) != 0) {
		warnx("no timestamp: %s", rc == CUSTOS_ERR_NOTFOUND ?
		    "no checkpoint has an RFC 3161 token yet" :
		    custos_strerror(rc));
		return 1;
	}
	if ((rc = log_timestamp_get(c->log, size, &tsr, &len)) != 0) {
		warnx("no timestamp of tree size %llu: %s",
		    (unsigned long long)size, custos_strerror(rc));
		return 1;
	}
	if (c->out != NULL && write_out(c->out, tsr, len) != 0) {
		free(tsr);
		return 1;
	}
	if ((rc = tsa_parse(tsr, len, &info)) != 0) {
		warnx("stored timestamp of tree size %llu: %s",
		    (unsigned long long)size, custos_strerror(rc));
		free(tsr);
		return 1;
	}
	ok = timestamp_check(c, size, tsr, len, why, sizeof(why));
	free(tsr);
	if (c->json)
		rc = print_json(json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, "
		    "s:s?, s:o, s:s?}", "tree_size", (json_int_t)size,
		    "time", info.time, "serial", info.serial,
		    "policy", info.policy, "tsa", info.tsa,
		    "bytes", (json_int_t)len, "file", c->out,
		    "verified", ok < 0 ? json_null() : json_boolean(ok),
		    "error", ok == 1 ? NULL : why));
	else if (c->out == NULL)
		printf("tree_size %llu\ntime %s\nserial %s\npolicy %s\n"
		    "tsa %s\nverified %s\n", (unsigned long long)size,
		    info.time, info.serial, info.policy, info.tsa,
		    ok == 1 ? "yes" : ok == 0 ? "NO" : "not checked");
	if (ok == 0) {
		warnx("timestamp of tree size %llu does not verify: %s",
		    (unsigned long long)size, why);
		return 1;
	}
	return rc;
}

static const struct {
	const char	*name;
	int		(*fn)(struct logcmd *);
} verbs[] = {
	{ "checkpoint", cmd_checkpoint },
	{ "entry", cmd_entry },
	{ "proof", cmd_proof },
	{ "consistency", cmd_consistency },
	{ "verify", cmd_verify },
	{ "receipt", cmd_receipt },
	{ "timestamp", cmd_timestamp },
};

static int
parse_args(struct logcmd *c, int argc, char *argv[])
{
	int i;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			c->json = 1;
		else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc)
			c->size = argv[++i];
		else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			c->key = argv[++i];
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			c->out = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			return -1;
		else if (c->nargs < 3)
			c->args[c->nargs++] = argv[i];
		else
			return -1;
	}
	return 0;
}

int
cli_log(const struct config *cfg, int argc, char *argv[])
{
	struct logcmd c;
	size_t i;
	int rc;

	memset(&c, 0, sizeof(c));
	c.cfg = cfg;
	if (argc >= 2 && strcmp(argv[1], "publish") == 0)
		return cli_publish(cfg, argc, argv);
	if (argc < 2 || parse_args(&c, argc, argv) != 0)
		return logusage();
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(argv[1], verbs[i].name) != 0)
			continue;
		if ((c.size != NULL && verbs[i].fn != cmd_proof &&
		    verbs[i].fn != cmd_checkpoint &&
		    verbs[i].fn != cmd_receipt &&
		    verbs[i].fn != cmd_timestamp) ||
		    (c.out != NULL && verbs[i].fn != cmd_receipt &&
		    verbs[i].fn != cmd_timestamp) ||
		    (c.key != NULL && verbs[i].fn != cmd_verify))
			return logusage();
		if ((rc = cli_log_open(c.cfg, &c.log)) != 0)
			return rc;
		rc = verbs[i].fn(&c);
		log_close(c.log);
		return rc;
	}
	return logusage();
}
