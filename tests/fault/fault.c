/*
 * fault: fault injection for the test build of custosd ($(B)/fault/custosd,
 * "make fault"; docs/testing.md).
 *
 * The build links this file and passes ld --wrap=X for the C library calls
 * below, so every call custosd's own objects make to X comes here first
 * (__wrap_X) and reaches the C library through __real_X.  The libraries
 * custosd links are reached through the hooks each offers for exactly
 * this: SQLite allocates through SQLITE_CONFIG_MALLOC and does its file
 * I/O through a VFS registered here as the default (it delegates every
 * call to the unix VFS), jansson through json_set_alloc_funcs(), libuv
 * through uv_replace_allocator() and OpenSSL through
 * CRYPTO_set_mem_functions().
 *
 * CUSTOS_FAULT="OP:N[:persist][:enospc]" chooses what fails:
 *
 *	OP	alloc	every allocation above (NULL, errno ENOMEM), but
 *			those inside jansson's parser (see json_loadb)
 *		write	write, pwrite, fwrite, ftruncate; SQLite xWrite,
 *			xTruncate
 *		fsync	fsync, fdatasync; SQLite xSync
 *		rename	rename, renameat, renameat2, link, linkat
 *		sqlio	every SQLite file call: xRead, xWrite, xTruncate,
 *			xSync, xFileSize
 *		unlink	unlink, unlinkat
 *	N	the Nth such call in the window fails; 0 only counts
 *	persist	the Nth and every later call in the window fail (the
 *		default is the Nth alone: a transient fault)
 *	enospc	errno ENOSPC (SQLITE_FULL for SQLite writes) instead of
 *		EIO (SQLITE_IOERR_*)
 *	kill	instead of failing, the process kills itself (SIGKILL) at
 *		the Nth call, before making it: a crash at that point
 *
 * The window opens when custosd starts work on a file: a docked camera's
 * walk (walk_volume), an upload's request (upload_route) or any seal
 * request (seal_start, seal_start_stored) or a disposal (disposal_one,
 * called by the dispose route); these are --wrap'ed too.  It
 * closes, for good, at the end of the dock session (dock_maybe_stopped,
 * called by session_end), at the upload's answer (conn_reply,
 * conn_error) or when shutdown begins (api_stop).  Calls outside the
 * window are never counted, so N walks the path of one file, not the
 * start-up or the shutdown.
 *
 * CUSTOS_FAULT_REPORT=FILE gets a line "fired OP N ERR" when the fault
 * first fires and "window OP calls=K fired=F" when the window closes; a
 * run without "fired" did not reach N.  CUSTOS_FAULT_STACK=1 prints the
 * stack of the call that failed first, to find where N lands.
 *
 * Child processes: the media and live children are this executable
 * started with exec and an environment holding nothing but
 * JOURNAL_STREAM, so CUSTOS_FAULT is unset in them, the constructor
 * installs nothing and every wrapper passes straight through.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/common_interface_defs.h>
#endif
#include <sqlite3.h>
#include <uv.h>

#include "daemon/api/api.h"
#include "daemon/dock/dock_int.h"
#include "daemon/seal/seal.h"
#include "daemon/upload/upload_int.h"
#include "daemon/dock/walk.h"
#include "daemon/disposal.h"

enum op { OP_NONE, OP_ALLOC, OP_WRITE, OP_FSYNC, OP_RENAME, OP_SQLIO,
	OP_UNLINK };

static const char *const op_names[] = {
	[OP_NONE] = "none", [OP_ALLOC] = "alloc", [OP_WRITE] = "write",
	[OP_FSYNC] = "fsync", [OP_RENAME] = "rename", [OP_SQLIO] = "sqlio",
	[OP_UNLINK] = "unlink",
};

enum phase { BEFORE, ARMED, OVER };

static enum op		 target;
static unsigned long	 nth;
static int		 persist;
static int		 crash;		/* SIGKILL instead of a failure */
static int		 fail_errno = EIO;
static const char	*report;
static int		 stack;
static atomic_int	 phase = BEFORE;
static atomic_ulong	 calls;
static atomic_ulong	 fired;
/* Inside jansson's parser, which must not see a failed allocation. */
static _Thread_local int exempt;

/* The C library, past the wrappers (ld --wrap). */
void	*__real_malloc(size_t);
void	*__real_calloc(size_t, size_t);
void	*__real_realloc(void *, size_t);
void	*__real_reallocarray(void *, size_t, size_t);
char	*__real_strdup(const char *);
char	*__real_strndup(const char *, size_t);
int	 __real_vasprintf(char **, const char *, va_list);
ssize_t	 __real_write(int, const void *, size_t);
ssize_t	 __real_pwrite(int, const void *, size_t, off_t);
size_t	 __real_fwrite(const void *, size_t, size_t, FILE *);
int	 __real_ftruncate(int, off_t);
int	 __real_fsync(int);
int	 __real_fdatasync(int);
int	 __real_rename(const char *, const char *);
int	 __real_renameat(int, const char *, int, const char *);
int	 __real_renameat2(int, const char *, int, const char *, unsigned int);
int	 __real_link(const char *, const char *);
int	 __real_linkat(int, const char *, int, const char *, int);
json_t	*__real_json_loadb(const char *, size_t, size_t, json_error_t *);
json_t	*__real_json_loads(const char *, size_t, json_error_t *);
int	 __real_walk_volume(const char *, const char *, struct walk *);
void	 __real_upload_route(struct conn *);
int	 __real_seal_start(struct sealer *, const struct seal_req *, seal_cb,
	    void *);
int	 __real_seal_start_stored(struct sealer *, const struct seal_req *,
	    const uint8_t *, uint64_t, seal_cb, void *);
void	 __real_dock_maybe_stopped(struct dock *);
void	 __real_conn_reply(struct conn *, int, const char *, const char *,
	    const char *, size_t);
void	 __real_conn_error(struct conn *, int, const char *);
void	 __real_api_stop(struct api *);
int	 __real_unlink(const char *);
int	 __real_unlinkat(int, const char *, int);
int	 __real_disposal_one(struct station *, const struct retention_item *,
	    const char *, json_t *, uint64_t *, int *);

void	*__wrap_malloc(size_t);
void	*__wrap_calloc(size_t, size_t);
void	*__wrap_realloc(void *, size_t);
void	*__wrap_reallocarray(void *, size_t, size_t);
char	*__wrap_strdup(const char *);
char	*__wrap_strndup(const char *, size_t);
int	 __wrap_vasprintf(char **, const char *, va_list);
int	 __wrap_asprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
ssize_t	 __wrap_write(int, const void *, size_t);
ssize_t	 __wrap_pwrite(int, const void *, size_t, off_t);
size_t	 __wrap_fwrite(const void *, size_t, size_t, FILE *);
int	 __wrap_ftruncate(int, off_t);
int	 __wrap_fsync(int);
int	 __wrap_fdatasync(int);
int	 __wrap_rename(const char *, const char *);
int	 __wrap_renameat(int, const char *, int, const char *);
int	 __wrap_renameat2(int, const char *, int, const char *, unsigned int);
int	 __wrap_link(const char *, const char *);
int	 __wrap_linkat(int, const char *, int, const char *, int);
json_t	*__wrap_json_loadb(const char *, size_t, size_t, json_error_t *);
json_t	*__wrap_json_loads(const char *, size_t, json_error_t *);
int	 __wrap_walk_volume(const char *, const char *, struct walk *);
void	 __wrap_upload_route(struct conn *);
int	 __wrap_seal_start(struct sealer *, const struct seal_req *, seal_cb,
	    void *);
int	 __wrap_seal_start_stored(struct sealer *, const struct seal_req *,
	    const uint8_t *, uint64_t, seal_cb, void *);
void	 __wrap_dock_maybe_stopped(struct dock *);
void	 __wrap_conn_reply(struct conn *, int, const char *, const char *,
	    const char *, size_t);
void	 __wrap_conn_error(struct conn *, int, const char *);
void	 __wrap_api_stop(struct api *);
int	 __wrap_unlink(const char *);
int	 __wrap_unlinkat(int, const char *, int);
int	 __wrap_disposal_one(struct station *, const struct retention_item *,
	    const char *, json_t *, uint64_t *, int *);

/* One line to the report file and to stderr; no allocation. */
static void
say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	char line[160], err[200];
	va_list ap;
	int fd, n, saved = errno;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (report != NULL &&
	    (fd = open(report, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) != -1) {
		(void)__real_write(fd, line, (size_t)n);
		(void)close(fd);
	}
	n = snprintf(err, sizeof(err), "custosd: fault: %.*s", n, line);
	if (n > 0)
		(void)__real_write(STDERR_FILENO, err,
		    (size_t)n < sizeof(err) ? (size_t)n : sizeof(err) - 1);
	errno = saved;
}

/* Whether this call of kind o fails; sets errno when it does. */
static int
hit(enum op o)
{
	unsigned long k;

	if (o != target || atomic_load(&phase) != ARMED || nth == 0 || exempt)
		return 0;
	k = atomic_fetch_add(&calls, 1) + 1;
	if (k < nth || (k > nth && !persist))
		return 0;
	if (atomic_fetch_add(&fired, 1) == 0) {
		say("fired %s %lu %s", op_names[o], nth, crash ? "KILL" :
		    fail_errno == ENOSPC ? "ENOSPC" : "EIO");
		if (crash)
			(void)raise(SIGKILL);
#ifdef __SANITIZE_ADDRESS__
		if (stack)
			__sanitizer_print_stack_trace();
#endif
	}
	errno = o == OP_ALLOC ? ENOMEM : fail_errno;
	return 1;
}

/* Counts a call when only counting (N = 0). */
static void
count(enum op o)
{
	if (o == target && nth == 0 && atomic_load(&phase) == ARMED &&
	    !exempt)
		atomic_fetch_add(&calls, 1);
}

static int
fails(enum op o)
{
	count(o);
	return hit(o);
}

static void
arm(void)
{
	int before = BEFORE;

	if (target != OP_NONE)
		atomic_compare_exchange_strong(&phase, &before, ARMED);
}

static void
disarm(void)
{
	int armed = ARMED;

	if (atomic_compare_exchange_strong(&phase, &armed, OVER))
		say("window %s calls=%lu fired=%lu", op_names[target],
		    atomic_load(&calls), atomic_load(&fired));
}

/*
 * Allocation.
 */
void *
__wrap_malloc(size_t n)
{
	return fails(OP_ALLOC) ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t size)
{
	return fails(OP_ALLOC) ? NULL : __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t n)
{
	return fails(OP_ALLOC) ? NULL : __real_realloc(p, n);
}

void *
__wrap_reallocarray(void *p, size_t n, size_t size)
{
	return fails(OP_ALLOC) ? NULL : __real_reallocarray(p, n, size);
}

char *
__wrap_strdup(const char *s)
{
	return fails(OP_ALLOC) ? NULL : __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
	return fails(OP_ALLOC) ? NULL : __real_strndup(s, n);
}

int
__wrap_vasprintf(char **out, const char *fmt, va_list ap)
{
	if (fails(OP_ALLOC)) {
		*out = NULL;
		return -1;
	}
	return __real_vasprintf(out, fmt, ap);
}

int
__wrap_asprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __wrap_vasprintf(out, fmt, ap);
	va_end(ap);
	return n;
}

/* jansson and libuv take malloc-like functions; libuv's realloc must
 * free on size 0, which it handles itself before calling ours. */
static void *
json_malloc(size_t n)
{
	return __wrap_malloc(n);
}

static void *
ossl_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return __wrap_malloc(n);
}

static void *
ossl_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	if (n == 0) {
		free(p);
		return NULL;
	}
	return __wrap_realloc(p, n);
}

static void
ossl_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	free(p);
}

/* SQLite wants the size back: an 8-byte header, as its mem1.c keeps. */
static void *
sq_malloc(int n)
{
	sqlite3_int64 *p;

	if (n <= 0 || fails(OP_ALLOC) ||
	    (p = __real_malloc((size_t)n + 8)) == NULL)
		return NULL;
	p[0] = n;
	return p + 1;
}

static void
sq_free(void *v)
{
	if (v != NULL)
		free((sqlite3_int64 *)v - 1);
}

static void *
sq_realloc(void *v, int n)
{
	sqlite3_int64 *p;

	if (n <= 0 || fails(OP_ALLOC) ||
	    (p = __real_realloc((sqlite3_int64 *)v - 1, (size_t)n + 8)) ==
	    NULL)
		return NULL;
	p[0] = n;
	return p + 1;
}

static int
sq_size(void *v)
{
	return v == NULL ? 0 : (int)((sqlite3_int64 *)v)[-1];
}

static int
sq_roundup(int n)
{
	return (n + 7) & ~7;
}

static int
sq_init(void *arg)
{
	(void)arg;
	return SQLITE_OK;
}

static void
sq_shutdown(void *arg)
{
	(void)arg;
}

static const sqlite3_mem_methods sq_mem = {
	sq_malloc, sq_free, sq_realloc, sq_size, sq_roundup, sq_init,
	sq_shutdown, NULL,
};

/*
 * jansson's parser (2.14 and before) ignores a failed allocation while it
 * saves a token and then asserts or reads past its buffer
 * (akheron/jansson#362); a crash there is jansson's, not custosd's, so
 * its allocations are never failed.  Building JSON is failed as usual.
 */
json_t *
__wrap_json_loadb(const char *buf, size_t len, size_t flags,
    json_error_t *err)
{
	json_t *j;

	exempt++;
	j = __real_json_loadb(buf, len, flags, err);
	exempt--;
	return j;
}

json_t *
__wrap_json_loads(const char *s, size_t flags, json_error_t *err)
{
	json_t *j;

	exempt++;
	j = __real_json_loads(s, flags, err);
	exempt--;
	return j;
}

/*
 * Write, fsync, rename.
 */
ssize_t
__wrap_write(int fd, const void *buf, size_t n)
{
	return fails(OP_WRITE) ? -1 : __real_write(fd, buf, n);
}

ssize_t
__wrap_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return fails(OP_WRITE) ? -1 : __real_pwrite(fd, buf, n, off);
}

size_t
__wrap_fwrite(const void *buf, size_t size, size_t n, FILE *f)
{
	return fails(OP_WRITE) ? 0 : __real_fwrite(buf, size, n, f);
}

int
__wrap_ftruncate(int fd, off_t len)
{
	return fails(OP_WRITE) ? -1 : __real_ftruncate(fd, len);
}

int
__wrap_fsync(int fd)
{
	return fails(OP_FSYNC) ? -1 : __real_fsync(fd);
}

int
__wrap_fdatasync(int fd)
{
	return fails(OP_FSYNC) ? -1 : __real_fdatasync(fd);
}

int
__wrap_rename(const char *a, const char *b)
{
	return fails(OP_RENAME) ? -1 : __real_rename(a, b);
}

int
__wrap_unlink(const char *path)
{
	return fails(OP_UNLINK) ? -1 : __real_unlink(path);
}

int
__wrap_unlinkat(int dir, const char *path, int flags)
{
	return fails(OP_UNLINK) ? -1 : __real_unlinkat(dir, path, flags);
}

int
__wrap_renameat(int da, const char *a, int db, const char *b)
{
	return fails(OP_RENAME) ? -1 : __real_renameat(da, a, db, b);
}

int
__wrap_renameat2(int da, const char *a, int db, const char *b,
    unsigned int flags)
{
	return fails(OP_RENAME) ? -1 : __real_renameat2(da, a, db, b, flags);
}

int
__wrap_link(const char *a, const char *b)
{
	return fails(OP_RENAME) ? -1 : __real_link(a, b);
}

int
__wrap_linkat(int da, const char *a, int db, const char *b, int flags)
{
	return fails(OP_RENAME) ? -1 : __real_linkat(da, a, db, b, flags);
}

/*
 * SQLite's file I/O: a VFS that hands every call to the unix VFS, after
 * deciding whether it fails.  Each file is our header followed by the
 * unix VFS's own file structure.
 */
struct ffile {
	sqlite3_file	 base;
	sqlite3_file	*real;
};

static sqlite3_vfs	*unix_vfs;

#define REAL(f)		(((struct ffile *)(void *)(f))->real)
#define RM(f)		(REAL(f)->pMethods)

static int
sql_write_err(void)
{
	return fail_errno == ENOSPC ? SQLITE_FULL : SQLITE_IOERR_WRITE;
}

static int
f_close(sqlite3_file *f)
{
	return RM(f)->xClose(REAL(f));
}

static int
f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	if (fails(OP_SQLIO))
		return SQLITE_IOERR_READ;
	return RM(f)->xRead(REAL(f), buf, n, off);
}

static int
f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (fails(OP_WRITE) || fails(OP_SQLIO))
		return sql_write_err();
	return RM(f)->xWrite(REAL(f), buf, n, off);
}

static int
f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	if (fails(OP_WRITE) || fails(OP_SQLIO))
		return SQLITE_IOERR_TRUNCATE;
	return RM(f)->xTruncate(REAL(f), size);
}

static int
f_sync(sqlite3_file *f, int flags)
{
	if (fails(OP_FSYNC) || fails(OP_SQLIO))
		return SQLITE_IOERR_FSYNC;
	return RM(f)->xSync(REAL(f), flags);
}

static int
f_size(sqlite3_file *f, sqlite3_int64 *size)
{
	if (fails(OP_SQLIO))
		return SQLITE_IOERR_FSTAT;
	return RM(f)->xFileSize(REAL(f), size);
}

static int
f_lock(sqlite3_file *f, int level)
{
	return RM(f)->xLock(REAL(f), level);
}

static int
f_unlock(sqlite3_file *f, int level)
{
	return RM(f)->xUnlock(REAL(f), level);
}

static int
f_reserved(sqlite3_file *f, int *out)
{
	return RM(f)->xCheckReservedLock(REAL(f), out);
}

static int
f_control(sqlite3_file *f, int op, void *arg)
{
	return RM(f)->xFileControl(REAL(f), op, arg);
}

static int
f_sector(sqlite3_file *f)
{
	return RM(f)->xSectorSize(REAL(f));
}

static int
f_device(sqlite3_file *f)
{
	return RM(f)->xDeviceCharacteristics(REAL(f));
}

static int
f_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **p)
{
	if (RM(f)->iVersion < 2)
		return SQLITE_IOERR_SHMMAP;
	return RM(f)->xShmMap(REAL(f), pg, pgsz, extend, p);
}

static int
f_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	if (RM(f)->iVersion < 2)
		return SQLITE_IOERR_SHMLOCK;
	return RM(f)->xShmLock(REAL(f), off, n, flags);
}

static void
f_shm_barrier(sqlite3_file *f)
{
	if (RM(f)->iVersion >= 2)
		RM(f)->xShmBarrier(REAL(f));
}

static int
f_shm_unmap(sqlite3_file *f, int del)
{
	if (RM(f)->iVersion < 2)
		return SQLITE_OK;
	return RM(f)->xShmUnmap(REAL(f), del);
}

static int
f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
	if (RM(f)->iVersion < 3) {
		*p = NULL;
		return SQLITE_OK;
	}
	return RM(f)->xFetch(REAL(f), off, n, p);
}

static int
f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	if (RM(f)->iVersion < 3)
		return SQLITE_OK;
	return RM(f)->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods fault_io = {
	3, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock,
	f_unlock, f_reserved, f_control, f_sector, f_device, f_shm_map,
	f_shm_lock, f_shm_barrier, f_shm_unmap, f_fetch, f_unfetch,
};

static int
v_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags,
    int *outflags)
{
	struct ffile *p = (struct ffile *)(void *)f;
	int rc;

	(void)v;
	p->real = (sqlite3_file *)(void *)(p + 1);
	rc = unix_vfs->xOpen(unix_vfs, name, p->real, flags, outflags);
	/* SQLite closes a file whose pMethods is set, even after an error. */
	p->base.pMethods = p->real->pMethods != NULL ? &fault_io : NULL;
	return rc;
}

static int
v_delete(sqlite3_vfs *v, const char *name, int syncdir)
{
	(void)v;
	return unix_vfs->xDelete(unix_vfs, name, syncdir);
}

static int
v_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	(void)v;
	return unix_vfs->xAccess(unix_vfs, name, flags, out);
}

static int
v_full(sqlite3_vfs *v, const char *name, int n, char *out)
{
	(void)v;
	return unix_vfs->xFullPathname(unix_vfs, name, n, out);
}

static void *
v_dlopen(sqlite3_vfs *v, const char *name)
{
	(void)v;
	return unix_vfs->xDlOpen(unix_vfs, name);
}

static void
v_dlerror(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	unix_vfs->xDlError(unix_vfs, n, out);
}

static void
(*v_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	(void)v;
	return unix_vfs->xDlSym(unix_vfs, h, sym);
}

static void
v_dlclose(sqlite3_vfs *v, void *h)
{
	(void)v;
	unix_vfs->xDlClose(unix_vfs, h);
}

static int
v_random(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return unix_vfs->xRandomness(unix_vfs, n, out);
}

static int
v_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return unix_vfs->xSleep(unix_vfs, us);
}

static int
v_time(sqlite3_vfs *v, double *out)
{
	(void)v;
	return unix_vfs->xCurrentTime(unix_vfs, out);
}

static int
v_lasterr(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return unix_vfs->xGetLastError(unix_vfs, n, out);
}

static int
v_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	(void)v;
	return unix_vfs->xCurrentTimeInt64(unix_vfs, out);
}

static sqlite3_vfs fault_vfs = {
	.iVersion = 2,
	.zName = "custos-fault",
	.xOpen = v_open,
	.xDelete = v_delete,
	.xAccess = v_access,
	.xFullPathname = v_full,
	.xDlOpen = v_dlopen,
	.xDlError = v_dlerror,
	.xDlSym = v_dlsym,
	.xDlClose = v_dlclose,
	.xRandomness = v_random,
	.xSleep = v_sleep,
	.xCurrentTime = v_time,
	.xGetLastError = v_lasterr,
	.xCurrentTimeInt64 = v_time64,
};

/*
 * The window: opened by the start of work on a file, closed by its end
 * or by the start of shutdown.
 */
int
__wrap_walk_volume(const char *root, const char *name, struct walk *w)
{
	arm();
	return __real_walk_volume(root, name, w);
}

int
__wrap_disposal_one(struct station *st, const struct retention_item *it,
    const char *at, json_t *extra, uint64_t *index, int *removed)
{
	arm();
	return __real_disposal_one(st, it, at, extra, index, removed);
}

void
__wrap_upload_route(struct conn *c)
{
	arm();
	__real_upload_route(c);
}

int
__wrap_seal_start(struct sealer *s, const struct seal_req *req, seal_cb cb,
    void *arg)
{
	arm();
	return __real_seal_start(s, req, cb, arg);
}

int
__wrap_seal_start_stored(struct sealer *s, const struct seal_req *req,
    const uint8_t *object, uint64_t size, seal_cb cb, void *arg)
{
	arm();
	return __real_seal_start_stored(s, req, object, size, cb, arg);
}

void
__wrap_dock_maybe_stopped(struct dock *d)
{
	disarm();
	__real_dock_maybe_stopped(d);
}

void
__wrap_conn_reply(struct conn *c, int status, const char *headers,
    const char *type, const char *body, size_t len)
{
	__real_conn_reply(c, status, headers, type, body, len);
	disarm();
}

void
__wrap_conn_error(struct conn *c, int status, const char *text)
{
	__real_conn_error(c, status, text);
	disarm();
}

void
__wrap_api_stop(struct api *a)
{
	disarm();
	__real_api_stop(a);
}

/*
 * Set-up, before main() and before any library has allocated: SQLite,
 * jansson, libuv and OpenSSL accept their allocators only then.
 */
static void
bad_spec(const char *spec)
{
	fprintf(stderr, "custosd: fault: CUSTOS_FAULT=%s: expected "
	    "OP:N[:persist][:enospc][:kill], OP alloc, write, fsync, "
	    "rename, sqlio or unlink\n", spec);
	exit(2);
}

static void
parse(const char *spec)
{
	char buf[64], *tok, *save, *end;
	size_t i;

	if (strlen(spec) >= sizeof(buf))
		bad_spec(spec);
	strcpy(buf, spec);
	if ((tok = strtok_r(buf, ":", &save)) == NULL)
		bad_spec(spec);
	for (i = OP_ALLOC; i < sizeof(op_names) / sizeof(op_names[0]); i++)
		if (strcmp(tok, op_names[i]) == 0)
			target = (enum op)i;
	if (target == OP_NONE || (tok = strtok_r(NULL, ":", &save)) == NULL)
		bad_spec(spec);
	errno = 0;
	nth = strtoul(tok, &end, 10);
	if (errno != 0 || *end != '\0' || *tok < '0' || *tok > '9')
		bad_spec(spec);
	while ((tok = strtok_r(NULL, ":", &save)) != NULL) {
		if (strcmp(tok, "persist") == 0)
			persist = 1;
		else if (strcmp(tok, "enospc") == 0)
			fail_errno = ENOSPC;
		else if (strcmp(tok, "kill") == 0)
			crash = 1;
		else
			bad_spec(spec);
	}
}

static void
fault_exit(void)
{
	disarm();
}

__attribute__((constructor)) static void
fault_init(void)
{
	const char *spec;
	int rc;

	if ((spec = getenv("CUSTOS_FAULT")) == NULL || *spec == '\0')
		return;		/* a child, or a run without faults */
	parse(spec);
	report = getenv("CUSTOS_FAULT_REPORT");
	stack = getenv("CUSTOS_FAULT_STACK") != NULL;
	if ((rc = sqlite3_config(SQLITE_CONFIG_MALLOC, &sq_mem)) != SQLITE_OK ||
	    (unix_vfs = sqlite3_vfs_find(NULL)) == NULL) {
		fprintf(stderr, "custosd: fault: cannot hook SQLite (%d)\n",
		    rc);
		exit(2);
	}
	fault_vfs.szOsFile = (int)sizeof(struct ffile) + unix_vfs->szOsFile;
	fault_vfs.mxPathname = unix_vfs->mxPathname;
	if (sqlite3_vfs_register(&fault_vfs, 1) != SQLITE_OK) {
		fprintf(stderr, "custosd: fault: cannot register the VFS\n");
		exit(2);
	}
	json_set_alloc_funcs(json_malloc, free);
	if (uv_replace_allocator(__wrap_malloc, __wrap_realloc,
	    __wrap_calloc, free) != 0 ||
	    CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc,
	    ossl_free) != 1) {
		fprintf(stderr, "custosd: fault: a library allocated before "
		    "its allocator could be replaced\n");
		exit(2);
	}
	atexit(fault_exit);
}
