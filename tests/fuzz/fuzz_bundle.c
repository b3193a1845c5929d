/*
 * libFuzzer target for the bundle reader and everything the verifier
 * parses from a bundle: the input is a tar (libarchive's tar reader,
 * member names, links, sizes, truncation), and what it yields goes
 * through verify_bundle_report(): MANIFEST.json, the checkpoint note,
 * checkpoint.tsr (parsed, not verified: no --tsa-ca), every entry and
 * proof, the chain, segments, calendar files, findings and timeline.
 *
 * The key is the bundle's own station.vkey when it parses, so that the
 * paths behind a valid signature are reachable, else a fixed one.  The
 * media child is not started (no packet roots): it has its own target,
 * fuzz_probe.
 *
 * Seeds (tests/fuzz/corpus/bundle): a real exported bundle, a bundle
 * without media, and tars with refused members.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "custos/bundle.h"
#include "custos/note.h"
#include "tools/verify/verify_bundle.h"
#include "fuzz_util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed_key[] =
    "e2e.example/station+11731875+AS8zV/8m0OWAd58KPlNltGrEgrD0MR1l39xJiaxsYbMY";

static struct note_verifier *
key_of(const struct bundle *b)
{
	const struct bundle_file *f = bundle_file(b, "station.vkey");
	struct note_verifier *v = NULL;
	size_t len;

	if (f != NULL) {
		len = f->len;
		if (len > 0 && f->data[len - 1] == '\n')
			len--;
		if (note_verifier_parse((const char *)f->data, len, &v) == 0)
			return v;
	}
	if (note_verifier_parse(fixed_key, sizeof(fixed_key) - 1, &v) != 0)
		abort();
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verify_bundle_opts vo;
	struct note_verifier *v;
	struct bundle *b;
	json_t *report;

	if (fuzz_bundle_read("fuzz_bundle", data, size, &b) != 0)
		return 0;
	v = key_of(b);
	memset(&vo, 0, sizeof(vo));
	vo.path = "fuzz.tar";
	if (verify_bundle_report(b, v, &vo, &report) == 0) {
		/* The report must be printable as text and as JSON. */
		FILE *null = fopen("/dev/null", "w");

		if (null != NULL) {
			verify_bundle_print(null, report);
			fclose(null);
		}
		free(json_dumps(report, JSON_COMPACT));
		json_decref(report);
	}
	note_verifier_free(v);
	bundle_free(b);
	return 0;
}
