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
 * silently become part of the previous value. *
 * What each key accepts, the table of keys and the error messages are
 * in config_keys.c; config_int.h holds what the two files share.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
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
#include "config_int.h"

/*
 * Where "make install" puts the calendar files: the Makefile passes the
 * PREFIX it installs to.  The fallback serves builds outside the
 * Makefile (the fuzzers), which never look for an installed calendar.
 */
#ifndef CUSTOS_DATADIR
#define CUSTOS_DATADIR		"/usr/local/share/custos"
#endif

#define CONFIG_MAX_SIZE		(1024 * 1024)

static const char *const sections[] = { "station", "dock", "control", "tsa",
    "upload", "retention", "roles", "disk", "replica", "web" };

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
		return config_fail(p, CUSTOS_ERR_CONFIG, p->line,
		    "[%s]: live source "
		    "name must be 1-%d of [A-Za-z0-9._-]", config_escape(s, len,
		    q,
		    sizeof(q)), LIVE_NAME_MAX);
	for (i = 0; i < p->c->nlive; i++)
		if (strlen(p->c->live[i].name) == n &&
		    memcmp(p->c->live[i].name, name, n) == 0)
			return config_fail(p, CUSTOS_ERR_CONFIG, p->line,
			    "[%s]: "
			    "duplicate section (first on line %d)",
			    config_escape(s,
			    len, q, sizeof(q)), p->c->live[i].line);
	if (p->c->nlive == LIVE_MAX)
		return config_fail(p, CUSTOS_ERR_CONFIG, p->line,
		    "more than %d "
		    "[live] sections", LIVE_MAX);
	if ((nl = realloc(p->c->live, (p->c->nlive + 1) * sizeof(*nl))) ==
	    NULL)
		return config_fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	p->c->live = nl;
	l = &nl[p->c->nlive];
	memset(l, 0, sizeof(*l));
	if ((l->name = strndup(name, n)) == NULL)
		return config_fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
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
	p->witness = -1;
	if (known_section(s + i + 1, (size_t)(close - s - i - 1)))
		return 0;
	if ((size_t)(close - s - i - 1) >= 5 && memcmp(s + i + 1, "live ", 5) ==
	    0)
		return live_section(p, s + i + 1, (size_t)(close - s - i - 1));
	if ((size_t)(close - s - i - 1) >= 8 && memcmp(s + i + 1, "witness ",
	    8) == 0)
		return config_witness_section(p, s + i + 1,
		    (size_t)(close - s - i - 1));
	return config_fail(p, CUSTOS_ERR_CONFIG, p->line,
	    "[%s]: unknown section",
	    config_escape(s + i + 1, (size_t)(close - s - i - 1), q,
	    sizeof(q)));
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
		config_fail(p, CUSTOS_ERR_CONFIG, p->line,
		    "line longer than %d bytes", num - 2);
		return NULL;
	}
	if (memchr(p->cur, '\0', len) != NULL) {
		config_fail(p, CUSTOS_ERR_CONFIG, p->line, "NUL byte in line");
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
		if (strcmp(config_keys[i].section, section) == 0 &&
		    strcmp(config_keys[i].key, name) == 0)
			return i;
	return -1;
}

/* Reports the unknown key name of section; returns 0 (inih: stop). */
static int
unknown_key(struct parse *p, const char *section, const char *name)
{
	char q[ESCAPED_MAX];

	config_fail(p, CUSTOS_ERR_CONFIG, p->line, "[%s] %s: unknown key",
	    section, config_escape(name, strlen(name), q, sizeof(q)));
	return 0;
}

/* The handler for a key of the [live NAME] section p->live. */
static int
live_handler(struct parse *p, const char *section, const char *name,
    const char *value)
{
	int k;

	for (k = 0; k < NLIVEKEYS; k++)
		if (strcmp(config_live_keys[k].key, name) == 0)
			break;
	if (k == NLIVEKEYS)
		return unknown_key(p, section, name);
	p->key = &config_live_keys[k];
	p->live_key = 1;
	return config_set_key(p, &p->lseen[p->live][k], value, 1);
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
		config_fail(p, CUSTOS_ERR_CONFIG, p->line, "%s: key before any "
		    "[section]", config_escape(name, strlen(name), q,
		    sizeof(q)));
		return 0;
	}
	if (p->live >= 0)
		return live_handler(p, section, name, value);
	if (p->witness >= 0)
		return config_witness_set(p, section, name, value);
	if (strcmp(section, "replica") == 0)
		return config_replica_set(p, name, value);
	if ((k = find_key(section, name)) == -1)
		return unknown_key(p, section, name);
	p->key = &config_keys[k];
	p->live_key = 0;
	if (p->indented && k == prev) {
		config_bad(p, "indented line continues the previous value; "
		    "continuation lines are not supported");
		return 0;
	}
	/* After an error every later call stops at once, so prev may be set
	 * whether or not this one fails. */
	p->prev = k;
	return config_set_key(p, &p->seen[k], value, 0);
}

/* A key a section needs once another of its keys is set. */
static int
needs(struct parse *p, int have, int need)
{
	if (p->seen[have] == 0 || p->seen[need] != 0)
		return 0;
	return config_fail(p, CUSTOS_ERR_CONFIG, p->seen[have],
	    "[%s] %s: required "
	    "with %s", config_keys[need].section, config_keys[need].key,
	    config_keys[have].key);
}

/* Whether the host of "host:port" (or "[v6]:port") is a loopback one. */
static int
loopback_host(const char *hostport)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(hostport, ':');
	struct in6_addr a6;
	struct in_addr a4;
	size_t n = (size_t)(colon - hostport);

	if (hostport[0] == '[') {
		hostport++;
		n -= 2;
	}
	if (n >= sizeof(host))
		return 0;
	memcpy(host, hostport, n);
	host[n] = '\0';
	if (strcmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, host, &a6) == 1 &&
	    IN6_IS_ADDR_LOOPBACK(&a6);
}

/*
 * [web]: cert, key and client_ca go together (TLS with client
 * certificates); without them the console serves only loopback, where
 * the kernel names the user behind each connection.
 */
static int
check_web(struct parse *p)
{
	static const int tls[] = { K_WEB_CERT, K_WEB_KEY, K_WEB_CLIENT_CA };
	size_t i;

	for (i = 0; i < sizeof(tls) / sizeof(tls[0]); i++)
		if (needs(p, tls[i], K_WEB_LISTEN) != 0)
			return p->rc;
	if (needs(p, K_WEB_CRL, K_WEB_CLIENT_CA) != 0)
		return p->rc;
	if (p->c->web_cert != NULL || p->c->web_key != NULL ||
	    p->c->web_client_ca != NULL) {
		for (i = 0; i < sizeof(tls) / sizeof(tls[0]); i++)
			if (needs(p, K_WEB_CERT, tls[i]) != 0 ||
			    needs(p, K_WEB_KEY, tls[i]) != 0 ||
			    needs(p, K_WEB_CLIENT_CA, tls[i]) != 0)
				return p->rc;
		return 0;
	}
	if (p->c->web_listen != NULL && !loopback_host(p->c->web_listen))
		return config_fail(p, CUSTOS_ERR_CONFIG,
		    p->seen[K_WEB_LISTEN], "[web] listen: %s is not a "
		    "loopback address; serving other hosts needs cert, key "
		    "and client_ca (each user's client certificate)",
		    p->c->web_listen);
	return 0;
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
	if (check_web(p) != 0)
		return p->rc;
	for (i = 0; i < p->c->nlive; i++) {
		l = &p->c->live[i];
		if (l->camera == NULL)
			return config_fail(p, CUSTOS_ERR_CONFIG, l->line,
			    "[live %s] "
			    "camera: required", l->name);
		if ((l->url == NULL) == (l->listen == NULL))
			return config_fail(p, CUSTOS_ERR_CONFIG, l->line,
			    "[live %s]: "
			    "set exactly one of url and listen", l->name);
		if (l->passphrase != NULL && strncmp(l->url != NULL ? l->url :
		    l->listen, "srt://", 6) != 0)
			return config_fail(p, CUSTOS_ERR_CONFIG, l->line,
			    "[live %s] "
			    "passphrase: only for srt:// sources", l->name);
		if (l->listen != NULL && strncmp(l->listen, "tls://", 6) ==
		    0 && p->c->upload_client_ca == NULL)
			return config_fail(p, CUSTOS_ERR_CONFIG, l->line,
			    "[live %s] "
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
	c->retention_unlinked.n = 6;
	c->retention_unlinked.unit = CONFIG_MONTHS;
	c->retention_no_penalty.permanent = 1;
	c->retention_penalty.permanent = 1;
	c->retention_documents.permanent = 1;
	c->disk_warn.share = c->disk_stop.share = 1;
	c->disk_warn.bp = 1000;		/* 10% */
	c->disk_stop.bp = 200;		/* 2% */
	if ((c->state_dir = strdup("/var/lib/custos")) == NULL ||
	    (c->dock_root = strdup("/srv/custos/dock")) == NULL ||
	    (c->file_numbering = strdup("auto")) == NULL ||
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

	p->key = &config_keys[K_CALENDAR_DIR];
	p->line = 0;
	if (config_set_path(p, "calendar", &p->c->calendar_beside) != 0)
		return p->rc;
	if (stat(p->c->calendar_beside, &sb) == 0) {
		p->c->calendar_from = CONFIG_CALENDAR_BESIDE;
		if ((p->c->calendar_dir = strdup(p->c->calendar_beside)) ==
		    NULL)
			return config_fail(p, CUSTOS_ERR_NOMEM, 0,
			    "out of memory");
		return 0;
	}
	p->c->calendar_from = CONFIG_CALENDAR_INSTALLED;
	if ((p->c->calendar_dir = strdup(CUSTOS_DATADIR "/calendar")) == NULL)
		return config_fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
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
	p.witness = -1;
	if (len > CONFIG_MAX_SIZE)
		return config_fail(&p, CUSTOS_ERR_CONFIG, 0,
		    "larger than %d bytes",
		    CONFIG_MAX_SIZE);
	if ((p.c = calloc(1, sizeof(*p.c))) == NULL ||
	    (p.c->path = strdup(name)) == NULL ||
	    set_defaults(p.c) != 0) {
		config_fail(&p, CUSTOS_ERR_NOMEM, 0, "out of memory");
		goto out;
	}
	r = ini_parse_stream(reader, &p, handler, &p);
	/*
	 * inih returns the first line it could not parse, or the first line
	 * our handler refused; an earlier inih syntax error wins.
	 */
	if (r > 0 && (p.rc == 0 || r < p.errline)) {
		p.rc = 0;
		config_fail(&p, CUSTOS_ERR_CONFIG, r,
		    "expected \"[section]\" or \"key = value\"");
	} else if (r < 0 && p.rc == 0)
		config_fail(&p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	if (p.rc != 0)
		goto out;
	if (p.c->station_name == NULL) {
		config_fail(&p, CUSTOS_ERR_CONFIG, 0,
		    "[station] name: required");
		goto out;
	}
	if (p.seen[K_CALENDAR_DIR] == 0 && default_calendar(&p) != 0)
		goto out;
	if (check_sections(&p) != 0 || config_witness_check(&p) != 0 ||
	    config_replica_check(&p) != 0)
		goto out;
	p.c->digest_alg = profile_digest(p.c->profile);
	if ((r = digest_buf(p.c->digest_alg, buf, len, p.c->digest)) != 0) {
		config_fail(&p, r, 0, "cannot hash the file: %s",
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
			return config_fail(&p, CUSTOS_ERR_CONFIG, 0,
			    "larger than %d bytes", CONFIG_MAX_SIZE);
		if (rc == CUSTOS_ERR_SYSTEM)
			return config_fail(&p, rc, 0, "%s", strerror(errno));
		return config_fail(&p, rc, 0, "%s", custos_strerror(rc));
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
	free(c->file_numbering);
	free(c->control_socket);
	free(c->control_group);
	for (i = 0; i < CONFIG_NROLES; i++)
		free(c->roles[i]);
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
	free(c->web_listen);
	free(c->web_cert);
	free(c->web_key);
	free(c->web_client_ca);
	free(c->web_crl);
	for (i = 0; i < c->nlive; i++) {
		free(c->live[i].name);
		free(c->live[i].camera);
		free(c->live[i].url);
		free(c->live[i].listen);
		free(c->live[i].passphrase);
	}
	free(c->live);
	config_witness_free(c);
	config_replica_free(c);
	free(c);
}
