/*
 * idcard.h - the mother_id rules of doc/rules.md §13: resident ID numbers
 * (GB 11643) checked and brought to one form before they are hashed, and
 * the values Excel has already destroyed refused with the fix to make.
 * Pure: the server validates with it (through record.c), the client adds
 * what only it can know (that a cell was a number cell).
 */
#ifndef POPSTAT_IDCARD_H
#define POPSTAT_IDCARD_H

#include <stddef.h>
#include <stdint.h>

#define IDCARD_DAMAGED                                                         \
	"Excel stored the ID as a number and lost its last"                    \
	" digits; format the column as text"

/*
 * Normalise a mother_id as typed: trimmed, every space removed (inner
 * ones too, and U+3000), full-width forms folded, lower-case x upper-cased,
 * Excel's leading ' text marker dropped.  Writes at most cap - 1 bytes and
 * a NUL into out; returns the length, or -1 when it does not fit.
 */
int idcard_normalise(const char *s, char *out, size_t cap);

/* The check character of the 17 digits at s (ISO 7064 MOD 11-2). */
char idcard_check_char(const char *s17);

/*
 * Judge a normalised mother_id of a record dated `day` (day number).
 * Returns 0 with the form to hash in out (cap >= 19 and >= strlen(id) + 1):
 * an 18-character ID unchanged, a 15-digit one converted to 18, anything
 * else (a local register number) as it is.  Returns the number of problems
 * found (1 or 2) with a reason for each written into reasons[k] (each
 * rlen bytes): "check character should be 7", "birth date 19801345 is not
 * a date", "Excel stored the ID as a number ...".
 */
int idcard_check(const char *id, int32_t day, char *out, size_t cap,
    char reasons[][160], size_t nreasons);

/*
 * Nonzero when the text of a number cell can only be an ID Excel has cut
 * to 15 significant digits: 18 digits ending in 000.
 */
int idcard_number_damaged(const char *cell);

#endif
