/*
 * web_inspection_proof: each segment's inclusion proof on the inspection
 * page, checked when the page is made: the entry's bytes are read and
 * hashed again, the proof is built from the stored tree (O(log n) stored
 * nodes, log_prove_inclusion()) and verified against the root of the
 * latest checkpoint whose signature the station's verifier accepts.  A
 * log whose stored entry, tree or checkpoint was altered gives ✘.  Also
 * the page's facts and the reviewer's forms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/ckpt.h"
#include "custos/config.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "daemon/station.h"
#include "web_inspection.h"
#include "web_int.h"
#include "web_view.h"

struct web_proofs {
	struct log		*log;
	enum digest_alg		 alg;
	struct checkpoint	*ck;	/* NULL: none that verifies */
};

int
web_proofs_new(struct station *st, struct web_proofs **out)
{
	struct web_proofs *p;
	uint64_t size;
	char *note;
	size_t len;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return CUSTOS_ERR_NOMEM;
	p->log = st->log;
	p->alg = st->cfg->digest_alg;
	if (log_checkpoint_latest(st->log, &size, &note, &len) == 0) {
		if (ckpt_open(note, len, st->verifier, &p->ck) != 0 ||
		    p->ck->size != size) {
			ckpt_free(p->ck);
			p->ck = NULL;
		}
		free(note);
	}
	*out = p;
	return 0;
}

void
web_proofs_free(struct web_proofs *p)
{
	if (p == NULL)
		return;
	ckpt_free(p->ck);
	free(p);
}

int
web_proof_check(struct web_proofs *p, uint64_t index)
{
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN], leaf[DIGEST_LEN];
	uint8_t *data;
	size_t len, n;
	int rc;

	if (p == NULL || p->ck == NULL || index >= p->ck->size)
		return -1;
	if (log_entry(p->log, index, &data, &len) != 0)
		return 0;
	rc = merkle_leaf_hash(p->alg, data, len, leaf);
	free(data);
	if (rc != 0 || log_prove_inclusion(p->log, index, p->ck->size, proof,
	    &n) != 0)
		return 0;
	return merkle_verify_inclusion(p->alg, index, p->ck->size, leaf,
	    (const uint8_t (*)[DIGEST_LEN])proof, n, p->ck->root) == 0;
}

void
web_proof_caption(struct web_buf *b, const struct web_req *req,
    const struct web_proofs *p)
{
	if (p == NULL || p->ck == NULL) {
		web_html(b, WEB_S(req, S_NO_CHECKPOINT));
		return;
	}
	web_htmlf(b, "%s: %llu", WEB_S(req, S_PL_CHECKPOINT),
	    (unsigned long long)p->ck->size);
}

static void
fact(struct web_buf *b, const struct web_req *req, enum web_str_id dt,
    const json_t *v, int is_time)
{
	const json_t *x;
	size_t i;

	if (v == NULL)
		return;
	web_buf_printf(b, "<dt>%s</dt><dd>", WEB_S(req, dt));
	if (json_is_array(v))
		json_array_foreach(v, i, x) {
			if (i > 0)
				web_buf_printf(b, ", ");
			web_html(b, json_string_value(x) != NULL ?
			    json_string_value(x) : "");
		}
	else if (json_is_string(v) && is_time)
		web_view_time(b, req, json_string_value(v));
	else if (json_is_string(v))
		web_html(b, json_string_value(v));
	else if (json_is_boolean(v))
		web_html(b, WEB_S(req, json_is_true(v) ? S_PL_YES : S_PL_NO));
	web_buf_printf(b, "</dd>\n");
}

void
web_inspection_facts(struct web_buf *b, const struct web_req *req,
    const json_t *info)
{
	static const struct {
		const char		*key;
		enum web_str_id		 dt;
		int			 is_time;
	} facts[] = {
		{ "enterprise", S_PF_ENTERPRISE, 0 },
		{ "officers", S_PF_OFFICERS, 0 }, { "state", S_PF_STATE, 0 },
		{ "basis", S_PF_BASIS, 0 }, { "content", S_PF_CONTENT, 0 },
		{ "entered_at", S_PF_ENTERED, 1 }, { "left_at", S_PF_LEFT, 1 },
		{ "emergency", S_PF_EMERGENCY, 0 },
		{ "backfill_due", S_PF_BACKFILL_DUE, 1 },
		{ "overdue", S_PF_OVERDUE, 0 },
	};
	size_t i;

	web_buf_printf(b, "<dl class=\"facts\" id=\"facts\">\n");
	for (i = 0; i < sizeof(facts) / sizeof(facts[0]); i++)
		fact(b, req, facts[i].dt, json_object_get(info, facts[i].key),
		    facts[i].is_time);
	web_buf_printf(b, "</dl>\n");
}

static void
action(struct web_buf *b, const struct web_req *req, const char *id,
    const char *what)
{
	web_buf_printf(b, "<form id=\"%s\" method=\"post\" action=\"", what);
	web_htmlf(b, "/inspections/%s/%s", id, what);
	web_buf_printf(b, "\">\n");
	web_csrf_input(b, req);
}

void
web_inspection_forms(struct web_buf *b, const struct web_req *req,
    const char *id)
{
	if ((req->roles & (1u << CONFIG_ROLE_REVIEWER)) == 0)
		return;
	web_buf_printf(b, "<section id=\"actions\"><h2>%s</h2>\n",
	    WEB_S(req, S_PL_EXPORT));
	action(b, req, id, "export");
	web_buf_printf(b, "<label>%s <input name=\"purpose\" required "
	    "maxlength=\"500\"></label>\n<button type=\"submit\">%s</button>"
	    "\n</form>\n<h2>%s</h2>\n", WEB_S(req, S_PL_PURPOSE),
	    WEB_S(req, S_SUBMIT_EXPORT), WEB_S(req, S_PL_CLIP));
	action(b, req, id, "clip");
	web_buf_printf(b, "<label>%s <input name=\"segment\" required "
	    "inputmode=\"numeric\" pattern=\"[0-9]+\"></label>\n"
	    "<label>%s <input name=\"from\" required></label>\n"
	    "<label>%s <input name=\"to\" required></label>\n"
	    "<label>%s <input name=\"purpose\" required maxlength=\"500\">"
	    "</label>\n<button type=\"submit\">%s</button>\n</form>\n"
	    "</section>\n", WEB_S(req, S_CLIP_SEGMENT),
	    WEB_S(req, S_CLIP_FROM), WEB_S(req, S_CLIP_TO),
	    WEB_S(req, S_PL_PURPOSE), WEB_S(req, S_SUBMIT_CLIP));
}
