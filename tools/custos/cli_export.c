/*
 * cli_export: custos export INSPECTION -o DIR|FILE.tar.
 *
 * The steps, in this order, so that a failure at any point leaves nothing
 * at the output path and nothing in the log that claims an export:
 *
 *	1. gather the inspection from the log, registry and catalog, read
 *	   only through their modules (lib/evidence/evidence.c);
 *	2. find a checkpoint that covers every gathered entry and has an
 *	   RFC 3161 token: a stored one, or one the daemon signs now
 *	   (POST /v1/checkpoint) and has timestamped, waited for;
 *	3. write the bundle under a temporary name beside the output:
 *	   MANIFEST.json first, media last, each object copied from the
 *	   store in 1 MiB pieces while hashing it, so memory does not grow
 *	   with the footage and a store object that no longer matches its
 *	   entry stops the export;
 *	4. log bundle.exported through the daemon;
 *	5. rename the temporary name to the output (never over an existing
 *	   one).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>

#include "custos/catalog.h"
#include "custos/config.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "custos/evidence.h"
#include "custos/log.h"
#include "custos/merkle.h"
#include "custos/note.h"
#include "custos/profile.h"
#include "custos/registry.h"
#include "custos/rfc3339.h"
#include "custos/store.h"
#include "custos/tsa.h"
#include "custos/util.h"
#include "cli_export.h"
#include "cli_registry.h"
#include "tools/cli_util.h"

#define BUNDLE_FORMAT	"custos-bundle@1"
#define COPY_CHUNK	(1 << 20)
#define WAIT_DEFAULT	30	/* seconds to wait for the TSA's token */

static volatile sig_atomic_t interrupted;

/* One object of media/, from the entry that seals it. */
struct media {
	uint8_t		 hash[DIGEST_LEN];
	char		 name[DIGEST_LEN * 2 + 32];	/* media/<hex>.<ext> */
	uint64_t	 size;
	const struct evidence_entry *entry;
};

/* The bundle being written, under its temporary name. */
struct out {
	int		 tar;
	const char	*final;
	char		*tmp;
	int		 dirfd;		/* dir: the temporary directory */
	int		 fd;		/* dir: the current file; tar: the tar */
	struct archive	*a;
	struct archive_entry *ae;
	uint64_t	 files;
	uint64_t	 done;		/* bytes written, for the progress bar */
	uint64_t	 total;
	int		 tty;
	int		 drawn;		/* percent last drawn, or -1 */
	int		 created;	/* tmp is ours to remove */
};

struct export {
	const struct config *cfg;
	const char	*id;
	const char	*output;
	char		*outbuf;	/* output without trailing slashes */
	const char	*purpose;
	int		 allow_untimestamped;
	int		 json;
	unsigned	 wait_s;
	struct log	*log;
	struct registry	*registry;
	struct catalog	*catalog;
	struct store	*store;
	struct evidence	 ev;
	uint64_t	 size;		/* the checkpoint's tree size */
	char		*note;		/* the checkpoint */
	size_t		 notelen;
	uint8_t		*tsr;		/* its token, or NULL */
	size_t		 tsrlen;
	char		 tsr_time[32];
	char		*untimestamped;	/* why there is no token, or NULL */
	char		*vkey;
	size_t		 vkeylen;
	char		 key_id[16];
	struct media	*media;
	size_t		 nmedia;
	char		**cals;		/* calendar file names */
	size_t		 ncals;
	char		*manifest;
	size_t		 manifestlen;
	char		 manifest_digest[DIGEST_STRLEN];
	uint64_t	 logged;	/* the bundle.exported entry */
};

static int
usage(void)
{
	cli_export_usage(stderr);
	return 2;
}

void
cli_export_usage(FILE *f)
{
	fprintf(f, "usage: custos [-c CONF] export INSPECTION "
	    "-o DIR|FILE.tar [--purpose TEXT]\n"
	    "                    [--allow-untimestamped] [--wait SECONDS] "
	    "[--json]\n");
}

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* A string member, or NULL. */
static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const char *
type_of(const json_t *e)
{
	const char *t = str(e, "type");

	return t != NULL ? t : "";
}

/*
 * Opens the registry and catalog before the log: the log seen read-only
 * then holds at least every entry they name.
 */
static int
open_station(struct export *x)
{
	char path[PATH_MAX];
	int rc;

	snprintf(path, sizeof(path), "%s/log.db", x->cfg->state_dir);
	if (access(path, R_OK) != 0) {
		warn("%s: cannot read the log (has custosd run?)", path);
		return 1;
	}
	/* Read-only: the export only looks; the tables are the daemon's. */
	if ((rc = registry_open_ro(path, &x->registry)) != 0 ||
	    (rc = catalog_open_ro(path, &x->catalog)) != 0) {
		warnx("%s: cannot open the registry and catalog: %s", path,
		    rc == CUSTOS_ERR_NOTFOUND ? "not built yet (start custosd "
		    "once)" : custos_strerror(rc));
		return 1;
	}
	if ((rc = log_open(path, x->cfg->digest_alg, LOG_RDONLY,
	    &x->log)) != 0) {
		warnx("%s: cannot open the log: %s", path,
		    custos_strerror(rc));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/store", x->cfg->state_dir);
	if ((rc = store_open(path, x->cfg->digest_alg, &x->store)) != 0) {
		if (rc == CUSTOS_ERR_SYSTEM)
			warn("%s: cannot open the store", path);
		else
			warnx("%s: cannot open the store: %s", path,
			    custos_strerror(rc));
		return 1;
	}
	return 0;
}

/* Re-opens the log to see what the daemon appended since. */
static int
reopen_log(struct export *x)
{
	char path[PATH_MAX];
	int rc;

	log_close(x->log);
	x->log = NULL;
	snprintf(path, sizeof(path), "%s/log.db", x->cfg->state_dir);
	if ((rc = log_open(path, x->cfg->digest_alg, LOG_RDONLY,
	    &x->log)) != 0) {
		warnx("%s: cannot open the log: %s", path,
		    custos_strerror(rc));
		return 1;
	}
	return 0;
}

/* The largest index among the gathered entries. */
static uint64_t
max_index(const struct evidence *ev)
{
	uint64_t m = 0;
	size_t r, k;

	for (r = 0; r < EVIDENCE_NROLES; r++)
		for (k = 0; k < ev->n[r]; k++)
			if (ev->e[r][k].index > m)
				m = ev->e[r][k].index;
	return m;
}

/*
 * Asks the daemon to sign a checkpoint of everything it has and to get it
 * timestamped.  Sets *size and *state ("stored", "requested" or "off").
 */
static int
request_checkpoint(struct export *x, uint64_t *size, char *state,
    size_t len)
{
	json_t *body, *j;
	const char *s;
	json_int_t n;

	if ((body = json_object()) == NULL)
		errx(1, "out of memory");
	j = cli_registry_call(x->cfg, "/v1/checkpoint", body);
	json_decref(body);
	if (j == NULL)
		return 1;
	n = json_integer_value(json_object_get(j, "size"));
	s = str(j, "timestamp");
	if (n <= 0 || s == NULL) {
		warnx("custosd answered POST /v1/checkpoint without a size "
		    "and timestamp state");
		json_decref(j);
		return 1;
	}
	*size = (uint64_t)n;
	snprintf(state, len, "%s", s);
	json_decref(j);
	return 0;
}

/*
 * Waits up to x->wait_s seconds for the token of checkpoint size to be
 * stored, re-opening the log to see it.  Returns 0 with x->tsr set, or 1
 * when none came (x->tsr NULL).
 */
static int
wait_token(struct export *x, uint64_t size)
{
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	unsigned i;
	int rc;

	for (i = 0; i <= x->wait_s * 5 && !interrupted; i++) {
		if (i > 0) {
			nanosleep(&pause, NULL);
			if (reopen_log(x) != 0)
				return 1;
		}
		rc = log_timestamp_get(x->log, size, &x->tsr, &x->tsrlen);
		if (rc == 0)
			return 0;
		if (rc != CUSTOS_ERR_NOTFOUND) {
			warnx("cannot read the timestamp of checkpoint %"
			    PRIu64 ": %s", size, custos_strerror(rc));
			return 1;
		}
	}
	return 1;
}

/*
 * Step 2: the checkpoint all proofs refer to and its token (docs/bundle.md
 * "What each part proves", 1 and 2).
 */
static int
checkpoint(struct export *x)
{
	uint64_t need = max_index(&x->ev) + 1, ts;
	char state[32];
	int rc;

	if (log_timestamp_latest(x->log, &ts) == 0 && ts >= need) {
		/* A stored, timestamped checkpoint covers it all already. */
		x->size = ts;
		if ((rc = log_timestamp_get(x->log, ts, &x->tsr,
		    &x->tsrlen)) != 0) {
			warnx("cannot read the timestamp of checkpoint %" PRIu64
			    ": %s", ts, custos_strerror(rc));
			return 1;
		}
	} else {
		if (request_checkpoint(x, &x->size, state, sizeof(state)) != 0)
			return 1;
		if (x->size < need) {
			warnx("custosd signed a checkpoint of %" PRIu64 " entries"
			    ", which does not cover entry %" PRIu64, x->size,
			    need - 1);
			return 1;
		}
		if (reopen_log(x) != 0)
			return 1;
		if (strcmp(state, "off") == 0)
			x->untimestamped = strdup("no TSA is configured "
			    "on the station");
		else if (wait_token(x, x->size) != 0) {
			if (interrupted)
				return 1;
			if (!x->allow_untimestamped) {
				warnx("the TSA did not timestamp checkpoint %"
				    PRIu64 " within %u s (see custosd's log); "
				    "retry, or export with "
				    "--allow-untimestamped", x->size,
				    x->wait_s);
				return 1;
			}
			if (asprintf(&x->untimestamped, "the TSA did not "
			    "timestamp checkpoint %" PRIu64 " within %u s",
			    x->size, x->wait_s) == -1)
				x->untimestamped = NULL;
		}
	}
	if ((rc = log_checkpoint_get(x->log, x->size, &x->note,
	    &x->notelen)) != 0) {
		warnx("cannot read checkpoint %" PRIu64 ": %s", x->size,
		    custos_strerror(rc));
		return 1;
	}
	return 0;
}

/*
 * Checks what the bundle will claim before writing it: the checkpoint is
 * signed by the station's key, and the token is over this checkpoint and
 * chains to the configured TSA CA (when the CA is still configured).
 */
static int
check_anchor(struct export *x)
{
	struct note_verifier *v = NULL;
	struct note *n = NULL;
	struct tsa_info info;
	char path[PATH_MAX], why[256] = "";
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "%s/station.vkey", x->cfg->state_dir);
	if ((rc = util_read_file(path, 4096, &x->vkey, &x->vkeylen)) != 0) {
		warnx("%s: cannot read the station's verifier key: %s", path,
		    custos_strerror(rc));
		return 1;
	}
	len = strcspn(x->vkey, "\n");
	if ((rc = note_verifier_parse(x->vkey, len, &v)) != 0 ||
	    (rc = note_parse(x->note, x->notelen, &n)) != 0 ||
	    (rc = note_verify(n, v)) != 0) {
		warnx("checkpoint %" PRIu64 " does not verify with %s: %s",
		    x->size, path, custos_strerror(rc));
		note_free(n);
		note_verifier_free(v);
		return 1;
	}
	snprintf(x->key_id, sizeof(x->key_id), "%08" PRIx32,
	    note_verifier_keyid(v));
	note_free(n);
	note_verifier_free(v);
	if (x->tsr == NULL)
		return 0;
	if (x->cfg->tsa_ca != NULL)
		rc = tsa_verify(x->tsr, x->tsrlen, x->note, x->notelen,
		    x->cfg->tsa_ca, NULL, &info, why, sizeof(why));
	else
		rc = tsa_parse(x->tsr, x->tsrlen, &info);
	if (rc != 0) {
		warnx("the stored timestamp of checkpoint %" PRIu64 " does not "
		    "verify: %s", x->size, why[0] ? why : custos_strerror(rc));
		return 1;
	}
	snprintf(x->tsr_time, sizeof(x->tsr_time), "%s", info.time);
	return 0;
}

/* The lower-case extension of name if it is 1-8 of [a-z0-9], else NULL. */
static const char *
name_ext(const char *name, char *buf, size_t len)
{
	const char *dot;
	size_t i, n;

	if (name == NULL || (dot = strrchr(name, '.')) == NULL ||
	    strchr(dot, '/') != NULL)
		return NULL;
	n = strlen(dot + 1);
	if (n < 1 || n > 8 || n >= len)
		return NULL;
	for (i = 0; i < n; i++) {
		buf[i] = (char)(dot[1 + i] >= 'A' && dot[1 + i] <= 'Z' ?
		    dot[1 + i] - 'A' + 'a' : dot[1 + i]);
		if (!((buf[i] >= 'a' && buf[i] <= 'z') ||
		    (buf[i] >= '0' && buf[i] <= '9')))
			return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/*
 * The extension of a sealed object: from the demuxer that read a segment
 * (libavformat's names), the original name breaking ties (mp4 or mov are
 * one demuxer); for a document or an unknown container, its name's own
 * extension; "bin" when nothing says.
 */
static const char *
media_ext(const json_t *e, char *buf, size_t len)
{
	static const char *const map[][2] = {
		{ "mpegts", "ts" }, { "matroska", "mkv" }, { "wav", "wav" },
		{ "avi", "avi" }, { "flv", "flv" }, { "jpeg_pipe", "jpg" },
		{ "mjpeg", "jpg" }, { "png_pipe", "png" }, { "mp3", "mp3" },
		{ "aac", "aac" }, { "ogg", "ogg" }, { "flac", "flac" },
		{ "h264", "h264" }, { "hevc", "h265" },
	};
	const char *c = str(json_object_get(e, "media"), "container");
	const char *own;
	size_t k;

	own = name_ext(str(e, strcmp(type_of(e), "document.sealed") == 0 ?
	    "name" : "path"), buf, len);
	if (c != NULL && (strstr(c, "mp4") != NULL || strstr(c, "mov") !=
	    NULL))
		return own != NULL && strcmp(own, "mov") == 0 ? "mov" : "mp4";
	for (k = 0; c != NULL && k < sizeof(map) / sizeof(map[0]); k++)
		if (strncmp(c, map[k][0], strlen(map[k][0])) == 0)
			return map[k][1];
	return own != NULL ? own : "bin";
}

/* Adds the object an entry seals to x->media, once per object. */
static int
add_media(struct export *x, const struct evidence_entry *e)
{
	const char *obj = str(e->json, "object");
	json_t *sz = json_object_get(e->json, "size");
	struct media *m;
	enum digest_alg alg;
	uint8_t hash[DIGEST_LEN];
	char hex[DIGEST_LEN * 2 + 1], ext[16];
	size_t k;

	if (obj == NULL || digest_parse(obj, &alg, hash) != 0 ||
	    alg != x->cfg->digest_alg || !json_is_integer(sz) ||
	    json_integer_value(sz) < 0) {
		warnx("entry %" PRIu64 " names no object of this station's "
		    "profile with a size", e->index);
		return 1;
	}
	for (k = 0; k < x->nmedia; k++)
		if (memcmp(x->media[k].hash, hash, DIGEST_LEN) == 0)
			return 0;
	if ((m = reallocarray(x->media, x->nmedia + 1, sizeof(*m))) == NULL)
		errx(1, "out of memory");
	x->media = m;
	m = &x->media[x->nmedia++];
	memcpy(m->hash, hash, DIGEST_LEN);
	hex_encode(hash, DIGEST_LEN, hex);
	snprintf(m->name, sizeof(m->name), "media/%s.%s", hex,
	    media_ext(e->json, ext, sizeof(ext)));
	m->size = (uint64_t)json_integer_value(sz);
	m->entry = e;
	return 0;
}

/* Every object a segment or a document of the chain seals. */
static int
collect_media(struct export *x)
{
	const struct evidence *ev = &x->ev;
	size_t k;

	for (k = 0; k < ev->n[EVIDENCE_SEGMENT]; k++)
		if (add_media(x, &ev->e[EVIDENCE_SEGMENT][k]) != 0)
			return 1;
	for (k = 0; k < ev->n[EVIDENCE_CHAIN]; k++)
		if (strcmp(type_of(ev->e[EVIDENCE_CHAIN][k].json),
		    "document.sealed") == 0 &&
		    add_media(x, &ev->e[EVIDENCE_CHAIN][k]) != 0)
			return 1;
	return 0;
}

/* The working-day calendars: every cn-YYYY.cal of calendar_dir. */
static void
collect_calendars(struct export *x)
{
	struct dirent *d;
	DIR *dir;
	char **a;

	if (x->cfg->calendar_dir == NULL ||
	    (dir = opendir(x->cfg->calendar_dir)) == NULL)
		return;
	while ((d = readdir(dir)) != NULL) {
		if (strncmp(d->d_name, "cn-", 3) != 0 || strlen(d->d_name) !=
		    strlen("cn-YYYY.cal") || strcmp(d->d_name + 7, ".cal") != 0)
			continue;
		if ((a = reallocarray(x->cals, x->ncals + 1,
		    sizeof(*a))) == NULL ||
		    (a[x->ncals] = strdup(d->d_name)) == NULL)
			errx(1, "out of memory");
		x->cals = a;
		x->ncals++;
	}
	closedir(dir);
}

/* The latest context entry of type whose key is value, before index. */
static const json_t *
context(const struct evidence *ev, const char *type, const char *key,
    const char *value, uint64_t before)
{
	const json_t *found = NULL;
	size_t k;

	if (value == NULL)
		return NULL;
	for (k = 0; k < ev->n[EVIDENCE_CONTEXT]; k++) {
		const struct evidence_entry *e = &ev->e[EVIDENCE_CONTEXT][k];

		if (e->index < before && strcmp(type_of(e->json), type) == 0 &&
		    str(e->json, key) != NULL &&
		    strcmp(str(e->json, key), value) == 0)
			found = e->json;
	}
	return found;
}

/* The dock.session that lists segment as sealed (else at all), or -1. */
static json_int_t
session_of(const struct evidence *ev, uint64_t segment)
{
	json_int_t any = -1;
	json_t *inv, *item;
	size_t k, i;

	for (k = 0; k < ev->n[EVIDENCE_SESSION]; k++) {
		inv = json_object_get(ev->e[EVIDENCE_SESSION][k].json,
		    "inventory");
		json_array_foreach(inv, i, item) {
			if (json_integer_value(json_object_get(item,
			    "index")) != (json_int_t)segment ||
			    !json_is_integer(json_object_get(item, "index")))
				continue;
			if (str(item, "status") != NULL &&
			    strcmp(str(item, "status"), "sealed") == 0)
				return (json_int_t)ev->e[EVIDENCE_SESSION][k].
				    index;
			if (any < 0)
				any = (json_int_t)ev->e[EVIDENCE_SESSION][k].
				    index;
		}
	}
	return any;
}

/* Whether segment is linked now: links and unlinks in chain order. */
static int
linked_now(const struct evidence *ev, uint64_t segment)
{
	const json_t *e;
	size_t k;
	int linked = 0;

	for (k = 0; k < ev->n[EVIDENCE_CHAIN]; k++) {
		e = ev->e[EVIDENCE_CHAIN][k].json;
		if (json_integer_value(json_object_get(e, "segment")) !=
		    (json_int_t)segment)
			continue;
		if (strcmp(type_of(e), "evidence.linked") == 0)
			linked = 1;
		else if (strcmp(type_of(e), "evidence.unlinked") == 0)
			linked = 0;
	}
	return linked;
}

static void
set_str(json_t *o, const char *key, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, key, json_string(v));
}

/* What kind of item a segment is, from its streams. */
static const char *
segment_kind(const json_t *e, const char *name)
{
	json_t *streams = json_object_get(json_object_get(e, "media"),
	    "streams"), *s;
	size_t k;
	int video = 0, audio = 0;
	const char *dot = strrchr(name, '.');

	if (dot != NULL && (strcmp(dot, ".jpg") == 0 || strcmp(dot,
	    ".png") == 0))
		return "image";
	json_array_foreach(streams, k, s) {
		video |= str(s, "kind") != NULL && strcmp(str(s, "kind"),
		    "video") == 0;
		audio |= str(s, "kind") != NULL && strcmp(str(s, "kind"),
		    "audio") == 0;
	}
	return video ? "video" : audio ? "audio" : "other";
}

/* made, time and maker of a segment item, from its entry and context. */
static void
segment_item(const struct evidence *ev, const struct evidence_entry *se,
    json_t *made, json_t *tm, json_t *maker)
{
	const json_t *e = se->json, *dev, *as, *off;
	json_t *media = json_object_get(e, "media");
	const char *officer, *cam = str(e, "camera");
	json_int_t s;

	set_str(made, "method", str(e, "source"));
	set_str(made, "device", cam);
	if ((dev = context(ev, "device.registered", "camera", cam,
	    se->index)) != NULL) {
		set_str(made, "device_kind", str(dev, "kind"));
		set_str(made, "model", str(dev, "model"));
		set_str(made, "review", str(dev, "review"));
	}
	set_str(made, "original_name", str(e, "path"));
	set_str(made, "container", str(media, "container"));
	if ((s = session_of(ev, se->index)) >= 0)
		json_object_set_new(made, "session", json_integer(s));
	set_str(tm, "recorded_start", str(media, "recorded_start"));
	if (json_is_integer(json_object_get(media, "duration_ms")))
		json_object_set(tm, "duration_ms", json_object_get(media,
		    "duration_ms"));
	set_str(tm, "mtime", str(e, "mtime"));
	/* Who carried the camera: the sealer's note, else the assignment. */
	officer = str(e, "officer");
	as = context(ev, "camera.assigned", "camera", cam, se->index);
	if (officer == NULL && as != NULL)
		officer = str(as, "officer");
	if (officer == NULL)
		return;
	set_str(maker, "officer", officer);
	if ((off = context(ev, "officer.added", "officer", officer,
	    UINT64_MAX)) != NULL)
		set_str(maker, "name", str(off, "name"));
}

/*
 * One item of MANIFEST.json: how, when and by whom it was made and what
 * it is meant to prove (行政诉讼证据规定 Art. 12).
 */
static json_t *
manifest_item(const struct export *x, const struct media *m,
    const char *purpose)
{
	const json_t *e = m->entry->json;
	json_t *it, *made, *tm, *maker;
	int doc = strcmp(type_of(e), "document.sealed") == 0;

	it = json_pack("{s:s, s:s, s:I, s:I}", "path", m->name, "object",
	    str(e, "object"), "size", (json_int_t)m->size, "entry",
	    (json_int_t)m->entry->index);
	made = json_object();
	tm = json_object();
	maker = json_object();
	if (it == NULL || made == NULL || tm == NULL || maker == NULL)
		errx(1, "out of memory");
	if (doc) {
		set_str(it, "kind", str(e, "kind") != NULL &&
		    strcmp(str(e, "kind"), "photo") == 0 ? "image" :
		    "document");
		set_str(made, "method", "document");
		set_str(made, "document_kind", str(e, "kind"));
		set_str(made, "name", str(e, "name"));
	} else {
		set_str(it, "kind", segment_kind(e, m->name));
		segment_item(&x->ev, m->entry, made, tm, maker);
	}
	set_str(tm, "sealed", str(e, "time"));
	json_object_set_new(it, "made", made);
	json_object_set_new(it, "time", tm);
	if (json_object_size(maker) > 0)
		json_object_set_new(it, "maker", maker);
	else
		json_decref(maker);
	set_str(it, "purpose", purpose);
	json_object_set_new(it, "linked", json_boolean(doc ||
	    linked_now(&x->ev, m->entry->index)));
	json_object_set_new(it, "transcript", json_null());
	return it;
}

static const char *const role_names[EVIDENCE_NROLES] = {
	"chain", "segment", "session", "context", "station"
};

/* The user running the export, as the system names it. */
static const char *
user_name(void)
{
	struct passwd *pw = getpwuid(getuid());

	return pw != NULL ? pw->pw_name : "unknown";
}

/* MANIFEST.json (docs/bundle.md), and its digest. */
static int
build_manifest(struct export *x, int64_t now)
{
	const struct evidence *ev = &x->ev;
	json_t *m, *chain, *ents, *items, *ts;
	char when[32], *purpose = NULL;
	uint8_t h[DIGEST_LEN];
	size_t r, k;

	if (x->purpose == NULL && asprintf(&purpose, "the conduct of "
	    "inspection %s", x->id) == -1)
		errx(1, "out of memory");
	rfc3339_format(now, when, sizeof(when));
	m = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "format",
	    BUNDLE_FORMAT, "profile", profile_name(x->cfg->profile),
	    "station", x->cfg->station_name, "key_id", x->key_id,
	    "inspection", x->id, "checkpoint_size", (json_int_t)x->size);
	chain = json_array();
	ents = json_array();
	items = json_array();
	if (m == NULL || chain == NULL || ents == NULL || items == NULL)
		errx(1, "out of memory");
	if (x->tsr != NULL) {
		ts = json_pack("{s:s}", "time", x->tsr_time);
		if (ts != NULL && x->cfg->tsa_url != NULL)
			set_str(ts, "tsa", x->cfg->tsa_url);
		json_object_set_new(m, "timestamp", ts);
	} else
		set_str(m, "untimestamped", x->untimestamped != NULL ?
		    x->untimestamped : "no timestamp");
	set_str(m, "exported_at", when);
	set_str(m, "exported_by", user_name());
	for (k = 0; k < ev->n[EVIDENCE_CHAIN]; k++)
		json_array_append_new(chain, json_integer(
		    (json_int_t)ev->e[EVIDENCE_CHAIN][k].index));
	json_object_set_new(m, "chain", chain);
	for (r = 0; r < EVIDENCE_NROLES; r++)
		for (k = 0; k < ev->n[r]; k++)
			json_array_append_new(ents, json_pack("{s:I, s:s, s:s}",
			    "index", (json_int_t)ev->e[r][k].index, "type",
			    type_of(ev->e[r][k].json), "role", role_names[r]));
	json_object_set_new(m, "entries", ents);
	for (k = 0; k < x->nmedia; k++)
		json_array_append_new(items, manifest_item(x, &x->media[k],
		    x->purpose != NULL ? x->purpose : purpose));
	json_object_set_new(m, "items", items);
	if (x->ncals > 0) {
		json_t *cals = json_array();

		for (k = 0; k < x->ncals; k++)
			json_array_append_new(cals, json_sprintf("calendar/%s",
			    x->cals[k]));
		json_object_set_new(m, "calendars", cals);
	}
	free(purpose);
	x->manifest = json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(m);
	if (x->manifest == NULL)
		errx(1, "out of memory");
	x->manifestlen = strlen(x->manifest);
	/* The manifest ends with a newline like any text file. */
	x->manifest = realloc(x->manifest, x->manifestlen + 2);
	if (x->manifest == NULL)
		errx(1, "out of memory");
	x->manifest[x->manifestlen++] = '\n';
	x->manifest[x->manifestlen] = '\0';
	/* Named sha256 whatever the profile: docs/bundle.md says so. */
	if (digest_buf(DIGEST_SHA256, x->manifest, x->manifestlen, h) != 0 ||
	    digest_format(DIGEST_SHA256, h, x->manifest_digest,
	    sizeof(x->manifest_digest)) != 0)
		errx(1, "cannot hash the manifest");
	return 0;
}

/* Draws the progress bar on a terminal when the percentage changed. */
static void
progress(struct out *o, int last)
{
	char bar[41];
	int pct, fill, k;

	if (!o->tty)
		return;
	pct = o->total == 0 ? 100 : (int)(o->done * 100 / o->total);
	if (pct == o->drawn && !last)
		return;
	o->drawn = pct;
	fill = pct * 40 / 100;
	for (k = 0; k < 40; k++)
		bar[k] = k < fill ? '#' : '.';
	bar[40] = '\0';
	fprintf(stderr, "\rexport [%s] %3d%% %" PRIu64 "/%" PRIu64 " MiB%s",
	    bar, pct, o->done >> 20, o->total >> 20, last ? "\n" : "");
}

/* Creates the temporary bundle beside final. */
static int
out_open(struct out *o, const char *final, int tar)
{
	static const char *const dirs[] = { "entries", "proofs", "media",
	    "calendar", NULL };
	const char *slash = strrchr(final, '/');
	size_t k;

	o->final = final;
	o->fd = o->dirfd = -1;
	o->drawn = -1;
	o->tar = tar;
	o->tty = isatty(STDERR_FILENO);
	if (asprintf(&o->tmp, "%.*s.%s.partial-%ld", slash != NULL ?
	    (int)(slash - final + 1) : 0, final, slash != NULL ? slash + 1 :
	    final, (long)getpid()) == -1)
		errx(1, "out of memory");
	if (tar) {
		if ((o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_CLOEXEC, 0644)) == -1) {
			warn("%s", o->tmp);
			return 1;
		}
		o->created = 1;
		if ((o->a = archive_write_new()) == NULL ||
		    (o->ae = archive_entry_new()) == NULL)
			errx(1, "out of memory");
		if (archive_write_set_format_pax_restricted(o->a) !=
		    ARCHIVE_OK || archive_write_set_bytes_in_last_block(o->a,
		    1) != ARCHIVE_OK || archive_write_open_fd(o->a, o->fd) !=
		    ARCHIVE_OK) {
			warnx("%s: %s", o->tmp, archive_error_string(o->a));
			return 1;
		}
		return 0;
	}
	if (mkdir(o->tmp, 0755) == -1) {
		warn("%s", o->tmp);
		return 1;
	}
	o->created = 1;
	if ((o->dirfd = open(o->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1) {
		warn("%s", o->tmp);
		return 1;
	}
	for (k = 0; dirs[k] != NULL; k++)
		if (mkdirat(o->dirfd, dirs[k], 0755) == -1) {
			warn("%s/%s", o->tmp, dirs[k]);
			return 1;
		}
	return 0;
}

/* Starts member name of size bytes. */
static int
out_begin(struct out *o, const char *name, uint64_t size)
{
	if (o->tar) {
		archive_entry_clear(o->ae);
		archive_entry_set_pathname(o->ae, name);
		archive_entry_set_filetype(o->ae, AE_IFREG);
		archive_entry_set_perm(o->ae, 0644);
		archive_entry_set_size(o->ae, (la_int64_t)size);
		archive_entry_set_mtime(o->ae, time(NULL), 0);
		if (archive_write_header(o->a, o->ae) != ARCHIVE_OK) {
			warnx("%s: %s: %s", o->tmp, name,
			    archive_error_string(o->a));
			return 1;
		}
		return 0;
	}
	if ((o->fd = openat(o->dirfd, name, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC, 0644)) == -1) {
		warn("%s/%s", o->tmp, name);
		return 1;
	}
	return 0;
}

static int
out_write(struct out *o, const void *buf, size_t len)
{
	la_ssize_t n;
	int rc;

	if (o->tar) {
		if ((n = archive_write_data(o->a, buf, len)) < 0 ||
		    (size_t)n != len) {
			warnx("%s: %s", o->tmp, archive_error_string(o->a));
			return 1;
		}
	} else if ((rc = util_write_all(o->fd, buf, len)) != 0) {
		warn("%s", o->tmp);
		return 1;
	}
	o->done += len;
	progress(o, 0);
	return 0;
}

static int
out_end(struct out *o)
{
	o->files++;
	if (o->tar) {
		if (archive_write_finish_entry(o->a) != ARCHIVE_OK) {
			warnx("%s: %s", o->tmp, archive_error_string(o->a));
			return 1;
		}
		return 0;
	}
	if (fsync(o->fd) == -1 || close(o->fd) == -1) {
		warn("%s", o->tmp);
		o->fd = -1;
		return 1;
	}
	o->fd = -1;
	return 0;
}

/* A whole member from memory. */
static int
out_file(struct out *o, const char *name, const void *buf, size_t len)
{
	if (out_begin(o, name, len) != 0 || (len > 0 && out_write(o, buf,
	    len) != 0) || out_end(o) != 0)
		return 1;
	return 0;
}

static int
fsync_at(int dirfd, const char *name)
{
	int fd, rc;

	if ((fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Makes the temporary bundle durable (not yet under its final name). */
static int
out_finish(struct out *o)
{
	static const char *const dirs[] = { "entries", "proofs", "media",
	    "calendar", ".", NULL };
	size_t k;

	progress(o, 1);
	if (o->tar) {
		if (archive_write_close(o->a) != ARCHIVE_OK) {
			warnx("%s: %s", o->tmp, archive_error_string(o->a));
			return 1;
		}
		if (fsync(o->fd) == -1) {
			warn("%s", o->tmp);
			return 1;
		}
		return 0;
	}
	for (k = 0; dirs[k] != NULL; k++)
		if (fsync_at(o->dirfd, dirs[k]) == -1) {
			warn("%s/%s", o->tmp, dirs[k]);
			return 1;
		}
	return 0;
}

/* Renames the bundle into place, never over something that is there. */
static int
out_commit(struct out *o)
{
	char *parent, *slash;

	if (renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->final,
	    RENAME_NOREPLACE) == -1) {
		warn("cannot rename %s to %s", o->tmp, o->final);
		return 1;
	}
	free(o->tmp);
	o->tmp = NULL;
	if ((parent = strdup(o->final)) == NULL)
		errx(1, "out of memory");
	if ((slash = strrchr(parent, '/')) != NULL)
		*(slash == parent ? slash + 1 : slash) = '\0';
	else
		strcpy(parent, ".");
	if (util_fsync_dir(parent) != 0)
		warn("%s", parent);
	free(parent);
	return 0;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

/* Frees o and removes what is left under its temporary name. */
static void
out_close(struct out *o)
{
	if (o->a != NULL)
		archive_write_free(o->a);
	archive_entry_free(o->ae);
	if (o->fd != -1)
		close(o->fd);
	if (o->dirfd != -1)
		close(o->dirfd);
	if (o->created && o->tmp != NULL && nftw(o->tmp, rm_entry, 16,
	    FTW_DEPTH | FTW_PHYS) == -1 && errno != ENOENT)
		warn("cannot remove %s", o->tmp);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}

/* entries/<index>.json and proofs/<index>.proof of one entry. */
static int
write_entry(struct export *x, struct out *o, const struct evidence_entry *e)
{
	uint8_t proof[MERKLE_MAX_PROOF][DIGEST_LEN];
	char name[64], text[MERKLE_MAX_PROOF * 46];
	size_t n, k, len = 0;
	int rc;

	snprintf(name, sizeof(name), "entries/%" PRIu64 ".json", e->index);
	if (out_file(o, name, e->bytes, e->len) != 0)
		return 1;
	if ((rc = log_prove_inclusion(x->log, e->index, x->size, proof,
	    &n)) != 0) {
		warnx("cannot prove entry %" PRIu64 " in tree %" PRIu64 ": %s",
		    e->index, x->size, custos_strerror(rc));
		return 1;
	}
	for (k = 0; k < n; k++) {
		len += b64_encode(proof[k], DIGEST_LEN, text + len);
		text[len++] = '\n';
	}
	snprintf(name, sizeof(name), "proofs/%" PRIu64 ".proof", e->index);
	return out_file(o, name, text, len);
}

/*
 * Copies media object m from the store into the bundle, hashing it on
 * the way: the bundle gets the bytes that were hashed, and bytes that no
 * longer match their entry stop the export.
 */
static int
write_media(struct export *x, struct out *o, const struct media *m,
    uint8_t *buf, struct digest *d)
{
	char path[PATH_MAX], want[DIGEST_STRLEN], got[DIGEST_STRLEN];
	uint8_t hash[DIGEST_LEN];
	uint64_t left = m->size;
	struct stat sb;
	ssize_t n;
	int fd, rc = 1;

	digest_format(x->cfg->digest_alg, m->hash, want, sizeof(want));
	if (store_path(x->store, m->hash, path, sizeof(path)) != 0)
		errx(1, "store path too long");
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		warn("object %s of entry %" PRIu64 " (%s)", want,
		    m->entry->index, path);
		return 1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size != m->size) {
		warnx("object %s in the store has %lld bytes, entry %" PRIu64
		    " says %" PRIu64 ": the store does not match the log",
		    want, (long long)sb.st_size, m->entry->index, m->size);
		close(fd);
		return 1;
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (digest_reset(d) != 0 || out_begin(o, m->name, m->size) != 0)
		goto done;
	while (left > 0 && !interrupted) {
		n = read(fd, buf, left < COPY_CHUNK ? (size_t)left :
		    COPY_CHUNK);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				warnx("%s: shorter than its %" PRIu64 " bytes",
				    path, m->size);
			else
				warn("%s", path);
			goto done;
		}
		if (digest_update(d, buf, (size_t)n) != 0 ||
		    out_write(o, buf, (size_t)n) != 0)
			goto done;
		left -= (uint64_t)n;
	}
	if (interrupted || digest_final(d, hash) != 0)
		goto done;
	if (memcmp(hash, m->hash, DIGEST_LEN) != 0) {
		digest_format(x->cfg->digest_alg, hash, got, sizeof(got));
		warnx("object %s in the store now hashes to %s: it does not "
		    "match entry %" PRIu64 "; the store is damaged, nothing "
		    "exported", want, got, m->entry->index);
		goto done;
	}
	rc = out_end(o);
done:
	close(fd);
	return rc;
}

/* The calendar file name from calendar_dir. */
static int
write_calendar(struct export *x, struct out *o, const char *name)
{
	char path[PATH_MAX], member[64], *buf;
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", x->cfg->calendar_dir, name);
	if ((rc = util_read_file(path, 1 << 20, &buf, &len)) != 0) {
		warnx("%s: %s", path, custos_strerror(rc));
		return 1;
	}
	snprintf(member, sizeof(member), "calendar/%s", name);
	rc = out_file(o, member, buf, len);
	free(buf);
	return rc;
}

/* Step 3: every member, MANIFEST.json first and the media last. */
static int
write_bundle(struct export *x, struct out *o)
{
	const struct evidence *ev = &x->ev;
	struct digest *d = NULL;
	uint8_t *buf;
	size_t r, k;
	int rc = 1;

	o->total = x->manifestlen + x->notelen + x->tsrlen + x->vkeylen;
	for (r = 0; r < EVIDENCE_NROLES; r++)
		for (k = 0; k < ev->n[r]; k++)
			o->total += ev->e[r][k].len;
	for (k = 0; k < x->nmedia; k++)
		o->total += x->media[k].size;
	if ((buf = malloc(COPY_CHUNK)) == NULL || digest_new(
	    x->cfg->digest_alg, &d) != 0)
		errx(1, "out of memory");
	if (out_file(o, "MANIFEST.json", x->manifest, x->manifestlen) != 0 ||
	    out_file(o, "checkpoint", x->note, x->notelen) != 0 ||
	    (x->tsr != NULL && out_file(o, "checkpoint.tsr", x->tsr,
	    x->tsrlen) != 0) ||
	    out_file(o, "station.vkey", x->vkey, x->vkeylen) != 0)
		goto done;
	for (r = 0; r < EVIDENCE_NROLES; r++)
		for (k = 0; k < ev->n[r]; k++)
			if (write_entry(x, o, &ev->e[r][k]) != 0)
				goto done;
	for (k = 0; k < x->ncals; k++)
		if (write_calendar(x, o, x->cals[k]) != 0)
			goto done;
	for (k = 0; k < x->nmedia; k++)
		if (write_media(x, o, &x->media[k], buf, d) != 0)
			goto done;
	rc = interrupted ? 1 : out_finish(o);
done:
	if (interrupted)
		warnx("interrupted; nothing exported");
	digest_free(d);
	free(buf);
	return rc;
}

/* Step 4: the bundle.exported entry in the inspection's chain. */
static int
log_export(struct export *x, const struct out *o)
{
	json_t *body, *j;
	char path[512];

	if (cli_registry_id_path(path, sizeof(path), "/v1/inspections/", x->id,
	    "/exported") != 0)
		errx(1, "inspection ID too long");
	body = json_pack("{s:I, s:s, s:I, s:I, s:s}", "checkpoint_size",
	    (json_int_t)x->size, "manifest", x->manifest_digest, "files",
	    (json_int_t)o->files, "bytes", (json_int_t)o->done, "format",
	    o->tar ? "tar" : "dir");
	if (body == NULL)
		errx(1, "out of memory");
	if (x->purpose != NULL)
		set_str(body, "purpose", x->purpose);
	j = cli_registry_call(x->cfg, path, body);
	json_decref(body);
	if (j == NULL) {
		warnx("the export could not be logged; nothing exported");
		return 1;
	}
	x->logged = (uint64_t)json_integer_value(json_object_get(j, "index"));
	json_decref(j);
	return 0;
}

static void
summary(const struct export *x, const struct out *o)
{
	json_t *j;
	char *s;

	if (!x->json) {
		printf("exported %s to %s (%s): %" PRIu64 " files, %" PRIu64
		    " bytes, %zu media\n", x->id, x->output, o->tar ? "tar" :
		    "directory", o->files, o->done, x->nmedia);
		printf("checkpoint: tree size %" PRIu64 ", %s%s\n", x->size,
		    x->tsr != NULL ? "timestamped " : "NOT timestamped: ",
		    x->tsr != NULL ? x->tsr_time : x->untimestamped);
		printf("manifest:   %s\nlogged:     bundle.exported, entry %"
		    PRIu64 "\n", x->manifest_digest, x->logged);
		return;
	}
	j = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:I}",
	    "inspection", x->id, "output", x->output, "format", o->tar ?
	    "tar" : "dir", "files", (json_int_t)o->files, "bytes",
	    (json_int_t)o->done, "media", (json_int_t)x->nmedia,
	    "checkpoint_size", (json_int_t)x->size, "manifest",
	    x->manifest_digest, "logged_index", (json_int_t)x->logged);
	if (j == NULL)
		errx(1, "out of memory");
	if (x->tsr != NULL)
		set_str(j, "timestamp", x->tsr_time);
	else
		set_str(j, "untimestamped", x->untimestamped);
	if ((s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) == NULL)
		errx(1, "out of memory");
	printf("%s\n", s);
	free(s);
	json_decref(j);
}

static void
export_free(struct export *x)
{
	size_t k;

	evidence_free(&x->ev);
	log_close(x->log);
	catalog_close(x->catalog);
	registry_close(x->registry);
	store_close(x->store);
	free(x->note);
	free(x->tsr);
	free(x->untimestamped);
	free(x->vkey);
	free(x->media);
	for (k = 0; k < x->ncals; k++)
		free(x->cals[k]);
	free(x->cals);
	free(x->manifest);
	free(x->outbuf);
}

static int
parse_args(struct export *x, int argc, char *argv[])
{
	unsigned long long w;
	size_t len;
	int i;

	x->wait_s = WAIT_DEFAULT;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			x->output = argv[++i];
		else if (strcmp(argv[i], "--purpose") == 0 && i + 1 < argc)
			x->purpose = argv[++i];
		else if (strcmp(argv[i], "--wait") == 0 && i + 1 < argc) {
			if (cli_parse_u64(argv[++i], &w) != 0 || w > 3600) {
				warnx("--wait: not a number of seconds "
				    "(0-3600): %s", argv[i]);
				return 2;
			}
			x->wait_s = (unsigned)w;
		} else if (strcmp(argv[i], "--allow-untimestamped") == 0)
			x->allow_untimestamped = 1;
		else if (strcmp(argv[i], "--json") == 0)
			x->json = 1;
		else if (argv[i][0] != '-' && x->id == NULL)
			x->id = argv[i];
		else
			return usage();
	}
	if (x->id == NULL || x->output == NULL || x->output[0] == '\0')
		return usage();
	/* "out/" names the directory out; the temporary name goes beside. */
	len = strlen(x->output);
	while (len > 1 && x->output[len - 1] == '/')
		len--;
	if ((x->outbuf = strndup(x->output, len)) == NULL)
		errx(1, "out of memory");
	x->output = x->outbuf;
	return 0;
}

/* Steps 1 to 5 once the output path is known to be free. */
static int
run(struct export *x)
{
	struct timespec now;
	struct out o;
	size_t len;
	int rc, tar;

	if (open_station(x) != 0)
		return 1;
	if ((rc = evidence_gather(x->log, x->registry, x->catalog, x->id,
	    &x->ev)) != 0) {
		if (rc == CUSTOS_ERR_NOTFOUND)
			warnx("no inspection %s", x->id);
		else
			warnx("cannot gather inspection %s: %s", x->id,
			    custos_strerror(rc));
		return 1;
	}
	if (collect_media(x) != 0 || checkpoint(x) != 0 ||
	    check_anchor(x) != 0)
		return 1;
	collect_calendars(x);
	clock_gettime(CLOCK_REALTIME, &now);
	build_manifest(x, (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000);
	len = strlen(x->output);
	tar = len > 4 && strcmp(x->output + len - 4, ".tar") == 0;
	memset(&o, 0, sizeof(o));
	rc = 1;
	if (out_open(&o, x->output, tar) == 0 && write_bundle(x, &o) == 0 &&
	    log_export(x, &o) == 0 && out_commit(&o) == 0) {
		summary(x, &o);
		rc = 0;
	}
	out_close(&o);
	return rc;
}

int
cli_export(const struct config *cfg, int argc, char *argv[])
{
	struct export x;
	struct sigaction sa;
	struct stat sb;
	int rc;

	memset(&x, 0, sizeof(x));
	x.cfg = cfg;
	if ((rc = parse_args(&x, argc, argv)) != 0)
		return rc;
	if (lstat(x.output, &sb) == 0) {
		warnx("%s exists; not overwriting it", x.output);
		export_free(&x);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	rc = run(&x);
	export_free(&x);
	return rc;
}
