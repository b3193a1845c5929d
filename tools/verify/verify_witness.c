/*
 * verify_witness: the reviewer's witness policy (verify_witness.h) and
 * the bundle verb's "checkpoint.witnesses" check and "witnesses" section
 * (verify_int.h).  A cosignature line is a witness's when its name and key
 * ID are those of a given key; lines of other keys are ignored, as signed
 * notes require.  Every line of a given key must verify: a bad one fails
 * the check whatever the quorum, since no honest station or witness
 * writes one.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/bundle.h"
#include "custos/cosig.h"
#include "custos/err.h"
#include "custos/note.h"
#include "custos/rfc3339.h"
#include "tools/cli_util.h"

#include "verify_bundle.h"
#include "verify_int.h"
#include "verify_witness.h"

#define WKEY_MAX	4096

void
verify_witness_add(struct verify_witnesses *w, const char *prog,
    const char *path)
{
	char why[1024], *buf;
	size_t len;
	int rc;

	if (w->n == VERIFY_WITNESS_MAX) {
		fprintf(stderr, "%s: more than %d --witness keys\n", prog,
		    VERIFY_WITNESS_MAX);
		cli_exit(CLI_EXIT_USAGE);
	}
	if (cli_read_input("witness key file", path, WKEY_MAX, &buf, &len,
	    why, sizeof(why)) != 0) {
		fprintf(stderr, "%s: %s\n", prog, why);
		cli_exit(CLI_EXIT_USAGE);
	}
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	rc = cosig_verifier_parse(buf, len, &w->keys[w->n]);
	free(buf);
	if (rc != 0) {
		fprintf(stderr, "%s: witness key file %s: not a cosignature/v1 "
		    "verifier key (type 0x04): %s\n", prog, path,
		    custos_strerror(rc));
		cli_exit(CLI_EXIT_USAGE);
	}
	w->n++;
}

void
verify_witness_quorum(struct verify_witnesses *w, const char *prog,
    const char *q)
{
	unsigned long long k;

	if (q == NULL) {
		w->quorum = w->n;
		return;
	}
	if (w->n == 0) {
		fprintf(stderr, "%s: --witness-quorum needs --witness keys\n",
		    prog);
		cli_exit(CLI_EXIT_USAGE);
	}
	if (cli_parse_u64(q, &k) != 0 || k == 0 || k > w->n) {
		fprintf(stderr, "%s: --witness-quorum: expected 1 to %zu (the "
		    "number of --witness keys), got \"%s\"\n", prog, w->n, q);
		cli_exit(CLI_EXIT_USAGE);
	}
	w->quorum = (size_t)k;
}

void
verify_witness_free(struct verify_witnesses *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		cosig_verifier_free(w->keys[i]);
	w->n = 0;
}

size_t
verify_witness_check(const struct verify_witnesses *w, const struct note *n,
    struct verify_cosig *out)
{
	size_t i, valid = 0;
	uint64_t ts;
	int rc;

	for (i = 0; i < w->n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].name = cosig_verifier_name(w->keys[i]);
		snprintf(out[i].key, sizeof(out[i].key), "%s+%08" PRIx32,
		    out[i].name, cosig_verifier_keyid(w->keys[i]));
		rc = cosig_verify_note(n, w->keys[i], &ts);
		if (rc == 0) {
			out[i].state = VERIFY_COSIG_VALID;
			out[i].time = ts;
			valid++;
		} else if (rc == CUSTOS_ERR_KEY)
			out[i].state = VERIFY_COSIG_MISSING;
		else
			out[i].state = VERIFY_COSIG_BAD;
	}
	return valid;
}

/* "w1 cosigned (time), w2 did not cosign" into buf. */
static void
summary(struct vb *v, const struct verify_cosig *c, size_t n, char *buf,
    size_t bufsz, int *bad)
{
	char when[RFC3339_LEN], item[NOTE_MAX_NAME + 128];
	size_t i, o = 0;

	buf[0] = '\0';
	*bad = -1;
	for (i = 0; i < n; i++) {
		if (c[i].state == VERIFY_COSIG_VALID) {
			rfc3339_format((int64_t)c[i].time * 1000, when,
			    sizeof(when));
			snprintf(item, sizeof(item), tr(v, VT_WS_VALID),
			    c[i].key, when);
		} else if (c[i].state == VERIFY_COSIG_MISSING)
			snprintf(item, sizeof(item), tr(v, VT_WS_MISSING),
			    c[i].key);
		else {
			snprintf(item, sizeof(item), tr(v, VT_WS_BAD_ITEM),
			    c[i].key);
			if (*bad < 0)
				*bad = (int)i;
		}
		if (o < bufsz)
			o += (size_t)snprintf(buf + o, bufsz - o, "%s%s",
			    i > 0 ? (v->lang == VT_EN ? ", " : "，") : "",
			    item);
	}
}

/* The "witnesses" section: the policy and each given witness. */
static void
section(struct vb *v, const struct verify_cosig *c, size_t n, size_t valid,
    int ok, const char *text)
{
	char when[RFC3339_LEN];
	static const char *const states[] = { "valid", "missing", "bad" };
	json_t *s, *a, *o;
	size_t i;

	if ((s = json_object()) == NULL || (a = json_array()) == NULL) {
		json_decref(s);
		v->nomem = 1;
		return;
	}
	setk(v, s, "quorum", json_integer((json_int_t)v->o->witnesses->quorum));
	setk(v, s, "given", json_integer((json_int_t)n));
	setk(v, s, "valid", json_integer((json_int_t)valid));
	setk(v, s, "ok", json_boolean(ok));
	for (i = 0; c != NULL && i < n; i++) {
		if ((o = json_object()) == NULL) {
			v->nomem = 1;
			break;
		}
		setk(v, o, "witness", jstr(c[i].name));
		setk(v, o, "key", jstr(c[i].key));
		setk(v, o, "state", json_string(states[c[i].state]));
		setk(v, o, "valid", json_boolean(c[i].state ==
		    VERIFY_COSIG_VALID));
		if (c[i].state == VERIFY_COSIG_VALID) {
			rfc3339_format((int64_t)c[i].time * 1000, when,
			    sizeof(when));
			setk(v, o, "time", json_string(when));
		}
		push(v, a, o);
	}
	setk(v, s, "cosignatures", a);
	setk(v, s, "text", jstr(text));
	setk(v, v->report, "witnesses", s);
}

void
vb_check_witnesses(struct vb *v)
{
	const struct verify_witnesses *w = v->o->witnesses;
	const char *name = bundle_kind_name(BUNDLE_CHECKPOINT);
	const struct bundle_file *f = bundle_file(v->b, name);
	struct verify_cosig c[VERIFY_WITNESS_MAX];
	struct note *n = NULL;
	char list[4096], text[4608];
	size_t valid;
	int bad, ok;

	if (w == NULL || w->n == 0)
		return;
	if (f == NULL || note_parse((const char *)f->data, f->len, &n) != 0) {
		vb_check(v, "checkpoint.witnesses", 0, -1, name, "%s",
		    tr(v, VT_WS_NO_CKPT));
		section(v, NULL, w->n, 0, 0, tr(v, VT_WS_NO_CKPT));
		return;
	}
	valid = verify_witness_check(w, n, c);
	note_free(n);
	summary(v, c, w->n, list, sizeof(list), &bad);
	ok = bad < 0 && valid >= w->quorum;
	if (bad >= 0)
		snprintf(text, sizeof(text), tr(v, VT_WS_BAD), c[bad].key,
		    list);
	else
		snprintf(text, sizeof(text), tr(v, ok ? VT_WS_OK :
		    VT_WS_SHORT), valid, w->n, w->quorum, list);
	vb_check(v, "checkpoint.witnesses", ok, -1, name, "%s", text);
	section(v, c, w->n, valid, ok, text);
}

int
verify_witness_sentence(const struct verify_witnesses *w, const char *note,
    size_t len, char *buf, size_t bufsz, json_t **list)
{
	static const char *const states[] = { "valid", "missing", "bad" };
	struct verify_cosig c[VERIFY_WITNESS_MAX];
	char when[RFC3339_LEN];
	struct note *n = NULL;
	size_t valid, i, o;
	json_t *e;
	int bad = 0;

	*list = json_array();
	if (note_parse(note, len, &n) != 0) {
		snprintf(buf, bufsz, "not a well-formed signed note");
		return 1;
	}
	valid = verify_witness_check(w, n, c);
	note_free(n);
	for (i = 0; i < w->n; i++)
		if (c[i].state == VERIFY_COSIG_BAD)
			bad = 1;
	o = (size_t)snprintf(buf, bufsz, "%s%zu of the %zu given witnesses "
	    "(quorum %zu): ", bad ? "a cosignature does not verify; cosigned "
	    "by " : valid >= w->quorum ? "cosigned by " : "cosigned by only ",
	    valid, w->n, w->quorum);
	for (i = 0; i < w->n; i++) {
		if (c[i].state == VERIFY_COSIG_VALID)
			rfc3339_format((int64_t)c[i].time * 1000, when,
			    sizeof(when));
		if (o < bufsz)
			o += (size_t)snprintf(buf + o, bufsz - o, "%s%s %s%s%s",
			    i > 0 ? ", " : "", c[i].key,
			    c[i].state == VERIFY_COSIG_VALID ? "cosigned at " :
			    c[i].state == VERIFY_COSIG_MISSING ?
			    "did not cosign" : "cosignature BAD",
			    c[i].state == VERIFY_COSIG_VALID ? when : "", "");
		e = json_pack("{s:s, s:s, s:s, s:b}", "witness", c[i].name,
		    "key", c[i].key, "state", states[c[i].state], "valid",
		    c[i].state == VERIFY_COSIG_VALID);
		if (e != NULL && c[i].state == VERIFY_COSIG_VALID)
			json_object_set_new(e, "time", json_string(when));
		json_array_append_new(*list, e);
	}
	return bad || valid < w->quorum;
}
