/*
 * table.c - plain-text tables whose columns line up in a terminal even with
 * Chinese text: width is measured in display columns, not bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "sbuf.h"
#include "utf8.h"

struct table {
	int ncols;
	char **cells; /* row-major, header row first */
	int nrows, caprows;
	unsigned char *right;
};

const char *
tx(const char *s)
{
	static char bufs[8][4096];
	static int next;
	char *b;

	if (s == NULL || !utf8_needs_escape(s))
		return s;
	b = bufs[next++ % 8];
	return utf8_escape(s, b, sizeof bufs[0]);
}

struct table *
table_new(int ncols, const char *const *headers)
{
	struct table *t = xcalloc(1, sizeof *t);

	t->ncols = ncols;
	t->right = xcalloc((size_t)ncols, 1);
	table_add(t, headers);
	return t;
}

void
table_align_right(struct table *t, int col)
{
	if (col >= 0 && col < t->ncols)
		t->right[col] = 1;
}

void
table_add(struct table *t, const char *const *cells)
{
	int i;

	if (t->nrows == t->caprows) {
		t->caprows = t->caprows ? t->caprows * 2 : 16;
		t->cells = xrealloc(t->cells,
		    (size_t)t->caprows * (size_t)t->ncols * sizeof *t->cells);
	}
	for (i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] =
		    xstrdup(cells[i] ? tx(cells[i]) : "");
	t->nrows++;
}

void
table_print(struct table *t, FILE *f)
{
	int *w = xcalloc((size_t)t->ncols, sizeof *w);
	int r, c, k;

	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			int cw = utf8_width(t->cells[r * t->ncols + c]);

			if (cw > w[c])
				w[c] = cw;
		}
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			int pad = w[c] - utf8_width(s);
			int last = c == t->ncols - 1;

			if (c > 0)
				fputs("  ", f);
			if (t->right[c])
				for (k = 0; k < pad; k++)
					fputc(' ', f);
			fputs(s, f);
			if (!t->right[c] && !last)
				for (k = 0; k < pad; k++)
					fputc(' ', f);
		}
		fputc('\n', f);
	}
	free(w);
}

void
table_free(struct table *t)
{
	int i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->right);
	free(t);
}
