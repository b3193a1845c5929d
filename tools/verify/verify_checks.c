/*
 * verify_checks: the bundle verifier's integrity checks (verify_int.h,
 * docs/bundle.md) of the bundle as a signed log: layout and manifest, key
 * and checkpoint, timestamp, entries and their inclusion proofs.  What
 * the proven entries show about the inspection (its chain, media and
 * segments, the evidence) is checked in verify_segments.c.  Every check
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
#include "custos/note_cosig.h"
#include "custos/probe.h"
#include "custos/rfc3339.h"
#include "custos/tsa.h"

#include "verify_bundle.h"
#include "verify_int.h"
#include "verify_util.h"

/*
 * Small helpers.
 */

void
vb_check(struct vb *v, const char *id, int ok, int64_t index, const char *path,
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

struct ent *
vb_ent_find(struct vb *v, uint64_t index)
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
		vb_check(v, "bundle.layout", 0, -1, NULL,
		    tr(v, VT_CK_LAYOUT_BAD), b->problems[i]);
	if (b->nproblems == 0)
		vb_check(v, "bundle.layout", 1, -1, NULL,
		    tr(v, VT_CK_LAYOUT_OK), b->nfiles + b->nmedia +
		    b->ntranscripts, tr(v, b->is_tar ? VT_W_TAR :
		    VT_W_DIRECTORY));
}

void
vb_load_manifest(struct vb *v)
{
	const char *name = bundle_kind_name(BUNDLE_MANIFEST);
	const struct bundle_file *f = bundle_file(v->b, name);
	json_error_t jerr;
	const char *fmt;

	if (f == NULL) {
		vb_check(v, "bundle.manifest", 0, -1, name,
		    tr(v, VT_CK_FILE_MISSING), name);
		return;
	}
	if ((v->manifest = json_loadb((const char *)f->data, f->len,
	    JSON_REJECT_DUPLICATES, &jerr)) == NULL ||
	    !json_is_object(v->manifest)) {
		vb_check(v, "bundle.manifest", 0, -1, name,
		    tr(v, VT_CK_MANIFEST_NOT_OBJECT), name, jerr.line,
		    v->manifest == NULL ? jerr.text : tr(v, VT_W_NOT_OBJECT));
		json_decref(v->manifest);
		v->manifest = NULL;
		return;
	}
	fmt = sget(v->manifest, "format");
	if (strcmp(fmt, BUNDLE_FORMAT) != 0) {
		vb_check(v, "bundle.manifest", 0, -1, name,
		    tr(v, VT_CK_MANIFEST_FORMAT), name, fmt, BUNDLE_FORMAT);
		return;
	}
	vb_check(v, "bundle.manifest", 1, -1, name, tr(v, VT_CK_MANIFEST_OK),
	    name, BUNDLE_FORMAT);
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
	const char *name = bundle_kind_name(BUNDLE_VKEY);
	const struct bundle_file *f = bundle_file(v->b, name);
	struct note_verifier *bv = NULL;
	char given[NOTE_MAX_NAME + 16];
	size_t len;
	int same;

	bname[0] = '\0';
	if (f == NULL) {
		vb_check(v, "key.station_vkey", 0, -1, name,
		    tr(v, VT_CK_FILE_MISSING), name);
		return 0;
	}
	len = f->len;
	if (len > 0 && f->data[len - 1] == '\n')
		len--;
	if (note_verifier_parse((const char *)f->data, len, &bv) != 0) {
		vb_check(v, "key.station_vkey", 0, -1, name,
		    tr(v, VT_CK_VKEY_NOT_KEY), name);
		return 0;
	}
	snprintf(bname, bnamesz, "%s+%08" PRIx32, note_verifier_name(bv),
	    note_verifier_keyid(bv));
	same = note_verifier_keyid(bv) == note_verifier_keyid(v->v) &&
	    strcmp(note_verifier_name(bv), note_verifier_name(v->v)) == 0 &&
	    note_verifier_alg(bv) == note_verifier_alg(v->v);
	note_verifier_free(bv);
	snprintf(given, sizeof(given), "%s+%08" PRIx32,
	    note_verifier_name(v->v), note_verifier_keyid(v->v));
	if (same)
		vb_check(v, "key.station_vkey", 1, -1, name,
		    tr(v, VT_CK_VKEY_SAME), name, bname);
	else
		vb_check(v, "key.station_vkey", 0, -1, name,
		    tr(v, VT_CK_VKEY_OTHER), name, bname, given);
	return same;
}

/*
 * Signatures under the given key's name by another key ID, as
 * "name+keyid, ..." in buf (empty if none), each also pushed to arr:
 * the reviewer is told that someone else signs in the station's name,
 * though only the given key is trusted and checked.  Returns how many.
 */
static size_t
other_signers(struct vb *v, const struct note *n, json_t *arr, char *buf,
    size_t bufsz)
{
	const struct note_sig *s;
	char one[NOTE_MAX_NAME + 16];
	size_t i, o = 0, k = 0;

	buf[0] = '\0';
	for (i = 0; n != NULL && i < note_nsigs(n); i++) {
		s = note_sig(n, i);
		if (strcmp(s->name, note_verifier_name(v->v)) != 0 ||
		    s->keyid == note_verifier_keyid(v->v))
			continue;
		snprintf(one, sizeof(one), "%s+%08" PRIx32, s->name, s->keyid);
		push(v, arr, jstr(one));
		if (o < bufsz)
			o += (size_t)snprintf(buf + o, bufsz - o, "%s%s",
			    k > 0 ? ", " : "", one);
		k++;
	}
	return k;
}

static void
key_section(struct vb *v, const struct note *n, int bundle_same,
    const char *bname)
{
	const struct note_sig *s = NULL;
	char given[NOTE_MAX_NAME + 16], text[4096], signers[1024], id[9];
	char others[1024];
	json_t *k, *oth;
	size_t i, nother;

	snprintf(given, sizeof(given), "%s+%08" PRIx32,
	    note_verifier_name(v->v), note_verifier_keyid(v->v));
	if ((k = json_object()) == NULL || (oth = json_array()) == NULL) {
		json_decref(k);
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
	nother = other_signers(v, n, oth, others, sizeof(others));
	setk(v, k, "other_signers", oth);
	if (v->sig_ok) {
		i = (size_t)snprintf(text, sizeof(text), tr(v, VT_KEY_OK),
		    given);
		if (i < sizeof(text) && bundle_same)
			i += (size_t)snprintf(text + i, sizeof(text) - i, "%s",
			    tr(v, VT_KEY_VKEY_SAME));
		else if (i < sizeof(text))
			i += (size_t)snprintf(text + i, sizeof(text) - i,
			    tr(v, VT_KEY_VKEY_DIFF), bname[0] ? bname :
			    tr(v, VT_W_UNREADABLE));
		if (i < sizeof(text) && nother > 0)
			snprintf(text + i, sizeof(text) - i,
			    tr(v, VT_KEY_OTHER_SIG), others, given);
	} else
		snprintf(text, sizeof(text), tr(v, VT_KEY_BAD), given,
		    signers[0] ? signers : tr(v, VT_W_NOBODY),
		    bname[0] ? bname : tr(v, VT_W_NO_READABLE_KEY));
	setk(v, k, "text", jstr(text));
	setk(v, v->report, "key", k);
}

void
vb_check_checkpoint(struct vb *v)
{
	const char *name = bundle_kind_name(BUNDLE_CHECKPOINT);
	const struct bundle_file *f = bundle_file(v->b, name);
	struct note *n = NULL;
	char bname[NOTE_MAX_NAME + 16], signers[1024], root[DIGEST_STRLEN];
	char given[NOTE_MAX_NAME + 16];
	const char *text;
	size_t tlen;
	int same, rc;

	same = station_vkey(v, bname, sizeof(bname));
	if (f == NULL) {
		vb_check(v, "checkpoint.signature", 0, -1, name, "%s",
		    tr(v, VT_CK_CKPT_MISSING));
		key_section(v, NULL, same, bname);
		return;
	}
	if (note_parse((const char *)f->data, f->len, &n) != 0) {
		vb_check(v, "checkpoint.signature", 0, -1, name, "%s",
		    tr(v, VT_CK_CKPT_MALFORMED));
		key_section(v, NULL, same, bname);
		return;
	}
	rc = note_verify(n, v->v);
	v->sig_ok = rc == 0;
	signer_list(n, signers, sizeof(signers));
	snprintf(given, sizeof(given), "%s+%08" PRIx32,
	    note_verifier_name(v->v), note_verifier_keyid(v->v));
	if (rc == 0)
		vb_check(v, "checkpoint.signature", 1, -1, name,
		    tr(v, VT_CK_CKPT_SIG_OK), given);
	else if (rc == CUSTOS_ERR_KEY)
		vb_check(v, "checkpoint.signature", 0, -1, name,
		    tr(v, VT_CK_CKPT_NO_SIG), given,
		    signers[0] ? signers : tr(v, VT_W_NOBODY));
	else
		vb_check(v, "checkpoint.signature", 0, -1, name,
		    tr(v, VT_CK_CKPT_SIG_BAD), given);
	key_section(v, n, same, bname);
	text = note_text(n, &tlen);
	if (ckpt_parse(text, tlen, &v->ckpt) != 0) {
		vb_check(v, "checkpoint.body", 0, -1, name, "%s",
		    tr(v, VT_CK_CKPT_NOT_CKPT));
		note_free(n);
		return;
	}
	note_free(n);
	verify_hash_str(v->alg, v->ckpt->root, root, sizeof(root));
	if (strcmp(v->ckpt->origin, note_verifier_name(v->v)) != 0)
		vb_check(v, "checkpoint.body", 0, -1, name,
		    tr(v, VT_CK_CKPT_ORIGIN), v->ckpt->origin,
		    note_verifier_name(v->v));
	else
		vb_check(v, "checkpoint.body", 1, -1, name,
		    tr(v, VT_CK_CKPT_OK), v->ckpt->origin, v->ckpt->size,
		    root);
}

/*
 * Timestamp.
 */

/*
 * The token is over the note as the station signed it: witnesses append
 * their cosignature lines later (docs/bundle.md), so the lines of other
 * keys are left out before the check.  A note the key does not sign is
 * checked as it is, and the token then fails on it.
 */
static int
check_token(struct vb *v, const struct bundle_file *tsr,
    const struct bundle_file *cp, char *why, size_t whylen)
{
	char *own;
	size_t ownlen;
	int rc;

	if (note_cosig_station((const char *)cp->data, cp->len, v->v, &own,
	    &ownlen) != 0)
		return tsa_verify(tsr->data, tsr->len, cp->data, cp->len,
		    v->o->tsa_ca, NULL, &v->tsa, why, whylen);
	rc = tsa_verify(tsr->data, tsr->len, own, ownlen, v->o->tsa_ca, NULL,
	    &v->tsa, why, whylen);
	free(own);
	return rc;
}

void
vb_check_timestamp(struct vb *v)
{
	const char *name = bundle_kind_name(BUNDLE_TSR);
	const struct bundle_file *tsr = bundle_file(v->b, name);
	const struct bundle_file *cp = bundle_file(v->b,
	    bundle_kind_name(BUNDLE_CHECKPOINT));
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
		snprintf(text, sizeof(text), tr(v, VT_TS_NONE), name);
		vb_check(v, "timestamp.token", v->o->allow_untimestamped, -1,
		    name, "%s%s", text,
		    v->o->allow_untimestamped ? tr(v, VT_TS_ACCEPTED) : "");
	} else if (cp == NULL) {
		(void)tsa_parse(tsr->data, tsr->len, &v->tsa);
		snprintf(text, sizeof(text), "%s", tr(v, VT_TS_NO_CKPT));
		vb_check(v, "timestamp.token", 0, -1, name, "%s",
		    text);
	} else if (v->o->tsa_ca == NULL) {
		rc = tsa_parse(tsr->data, tsr->len, &v->tsa);
		snprintf(text, sizeof(text), tr(v, VT_TS_NO_CA), rc == 0 ?
		    v->tsa.time : tr(v, VT_W_NOTHING_READABLE), rc == 0 &&
		    v->tsa.tsa[0] ? v->tsa.tsa : tr(v, VT_W_UNNAMED_TSA));
		vb_check(v, "timestamp.token", 0, -1, name, "%s",
		    text);
	} else {
		v->ts_checked = 1;
		rc = check_token(v, tsr, cp, why, sizeof(why));
		if (rc == CUSTOS_ERR_SYSTEM) {
			v->sys_errno = errno;
			json_decref(t);
			return;
		}
		v->ts_ok = rc == 0;
		if (rc == 0)
			snprintf(text, sizeof(text), tr(v, VT_TS_OK),
			    v->tsa.tsa[0] ? v->tsa.tsa : tr(v, VT_W_THE_TSA),
			    v->tsa.time, v->tsa.serial, v->tsa.policy);
		else if (rc == CUSTOS_ERR_FORMAT)
			snprintf(text, sizeof(text), tr(v, VT_TS_NOT_GRANTED),
			    name, why[0] ? ": " : "", why);
		else
			snprintf(text, sizeof(text), tr(v, VT_TS_BAD),
			    why[0] ? why : custos_strerror(rc));
		vb_check(v, "timestamp.token", v->ts_ok, -1, name, "%s",
		    text);
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
		    (e = vb_ent_find(v, b->files[i].index)) != NULL &&
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
		vb_check(v, "entry.format", 0, (int64_t)e->index, e->file->name,
		    tr(v, VT_EN_NOT_JSON), e->index, e->file->name);
		return 0;
	}
	e->j = j;
	e->type = sget(j, "type");
	if (iget(j, "index") != (int64_t)e->index)
		vb_check(v, "entry.index", 0, (int64_t)e->index, e->file->name,
		    tr(v, VT_EN_INDEX), e->index, (long long)iget(j, "index"),
		    e->index);
	else
		e->index_ok = 1;
	if (v->ckpt != NULL &&
	    strcmp(sget(j, "station"), v->ckpt->origin) != 0)
		vb_check(v, "entry.station", 0, (int64_t)e->index,
		    e->file->name, tr(v, VT_EN_STATION), e->index,
		    sget(j, "station"), v->ckpt->origin);
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
		vb_check(v, "entry.proof", 0, (int64_t)e->index, e->file->name,
		    tr(v, VT_EN_PROOF_MISSING), e->index, e->index);
		return;
	}
	if (e->index >= v->ckpt->size) {
		vb_check(v, "entry.proof", 0, (int64_t)e->index, e->file->name,
		    tr(v, VT_EN_PROOF_RANGE), e->index, v->ckpt->size);
		return;
	}
	if (merkle_proof_parse((const char *)e->proof->data, e->proof->len,
	    proof, MERKLE_MAX_PROOF, &n) != 0) {
		vb_check(v, "entry.proof", 0, (int64_t)e->index, e->proof->name,
		    tr(v, VT_EN_PROOF_FORMAT), e->index, e->proof->name);
		return;
	}
	if (merkle_verify_inclusion(v->alg, e->index, v->ckpt->size, e->leaf,
	    (const uint8_t (*)[DIGEST_LEN])proof, n, v->ckpt->root) != 0) {
		vb_check(v, "entry.proof", 0, (int64_t)e->index, e->file->name,
		    tr(v, VT_EN_PROOF_BAD), e->index, e->type);
		return;
	}
	e->proven = 1;
	v->proofs_ok++;
}

/* Entries MANIFEST lists: each must be here, and each here listed. */
static void
manifest_entries(struct vb *v)
{
	const char *name = bundle_kind_name(BUNDLE_MANIFEST);
	json_t *list = json_object_get(v->manifest, "entries"), *it;
	struct ent *e;
	int64_t idx;
	size_t i;

	if (v->manifest == NULL)
		return;
	if (!json_is_array(list)) {
		vb_check(v, "bundle.manifest", 0, -1, name,
		    tr(v, VT_MF_NO_ENTRIES), name);
		return;
	}
	json_array_foreach(list, i, it) {
		if ((idx = iget(it, "index")) < 0) {
			vb_check(v, "bundle.manifest", 0, -1, name,
			    tr(v, VT_MF_ENTRY_NO_INDEX), name, i);
			continue;
		}
		if ((e = vb_ent_find(v, (uint64_t)idx)) == NULL) {
			vb_check(v, "entry.present", 0, idx, NULL,
			    tr(v, VT_EN_LISTED_MISSING), (long long)idx,
			    sget(it, "type"), sget(it, "role"),
			    (long long)idx);
			continue;
		}
		e->listed = 1;
	}
	for (i = 0; i < v->nents; i++)
		if (!v->ents[i].listed)
			vb_check(v, "entry.foreign", 0,
			    (int64_t)v->ents[i].index,
			    v->ents[i].file->name,
			    tr(v, VT_EN_FOREIGN_UNLISTED), v->ents[i].index,
			    v->ents[i].type);
}

int
vb_check_entries(struct vb *v)
{
	size_t i;
	int rc;

	if ((rc = collect_entries(v)) != 0)
		return rc;
	if (v->nents == 0) {
		vb_check(v, "entry.proof", 0, -1, NULL, "%s",
		    tr(v, VT_EN_NONE));
		return 0;
	}
	for (i = 0; i < v->nents; i++)
		if ((rc = entry_fields(v, &v->ents[i])) != 0)
			return rc;
	for (i = 0; i < v->nents; i++)
		entry_proof(v, &v->ents[i]);
	if (v->ckpt == NULL)
		vb_check(v, "entry.proof", 0, -1, NULL, "%s",
		    tr(v, VT_EN_NO_CKPT));
	else if (v->proofs_ok == v->nents)
		vb_check(v, "entry.proof", 1, -1, NULL, tr(v, VT_EN_ALL),
		    v->nents, v->ckpt->size);
	manifest_entries(v);
	return 0;
}

