/*
 * bundle_layout: the names and size limits of an evidence bundle's
 * members (bundle.h, docs/bundle.md "Layout").  The table below is the
 * only place they are written down: the reader sorts names with it and
 * the writer makes names with it, each name checked against it, so that
 * what export writes is what the verifier reads.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "custos/bundle.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"

/*
 * One line per kind: the fixed members by their name, the others by
 * their directory (dir set), the part after an index or a hash, and the
 * size limit of the small ones.
 */
static const struct layout {
	enum bundle_kind	 kind;
	const char		*name;		/* the member, or its directory */
	int			 dir;
	const char		*suffix;	/* after the index or hash */
	size_t			 limit;
} layout[] = {
	{ BUNDLE_MANIFEST, "MANIFEST.json", 0, NULL, BUNDLE_MAX_MANIFEST },
	{ BUNDLE_CHECKPOINT, "checkpoint", 0, NULL, BUNDLE_MAX_CHECKPOINT },
	{ BUNDLE_TSR, "checkpoint.tsr", 0, NULL, BUNDLE_MAX_TSR },
	{ BUNDLE_VKEY, "station.vkey", 0, NULL, BUNDLE_MAX_VKEY },
	{ BUNDLE_ENTRY, "entries", 1, ".json", BUNDLE_MAX_ENTRY },
	{ BUNDLE_PROOF, "proofs", 1, ".proof", BUNDLE_MAX_PROOF },
	{ BUNDLE_MEDIA, "media", 1, NULL, 0 },
	{ BUNDLE_CALENDAR, "calendar", 1, ".cal", BUNDLE_MAX_CALENDAR },
	{ BUNDLE_TRANSCRIPT, "transcripts", 1, ".txt", 0 },
	/* One directory, two kinds: dir_member() tells them apart. */
	{ BUNDLE_CLIP, "clips", 1, NULL, 0 },
	{ BUNDLE_CLIP_PROOF, "clips", 1, ".packets", BUNDLE_MAX_CLIP_PROOF },
};
#define NLAYOUT		(sizeof(layout) / sizeof(layout[0]))

/* Calendar files: "cn-" YYYY ".cal". */
#define CAL_PREFIX	"cn-"
#define CAL_YEAR	4

static const struct layout *
layout_of(enum bundle_kind kind)
{
	size_t i;

	for (i = 0; i < NLAYOUT; i++)
		if (layout[i].kind == kind)
			return &layout[i];
	return NULL;
}

const char *
bundle_kind_name(enum bundle_kind kind)
{
	const struct layout *l = layout_of(kind);

	return l != NULL ? l->name : NULL;
}

size_t
bundle_kind_limit(enum bundle_kind kind)
{
	const struct layout *l = layout_of(kind);

	return l != NULL ? l->limit : 0;
}

/* "<digits>" + suffix exactly, no leading zero, at most 19 digits. */
static int
index_name(const char *s, const char *suffix, uint64_t *index,
    const char **why)
{
	size_t n = 0;
	uint64_t v = 0;

	while (s[n] >= '0' && s[n] <= '9') {
		if (n == 19) {
			*why = "index too large";
			return CUSTOS_ERR_FORMAT;
		}
		v = v * 10 + (uint64_t)(s[n] - '0');
		n++;
	}
	if (n == 0 || strcmp(s + n, suffix) != 0) {
		*why = "not a name of the bundle layout";
		return CUSTOS_ERR_FORMAT;
	}
	if (n > 1 && s[0] == '0') {
		*why = "index with a leading zero";
		return CUSTOS_ERR_FORMAT;
	}
	*index = v;
	return 0;
}

/* 1 to 8 of [a-z0-9]. */
static int
ext_ok(const char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++)
		if (!((s[n] >= '0' && s[n] <= '9') ||
		    (s[n] >= 'a' && s[n] <= 'z')) || n == 8)
			return 0;
	return n > 0;
}

/* 64 lower-case hex digits, then suffix, or "." and an extension. */
static int
hex_name(const char *s, const char *suffix, const char **why)
{
	size_t i;

	for (i = 0; i < 2 * DIGEST_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f'))) {
			*why = "not named by a lower-case hex hash";
			return CUSTOS_ERR_FORMAT;
		}
	if (s[i] != '.') {
		*why = "not named by a lower-case hex hash";
		return CUSTOS_ERR_FORMAT;
	}
	if (suffix != NULL) {
		if (strcmp(s + i, suffix) != 0) {
			*why = "not a name of the bundle layout";
			return CUSTOS_ERR_FORMAT;
		}
		return 0;
	}
	if (!ext_ok(s + i + 1)) {
		*why = "media extension not 1 to 8 of [a-z0-9]";
		return CUSTOS_ERR_FORMAT;
	}
	return 0;
}

/* "cn-YYYY.cal" exactly. */
static int
calendar_name(const char *s)
{
	size_t i, p = strlen(CAL_PREFIX);

	if (strncmp(s, CAL_PREFIX, p) != 0 || strlen(s) != p + CAL_YEAR +
	    strlen(layout_of(BUNDLE_CALENDAR)->suffix) ||
	    strcmp(s + p + CAL_YEAR, layout_of(BUNDLE_CALENDAR)->suffix) != 0)
		return 0;
	for (i = p; i < p + CAL_YEAR; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * clips/<index>.packets (BUNDLE_CLIP_PROOF) or clips/<index>.<ext>
 * (BUNDLE_CLIP, ext 1 to 8 of [a-z0-9] and not "packets").
 */
static int
clip_name(const char *rest, enum bundle_kind *kind, uint64_t *index,
    const char **why)
{
	const char *suffix = layout_of(BUNDLE_CLIP_PROOF)->suffix;
	const char *dot;

	if ((dot = strchr(rest, '.')) == NULL) {
		*why = "not a name of the bundle layout";
		return CUSTOS_ERR_FORMAT;
	}
	if (strcmp(dot, suffix) == 0) {
		*kind = BUNDLE_CLIP_PROOF;
		return index_name(rest, suffix, index, why);
	}
	*kind = BUNDLE_CLIP;
	if (!ext_ok(dot + 1)) {
		*why = "clip extension not 1 to 8 of [a-z0-9]";
		return CUSTOS_ERR_FORMAT;
	}
	/* The digits must run up to the first dot. */
	return index_name(rest, dot, index, why);
}

/* A member inside the directory of l: rest is what follows "dir/". */
static int
dir_member(const struct layout *l, const char *rest, enum bundle_kind *kind,
    uint64_t *index, const char **why)
{
	switch (l->kind) {
	case BUNDLE_ENTRY:
	case BUNDLE_PROOF:
		return index_name(rest, l->suffix, index, why);
	case BUNDLE_CLIP:
	case BUNDLE_CLIP_PROOF:
		return clip_name(rest, kind, index, why);
	case BUNDLE_MEDIA:
	case BUNDLE_TRANSCRIPT:
		return hex_name(rest, l->suffix, why);
	case BUNDLE_CALENDAR:
		if (calendar_name(rest))
			return 0;
		break;
	default:
		break;
	}
	*why = "not a name of the bundle layout";
	return CUSTOS_ERR_FORMAT;
}

int
bundle_name_check(const char *name, enum bundle_kind *kind, uint64_t *index,
    const char **why)
{
	size_t i, len, dl;

	*index = 0;
	if (strncmp(name, "./", 2) == 0)
		name += 2;
	len = strlen(name);
	if (name[0] == '/') {
		*why = "absolute name";
		return CUSTOS_ERR_FORMAT;
	}
	if (strcmp(name, "..") == 0 || strncmp(name, "../", 3) == 0 ||
	    strstr(name, "/../") != NULL ||
	    (len >= 3 && strcmp(name + len - 3, "/..") == 0)) {
		*why = "name contains \"..\"";
		return CUSTOS_ERR_FORMAT;
	}
	if (len == 0 || len > BUNDLE_MAX_NAME) {
		*why = len == 0 ? "empty name" : "name too long";
		return CUSTOS_ERR_FORMAT;
	}
	for (i = 0; i < NLAYOUT; i++) {
		if (strcmp(name, layout[i].name) == 0) {
			*kind = layout[i].dir ? BUNDLE_DIR : layout[i].kind;
			return 0;
		}
		dl = strlen(layout[i].name);
		if (layout[i].dir && strncmp(name, layout[i].name, dl) == 0 &&
		    name[dl] == '/') {
			*kind = layout[i].kind;
			return dir_member(&layout[i], name + dl + 1, kind,
			    index, why);
		}
	}
	*why = "not a name of the bundle layout";
	return CUSTOS_ERR_FORMAT;
}

/* Checks that buf, just made for kind, is such a name of the layout. */
static int
made(int n, const char *buf, size_t len, enum bundle_kind want)
{
	enum bundle_kind kind;
	const char *why;
	uint64_t index;

	if (n < 0 || (size_t)n >= len)
		return CUSTOS_ERR_INVALID;
	if (bundle_name_check(buf, &kind, &index, &why) != 0 || kind != want)
		return CUSTOS_ERR_FORMAT;
	return 0;
}

int
bundle_name_index(enum bundle_kind kind, uint64_t index, char *buf,
    size_t len)
{
	const struct layout *l = layout_of(kind);

	if (kind != BUNDLE_ENTRY && kind != BUNDLE_PROOF &&
	    kind != BUNDLE_CLIP_PROOF)
		return CUSTOS_ERR_INVALID;
	return made(snprintf(buf, len, "%s/%" PRIu64 "%s", l->name, index,
	    l->suffix), buf, len, kind);
}

int
bundle_name_clip(uint64_t index, const char *ext, char *buf, size_t len)
{
	if (ext == NULL)
		return CUSTOS_ERR_INVALID;
	return made(snprintf(buf, len, "%s/%" PRIu64 ".%s",
	    layout_of(BUNDLE_CLIP)->name, index, ext), buf, len, BUNDLE_CLIP);
}

int
bundle_name_media(const uint8_t hash[DIGEST_LEN], const char *ext,
    char *buf, size_t len)
{
	char hex[2 * DIGEST_LEN + 1];

	hex_encode(hash, DIGEST_LEN, hex);
	return made(snprintf(buf, len, "%s/%s.%s",
	    layout_of(BUNDLE_MEDIA)->name, hex, ext), buf, len, BUNDLE_MEDIA);
}

int
bundle_name_calendar(const char *file, char *buf, size_t len)
{
	return made(snprintf(buf, len, "%s/%s",
	    layout_of(BUNDLE_CALENDAR)->name, file), buf, len,
	    BUNDLE_CALENDAR);
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
	for (i = 0; i < n; i++)
		buf[i] = (char)(dot[1 + i] >= 'A' && dot[1 + i] <= 'Z' ?
		    dot[1 + i] - 'A' + 'a' : dot[1 + i]);
	buf[n] = '\0';
	return ext_ok(buf) ? buf : NULL;
}

const char *
bundle_media_ext(const char *container, const char *original, char *buf,
    size_t len)
{
	static const char *const map[][2] = {
		{ "mpegts", "ts" }, { "matroska", "mkv" }, { "wav", "wav" },
		{ "avi", "avi" }, { "flv", "flv" }, { "jpeg_pipe", "jpg" },
		{ "mjpeg", "jpg" }, { "png_pipe", "png" }, { "mp3", "mp3" },
		{ "aac", "aac" }, { "ogg", "ogg" }, { "flac", "flac" },
		{ "h264", "h264" }, { "hevc", "h265" },
	};
	const char *c = container, *own = name_ext(original, buf, len);
	size_t k;

	if (c != NULL && (strstr(c, "mp4") != NULL || strstr(c, "mov") !=
	    NULL))
		return own != NULL && strcmp(own, "mov") == 0 ? "mov" : "mp4";
	for (k = 0; c != NULL && k < sizeof(map) / sizeof(map[0]); k++)
		if (strncmp(c, map[k][0], strlen(map[k][0])) == 0)
			return map[k][1];
	return own != NULL ? own : "bin";
}

int
bundle_manifest_digest(const void *manifest, size_t len,
    char out[DIGEST_STRLEN])
{
	uint8_t h[DIGEST_LEN];
	int rc;

	/* Named sha256 whatever the profile: docs/bundle.md says so. */
	if ((rc = digest_buf(DIGEST_SHA256, manifest, len, h)) != 0)
		return rc;
	return digest_format(DIGEST_SHA256, h, out, DIGEST_STRLEN);
}
