/*
 * verify_int.h: the bundle verifier's state, shared by verify_bundle.c
 * (the report put together, the text output and the verbs),
 * verify_checks.c and verify_segments.c (the integrity checks: every
 * entry of "checks") and verify_factors.c (findings, timeline, the
 * authenticity factors, the anchor and what is proven), and by no one
 * else.  The report is one
 * object, v->report; each section is a function of its own.
 */
#ifndef CUSTOS_VERIFY_INT_H
#define CUSTOS_VERIFY_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/evidence.h"
#include "custos/tsa.h"
#include "custos/utf8.h"

#include "verify_text.h"

struct bundle;
struct bundle_file;
struct checkpoint;
struct note_verifier;
struct verify_bundle_opts;

/* One file of entries/ with what was found out about it. */
struct ent {
	uint64_t		 index;
	const struct bundle_file *file;
	const struct bundle_file *proof;
	json_t			*j;		/* NULL: not a JSON object */
	const char		*type;		/* "" if none */
	uint8_t			 leaf[DIGEST_LEN];
	int			 index_ok;	/* "index" equals the name */
	int			 proven;	/* proof leads to the root */
	int			 listed;	/* in MANIFEST "entries" */
};

/* One verification: its input, the report being built and the tallies. */
struct vb {
	const struct bundle		*b;
	const struct note_verifier	*v;
	const struct verify_bundle_opts	*o;
	enum vt_lang			 lang;	/* of every sentence */
	enum digest_alg			 alg;
	json_t				*report;
	json_t				*checks;
	int				 failed;
	int				 nomem;
	int				 sys_errno;
	struct checkpoint		*ckpt;	/* parsed, maybe unsigned */
	int				 sig_ok;
	json_t				*manifest;
	char				*inspection;
	struct ent			*ents;	/* ascending by index */
	size_t				 nents;
	struct tsa_info			 tsa;
	int				 ts_present, ts_checked, ts_ok;
	struct evidence			 ev;
	int				 have_ev;
	/* Integrity tallies for the factors. */
	size_t				 media_ok, media_checked;
	size_t				 roots_ok, roots_checked;
	size_t				 proofs_ok;
	size_t				 chain_len;
	int				 chain_ok;
	int				 chain_closed;
	int				 findings_ok;	/* computed */
	const char			*chain_first, *chain_last;
};

/*
 * Small helpers, used by all four files (inline: no symbol of their
 * own).
 */

static inline void
setk(struct vb *v, json_t *o, const char *key, json_t *val)
{
	if (val == NULL || json_object_set_new(o, key, val) != 0)
		v->nomem = 1;
}

static inline void
push(struct vb *v, json_t *a, json_t *val)
{
	if (val == NULL || json_array_append_new(a, val) != 0)
		v->nomem = 1;
}

/* A json string of s, which may come from the bundle: made valid UTF-8. */
static inline json_t *
jstr(const char *s)
{
	char *fixed;
	json_t *j;
	int valid;

	if (s == NULL)
		s = "";
	if ((j = json_string(s)) != NULL)
		return j;
	if (utf8_lossy(s, strlen(s), &fixed, &valid) != 0)
		return NULL;
	j = json_string(fixed);
	free(fixed);
	return j;
}

static inline const char *
sget(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* An integer field that is a non-negative index, or -1. */
static inline int64_t
iget(const json_t *o, const char *key)
{
	json_t *j = json_object_get(o, key);

	if (!json_is_integer(j) || json_integer_value(j) < 0)
		return -1;
	return (int64_t)json_integer_value(j);
}

/* Message m of the report's language (verify_text.h). */
static inline const char *
tr(const struct vb *v, enum vt_msg m)
{
	return verify_text_get(v->lang, m);
}

/* The types that start an inspection's chain. */
static inline int
is_start(const char *type)
{
	return strcmp(type, ENTRY_INSPECTION_REGISTERED) == 0 ||
	    strcmp(type, ENTRY_INSPECTION_EMERGENCY) == 0;
}

/*
 * Records one check in v->checks: a stable id, whether it holds (a
 * failed one sets v->failed), and the line the reviewer reads, formatted
 * from fmt.  index < 0 and path NULL leave them out.
 */
void	 vb_check(struct vb *v, const char *id, int ok, int64_t index,
	    const char *path, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));

/* Pushes the sentence formatted from fmt onto the array a. */
void	 vb_say(struct vb *v, json_t *a, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * The proven dock.session whose inventory lists segment index (the one
 * that sealed it first), or NULL.
 */
const struct evidence_entry *vb_session_of(struct vb *v, uint64_t index);

/* The entry of v->ents with index, or NULL. */
struct ent *vb_ent_find(struct vb *v, uint64_t index);

/*
 * The integrity checks (verify_checks.c, verify_segments.c), in the
 * order verify_bundle_report() runs them.  Each adds its entries to v->checks
 * (a failed one sets v->failed) and its section to v->report; running out
 * of memory while adding sets v->nomem.
 */

/* Checks the bundle's layout: the problems bundle_read() found. */
void	 vb_check_layout(struct vb *v);

/* Reads and checks MANIFEST.json into v->manifest (NULL if unusable). */
void	 vb_load_manifest(struct vb *v);

/*
 * Checks station.vkey and the checkpoint's signature and body against the
 * reviewer's key, sets v->sig_ok and v->ckpt (NULL if unreadable) and adds
 * the "key" section.
 */
void	 vb_check_checkpoint(struct vb *v);

/*
 * Checks checkpoint.tsr against the checkpoint and --tsa-ca and adds the
 * "timestamp" section.  When the --tsa-ca file cannot be read it sets
 * v->sys_errno and adds nothing.
 */
void	 vb_check_timestamp(struct vb *v);

/*
 * With --witness keys (v->o->witnesses): checks the checkpoint's
 * cosignatures against the reviewer's quorum (verify_witness.c) and adds
 * the "witnesses" section; without them, nothing.
 */
void	 vb_check_witnesses(struct vb *v);

/*
 * Collects the entries into v->ents, checks each one's fields and
 * inclusion proof, and MANIFEST's list of entries.  Returns 0, or
 * CUSTOS_ERR_NOMEM or CUSTOS_ERR_CRYPTO.
 */
int	 vb_check_entries(struct vb *v);

/*
 * Sets v->inspection (owned by v): MANIFEST's, else the one a chain start
 * names, else "".  Returns 0 or CUSTOS_ERR_NOMEM.
 */
int	 vb_find_inspection(struct vb *v);

/* Checks the inspection's hash chain and sets v->chain_*. */
void	 vb_check_chain(struct vb *v);

/*
 * Checks every sealed media file, the inspection's linked segments and
 * MANIFEST's items, and adds the "segments" and "counts" sections.
 * Returns 0 or CUSTOS_ERR_NOMEM.
 */
int	 vb_check_media_and_segments(struct vb *v);

/*
 * Builds v->ev (v->have_ev set; evidence_free() it) from the well-formed
 * entries, only the proven ones if proven_only, and then checks that each
 * proven entry serves the inspection.  Returns 0 (also when the entries
 * make no evidence), or CUSTOS_ERR_NOMEM.
 */
int	 vb_build_evidence(struct vb *v, int proven_only);

/*
 * What the proven entries say (verify_factors.c), after the checks.
 */

/*
 * Adds the "findings", "timeline" and, if any, "notes" sections, from
 * v->ev and the bundle's calendar files.  Returns 0 or CUSTOS_ERR_NOMEM.
 */
int	 vb_findings_and_timeline(struct vb *v);

/* Adds the "officers", "factors" and "anchor" sections. */
void	 vb_factors(struct vb *v);

/*
 * A clip bundle (verify_clip.c, docs/bundle.md "Clips").  vb_is_clip():
 * MANIFEST has "clip" or the bundle holds clips/.  vb_clip_segment(): the
 * clipped segment's index, or -1.  vb_clip_check(): the checks clip.proof
 * and clip.packets of the clip of segment e and the report's "clip";
 * returns as the media check does: 1 proven, 0 altered, 2 not decided,
 * -1 no clip; why gets the reason, *path the clip's name.
 */
int	 vb_is_clip(const struct vb *v);
int64_t	 vb_clip_segment(const struct vb *v);
int	 vb_clip_check(struct vb *v, const struct ent *e, char *why,
	    size_t whysz, const char **path);
/* The "what is proven" sentence of a proven clip bundle, when. */
void	 vb_clip_proven(struct vb *v, const char *when, char *buf,
	    size_t len);

/* Adds "proven": what is proven, in one sentence, from the checks. */
void	 vb_proven_sentence(struct vb *v);

/*
 * What a court asks of audio-video evidence (verify_court.c), from the
 * proven entries: adds each segment's device, review, clock drift and
 * corrected start, the "enterprise", "purpose", "art12" and "procedure"
 * sections.  Runs after the findings.
 */
void	 vb_court(struct vb *v);

#endif
