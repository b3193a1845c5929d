/*
 * probe-run: drives the media child for tests, as the daemon does.
 *
 *	probe-run [-t MS] CUSTOSD FILE [sha256|sm3]
 *		opens FILE read-only, runs probe_start() with CUSTOSD as the
 *		child's executable on a libuv loop, prints the result as one
 *		JSON line; exit 0 whatever the status, 2 on usage or a
 *		probe_start() error
 *	probe-run -D FILE [sha256|sm3]
 *		runs the demux core in this process, with no child and no
 *		sandbox, and prints the same JSON line (to compare)
 *	probe-run -S ACTION FILE
 *		sandbox self-test: a forked child enters the sandbox with
 *		FILE as its media descriptor and then does ACTION; prints how
 *		it ended ("exit N" or "signal N"; "open" exits 20 when
 *		the open failed with EACCES)
 *	probe-run -z
 *		prints sizeof(struct probe_result)
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "custos/digest.h"
#include "custos/err.h"
#include "daemon/seal/probe.h"
#include "custos/sandbox.h"

struct run {
	enum digest_alg	 alg;
	int		 called;
	json_t		*out;
};

static void
usage(void)
{
	fprintf(stderr, "usage: probe-run [-t MS] CUSTOSD FILE [sha256|sm3]\n"
	    "       probe-run -D FILE [sha256|sm3]\n"
	    "       probe-run -S ACTION FILE\n"
	    "       probe-run -z\n");
	exit(2);
}

static json_t *
result_json(const struct probe_result *r, enum digest_alg alg)
{
	char root[DIGEST_STRLEN];
	json_t *o, *streams, *s;
	uint32_t i;

	if (digest_format(alg, r->packet_root, root, sizeof(root)) != 0)
		errx(2, "digest_format");
	if ((streams = json_array()) == NULL)
		errx(2, "out of memory");
	for (i = 0; i < r->nstreams && i < PROBE_MAX_STREAMS; i++) {
		s = json_pack("{s:s, s:s}", "kind", r->streams[i].kind,
		    "codec", r->streams[i].codec);
		if (s == NULL)
			errx(2, "json_pack");
		if (strcmp(r->streams[i].kind, "video") == 0) {
			json_object_set_new(s, "width",
			    json_integer(r->streams[i].width));
			json_object_set_new(s, "height",
			    json_integer(r->streams[i].height));
		}
		json_array_append_new(streams, s);
	}
	o = json_pack("{s:s, s:s, s:o, s:I, s:I, s:I, s:s, s:s}",
	    "status", probe_status_name(r->status),
	    "container", r->container,
	    "streams", streams,
	    "duration_ms", (json_int_t)r->duration_ms,
	    "start_ms", (json_int_t)r->start_ms,
	    "packets", (json_int_t)r->packets,
	    "packet_root", root,
	    "error", r->error);
	if (o == NULL)
		errx(2, "json_pack (strings not UTF-8?)");
	return o;
}

static void
print_json(json_t *o)
{
	if (json_dumpf(o, stdout, JSON_COMPACT | JSON_ENSURE_ASCII) != 0)
		errx(2, "json_dumpf");
	putchar('\n');
	if (fflush(stdout) == EOF || ferror(stdout))
		err(2, "stdout");
}

static void
done(void *arg, const struct probe_result *res)
{
	struct run *run = arg;

	if (run->called++)
		errx(3, "callback called twice");
	run->out = result_json(res, run->alg);
}

static enum digest_alg
parse_alg(const char *s)
{
	if (s == NULL || strcmp(s, "sha256") == 0)
		return DIGEST_SHA256;
	if (strcmp(s, "sm3") == 0)
		return DIGEST_SM3;
	usage();
	return DIGEST_SHA256;
}

static int
run_child(const char *self, const char *file, enum digest_alg alg,
    unsigned timeout_ms)
{
	struct run run;
	uv_loop_t loop;
	int fd, rc;

	memset(&run, 0, sizeof(run));
	run.alg = alg;
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1)
		err(2, "%s", file);
	if (uv_loop_init(&loop) != 0)
		errx(2, "uv_loop_init");
	if ((rc = probe_start(&loop, self, fd, alg, timeout_ms, NULL, NULL,
	    done, &run)) != 0) {
		fprintf(stderr, "probe-run: probe_start: %s%s%s\n",
		    custos_strerror(rc), rc == CUSTOS_ERR_SYSTEM ? ": " : "",
		    rc == CUSTOS_ERR_SYSTEM ? strerror(errno) : "");
		uv_run(&loop, UV_RUN_DEFAULT);
		if (run.called)
			errx(3, "callback called after an error return");
		uv_loop_close(&loop);
		close(fd);
		return 2;
	}
	/* The caller may close its descriptor as soon as probe_start()
	 * returns; do so, to show the child has its own. */
	close(fd);
	uv_run(&loop, UV_RUN_DEFAULT);
	if (run.called != 1)
		errx(3, "callback called %d times", run.called);
	/* Every handle was closed: the loop closes cleanly. */
	if (uv_loop_close(&loop) != 0)
		errx(3, "handles left open on the loop");
	print_json(run.out);
	json_decref(run.out);
	return 0;
}

static int
run_direct(const char *file, enum digest_alg alg)
{
	struct probe_result res;
	json_t *o;
	int fd, rc;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1)
		err(2, "%s", file);
	if ((rc = probe_demux_fd(fd, alg, &res)) != 0)
		errx(2, "probe_demux_fd: %s", custos_strerror(rc));
	if (probe_result_check(&res, sizeof(res)) != 0)
		errx(3, "the demux core's own result fails the check");
	o = result_json(&res, alg);
	print_json(o);
	json_decref(o);
	close(fd);
	return 0;
}

/* Runs in the sandboxed child: what a compromised parser might try. */
static void
attempt(const char *action, int fd)
{
	char buf[64];
	void *p;

	if (strcmp(action, "allowed") == 0) {
		/* What the demux core does: read the media, allocate,
		 * answer on stdout. */
		if (pread(fd, buf, sizeof(buf), 0) < 0 ||
		    lseek(fd, 0, SEEK_END) < 0 ||
		    (p = malloc(1 << 24)) == NULL)
			_exit(10);
		memset(p, 1, 1 << 24);
		free(p);
		if (write(STDOUT_FILENO, "ok\n", 3) != 3)
			_exit(11);
		_exit(0);
	} else if (strcmp(action, "open") == 0) {
		/* Denied with EACCES rather than killed (sandbox.h). */
		if (open("/etc/passwd", O_RDONLY) == -1 && errno == EACCES)
			_exit(20);
	} else if (strcmp(action, "socket") == 0)
		(void)socket(AF_INET, SOCK_STREAM, 0);
	else if (strcmp(action, "fork") == 0)
		(void)fork();
	else if (strcmp(action, "execve") == 0)
		(void)execl("/bin/true", "true", (char *)NULL);
	else if (strcmp(action, "write-other-fd") == 0)
		(void)write(fd, "x", 1);
	else if (strcmp(action, "read-stdin") == 0)
		(void)read(STDIN_FILENO, buf, 1);
	else if (strcmp(action, "mmap-exec") == 0)
		(void)mmap(NULL, 4096, PROT_READ | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	else if (strcmp(action, "kill") == 0)
		(void)kill(getppid(), SIGTERM);
	else if (strcmp(action, "getpid") == 0)
		(void)getpid();
	else
		_exit(12);
	/* Still alive: the sandbox let it through. */
	_exit(0);
}

static int
selftest(const char *action, const char *file)
{
	char answer[16];
	ssize_t n;
	pid_t pid;
	int fd, st, rc, p[2];

	if ((fd = open(file, O_RDONLY)) == -1)
		err(2, "%s", file);
	/* The child answers on a pipe, as the media child does: with FSIZE
	 * 0 it could not write to a file. */
	if (pipe(p) == -1)
		err(2, "pipe");
	fflush(stdout);
	if ((pid = fork()) == -1)
		err(2, "fork");
	if (pid == 0) {
		close(p[0]);
		if (dup2(p[1], STDOUT_FILENO) == -1)
			_exit(15);
		if ((rc = sandbox_enter(fd, 10)) != 0) {
			fprintf(stderr, "sandbox_enter: %s: %s\n",
			    custos_strerror(rc), strerror(errno));
			_exit(13);
		}
		attempt(action, fd);
		_exit(14);
	}
	close(p[1]);
	if ((n = read(p[0], answer, sizeof(answer) - 1)) < 0)
		err(2, "read");
	answer[n] = '\0';
	if (waitpid(pid, &st, 0) == -1)
		err(2, "waitpid");
	if (WIFSIGNALED(st))
		printf("%s: signal %d", action, WTERMSIG(st));
	else
		printf("%s: exit %d", action, WEXITSTATUS(st));
	printf(n > 0 ? " answer %s" : "\n", answer);
	return 0;
}

int
main(int argc, char *argv[])
{
	unsigned long timeout = 30000;
	char *end;
	int ch;

	while ((ch = getopt(argc, argv, "DSt:z")) != -1) {
		switch (ch) {
		case 'D':
			if (argc - optind < 1 || argc - optind > 2)
				usage();
			return run_direct(argv[optind], parse_alg(
			    argv[optind + 1]));
		case 'S':
			if (argc - optind != 2)
				usage();
			return selftest(argv[optind], argv[optind + 1]);
		case 't':
			errno = 0;
			timeout = strtoul(optarg, &end, 10);
			if (errno || *end != '\0' || timeout == 0 ||
			    timeout > UINT32_MAX)
				usage();
			break;
		case 'z':
			printf("%zu\n", sizeof(struct probe_result));
			printf("landlock_abi %d\n", sandbox_landlock_abi());
			return 0;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2 || argc > 3)
		usage();
	return run_child(argv[0], argv[1], parse_alg(argv[2]),
	    (unsigned)timeout);
}
