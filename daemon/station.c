/*
 * station: state directory, key and log of the running daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "custos/calendar.h"
#include "custos/catalog.h"
#include "custos/ckpt.h"
#include "custos/enc.h"
#include "custos/entry_type.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/note_sign.h"
#include "custos/registry.h"
#include "custos/replica.h"
#include "custos/retention.h"
#include "custos/rfc3339.h"
#include "custos/store.h"
#include "custos/util.h"
#include "disk.h"
#include "entry.h"
#include "journal.h"
#include "station.h"
#include "workdays.h"

static int
state_path(const struct station *st, const char *name, char *buf,
    size_t len)
{
	if ((size_t)snprintf(buf, len, "%s/%s", st->cfg->state_dir, name) >=
	    len)
		return CUSTOS_ERR_INVALID;
	return 0;
}

/*
 * The lock is taken before anything else in the state directory is
 * touched, so a second daemon leaves the first one's socket and log alone.
 */
static int
take_lock(struct station *st, long *holder)
{
	char path[PATH_MAX], buf[32];
	ssize_t n;
	int fd;

	if (state_path(st, "lock", path, sizeof(path)) != 0)
		return CUSTOS_ERR_INVALID;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
		return CUSTOS_ERR_SYSTEM;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK) {
			close(fd);
			return CUSTOS_ERR_SYSTEM;
		}
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		*holder = strtol(buf, NULL, 10);
		close(fd);
		return CUSTOS_ERR_BUSY;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	/* Overwrite in place, then cut: on a full disk the file keeps the
	 * block it has, where truncating first would give it up. */
	if (pwrite(fd, buf, (size_t)n, 0) != n || ftruncate(fd, n) == -1) {
		close(fd);
		return CUSTOS_ERR_SYSTEM;
	}
	st->lockfd = fd;
	return 0;
}

static void
strip_newline(char *s, size_t *len)
{
	if (*len > 0 && s[*len - 1] == '\n')
		s[--*len] = '\0';
}

static int
create_key(struct station *st, const char *keypath)
{
	char *skey = NULL;
	int rc;

	if ((rc = note_signer_generate(st->cfg->station_name,
	    profile_sign(st->cfg->profile), &st->signer)) != 0)
		return rc;
	if ((rc = note_signer_format(st->signer, &skey)) != 0)
		return rc;
	rc = util_write_file(keypath, skey, strlen(skey), 0600, 1);
	OPENSSL_cleanse(skey, strlen(skey));
	free(skey);
	return rc;
}

static int
load_key(struct station *st, char *err, size_t errlen)
{
	char keypath[PATH_MAX], vpath[PATH_MAX], *skey = NULL, *old = NULL;
	size_t len, oldlen = 0;
	int rc;

	if (state_path(st, "station.key", keypath, sizeof(keypath)) != 0 ||
	    state_path(st, "station.vkey", vpath, sizeof(vpath)) != 0)
		return CUSTOS_ERR_INVALID;
	rc = util_read_file(keypath, 4096, &skey, &len);
	if (rc == CUSTOS_ERR_SYSTEM && errno == ENOENT) {
		if ((rc = create_key(st, keypath)) != 0) {
			snprintf(err, errlen, "cannot create station key %s",
			    keypath);
			return rc;
		}
	} else if (rc != 0) {
		snprintf(err, errlen, "cannot read station key %s", keypath);
		return rc;
	} else {
		strip_newline(skey, &len);
		rc = note_signer_parse(skey, len, &st->signer);
		OPENSSL_cleanse(skey, len);
		free(skey);
		if (rc != 0) {
			snprintf(err, errlen, "station key %s is malformed",
			    keypath);
			return rc;
		}
	}
	if (strcmp(note_signer_name(st->signer), st->cfg->station_name) != 0) {
		snprintf(err, errlen, "station key %s is named \"%s\" but the "
		    "config names the station \"%s\"", keypath,
		    note_signer_name(st->signer), st->cfg->station_name);
		return CUSTOS_ERR_CONFIG;
	}
	if ((rc = note_signer_verifier(st->signer, &st->verifier)) != 0 ||
	    (rc = note_verifier_format(st->verifier, &st->vkey)) != 0)
		return rc;
	/* The verifier key is public and derived; it is written when it
	 * is missing or differs from the key in use, and an unchanged one
	 * is left alone, so a full disk does not stop the start. */
	len = strlen(st->vkey);
	st->vkey[len] = '\n';
	rc = 0;
	if (util_read_file(vpath, 4096, &old, &oldlen) != 0 ||
	    oldlen != len + 1 || memcmp(old, st->vkey, len + 1) != 0)
		rc = util_write_file(vpath, st->vkey, len + 1, 0644, 0);
	free(old);
	st->vkey[len] = '\0';
	if (rc != 0)
		snprintf(err, errlen, "cannot write %s", vpath);
	return rc;
}

static int
open_log(struct station *st, char *err, size_t errlen)
{
	char path[PATH_MAX], *note = NULL;
	size_t len;
	int rc;

	if (state_path(st, "log.db", path, sizeof(path)) != 0)
		return CUSTOS_ERR_INVALID;
	if ((rc = log_open(path, st->cfg->digest_alg, LOG_CREATE,
	    &st->log)) != 0) {
		snprintf(err, errlen, "cannot open log %s", path);
		return rc;
	}
	if ((rc = log_check(st->log, st->verifier)) != 0) {
		snprintf(err, errlen, "log %s fails its start-up check: the "
		    "latest checkpoint does not match the stored tree or key",
		    path);
		return rc;
	}
	if ((rc = catalog_open(path, &st->catalog)) != 0 ||
	    (rc = catalog_sync(st->catalog, st->log)) != 0) {
		snprintf(err, errlen, "cannot bring the catalog in %s up to "
		    "date with the log", path);
		return rc;
	}
	if ((rc = registry_open(path, &st->registry)) != 0 ||
	    (rc = registry_sync(st->registry, st->log)) != 0) {
		snprintf(err, errlen, "cannot bring the registry in %s up to "
		    "date with the log", path);
		return rc;
	}
	if ((rc = retention_view_open(path, 0, &st->retention)) != 0 ||
	    (rc = retention_view_sync(st->retention, st->log)) != 0) {
		snprintf(err, errlen, "cannot bring the retention view in %s "
		    "up to date with the log", path);
		return rc;
	}
	if ((rc = replica_queue_open(path, &st->replica)) != 0 ||
	    (rc = replica_queue_sync(st->replica, st->log)) != 0) {
		snprintf(err, errlen, "cannot bring the replication queue in "
		    "%s up to date with the log", path);
		return rc;
	}
	if (log_checkpoint_latest(st->log, &st->checkpoint_size, &note,
	    &len) != 0)
		st->checkpoint_size = 0;
	free(note);
	return 0;
}

/* A calendar that cannot be loaded stops the start: see workdays.h. */
static int
open_calendar(struct station *st, char *err, size_t errlen)
{
	return workdays_load(st->cfg, &st->calendar, err, errlen);
}

int
station_calendar_reload(struct station *st, char *err, size_t errlen)
{
	struct calendar *c;
	int rc;

	if (st->cfg->calendar_from == CONFIG_CALENDAR_NONE) {
		snprintf(err, errlen, "calendar_dir = none: there is no "
		    "calendar to reload");
		return CUSTOS_ERR_CONFIG;
	}
	if ((rc = workdays_load(st->cfg, &c, err, errlen)) != 0)
		return rc;
	calendar_free(st->calendar);
	st->calendar = c;
	return 0;
}

int
station_backfill_due(const struct station *st, struct registry_inspection *i)
{
	struct cal_date day, due, unc;
	char buf[RFC3339_LEN], why[64], *s;
	int64_t at;

	if (!i->emergency || i->backfill_due != NULL ||
	    i->entered_at == NULL || rfc3339_parse(i->entered_at, &at) != 0)
		return 0;
	/* The same count as the emergency entry's, on today's calendar. */
	calendar_beijing_date(at / 1000 - (at % 1000 < 0 ? 1 : 0), &day);
	if (calendar_add_workdays(st->calendar, &day, 1, &due, &unc) == 0) {
		rfc3339_format(calendar_end_of_day(&due) * 1000, buf,
		    sizeof(buf));
		if ((s = strdup(buf)) == NULL)
			return CUSTOS_ERR_NOMEM;
		i->backfill_due = s;
		free(i->backfill_due_unknown);
		i->backfill_due_unknown = NULL;
		return 0;
	}
	calendar_date_format(&unc, buf, sizeof(buf));
	snprintf(why, sizeof(why), "calendar does not cover %s", buf);
	if ((s = strdup(why)) == NULL)
		return CUSTOS_ERR_NOMEM;
	free(i->backfill_due_unknown);
	i->backfill_due_unknown = s;
	return 0;
}

int
station_open(struct station *st, const struct config *cfg, long *holder,
    char *err, size_t errlen)
{
	char path[PATH_MAX];
	int rc;

	memset(st, 0, sizeof(*st));
	st->lockfd = -1;
	st->cfg = cfg;
	*holder = 0;
	/* First, so that a calendar error leaves no state behind. */
	if ((rc = open_calendar(st, err, errlen)) != 0)
		return rc;
	if (util_mkdirs(cfg->state_dir, 0700) != 0) {
		snprintf(err, errlen, "cannot create state_dir %s",
		    cfg->state_dir);
		return CUSTOS_ERR_SYSTEM;
	}
	if ((rc = take_lock(st, holder)) != 0) {
		snprintf(err, errlen, "cannot lock state_dir %s", cfg->state_dir);
		return rc;
	}
	if ((rc = load_key(st, err, errlen)) != 0 ||
	    (rc = open_log(st, err, errlen)) != 0)
		return rc;
	if (state_path(st, "store", path, sizeof(path)) != 0)
		return CUSTOS_ERR_INVALID;
	if ((rc = store_open(path, cfg->digest_alg, &st->store)) != 0) {
		snprintf(err, errlen, "cannot open store %s", path);
		return rc;
	}
	if ((rc = disk_init(&st->disk, cfg, path, st->log)) != 0) {
		snprintf(err, errlen, "out of memory");
		return rc;
	}
	clock_gettime(CLOCK_MONOTONIC, &st->started);
	return 0;
}

int
station_append(struct station *st, const char *type, json_t *payload,
    uint64_t *index, uint8_t *leaf)
{
	uint8_t leafbuf[DIGEST_LEN];
	struct timespec now;
	uint64_t next = log_size(st->log), first;
	char *buf;
	size_t len;
	int rc;

	/* Nothing goes into the log before the start it belongs to. */
	if (st->start_pending && strcmp(type, ENTRY_STATION_STARTED) != 0)
		return CUSTOS_ERR_NOSPACE;
	clock_gettime(CLOCK_REALTIME, &now);
	if ((rc = entry_build(type, next, &now, st->cfg->station_name,
	    payload, &buf, &len)) != 0)
		return rc;
	rc = log_append(st->log, (const void *const *)&buf, &len, 1, &first,
	    &leafbuf);
	free(buf);
	if (rc != 0)
		return rc;
	if (first != next)
		return CUSTOS_ERR_CORRUPT;
	if (index != NULL)
		*index = first;
	if (strcmp(type, ENTRY_SEGMENT_SEALED) == 0)
		disk_segment(&st->disk, payload, now.tv_sec);
	if (leaf != NULL)
		memcpy(leaf, leafbuf, DIGEST_LEN);
	if ((rc = catalog_sync(st->catalog, st->log)) != 0 ||
	    (rc = registry_sync(st->registry, st->log)) != 0 ||
	    (rc = retention_view_sync(st->retention, st->log)) != 0 ||
	    (rc = replica_queue_sync(st->replica, st->log)) != 0)
		return rc;
	if (st->sealed != NULL && (strcmp(type, ENTRY_SEGMENT_SEALED) == 0 ||
	    strcmp(type, ENTRY_DOCUMENT_SEALED) == 0))
		st->sealed(st->sealed_arg);
	return 0;
}

int
station_checkpoint(struct station *st)
{
	uint8_t root[DIGEST_LEN];
	uint64_t size = log_size(st->log);
	char *body = NULL, *note = NULL;
	size_t blen, nlen;
	int rc;

	if (size == 0 || size == st->checkpoint_size)
		return 0;
	if ((rc = log_root(st->log, size, root)) != 0 ||
	    (rc = ckpt_format(st->cfg->station_name, size, root, NULL, 0,
	    &body, &blen)) != 0 ||
	    (rc = note_sign(body, blen, st->signer, &note, &nlen)) != 0 ||
	    (rc = log_checkpoint_put(st->log, size, note, nlen)) != 0)
		goto done;
	st->checkpoint_size = size;
	metrics_checkpoint(&st->metrics, time(NULL));
	if (st->checkpointed != NULL)
		st->checkpointed(st->checkpointed_arg, size);
	if (st->cosign != NULL)
		st->cosign(st->cosign_arg, size);
done:
	free(body);
	free(note);
	return rc;
}

void
station_remux_path(const struct station *st, const char *hex, char *buf,
    size_t len)
{
	snprintf(buf, len, "%s/" STATION_REMUX_DIR "/%s.mp4",
	    st->cfg->state_dir, hex);
}

int
station_drop_remux(const struct station *st, const uint8_t hash[DIGEST_LEN])
{
	char hex[2 * DIGEST_LEN + 1], path[PATH_MAX];

	hex_encode(hash, DIGEST_LEN, hex);
	station_remux_path(st, hex, path, sizeof(path));
	if (unlink(path) == 0) {
		log_info("disposal: removed the console's remux %s", path);
		return 0;
	}
	if (errno == ENOENT)
		return 0;
	log_warn("disposal: cannot remove %s", path);
	return CUSTOS_ERR_SYSTEM;
}

void
station_close(struct station *st)
{
	store_close(st->store);
	disk_free(&st->disk);
	calendar_free(st->calendar);
	replica_queue_close(st->replica);
	retention_view_close(st->retention);
	registry_close(st->registry);
	catalog_close(st->catalog);
	log_close(st->log);
	note_verifier_free(st->verifier);
	note_signer_free(st->signer);
	free(st->vkey);
	if (st->lockfd != -1)
		close(st->lockfd);
	memset(st, 0, sizeof(*st));
	st->lockfd = -1;
}
