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

#include <http_parser.h>
#include <jansson.h>
#include <systemd/sd-daemon.h>
#include <uv.h>

#include "custos/clip.h"
#include "custos/remux.h"
#include "custos/config.h"
#include "custos/digest.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/note.h"
#include "daemon/api/api.h"
#include "disk.h"
#include "disposal.h"
#include "daemon/dock/dock.h"
#include "daemon/live/live.h"
#include "journal.h"
#include "daemon/seal/probe.h"
#include "daemon/api/router.h"
#include "daemon/seal/seal.h"
#include "publish.h"
#include "replica.h"
#include "station.h"
#include "summary.h"
#include "daemon/upload/upload.h"
#include "daemon/web/web.h"
#include "tsa.h"
#include "witness.h"
#include "workdays.h"
#include "custos/version.h"

/* Checkpoints trail appends by at most this much under load. */
#define CHECKPOINT_MS	2000
/* How often the calendar's reach is looked at again: its state changes
 * once a day at most. */
#define CALENDAR_MS	(10 * 60 * 1000)
/* How often the room on the store's file system is measured besides
 * before each copy: ingest paused at stop_ingest resumes within this. */
#define DISK_MS		5000

struct daemon {
	uv_loop_t	 loop;
	uv_signal_t	 sigterm;
	uv_signal_t	 sigint;
	uv_signal_t	 sighup;	/* reloads the calendar */
	uv_timer_t	 ckpt_timer;
	uv_timer_t	 cal_timer;	/* the calendar's reach */
	uv_timer_t	 disk_timer;	/* the room on the store's disk */
	int		 cal_state;	/* enum workdays_state last
					   reported, or -1 */
	struct station	 st;
	struct api	*api;
	struct route_env routes;	/* what the control API may use */
	struct sealer	*sealer;
	struct dock	*dock;
	struct tsa	*tsa;
	struct replica	*replica;	/* [replica] uploads, or NULL */
	struct publish	*publish;	/* the log's tiles in the bucket,
					   or NULL */
	struct witnesses *witnesses;	/* [witness NAME], or NULL */
	struct live	*live;
	struct upload	*upload;
	struct web	*web;		/* [web] console, or NULL */
	struct web_env	 web_env;	/* what the console may use */
	struct disposal_schedule *schedule; /* [retention] schedule, or NULL */
	int		 running;	/* dock and live not yet stopped */
	struct config	*cfg;
	char		 self[PATH_MAX];
	int		 stopping;
	const char	*stop_reason;
	int		 ckpt_rc;	/* the checkpoint timer's last error,
					   logged once */
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: custosd [-dfv] -c CONF\n"
	    "       custosd --check-config -c CONF\n"
	    "       custosd -h | --help\n"
	    "       custosd -P sha256|sm3   (the media child; started by "
	    "custosd)\n"
	    "       custosd -L              (the live child; started by "
	    "custosd)\n"
	    "  -c CONF  configuration file (see custos.conf)\n"
	    "  -d       debug logging\n"
	    "  -f       stay in the foreground (the default; custosd does not\n"
	    "           fork, systemd supervises it)\n"
	    "  -h       print this help and exit\n"
	    "  --check-config  check CONF and the calendar it names, print "
	    "one line,\n"
	    "           exit 0 (custosd could start on it) or 1; no state is "
	    "touched\n"
	    "  -v       print the version and exit\n"
	    "Signals: SIGTERM or SIGINT stop cleanly; SIGHUP reloads the "
	    "working-day\n"
	    "calendar (as \"custos calendar reload\" does).\n");
}

/*
 * custosd --check-config: the configuration and the working-day calendar
 * it names, read as a start reads them, and nothing else: no state
 * directory, log, key or socket is touched.  Returns the exit status.
 */
static int
check_config(const char *conf)
{
	struct calendar *cal;
	struct config *cfg;
	char err[512], years[64];
	int rc;

	if (config_load(conf, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "custosd: %s\n", err);
		return 1;
	}
	err[0] = '\0';
	if ((rc = workdays_load(cfg, &cal, err, sizeof(err))) != 0) {
		fprintf(stderr, "custosd: %s: %s\n", conf, err[0] != '\0' ?
		    err : custos_strerror(rc));
		config_free(cfg);
		return 1;
	}
	if (cfg->calendar_from == CONFIG_CALENDAR_NONE)
		snprintf(years, sizeof(years), "none");
	else
		workdays_years(cal, years, sizeof(years));
	printf("%s: ok: station %s, state %s, socket %s, calendar %s, "
	    "web console %s\n", conf, cfg->station_name, cfg->state_dir,
	    cfg->control_socket, years, cfg->web_listen != NULL ?
	    cfg->web_listen : "off");
	calendar_free(cal);
	config_free(cfg);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
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
		    ENTRY_STATION_STOPPED) == 0)
			how = "clean";
		json_decref(e);
	}
	free(data);
	return how;
}

/*
 * What "custos restore" left in the state directory (restored.json): the
 * first start after a restore puts it into its station.started entry as
 * "restored", so the rebuild is itself in the log.  NULL when there is
 * none; a file that is not JSON is put in as its text.
 */
static json_t *
restored(const struct daemon *d, char *path, size_t len)
{
	json_t *j;

	snprintf(path, len, "%s/restored.json", d->cfg->state_dir);
	if (access(path, F_OK) != 0)
		return NULL;
	if ((j = json_load_file(path, 0, NULL)) == NULL)
		j = json_pack("{s:s}", "unreadable", path);
	return j;
}

static int
append_started(struct daemon *d)
{
	char cfgdigest[DIGEST_STRLEN], keyid[16], rpath[PATH_MAX];
	json_t *p, *r;
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
	if ((r = restored(d, rpath, sizeof(rpath))) != NULL)
		json_object_set_new(p, "restored", r);
	rc = station_append(&d->st, ENTRY_STATION_STARTED, p,
	    &d->st.started_index, NULL);
	json_decref(p);
	/* In the log now: a later start must not claim it again. */
	if (rc == 0 && r != NULL && unlink(rpath) == -1)
		log_warn("%s: in station.started index=%llu but cannot be "
		    "removed", rpath, (unsigned long long)d->st.started_index);
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
	rc = station_append(&d->st, ENTRY_STATION_STOPPED, p, NULL, NULL);
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
	if ((ins = disk_status(&st->disk)) != NULL)
		json_object_set_new(j, "disk", ins);
	/* Procedure status: open, overdue back-fills, red codes pending. */
	if ((ins = summary_inspections(st)) != NULL)
		json_object_set_new(j, "inspections", ins);
	if ((ins = tsa_status(d->tsa, st)) != NULL)
		json_object_set_new(j, "tsa", ins);
	if ((ins = replica_status(d->replica, st)) != NULL)
		json_object_set_new(j, "replica", ins);
	if ((ins = publish_status(d->publish)) != NULL)
		json_object_set_new(j, "publish", ins);
	if ((ins = witnesses_status(d->witnesses)) != NULL)
		json_object_set_new(j, "witnesses", ins);
	if ((ins = live_status(d->live)) != NULL)
		json_object_set_new(j, "live", ins);
	if (d->upload != NULL && (ins = upload_status(d->upload)) != NULL)
		json_object_set_new(j, "upload", ins);
	if (d->web != NULL && (ins = web_status(d->web)) != NULL)
		json_object_set_new(j, "web", ins);
	if ((ins = workdays_status(d->cfg, st->calendar,
	    time(NULL))) != NULL)
		json_object_set_new(j, "calendar", ins);
	return j;
}

static void
checkpoint_tick(uv_timer_t *t)
{
	struct daemon *d = t->data;
	uint64_t size = log_size(d->st.log);
	int rc;

	/* Started on a full disk: the start entry goes in first, once it
	 * fits (station.h, start_pending). */
	if (d->st.start_pending) {
		if (append_started(d) != 0 && log_size(d->st.log) == size)
			return;
		d->st.start_pending = 0;
		log_info("disk has space again: station.started appended "
		    "index=%llu", (unsigned long long)d->st.started_index);
	}
	/* A failure is logged when it starts or changes, not every tick:
	 * a full disk would repeat it all day. */
	rc = station_checkpoint(&d->st);
	if (rc != 0 && rc != d->ckpt_rc)
		log_warnx_r(rc, "cannot sign a checkpoint tree_size=%llu",
		    (unsigned long long)log_size(d->st.log));
	else if (rc == 0 && d->ckpt_rc != 0)
		log_info("checkpoint signed again tree_size=%llu",
		    (unsigned long long)log_size(d->st.log));
	d->ckpt_rc = rc;
}

/*
 * Reports the calendar's reach when it changed since the last report: a
 * log line and the service's STATUS, so that a calendar running out is
 * said once, not at every tick.
 */
static void
calendar_report(struct daemon *d)
{
	char years[256], warn[1024], disk[320];
	enum workdays_state s;

	s = workdays_state(d->cfg, d->st.calendar, time(NULL), NULL);
	if ((int)s == d->cal_state)
		return;
	d->cal_state = (int)s;
	/* The dock's STATUS lines carry the note from its next update. */
	(void)workdays_note(d->cfg, d->st.calendar, time(NULL),
	    d->st.status_note, sizeof(d->st.status_note));
	workdays_years(d->st.calendar, years, sizeof(years));
	if (workdays_warning(d->cfg, d->st.calendar, time(NULL), warn,
	    sizeof(warn)))
		log_warnx("calendar: %s", warn);
	else if (s == WORKDAYS_NONE)
		log_warnx("calendar: none (calendar_dir = none): every "
		    "deadline is reported as not covered");
	else
		log_info("calendar: %s from %s", years, d->cfg->calendar_dir);
	disk_line(&d->st.disk, disk, sizeof(disk));
	sd_notifyf(0, "STATUS=tree size %llu; %s%s%s",
	    (unsigned long long)log_size(d->st.log), disk,
	    d->st.status_note[0] != '\0' ? "; WARNING: " : "",
	    d->st.status_note);
}

/*
 * Measures the room on the store's disk (a change of state is logged
 * there, once) and sends the STATUS line again when it changed.  A dock
 * paused at stop_ingest resumes on its own retry timer once a copy is
 * admitted again; uploads are answered 507 until then.
 */
static void
disk_tick(uv_timer_t *t)
{
	struct daemon *d = t->data;

	(void)disk_check(&d->st.disk);
	dock_refresh(d->dock);
}

static void
calendar_tick(uv_timer_t *t)
{
	calendar_report(t->data);
}

/*
 * Loads the calendar again (SIGHUP or POST /v1/calendar/reload), logs the
 * outcome and reports the new reach.  Returns 0 or the load's error (err
 * says why; the calendar in use is kept).
 */
static int
calendar_reload(struct daemon *d, const char *by, char *err, size_t errlen)
{
	char before[256], after[256];
	int rc;

	workdays_years(d->st.calendar, before, sizeof(before));
	if ((rc = station_calendar_reload(&d->st, err, errlen)) != 0) {
		log_warnx("calendar reload (%s): %s; keeping %s", by, err,
		    before);
		return rc;
	}
	workdays_years(d->st.calendar, after, sizeof(after));
	log_info("calendar reloaded (%s) from %s: %s (was %s)", by,
	    d->cfg->calendar_dir, after, before);
	calendar_report(d);
	return 0;
}

static void
on_sighup(uv_signal_t *h, int signum)
{
	char err[512];

	(void)signum;
	(void)calendar_reload(h->data, "SIGHUP", err, sizeof(err));
}

/* POST /v1/calendar/reload (daemon/api/router.c). */
static int
calendar_reload_api(void *arg, char *err, size_t errlen)
{
	return calendar_reload(arg, "control socket", err, errlen);
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
	web_stop(d->web);
	d->web = NULL;
	api_stop(d->api);
	d->api = NULL;
	tsa_stop(d->tsa);
	d->tsa = NULL;
	replica_stop(d->replica);
	d->replica = NULL;
	publish_stop(d->publish);
	d->publish = NULL;
	witnesses_stop(d->witnesses);
	d->witnesses = NULL;
	uv_close((uv_handle_t *)&d->sigterm, NULL);
	uv_close((uv_handle_t *)&d->sigint, NULL);
	uv_close((uv_handle_t *)&d->sighup, NULL);
	uv_close((uv_handle_t *)&d->cal_timer, NULL);
	uv_close((uv_handle_t *)&d->disk_timer, NULL);
	disposal_schedule_stop(d->schedule);
	d->schedule = NULL;
	d->running = 3;
	/* Uploads being sealed finish before the sealer is freed. */
	upload_stop(d->upload, dock_stopped, d);
	d->upload = NULL;
	live_stop(d->live, dock_stopped, d);
	d->live = NULL;
	dock_stop(d->dock, dock_stopped, d);
}

static void
daemon_startup(struct daemon *d)
{
	long holder;
	char err[512];
	uint64_t size;
	int rc;

	if ((rc = station_open(&d->st, d->cfg, &holder, err,
	    sizeof(err))) != 0) {
		if (rc == CUSTOS_ERR_BUSY)
			fatalx("%s: another custosd (pid %ld) is running on "
			    "it; not starting", err, holder);
		fatalx_r(rc, "%s", err);
	}
	/* A disposal a crash interrupted: its entry is in, its bytes go. */
	(void)disposal_finish(&d->st, NULL);
	if (uv_loop_init(&d->loop) != 0)
		fatalx("cannot initialise the event loop");
	uv_signal_init(&d->loop, &d->sigterm);
	uv_signal_init(&d->loop, &d->sigint);
	d->sigterm.data = d->sigint.data = d;
	uv_signal_start(&d->sigterm, on_signal, SIGTERM);
	uv_signal_start(&d->sigint, on_signal, SIGINT);
	uv_signal_init(&d->loop, &d->sighup);
	d->sighup.data = d;
	uv_signal_start(&d->sighup, on_sighup, SIGHUP);
	signal(SIGPIPE, SIG_IGN);
	/* Before the start is logged: a witness key that is not one stops
	 * the start, and the start's checkpoint goes to the witnesses. */
	if ((rc = witnesses_start(&d->loop, &d->st, &d->witnesses, err,
	    sizeof(err))) != 0)
		fatalx("%s", err);
	size = log_size(d->st.log);
	if ((rc = append_started(d)) != 0) {
		/* A full disk does not stop the start: the entry waits for
		 * space, and so does ingest (docs/dock.md). */
		if (rc != CUSTOS_ERR_NOSPACE)
			fatalx_r(rc, "cannot append station.started");
		d->st.start_pending = log_size(d->st.log) == size;
	}
	if ((rc = seal_new(&d->loop, &d->st, d->st.catalog, d->self,
	    &d->sealer)) != 0)
		fatalx_r(rc, "cannot set up the seal pipeline");
	if ((rc = tsa_start(&d->loop, &d->st, &d->tsa)) != 0)
		fatalx_r(rc, "[tsa] ca %s", d->cfg->tsa_ca);
	if ((rc = replica_start(&d->loop, &d->st, &d->replica, err,
	    sizeof(err))) != 0)
		fatalx_r(rc, "%s", err);
	if ((rc = publish_start(&d->loop, &d->st, &d->publish, err,
	    sizeof(err))) != 0)
		fatalx_r(rc, "%s", err);
	uv_timer_init(&d->loop, &d->ckpt_timer);
	d->ckpt_timer.data = d;
	uv_timer_start(&d->ckpt_timer, checkpoint_tick, CHECKPOINT_MS,
	    CHECKPOINT_MS);
	uv_timer_init(&d->loop, &d->disk_timer);
	d->disk_timer.data = d;
	(void)disk_check(&d->st.disk);
	uv_timer_start(&d->disk_timer, disk_tick, DISK_MS, DISK_MS);
	uv_timer_init(&d->loop, &d->cal_timer);
	d->cal_timer.data = d;
	uv_timer_start(&d->cal_timer, calendar_tick, CALENDAR_MS,
	    CALENDAR_MS);
	if ((rc = disposal_schedule_start(&d->loop, &d->st,
	    &d->schedule)) != 0)
		fatalx_r(rc, "cannot set up the disposal schedule");
	if ((rc = dock_start(&d->loop, &d->st, d->sealer,
	    &d->dock)) != 0)
		fatalx_r(rc, "dock root %s", d->cfg->dock_root);
	if (d->st.start_pending)
		dock_disk_full(d->dock, "no space for the station.started "
		    "entry");
	if ((rc = upload_start(&d->loop, &d->st, d->sealer, &d->upload,
	    err, sizeof(err))) != 0)
		fatalx_r(rc, "%s", err);
	if ((rc = live_start(&d->loop, &d->st, d->sealer, d->self,
	    &d->live)) != 0)
		fatalx_r(rc, "live sources");
	if ((rc = api_start(&d->loop, d->cfg->control_socket,
	    &d->api)) != 0)
		fatalx_r(rc, "control socket %s", d->cfg->control_socket);
	if (api_set_group(d->api, d->cfg->control_group) != 0)
		fatalx("[control] group %s: no such group",
		    d->cfg->control_group);
	if ((rc = api_set_roles(d->api, d->cfg->roles, err,
	    sizeof(err))) != 0)
		fatalx_r(rc, "%s", err);
	d->routes = (struct route_env){ .st = &d->st, .status = status_json,
	    .calendar_reload = calendar_reload_api, .arg = d };
	api_set_handler(d->api, router_handle, &d->routes);
	d->web_env = (struct web_env){ .st = &d->st, .api = d->api,
	    .routes = &d->routes, .self = d->self,
	    .config_path = d->cfg->path };
	if ((rc = web_start(&d->loop, &d->web_env, &d->web, err,
	    sizeof(err))) != 0)
		fatalx_r(rc, "%s", err);
}

/*
 * The media child is this same executable, started fresh with -P so that
 * it inherits no address space and no secrets.
 */
static void
daemon_find_self(struct daemon *d)
{
	ssize_t n;

	if ((n = readlink("/proc/self/exe", d->self, sizeof(d->self) - 1)) <= 0)
		fatal("cannot find my own executable for the media child");
	d->self[n] = '\0';
}

/* The thread pool runs the blocking copies of docked cameras side by
 * side; libuv reads its size once, at the first queued work. */
static void
daemon_threadpool(void)
{
	if (getenv("UV_THREADPOOL_SIZE") == NULL)
		setenv("UV_THREADPOOL_SIZE", "32", 1);
}

int
main(int argc, char *argv[])
{
	struct daemon d;
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "check-config", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf = NULL;
	char err[512];
	int ch, rc, check = 0;

	memset(&d, 0, sizeof(d));
	d.cal_state = -1;
	log_procinit("custosd");
	/* The seal's media child (daemon/seal/probe.c). */
	if (argc > 1 && strcmp(argv[1], CLIP_CHILD) == 0) {
		log_procinit("media");
		clip_child_main(argc, argv);
	}
	/* The web console's remux child (daemon/web/web_footage.c). */
	if (argc > 1 && strcmp(argv[1], REMUX_CHILD) == 0) {
		log_procinit("media");
		remux_child_main(argc, argv);
	}
	while ((ch = getopt_long(argc, argv, "c:dfhvLP:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'P':
			log_procinit("media");
			if (strcmp(optarg, "sha256") == 0)
				probe_child_main(DIGEST_SHA256);
			if (strcmp(optarg, "sm3") == 0)
				probe_child_main(DIGEST_SM3);
			usage(stderr);
			return 2;
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
		case 'C':
			check = 1;
			break;
		case 'h':
			usage(stdout);
			return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
		case 'v':
			printf("custosd %s\n", CUSTOS_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (conf == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (check)
		return check_config(conf);
	if ((rc = config_load(conf, &d.cfg, err, sizeof(err))) != 0)
		fatalx("%s", err);
	daemon_threadpool();
	daemon_find_self(&d);
	daemon_startup(&d);
	log_info("started station=%s version=%s tree_size=%llu "
	    "socket=%s", d.cfg->station_name, CUSTOS_VERSION,
	    (unsigned long long)log_size(d.st.log), d.cfg->control_socket);
	sd_notify(0, "READY=1");
	calendar_report(&d);
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
