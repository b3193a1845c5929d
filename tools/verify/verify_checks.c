/*
 * verify_checks: the bundle verifier's integrity checks (verify_int.h,
 * docs/bundle.md): layout and manifest, key and checkpoint, timestamp,
 * entries and their inclusion proofs, the inspection's chain, media and
 * segments, and the evidence built from the proven entries.  Every check
 * is one entry of "checks" with a stable id, ok and the line a reviewer
 * reads.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/bundle.h"
#include "custos/ckpt.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/merkle.h"
#include "custos/note.h"
#include "custos/probe.h"
#include "custos/rfc3339.h"
#include "custos/tsa.h"

#include "verify_bundle.h"
#include "verify_int.h"

static void	 check(struct vb *, const char *, int, int64_t, const char *,
		    const char *, ...) __attribute__((format(printf, 6, 7)));

/*
 * Small helpers.
 */

static void
hexhash(struct vb *v, const uint8_t h[DIGEST_LEN], char *buf, size_t bufsz)
{
	if (digest_format(v->alg, h, buf, bufsz) != 0)
		snprintf(buf, bufsz, "?");
}

/*
 * Records one check: a stable id, whether it holds, and the line the
 * reviewer reads.  index < 0 and path NULL leave them out.
 */
static void
check(struct vb *v, const char *id, int ok, int64_t index, const char *path,
    const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	json_t *c;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!ok)
		v->failed = 1;
	if ((c = json_object()) == NULL) {
		v->nomem = 1;
		return;
	}
	setk(v, c, "id", json_string(id));
	setk(v, c, "ok", json_boolean(ok));
	setk(v, c, "text", jstr(text));
	if (index >= 0)
		setk(v, c, "index", json_integer(index));
	if (path != NULL)
		setk(v, c, "path", jstr(path));
	push(v, v->checks, c);
}

static struct ent *
ent_find(struct vb *v, uint64_t index)
{
	size_t lo = 0, hi = v->nents, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v->ents[mid].index == index)
			return &v->ents[mid];
		if (v->ents[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Layout and manifest.
 */

void
vb_check_layout(struct vb *v)
{
	const struct bundle *b = v->b;
	size_t i;

	for (i = 0; i < b->nproblems; i++)
		check(v, "bundle.layout", 0, -1, NULL, "bundle: %s",
		    b->problems[i]);
	if (b->nproblems == 0)
		check(v, "bundle.layout", 1, -1, NULL, "bundle layout: %zu "
		    "files in a %s, every name and type as docs/bundle.md "
		    "allows, none twice, no links", b->nfiles + b->nmedia +
		    b->ntranscripts, b->is_tar ? "tar" : "directory");
}

void
vb_load_manifest(struct vb *v)
{
	const struct bundle_file *f = bundle_file(v->b, "MANIFEST.json");
	json_error_t jerr;
	const char *fmt;

	if (f == NULL) {
		check(v, "bundle.manifest", 0, -1, "MANIFEST.json",
		    "MANIFEST.json is missing");
		return;
	}
	if ((v->manifest = json_loadb((const char *)f->data, f->len,
	    JSON_REJECT_DUPLICATES, &jerr)) == NULL ||
	    !json_is_object(v->manifest)) {
		check(v, "bundle.manifest", 0, -1, "MANIFEST.json",
		    "MANIFEST.json is not a JSON object (line %d: %s)",
		    jerr.line, v->manifest == NULL ? jerr.text : "not an "
		    "object");
		json_decref(v->manifest);
		v->manifest = NULL;
		return;
	}
	fmt = sget(v->manifest, "format");
	if (strcmp(fmt, BUNDLE_FORMAT) != 0) {
		check(v, "bundle.manifest", 0, -1, "MANIFEST.json",
		    "MANIFEST.json: format \"%s\" is not %s; this verifier "
		    "does not know it", fmt, BUNDLE_FORMAT);
		return;
	}
	check(v, "bundle.manifest", 1, -1, "MANIFEST.json", "MANIFEST.json: "
	    "format %s (informative: every claim in it is re-checked "
	    "below)", BUNDLE_FORMAT);
}

/*
 * Key and checkpoint.
 */

static void
signer_list(const struct note *n, char *buf, size_t bufsz)
{
	const struct note_sig *s;
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < note_nsigs(n) && o < bufsz; i++) {
		s = note_sig(n, i);
		o += (size_t)snprintf(buf + o, bufsz - o, "%s%s+%08" PRIx32,
		    i > 0 ? ", " : "", s->name, s->keyid);
	}
}

/* Compares station.vkey with the reviewer's key. */
static int
station_vkey(struct vb *v, char *bname, size_t bnamesz)
{
	const struct bundle_file *f = bundle_file(v->b, "station.vkey");
	struct note_verifier *bv = NULL;
	size_t len;
	int same;

	bname[0] = '\0';
	if (f == NULL) {
		check(v, "key.station_vkey", 0, -1, "station.vkey",
		    "station.vkey is missing");
		return 0;
	}
	len = f->len;
	if (len > 0 && f->data[len - 1] == '\n')
		len--;
	if (note_verifier_parse((const char *)f->data, len, &bv) != 0) {
		check(v, "key.station_vkey", 0, -1, "station.vkey",
		    "station.vkey is not a C2SP verifier key");
		return 0;
	}
	snprintf(bname, bnamesz, "%s+%08" PRIx32, note_verifier_name(bv),
	    note_verifier_keyid(bv));
	same = note_verifier_keyid(bv) == note_verifier_keyid(v->v) &&
	    strcmp(note_verifier_name(bv), note_verifier_name(v->v)) == 0 &&
	    note_verifier_alg(bv) == note_verifier_alg(v->v);
	note_verifier_free(bv);
	if (same)
		check(v, "key.station_vkey", 1, -1, "station.vkey",
		    "station.vkey is the key you gave (%s)", bname);
	else
		check(v, "key.station_vkey", 0, -1, "station.vkey",
		    "station.vkey names key %s, not the key you gave "
		    "(%s+%08" PRIx32 "): the bundle claims another station "
		    "key", bname, note_verifier_name(v->v),
		    note_verifier_keyid(v->v));
	return same;
}

static void
key_section(struct vb *v, const struct note *n, int bundle_same,
    const char *bname)
{
	const struct note_sig *s = NULL;
	char given[NOTE_MAX_NAME + 16], text[2048], signers[1024], id[9];
	json_t *k;
	size_t i;

	snprintf(given, sizeof(given), "%s+%08" PRIx32,
	    note_verifier_name(v->v), note_verifier_keyid(v->v));
	if ((k = json_object()) == NULL) {
		v->nomem = 1;
		return;
	}
	signers[0] = '\0';
	if (n != NULL) {
		signer_list(n, signers, sizeof(signers));
		for (i = 0; i < note_nsigs(n); i++) {
			s = note_sig(n, i);
			if (s->keyid == note_verifier_keyid(v->v) &&
			    strcmp(s->name, note_verifier_name(v->v)) == 0)
				break;
		}
		if (i == note_nsigs(n))
			s = note_nsigs(n) > 0 ? note_sig(n, 0) : NULL;
	}
	if (s != NULL) {
		snprintf(id, sizeof(id), "%08" PRIx32, s->keyid);
		setk(v, k, "signer", jstr(s->name));
		setk(v, k, "signer_key_id", json_string(id));
	}
	snprintf(id, sizeof(id), "%08" PRIx32, note_verifier_keyid(v->v));
	setk(v, k, "given_key_id", json_string(id));
	setk(v, k, "matches_given", json_boolean(v->sig_ok));
	setk(v, k, "bundle_vkey_matches_given", json_boolean(bundle_same));
	if (v->sig_ok)
		snprintf(text, sizeof(text), "The checkpoint is signed by "
		    "%s, the key you gave with --key.%s%s%s", given,
		    bundle_same ? " station.vkey in the bundle is the same "
		    "key." : " station.vkey in the bundle is a different "
		    "key (", bundle_same ? "" : bname[0] ? bname : "unreadable",
		    bundle_same ? "" : ").");
	else
		snprintf(text, sizeof(text), "The checkpoint is NOT signed by "
		    "the key you gave (%s); it carries signatures by: %s.  "
		    "station.vkey in the bundle names %s.  Compare the "
		    "station's key out of band before trusting anything in "
		    "this bundle.", given, signers[0] ? signers : "nobody",
		    bname[0] ? bname : "no readable key");
	setk(v, k, "text", jstr(text));
	setk(v, v->report, "key", k);
}

void
vb_check_checkpoint(struct vb *v)
{
	const struct bundle_file *f = bundle_file(v->b, "checkpoint");
	struct note *n = NULL;
	char bname[NOTE_MAX_NAME + 16], signers[1024], root[DIGEST_STRLEN];
	const char *text;
	size_t tlen;
	int same, rc;

	same = station_vkey(v, bname, sizeof(bname));
	if (f == NULL) {
		check(v, "checkpoint.signature", 0, -1, "checkpoint",
		    "checkpoint is missing: nothing in the bundle is signed");
		key_section(v, NULL, same, bname);
		return;
	}
	if (note_parse((const char *)f->data, f->len, &n) != 0) {
		check(v, "checkpoint.signature", 0, -1, "checkpoint",
		    "checkpoint is not a well-formed signed note");
		key_section(v, NULL, same, bname);
		return;
	}
	rc = note_verify(n, v->v);
	v->sig_ok = rc == 0;
	signer_list(n, signers, sizeof(signers));
	if (rc == 0)
		check(v, "checkpoint.signature", 1, -1, "checkpoint",
		    "checkpoint signature by %s+%08" PRIx32 " (the key you "
		    "gave) verifies", note_verifier_name(v->v),
		    note_verifier_keyid(v->v));
	else if (rc == CUSTOS_ERR_KEY)
		check(v, "checkpoint.signature", 0, -1, "checkpoint",
		    "checkpoint has no signature by the key you gave "
		    "(%s+%08" PRIx32 "); signed by: %s",
		    note_verifier_name(v->v), note_verifier_keyid(v->v),
		    signers[0] ? signers : "nobody");
	else
		check(v, "checkpoint.signature", 0, -1, "checkpoint",
		    "checkpoint signature by %s+%08" PRIx32 " does not "
		    "verify: the checkpoint was altered",
		    note_verifier_name(v->v), note_verifier_keyid(v->v));
	key_section(v, n, same, bname);
	text = note_text(n, &tlen);
	if (ckpt_parse(text, tlen, &v->ckpt) != 0) {
		check(v, "checkpoint.body", 0, -1, "checkpoint", "checkpoint: "
		    "the signed text is not a checkpoint (origin, tree size, "
		    "base64 root)");
		note_free(n);
		return;
	}
	note_free(n);
	hexhash(v, v->ckpt->root, root, sizeof(root));
	if (strcmp(v->ckpt->origin, note_verifier_name(v->v)) != 0)
		check(v, "checkpoint.body", 0, -1, "checkpoint", "checkpoint: "
		    "origin \"%s\" is not the key's name \"%s\"",
		    v->ckpt->origin, note_verifier_name(v->v));
	else
		check(v, "checkpoint.body", 1, -1, "checkpoint", "checkpoint: "
		    "station \"%s\", tree size %" PRIu64 ", root %s",
		    v->ckpt->origin, v->ckpt->size, root);
}

/*
 * Timestamp.
 */

void
vb_check_timestamp(struct vb *v)
{
	const struct bundle_file *tsr = bundle_file(v->b, "checkpoint.tsr");
	const struct bundle_file *cp = bundle_file(v->b, "checkpoint");
	char why[256], text[1024];
	json_t *t;
	int rc;

	if ((t = json_object()) == NULL) {
		v->nomem = 1;
		return;
	}
	v->ts_present = tsr != NULL;
	why[0] = '\0';
	if (tsr == NULL) {
		snprintf(text, sizeof(text), "no timestamp token "
		    "(checkpoint.tsr): there is no third-party anchor, only "
		    "the station's own log and clock");
		check(v, "timestamp.token", v->o->allow_untimestamped, -1,
		    "checkpoint.tsr", "%s%s", text,
		    v->o->allow_untimestamped ? " (accepted: "
		    "--allow-untimestamped)" : "");
	} else if (cp == NULL) {
		(void)tsa_parse(tsr->data, tsr->len, &v->tsa);
		snprintf(text, sizeof(text), "timestamp not checked: there "
		    "is no checkpoint to check it against");
		check(v, "timestamp.token", 0, -1, "checkpoint.tsr", "%s",
		    text);
	} else if (v->o->tsa_ca == NULL) {
		rc = tsa_parse(tsr->data, tsr->len, &v->tsa);
		snprintf(text, sizeof(text), "timestamp not checked: no "
		    "--tsa-ca (the token claims %s by %s; unchecked, it "
		    "proves nothing)", rc == 0 ? v->tsa.time : "nothing "
		    "readable", rc == 0 && v->tsa.tsa[0] ? v->tsa.tsa :
		    "an unnamed TSA");
		check(v, "timestamp.token", 0, -1, "checkpoint.tsr", "%s",
		    text);
	} else {
		v->ts_checked = 1;
		rc = tsa_verify(tsr->data, tsr->len, cp->data, cp->len,
		    v->o->tsa_ca, NULL, &v->tsa, why, sizeof(why));
		if (rc == CUSTOS_ERR_SYSTEM) {
			v->sys_errno = errno;
			json_decref(t);
			return;
		}
		v->ts_ok = rc == 0;
		if (rc == 0)
			snprintf(text, sizeof(text), "timestamp token: %s "
			    "saw this exact checkpoint no later than %s "
			    "(serial %s, policy %s), chained to --tsa-ca",
			    v->tsa.tsa[0] ? v->tsa.tsa : "the TSA",
			    v->tsa.time, v->tsa.serial, v->tsa.policy);
		else if (rc == CUSTOS_ERR_FORMAT)
			snprintf(text, sizeof(text), "timestamp token: "
			    "checkpoint.tsr is not a granted RFC 3161 reply%s%s",
			    why[0] ? ": " : "", why);
		else
			snprintf(text, sizeof(text), "timestamp token does not "
			    "verify: %s", why[0] ? why : custos_strerror(rc));
		check(v, "timestamp.token", v->ts_ok, -1, "checkpoint.tsr",
		    "%s", text);
	}
	setk(v, t, "present", json_boolean(v->ts_present));
	setk(v, t, "checked", json_boolean(v->ts_checked));
	setk(v, t, "ok", json_boolean(v->ts_ok));
	if (v->tsa.time[0] != '\0') {
		setk(v, t, "time", json_string(v->tsa.time));
		setk(v, t, "tsa", jstr(v->tsa.tsa));
		setk(v, t, "serial", jstr(v->tsa.serial));
		setk(v, t, "policy", jstr(v->tsa.policy));
	}
	setk(v, t, "text", jstr(text));
	setk(v, v->report, "timestamp", t);
}

/*
 * Entries and proofs.
 */

static int
cmp_ent(const void *a, const void *b)
{
	uint64_t x = ((const struct ent *)a)->index;
	uint64_t y = ((const struct ent *)b)->index;

	return x < y ? -1 : x > y;
}

static int
collect_entries(struct vb *v)
{
	const struct bundle *b = v->b;
	struct ent *e;
	size_t i, n = 0;

	for (i = 0; i < b->nfiles; i++)
		n += b->files[i].kind == BUNDLE_ENTRY;
	if (n > 0 && (v->ents = calloc(n, sizeof(*v->ents))) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (i = 0; i < b->nfiles; i++) {
		if (b->files[i].kind != BUNDLE_ENTRY)
			continue;
		e = &v->ents[v->nents++];
		e->index = b->files[i].index;
		e->file = &b->files[i];
		e->type = "";
	}
	qsort(v->ents, v->nents, sizeof(*v->ents), cmp_ent);
	for (i = 0; i < b->nfiles; i++)
		if (b->files[i].kind == BUNDLE_PROOF &&
		    (e = ent_find(v, b->files[i].index)) != NULL &&
		    e->proof == NULL)
			e->proof = &b->files[i];
	return 0;
}

/* Parses one entry and checks its fields against its name. */
static int
entry_fields(struct vb *v, struct ent *e)
{
	json_error_t jerr;
	json_t *j;

	if (merkle_leaf_hash(v->alg, e->file->data, e->file->len,
	    e->leaf) != 0)
		return CUSTOS_ERR_CRYPTO;
	j = json_loadb((const char *)e->file->data, e->file->len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL || !json_is_object(j)) {
		json_decref(j);
		check(v, "entry.format", 0, (int64_t)e->index, e->file->name,
		    "entry %" PRIu64 ": %s is not one JSON object", e->index,
		    e->file->name);
		return 0;
	}
	e->j = j;
	e->type = sget(j, "type");
	if (iget(j, "index") != (int64_t)e->index)
		check(v, "entry.index", 0, (int64_t)e->index, e->file->name,
		    "entry %" PRIu64 ": its \"index\" field says %lld, not its "
		    "file name's %" PRIu64 " (moved or renamed)", e->index,
		    (long long)iget(j, "index"), e->index);
	else
		e->index_ok = 1;
	if (v->ckpt != NULL &&
	    strcmp(sget(j, "station"), v->ckpt->origin) != 0)
		check(v, "entry.station", 0, (int64_t)e->index, e->file->name,
		    "entry %" PRIu64 ": station \"%s\" is not the checkpoint's "
		    "\"%s\"", e->index, sget(j, "station"), v->ckpt->origin);
	return 0;
}

static void
entry_proof(struct vb *v, struct ent *e)
{
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN];
	size_t n;

	if (v->ckpt == NULL)
		return;
	if (e->proof == NULL) {
		check(v, "entry.proof", 0, (int64_t)e->index, e->file->name,
		    "entry %" PRIu64 ": proofs/%" PRIu64 ".proof is missing",
		    e->index, e->index);
		return;
	}
	if (e->index >= v->ckpt->size) {
		check(v, "entry.proof", 0, (int64_t)e->index, e->file->name,
		    "entry %" PRIu64 ": not below the checkpoint's tree size "
		    "%" PRIu64, e->index, v->ckpt->size);
		return;
	}
	if (merkle_proof_parse((const char *)e->proof->data, e->proof->len,
	    proof, MERKLE_MAX_PROOF, &n) != 0) {
		check(v, "entry.proof", 0, (int64_t)e->index, e->proof->name,
		    "entry %" PRIu64 ": %s is not a proof file (one base64 "
		    "hash a line)", e->index, e->proof->name);
		return;
	}
	if (merkle_verify_inclusion(v->alg, e->index, v->ckpt->size, e->leaf,
	    (const uint8_t (*)[DIGEST_LEN])proof, n, v->ckpt->root) != 0) {
		check(v, "entry.proof", 0, (int64_t)e->index, e->file->name,
		    "entry %" PRIu64 " (%s): its bytes and inclusion proof do "
		    "not lead to the checkpoint's root: the entry or its "
		    "proof was altered", e->index, e->type);
		return;
	}
	e->proven = 1;
	v->proofs_ok++;
}

/* Entries MANIFEST lists: each must be here, and each here listed. */
static void
manifest_entries(struct vb *v)
{
	json_t *list = json_object_get(v->manifest, "entries"), *it;
	struct ent *e;
	int64_t idx;
	size_t i;

	if (v->manifest == NULL)
		return;
	if (!json_is_array(list)) {
		check(v, "bundle.manifest", 0, -1, "MANIFEST.json",
		    "MANIFEST.json has no \"entries\" list");
		return;
	}
	json_array_foreach(list, i, it) {
		if ((idx = iget(it, "index")) < 0) {
			check(v, "bundle.manifest", 0, -1, "MANIFEST.json",
			    "MANIFEST.json: entries[%zu] has no index", i);
			continue;
		}
		if ((e = ent_find(v, (uint64_t)idx)) == NULL) {
			check(v, "entry.present", 0, idx, NULL, "entry %lld "
			    "(%s, role %s) is listed in MANIFEST.json but "
			    "entries/%lld.json is missing", (long long)idx,
			    sget(it, "type"), sget(it, "role"),
			    (long long)idx);
			continue;
		}
		e->listed = 1;
	}
	for (i = 0; i < v->nents; i++)
		if (!v->ents[i].listed)
			check(v, "entry.foreign", 0, (int64_t)v->ents[i].index,
			    v->ents[i].file->name, "entry %" PRIu64 " (%s) is "
			    "in the bundle but not in MANIFEST.json: a foreign "
			    "entry", v->ents[i].index, v->ents[i].type);
}

int
vb_check_entries(struct vb *v)
{
	size_t i;
	int rc;

	if ((rc = collect_entries(v)) != 0)
		return rc;
	if (v->nents == 0) {
		check(v, "entry.proof", 0, -1, NULL, "the bundle holds no "
		    "entries");
		return 0;
	}
	for (i = 0; i < v->nents; i++)
		if ((rc = entry_fields(v, &v->ents[i])) != 0)
			return rc;
	for (i = 0; i < v->nents; i++)
		entry_proof(v, &v->ents[i]);
	if (v->ckpt == NULL)
		check(v, "entry.proof", 0, -1, NULL, "inclusion proofs not "
		    "checked: no readable checkpoint");
	else if (v->proofs_ok == v->nents)
		check(v, "entry.proof", 1, -1, NULL, "all %zu entries are in "
		    "the signed tree of size %" PRIu64 " (each by its RFC "
		    "9162 inclusion proof)", v->nents, v->ckpt->size);
	manifest_entries(v);
	return 0;
}

/*
 * The inspection and its chain.
 */

/* The inspection: MANIFEST's, else the one a chain start names. */
int
vb_find_inspection(struct vb *v)
{
	const char *id = NULL, *t;
	size_t i;

	if (v->manifest != NULL)
		id = json_string_value(json_object_get(v->manifest,
		    "inspection"));
	for (i = 0; id == NULL && i < v->nents; i++) {
		if (v->ents[i].j == NULL)
			continue;
		t = v->ents[i].type;
		if (strcmp(t, "inspection.registered") == 0 ||
		    strcmp(t, "inspection.emergency") == 0)
			id = json_string_value(json_object_get(v->ents[i].j,
			    "inspection"));
	}
	if (id == NULL)
		id = "";
	if ((v->inspection = strdup(id)) == NULL)
		return CUSTOS_ERR_NOMEM;
	return 0;
}

/* One link: e's inspection_prev must be prev's leaf. */
static int
chain_link(struct vb *v, const struct ent *prev, const struct ent *e)
{
	const char *want = sget(e->j, "inspection_prev");
	char have[DIGEST_STRLEN];

	if (prev == NULL) {
		if (!is_start(e->type) || want[0] != '\0') {
			check(v, "chain.link", 0, (int64_t)e->index,
			    e->file->name, "chain: its first entry in the "
			    "bundle, %" PRIu64 " (%s), is not the inspection's "
			    "registration: the entries before it are missing",
			    e->index, e->type);
			return 0;
		}
		return 1;
	}
	hexhash(v, prev->leaf, have, sizeof(have));
	if (strcmp(want, have) != 0) {
		check(v, "chain.link", 0, (int64_t)e->index, e->file->name,
		    "chain: entry %" PRIu64 " (%s) links to %s, but the entry "
		    "before it, %" PRIu64 " (%s), has leaf %s: an entry "
		    "between them is missing, reordered or foreign", e->index,
		    e->type, want[0] ? want : "nothing", prev->index,
		    prev->type, have);
		return 0;
	}
	return 1;
}

void
vb_check_chain(struct vb *v)
{
	const struct ent *prev = NULL, *first = NULL, *e;
	json_t *mchain = NULL, *it;
	int64_t last_listed = -1, idx;
	size_t i, n = 0;
	int ok = 1, closed = 0;

	for (i = 0; i < v->nents; i++) {
		e = &v->ents[i];
		if (e->j == NULL || strcmp(sget(e->j, "inspection"),
		    v->inspection) != 0)
			continue;
		if (!chain_link(v, prev, e))
			ok = 0;
		if (first == NULL)
			first = e;
		closed |= strcmp(e->type, "inspection.closed") == 0;
		prev = e;
		n++;
	}
	v->chain_len = n;
	if (v->manifest != NULL)
		mchain = json_object_get(v->manifest, "chain");
	json_array_foreach(mchain, i, it) {
		if ((idx = json_is_integer(it) ? json_integer_value(it) : -1) <
		    0)
			continue;
		last_listed = idx;
		if ((e = ent_find(v, (uint64_t)idx)) == NULL) {
			check(v, "chain.complete", 0, idx, NULL, "chain: entry "
			    "%lld of the chain (MANIFEST.json) is missing",
			    (long long)idx);
			ok = 0;
		} else if (e->j != NULL && strcmp(sget(e->j, "inspection"),
		    v->inspection) != 0) {
			check(v, "chain.complete", 0, idx, e->file->name,
			    "chain: entry %lld, which MANIFEST.json puts in "
			    "the chain, is not an entry of %s", (long long)idx,
			    v->inspection);
			ok = 0;
		}
	}
	if (n == 0) {
		check(v, "chain.complete", 0, -1, NULL, "chain: no entry of "
		    "inspection \"%s\" in the bundle", v->inspection);
		v->chain_ok = 0;
		return;
	}
	if (last_listed >= 0 && (uint64_t)last_listed != prev->index) {
		check(v, "chain.complete", 0, (int64_t)prev->index, NULL,
		    "chain: ends at entry %" PRIu64 " but MANIFEST.json says "
		    "its last entry is %lld", prev->index,
		    (long long)last_listed);
		ok = 0;
	}
	v->chain_ok = ok;
	v->chain_closed = closed;
	v->chain_first = first->type;
	v->chain_last = prev->type;
	if (ok)
		check(v, "chain.complete", 1, -1, NULL, "chain: %zu entries of "
		    "%s from %s (%" PRIu64 ") to %s (%" PRIu64 "), every "
		    "inspection_prev link intact, no link missing%s", n,
		    v->inspection, first->type, first->index, prev->type,
		    prev->index, closed ? "" : " (the inspection is not "
		    "closed at export)");
}

/*
 * Media.
 */

/*
 * Checks one sealed object against the media file of its hash.  Returns
 * 1 if the file is there and is the sealed one, 0 if altered, -1 if
 * missing; why gets the reason.
 */
static int
media_one(struct vb *v, const struct ent *e, char *why, size_t whysz,
    const char **path)
{
	const struct bundle_media *m;
	const char *obj = sget(e->j, "object"), *want_root;
	enum digest_alg alg;
	uint8_t h[DIGEST_LEN], root[DIGEST_LEN];
	char have[DIGEST_STRLEN], rootstr[DIGEST_STRLEN];
	json_t *media = json_object_get(e->j, "media");
	int64_t size = iget(e->j, "size");

	*path = NULL;
	if (digest_parse(obj, &alg, h) != 0 || alg != v->alg) {
		snprintf(why, whysz, "entry %" PRIu64 " names no object of "
		    "this profile", e->index);
		check(v, "media.hash", 0, (int64_t)e->index, NULL, "%s", why);
		return 0;
	}
	if ((m = bundle_media_find(v->b, h)) == NULL) {
		snprintf(why, whysz, "media/%s.* is missing", obj + 7);
		check(v, "media.present", 0, (int64_t)e->index, NULL,
		    "entry %" PRIu64 " (%s) seals %s: media file missing",
		    e->index, e->type, obj);
		return -1;
	}
	*path = m->name;
	v->media_checked++;
	hexhash(v, m->hash, have, sizeof(have));
	if (!m->complete) {
		snprintf(why, whysz, "%s could not be read to its end",
		    m->name);
		check(v, "media.hash", 0, (int64_t)e->index, m->name, "%s",
		    why);
		return 0;
	}
	if (memcmp(m->hash, h, DIGEST_LEN) != 0) {
		snprintf(why, whysz, "%s hashes to %s, not %s", m->name, have,
		    obj);
		check(v, "media.hash", 0, (int64_t)e->index, m->name,
		    "%s: hash %s, but its name and entry %" PRIu64 " say %s: "
		    "the file was altered or replaced", m->name, have,
		    e->index, obj);
		return 0;
	}
	if (size < 0 || (uint64_t)size != m->size) {
		snprintf(why, whysz, "%s has %" PRIu64 " bytes, entry says "
		    "%lld", m->name, m->size, (long long)size);
		check(v, "media.hash", 0, (int64_t)e->index, m->name, "%s",
		    why);
		return 0;
	}
	check(v, "media.hash", 1, (int64_t)e->index, m->name, "%s: %" PRIu64
	    " bytes, %s, as sealed by entry %" PRIu64, m->name, m->size, obj,
	    e->index);
	v->media_ok++;
	want_root = json_string_value(json_object_get(media, "packet_root"));
	if (want_root == NULL || !v->o->probed)
		return 1;
	v->roots_checked++;
	if (!m->probed || (m->probe.status != PROBE_OK &&
	    m->probe.status != PROBE_DAMAGED)) {
		snprintf(why, whysz, "packet root of %s not recomputed: the "
		    "media child %s%s%s", m->name, m->probed ?
		    probe_status_name(m->probe.status) : "did not run", m->probed ? ": " :
		    "", m->probed ? m->probe.error : "");
		check(v, "media.packet_root", 0, (int64_t)e->index, m->name,
		    "%s", why);
		return 0;
	}
	memcpy(root, m->probe.packet_root, DIGEST_LEN);
	hexhash(v, root, rootstr, sizeof(rootstr));
	if (strcmp(rootstr, want_root) != 0) {
		snprintf(why, whysz, "packet root of %s is %s, entry says %s",
		    m->name, rootstr, want_root);
		check(v, "media.packet_root", 0, (int64_t)e->index, m->name,
		    "%s: recomputed packet root %s (%" PRIu64 " packets) is "
		    "not the sealed %s", m->name, rootstr, m->probe.packets,
		    want_root);
		return 0;
	}
	check(v, "media.packet_root", 1, (int64_t)e->index, m->name, "%s: "
	    "packet root %s over %" PRIu64 " packets recomputed in the "
	    "sandboxed media child, as sealed", m->name, rootstr,
	    m->probe.packets);
	v->roots_ok++;
	return 1;
}

static int
seals_object(const struct ent *e)
{
	return e->j != NULL && (strcmp(e->type, "segment.sealed") == 0 ||
	    strcmp(e->type, "document.sealed") == 0);
}

/* Media files no entry seals. */
static void
media_foreign(struct vb *v)
{
	const struct bundle_media *m;
	enum digest_alg alg;
	uint8_t h[DIGEST_LEN];
	size_t i, k;

	for (k = 0; k < v->b->nmedia; k++) {
		m = &v->b->media[k];
		for (i = 0; i < v->nents; i++)
			if (seals_object(&v->ents[i]) &&
			    digest_parse(sget(v->ents[i].j, "object"), &alg,
			    h) == 0 && memcmp(h, m->name_hash, DIGEST_LEN) == 0)
				break;
		if (i == v->nents)
			check(v, "media.foreign", 0, -1, m->name, "%s: no entry "
			    "in the bundle seals it: a foreign file", m->name);
	}
}

/*
 * MANIFEST.json's items: informative, but where they disagree with the
 * bundle or the signed entries, the reviewer is told.
 */
static void
manifest_items(struct vb *v)
{
	json_t *items = json_object_get(v->manifest, "items"), *it;
	const char *path, *obj;
	struct ent *e;
	size_t i, k;
	int64_t idx;

	json_array_foreach(items, i, it) {
		path = sget(it, "path");
		obj = sget(it, "object");
		for (k = 0; k < v->b->nmedia &&
		    strcmp(v->b->media[k].name, path) != 0; k++)
			;
		if (k == v->b->nmedia) {
			check(v, "bundle.manifest", 0, iget(it, "entry"), path,
			    "MANIFEST.json lists %s, which is not in the "
			    "bundle", path[0] ? path : "an item without a path");
			continue;
		}
		idx = iget(it, "entry");
		if (idx < 0 || (e = ent_find(v, (uint64_t)idx)) == NULL ||
		    e->j == NULL)
			continue;	/* reported with the entries */
		if (strcmp(sget(e->j, "object"), obj) != 0 ||
		    strncmp(obj + (strchr(obj, ':') ? strchr(obj, ':') - obj +
		    1 : 0), path + 6, 2 * DIGEST_LEN) != 0)
			check(v, "bundle.manifest", 0, idx, path,
			    "MANIFEST.json says %s is %s of entry %lld, but "
			    "the entry seals %s", path, obj, (long long)idx,
			    sget(e->j, "object"));
	}
}

/*
 * Segments: what the inspection's evidence.linked entries name.
 */

struct seg {
	uint64_t	 index;
	int		 linked;
	const char	*object;	/* from the link when no entry */
};

static int
collect_segs(struct vb *v, struct seg **out, size_t *nout)
{
	struct seg *s = NULL, *ns;
	size_t i, k, n = 0;
	int64_t idx;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < v->nents; i++) {
		const struct ent *e = &v->ents[i];
		int link = strcmp(e->type, "evidence.linked") == 0;

		if (e->j == NULL || (!link && strcmp(e->type,
		    "evidence.unlinked") != 0) ||
		    strcmp(sget(e->j, "inspection"), v->inspection) != 0 ||
		    (idx = iget(e->j, "segment")) < 0)
			continue;
		for (k = 0; k < n && s[k].index != (uint64_t)idx; k++)
			;
		if (k == n) {
			if ((ns = reallocarray(s, n + 1, sizeof(*s))) ==
			    NULL) {
				free(s);
				return CUSTOS_ERR_NOMEM;
			}
			s = ns;
			s[n].index = (uint64_t)idx;
			s[n].object = sget(e->j, "object");
			n++;
		}
		s[k].linked = link;
	}
	*out = s;
	*nout = n;
	return 0;
}

/*
 * The officer who carried the segment's camera when it recorded: the
 * segment's own "officer", else the latest camera.assigned of its camera
 * from at or before its start (docs/inspection.md).  Only entries that
 * are in the bundle count; "" if none.
 */
static const char *
segment_officer(struct vb *v, const json_t *seg, const char *start)
{
	const char *best = "", *cam = sget(seg, "camera");
	int64_t t, from, best_from = INT64_MIN;
	size_t i;

	if (json_object_get(seg, "officer") != NULL)
		return sget(seg, "officer");
	if (rfc3339_parse(start, &t) != 0)
		return "";
	for (i = 0; i < v->nents; i++) {
		const json_t *j = v->ents[i].j;

		if (j == NULL || strcmp(v->ents[i].type,
		    "camera.assigned") != 0 || strcmp(sget(j, "camera"),
		    cam) != 0 || rfc3339_parse(sget(j, "from"), &from) != 0 ||
		    from > t || from < best_from)
			continue;
		best_from = from;
		best = sget(j, "officer");
	}
	return best;
}

static void
segment_json(struct vb *v, const struct seg *s, json_t *segs,
    size_t *found, size_t *okc)
{
	struct ent *e = ent_find(v, s->index);
	const char *verdict = "ok", *path = NULL, *start, *officer;
	char why[512];
	json_t *o, *media;
	int r;

	why[0] = '\0';
	if ((o = json_object()) == NULL) {
		v->nomem = 1;
		return;
	}
	setk(v, o, "index", json_integer((json_int_t)s->index));
	if (e == NULL || e->j == NULL) {
		verdict = "missing";
		snprintf(why, sizeof(why), "entries/%" PRIu64 ".json %s",
		    s->index, e == NULL ? "is missing" : "is not readable");
		check(v, "segments.present", 0, (int64_t)s->index, NULL,
		    "segment %" PRIu64 " (linked to %s): its entry is missing",
		    s->index, v->inspection);
		setk(v, o, "object", jstr(s->object));
	} else {
		setk(v, o, "object", jstr(sget(e->j, "object")));
		r = media_one(v, e, why, sizeof(why), &path);
		if (r < 0)
			verdict = "missing";
		else if (r == 0 || !e->proven || !e->index_ok ||
		    strcmp(e->type, "segment.sealed") != 0) {
			verdict = "altered";
			if (r != 0 && !e->proven)
				snprintf(why, sizeof(why), "entry %" PRIu64
				    " is not proven in the signed tree",
				    e->index);
			else if (r != 0)
				snprintf(why, sizeof(why), "entry %" PRIu64
				    " is a %s, not a segment.sealed",
				    e->index, e->type);
		}
		(*found) += r >= 0;
		media = json_object_get(e->j, "media");
		/* The container's start, else the file's mtime, as the
		 * timeline and the footage_gap rule read it. */
		start = json_object_get(media, "recorded_start") != NULL ?
		    sget(media, "recorded_start") : sget(e->j, "mtime");
		setk(v, o, "camera", jstr(sget(e->j, "camera")));
		officer = segment_officer(v, e->j, start);
		if (officer[0] != '\0')
			setk(v, o, "officer", jstr(officer));
		if (start[0] != '\0') {
			setk(v, o, "recorded_start", jstr(start));
			setk(v, o, "start_source", json_string(
			    json_object_get(media, "recorded_start") != NULL ?
			    "recorded_start" : "mtime"));
		}
		if (iget(media, "duration_ms") >= 0)
			setk(v, o, "duration_ms",
			    json_integer(iget(media, "duration_ms")));
		setk(v, o, "source", jstr(sget(e->j, "source")));
	}
	if (path != NULL)
		setk(v, o, "path", jstr(path));
	setk(v, o, "verdict", json_string(verdict));
	setk(v, o, "linked", json_boolean(s->linked));
	if (why[0] != '\0')
		setk(v, o, "why", jstr(why));
	(*okc) += strcmp(verdict, "ok") == 0;
	push(v, segs, o);
}

int
vb_check_media_and_segments(struct vb *v)
{
	struct seg *s;
	json_t *segs, *counts;
	size_t n, i, found = 0, okc = 0, mexp = 0, mfound = 0;
	const char *path;
	enum digest_alg alg;
	uint8_t h[DIGEST_LEN];
	char why[512];
	int rc;

	if ((rc = collect_segs(v, &s, &n)) != 0)
		return rc;
	if ((segs = json_array()) == NULL) {
		free(s);
		return CUSTOS_ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		segment_json(v, &s[i], segs, &found, &okc);
	/* Objects sealed by entries that are not linked segments:
	 * documents, and segments named only by a dock session. */
	for (i = 0; i < v->nents; i++) {
		size_t k;

		if (!seals_object(&v->ents[i]))
			continue;
		mexp++;
		if (digest_parse(sget(v->ents[i].j, "object"), &alg, h) == 0 &&
		    bundle_media_find(v->b, h) != NULL)
			mfound++;
		for (k = 0; k < n && s[k].index != v->ents[i].index; k++)
			;
		if (k == n)
			(void)media_one(v, &v->ents[i], why, sizeof(why),
			    &path);
	}
	if (n == 0)
		check(v, "segments.present", 1, -1, NULL, "segments: "
		    "inspection %s has no linked footage", v->inspection);
	else if (okc == n)
		check(v, "segments.present", 1, -1, NULL, "segments: all %zu "
		    "linked segments present and unaltered", n);
	else
		check(v, "segments.present", 0, -1, NULL, "segments: %zu of "
		    "%zu linked segments present and unaltered (%zu found)",
		    okc, n, found);
	media_foreign(v);
	manifest_items(v);
	setk(v, v->report, "segments", segs);
	if ((counts = json_object()) == NULL) {
		free(s);
		return CUSTOS_ERR_NOMEM;
	}
	setk(v, counts, "segments_expected", json_integer((json_int_t)n));
	setk(v, counts, "segments_found", json_integer((json_int_t)found));
	setk(v, counts, "segments_ok", json_integer((json_int_t)okc));
	setk(v, counts, "entries_expected", json_integer((json_int_t)
	    (v->manifest != NULL && json_is_array(json_object_get(
	    v->manifest, "entries")) ? json_array_size(json_object_get(
	    v->manifest, "entries")) : v->nents)));
	setk(v, counts, "entries_found", json_integer((json_int_t)v->nents));
	setk(v, counts, "media_expected", json_integer((json_int_t)mexp));
	setk(v, counts, "media_found", json_integer((json_int_t)mfound));
	setk(v, v->report, "counts", counts);
	free(s);
	return 0;
}

/*
 * Evidence: from the proven entries only.
 */

int
vb_build_evidence(struct vb *v, int proven_only)
{
	const uint8_t **bytes = NULL;
	uint64_t *idx = NULL;
	size_t *len = NULL, n = 0, i, foreign;
	int rc = CUSTOS_ERR_NOMEM;

	if (v->nents > 0 && ((bytes = calloc(v->nents, sizeof(*bytes))) ==
	    NULL || (idx = calloc(v->nents, sizeof(*idx))) == NULL ||
	    (len = calloc(v->nents, sizeof(*len))) == NULL))
		goto out;
	for (i = 0; i < v->nents; i++) {
		if (v->ents[i].j == NULL || !v->ents[i].index_ok ||
		    (proven_only && !v->ents[i].proven))
			continue;
		bytes[n] = v->ents[i].file->data;
		len[n] = v->ents[i].file->len;
		idx[n++] = v->ents[i].index;
	}
	rc = evidence_from_entries(v->inspection, idx, bytes, len, n, &v->ev,
	    &foreign);
	if (rc == 0)
		v->have_ev = 1;
	else if (rc == CUSTOS_ERR_FORMAT)
		rc = 0;
	if (rc != 0 || !proven_only)
		goto out;
	/* Proven entries that serve no role: another inspection's. */
	for (i = 0; i < v->nents; i++)
		if (v->ents[i].proven && v->ents[i].index_ok &&
		    v->ents[i].j != NULL &&
		    evidence_find(&v->ev, v->ents[i].index) == NULL)
			check(v, "entry.foreign", 0, (int64_t)v->ents[i].index,
			    v->ents[i].file->name, "entry %" PRIu64 " (%s%s%s) "
			    "has no role in inspection %s: a foreign entry",
			    v->ents[i].index, v->ents[i].type,
			    json_object_get(v->ents[i].j, "inspection") ?
			    ", inspection " : "", sget(v->ents[i].j,
			    "inspection"), v->inspection);
out:
	free(bytes);
	free(idx);
	free(len);
	return rc;
}
