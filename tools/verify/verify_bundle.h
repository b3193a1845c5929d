/*
 * verify_bundle: custos-verify's "bundle" and "timeline" verbs
 * (docs/bundle.md, "Verification report").
 *
 * The verification itself, verify_bundle_report(), takes a bundle already
 * read (bundle.h) and the reviewer's key and builds the report object
 * (format custos-verify-report@1) that the text, JSON and HTML outputs
 * all print; it does no I/O, so the fuzz target runs it on any bundle.
 */
#ifndef CUSTOS_VERIFY_BUNDLE_H
#define CUSTOS_VERIFY_BUNDLE_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "verify_text.h"

struct bundle;
struct note_verifier;
struct verify_witnesses;

/* The media child's role flag: "custos-verify --media-child sha256". */
#define VERIFY_MEDIA_CHILD	"--media-child"

struct verify_bundle_opts {
	const char	*path;		/* the bundle as given, for the report */
	const char	*tsa_ca;	/* PEM file of TSA CAs, or NULL */
	int		 allow_untimestamped;
	int		 strict;
	/* Packet roots were recomputed by the media child (bundle.h). */
	int		 probed;
	/* The language of the report's sentences (--lang). */
	enum vt_lang	 lang;
	/* --witness keys and --witness-quorum, or NULL (verify_witness.h). */
	const struct verify_witnesses *witnesses;
};

/*
 * Verifies bundle b against the verifier key v and builds the report in
 * *report (the caller owns the reference): every check, the key and
 * timestamp sections, per-segment verdicts, counts, the authenticity
 * factors, findings, timeline and what is proven.  Returns 0 whatever the
 * verdict (it is "verdict" in the report), CUSTOS_ERR_NOMEM, or
 * CUSTOS_ERR_SYSTEM when the --tsa-ca file cannot be read (errno set).
 */
int	 verify_bundle_report(const struct bundle *b,
	    const struct note_verifier *v,
	    const struct verify_bundle_opts *o, json_t **report);

/*
 * Prints report as the reviewer's text: one line per check with ✔ or ✘,
 * the key and timestamp, the segments, the factors, the findings and the
 * sentence of what is proven.
 */
void	 verify_bundle_print(FILE *f, const json_t *report);

/*
 * The verbs: argv[0] is the verb's name; neither returns.  bundle exits 0
 * proven, 1 not proven (or findings under --strict), 2 usage or
 * unreadable input.  timeline displays, it does not judge: with --key it
 * shows only the entries proven in the signed tree, without it every
 * well-formed entry, and says which; exit 0 once printed, 1 when no
 * timeline can be built, 2 usage or unreadable input.
 */
void	 verify_bundle_main(int argc, char **argv) __attribute__((noreturn));
void	 verify_timeline_main(int argc, char **argv)
	    __attribute__((noreturn));

#endif
