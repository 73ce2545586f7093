/*
 * regfile.c - a register read as records (regfile.h): the header mapped,
 * then each data row checked against the rules that need no server.
 */
#include "regfile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "idcard.h"
#include "sbuf.h"

int
regfile_row_blank(const sheet *s)
{
	size_t i;
	const char *c;

	for (i = 0; i < sheet_ncells(s); i++)
		for (c = sheet_cell(s, i); *c; c++)
			if (*c != ' ' && *c != '\t')
				return 0;
	return 1;
}

void
regfile_col_letter(size_t i, char buf[8])
{
	char t[8];
	size_t n = 0, k;

	i++;
	while (i > 0 && n < 7) {
		t[n++] = (char)('A' + (i - 1) % 26);
		i = (i - 1) / 26;
	}
	for (k = 0; k < n; k++)
		buf[k] = t[n - 1 - k];
	buf[n] = '\0';
}

int
regfile_open(struct regfile *g, sheet *s, const struct header_opts *o, int kind,
    char *err, size_t errlen)
{
	char herr[900];
	const char **cells;
	size_t i;
	int rc;

	memset(g, 0, sizeof *g);
	g->s = s;
	g->kind = kind;
	g->today = date_from_ymd(DATE_MAX_YEAR, 12, 31);
	g->text = strncmp(sheet_format(s), "CSV", 3) == 0 ||
	    strncmp(sheet_format(s), "tab", 3) == 0;
	/* The header: the first row with a value in it. */
	for (;;) {
		err[0] = '\0';
		rc = sheet_next(s, err, errlen);
		if (rc == 0) {
			g->done = 1;
			xsnprintf(err, errlen,
			    "line 1: header: the file is"
			    " empty");
			return -1;
		}
		if (rc < 0) {
			if (sheet_fatal(s))
				g->done = 1;
			return -1;
		}
		if (!regfile_row_blank(s))
			break;
	}
	g->header_line = sheet_row(s);
	g->ncols = sheet_ncells(s);
	/* Trailing empty header cells of a workbook row are not columns. */
	while (
	    !g->text && g->ncols > 0 && sheet_cell(s, g->ncols - 1)[0] == '\0')
		g->ncols--;
	cells = xcalloc(g->ncols ? g->ncols : 1, sizeof *cells);
	g->map = xcalloc(g->ncols ? g->ncols : 1, sizeof *g->map);
	for (i = 0; i < g->ncols; i++)
		cells[i] = sheet_cell(s, i);
	rc =
	    header_map(cells, g->ncols, o, &g->kind, g->map, herr, sizeof herr);
	free(cells);
	if (rc == 0)
		return 0;
	xsnprintf(err, errlen, "line %ld: %s", g->header_line, herr);
	return -1;
}

unsigned long
regfile_count_rest(struct regfile *g)
{
	char err[512];
	unsigned long rows = 0;
	int rc;

	if (g->done)
		return 0;
	while ((rc = sheet_next(g->s, err, sizeof err)) != 0) {
		if (rc < 0 && sheet_fatal(g->s))
			break;
		if (rc < 0 || !regfile_row_blank(g->s))
			rows++;
	}
	g->done = 1;
	return rows;
}

void
regfile_close(struct regfile *g)
{
	free(g->map);
	g->map = NULL;
}

/* One issue of a row: column and reason. */
static int one_issue(struct record_issues *iss, const char *column,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
one_issue(struct record_issues *iss, const char *column, const char *fmt, ...)
{
	va_list ap;

	iss->n = 1;
	iss->v[0].column = column;
	va_start(ap, fmt);
	vsnprintf(iss->v[0].reason, sizeof iss->v[0].reason, fmt, ap);
	va_end(ap);
	return 2;
}

int
regfile_next(struct regfile *g, const char *fields[COL_COUNT], long *line,
    struct record_issues *iss)
{
	char err[512], letter[8];
	struct record_issues more;
	record rec;
	size_t i, n;
	int rc, damaged = 0, k;

	g->read_error = 0;
	for (;;) {
		iss->n = 0;
		if (g->done)
			return 0;
		rc = sheet_next(g->s, err, sizeof err);
		*line = sheet_row(g->s);
		if (rc == 0) {
			g->done = 1;
			return 0;
		}
		if (rc < 0) {
			/* "line N: reason" from the reader. */
			const char *why = strncmp(err, "line ", 5) == 0 ?
			    strchr(err, ':') :
			    NULL;

			g->read_error = 1;
			one_issue(iss, g->text ? "csv" : "file", "%s",
			    why ? why + 2 : err);
			if (sheet_fatal(g->s)) {
				g->done = 1;
				return -1;
			}
			return 2;
		}
		if (!regfile_row_blank(g->s))
			break;
		g->blank++;
	}
	n = sheet_ncells(g->s);
	for (i = g->ncols; i < n; i++)
		if (sheet_cell(g->s, i)[0] != '\0')
			break;
	if (i < n) {
		if (g->text)
			return one_issue(iss, "row",
			    "has %zu fields, the header"
			    " has %zu",
			    n, g->ncols);
		regfile_col_letter(i, letter);
		return one_issue(iss, "row",
		    "column %s has a value but no"
		    " header",
		    letter);
	}
	if (g->text && n < g->ncols)
		return one_issue(iss, "row",
		    "has %zu fields, the header has"
		    " %zu",
		    n, g->ncols);
	for (k = 0; k < COL_COUNT; k++)
		fields[k] = NULL;
	for (i = 0; i < g->ncols; i++) {
		int c = g->map[i];

		if (c == HEADER_EMPTY && sheet_cell(g->s, i)[0] != '\0') {
			regfile_col_letter(i, letter);
			return one_issue(iss, "row",
			    "field %zu (column %s) has"
			    " a value but its header is empty; name the column"
			    " or remove the value",
			    i + 1, letter);
		}
		if (c < 0)
			continue;
		fields[c] = i < n ? sheet_cell(g->s, i) : "";
		if (c == COL_MOTHER_ID && i < n &&
		    sheet_cell_type(g->s, i) == SHEET_NUMBER &&
		    idcard_number_damaged(fields[c]))
			damaged = 1;
	}
	record_check(g->kind, fields, g->today, &rec, &more);
	memset(&rec, 0, sizeof rec);
	if (damaged) {
		iss->v[iss->n].column = col_name(COL_MOTHER_ID);
		xsnprintf(iss->v[iss->n].reason, sizeof iss->v[0].reason, "%s",
		    IDCARD_DAMAGED);
		iss->n++;
	}
	for (k = 0; k < more.n && iss->n < RECORD_ISSUES_MAX; k++) {
		if (damaged && strcmp(more.v[k].column, "mother_id") == 0)
			continue;
		iss->v[iss->n++] = more.v[k];
	}
	return iss->n > 0 ? 2 : 1;
}
