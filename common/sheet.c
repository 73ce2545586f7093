/*
 * sheet.c - choose a register reader by the file's name and first bytes,
 * and the accessors that every reader shares (sheet.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sheet_impl.h"

enum sheet_kind { KIND_TEXT, KIND_XLSX, KIND_XLS };

static int
ends_with(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);

	return n >= e && strcasecmp(name + n - e, ext) == 0;
}

/* A zip (xlsx) starts "PK\3\4"; an OLE2 compound file (xls) D0 CF 11 E0. */
static enum sheet_kind
sniff(const char *name, const unsigned char *head, size_t n)
{
	if (n >= 4 && memcmp(head, "PK\3\4", 4) == 0)
		return KIND_XLSX;
	if (n >= 4 && memcmp(head, "\xd0\xcf\x11\xe0", 4) == 0)
		return KIND_XLS;
	if (ends_with(name, ".xlsx"))
		return KIND_XLSX;
	if (ends_with(name, ".xls"))
		return KIND_XLS;
	return KIND_TEXT;
}

static sheet *
open_kind(enum sheet_kind k, const char *path, const void *data, size_t len,
    const struct sheet_opts *o, char *err, size_t errlen)
{
	static const struct sheet_opts none;

	if (o == NULL)
		o = &none;
	switch (k) {
	case KIND_XLSX: return sheet_open_xlsx(path, data, len, o, err, errlen);
	case KIND_XLS: return sheet_open_xls(path, data, len, o, err, errlen);
	default: return sheet_open_text(path, data, len, o, err, errlen);
	}
}

sheet *
sheet_open(const char *path, const struct sheet_opts *o, char *err,
    size_t errlen)
{
	unsigned char head[8];
	size_t n = 0;
	FILE *f;

	f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open: %m", path);
		return NULL;
	}
	n = fread(head, 1, sizeof head, f);
	fclose(f);
	return open_kind(sniff(path, head, n), path, NULL, 0, o, err, errlen);
}

sheet *
sheet_open_mem(const void *data, size_t len, const char *name,
    const struct sheet_opts *o, char *err, size_t errlen)
{
	return open_kind(sniff(name ? name : "", data, len), NULL, data, len, o,
	    err, errlen);
}

int
sheet_next(sheet *s, char *err, size_t errlen)
{
	if (s->fatal)
		return 0;
	return s->next(s, err, errlen);
}

int
sheet_fatal(const sheet *s)
{
	return s->fatal;
}

size_t
sheet_ncells(const sheet *s)
{
	return s->ncells;
}

const char *
sheet_cell(const sheet *s, size_t i)
{
	return i < s->ncells && s->cells[i] != NULL ? s->cells[i] : "";
}

enum sheet_type
sheet_cell_type(const sheet *s, size_t i)
{
	return i < s->ncells ? (enum sheet_type)s->types[i] : SHEET_EMPTY;
}

long
sheet_row(const sheet *s)
{
	return s->row;
}

const char *
sheet_format(const sheet *s)
{
	return s->format;
}

double
sheet_progress(const sheet *s)
{
	return s->progress != NULL ? s->progress(s) : -1;
}

void
sheet_free(sheet *s)
{
	if (s != NULL)
		s->destroy(s);
}
