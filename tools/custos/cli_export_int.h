/*
 * cli_export_int.h: the steps of "custos export" that the clip export
 * (cli_clip.c) takes too, in the same order (cli_export.c explains them):
 * one home for opening the station, the checkpoint and its token, the
 * bundle under a temporary name, and the rename.
 */
#ifndef CUSTOS_CLI_EXPORT_INT_H
#define CUSTOS_CLI_EXPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "custos/bundle.h"
#include "custos/evidence.h"

#include <jansson.h>

struct config;
struct catalog;
struct log;
struct registry;
struct store;

/* The progress bar on a terminal. */
struct progress {
	int		 tty;
	int		 drawn;		/* percent last drawn, or -1 */
};

/* One export, from the arguments to the logged entry. */
struct export {
	const struct config *cfg;
	const char	*id;
	const char	*output;
	char		*outbuf;	/* output without trailing slashes */
	const char	*purpose;
	int		 allow_untimestamped;
	int		 allow_uncosigned;
	int		 json;
	unsigned	 wait_s;
	struct log	*log;
	struct registry	*registry;
	struct catalog	*catalog;
	struct store	*store;
	struct evidence	 ev;
	uint64_t	 size;		/* the checkpoint's tree size */
	char		*note;		/* the checkpoint */
	size_t		 notelen;
	uint8_t		*tsr;		/* its token, or NULL */
	size_t		 tsrlen;
	char		 tsr_time[32];
	char		*untimestamped;	/* why there is no token, or NULL */
	char		 cosigned_by[512];	/* witnesses whose lines the
					   note carries, "a, b", or "" */
	char		*uncosigned;	/* which witnesses are missing and
					   why, or NULL */
	char		*vkey;
	size_t		 vkeylen;
	char		 key_id[16];
	char		**cals;		/* calendar file names */
	size_t		 ncals;
	struct bundle_writer *w;
	struct bundle_input in;
	uint64_t	 logged;	/* the logged entry */
};

/*
 * Each step returns 0 or 1 (reported with warnx()); the caller then
 * calls cli_export_free() once.  x->cfg, x->output and x->purpose are set
 * by the caller; x->id before cli_export_gather().
 */
/* Strips trailing slashes of x->output, refuses an existing output and
 * catches SIGINT, SIGTERM and SIGHUP (cli_export_interrupted()). */
int	 cli_export_start(struct export *x);
/* Opens the registry, catalog, log (read-only) and store. */
int	 cli_export_open(struct export *x);
/* After cli_export_open(): the evidence of x->id, a writer that
 * collected it. */
int	 cli_export_gather(struct export *x);
/* A timestamped checkpoint covering the evidence, checked; calendars. */
int	 cli_export_anchor(struct export *x);
/* The manifest and every member under the temporary name. */
int	 cli_export_write(struct export *x, int tar);
/* The temporary name becomes x->output. */
int	 cli_export_commit(struct export *x);
/* Whether x->output ends in ".tar". */
int	 cli_export_is_tar(const struct export *x);
/* Whether a signal asked to stop. */
int	 cli_export_interrupted(void);
/* The defaults of the options below (the token wait). */
void	 cli_export_defaults(struct export *x);
/*
 * Takes argv[*i] if it is an option every export has (-o, --purpose,
 * --wait, --allow-untimestamped, --allow-uncosigned, --json) or the inspection ID, moving *i
 * past its value.  Returns 1 taken, 0 not one of them, 2 a bad value
 * (reported).
 */
int	 cli_export_option(struct export *x, int argc, char *argv[], int *i);
/*
 * 0 if x has a purpose; else reports that entry (the type that logs
 * the copy) needs one and returns 2.
 */
int	 cli_export_purpose(const struct export *x, const char *entry);
/*
 * Posts body (consumed) to the daemon's route path, which appends the
 * entry that logs this copy, and sets x->logged to its index.  Returns 0,
 * or 1 after warning "the WHAT could not be logged; nothing LEFT" (the
 * daemon's refusal is printed by the call itself).
 */
int	 cli_export_log(struct export *x, const char *path, json_t *body,
	    const char *what, const char *left);
/* Reports the writer's last error once. */
void	 cli_export_writer_warn(const struct bundle_writer *w);
/*
 * The witnesses' cosignatures (cli_export_witness.c).  With [witness NAME]
 * sections: cli_export_cosig_missing() counts the configured witnesses
 * without a stored cosignature of the checkpoint of size, writing their
 * names ("a, b") to missing, or returns -1 (reported); 0 without
 * witnesses.  cli_export_cosig_append() checks the stored cosignatures of
 * x->size with the configured witness keys and appends them to x->note
 * after the station's signature (x->note is replaced; its token stays
 * over the station's note), naming them in x->cosigned_by; 0 or 1
 * (reported).
 */
int	 cli_export_cosig_missing(struct export *x, uint64_t size,
	    char *missing, size_t missinglen);
int	 cli_export_cosig_append(struct export *x);
/* Frees what x holds and removes an uncommitted bundle. */
void	 cli_export_free(struct export *x);

#endif
