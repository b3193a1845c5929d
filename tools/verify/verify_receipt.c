/*
 * verify_receipt: "custos-verify receipt --key VKEYFILE [--json] RECEIPT
 * [FILE]".
 *
 * A receipt (c2sp.org/tlog-proof@v1, docs/log.md) carries an entry's
 * exact bytes, its inclusion proof and the signed checkpoint, so with the
 * station's verifier key alone it shows that the station logged the
 * entry.  Given the file too, it shows that the file is the entry's
 * object: the receipt then stands for the file itself.
 *
 * The checks run in order and stop at the first that fails; each prints
 * one line.  Exit status as for the other verbs: 0 verified, 1 not
 * verified, 2 usage error or an input that cannot be read.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/note.h"
#include "custos/receipt.h"

#include "tools/cli_util.h"
#include "verify_receipt.h"
#include "verify_util.h"

#define PROG		"custos-verify"

#define NCHECKS		5
#define NAMEBUF		(4 * NOTE_MAX_NAME + 16)

static const char receipt_usage[] =
    "usage: custos-verify receipt --key VKEYFILE [--json] RECEIPT [FILE]\n";

struct check {
	const char	*name;
	int		 ok;
	char		 detail[1024];
};

struct rres {
	int			 json;
	int			 code;
	struct check		 checks[NCHECKS];
	size_t			 nchecks;
	char			 error[1100];	/* exit 2: what could not be read */
	enum digest_alg		 alg;
	char			 key[NAMEBUF];
	char			 origin[NAMEBUF];
	struct receipt		*r;
	int			 signed_ok;	/* the checkpoint is the key's */
	int			 have_leaf;
	uint8_t			 leaf[DIGEST_LEN];
	json_t			*entry;
	const char		*file;
	int			 have_file;
	uint8_t			 fhash[DIGEST_LEN];
	uint64_t		 fsize;
};

struct ropts {
	const char	*key;
	int		 json;
	const char	*pos[2];
	int		 npos;
};

static void	passed(struct rres *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	failed(struct rres *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	unreadable(struct rres *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static struct check *
add_check(struct rres *res, const char *name, int ok, const char *fmt,
    va_list ap)
{
	struct check *c = &res->checks[res->nchecks++];

	c->name = name;
	c->ok = ok;
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	return c;
}

static void
passed(struct rres *res, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_check(res, name, 1, fmt, ap);
	va_end(ap);
}

/* Records the check that failed; the ones after it do not run. */
static int
failed(struct rres *res, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_check(res, name, 0, fmt, ap);
	va_end(ap);
	res->code = CLI_EXIT_NOT;
	return -1;
}

/* An input that cannot be read says nothing about the log: exit 2. */
static int
unreadable(struct rres *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->error, sizeof(res->error), fmt, ap);
	va_end(ap);
	res->code = CLI_EXIT_USAGE;
	return -1;
}

static int
read_input(struct rres *res, const char *path, size_t max, char **buf,
    size_t *len)
{
	char why[sizeof(res->error)];

	if (cli_read_input(NULL, path, max, buf, len, why,
	    sizeof(why)) == 0)
		return 0;
	return unreadable(res, "%s", why);
}

/* The reviewer's key decides the profile, hence every hash. */
static int
load_key(struct rres *res, const char *path, struct note_verifier **v)
{
	char why[sizeof(res->error)];

	if (verify_load_key(path, v, &res->alg, res->key, sizeof(res->key),
	    why, sizeof(why)) == 0)
		return 0;
	return unreadable(res, "%s", why);
}

/* The library's message starts with the check's name; drop it. */
static const char *
strip(const char *why, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(why, name, n) == 0 && strncmp(why + n, ": ", 2) == 0)
		return why + n + 2;
	return why;
}

static int
check_parse(struct rres *res, const char *text, size_t len)
{
	size_t xlen;
	int rc;

	if ((rc = receipt_parse(text, len, &res->r)) != 0)
		return failed(res, "receipt", "not a well-formed "
		    RECEIPT_HEADER " receipt%s", rc == CUSTOS_ERR_TOOBIG ?
		    " (a limit is exceeded)" : "");
	/* The format allows a receipt without extra data; ours always carry
	 * the entry, without which there is no leaf to prove. */
	if (receipt_extra(res->r, &xlen) == NULL)
		return failed(res, "receipt", "no extra line, so the entry's "
		    "bytes are unknown");
	passed(res, "receipt", RECEIPT_HEADER ", entry %" PRIu64 ", %zu "
	    "proof hashes", receipt_index(res->r), receipt_nproof(res->r));
	return 0;
}

static int
check_signature(struct rres *res, const struct note_verifier *v)
{
	const struct checkpoint *c = receipt_checkpoint(res->r);
	char why[1024];

	if (receipt_verify_checkpoint(res->r, v, why, sizeof(why)) != 0)
		return failed(res, "checkpoint", "%s", strip(why,
		    "checkpoint"));
	res->signed_ok = 1;
	esc_encode(c->origin, res->origin, sizeof(res->origin));
	passed(res, "checkpoint", "\"%s\" at tree size %" PRIu64 ", signed "
	    "by key %s", res->origin, c->size, res->key);
	return 0;
}

static int
check_inclusion(struct rres *res)
{
	char why[1024], h1[DIGEST_STRLEN], h2[DIGEST_STRLEN];
	int rc;

	rc = receipt_verify_inclusion(res->r, res->alg, res->leaf, why,
	    sizeof(why));
	res->have_leaf = rc == 0 || rc == CUSTOS_ERR_VERIFY;
	if (rc == CUSTOS_ERR_FORMAT)
		return failed(res, "receipt", "%s", strip(why, "receipt"));
	if (rc != 0)
		return failed(res, "inclusion", "%s", strip(why, "inclusion"));
	passed(res, "inclusion", "entry %" PRIu64 " (leaf %s) is in the tree "
	    "of size %" PRIu64 " (root %s)", receipt_index(res->r),
	    verify_hash_str(res->alg, res->leaf, h1, sizeof(h1)),
	    receipt_size(res->r), verify_hash_str(res->alg,
	    receipt_root(res->r), h2, sizeof(h2)));
	return 0;
}

/*
 * The proof covers the bytes; what they say is checked here: one JSON
 * object whose reserved fields agree with the receipt (docs/log.md: index
 * is the leaf index, station the checkpoint origin).
 */
static int
check_entry(struct rres *res)
{
	const struct checkpoint *c = receipt_checkpoint(res->r);
	const uint8_t *x;
	json_t *idx, *st, *type;
	char tbuf[256];
	size_t len;

	x = receipt_extra(res->r, &len);
	res->entry = json_loadb((const char *)x, len, JSON_REJECT_DUPLICATES,
	    NULL);
	if (res->entry == NULL || !json_is_object(res->entry))
		return failed(res, "entry", "the logged bytes are not a JSON "
		    "object");
	idx = json_object_get(res->entry, "index");
	if (!json_is_integer(idx) || json_integer_value(idx) < 0 ||
	    (uint64_t)json_integer_value(idx) != receipt_index(res->r))
		return failed(res, "entry", "its \"index\" field is not %"
		    PRIu64, receipt_index(res->r));
	st = json_object_get(res->entry, "station");
	if (!json_is_string(st) || strcmp(json_string_value(st),
	    c->origin) != 0)
		return failed(res, "entry", "its \"station\" field is not the "
		    "checkpoint's origin \"%s\"", res->origin);
	type = json_object_get(res->entry, "type");
	passed(res, "entry", "a JSON object of type \"%s\", index %" PRIu64
	    ", station \"%s\"", json_is_string(type) ?
	    esc_encode(json_string_value(type), tbuf, sizeof(tbuf)) : "?",
	    receipt_index(res->r), res->origin);
	return 0;
}

/* Streams path through the profile's hash into res->fhash, res->fsize. */
static int
hash_file(struct rres *res, FILE *fp)
{
	static uint8_t buf[1 << 16];
	struct digest *d;
	size_t n;
	int rc;

	if ((rc = digest_new(res->alg, &d)) != 0)
		return unreadable(res, "cannot hash %s: %s", res->file,
		    custos_strerror(rc));
	res->fsize = 0;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		if ((rc = digest_update(d, buf, n)) != 0)
			break;
		res->fsize += n;
	}
	if (rc == 0 && ferror(fp)) {
		digest_free(d);
		return unreadable(res, "cannot read %s: %s", res->file,
		    strerror(errno));
	}
	if (rc == 0)
		rc = digest_final(d, res->fhash);
	digest_free(d);
	if (rc != 0)
		return unreadable(res, "cannot hash %s: %s", res->file,
		    custos_strerror(rc));
	res->have_file = 1;
	return 0;
}

/* FILE is the entry's object: same hash (and size, when the entry has
 * one). */
static int
check_file(struct rres *res, FILE *fp)
{
	json_t *obj, *size;
	enum digest_alg alg;
	uint8_t want[DIGEST_LEN];
	char h[DIGEST_STRLEN], fname[1024];

	esc_encode(res->file, fname, sizeof(fname));
	obj = json_object_get(res->entry, "object");
	if (!json_is_string(obj))
		return failed(res, "file", "the entry names no object to "
		    "compare %s with", fname);
	if (digest_parse(json_string_value(obj), &alg, want) != 0 ||
	    alg != res->alg)
		return failed(res, "file", "the entry's object is not a %s "
		    "hash", digest_name(res->alg));
	if (hash_file(res, fp) == -1)
		return -1;
	verify_hash_str(res->alg, res->fhash, h, sizeof(h));
	if (memcmp(want, res->fhash, DIGEST_LEN) != 0)
		return failed(res, "file", "%s is %s, not the entry's object",
		    fname, h);
	size = json_object_get(res->entry, "size");
	if (size != NULL && (!json_is_integer(size) ||
	    json_integer_value(size) < 0 ||
	    (uint64_t)json_integer_value(size) != res->fsize))
		return failed(res, "file", "%s has %" PRIu64 " bytes, not the "
		    "entry's size", fname, res->fsize);
	passed(res, "file", "%s is the entry's object %s (%" PRIu64 " bytes)",
	    fname, h, res->fsize);
	return 0;
}

/* The FILE argument as a stream: a regular file only (cli_open_input()). */
static int
open_file(struct rres *res, const char *path, FILE **fp)
{
	char why[sizeof(res->error)];
	int fd;

	*fp = NULL;
	if (cli_open_input(NULL, path, 0, &fd, why, sizeof(why)) != 0)
		return unreadable(res, "%s", why);
	if ((*fp = fdopen(fd, "rb")) == NULL) {
		close(fd);
		return unreadable(res, "cannot read %s: %s", path,
		    strerror(errno));
	}
	return 0;
}

static void
run(const struct ropts *o, struct rres *res)
{
	struct note_verifier *v = NULL;
	char *text = NULL;
	size_t len;
	FILE *fp = NULL;

	res->file = o->npos > 1 ? o->pos[1] : NULL;
	if (load_key(res, o->key, &v) == -1 ||
	    read_input(res, o->pos[0], RECEIPT_MAX_SIZE, &text, &len) == -1)
		goto done;
	if (res->file != NULL && open_file(res, res->file, &fp) == -1)
		goto done;
	if (check_parse(res, text, len) == 0 && check_signature(res, v) == 0 &&
	    check_inclusion(res) == 0 && check_entry(res) == 0 &&
	    fp != NULL)
		(void)check_file(res, fp);
done:
	if (fp != NULL)
		fclose(fp);
	free(text);
	note_verifier_free(v);
}

/* "segment.sealed, camera CAM1, object sha256:..." from the entry. */
static void
describe(const struct rres *res, char *buf, size_t bufsz)
{
	static const char *const fields[] = { "camera", "object" };
	json_t *f;
	char val[256];
	size_t i, o;

	f = json_object_get(res->entry, "type");
	o = (size_t)snprintf(buf, bufsz, "%s", json_is_string(f) ?
	    esc_encode(json_string_value(f), val, sizeof(val)) : "?");
	for (i = 0; i < 2 && o < bufsz; i++) {
		f = json_object_get(res->entry, fields[i]);
		if (json_is_string(f))
			o += (size_t)snprintf(buf + o, bufsz - o, ", %s %s",
			    fields[i], esc_encode(json_string_value(f), val,
			    sizeof(val)));
	}
}

static void
print_text(const struct rres *res)
{
	const struct check *c;
	char what[1024];
	size_t i;

	if (res->code == CLI_EXIT_USAGE) {
		fprintf(stderr, "%s: %s\n", PROG, res->error);
		return;
	}
	for (i = 0; i < res->nchecks; i++) {
		c = &res->checks[i];
		printf("%s %s: %s\n", c->ok ? "\u2714" : "\u2718", c->name,
		    c->detail);
	}
	if (res->code != CLI_EXIT_OK) {
		c = &res->checks[res->nchecks - 1];
		printf("NOT VERIFIED: %s: %s\n", c->name, c->detail);
		return;
	}
	describe(res, what, sizeof(what));
	printf("verified: entry %" PRIu64 " (%s) is in the log of \"%s\" at "
	    "tree size %" PRIu64 ", signed by key %s%s\n",
	    receipt_index(res->r), what, res->origin, receipt_size(res->r),
	    res->key, res->have_file ? "; the file is its object" : "");
}

/* Adds what was established: only verified values, and the leaf. */
static void
json_add_facts(const struct rres *res, json_t *o)
{
	char h[DIGEST_STRLEN];

	if (res->key[0] != '\0')
		json_object_set_new(o, "key", json_string(res->key));
	if (res->signed_ok) {
		json_object_set_new(o, "origin", json_string(res->origin));
		json_object_set_new(o, "tree_size",
		    verify_json_u64(receipt_size(res->r)));
		json_object_set_new(o, "root", json_string(verify_hash_str(
		    res->alg, receipt_root(res->r), h, sizeof(h))));
	}
	if (res->r != NULL)
		json_object_set_new(o, "index",
		    verify_json_u64(receipt_index(res->r)));
	if (res->have_leaf)
		json_object_set_new(o, "leaf", json_string(verify_hash_str(
		    res->alg, res->leaf, h, sizeof(h))));
	if (res->code == CLI_EXIT_OK)
		json_object_set(o, "entry", res->entry);
	if (res->have_file) {
		json_object_set_new(o, "file_hash", json_string(verify_hash_str(
		    res->alg, res->fhash, h, sizeof(h))));
		json_object_set_new(o, "file_size",
		    verify_json_u64(res->fsize));
	}
}

static int
print_json(const struct rres *res)
{
	const struct check *c;
	json_t *o, *arr;
	size_t i;

	if ((o = json_object()) == NULL || (arr = json_array()) == NULL) {
		json_decref(o);
		return -1;
	}
	json_object_set_new(o, "verified", json_boolean(res->code == 0));
	json_object_set_new(o, "check", json_string("receipt"));
	json_add_facts(res, o);
	for (i = 0; i < res->nchecks; i++) {
		c = &res->checks[i];
		json_array_append_new(arr, json_pack("{s:s, s:b, s:s}",
		    "check", c->name, "ok", c->ok, "detail", c->detail));
	}
	json_object_set_new(o, "checks", arr);
	if (res->code == CLI_EXIT_USAGE)
		json_object_set_new(o, "error", json_string(res->error));
	else if (res->code != CLI_EXIT_OK) {
		c = &res->checks[res->nchecks - 1];
		json_object_set_new(o, "error", json_sprintf("%s: %s", c->name,
		    c->detail));
	}
	return verify_json_print(o);
}

/* Parses the arguments; "--" ends the options.  Exits 2 on a usage error. */
static void
parse_args(struct ropts *o, int argc, char *argv[])
{
	int i, opts_done = 0;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
		if (!opts_done && strcmp(argv[i], "--") == 0)
			opts_done = 1;
		else if (!opts_done && strcmp(argv[i], "--json") == 0) {
			if (o->json)
				cli_usage_exit(PROG, receipt_usage,
				    "option --json given twice");
			o->json = 1;
		} else if (!opts_done && strcmp(argv[i], "--key") == 0) {
			if (o->key != NULL)
				cli_usage_exit(PROG, receipt_usage,
				    "option --key given twice");
			if (i + 1 >= argc)
				cli_usage_exit(PROG, receipt_usage,
				    "option --key needs a value");
			o->key = argv[++i];
		} else if (!opts_done && strncmp(argv[i], "--", 2) == 0)
			cli_usage_exit(PROG, receipt_usage,
			    "receipt does not take %s", argv[i]);
		else if (o->npos == 2)
			cli_usage_exit(PROG, receipt_usage,
			    "receipt: unexpected argument \"%s\"", argv[i]);
		else
			o->pos[o->npos++] = argv[i];
	}
	if (o->key == NULL)
		cli_usage_exit(PROG, receipt_usage, "receipt needs --key");
	if (o->npos == 0)
		cli_usage_exit(PROG, receipt_usage,
		    "receipt needs a receipt file argument");
}

int
verify_receipt(int argc, char *argv[])
{
	struct ropts o;
	struct rres res;
	int code;

	parse_args(&o, argc, argv);
	memset(&res, 0, sizeof(res));
	res.json = o.json;
	run(&o, &res);
	code = res.code;
	if (res.json) {
		if (print_json(&res) == -1) {
			fprintf(stderr, "%s: cannot write JSON\n", PROG);
			code = CLI_EXIT_USAGE;
		}
	} else
		print_text(&res);
	json_decref(res.entry);
	receipt_free(res.r);
	return code;
}
