/*
 * cli_witness: "custos witness keygen" and "custos witness serve".
 *
 * The server is a blocking one that handles one connection at a time
 * (cli_witness_http.c), each with read and overall deadlines and a body
 * limit: a bureau's witness receives a checkpoint from each of a few
 * stations every few minutes, so an event loop would add a dependency to
 * custos and nothing a witness needs.  The state's SQLite transactions,
 * not the single connection, are what keep a size from being advanced
 * twice, so two servers on one state file stay correct.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "custos/cosig.h"
#include "custos/err.h"
#include "custos/note.h"
#include "custos/util.h"
#include "custos/witness.h"
#include "cli_keys.h"
#include "cli_witness.h"
#include "cli_witness_int.h"
#include "tools/cli_util.h"

#define KEYFILE_MAX	4096

static volatile sig_atomic_t stopping;

void
cli_witness_usage(FILE *f)
{
	fprintf(f, "usage: custos witness keygen NAME -o PREFIX\n"
	    "       custos witness serve --listen HOST:PORT --key SKEYFILE "
	    "--db FILE\n"
	    "                            --log VKEYFILE [--log VKEYFILE]...\n");
}

static int
usage(void)
{
	cli_witness_usage(stderr);
	return 2;
}

static int
cmd_keygen(int argc, char *argv[])
{
	struct cosig_signer	*s;
	struct cosig_verifier	*v = NULL;
	const char		*name = NULL, *prefix = NULL;
	char			*skey = NULL, *vkey = NULL;
	int			 i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			prefix = argv[++i];
		else if (argv[i][0] != '-' && name == NULL)
			name = argv[i];
		else
			return usage();
	}
	if (name == NULL || prefix == NULL)
		return usage();
	if ((rc = cosig_signer_generate(name, &s)) != 0) {
		warnx("witness keygen %s: %s", name, rc == CUSTOS_ERR_INVALID ?
		    "not a valid key name (no '+' or spaces)" :
		    custos_strerror(rc));
		return rc == CUSTOS_ERR_INVALID ? 2 : 1;
	}
	if (cosig_signer_format(s, &skey) != 0 ||
	    cosig_signer_verifier(s, &v) != 0 ||
	    cosig_verifier_format(v, &vkey) != 0) {
		warnx("witness keygen: out of memory");
		rc = 1;
	} else if ((rc = cli_keys_write(prefix, skey, vkey)) == 0)
		printf("%s\n", vkey);
	if (skey != NULL)
		OPENSSL_cleanse(skey, strlen(skey));
	free(skey);
	free(vkey);
	cosig_verifier_free(v);
	cosig_signer_free(s);
	return rc;
}

/* Reads the witness's signer key; the file must be private to its owner. */
static struct cosig_signer *
load_signer(const char *path)
{
	struct cosig_signer	*s;
	struct stat		 st;
	char			*buf, why[512];
	size_t			 len;
	int			 fd, rc;

	if (cli_open_input("key file", path, 0, &fd, why, sizeof(why)) != 0)
		errx(2, "%s", why);
	if (fstat(fd, &st) != 0)
		err(2, "%s", path);
	close(fd);
	if ((st.st_mode & 077) != 0)
		errx(2, "%s: key file is readable by group or others "
		    "(chmod 600 it)", path);
	if (cli_read_input("key file", path, KEYFILE_MAX, &buf, &len, why,
	    sizeof(why)) != 0)
		errx(2, "%s", why);
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	rc = cosig_signer_parse(buf, len, &s);
	OPENSSL_cleanse(buf, len);
	free(buf);
	if (rc != 0)
		errx(2, "%s: not a witness signer key (cosignature/v1, "
		    "\"PRIVATE+KEY+name+keyid+...\" of type 0x04): %s", path,
		    custos_strerror(rc));
	return s;
}

/* Splits HOST:PORT ([HOST]:PORT for IPv6) and binds a listening socket. */
static int
listen_on(const char *spec, char *shown, size_t shownsz)
{
	struct addrinfo		 hints, *res;
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	char			 host[256], port[16], h[256];
	const char		*colon = strrchr(spec, ':');
	size_t			 hl;
	int			 fd, one = 1, rc;

	if (colon == NULL || (hl = (size_t)(colon - spec)) == 0 ||
	    hl >= sizeof(host) || strlen(colon + 1) >= sizeof(port) ||
	    colon[1] == '\0')
		errx(2, "--listen %s: not HOST:PORT", spec);
	memcpy(host, spec, hl);
	host[hl] = '\0';
	if (host[0] == '[' && host[hl - 1] == ']') {
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = '\0';
	}
	strcpy(port, colon + 1);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		errx(2, "--listen %s: %s", spec, gai_strerror(rc));
	if ((fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC,
	    res->ai_protocol)) < 0)
		err(1, "socket");
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
	    listen(fd, 16) != 0)
		err(1, "--listen %s", spec);
	freeaddrinfo(res);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0 ||
	    getnameinfo((struct sockaddr *)&ss, sl, h, sizeof(h), port,
	    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		err(1, "getsockname");
	snprintf(shown, shownsz, strchr(h, ':') != NULL ? "[%s]:%s" :
	    "%s:%s", h, port);
	return fd;
}

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

/* Peer address text for the log. */
static void
peer_name(const struct sockaddr_storage *ss, socklen_t sl, char *buf,
    size_t bufsz)
{
	char	 h[128], p[16];

	if (getnameinfo((const struct sockaddr *)ss, sl, h, sizeof(h), p,
	    sizeof(p), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(buf, bufsz, "-");
	else
		snprintf(buf, bufsz, "%s:%s", h, p);
}

/*
 * Accepts connections until SIGTERM or SIGINT.  The signals are blocked
 * except inside ppoll(), so one that arrives while a request is served
 * ends the loop right after it, and none is lost between the check of
 * the flag and the wait.
 */
static void
serve_loop(struct witness *w, int lfd)
{
	struct sockaddr_storage	 ss;
	struct pollfd		 pfd = { lfd, POLLIN, 0 };
	struct sigaction	 sa;
	sigset_t		 block, old;
	socklen_t		 sl;
	char			 peer[160];
	int			 fd;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	while (!stopping) {
		if (ppoll(&pfd, 1, NULL, &old) < 0) {
			if (errno != EINTR)
				err(1, "poll");
			continue;
		}
		sl = sizeof(ss);
		if ((fd = accept4(lfd, (struct sockaddr *)&ss, &sl,
		    SOCK_CLOEXEC)) < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				warn("accept");
			continue;
		}
		peer_name(&ss, sl, peer, sizeof(peer));
		witness_http_serve(w, fd, peer);
		close(fd);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static int
cmd_serve(int argc, char *argv[])
{
	struct note_verifier	*v;
	struct cosig_signer	*s;
	struct witness		*w;
	const char		*listen = NULL, *key = NULL, *db = NULL;
	const char		*logs[WITNESS_MAX_LOGS];
	char			 why[512], shown[300];
	size_t			 nlogs = 0, i;
	int			 lfd, rc;

	for (i = 1; i < (size_t)argc; i++) {
		if (i + 1 == (size_t)argc)
			return usage();
		if (strcmp(argv[i], "--listen") == 0)
			listen = argv[++i];
		else if (strcmp(argv[i], "--key") == 0)
			key = argv[++i];
		else if (strcmp(argv[i], "--db") == 0)
			db = argv[++i];
		else if (strcmp(argv[i], "--log") == 0 &&
		    nlogs < WITNESS_MAX_LOGS)
			logs[nlogs++] = argv[++i];
		else
			return usage();
	}
	if (listen == NULL || key == NULL || db == NULL || nlogs == 0)
		return usage();
	s = load_signer(key);
	if ((rc = witness_open(db, s, &w)) != 0)
		errx(1, "%s: cannot open the witness state: %s", db,
		    custos_strerror(rc));
	for (i = 0; i < nlogs; i++) {
		if (cli_load_verifier("log key file", logs[i], KEYFILE_MAX,
		    &v, why, sizeof(why)) != 0)
			errx(2, "%s", why);
		rc = witness_add_log(w, v);
		note_verifier_free(v);
		if (rc != 0)
			errx(2, "%s: %s", logs[i], rc == CUSTOS_ERR_EXISTS ?
			    "the same log key is given twice" :
			    custos_strerror(rc));
	}
	lfd = listen_on(listen, shown, sizeof(shown));
	fprintf(stderr, "custos witness: %s+%08x listening on %s for %zu "
	    "log key(s)\n", cosig_signer_name(s), cosig_signer_keyid(s),
	    shown, nlogs);
	serve_loop(w, lfd);
	fprintf(stderr, "custos witness: stopping\n");
	close(lfd);
	witness_free(w);
	cosig_signer_free(s);
	return 0;
}

int
cli_witness(int argc, char *argv[])
{
	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "keygen") == 0)
		return cmd_keygen(argc - 1, argv + 1);
	if (strcmp(argv[1], "serve") == 0)
		return cmd_serve(argc - 1, argv + 1);
	return usage();
}
