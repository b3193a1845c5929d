/*
 * web_cache: the console's copies of sealed evidence, kept for a while
 * (web_int.h): the remuxes of footage (state_dir/console/remux, made by
 * web_footage.c) and the bundles made for download (state_dir/console/
 * downloads, web_export.c).  Each can be made again from the store, so
 * neither may fill the station's disk: whenever one is added the
 * directory is pruned by age, then oldest first down to its byte limit.
 * A disposal removes an object's remux at once (station_drop_remux()).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/journal.h"
#include "daemon/station.h"
#include "web_int.h"

/* A file younger than this is being written or sent: never pruned for
 * size. */
#define BUSY_S		60
#define PRUNE_MAX	4096	/* files looked at in one pass */

struct cached {
	char	 name[NAME_MAX + 1];
	time_t	 mtime;
	off_t	 size;
};

static int
older_first(const void *a, const void *b)
{
	const struct cached *x = a, *y = b;

	return x->mtime < y->mtime ? -1 : x->mtime > y->mtime;
}

int
web_cache_dir(const struct web *w, const char *name, char *buf, size_t size)
{
	const struct station *st = web_station(w);

	snprintf(buf, size, "%s/console", st->cfg->state_dir);
	if (mkdir(buf, 0750) == -1 && errno != EEXIST)
		return -1;
	if ((size_t)snprintf(buf, size, "%s/%s", st->cfg->state_dir,
	    name) >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdir(buf, 0750) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

/* Removes dir/name; logs why. */
static void
drop(int dfd, const char *dir, const char *name, const char *why)
{
	if (unlinkat(dfd, name, 0) == 0)
		log_info("web: removed %s/%s (%s)", dir, name, why);
	else if (errno != ENOENT)
		log_warn("web: cannot remove %s/%s", dir, name);
}

void
web_cache_prune(const char *dir, time_t max_age, uint64_t max_bytes)
{
	struct cached *f;
	struct dirent *de;
	struct stat sb;
	uint64_t total = 0;
	time_t now = time(NULL);
	size_t n = 0, i;
	DIR *d;
	int dfd;

	if ((d = opendir(dir)) == NULL) {
		if (errno != ENOENT)
			log_warn("web: %s", dir);
		return;
	}
	dfd = dirfd(d);
	if ((f = calloc(PRUNE_MAX, sizeof(*f))) == NULL) {
		closedir(d);
		return;
	}
	while ((de = readdir(d)) != NULL && n < PRUNE_MAX) {
		if (de->d_name[0] == '.' || fstatat(dfd, de->d_name, &sb,
		    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(sb.st_mode))
			continue;
		if (now - sb.st_mtime > max_age) {
			drop(dfd, dir, de->d_name, "expired");
			continue;
		}
		snprintf(f[n].name, sizeof(f[n].name), "%s", de->d_name);
		f[n].mtime = sb.st_mtime;
		f[n].size = sb.st_size;
		total += (uint64_t)sb.st_size;
		n++;
	}
	qsort(f, n, sizeof(*f), older_first);
	for (i = 0; i < n && max_bytes > 0 && total > max_bytes; i++) {
		if (now - f[i].mtime < BUSY_S)
			break;
		drop(dfd, dir, f[i].name, "over the cache's size");
		total -= (uint64_t)f[i].size;
	}
	free(f);
	closedir(d);
}
