/*
 * config_keys: the keys custos.conf knows (config_int.h), section by
 * section, and the setter of each: what a value may be, relative paths
 * made absolute against the config file's directory, and the [live NAME]
 * sources; and the messages that report a bad line or value, which
 * config.c uses too.  Reading the file and checking what keys need
 * together is config.c's.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custos/config.h"
#include "custos/err.h"
#include "custos/profile.h"
#include "custos/utf8.h"
#include "config_int.h"

#define KEY_NAME_MAX		255
#define SUN_PATH_LEN		sizeof(((struct sockaddr_un *)NULL)->sun_path)

/* The first error is the one the operator should fix first. */
int
config_fail(struct parse *p, int rc, int line, const char *fmt, ...)
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

int
config_set_key(struct parse *p, int *seen, const char *value, int flat)
{
	if (flat && p->indented) {
		config_bad(p,
		    "indented line; continuation lines are not supported");
		return 0;
	}
	if (*seen != 0) {
		config_bad(p, "duplicate key (first set on line %d)", *seen);
		return 0;
	}
	*seen = p->line;
	if (value == NULL || value[0] == '\0') {
		config_bad(p, "empty value");
		return 0;
	}
	return p->key->set(p, value) == 0;
}

int
config_bad(struct parse *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->live_key && p->live >= 0)
		return config_fail(p, CUSTOS_ERR_CONFIG, p->line,
		    "[live %s] %s: %s",
		    p->c->live[p->live].name, p->key->key, msg);
	if (p->witness_key && p->witness >= 0)
		return config_fail(p, CUSTOS_ERR_CONFIG, p->line,
		    "[witness %s] %s: %s",
		    p->c->witness[p->witness].name, p->key->key, msg);
	return config_fail(p, CUSTOS_ERR_CONFIG, p->line, "[%s] %s: %s",
	    p->key->section, p->key->key, msg);
}

const char *
config_escape(const char *s, size_t len, char *buf, size_t bufsz)
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

/* Reports value v of the key being set as not what was expected. */
static int
bad_value(struct parse *p, const char *v, const char *expected)
{
	char q[ESCAPED_MAX];

	return config_bad(p, "%s, got \"%s\"", expected,
	    config_escape(v, strlen(v), q, sizeof(q)));
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
		return config_bad(p, "longer than %d bytes", KEY_NAME_MAX);
	if (!utf8_valid(v, n))
		return config_bad(p, "not valid UTF-8");
	for (; n > 0; u += k, n -= k) {
		k = utf8_seq(u, n, &cp);
		if (cp == '+')
			return config_bad(p, "must not contain '+'");
		if (is_space(cp))
			return config_bad(p, "must not contain white space");
		if (is_control(cp))
			return config_bad(p,
			    "must not contain control characters");
	}
	if ((p->c->station_name = strdup(v)) == NULL)
		return config_fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
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
int
config_set_path(struct parse *p, const char *v, char **out)
{
	const unsigned char *u;
	char *path;
	int rc;

	for (u = (const unsigned char *)v; *u != '\0'; u++)
		if (*u < 0x20 || *u == 0x7f)
			return config_bad(p, "control character in path");
	if (v[0] == '/') {
		if ((path = strdup(v)) == NULL)
			return config_fail(p, CUSTOS_ERR_NOMEM, 0,
			    "out of memory");
	} else {
		if ((rc = find_base(p)) != 0)
			return config_fail(p, rc, p->line, "[%s] %s: %s",
			    p->key->section, p->key->key,
			    rc == CUSTOS_ERR_NOMEM ? "out of memory" :
			    "cannot resolve relative path");
		if (asprintf(&path, "%s/%s", p->base, v) == -1)
			return config_fail(p, CUSTOS_ERR_NOMEM, 0,
			    "out of memory");
	}
	clean_path(path);
	free(*out);
	*out = path;
	return 0;
}

/* A key whose value is a path and nothing more: p->key->path says where. */
static int
set_path(struct parse *p, const char *v)
{
	return config_set_path(p, v, (char **)((char *)p->c + p->key->path));
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
	return config_set_path(p, v, &p->c->calendar_dir);
}

static int
set_socket(struct parse *p, const char *v)
{
	size_t n;
	int rc;

	if ((rc = config_set_path(p, v, &p->c->control_socket)) != 0)
		return rc;
	/* bind() needs the path and its NUL inside sun_path. */
	if ((n = strlen(p->c->control_socket)) >= SUN_PATH_LEN)
		return config_bad(p,
		    "path too long for a unix socket (%zu bytes, "
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
		return config_bad(p, "not a group name: \"%s\"",
		    config_escape(v, n, q, sizeof(q)));
	if ((p->c->control_group = strdup(v)) == NULL)
		return config_fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	return 0;
}

/*
 * [roles] KEY: a comma-separated list of group names (each as set_group
 * wants it; blanks around a name are dropped), kept as "g1,g2" in the
 * char * of struct config at p->key->path.
 */
static int
set_roles(struct parse *p, const char *v)
{
	char **out = (char **)((char *)p->c + p->key->path);
	char q[ESCAPED_MAX], *list, *w;
	const char *s = v;
	size_t n;

	if ((list = w = malloc(strlen(v) + 1)) == NULL)
		return config_fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	for (;;) {
		s += strspn(s, " \t");
		n = strcspn(s, ",");
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n == 0 || n > 32 || s[0] == '-' || strspn(s,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_-.") != n) {
			free(list);
			return config_bad(p, "expected group names separated "
			    "by commas, got \"%s\"",
			    config_escape(v, strlen(v), q, sizeof(q)));
		}
		memcpy(w, s, n);
		w += n;
		s += n + strspn(s + n, " \t");
		if (*s != ',')
			break;
		*w++ = ',';
		s++;
	}
	*w = '\0';
	free(*out);
	*out = list;
	return 0;
}

static int
set_profile(struct parse *p, const char *v)
{
	if (profile_parse(v, &p->c->profile) != 0)
		return bad_value(p, v, "expected default or sm");
	return 0;
}

static int
set_after_ingest(struct parse *p, const char *v)
{
	if (strcmp(v, "keep") == 0)
		p->c->after_ingest = AFTER_INGEST_KEEP;
	else if (strcmp(v, "delete") == 0)
		p->c->after_ingest = AFTER_INGEST_DELETE;
	else
		return bad_value(p, v, "expected keep or delete");
	return 0;
}

static int
set_str(struct parse *p, const char *v, char **out)
{
	free(*out);
	if ((*out = strdup(v)) == NULL)
		return config_fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	return 0;
}

/*
 * auto, none, or a POSIX extended regex with a group (the number).  The
 * regex is compiled here only to be checked; the dock compiles its own.
 */
static int
set_file_numbering(struct parse *p, const char *v)
{
	char why[128], q[ESCAPED_MAX];
	regex_t re;
	size_t groups;
	int rc;

	if (strcmp(v, "auto") != 0 && strcmp(v, "none") != 0) {
		if ((rc = regcomp(&re, v, REG_EXTENDED)) != 0) {
			regerror(rc, &re, why, sizeof(why));
			return config_bad(p, "expected auto, none or a POSIX "
			    "extended regex, got \"%s\": %s",
			    config_escape(v, strlen(v), q, sizeof(q)), why);
		}
		groups = re.re_nsub;
		regfree(&re);
		if (groups < 1)
			return config_bad(p, "the regex \"%s\" has no group: "
			    "its first group is the file's number",
			    config_escape(v, strlen(v), q, sizeof(q)));
	}
	return set_str(p, v, &p->c->file_numbering);
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

	if (!plain(v) || !has_scheme(v, schemes))
		return bad_value(p, v,
		    "expected an http:// or https:// URL");
	return set_str(p, v, &p->c->tsa_url);
}

/* A dotted-decimal OID: at least two arcs, digits only. */
static int
set_tsa_policy(struct parse *p, const char *v)
{
	const char *s = v;
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
		return bad_value(p, v,
		    "expected a dotted OID such as 1.2.3.4.1");
	return set_str(p, v, &p->c->tsa_policy);
}

/* host:port or [v6]:port, port minport-65535. */
static int
host_port(const char *v, long minport)
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
	    isdigit((unsigned char)colon[1]) && port >= minport && port <= 65535;
}

static int
set_up_listen(struct parse *p, const char *v)
{
	if (!host_port(v, 1))
		return bad_value(p, v, "expected host:port");
	return set_str(p, v, &p->c->upload_listen);
}

/* [web] listen: host:port, port 0 letting the kernel choose. */
static int
set_web_listen(struct parse *p, const char *v)
{
	if (!host_port(v, 0))
		return bad_value(p, v, "expected host:port (port 0: any "
		    "free port)");
	return set_str(p, v, &p->c->web_listen);
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
		return config_bad(p,
		    "not a camera serial (1-64 of [A-Za-z0-9._-]): "
		    "\"%s\"", config_escape(v, n, q, sizeof(q)));
	return set_str(p, v, &cur_live(p)->camera);
}

static int
set_live_url(struct parse *p, const char *v)
{
	static const char *const schemes[] = { "rtsp://", "rtsps://",
	    "srt://", "tcp://", NULL };

	if (!plain(v) || !has_scheme(v, schemes))
		return bad_value(p, v, "expected an rtsp://, rtsps://, "
		    "srt:// or tcp:// URL");
	return set_str(p, v, &cur_live(p)->url);
}

static int
set_live_listen(struct parse *p, const char *v)
{
	static const char *const schemes[] = { "tcp://", "tls://", "srt://",
	    NULL };

	if (!has_scheme(v, schemes) || !host_port(strstr(v, "://") + 3, 1))
		return bad_value(p, v,
		    "expected tcp://, tls:// or srt://host:port");
	return set_str(p, v, &cur_live(p)->listen);
}

static int
set_live_passphrase(struct parse *p, const char *v)
{
	size_t n = strlen(v);

	/* SRT's own limits for a passphrase. */
	if (n < 10 || n > 79 || !plain(v))
		return config_bad(p,
		    "expected 10 to 79 printable ASCII characters "
		    "without spaces");
	return set_str(p, v, &cur_live(p)->passphrase);
}

static int
set_live_segment(struct parse *p, const char *v)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || !isdigit((unsigned char)v[0]) ||
	    n < 1 || n > 3600)
		return bad_value(p, v,
		    "expected whole seconds from 1 to 3600");
	cur_live(p)->segment_seconds = (unsigned)n;
	return 0;
}

/*
 * A [retention] period: "permanent" or "N days|months|years" (also the
 * singular), N 1-36500.  unlinked may not be under 6 months (183 days,
 * 6 months, any years): the police body-camera rule's floor.
 */
static int
set_period(struct parse *p, const char *v, struct config_period *out,
    int floor)
{
	static const char *const units[] = { "day", "month", "year" };
	char *end;
	size_t k, n;
	long num;

	if (strcmp(v, "permanent") == 0) {
		memset(out, 0, sizeof(*out));
		out->permanent = 1;
		return 0;
	}
	errno = 0;
	num = strtol(v, &end, 10);
	if (errno != 0 || !isdigit((unsigned char)v[0]) || *end != ' ' ||
	    num < 1 || num > 36500)
		return bad_value(p, v, "expected permanent or "
		    "\"N days|months|years\" (N 1-36500)");
	end++;
	for (k = 0; k < 3; k++) {
		n = strlen(units[k]);
		if (strncmp(end, units[k], n) == 0 && (end[n] == '\0' ||
		    (end[n] == 's' && end[n + 1] == '\0')))
			break;
	}
	if (k == 3)
		return bad_value(p, v, "expected permanent or "
		    "\"N days|months|years\" (N 1-36500)");
	if (floor && ((k == CONFIG_DAYS && num < 183) ||
	    (k == CONFIG_MONTHS && num < 6)))
		return bad_value(p, v, "footage never linked is kept at least "
		    "6 months");
	out->permanent = 0;
	out->n = (unsigned)num;
	out->unit = (enum config_unit)k;
	return 0;
}

static int
set_ret_unlinked(struct parse *p, const char *v)
{
	return set_period(p, v, &p->c->retention_unlinked, 1);
}

static int
set_ret_no_penalty(struct parse *p, const char *v)
{
	return set_period(p, v, &p->c->retention_no_penalty, 0);
}

static int
set_ret_penalty(struct parse *p, const char *v)
{
	return set_period(p, v, &p->c->retention_penalty, 0);
}

static int
set_ret_documents(struct parse *p, const char *v)
{
	return set_period(p, v, &p->c->retention_documents, 0);
}

/*
 * [retention] schedule: "off", or "daily HH:MM" (Beijing time, 00:00 to
 * 23:59, two digits each): custosd disposes of what the plan lists as
 * disposable once a day at that time (daemon/disposal.c).
 */
static int
set_ret_schedule(struct parse *p, const char *v)
{
	static const char pre[] = "daily ";
	const char *t = v + sizeof(pre) - 1;
	int h, m;

	if (strcmp(v, "off") == 0) {
		p->c->retention_schedule = 0;
		return 0;
	}
	if (strncmp(v, pre, sizeof(pre) - 1) != 0 || strlen(t) != 5 ||
	    !isdigit((unsigned char)t[0]) || !isdigit((unsigned char)t[1]) ||
	    t[2] != ':' || !isdigit((unsigned char)t[3]) ||
	    !isdigit((unsigned char)t[4]))
		return bad_value(p, v, "expected off or \"daily HH:MM\" "
		    "(Beijing time)");
	h = (t[0] - '0') * 10 + (t[1] - '0');
	m = (t[3] - '0') * 10 + (t[4] - '0');
	if (h > 23 || m > 59)
		return bad_value(p, v, "expected off or \"daily HH:MM\" "
		    "(Beijing time)");
	p->c->retention_schedule = 1;
	p->c->retention_schedule_min = h * 60 + m;
	return 0;
}

/*
 * A [disk] threshold into the struct config_room at p->key->path: "N%"
 * (N a decimal with at most two places, 0 to 100) or a size "N UNIT"
 * (N whole, UNIT one of B, KiB, MiB, GiB, TiB, KB, MB, GB, TB; the blank
 * is optional; "0" alone is allowed and means never).
 */
static int
set_room(struct parse *p, const char *v)
{
	static const struct { const char *name; uint64_t mult; } units[] = {
		{ "B", 1 }, { "KiB", 1ULL << 10 }, { "MiB", 1ULL << 20 },
		{ "GiB", 1ULL << 30 }, { "TiB", 1ULL << 40 }, { "KB", 1000 },
		{ "MB", 1000000 }, { "GB", 1000000000 },
		{ "TB", 1000000000000ULL } };
	struct config_room *out = (struct config_room *)((char *)p->c +
	    p->key->path);
	const char *s = v;
	uint64_t n = 0, frac = 0;
	size_t i, digits = 0, places = 0;

	for (; isdigit((unsigned char)*s) && digits < 16; s++, digits++)
		n = n * 10 + (uint64_t)(*s - '0');
	if (digits == 0 || isdigit((unsigned char)*s))
		return bad_value(p, v, "expected a size such as \"50 GiB\" or "
		    "a share such as \"5%\"");
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s) && places < 2; s++,
		    places++)
			frac = frac * 10 + (uint64_t)(*s - '0');
	if (strcmp(s, "%") == 0 && (places > 0 || s[-1] != '.')) {
		for (; places < 2; places++)
			frac *= 10;
		if (n > 100 || n * 100 + frac > 10000)
			return bad_value(p, v, "expected a share of at most "
			    "100%");
		out->share = 1;
		out->bp = (unsigned)(n * 100 + frac);
		out->bytes = 0;
		return 0;
	}
	if (places == 0 && *s == '\0' && n == 0) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	if (places > 0 || s[-1] == '.')
		return bad_value(p, v, "expected a whole size or a share "
		    "such as \"0.5%\"");
	if (*s == ' ')
		s++;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(s, units[i].name) == 0)
			break;
	if (i == sizeof(units) / sizeof(units[0]))
		return bad_value(p, v, "expected a size such as \"50 GiB\" "
		    "(B, KiB, MiB, GiB, TiB, KB, MB, GB, TB) or a share such "
		    "as \"5%\"");
	if (n > UINT64_MAX / units[i].mult)
		return bad_value(p, v, "size too large");
	out->share = 0;
	out->bytes = n * units[i].mult;
	out->bp = 0;
	return 0;
}

const struct keydef config_keys[NKEYS] = {
	[K_NAME] = { "station", "name", set_name, 0 },
	[K_STATE_DIR] = { "station", "state_dir", set_path,
	    offsetof(struct config, state_dir) },
	[K_PROFILE] = { "station", "profile", set_profile, 0 },
	[K_DOCK_ROOT] = { "dock", "root", set_path,
	    offsetof(struct config, dock_root) },
	[K_AFTER_INGEST] = { "dock", "after_ingest", set_after_ingest, 0 },
	[K_FILE_NUMBERING] = { "dock", "file_numbering", set_file_numbering,
	    0 },
	[K_SOCKET] = { "control", "socket", set_socket, 0 },
	[K_GROUP] = { "control", "group", set_group, 0 },
	[K_CALENDAR_DIR] = { "station", "calendar_dir", set_calendar_dir, 0 },
	[K_TSA_URL] = { "tsa", "url", set_tsa_url, 0 },
	[K_TSA_CA] = { "tsa", "ca", set_path,
	    offsetof(struct config, tsa_ca) },
	[K_TSA_POLICY] = { "tsa", "policy", set_tsa_policy, 0 },
	[K_UP_LISTEN] = { "upload", "listen", set_up_listen, 0 },
	[K_UP_CERT] = { "upload", "cert", set_path,
	    offsetof(struct config, upload_cert) },
	[K_UP_KEY] = { "upload", "key", set_path,
	    offsetof(struct config, upload_key) },
	[K_UP_CLIENT_CA] = { "upload", "client_ca", set_path,
	    offsetof(struct config, upload_client_ca) },
	[K_UP_CRL] = { "upload", "crl", set_path,
	    offsetof(struct config, upload_crl) },
	[K_RET_UNLINKED] = { "retention", "unlinked", set_ret_unlinked, 0 },
	[K_RET_NO_PENALTY] = { "retention", "no_penalty", set_ret_no_penalty,
	    0 },
	[K_RET_PENALTY] = { "retention", "penalty", set_ret_penalty, 0 },
	[K_RET_DOCUMENTS] = { "retention", "documents", set_ret_documents,
	    0 },
	[K_RET_SCHEDULE] = { "retention", "schedule", set_ret_schedule, 0 },
	[K_ROLE_OPERATOR] = { "roles", "operator", set_roles,
	    offsetof(struct config, roles[CONFIG_ROLE_OPERATOR]) },
	[K_ROLE_REVIEWER] = { "roles", "reviewer", set_roles,
	    offsetof(struct config, roles[CONFIG_ROLE_REVIEWER]) },
	[K_ROLE_AUDITOR] = { "roles", "auditor", set_roles,
	    offsetof(struct config, roles[CONFIG_ROLE_AUDITOR]) },
	[K_ROLE_ADMIN] = { "roles", "admin", set_roles,
	    offsetof(struct config, roles[CONFIG_ROLE_ADMIN]) },
	[K_ROLE_METRICS] = { "roles", "metrics", set_roles,
	    offsetof(struct config, roles[CONFIG_ROLE_METRICS]) },
	[K_WEB_LISTEN] = { "web", "listen", set_web_listen, 0 },
	[K_WEB_CERT] = { "web", "cert", set_path,
	    offsetof(struct config, web_cert) },
	[K_WEB_KEY] = { "web", "key", set_path,
	    offsetof(struct config, web_key) },
	[K_WEB_CLIENT_CA] = { "web", "client_ca", set_path,
	    offsetof(struct config, web_client_ca) },
	[K_WEB_CRL] = { "web", "crl", set_path,
	    offsetof(struct config, web_crl) },
	[K_DISK_WARN] = { "disk", "warn", set_room,
	    offsetof(struct config, disk_warn) },
	[K_DISK_STOP] = { "disk", "stop_ingest", set_room,
	    offsetof(struct config, disk_stop) },
};

/* Section is the live section's full name, e.g. "live drone1". */
const struct keydef config_live_keys[NLIVEKEYS] = {
	[L_CAMERA] = { "live", "camera", set_live_camera, 0 },
	[L_URL] = { "live", "url", set_live_url, 0 },
	[L_LISTEN] = { "live", "listen", set_live_listen, 0 },
	[L_PASSPHRASE] = { "live", "passphrase", set_live_passphrase, 0 },
	[L_SEGMENT_SECONDS] = { "live", "segment_seconds", set_live_segment,
	    0 },
};
