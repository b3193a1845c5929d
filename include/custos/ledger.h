/*
 * ledger: the inspection ledger (台账) as people keep it, from the rows of
 * GET /v1/ledger (docs/api.md): its columns with Chinese and English
 * headings, the text of each cell, and the CSV that `custos ledger`
 * prints and the web console's /ledger.csv serves, byte for byte the
 * same.  In Chinese times are Beijing time and codes are labels; in
 * English, codes and UTC times as the API has them.
 *
 * Pure: no I/O but the FILE the caller passes to ledger_csv().
 */
#ifndef CUSTOS_LEDGER_H
#define CUSTOS_LEDGER_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* The number of columns. */
size_t	 ledger_ncolumns(void);

/* The heading of column c (< ledger_ncolumns()), in English if en. */
const char *ledger_heading(size_t c, int en);

/*
 * The text of column c of row (one of the answer's "rows") into buf of
 * len bytes, always NUL-terminated: "" when the row has no value, cut
 * short when it does not fit.
 */
void	 ledger_cell(size_t c, const json_t *row, int en, char *buf,
	    size_t len);

/*
 * Writes the ledger (the answer {"rows": [...]}) to f as CSV: UTF-8 with
 * a byte order mark, so that spreadsheet programs read the Chinese text
 * as UTF-8, one heading line, RFC 4180 quoting and CRLF line ends.
 * Returns 0, or CUSTOS_ERR_SYSTEM when writing to f failed (errno).
 */
int	 ledger_csv(const json_t *ledger, int en, FILE *f);

#endif
