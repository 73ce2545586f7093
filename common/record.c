/*
 * record.c - record kinds, columns and validation rules.
 */
#include "record.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "date.h"
#include "sbuf.h"
#include "utf8.h"

static const char *const kind_names[KIND_COUNT] = {
	NULL, "birth", "death", "migration", "population", "verification"
};

static const char *const col_names[COL_COUNT] = {
	"record_id", "unit", "date", "sex", "birth_order", "policy",
	"mother_id", "age", "direction", "persons"
};

/* Longest field text examined; longer input is rejected as too long. */
#define CSV_FIELD_MAX CSV_MAX_FIELD

#define C(x) (1u << (x))
#define BASE (C(COL_RECORD_ID) | C(COL_UNIT) | C(COL_DATE))

/* Columns each kind has, and which of them must have a value. */
static const unsigned kind_cols[KIND_COUNT] = {
	0,
	BASE | C(COL_SEX) | C(COL_BIRTH_ORDER) | C(COL_POLICY) | C(COL_MOTHER_ID),
	BASE | C(COL_SEX) | C(COL_AGE),
	BASE | C(COL_DIRECTION) | C(COL_PERSONS),
	BASE | C(COL_PERSONS),
	BASE | C(COL_MOTHER_ID),
};
static const unsigned kind_required[KIND_COUNT] = {
	0,
	BASE | C(COL_SEX) | C(COL_BIRTH_ORDER) | C(COL_POLICY),
	BASE | C(COL_SEX) | C(COL_AGE),
	BASE | C(COL_DIRECTION) | C(COL_PERSONS),
	BASE | C(COL_PERSONS),
	BASE | C(COL_MOTHER_ID),
};

const char *
kind_name(int kind)
{
	return kind > 0 && kind < KIND_COUNT ? kind_names[kind] : NULL;
}

/*
 * Accepts the singular names and the plural a clerk may type ("births").
 */
int
kind_parse(const char *s)
{
	int k;
	size_t n;

	for (k = 1; k < KIND_COUNT; k++) {
		n = strlen(kind_names[k]);
		if (strcmp(s, kind_names[k]) == 0 ||
		    (strncmp(s, kind_names[k], n) == 0 && strcmp(s + n, "s") == 0))
			return k;
	}
	return KIND_NONE;
}

const char *
col_name(int col)
{
	return col >= 0 && col < COL_COUNT ? col_names[col] : "?";
}

int
col_parse(const char *s)
{
	int c;

	for (c = 0; c < COL_COUNT; c++)
		if (strcmp(s, col_names[c]) == 0)
			return c;
	return -1;
}

int
kind_has_col(int kind, int col, int *required)
{
	if (kind <= 0 || kind >= KIND_COUNT || col < 0 || col >= COL_COUNT)
		return 0;
	if (required)
		*required = (kind_required[kind] & C(col)) != 0;
	return (kind_cols[kind] & C(col)) != 0;
}

/*
 * The kind whose required columns are all present and whose columns cover
 * the file's columns; unique or nothing.
 */
int
kind_guess(unsigned cols)
{
	int k, found = KIND_NONE;

	for (k = 1; k < KIND_COUNT; k++) {
		if ((cols & kind_required[k]) != kind_required[k])
			continue;
		if ((cols & ~kind_cols[k]) != 0)
			continue;
		if (found != KIND_NONE)
			return KIND_NONE;
		found = k;
	}
	return found;
}

int
unit_code_valid(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '_' && s[n] != '-')
			return 0;
	return n >= 1 && n <= UNIT_CODE_MAX;
}

int
record_id_valid(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if ((unsigned char)s[n] < 0x20 || (unsigned char)s[n] > 0x7e)
			return 0;
	return n >= 1 && n <= RECORD_ID_MAX;
}

/* Trim blanks into a bounded copy; returns -1 when it does not fit. */
static int
trim_copy(const char *s, char *dst, size_t cap)
{
	const char *e;
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	n = (size_t)(e - s);
	if (n >= cap)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/*
 * Bytes of s to echo in a message, at most max, cut at a character
 * boundary: s is valid UTF-8 and the message must stay so (it is sent in
 * a protobuf string), so "%.24s" alone could split a character.
 */
static int
echo_len(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}

/* A whole decimal number in [lo, hi], digits only. */
static int
parse_int(const char *s, long long lo, long long hi, long long *out,
    char *reason, size_t rlen)
{
	long long v = 0;
	const char *p = s;

	if (*p == '\0') {
		xsnprintf(reason, rlen, "empty; expected a whole number");
		return -1;
	}
	for (; *p; p++) {
		if (!isdigit((unsigned char)*p)) {
			xsnprintf(reason, rlen, "'%.*s' is not a whole number",
			    echo_len(s, 20), s);
			return -1;
		}
		if (v > hi)
			break;
		v = v * 10 + (*p - '0');
	}
	if (*p || v < lo || v > hi) {
		xsnprintf(reason, rlen, "%.*s is out of range %lld-%lld",
		    echo_len(s, 20), s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

/*
 * One field, checked for presence; returns the trimmed text in buf or NULL
 * with a reason.
 */
static const char *
field(const char *const fields[COL_COUNT], int kind, int col, char *buf,
    size_t cap, char *reason, size_t rlen)
{
	int required = 0;
	const char *s = fields[col];

	kind_has_col(kind, col, &required);
	if (s == NULL) {
		if (required)
			xsnprintf(reason, rlen, "missing");
		else
			buf[0] = '\0';
		return required ? NULL : buf;
	}
	if (!utf8_valid(s, strlen(s))) {
		xsnprintf(reason, rlen, "invalid UTF-8");
		return NULL;
	}
	if (trim_copy(s, buf, cap) < 0) {
		xsnprintf(reason, rlen, "longer than %zu bytes", cap - 1);
		return NULL;
	}
	if (required && buf[0] == '\0') {
		xsnprintf(reason, rlen, "empty; a value is required");
		return NULL;
	}
	return buf;
}

#define FAIL(col) do { *column = col_names[col]; return -1; } while (0)

int
record_validate(int kind, const char *const fields[COL_COUNT], int32_t today,
    record *out, const char **column, char *reason, size_t rlen)
{
	char buf[CSV_FIELD_MAX + 1], derr[96], tb[16];
	const char *v;
	long long n;
	size_t i;

	memset(out, 0, sizeof *out);
	out->kind = kind;
	*column = "kind";
	if (kind_name(kind) == NULL) {
		xsnprintf(reason, rlen, "unknown record kind");
		return -1;
	}
	for (i = 0; i < COL_COUNT; i++) {
		if (fields[i] != NULL && !kind_has_col(kind, (int)i, NULL)) {
			xsnprintf(reason, rlen, "not a column of %s records",
			    kind_names[kind]);
			FAIL(i);
		}
	}

	if ((v = field(fields, kind, COL_RECORD_ID, buf, sizeof buf, reason, rlen)) == NULL)
		FAIL(COL_RECORD_ID);
	if (!record_id_valid(v)) {
		xsnprintf(reason, rlen, strlen(v) > RECORD_ID_MAX ?
		    "longer than 64 characters" :
		    "must be printable ASCII characters");
		FAIL(COL_RECORD_ID);
	}
	strcpy(out->record_id, v);

	if ((v = field(fields, kind, COL_UNIT, buf, sizeof buf, reason, rlen)) == NULL)
		FAIL(COL_UNIT);
	if (!unit_code_valid(v)) {
		xsnprintf(reason, rlen,
		    "'%.*s' is not a unit code (1-20 of 0-9 A-Z a-z _ -)",
		    echo_len(v, 24), v);
		FAIL(COL_UNIT);
	}
	strcpy(out->unit, v);

	if ((v = field(fields, kind, COL_DATE, buf, sizeof buf, reason, rlen)) == NULL)
		FAIL(COL_DATE);
	if (date_parse(v, &out->day, derr, sizeof derr) < 0) {
		xsnprintf(reason, rlen, "'%.*s': %s", echo_len(v, 24), v,
		    derr);
		FAIL(COL_DATE);
	}
	if (out->day > today) {
		xsnprintf(reason, rlen, "%s is after today (%s)", v,
		    date_format(today, tb));
		FAIL(COL_DATE);
	}

	if (kind == KIND_BIRTH || kind == KIND_DEATH) {
		if ((v = field(fields, kind, COL_SEX, buf, sizeof buf, reason, rlen)) == NULL)
			FAIL(COL_SEX);
		if (strcmp(v, "M") == 0 || strcmp(v, "m") == 0 || strcmp(v, "男") == 0)
			out->sex = 1;
		else if (strcmp(v, "F") == 0 || strcmp(v, "f") == 0 || strcmp(v, "女") == 0)
			out->sex = 2;
		else {
			xsnprintf(reason, rlen, "'%.*s' is not M, F, 男 or 女",
			    echo_len(v, 24), v);
			FAIL(COL_SEX);
		}
	}
	if (kind == KIND_BIRTH) {
		if ((v = field(fields, kind, COL_BIRTH_ORDER, buf, sizeof buf, reason, rlen)) == NULL)
			FAIL(COL_BIRTH_ORDER);
		if (parse_int(v, 1, 15, &n, reason, rlen) < 0)
			FAIL(COL_BIRTH_ORDER);
		out->birth_order = (int)n;
		if ((v = field(fields, kind, COL_POLICY, buf, sizeof buf, reason, rlen)) == NULL)
			FAIL(COL_POLICY);
		if (strcmp(v, "Y") == 0 || strcmp(v, "y") == 0 || strcmp(v, "符合") == 0)
			out->policy = 1;
		else if (strcmp(v, "N") == 0 || strcmp(v, "n") == 0 || strcmp(v, "不符合") == 0)
			out->policy = 0;
		else {
			xsnprintf(reason, rlen, "'%.*s' is not Y, N, 符合 or 不符合",
			    echo_len(v, 24), v);
			FAIL(COL_POLICY);
		}
	}
	if (kind == KIND_BIRTH || kind == KIND_VERIFICATION) {
		if ((v = field(fields, kind, COL_MOTHER_ID, buf, sizeof buf, reason, rlen)) == NULL)
			FAIL(COL_MOTHER_ID);
		if (strlen(v) > MOTHER_ID_MAX) {
			xsnprintf(reason, rlen, "longer than %d bytes", MOTHER_ID_MAX);
			FAIL(COL_MOTHER_ID);
		}
		for (i = 0; v[i]; i++) {
			if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
				xsnprintf(reason, rlen, "contains a control character");
				FAIL(COL_MOTHER_ID);
			}
			/* ID numbers end in X or x: one spelling matches both. */
			out->mother_id[i] = (char)toupper((unsigned char)v[i]);
		}
		out->mother_id[i] = '\0';
		out->has_mother = i > 0;
	}
	if (kind == KIND_DEATH) {
		if ((v = field(fields, kind, COL_AGE, buf, sizeof buf, reason, rlen)) == NULL)
			FAIL(COL_AGE);
		if (parse_int(v, 0, 130, &n, reason, rlen) < 0)
			FAIL(COL_AGE);
		out->age = (int)n;
	}
	if (kind == KIND_MIGRATION) {
		if ((v = field(fields, kind, COL_DIRECTION, buf, sizeof buf, reason, rlen)) == NULL)
			FAIL(COL_DIRECTION);
		if (strcmp(v, "in") == 0 || strcmp(v, "IN") == 0 || strcmp(v, "迁入") == 0)
			out->direction = 1;
		else if (strcmp(v, "out") == 0 || strcmp(v, "OUT") == 0 || strcmp(v, "迁出") == 0)
			out->direction = 2;
		else {
			xsnprintf(reason, rlen, "'%.*s' is not in or out",
			    echo_len(v, 24), v);
			FAIL(COL_DIRECTION);
		}
	}
	if (kind == KIND_MIGRATION || kind == KIND_POPULATION) {
		if ((v = field(fields, kind, COL_PERSONS, buf, sizeof buf, reason, rlen)) == NULL)
			FAIL(COL_PERSONS);
		if (parse_int(v, kind == KIND_MIGRATION ? 1 : 0,
		    kind == KIND_MIGRATION ? 100000 : POPULATION_MAX, &n,
		    reason, rlen) < 0)
			FAIL(COL_PERSONS);
		out->persons = n;
	}
	return 0;
}
