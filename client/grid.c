/*
 * grid.c - typed tables, as aligned text or as an Excel workbook written
 * with libxlsxwriter.
 */
#include "grid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "sbuf.h"
#include "utf8.h"

enum { CELL_TEXT, CELL_NUM, CELL_NONE, CELL_INT };

struct cell {
	int kind, mark, sign;
	double v;
	char *text; /* as printed */
	char *note; /* a comment in a workbook, or NULL */
};

struct grid {
	char *name;
	int ncols, nrows, cur; /* nrows counts the data rows */
	char **header;
	unsigned char *numeric;
	struct cell *cells; /* row-major */
	int cap;
};

struct grid *
grid_new(const char *name)
{
	struct grid *g = xcalloc(1, sizeof *g);

	g->name = xstrdup(name);
	return g;
}

void
grid_free(struct grid *g)
{
	int i;

	if (g == NULL)
		return;
	for (i = 0; i < g->ncols; i++)
		free(g->header[i]);
	for (i = 0; i < g->nrows * g->ncols + g->cur; i++) {
		free(g->cells[i].text);
		free(g->cells[i].note);
	}
	free(g->header);
	free(g->numeric);
	free(g->cells);
	free(g->name);
	free(g);
}

void
grid_col(struct grid *g, const char *header, int numeric)
{
	g->header =
	    xrealloc(g->header, (size_t)(g->ncols + 1) * sizeof *g->header);
	g->numeric = xrealloc(g->numeric, (size_t)(g->ncols + 1));
	g->header[g->ncols] = xstrdup(header);
	g->numeric[g->ncols] = numeric != 0;
	g->ncols++;
}

static struct cell *
next_cell(struct grid *g)
{
	int i = g->nrows * g->ncols + g->cur;

	if (g->cur >= g->ncols)
		return NULL; /* more cells than columns: dropped */
	if (i >= g->cap) {
		g->cap = g->cap ? g->cap * 2 : 64;
		g->cells =
		    xrealloc(g->cells, (size_t)g->cap * sizeof *g->cells);
	}
	g->cur++;
	memset(&g->cells[i], 0, sizeof g->cells[i]);
	return &g->cells[i];
}

void
grid_text_mark(struct grid *g, const char *s, int mark)
{
	struct cell *c = next_cell(g);

	if (c == NULL)
		return;
	c->kind = CELL_TEXT;
	c->mark = mark;
	c->text = xstrdup(s ? s : "");
}

void
grid_text(struct grid *g, const char *s)
{
	grid_text_mark(g, s, 0);
}

static void
num_cell(struct grid *g, int has, double v, int mark, const char *fmt)
{
	struct cell *c = next_cell(g);
	char b[64];

	if (c == NULL)
		return;
	c->mark = mark;
	if (!has) {
		c->kind = CELL_NONE;
		c->text = xstrdup("-");
		return;
	}
	c->kind = CELL_NUM;
	c->v = v;
	c->sign = fmt[1] == '+';
	snprintf(b, sizeof b, fmt, v);
	if (strcmp(b, "-0.00") == 0 || strcmp(b, "+0.00") == 0 ||
	    strcmp(b, "+-0.00") == 0)
		strcpy(b, "0.00");
	c->text = xstrdup(b);
}

void
grid_num(struct grid *g, int has, double v, int mark)
{
	num_cell(g, has, v, mark, "%.2f");
}

void
grid_change(struct grid *g, int has, double v)
{
	num_cell(g, has, v, 0, "%+.2f");
}

void
grid_int(struct grid *g, long long v)
{
	struct cell *c = next_cell(g);
	char b[32];

	if (c == NULL)
		return;
	c->kind = CELL_INT;
	c->v = (double)v;
	snprintf(b, sizeof b, "%lld", v);
	c->text = xstrdup(b);
}

void
grid_note(struct grid *g, const char *note)
{
	struct cell *c;

	if (g->cur == 0 || note == NULL || note[0] == '\0')
		return;
	c = &g->cells[g->nrows * g->ncols + g->cur - 1];
	free(c->note);
	c->note = xstrdup(note);
}

void
grid_end_row(struct grid *g)
{
	while (g->cur < g->ncols)
		grid_text(g, "");
	g->nrows++;
	g->cur = 0;
}

int
grid_rows(const struct grid *g)
{
	return g->nrows;
}

static const char *
cell_text(const struct grid *g, int r, int c)
{
	return r < 0 ? g->header[c] : g->cells[r * g->ncols + c].text;
}

void
grid_print(const struct grid *g, FILE *f)
{
	int *w = xcalloc((size_t)(g->ncols ? g->ncols : 1), sizeof *w);
	int r, c, k;

	for (r = -1; r < g->nrows; r++)
		for (c = 0; c < g->ncols; c++) {
			int x = utf8_width(cell_text(g, r, c));

			if (x > w[c])
				w[c] = x;
		}
	for (r = -1; r < g->nrows; r++) {
		for (c = 0; c < g->ncols; c++) {
			const char *s = cell_text(g, r, c);
			int pad = w[c] - utf8_width(s);

			if (c > 0)
				fputs("  ", f);
			if (g->numeric[c])
				for (k = 0; k < pad; k++)
					fputc(' ', f);
			fputs(s, f);
			if (!g->numeric[c] && c < g->ncols - 1)
				for (k = 0; k < pad; k++)
					fputc(' ', f);
		}
		fputc('\n', f);
	}
	free(w);
}

/* A sheet name Excel accepts: at most 31 characters, none of []:*?/\. */
static void
sheet_name(char *out, size_t n, const char *name, int index)
{
	size_t i = 0, chars = 0;
	const unsigned char *s = (const unsigned char *)name;

	while (*s && chars < 31 && i + 5 < n) {
		size_t len = *s < 0x80 ? 1 : *s < 0xe0 ? 2 : *s < 0xf0 ? 3 : 4;

		if (strchr("[]:*?/\\'", *s) && len == 1) {
			out[i++] = '_';
			s++;
		} else {
			while (len-- && *s)
				out[i++] = (char)*s++;
		}
		chars++;
	}
	out[i] = '\0';
	if (i == 0)
		snprintf(out, n, "Sheet%d", index + 1);
}

int
grid_xlsx(struct grid *const *g, int n, const char *path)
{
	lxw_workbook *wb;
	lxw_format *hdr, *num, *red, *redtext, *chg;
	lxw_error err;
	int i, r, c;

	if ((wb = workbook_new(path)) == NULL) {
		fprintf(stderr, "popstat: %s: cannot create the workbook\n",
		    path);
		return -1;
	}
	hdr = workbook_add_format(wb);
	format_set_bold(hdr);
	format_set_bg_color(hdr, 0xD9E1F2);
	format_set_border(hdr, LXW_BORDER_THIN);
	format_set_align(hdr, LXW_ALIGN_CENTER);
	num = workbook_add_format(wb);
	format_set_num_format(num, "0.00");
	/* 同比 too: two decimals, the sign of a negative change only. */
	chg = workbook_add_format(wb);
	format_set_num_format(chg, "0.00");
	red = workbook_add_format(wb);
	format_set_num_format(red, "0.00");
	format_set_bg_color(red, 0xFFC7CE);
	format_set_font_color(red, 0x9C0006);
	redtext = workbook_add_format(wb);
	format_set_bg_color(redtext, 0xFFC7CE);
	format_set_font_color(redtext, 0x9C0006);
	for (i = 0; i < n; i++) {
		char name[160];
		lxw_worksheet *ws;

		sheet_name(name, sizeof name, g[i]->name, i);
		if ((ws = workbook_add_worksheet(wb, name)) == NULL)
			ws = workbook_add_worksheet(wb, NULL);
		for (c = 0; c < g[i]->ncols; c++) {
			int w = utf8_width(g[i]->header[c]);

			for (r = 0; r < g[i]->nrows; r++) {
				int x = utf8_width(cell_text(g[i], r, c));

				if (x > w)
					w = x;
			}
			/* Excel's width unit is about one Latin digit. */
			worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
			    w + 2 > 60 ? 60 : w + 2, NULL);
			worksheet_write_string(ws, 0, (lxw_col_t)c,
			    g[i]->header[c], hdr);
		}
		worksheet_freeze_panes(ws, 1, 0);
		for (r = 0; r < g[i]->nrows; r++)
			for (c = 0; c < g[i]->ncols; c++) {
				const struct cell *x =
				    &g[i]->cells[r * g[i]->ncols + c];
				lxw_row_t row = (lxw_row_t)(r + 1);

				if (x->kind == CELL_NUM)
					worksheet_write_number(ws, row,
					    (lxw_col_t)c, x->v,
					    x->mark     ? red :
						x->sign ? chg :
							  num);
				else if (x->kind == CELL_INT)
					worksheet_write_number(ws, row,
					    (lxw_col_t)c, x->v, NULL);
				else if (x->kind == CELL_NONE)
					worksheet_write_blank(ws, row,
					    (lxw_col_t)c,
					    x->mark ? redtext : NULL);
				else
					/* Text as text, never a formula. */
					worksheet_write_string(ws, row,
					    (lxw_col_t)c, x->text,
					    x->mark ? redtext : NULL);
				if (x->note)
					worksheet_write_comment(ws, row,
					    (lxw_col_t)c, x->note);
			}
	}
	if ((err = workbook_close(wb)) != LXW_NO_ERROR) {
		fprintf(stderr, "popstat: %s: %s\n", path, lxw_strerror(err));
		return -1;
	}
	return 0;
}
