/*
 * bundle: reads an evidence bundle (docs/bundle.md), a directory or an
 * uncompressed tar of one, for the offline verifier.  No database, no
 * network.
 *
 * The small members (MANIFEST.json, checkpoint, checkpoint.tsr,
 * station.vkey, entries/, proofs/, calendar/) are held in memory, each
 * under its own size limit.  Media files are never held: each is hashed
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
 */
#ifndef CUSTOS_BUNDLE_H
#define CUSTOS_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

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

struct bundle {
	int			 is_tar;
	struct bundle_file	*files;		/* in reading order */
	size_t			 nfiles;
	struct bundle_media	*media;
	size_t			 nmedia;
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
 * extension of 1 to 8 lower-case letters or digits.  Returns 0 with *kind
 * and, for entries and proofs, *index; CUSTOS_ERR_FORMAT with why (a
 * fixed string) for anything else.
 */
int	 bundle_name_check(const char *name, enum bundle_kind *kind,
	    uint64_t *index, const char **why);

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

/* Frees b and everything it holds; NULL is allowed. */
void	 bundle_free(struct bundle *b);

#endif
