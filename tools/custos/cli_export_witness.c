/*
 * cli_export_witness: the witnesses' cosignatures in an export's
 * checkpoint (cli_export_int.h).  The daemon stores each witness's
 * cosignature line of a checkpoint (daemon/witness.c, the log's
 * cosignatures table); an export with [witness NAME] sections in the
 * config waits for those of the checkpoint it uses (cli_export.c), checks
 * them again with the configured witness keys, and appends them to the
 * bundle's checkpoint note after the station's signature.  The note stays
 * one a verifier of the station key accepts (signed-note verifiers ignore
 * lines of other keys), and the RFC 3161 token stays over the note as the
 * station signed it (docs/bundle.md).
 */
#include <err.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custos/config.h"
#include "custos/cosig.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/note.h"
#include "custos/note_cosig.h"
#include "custos/util.h"
#include "cli_export_int.h"

#define KEYFILE_MAX	4096

/* The stored cosignature of witness name among cs, or NULL. */
static const struct log_cosig *
find(const struct log_cosig *cs, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(cs[i].witness, name) == 0)
			return &cs[i];
	return NULL;
}

int
cli_export_cosig_missing(struct export *x, uint64_t size, char *missing,
    size_t missinglen)
{
	const struct config *cfg = x->cfg;
	struct log_cosig *cs;
	size_t n, i, o = 0;
	int rc, count = 0;

	missing[0] = '\0';
	if (cfg->nwitness == 0)
		return 0;
	if ((rc = log_cosig_list(x->log, size, &cs, &n)) != 0) {
		warnx("cannot read the cosignatures of checkpoint %" PRIu64
		    ": %s", size, custos_strerror(rc));
		return -1;
	}
	for (i = 0; i < cfg->nwitness; i++) {
		if (find(cs, n, cfg->witness[i].name) != NULL)
			continue;
		count++;
		if (o < missinglen)
			o += (size_t)snprintf(missing + o, missinglen - o,
			    "%s%s", o > 0 ? ", " : "", cfg->witness[i].name);
	}
	log_cosig_free(cs, n);
	return count;
}

/* Reads the verifier key of witness w: 0 and *v, or 1 (reported). */
static int
load_key(const struct config_witness *w, struct cosig_verifier **v)
{
	char *s;
	size_t len;
	int rc;

	*v = NULL;
	if ((rc = util_read_file(w->key, KEYFILE_MAX, &s, &len)) != 0) {
		if (rc == CUSTOS_ERR_SYSTEM)
			warn("[witness %s] key %s", w->name, w->key);
		else
			warnx("[witness %s] key %s: %s", w->name, w->key,
			    custos_strerror(rc));
		return 1;
	}
	if (len > 0 && s[len - 1] == '\n')
		len--;
	rc = cosig_verifier_parse(s, len, v);
	free(s);
	if (rc != 0) {
		warnx("[witness %s] key %s: not a cosignature/v1 verifier key: "
		    "%s", w->name, w->key, custos_strerror(rc));
		return 1;
	}
	return 0;
}

/*
 * Checks the stored line c of witness w over the note's text: 0, or 1
 * (reported: a stored line that does not verify is a damaged database).
 */
static int
check_line(struct export *x, const struct config_witness *w,
    const struct log_cosig *c, const char *text, size_t tlen)
{
	struct cosig_verifier *v;
	int rc;

	if (load_key(w, &v) != 0)
		return 1;
	rc = cosig_verify_line(v, text, tlen, c->line, c->linelen, NULL);
	cosig_verifier_free(v);
	if (rc != 0) {
		warnx("the stored cosignature of witness %s over checkpoint %"
		    PRIu64 " does not verify with %s: %s", w->name, x->size,
		    w->key, custos_strerror(rc));
		return 1;
	}
	return 0;
}

int
cli_export_cosig_append(struct export *x)
{
	const struct config *cfg = x->cfg;
	const struct log_cosig *c;
	struct log_cosig *cs = NULL;
	struct note *n = NULL;
	const char **lines = NULL, *text;
	size_t ncs = 0, *lens = NULL, k = 0, i, tlen, o = 0, nlen;
	char *note;
	int rc, ret = 1;

	x->cosigned_by[0] = '\0';
	if (cfg->nwitness == 0)
		return 0;
	if ((rc = log_cosig_list(x->log, x->size, &cs, &ncs)) != 0 ||
	    (rc = note_parse(x->note, x->notelen, &n)) != 0) {
		warnx("cannot read the cosignatures of checkpoint %" PRIu64
		    ": %s", x->size, custos_strerror(rc));
		goto out;
	}
	text = note_text(n, &tlen);
	if ((lines = calloc(cfg->nwitness, sizeof(*lines))) == NULL ||
	    (lens = calloc(cfg->nwitness, sizeof(*lens))) == NULL)
		errx(1, "out of memory");
	/* Only the configured witnesses' lines, each checked again. */
	for (i = 0; i < cfg->nwitness; i++) {
		if ((c = find(cs, ncs, cfg->witness[i].name)) == NULL)
			continue;
		if (check_line(x, &cfg->witness[i], c, text, tlen) != 0)
			goto out;
		lines[k] = c->line;
		lens[k++] = c->linelen;
		if (o < sizeof(x->cosigned_by))
			o += (size_t)snprintf(x->cosigned_by + o,
			    sizeof(x->cosigned_by) - o, "%s%s", o > 0 ?
			    ", " : "", c->witness);
	}
	if (k > 0) {
		if ((rc = note_cosig_append(x->note, x->notelen, lines, lens,
		    k, &note, &nlen)) != 0) {
			warnx("cannot append the cosignatures to checkpoint %"
			    PRIu64 ": %s", x->size, custos_strerror(rc));
			goto out;
		}
		free(x->note);
		x->note = note;
		x->notelen = nlen;
	}
	ret = 0;
out:
	note_free(n);
	free(lines);
	free(lens);
	log_cosig_free(cs, ncs);
	return ret;
}
