/*
 * regfile.h - a register read as records (doc/rules.md §13), the part of
 * `popstat submit` and `popstat check` that needs no server, shared with
 * the browser upload (server/web.c) so that both read a file alike: the
 * header found on the first non-empty row and mapped by header.h
 * (Chinese aliases, full-width and case folding, --map, --ignore); rows of
 * empty cells skipped; a row with more or fewer fields than the header, a
 * value under no header or under an empty header refused; a mother_id that
 * Excel stored as a number and damaged refused; every other rule that
 * needs no server applied by record_check().  Pure: reads an open sheet.
 */
#ifndef POPSTAT_REGFILE_H
#define POPSTAT_REGFILE_H

#include <stddef.h>
#include <stdint.h>

#include "header.h"
#include "record.h"
#include "sheet.h"

struct regfile {
	sheet *s;            /* not owned */
	int kind;            /* given or recognised from the header */
	int *map;            /* header cell -> COL_*, HEADER_IGNORED, ... */
	size_t ncols;        /* header cells that are columns */
	int text;            /* a text file: fields must match the header */
	unsigned long blank; /* rows of empty cells, skipped */
	int32_t today;       /* dates after it are refused */
	long header_line;
	int done;       /* the sheet is at its end */
	int read_error; /* the last row could not be read at all */
};

/* Whether the sheet's current row has nothing but blanks. */
int regfile_row_blank(const sheet *s);

/*
 * Read the header of the open sheet s into g, kind KIND_NONE or the kind
 * given.  Returns 0; or -1 with "line L: column: reason" (or the reader's
 * message) in err: the file is empty, cannot be read, or its header does
 * not name the columns of one kind.  g->today starts as the latest date.
 */
int regfile_open(struct regfile *g, sheet *s, const struct header_opts *o,
    int kind, char *err, size_t errlen);

/*
 * The next data row.  Returns 1 with fields[] (the cell of each column,
 * NULL where the file has none; valid until the next call) and *line set;
 * 2 when the row breaks a rule that needs no server (its reasons in iss);
 * 0 at the end; -1 when the file cannot be read further (the reason in
 * iss->v[0]).
 */
int regfile_next(struct regfile *g, const char *fields[COL_COUNT], long *line,
    struct record_issues *iss);

/* The data rows left (after a header that failed): each counts rejected. */
unsigned long regfile_count_rest(struct regfile *g);

/* Free what regfile_open() allocated (not the sheet). */
void regfile_close(struct regfile *g);

/* A column's letter as Excel shows it (0 -> A, 26 -> AA). */
void regfile_col_letter(size_t i, char buf[8]);

#endif
