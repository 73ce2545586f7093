/*
 * books.h - shared by the workbook reader tests: workbooks made at test
 * time by tests/unit/mkbooks.py (Debian's python3 with openpyxl and
 * xlwt), and a transcript of what a reader returns.  Run from the top of
 * the source tree (make test does).
 */
#ifndef POPSTAT_BOOKS_H
#define POPSTAT_BOOKS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sbuf.h"
#include "sheet.h"

static char books_dir[64];

/* Make the workbooks of kind ("xlsx", "xls", "big"); 0 on success. */
static int
books_make(const char *kind)
{
	char cmd[256];

	if (books_dir[0] == '\0') {
		strcpy(books_dir, "/tmp/popstat-books-XXXXXX");
		if (mkdtemp(books_dir) == NULL) {
			books_dir[0] = '\0';
			return -1;
		}
	}
	snprintf(cmd, sizeof cmd,
	    "/usr/bin/python3 tests/unit/mkbooks.py "
	    "%s %s",
	    books_dir, kind);
	return system(cmd) == 0 ? 0 : -1;
}

static void
books_clean(void)
{
	char cmd[128];

	if (books_dir[0] != '\0') {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", books_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", books_dir);
	}
}

static const char *
book(const char *name)
{
	static char path[2][128];
	static int k;

	k ^= 1;
	snprintf(path[k], sizeof path[k], "%s/%s", books_dir, name);
	return path[k];
}

/* Read a file whole (NULL if it cannot be read); *len gets its size. */
static void *
book_load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/*
 * Every row of s as one line "ROW: T:text T:text ...\n" (T the type
 * number; trailing empty cells are not there), or "ERR: message\n", and
 * "END fatal=F\n" last.  Frees s.
 */
static char *
book_transcript(sheet *s)
{
	char err[512], *out;
	sbuf b;
	size_t i;
	int rc, nrows = 0;

	sbuf_init(&b);
	while ((rc = sheet_next(s, err, sizeof err)) != 0 && nrows++ < 1000) {
		if (rc < 0) {
			sbuf_printf(&b, "ERR: %s\n", err);
			continue;
		}
		sbuf_printf(&b, "%ld:", sheet_row(s));
		for (i = 0; i < sheet_ncells(s); i++)
			sbuf_printf(&b, " %d:%s", (int)sheet_cell_type(s, i),
			    sheet_cell(s, i));
		sbuf_putc(&b, '\n');
	}
	sbuf_printf(&b, "END fatal=%d\n", sheet_fatal(s));
	sheet_free(s);
	out = xstrdup(sbuf_str(&b));
	sbuf_free(&b);
	return out;
}

/* The transcript of path read with sheet (NULL: the first), or "OPEN: "
 * and the error. */
static char *
book_read(const char *path, const char *sheetname, int from_mem)
{
	struct sheet_opts o = { sheetname, NULL };
	char err[1024], *out;
	void *data = NULL;
	size_t len = 0;
	sheet *s;

	if (from_mem) {
		data = book_load(path, &len);
		if (data == NULL)
			return xstrdup("OPEN: cannot load");
		s = sheet_open_mem(data, len, path, &o, err, sizeof err);
	} else
		s = sheet_open(path, &o, err, sizeof err);
	if (s == NULL) {
		out = xmalloc(strlen(err) + 8);
		sprintf(out, "OPEN: %s", err);
	} else
		out = book_transcript(s);
	free(data);
	return out;
}

/* Line n (0-based) of a transcript, in a static buffer. */
static const char *
book_line(const char *t, int n)
{
	static char line[1024];
	const char *e;

	while (n-- > 0 && t != NULL) {
		t = strchr(t, '\n');
		if (t != NULL)
			t++;
	}
	if (t == NULL)
		return "";
	e = strchr(t, '\n');
	if (e == NULL)
		e = t + strlen(t);
	snprintf(line, sizeof line, "%.*s", (int)(e - t), t);
	return line;
}

#endif
