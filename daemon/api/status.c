/*
 * status: the station's own routes.  The status document is the daemon's
 * (main.c gathers the dock, uploads, live sources, TSA and calendar); the
 * control socket adds its own state here.
 */
#include <time.h>

#include <jansson.h>

#include "custos/log.h"
#include "daemon/station.h"
#include "daemon/tsa.h"
#include "daemon/witness.h"
#include "daemon/workdays.h"
#include "reply.h"
#include "status.h"

int
status_get(const struct route_env *env, const struct api_request *req,
    const char *param, json_t **body)
{
	(void)param;
	if ((*body = env->status(env->arg)) == NULL ||
	    json_object_set_new(*body, "control",
	    api_control_status(req->server)) != 0) {
		json_decref(*body);
		*body = NULL;	/* a 500 "out of memory" */
	}
	return *body != NULL ? 200 : 500;
}

int
checkpoint_post(const struct route_env *env, const struct api_request *req,
    const char *param, json_t **body)
{
	struct station *st = env->st;
	const char *ts, *cs;
	int rc;

	(void)req;
	(void)param;
	if ((rc = station_checkpoint(st)) != 0)
		return reply_failed(body, rc, "cannot sign a checkpoint");
	if (st->tsa == NULL)
		ts = "off";
	else if (log_timestamp_get(st->log, st->checkpoint_size, NULL,
	    NULL) == 0)
		ts = "stored";
	else {
		tsa_kick(st->tsa);
		ts = "requested";
	}
	*body = json_pack("{s:I, s:s}", "size",
	    (json_int_t)st->checkpoint_size, "timestamp", ts);
	/* With witnesses only: the answer without them is unchanged. */
	switch (witnesses_cosigned(st->witnesses, st->checkpoint_size)) {
	case -1:
		return 200;
	case 1:
		cs = "stored";
		break;
	default:
		witnesses_kick(st->witnesses);
		cs = "requested";
	}
	if (*body != NULL && json_object_set_new(*body, "cosignatures",
	    json_string(cs)) != 0) {
		json_decref(*body);
		*body = NULL;
	}
	return 200;
}

int
calendar_reload_post(const struct route_env *env,
    const struct api_request *req, const char *param, json_t **body)
{
	char err[512];
	json_t *j;

	(void)req;
	(void)param;
	if (env->calendar_reload(env->arg, err, sizeof(err)) != 0)
		return reply_error(body, 409, "%s", err);
	if ((j = workdays_status(env->st->cfg, env->st->calendar,
	    time(NULL))) == NULL)
		return reply_error(body, 500, "out of memory");
	*body = json_pack("{s:o}", "calendar", j);
	return 200;
}
