/*
 * sheet.h - the rows of a register file, whatever its format: a text file
 * (CSV or tab-separated, in any encoding that doc/rules.md §13 accepts),
 * an .xlsx or an .xls workbook.  Every cell comes out as NUL-terminated
 * UTF-8 text with the type of cell it came from, and each row carries the
 * number a person sees: the physical line of a text file, the row number
 * Excel shows for a workbook.
 *
 * The readers live in sheet_text.c (text files), sheet_xlsx.c (minizip and
 * expat) and sheet_xls.c (libfreexl); sheet.c picks one by the file's name
 * and contents.  Each reads in bounded memory, one row at a time.
 *
 * Cell text conventions, the same for every reader:
 *   SHEET_TEXT    the text as stored (a text file's field, a shared or
 *                 inline string)
 *   SHEET_NUMBER  an integer as Excel shows it in a "0" format (at most 15
 *                 significant digits, then zeros: 360732198001011000); any
 *                 other number as "%.15g" would print it
 *   SHEET_DATE    a number cell with a date format, as YYYY-MM-DD in the
 *                 workbook's date system (1900 or 1904); the time of day
 *                 is dropped
 *   SHEET_BOOL    "TRUE" or "FALSE"
 *   SHEET_ERROR   the error as Excel shows it ("#N/A")
 * A formula cell gives its cached value, typed by that value.  A text
 * file's cells are all SHEET_TEXT (or SHEET_EMPTY when empty).
 */
#ifndef POPSTAT_SHEET_H
#define POPSTAT_SHEET_H

#include <stddef.h>

enum sheet_type {
	SHEET_EMPTY = 0,
	SHEET_TEXT,
	SHEET_NUMBER,
	SHEET_DATE,
	SHEET_BOOL,
	SHEET_ERROR,
};

struct sheet_opts {
	const char *sheet;    /* workbook: a worksheet's name or 1-based
				 number; NULL for the first */
	const char *encoding; /* text: NULL to detect, or "utf-8", "gb18030",
				 "utf-16" (BOM or LE) */
};

typedef struct sheet sheet;

/*
 * Open path, choosing the reader by its extension (.xlsx, .xls; anything
 * else is text) and, where the extension is wrong, by its first bytes (a
 * zip or an OLE2 compound file).  Returns NULL with a message in err (for
 * a person: what is wrong with the file and what to do).
 */
sheet *sheet_open(const char *path, const struct sheet_opts *o, char *err,
    size_t errlen);
/* The same over a file held in memory (name gives the extension); data
 * must outlive the reader. */
sheet *sheet_open_mem(const void *data, size_t len, const char *name,
    const struct sheet_opts *o, char *err, size_t errlen);

/*
 * Read the next row.  Returns 1 with the row available, 0 at the end, -1
 * on an error with a message in err that names the row ("line 7: ...").
 * After a row error the reader goes on at the next row; sheet_fatal()
 * tells whether it cannot (a damaged workbook, an undecodable text file).
 * Rows whose cells are all empty are returned too (the caller skips them).
 */
int sheet_next(sheet *s, char *err, size_t errlen);
int sheet_fatal(const sheet *s);

size_t sheet_ncells(const sheet *s);
/* Cell i's text; "" for an empty cell or i beyond the row. */
const char *sheet_cell(const sheet *s, size_t i);
enum sheet_type sheet_cell_type(const sheet *s, size_t i);
/* The row's number as a person sees it (1-based). */
long sheet_row(const sheet *s);
/* What was read, for messages: "CSV (UTF-8)", "CSV (GB18030)", "xlsx",
 * "xls". */
const char *sheet_format(const sheet *s);
/* The share of the input read so far, 0 to 1, or -1 when the reader
 * cannot tell (for a progress line). */
double sheet_progress(const sheet *s);
void sheet_free(sheet *s);

#endif
