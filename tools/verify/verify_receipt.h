/*
 * verify_receipt: "custos-verify receipt", the check of a receipt
 * (c2sp.org/tlog-proof@v1) that a camera or phone kept for an upload.
 */
#ifndef CUSTOS_VERIFY_RECEIPT_H
#define CUSTOS_VERIFY_RECEIPT_H

/*
 * Runs "receipt --key VKEYFILE [--json] RECEIPT [FILE]" with argv the
 * arguments after the verb.  Prints one line per check and the result
 * (or one JSON object) on stdout, usage errors on stderr.  Returns the
 * exit status: 0 verified, 1 not verified, 2 usage error or an input that
 * cannot be read.
 */
int	 verify_receipt(int argc, char *argv[]);

#endif
