/*
 * csvout.h - CSV written for spreadsheets (doc/indicators.md §14, issue 21
 * item 8): text cells that Excel or LibreOffice must not read as a
 * formula, and the bytes in the encoding Excel on Windows expects (UTF-8
 * with a byte order mark, or GB18030).
 */
#ifndef POPSTAT_CSVOUT_H
#define POPSTAT_CSVOUT_H

#include <stddef.h>

#include "sbuf.h"

/*
 * Nonzero if s is a plain decimal number as popstat writes one: an
 * optional '-', digits, optionally '.' and digits ("-1.25", "20", "0.5").
 */
int csv_plain_number(const char *s);

/*
 * Nonzero if a spreadsheet could read text s as a formula: it starts
 * (after any run of single quotes) with '=', '+', '-', '@', a tab or a
 * carriage return, and is not a plain number.
 */
int csv_formula_risk(const char *s);

/*
 * Append s as one CSV text field for a spreadsheet: a single quote before
 * it when csv_formula_risk(s), then quoted as sbuf_csv_field() does.
 * Numbers are written by the caller as numbers, never through this.
 */
void csv_put_text(sbuf *b, const char *s);

/*
 * The text of a field read back from such a CSV (popstat unit import): s
 * without the quote csv_put_text added, so export then import keeps every
 * name as it was.  Returns s or s + 1.
 */
const char *csv_unprotect(const char *s);

/*
 * Check an --encoding name: NULL, "utf-8" (also "utf8") or "gb18030",
 * any case.  Returns 0, or -1 with a message in err.
 */
int csv_encoding_check(const char *enc, int bom, char *err, size_t errlen);

/*
 * Convert UTF-8 text in[0..n) into out in encoding enc (as accepted by
 * csv_encoding_check; NULL or utf-8 copies it), after a UTF-8 byte order
 * mark when bom.  Returns 0, or -1 with a message in err naming the byte
 * offset of the first character that cannot be converted.
 */
int csv_encode(const char *in, size_t n, const char *enc, int bom, sbuf *out,
    char *err, size_t errlen);

#endif
