/*
 * config: the custos.conf INI file, parsed with inih.
 *
 *	[station] name, state_dir, profile (default|sm), calendar_dir
 *	          (the directory of the working-day calendar files, or
 *	          "none"; default: "calendar" beside the config file if it
 *	          exists, else the installed PREFIX/share/custos/calendar)
 *	[dock]    root, after_ingest (keep|delete), file_numbering (auto
 *	          (default), none, or a POSIX extended regex matched
 *	          against a file's base name whose first group is the
 *	          number: how holes in a camera's file numbering are
 *	          found, docs/dock.md)
 *	[control] socket, group (optional: members may write through the
 *	          control socket, besides root and the daemon's user)
 *	[roles]   operator, reviewer, auditor, admin: each a comma-separated
 *	          list of Unix group names whose members hold that role on
 *	          the control socket (docs/api.md, "Who may do what").
 *	          Without any of these keys, root, the daemon's user and the
 *	          [control] group hold every role and any other user is
 *	          auditor
 *	[tsa]     url (http:// or https:// of an RFC 3161 time-stamping
 *	          authority; no [tsa] section: no timestamps), ca (PEM file of
 *	          the CA certificates that the TSA's signing certificate must
 *	          chain to; required with url), policy (optional: the TSA
 *	          policy OID to ask for, dotted decimal)
 *	[upload]  listen (host:port; no [upload] section: no upload
 *	          listener), cert and key (the station's TLS certificate and
 *	          key, PEM), client_ca (PEM: the CA that issues camera
 *	          certificates), crl (optional PEM CRL of that CA)
 *	[live NAME]  one section per live source, NAME 1-32 of
 *	          [A-Za-z0-9._-]: camera (serial, required), exactly one of
 *	          url (pull: rtsp://, rtsps://, srt://, tcp://) and listen
 *	          (tcp://host:port, tls://host:port, srt://host:port),
 *	          passphrase (srt only, 10-79 bytes), segment_seconds (1-3600,
 *	          default 60)
 *	[witness NAME]  one section per witness (c2sp.org/tlog-witness),
 *	          NAME the witness key's name (a signed-note key name):
 *	          url (http:// or https:// base URL; the daemon POSTs each
 *	          new checkpoint to URL/add-checkpoint), key (the witness's
 *	          cosignature/v1 verifier key file, type 0x04, named NAME).
 *	          Both required; at most 16 sections (docs/witness.md)
 *	[disk]    warn, stop_ingest: free space on the store's file system
 *	          below which custosd warns / pauses ingest (docking and
 *	          uploads), each a size ("50 GiB", "500 MiB", "0": never)
 *	          or a share of the file system ("5%", "0.5%"; at most
 *	          100%); defaults 10% and 2% (docs/dock.md)
 *	[replica] endpoint (http:// or https:// of S3-compatible storage,
 *	          path-style; no endpoint: no replication), bucket and
 *	          credentials (both required with endpoint; credentials is
 *	          a file of "access_key = ..." and "secret_key = ..." lines
 *	          that only its owner may read), region (default
 *	          us-east-1), ca (PEM file of the CAs for https; default
 *	          the system's), part_size and multipart_threshold (sizes
 *	          as [disk]'s, 5 MiB to 5 GiB; defaults 16 MiB and 1 GiB:
 *	          objects larger than the threshold go in parts of
 *	          part_size).  docs/replication.md
 *	[retention] unlinked (footage never linked to an inspection;
 *	          default "6 months", less is an error), no_penalty
 *	          (footage of an inspection closed with no decision.served),
 *	          penalty (footage of an inspection with a decision.served),
 *	          documents (document.sealed objects), each "permanent"
 *	          (their default) or "N days|months|years" (N 1-36500);
 *	          schedule (off (default) or "daily HH:MM", Beijing
 *	          time: custosd disposes of what is disposable once a day
 *	          then).  docs/retention.md
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

/* Where calendar_dir came from. */
enum config_calendar {
	CONFIG_CALENDAR_SET = 0,	/* [station] calendar_dir */
	CONFIG_CALENDAR_BESIDE,		/* default: "calendar" beside the
					   config file, which exists */
	CONFIG_CALENDAR_INSTALLED,	/* default: the installed data
					   directory (no "calendar" beside) */
	CONFIG_CALENDAR_NONE,		/* calendar_dir = none */
};

/* A [live NAME] section. */
struct config_live {
	char		*name;		/* NAME of the section */
	char		*camera;	/* serial */
	char		*url;		/* pull source, or NULL */
	char		*listen;	/* listener URL, or NULL */
	char		*passphrase;	/* srt only, or NULL */
	unsigned	 segment_seconds;
	int		 line;		/* of the section header */
};

/* A [witness NAME] section: a tlog-witness that cosigns the checkpoints. */
struct config_witness {
	char		*name;		/* NAME: the witness key's name */
	char		*url;		/* base URL (http:// or https://,
					   no trailing slash): the daemon
					   POSTs to URL/add-checkpoint */
	char		*key;		/* absolute path of its verifier key
					   (a C2SP vkey of type 0x04,
					   cosignature/v1), checked by the
					   daemon at start */
	int		 line;		/* of the section header */
};

/* The roles of the control socket, in the order of struct config's
 * roles[] (docs/api.md, "Who may do what"). */
enum config_role {
	CONFIG_ROLE_OPERATOR,
	CONFIG_ROLE_REVIEWER,
	CONFIG_ROLE_AUDITOR,
	CONFIG_ROLE_ADMIN,
	CONFIG_ROLE_METRICS,	/* /metrics of the web console only */
	CONFIG_NROLES
};

/* A [retention] period: permanent, or n days, months or years. */
enum config_unit {
	CONFIG_DAYS = 0,
	CONFIG_MONTHS,
	CONFIG_YEARS,
};

/* A [disk] threshold: a number of bytes, or a share of the file system
 * in hundredths of a percent (basis points, 0-10000). */
struct config_room {
	int		 share;		/* 1: bp counts, bytes unused */
	uint64_t	 bytes;
	unsigned	 bp;
};

struct config_period {
	int		 permanent;	/* 1: never disposable; n unused */
	unsigned	 n;
	enum config_unit unit;
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
	char		*file_numbering;	/* "auto", "none" or the regex;
					   never NULL once loaded */
	char		*control_socket;	/* absolute */
	char		*control_group;	/* group name, or NULL */
	/* [roles]: per enum config_role, its groups as "g1,g2" (no
	 * spaces), or NULL when the key is absent; all NULL: no [roles] */
	char		*roles[CONFIG_NROLES];
	char		*calendar_dir;	/* absolute; NULL with
					   CONFIG_CALENDAR_NONE */
	enum config_calendar calendar_from;
	char		*calendar_beside; /* absolute "calendar" beside the
					   file, tried first by default;
					   NULL when calendar_dir is set */
	char		*tsa_url;	/* NULL: no timestamps */
	char		*tsa_ca;	/* absolute; set when tsa_url is */
	char		*tsa_policy;	/* dotted OID, or NULL */
	char		*upload_listen;	/* "host:port", or NULL: no upload */
	char		*upload_cert;	/* absolute; set with listen */
	char		*upload_key;	/* absolute; set with listen */
	char		*upload_client_ca; /* absolute; set with listen */
	char		*upload_crl;	/* absolute, or NULL */
	char		*web_listen;	/* [web] "host:port" (port 0: any),
					   or NULL: no console */
	char		*web_cert;	/* absolute; with key and client_ca
					   (all or none): TLS; without, listen
					   is a loopback address */
	char		*web_key;
	char		*web_client_ca;
	char		*web_crl;	/* absolute, or NULL */
	struct config_live *live;	/* nlive [live NAME] sections, in
					   file order */
	size_t		 nlive;
	struct config_witness *witness;	/* nwitness [witness NAME]
					   sections, in file order */
	size_t		 nwitness;
	struct config_period retention_unlinked;
	struct config_period retention_no_penalty;
	struct config_period retention_penalty;
	struct config_period retention_documents;
	int		 retention_schedule;	/* 1: schedule = daily HH:MM */
	int		 retention_schedule_min; /* HH * 60 + MM, Beijing */
	struct config_room disk_warn;	/* [disk] warn */
	struct config_room disk_stop;	/* [disk] stop_ingest */
	char		*replica_endpoint;	/* no trailing '/'; NULL: no
					   replication (and every other
					   replica_ field unset) */
	char		*replica_bucket;	/* set with the endpoint */
	char		*replica_region;	/* set with the endpoint */
	char		*replica_credentials;	/* absolute; set with the
					   endpoint */
	char		*replica_ca;	/* absolute, or NULL: the system's */
	uint64_t	 replica_part_size;	/* bytes; set with the
					   endpoint */
	uint64_t	 replica_multipart_threshold;	/* bytes; same */
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
