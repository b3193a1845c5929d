/*
 * Unit tests for lib/base/config.c: every key, the defaults, path resolution,
 * and the exact text of every kind of error message.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <ini.h>

#include "custos/config.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "custos/profile.h"

#include "fixture.h"

#define ERRLEN	512

static struct config *
parse_ok(const char *text, size_t len, const char *name)
{
	struct config *c = NULL;
	char err[ERRLEN] = "";
	int rc;

	rc = config_parse(text, len, name, &c, err, sizeof(err));
	if (rc != 0)
		print_message("unexpected error: %s\n", err);
	assert_int_equal(rc, 0);
	assert_non_null(c);
	return c;
}

static void
parse_fails(const char *text, size_t len, const char *want)
{
	struct config *c = (struct config *)1;
	char err[ERRLEN] = "";

	assert_int_equal(config_parse(text, len, "t.conf", &c, err,
	    sizeof(err)), CUSTOS_ERR_CONFIG);
	assert_null(c);
	assert_string_equal(err, want);
}

#define PARSE_FAILS(text, want)	parse_fails(text, sizeof(text) - 1, want)

static const char FULL[] =
    "; Custos station configuration\n"
    "# written for the unit test\n"
    "[station]\n"
    "name = example.gov.cn/station-01\n"
    "state_dir = /var/lib/custos-test\n"
    "calendar_dir = /usr/share/custos/calendar\n"
    "profile = sm\n"
    "\n"
    "[dock]\n"
    "root = /srv/dock\n"
    "after_ingest = delete\n"
    "file_numbering = ^REC_([0-9]{4}) ; \\.MP4$\n"
    "\n"
    "[control]\n"
    "socket = /run/custos/test.sock\n"
    "group = custos-ops\n";

static void
test_config_every_key(void **state)
{
	uint8_t want[DIGEST_LEN];
	struct config *c;

	(void)state;
	c = parse_ok(FULL, sizeof(FULL) - 1, "/nonexistent/custos.conf");
	assert_string_equal(c->path, "/nonexistent/custos.conf");
	assert_string_equal(c->station_name, "example.gov.cn/station-01");
	assert_string_equal(c->state_dir, "/var/lib/custos-test");
	assert_string_equal(c->calendar_dir, "/usr/share/custos/calendar");
	assert_int_equal(c->calendar_from, CONFIG_CALENDAR_SET);
	assert_null(c->calendar_beside);
	assert_int_equal(c->profile, PROFILE_SM);
	assert_string_equal(c->dock_root, "/srv/dock");
	assert_int_equal(c->after_ingest, AFTER_INGEST_DELETE);
	/* " ;" starts a comment, in a regex too. */
	assert_string_equal(c->file_numbering, "^REC_([0-9]{4})");
	assert_string_equal(c->control_socket, "/run/custos/test.sock");
	assert_string_equal(c->control_group, "custos-ops");
	/* The sm profile hashes the exact file bytes with SM3. */
	assert_int_equal(c->digest_alg, DIGEST_SM3);
	assert_int_equal(digest_buf(DIGEST_SM3, FULL, sizeof(FULL) - 1, want),
	    0);
	assert_memory_equal(c->digest, want, DIGEST_LEN);
	config_free(c);
	config_free(NULL);
}

static void
test_config_defaults(void **state)
{
	static const char text[] = "[station]\nname = s1\n";
	uint8_t want[DIGEST_LEN];
	struct config *c;

	(void)state;
	c = parse_ok(text, sizeof(text) - 1, "custos.conf");
	assert_string_equal(c->station_name, "s1");
	assert_string_equal(c->state_dir, "/var/lib/custos");
	assert_int_equal(c->profile, PROFILE_DEFAULT);
	assert_string_equal(c->dock_root, "/srv/custos/dock");
	assert_int_equal(c->after_ingest, AFTER_INGEST_KEEP);
	assert_string_equal(c->file_numbering, "auto");
	assert_string_equal(c->control_socket, "/run/custos/control.sock");
	assert_null(c->control_group);
	assert_int_equal(c->digest_alg, DIGEST_SHA256);
	assert_int_equal(digest_buf(DIGEST_SHA256, text, sizeof(text) - 1,
	    want), 0);
	assert_memory_equal(c->digest, want, DIGEST_LEN);
	config_free(c);
}

static void
test_config_explicit_defaults(void **state)
{
	static const char text[] =
	    "[station]\nname = s1\nprofile = default\n"
	    "[dock]\nafter_ingest = keep\n";
	struct config *c;

	(void)state;
	c = parse_ok(text, sizeof(text) - 1, "custos.conf");
	assert_int_equal(c->profile, PROFILE_DEFAULT);
	assert_int_equal(c->after_ingest, AFTER_INGEST_KEEP);
	config_free(c);
}

/* Relative paths resolve against the real directory of the file. */
static void
test_config_relative_paths(void **state)
{
	static const char text[] =
	    "[station]\nname = s1\nstate_dir = state\n"
	    "[dock]\nroot = ../dock/\n"
	    "[control]\nsocket = ./run//ctl.sock\n";
	char dir[PATH_MAX - 64], path[PATH_MAX], *real, want[PATH_MAX + 64];
	char err[ERRLEN];
	struct config *c;
	FILE *fp;

	(void)state;
	assert_int_equal(fixture_dir_make(dir, sizeof(dir), "config"), 0);
	snprintf(path, sizeof(path), "%s/etc", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/etc/custos.conf", dir);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fwrite(text, 1, sizeof(text) - 1, fp),
	    sizeof(text) - 1);
	assert_int_equal(fclose(fp), 0);

	assert_int_equal(config_load(path, &c, err, sizeof(err)), 0);
	assert_non_null(real = realpath(dir, NULL));
	assert_string_equal(c->path, path);
	snprintf(want, sizeof(want), "%s/etc/state", real);
	assert_string_equal(c->state_dir, want);
	/* ".." is kept: only the file system may resolve it. */
	snprintf(want, sizeof(want), "%s/etc/../dock", real);
	assert_string_equal(c->dock_root, want);
	snprintf(want, sizeof(want), "%s/etc/run/ctl.sock", real);
	assert_string_equal(c->control_socket, want);
	/*
	 * The calendar defaults to "calendar" beside the file when it
	 * exists, else to the installed one; both are kept for messages.
	 */
	snprintf(want, sizeof(want), "%s/etc/calendar", real);
	assert_string_equal(c->calendar_beside, want);
	assert_int_equal(c->calendar_from, CONFIG_CALENDAR_INSTALLED);
	assert_true(strlen(c->calendar_dir) > strlen("/share/custos/calendar"));
	assert_string_equal(c->calendar_dir + strlen(c->calendar_dir) -
	    strlen("/share/custos/calendar"), "/share/custos/calendar");
	config_free(c);
	assert_int_equal(mkdir(want, 0700), 0);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), 0);
	assert_int_equal(c->calendar_from, CONFIG_CALENDAR_BESIDE);
	assert_string_equal(c->calendar_dir, want);
	assert_string_equal(c->calendar_beside, want);
	config_free(c);
	free(real);
	(void)fixture_dir_remove(dir);
}

/* A bare file name means the current directory. */
static void
test_config_relative_to_cwd(void **state)
{
	static const char text[] = "[station]\nname = s1\nstate_dir = var\n";
	char cwd[PATH_MAX], *real, want[PATH_MAX + 8];
	struct config *c;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_non_null(real = realpath(cwd, NULL));
	c = parse_ok(text, sizeof(text) - 1, "custos.conf");
	snprintf(want, sizeof(want), "%s/var", real);
	assert_string_equal(c->state_dir, want);
	snprintf(want, sizeof(want), "%s/calendar", real);
	assert_string_equal(c->calendar_beside, want);
	config_free(c);
	free(real);

	/* A directory that does not exist is joined, not resolved. */
	c = parse_ok(text, sizeof(text) - 1, "/nonexistent/x/custos.conf");
	assert_string_equal(c->state_dir, "/nonexistent/x/var");
	assert_string_equal(c->calendar_beside, "/nonexistent/x/calendar");
	assert_int_equal(c->calendar_from, CONFIG_CALENDAR_INSTALLED);
	config_free(c);
}

/* "none" runs without a calendar; "./none" is a directory of that name. */
static void
test_config_calendar_none(void **state)
{
	static const char none[] = "[station]\nname = s1\n"
	    "calendar_dir = none\n";
	static const char dir[] = "[station]\nname = s1\n"
	    "calendar_dir = ./none\n";
	struct config *c;

	(void)state;
	c = parse_ok(none, sizeof(none) - 1, "/nonexistent/x/custos.conf");
	assert_int_equal(c->calendar_from, CONFIG_CALENDAR_NONE);
	assert_null(c->calendar_dir);
	assert_null(c->calendar_beside);
	config_free(c);
	c = parse_ok(dir, sizeof(dir) - 1, "/nonexistent/x/custos.conf");
	assert_int_equal(c->calendar_from, CONFIG_CALENDAR_SET);
	assert_string_equal(c->calendar_dir, "/nonexistent/x/none");
	config_free(c);
}

static void
test_config_utf8(void **state)
{
	static const char text[] =
	    "[station]\n"
	    "name = \xe6\x89\xa7\xe6\xb3\x95\xe7\xab\x99-01\n"	/* 执法站 */
	    "[dock]\n"
	    "root = /srv/\xe5\xbd\x95\xe5\x83\x8f\n";		/* 录像 */
	struct config *c;

	(void)state;
	c = parse_ok(text, sizeof(text) - 1, "custos.conf");
	assert_string_equal(c->station_name,
	    "\xe6\x89\xa7\xe6\xb3\x95\xe7\xab\x99-01");
	assert_string_equal(c->dock_root, "/srv/\xe5\xbd\x95\xe5\x83\x8f");
	config_free(c);
}

static void
test_config_comments(void **state)
{
	static const char text[] =
	    "\xef\xbb\xbf; a byte-order mark, then a comment\n"
	    "# hash comment\n"
	    "  ; indented comment\n"
	    "[station] ; a comment after the header\n"
	    "name = s1 ; inline comment\n"
	    "profile=sm\n"
	    "[dock]\n"
	    "after_ingest   =   delete   \n";
	struct config *c;

	(void)state;
	c = parse_ok(text, sizeof(text) - 1, "custos.conf");
	assert_string_equal(c->station_name, "s1");
	assert_int_equal(c->profile, PROFILE_SM);
	assert_int_equal(c->after_ingest, AFTER_INGEST_DELETE);
	config_free(c);
}

static void
test_config_crlf(void **state)
{
	static const char text[] =
	    "; comment\r\n"
	    "[station]\r\n"
	    "name = s1\r\n"
	    "\r\n"
	    "[dock]\r\n"
	    "after_ingest = delete\r\n"
	    "root = /srv/d\r\n";
	uint8_t want[DIGEST_LEN];
	struct config *c;

	(void)state;
	c = parse_ok(text, sizeof(text) - 1, "custos.conf");
	assert_string_equal(c->station_name, "s1");
	assert_int_equal(c->after_ingest, AFTER_INGEST_DELETE);
	assert_string_equal(c->dock_root, "/srv/d");
	/* The digest covers the bytes as they are, CRs included. */
	assert_int_equal(digest_buf(DIGEST_SHA256, text, sizeof(text) - 1,
	    want), 0);
	assert_memory_equal(c->digest, want, DIGEST_LEN);
	config_free(c);

	/* Line numbers count CRLF lines. */
	PARSE_FAILS("[station]\r\nname = s1\r\n\r\nprofile = gm\r\n",
	    "t.conf:4: [station] profile: expected default or sm, got \"gm\"");
}

static void
test_config_errors(void **state)
{
	(void)state;
	PARSE_FAILS("[station]\n"
	    "name = s1\n"
	    "\n"
	    "; the dock\n"
	    "[dock]\n"
	    "root = /srv/dock\n"
	    "after_ingest = wipe\n",
	    "t.conf:7: [dock] after_ingest: expected keep or delete, "
	    "got \"wipe\"");
	/* '#' is not an inline comment: the value keeps it. */
	PARSE_FAILS("[station]\nname = s1\n[dock]\nafter_ingest = keep # x\n",
	    "t.conf:4: [dock] after_ingest: expected keep or delete, "
	    "got \"keep # x\"");
	PARSE_FAILS("[station]\nname = s1\nprofile = SM\n",
	    "t.conf:3: [station] profile: expected default or sm, got \"SM\"");
	PARSE_FAILS("[station]\nname = s1\nprofile = a\"b\\c\x01\n",
	    "t.conf:3: [station] profile: expected default or sm, "
	    "got \"a\\\"b\\\\c\\x01\"");
	PARSE_FAILS("[station]\nname = s1\n[logging]\n",
	    "t.conf:3: [logging]: unknown section");
	PARSE_FAILS("[station]\nname = s1\n[ station ]\nprofile = sm\n",
	    "t.conf:3: [ station ]: unknown section");
	PARSE_FAILS("[station]\nname = s1\ncolour = red\n",
	    "t.conf:3: [station] colour: unknown key");
	PARSE_FAILS("[station]\nName = s1\n",
	    "t.conf:2: [station] Name: unknown key");
	PARSE_FAILS("[dock]\nname = s1\n",
	    "t.conf:2: [dock] name: unknown key");
	PARSE_FAILS("name = s1\n[station]\n",
	    "t.conf:1: name: key before any [section]");
	PARSE_FAILS("[station]\nname = s1\nname = s2\n",
	    "t.conf:3: [station] name: duplicate key (first set on line 2)");
	PARSE_FAILS("[station]\nname = s1\n[dock]\n[station]\n  name = s2\n",
	    "t.conf:5: [station] name: duplicate key (first set on line 2)");
	PARSE_FAILS("[station]\nname =\n",
	    "t.conf:2: [station] name: empty value");
	PARSE_FAILS("[station]\nname = s1\nstate_dir = ; only a comment\n",
	    "t.conf:3: [station] state_dir: empty value");
	PARSE_FAILS("[dock]\nroot = /srv\n",
	    "t.conf: [station] name: required");
	PARSE_FAILS("",
	    "t.conf: [station] name: required");
	PARSE_FAILS("[station]\nname\n",
	    "t.conf:2: expected \"[section]\" or \"key = value\"");
	PARSE_FAILS("[station\nname = s1\n",
	    "t.conf:1: expected \"[section]\" or \"key = value\"");
	PARSE_FAILS("[station]\nname = s1\n  profile = sm\n",
	    "t.conf:3: [station] name: indented line continues the previous "
	    "value; continuation lines are not supported");
	/* inih continues a value across blank lines too. */
	PARSE_FAILS("[station]\nname = s1\n\n\tprofile = sm\n",
	    "t.conf:4: [station] name: indented line continues the previous "
	    "value; continuation lines are not supported");
	PARSE_FAILS("[station]\nname = s\0 1\n",
	    "t.conf:2: NUL byte in line");
	PARSE_FAILS("[station]\nname = s1\n[dock]\nroot = /srv/a\x7f\n",
	    "t.conf:4: [dock] root: control character in path");
}

/* The first error in the file is the one reported. */
static void
test_config_first_error(void **state)
{
	(void)state;
	PARSE_FAILS("[station]\nname\nprofile = gm\n",
	    "t.conf:2: expected \"[section]\" or \"key = value\"");
	PARSE_FAILS("[station]\nprofile = gm\nname\n",
	    "t.conf:2: [station] profile: expected default or sm, got \"gm\"");
	PARSE_FAILS("[station]\nname\n[nope]\n",
	    "t.conf:2: expected \"[section]\" or \"key = value\"");
}

static void
test_config_bad_names(void **state)
{
	(void)state;
	PARSE_FAILS("[station]\nname = a+b\n",
	    "t.conf:2: [station] name: must not contain '+'");
	PARSE_FAILS("[station]\nname = a b\n",
	    "t.conf:2: [station] name: must not contain white space");
	/* U+3000 IDEOGRAPHIC SPACE and U+00A0 NO-BREAK SPACE. */
	PARSE_FAILS("[station]\nname = \xe6\x89\xa7\xe3\x80\x80x\n",
	    "t.conf:2: [station] name: must not contain white space");
	PARSE_FAILS("[station]\nname = a\xc2\xa0x\n",
	    "t.conf:2: [station] name: must not contain white space");
	PARSE_FAILS("[station]\nname = a\x01x\n",
	    "t.conf:2: [station] name: must not contain control characters");
	PARSE_FAILS("[station]\nname = a\xc2\x85x\n",
	    "t.conf:2: [station] name: must not contain white space");
	PARSE_FAILS("[station]\nname = a\xc2\x9fx\n",
	    "t.conf:2: [station] name: must not contain control characters");
	PARSE_FAILS("[station]\nname = a\xffx\n",
	    "t.conf:2: [station] name: not valid UTF-8");
	/* An overlong '/' and a UTF-16 surrogate are not UTF-8. */
	PARSE_FAILS("[station]\nname = a\xc0\xafx\n",
	    "t.conf:2: [station] name: not valid UTF-8");
	PARSE_FAILS("[station]\nname = a\xed\xa0\x80x\n",
	    "t.conf:2: [station] name: not valid UTF-8");
}

/*
 * inih reads lines into a fixed buffer (ini_max_line bytes, 200 in
 * Debian's build).  A longer line is refused rather than split, so a
 * 256-byte name never reaches the 255-byte name check.
 */
static void
test_config_long_lines(void **state)
{
	char text[600], want[128];
	int max = ini_max_line - 2, n;
	struct config *c;

	(void)state;
	n = snprintf(text, sizeof(text), "[station]\nname = ");
	memset(text + n, 'a', (size_t)(max - 7));
	n += max - 7;
	n += snprintf(text + n, sizeof(text) - (size_t)n, "\n");
	/* Exactly max bytes before the newline: accepted. */
	c = parse_ok(text, (size_t)n, "t.conf");
	assert_int_equal(strlen(c->station_name), (size_t)(max - 7));
	config_free(c);

	n = snprintf(text, sizeof(text), "[station]\nname = ");
	memset(text + n, 'a', 256);
	n += 256;
	n += snprintf(text + n, sizeof(text) - (size_t)n, "\n");
	snprintf(want, sizeof(want), "t.conf:2: line longer than %d bytes",
	    max);
	parse_fails(text, (size_t)n, want);
}

static void
test_config_socket_length(void **state)
{
	char text[300], want[400], name[200];
	char err[ERRLEN];
	struct config *c;

	(void)state;
	/* 107 bytes and the NUL fill sun_path exactly. */
	snprintf(text, sizeof(text), "[station]\nname = s\n[control]\n"
	    "socket = /%0106d\n", 0);
	c = parse_ok(text, strlen(text), "t.conf");
	assert_int_equal(strlen(c->control_socket), 107);
	config_free(c);

	snprintf(text, sizeof(text), "[station]\nname = s\n[control]\n"
	    "socket = /%0107d\n", 0);
	parse_fails(text, strlen(text), "t.conf:4: [control] socket: path "
	    "too long for a unix socket (108 bytes, at most 107)");

	/* The limit applies after resolving against the file's directory. */
	snprintf(name, sizeof(name), "/nonexistent/%0100d/c.conf", 0);
	snprintf(text, sizeof(text), "[station]\nname = s\n[control]\n"
	    "socket = ctl.sock\n");
	assert_int_equal(config_parse(text, strlen(text), name, &c, err,
	    sizeof(err)), CUSTOS_ERR_CONFIG);
	snprintf(want, sizeof(want), "%s:4: [control] socket: path too long "
	    "for a unix socket (122 bytes, at most 107)", name);
	assert_string_equal(err, want);
}

static void
test_config_too_big(void **state)
{
	size_t len = 1024 * 1024 + 1;
	char *text;

	(void)state;
	assert_non_null(text = malloc(len));
	memset(text, '\n', len);
	parse_fails(text, len, "t.conf: larger than 1048576 bytes");
	free(text);
}

static void
test_config_load_missing(void **state)
{
	struct config *c = (struct config *)1;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(config_load("/nonexistent/custos.conf", &c, err,
	    sizeof(err)), CUSTOS_ERR_SYSTEM);
	assert_null(c);
	assert_string_equal(err,
	    "/nonexistent/custos.conf: No such file or directory");
}

/* A short error buffer gets a truncated, terminated message. */
static void
test_config_short_err(void **state)
{
	static const char text[] = "[station]\nname = s1\nprofile = gm\n";
	struct config *c;
	char err[12];

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(config_parse(text, sizeof(text) - 1, "t.conf", &c,
	    err, sizeof(err)), CUSTOS_ERR_CONFIG);
	assert_string_equal(err, "t.conf:3: [");
	assert_int_equal(config_parse(text, sizeof(text) - 1, "t.conf", &c,
	    NULL, 0), CUSTOS_ERR_CONFIG);
}

static void
test_config_group(void **state)
{
	static const char *const bad[][2] = {
		{ "[station]\nname = s\n[control]\ngroup = a b\n",
		    "t.conf:4: [control] group: not a group name: \"a b\"" },
		{ "[station]\nname = s\n[control]\ngroup = -x\n",
		    "t.conf:4: [control] group: not a group name: \"-x\"" },
		{ "[station]\nname = s\n[control]\ngroup = g\ngroup = h\n",
		    "t.conf:5: [control] group: duplicate key (first set on "
		    "line 4)" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_fails(bad[i][0], strlen(bad[i][0]), bad[i][1]);
}

static const char NET[] =
    "[station]\n"
    "name = s\n"
    "[tsa]\n"
    "url = https://tsa.example/ts\n"
    "ca = /etc/custos/tsa-ca.pem\n"
    "policy = 1.2.3.4.1\n"
    "[upload]\n"
    "listen = [::1]:8443\n"
    "cert = /etc/custos/server.pem\n"
    "key = /etc/custos/server.key\n"
    "client_ca = /etc/custos/cameras.pem\n"
    "crl = /etc/custos/cameras.crl\n"
    "[live drone-1]\n"
    "camera = UAV-0001\n"
    "url = rtsp://192.0.2.7:554/stream\n"
    "[live gate]\n"
    "camera = CAM-9\n"
    "listen = srt://0.0.0.0:9000\n"
    "passphrase = 0123456789abcdef\n"
    "segment_seconds = 10\n";

/* The network sections: every key, two live sources in file order. */
static void
test_config_network(void **state)
{
	struct config *c;

	(void)state;
	c = parse_ok(NET, sizeof(NET) - 1, "/etc/custos/custos.conf");
	assert_string_equal(c->tsa_url, "https://tsa.example/ts");
	assert_string_equal(c->tsa_ca, "/etc/custos/tsa-ca.pem");
	assert_string_equal(c->tsa_policy, "1.2.3.4.1");
	assert_string_equal(c->upload_listen, "[::1]:8443");
	assert_string_equal(c->upload_cert, "/etc/custos/server.pem");
	assert_string_equal(c->upload_key, "/etc/custos/server.key");
	assert_string_equal(c->upload_client_ca, "/etc/custos/cameras.pem");
	assert_string_equal(c->upload_crl, "/etc/custos/cameras.crl");
	assert_int_equal(c->nlive, 2);
	assert_string_equal(c->live[0].name, "drone-1");
	assert_string_equal(c->live[0].camera, "UAV-0001");
	assert_string_equal(c->live[0].url, "rtsp://192.0.2.7:554/stream");
	assert_null(c->live[0].listen);
	assert_int_equal(c->live[0].segment_seconds, 60);
	assert_int_equal(c->live[0].line, 13);
	assert_string_equal(c->live[1].name, "gate");
	assert_string_equal(c->live[1].listen, "srt://0.0.0.0:9000");
	assert_string_equal(c->live[1].passphrase, "0123456789abcdef");
	assert_int_equal(c->live[1].segment_seconds, 10);
	config_free(c);

	/* Without the sections: no TSA, no listener, no live source. */
	c = parse_ok("[station]\nname = s\n", 19, "t.conf");
	assert_null(c->tsa_url);
	assert_null(c->upload_listen);
	assert_int_equal(c->nlive, 0);
	config_free(c);
}

/* Keys that go together, and values each key refuses. */
static void
test_config_network_errors(void **state)
{
	(void)state;
	PARSE_FAILS("[station]\nname = s\n[tsa]\nurl = http://t/\n",
	    "t.conf:4: [tsa] ca: required with url");
	PARSE_FAILS("[station]\nname = s\n[tsa]\nca = /x\n",
	    "t.conf:4: [tsa] url: required with ca");
	PARSE_FAILS("[station]\nname = s\n[tsa]\nurl = ftp://t/\n",
	    "t.conf:4: [tsa] url: expected an http:// or https:// URL, got "
	    "\"ftp://t/\"");
	PARSE_FAILS("[station]\nname = s\n[tsa]\npolicy = 1..2\n",
	    "t.conf:4: [tsa] policy: expected a dotted OID such as 1.2.3.4.1, "
	    "got \"1..2\"");
	PARSE_FAILS("[station]\nname = s\n[upload]\nlisten = :80\n",
	    "t.conf:4: [upload] listen: expected host:port, got \":80\"");
	PARSE_FAILS("[station]\nname = s\n[upload]\nlisten = h:65536\n",
	    "t.conf:4: [upload] listen: expected host:port, got "
	    "\"h:65536\"");
	PARSE_FAILS("[station]\nname = s\n[upload]\nlisten = h:1\n"
	    "cert = c\nkey = k\n",
	    "t.conf:4: [upload] client_ca: required with listen");
	PARSE_FAILS("[station]\nname = s\n[live a]\nurl = tcp://h:1\n",
	    "t.conf:3: [live a] camera: required");
	PARSE_FAILS("[station]\nname = s\n[live a]\ncamera = C\n",
	    "t.conf:3: [live a]: set exactly one of url and listen");
	PARSE_FAILS("[station]\nname = s\n[live a]\ncamera = C\n"
	    "url = tcp://h:1\npassphrase = 0123456789\n",
	    "t.conf:3: [live a] passphrase: only for srt:// sources");
	PARSE_FAILS("[station]\nname = s\n[live a]\ncamera = C\n"
	    "listen = udp://h:1\n",
	    "t.conf:5: [live a] listen: expected tcp://, tls:// or "
	    "srt://host:port, got \"udp://h:1\"");
	PARSE_FAILS("[station]\nname = s\n[live a]\ncamera = C\n"
	    "listen = tls://h:1\n",
	    "t.conf:3: [live a] listen: tls:// needs [upload] cert, key and "
	    "client_ca");
	PARSE_FAILS("[station]\nname = s\n[live a]\ncamera = C\n"
	    "segment_seconds = 3601\n",
	    "t.conf:5: [live a] segment_seconds: expected whole seconds from "
	    "1 to 3600, got \"3601\"");
	PARSE_FAILS("[station]\nname = s\n[live a]\ncamera = C\ncamera = D\n",
	    "t.conf:5: [live a] camera: duplicate key (first set on line 4)");
	PARSE_FAILS("[station]\nname = s\n[live a]\ncamera = C\n[live a]\n",
	    "t.conf:5: [live a]: duplicate section (first on line 3)");
	PARSE_FAILS("[station]\nname = s\n[live a/b]\n",
	    "t.conf:3: [live a/b]: live source name must be 1-32 of "
	    "[A-Za-z0-9._-]");
	PARSE_FAILS("[station]\nname = s\n[live a]\nport = 1\n",
	    "t.conf:4: [live a] port: unknown key");
}

/* [dock] file_numbering: auto, none, or a regex with a group. */
static void
test_config_file_numbering(void **state)
{
	static const char none[] = "[station]\nname = s\n[dock]\n"
	    "file_numbering = none\n";
	static const char bad[] = "[station]\nname = s\n[dock]\n"
	    "file_numbering = REC[0-9\n";
	static const char want[] = "t.conf:4: [dock] file_numbering: "
	    "expected auto, none or a POSIX extended regex, got \"REC[0-9\": ";
	struct config *c = (struct config *)1;
	char err[ERRLEN] = "";

	(void)state;
	c = parse_ok(none, sizeof(none) - 1, "custos.conf");
	assert_string_equal(c->file_numbering, "none");
	config_free(c);
	/* regerror()'s text follows the message. */
	assert_int_equal(config_parse(bad, sizeof(bad) - 1, "t.conf", &c,
	    err, sizeof(err)), CUSTOS_ERR_CONFIG);
	assert_null(c);
	assert_memory_equal(err, want, sizeof(want) - 1);
	assert_true(strlen(err) > sizeof(want) - 1);
	PARSE_FAILS("[station]\nname = s\n[dock]\nfile_numbering = "
	    "REC[0-9]+\n", "t.conf:4: [dock] file_numbering: the regex "
	    "\"REC[0-9]+\" has no group: its first group is the file's "
	    "number");
	PARSE_FAILS("[station]\nname = s\n[dock]\nfile_numbering = auto\n"
	    "file_numbering = none\n", "t.conf:5: [dock] file_numbering: "
	    "duplicate key (first set on line 4)");
}

/* [disk] warn and stop_ingest: defaults, sizes, shares, errors. */
/* [web]: loopback without TLS, any address with cert, key and client_ca. */
static void
test_config_web(void **state)
{
	static const char plain[] = "[station]\nname = a.example/s\n"
	    "[web]\nlisten = 127.0.0.1:0\n";
	static const char v6[] = "[station]\nname = a.example/s\n"
	    "[web]\nlisten = [::1]:8440\n";
	static const char tls[] = "[station]\nname = a.example/s\n"
	    "[web]\nlisten = 0.0.0.0:8440\ncert = /e/w.pem\n"
	    "key = /e/w.key\nclient_ca = /e/u.pem\ncrl = /e/u.crl\n"
	    "[roles]\nmetrics = prom\n";
	struct config *c;

	(void)state;
	c = parse_ok(plain, sizeof(plain) - 1, "t.conf");
	assert_string_equal(c->web_listen, "127.0.0.1:0");
	assert_null(c->web_cert);
	config_free(c);
	c = parse_ok(v6, sizeof(v6) - 1, "t.conf");
	assert_string_equal(c->web_listen, "[::1]:8440");
	config_free(c);
	c = parse_ok(tls, sizeof(tls) - 1, "t.conf");
	assert_string_equal(c->web_listen, "0.0.0.0:8440");
	assert_string_equal(c->web_cert, "/e/w.pem");
	assert_string_equal(c->web_key, "/e/w.key");
	assert_string_equal(c->web_client_ca, "/e/u.pem");
	assert_string_equal(c->web_crl, "/e/u.crl");
	assert_string_equal(c->roles[CONFIG_ROLE_METRICS], "prom");
	config_free(c);
	PARSE_FAILS("[station]\nname = s\n[web]\nlisten = 0.0.0.0:8440\n",
	    "t.conf:4: [web] listen: 0.0.0.0:8440 is not a loopback address; "
	    "serving other hosts needs cert, key and client_ca (each user's "
	    "client certificate)");
	PARSE_FAILS("[station]\nname = s\n[web]\nlisten = 127.0.0.1:8440\n"
	    "cert = /e/w.pem\nkey = /e/w.key\n",
	    "t.conf:5: [web] client_ca: required with cert");
	PARSE_FAILS("[station]\nname = s\n[web]\ncert = /e/w.pem\n",
	    "t.conf:4: [web] listen: required with cert");
	PARSE_FAILS("[station]\nname = s\n[web]\nlisten = 127.0.0.1:8440\n"
	    "crl = /e/u.crl\n",
	    "t.conf:5: [web] client_ca: required with crl");
	PARSE_FAILS("[station]\nname = s\n[web]\nlisten = h:65536\n",
	    "t.conf:4: [web] listen: expected host:port (port 0: any free "
	    "port), got \"h:65536\"");
}

static void
test_config_disk(void **state)
{
	static const char *const bad[] = { "5 parsecs", "101%", "100.01%",
	    "-1 GiB", "1.5 GiB", "GiB", "%", "5 %", "99999999999999999 TiB",
	    "1.234%" };
	char text[256], err[256];
	struct config *c = NULL;
	size_t i;

	(void)state;
	c = parse_ok("[station]\nname = a.example/s\n", strlen("[station]\nname = a.example/s\n"), "t.conf");
	assert_true(c->disk_warn.share && c->disk_warn.bp == 1000);
	assert_true(c->disk_stop.share && c->disk_stop.bp == 200);
	config_free(c);
	c = parse_ok("[station]\nname = a.example/s\n[disk]\n"
	    "warn = 50 GiB\nstop_ingest = 0.5%\n", strlen("[station]\nname = a.example/s\n[disk]\n"
	    "warn = 50 GiB\nstop_ingest = 0.5%\n"), "t.conf");
	assert_false(c->disk_warn.share);
	assert_true(c->disk_warn.bytes == 50ULL << 30);
	assert_true(c->disk_stop.share && c->disk_stop.bp == 50);
	config_free(c);
	c = parse_ok("[station]\nname = a.example/s\n[disk]\n"
	    "warn = 500MiB\nstop_ingest = 0\n", strlen("[station]\nname = a.example/s\n[disk]\n"
	    "warn = 500MiB\nstop_ingest = 0\n"), "t.conf");
	assert_true(c->disk_warn.bytes == 500ULL << 20);
	assert_false(c->disk_stop.share);
	assert_true(c->disk_stop.bytes == 0);
	config_free(c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[station]\nname = a.example/s\n"
		    "[disk]\nstop_ingest = %s\n", bad[i]);
		c = NULL;
		assert_int_equal(config_parse(text, strlen(text), "t.conf",
		    &c, err, sizeof(err)), CUSTOS_ERR_CONFIG);
		assert_null(c);
		assert_non_null(strstr(err, "t.conf:4: [disk] stop_ingest: "
		    "expected"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_every_key),
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_config_explicit_defaults),
		cmocka_unit_test(test_config_relative_paths),
		cmocka_unit_test(test_config_relative_to_cwd),
		cmocka_unit_test(test_config_calendar_none),
		cmocka_unit_test(test_config_utf8),
		cmocka_unit_test(test_config_comments),
		cmocka_unit_test(test_config_crlf),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_first_error),
		cmocka_unit_test(test_config_bad_names),
		cmocka_unit_test(test_config_long_lines),
		cmocka_unit_test(test_config_socket_length),
		cmocka_unit_test(test_config_too_big),
		cmocka_unit_test(test_config_load_missing),
		cmocka_unit_test(test_config_short_err),
		cmocka_unit_test(test_config_group),
		cmocka_unit_test(test_config_network),
		cmocka_unit_test(test_config_network_errors),
		cmocka_unit_test(test_config_file_numbering),
		cmocka_unit_test(test_config_disk),
		cmocka_unit_test(test_config_web),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
