/*
 * config_int: what the two halves of the config module share: config.c
 * (reading the file: lines, sections, keys in their places, what keys
 * need together, the calendar's default) and config_keys.c (the table of
 * known keys, the setter that checks and stores each value, and the
 * messages both report errors with).  config.c calls into config_keys.c,
 * never the other way.  Private to lib/base/config*.c.
 */
#ifndef CUSTOS_CONFIG_INT_H
#define CUSTOS_CONFIG_INT_H

#include <stddef.h>

#include "custos/config.h"

#define QUOTE_MAX	64	/* value bytes quoted in a message */
/* A buffer that holds any config_escape() result. */
#define ESCAPED_MAX	(4 * QUOTE_MAX + 8)

enum key {
	K_NAME,
	K_STATE_DIR,
	K_PROFILE,
	K_DOCK_ROOT,
	K_AFTER_INGEST,
	K_FILE_NUMBERING,
	K_SOCKET,
	K_GROUP,
	K_CALENDAR_DIR,
	K_TSA_URL,
	K_TSA_CA,
	K_TSA_POLICY,
	K_UP_LISTEN,
	K_UP_CERT,
	K_UP_KEY,
	K_UP_CLIENT_CA,
	K_UP_CRL,
	K_RET_UNLINKED,
	K_RET_NO_PENALTY,
	K_RET_PENALTY,
	K_RET_DOCUMENTS,
	K_RET_SCHEDULE,
	K_ROLE_OPERATOR,
	K_ROLE_REVIEWER,
	K_ROLE_AUDITOR,
	K_ROLE_ADMIN,
	K_ROLE_METRICS,
	K_DISK_WARN,
	K_DISK_STOP,
	K_WEB_LISTEN,
	K_WEB_CERT,
	K_WEB_KEY,
	K_WEB_CLIENT_CA,
	K_WEB_CRL,
	NKEYS
};

/* The keys of the [replica] section (config_replica.c). */
enum replica_key {
	R_ENDPOINT,
	R_BUCKET,
	R_REGION,
	R_CREDENTIALS,
	R_CA,
	R_PART_SIZE,
	R_THRESHOLD,
	NREPLICAKEYS
};

/* The keys of a [live NAME] section. */
enum live_key {
	L_CAMERA,
	L_URL,
	L_LISTEN,
	L_PASSPHRASE,
	L_SEGMENT_SECONDS,
	NLIVEKEYS
};

#define LIVE_MAX	64	/* [live NAME] sections */
#define LIVE_NAME_MAX	32

/* The keys of a [witness NAME] section (config_witness.c). */
enum witness_key {
	W_URL,
	W_KEY,
	NWITNESSKEYS
};

#define WITNESS_MAX	16	/* [witness NAME] sections */

struct parse;

struct keydef {
	const char	*section;
	const char	*key;
	int		(*set)(struct parse *, const char *);
	/*
	 * For a key whose value is a path and nothing more: the offset of
	 * its char * in struct config, which the shared setter fills.
	 */
	size_t		 path;
};

struct parse {
	const char	*name;		/* for messages and relative paths */
	const char	*cur;		/* the reader's position */
	const char	*end;
	int		 line;		/* lines handed to inih so far */
	int		 indented;	/* the line starts with blanks */
	int		 errline;	/* line of the first error, or 0 */
	int		 rc;		/* the first error, or 0 */
	char		*err;
	size_t		 errlen;
	struct config	*c;
	const struct keydef *key;	/* the key being set */
	int		 seen[NKEYS];	/* line each key was set on, or 0 */
	int		 lseen[LIVE_MAX][NLIVEKEYS];	/* same, per live */
	int		 live;		/* index of the [live NAME] section
					   being read, or -1 */
	int		 live_key;	/* p->key is one of live_keys */
	int		 wseen[WITNESS_MAX][NWITNESSKEYS]; /* per witness */
	int		 witness;	/* index of the [witness NAME] section
					   being read, or -1 */
	int		 witness_key;	/* p->key is one of the witness keys */
	int		 rseen[NREPLICAKEYS];	/* [replica], as seen */
	int		 prev;		/* the previous call's key, or -1 */
	char		*base;		/* absolute directory of name */
};

/* The keys of the fixed sections, by enum key, and of a [live NAME]. */
extern const struct keydef config_keys[NKEYS];
extern const struct keydef config_live_keys[NLIVEKEYS];

/*
 * Records the first error as "<file>:<line>: <message>" (or "<file>:
 * <message>" when line is 0).  Later errors are dropped: the first one is
 * the one the operator should fix first.  Returns p->rc, the first
 * error's code.
 */
int	 config_fail(struct parse *p, int rc, int line, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

/*
 * Sets the key p->key to value unless it was set before, on line *seen
 * (0: not yet), and notes this line in *seen; with flat, an indented line
 * is refused (sections whose keys have no continuation rule of their
 * own).  Returns 1 to go on, 0 on error, as inih's handler does.
 */
int	 config_set_key(struct parse *p, int *seen, const char *value,
	    int flat);

/*
 * Reports a problem with the value of the key being set (p->key) as
 * config_fail() does, naming its section and key.  Returns p->rc.
 */
int	 config_bad(struct parse *p, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Copies at most QUOTE_MAX bytes of s (len bytes) into buf (bufsz bytes,
 * ESCAPED_MAX is enough) for a message, escaping quotes, backslashes and
 * control bytes, and bytes past ASCII too when s is not UTF-8, so that
 * the message is always clean text.  Returns buf.
 */
const char *config_escape(const char *s, size_t len, char *buf,
	    size_t bufsz);

/*
 * Makes the path v absolute against the config file's directory and
 * stores it in *out (freeing what was there).  Returns 0, or reports
 * through config_bad() or config_fail() and returns p->rc.
 */
int	 config_set_path(struct parse *p, const char *v, char **out);

/*
 * The [witness NAME] sections (config_witness.c).  config_witness_section()
 * takes a "[witness NAME]" header (len bytes from "witness"), checks NAME
 * (a signed-note key name: the witness key's name), refuses a duplicate and
 * starts the section; config_witness_set() sets key name of the section
 * being read (inih's convention: 1 go on, 0 error); config_witness_check()
 * checks each section has url and key; config_witness_free() frees them.
 * Errors go through config_fail()/config_bad() and return p->rc.
 */
int	 config_witness_section(struct parse *p, const char *s, size_t len);
int	 config_witness_set(struct parse *p, const char *section,
	    const char *name, const char *value);
int	 config_witness_check(struct parse *p);
void	 config_witness_free(struct config *c);

/*
 * The [replica] section (config_replica.c), read as the [witness NAME]
 * sections are: config_replica_set() sets key name (inih's convention: 1
 * go on, 0 error), config_replica_check() checks the keys that go
 * together and fills the defaults, config_replica_free() frees them.
 * Errors go through config_fail()/config_bad() and return p->rc.
 */
int	 config_replica_set(struct parse *p, const char *name,
	    const char *value);
int	 config_replica_check(struct parse *p);
void	 config_replica_free(struct config *c);

#endif
