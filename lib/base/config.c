/*
 * config: custos.conf, an INI file parsed with inih.
 *
 * Debian's libinih is built without INI_HANDLER_LINENO, so the handler is
 * not told the line it is called for.  We therefore feed inih through
 * ini_parse_stream() with our own reader: inih reads one line and handles
 * it before it reads the next, so the reader's line count is the handler's
 * line.  The reader also refuses what inih would silently get wrong: lines
 * longer than its fixed buffer (inih would split them into two lines), NUL
 * bytes (which would cut a line short) and sections we do not know (inih
 * reports nothing for a section without keys).
 *
 * inih joins an indented line to the previous key's value; we reject that
 * instead of guessing, because an indented "key = value" would otherwise
 * silently become part of the previous value.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "custos/config.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "custos/profile.h"
#include "custos/utf8.h"
#include "custos/util.h"

/*
 * Where "make install" puts the calendar files: the Makefile passes the
 * PREFIX it installs to.  The fallback serves builds outside the
 * Makefile (the fuzzers), which never look for an installed calendar.
 */
#ifndef CUSTOS_DATADIR
#define CUSTOS_DATADIR		"/usr/local/share/custos"
#endif

#define CONFIG_MAX_SIZE		(1024 * 1024)
#define KEY_NAME_MAX		255
#define QUOTE_MAX		64	/* value bytes quoted in a message */
#define SUN_PATH_LEN		sizeof(((struct sockaddr_un *)NULL)->sun_path)

enum key {
	K_NAME,
	K_STATE_DIR,
	K_PROFILE,
	K_DOCK_ROOT,
	K_AFTER_INGEST,
	K_SOCKET,
	K_GROUP,
	K_CALENDAR_DIR,
	K_TSA_URL,
	K_TSA_CA,
	K_TSA_POLICY,
	K_UP_LISTEN,
	K_UP_CERT,
	K_UP_KEY,
	K_UP_CLIENT_CA,
	K_UP_CRL,
	NKEYS
};

/* The keys of a [live NAME] section. */
enum live_key {
	L_CAMERA,
	L_URL,
	L_LISTEN,
	L_PASSPHRASE,
	L_SEGMENT_SECONDS,
	NLIVEKEYS
};

#define LIVE_MAX	64	/* [live NAME] sections */
#define LIVE_NAME_MAX	32

struct parse;

struct keydef {
	const char	*section;
	const char	*key;
	int		(*set)(struct parse *, const char *);
};

struct parse {
	const char	*name;		/* for messages and relative paths */
	const char	*cur;		/* the reader's position */
	const char	*end;
	int		 line;		/* lines handed to inih so far */
	int		 indented;	/* the line starts with blanks */
	int		 errline;	/* line of the first error, or 0 */
	int		 rc;		/* the first error, or 0 */
	char		*err;
	size_t		 errlen;
	struct config	*c;
	const struct keydef *key;	/* the key being set */
	int		 seen[NKEYS];	/* line each key was set on, or 0 */
	int		 lseen[LIVE_MAX][NLIVEKEYS];	/* same, per live */
	int		 live;		/* index of the [live NAME] section
					   being read, or -1 */
	int		 live_key;	/* p->key is one of live_keys */
	int		 prev;		/* the previous call's key, or -1 */
	char		*base;		/* absolute directory of name */
};

static int	set_name(struct parse *, const char *);
static int	set_state_dir(struct parse *, const char *);
static int	set_profile(struct parse *, const char *);
static int	set_dock_root(struct parse *, const char *);
static int	set_after_ingest(struct parse *, const char *);
static int	set_socket(struct parse *, const char *);
static int	set_group(struct parse *, const char *);
static int	set_calendar_dir(struct parse *, const char *);
static int	set_tsa_url(struct parse *, const char *);
static int	set_tsa_ca(struct parse *, const char *);
static int	set_tsa_policy(struct parse *, const char *);
static int	set_up_listen(struct parse *, const char *);
static int	set_up_cert(struct parse *, const char *);
static int	set_up_key(struct parse *, const char *);
static int	set_up_client_ca(struct parse *, const char *);
static int	set_up_crl(struct parse *, const char *);
static int	set_live_camera(struct parse *, const char *);
static int	set_live_url(struct parse *, const char *);
static int	set_live_listen(struct parse *, const char *);
static int	set_live_passphrase(struct parse *, const char *);
static int	set_live_segment(struct parse *, const char *);

static const struct keydef keys[NKEYS] = {
	[K_NAME] = { "station", "name", set_name },
	[K_STATE_DIR] = { "station", "state_dir", set_state_dir },
	[K_PROFILE] = { "station", "profile", set_profile },
	[K_DOCK_ROOT] = { "dock", "root", set_dock_root },
	[K_AFTER_INGEST] = { "dock", "after_ingest", set_after_ingest },
	[K_SOCKET] = { "control", "socket", set_socket },
	[K_GROUP] = { "control", "group", set_group },
	[K_CALENDAR_DIR] = { "station", "calendar_dir", set_calendar_dir },
	[K_TSA_URL] = { "tsa", "url", set_tsa_url },
	[K_TSA_CA] = { "tsa", "ca", set_tsa_ca },
	[K_TSA_POLICY] = { "tsa", "policy", set_tsa_policy },
	[K_UP_LISTEN] = { "upload", "listen", set_up_listen },
	[K_UP_CERT] = { "upload", "cert", set_up_cert },
	[K_UP_KEY] = { "upload", "key", set_up_key },
	[K_UP_CLIENT_CA] = { "upload", "client_ca", set_up_client_ca },
	[K_UP_CRL] = { "upload", "crl", set_up_crl },
};

/* Section is the live section's full name, e.g. "live drone1". */
static const struct keydef live_keys[NLIVEKEYS] = {
	[L_CAMERA] = { "live", "camera", set_live_camera },
	[L_URL] = { "live", "url", set_live_url },
	[L_LISTEN] = { "live", "listen", set_live_listen },
	[L_PASSPHRASE] = { "live", "passphrase", set_live_passphrase },
	[L_SEGMENT_SECONDS] = { "live", "segment_seconds", set_live_segment },
};

static const char *const sections[] = { "station", "dock", "control", "tsa",
    "upload" };

/*
 * Records the first error as "<file>:<line>: <message>" (or "<file>:
 * <message>" when line is 0).  Later errors are dropped: the first one is
 * the one the operator should fix first.
 */
static int __attribute__((format(printf, 4, 5)))
fail(struct parse *p, int rc, int line, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	int r;

	if (p->rc != 0)
		return p->rc;
	p->rc = rc;
	p->errline = line;
	if (p->err == NULL || p->errlen == 0)
		return rc;
	if (line > 0)
		r = snprintf(p->err, p->errlen, "%s:%d: ", p->name, line);
	else
		r = snprintf(p->err, p->errlen, "%s: ", p->name);
	n = r < 0 ? 0 : (size_t)r;
	if (n >= p->errlen)
		return rc;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return rc;
}

/* Reports a problem with the value of the key being set. */
static int __attribute__((format(printf, 2, 3)))
bad(struct parse *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->live_key && p->live >= 0)
		return fail(p, CUSTOS_ERR_CONFIG, p->line, "[live %s] %s: %s",
		    p->c->live[p->live].name, p->key->key, msg);
	return fail(p, CUSTOS_ERR_CONFIG, p->line, "[%s] %s: %s",
	    p->key->section, p->key->key, msg);
}

/* Go's unicode.IsSpace, which C2SP signed notes use for key names. */
static int
is_space(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 ||
	    cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
	    cp == 0x3000;
}

static int
is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/*
 * Copies at most QUOTE_MAX bytes of s (len bytes) into buf for a message,
 * escaping quotes, backslashes and control bytes, and bytes past ASCII too
 * when s is not UTF-8, so that the message is always clean text.
 */
static const char *
escape(const char *s, size_t len, char *buf, size_t bufsz)
{
	int utf8 = utf8_valid(s, len);
	unsigned char c;
	size_t i, o = 0;

	for (i = 0; i < len && i < QUOTE_MAX && o + 5 < bufsz; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8))
			o += (size_t)snprintf(buf + o, bufsz - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	if (i < len && o + 4 < bufsz) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* A buffer that holds any escape() result. */
#define ESCAPED_MAX	(4 * QUOTE_MAX + 8)

/*
 * Checks a C2SP signed-note key name: non-empty, at most 255 bytes,
 * UTF-8 without spaces, '+' or control characters.  The station name is
 * the log origin and the key name, so it must be usable as both.
 */
static int
set_name(struct parse *p, const char *v)
{
	const unsigned char *u = (const unsigned char *)v;
	size_t n = strlen(v), k;
	uint32_t cp;

	if (n > KEY_NAME_MAX)
		return bad(p, "longer than %d bytes", KEY_NAME_MAX);
	if (!utf8_valid(v, n))
		return bad(p, "not valid UTF-8");
	for (; n > 0; u += k, n -= k) {
		k = utf8_seq(u, n, &cp);
		if (cp == '+')
			return bad(p, "must not contain '+'");
		if (is_space(cp))
			return bad(p, "must not contain white space");
		if (is_control(cp))
			return bad(p, "must not contain control characters");
	}
	if ((p->c->station_name = strdup(v)) == NULL)
		return fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	return 0;
}

/*
 * Sets p->base to the absolute directory of the config file: its real
 * path when it exists, or else the current directory joined with it, so
 * that config_parse() of a name that is not a file still works.
 */
static int
find_base(struct parse *p)
{
	char *copy, *dir, cwd[PATH_MAX];
	int rc = 0;

	if (p->base != NULL)
		return 0;
	if ((copy = strdup(p->name)) == NULL)
		return CUSTOS_ERR_NOMEM;
	dir = dirname(copy);
	if ((p->base = realpath(dir, NULL)) != NULL)
		goto out;
	if (dir[0] == '/') {
		if ((p->base = strdup(dir)) == NULL)
			rc = CUSTOS_ERR_NOMEM;
	} else if (getcwd(cwd, sizeof(cwd)) == NULL)
		rc = CUSTOS_ERR_SYSTEM;
	else if (asprintf(&p->base, "%s/%s", cwd, dir) == -1) {
		p->base = NULL;
		rc = CUSTOS_ERR_NOMEM;
	}
out:
	free(copy);
	return rc;
}

/*
 * Removes empty and "." components and a trailing slash from the absolute
 * path s, in place.  ".." stays: resolving it without looking at the file
 * system could be wrong when a component is a symlink.  Every component
 * written is preceded by at least one '/' read, so w never passes r.
 */
static void
clean_path(char *s)
{
	char *r = s, *w = s;

	while (*r != '\0') {
		if (*r == '/') {
			r++;
			continue;
		}
		if (r[0] == '.' && (r[1] == '/' || r[1] == '\0')) {
			r++;
			continue;
		}
		*w++ = '/';
		while (*r != '\0' && *r != '/')
			*w++ = *r++;
	}
	if (w == s)
		*w++ = '/';
	*w = '\0';
}

/* Makes value absolute against the config file's directory into *out. */
static int
set_path(struct parse *p, const char *v, char **out)
{
	const unsigned char *u;
	char *path;
	int rc;

	for (u = (const unsigned char *)v; *u != '\0'; u++)
		if (*u < 0x20 || *u == 0x7f)
			return bad(p, "control character in path");
	if (v[0] == '/') {
		if ((path = strdup(v)) == NULL)
			return fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	} else {
		if ((rc = find_base(p)) != 0)
			return fail(p, rc, p->line, "[%s] %s: %s",
			    p->key->section, p->key->key,
			    rc == CUSTOS_ERR_NOMEM ? "out of memory" :
			    "cannot resolve relative path");
		if (asprintf(&path, "%s/%s", p->base, v) == -1)
			return fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	}
	clean_path(path);
	free(*out);
	*out = path;
	return 0;
}

static int
set_state_dir(struct parse *p, const char *v)
{
	return set_path(p, v, &p->c->state_dir);
}

/* "none" is the explicit way to run without a calendar ("./none" names
 * a directory of that name). */
static int
set_calendar_dir(struct parse *p, const char *v)
{
	if (strcmp(v, "none") == 0) {
		free(p->c->calendar_dir);
		p->c->calendar_dir = NULL;
		p->c->calendar_from = CONFIG_CALENDAR_NONE;
		return 0;
	}
	p->c->calendar_from = CONFIG_CALENDAR_SET;
	return set_path(p, v, &p->c->calendar_dir);
}

static int
set_dock_root(struct parse *p, const char *v)
{
	return set_path(p, v, &p->c->dock_root);
}

static int
set_socket(struct parse *p, const char *v)
{
	size_t n;
	int rc;

	if ((rc = set_path(p, v, &p->c->control_socket)) != 0)
		return rc;
	/* bind() needs the path and its NUL inside sun_path. */
	if ((n = strlen(p->c->control_socket)) >= SUN_PATH_LEN)
		return bad(p, "path too long for a unix socket (%zu bytes, "
		    "at most %zu)", n, SUN_PATH_LEN - 1);
	return 0;
}

/*
 * A group name as useradd(8) accepts it: letters, digits, '_', '-' and
 * '.', not starting with '-', at most 32 bytes.  Whether the group exists
 * is the daemon's question at start, not the parser's.
 */
static int
set_group(struct parse *p, const char *v)
{
	size_t n = strlen(v);
	char q[ESCAPED_MAX];

	if (n > 32 || v[0] == '-' || strspn(v, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != n)
		return bad(p, "not a group name: \"%s\"",
		    escape(v, n, q, sizeof(q)));
	if ((p->c->control_group = strdup(v)) == NULL)
		return fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	return 0;
}

static int
set_profile(struct parse *p, const char *v)
{
	char q[ESCAPED_MAX];

	if (profile_parse(v, &p->c->profile) != 0)
		return bad(p, "expected default or sm, got \"%s\"",
		    escape(v, strlen(v), q, sizeof(q)));
	return 0;
}

static int
set_after_ingest(struct parse *p, const char *v)
{
	char q[ESCAPED_MAX];

	if (strcmp(v, "keep") == 0)
		p->c->after_ingest = AFTER_INGEST_KEEP;
	else if (strcmp(v, "delete") == 0)
		p->c->after_ingest = AFTER_INGEST_DELETE;
	else
		return bad(p, "expected keep or delete, got \"%s\"",
		    escape(v, strlen(v), q, sizeof(q)));
	return 0;
}

static int
set_str(struct parse *p, const char *v, char **out)
{
	free(*out);
	if ((*out = strdup(v)) == NULL)
		return fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	return 0;
}

/* Printable ASCII without spaces: URLs, OIDs, host:port. */
static int
plain(const char *v)
{
	for (; *v != '\0'; v++)
		if (*v <= 0x20 || *v >= 0x7f)
			return 0;
	return 1;
}

static int
has_scheme(const char *v, const char *const *schemes)
{
	size_t n;

	for (; *schemes != NULL; schemes++) {
		n = strlen(*schemes);
		if (strncmp(v, *schemes, n) == 0 && v[n] != '\0')
			return 1;
	}
	return 0;
}

static int
set_tsa_url(struct parse *p, const char *v)
{
	static const char *const schemes[] = { "http://", "https://", NULL };
	char q[ESCAPED_MAX];

	if (!plain(v) || !has_scheme(v, schemes))
		return bad(p, "expected an http:// or https:// URL, got \"%s\"",
		    escape(v, strlen(v), q, sizeof(q)));
	return set_str(p, v, &p->c->tsa_url);
}

static int
set_tsa_ca(struct parse *p, const char *v)
{
	return set_path(p, v, &p->c->tsa_ca);
}

/* A dotted-decimal OID: at least two arcs, digits only. */
static int
set_tsa_policy(struct parse *p, const char *v)
{
	const char *s = v;
	char q[ESCAPED_MAX];
	int arcs = 0;

	while (*s != '\0') {
		if (!isdigit((unsigned char)*s))
			break;
		while (isdigit((unsigned char)*s))
			s++;
		arcs++;
		if (*s == '.' && isdigit((unsigned char)s[1]))
			s++;
	}
	if (*s != '\0' || arcs < 2)
		return bad(p, "expected a dotted OID such as 1.2.3.4.1, got "
		    "\"%s\"", escape(v, strlen(v), q, sizeof(q)));
	return set_str(p, v, &p->c->tsa_policy);
}

/* host:port or [v6]:port, port 1-65535. */
static int
host_port(const char *v)
{
	const char *colon = strrchr(v, ':');
	char *end;
	long port;

	if (!plain(v) || colon == NULL || colon == v)
		return 0;
	if (v[0] == '[' && colon[-1] != ']')
		return 0;
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	return errno == 0 && *end == '\0' && colon[1] != '\0' &&
	    isdigit((unsigned char)colon[1]) && port >= 1 && port <= 65535;
}

static int
set_up_listen(struct parse *p, const char *v)
{
	char q[ESCAPED_MAX];

	if (!host_port(v))
		return bad(p, "expected host:port, got \"%s\"",
		    escape(v, strlen(v), q, sizeof(q)));
	return set_str(p, v, &p->c->upload_listen);
}

static int
set_up_cert(struct parse *p, const char *v)
{
	return set_path(p, v, &p->c->upload_cert);
}

static int
set_up_key(struct parse *p, const char *v)
{
	return set_path(p, v, &p->c->upload_key);
}

static int
set_up_client_ca(struct parse *p, const char *v)
{
	return set_path(p, v, &p->c->upload_client_ca);
}

static int
set_up_crl(struct parse *p, const char *v)
{
	return set_path(p, v, &p->c->upload_crl);
}

static struct config_live *
cur_live(struct parse *p)
{
	return &p->c->live[p->live];
}

/* A camera serial, as the registry accepts it (docs/inspection.md). */
static int
set_live_camera(struct parse *p, const char *v)
{
	size_t n = strlen(v);
	char q[ESCAPED_MAX];

	if (n > 64 || !isalnum((unsigned char)v[0]) || strspn(v,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") != n)
		return bad(p, "not a camera serial (1-64 of [A-Za-z0-9._-]): "
		    "\"%s\"", escape(v, n, q, sizeof(q)));
	return set_str(p, v, &cur_live(p)->camera);
}

static int
set_live_url(struct parse *p, const char *v)
{
	static const char *const schemes[] = { "rtsp://", "rtsps://",
	    "srt://", "tcp://", NULL };
	char q[ESCAPED_MAX];

	if (!plain(v) || !has_scheme(v, schemes))
		return bad(p, "expected an rtsp://, rtsps://, srt:// or tcp:// "
		    "URL, got \"%s\"", escape(v, strlen(v), q, sizeof(q)));
	return set_str(p, v, &cur_live(p)->url);
}

static int
set_live_listen(struct parse *p, const char *v)
{
	static const char *const schemes[] = { "tcp://", "tls://", "srt://",
	    NULL };
	char q[ESCAPED_MAX];

	if (!has_scheme(v, schemes) || !host_port(strstr(v, "://") + 3))
		return bad(p, "expected tcp://, tls:// or srt://host:port, got "
		    "\"%s\"", escape(v, strlen(v), q, sizeof(q)));
	return set_str(p, v, &cur_live(p)->listen);
}

static int
set_live_passphrase(struct parse *p, const char *v)
{
	size_t n = strlen(v);

	/* SRT's own limits for a passphrase. */
	if (n < 10 || n > 79 || !plain(v))
		return bad(p, "expected 10 to 79 printable ASCII characters "
		    "without spaces");
	return set_str(p, v, &cur_live(p)->passphrase);
}

static int
set_live_segment(struct parse *p, const char *v)
{
	char *end, q[ESCAPED_MAX];
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || !isdigit((unsigned char)v[0]) ||
	    n < 1 || n > 3600)
		return bad(p, "expected whole seconds from 1 to 3600, got "
		    "\"%s\"", escape(v, strlen(v), q, sizeof(q)));
	cur_live(p)->segment_seconds = (unsigned)n;
	return 0;
}

/*
 * A "[live NAME]" header: checks NAME, refuses a second section of the
 * same name, and starts a new live source.  len is the header's length.
 */
static int
live_section(struct parse *p, const char *s, size_t len)
{
	struct config_live *nl, *l;
	char q[ESCAPED_MAX];
	const char *name = s + 5;
	size_t n = len - 5, i;

	if (n == 0 || n > LIVE_NAME_MAX || !isalnum((unsigned char)name[0]) ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") < n)
		return fail(p, CUSTOS_ERR_CONFIG, p->line, "[%s]: live source "
		    "name must be 1-%d of [A-Za-z0-9._-]", escape(s, len, q,
		    sizeof(q)), LIVE_NAME_MAX);
	for (i = 0; i < p->c->nlive; i++)
		if (strlen(p->c->live[i].name) == n &&
		    memcmp(p->c->live[i].name, name, n) == 0)
			return fail(p, CUSTOS_ERR_CONFIG, p->line, "[%s]: "
			    "duplicate section (first on line %d)", escape(s,
			    len, q, sizeof(q)), p->c->live[i].line);
	if (p->c->nlive == LIVE_MAX)
		return fail(p, CUSTOS_ERR_CONFIG, p->line, "more than %d "
		    "[live] sections", LIVE_MAX);
	if ((nl = realloc(p->c->live, (p->c->nlive + 1) * sizeof(*nl))) ==
	    NULL)
		return fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	p->c->live = nl;
	l = &nl[p->c->nlive];
	memset(l, 0, sizeof(*l));
	if ((l->name = strndup(name, n)) == NULL)
		return fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	l->segment_seconds = 60;
	l->line = p->line;
	p->live = (int)p->c->nlive++;
	return 0;
}

static int
known_section(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (strlen(sections[i]) == len &&
		    memcmp(sections[i], s, len) == 0)
			return 1;
	return 0;
}

/*
 * Looks at a line before inih does: notes its indentation and refuses a
 * section header we do not know, the way inih finds the name (after an
 * optional byte-order mark and blanks, up to the first ']').
 */
static int
check_line(struct parse *p, const char *s, size_t len)
{
	char q[ESCAPED_MAX];
	const char *close;
	size_t i = 0;

	if (p->line == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	p->indented = i < len && isspace((unsigned char)s[i]) &&
	    s[i] != '\n';
	while (i < len && isspace((unsigned char)s[i]))
		i++;
	if (i == len || s[i] != '[')
		return 0;
	if ((close = memchr(s + i, ']', len - i)) == NULL)
		return 0;	/* inih reports the syntax error */
	/* inih forgets the previous key at a section header; so do we. */
	p->prev = -1;
	p->live = -1;
	if (known_section(s + i + 1, (size_t)(close - s - i - 1)))
		return 0;
	if ((size_t)(close - s - i - 1) >= 5 && memcmp(s + i + 1, "live ", 5) ==
	    0)
		return live_section(p, s + i + 1, (size_t)(close - s - i - 1));
	return fail(p, CUSTOS_ERR_CONFIG, p->line, "[%s]: unknown section",
	    escape(s + i + 1, (size_t)(close - s - i - 1), q, sizeof(q)));
}

/* The fgets()-like reader inih calls for each line. */
static char *
reader(char *str, int num, void *arg)
{
	struct parse *p = arg;
	const char *nl;
	size_t len, take;

	if (p->rc != 0 || p->cur >= p->end || num < 3)
		return NULL;
	nl = memchr(p->cur, '\n', (size_t)(p->end - p->cur));
	len = nl != NULL ? (size_t)(nl - p->cur) : (size_t)(p->end - p->cur);
	take = nl != NULL ? len + 1 : len;
	p->line++;
	if (len > (size_t)num - 2) {
		fail(p, CUSTOS_ERR_CONFIG, p->line,
		    "line longer than %d bytes", num - 2);
		return NULL;
	}
	if (memchr(p->cur, '\0', len) != NULL) {
		fail(p, CUSTOS_ERR_CONFIG, p->line, "NUL byte in line");
		return NULL;
	}
	if (check_line(p, p->cur, len) != 0)
		return NULL;
	memcpy(str, p->cur, take);
	str[take] = '\0';
	p->cur += take;
	return str;
}

static int
find_key(const char *section, const char *name)
{
	int i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].key, name) == 0)
			return i;
	return -1;
}

/* The handler for a key of the [live NAME] section p->live. */
static int
live_handler(struct parse *p, const char *section, const char *name,
    const char *value)
{
	int *seen = p->lseen[p->live];
	char q[ESCAPED_MAX];
	int k;

	for (k = 0; k < NLIVEKEYS; k++)
		if (strcmp(live_keys[k].key, name) == 0)
			break;
	if (k == NLIVEKEYS) {
		fail(p, CUSTOS_ERR_CONFIG, p->line, "[%s] %s: unknown key",
		    section, escape(name, strlen(name), q, sizeof(q)));
		return 0;
	}
	p->key = &live_keys[k];
	p->live_key = 1;
	if (p->indented) {
		bad(p, "indented line; continuation lines are not supported");
		return 0;
	}
	if (seen[k] != 0) {
		bad(p, "duplicate key (first set on line %d)", seen[k]);
		return 0;
	}
	seen[k] = p->line;
	if (value == NULL || value[0] == '\0') {
		bad(p, "empty value");
		return 0;
	}
	return p->key->set(p, value) == 0;
}

/* inih's handler: returns 1 to go on, 0 on error. */
static int
handler(void *arg, const char *section, const char *name, const char *value)
{
	struct parse *p = arg;
	char q[ESCAPED_MAX];
	int k, prev = p->prev;

	p->prev = -1;
	if (p->rc != 0)
		return 0;
	if (section[0] == '\0') {
		fail(p, CUSTOS_ERR_CONFIG, p->line, "%s: key before any "
		    "[section]", escape(name, strlen(name), q, sizeof(q)));
		return 0;
	}
	if (p->live >= 0)
		return live_handler(p, section, name, value);
	if ((k = find_key(section, name)) == -1) {
		fail(p, CUSTOS_ERR_CONFIG, p->line, "[%s] %s: unknown key",
		    section, escape(name, strlen(name), q, sizeof(q)));
		return 0;
	}
	p->key = &keys[k];
	p->live_key = 0;
	if (p->indented && k == prev) {
		bad(p, "indented line continues the previous value; "
		    "continuation lines are not supported");
		return 0;
	}
	if (p->seen[k] != 0) {
		bad(p, "duplicate key (first set on line %d)", p->seen[k]);
		return 0;
	}
	p->seen[k] = p->line;
	p->prev = k;
	if (value == NULL || value[0] == '\0') {
		bad(p, "empty value");
		return 0;
	}
	return p->key->set(p, value) == 0;
}

/* A key a section needs once another of its keys is set. */
static int
needs(struct parse *p, int have, int need)
{
	if (p->seen[have] == 0 || p->seen[need] != 0)
		return 0;
	return fail(p, CUSTOS_ERR_CONFIG, p->seen[have], "[%s] %s: required "
	    "with %s", keys[need].section, keys[need].key, keys[have].key);
}

/* What single keys cannot tell: keys that go together. */
static int
check_sections(struct parse *p)
{
	static const int tsa[] = { K_TSA_CA, K_TSA_POLICY };
	static const int up[] = { K_UP_CERT, K_UP_KEY, K_UP_CLIENT_CA,
	    K_UP_CRL };
	struct config_live *l;
	size_t i;

	for (i = 0; i < sizeof(tsa) / sizeof(tsa[0]); i++)
		if (needs(p, tsa[i], K_TSA_URL) != 0)
			return p->rc;
	if (needs(p, K_TSA_URL, K_TSA_CA) != 0)
		return p->rc;
	for (i = 0; i < sizeof(up) / sizeof(up[0]); i++)
		if (needs(p, up[i], K_UP_LISTEN) != 0)
			return p->rc;
	for (i = 0; i < 3; i++)
		if (needs(p, K_UP_LISTEN, up[i]) != 0)
			return p->rc;
	for (i = 0; i < p->c->nlive; i++) {
		l = &p->c->live[i];
		if (l->camera == NULL)
			return fail(p, CUSTOS_ERR_CONFIG, l->line, "[live %s] "
			    "camera: required", l->name);
		if ((l->url == NULL) == (l->listen == NULL))
			return fail(p, CUSTOS_ERR_CONFIG, l->line, "[live %s]: "
			    "set exactly one of url and listen", l->name);
		if (l->passphrase != NULL && strncmp(l->url != NULL ? l->url :
		    l->listen, "srt://", 6) != 0)
			return fail(p, CUSTOS_ERR_CONFIG, l->line, "[live %s] "
			    "passphrase: only for srt:// sources", l->name);
		if (l->listen != NULL && strncmp(l->listen, "tls://", 6) ==
		    0 && p->c->upload_client_ca == NULL)
			return fail(p, CUSTOS_ERR_CONFIG, l->line, "[live %s] "
			    "listen: tls:// needs [upload] cert, key and "
			    "client_ca", l->name);
	}
	return 0;
}

static int
set_defaults(struct config *c)
{
	c->profile = PROFILE_DEFAULT;
	c->after_ingest = AFTER_INGEST_KEEP;
	if ((c->state_dir = strdup("/var/lib/custos")) == NULL ||
	    (c->dock_root = strdup("/srv/custos/dock")) == NULL ||
	    (c->control_socket = strdup("/run/custos/control.sock")) == NULL)
		return CUSTOS_ERR_NOMEM;
	return 0;
}

/*
 * Without calendar_dir: "calendar" beside the config file (resolved like
 * any relative path) when it exists, as in a source tree; else the
 * installed data directory.  Both are kept, so that the daemon can name
 * the paths it tried when neither exists.
 */
static int
default_calendar(struct parse *p)
{
	struct stat sb;

	p->key = &keys[K_CALENDAR_DIR];
	p->line = 0;
	if (set_path(p, "calendar", &p->c->calendar_beside) != 0)
		return p->rc;
	if (stat(p->c->calendar_beside, &sb) == 0) {
		p->c->calendar_from = CONFIG_CALENDAR_BESIDE;
		if ((p->c->calendar_dir = strdup(p->c->calendar_beside)) ==
		    NULL)
			return fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
		return 0;
	}
	p->c->calendar_from = CONFIG_CALENDAR_INSTALLED;
	if ((p->c->calendar_dir = strdup(CUSTOS_DATADIR "/calendar")) == NULL)
		return fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	return 0;
}

int
config_parse(const char *buf, size_t len, const char *name,
    struct config **out, char *err, size_t errlen)
{
	struct parse p;
	int r;

	*out = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	memset(&p, 0, sizeof(p));
	p.name = name;
	p.cur = buf;
	p.end = buf + len;
	p.err = err;
	p.errlen = errlen;
	p.prev = -1;
	p.live = -1;
	if (len > CONFIG_MAX_SIZE)
		return fail(&p, CUSTOS_ERR_CONFIG, 0, "larger than %d bytes",
		    CONFIG_MAX_SIZE);
	if ((p.c = calloc(1, sizeof(*p.c))) == NULL ||
	    (p.c->path = strdup(name)) == NULL ||
	    set_defaults(p.c) != 0) {
		fail(&p, CUSTOS_ERR_NOMEM, 0, "out of memory");
		goto out;
	}
	r = ini_parse_stream(reader, &p, handler, &p);
	/*
	 * inih returns the first line it could not parse, or the first line
	 * our handler refused; an earlier inih syntax error wins.
	 */
	if (r > 0 && (p.rc == 0 || r < p.errline)) {
		p.rc = 0;
		fail(&p, CUSTOS_ERR_CONFIG, r,
		    "expected \"[section]\" or \"key = value\"");
	} else if (r < 0 && p.rc == 0)
		fail(&p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	if (p.rc != 0)
		goto out;
	if (p.c->station_name == NULL) {
		fail(&p, CUSTOS_ERR_CONFIG, 0, "[station] name: required");
		goto out;
	}
	if (p.seen[K_CALENDAR_DIR] == 0 && default_calendar(&p) != 0)
		goto out;
	if (check_sections(&p) != 0)
		goto out;
	p.c->digest_alg = profile_digest(p.c->profile);
	if ((r = digest_buf(p.c->digest_alg, buf, len, p.c->digest)) != 0) {
		fail(&p, r, 0, "cannot hash the file: %s",
		    custos_strerror(r));
		goto out;
	}
	*out = p.c;
	p.c = NULL;
out:
	config_free(p.c);
	free(p.base);
	return p.rc;
}

int
config_load(const char *path, struct config **out, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int rc;

	*out = NULL;
	rc = util_read_file(path, CONFIG_MAX_SIZE, &buf, &len);
	if (rc != 0) {
		struct parse p;

		memset(&p, 0, sizeof(p));
		p.name = path;
		p.err = err;
		p.errlen = errlen;
		if (rc == CUSTOS_ERR_TOOBIG)
			return fail(&p, CUSTOS_ERR_CONFIG, 0,
			    "larger than %d bytes", CONFIG_MAX_SIZE);
		if (rc == CUSTOS_ERR_SYSTEM)
			return fail(&p, rc, 0, "%s", strerror(errno));
		return fail(&p, rc, 0, "%s", custos_strerror(rc));
	}
	rc = config_parse(buf, len, path, out, err, errlen);
	free(buf);
	return rc;
}

void
config_free(struct config *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->path);
	free(c->station_name);
	free(c->state_dir);
	free(c->dock_root);
	free(c->control_socket);
	free(c->control_group);
	free(c->calendar_dir);
	free(c->calendar_beside);
	free(c->tsa_url);
	free(c->tsa_ca);
	free(c->tsa_policy);
	free(c->upload_listen);
	free(c->upload_cert);
	free(c->upload_key);
	free(c->upload_client_ca);
	free(c->upload_crl);
	for (i = 0; i < c->nlive; i++) {
		free(c->live[i].name);
		free(c->live[i].camera);
		free(c->live[i].url);
		free(c->live[i].listen);
		free(c->live[i].passphrase);
	}
	free(c->live);
	free(c);
}
