/*
 * sheet_num.h - the cell text conventions of sheet.h that the workbook
 * readers share: numbers as Excel shows them, date serials as dates, and
 * which number formats are dates.  Pure functions, no I/O.
 */
#ifndef POPSTAT_SHEET_NUM_H
#define POPSTAT_SHEET_NUM_H

#include <stddef.h>

/* Enough for any double in either form (an integer of up to 309 digits). */
#define SHEET_NUM_MAX 336

/*
 * Write v as sheet.h's SHEET_NUMBER text into buf (SHEET_NUM_MAX bytes):
 * an integer as Excel shows it in a "0" format (15 significant digits,
 * then zeros: 3.60732198001011E+17 gives 360732198001011000), anything
 * else as "%.15g".  Returns -1 (buf "") for a NaN or an infinity, else 0.
 */
int sheet_num_format(double v, char *buf);

/*
 * Write the date of Excel serial v as YYYY-MM-DD into buf (at least 11
 * bytes); the time of day (the fraction) is dropped.  date1904 chooses
 * the 1904 date system (serial 0 is 1904-01-01); in the 1900 system
 * serial 1 is 1900-01-01 and 60 is Excel's 1900-02-29, a day that never
 * was, written as such (so a date check refuses it).  Returns -1 when v
 * is no date Excel shows (negative, not finite, after 9999-12-31), else 0.
 */
int sheet_num_serial_date(double v, int date1904, char *buf);

/* Whether built-in number format id is a date or time format (14-22,
 * 27-36, 45-47, 50-58). */
int sheet_num_builtin_is_date(long id);

/*
 * Whether a custom number format code shows a date or time: it has one of
 * d, m, y, h (any case) outside quoted text, [brackets] and escaped
 * characters (\x, _x, *x).
 */
int sheet_num_code_is_date(const char *code);

#endif
