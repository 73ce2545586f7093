/*
 * csv.h - a streaming CSV reader (RFC 4180 plus what spreadsheets emit).
 *
 * UTF-8, an optional BOM at the very start (skipped), CRLF or LF (or a lone
 * CR) line ends, fields optionally quoted with "" as an escaped quote; quoted
 * fields may contain commas and line breaks.  The reader pulls input through
 * a callback in chunks, so a file of any size is read in bounded memory: one
 * record at a time, at most CSV_MAX_FIELD bytes a field and CSV_MAX_FIELDS
 * fields a record.
 */
#ifndef POPSTAT_CSV_H
#define POPSTAT_CSV_H

#include <stddef.h>
#include <stdio.h>

#define CSV_MAX_FIELD 4096
#define CSV_MAX_FIELDS 64

/* Read up to cap bytes into buf; return bytes read, 0 at end, -1 on error. */
typedef long (*csv_read_fn)(void *ctx, char *buf, size_t cap);

typedef struct csv_reader csv_reader;

csv_reader *csv_new(csv_read_fn fn, void *ctx);
csv_reader *csv_new_file(FILE *f); /* reads from f */
csv_reader *
csv_new_mem(const char *data, size_t len); /* data must outlive it */
void csv_free(csv_reader *r);
/* Separate fields by d instead of ',' (a tab for tab-separated text). */
void csv_set_delim(csv_reader *r, char d);

/*
 * Read the next record.  Returns 1 with the record available through
 * csv_nfields/csv_field/csv_field_len/csv_line, 0 at end of input, -1 on an
 * error with a message in err naming the line and the reason ("line 7:
 * unterminated quoted field", "line 9: field 3 longer than 4096 bytes",
 * "line 2: more than 64 fields", "line 4: invalid UTF-8").  After an error
 * the reader resynchronises at the next line end, so the caller can report
 * the line and go on; an error on unterminated quote ends the input.
 *
 * A completely empty line (no characters at all) is skipped, not returned
 * as a record of one empty field.
 */
int csv_next(csv_reader *r, char *err, size_t errlen);

size_t csv_nfields(const csv_reader *r);
/* NUL-terminated field text, valid until the next csv_next(). */
const char *csv_field(const csv_reader *r, size_t i);
size_t csv_field_len(const csv_reader *r, size_t i);
/* 1-based physical line on which the current record starts. */
long csv_line(const csv_reader *r);

#endif
