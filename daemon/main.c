/*
 * custosd: the Custos daemon.  It owns the event loop and is the only
 * writer of the evidence log.  Every start and every clean stop is an
 * entry followed by a signed checkpoint, so an auditor sees each gap in
 * custody: a station.started entry that does not follow a station.stopped
 * one means the daemon died or the machine lost power.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <systemd/sd-daemon.h>
#include <uv.h>

#include "custos/config.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/note.h"
#include "api.h"
#include "dock.h"
#include "live.h"
#include "log.h"
#include "probe.h"
#include "registry_api.h"
#include "seal.h"
#include "station.h"
#include "summary.h"
#include "upload.h"
#include "tsa.h"
#include "custos/version.h"

/* Checkpoints trail appends by at most this much under load. */
#define CHECKPOINT_MS	2000

struct daemon {
	uv_loop_t	 loop;
	uv_signal_t	 sigterm;
	uv_signal_t	 sigint;
	uv_timer_t	 ckpt_timer;
	struct station	 st;
	struct api	*api;
	struct sealer	*sealer;
	struct dock	*dock;
	struct tsa	*tsa;
	struct live	*live;
	struct upload	*upload;
	int		 running;	/* dock and live not yet stopped */
	struct config	*cfg;
	char		 self[PATH_MAX];
	int		 stopping;
	const char	*stop_reason;
};

static void
usage(void)
{
	fprintf(stderr, "usage: custosd [-dfv] -c CONF\n"
	    "       custosd -P sha256|sm3   (the media child; started by "
	    "custosd)\n"
	    "       custosd -L              (the live child; started by "
	    "custosd)\n"
	    "  -c CONF  configuration file\n"
	    "  -d       debug logging\n"
	    "  -f       stay in the foreground (the default; custosd does not\n"
	    "           fork, systemd supervises it)\n"
	    "  -v       print the version and exit\n");
	exit(2);
}

/* What the previous run left: the type of the last entry tells. */
static const char *
previous_stop(struct station *st)
{
	uint64_t size = log_size(st->log);
	uint8_t *data = NULL;
	size_t len;
	json_t *e;
	const char *how = "none";

	if (size == 0)
		return how;
	how = "unclean";
	if (log_entry(st->log, size - 1, &data, &len) != 0)
		return how;
	if ((e = json_loadb((const char *)data, len, 0, NULL)) != NULL) {
		if (json_is_string(json_object_get(e, "type")) &&
		    strcmp(json_string_value(json_object_get(e, "type")),
		    "station.stopped") == 0)
			how = "clean";
		json_decref(e);
	}
	free(data);
	return how;
}

static int
append_started(struct daemon *d)
{
	char cfgdigest[DIGEST_STRLEN], keyid[16];
	json_t *p;
	int rc;

	digest_format(d->cfg->digest_alg, d->cfg->digest, cfgdigest,
	    sizeof(cfgdigest));
	snprintf(keyid, sizeof(keyid), "%08x",
	    note_verifier_keyid(d->st.verifier));
	p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s}",
	    "version", CUSTOS_VERSION,
	    "config", cfgdigest,
	    "key_id", keyid,
	    "key", d->st.vkey,
	    "profile", profile_name(d->cfg->profile),
	    "pid", (json_int_t)getpid(),
	    "previous_stop", previous_stop(&d->st));
	if (p == NULL)
		return CUSTOS_ERR_NOMEM;
	rc = station_append(&d->st, "station.started", p,
	    &d->st.started_index, NULL);
	json_decref(p);
	if (rc == 0)
		rc = station_checkpoint(&d->st);
	return rc;
}

static int
append_stopped(struct daemon *d)
{
	struct timespec now;
	json_t *p;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &now);
	p = json_pack("{s:s, s:s, s:I, s:I}",
	    "version", CUSTOS_VERSION,
	    "reason", d->stop_reason,
	    "started_index", (json_int_t)d->st.started_index,
	    "uptime_s", (json_int_t)(now.tv_sec - d->st.started.tv_sec));
	if (p == NULL)
		return CUSTOS_ERR_NOMEM;
	rc = station_append(&d->st, "station.stopped", p, NULL, NULL);
	json_decref(p);
	if (rc == 0)
		rc = station_checkpoint(&d->st);
	return rc;
}

static json_t *
status_json(void *arg)
{
	struct daemon *d = arg;
	struct station *st = &d->st;
	struct timespec now;
	json_t *j, *dock, *ins;

	clock_gettime(CLOCK_MONOTONIC, &now);
	j = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:s}",
	    "station", st->cfg->station_name,
	    "version", CUSTOS_VERSION,
	    "profile", profile_name(st->cfg->profile),
	    "pid", (json_int_t)getpid(),
	    "uptime_s", (json_int_t)(now.tv_sec - st->started.tv_sec),
	    "tree_size", (json_int_t)log_size(st->log),
	    "checkpoint_size", (json_int_t)st->checkpoint_size,
	    "key", st->vkey,
	    "state_dir", st->cfg->state_dir);
	if (j == NULL)
		return NULL;
	if (d->dock != NULL && (dock = dock_status(d->dock)) != NULL)
		json_object_set_new(j, "dock", dock);
	/* Procedure status: open, overdue back-fills, red codes pending. */
	if ((ins = summary_inspections(st)) != NULL)
		json_object_set_new(j, "inspections", ins);
	if ((ins = tsa_status(d->tsa, st)) != NULL)
		json_object_set_new(j, "tsa", ins);
	if ((ins = live_status(d->live)) != NULL)
		json_object_set_new(j, "live", ins);
	if (d->upload != NULL && (ins = upload_status(d->upload)) != NULL)
		json_object_set_new(j, "upload", ins);
	return j;
}

static void
checkpoint_tick(uv_timer_t *t)
{
	struct daemon *d = t->data;
	int rc;

	if ((rc = station_checkpoint(&d->st)) != 0)
		log_warnx_r(rc, "cannot sign a checkpoint tree_size=%llu",
		    (unsigned long long)log_size(d->st.log));
}

/* Once the dock and the live sources have no work in flight, the loop
 * may end. */
static void
dock_stopped(void *arg)
{
	struct daemon *d = arg;

	if (--d->running > 0)
		return;
	uv_timer_stop(&d->ckpt_timer);
	uv_close((uv_handle_t *)&d->ckpt_timer, NULL);
}

static void
on_signal(uv_signal_t *h, int signum)
{
	struct daemon *d = h->data;

	if (d->stopping)
		return;
	d->stopping = 1;
	d->stop_reason = signum == SIGTERM ? "SIGTERM" : "SIGINT";
	sd_notify(0, "STOPPING=1");
	log_info("stopping on %s", d->stop_reason);
	api_stop(d->api);
	d->api = NULL;
	tsa_stop(d->tsa);
	d->tsa = NULL;
	uv_close((uv_handle_t *)&d->sigterm, NULL);
	uv_close((uv_handle_t *)&d->sigint, NULL);
	d->running = 3;
	/* Uploads being sealed finish before the sealer is freed. */
	upload_stop(d->upload, dock_stopped, d);
	d->upload = NULL;
	live_stop(d->live, dock_stopped, d);
	d->live = NULL;
	dock_stop(d->dock, dock_stopped, d);
}

static void
priv_startup(struct daemon *d)
{
	long holder;
	char err[512];
	int rc;

	if ((rc = priv_station_open(&d->st, d->cfg, &holder, err,
	    sizeof(err))) != 0) {
		if (rc == CUSTOS_ERR_BUSY)
			fatalx("%s: another custosd (pid %ld) is running on "
			    "it; not starting", err, holder);
		fatalx_r(rc, "%s", err);
	}
	if (uv_loop_init(&d->loop) != 0)
		fatalx("cannot initialise the event loop");
	uv_signal_init(&d->loop, &d->sigterm);
	uv_signal_init(&d->loop, &d->sigint);
	d->sigterm.data = d->sigint.data = d;
	uv_signal_start(&d->sigterm, on_signal, SIGTERM);
	uv_signal_start(&d->sigint, on_signal, SIGINT);
	signal(SIGPIPE, SIG_IGN);
	if ((rc = append_started(d)) != 0)
		fatalx_r(rc, "cannot append station.started");
	if ((rc = seal_new(&d->loop, &d->st, d->st.catalog, d->self,
	    &d->sealer)) != 0)
		fatalx_r(rc, "cannot set up the seal pipeline");
	if ((rc = priv_tsa_start(&d->loop, &d->st, &d->tsa)) != 0)
		fatalx_r(rc, "[tsa] ca %s", d->cfg->tsa_ca);
	uv_timer_init(&d->loop, &d->ckpt_timer);
	d->ckpt_timer.data = d;
	uv_timer_start(&d->ckpt_timer, checkpoint_tick, CHECKPOINT_MS,
	    CHECKPOINT_MS);
	if ((rc = priv_dock_start(&d->loop, &d->st, d->sealer,
	    &d->dock)) != 0)
		fatalx_r(rc, "dock root %s", d->cfg->dock_root);
	if ((rc = priv_upload_start(&d->loop, &d->st, d->sealer, &d->upload,
	    err, sizeof(err))) != 0)
		fatalx_r(rc, "%s", err);
	if ((rc = priv_live_start(&d->loop, &d->st, d->sealer, d->self,
	    &d->live)) != 0)
		fatalx_r(rc, "live sources");
	if ((rc = priv_api_start(&d->loop, d->cfg->control_socket,
	    status_json, d, &d->api)) != 0)
		fatalx_r(rc, "control socket %s", d->cfg->control_socket);
	if (api_set_group(d->api, d->cfg->control_group) != 0)
		fatalx("[control] group %s: no such group",
		    d->cfg->control_group);
	api_set_handler(d->api, registry_api_handle, &d->st);
}

/*
 * The media child is this same executable, started fresh with -P so that
 * it inherits no address space and no secrets.
 */
static void
priv_find_self(struct daemon *d)
{
	ssize_t n;

	if ((n = readlink("/proc/self/exe", d->self, sizeof(d->self) - 1)) <= 0)
		fatal("cannot find my own executable for the media child");
	d->self[n] = '\0';
}

/* The thread pool runs the blocking copies of docked cameras side by
 * side; libuv reads its size once, at the first queued work. */
static void
priv_threadpool(void)
{
	if (getenv("UV_THREADPOOL_SIZE") == NULL)
		setenv("UV_THREADPOOL_SIZE", "32", 1);
}

int
main(int argc, char *argv[])
{
	struct daemon d;
	const char *conf = NULL;
	char err[512];
	int ch, rc;

	memset(&d, 0, sizeof(d));
	log_procinit("custosd");
	while ((ch = getopt(argc, argv, "c:dfvLP:")) != -1) {
		switch (ch) {
		case 'P':
			log_procinit("media");
			if (strcmp(optarg, "sha256") == 0)
				probe_child_main(DIGEST_SHA256);
			if (strcmp(optarg, "sm3") == 0)
				probe_child_main(DIGEST_SM3);
			usage();
			break;
		case 'L':
			log_procinit("live");
			live_child_main();
			break;
		case 'c':
			conf = optarg;
			break;
		case 'd':
			log_setverbose(1);
			break;
		case 'f':
			break;
		case 'v':
			printf("custosd %s\n", CUSTOS_VERSION);
			return 0;
		default:
			usage();
		}
	}
	if (conf == NULL || optind != argc)
		usage();
	if ((rc = config_load(conf, &d.cfg, err, sizeof(err))) != 0)
		fatalx("%s", err);
	priv_threadpool();
	priv_find_self(&d);
	priv_startup(&d);
	log_info("started station=%s version=%s tree_size=%llu "
	    "socket=%s", d.cfg->station_name, CUSTOS_VERSION,
	    (unsigned long long)log_size(d.st.log), d.cfg->control_socket);
	sd_notifyf(0, "READY=1\nSTATUS=tree size %llu",
	    (unsigned long long)log_size(d.st.log));
	uv_run(&d.loop, UV_RUN_DEFAULT);

	seal_free(d.sealer);
	rc = append_stopped(&d);
	if (rc != 0)
		log_warnx_r(rc, "cannot append station.stopped");
	else
		log_info("stopped tree_size=%llu",
		    (unsigned long long)log_size(d.st.log));
	if (uv_loop_close(&d.loop) != 0)
		log_warnx("event loop closed with open handles");
	station_close(&d.st);
	config_free(d.cfg);
	return rc == 0 ? 0 : 1;
}
