/*
 * walk: reading a docked camera's volume safely.  Everything here blocks
 * on the volume (a dead USB device may block for a long time), so the
 * dock calls it from the libuv thread pool, never on the loop.  Nothing
 * here logs or touches the dock's state: the functions fill in the
 * structures they are given and the caller reports on the loop.
 *
 * The volume is reached only from directory descriptors with openat() and
 * O_NOFOLLOW, never by path from "/": symlinks, FIFOs, devices, sockets and
 * other file systems mounted inside are refused and noted, never opened or
 * followed.  Names are kept as the raw bytes the volume holds (any byte but
 * NUL and '/'); walk_utf8() presents them (log_quote() in daemon/journal.h for log lines).
 */
#ifndef CUSTOSD_WALK_H
#define CUSTOSD_WALK_H

#include <sys/stat.h>
#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "custos/digest.h"

#define WALK_MAX_ENTRIES	100000	/* entries looked at per volume */

enum item_status {
	IT_PENDING = 0,		/* a regular file not sealed (yet) */
	IT_SEALED,		/* SEAL_NEW */
	IT_EXISTS,		/* SEAL_EXISTS */
	IT_REFUSED,		/* not a regular file: never opened */
	IT_FAILED,		/* could not be read or sealed */
};

/*
 * One entry of the volume (directories are containers, not items).  The
 * walk fills in path, status, regular, reason, target, size and mtime; the
 * dock fills in the rest as it seals.  Every pointer is owned by the item
 * and freed by walk_items_free().
 */
struct item {
	char		*path;		/* raw bytes, relative to the volume */
	char		*jpath;		/* path as valid UTF-8 (lossy) */
	int		 valid_utf8;
	enum item_status status;
	int		 regular;	/* a regular file at walk time */
	char		*reason;	/* refused / failed: why */
	char		*target;	/* symlink target (never followed) */
	uint64_t	 size;
	struct timespec	 mtime;
	uint64_t	 index;
	uint8_t		 object[DIGEST_LEN];
	int		 deleted;
	char		*delete_error;
	int		 shown;		/* fits the entry budget */
};

/*
 * The camera's clock, from a file TIME.TXT or DEVICE_TIME.TXT at the
 * volume root whose first line is "YYYY-MM-DD HH:MM:SS" in the camera's
 * local time (Beijing, UTC+8), written when it was docked.
 */
struct walk_clock {
	int		 state;		/* 0 no file, 1 measured, 2 malformed */
	char		 file[32];	/* the clock file's name */
	char		 line[32];	/* its first line, raw bytes */
	int64_t		 drift_ms;	/* camera minus station, if measured */
	struct timespec	 station;	/* station time when it was read */
};

/* What walk_volume() found. */
struct walk {
	int		 volfd;		/* the volume root, -1 if not open */
	dev_t		 dev;		/* the volume root's identity */
	ino_t		 ino;
	struct item	*items;		/* sorted by name per directory */
	size_t		 nitems;
	int		 truncated;	/* stopped at WALK_MAX_ENTRIES */
	struct walk_clock clock;
};

/*
 * Opens the volume <root>/<name> (without following a symlink) and walks
 * every entry below it into w, sorted by name per directory, never
 * leaving the volume's file system and going at most 16 directories deep.
 * Entries that cannot be looked at become IT_FAILED items, entries that
 * are not regular files or directories IT_REFUSED ones; regular files are
 * IT_PENDING.  Also reads the clock file into w->clock.
 *
 * Returns 0 with w->volfd open and w->items allocated (the caller closes
 * the one and frees the other with walk_items_free()).  Returns
 * CUSTOS_ERR_SYSTEM (errno set) if root or the volume cannot be opened,
 * or CUSTOS_ERR_NOMEM; then w holds nothing to close or free.
 */
int	 walk_volume(const char *root, const char *name, struct walk *w);

/*
 * Frees n items and the array it (the strings each item owns too).  it
 * may be NULL.
 */
void	 walk_items_free(struct item *it, size_t n);

/*
 * One file opened for sealing.  why is a static string or NULL; fd and
 * parentfd are owned by the caller once walk_open() returns (-1 when not
 * open) and closed by it.
 */
struct walk_file {
	int		 fd;		/* the file, read-only */
	int		 parentfd;	/* the directory holding it */
	struct stat	 sb;		/* fstat(fd) */
	int		 err;		/* errno of the failure, or 0 */
	const char	*why;		/* the refusal or what failed */
	int		 refused;	/* why is a refusal, not an error */
};

/*
 * Opens the regular file at path (raw bytes, relative to the volume)
 * below volfd, each directory component with O_NOFOLLOW, so nothing
 * outside the volume can be reached even if it changed since the walk.
 * The file is looked at before it is opened, since opening a device may
 * have side effects.  Returns 0 with f->fd and f->parentfd open.  On
 * failure f->why says why (f->parentfd may be open even then) and the
 * return is CUSTOS_ERR_INVALID if the entry is refused (f->refused: not a
 * regular file) or CUSTOS_ERR_SYSTEM if a system call failed (f->err
 * holds its errno).
 */
int	 walk_open(int volfd, const char *path, struct walk_file *f);

/*
 * Deletes path's file from f->parentfd (as opened by walk_open()), but
 * only if it is still the very file described by want (device, inode,
 * size and mtime), unchanged.  Returns 0 once it is deleted; otherwise
 * f->why says why and the return is CUSTOS_ERR_SYSTEM if a system call
 * failed (f->err holds its errno) or CUSTOS_ERR_INVALID if the file
 * changed and was kept.
 */
int	 walk_unlink(struct walk_file *f, const char *path,
	    const struct stat *want);

/*
 * Returns "<what>: <strerror(err)>" as a new string the caller frees, or
 * NULL on allocation failure: the reason text of a failed item.
 */
char	*walk_reason(const char *what, int err);

/*
 * Returns s as JSON may carry it, a new string the caller frees (NULL on
 * allocation failure): valid UTF-8 is kept, every byte that is not part
 * of a valid sequence becomes U+FFFD.  *valid tells whether the result is
 * the exact bytes of s.
 */
char	*walk_utf8(const char *s, int *valid);


#endif
