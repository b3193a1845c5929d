/*
 * cli_clip: custos export [INSPECTION] --clip SEGMENT --from T --to T
 * -o OUT --purpose TEXT, a clip bundle (docs/bundle.md, "Clips").
 *
 * The steps are the full export's (cli_export.c, shared through
 * cli_export_int.h), with the clip made between gathering and writing:
 * the original's leaves are the ones the station kept at sealing, else
 * the sandboxed leaves child's (clip.h), and must give the packet root
 * its entry sealed; clip_plan() picks the packets for the asked span;
 * the cut child seeks to them, checks them against those leaves, copies
 * them into an unlinked file and sends back the clip's own leaves; each
 * clip packet is proven in the original's packet tree (clip_proof.h).  The bundle is written under a
 * temporary name, clip.exported logged, and only then renamed.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "custos/bundle.h"
#include "custos/clip.h"
#include "custos/clip_proof.h"
#include "custos/config.h"
#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "custos/registry.h"
#include "custos/rfc3339.h"
#include "custos/store.h"
#include "cli_clip.h"
#include "cli_export.h"
#include "cli_export_int.h"
#include "cli_registry.h"
#include "tools/cli_util.h"

#define CLIP_TIMEOUT_MS	600000	/* per child: a long recording */
#define CLIP_SLACK	(1 << 20)	/* a clip may exceed its original */
#define BEIJING_MS	(8 * 3600 * 1000)
/* A drift beyond a century is not a clock reading (timeline_clock.c). */
#define MAX_DRIFT_MS	(INT64_C(100) * 366 * 24 * 3600 * 1000)

struct clip {
	struct export	 x;
	uint64_t	 segment;
	const char	*asked_from;
	const char	*asked_to;
	const json_t	*entry;		/* the segment entry, in x.ev */
	int64_t		 start_ms;	/* recorded start less drift, or -1 */
	struct clip_leaves orig;
	struct clip_leaves cut;
	uint64_t	 first, count;
	int64_t		 from_ms, to_ms;	/* asked */
	int64_t		 act_from, act_to;	/* actual */
	int		 fd;		/* the clip, unlinked */
	char		*proof;
	size_t		 prooflen;
	struct bundle_clip bc;
	char		*idbuf;		/* the inspection found */
};

void
cli_clip_usage(FILE *f)
{
	cli_export_usage(f);
	fprintf(f, "       custos [-c CONF] export [INSPECTION] --clip SEGMENT "
	    "--from T --to T\n"
	    "                    -o DIR|FILE.tar --purpose TEXT "
	    "[--allow-untimestamped]\n"
	    "                    [--wait SECONDS] [--json]   (T: [[HH:]MM:]"
	    "SS[.fff] or RFC 3339)\n");
}

/* A string member, or NULL. */
static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/*
 * An offset [[HH:]MM:]SS[.fff] in ms; -1 when s is not one.  Minutes and
 * seconds after a colon are below 60.
 */
static int64_t
parse_offset(const char *s)
{
	int64_t part[3], v = 0, frac = 0;
	int n = 0, d, digits;
	const char *p = s;

	for (;;) {
		for (digits = 0, part[n] = 0; *p >= '0' && *p <= '9' &&
		    digits < 9; p++, digits++)
			part[n] = part[n] * 10 + (*p - '0');
		if (digits == 0)
			return -1;
		n++;
		if (*p != ':' || n == 3)
			break;
		p++;
	}
	if (*p == '.') {
		for (p++, d = 100, digits = 0; *p >= '0' && *p <= '9' &&
		    digits < 3; p++, digits++, d /= 10)
			frac += (*p - '0') * d;
		if (digits == 0)
			return -1;
	}
	if (*p != '\0')
		return -1;
	for (d = 0; d < n; d++) {
		if (d > 0 && part[d] >= 60)
			return -1;
		v = v * 60 + part[d];
	}
	return v * 1000 + frac;
}

/*
 * T as ms from the original's first packet: an offset, or an RFC 3339
 * time mapped through the recording's start (the camera's clock) less
 * the drift its dock session measured (c->start_ms is corrected).
 */
static int
parse_time(const struct clip *c, const char *opt, const char *s,
    int64_t *ms)
{
	int64_t at;

	if ((*ms = parse_offset(s)) >= 0)
		return 0;
	if (rfc3339_parse(s, &at) != 0) {
		warnx("%s %s: neither an offset [[HH:]MM:]SS[.fff] nor an RFC "
		    "3339 time", opt, s);
		return 1;
	}
	if (c->start_ms < 0) {
		warnx("%s %s: segment %" PRIu64 " states no recording start, "
		    "so only offsets can be used", opt, s, c->segment);
		return 1;
	}
	*ms = at - c->start_ms;
	if (*ms < 0) {
		warnx("%s %s: before the recording's start", opt, s);
		return 1;
	}
	return 0;
}

static int
parse_args(struct clip *c, int argc, char *argv[])
{
	struct export *x = &c->x;
	unsigned long long v;
	int i, rc;

	cli_export_defaults(x);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
			c->asked_from = argv[++i];
		else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
			c->asked_to = argv[++i];
		else if (strcmp(argv[i], "--clip") == 0 && i + 1 < argc) {
			if (cli_parse_u64(argv[++i], &v) != 0) {
				warnx("--clip: not a log index: %s", argv[i]);
				return 2;
			}
			c->segment = v;
		} else if ((rc = cli_export_option(x, argc, argv, &i)) != 1) {
			if (rc == 0)
				cli_clip_usage(stderr);
			return 2;
		}
	}
	if (x->output == NULL || x->output[0] == '\0' ||
	    c->asked_from == NULL || c->asked_to == NULL) {
		cli_clip_usage(stderr);
		return 2;
	}
	return cli_export_purpose(x, ENTRY_CLIP_EXPORTED);
}

/*
 * Whether segment is linked now after the links and unlinks of a chain:
 * chain entries of type and log index given by the iterator.
 */
static int
chain_links(struct log *l, const struct registry_chain_entry *ch, size_t n,
    uint64_t segment)
{
	uint8_t *data;
	size_t k, len;
	json_t *e;
	int linked = 0, link;

	for (k = 0; k < n; k++) {
		link = strcmp(ch[k].type, ENTRY_EVIDENCE_LINKED) == 0;
		if (!link && strcmp(ch[k].type, ENTRY_EVIDENCE_UNLINKED) != 0)
			continue;
		if (log_entry(l, ch[k].index, &data, &len) != 0)
			continue;
		e = json_loadb((const char *)data, len, 0, NULL);
		free(data);
		if (json_integer_value(json_object_get(e, "segment")) ==
		    (json_int_t)segment && json_is_integer(json_object_get(e,
		    "segment")))
			linked = link;
		json_decref(e);
	}
	return linked;
}

/*
 * The inspection the segment is linked to now: x->id when given (then
 * it must be that one), else the only one.  Refuses naming the rule.
 */
static int
resolve_inspection(struct clip *c)
{
	struct export *x = &c->x;
	struct registry_inspection *ins = NULL;
	struct registry_chain_entry *ch;
	size_t n = 0, nch, k, found = 0;
	const char *id = NULL;
	int rc;

	if ((rc = registry_inspections(x->registry, &ins, &n)) != 0) {
		warnx("cannot list the inspections: %s", custos_strerror(rc));
		return 1;
	}
	for (k = 0; k < n; k++) {
		if (x->id != NULL && strcmp(ins[k].id, x->id) != 0)
			continue;
		if (registry_inspection_chain(x->registry, ins[k].id, &ch,
		    &nch) != 0)
			continue;
		if (chain_links(x->log, ch, nch, c->segment)) {
			found++;
			id = ins[k].id;
		}
		registry_chain_free(ch, nch);
	}
	if (found == 1 && x->id == NULL) {
		if ((c->idbuf = strdup(id)) == NULL)
			errx(1, "out of memory");
		x->id = c->idbuf;
	}
	registry_inspections_free(ins, n);
	if (found == 1)
		return 0;
	if (found > 1)
		warnx("segment %" PRIu64 " is linked to several inspections: "
		    "name the one the clip is for", c->segment);
	else if (x->id != NULL)
		warnx("segment %" PRIu64 " is not linked to inspection %s now "
		    "(rule clip_linked): a clip belongs to the case file of the "
		    "inspection its footage is linked to", c->segment, x->id);
	else
		warnx("segment %" PRIu64 " is not linked to any inspection now "
		    "(rule clip_linked): a clip belongs to an inspection's case "
		    "file; link it first", c->segment);
	return 1;
}

/*
 * The clock drift (camera minus station, ms) that the dock session which
 * sealed the segment measured, as timeline_clock.c applies it: 1 and
 * *drift, or 0 when there is no such session or it measured none.
 */
static int
session_drift(const struct clip *c, int64_t *drift)
{
	const struct evidence *ev = &c->x.ev;
	const json_t *s, *item, *cd, *d, *v;
	const char *cam = str(c->entry, "camera"), *status;
	size_t k, i;

	if (cam == NULL)
		return 0;
	for (k = 0; k < ev->n[EVIDENCE_SESSION]; k++) {
		s = ev->e[EVIDENCE_SESSION][k].json;
		if (str(s, "camera") == NULL || strcmp(str(s, "camera"),
		    cam) != 0)
			continue;
		json_array_foreach(json_object_get(s, "inventory"), i, item) {
			v = json_object_get(item, "index");
			status = str(item, "status");
			if (!json_is_integer(v) || json_integer_value(v) !=
			    (json_int_t)c->segment || status == NULL ||
			    strcmp(status, "sealed") != 0)
				continue;
			cd = json_object_get(s, "clock_drift");
			d = json_object_get(cd, "drift_ms");
			if (!json_is_true(json_object_get(cd, "measured")) ||
			    !json_is_integer(d) || json_integer_value(d) >
			    MAX_DRIFT_MS || json_integer_value(d) <
			    -MAX_DRIFT_MS)
				return 0;
			*drift = json_integer_value(d);
			return 1;
		}
	}
	return 0;
}

/*
 * The segment entry among the gathered evidence; its recorded start,
 * corrected by its dock session's clock drift.
 */
static int
find_segment(struct clip *c)
{
	const struct evidence *ev = &c->x.ev;
	const char *rs;
	int64_t drift;
	size_t k;

	for (k = 0; k < ev->n[EVIDENCE_SEGMENT]; k++)
		if (ev->e[EVIDENCE_SEGMENT][k].index == c->segment)
			c->entry = ev->e[EVIDENCE_SEGMENT][k].json;
	if (c->entry == NULL) {
		warnx("entry %" PRIu64 " is not a segment of inspection %s",
		    c->segment, c->x.id);
		return 1;
	}
	c->start_ms = -1;
	rs = str(json_object_get(c->entry, "media"), "recorded_start");
	if (rs != NULL && rfc3339_parse(rs, &c->start_ms) != 0)
		c->start_ms = -1;
	if (c->start_ms >= 0 && session_drift(c, &drift))
		c->start_ms -= drift;
	return 0;
}

/* Runs the leaves child on fd; what says which file for messages. */
static int
leaves(struct clip *c, int fd, const char *what, struct clip_leaves *out)
{
	int rc;

	if ((rc = clip_leaves_run("/proc/self/exe", fd, c->x.cfg->digest_alg,
	    CLIP_TIMEOUT_MS, CLIP_MAX_LEAVES, out)) != 0) {
		warnx("cannot demux %s: %s", what, custos_strerror(rc));
		return 1;
	}
	if (out->res.status != PROBE_OK) {
		warnx("cannot demux %s: %s", what, out->res.error[0] ?
		    out->res.error : "the media child failed");
		return 1;
	}
	return 0;
}

/* Whether l's root and count are the entry's sealed ones; root gets l's. */
static int
sealed_root(const struct clip *c, const struct clip_leaves *l, char *root,
    size_t len)
{
	const json_t *media = json_object_get(c->entry, "media");
	const char *want = str(media, "packet_root");

	digest_format(c->x.cfg->digest_alg, l->res.packet_root, root, len);
	return want != NULL && strcmp(want, root) == 0 &&
	    json_integer_value(json_object_get(media, "packets")) ==
	    (json_int_t)l->n;
}

/* Whether the root over l's leaves is the root l's result states. */
static int
leaves_make_root(enum digest_alg alg, const struct clip_leaves *l)
{
	struct merkle_stream m;
	uint8_t root[DIGEST_LEN];
	size_t i;

	merkle_stream_init(&m, alg);
	for (i = 0; i < l->n; i++)
		if (merkle_stream_append(&m, l->v[i].leaf) != 0)
			return 0;
	return merkle_stream_root(&m, root) == 0 &&
	    memcmp(root, l->res.packet_root, DIGEST_LEN) == 0;
}

/*
 * The leaves the station kept when it sealed the object (store.h): a
 * cache, used only when the root over its leaves is the entry's.
 * Returns 0 when c->orig holds them, -1 when the original must be
 * demuxed instead.
 */
static int
stored_leaves(struct clip *c, const uint8_t hash[DIGEST_LEN])
{
	char root[DIGEST_STRLEN];
	int fd, rc;

	if (store_leaves_open(c->x.store, hash, &fd) != 0)
		return -1;
	rc = clip_leaves_read(fd, CLIP_MAX_LEAVES, &c->orig);
	close(fd);
	if (rc == 0 && c->orig.res.status == PROBE_OK &&
	    sealed_root(c, &c->orig, root, sizeof(root)) &&
	    leaves_make_root(c->x.cfg->digest_alg, &c->orig))
		return 0;
	warnx("segment %" PRIu64 ": the station's packet leaves of it do "
	    "not match its entry; demuxing the original", c->segment);
	clip_leaves_free(&c->orig);
	return -1;
}

/*
 * Opens the original from the store and takes its packets' leaves, from
 * the station's cache or by demuxing it: they must be the ones its entry
 * sealed.
 */
static int
read_original(struct clip *c, int *fdp)
{
	const json_t *media = json_object_get(c->entry, "media");
	char path[PATH_MAX], root[DIGEST_STRLEN];
	uint8_t hash[DIGEST_LEN];
	enum digest_alg alg;
	const char *obj = str(c->entry, "object"), *want;

	if (obj == NULL || digest_parse(obj, &alg, hash) != 0 ||
	    store_path(c->x.store, hash, path, sizeof(path)) != 0) {
		warnx("segment %" PRIu64 " names no object", c->segment);
		return 1;
	}
	if ((*fdp = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		warn("segment %" PRIu64 ": %s", c->segment, path);
		return 1;
	}
	if (stored_leaves(c, hash) == 0)
		return 0;
	if (leaves(c, *fdp, "the original", &c->orig) != 0)
		return 1;
	if (!sealed_root(c, &c->orig, root, sizeof(root))) {
		want = str(media, "packet_root");
		warnx("this station's libavformat does not reproduce the packet "
		    "root of segment %" PRIu64 " (%zu packets, %s; the entry "
		    "sealed %s): no clip can be proven", c->segment, c->orig.n,
		    root, want != NULL ? want : "none");
		return 1;
	}
	return 0;
}

/* The span asked, as times of the original's packets, and the plan. */
static int
plan(struct clip *c)
{
	int rc;

	if (parse_time(c, "--from", c->asked_from, &c->from_ms) != 0 ||
	    parse_time(c, "--to", c->asked_to, &c->to_ms) != 0)
		return 1;
	if (c->to_ms <= c->from_ms) {
		warnx("--to %s is not after --from %s", c->asked_to,
		    c->asked_from);
		return 1;
	}
	rc = clip_plan(&c->orig, c->from_ms, c->to_ms, &c->first, &c->count,
	    &c->act_from, &c->act_to);
	if (rc == CUSTOS_ERR_NOTFOUND) {
		warnx("--from %s is past the end of segment %" PRIu64,
		    c->asked_from, c->segment);
		return 1;
	}
	if (rc != 0) {
		warnx("cannot plan the clip: %s", custos_strerror(rc));
		return 1;
	}
	return 0;
}

/* An unlinked file beside the output for the clip. */
static int
clip_file(struct clip *c)
{
	const char *slash = strrchr(c->x.output, '/');
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%.*s", slash == NULL ? 1 :
	    (int)(slash - c->x.output + (slash == c->x.output)), slash ==
	    NULL ? "." : c->x.output);
	if ((c->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) == -1) {
		warn("%s: cannot create the clip's file", dir);
		return 1;
	}
	return 0;
}

/* The cut, the clip's packets and their proof. */
static int
make_clip(struct clip *c, int orig_fd)
{
	struct probe_result res;
	struct clip_proof_in in;
	struct stat sb;
	char why[256];
	int rc;

	if (fstat(orig_fd, &sb) == -1) {
		warn("segment %" PRIu64, c->segment);
		return 1;
	}
	if (clip_file(c) != 0)
		return 1;
	memset(&res, 0, sizeof(res));
	/* The child checks the range against the leaves it was sealed
	 * with, and sends the clip's leaves back. */
	if ((rc = clip_cut_run("/proc/self/exe", orig_fd, c->fd,
	    c->x.cfg->digest_alg, c->orig.v + c->first, c->first, c->count,
	    (uint64_t)sb.st_size + CLIP_SLACK, CLIP_TIMEOUT_MS, &res,
	    &c->cut)) != 0 || res.status != PROBE_OK) {
		warnx("cannot cut the clip: %s", rc != 0 ?
		    custos_strerror(rc) : res.error);
		return 1;
	}
	memset(&in, 0, sizeof(in));
	in.alg = c->x.cfg->digest_alg;
	in.segment = c->segment;
	in.object = str(c->entry, "object");
	in.orig = &c->orig;
	in.clip = &c->cut;
	in.first = c->first;
	in.count = c->count;
	in.from_ms = c->act_from;
	in.to_ms = c->act_to;
	if ((rc = clip_proof_write(&in, &c->proof, &c->prooflen, why,
	    sizeof(why))) != 0) {
		warnx("cannot prove the clip: %s", why[0] ? why :
		    custos_strerror(rc));
		return 1;
	}
	return 0;
}

/* clip.exported in the inspection's chain. */
static int
log_clip(struct clip *c)
{
	struct export *x = &c->x;
	json_t *body;
	char path[512];

	if (cli_registry_id_path(path, sizeof(path), "/v1/inspections/", x->id,
	    "/clip-exported") != 0)
		errx(1, "inspection ID too long");
	body = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s, s:s, "
	    "s:s, s:s}", "segment", (json_int_t)c->segment, "object",
	    str(c->entry, "object"), "clip", bundle_writer_clip_digest(x->w),
	    "clip_size", (json_int_t)bundle_writer_clip_size(x->w), "first",
	    (json_int_t)c->first, "count", (json_int_t)c->count, "from_ms",
	    (json_int_t)c->act_from, "to_ms", (json_int_t)c->act_to,
	    "asked_from", c->asked_from, "asked_to", c->asked_to, "manifest",
	    bundle_writer_manifest_digest(x->w), "purpose", x->purpose);
	if (body == NULL)
		errx(1, "out of memory");
	return cli_export_log(x, path, body, "clip", "exported");
}

/* ms as seconds with 3 decimals. */
static void
secs(int64_t ms, char *buf, size_t len)
{
	snprintf(buf, len, "%s%" PRId64 ".%03" PRId64, ms < 0 ? "-" : "",
	    (ms < 0 ? -ms : ms) / 1000, (ms < 0 ? -ms : ms) % 1000);
}

/* An offset as Beijing time ("" when the start is unknown). */
static void
beijing(const struct clip *c, int64_t ms, char *buf, size_t len)
{
	char t[40];

	buf[0] = '\0';
	if (c->start_ms < 0)
		return;
	rfc3339_format(c->start_ms + ms + BEIJING_MS, t, sizeof(t));
	/* rfc3339_format() writes UTC: "...Z"; the same digits are +08:00. */
	if (strlen(t) > 0 && t[strlen(t) - 1] == 'Z')
		t[strlen(t) - 1] = '\0';
	snprintf(buf, len, "%s+08:00", t);
}

static void
summary(const struct clip *c)
{
	const struct export *x = &c->x;
	char af[24], at[24], f[24], t[24], bf[48], bt[48], *s;
	json_t *j;

	secs(c->from_ms, af, sizeof(af));
	secs(c->to_ms, at, sizeof(at));
	secs(c->act_from, f, sizeof(f));
	secs(c->act_to, t, sizeof(t));
	beijing(c, c->act_from, bf, sizeof(bf));
	beijing(c, c->act_to, bt, sizeof(bt));
	if (!x->json) {
		printf("exported a clip of segment %" PRIu64 " (%s) to %s\n",
		    c->segment, x->id, x->output);
		printf("asked:   %s s to %s s\nactual:  %s s to %s s%s%s%s%s\n",
		    af, at, f, t, bf[0] ? " (" : "", bf, bf[0] ? " to " : "",
		    bf[0] ? bt : "");
		if (bf[0])
			printf(")\n");
		printf("packets: %" PRIu64 " (%" PRIu64 "..%" PRIu64 " of %zu)\n"
		    "clip:    %" PRIu64 " bytes, %s\nlogged:  %s, entry %" PRIu64
		    "\n", c->count, c->first, c->first + c->count - 1,
		    c->orig.n, bundle_writer_clip_size(x->w),
		    bundle_writer_clip_digest(x->w), ENTRY_CLIP_EXPORTED,
		    x->logged);
		return;
	}
	j = json_pack("{s:s, s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:s, s:I}", "inspection", x->id, "segment",
	    (json_int_t)c->segment, "output", x->output, "asked_from",
	    c->asked_from, "asked_to", c->asked_to, "asked_from_ms",
	    (json_int_t)c->from_ms, "asked_to_ms", (json_int_t)c->to_ms,
	    "from_ms", (json_int_t)c->act_from, "to_ms", (json_int_t)c->act_to,
	    "first", (json_int_t)c->first, "count", (json_int_t)c->count,
	    "clip_size", (json_int_t)bundle_writer_clip_size(x->w), "clip",
	    bundle_writer_clip_digest(x->w), "logged_index",
	    (json_int_t)x->logged);
	if (j == NULL)
		errx(1, "out of memory");
	if (bf[0]) {
		json_object_set_new(j, "from", json_string(bf));
		json_object_set_new(j, "to", json_string(bt));
	}
	if ((s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) == NULL)
		errx(1, "out of memory");
	printf("%s\n", s);
	free(s);
	json_decref(j);
}

static int
run(struct clip *c)
{
	struct export *x = &c->x;
	int orig_fd = -1, rc = 1, tar = cli_export_is_tar(x);

	if (cli_export_open(x) != 0 || resolve_inspection(c) != 0)
		return 1;
	if (cli_export_gather(x) != 0 || find_segment(c) != 0 ||
	    read_original(c, &orig_fd) != 0 || plan(c) != 0 ||
	    make_clip(c, orig_fd) != 0)
		goto out;
	c->bc.segment = c->segment;
	c->bc.fd = c->fd;
	c->bc.proof = c->proof;
	c->bc.prooflen = c->prooflen;
	c->bc.first = c->first;
	c->bc.count = c->count;
	c->bc.packets = c->orig.n;
	c->bc.from_ms = c->act_from;
	c->bc.to_ms = c->act_to;
	c->bc.asked_from = c->asked_from;
	c->bc.asked_to = c->asked_to;
	if (bundle_writer_clip(x->w, &c->bc) != 0) {
		cli_export_writer_warn(x->w);
		goto out;
	}
	if (cli_export_anchor(x) != 0 || cli_export_write(x, tar) != 0 ||
	    log_clip(c) != 0 || cli_export_commit(x) != 0)
		goto out;
	summary(c);
	rc = 0;
out:
	if (orig_fd != -1)
		close(orig_fd);
	return rc;
}

/* Whether argv asks for a clip. */
static int
is_clip(int argc, char *argv[])
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--clip") == 0)
			return 1;
	return 0;
}

int
cli_clip_export(const struct config *cfg, int argc, char *argv[])
{
	struct clip c;
	int rc;

	if (!is_clip(argc, argv))
		return cli_export(cfg, argc, argv);
	memset(&c, 0, sizeof(c));
	c.fd = -1;
	c.x.cfg = cfg;
	if ((rc = parse_args(&c, argc, argv)) != 0)
		return rc;
	rc = cli_export_start(&c.x) != 0 ? 1 : run(&c);
	/* The writer reads the clip's descriptor until it is freed. */
	cli_export_free(&c.x);
	if (c.fd != -1)
		close(c.fd);
	clip_leaves_free(&c.orig);
	clip_leaves_free(&c.cut);
	free(c.proof);
	free(c.idbuf);
	return rc;
}
