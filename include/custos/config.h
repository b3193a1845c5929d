/*
 * config: the custos.conf INI file, parsed with inih.
 *
 *	[station] name, state_dir, profile (default|sm), calendar_dir
 *	          (the working-day calendar files; default "calendar",
 *	          beside the config file)
 *	[dock]    root, after_ingest (keep|delete)
 *	[control] socket, group (optional: members may write through the
 *	          control socket, besides root and the daemon's user)
 *
 * Relative paths are taken relative to the directory of the config file
 * (its real path when it exists); "." and empty components are dropped,
 * ".." is kept.  Comments start a line with ';' or '#', or follow a value
 * after " ;".  Unknown sections or keys, duplicate keys, empty values, bad
 * values, indented (continuation) lines and lines longer than inih's line
 * buffer are errors that name the file, line and key:
 *
 *	<file>:<line>: [<section>] <key>: <problem>
 *	<file>:<line>: [<section>]: unknown section
 *	<file>:<line>: <key>: key before any [section]
 *	<file>:<line>: expected "[section]" or "key = value"
 *	<file>:<line>: line longer than <n> bytes
 *	<file>: [station] name: required
 *
 * station.name must be a valid C2SP signed-note key name (non-empty, at
 * most 255 bytes of UTF-8, no white space, no '+', no control characters);
 * control.socket must fit sockaddr_un.sun_path once resolved.
 */
#ifndef CUSTOS_CONFIG_H
#define CUSTOS_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "custos/digest.h"
#include "custos/profile.h"

enum after_ingest {
	AFTER_INGEST_KEEP = 0,
	AFTER_INGEST_DELETE = 1,
};

struct config {
	char		*path;		/* the file as given */
	uint8_t		 digest[DIGEST_LEN];	/* hash of its exact bytes */
	enum digest_alg	 digest_alg;	/* the profile's hash */
	char		*station_name;	/* also the log origin and key name */
	char		*state_dir;	/* absolute */
	enum profile	 profile;
	char		*dock_root;	/* absolute */
	enum after_ingest after_ingest;
	char		*control_socket;	/* absolute */
	char		*control_group;	/* group name, or NULL */
	char		*calendar_dir;	/* absolute */
};

/*
 * Loads path (at most 1 MiB).  Returns 0 and *out (free with
 * config_free()), or CUSTOS_ERR_SYSTEM if the file cannot be read,
 * CUSTOS_ERR_CONFIG for content errors or a larger file, CUSTOS_ERR_NOMEM.
 * On error err (errlen bytes; may be NULL when errlen is 0) holds one line
 * such as "custos.conf:7: [dock] after_ingest: expected keep or delete,
 * got \"wipe\"".
 */
int	 config_load(const char *path, struct config **out, char *err,
	    size_t errlen);

/*
 * Parses len bytes of config text named name (used in messages and to
 * resolve relative paths: its directory).  Same results as config_load().
 */
int	 config_parse(const char *buf, size_t len, const char *name,
	    struct config **out, char *err, size_t errlen);

/* Frees c; NULL is allowed. */
void	 config_free(struct config *c);

#endif
