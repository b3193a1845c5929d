/*
 * bundle_int.h: what the bundle writer's two files share: bundle_write.c
 * (the output, the members and their order) and bundle_manifest.c (the
 * objects a bundle carries and MANIFEST.json).
 */
#ifndef CUSTOS_BUNDLE_INT_H
#define CUSTOS_BUNDLE_INT_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "custos/bundle.h"
#include "custos/digest.h"

struct archive;
struct archive_entry;
struct evidence_entry;

/* One object of media/, from the entry that seals it. */
struct bundle_object {
	uint8_t		 hash[DIGEST_LEN];
	char		 name[DIGEST_LEN * 2 + 32];	/* media/<hex>.<ext> */
	uint64_t	 size;
	const struct evidence_entry *entry;
	/* The object.deleted that disposed of it, or NULL: not carried. */
	const struct evidence_entry *disposal;
};

struct bundle_writer {
	enum digest_alg	 alg;
	const struct evidence *ev;
	const struct bundle_input *in;
	/* in's calendar file names, sorted: the order they are written in. */
	const char	**calendars;
	struct bundle_object *media;
	size_t		 nmedia;
	char		*manifest;
	size_t		 manifestlen;
	char		 manifest_digest[DIGEST_STRLEN];
	/* A clip bundle (bundle_writer_clip()): the clip replaces media/. */
	int		 is_clip;
	struct bundle_clip clip;
	size_t		 clip_obj;	/* the segment's object in media */
	uint8_t		 clip_hash[DIGEST_LEN];
	char		 clip_digest[DIGEST_STRLEN];
	uint64_t	 clip_size;
	char		 clip_name[BUNDLE_MAX_NAME + 1];
	char		 clip_proof_name[BUNDLE_MAX_NAME + 1];
	/* The output, under its temporary name until committed. */
	int		 tar;
	char		*final;
	char		*tmp;
	int		 created;	/* tmp is ours to remove */
	int		 dirfd;		/* dir: the temporary directory */
	int		 fd;		/* dir: the current file; tar: the tar */
	struct archive	*a;
	struct archive_entry *ae;
	uint64_t	 files;
	uint64_t	 done;		/* bytes written */
	uint64_t	 total;		/* bytes expected */
	int		(*progress)(void *, uint64_t, uint64_t, int);
	void		*arg;
	/* The last error (bundle_writer_error()). */
	char		 why[2 * PATH_MAX + 256];
	int		 errnum;
};

/*
 * Records the error of w: the line fmt makes and errnum (an errno value
 * the line leaves out, or 0).  Returns rc.
 */
int	 bundle_writer_fail(struct bundle_writer *w, int rc, int errnum,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
