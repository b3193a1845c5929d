/*
 * cli_replay: custos replay INSPECTION [--json] [--play FILE].
 *
 * The timeline comes from the log alone (evidence.h gathers the entries,
 * timeline.h orders them); the footage is read from the store only to
 * say which objects are missing.  A replay is a view: it appends nothing
 * to the log.
 *
 * The playlist lists the footage linked to the inspection now (links and
 * unlinks applied in log order) in recorded order: each segment's
 * media.recorded_start, else its mtime, then the log index.  Segments
 * that cannot be played (not media, no audio or video stream) and those
 * whose object is missing from the store are left out of the playlist,
 * each with a comment line in it and a warning on stderr.
 */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "custos/calendar.h"
#include "custos/catalog.h"
#include "custos/config.h"
#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/log.h"
#include "custos/registry.h"
#include "custos/rfc3339.h"
#include "custos/timeline.h"
#include "custos/util.h"
#include "cli_log.h"
#include "cli_registry.h"
#include "cli_replay.h"
#include "tools/cli_util.h"

#define UNKNOWN_MS	INT64_MIN

enum play_format {
	PLAY_NONE = 0,
	PLAY_FFCONCAT,
	PLAY_M3U,
};

/* One linked segment, as the playlist needs it. */
struct clip {
	const json_t	*e;		/* its segment.sealed (borrowed) */
	uint64_t	 index;
	int64_t		 start_ms;	/* UNKNOWN_MS when unknown */
	int64_t		 duration_ms;	/* -1 when unknown */
	const char	*camera;	/* "" when absent */
	char		 name[256];	/* original path on the camera, control
					   characters replaced, truncated */
	const char	*object;
	const char	*why_not;	/* why it is left out, or NULL */
	char		 file[PATH_MAX];
};

static int
usage(void)
{
	cli_replay_usage(stderr);
	return CLI_EXIT_USAGE;
}

void
cli_replay_usage(FILE *f)
{
	fprintf(f, "usage: custos [-c CONF] replay INSPECTION [--json] "
	    "[--play FILE.ffconcat|FILE.m3u|FILE.m3u8]\n");
}

int
cli_state_open(const struct config *cfg, struct cli_state *s)
{
	char path[PATH_MAX], why[512];
	int rc;

	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	if ((rc = cli_log_open(cfg, &s->log)) != 0)
		return rc;
	snprintf(path, sizeof(path), "%s/log.db", cfg->state_dir);
	/*
	 * The registry's and the catalog's tables are the daemon's index of
	 * the log; they are opened read-only and nothing here syncs them.
	 * The catalog gives each segment its dock session, whose clock
	 * drift the timeline shows; without it the timeline still stands.
	 */
	if ((rc = registry_open_ro(path, &s->reg)) != 0) {
		warnx("%s: registry: %s", path, rc == CUSTOS_ERR_NOTFOUND ?
		    "not built yet (start custosd once)" :
		    custos_strerror(rc));
		cli_state_close(s);
		return CLI_EXIT_USAGE;
	}
	if (catalog_open_ro(path, &s->cat) != 0)
		s->cat = NULL;
	if ((rc = calendar_new(&s->cal)) != 0 ||
	    (rc = calendar_load_dir(s->cal, cfg->calendar_dir, why,
	    sizeof(why))) != 0) {
		/* why already names the path and the cause (strerror). */
		if (rc == CUSTOS_ERR_NOMEM)
			warnx("calendar: out of memory");
		else
			warnx("calendar: %s", why);
		cli_state_close(s);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

void
cli_state_close(struct cli_state *s)
{
	calendar_free(s->cal);
	catalog_close(s->cat);
	registry_close(s->reg);
	log_close(s->log);
	memset(s, 0, sizeof(*s));
}

int
cli_object_path(const struct cli_state *s, const char *object, char *buf,
    size_t len)
{
	uint8_t hash[DIGEST_LEN];
	enum digest_alg alg;
	const char *hex;
	int n;

	if (object == NULL || digest_parse(object, &alg, hash) != 0 ||
	    alg != s->cfg->digest_alg)
		return CUSTOS_ERR_FORMAT;
	hex = strchr(object, ':') + 1;
	n = snprintf(buf, len, "%s/store/objects/%.2s/%s",
	    s->cfg->state_dir, hex, hex + 2);
	if (n < 0 || (size_t)n >= len)
		return CUSTOS_ERR_INVALID;
	return 0;
}

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* Whether segment index is linked to the inspection after its chain. */
static int
linked_now(const struct evidence *ev, uint64_t index)
{
	const json_t *e;
	const char *type;
	size_t i;
	int linked = 0;

	for (i = 0; i < ev->n[EVIDENCE_CHAIN]; i++) {
		e = ev->e[EVIDENCE_CHAIN][i].json;
		if ((json_int_t)index != json_integer_value(json_object_get(e,
		    "segment")))
			continue;
		type = str(e, "type");
		if (strcmp(type, ENTRY_EVIDENCE_LINKED) == 0)
			linked = 1;
		else if (strcmp(type, ENTRY_EVIDENCE_UNLINKED) == 0)
			linked = 0;
	}
	return linked;
}

/* Whether the probe found an audio or video stream in the segment. */
static int
playable(const json_t *media)
{
	const json_t *st;
	const char *kind;
	size_t i;

	json_array_foreach(json_object_get(media, "streams"), i, st) {
		kind = str(st, "kind");
		if (strcmp(kind, "video") == 0 || strcmp(kind, "audio") == 0)
			return 1;
	}
	return 0;
}

void
cli_safe_name(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < len; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' :
		    s[i];
	buf[i] = '\0';
}

static void
clip_fill(const struct cli_state *s, const struct evidence_entry *ee,
    struct clip *c)
{
	const json_t *media = json_object_get(ee->json, "media");
	const json_t *d = json_object_get(media, "duration_ms");
	const char *start;
	struct stat sb;

	memset(c, 0, sizeof(*c));
	c->e = ee->json;
	c->index = ee->index;
	c->camera = str(ee->json, "camera");
	cli_safe_name(str(ee->json, "path"), c->name, sizeof(c->name));
	c->object = str(ee->json, "object");
	c->duration_ms = json_is_integer(d) && json_integer_value(d) >= 0 ?
	    (int64_t)json_integer_value(d) : -1;
	c->start_ms = UNKNOWN_MS;
	start = json_string_value(json_object_get(media, "recorded_start"));
	if (start == NULL || rfc3339_parse(start, &c->start_ms) != 0)
		(void)rfc3339_parse(json_string_value(json_object_get(ee->json,
		    "mtime")), &c->start_ms);
	if (cli_object_path(s, c->object, c->file, sizeof(c->file)) != 0)
		c->why_not = "its object is not a hash of this station";
	else if (lstat(c->file, &sb) == -1 || !S_ISREG(sb.st_mode))
		c->why_not = "its object is missing from the store";
	else if (!json_is_object(media) || !playable(media))
		c->why_not = "it is not audio or video";
}

static int
clip_cmp(const void *a, const void *b)
{
	const struct clip *x = a, *y = b;

	if (x->start_ms != y->start_ms) {
		if (x->start_ms == UNKNOWN_MS)
			return 1;
		if (y->start_ms == UNKNOWN_MS)
			return -1;
		return x->start_ms < y->start_ms ? -1 : 1;
	}
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * The inspection's linked segments in recorded order: a new array *out of
 * *n.  Returns 0 or CUSTOS_ERR_NOMEM.
 */
static int
clips_collect(const struct cli_state *s, const struct evidence *ev,
    struct clip **out, size_t *n)
{
	const struct evidence_entry *ee;
	struct clip *c;
	size_t i, k = 0;

	*out = NULL;
	*n = 0;
	if (ev->n[EVIDENCE_SEGMENT] == 0)
		return 0;
	if ((c = calloc(ev->n[EVIDENCE_SEGMENT], sizeof(*c))) == NULL)
		return CUSTOS_ERR_NOMEM;
	for (i = 0; i < ev->n[EVIDENCE_SEGMENT]; i++) {
		ee = &ev->e[EVIDENCE_SEGMENT][i];
		if (strcmp(str(ee->json, "type"), ENTRY_SEGMENT_SEALED) != 0 ||
		    !linked_now(ev, ee->index))
			continue;
		clip_fill(s, ee, &c[k++]);
	}
	qsort(c, k, sizeof(*c), clip_cmp);
	*out = c;
	*n = k;
	return 0;
}

/* Writes s as one ffconcat token: single-quoted, each ' as '\''. */
static void
ffconcat_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static void
clip_time(const struct clip *c, char *buf, size_t len)
{
	if (c->start_ms == UNKNOWN_MS)
		snprintf(buf, len, "time unknown");
	else
		rfc3339_format(c->start_ms, buf, len);
}

/*
 * Writes the playlist text for the playable clips into f.  Comment lines
 * name each clip (ffconcat and M3U both skip lines starting with '#'
 * that are not their own directives).
 */
static void
playlist_text(FILE *f, enum play_format fmt, const char *id,
    const struct clip *c, size_t n)
{
	char when[RFC3339_LEN + 16];
	size_t i;

	if (fmt == PLAY_FFCONCAT)
		fprintf(f, "ffconcat version 1.0\n");
	else
		fprintf(f, "#EXTM3U\n");
	fprintf(f, "# %s: linked footage in recorded order\n", id);
	for (i = 0; i < n; i++) {
		clip_time(&c[i], when, sizeof(when));
		if (c[i].why_not != NULL) {
			fprintf(f, "# left out: segment %llu (%s %s, %s): %s\n",
			    (unsigned long long)c[i].index, c[i].camera,
			    c[i].name, c[i].object, c[i].why_not);
			continue;
		}
		fprintf(f, "# segment %llu: %s %s recorded %s\n",
		    (unsigned long long)c[i].index, c[i].camera, c[i].name,
		    when);
		if (fmt == PLAY_FFCONCAT) {
			fputs("file ", f);
			ffconcat_quote(f, c[i].file);
			fputc('\n', f);
			if (c[i].duration_ms >= 0)
				fprintf(f, "duration %lld.%03lld\n",
				    (long long)(c[i].duration_ms / 1000),
				    (long long)(c[i].duration_ms % 1000));
		} else {
			if (c[i].duration_ms >= 0)
				fprintf(f, "#EXTINF:%lld.%03lld,",
				    (long long)(c[i].duration_ms / 1000),
				    (long long)(c[i].duration_ms % 1000));
			else
				fprintf(f, "#EXTINF:-1,");
			fprintf(f, "%s %s\n%s\n", c[i].camera, when,
			    c[i].file);
		}
	}
}

/*
 * Writes the playlist to path atomically.  Returns 0 or 1 after saying
 * why not.
 */
static int
playlist_write(const char *path, enum play_format fmt, const char *id,
    const struct clip *c, size_t n)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;
	int rc;

	for (i = 0; i < n; i++) {
		/* A line break in a path would end the playlist entry. */
		if (c[i].why_not == NULL && strpbrk(c[i].file, "\r\n")) {
			warnx("%s: a store path holds a line break: %s", path,
			    c[i].file);
			return 1;
		}
	}
	if ((f = open_memstream(&buf, &len)) == NULL) {
		warn("%s", path);
		return 1;
	}
	playlist_text(f, fmt, id, c, n);
	if (fclose(f) != 0) {
		warn("%s", path);
		free(buf);
		return 1;
	}
	rc = util_write_file(path, buf, len, 0644, 0);
	free(buf);
	if (rc == CUSTOS_ERR_SYSTEM) {
		warn("%s", path);
		return 1;
	}
	if (rc != 0) {
		warnx("%s: %s", path, custos_strerror(rc));
		return 1;
	}
	return 0;
}

/* Warnings for the clips left out; the JSON list of them in *left. */
static json_t *
clips_left_out(const struct clip *c, size_t n, int quiet)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		if (c[i].why_not == NULL)
			continue;
		if (!quiet)
			warnx("warning: segment %llu (%s %s, %s): %s",
			    (unsigned long long)c[i].index, c[i].camera,
			    c[i].name, c[i].object, c[i].why_not);
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:s}",
		    "segment", (json_int_t)c[i].index, "camera", c[i].camera,
		    "path", str(c[i].e, "path"), "object", c[i].object,
		    "problem", c[i].why_not));
	}
	return a;
}

static enum play_format
play_format(const char *path)
{
	size_t n = strlen(path);

	if (n > 9 && strcmp(path + n - 9, ".ffconcat") == 0)
		return PLAY_FFCONCAT;
	if ((n > 4 && strcmp(path + n - 4, ".m3u") == 0) ||
	    (n > 5 && strcmp(path + n - 5, ".m3u8") == 0))
		return PLAY_M3U;
	return PLAY_NONE;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Gathers inspection id and builds its timeline into *tl.  Returns 0, 1
 * (unknown inspection, or the log does not make a timeline) or 2.
 */
static int
build(struct cli_state *s, const char *id, struct evidence *ev, json_t **tl)
{
	json_t *findings = NULL;
	char path[PATH_MAX];
	int rc, tries = 0;

	/*
	 * The log shows the tree as it was when it was opened; an index
	 * synced since may name a newer entry (CUSTOS_ERR_RANGE).  Then
	 * look again at the grown log.
	 */
	if (s->cat == NULL)
		warnx("%s: the catalog is not built yet (start custosd "
		    "once): the cameras' clock drift is not shown", id);
	while ((rc = evidence_gather(s->log, s->reg, s->cat, id,
	    ev)) == CUSTOS_ERR_RANGE && tries++ < 3) {
		log_close(s->log);
		snprintf(path, sizeof(path), "%s/log.db", s->cfg->state_dir);
		if ((rc = log_open(path, s->cfg->digest_alg, LOG_RDONLY,
		    &s->log)) != 0) {
			warnx("%s: %s", path, custos_strerror(rc));
			return CLI_EXIT_USAGE;
		}
	}
	if (rc != 0) {
		if (rc == CUSTOS_ERR_NOTFOUND)
			warnx("%s: no such inspection", id);
		else
			warnx("%s: %s", id, custos_strerror(rc));
		return rc == CUSTOS_ERR_NOTFOUND || rc == CUSTOS_ERR_FORMAT ?
		    1 : 2;
	}
	if ((rc = evidence_findings(ev, s->cal, now_ms(), &findings)) != 0) {
		warnx("%s: findings: %s", id, custos_strerror(rc));
		return 1;
	}
	rc = timeline_build(ev, findings, tl);
	json_decref(findings);
	if (rc != 0) {
		warnx("%s: timeline: %s", id, custos_strerror(rc));
		return 1;
	}
	return 0;
}

static int
replay(struct cli_state *s, const char *id, int json, const char *play,
    enum play_format fmt)
{
	struct evidence ev;
	struct clip *clips = NULL;
	json_t *tl = NULL, *left;
	size_t n = 0;
	char *text;
	int rc;

	memset(&ev, 0, sizeof(ev));
	if ((rc = build(s, id, &ev, &tl)) != 0)
		goto out;
	if (clips_collect(s, &ev, &clips, &n) != 0) {
		warnx("out of memory");
		rc = 2;
		goto out;
	}
	left = clips_left_out(clips, n, 0);
	if (play != NULL && (rc = playlist_write(play, fmt, id, clips,
	    n)) != 0) {
		json_decref(left);
		goto out;
	}
	if (json) {
		json_object_set_new(tl, "left_out", left);
		if (play != NULL)
			json_object_set_new(tl, "playlist", json_pack(
			    "{s:s, s:s, s:I}", "file", play, "format",
			    fmt == PLAY_FFCONCAT ? "ffconcat" : "m3u",
			    "clips", (json_int_t)(n - json_array_size(left))));
		text = json_dumps(tl, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (text == NULL) {
			warnx("out of memory");
			rc = 2;
			goto out;
		}
		printf("%s\n", text);
		free(text);
	} else {
		json_decref(left);
		timeline_print(stdout, tl);
	}
out:
	free(clips);
	json_decref(tl);
	evidence_free(&ev);
	return rc;
}

/*
 * Viewing is registered (118号): the view becomes an inspection.viewed
 * entry in the inspection's chain, naming who viewed it as the kernel
 * tells the daemon.  The timeline was shown already; a daemon that is
 * not running or refuses is a warning, so a reviewer at a stopped
 * station still sees the evidence, and is told the view went unlogged.
 */
static void
log_view(const struct config *cfg, const char *id, const char *what)
{
	char path[512];
	json_t *body, *j = NULL;

	if (cli_registry_id_path(path, sizeof(path), "/v1/inspections/", id,
	    "/viewed") == 0 && (body = json_pack("{s:s}", "what", what)) !=
	    NULL) {
		j = cli_registry_call(cfg, path, body);
		json_decref(body);
	}
	if (j == NULL)
		warnx("this view of %s is not logged in its chain", id);
	json_decref(j);
}

int
cli_replay(const struct config *cfg, int argc, char *argv[])
{
	struct cli_state s;
	const char *id = NULL, *play = NULL;
	enum play_format fmt = PLAY_NONE;
	int i, json = 0, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--play") == 0 && i + 1 < argc &&
		    play == NULL)
			play = argv[++i];
		else if (argv[i][0] != '-' && id == NULL)
			id = argv[i];
		else
			return usage();
	}
	if (id == NULL)
		return usage();
	if (play != NULL && (fmt = play_format(play)) == PLAY_NONE) {
		warnx("--play %s: the name must end in .ffconcat, .m3u or "
		    ".m3u8", play);
		return CLI_EXIT_USAGE;
	}
	if ((rc = cli_state_open(cfg, &s)) != 0)
		return rc;
	rc = replay(&s, id, json, play, fmt);
	cli_state_close(&s);
	if (rc == 0)
		log_view(cfg, id, play != NULL ? "playlist" : "replay");
	return rc;
}
