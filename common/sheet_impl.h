/*
 * sheet_impl.h - what a reader of sheet.h fills in; only sheet*.c include
 * it.  A reader allocates a struct sheet (or a struct that begins with
 * one), sets next and destroy, and on each row sets ncells, cells[] and
 * types[] (storage the reader owns until its next call) and row.
 */
#ifndef POPSTAT_SHEET_IMPL_H
#define POPSTAT_SHEET_IMPL_H

#include "sheet.h"

struct sheet {
	int (*next)(sheet *s, char *err, size_t errlen);
	void (*destroy)(sheet *s);
	double (*progress)(const sheet *s); /* NULL: unknown */
	size_t ncells;
	char **cells;
	unsigned char *types;
	long row;
	int fatal;
	const char *format;
};

sheet *sheet_open_text(const char *path, const void *data, size_t len,
    const struct sheet_opts *o, char *err, size_t errlen);
sheet *sheet_open_xlsx(const char *path, const void *data, size_t len,
    const struct sheet_opts *o, char *err, size_t errlen);
sheet *sheet_open_xls(const char *path, const void *data, size_t len,
    const struct sheet_opts *o, char *err, size_t errlen);

#endif
