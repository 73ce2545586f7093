/*
 * record.c - record kinds, columns and validation rules.
 */
#include "record.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "date.h"
#include "idcard.h"
#include "sbuf.h"
#include "utf8.h"

static const char *const kind_names[KIND_COUNT] = { NULL, "birth", "death",
	"migration", "population", "verification" };

static const char *const col_names[COL_COUNT] = { "record_id", "unit", "date",
	"sex", "birth_order", "policy", "mother_id", "age", "direction",
	"persons" };

/* Longest field text examined; longer input is rejected as too long. */
#define CSV_FIELD_MAX CSV_MAX_FIELD

#define C(x) (1u << (x))
#define BASE (C(COL_RECORD_ID) | C(COL_UNIT) | C(COL_DATE))

/* Columns each kind has, and which of them must have a value. */
static const unsigned kind_cols[KIND_COUNT] = {
	0,
	BASE | C(COL_SEX) | C(COL_BIRTH_ORDER) | C(COL_POLICY) |
	    C(COL_MOTHER_ID),
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
		    (strncmp(s, kind_names[k], n) == 0 &&
			strcmp(s + n, "s") == 0))
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

/*
 * Normalise a value into a bounded copy: full-width forms folded, blanks
 * (and no-break spaces) trimmed, leading ' (Excel's text marker) dropped.
 * Returns -1 when it does not fit.
 */
static int
norm_copy(const char *s, char *dst, size_t cap)
{
	const char *b, *e;
	size_t n;

	if (strlen(s) >= cap)
		return -1;
	n = utf8_fold(s, dst);
	b = dst;
	e = dst + n;
	for (;;) {
		if (*b == ' ' || *b == '\t' || *b == '\'')
			b++;
		else if ((unsigned char)b[0] == 0xc2 &&
		    (unsigned char)b[1] == 0xa0)
			b += 2;
		else
			break;
	}
	for (;;) {
		if (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		else if (e - b >= 2 && (unsigned char)e[-2] == 0xc2 &&
		    (unsigned char)e[-1] == 0xa0)
			e -= 2;
		else
			break;
	}
	n = (size_t)(e - b);
	memmove(dst, b, n);
	dst[n] = '\0';
	return 0;
}

/* s quoted for a message: whole up to RECORD_ECHO_MAX bytes, else cut. */
#define Q(s) utf8_echo((s), RECORD_ECHO_MAX, qbuf, sizeof qbuf)

struct vstate {
	struct record_issues *iss;
};

static void __attribute__((format(printf, 3, 4)))
issue(struct vstate *st, int col, const char *fmt, ...)
{
	struct record_issue *x;
	va_list ap;

	if (st->iss->n >= RECORD_ISSUES_MAX)
		return;
	x = &st->iss->v[st->iss->n++];
	x->column = col < 0 ? "kind" : col_names[col];
	va_start(ap, fmt);
	vsnprintf(x->reason, sizeof x->reason, fmt, ap);
	va_end(ap);
	utf8_scrub(x->reason);
}

/* A whole decimal number in [lo, hi], digits only. */
static int
parse_int(struct vstate *st, int col, const char *s, long long lo, long long hi,
    long long *out)
{
	char qbuf[RECORD_ECHO_MAX + 8];
	long long v = 0;
	const char *p = s;

	for (; *p; p++) {
		if (!isdigit((unsigned char)*p)) {
			issue(st, col, "'%s' is not a whole number", Q(s));
			return -1;
		}
		if (v > hi)
			break;
		v = v * 10 + (*p - '0');
	}
	if (*p || v < lo || v > hi) {
		issue(st, col, "%s is out of range %lld-%lld", Q(s), lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

/*
 * One field, checked for presence; returns the normalised text in buf or
 * NULL (with an issue when it is required or malformed).  An optional
 * field that is absent or empty gives "".
 */
static const char *
field(struct vstate *st, const char *const fields[COL_COUNT], int kind, int col,
    char *buf, size_t cap)
{
	int required = 0;
	const char *s = fields[col];

	kind_has_col(kind, col, &required);
	if (s == NULL) {
		if (required) {
			issue(st, col, "missing");
			return NULL;
		}
		buf[0] = '\0';
		return buf;
	}
	if (!utf8_valid(s, strlen(s))) {
		issue(st, col, "invalid UTF-8");
		return NULL;
	}
	if (norm_copy(s, buf, cap) < 0) {
		issue(st, col, "longer than %zu bytes", cap - 1);
		return NULL;
	}
	if (required && buf[0] == '\0') {
		issue(st, col, "empty; a value is required");
		return NULL;
	}
	return buf;
}

static int
is_any(const char *v, const char *const *words)
{
	for (; *words; words++)
		if (strcasecmp(v, *words) == 0)
			return 1;
	return 0;
}

int
record_check(int kind, const char *const fields[COL_COUNT], int32_t today,
    record *out, struct record_issues *iss)
{
	static const char *const male[] = { "M", "男", NULL };
	static const char *const female[] = { "F", "女", NULL };
	static const char *const yes[] = { "Y", "符合", "是", NULL };
	static const char *const no[] = { "N", "不符合", "否", NULL };
	static const char *const in[] = { "in", "迁入", NULL };
	static const char *const outw[] = { "out", "迁出", NULL };
	char buf[CSV_FIELD_MAX + 1], derr[96], tb[16],
	    qbuf[RECORD_ECHO_MAX + 8];
	char idr[2][160];
	struct vstate st;
	const char *v;
	long long n;
	int dated = 0, k;
	size_t i;

	memset(out, 0, sizeof *out);
	memset(&st, 0, sizeof st);
	iss->n = 0;
	st.iss = iss;
	out->kind = kind;
	if (kind_name(kind) == NULL) {
		issue(&st, -1, "unknown record kind");
		return iss->n;
	}
	for (i = 0; i < COL_COUNT; i++) {
		if (fields[i] != NULL && !kind_has_col(kind, (int)i, NULL)) {
			issue(&st, (int)i, "not a column of %s records",
			    kind_names[kind]);
			return iss->n;
		}
	}

	if ((v = field(&st, fields, kind, COL_RECORD_ID, buf, sizeof buf)) !=
	    NULL) {
		if (strlen(v) > RECORD_ID_MAX)
			issue(&st, COL_RECORD_ID, "longer than 64 characters");
		else if (!record_id_valid(v))
			issue(&st, COL_RECORD_ID,
			    "'%s' must be printable ASCII"
			    " characters",
			    Q(v));
		else
			strcpy(out->record_id, v);
	}

	if ((v = field(&st, fields, kind, COL_UNIT, buf, sizeof buf)) != NULL) {
		if (!unit_code_valid(v))
			issue(&st, COL_UNIT,
			    "'%s' is not a unit code (1-20 of"
			    " 0-9 A-Z a-z _ -)",
			    Q(v));
		else
			strcpy(out->unit, v);
	}

	if ((v = field(&st, fields, kind, COL_DATE, buf, sizeof buf)) != NULL) {
		if (date_parse_any(v, &out->day, derr, sizeof derr) < 0) {
			/* Five digits: what Excel writes for a date in a
			 * column of "General" format (days since 1899-12-30).
			 */
			if (strlen(v) == 5 && strspn(v, "0123456789") == 5)
				issue(&st, COL_DATE, "'%s': %s; %s", Q(v), derr,
				    RECORD_EXCEL_SERIAL);
			else
				issue(&st, COL_DATE, "'%s': %s", Q(v), derr);
		} else if (out->day > today)
			issue(&st, COL_DATE, "%s is after today (%s)",
			    date_format(out->day, derr),
			    date_format(today, tb));
		else
			dated = 1;
	}

	if (kind == KIND_BIRTH || kind == KIND_DEATH) {
		if ((v = field(&st, fields, kind, COL_SEX, buf, sizeof buf)) !=
		    NULL) {
			if (is_any(v, male))
				out->sex = 1;
			else if (is_any(v, female))
				out->sex = 2;
			else
				issue(&st, COL_SEX,
				    "'%s' is not M, F, 男 or 女", Q(v));
		}
	}
	if (kind == KIND_BIRTH) {
		if ((v = field(&st, fields, kind, COL_BIRTH_ORDER, buf,
			 sizeof buf)) != NULL &&
		    parse_int(&st, COL_BIRTH_ORDER, v, 1, 15, &n) == 0)
			out->birth_order = (int)n;
		if ((v = field(&st, fields, kind, COL_POLICY, buf,
			 sizeof buf)) != NULL) {
			if (is_any(v, yes))
				out->policy = 1;
			else if (is_any(v, no))
				out->policy = 0;
			else
				issue(&st, COL_POLICY,
				    "'%s' is not Y, N, 符合,"
				    " 不符合, 是 or 否",
				    Q(v));
		}
	}
	if (kind == KIND_BIRTH || kind == KIND_VERIFICATION) {
		char id[MOTHER_ID_MAX + 1];

		v = fields[COL_MOTHER_ID];
		if (v != NULL && !utf8_valid(v, strlen(v)))
			issue(&st, COL_MOTHER_ID, "invalid UTF-8");
		else if (v != NULL && idcard_normalise(v, id, sizeof id) < 0)
			issue(&st, COL_MOTHER_ID, "longer than %d bytes",
			    MOTHER_ID_MAX);
		else if (v == NULL || id[0] == '\0') {
			if (kind == KIND_VERIFICATION)
				issue(&st, COL_MOTHER_ID,
				    v == NULL ? "missing" :
						"empty; a value is required");
		} else {
			for (i = 0; id[i]; i++)
				if ((unsigned char)id[i] < 0x20 ||
				    id[i] == 0x7f)
					break;
			if (id[i] != '\0')
				issue(&st, COL_MOTHER_ID,
				    "contains a control character");
			else if ((k = idcard_check(id, dated ? out->day : today,
				      out->mother_id, sizeof out->mother_id,
				      idr, 2)) > 0) {
				for (i = 0; i < (size_t)k; i++)
					issue(&st, COL_MOTHER_ID, "%s", idr[i]);
				out->mother_id[0] = '\0';
			} else
				out->has_mother = 1;
		}
	}
	if (kind == KIND_DEATH) {
		if ((v = field(&st, fields, kind, COL_AGE, buf, sizeof buf)) !=
			NULL &&
		    parse_int(&st, COL_AGE, v, 0, 130, &n) == 0)
			out->age = (int)n;
	}
	if (kind == KIND_MIGRATION) {
		if ((v = field(&st, fields, kind, COL_DIRECTION, buf,
			 sizeof buf)) != NULL) {
			if (is_any(v, in))
				out->direction = 1;
			else if (is_any(v, outw))
				out->direction = 2;
			else
				issue(&st, COL_DIRECTION,
				    "'%s' is not in, out,"
				    " 迁入 or 迁出",
				    Q(v));
		}
	}
	if (kind == KIND_MIGRATION || kind == KIND_POPULATION) {
		if ((v = field(&st, fields, kind, COL_PERSONS, buf,
			 sizeof buf)) != NULL &&
		    parse_int(&st, COL_PERSONS, v,
			kind == KIND_MIGRATION ? 1 : 0,
			kind == KIND_MIGRATION ? 100000 : POPULATION_MAX,
			&n) == 0)
			out->persons = n;
	}
	return iss->n;
}

int
record_validate(int kind, const char *const fields[COL_COUNT], int32_t today,
    record *out, const char **column, char *reason, size_t rlen)
{
	struct record_issues iss;
	size_t o = 0;
	int i;

	if (record_check(kind, fields, today, out, &iss) == 0)
		return 0;
	*column = iss.v[0].column;
	reason[0] = '\0';
	for (i = 0; i < iss.n && o + 1 < rlen; i++) {
		if (i == 0)
			snprintf(reason, rlen, "%s", iss.v[0].reason);
		else if (iss.v[i].column == iss.v[i - 1].column)
			snprintf(reason + o, rlen - o, "; %s", iss.v[i].reason);
		else
			snprintf(reason + o, rlen - o, "; %s: %s",
			    iss.v[i].column, iss.v[i].reason);
		o = strlen(reason);
	}
	/* A cut may have split a character: the reason is a proto string. */
	utf8_scrub(reason);
	return -1;
}

const char *
record_reason_key(const char *reason, char *buf, size_t cap)
{
	const char *p = reason, *q;

	if (*p == '\'' && (q = strchr(p + 1, '\'')) != NULL) {
		/* The quoted value ends at the last quote before ": " or " ".
		 */
		const char *colon = strstr(p + 1, "': ");
		const char *space = strstr(p + 1, "' ");

		if (colon != NULL && (space == NULL || colon <= space))
			p = colon + 3;
		else if (space != NULL)
			p = space + 2;
	}
	snprintf(buf, cap, "%s", p);
	return buf;
}
