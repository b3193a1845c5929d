/*
 * probe: the media child.  libavformat parses untrusted media only here,
 * in a short-lived child started by fork+exec of the program itself with
 * a role flag (custosd -P, custos-verify --media-child).  The parent
 * opens the media read-only and passes only the descriptor (as the
 * child's fd 3); the child reads it through a custom AVIO context, opens
 * no paths, and answers with one fixed-layout struct probe_result on its
 * stdout, then exits.
 *
 * Child order (STYLE.md 7): load everything it needs (libavformat's
 * demuxers are registered statically); drop supplementary groups;
 * reset signal handlers; restrict itself: setrlimit (FSIZE=0, NPROC=0,
 * CPU), PR_SET_NO_NEW_PRIVS, a Landlock ruleset granting no paths (as far
 * as the kernel supports), a seccomp allowlist that kills on anything
 * else; read the media; write the result; exit.
 *
 * The packet root: every packet av_read_frame() returns, in demux order,
 * is leaf H(0x00 || be32(stream_index) || packet data) of an RFC 9162
 * tree; the root of that tree is packet_root (docs/segment.md).
 */
#ifndef CUSTOS_PROBE_H
#define CUSTOS_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "custos/digest.h"

#define PROBE_MAGIC		0x43505231u	/* "CPR1" */
#define PROBE_MAX_STREAMS	8
#define PROBE_STRLEN		48

enum probe_status {
	PROBE_OK = 0,		/* demuxed to the end */
	PROBE_NOT_MEDIA = 1,	/* no demuxer recognised the bytes */
	PROBE_DAMAGED = 2,	/* recognised, but demuxing failed midway */
	/* Set by the parent, never sent by the child: */
	PROBE_CRASHED = 3,	/* killed by a signal or exited abnormally */
	PROBE_TIMEOUT = 4,	/* did not finish in time; killed */
	PROBE_FAILED = 5,	/* could not start or answered malformed */
};

struct probe_stream {
	char		 kind[16];		/* "video", "audio", ... */
	char		 codec[PROBE_STRLEN];	/* e.g. "h264" */
	uint32_t	 width, height;		/* video only, else 0 */
};

/* Fixed layout, written with one write(2) by the child. */
struct probe_result {
	uint32_t		 magic;
	uint32_t		 size;		/* sizeof(struct probe_result) */
	int32_t			 status;	/* enum probe_status */
	uint32_t		 nstreams;
	char			 container[PROBE_STRLEN];
	struct probe_stream	 streams[PROBE_MAX_STREAMS];
	int64_t			 duration_ms;	/* -1 if unknown */
	int64_t			 start_ms;	/* recorded start, Unix ms UTC;
						   -1 if the container has none */
	uint64_t		 packets;
	uint8_t			 packet_root[DIGEST_LEN];
	char			 error[128];	/* for DAMAGED, NOT_MEDIA */
};

/*
 * The child's entry point: runs the steps above on fd 3 with hash alg and
 * writes the result to fd 1, then exits 0.  A step that fails is reported
 * as one line on stderr ("media: <step>: <why>", with the syslog prefix
 * "<3>" when JOURNAL_STREAM is set, as the daemon's log does) and the
 * child exits 1, which its parent records as a crash.  Never returns.
 */
void	 probe_child_main(enum digest_alg alg) __attribute__((noreturn));

/*
 * Checks a result as read from a child: exact size, magic, status a child
 * may send, stream count, and every string NUL-terminated and printable
 * UTF-8 (anything else is replaced, never trusted).  Returns 0 or
 * CUSTOS_ERR_FORMAT.  Exposed for the fuzz target.
 */
int	 probe_result_check(struct probe_result *r, size_t len);

/*
 * Returns the name of status for entries and logs: "ok", "not_media",
 * "damaged", "crashed", "timeout", "failed", or "unknown".
 */
const char *probe_status_name(int status);

/* The child's media descriptor. */
#define PROBE_FD		3

/*
 * The child's demux core, without sandbox or fork (probe_child_main() runs
 * it inside the sandbox; the fuzz target runs it directly).  Reads fd only
 * through a custom AVIO context (pread from offset 0 when fd can seek,
 * else read), opens no paths and lets no demuxer open any; demuxes with
 * av_read_frame() to the end, hashing every packet into packet_root with
 * alg, and fills every field of *res: status PROBE_OK, PROBE_NOT_MEDIA
 * (no demuxer recognised the bytes) or PROBE_DAMAGED (recognised, but
 * opening or demuxing failed, or the container promised packets that are
 * missing); error says why.  Installs its own av_log callback, so
 * libavformat's messages go into error, never to stderr.  Returns 0, or
 * CUSTOS_ERR_NOMEM / CUSTOS_ERR_CRYPTO when it could not do its own work
 * (then *res is not an answer).
 */
int	 probe_demux_fd(int fd, enum digest_alg alg, struct probe_result *res);

/*
 * The tools' synchronous parent (the daemon's is probe_start() on its
 * libuv loop, daemon/seal/probe.h).
 */
struct probe_child;

/*
 * Starts a media child: fork, then exec of self (the program's own path;
 * "/proc/self/exe" will do) with the arguments role and the digest name
 * of alg ("custos-verify --media-child sha256"), fd as its fd 3, its
 * stdout a pipe to us, stdin /dev/null, stderr ours, no environment but
 * JOURNAL_STREAM, and no other descriptors.  The caller keeps fd and may
 * close it once this returns; the child reads it with pread() from offset
 * 0, so the offset is not moved.  Returns 0 and *out (finish it with
 * probe_wait()), CUSTOS_ERR_INVALID (bad fd, NULL self or role),
 * CUSTOS_ERR_NOMEM, or CUSTOS_ERR_SYSTEM (errno set: no pipe, no process).
 * A self that cannot be executed is not an error here: the child exits
 * 127 and probe_wait() reports PROBE_CRASHED.
 */
int	 probe_spawn(const char *self, const char *role, int fd,
	    enum digest_alg alg, struct probe_child **out);

/*
 * Waits for child c's answer, at most timeout_ms from probe_spawn() (then
 * the child is killed), reaps it and frees c.  Fills *res with the
 * child's checked answer (PROBE_OK, NOT_MEDIA, DAMAGED) or with CRASHED
 * (a signal or a non-zero exit), TIMEOUT or FAILED (a malformed answer),
 * error saying why.  Returns 0, or CUSTOS_ERR_SYSTEM (errno set) if
 * waiting itself failed (then *res is FAILED too).  c is invalid after.
 */
int	 probe_wait(struct probe_child *c, unsigned timeout_ms,
	    struct probe_result *res);

/*
 * What both parents (probe_wait() and the daemon's probe_start()) make of
 * a child's answer.
 */

/*
 * Makes *r the parent's own answer for a child that gave none it can use:
 * every field zero except magic, size, status (PROBE_CRASHED,
 * PROBE_TIMEOUT or PROBE_FAILED), duration_ms and start_ms (-1), and
 * error, the formatted reason, cut to fit.
 */
void	 probe_result_fail(struct probe_result *r, int status,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Makes *r the answer of a child that exited 0 after sending the got
 * bytes at buf: a copy of them if they are exactly one result and it
 * passes probe_result_check(), else a PROBE_FAILED answer that says why.
 * buf is only read.
 */
void	 probe_result_take(struct probe_result *r, const void *buf,
	    size_t got);

/* probe_spawn() then probe_wait(): one file, one answer. */
int	 probe_run_sync(const char *self, const char *role, int fd,
	    enum digest_alg alg, unsigned timeout_ms, struct probe_result *res);

#endif
