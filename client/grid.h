/*
 * grid.h - a table of typed cells, printed as aligned text (CJK text is
 * two columns a character) or written as an Excel workbook (one sheet a
 * grid; DESIGN.md section 14): numbers as numeric cells with two
 * decimals, the header row frozen, widths fitted to the text, a missed or
 * vetoed value marked with a red fill.
 */
#ifndef POPSTAT_GRID_H
#define POPSTAT_GRID_H

#include <stdio.h>

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

#endif
