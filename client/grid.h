/*
 * grid.h - a table of typed cells, printed as aligned text (CJK text is
 * two columns a character) or written as an Excel workbook (one sheet a
 * grid; doc/indicators.md §14): numbers as numeric cells with two
 * decimals, the header row frozen, widths fitted to the text, a missed or
 * vetoed value marked with a red fill.
 */
#ifndef POPSTAT_GRID_H
#define POPSTAT_GRID_H

#include <stdio.h>

#include "sbuf.h"

struct grid;

/* A grid named name (the sheet's name in a workbook). */
struct grid *grid_new(const char *name);
void grid_free(struct grid *g);
/* Add a column; numeric columns are right-aligned. */
void grid_col(struct grid *g, const char *header, int numeric);
/* The next cell of the current row (a row ends with grid_end_row). */
void grid_text(struct grid *g, const char *s);
/* A number at 2 decimals ("-" / an empty cell when !has); mark: red. */
void grid_num(struct grid *g, int has, double v, int mark);
/* The same with a sign: "+0.25" (a change, 同比). */
void grid_change(struct grid *g, int has, double v);
void grid_int(struct grid *g, long long v);
void grid_end_row(struct grid *g);
/* A note on the last cell added (a comment in a workbook: why marked). */
void grid_note(struct grid *g, const char *note);
/* Text marked too (a status such as 一票否决). */
void grid_text_mark(struct grid *g, const char *s, int mark);

void grid_print(const struct grid *g, FILE *f);
/*
 * Write grids g[0..n) to path as an .xlsx workbook.  Returns 0, or -1
 * after printing why.
 */
int grid_xlsx(struct grid *const *g, int n, const char *path);
/* The number of data rows (the header not counted). */
int grid_rows(const struct grid *g);

/*
 * The output options of a command (main.c parses them for all): csv is
 * nonzero when the command writes CSV this time.  --bom and --encoding
 * belong to CSV, --output to CSV and --format xlsx.  Returns 0, or an
 * exit status after a usage message.
 */
int out_check(const char *cmd, int csv);
/*
 * Write the UTF-8 CSV text in b to --output (else standard output), as
 * --encoding and --bom say.  Returns 0, or an exit status after saying
 * why.
 */
int out_csv(const char *cmd, const sbuf *b);
/*
 * With --format xlsx, write grids g[0..n) to --output as a workbook (one
 * sheet each); else print them.  Frees them.  Returns 0 or an exit status.
 */
int out_grids(struct grid **g, int n);

#endif
