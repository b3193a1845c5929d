/*
 * verify_bundle: checks an evidence bundle offline and builds the
 * reviewer's report (verify_bundle.h, docs/bundle.md).
 *
 * Every check is one entry of "checks" with a stable id, ok and the line
 * a reviewer reads.  Integrity is decided by the checks alone: any ✘ and
 * the verdict is "not_proven".  Procedure findings (rules.h) come from
 * the same entries but only from those whose inclusion proof holds, so
 * nothing the signed log does not contain feeds the findings, the
 * factors or the timeline.
 *
 * The report is one object built in one place, verify_bundle_report()
 * here; each section is a function of its own, the checks in
 * verify_checks.c and what the proven entries say in verify_factors.c
 * (verify_int.h).  This file also prints the report and holds the verbs.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "custos/bundle.h"
#include "custos/ckpt.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/note.h"
#include "custos/profile.h"
#include "custos/timeline.h"
#include "custos/utf8.h"
#include "custos/util.h"

#include "tools/cli_util.h"
#include "verify_art12.h"
#include "verify_bundle.h"
#include "verify_html.h"
#include "verify_int.h"
#include "verify_timeline.h"
#include "verify_util.h"
#include "verify_witness.h"

#define PROG		"custos-verify"

#define REPORT_FORMAT	"custos-verify-report@1"
/* Per media file: far above any honest demux of a camera file. */
#define MEDIA_TIMEOUT_MS	(10 * 60 * 1000)

/* Frees what a verification holds, all but its report. */
static void
vb_release(struct vb *v)
{
	size_t i;

	json_decref(v->checks);
	json_decref(v->manifest);
	ckpt_free(v->ckpt);
	for (i = 0; i < v->nents; i++)
		json_decref(v->ents[i].j);
	free(v->ents);
	free(v->inspection);
	if (v->have_ev)
		evidence_free(&v->ev);
}

int
verify_bundle_report(const struct bundle *b, const struct note_verifier *nv,
    const struct verify_bundle_opts *o, json_t **report)
{
	struct vb v;
	json_t *r;
	int rc = 0, strict_failed;

	*report = NULL;
	memset(&v, 0, sizeof(v));
	v.b = b;
	v.v = nv;
	v.o = o;
	v.lang = o->lang;
	v.alg = profile_digest(profile_of_sign(note_verifier_alg(nv)));
	if ((v.report = r = json_object()) == NULL ||
	    (v.checks = json_array()) == NULL) {
		json_decref(r);
		return CUSTOS_ERR_NOMEM;
	}
	setk(&v, r, "format", json_string(REPORT_FORMAT));
	setk(&v, r, "lang", json_string(verify_text_code(o->lang)));
	setk(&v, r, "bundle", jstr(o->path));
	setk(&v, r, "bundle_format", json_string(BUNDLE_FORMAT));
	vb_check_layout(&v);
	vb_load_manifest(&v);
	vb_check_checkpoint(&v);
	vb_check_timestamp(&v);
	vb_check_witnesses(&v);
	if (v.sys_errno != 0) {
		rc = CUSTOS_ERR_SYSTEM;
		goto out;
	}
	if ((rc = vb_check_entries(&v)) != 0 ||
	    (rc = vb_find_inspection(&v)) != 0)
		goto out;
	vb_check_chain(&v);
	if ((rc = vb_check_media_and_segments(&v)) != 0 ||
	    (rc = vb_build_evidence(&v, 1)) != 0 ||
	    (rc = vb_findings_and_timeline(&v)) != 0)
		goto out;
	setk(&v, r, "inspection", jstr(v.inspection));
	setk(&v, r, "station", jstr(note_verifier_name(nv)));
	setk(&v, r, "profile", json_string(profile_name(profile_of_sign(
	    note_verifier_alg(nv)))));
	setk(&v, r, "checks", json_incref(v.checks));
	vb_factors(&v);
	vb_court(&v);
	vb_proven_sentence(&v);
	setk(&v, r, "verdict", json_string(v.failed ? "not_proven" :
	    "proven"));
	strict_failed = o->strict &&
	    json_array_size(json_object_get(r, "findings")) > 0;
	setk(&v, r, "strict_failed", json_boolean(strict_failed));
	if (v.nomem)
		rc = CUSTOS_ERR_NOMEM;
out:
	if (rc == CUSTOS_ERR_SYSTEM)
		errno = v.sys_errno;
	vb_release(&v);
	if (rc != 0) {
		json_decref(r);
		return rc;
	}
	*report = r;
	return 0;
}

/*
 * Text output.
 */

/*
 * Writes s with every control character (C0, DEL, C1) as \xNN: the
 * strings come from the bundle, and a hostile one must not drive the
 * reviewer's terminal.  Valid UTF-8 (Chinese names) is kept as it is.
 */
static void
put_safe(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i, len;
	uint32_t cp;

	for (i = 0; i < n; i += len) {
		len = utf8_seq(p + i, n - i, &cp);
		if (len == 0 || cp < 0x20 || cp == 0x7f ||
		    (cp >= 0x80 && cp <= 0x9f) || cp == '\\') {
			fprintf(f, "\\x%02x", p[i]);
			len = 1;
		} else
			fwrite(p + i, 1, len, f);
	}
}

static void
line(FILE *f, const char *prefix, const char *s)
{
	fputs(prefix, f);
	put_safe(f, s);
	fputc('\n', f);
}

/* The report's language: its "lang", Chinese when absent. */
static enum vt_lang
report_lang(const json_t *report)
{
	enum vt_lang l;

	if (verify_text_lang(sget(report, "lang"), &l) != 0)
		l = VT_ZH;
	return l;
}

/* Formats fmt into buf and prints it as one safe line after prefix. */
static void
linef(FILE *f, const char *prefix, char *buf, size_t bufsz,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
linef(FILE *f, const char *prefix, char *buf, size_t bufsz,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, bufsz, fmt, ap);
	va_end(ap);
	line(f, prefix, buf);
}

static const char *
opt(const json_t *o, const char *key)
{
	return json_object_get(o, key) != NULL ? sget(o, key) : "?";
}

/* One segment: verdict and file, device and maker, times. */
static void
print_segment(FILE *f, enum vt_lang l, const json_t *s)
{
	char buf[2048], dev[512], t0[96], t1[96];
	const char *v = sget(s, "verdict"), *kind, *rec;
	int ok = strcmp(v, "ok") == 0;

	/* A disposed segment, or one not in a clip bundle, is neither a
	   pass nor a failure. */
	linef(f, ok ? "  \u2714 " : strcmp(v, "disposed") == 0 ||
	    strcmp(v, "not_included") == 0 ? "  \u2013 " : "  \u2718 ", buf,
	    sizeof(buf),
	    verify_text_get(l, VT_TX_SEG), (long long)iget(s, "index"),
	    verify_text_verdict(l, v), json_object_get(s, "path") ?
	    sget(s, "path") : sget(s, "object"));
	if (json_object_get(s, "why") != NULL)
		line(f, "      ", sget(s, "why"));
	if (json_object_get(s, "camera") == NULL)
		return;
	kind = json_is_false(json_object_get(s, "device_registered")) ?
	    verify_text_get(l, VT_KIND_BODY_DEFAULT) :
	    verify_text_kind(l, opt(s, "device_kind"));
	snprintf(dev, sizeof(dev), "%s%s%s", opt(s, "officer"),
	    json_object_get(s, "officer_name") ? " " : "",
	    sget(s, "officer_name"));
	linef(f, "      ", buf, sizeof(buf), verify_text_get(l, VT_TX_DEVICE),
	    sget(s, "camera"), kind, dev, verify_text_source(l,
	    sget(s, "source")));
	if (json_object_get(s, "review") != NULL)
		linef(f, "      ", buf, sizeof(buf),
		    verify_text_get(l, VT_TX_REVIEW), sget(s, "review"));
	else
		line(f, "      ", verify_text_get(l, VT_TX_NO_REVIEW));
	rec = verify_art12_time(l, opt(s, "recorded_start"), t0, sizeof(t0));
	if (json_object_get(s, "clock_drift_ms") != NULL)
		linef(f, "      ", buf, sizeof(buf),
		    verify_text_get(l, VT_TX_DRIFT), rec,
		    strcmp(sget(s, "start_source"), "mtime") == 0 ?
		    verify_text_get(l, VT_TX_FILE_TIME) : "",
		    (long long)json_integer_value(json_object_get(s,
		    "clock_drift_ms")), (long long)iget(s, "session"),
		    verify_art12_time(l, opt(s, "corrected_start"), t1,
		    sizeof(t1)));
	else
		linef(f, "      ", buf, sizeof(buf),
		    verify_text_get(l, VT_TX_NO_DRIFT), rec,
		    strcmp(sget(s, "start_source"), "mtime") == 0 ?
		    verify_text_get(l, VT_TX_FILE_TIME) : "");
	if (json_is_false(json_object_get(s, "linked")))
		line(f, "      ", verify_text_get(l, VT_TX_UNLINKED));
}

static void
print_segments(FILE *f, enum vt_lang l, const json_t *report)
{
	const json_t *c = json_object_get(report, "counts"), *s;
	char buf[512];
	size_t i;

	fputc('\n', f);
	linef(f, "", buf, sizeof(buf), verify_text_get(l, VT_TX_SEGS),
	    (long long)json_integer_value(json_object_get(c,
	    "segments_expected")), (long long)json_integer_value(
	    json_object_get(c, "segments_found")),
	    (long long)json_integer_value(json_object_get(c, "segments_ok")));
	json_array_foreach(json_object_get(report, "segments"), i, s)
		print_segment(f, l, s);
}

/* The answers to Art. 12, one block a linked segment that is there. */
static void
print_art12(FILE *f, enum vt_lang l, const json_t *report)
{
	const json_t *s;
	char buf[2048];
	size_t i, n = 0;
	int p;

	fprintf(f, "\n%s\n", verify_text_get(l, VT_A12_TITLE));
	json_array_foreach(json_object_get(report, "segments"), i, s) {
		if (json_object_get(s, "camera") == NULL)
			continue;
		n++;
		linef(f, "  ", buf, sizeof(buf), verify_text_get(l,
		    VT_A12_ITEM), (long long)iget(s, "index"),
		    json_object_get(s, "path") != NULL ? sget(s, "path") :
		    opt(s, "object"));
		for (p = 0; p < ART12_NPARTS; p++) {
			fprintf(f, "    %s%s", verify_art12_label(l,
			    (enum art12_part)p), l == VT_ZH ? "：" : ": ");
			verify_art12(l, report, s, (enum art12_part)p, buf,
			    sizeof(buf));
			line(f, "", buf);
		}
	}
	if (n == 0)
		line(f, "  ", verify_text_get(l, VT_A12_NONE));
}

static void
print_factors(FILE *f, enum vt_lang l, const json_t *report)
{
	const json_t *fa, *e;
	size_t i, k;

	fprintf(f, "\n%s\n", verify_text_get(l, VT_TX_FACTORS));
	json_array_foreach(json_object_get(report, "factors"), i, fa) {
		line(f, json_is_true(json_object_get(fa, "ok")) ? "  \u2714 " :
		    "  \u2718 ", sget(fa, "title"));
		json_array_foreach(json_object_get(fa, "evidence"), k, e)
			line(f, "      - ", json_string_value(e) ?
			    json_string_value(e) : "");
	}
}

static void
print_findings(FILE *f, enum vt_lang l, const json_t *report)
{
	const json_t *fi = json_object_get(report, "findings"), *x;
	char buf[2048], detail[1536];
	size_t i;

	fputc('\n', f);
	linef(f, "", buf, sizeof(buf), verify_text_get(l, VT_TX_FINDINGS),
	    json_is_true(json_object_get(report, "strict_failed")) ?
	    verify_text_get(l, VT_TX_STRICT) : "", json_array_size(fi));
	json_array_foreach(fi, i, x)
		linef(f, "  - ", buf, sizeof(buf), "%s [%s]: %s",
		    verify_text_rule(l, sget(x, "rule")), sget(x, "rule"),
		    verify_text_finding(l, x, detail, sizeof(detail)));
	json_array_foreach(json_object_get(report, "notes"), i, x)
		line(f, verify_text_get(l, VT_TX_NOTE),
		    json_string_value(x) ? json_string_value(x) : "");
}

/*
 * The two verdicts, first: integrity (proven or not) and procedure
 * (clean, or each finding that limits the use of the evidence).
 */
static void
print_verdicts(FILE *f, enum vt_lang l, const json_t *report)
{
	const json_t *p = json_object_get(report, "procedure"), *x, *e;
	const json_t *c;
	char buf[1024];
	size_t i, k, nfail = 0;

	json_array_foreach(json_object_get(report, "checks"), i, c)
		nfail += !json_is_true(json_object_get(c, "ok"));
	fprintf(f, "%s", verify_text_get(l, strcmp(sget(report, "verdict"),
	    "proven") == 0 && nfail == 0 ? VT_VI_OK : VT_VI_BAD));
	fprintf(f, verify_text_get(l, VT_VI_CHECKS), (long long)(i - nfail),
	    (long long)i);
	fputc('\n', f);
	line(f, "", p != NULL ? sget(p, "text") : verify_text_get(l,
	    VT_VP_UNKNOWN));
	json_array_foreach(json_object_get(p, "limits"), i, x) {
		int o = snprintf(buf, sizeof(buf), "%s [%s]", sget(x, "label"),
		    sget(x, "rule"));

		json_array_foreach(json_object_get(x, "entries"), k, e)
			if (o > 0 && (size_t)o < sizeof(buf))
				o += snprintf(buf + o, sizeof(buf) - (size_t)o,
				    "%s%lld", k == 0 ? ": #" : ", #",
				    (long long)json_integer_value(e));
		line(f, "    - ", buf);
	}
}

void
verify_bundle_print(FILE *f, const json_t *report)
{
	enum vt_lang l = report_lang(report);
	const json_t *c, *ent = json_object_get(report, "enterprise");
	char buf[1024];
	size_t i;

	print_verdicts(f, l, report);
	fputc('\n', f);
	linef(f, "", buf, sizeof(buf), verify_text_get(l, VT_TX_HEAD),
	    sget(report, "bundle"), sget(report, "inspection"),
	    sget(report, "station"), verify_text_profile(l,
	    sget(report, "profile")));
	if (ent != NULL)
		linef(f, "", buf, sizeof(buf),
		    verify_text_get(l, VT_TX_ENTERPRISE), opt(ent, "name"),
		    sget(ent, "code"));
	if (json_object_get(report, "purpose") != NULL)
		line(f, verify_text_get(l, VT_TX_PURPOSE),
		    sget(report, "purpose"));
	fputc('\n', f);
	line(f, verify_text_get(l, VT_TX_KEY),
	    sget(json_object_get(report, "key"), "text"));
	line(f, verify_text_get(l, VT_TX_TS),
	    sget(json_object_get(report, "timestamp"), "text"));
	if (json_object_get(report, "witnesses") != NULL)
		line(f, verify_text_get(l, VT_WS_LABEL),
		    sget(json_object_get(report, "witnesses"), "text"));
	fprintf(f, "\n%s\n", verify_text_get(l, VT_TX_CHECKS));
	json_array_foreach(json_object_get(report, "checks"), i, c)
		line(f, json_is_true(json_object_get(c, "ok")) ? "  \u2714 " :
		    "  \u2718 ", sget(c, "text"));
	print_segments(f, l, report);
	print_art12(f, l, report);
	print_factors(f, l, report);
	fputc('\n', f);
	line(f, verify_text_get(l, VT_TX_ANCHOR), sget(report, "anchor"));
	print_findings(f, l, report);
	fprintf(f, "\n%s\n", verify_text_get(l, strcmp(sget(report,
	    "verdict"), "proven") == 0 ? VT_TX_VERIFIED : VT_TX_NOT_VERIFIED));
	line(f, "", sget(report, "proven"));
}

/*
 * The verbs.
 */

static const char bundle_usage[] =
    "usage: custos-verify bundle --key VKEYFILE [--tsa-ca PEM] [--json]\n"
    "                     [--html REPORT] [--strict] "
    "[--allow-untimestamped]\n"
    "                     [--witness VKEYFILE ...] [--witness-quorum K]\n"
    "                     [--lang zh|en] BUNDLE\n"
    "       custos-verify timeline [--key VKEYFILE] [--json] "
    "[--lang zh|en] BUNDLE\n";

struct bopts {
	const char	*key, *tsa_ca, *html, *path, *lang, *quorum;
	enum vt_lang	 vlang;
	int		 json, strict, allow_untimestamped;
	const char	*witness[VERIFY_WITNESS_MAX];
	size_t		 nwitness;
};

static void
parse_bundle_args(int argc, char **argv, struct bopts *o, int timeline)
{
	int i, done = 0;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **val = NULL;

		if (!done && strcmp(a, "--") == 0) {
			done = 1;
			continue;
		}
		if (done || strncmp(a, "--", 2) != 0) {
			if (o->path != NULL)
				cli_usage_exit(PROG, bundle_usage,
				    "%s: unexpected argument "
				    "\"%s\"", argv[0], a);
			o->path = a;
			continue;
		}
		if (strcmp(a, "--json") == 0)
			o->json++;
		else if (!timeline && strcmp(a, "--strict") == 0)
			o->strict++;
		else if (!timeline && strcmp(a, "--allow-untimestamped") == 0)
			o->allow_untimestamped++;
		else if (strcmp(a, "--key") == 0)
			val = &o->key;
		else if (!timeline && strcmp(a, "--tsa-ca") == 0)
			val = &o->tsa_ca;
		else if (!timeline && strcmp(a, "--html") == 0)
			val = &o->html;
		else if (!timeline && strcmp(a, "--witness-quorum") == 0)
			val = &o->quorum;
		else if (!timeline && strcmp(a, "--witness") == 0) {
			/* Repeatable, up to VERIFY_WITNESS_MAX. */
			if (i + 1 >= argc)
				cli_usage_exit(PROG, bundle_usage,
				    "option %s needs a value", a);
			if (o->nwitness == VERIFY_WITNESS_MAX)
				cli_usage_exit(PROG, bundle_usage,
				    "more than %d --witness keys",
				    VERIFY_WITNESS_MAX);
			o->witness[o->nwitness++] = argv[++i];
			continue;
		}
		else if (strcmp(a, "--lang") == 0)
			val = &o->lang;
		else
			cli_usage_exit(PROG, bundle_usage,
			    "%s does not take %s", argv[0], a);
		if (o->json > 1 || o->strict > 1 || o->allow_untimestamped > 1)
			cli_usage_exit(PROG, bundle_usage,
			    "option %s given twice", a);
		if (val == NULL)
			continue;
		if (*val != NULL)
			cli_usage_exit(PROG, bundle_usage,
			    "option %s given twice", a);
		if (i + 1 >= argc)
			cli_usage_exit(PROG, bundle_usage,
			    "option %s needs a value", a);
		*val = argv[++i];
	}
	if (o->path == NULL)
		cli_usage_exit(PROG, bundle_usage,
		    "%s needs a BUNDLE (directory or tar)",
		    argv[0]);
	if (!timeline && o->key == NULL)
		cli_usage_exit(PROG, bundle_usage,
		    "bundle needs --key VKEYFILE");
	o->vlang = VT_ZH;
	if (o->lang != NULL && verify_text_lang(o->lang, &o->vlang) != 0)
		cli_usage_exit(PROG, bundle_usage,
		    "--lang takes zh or en, not \"%s\"", o->lang);
}

/* The reviewer's key: unreadable or not a key is exit 2. */
static struct note_verifier *
load_key(const char *path)
{
	struct note_verifier *v;
	char why[1024];

	if (cli_load_verifier("key file", path, BUNDLE_MAX_VKEY, &v, why,
	    sizeof(why)) != 0) {
		fprintf(stderr, "%s: %s\n", PROG, why);
		cli_exit(CLI_EXIT_USAGE);
	}
	return v;
}

/*
 * The TSA CA file, checked to be a regular file it can read (a FIFO would
 * block the verifier).  Exits 2 if it is not.  Returns the open file and
 * in ca (len bytes) the name the check of the token then reads it by:
 * that file's /proc/self/fd link, so that what was checked is what is
 * read, or, without /proc, path itself.
 */
static int
open_tsa_ca(const char *path, char *ca, size_t len)
{
	char why[1024];
	int fd;

	if (cli_open_input("--tsa-ca", path, 0, &fd, why, sizeof(why)) != 0) {
		fprintf(stderr, "%s: %s\n", PROG, why);
		cli_exit(CLI_EXIT_USAGE);
	}
	snprintf(ca, len, "/proc/self/fd/%d", fd);
	if (access(ca, R_OK) == -1)
		snprintf(ca, len, "%s", path);
	return fd;
}

static struct bundle *
read_bundle(const char *path, enum digest_alg alg, int probe)
{
	struct bundle_opts bo;
	struct bundle *b;
	char self[4096];
	ssize_t n;
	int rc;

	memset(&bo, 0, sizeof(bo));
	bo.alg = alg;
	/*
	 * Our own path, for the media child.  readlink() rather than
	 * exec("/proc/self/exe"), which under valgrind would name valgrind
	 * itself (valgrind answers the readlink with ours).
	 */
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0 &&
	    (size_t)n < sizeof(self) - 1)
		self[n] = '\0';
	else
		snprintf(self, sizeof(self), "/proc/self/exe");
	if (probe) {
		bo.self = self;
		bo.role = VERIFY_MEDIA_CHILD;
		bo.timeout_ms = MEDIA_TIMEOUT_MS;
	}
	if ((rc = bundle_read(path, &bo, &b)) != 0) {
		fprintf(stderr, "%s: cannot read bundle %s: %s\n", PROG, path,
		    rc == CUSTOS_ERR_SYSTEM ? (errno == EINVAL ? "neither a "
		    "directory nor a file" : strerror(errno)) :
		    custos_strerror(rc));
		cli_exit(CLI_EXIT_USAGE);
	}
	return b;
}

/*
 * The report must never replace a file, least of all the evidence it
 * reports on: an existing REPORT (a dangling link too) is refused, and so
 * is a REPORT inside the bundle when the bundle is a directory, found by
 * device and inode on every directory from REPORT's up to the root, so
 * that no spelling of the path (links, "..", a bind mount) gets by.
 * Exits 2 with the reason; checked before anything is verified.
 */
static void
check_html_path(const char *html, const char *bundle)
{
	char copy[PATH_MAX], dir[PATH_MAX], *slash;
	struct stat sb, bs;

	if (lstat(html, &sb) == 0) {
		fprintf(stderr, "%s: --html %s: exists; the report is not "
		    "written over an existing file\n", PROG, html);
		cli_exit(CLI_EXIT_USAGE);
	}
	if (errno == ENOENT && snprintf(copy, sizeof(copy), "%s", html) >=
	    (int)sizeof(copy))
		errno = ENAMETOOLONG;
	if (errno != ENOENT || realpath(dirname(copy), dir) == NULL) {
		fprintf(stderr, "%s: --html %s: %s\n", PROG, html,
		    strerror(errno));
		cli_exit(CLI_EXIT_USAGE);
	}
	if (stat(bundle, &bs) == -1 || !S_ISDIR(bs.st_mode))
		return;
	for (;;) {
		if (stat(dir, &sb) == 0 && sb.st_dev == bs.st_dev &&
		    sb.st_ino == bs.st_ino) {
			fprintf(stderr, "%s: --html %s: inside the bundle %s; "
			    "write the report elsewhere\n", PROG, html,
			    bundle);
			cli_exit(CLI_EXIT_USAGE);
		}
		if ((slash = strrchr(dir, '/')) == NULL || dir[1] == '\0')
			break;
		slash[slash == dir ? 1 : 0] = '\0';
	}
}

/*
 * Renders the page in memory and writes it with util_write_file(): a
 * temporary file beside path (O_EXCL), synced, then linked into place,
 * which cannot replace a file created since check_html_path() looked, so
 * a reader never sees half a report and nothing is written over.
 */
static int
write_html(const char *path, const json_t *report)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc, saved;

	if ((f = open_memstream(&buf, &len)) == NULL)
		rc = CUSTOS_ERR_NOMEM;
	else {
		rc = verify_html_write(f, report);
		if (fclose(f) == EOF && rc == 0)
			rc = CUSTOS_ERR_NOMEM;
		if (rc == 0)
			rc = util_write_file(path, buf, len, 0644, 1);
	}
	saved = errno;
	free(buf);
	if (rc == 0)
		return 0;
	fprintf(stderr, "%s: cannot write %s: %s\n", PROG, path,
	    rc == CUSTOS_ERR_EXISTS ? "it exists now; the report is not "
	    "written over a file" : rc == CUSTOS_ERR_SYSTEM ? strerror(saved) :
	    custos_strerror(rc));
	return -1;
}

static int
print_json(const json_t *j)
{
	if (json_dumpf(j, stdout, JSON_COMPACT) != 0 || putchar('\n') == EOF)
		return -1;
	return 0;
}

void
verify_bundle_main(int argc, char **argv)
{
	struct verify_bundle_opts vo;
	struct verify_witnesses wit;
	struct note_verifier *v;
	struct bundle *b;
	struct bopts o;
	size_t i;
	json_t *report;
	char ca[PATH_MAX];
	int rc, code, cafd = -1;

	parse_bundle_args(argc, argv, &o, 0);
	if (o.html != NULL)
		check_html_path(o.html, o.path);
	v = load_key(o.key);
	memset(&wit, 0, sizeof(wit));
	for (i = 0; i < o.nwitness; i++)
		verify_witness_add(&wit, PROG, o.witness[i]);
	verify_witness_quorum(&wit, PROG, o.quorum);
	if (o.tsa_ca != NULL)
		cafd = open_tsa_ca(o.tsa_ca, ca, sizeof(ca));
	b = read_bundle(o.path, profile_digest(profile_of_sign(
	    note_verifier_alg(v))), 1);
	memset(&vo, 0, sizeof(vo));
	vo.path = o.path;
	vo.tsa_ca = o.tsa_ca != NULL ? ca : NULL;
	vo.strict = o.strict;
	vo.allow_untimestamped = o.allow_untimestamped;
	vo.probed = 1;
	vo.lang = o.vlang;
	vo.witnesses = wit.n > 0 ? &wit : NULL;
	if ((rc = verify_bundle_report(b, v, &vo, &report)) != 0) {
		fprintf(stderr, "%s: %s%s%s\n", PROG, rc == CUSTOS_ERR_SYSTEM ?
		    "cannot read --tsa-ca: " : "", rc == CUSTOS_ERR_SYSTEM ?
		    strerror(errno) : custos_strerror(rc), "");
		cli_exit(CLI_EXIT_USAGE);
	}
	bundle_free(b);
	note_verifier_free(v);
	verify_witness_free(&wit);
	if (cafd != -1)
		close(cafd);
	code = strcmp(sget(report, "verdict"), "proven") == 0 ? CLI_EXIT_OK :
	    CLI_EXIT_NOT;
	if (code == CLI_EXIT_OK &&
	    json_is_true(json_object_get(report, "strict_failed")))
		code = CLI_EXIT_NOT;
	if (o.html != NULL && write_html(o.html, report) == -1)
		code = CLI_EXIT_USAGE;
	if (o.json) {
		if (print_json(report) == -1) {
			fprintf(stderr, "%s: cannot write JSON\n", PROG);
			code = CLI_EXIT_USAGE;
		}
	} else
		verify_bundle_print(stdout, report);
	json_decref(report);
	cli_exit(code);
}

/*
 * Without a key nothing is verified: the timeline is built from every
 * well-formed entry, and says so.
 */
static json_t *
unverified_timeline(const struct bundle *b, enum vt_lang lang,
    json_t **notes)
{
	struct vb v;
	json_t *r = NULL;

	memset(&v, 0, sizeof(v));
	v.b = b;
	v.lang = lang;
	v.alg = DIGEST_SHA256;
	*notes = NULL;
	if ((v.report = json_object()) == NULL ||
	    (v.checks = json_array()) == NULL)
		goto out;
	vb_load_manifest(&v);
	if (vb_check_entries(&v) != 0 || vb_find_inspection(&v) != 0 ||
	    vb_build_evidence(&v, 0) != 0 ||
	    vb_findings_and_timeline(&v) != 0)
		goto out;
	r = json_incref(json_object_get(v.report, "timeline"));
	*notes = json_incref(json_object_get(v.report, "notes"));
out:
	json_decref(v.report);
	vb_release(&v);
	return r;
}

void
verify_timeline_main(int argc, char **argv)
{
	struct verify_bundle_opts vo;
	struct note_verifier *v = NULL;
	struct bundle *b;
	struct bopts o;
	json_t *report = NULL, *tl, *notes = NULL, *x;
	size_t i;
	int code = CLI_EXIT_OK;

	parse_bundle_args(argc, argv, &o, 1);
	if (o.key != NULL)
		v = load_key(o.key);
	b = read_bundle(o.path, v != NULL ? profile_digest(profile_of_sign(
	    note_verifier_alg(v))) : DIGEST_SHA256, 0);
	if (v != NULL) {
		memset(&vo, 0, sizeof(vo));
		vo.path = o.path;
		vo.allow_untimestamped = 1;
		vo.lang = o.vlang;
		if (verify_bundle_report(b, v, &vo, &report) != 0) {
			fprintf(stderr, "%s: out of memory\n", PROG);
			cli_exit(CLI_EXIT_USAGE);
		}
		tl = json_incref(json_object_get(report, "timeline"));
		notes = json_incref(json_object_get(report, "notes"));
	} else if ((tl = unverified_timeline(b, o.vlang, &notes)) == NULL) {
		fprintf(stderr, "%s: ", PROG);
		fprintf(stderr, verify_text_get(o.vlang, VT_TL_NONE), o.path);
		fputc('\n', stderr);
		cli_exit(CLI_EXIT_NOT);
	}
	if (o.json) {
		if (print_json(tl) == -1)
			code = CLI_EXIT_USAGE;
	} else {
		printf("%s\n", verify_text_get(o.vlang, v == NULL ?
		    VT_TL_UNVERIFIED : VT_TL_PROVEN_ONLY));
		verify_timeline_print(stdout, tl, o.vlang);
		json_array_foreach(notes, i, x)
			line(stdout, verify_text_get(o.vlang, VT_TX_NOTE),
			    json_string_value(x) ? json_string_value(x) : "");
	}
	json_decref(tl);
	json_decref(notes);
	json_decref(report);
	bundle_free(b);
	note_verifier_free(v);
	cli_exit(code);
}
