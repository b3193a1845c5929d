/*
 * verify_witness: the reviewer's witness policy (--witness VKEYFILE,
 * repeatable, and --witness-quorum K): the checkpoint must carry valid
 * cosignatures (c2sp.org/tlog-cosignature, cosignature/v1) by at least K
 * of the given witnesses.  Used by the bundle and checkpoint verbs.
 */
#ifndef CUSTOS_VERIFY_WITNESS_H
#define CUSTOS_VERIFY_WITNESS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "custos/note.h"

#define VERIFY_WITNESS_MAX	16	/* --witness options */

struct cosig_verifier;

/* The reviewer's policy: the keys (owned by the caller) and K. */
struct verify_witnesses {
	struct cosig_verifier	*keys[VERIFY_WITNESS_MAX];
	size_t			 n;
	size_t			 quorum;	/* 1..n once checked */
};

enum verify_cosig_state {
	VERIFY_COSIG_VALID,
	VERIFY_COSIG_MISSING,
	VERIFY_COSIG_BAD,
};

/* What one given witness's lines in a note came to. */
struct verify_cosig {
	char			 key[NOTE_MAX_NAME + 16];	/* name+keyid */
	const char		*name;		/* valid while the key is */
	enum verify_cosig_state	 state;
	uint64_t		 time;		/* VALID: its timestamp */
};

/*
 * Adds the witness key file path to w (exit 2 with a message on stderr
 * when it cannot be read, is not a cosignature/v1 verifier key, or is the
 * 17th).
 */
void	 verify_witness_add(struct verify_witnesses *w, const char *prog,
	    const char *path);

/*
 * Sets w->quorum from the --witness-quorum value q (NULL: all the given
 * witnesses); exit 2 for a value that is not 1..w->n, or a quorum without
 * witnesses.
 */
void	 verify_witness_quorum(struct verify_witnesses *w, const char *prog,
	    const char *q);

/* Frees the keys of w. */
void	 verify_witness_free(struct verify_witnesses *w);

/*
 * Checks the cosignatures of every witness of w on note n: out[i] (w->n
 * of them) says what witness i's lines came to.  Returns how many are
 * VALID.
 */
size_t	 verify_witness_check(const struct verify_witnesses *w,
	    const struct note *n, struct verify_cosig *out);

/*
 * For the checkpoint verb: checks the note of len bytes against w and
 * writes an English sentence to buf ("cosigned by 2 of the 2 given
 * witnesses (quorum 2): a+1234abcd cosigned (2026-...), ..." or what is
 * missing or bad), and sets *list (a new reference, or NULL without
 * memory) to a JSON array of {witness, key, state, valid, time}.
 * Returns 0 when the quorum is met and no line of a given key is bad,
 * else 1.
 */
int	 verify_witness_sentence(const struct verify_witnesses *w,
	    const char *note, size_t len, char *buf, size_t bufsz,
	    json_t **list);

#endif
