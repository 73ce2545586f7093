/*
 * record.h - the five record kinds, their CSV columns and their rules
 * (doc/rules.md §3).  Pure: the server validates with it, the client
 * maps CSV headers with it.
 */
#ifndef POPSTAT_RECORD_H
#define POPSTAT_RECORD_H

#include <stddef.h>
#include <stdint.h>

/* Same numbers as popstat.proto's RecordKind. */
enum record_kind {
	KIND_NONE = 0,
	KIND_BIRTH = 1,
	KIND_DEATH = 2,
	KIND_MIGRATION = 3,
	KIND_POPULATION = 4,
	KIND_VERIFICATION = 5,
};
#define KIND_COUNT 6

/* Column indexes shared by all kinds. */
enum record_col {
	COL_RECORD_ID = 0,
	COL_UNIT,
	COL_DATE,
	COL_SEX,
	COL_BIRTH_ORDER,
	COL_POLICY,
	COL_MOTHER_ID,
	COL_AGE,
	COL_DIRECTION,
	COL_PERSONS,
	COL_COUNT
};

#define RECORD_ID_MAX 64
/* Added to a date's reason when the value is 5 digits, an Excel serial. */
#define RECORD_EXCEL_SERIAL                                                    \
	"this looks like an Excel date serial number:"                         \
	" format the column as a date (2026-05-05) in Excel and save again"
#define UNIT_CODE_MAX 20
#define MOTHER_ID_MAX 64
#define POPULATION_MAX 2000000000LL

/* The validated, normalised content of one record. */
typedef struct record {
	int kind;
	char record_id[RECORD_ID_MAX + 1];
	char unit[UNIT_CODE_MAX + 1];
	int32_t day;
	int sex;         /* 1 male, 2 female (birth, death) */
	int birth_order; /* 1..15 */
	int policy;      /* 1 compliant, 0 not */
	int has_mother;
	char
	    mother_id[MOTHER_ID_MAX + 1]; /* normalised; hashed by the server */
	int age;                          /* 0..130 */
	int direction;                    /* 1 in, 2 out */
	int64_t persons;
} record;

const char *kind_name(int kind); /* "birth", ... ; NULL if bad */
int kind_parse(const char *s);   /* KIND_NONE if unknown */
const char *col_name(int col);   /* "record_id", ... */
int col_parse(const char *s);    /* -1 if unknown */
/* Nonzero if the column belongs to the kind; *required set to 1 if needed. */
int kind_has_col(int kind, int col, int *required);

/*
 * Guess the kind of a CSV file from the set of columns it has (a bitmask of
 * 1 << col).  Returns KIND_NONE when ambiguous or impossible.
 */
int kind_guess(unsigned cols);

/* Nonzero if s is a valid unit code: 1-20 of [0-9A-Za-z_-]. */
int unit_code_valid(const char *s);
/* Nonzero if s is a valid record_id: 1-64 printable ASCII characters. */
int record_id_valid(const char *s);

/*
 * Validate one row.  fields[col] is the text of each column (NULL when the
 * file has no such column).  Leading and trailing blanks are ignored.
 * `today` is the latest acceptable date.  On success returns 0 and fills
 * *out; on failure returns -1, sets *column to the offending column's name
 * and writes the reason into reason.
 */
int
record_validate(int kind, const char *const fields[COL_COUNT], int32_t today,
    record *out, const char **column, char *reason, size_t reasonlen);

/*
 * Every problem of one row, not only the first (doc/rules.md §13).
 * Values are normalised first: trimmed, full-width forms folded, a leading
 * ' (Excel's text marker) dropped; dates in any of date_parse_any()'s
 * forms; mother_id by idcard.h (the form to hash is left in out).
 * record_validate() gives the first column and the reasons joined by "; "
 * (a further column's reason prefixed "column: ").
 */
#define RECORD_ISSUES_MAX 12
#define RECORD_REASON_MAX 240
struct record_issue {
	const char *column;
	char reason[RECORD_REASON_MAX];
};
struct record_issues {
	int n;
	struct record_issue v[RECORD_ISSUES_MAX];
};
/* Returns 0 when the row is valid, else the number of issues. */
int record_check(int kind, const char *const fields[COL_COUNT], int32_t today,
    record *out, struct record_issues *iss);

/* Longest value quoted whole in a reason (then cut with an ellipsis). */
#define RECORD_ECHO_MAX 60

/*
 * The general form of a reason, without the value it quotes, for
 * counting repeated reasons: "'05/05/2025': expected YYYY-MM-DD" gives
 * "expected YYYY-MM-DD", "'X' is not M, F, 男 or 女" gives "is not M, F,
 * 男 or 女".  Writes into buf.
 */
const char *record_reason_key(const char *reason, char *buf, size_t cap);

#endif
