/*
 * bundle: the evidence bundle (docs/bundle.md), a directory or an
 * uncompressed tar of one: its layout (bundle_layout.c, the one table of
 * member names and size limits), the reader for the offline verifier
 * (bundle.c) and the writer for "custos export" (bundle_write.c,
 * bundle_manifest.c).  No network; only the writer reads a log.
 *
 * Reading.  The small members (MANIFEST.json, checkpoint, checkpoint.tsr,
 * station.vkey, entries/, proofs/, calendar/, clips/<index>.packets) are
 * held in memory, each under its own size limit.  Media files and clips
 * are never held: each is hashed
 * while it streams past, and, when the caller asks for packet roots,
 * demuxed by the sandboxed media child (probe.h) at the same time; a tar
 * member is first copied to an unlinked file in a private temporary
 * directory while it is hashed, since the child needs a file it can seek.
 * Transcripts are not covered by the log: only their names and sizes are
 * kept.
 *
 * The reader does not decide what a bundle proves.  It refuses, one
 * problem at a time with a message naming the member, whatever the
 * layout forbids: a name outside the layout, a link or device, an
 * absolute name or "..", a member twice, a member over its size limit, a
 * tar that ends early or is damaged.  Problems are collected, not fatal,
 * so that the verifier can still report on everything it could read.
 *
 * Writing.  The writer makes the bundle of one gathered inspection
 * (evidence.h) under a temporary name beside the output, MANIFEST.json
 * first and the media last, copying each object from the store while
 * hashing it; only bundle_writer_commit() gives it its name.
 */
#ifndef CUSTOS_BUNDLE_H
#define CUSTOS_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "custos/clip.h"
#include "custos/digest.h"
#include "custos/probe.h"

#define BUNDLE_FORMAT		"custos-bundle@1"

/* Size limits of the small members. */
#define BUNDLE_MAX_MANIFEST	(16 << 20)
#define BUNDLE_MAX_CHECKPOINT	(64 << 10)
#define BUNDLE_MAX_TSR		(64 << 10)
#define BUNDLE_MAX_VKEY		(4 << 10)
#define BUNDLE_MAX_ENTRY	(1 << 20)	/* LOG_MAX_ENTRY */
#define BUNDLE_MAX_PROOF	(16 << 10)
#define BUNDLE_MAX_CALENDAR	(256 << 10)
#define BUNDLE_MAX_CLIP_PROOF	(64 << 20)
/* At most this many members, and this much small data in all. */
#define BUNDLE_MAX_MEMBERS	200000
#define BUNDLE_MAX_SMALL_TOTAL	((size_t)1 << 30)
/* Longest member name accepted. */
#define BUNDLE_MAX_NAME		160

enum bundle_kind {
	BUNDLE_MANIFEST = 0,	/* MANIFEST.json */
	BUNDLE_CHECKPOINT,	/* checkpoint */
	BUNDLE_TSR,		/* checkpoint.tsr */
	BUNDLE_VKEY,		/* station.vkey */
	BUNDLE_ENTRY,		/* entries/<index>.json */
	BUNDLE_PROOF,		/* proofs/<index>.proof */
	BUNDLE_MEDIA,		/* media/<hex>.<ext> */
	BUNDLE_CALENDAR,	/* calendar/cn-YYYY.cal */
	BUNDLE_TRANSCRIPT,	/* transcripts/<hex>.txt */
	BUNDLE_CLIP,		/* clips/<index>.<ext>: streamed */
	BUNDLE_CLIP_PROOF,	/* clips/<index>.packets */
	BUNDLE_DIR,		/* a directory of the layout: ignored */
};

/* A small member, held in memory. */
struct bundle_file {
	char			*name;		/* as in the layout, no "./" */
	enum bundle_kind	 kind;
	uint64_t		 index;		/* entries/, proofs/ */
	uint8_t			*data;		/* NUL-terminated copy */
	size_t			 len;
};

/* A media file: what streamed past, not its bytes. */
struct bundle_media {
	char			*name;		/* media/<hex>.<ext> */
	uint8_t			 name_hash[DIGEST_LEN];	/* from the name */
	uint64_t		 size;
	uint8_t			 hash[DIGEST_LEN];	/* with the alg asked */
	int			 complete;	/* read to its end */
	int			 probed;	/* probe holds an answer */
	struct probe_result	 probe;
};

/*
 * A clip, clips/<index>.<ext>: streamed like a media file, then, when
 * the caller asks for packet roots, demuxed by the sandboxed leaves
 * child (clip.h) for the leaves its packet proof proves.
 */
struct bundle_clip_file {
	char			*name;		/* clips/<index>.<ext> */
	uint64_t		 index;		/* the segment's */
	uint64_t		 size;
	uint8_t			 hash[DIGEST_LEN];	/* with the alg asked */
	int			 complete;	/* read to its end */
	int			 demuxed;	/* leaves holds an answer */
	struct clip_leaves	 leaves;
};

struct bundle {
	int			 is_tar;
	struct bundle_file	*files;		/* in reading order */
	size_t			 nfiles;
	struct bundle_media	*media;
	size_t			 nmedia;
	struct bundle_clip_file	*clips;
	size_t			 nclips;
	char			**transcripts;	/* names only */
	size_t			 ntranscripts;
	char			**problems;	/* one line each */
	size_t			 nproblems;
};

struct bundle_opts {
	enum digest_alg		 alg;		/* media hashes and roots */
	/* The media child: NULL self means no packet roots. */
	const char		*self;		/* executable to re-exec */
	const char		*role;		/* its role flag */
	unsigned		 timeout_ms;	/* per file */
	const char		*tmpdir;	/* NULL: $TMPDIR or /tmp */
};

/*
 * Sorts one member name (after any leading "./") into its kind: exactly
 * the names of the layout, indexes decimal without leading zeros, media
 * and transcript names 2 * DIGEST_LEN lower-case hex digits and an
 * extension of 1 to 8 lower-case letters or digits; clips/<index>.packets
 * is BUNDLE_CLIP_PROOF, clips/<index>.<ext> (ext as for media, not
 * "packets") BUNDLE_CLIP.  Returns 0 with *kind and, for entries, proofs
 * and clips, *index; CUSTOS_ERR_FORMAT with why (a fixed string) for
 * anything else.
 */
int	 bundle_name_check(const char *name, enum bundle_kind *kind,
	    uint64_t *index, const char **why);

/*
 * The layout's name of kind: the member itself for MANIFEST.json,
 * checkpoint, checkpoint.tsr and station.vkey, the directory its members
 * are in for the others ("entries", ...); NULL for BUNDLE_DIR.
 */
const char *bundle_kind_name(enum bundle_kind kind);

/* The size limit of a small member of kind; 0 for the others. */
size_t	 bundle_kind_limit(enum bundle_kind kind);

/*
 * Member names, as bundle_name_check() accepts them, written to buf of
 * len bytes: entries/<index>.json, proofs/<index>.proof or
 * clips/<index>.packets (kind BUNDLE_ENTRY, BUNDLE_PROOF or
 * BUNDLE_CLIP_PROOF), media/<hex of hash>.<ext>, clips/<index>.<ext> (the
 * clip of segment index; ext as bundle_media_ext() gives it for the
 * original), and calendar/<file> for a calendar file name cn-YYYY.cal.
 * Each returns 0,
 * CUSTOS_ERR_FORMAT when the result would not be a name of the layout,
 * or CUSTOS_ERR_INVALID for another kind or a buf too small.
 */
int	 bundle_name_index(enum bundle_kind kind, uint64_t index, char *buf,
	    size_t len);
int	 bundle_name_media(const uint8_t hash[DIGEST_LEN], const char *ext,
	    char *buf, size_t len);
int	 bundle_name_calendar(const char *file, char *buf, size_t len);
int	 bundle_name_clip(uint64_t index, const char *ext, char *buf,
	    size_t len);

/*
 * The extension of a sealed object's media/ name: from the demuxer that
 * read it (container, libavformat's names; NULL for a document), the
 * original name breaking ties (mp4 or mov are one demuxer); else the
 * original name's own extension, lower-cased, when it is 1 to 8 of
 * [a-z0-9]; "bin" when nothing says.  buf (len bytes, at least 9) may
 * hold the result; the result is a static string or buf.
 */
const char *bundle_media_ext(const char *container, const char *original,
	    char *buf, size_t len);

/*
 * The digest of MANIFEST.json's exact bytes as a bundle.exported entry
 * names it: "sha256:<hex>" whatever the station's profile (docs/bundle.md),
 * in out of DIGEST_STRLEN bytes.  Returns 0 or digest_buf()'s codes.
 */
int	 bundle_manifest_digest(const void *manifest, size_t len,
	    char out[DIGEST_STRLEN]);

/*
 * Reads the bundle at path, a directory or a tar file.  Returns 0 and
 * *out (free with bundle_free()) also when the bundle has problems (then
 * listed in (*out)->problems); CUSTOS_ERR_SYSTEM (errno set) when path
 * cannot be opened or is neither a directory nor a regular file (errno
 * EINVAL; a FIFO is refused without waiting for a writer),
 * CUSTOS_ERR_INVALID for bad opts, CUSTOS_ERR_NOMEM.  On error *out is
 * NULL.
 */
int	 bundle_read(const char *path, const struct bundle_opts *opts,
	    struct bundle **out);

/* The small member called name, or NULL. */
const struct bundle_file *bundle_file(const struct bundle *b,
	    const char *name);

/* The media file whose name's hash is hash, or NULL. */
const struct bundle_media *bundle_media_find(const struct bundle *b,
	    const uint8_t hash[DIGEST_LEN]);

/* The clip of segment index, or NULL. */
const struct bundle_clip_file *bundle_clip_find(const struct bundle *b,
	    uint64_t index);

/* Frees b and everything it holds; NULL is allowed. */
void	 bundle_free(struct bundle *b);

/*
 * The writer.  A struct bundle_writer holds one bundle from start to
 * end, in this order (a failure at any step leaves nothing at the output
 * path):
 *
 *	bundle_writer_new()		an empty writer
 *	bundle_writer_collect()		the objects the evidence seals
 *	bundle_writer_manifest()	MANIFEST.json and its digest
 *	bundle_writer_write()		every member, under a temporary name
 *	bundle_writer_commit()		the temporary name becomes the output
 *	bundle_writer_free()		removes whatever was not committed
 *
 * On an error the functions return a CUSTOS_ERR_* code and
 * bundle_writer_error() says what failed in one line naming the member,
 * object or path, with the errno value that is the cause when there is
 * one (the line leaves it out: print both as warn(3) does).
 */
struct evidence;
struct log;
struct store;
struct bundle_writer;

/* What the bundle holds besides the evidence, from the station. */
struct bundle_input {
	const char		*inspection;	/* its ID */
	const char		*profile;	/* profile_name() */
	const char		*station;	/* the station's name */
	const char		*key_id;	/* the station key's ID, hex */
	/* The checkpoint every proof refers to, its token and the key. */
	uint64_t		 size;		/* its tree size */
	const char		*note;
	size_t			 notelen;
	const uint8_t		*tsr;		/* NULL: untimestamped */
	size_t			 tsrlen;
	const char		*tsr_time;	/* the token's time */
	const char		*tsa_url;	/* NULL: not named */
	const char		*untimestamped;	/* why no token; may be NULL */
	const char		*vkey;		/* station.vkey's bytes */
	size_t			 vkeylen;
	/* The export itself. */
	int64_t			 exported_at;	/* ms since the epoch */
	const char		*exported_by;	/* the user */
	const char		*purpose;	/* NULL: the inspection's conduct */
	/*
	 * Working-day calendars: file names in calendar_dir, in any order
	 * (the bundle lists and holds them sorted by name).
	 */
	const char		*calendar_dir;
	char *const		*calendars;
	size_t			 ncalendars;
	/* Where the proofs and the objects come from. */
	struct log		*log;		/* holds the tree of size */
	struct store		*store;
};

/* A new, empty writer for a station of digest alg.  0 or NOMEM. */
int	 bundle_writer_new(enum digest_alg alg, struct bundle_writer **out);

/*
 * Takes the objects that the segments and the chain's documents of ev
 * seal, once each, named media/<hex>.<ext>.  ev must outlive w.  Returns
 * 0, CUSTOS_ERR_FORMAT (an entry names no object of alg with a size) or
 * CUSTOS_ERR_NOMEM.
 */
int	 bundle_writer_collect(struct bundle_writer *w,
	    const struct evidence *ev);

/*
 * Builds MANIFEST.json (docs/bundle.md) from the evidence and in, which
 * must outlive w.  Returns 0 or CUSTOS_ERR_NOMEM.
 */
int	 bundle_writer_manifest(struct bundle_writer *w,
	    const struct bundle_input *in);

/*
 * Writes every member under a temporary name beside final (a tar when
 * tar is set, pax-restricted, else a directory) and makes it durable:
 * MANIFEST.json, checkpoint, checkpoint.tsr, station.vkey, each entry
 * with its inclusion proof, the calendars, then each object copied from
 * the store while it is hashed.  progress, when not NULL, is called after
 * every piece written with the bytes written so far and the total
 * expected, and once more with last set when every member is written; it
 * returns 0 to go on, anything else stops the writer (CUSTOS_ERR_SYSTEM,
 * errno EINTR).  Returns 0,
 * CUSTOS_ERR_SYSTEM, CUSTOS_ERR_CORRUPT (an object in the store does not
 * match its entry), CUSTOS_ERR_RANGE (a path too long), CUSTOS_ERR_NOMEM,
 * or the log's or the calendar file's codes.
 */
int	 bundle_writer_write(struct bundle_writer *w, const char *final,
	    int tar, int (*progress)(void *arg, uint64_t done, uint64_t total,
	    int last), void *arg);

/*
 * Renames the written bundle to final, never over anything there, and
 * fsyncs the directory it is in.  Returns 0 or CUSTOS_ERR_SYSTEM.  A
 * directory that cannot be fsynced does not undo the rename: then 0 is
 * returned and bundle_writer_error() names that directory (else it is
 * "").
 */
int	 bundle_writer_commit(struct bundle_writer *w);

/*
 * Removes what was written and not committed.  Returns 0 or
 * CUSTOS_ERR_SYSTEM (the temporary name could not be removed).
 */
int	 bundle_writer_discard(struct bundle_writer *w);

/*
 * The last error, "" when none, and in *errnum the errno value that
 * caused it, or 0.  The string is valid until the next call on w.
 */
const char *bundle_writer_error(const struct bundle_writer *w,
	    int *errnum);

/* MANIFEST.json's digest (bundle_manifest_digest()), after manifest. */
const char *bundle_writer_manifest_digest(const struct bundle_writer *w);

/* The media objects collected that the bundle carries (not disposed). */
size_t	 bundle_writer_nmedia(const struct bundle_writer *w);

/* The members and bytes written so far. */
uint64_t bundle_writer_files(const struct bundle_writer *w);
uint64_t bundle_writer_bytes(const struct bundle_writer *w);

/* Discards what is not committed and frees w; NULL is allowed. */
void	 bundle_writer_free(struct bundle_writer *w);

/*
 * A clip bundle (docs/bundle.md, "Clips"): the same entries and proofs
 * as the inspection's bundle, but instead of any media/ file the clip of
 * one segment, clips/<segment>.<ext>, and its packet proof,
 * clips/<segment>.packets; MANIFEST.json gets "clip" and lists the one
 * item.
 */
struct bundle_clip {
	uint64_t		 segment;	/* the segment entry's index */
	int			 fd;		/* the clip, read from offset 0;
						   the caller keeps it */
	const char		*proof;		/* clips/<segment>.packets */
	size_t			 prooflen;
	uint64_t		 first;		/* its packets in the original */
	uint64_t		 count;
	uint64_t		 packets;	/* the original's packets */
	int64_t			 from_ms;	/* the actual span */
	int64_t			 to_ms;
	const char		*asked_from;	/* the span as asked */
	const char		*asked_to;
};

/*
 * Makes w write the clip bundle of c (which, with the strings and the
 * proof it points to, must outlive w) instead of the media: called after
 * bundle_writer_collect() and before bundle_writer_manifest().  Reads the
 * clip once to hash it with w's digest (bundle_writer_write() hashes it
 * again as it copies it, and stops if it changed).  Returns 0,
 * CUSTOS_ERR_NOTFOUND (the segment is not among the collected evidence),
 * CUSTOS_ERR_TOOBIG (a proof over BUNDLE_MAX_CLIP_PROOF),
 * CUSTOS_ERR_FORMAT (no layout name), CUSTOS_ERR_SYSTEM or
 * CUSTOS_ERR_NOMEM; bundle_writer_error() says which.
 */
int	 bundle_writer_clip(struct bundle_writer *w, const struct bundle_clip *c);

/* The clip's digest ("sha256:<hex>" or "sm3:<hex>") and size, after
 * bundle_writer_clip(). */
const char *bundle_writer_clip_digest(const struct bundle_writer *w);
uint64_t bundle_writer_clip_size(const struct bundle_writer *w);

#endif
