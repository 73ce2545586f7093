/*
 * header.h - the header row of a register mapped to record columns
 * (doc/rules.md §13): names matched after trimming, folding full-width
 * forms and ASCII case; the fixed Chinese aliases; --map HEADER=column,
 * --ignore HEADER and --ignore-unknown; empty header cells (a trailing
 * comma) ignored while their column is empty.  Pure: no I/O.
 */
#ifndef POPSTAT_HEADER_H
#define POPSTAT_HEADER_H

#include <stddef.h>

#include "record.h"

#define HEADER_MAX_RULES 32

/* What a header cell maps to, besides a column number (record.h). */
#define HEADER_IGNORED (-1) /* --ignore, --ignore-unknown: dropped */
#define HEADER_EMPTY (-2)   /* no name: its cells must be empty */

struct header_opts {
	const char *map_from[HEADER_MAX_RULES];
	int map_to[HEADER_MAX_RULES];
	size_t nmap;
	const char *ignore[HEADER_MAX_RULES];
	size_t nignore;
	int ignore_unknown;
};

/*
 * Fold a header name for matching: trimmed, full-width folded, ASCII lower
 * case.  Writes into out (cap bytes); returns out.
 */
char *header_fold(const char *name, char *out, size_t cap);

/* The column a header name means (a column name or an alias), or -1. */
int header_col(const char *name);

/*
 * Add "HEADER=column" to o (--map).  Returns 0, or -1 with a reason.
 */
int header_add_map(struct header_opts *o, const char *rule, char *err,
    size_t errlen);

/*
 * Map the n header cells: map[i] gets a column, HEADER_IGNORED or
 * HEADER_EMPTY.  *kind is the --kind given or KIND_NONE, then recognised
 * from the columns.  Returns 0, or -1 with "column: reason" in err (the
 * caller prefixes the line): an unknown header (with the fix), a column
 * named twice, a kind that cannot be told, a column the kind does not
 * have, a required column missing.
 */
int header_map(const char *const *cells, size_t n, const struct header_opts *o,
    int *kind, int *map, char *err, size_t errlen);

#endif
