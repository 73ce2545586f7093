/*
 * row.h - a Submit's Row message field by CSV column (record.h's COL_*):
 * the client fills a Row from a CSV line, the server (and the envelope
 * fuzz target) reads it back for record_validate().
 */
#ifndef POPSTAT_ROW_H
#define POPSTAT_ROW_H

#include "popstat.pb-c.h"
#include "record.h"

/* The Row's field for column col (COL_PERSONS for any other). */
char **row_slot(Popstat__Row *r, int col);
/* f[col] = the Row's field for every column; NULL where it has none. */
void row_fields(const Popstat__Row *r, const char *f[COL_COUNT]);

#endif
